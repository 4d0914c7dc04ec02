"""The gradebook (nbgrader's SQLite gradebook.db): backups, one run at a time, and merging a worker's copy.

A parallel autograde grades each student into a worker's own copy of the gradebook; the grading process, the only
writer of the master, then replaces that student's submission rows in the master with the worker's, in one
transaction (merge_student), and checks afterwards that the master is sound and holds the workers' scores.
"""

import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from autograde.course import Course
from autograde.settings import ASSIGNMENT, KEEP_BACKUPS

# The per-student rows of nbgrader's gradebook (nbgrader/api.py), parents first. Everything else (assignment,
# notebooks, cells, hidden tests) is written by the release and only read by autograde.
SUBMISSION_TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")


def backup_gradebook(course: Course) -> Path:
    """Copy gradebook.db with SQLite's online backup (consistent even mid-write); prune old copies."""
    course.gradebook_backups.mkdir(exist_ok=True)
    target = course.gradebook_backups / f"gradebook-{datetime.now():%Y%m%d-%H%M%S-%f}.db"
    copy_database(course.gradebook, target)
    for old in sorted(course.gradebook_backups.glob("gradebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def copy_database(source_path: Path, target_path: Path) -> None:
    with sqlite3.connect(source_path) as source, sqlite3.connect(target_path) as copy:
        source.backup(copy)
    source.close()
    copy.close()


@contextmanager
def single_run(course: Course):
    """One autograde at a time: SQLite gradebooks are not safe for concurrent writers."""
    lock = course.lock
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise SystemExit(f"autograde: another run holds {lock} (delete it if no autograde is running)") from None
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _columns(connection: sqlite3.Connection, table: str) -> str:
    return ", ".join(f'"{row[1]}"' for row in connection.execute(f'PRAGMA main.table_info("{table}")'))


def _student_row_ids(schema: str) -> dict[str, str]:
    """SQL selecting, per submission table, the ids of one student's rows (? = student id, ? = assignment name).
    Each lookup goes through one of nbgrader's unique indexes, whose first column is the notebook or cell (hence
    the `IN (SELECT id FROM notebook / base_cell)`): without them every merge scanned the whole grade table, which
    grows with the class."""
    assignment = (f"SELECT sa.id FROM {schema}.submitted_assignment sa JOIN {schema}.assignment a "
                  "ON sa.assignment_id = a.id WHERE sa.student_id = ? AND a.name = ?")
    notebooks = (f"SELECT id FROM {schema}.submitted_notebook WHERE notebook_id IN (SELECT id FROM {schema}.notebook) "
                 f"AND assignment_id IN ({assignment})")
    cells = f"cell_id IN (SELECT id FROM {schema}.base_cell)"
    return {
        "submitted_assignment": assignment,
        "submitted_notebook": notebooks,
        "grade": f"SELECT id FROM {schema}.grade WHERE {cells} AND notebook_id IN ({notebooks})",
        "comment": f"SELECT id FROM {schema}.comment WHERE {cells} AND notebook_id IN ({notebooks})",
    }


def merge_student(master: Path, worker: Path, student: str, assignment: str = ASSIGNMENT) -> None:
    """Replace the student's submission rows in the master by the worker copy's, in one transaction."""
    connection = sqlite3.connect(master, isolation_level=None, timeout=60)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        merge_into(connection, worker, student, assignment)
    finally:
        connection.close()


def merge_into(connection: sqlite3.Connection, worker: Path, student: str, assignment: str = ASSIGNMENT) -> None:
    """merge_student on an open connection to the master (autocommit mode, foreign keys on)."""
    connection.execute("ATTACH DATABASE ? AS worker", (str(worker),))
    try:
        in_master, in_worker = _student_row_ids("main"), _student_row_ids("worker")
        if not connection.execute(in_worker["submitted_assignment"], (student, assignment)).fetchone():
            raise LookupError(f"worker gradebook {worker} has no {assignment} submission of {student}")
        connection.execute("BEGIN IMMEDIATE")
        try:
            columns = _columns(connection, "student")
            connection.execute(f"INSERT OR IGNORE INTO main.student ({columns}) "
                               f"SELECT {columns} FROM worker.student WHERE id = ?", (student,))
            for table in reversed(SUBMISSION_TABLES):  # children first
                connection.execute(f"DELETE FROM main.{table} WHERE id IN ({in_master[table]})", (student, assignment))
            for table in SUBMISSION_TABLES:  # parents first
                columns = _columns(connection, table)
                connection.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM worker.{table} "
                                   f"WHERE id IN ({in_worker[table]})", (student, assignment))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.execute("DETACH DATABASE worker")


class MasterGradebook:
    """The master gradebook held open for a run of many merges (autograde/grade/distributed.py).

    Each merge stays one transaction, but while the run lasts the master is in write-ahead-log mode with
    synchronous=NORMAL: a commit then costs no fsync (about 15-30 ms each on this machine's disk, the larger part
    of a merge). A crash of this process loses nothing committed; a power loss may lose the last merges, never the
    file's consistency (SQLite's guarantee for WAL + NORMAL). close() checkpoints the log into the file and puts
    the master back in its rollback-journal mode, so the gradebook is again one self-contained file."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=60)
        self.connection.execute("PRAGMA foreign_keys = ON")
        self.journal = self.connection.execute("PRAGMA journal_mode").fetchone()[0]
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = NORMAL")

    def merge(self, worker: Path, student: str, assignment: str = ASSIGNMENT) -> None:
        merge_into(self.connection, worker, student, assignment)

    def scores(self, student: str, assignment: str = ASSIGNMENT) -> dict:
        return scores_in(self.connection, student, assignment)

    def close(self) -> None:
        try:
            self.connection.execute("PRAGMA synchronous = FULL")
            self.connection.execute(f"PRAGMA journal_mode = {self.journal}")
        finally:
            self.connection.close()

    def __enter__(self) -> "MasterGradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def student_scores(gradebook: Path, student: str, assignment: str = ASSIGNMENT) -> dict[tuple[str, str], tuple]:
    """(notebook, grade cell) -> (auto, manual, extra credit, needs manual grade) of one student."""
    with sqlite3.connect(gradebook) as connection:
        scores = scores_in(connection, student, assignment)
    connection.close()
    return scores


def scores_in(connection: sqlite3.Connection, student: str, assignment: str = ASSIGNMENT) -> dict:
    """student_scores on an open connection. Joined from the course's cells to the student's grades through
    nbgrader's unique indexes: its cost does not grow with the class (from the grade table it scanned all of it)."""
    rows = connection.execute(
        "SELECT n.name, c.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade "
        "FROM submitted_assignment sa JOIN assignment a ON sa.assignment_id = a.id "
        "JOIN notebook n ON n.assignment_id = a.id "
        "JOIN submitted_notebook sn ON sn.notebook_id = n.id AND sn.assignment_id = sa.id "
        "JOIN base_cell c ON c.notebook_id = n.id JOIN grade g ON g.cell_id = c.id AND g.notebook_id = sn.id "
        "WHERE sa.student_id = ? AND a.name = ?", (student, assignment)).fetchall()
    return {(notebook, cell): tuple(values) for notebook, cell, *values in rows}


def integrity_problems(gradebook: Path) -> list[str]:
    with sqlite3.connect(gradebook) as connection:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        result += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
    connection.close()
    return [] if result == ["ok"] else result
