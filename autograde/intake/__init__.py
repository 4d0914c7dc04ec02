"""Getting submissions into course/submitted/: an LMS download (collect.py: Canvas, Moodle, any zip of folders) or
nbgrader's exchange (exchange.py: JupyterHub or a local Assignment List). Both judge every file before reading it,
place one student at a time (staging.py) and pass the course's own submission check; the roster (roster.py) names
the students. docs/instructor.md walks through both kinds of class.
"""
