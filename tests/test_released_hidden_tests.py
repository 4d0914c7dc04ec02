"""The judge grades what the kernel ran, with cases no one can know before the run (autograde/build/released.py,
autograde/build/secret.py, SeedHiddenTests in autograde/grade/judging.py), on a course released into a temp folder.

After a release nothing has drifted; the course secret is private and not in the release; SeedHiddenTests writes a
new seed into the released regions at each run and keeps the gradebook's text for the judge; a hidden test or a
judge changed after the release makes autograde refuse, with the reason, until the course is released again.
"""

import json
import sqlite3
import stat

import nbformat
import pytest

from autograde.build.release import release
from autograde.build.released import RECORD_FILE, release_drift
from autograde.build.secret import read_secret, secret_path
from autograde.course import REPO, Course
from autograde.grade.cli import grade
from autograde.grade.judging import RUN_KEY, SeedHiddenTests
from autograde.grade.probe import SEED_NAME, SEED_PLACEHOLDER
from autograde.settings import ASSIGNMENT, COURSE_ROOT_ENV

pytestmark = pytest.mark.slow
NOTEBOOK, GRADE_ID = "01_simple_conv1d", "test_forward_values"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("released")
    (root / "data").symlink_to(REPO / "data")
    course = Course(root / "course")
    assert release(course), "make release failed"
    return course


def seeded_run(course, monkeypatch, student="alice"):
    monkeypatch.setenv(COURSE_ROOT_ENV, str(course.root))
    notebook = nbformat.read(course.source_dir / f"{NOTEBOOK}.ipynb", as_version=4)
    resources = {"nbgrader": {"notebook": NOTEBOOK, "student": student, "assignment": ASSIGNMENT,
                              "db_url": f"sqlite:///{course.gradebook}"}}
    notebook, resources = SeedHiddenTests().preprocess(notebook, resources)
    return notebook, resources[RUN_KEY]


def test_a_fresh_release_has_not_drifted_and_keeps_its_secret_private(course):
    assert release_drift(course) == []
    path = secret_path(course.root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(read_secret(course.root)) == 32
    secret_text = path.read_text().strip()
    for released in course.release_dir.rglob("*"):
        assert released.is_dir() or secret_text not in released.read_text(errors="replace")


def test_each_run_writes_its_own_seed_into_the_released_regions(course, monkeypatch):
    first, run = seeded_run(course, monkeypatch)
    again, other = seeded_run(course, monkeypatch)
    assert run.seed != other.seed and run.judge_seed != other.judge_seed
    cells = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in first.cells
             if cell.metadata.get("nbgrader", {}).get("grade")}
    assert set(run.sections) <= set(cells)
    for grade_id in run.sections:
        assert f"\n{SEED_NAME} = {run.seed}\n" in cells[grade_id] and SEED_PLACEHOLDER not in cells[grade_id]
        assert run.sections[grade_id] in cells[grade_id]  # the released section itself, judged as the kernel ran it


def test_a_changed_hidden_test_or_judge_is_refused_until_released_again(course, monkeypatch, capsys):
    with sqlite3.connect(course.gradebook) as connection:
        connection.execute("UPDATE source_cell SET source = replace(source, 'range(10, 16)', 'range(10, 17)') "
                           "WHERE name = ?", (GRADE_ID,))
    connection.close()
    drift = release_drift(course)
    assert any(f"{NOTEBOOK} {GRADE_ID}: the hidden test differs from the released one" in line for line in drift)
    _, run = seeded_run(course, monkeypatch)  # what the kernel would run: the gradebook's text, not the tree's
    assert "range(10, 17)" in run.sections[GRADE_ID]
    course.submission_dir("alice").mkdir(parents=True)
    assert grade(course, force=True, workers=1) == 1
    assert "run `make release`" in capsys.readouterr().err
    record = json.loads((course.root / RECORD_FILE).read_text())
    record[NOTEBOOK] = "0" * 64
    (course.root / RECORD_FILE).write_text(json.dumps(record))
    assert any(f"{NOTEBOOK}: its judges changed since the release" in line for line in release_drift(course))
    secret = read_secret(course.root)
    assert release(course)  # released again: the working tree is what the gradebook holds, the secret is kept
    assert release_drift(course) == [] and read_secret(course.root) == secret
