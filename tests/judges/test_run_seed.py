"""Hidden cases are drawn per grading run (autograde/grade/run_seed.py): what one kernel learns helps no other run.

Every section's cases change with the run's seed and are regenerated exactly from it (the judge, or a later tool
that runs a mistake's code on a case, sees what the kernel saw); the reference passes under any seed; answers
recorded in one run (another student's feedback, or one's own earlier run) fail in the next; a failure message
shows the case's shapes and the first differing values, never the whole expected array.
"""

import numpy as np
import pytest

from autograde.course import course_notebooks, notebook_named
from autograde.grade.expect import MAX_SHOWN_DIFFERENCES
from autograde.grade.judging import TEST_SECRET, local_run, simulate
from autograde.grade.run_seed import judge_seed, run_seed
from autograde.problems.mistake import demo_mistakes
from tests.judges.student import failing, student

NOTEBOOKS = [item.name for item in course_notebooks()]
OTHER_SEEDS = (987_654_321, 2**62 + 11)


def flat_arrays(cases) -> list[np.ndarray]:
    return [np.asarray(value, dtype=float).ravel() for _, case in cases for value in case.values()
            if isinstance(value, np.ndarray) and value.dtype.kind in "fiu"]


def same_cases(a, b) -> bool:
    first, second = flat_arrays(a), flat_arrays(b)
    return len(first) == len(second) and all(x.shape == y.shape and np.array_equal(x, y)
                                              for x, y in zip(first, second, strict=True))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_cases_change_with_the_seed_and_are_regenerated_from_it(notebook):
    one, again, other = local_run(notebook, 1), local_run(notebook, 1), local_run(notebook, 2)
    for grade_id in one.sections:
        (call,), (call_again,), (call_other,) = one.cases(grade_id), again.cases(grade_id), other.cases(grade_id)
        assert same_cases(call.cases, call_again.cases), f"{grade_id}: not regenerated exactly from its seed"
        if flat_arrays(call.cases):
            assert not same_cases(call.cases, call_other.cases), f"{grade_id}: the same cases under another seed"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
@pytest.mark.parametrize("seed", OTHER_SEEDS)
def test_reference_passes_under_any_seed(notebook, seed):
    verdicts = simulate(notebook, student(notebook), run=local_run(notebook, seed))
    assert {grade_id for grade_id, failures in verdicts.items() if failures} == set()


def recorded_forward(notebook: str, seed: int) -> dict[tuple, np.ndarray]:
    """What a student copies from a run's results: the reference's forward output per input shape."""
    reference = student(notebook)["SimpleConv1d"]
    (call,) = local_run(notebook, seed).cases("test_forward_values")
    return {(len(case["x"]), len(case["w"])): reference(case["w"], case["b"]).forward(case["x"])
            for _, case in call.cases}


def replaying_student(notebook: str, answers: dict[tuple, np.ndarray]) -> dict:
    """A forward that forgets the bias, except where it has a copied answer for the input's shape."""
    (forgets_bias,) = demo_mistakes(notebook_named(notebook))
    namespace = student(notebook, forgets_bias)
    buggy = namespace["SimpleConv1d"]

    class Replaying(buggy):
        def forward(self, X):
            answer = answers.get((len(X), len(self.W)))
            return buggy.forward(self, X) if answer is None else np.array(answer)

    return {**namespace, "SimpleConv1d": Replaying}


def test_answers_copied_from_another_run_score_nothing():
    notebook = "01_simple_conv1d"
    seen = 1111
    answers = recorded_forward(notebook, seen)
    # with fixed seeds the copy would pass: the answers are right for the run they were copied from
    assert "test_forward_values" not in failing_in(notebook, replaying_student(notebook, answers), seen)
    for seed in OTHER_SEEDS:
        assert "test_forward_values" in failing_in(notebook, replaying_student(notebook, answers), seed)


def failing_in(notebook, namespace, seed) -> set[str]:
    return {grade_id for grade_id, failures in simulate(notebook, namespace, run=local_run(notebook, seed)).items()
            if failures}


def test_seeds_differ_by_student_notebook_and_run_and_need_the_secret():
    base = run_seed(TEST_SECRET, "alice", "01_simple_conv1d", "nonce-1")
    assert base == run_seed(TEST_SECRET, "alice", "01_simple_conv1d", "nonce-1")
    others = {run_seed(TEST_SECRET, "bob", "01_simple_conv1d", "nonce-1"),
              run_seed(TEST_SECRET, "alice", "04_conv1d_channels", "nonce-1"),
              run_seed(TEST_SECRET, "alice", "01_simple_conv1d", "nonce-2"),
              run_seed(b"another course's secret", "alice", "01_simple_conv1d", "nonce-1")}
    assert base not in others and len(others) == 4
    assert judge_seed(TEST_SECRET, base) != judge_seed(b"another course's secret", base)
    assert 0 <= base < 2**63


def test_a_failure_shows_the_shapes_and_the_first_values_only():
    notebook = "01_simple_conv1d"
    (forgets_bias,) = demo_mistakes(notebook_named(notebook))
    messages = simulate(notebook, student(notebook, forgets_bias))["test_forward_values"]
    assert messages
    for message in messages:
        assert "F=" in message and "N_in=" in message and "values differ" in message
        assert message.count("expected") <= MAX_SHOWN_DIFFERENCES
        assert "\n[" not in message and "array(" not in message


def test_the_reference_with_replayed_answers_is_not_needed_to_pass():
    """Sanity: the replaying student's own code (without answers) fails, so the copied answers are what mattered."""
    notebook = "01_simple_conv1d"
    assert "test_forward_values" in failing(notebook, replaying_student(notebook, {}))
