"""Time limits derived from the reference's measured time (autograde/time_limits.json), the student's time budget,
and what docs/instructor.md says about them."""

import json
import re
import time
from dataclasses import fields

import pytest

from autograde.course import REPO, course_notebooks
from autograde.grade import time_limits
from autograde.settings import (
    SANDBOX_LIMITS_ENV,
    STUDENT_DEADLINE_ENV,
    STUDENT_LIMITS_ENV,
    TIME_LIMITS_FILE,
    SandboxLimits,
    StudentLimits,
    measured_time_limits,
    sandbox_limits,
    student_limits,
)

DOCS = REPO / "docs" / "instructor.md"


def test_derived_limits_follow_the_stated_factors():
    reference = {"01_a": {"notebook_seconds": 4.2, "slowest_cell_seconds": 1.5},
                 "08_b": {"notebook_seconds": 31.0, "slowest_cell_seconds": 12.1}}
    derived = time_limits.derive(reference)
    assert derived["notebooks"]["01_a"]["limits"] == {"cell_timeout": 30, "notebook_timeout": 90}  # 20 x 1.5, 20 x 4.2
    assert derived["notebooks"]["08_b"]["limits"] == {"cell_timeout": 250, "notebook_timeout": 620}  # 20x, up to 10
    assert derived["student_budget"] == 300  # 5 x 35.2 = 176 s: the floor
    slow = {"08_b": {"notebook_seconds": 99.0, "slowest_cell_seconds": 50.0}}
    assert time_limits.derive(slow)["student_budget"] == 500


def test_notebook_8_keeps_its_floors_when_the_reference_gets_faster():
    fast = {"08_mnist_classifier": {"notebook_seconds": 2.0, "slowest_cell_seconds": 0.5},
            "07_stride": {"notebook_seconds": 2.0, "slowest_cell_seconds": 0.5}}
    limits = time_limits.derive(fast)["notebooks"]
    assert limits["08_mnist_classifier"]["limits"] == {"cell_timeout": 60, "notebook_timeout": 110}
    assert limits["07_stride"]["limits"] == {"cell_timeout": 30, "notebook_timeout": 60}
    slow = {"08_mnist_classifier": {"notebook_seconds": 9.0, "slowest_cell_seconds": 4.0}}
    assert time_limits.derive(slow)["notebooks"]["08_mnist_classifier"]["limits"] == {
        "cell_timeout": 80, "notebook_timeout": 180}  # above the floors, the factor rules


def test_the_committed_limits_are_derived_from_their_measurement_and_cover_every_notebook():
    measured = measured_time_limits()
    assert measured, f"{TIME_LIMITS_FILE} is missing: run `make time-limits`"
    reference = {name: entry["reference"] for name, entry in measured["notebooks"].items()}
    derived = time_limits.derive(reference)
    assert {key: measured[key] for key in derived} == derived
    assert set(measured["notebooks"]) == {item.name for item in course_notebooks()}


def test_docs_show_the_measured_limits():
    text = DOCS.read_text(encoding="utf-8")
    block = time_limits.DOCS_BLOCK.search(text)
    assert block and time_limits.table(measured_time_limits()) in block[0]


def test_docs_state_the_student_limits():
    text = DOCS.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (\d+)(?: s)? \|", text, flags=re.MULTILINE))
    for field in fields(StudentLimits):
        assert int(rows[field.name]) == getattr(StudentLimits(), field.name), field.name


def test_each_notebook_gets_its_measured_limits_and_the_environment_wins():
    name, entry = next(iter(measured_time_limits()["notebooks"].items()))
    limits = sandbox_limits({}, notebook=name)
    assert (limits.cell_timeout, limits.notebook_timeout) == \
        (entry["limits"]["cell_timeout"], entry["limits"]["notebook_timeout"])
    assert sandbox_limits({}, notebook="99_unknown").notebook_timeout == SandboxLimits().notebook_timeout
    overridden = sandbox_limits({SANDBOX_LIMITS_ENV: '{"notebook_timeout": 7}'}, notebook=name)
    assert overridden.notebook_timeout == 7 and overridden.cell_timeout == entry["limits"]["cell_timeout"]


def test_the_student_deadline_cuts_the_notebook_deadline_down_to_a_floor():
    name = next(iter(measured_time_limits()["notebooks"]))
    full = sandbox_limits({}, notebook=name).notebook_timeout
    assert sandbox_limits({STUDENT_DEADLINE_ENV: str(time.time() + 10_000)}, notebook=name).notebook_timeout == full
    left = sandbox_limits({STUDENT_DEADLINE_ENV: str(time.time() + 40.5)}, notebook=name).notebook_timeout
    assert left in (39, 40)
    spent = sandbox_limits({STUDENT_DEADLINE_ENV: str(time.time() - 100)}, notebook=name)
    assert spent.notebook_timeout == StudentLimits().after_budget_seconds
    floor = sandbox_limits({STUDENT_DEADLINE_ENV: str(time.time() - 100),
                            STUDENT_LIMITS_ENV: '{"after_budget_seconds": 3}'}, notebook=name)
    assert floor.notebook_timeout == 3


def test_student_limits_use_the_measured_budget_and_the_environment():
    assert student_limits({}).wall_seconds == measured_time_limits()["student_budget"]
    assert student_limits({STUDENT_LIMITS_ENV: json.dumps({"wall_seconds": 42, "retries": 0})}) == \
        StudentLimits(wall_seconds=42, retries=0)
    for bad in ('{"wall_seconds": 0}', '{"budget": 5}', "[]"):
        with pytest.raises(ValueError, match="CNN1D_STUDENT_LIMITS|must be an integer of at least 1"):
            student_limits({STUDENT_LIMITS_ENV: bad})


def test_stale_measurements_are_announced(monkeypatch):
    assert time_limits.stale_warning({}) and "does not exist" in time_limits.stale_warning({})
    measured = dict(measured_time_limits())
    monkeypatch.setattr(time_limits, "fingerprint", lambda: "other notebooks")
    assert "measured on other notebooks" in time_limits.stale_warning(measured)
