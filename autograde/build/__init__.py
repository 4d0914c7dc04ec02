"""Stage: build the nbgrader source and release it.

notebooks/ (what students get) + solutions/ (stubs filled: stubs.py) + autograde/problems/*/probe.py (hidden
sections: hidden_sections.py), with given cells kept equal to solutions/ (given_cells.py) -> source.py writes
course/source/cnn1d/ -> release.py runs nbgrader generate_assignment and checks the release (release_checks.py).
"""
