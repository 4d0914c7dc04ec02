"""The student's path end to end, without the repository: the bundle unpacked into an empty folder, its own venv from
its requirements.txt, the reference-filled notebooks 1 and 8 run there, and notebook 1 completed in JupyterLab in
headless Chromium (playwright from PyPI driving Debian's /usr/bin/chromium).

One venv for the module (pip reuses its cache: about 1-3 minutes). Screenshots and the lab's log go to
artifacts/student-lab/ (gitignored) for a person to look at.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from hub_support import paste_into_cell, wait_http

from autograde.build.release import release
from autograde.build.student_bundle import ZIP_NAME, write_bundle
from autograde.course import REPO, Course, notebook_named
from autograde.demo_class.make_submissions import student_notebook
from autograde.problems.mistake import demo_mistakes
from autograde.settings import ASSIGNMENT

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "artifacts" / "student-lab"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOK = "01_simple_conv1d"


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} -> {result.returncode}\n{result.stdout[-4000:]}\n" \
                                   f"{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """The bundle unzipped into an empty folder, with a venv built from its own requirements.txt."""
    root = tmp_path_factory.mktemp("student-lab")
    course = Course(root / "course")
    assert release(course)
    archive = write_bundle(course, root / "dist")
    home = root / "home"  # an empty folder: nothing of the repository above or beside it
    home.mkdir()
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(home)
    folder = home / ASSIGNMENT
    start = time.perf_counter()
    run(sys.executable, "-m", "venv", str(folder / ".venv"))
    python = folder / ".venv" / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
        str(folder / "requirements.txt"), cwd=folder)
    print(f"student venv from requirements.txt in {time.perf_counter() - start:.0f} s")
    return folder, python, course


def fill_with_reference(folder: Path, name: str) -> Path:
    """The notebook of the bundle with every stub replaced by the model answer, as a student would write it."""
    path = folder / f"{name}.ipynb"
    notebook = student_notebook(nbformat.read(path, as_version=4), notebook_named(name).solution_module)
    nbformat.write(notebook, path)
    return path


def test_the_zip_is_the_folder_and_holds_only_what_a_student_gets(student):
    folder, _, _ = student
    archive = folder.parents[1] / "dist" / ZIP_NAME
    with zipfile.ZipFile(archive) as zipped:
        names = {name for name in zipped.namelist() if not name.endswith("/")}
    files = {f"{ASSIGNMENT}/{path.relative_to(folder)}" for path in folder.rglob("*")
             if path.is_file() and ".venv" not in path.parts}
    assert names == files
    assert not [name for name in names if any(word in name for word in ("solution", "autograde", "gradebook",
                                                                        "hidden", "probe", "judge", "course/"))]


@pytest.mark.parametrize("name", [NOTEBOOK, "08_mnist_classifier"])
def test_reference_notebooks_run_in_the_student_environment(student, name):
    folder, python, _ = student
    path = fill_with_reference(folder, name)
    start = time.perf_counter()
    run(str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
        "--ExecutePreprocessor.timeout=600", str(path), cwd=folder,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "JUPYTER_CONFIG_PATH": str(folder / "lab-config")})
    print(f"{name} executed in the student venv in {time.perf_counter() - start:.0f} s")
    notebook = nbformat.read(path, as_version=4)
    errors = [(index, output.ename) for index, cell in enumerate(notebook.cells)
              for output in cell.get("outputs", []) if output.output_type == "error"]
    assert errors == []
    summary = next(cell for cell in notebook.cells if cell.source == "check_all()")
    text = "".join(output.get("text", "") for output in summary.outputs)
    checks = sum(1 for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade"))
    assert f"{checks} of {checks} checks ok" in text, text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(student):
    """JupyterLab started the way the student README says (start_lab.py), as root if we are root."""
    folder, python, _ = student
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    port, token = free_port(), secrets.token_hex(16)
    log = open(ARTIFACTS / "jupyterlab.log", "w")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "CNN1D_"))}
    env.update(HOME=str(folder.parent), OPENBLAS_NUM_THREADS="1")
    server = subprocess.Popen([str(python), "start_lab.py", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
                              cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", 90)
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()


def solution_text(name: str, mistakes=()) -> str:
    """The solution cell as a student writes it: the model answer, with the given demo mistakes made."""
    item = notebook_named(name)
    filled = student_notebook(nbformat.read(item.student_path, as_version=4), item.solution_module, mistakes)
    return next(cell.source for cell in filled.cells if cell.metadata.get("nbgrader", {}).get("solution"))


def write_cell_and_run_all(page, code: str) -> str:
    """Paste `code` into the solution cell (one input event: CodeMirror would auto-indent typed text), save, Run All;
    the text of the check_all() summary once it is there."""
    paste_into_cell(page, page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="class SimpleConv1d").first, code)
    page.click(".lm-MenuBar-itemLabel:text-is('Kernel')")  # a fresh kernel and no old output to mistake for new
    page.click(".lm-Menu-itemLabel:text-is('Restart Kernel and Clear Outputs of All Cells…')")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    page.locator(".jp-OutputArea-output").first.wait_for(state="detached")
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    summary = page.locator(".jp-OutputArea-output", has_text="checks ok")
    summary.wait_for(timeout=120_000)
    summary.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return summary.inner_text()


def test_a_student_completes_notebook_1_in_the_browser(student, lab):
    from playwright.sync_api import sync_playwright

    folder, _, _ = student
    nbformat.write(nbformat.read(notebook_named(NOTEBOOK).student_path, as_version=4),
                   folder / f"{NOTEBOOK}.ipynb")  # blank again: the test above filled it
    url, token = lab
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{url}/lab/tree/{NOTEBOOK}.ipynb?token={token}")
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").wait_for()

        # a student's lab: the course's files only, no instructor menu
        page.locator(".jp-DirListing-item").first.wait_for()
        listed = set(page.locator(".jp-DirListing-itemText").all_inner_texts())
        assert {f"{NOTEBOOK}.ipynb", "data", "README.md"} <= listed
        assert not listed & {"solutions", "autograde", "course", "gradebook.db", "notebooks"}, listed
        assert page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 0
        # the given cell is collapsed, after the problem statement
        page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="YOUR CODE HERE").first.wait_for()
        assert page.locator(".jp-Notebook .jp-InputPlaceholder").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "00_opened.png"))

        # a first try forgets the bias: its check explains itself, and Run All goes on to every later check
        text = write_cell_and_run_all(page, solution_text(NOTEBOOK, demo_mistakes(notebook_named(NOTEBOOK))))
        page.screenshot(path=str(ARTIFACTS / "01_a_check_fails_run_all_goes_on.png"))
        assert "6 of 7 checks ok: 8 of 10 points" in text and "test_forward_values" in text, text
        failed = page.locator(".jp-OutputArea-output", has_text="CheckFailed: forward(x) differs")
        assert failed.count() == 1 and "a[i] = Σ_s x[i+s] w[s] + b" in failed.text_content()

        # then the right class: every check ok, the summary all ok
        text = write_cell_and_run_all(page, solution_text(NOTEBOOK))
        page.screenshot(path=str(ARTIFACTS / "02_checks_and_summary_all_ok.png"))
        assert "7 of 7 checks ok: 10 of 10 points" in text, text
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
        assert page.locator(".jp-OutputArea-output", has_text="ok: forward(x)").count() >= 1

        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=300_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "03_validate.png"))
        assert "Success! Your notebook passes all the tests." in dialog.inner_text(), dialog.inner_text()
        browser.close()
    assert problems == [], problems
