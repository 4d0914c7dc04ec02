"""A hosted class end to end: JupyterHub, nbgrader's exchange and the course's own steps, in headless Chromium.

    make hub-test         (root: accounts, runuser, JupyterHub's LocalProcessSpawner; `make test` runs it too)

From scratch each run, everything under /srv/cnn1d-hub-e2e: the hub as make hub-install installs it (its venv, the
slow part, is kept in /var/cache/cnn1d-hub-e2e/venv between runs, rebuilt when pyproject.toml changes), Unix
accounts instructor, student_a, student_b (PAM passwords, homes 0700, made by provision.sh), the exchange (1777);
the instructor's own checkout of this repository in ~instructor/cnn1d-scratch (the files git knows, as a clone has
them). JupyterHub + configurable-http-proxy listen on 127.0.0.1:8150 (servers on 8160-8199).

The story: the instructor runs `make release-exchange` (the course's release and its checks). In the browser,
student A fetches cnn1d, pastes the reference body of notebook 01, validates, submits; student B submits a forward
that forgets the bias. The instructor, in JupyterLab: Course List, the formgrader; its Collect button runs
`make collect-exchange` (students named from their accounts), Unrelease is refused; `make autograde` in a terminal
(the sandbox, as the instructor's Unix user); the formgrader lists the students by name with their scores; its
Release Feedback button runs `make return-feedback`. Each student fetches feedback and sees their own score:
A 10/10 on notebook 01, B 8/10. Through the hub and as Unix users, nobody reads another's files or the
instructor's. Screenshots, the hub's log and the timings: artifacts/hub/. Everything started is stopped; accounts
and /srv/cnn1d-hub-e2e are removed unless KEEP_HUB_E2E=1.
"""

import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from hub_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Lab,
    account_exists,
    account_pids,
    kill_pids,
    need_chromium,
    port_open,
    run,
    stop_process,
    wait_http,
)

from autograde.course import REPO, notebook_named
from autograde.demo_class.make_submissions import solution_cells, student_notebook
from autograde.problems.mistake import demo_mistakes
from autograde.settings import ASSIGNMENT, COURSE_ID

pytestmark = [pytest.mark.hub, pytest.mark.slow]

E2E = Path(os.environ.get("HUB_E2E_ROOT", "/srv/cnn1d-hub-e2e"))
HUB_VENV = Path(os.environ.get("HUB_E2E_VENV", "/var/cache/cnn1d-hub-e2e/venv"))
PREFIX, EXCHANGE, STATE = E2E / "prefix", E2E / "exchange", E2E / "hub"
PORT = int(os.environ.get("HUB_E2E_PORT", "8150"))
URL = f"http://127.0.0.1:{PORT}"
SHOTS = ARTIFACTS / "hub"
INSTRUCTOR, STUDENT_A, STUDENT_B = "instructor", "student_a", "student_b"
OUTSIDER = "cnn1d_outsider"  # a local account in neither course group: must not get in
USERS = (INSTRUCTOR, STUDENT_A, STUDENT_B, OUTSIDER)
FULL_NAMES = {INSTRUCTOR: "Ito, Ines", STUDENT_A: "Aoki, Akira", STUDENT_B: "Brown, Bea"}
CHECKOUT = Path("/home") / INSTRUCTOR / "cnn1d-scratch"
COURSE_DIR = CHECKOUT / "course"
NOTEBOOK = notebook_named("01_simple_conv1d")
KEEP = os.environ.get("KEEP_HUB_E2E") == "1"

TIMINGS: dict[str, float] = {}  # step -> seconds since the hub fixture started
START = [time.perf_counter()]


def step(name: str) -> None:
    TIMINGS[name] = round(time.perf_counter() - START[0], 1)
    print(f"[{TIMINGS[name]:6.1f} s] {name}", flush=True)


def user_env(user: str) -> list[str]:
    """The environment of a terminal in the user's hub server (what jupyterhub_config.py gives the server)."""
    home = pwd.getpwnam(user).pw_dir
    config_path = os.pathsep.join(str(PREFIX / "deploy" / part) for part in ("roles/instructor", "global"))
    return ["env", "-i", f"HOME={home}", f"USER={user}", f"LOGNAME={user}", "LANG=C.UTF-8",
            f"PATH={HUB_VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin", "OPENBLAS_NUM_THREADS=1", "KERAS_BACKEND=numpy",
            f"JUPYTER_CONFIG_PATH={config_path}", f"CNN1D_EXCHANGE_ROOT={EXCHANGE}", f"CNN1D_COURSE_ID={COURSE_ID}"]


def as_user(user: str, *command, check=True) -> subprocess.CompletedProcess:
    return run("runuser", "-u", user, "--", *user_env(user), *command, check=check, cwd=pwd.getpwnam(user).pw_dir)


def make_as_instructor(target: str) -> str:
    """A course step, typed by the instructor in a terminal of their hub server (their checkout, the hub's venv)."""
    result = as_user(INSTRUCTOR, "make", "--no-print-directory", "-C", CHECKOUT, f"VENV={HUB_VENV}", target)
    return result.stdout + result.stderr


def remove_everything() -> None:
    """Accounts, their processes, /srv/cnn1d-hub-e2e: what a previous run may have left."""
    kill_pids(account_pids(USERS))
    for user in USERS:
        if account_exists(user):
            run("userdel", "--remove", user, check=False)
    for group in ("cnn1d-instructors", "cnn1d-students"):
        run("groupdel", group, check=False)
    shutil.rmtree(E2E, ignore_errors=True)


def copy_checkout(target: Path) -> None:
    """The instructor's own checkout: the files git knows here (committed or not; without git, the tree minus what
    .gitignore names), modification times kept (the venv's stamp must stay newer than pyproject.toml)."""
    listed = run("git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard", check=False)
    if listed.returncode == 0:
        names = sorted(set(filter(None, listed.stdout.split("\0"))))
    else:
        skip = {".git", ".venv", "course", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"}
        names = [str(path.relative_to(REPO)) for path in REPO.rglob("*")
                 if path.is_file() and not skip & set(path.relative_to(REPO).parts)]
    for name in names:
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    run("chown", "-R", f"{INSTRUCTOR}:{INSTRUCTOR}", target)


def solution_code(released_path: Path, mistakes=()) -> str:
    """Notebook 01's solution cell as a student writes it: the reference body, or the reference with mistakes."""
    released = nbformat.read(released_path, as_version=4)
    (cell,) = solution_cells(student_notebook(released, NOTEBOOK.solution_module, mistakes))
    return cell.source


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.skip("the hub test needs root (useradd, runuser, JupyterHub's LocalProcessSpawner); CI runs as root")
    START[0] = time.perf_counter()
    need_chromium()
    busy = [port for port in (PORT, PORT + 1, PORT + 2) if port_open(port)]
    assert not busy, f"ports {busy} are in use: another hub running?"
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    remove_everything()
    run("make", "--no-print-directory", "-C", REPO, "hub-install", f"HUB_PREFIX={PREFIX}", f"HUB_VENV={HUB_VENV}")
    step("make hub-install (venv kept between runs; proxy, recipe, data)")

    passwords = {user: secrets.token_urlsafe(12) for user in USERS}
    env = dict(os.environ, CNN1D_INSTRUCTORS=INSTRUCTOR, CNN1D_STUDENTS=f"{STUDENT_A} {STUDENT_B}",
               CNN1D_EXCHANGE_ROOT=str(EXCHANGE), CNN1D_HUB_STATE=str(STATE), CNN1D_DATA_DIR=str(PREFIX / "data"),
               **{f"CNN1D_FULLNAME_{user}": name for user, name in FULL_NAMES.items()})
    run("useradd", "--create-home", OUTSIDER)
    run(REPO / "deploy" / "jupyterhub" / "provision.sh", env=env,
        input="".join(f"{user}:{password}\n" for user, password in passwords.items()))
    copy_checkout(CHECKOUT)
    step("accounts, groups, exchange, the instructor's checkout")

    log = make_as_instructor("release-exchange")
    assert f"Released as: {COURSE_ID} {ASSIGNMENT}" in log and "equal to notebooks/" in log, log
    step("instructor: make release-exchange (the course's release and checks)")

    hub_env = dict(os.environ, CNN1D_EXCHANGE_ROOT=str(EXCHANGE), CNN1D_HUB_STATE=str(STATE),
                   CNN1D_HUB_PORT=str(PORT), CNN1D_MAKE_ARGS=f"VENV={HUB_VENV}",
                   PATH=f"{HUB_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}")
    hub_log = open(SHOTS / "jupyterhub.log", "w")
    process = subprocess.Popen([HUB_VENV / "bin" / "jupyterhub", "-f", PREFIX / "deploy" / "jupyterhub_config.py"],
                               cwd=STATE, env=hub_env, stdout=hub_log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        wait_http(f"{URL}/hub/health", 60)
        step("JupyterHub + configurable-http-proxy up")
        yield passwords
    finally:
        stop_hub(process)
        hub_log.close()
        step("hub stopped, servers and kernels gone")
        if not KEEP:
            remove_everything()
        (SHOTS / "timings.json").write_text(json.dumps(TIMINGS, indent=1) + "\n")
        print(f"total {time.perf_counter() - START[0]:.0f} s; timings in {SHOTS / 'timings.json'}")


def stop_hub(process: subprocess.Popen) -> None:
    """SIGTERM: the hub stops the single-user servers (cleanup_servers) and its proxy; then what is left, by pid."""
    stop_process(process)
    leftovers = account_pids(USERS)
    proxy_pid = STATE / "jupyterhub-proxy.pid"
    if proxy_pid.is_file() and proxy_pid.read_text().strip().isdigit():
        leftovers.append(int(proxy_pid.read_text().strip()))
    kill_pids(leftovers)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(port_open(port) for port in range(PORT, PORT + 50)):
        time.sleep(0.5)
    still = [port for port in range(PORT, PORT + 50) if port_open(port)]
    assert not still, f"ports still open after teardown: {still}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def log_in(browser, user: str, password: str) -> Lab:
    """A person's own browser context, logged in to the hub, on their JupyterLab."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{URL}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=180_000)  # spawn + JupyterLab load
    page.wait_for_selector("#jp-main-dock-panel")
    page.locator(".jp-DirListing-content").wait_for()
    return Lab(context, page, SHOTS, user)


def http_status(lab: Lab, path: str) -> int:
    """Status of a GET with this person's cookies (the hub's OAuth redirects followed)."""
    return lab.context.request.get(f"{URL}{path}", fail_on_status_code=False).status


def score(text: str) -> tuple[float, float]:
    match = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
    assert match, f"no 'Score: x / y' in {text[:500]!r}"
    return float(match[1]), float(match[2])


def formgrader_dialog(page, frame=None):
    where = frame or page
    dialog = where.locator("#success-modal .modal-dialog, #error-modal .modal-dialog").first
    dialog.wait_for(timeout=300_000)
    page.wait_for_timeout(300)
    return dialog, dialog.inner_text()


def test_class_on_the_hub(hub, browser):
    passwords = hub
    released = COURSE_DIR / "release" / ASSIGNMENT / NOTEBOOK.filename

    # A local account outside the course groups does not get in, even with the right password
    page = browser.new_page()
    page.goto(f"{URL}/hub/login")
    page.fill("#username_input", OUTSIDER)
    page.fill("#password_input", passwords[OUTSIDER])
    page.click("#login_submit")
    page.get_by_text("Invalid username or password").wait_for(timeout=30_000)
    page.close()

    # Student A: the Assignment List only; fetch, paste a correct body into notebook 01, validate, submit
    a = log_in(browser, STUDENT_A, passwords[STUDENT_A])
    step("student A logged in, server spawned, JupyterLab loaded")
    a.assignment_list()
    a.page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()
    assert a.menu_items() == ["Assignment List"], "students see only the Assignment List in the Nbgrader menu"
    a.shot("01_student_a_assignment_list")
    a.fetch(ASSIGNMENT)
    a.open_notebook(NOTEBOOK.name)
    a.fill_solution(solution_code(released))
    a.shot("02_student_a_notebook_filled")
    result = a.validate()
    a.shot("03_student_a_validate")
    assert "Success! Your notebook passes all the tests." in result, result
    a.close_dialog()
    a.submit(ASSIGNMENT)
    a.shot("04_student_a_submitted")
    step("student A fetched, filled, validated (success), submitted")

    # Student B: a forward that forgets the bias; validation fails, B submits anyway
    b = log_in(browser, STUDENT_B, passwords[STUDENT_B])
    b.fetch(ASSIGNMENT)
    b.open_notebook(NOTEBOOK.name)
    b.fill_solution(solution_code(released, demo_mistakes(NOTEBOOK)))
    result = b.validate()
    b.shot("05_student_b_validate_failed")
    assert "Success!" not in result and "The following cell failed" in result and "forward(x) differs" in result, result
    b.close_dialog()
    b.submit(ASSIGNMENT)
    b.shot("06_student_b_submitted")
    step("student B submitted a wrong forward (validation failed)")

    # The instructor in JupyterLab: Nbgrader menu, Course List, the formgrader inside Lab
    teacher = log_in(browser, INSTRUCTOR, passwords[INSTRUCTOR])
    page = teacher.page
    items = teacher.menu_items()
    assert {"Assignment List", "Course List", "Formgrader"} <= set(items) and "Create assignment" not in items, items
    teacher.open_panel("Course List")
    page.locator("#formgrader_list").get_by_text(COURSE_ID).first.wait_for()
    teacher.shot("07_instructor_course_list")
    teacher.open_panel("Formgrader")
    grader = page.frame_locator(".jp-MainAreaWidget iframe")  # needs frame-ancestors 'self' (roles/instructor)
    row = grader.locator("#main-table tr", has_text=ASSIGNMENT).first
    row.wait_for()
    step("instructor logged in; Course List and the formgrader inside JupyterLab")

    # Formgrader "Collect" runs the course's `make collect-exchange`, its output in the formgrader's dialog
    row.locator("td.collect a").click()
    dialog, text = formgrader_dialog(page, grader)
    teacher.shot("08_instructor_formgrader_collect_runs_make")
    assert "Successfully collected" in text and "collect-exchange" in text, text
    assert "2 students: 2 collected" in text and "from the Unix accounts' full names" in text, text
    for student in (STUDENT_A, STUDENT_B):
        assert (COURSE_DIR / "submitted" / student / ASSIGNMENT / NOTEBOOK.filename).is_file()
        assert (COURSE_DIR / "submitted" / student / ASSIGNMENT / "submission_secret.txt").is_file()
    dialog.locator("button", has_text="OK").click()
    dialog.wait_for(state="hidden")
    # "Unrelease" has no course step: it only explains, and the assignment stays released
    row.locator("td.release a").click()
    dialog = grader.locator("#error-modal .modal-dialog").first
    dialog.wait_for()
    page.wait_for_timeout(300)
    assert "does not run this step" in dialog.inner_text(), dialog.inner_text()
    teacher.shot("09_instructor_formgrader_unrelease_refused")
    dialog.locator("button", has_text="OK").click()
    assert (EXCHANGE / COURSE_ID / "outbound" / ASSIGNMENT).is_dir()
    step("instructor: formgrader Collect ran make collect-exchange; Unrelease refused")

    # Autograde: the course's step in a terminal, as the instructor's Unix user (the sandbox in a user namespace)
    log = make_as_instructor("autograde")
    assert "SKIPPED" not in log and "FAILED" not in log, log
    step("instructor: make autograde (terminal)")

    # The formgrader: names (no "None, None") and scores; "Release Feedback" runs `make return-feedback`
    page.goto(f"{URL}/user/{INSTRUCTOR}/formgrader/manage_students")
    page.locator("#main-table tr", has_text=STUDENT_A).first.wait_for()
    table = page.locator("#main-table").inner_text()
    assert "None, None" not in table, table
    assert re.search(r"Aoki, Akira\s+student_a\s+\S*\s*10 / \d+", table), table
    assert re.search(r"Brown, Bea\s+student_b\s+\S*\s*8 / \d+", table), table
    teacher.shot("10_instructor_formgrader_students")
    page.goto(f"{URL}/user/{INSTRUCTOR}/formgrader/manage_assignments")
    page.locator("#main-table tr", has_text=ASSIGNMENT).first.locator("td.release-feedback a").click()
    _, text = formgrader_dialog(page)
    teacher.shot("11_instructor_formgrader_release_feedback_runs_make")
    assert "Successfully released feedback" in text and "return-feedback" in text, text
    step("instructor: formgrader Release Feedback ran make return-feedback")

    # Through the hub nobody reaches another's server (all three servers are running now)
    for path in (f"/user/{STUDENT_B}/api/contents/{ASSIGNMENT}", f"/user/{INSTRUCTOR}/api/contents/cnn1d-scratch",
                 f"/user/{INSTRUCTOR}/formgrader/api/students",
                 f"/user/{INSTRUCTOR}/files/cnn1d-scratch/course/gradebook.db"):
        assert http_status(a, path) == 403, f"student A reached {path}"
    assert http_status(a, f"/user/{STUDENT_A}/api/contents/{ASSIGNMENT}") == 200
    assert http_status(teacher, f"/user/{STUDENT_A}/api/contents/{ASSIGNMENT}") == 403
    # only the instructor's server may be framed (by the hub's own origin); students' keep JupyterHub's 'none'
    csp = {lab.user: lab.context.request.get(f"{URL}/user/{lab.user}/lab").headers.get(
        "content-security-policy", "") for lab in (a, teacher)}
    assert "frame-ancestors 'none'" in csp[STUDENT_A] and "frame-ancestors 'self'" in csp[INSTRUCTOR], csp
    teacher.context.close()

    # Each student fetches their feedback and sees their own score
    a.fetch_feedback()
    text_a = a.view_feedback(NOTEBOOK.name)
    a.shot("12_student_a_feedback")
    b.fetch_feedback()
    text_b = b.view_feedback(NOTEBOOK.name)
    b.shot("13_student_b_feedback")
    assert score(text_a) == (10, 10), text_a[:300]
    assert score(text_b) == (8, 10), text_b[:300]
    assert "test_forward_values" in text_b
    assert "Total / 合計: 8 /" in text_b, text_b[:500]  # the course box: the exchange returns no summary page
    print(f"scores: {STUDENT_A} {score(text_a)}, {STUDENT_B} {score(text_b)}")
    step("students fetched feedback: A full marks, B less")

    # Unix permissions: no student reads another's files, the instructor's checkout or the exchange's inbox
    checks = [
        (STUDENT_A, ["cat", f"/home/{STUDENT_B}/{ASSIGNMENT}/{NOTEBOOK.filename}"]),
        (STUDENT_B, ["cat", f"/home/{STUDENT_A}/{ASSIGNMENT}/{NOTEBOOK.filename}"]),
        (STUDENT_A, ["ls", f"/home/{STUDENT_B}"]),
        (STUDENT_A, ["ls", f"/home/{INSTRUCTOR}"]),
        (STUDENT_A, ["cat", str(CHECKOUT / "solutions" / "p1_simple_conv1d.py")]),
        (STUDENT_A, ["cat", str(COURSE_DIR / "gradebook.db")]),
        (STUDENT_A, ["cat", str(COURSE_DIR / "source" / ASSIGNMENT / NOTEBOOK.filename)]),
        (STUDENT_B, ["ls", str(COURSE_DIR / "submitted" / STUDENT_A)]),
        (STUDENT_A, ["ls", str(EXCHANGE / COURSE_ID / "inbound")]),  # submissions: no listing
        (STUDENT_A, ["ls", str(EXCHANGE / COURSE_ID / "feedback")]),  # feedback: no listing
        (STUDENT_A, ["rm", "-rf", str(EXCHANGE / COURSE_ID)]),  # nor deleting the course's exchange folder
    ]
    for user, command in checks:
        result = as_user(user, *command, check=False)
        assert result.returncode != 0 and "ermission denied" in result.stderr, \
            f"{user} could run {command}: {result.returncode} {result.stdout[:200]} {result.stderr[:200]}"
    assert (EXCHANGE / COURSE_ID / "outbound" / ASSIGNMENT).is_dir()
    # what a student is meant to read: their own files, the release, the course data (notebook 8: ~/data)
    as_user(STUDENT_A, "cat", f"/home/{STUDENT_A}/{ASSIGNMENT}/{NOTEBOOK.filename}")
    as_user(STUDENT_B, "ls", str(EXCHANGE / COURSE_ID / "outbound" / ASSIGNMENT))
    as_user(STUDENT_B, HUB_VENV / "bin" / "python", "-c",
            "import pathlib; assert (pathlib.Path.home() / 'data' / 'mnist.npz').stat().st_size > 10_000_000")
    step("unix isolation checked")
    a.context.close()
    b.context.close()
