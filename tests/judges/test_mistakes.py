"""Every notebook's judges against its catalogue of mistakes (autograde/problems/NN_slug/mistakes.py), in-process.

The reference passes every grade cell; each mistake fails exactly the grade cells it names, no others. Each mutant
(the reference with one mistake made) is graded once, as the grader does it: judged cell after cell, with the
diagnosis naming mistakes (autograde/grade/diagnosis.py); no mutant's feedback may name another mistake, and over
the whole catalogue the share of mutants whose feedback names their own mistake is printed and must be >= 90 %.
A new notebook is covered as soon as it has a judge and a mistakes module: nothing to add here.
"""

import time
from functools import cache

import pytest

from autograde.course import course_notebooks
from autograde.problems.mistake import demo_mistakes, grade_cell_points, mistakes_of, result_names
from tests.judges.student import diagnosed, failing, student

NOTEBOOKS = [item.name for item in course_notebooks()]
MISTAKES = [(item.name, mistake) for item in course_notebooks() for mistake in mistakes_of(item)]
IDS = [f"{n}: {m.title}" for n, m in MISTAKES]
MIN_NAMED_SHARE = 0.90


@cache
def graded(notebook: str, title: str) -> tuple[frozenset, frozenset, float]:
    """(grade cells failed, mistakes named, seconds) of the mutant making the mistake `title`."""
    (mistake,) = [m for n, m in MISTAKES if n == notebook and m.title == title]
    start = time.perf_counter()
    verdicts, diagnosis = diagnosed(notebook, student(notebook, mistake))
    failed = frozenset(grade_id for grade_id, (failures, _) in verdicts.items() if failures)
    return failed, frozenset(named.title for named in diagnosis.named), time.perf_counter() - start


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
        assert mistake.shows_in <= set(points) - mistake.fails, f"{mistake.title}: shows_in {mistake.shows_in}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_mistake_says_why_and_how_to_fix_in_both_languages(notebook):
    (item,) = [item for item in course_notebooks() if item.name == notebook]
    titles = [mistake.title for mistake in mistakes_of(item)]
    assert len(titles) == len(set(titles)), f"{notebook}: two mistakes with one title (the title names it)"
    results = result_names(item)
    for mistake in mistakes_of(item):
        for text in (*mistake.why, *mistake.fix):
            assert text.strip(), f"{notebook}: {mistake.title}: why and fix need English and Japanese"
        assert not mistake.why[0].endswith("."), f"{mistake.title}: `why` completes a sentence; no full stop"
        assert any(ord(char) > 0x3000 for char in mistake.why[1] + mistake.fix[1]), f"{mistake.title}: Japanese?"
        for grade_id in mistake.fails | mistake.shows_in:
            assert all(part.strip() for part in results.get(grade_id, ("", ""))), \
                f"autograde/problems/{notebook}/mistakes.py: RESULTS has no name for {grade_id}"


@pytest.mark.parametrize(("notebook", "mistake"), MISTAKES, ids=IDS)
def test_mistake_fails_exactly_its_grade_cells(notebook, mistake):
    failed, _, _ = graded(notebook, mistake.title)
    assert failed == set(mistake.fails), mistake.title


@pytest.mark.parametrize(("notebook", "mistake"), MISTAKES, ids=IDS)
def test_a_mutants_feedback_names_no_other_mistake(notebook, mistake):
    _, named, _ = graded(notebook, mistake.title)
    assert named <= {mistake.title}, f"{mistake.title}: named {sorted(named - {mistake.title})}"


def test_the_share_of_mutants_named_by_their_own_mistake():
    """Over the whole catalogue: how many mutants' feedback names their own mistake (and how many name another)."""
    own, wrong, unnamed, seconds = 0, 0, [], 0.0
    for notebook, mistake in MISTAKES:
        _, named, spent = graded(notebook, mistake.title)
        own += mistake.title in named
        wrong += bool(named - {mistake.title})
        seconds += spent
        if mistake.title not in named:
            unnamed.append(f"{notebook}: {mistake.title}")
    share = own / len(MISTAKES)
    print(f"\nnamed share: {own} of {len(MISTAKES)} mutants ({share:.1%}) name their own mistake; "
          f"{wrong} name another; graded and diagnosed in {seconds:.0f} s"
          + "".join(f"\n  not named: {line}" for line in unnamed))
    assert wrong == 0
    assert share >= MIN_NAMED_SHARE, unnamed
