"""Every notebook's judges against its catalogue of mistakes (autograde/problems/NN_slug/mistakes.py), in-process.

The reference passes every grade cell; each mistake fails exactly the grade cells it names, no others. A new
notebook is covered as soon as it has a judge and a mistakes module: nothing to add here.
"""

import pytest

from autograde.course import course_notebooks
from autograde.problems.mistake import demo_mistakes, grade_cell_points, mistakes_of
from tests.judges.student import failing, student

NOTEBOOKS = [item.name for item in course_notebooks()]
MISTAKES = [(item.name, mistake) for item in course_notebooks() for mistake in mistakes_of(item)]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_reference_passes_every_grade_cell(notebook):
    assert failing(notebook, student(notebook)) == set()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_has_mistakes_and_a_demo_mistake(notebook):
    (item,) = [item for item in course_notebooks() if item.name == notebook]
    assert mistakes_of(item), f"autograde/problems/{notebook}/mistakes.py: no MISTAKES"
    assert demo_mistakes(item), f"autograde/problems/{notebook}/mistakes.py: no mistake marked demo=True"
    points = grade_cell_points(item)
    for mistake in mistakes_of(item):
        assert mistake.fails <= set(points), f"{mistake.title}: unknown grade cells {mistake.fails - set(points)}"


@pytest.mark.parametrize(("notebook", "mistake"), MISTAKES, ids=[f"{n}: {m.title}" for n, m in MISTAKES])
def test_mistake_fails_exactly_its_grade_cells(notebook, mistake):
    assert failing(notebook, student(notebook, mistake)) == set(mistake.fails), mistake.title
