"""Jupyter server extension: the formgrader buttons that would bypass the course's own steps run those steps instead.

nbgrader's formgrader runs `nbgrader generate_assignment / release_assignment / collect / autograde /
generate_feedback / release_feedback` itself when its buttons are pressed. In this course those steps belong to the
course's make targets (build + release checks, the exchange intake that refuses forged and linked submissions,
sandboxed autograde with lock, backup and static scan, feedback without hidden tests). This extension answers the
formgrader's API calls for those buttons itself:

- with $CNN1D_FORMGRADER_MAKE set (the make command of the course repository, e.g.
  "make -C /home/instructor/cnn1d-scratch"; the hub sets it), the button runs the course's target (table below)
  and the formgrader's own dialog shows its output;
- without it, the button does nothing and the dialog names the target to run in a terminal.

Buttons with no course step (Unrelease) always only explain. Reading the gradebook, manual grading, comments,
flags, student names and the assignment's due date are left to the formgrader.

Enable it on the instructor's server only, next to the formgrader:
    {"ServerApp": {"jpserver_extensions": {"cnn1d_formgrader_guard": true, ...}}}
Its handlers are put in front of every other handler, so the order in which extensions load does not matter.
"""

import asyncio
import json
import os
import re
import shlex

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

MAKE_ENV = "CNN1D_FORMGRADER_MAKE"
A = r"([^/]+)"  # one path segment: assignment or student id
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # nbgrader student ids (autograde's STUDENT_ID)
# formgrader API path (nbgrader 0.9 apihandlers.default_handlers) -> (make target or None, what it does);
# a captured student id is passed on as STUDENT=<id>
STEPS = {
    rf"/formgrader/api/assignment/{A}/assign": ("release", "builds the source, generates and checks the release"),
    rf"/formgrader/api/assignment/{A}/release": ("release-exchange", "the checked release, put in the exchange"),
    rf"/formgrader/api/assignment/{A}/unrelease": (None, "no course step: in a terminal, `nbgrader list --remove`"),
    rf"/formgrader/api/assignment/{A}/collect": ("collect-exchange",
                                                 "collects into submitted/ (checked), students with names"),
    rf"/formgrader/api/submission/{A}/{A}/autograde": ("autograde-student",
                                                      "regrades one student: sandbox, lock, backup, static scan"),
    rf"/formgrader/api/assignment/{A}/generate_feedback": ("feedback", "feedback HTML without hidden tests"),
    rf"/formgrader/api/assignment/{A}/release_feedback": ("return-feedback", "feedback, released to the students"),
    rf"/formgrader/api/assignment/{A}/{A}/generate_feedback": ("feedback", "feedback HTML without hidden tests"),
    rf"/formgrader/api/assignment/{A}/{A}/release_feedback": ("return-feedback", "feedback, released to students"),
}
_one_at_a_time = asyncio.Lock()


def _handler(target: str | None, what: str):
    class CourseStep(JupyterHandler):
        @web.authenticated
        async def post(self, assignment_id, student_id=None):
            make = os.environ.get(MAKE_ENV, "")
            if not all(SAFE_ID.match(value) for value in (assignment_id, student_id or "x")):
                return self._reply(False, "not a valid assignment or student id", "refused")
            if target is None or not make:
                self.log.warning("cnn1d_formgrader_guard: refused %s", self.request.path)
                text = ("This course does not run this step from the formgrader.\n"
                        + (f"In a terminal, in the course repository, run:\n\n    make {target}\n\n({what})\n"
                           if target else f"({what})\n")
                        + "See deploy/jupyterhub/README.md.")
                return self._reply(False, text, "")
            command = [*shlex.split(make), target] + ([f"STUDENT={student_id}"] if student_id else [])
            async with _one_at_a_time:
                self.log.info("cnn1d_formgrader_guard: %s -> %s", self.request.path, " ".join(command))
                process = await asyncio.create_subprocess_exec(
                    *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                    stdin=asyncio.subprocess.DEVNULL)
                output, _ = await process.communicate()
            log = f"$ {' '.join(command)}   ({what})\n\n{output.decode(errors='replace')}"
            ok = process.returncode == 0
            self._reply(ok, log, "" if ok else f"make {target} failed (exit {process.returncode}); see the log")

        def _reply(self, success: bool, log: str, error: str):
            # like nbgrader's own handlers: JSON written as text (the formgrader's JS calls JSON.parse on the body);
            # "log" goes to the dialog's "Log Output" panel, "error" to its "Traceback" panel
            self.finish(json.dumps({"success": success, "log": log, "error": error}))

    return CourseStep


def _jupyter_server_extension_points():
    return [{"module": "cnn1d_formgrader_guard"}]


def _load_jupyter_server_extension(serverapp):
    webapp = serverapp.web_app
    base_url = webapp.settings["base_url"]
    webapp.add_handlers(".*$", [(url_path_join(base_url, path), _handler(*step)) for path, step in STEPS.items()])
    # tornado tries host rules in order and inserts each add_handlers() before the last (catch-all) rule; move ours
    # to the front so they win over the formgrader's, whichever extension loaded first.
    rules = webapp.default_router.rules
    rules.insert(0, rules.pop(len(rules) - 2))
    mode = f"run `{os.environ[MAKE_ENV]} <target>`" if os.environ.get(MAKE_ENV) else "name the make target"
    serverapp.log.info("cnn1d_formgrader_guard: %d formgrader buttons %s", len(STEPS), mode)


load_jupyter_server_extension = _load_jupyter_server_extension
