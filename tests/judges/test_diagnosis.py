"""Naming a student's mistake (autograde/grade/diagnosis.py) beyond the catalogue's own mutants (tests/judges/
test_mistakes.py): the same mistakes written in other styles are named by their results, honest work in any style is
never given a name (not even when every one of its grade cells is diagnosed as if it had failed), and the diagnosis
never costs a student anything: out of time, a mutant that cannot be made, a broken catalogue.
"""

import dataclasses
import json
import time

import numpy as np
import pytest

from autograde.course import notebook_named
from autograde.grade import diagnosis as diagnosis_module
from autograde.grade.diagnosis import Diagnosis, same_result, save_record, time_limit
from autograde.grade.judging import judge_cases, kernel_payloads, local_run
from autograde.grade.mutants import built_cells
from autograde.grade.probe import Raised
from autograde.problems.mistake import Mistake, mistakes_of
from tests.honest.corpus import STYLES
from tests.judges.student import diagnosed, reference_cells, student

CHEAP = [f"0{n}_{slug}" for n, slug in [(1, "simple_conv1d"), (2, "output_size"), (3, "toy_check"),
                                         (4, "conv1d_channels"), (5, "padding"), (6, "minibatch"), (7, "stride")]]
STYLED = [style for style in STYLES if style.solutions]


def style_namespace(style, edits=()) -> dict:
    """The names of a student who wrote `style` (tests/honest/corpus.py), with (old, new) edits of its solutions."""
    namespace = {"__name__": "student"}
    solutions = dict(style.solutions)
    for old, new in edits:
        (grade_id,) = [g for g, source in solutions.items() if source.count(old) == 1]
        solutions[grade_id] = solutions[grade_id].replace(old, new)
    for label, source, _ in reference_cells(style.notebook):
        grade_id = label.split(" ", 1)[1]
        exec(compile(solutions.get(grade_id, source), label, "exec"), namespace)  # noqa: S102
    return namespace


def named_titles(notebook, namespace, **options) -> set[str]:
    return {named.title for named in diagnosed(notebook, namespace, **options)[1].named}


# ---- no name for honest work ------------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", CHEAP + ["08_mnist_classifier"])
def test_the_reference_is_never_named(notebook):
    """Notebook 8 runs the no-shuffling mutant on the reference's passing history: a note only if theirs is equal."""
    assert named_titles(notebook, student(notebook)) == set()


@pytest.mark.parametrize("style", STYLED, ids=[style.name for style in STYLED])
def test_honest_styles_are_never_named(style):
    assert named_titles(style.notebook, style_namespace(style)) == set()


def test_an_honest_exception_is_not_a_mistakes_exception():
    """Same exception class is not enough: the judge must fail the mutant's result exactly on the cases it failed the
    student's. A student whose first ValueError message was judged wrong (here: pretended) but whose other messages
    name their numbers is not the mutant whose messages never do."""
    notebook, grade_id = "02_output_size", "test_output_size_message"
    mistake = [m for m in mistakes_of(notebook_named(notebook)) if m.title == "the message does not name the numbers"]
    run = local_run(notebook)
    honest = judge_cases(run, grade_id, kernel_payloads(run, dict(student(notebook)), grade_id))
    assert all(isinstance(v.got, Raised) and not v.failure for v in honest)
    pretended = [dataclasses.replace(honest[0], failure="pretended")] + honest[1:]
    diagnosis = Diagnosis(run, built_cells(notebook), mistakes=tuple(mistake))
    assert diagnosis.failing(grade_id, pretended) == [] and diagnosis.mutant_runs == 1
    wrong = judge_cases(run, grade_id, kernel_payloads(run, dict(student(notebook, *mistake)), grade_id))
    assert len(diagnosis.failing(grade_id, wrong)) == 1


# ---- the catalogue's mistakes written in other styles are named by their results --------------------------------

def _style(name):
    (style,) = [s for s in STYLES if s.name == name]
    return style


LOOPS, CORRELATE, STRIDES = "loops and my own wording", "np.correlate, helpers and properties", \
    "stride tricks, dtype kept"
IM2COL, TAPS, CHANNELS = "im2col", "a loop over the taps with tensordot and my own small class", "im2col with channels"
CONVOLVE = "        dX = np.convolve(dA, self.W)"
UPDATE = "        if self.optimizer:\n            self.optimizer.update(self)"
OTHER_STYLES = [
    (LOOPS, [("out[i] = total + self.B[0]", "out[i] = total")], "forward forgets the bias"),
    (LOOPS, [("total += X[i + s] * self.W[s]", "total += X[i + s] * self.W[F - 1 - s]")], "forward flips the filter"),
    (LOOPS, [("dX[i + s] += dA[i] * self.W[s]", "dX[i + s] += dA[i] * self.W[F - 1 - s]")],
     "dX without flipping the filter"),
    (LOOPS, [("        if self.optimizer is not None:\n            self.optimizer.update(self)\n", "")],
     "backward never calls the optimizer"),
    (CORRELATE, [('np.correlate(X, self.W, mode="valid")', 'np.convolve(X, self.W, mode="valid")')],
     "forward flips the filter"),
    (CORRELATE, [("dX = np.convolve(dA, self.W)",
                  'dX = np.correlate(np.pad(dA, self.filter_size - 1), self.W, "valid")')],
     "dX without flipping the filter"),
    (CORRELATE, [(f"{CONVOLVE}\n{UPDATE}", f"{UPDATE}\n{CONVOLVE}")], "the optimizer updates W before dX is computed"),
    (STRIDES, [("return self._windows(self.X) @ self.W + self.B", "return self._windows(self.X) @ self.W")],
     "forward forgets the bias"),
    (IM2COL, [("dXp[:, :, self.idx[i]] += dcols[:, i]", "dXp[:, :, i : i + F] += dcols[:, i]")],
     "backward ignores the stride when it adds the windows' gradients back"),
    (TAPS, [("dXp[:, :, s : s + end : S] +=", "dXp[:, :, s : s + sh.n_out] +=")],
     "backward ignores the stride when it adds the windows' gradients back"),
    (TAPS, [("if stride != 1 or W.shape[2] % 2 == 0:", "if W.shape[2] % 2 == 0:")],
     "'same' with a stride > 1 is not rejected"),
    (CHANNELS, [("self.dB = dA.sum(axis=(0, 2))", "self.dB = dA.sum(axis=(0, 1))")],
     "dB sums over the output channels instead of the positions"),
    (CHANNELS, [(".transpose(0, 2, 1) + self.B[:, None]", ".transpose(0, 2, 1)")], "forward forgets the bias"),
    (CHANNELS, [("        if self.optimizer is not None:\n            self.optimizer.update(self)\n", "")],
     "backward never calls the optimizer"),
]


@pytest.mark.parametrize(("style", "edits", "title"), OTHER_STYLES,
                         ids=[f"{style}: {title}" for style, _, title in OTHER_STYLES])
def test_a_mistake_written_in_another_style_is_named(style, edits, title):
    style = _style(style)
    assert named_titles(style.notebook, style_namespace(style, edits)) == {title}


def test_the_share_named_in_other_styles():
    named = sum(named_titles(_style(style).notebook, style_namespace(_style(style), edits)) == {title}
                for style, edits, title in OTHER_STYLES)
    print(f"\nother styles: {named} of {len(OTHER_STYLES)} mistakes written in honest students' styles named "
          "exactly (their own mistake and no other)")
    assert named == len(OTHER_STYLES)


def test_two_mistakes_in_one_notebook_are_both_named():
    """A mistake named in an earlier cell is made again together with the next candidates."""
    notebook = "08_mnist_classifier"
    by_title = {m.title: m for m in mistakes_of(notebook_named(notebook))}
    shuffle, predict = by_title["fit forgets to shuffle: mini-batches in data order"], \
        by_title["predict returns the probabilities, not the labels"]
    verdicts, diagnosis = diagnosed(notebook, student(notebook, shuffle, predict))
    assert [(n.grade_id, n.title, n.lost_points) for n in diagnosis.named] == [
        ("test_fit_history", shuffle.title, False), ("test_predict", predict.title, True)]
    assert diagnosis.named[1].together_with == (shuffle.title,)
    assert verdicts["test_fit_history"][0] == []  # the note costs nothing


# ---- the words ---------------------------------------------------------------------------------------------------

def test_the_message_names_the_mistake_and_the_fix_in_both_languages_without_numbers():
    notebook = "07_stride"
    mistake = mistakes_of(notebook_named(notebook))[0]
    verdicts, _ = diagnosed(notebook, student(notebook, mistake))
    failures, lines = verdicts["test_stride_backward_dX"]
    (line,) = lines
    assert "your dX with a stride equals, on all 6 hidden cases compared, what you get when the stride is ignored" \
        in line
    assert "Fix: add dA[i] * W[s] into dX[i*S + s]" in line
    assert "考えられる間違い" in line and "直し方" in line and "ストライドありの dX は" in line
    assert failures and not any(char.isdigit() for char in line.replace("6 hidden", "").replace("6 件", "")
                                .replace("i*S", "").replace("x[i + s]", ""))


# ---- never costs anything -----------------------------------------------------------------------------------------

def test_same_result():
    a = np.array([1.0, 2.0])
    assert same_result(a, a + 1e-9) and not same_result(a, a + 1e-3) and not same_result(a, a[:1])
    assert same_result(Raised(("ValueError", "Exception"), "x"), Raised(("ValueError",), "other words"))
    assert not same_result(Raised(("ValueError",), ""), a) and not same_result(a, None)
    assert same_result({"dX": a}, {"dX": a}) and not same_result({"dX": a}, {"dX": a, "dW": a})
    assert same_result(a.astype(np.float32).astype(np.float64) * (1 + 3e-7), a)  # float32 work


def _diagnosis_of(notebook, mistake, **options):
    run = local_run(notebook)
    namespace = student(notebook, mistake)
    return run, Diagnosis(run, built_cells(notebook), **options), namespace


def test_out_of_time_names_nothing_and_says_so():
    notebook = "01_simple_conv1d"
    mistake = mistakes_of(notebook_named(notebook))[0]
    run, diagnosis, namespace = _diagnosis_of(notebook, mistake, budget=0.0)
    verdicts = judge_cases(run, "test_forward_values", kernel_payloads(run, dict(namespace), "test_forward_values"))
    assert diagnosis.failing("test_forward_values", verdicts) == []
    assert any("out of time" in problem for problem in diagnosis.problems), diagnosis.problems


def test_a_slow_mutant_is_interrupted_within_the_budget(monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(30)

    notebook = "01_simple_conv1d"
    mistake = mistakes_of(notebook_named(notebook))[0]
    run, diagnosis, namespace = _diagnosis_of(notebook, mistake, budget=0.5)
    verdicts = judge_cases(run, "test_forward_values", kernel_payloads(run, dict(namespace), "test_forward_values"))
    monkeypatch.setattr(diagnosis_module, "kernel_payloads", slow)
    start = time.perf_counter()
    assert diagnosis.failing("test_forward_values", verdicts) == []
    assert time.perf_counter() - start < 5
    assert any("out of time" in problem for problem in diagnosis.problems)


def test_a_mutant_that_cannot_be_made_or_a_broken_catalogue_names_nothing():
    notebook = "01_simple_conv1d"
    broken = Mistake("an edit the reference does not have", {"test_forward_values"}, (("no such text", "x"),),
                     why=("x", "x"), fix=("x", "x"))
    run, diagnosis, namespace = _diagnosis_of(notebook, mistakes_of(notebook_named(notebook))[0],
                                              mistakes=(broken,))
    verdicts = judge_cases(run, "test_forward_values", kernel_payloads(run, dict(namespace), "test_forward_values"))
    assert diagnosis.failing("test_forward_values", verdicts) == []
    assert "must match the reference exactly once" in diagnosis.problems[0]
    diagnosis.mistakes = None  # anything else that breaks is caught too
    assert diagnosis.failing("test_forward_values", verdicts) == []
    assert "diagnosis failed" in diagnosis.problems[-1]


def test_time_limit_lets_the_block_finish_in_time():
    with time_limit(5):
        pass
    with pytest.raises(KeyboardInterrupt), time_limit(0.2):
        time.sleep(5)


def test_records_are_written_whole_and_only_for_a_student_id(tmp_path):
    record = {"notebook": "01_simple_conv1d", "named": []}
    path = save_record(tmp_path, "s1", record)
    assert json.loads(path.read_text(encoding="utf-8")) == record and path == tmp_path / "s1" / "01_simple_conv1d.json"
    for bad in ("", "../x", ".hidden"):
        with pytest.raises(ValueError):
            save_record(tmp_path, bad, record)


def test_a_mistake_named_by_a_failing_check_is_recorded():
    """The grader skips the hidden tests of a cell whose visible check failed; what that check named is recorded."""
    import nbformat

    import solutions.checks as checks
    from tests.test_visible_mistakes import table_of

    notebook = "01_simple_conv1d"
    run, diagnosis, _ = _diagnosis_of(notebook, mistakes_of(notebook_named(notebook))[0])
    checks.KNOWN_MISTAKES = table_of(notebook)
    try:
        with pytest.raises(checks.CheckFailed) as caught:
            checks.check_array("forward(x)", [35.0], [35, 50])
    finally:
        del checks.KNOWN_MISTAKES
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "error", ename="CheckFailed", evalue=str(caught.value), traceback=[]), nbformat.v4.new_output(
        "error", ename="ValueError", evalue="Likely mistake: this is what you get when the bias B is not added.",
        traceback=[])])
    diagnosis.checked("test_forward_shape", cell)
    diagnosis.checked("test_forward_shape", cell)
    assert [(n.grade_id, n.title, n.by_check) for n in diagnosis.named] == [
        ("test_forward_shape", "forward drops the last window (N_out = N_in - F)", True)]
