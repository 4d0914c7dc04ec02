"""Every notebook's judges against its catalogue of mistakes (autograde/problems/NN_slug/mistakes.py), in-process.

The reference passes every grade cell; each mistake fails exactly the grade cells it names, no others. Each mutant
(the reference with one mistake made) is graded once, as the grader does it: its visible checks run (a failing
check names a known mistake from the notebook's table, solutions/checks.py), and the hidden cases of the cells whose
visible checks passed are judged cell after cell, with the diagnosis naming mistakes (autograde/grade/diagnosis.py).
No mutant's feedback may name another mistake, and over the whole catalogue the share of mutants whose feedback names
their own mistake is printed and must be >= 90 %.
A new notebook is covered as soon as it has a judge and a mistakes module: nothing to add here.
"""

import time
from functools import cache

import pytest

from autograde.course import course_notebooks, notebook_named
from autograde.grade.diagnosis import named_by_check
from autograde.problems.mistake import demo_mistakes, grade_cell_points, mistakes_of, result_names
from tests.judges.student import checked, diagnosed, failing, student

NOTEBOOKS = [item.name for item in course_notebooks()]
MISTAKES = [(item.name, mistake) for item in course_notebooks() for mistake in mistakes_of(item)]
IDS = [f"{n}: {m.title}" for n, m in MISTAKES]
MIN_NAMED_SHARE = 0.90


SHARED = {notebook: {} for notebook in NOTEBOOKS}  # the mutants' hidden results, for every diagnosis of the test run


@cache
def graded(notebook: str, title: str) -> tuple[frozenset, frozenset, float]:
    """(grade cells failed, (grade cell, mistake) named in the hidden tests' feedback, seconds) of the mutant making
    the mistake `title`."""
    (mistake,) = [m for n, m in MISTAKES if n == notebook and m.title == title]
    start = time.perf_counter()
    verdicts, diagnosis = diagnosed(notebook, student(notebook, mistake), outcomes=SHARED[notebook])
    failed = frozenset(grade_id for grade_id, (failures, _) in verdicts.items() if failures)
    return failed, frozenset((named.grade_id, named.title) for named in diagnosis.named), time.perf_counter() - start


def feedback(notebook: str, mistake) -> tuple[bool, set[str], float]:
    """(the feedback names the mistake, the mistakes it names in its stead, seconds) as the grader gives it: a grade
    cell whose visible check fails shows the check's message (naming the mistakes the table says give that answer),
    the others the hidden tests' diagnosis. A check that names the mistake together with another mistake giving
    the same answer names it; another name alone is a wrong name."""
    start = time.perf_counter()
    visible = checked(notebook, (mistake.title,), frozenset(mistake.fails) or None)
    _, hidden_named, spent = graded(notebook, mistake.title)
    by_why = {m.why[0]: m.title for m in mistakes_of(notebook_named(notebook))}
    groups = [{title} for grade_id, title in hidden_named if not visible.get(grade_id)]
    groups += [{by_why[why] for why in named_by_check(message)} for message in visible.values()
               if named_by_check(message)]
    named = any(mistake.title in group for group in groups)
    instead = set().union(*[group for group in groups if mistake.title not in group])
    return named, instead, spent + time.perf_counter() - start


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
    named = {title for _, title in graded(notebook, mistake.title)[1]}
    assert named <= {mistake.title}, f"{mistake.title}: named {sorted(named - {mistake.title})}"


def test_the_share_of_mutants_named_by_their_own_mistake():
    """Over the whole catalogue: how many mutants' feedback names their own mistake (and how many name another)."""
    own, wrong, unnamed, seconds = 0, 0, [], 0.0
    for notebook, mistake in MISTAKES:
        named, others, spent = feedback(notebook, mistake)
        own += named
        wrong += bool(others)
        seconds += spent
        if not named:
            unnamed.append(f"{notebook}: {mistake.title}")
        if others:
            unnamed.append(f"{notebook}: {mistake.title} named as {sorted(others)}")
    share = own / len(MISTAKES)
    print(f"\nnamed share: {own} of {len(MISTAKES)} mutants' feedback ({share:.1%}) names their own mistake; "
          f"{wrong} name another; graded, checked and diagnosed in {seconds:.0f} s"
          + "".join(f"\n  not named: {line}" for line in unnamed))
    assert wrong == 0
    assert share >= MIN_NAMED_SHARE, unnamed
