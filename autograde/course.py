"""Where everything lives, and which notebooks the course has: the one place the pipeline scripts read paths from.

`Course(root)` is an nbgrader course directory; the real one is autograde/, tests use a temporary one. nbgrader
itself reads autograde/nbgrader_config.py, which takes the same root from $CNN1D_COURSE_ROOT (default autograde/).
"""

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_DIR = REPO / "autograde"
NBGRADER_CONFIG = COURSE_DIR / "nbgrader_config.py"
COURSE_ROOT_ENV = "CNN1D_COURSE_ROOT"
ASSIGNMENT = "cnn1d"

NOTEBOOKS_DIR = REPO / "notebooks"
HIDDEN_TESTS_DIR = COURSE_DIR / "hidden_tests"
DEMO_CLASS_DIR = COURSE_DIR / "demo_class"
NOTEBOOK_NAME = re.compile(r"^(?P<number>\d\d)_(?P<slug>[a-z0-9_]+)$")


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and the generated folders inside it."""

    root: Path = COURSE_DIR

    @property
    def source_dir(self) -> Path:
        return self.root / "source" / ASSIGNMENT

    @property
    def release_dir(self) -> Path:
        return self.root / "release" / ASSIGNMENT

    @property
    def submitted_dir(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded_dir(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback_dir(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def gradebook_backups(self) -> Path:
        return self.root / "gradebook_backups"

    @property
    def grades_csv(self) -> Path:
        return self.root / "grades.csv"

    def submission_dir(self, student: str) -> Path:
        return self.submitted_dir / student / ASSIGNMENT


@dataclass(frozen=True)
class CourseNotebook:
    """One problem's notebook, e.g. number 1, name '01_simple_conv1d'."""

    number: int
    name: str

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def student_path(self) -> Path:
        return NOTEBOOKS_DIR / self.filename

    @property
    def hidden_tests_path(self) -> Path:
        return HIDDEN_TESTS_DIR / f"{self.name}.py"

    @property
    def solution_module(self) -> str:
        from solutions import NOTEBOOK_MODULES  # imported late: only the build needs the hidden solutions

        try:
            return NOTEBOOK_MODULES[self.number]
        except KeyError:
            raise LookupError(
                f"{self.filename}, problem {self.number}: no entry in solutions.NOTEBOOK_MODULES"
            ) from None


def course_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[CourseNotebook]:
    """The notebooks present in notebooks/, in problem order (NN_slug.ipynb; anything else is ignored)."""
    found = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        match = NOTEBOOK_NAME.match(path.stem)
        if match:
            found.append(CourseNotebook(int(match["number"]), path.stem))
    return found
