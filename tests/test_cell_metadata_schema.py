"""nbgrader's cell-metadata check with the schema checked once (autograde/cell_metadata_schema.py): the same verdict
and the same error as jsonschema.validate, on valid and broken metadata."""

import copy

import jsonschema
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.nbgraderformat import ValidationError, common
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

from autograde.cell_metadata_schema import CheckedSchemas, install

GOOD = {"grade": True, "grade_id": "test_x", "points": 2, "locked": True, "solution": False, "schema_version": 3}
BROKEN = [{**GOOD, "points": "two"}, {**GOOD, "grade": "yes"}, {key: value for key, value in GOOD.items()
                                                                 if key != "grade_id"}, {**GOOD, "task": 3}]


def outcome(validate, metadata):
    try:
        validate(copy.deepcopy(metadata), MetadataValidatorV3().schema)
    except jsonschema.ValidationError as error:
        return error.message, list(error.absolute_path)
    return None


@pytest.mark.parametrize("metadata", [GOOD, *BROKEN])
def test_the_same_verdict_and_error_as_jsonschema(metadata):
    checked = CheckedSchemas()
    assert outcome(checked.validate, metadata) == outcome(jsonschema.validate, metadata)
    assert outcome(checked.validate, metadata) == outcome(jsonschema.validate, metadata)  # from the kept validator
    assert len(checked.validators) == 1


def test_installed_nbgrader_still_rejects_broken_metadata():
    install()
    install()  # once is enough: installing again keeps the same stand-in
    assert isinstance(common.jsonschema, CheckedSchemas)
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = dict(GOOD)
    MetadataValidatorV3().validate_nb(new_notebook(cells=[cell]))
    for metadata in BROKEN:
        cell.metadata["nbgrader"] = dict(metadata)
        with pytest.raises(ValidationError):
            MetadataValidatorV3().validate_nb(new_notebook(cells=[cell]))
