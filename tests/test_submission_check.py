"""Malformed submissions are refused before nbgrader sees them; missing or extra notebooks only warned about."""

import shutil

from autograde.course import NOTEBOOKS_DIR
from autograde.grade.submission_check import check_submission

RELEASED = ["01_simple_conv1d.ipynb", "02_output_size.ipynb"]


def submission(tmp_path, files):
    folder = tmp_path / "cnn1d"
    folder.mkdir()
    for name, text in files.items():
        if text is None:
            shutil.copyfile(NOTEBOOKS_DIR / "01_simple_conv1d.ipynb", folder / name)
        else:
            (folder / name).write_text(text)
    return folder


def test_complete_submission_is_clean(tmp_path):
    check = check_submission("alice", submission(tmp_path, dict.fromkeys(RELEASED)), RELEASED)
    assert (check.errors, check.warnings) == ([], [])


def test_missing_and_extra_notebooks_are_warnings(tmp_path):
    folder = submission(tmp_path, {"01_simple_conv1d.ipynb": None, "01_simple_conv1d-Copy1.ipynb": None})
    check = check_submission("bob", folder, RELEASED)
    assert check.errors == []
    assert check.warnings == ["02_output_size.ipynb not submitted: it scores 0",
                              "01_simple_conv1d-Copy1.ipynb is not part of the assignment: ignored"]


def test_broken_notebooks_are_errors_with_the_reason(tmp_path):
    folder = submission(tmp_path, {"01_simple_conv1d.ipynb": '{"cells": [', "02_output_size.ipynb": '{"a": 1}'})
    check = check_submission("carol", folder, RELEASED)
    assert check.errors == ["01_simple_conv1d.ipynb: not valid JSON (line 1, column 12: Expecting value)",
                            "02_output_size.ipynb: not a Jupyter notebook in format 4"]


def test_invalid_notebook_schema_and_bad_student_id(tmp_path):
    folder = submission(tmp_path, {"01_simple_conv1d.ipynb": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {},'
                                                             ' "cells": [{"id": "a", "cell_type": "code"}]}'})
    assert check_submission("dave", folder, RELEASED).errors[0].startswith("01_simple_conv1d.ipynb: not a valid")
    assert "cannot use" in check_submission("../eve", folder, RELEASED).errors[0]
    assert check_submission("frank", tmp_path / "nothing", RELEASED).errors == [f"no folder {tmp_path / 'nothing'}"]
