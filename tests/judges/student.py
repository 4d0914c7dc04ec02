"""A student's kernel without a kernel, for the judge tests: the names a notebook's cells define when the student
wrote the reference solution, or the reference with some of the problem's mistakes (autograde/problems/*/mistakes.py).
The mutants themselves are autograde/grade/mutants.py's (the grader runs them too, to name a student's mistake);
`simulate` (autograde/grade/judging.py) then runs the hidden probes on the namespace and judges them.
"""

from functools import cache

from autograde.build.visible_mistakes import built_source, run_checks
from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.grade.mutants import built_cells, mutant_namespace
from autograde.problems.mistake import Mistake, mistakes_of


def reference_cells(notebook: str) -> tuple[tuple[str, str, bool], ...]:
    """(f"{notebook} {grade_id}", source, is a solution cell) of the notebook's given and solution cells, as built."""
    return tuple((f"{notebook} {label}", source, solution) for label, source, solution in built_cells(notebook))


def student(notebook: str, *mistakes: Mistake | None) -> dict:
    """The namespace of a student who wrote the reference, or made `mistakes` (edits of their solution cells, then
    the names they replace, which the probes see but the student's other code does not)."""
    return mutant_namespace(built_cells(notebook), tuple(m for m in mistakes if m is not None), notebook)


def failing(notebook: str, namespace: dict) -> set[str]:
    """The grade cells whose hidden cases the judge fails for this namespace."""
    return {grade_id for grade_id, failures in simulate(notebook, namespace).items() if failures}


def diagnosed(notebook: str, namespace: dict, run=None, outcomes: dict | None = None):
    """grade_id -> (failures, diagnosis lines) for this namespace, cell after cell as the grader judges them, and the
    Diagnosis (its .named). `outcomes`: the mutants' results of earlier diagnoses of the same run, to reuse."""
    from autograde.grade.diagnosis import Diagnosis
    from autograde.grade.judging import judge_cases, kernel_payloads, local_run

    run = run or local_run(notebook)
    diagnosis = Diagnosis(run, built_cells(notebook), outcomes={} if outcomes is None else outcomes)
    kernel = dict(namespace)
    verdicts = {}
    for grade_id in run.sections:
        cases = judge_cases(run, grade_id, kernel_payloads(run, kernel, grade_id))
        failures = [case.failure for case in cases if case.failure]
        if failures:
            lines = diagnosis.failing(grade_id, cases)
        else:
            lines = diagnosis.passing(grade_id, cases)
        verdicts[grade_id] = (failures, lines)
    return verdicts, diagnosis


@cache
def built(notebook: str):
    """The notebook's source as the working tree builds it."""
    return built_source(notebook_named(notebook))


@cache
def checked(notebook: str, titles: tuple[str, ...], last: frozenset[str] | None = None) -> dict[str, str]:
    """grade_id -> what the notebook's visible check cell raised ("" if it passed) for the student who made the
    catalogue's mistakes `titles`, the cells run in order with the given checks and their table of known wrong
    answers (KNOWN_MISTAKES), up to the last grade cell (of `last`)."""
    by_title = {m.title: m for m in mistakes_of(notebook_named(notebook))}
    raised = run_checks(notebook_named(notebook), tuple(by_title[t] for t in titles), built(notebook), last)
    return {grade_id: "" if error is None else f"{type(error).__name__}: {error}" for grade_id, error in raised.items()}
