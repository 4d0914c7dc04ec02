"""Hidden reference implementation of the course (never shipped to students).

One module backs each notebook: problem N's is the one file ``pN_*.py`` (autograde/course.py finds it by that
name). The layers problem 8 needs live in their own modules.
"""
