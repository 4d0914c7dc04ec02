"""Without a hub: a local JupyterLab on the course (the instructor's lab: the course config from autograde/ on the
Jupyter config path and as the working directory, the server rooted above the course folder), its Assignment List
and Course List, in headless Chromium.

The course config names a writable exchange (course/exchange) and a fetch folder (course/fetched) before anything
is released, so the Assignment List opens without nbgrader's "Error fetching courses!". `make release-exchange`
puts the release there; Fetch brings it into course/fetched/cnn1d/ (never among the repository's tracked files);
Submit goes to the exchange and `make collect-exchange` brings it into submitted/. Screenshots: artifacts/local/.
"""

import os
import secrets
import subprocess
import sys
import time

import pytest
from hub_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Lab, need_chromium, port_open, run, stop_process, wait_http

from autograde.course import NBGRADER_CONFIG, Course
from autograde.settings import ASSIGNMENT, COURSE_ID, COURSE_ROOT_ENV

pytestmark = [pytest.mark.hub, pytest.mark.slow]

PORT = int(os.environ.get("LOCAL_LAB_PORT", "8145"))
SHOTS = ARTIFACTS / "local"


def test_assignment_list_without_a_hub(tmp_path):
    need_chromium()
    start = time.perf_counter()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert not port_open(PORT), f"port {PORT} in use"
    course = Course(tmp_path / "course")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CNN1D_", "JUPYTER"))}
    # the course config on the Jupyter config path: the Course List reads it from there (nbgrader's course_list
    # handler does not find it in the working directory alone); the working directory is where nbgrader looks too
    env.update({COURSE_ROOT_ENV: str(course.root), "HOME": str(tmp_path / "home"), "OPENBLAS_NUM_THREADS": "1",
                "JUPYTER_CONFIG_PATH": str(NBGRADER_CONFIG.parent),
                "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"})
    (tmp_path / "home").mkdir()
    token = secrets.token_hex(16)
    log = open(SHOTS / "local_lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={PORT}",
         f"--ServerApp.root_dir={tmp_path}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"],
        cwd=NBGRADER_CONFIG.parent, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{PORT}/api/status?token={token}", 120)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            lab = Lab(context, context.new_page(), SHOTS)
            lab.page.goto(f"http://127.0.0.1:{PORT}/lab?token={token}")
            lab.page.wait_for_selector("#jp-main-dock-panel")
            lab.assignment_list()
            lab.page.locator("#released_assignments_list", has_text="There are no assignments to fetch").wait_for()
            assert "Error fetching courses" not in lab.page.locator("body").inner_text()
            lab.shot("local_01_before_release")

            result = run(sys.executable, "-m", "autograde.intake.exchange", "release", "--course-dir", course.root,
                         env=env, cwd=NBGRADER_CONFIG.parents[1])
            assert f"Released as: {COURSE_ID} {ASSIGNMENT}" in result.stdout, result.stdout
            lab.refresh_assignment_list()
            lab.fetch(ASSIGNMENT)
            lab.shot("local_02_after_release_fetched")
            assert (course.fetched_dir / ASSIGNMENT / "01_simple_conv1d.ipynb").is_file()
            lab.submit(ASSIGNMENT)
            result = run(sys.executable, "-m", "autograde.intake.exchange", "collect", "--course-dir", course.root,
                         env=env, cwd=NBGRADER_CONFIG.parents[1], check=False)
            assert "1 students: 1 collected" in result.stdout, result.stdout + result.stderr
            assert len(list(course.submitted_dir.glob(f"*/{ASSIGNMENT}/01_simple_conv1d.ipynb"))) == 1

            lab.open_panel("Course List")
            lab.page.locator("#formgrader_list").get_by_text(COURSE_ID).first.wait_for()
            lab.shot("local_03_course_list")
            browser.close()
    finally:
        stop_process(server, 30)
        log.close()
    assert not port_open(PORT)
    print(f"local lab: {time.perf_counter() - start:.0f} s")
