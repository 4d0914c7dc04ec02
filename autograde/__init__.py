"""The instructor pipeline: build the nbgrader source, release, autograde, feedback, grades (docs/instructor.md)."""

import sys

# nbformat imports jsonschema, which compiles an IRI grammar at import (~1.3 s in every process that reads a
# notebook) when the optional rfc3987_syntax is installed (jupyter-events pulls it in). No notebook schema uses that
# format; without the module jsonschema skips it. The sandbox's runner, standalone, does the same.
sys.modules.setdefault("rfc3987_syntax", None)
