# The course's one nbgrader configuration. nbgrader reads it from the current folder, so every pipeline command
# runs nbgrader with cwd=autograde/ (see autograde/nbgrader_run.py); `make lab-instructor` points Jupyter here.
# The course directory (generated state: source, release, submitted, autograded, feedback, gradebook) is course/ in
# the repository unless $CNN1D_COURSE_ROOT names another (the tests grade in a temp folder). Every other setting
# (names, limits, environment variables) is in autograde/settings.py.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by traitlets when it loads this file

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # so nbgrader can import the autograde package (preprocessors below)

from autograde.cell_metadata_schema import install as check_metadata_schema_once  # noqa: E402
from autograde.course import COURSE_STATE_DIR, Course  # noqa: E402
from autograde.report.feedback_html import exporter_config  # noqa: E402
from autograde.settings import (  # noqa: E402
    COURSE_ID,
    COURSE_ROOT_ENV,
    EXCHANGE_ROOT_ENV,
    GRADEBOOK_ENV,
    VALIDATE_WIDTH,
    sandbox_limits,
)

check_metadata_schema_once()  # the cells' metadata checks as nbgrader's, ~0.1 s less per student

ROOT = Path(os.environ.get(COURSE_ROOT_ENV, COURSE_STATE_DIR)).resolve()
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = str(ROOT)
# $CNN1D_GRADEBOOK: a parallel autograde gives each worker its own copy (autograde/grade/pool.py)
c.CourseDirectory.db_url = f"sqlite:///{Path(os.environ.get(GRADEBOOK_ENV, ROOT / 'gradebook.db')).resolve()}"
# One assignment, one notebook per problem (source/cnn1d/NN_slug.ipynb), each graded on its own. Nothing but the
# notebooks goes into source/cnn1d, so nothing else is released or copied at autograde.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# nbgrader's exchange (Assignment List; make release-exchange / collect-exchange / return-feedback,
# autograde/intake/exchange.py): a hub names its own for every account ($CNN1D_EXCHANGE_ROOT, deploy/jupyterhub/);
# without one, the course's own course/exchange, where a local Assignment List fetches into course/fetched
# (nbgrader's default, the server's working directory, would put student copies among the repository's tracked
# files). Both exist before the first release, so the Assignment List does not start with "Error fetching courses!".
c.Exchange.root = os.environ.get(EXCHANGE_ROOT_ENV) or str(Course(ROOT).local_exchange)
if Path(c.Exchange.root).resolve() == Course(ROOT).local_exchange:
    c.Exchange.assignment_dir = str(Course(ROOT).fetched_dir)
    for folder in (Course(ROOT).local_exchange, Course(ROOT).fetched_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only course: nbgrader names the folder if a command needs it
            pass

# The stub students see; autograde/build/stubs.py fills exactly this, so the release equals notebooks/.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Validate (and any plain nbgrader execution) gets the sandbox's cell limit, so a notebook that validates is not cut
# short by autograde, nor the other way round; full lines in its report (nbgrader cuts them at 90 characters).
c.Execute.timeout = sandbox_limits().cell_timeout
c.Validator.width = VALIDATE_WIDTH

c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# Autograde draws this run's hidden cases (the seed from the course secret into the released hidden regions), runs
# each notebook in a sandbox (autograde/sandbox/execute.py; its limits are autograde/settings.py's, with
# $CNN1D_SANDBOX_LIMITS applied), then judges the hidden tests outside it (autograde/grade/judging.py: the kernel
# only reports results, the grader compares them with its own oracle). The rest is nbgrader's own list after its
# Execute step.
c.Autograde.autograde_preprocessors = [
    "autograde.grade.judging.SeedHiddenTests",
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
# nbgrader's own sanitize steps, with OverwriteCells warning only about locked cells a student really changed
# (restoring the hidden tests is expected: autograde/grade/locked_cells.py)
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograde.grade.locked_cells.RestoreLockedCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback HTML: nbgrader shows hidden tests by design; HideHiddenTests removes their code and keeps the student's
# own lines of each error; SanitizeStudentOutputs drops scripts and active HTML a submission's outputs may carry;
# CapFeedbackSize keeps the page under the size limit (autograde/report/page_size.py). The exporter writes math as
# MathML (no MathJax, works offline) with the course's template (grade ids on top).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograde.report.sanitize.SanitizeStudentOutputs",
    "autograde.report.hide_hidden_tests.HideHiddenTests",
    "autograde.report.sanitize.CoalesceStreams",
    "autograde.report.page_size.CapFeedbackSize",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.GenerateFeedback.exporter_class = "autograde.report.feedback_html.FeedbackExporter"
c.HTMLExporter.update(exporter_config())
