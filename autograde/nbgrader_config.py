# The course's one nbgrader configuration. nbgrader reads it from the current folder, so every pipeline command
# runs nbgrader with cwd=autograde/ (see autograde/nbgrader_run.py); `make lab` points Jupyter at this folder.
# The course directory is this folder unless $CNN1D_COURSE_ROOT names another (the tests grade in a temp folder).
import json
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by traitlets when it loads this file

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("CNN1D_COURSE_ROOT", HERE)).resolve()
sys.path.insert(0, str(HERE.parent))  # so nbgrader can import autograde.feedback_filter

c.CourseDirectory.course_id = "cnn1d-scratch"
c.CourseDirectory.root = str(ROOT)
# $CNN1D_GRADEBOOK: a parallel autograde gives each worker its own copy (autograde/grade_submissions.py)
c.CourseDirectory.db_url = f"sqlite:///{Path(os.environ.get('CNN1D_GRADEBOOK', ROOT / 'gradebook.db')).resolve()}"
# One assignment, eight notebooks (source/cnn1d/01_simple_conv1d.ipynb ... 08_mnist_classifier.ipynb), each graded
# on its own. Nothing but the notebooks goes into source/cnn1d, so nothing else is released or copied at autograde.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The stub students see; build_source.py fills exactly this, so the release equals notebooks/.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Autograde limits, per notebook run in the sandbox (autograde/sandbox.py, docs/instructor.md). The longest graded
# cell (notebook 8's hidden MNIST run) takes seconds with the reference; cells after the last grade cell are not run
# ($AUTOGRADE_SKIP_AFTER_LAST_GRADE=0 runs them). A timed-out cell scores 0 and grading goes on with the next cell.
c.SandboxedExecute.cell_timeout = 300
c.SandboxedExecute.notebook_timeout = 1200
c.SandboxedExecute.memory_mib = 4096
c.SandboxedExecute.max_processes = 256
c.SandboxedExecute.max_output_bytes = 10 * 1024 * 1024
c.SandboxedExecute.max_file_mib = 256
c.SandboxedExecute.cpu_seconds = 2400
# shorter limits for a test course: $CNN1D_SANDBOX_LIMITS = JSON of these traits (tests/test_hostile_suite.py)
for _trait, _value in json.loads(os.environ.get("CNN1D_SANDBOX_LIMITS") or "{}").items():
    setattr(c.SandboxedExecute, _trait, _value)
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# Autograde runs each notebook in a sandbox (autograde/sandbox_execute.py), then judges the hidden tests outside it
# (autograde/judge.py: the kernel only reports results, the grader compares them with its own oracle). The rest is
# nbgrader's own list after its Execute step.
c.Autograde.autograde_preprocessors = [
    "autograde.sandbox_execute.SandboxedExecute",
    "autograde.judge.JudgeHiddenTests",
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

# Feedback HTML: nbgrader shows hidden tests by design; this preprocessor removes their code and tracebacks.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograde.feedback_filter.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
