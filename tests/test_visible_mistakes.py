"""A failing visible check names the mistake: the notebook's table of its checks' known wrong answers
(autograde/problems/NN_slug/visible_mistakes.py, made from the catalogue by autograde/build/visible_mistakes.py) is in
its given cell, and solutions/checks.py names the mistake whose answer the student's value is. The table is up to
date, names only the catalogue's mistakes, and honest work in other styles never fails a check (so is never named).
The share over the whole catalogue, visible and hidden together, is tests/judges/test_mistakes.py's."""

import numpy as np
import pytest

import solutions.checks as checks
from autograde.build.visible_mistakes import TABLE, known_answers, render, table_path
from autograde.course import course_notebooks, notebook_named
from autograde.problems.mistake import mistakes_of
from tests.judges.student import built, checked
from tests.judges.test_diagnosis import STYLED, style_namespace

CHEAP = [item.name for item in course_notebooks() if item.name != "08_mnist_classifier"]  # 8 trains: ~25 s more


def table_of(notebook: str) -> dict:
    namespace = {}
    exec(table_path(notebook_named(notebook)).read_text(encoding="utf-8"), namespace)  # noqa: S102 - generated data
    return namespace[TABLE]


@pytest.mark.parametrize("notebook", CHEAP)
def test_the_table_is_the_catalogues_and_up_to_date(notebook):
    item = notebook_named(notebook)
    assert render(known_answers(item)) == table_path(item).read_text(encoding="utf-8"), \
        f"{table_path(item)} is stale: run `make sync-given`"


@pytest.mark.parametrize("notebook", [item.name for item in course_notebooks()])
def test_the_table_names_catalogue_mistakes_and_is_in_the_given_cell(notebook):
    whys = {mistake.why for mistake in mistakes_of(notebook_named(notebook))}
    table = table_of(notebook)
    assert table, f"{notebook}: no visible check fails for any known mistake"
    for name, entries in table.items():
        for expected, wrong, reasons in entries:
            assert reasons and set(reasons) <= whys, f"{notebook} {name}: {reasons}"
            assert expected != wrong
    given = [cell.source for cell in built(notebook).cells if cell.source.startswith("# GIVEN")][0]
    assert f"{TABLE} = {{" in given and "def _known_mistake(" in given  # the student's kernel has both


@pytest.fixture
def table_01(monkeypatch):
    monkeypatch.setattr(checks, TABLE, table_of("01_simple_conv1d"), raising=False)


def failure(function, *args, **kwargs) -> str:
    with pytest.raises(checks.CheckFailed) as caught:
        function(*args, **kwargs)
    return str(caught.value)


def test_a_known_wrong_answer_is_named_in_both_languages(table_01):
    message = failure(checks.check_array, "forward(x)", [34, 49], [35, 50], hint=("add B", "B を足す"))
    assert message.split("\n")[:6] == [
        "forward(x) differs at 2 of 2 positions; first at index (0,): got 34, expected 35.", "  add B",
        "Likely mistake: this is what you get when the bias B is not added.",
        "forward(x) は 2 要素中 2 要素が違います。最初は (0,): 34（正しくは 35）。", "  B を足す",
        "考えられる間違い：「バイアス B を足さなかった」ときの結果と同じです。"]
    assert "the bias B is not added" in failure(checks.check_array, "forward(x)",
                                                np.array([34, 49], dtype=np.float32), [35, 50])
    assert "the last window is left out" in failure(checks.check_array, "forward(x)", [35.0], [35, 50])
    assert "the last window is left out" in failure(checks.check_array_shape, "forward(x)", np.zeros(1), (2,))
    assert "the input is not checked" in failure(checks.check_raises, "forward(x) with N_in = 2 < F = 3",
                                                 lambda: None, ValueError)


def test_other_wrong_answers_and_other_checks_name_nothing(table_01):
    assert "Likely mistake" not in failure(checks.check_array, "forward(x)", [33, 49], [35, 50])
    assert "Likely mistake" not in failure(checks.check_array, "forward(x)", [34, 49], [36, 51])  # another example
    assert "Likely mistake" not in failure(checks.check_array, "layer.dW", [34, 49], [35, 50])
    assert "Likely mistake" not in failure(checks.check_raises, "forward(x) with N_in = 2 < F = 3",
                                           lambda: [][1], ValueError)
    checks.check_array("forward(x)", [35, 50], [35, 50])  # a right answer passes as before


def test_without_a_table_a_check_says_what_differed_as_before(monkeypatch):
    monkeypatch.delattr(checks, TABLE, raising=False)
    assert "Likely mistake" not in failure(checks.check_array, "forward(x)", [34, 49], [35, 50])


@pytest.mark.parametrize("notebook", CHEAP)
def test_a_mutants_failing_check_names_its_own_mistake(notebook):
    """Run the notebook's check cells (the given checks and table, as the student's kernel has them) for each
    mistake: every check that fails with a catalogue answer names that mistake, and no other alone. A yes/no check
    (check_that) has no answer to look up: its hint is all it says."""
    named, failed, yes_no = 0, 0, 0
    for mistake in mistakes_of(notebook_named(notebook)):
        if not mistake.fails:
            continue
        for message in checked(notebook, (mistake.title,), frozenset(mistake.fails)).values():
            if not message.startswith("CheckFailed"):
                continue
            if message.startswith("CheckFailed: not true:"):
                yes_no += 1
                continue
            failed += 1
            if "Likely mistake" in message:
                assert f"when {mistake.why[0]}" in message or f"or when {mistake.why[0]}" in message, message
                assert f"「{mistake.why[1]}」" in message, message
                named += 1
    print(f"\n{notebook}: {named} of {failed} failing visible checks of catalogue mistakes name the mistake "
          f"({yes_no} yes/no checks failed too)")
    assert failed and named == failed


@pytest.mark.parametrize("notebook", CHEAP)
def test_the_reference_passes_every_check(notebook):
    assert not any(checked(notebook, ()).values())


@pytest.mark.parametrize("style", [s for s in STYLED if s.notebook in CHEAP], ids=lambda style: style.name)
def test_honest_styles_pass_every_check_so_nothing_is_named(style):
    from autograde.build.visible_mistakes import run_checks

    raised = run_checks(notebook_named(style.notebook), source=built(style.notebook), kernel=style_namespace(style))
    assert {grade_id: error for grade_id, error in raised.items() if error is not None} == {}
