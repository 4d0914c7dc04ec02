"""Stage: autograde the class.

cli.py (`python -m autograde.grade`) takes each submission in (intake.py: submission_check.py reads only its regular
files, rebuild.py rebuilds each notebook from the release into course/to_grade/), scans it (autograde/scan/), then
grades the students one by one or in parallel (pool.py, student.py; retried once on a failure outside the notebook,
within the time budget of time_limits.py), each notebook in the sandbox
(autograde/sandbox/); the hidden tests' kernel half reports numbers (probe.py) that the grader judges (judging.py,
with the problem's judge module). gradebook.py backs up, locks and merges the gradebook.
"""
