"""nbgrader's check of the cells' nbgrader metadata, with the schema checked once instead of at every cell.

nbgrader validates each cell's metadata with jsonschema.validate(metadata, schema), which first checks the schema
itself against JSON Schema's meta-schema: for every cell of every notebook, twice per notebook at autograde. That
was ~0.1 s of CPU per student's 8 notebooks and pass (0.01 s with the schema checked once). install() gives
nbgrader's metadata module a jsonschema whose validate() keeps one validator per schema: the same checks, the same
error (jsonschema's best_match) for the same metadata. nbgrader_config.py installs it in every nbgrader process.
"""

import json

import jsonschema


class CheckedSchemas:
    """Stands in for the jsonschema module in nbgrader.nbgraderformat.common; all but validate() is jsonschema's."""

    def __init__(self):
        self.validators = {}

    def validate(self, instance, schema, *args, **kwargs):
        if args or kwargs:  # a call nbgrader does not make: jsonschema's own
            return jsonschema.validate(instance, schema, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)  # nbgrader loads the schema again for each validator it makes
        validator = self.validators.get(key)
        if validator is None:
            kind = jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            validator = self.validators[key] = kind(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error
        return None

    def __getattr__(self, name):
        return getattr(jsonschema, name)


def install() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, CheckedSchemas):
        common.jsonschema = CheckedSchemas()
