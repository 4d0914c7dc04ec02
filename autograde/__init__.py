"""The instructor pipeline: build the nbgrader source, release, autograde, feedback, grades (docs/instructor.md)."""
