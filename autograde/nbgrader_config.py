# The course's one nbgrader configuration. nbgrader reads it from the current folder, so every pipeline command
# runs nbgrader with cwd=autograde/ (see autograde/nbgrader_run.py); `make lab` points Jupyter at this folder.
# The course directory (generated state: source, release, submitted, autograded, feedback, gradebook) is course/ in
# the repository unless $CNN1D_COURSE_ROOT names another (the tests grade in a temp folder). Every other setting
# (names, limits, environment variables) is in autograde/settings.py.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by traitlets when it loads this file

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # so nbgrader can import the autograde package (preprocessors below)

from autograde.course import COURSE_STATE_DIR  # noqa: E402
from autograde.settings import COURSE_ID, COURSE_ROOT_ENV, GRADEBOOK_ENV  # noqa: E402

ROOT = Path(os.environ.get(COURSE_ROOT_ENV, COURSE_STATE_DIR)).resolve()
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = str(ROOT)
# $CNN1D_GRADEBOOK: a parallel autograde gives each worker its own copy (autograde/grade/pool.py)
c.CourseDirectory.db_url = f"sqlite:///{Path(os.environ.get(GRADEBOOK_ENV, ROOT / 'gradebook.db')).resolve()}"
# One assignment, one notebook per problem (source/cnn1d/NN_slug.ipynb), each graded on its own. Nothing but the
# notebooks goes into source/cnn1d, so nothing else is released or copied at autograde.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The stub students see; autograde/build/stubs.py fills exactly this, so the release equals notebooks/.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# Autograde runs each notebook in a sandbox (autograde/sandbox/execute.py; its limits are autograde/settings.py's,
# with $CNN1D_SANDBOX_LIMITS applied), then judges the hidden tests outside it (autograde/grade/judging.py: the kernel
# only reports results, the grader compares them with its own oracle). The rest is nbgrader's own list after its
# Execute step.
c.Autograde.autograde_preprocessors = [
    "autograde.sandbox.execute.SandboxedExecute",
    "autograde.grade.judging.JudgeHiddenTests",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Students are whoever has a folder in submitted/: autograde adds them to the gradebook.
c.Autograde.create_student = True

# A student deleting a grade cell must not lose its points silently: nbgrader puts it back and runs it.
c.OverwriteCells.add_missing_cells = True

# Feedback HTML: nbgrader shows hidden tests by design; HideHiddenTests removes their code and tracebacks;
# CapFeedbackSize keeps the page under the size limit (autograde/report/page_size.py).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograde.report.hide_hidden_tests.HideHiddenTests",
    "autograde.report.page_size.CapFeedbackSize",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
