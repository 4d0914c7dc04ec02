"""deploy/jupyterhub/: what every account's server reads cannot import the course (students cannot read the
repository), so its values are kept equal to autograde/settings.py here; every formgrader button the guard takes
over runs a make target that exists."""

import json
import re
import runpy
import sys
from types import SimpleNamespace

import pytest

from autograde.course import REPO
from autograde.settings import COURSE_ID, EXCHANGE_ROOT_ENV, HUB_EXCHANGE_ROOT, SandboxLimits

DEPLOY = REPO / "deploy" / "jupyterhub"


class Config(SimpleNamespace):
    """Enough of a traitlets config for a plain `c.Section.name = value` file."""

    def __getattr__(self, name):
        value = Config()
        setattr(self, name, value)
        return value


def load_config(path, monkeypatch) -> Config:
    config = Config()
    for name in ("CNN1D_COURSE_ID", EXCHANGE_ROOT_ENV):
        monkeypatch.delenv(name, raising=False)
    runpy.run_path(str(path), init_globals={"get_config": lambda: config})
    return config


def test_global_nbgrader_config_agrees_with_the_course(monkeypatch):
    config = load_config(DEPLOY / "global" / "nbgrader_config.py", monkeypatch)
    assert config.CourseDirectory.course_id == COURSE_ID
    assert config.Exchange.root == HUB_EXCHANGE_ROOT
    assert config.Execute.timeout == SandboxLimits().cell_timeout  # Validate and autograde give a cell the same time


def test_students_get_no_instructor_tools():
    server = json.loads((DEPLOY / "roles" / "student" / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.course_list"] is False
    lab = json.loads((DEPLOY / "roles" / "student" / "labconfig" / "page_config.json").read_text())
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(lab["disabledExtensions"])
    assert "tornado_settings" not in server["ServerApp"]  # students keep JupyterHub's frame-ancestors 'none'


def test_every_guarded_button_runs_a_make_target():
    sys.path.insert(0, str(DEPLOY / "extensions"))
    try:
        guard = pytest.importorskip("cnn1d_formgrader_guard")  # needs jupyter_server (the course venv has it)
    finally:
        sys.path.pop(0)
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    wanted = {target for target, _ in guard.STEPS.values() if target}
    assert wanted <= targets, wanted - targets
    assert {"release-exchange", "collect-exchange", "autograde-student", "return-feedback"} <= wanted
    assert guard.SAFE_ID.match("student_a") and not guard.SAFE_ID.match("x;rm -rf ~")


def test_the_hub_passes_the_course_settings_to_servers():
    text = (DEPLOY / "jupyterhub_config.py").read_text()
    assert f'"{HUB_EXCHANGE_ROOT}"' in text and f'"{COURSE_ID}"' in text
    assert '"KERAS_BACKEND": "numpy"' in text  # as the Makefile exports it
