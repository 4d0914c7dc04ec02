"""Every converted notebook's judges, and what the grader does with results a kernel could forge.

Structure: hidden sections and judge functions match one to one; each section cleans up after itself (the reference
passing every judge, and each mistake failing exactly its cells, is tests/judges/test_mistakes.py). Forgery: notebook
03's judge is fed handcrafted probe payloads (autograde.grade.judging.judge_cell); anything but honest float64 numbers
for every case fails.
"""

import base64
import importlib.util
import inspect
import io
import json
import pickle
from unittest import mock

import numpy as np
import pytest

from autograde.build.hidden_sections import ends_with_expression, hidden_tests_of
from autograde.course import course_notebooks, notebook_named
from autograde.grade.judging import RUN_INPUTS_HOOK, judge_cell, judge_module, local_run, simulate
from autograde.grade.probe import PROBE_MIME, kernel_region
from tests.judges.student import student

JUDGED = [item for item in course_notebooks() if importlib.util.find_spec(item.judge_module)]


def reference_namespace(notebook: str) -> dict:
    """The names a student who wrote the reference has (tests/judges/student.py)."""
    return student(notebook)


def judge_functions(notebook: str) -> set[str]:
    module = judge_module(notebook)
    return {name for name, function in vars(module).items()
            if inspect.isfunction(function) and function.__module__ == module.__name__ and not name.startswith("_")
            and name != RUN_INPUTS_HOOK}


def test_some_notebooks_are_judged():
    assert {"03_toy_check", "08_mnist_classifier"} <= {item.name for item in JUDGED}


@pytest.mark.parametrize("notebook", [item.name for item in JUDGED])
def test_sections_leave_no_names_and_display_one_small_result_each(notebook):
    """Each section cleans up after itself (the student's namespace stays theirs), ends in a statement and
    displays one small probe output (results, not data echoed back: notebook 8 sends 2000 labels, not images)."""
    sections = hidden_tests_of(notebook_named(notebook))
    namespace = dict(reference_namespace(notebook))
    exec(kernel_region("pass"), namespace)  # noqa: S102 - _probe and the run's seed
    before = set(namespace)
    displayed = []
    with mock.patch("IPython.display.display", lambda data, raw=False: displayed.append(data)):
        for grade_id, code in sections.items():
            assert not ends_with_expression(code), grade_id
            exec(compile(kernel_region(code), grade_id, "exec"), namespace)  # noqa: S102
            assert set(namespace) - {"__builtins__"} == before - {"__builtins__"}, grade_id
    assert len(displayed) == len(sections)
    sizes = {grade_id: len(json.dumps(data)) for grade_id, data in zip(sections, displayed, strict=True)}
    # notebook 8's MNIST run also sends the trained network (clf.layers) for the grader to recompute its predictions
    limits = {grade_id: 400_000 if (notebook, grade_id) == ("08_mnist_classifier", "test_learns") else 50_000
              for grade_id in sizes}
    assert all(sizes[g] < limits[g] for g in sizes), f"probe outputs are results, not data echoed back: {sizes} bytes"


@pytest.mark.parametrize("notebook", [item.name for item in JUDGED])
def test_every_section_has_its_judge_and_every_judge_its_section(notebook):
    sections = set(hidden_tests_of(notebook_named(notebook)))
    judges = judge_functions(notebook)
    assert sections - judges == set(), "hidden sections without a judge function"
    assert judges - sections == set(), "judge functions without a hidden section (a typo never runs)"


# ---- forged probe results, on notebook 03 -------------------------------------------------------------------------

NOTEBOOK, GRADE_ID = "03_toy_check", "test_toy_a"
SECTION = hidden_tests_of(notebook_named(NOTEBOOK))[GRADE_ID]
RUN = local_run(NOTEBOOK)


def npy_base64(array: np.ndarray, allow_pickle: bool = False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def honest_results(pack=lambda a: {"value": {"": npy_base64(np.asarray(a, dtype=np.float64))}}) -> dict:
    """{case key: entry} with the right answers (the reference toy_check), each packed by `pack`."""
    toy_check = reference_namespace(NOTEBOOK)["toy_check"]
    (call,) = RUN.cases(GRADE_ID)
    return {key: pack(toy_check(**{k: np.copy(v) for k, v in case.items()})["a"]) for key, case in call.cases}


def verdict(results) -> list[str]:
    return judge_cell(RUN, GRADE_ID, [{"grade_id": GRADE_ID, "results": results}])


def test_honest_payload_passes():
    """The handcrafted payloads below differ from this one only in what they forge."""
    assert verdict(honest_results()) == []


def test_every_case_is_checked():
    results = honest_results()
    first = next(iter(results))
    results[first] = {"value": {"": npy_base64(np.zeros(1))}}
    (failure,) = verdict(results)
    assert failure.startswith(f"hidden case {first}:")


class AlwaysEqual(np.ndarray):
    """An array that says it equals anything."""

    def __eq__(self, other):
        return True

    __hash__ = None


def test_object_equal_to_everything_fails_in_the_kernel_helper():
    """The kernel's _probe sends numbers, not the object: what it compares is its (wrong) values."""
    def forged_toy_check(x, w, b, dA):
        return {"a": np.zeros(1).view(AlwaysEqual)}

    failures = simulate(NOTEBOOK, {**reference_namespace(NOTEBOOK), "toy_check": forged_toy_check})
    assert failures["test_toy_a"] and failures["test_toy_dB"]


def test_json_object_instead_of_an_array_fails():
    failures = verdict(honest_results(lambda a: {"value": {"": {"__eq__": True, "data": list(map(float, a))}}}))
    assert failures and all("unusable result" in failure for failure in failures)


def test_object_equal_to_everything_sent_raw_fails():
    """A pickled AlwaysEqual in the payload is refused: the grader never unpickles."""
    failures = verdict(honest_results(lambda a: {"value": {"": base64.b64encode(
        pickle.dumps(np.asarray(a, dtype=np.float64).view(AlwaysEqual))).decode("ascii")}}))
    assert failures and all("unusable result" in failure for failure in failures)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex128])
def test_wrong_dtype_fails(dtype):
    failures = verdict(honest_results(lambda a: {"value": {"": npy_base64(np.asarray(a).astype(dtype))}}))
    assert failures and all("float64" in failure for failure in failures)


def test_pickled_array_fails():
    failures = verdict(honest_results(lambda a: {"value": {"": npy_base64(
        np.array([float(v) for v in a], dtype=object), allow_pickle=True)}}))
    assert failures and all("unusable result" in failure for failure in failures)


@pytest.mark.parametrize("garbage", ["!!! not base64 !!!", base64.b64encode(b"not an npy file").decode(), "", 3.0])
def test_garbage_base64_fails(garbage):
    failures = verdict(honest_results(lambda a: {"value": {"": garbage}}))
    assert failures and all("unusable result" in failure for failure in failures)


def test_missing_case_fails():
    results = honest_results()
    missing = sorted(results)[-1]
    del results[missing]
    assert verdict(results) == [f"hidden case {missing}: no result / 結果がありません"]


@pytest.mark.parametrize("payloads", [[], [{"grade_id": "test_toy_dB", "results": {}}], [{"grade_id": GRADE_ID}],
                                      [{"grade_id": GRADE_ID, "results": "all passed"}]],
                         ids=["none", "another cell's", "no results", "results not an object"])
def test_no_payload_fails(payloads):
    failures = judge_cell(RUN, GRADE_ID, payloads)
    assert len(failures) == 1 and "no result from the kernel" in failures[0]


def test_raised_and_value_both_absent_fails():
    failures = verdict({key: {} for key in honest_results()})
    assert failures and all("unusable result" in failure for failure in failures)


def test_probe_output_uses_the_probe_mime_type():
    """simulate() reads what the kernel helper displays: the same MIME type the grader looks for."""
    displayed = []
    with mock.patch("IPython.display.display", lambda data, raw=False: displayed.append(data)):
        namespace = dict(reference_namespace(NOTEBOOK))
        exec(compile(kernel_region(SECTION), GRADE_ID, "exec"), namespace)  # noqa: S102
    (output,) = displayed
    assert list(output) == [PROBE_MIME] and output[PROBE_MIME]["grade_id"] == GRADE_ID
    assert verdict(output[PROBE_MIME]["results"]) == []
