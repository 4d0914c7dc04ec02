"""What the browser tests share: commands, ports, waiting, Chromium, accounts and their processes, and the
JupyterLab / nbgrader page actions (tests/test_hub_e2e.py, tests/test_local_lab.py)."""

import os
import pwd
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from autograde.course import REPO

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; never `playwright install`
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "artifacts"


def run(*command, check=True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    if check and result.returncode:
        raise AssertionError(f"{' '.join(map(str, command))} -> {result.returncode}\n{result.stdout[-4000:]}\n"
                             f"{result.stderr[-4000:]}")
    return result


def need_chromium() -> None:
    """Debian's Chromium, installed with apt-get when missing and we are root (as CI runs)."""
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and Path("/usr/bin/apt-get").exists():
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "chromium")
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def paste_into_cell(page, cell, code: str) -> None:
    """Replace a JupyterLab cell's text as a paste would (CodeMirror gets it in one input event: typed text would be
    auto-indented), then save the notebook."""
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s")


def account_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def account_pids(users) -> list[int]:
    """The processes of these (test) accounts, by uid."""
    uids = {str(pwd.getpwnam(user).pw_uid) for user in users if account_exists(user)}
    lines = run("ps", "-e", "-o", "pid=,uid=", check=False).stdout.splitlines() if uids else []
    return [int(line.split()[0]) for line in lines if line.strip() and line.split()[1] in uids]


def kill_pids(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop_process(process: subprocess.Popen, timeout: float = 60) -> None:
    """SIGTERM, then SIGKILL of its process group; a process this test started."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class Lab:
    """One browser context (own cookies) on a JupyterLab page: the nbgrader panels' actions."""

    def __init__(self, context, page, shots: Path, user: str = ""):
        self.context, self.page, self.shots, self.user = context, page, shots, user
        context.set_default_timeout(60_000)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"))

    def menu_items(self) -> list[str]:
        self.page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        items = [label.inner_text() for label in self.page.locator(".lm-Menu-itemLabel").all() if label.is_visible()]
        self.page.keyboard.press("Escape")
        return items

    def open_panel(self, name: str) -> None:
        self.page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        self.page.click(f".lm-Menu-itemLabel:text-is('{name}')")

    def assignment_list(self) -> None:
        tab = self.page.locator(".lm-TabBar-tab", has_text="Assignments")
        if tab.count():
            tab.first.click()
        else:
            self.open_panel("Assignment List")
        self.page.locator("#released_assignments_list_loading").wait_for(state="hidden")

    def refresh_assignment_list(self) -> None:
        self.assignment_list()
        self.page.click("#refresh_assignments_list")
        self.page.wait_for_timeout(500)
        self.page.locator("#submitted_assignments_list_loading").wait_for(state="hidden")

    def fetch(self, assignment: str) -> None:
        self.assignment_list()
        released = self.page.locator("#released_assignments_list")
        released.locator(".list_item", has_text=assignment).get_by_role("button", name="Fetch").click()
        self.page.locator("#fetched_assignments_list .list_item", has_text=assignment).first.wait_for()

    def open_notebook(self, notebook: str) -> None:
        fetched = self.page.locator("#fetched_assignments_list")
        fetched.locator("a.assignment-notebooks-link").first.click()
        fetched.get_by_role("link", name=notebook).click()
        self.page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").wait_for()
        self.page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="YOUR CODE HERE").first.wait_for()

    def fill_solution(self, code: str) -> None:
        """Replace the solution cell's text as a paste would, save, and wait for the save."""
        page = self.page
        paste_into_cell(page, page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="YOUR CODE HERE").first, code)
        page.locator(".jp-StatusBar-TextItem", has_text="Saving completed").first.wait_for(timeout=30_000)
        assert page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="YOUR CODE HERE").count() == 0

    def validate(self) -> str:
        self.page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=240_000)
        self.page.wait_for_timeout(300)
        return dialog.inner_text()

    def close_dialog(self) -> None:
        self.page.locator(".jp-Dialog").get_by_role("button").last.click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")

    def submit(self, assignment: str) -> None:
        self.assignment_list()
        fetched = self.page.locator("#fetched_assignments_list")
        fetched.locator(".list_item", has_text=assignment).get_by_role("button", name="Submit").first.click()
        self.page.locator("#submitted_assignments_list .list_item", has_text=assignment).first.wait_for(
            timeout=60_000)

    def fetch_feedback(self) -> None:
        self.refresh_assignment_list()
        submitted = self.page.locator("#submitted_assignments_list")
        submitted.get_by_role("button", name="Fetch Feedback").first.click()
        self.page.get_by_text("(view feedback)").first.wait_for(timeout=60_000)

    def view_feedback(self, notebook: str) -> str:
        """Follow "(view feedback)", open the notebook's feedback page in JupyterLab; its visible text."""
        page = self.page
        page.get_by_text("(view feedback)").first.click()
        item = page.locator(".jp-DirListing-item", has_text=f"{notebook}.html")
        item.wait_for()
        item.dblclick()
        frame = page.frame_locator(".jp-HTMLViewer iframe, iframe.jp-HTMLViewer-iframe, .jp-MainAreaWidget iframe")
        frame.locator("body").get_by_text("Score").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        return frame.locator("body").inner_text()
