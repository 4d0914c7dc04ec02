"""The grader's half of the hidden tests: one module per notebook, one function per grade cell (autograde/judge.py).

`def <grade_id>(key, got, **case)`: `case` is the dict the hidden section's case generator yielded (regenerated in
the grader, never taken from the kernel), `got` what the student's code returned for it (float64 ndarray, dict of
them, or probe.Raised). Compute the expected value with an oracle written here, raise AssertionError on mismatch.
"""
