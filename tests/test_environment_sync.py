"""environment.yml (conda users) and pyproject.toml (the tested venv) must list the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def split(requirement):
    """'numpy>=1.26,<3' -> ('numpy', '>=1.26,<3'); conda's 'python=3.11' keeps its '='."""
    name, spec = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip()).groups()
    return name.lower(), spec.replace(" ", "")


def pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = dict(split(r) for r in project["dependencies"])
    tools = dict(split(r) for r in extras["test"] + extras["dev"] if not r.startswith(project["name"]))
    return project, runtime, tools


def environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return dict(split(d) for d in conda), dict(split(d) for d in pip)


def test_course_dependencies_match():
    _, runtime, _ = pyproject()
    conda, _ = environment()
    conda.pop("pip")
    conda.pop("python")
    assert conda == runtime


def test_test_and_dev_tools_match():
    _, _, tools = pyproject()
    _, pip = environment()
    assert pip == tools


def test_python_version_is_allowed_by_pyproject():
    project, _, _ = pyproject()
    conda, _ = environment()
    assert conda["python"] == "=3.11"
    assert project["requires-python"].startswith(">=3.11")

