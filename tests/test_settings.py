"""autograde/settings.py: one place for the limits, read the same way by every part, and said right in the docs."""

import json
import re
from dataclasses import fields

import pytest

from autograde.course import REPO
from autograde.sandbox.execute import runner_settings
from autograde.sandbox.runner import SETTINGS
from autograde.settings import SANDBOX_LIMITS_ENV, SKIP_AFTER_LAST_GRADE_ENV, SandboxLimits, sandbox_limits


def test_instructor_guide_states_the_sandbox_limits_of_the_settings():
    """docs/instructor.md's limits table says the values autograde/settings.py holds, in the same names."""
    text = (REPO / "docs" / "instructor.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", text, flags=re.MULTILINE))
    defaults = SandboxLimits()
    units = {"s": 1, "MiB": 1 << 20}
    for field in fields(SandboxLimits):
        assert field.name in rows, f"docs/instructor.md has no row for the limit {field.name}"
        shown, value = rows[field.name].strip(), getattr(defaults, field.name)
        if isinstance(value, bool):
            assert shown == str(value).lower(), (field.name, shown)
        else:
            number, _, unit = shown.partition(" ")
            assert int(number) * units.get(unit, 1) == value, (field.name, shown, value)


def test_environment_overrides_the_defaults_by_name():
    limits = sandbox_limits({SANDBOX_LIMITS_ENV: json.dumps({"cell_timeout": 7, "memory_bytes": 1 << 30}),
                             SKIP_AFTER_LAST_GRADE_ENV: "0"})
    assert (limits.cell_timeout, limits.memory_bytes, limits.skip_after_last_grade) == (7, 1 << 30, False)
    assert limits.notebook_timeout == SandboxLimits().notebook_timeout


@pytest.mark.parametrize("bad", ['{"memory_mib": 100}', '{"cell_timeout": -1}', '{"cell_timeout": true}', "[1]",
                                 "not json", '{"skip_after_last_grade": 1}'])
def test_bad_overrides_are_refused_with_the_reason(bad):
    with pytest.raises(ValueError, match=r"sandbox limit|CNN1D_SANDBOX_LIMITS"):
        sandbox_limits({SANDBOX_LIMITS_ENV: bad})


def test_the_runner_gets_every_setting_and_nothing_else():
    """The sandbox runner has no defaults of its own: the grader passes exactly the settings it reads."""
    assert set(runner_settings(SandboxLimits(), sandboxed=True)) == SETTINGS
    assert set(runner_settings(SandboxLimits(), sandboxed=False)) == SETTINGS


def test_validate_runs_cells_with_the_sandbox_cell_limit():
    """nbgrader validate (and the formgrader's) reads autograde/nbgrader_config.py: the same cell limit as autograde."""
    from traitlets.config.loader import PyFileConfigLoader

    from autograde.course import NBGRADER_CONFIG

    config = PyFileConfigLoader(NBGRADER_CONFIG.name, path=str(NBGRADER_CONFIG.parent)).load_config()
    assert config.Execute.timeout == SandboxLimits().cell_timeout
    assert config.Validator.width >= 160  # full got/expected lines, not nbgrader's 90 characters
