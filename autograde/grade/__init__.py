"""Stage: autograde the class.

cli.py (`python -m autograde.grade`) checks each submission (submission_check.py), scans it (autograde/scan/), then
grades the students one by one or in parallel (pool.py, student.py), each notebook in the sandbox
(autograde/sandbox/); the hidden tests' kernel half reports numbers (probe.py) that the grader judges (judging.py,
with the problem's judge module). gradebook.py backs up, locks and merges the gradebook.
"""
