"""The student kit says the truth: its requirements are the course's versions, Validate's limit is autograde's, and
the student README and the notebooks state that limit; instructor tools are hidden in the student's lab."""

import re
import tomllib

from autograde.build.student_bundle import HIDDEN_LAB_PLUGINS, KIT, lab_config
from autograde.course import REPO, course_notebooks
from autograde.settings import VALIDATE_WIDTH, SandboxLimits

LIMIT = SandboxLimits().cell_timeout


def requirement_specs(lines) -> dict[str, str]:
    specs = {}
    for line in lines:
        match = re.match(r'^\s*"?([A-Za-z0-9_.\-]+)(\[[\w,]+\])?([<>=!~][^"#]*)"?', line)
        if match and not line.lstrip().startswith("#"):
            specs[match[1].lower()] = match[3].strip().rstrip('",')
    return specs


def test_student_requirements_use_the_course_versions():
    course = requirement_specs(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])
    student = requirement_specs((KIT / "requirements.txt").read_text().splitlines())
    assert set(student) == {"numpy", "matplotlib", "tqdm", "jupyterlab", "nbgrader"}
    assert {name: course[name] for name in student} == student
    optional = re.findall(r'"(keras|jax)([^"]+)"', (KIT / "requirements.txt").read_text())
    assert {name: spec for name, spec in optional} == {name: course[name] for name in ("keras", "jax")}


def test_validate_gets_the_cell_limit_of_autograde():
    config = lab_config()["nbgrader_config.py"]
    assert f"c.Execute.timeout = {LIMIT}\n" in config
    namespace = {"get_config": lambda: _Config()}
    exec(config, namespace)  # noqa: S102 - our own generated config
    assert namespace["c"].values == {"Execute.timeout": LIMIT, "Validator.width": VALIDATE_WIDTH}


class _Config:
    """Enough of traitlets' config object to run the generated file."""

    def __init__(self):
        self.values = {}

    def __getattr__(self, section):
        owner = self

        class Section:
            def __setattr__(self, key, value):
                owner.values[f"{section}.{key}"] = value

        return Section()


def test_the_student_readme_and_every_notebook_state_that_limit():
    readme = (KIT / "README.md").read_text(encoding="utf-8")
    assert f"1セル {LIMIT} 秒まで" in readme and f"at most {LIMIT} s per cell" in readme
    for item in course_notebooks():
        text = item.student_path.read_text(encoding="utf-8")
        assert f"up to {LIMIT} s per cell" in text and f"1セル {LIMIT} 秒まで" in text, item.name


def test_instructor_tools_are_hidden_in_the_student_lab():
    config = lab_config()
    assert '"nbgrader.server_extensions.formgrader": false' in config["jupyter_server_config.json"]
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert plugin in HIDDEN_LAB_PLUGINS
        assert f'"@jupyter/nbgrader:{plugin}": true' in config["labconfig/page_config.json"]
    assert "validate" not in "".join(config.values()).replace("Validate", "").replace("Validator", "")
