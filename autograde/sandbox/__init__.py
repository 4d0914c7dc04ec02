"""Stage: run one student notebook where it cannot reach the grader (bubblewrap, limits).

bwrap.py builds the sandbox (what it sees of the machine), runner.py runs the notebook inside it (standalone: it
imports nothing of the course), execute.py starts it and is the nbgrader step that does so at autograde.
"""
