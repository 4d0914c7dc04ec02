"""Every setting of the grading pipeline, in one place: names, environment variables, sandbox limits.

Units: seconds and bytes everywhere. An instructor changes a limit here, or for one run with
$CNN1D_SANDBOX_LIMITS (JSON of SandboxLimits fields, e.g. '{"cell_timeout": 30}') and $CNN1D_STUDENT_LIMITS (JSON
of StudentLimits fields); docs/instructor.md explains each limit and a test keeps its tables equal to these values.
The time limits of each notebook and the time budget of a student are measured on the reference solution
(`make time-limits` writes autograde/time_limits.json, read here; autograde/grade/time_limits.py says how).
"""

import functools
import json
import os
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

COURSE_ID = "cnn1d-scratch"  # nbgrader's CourseDirectory.course_id
ASSIGNMENT = "cnn1d"  # the one nbgrader assignment: every notebook of notebooks/
PROBE_MIME = "application/vnd.cnn1d.probe+json"  # the output type hidden-test results travel in (grade/probe.py)

# environment variables the pipeline reads
COURSE_ROOT_ENV = "CNN1D_COURSE_ROOT"  # the nbgrader course folder (default: course/ in the repository)
GRADEBOOK_ENV = "CNN1D_GRADEBOOK"  # a worker's own copy of the gradebook during a parallel autograde
NO_SANDBOX_ENV = "CNN1D_NO_SANDBOX"  # "1": grade without bubblewrap (grade --no-sandbox)
SANDBOX_LIMITS_ENV = "CNN1D_SANDBOX_LIMITS"  # JSON overriding SandboxLimits fields for one run
SKIP_AFTER_LAST_GRADE_ENV = "AUTOGRADE_SKIP_AFTER_LAST_GRADE"  # "0" runs the cells after the last grade cell too
EXCHANGE_ROOT_ENV = "CNN1D_EXCHANGE_ROOT"  # nbgrader's exchange (default: course/exchange; a hub sets its own)
HUB_EXCHANGE_ROOT = "/srv/nbgrader/exchange"  # the hub recipe's exchange (deploy/jupyterhub/)
STUDENT_LIMITS_ENV = "CNN1D_STUDENT_LIMITS"  # JSON overriding StudentLimits fields for one run
STUDENT_DEADLINE_ENV = "CNN1D_STUDENT_DEADLINE"  # set by the grader for one student: the end of their time budget
SANDBOX_CPUS_ENV = "CNN1D_SANDBOX_CPUS"  # cores each sandbox may use: set by a grading run to cores / workers
SCAN_LIMITS_ENV = "CNN1D_SCAN_LIMITS"  # JSON overriding ScanLimits fields for one run
REQUIRE_CGROUP_ENV = "CNN1D_REQUIRE_CGROUP"  # "1": refuse to grade without a cgroup per sandbox (instead of warning)

TIME_LIMITS_FILE = Path(__file__).resolve().with_name("time_limits.json")  # written by `make time-limits`

KEEP_BACKUPS = 20  # gradebook copies kept in gradebook_backups/
MAX_NOTEBOOK_BYTES = 50_000_000  # a submitted notebook this large is a dumped data set, not work to grade
MAX_NOTEBOOK_VALUES = 1_000_000  # JSON values in a submitted notebook: bounds the memory (~100 MB) of parsing it

# naming a student's mistake (autograde/grade/diagnosis.py): the course's mutants of one notebook run at most this
# long in the grader after the notebook ran (then the judge's message alone says what differed)
DIAGNOSIS_SECONDS = 60

MIB = 1 << 20
VALIDATE_WIDTH = 160  # characters per line of Validate's report (nbgrader's default 90 cut got/expected off)


@dataclass(frozen=True)
class SandboxLimits:
    """What one notebook may use in the autograde sandbox. Sizes in bytes, times in seconds."""

    cell_timeout: int = 300  # a cell running longer is interrupted; grading goes on with the next cell
    notebook_timeout: int = 1200  # the whole notebook; later cells are not run
    # all the sandbox's memory (its cgroup: processes, files in /tmp and HOME, memfd, shared memory) and the address
    # space of each of its processes (RLIMIT_AS)
    memory_bytes: int = 4096 * MIB
    max_processes: int = 256  # processes and threads (RLIMIT_NPROC under a uid of the sandbox's own; cgroup pids)
    max_open_files: int = 256  # open files per process (RLIMIT_NOFILE); a kernel holds about 70
    max_output_bytes: int = 4 * MIB  # output kept per notebook; later output is dropped after one note
    max_cell_output_bytes: int = 1 * MIB  # output kept per cell; later output of the cell is dropped after one note
    max_probe_bytes: int = 4 * MIB  # hidden-test results (PROBE_MIME outputs of grade cells) kept per notebook
    max_graded_bytes: int = 10 * MIB  # an autograded notebook and its feedback page stay under this size
    max_file_bytes: int = 256 * MIB  # the largest file the notebook may write (RLIMIT_FSIZE)
    cpu_seconds: int = 2400  # CPU time of the kernel (RLIMIT_CPU)
    skip_after_last_grade: bool = True  # cells after the last grade cell change no score: not run

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if field.type is bool or field.type == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"sandbox limit {field.name} must be true or false, got {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"sandbox limit {field.name} must be a positive integer, got {value!r}")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StudentLimits:
    """What grading one student may take, all notebooks together (enforced in autograde/grade/student.py)."""

    wall_seconds: int = 1800  # time budget of one student; autograde/time_limits.json sets it from the reference
    after_budget_seconds: int = 15  # each notebook still to grade once the budget is spent (a correct one needs ~3 s)
    stop_margin_seconds: int = 300  # past budget + the notebooks' after-budget time + this, the student's grading
    # process is stopped (a safety net: the sandbox deadlines end every notebook before)
    retries: int = 1  # a grading process that fails for a reason outside the notebook is run again this often

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            least = 0 if field.name == "retries" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"student limit {field.name} must be an integer of at least {least}, got {value!r}")


@dataclass(frozen=True)
class ScanLimits:
    """What the static scan (autograde/scan/child.py, a child process) may spend on one notebook; a notebook it
    cannot scan within them is flagged scan-budget and graded as usual."""

    seconds: int = 20
    memory_bytes: int = 512 * MIB  # address space of the scanning process (RLIMIT_AS)

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"scan limit {field.name} must be a positive integer, got {value!r}")


@functools.cache
def measured_time_limits(path: Path = TIME_LIMITS_FILE) -> dict:
    """autograde/time_limits.json ({} if not measured yet): per notebook cell_timeout and notebook_timeout, and the
    student budget, derived from the reference solution's measured times (autograde/grade/time_limits.py)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def overridden(limits, variable: str, environ):
    """`limits` with the fields the JSON object in $variable names replaced (ValueError naming the problem)."""
    overrides = environ.get(variable) or "{}"
    try:
        changes = json.loads(overrides)
    except json.JSONDecodeError as error:
        raise ValueError(f"${variable} is not JSON ({error}): {overrides!r}") from None
    known = {field.name for field in fields(limits)}
    if not isinstance(changes, dict) or set(changes) - known:
        raise ValueError(f"${variable} must be a JSON object with keys among {sorted(known)}, got {overrides!r}")
    return replace(limits, **changes)


def student_limits(environ=os.environ) -> StudentLimits:
    """The defaults, the measured budget (autograde/time_limits.json), then $CNN1D_STUDENT_LIMITS."""
    limits = StudentLimits()
    budget = measured_time_limits().get("student_budget")
    if budget:
        limits = replace(limits, wall_seconds=budget)
    return overridden(limits, STUDENT_LIMITS_ENV, environ)


def sandbox_limits(environ=os.environ, notebook: str | None = None) -> SandboxLimits:
    """The limits of this run for one notebook (e.g. "01_simple_conv1d"): the defaults above, the notebook's measured
    time limits (autograde/time_limits.json), $CNN1D_SANDBOX_LIMITS, $AUTOGRADE_SKIP_AFTER_LAST_GRADE; then the
    notebook deadline is cut to what is left of the student's time budget ($CNN1D_STUDENT_DEADLINE), but never below
    StudentLimits.after_budget_seconds."""
    limits = SandboxLimits()
    measured = measured_time_limits().get("notebooks", {}).get(notebook or "", {}).get("limits", {})
    limits = overridden(replace(limits, **measured), SANDBOX_LIMITS_ENV, environ)
    if environ.get(SKIP_AFTER_LAST_GRADE_ENV) in ("0", "1"):
        limits = replace(limits, skip_after_last_grade=environ[SKIP_AFTER_LAST_GRADE_ENV] == "1")
    if environ.get(STUDENT_DEADLINE_ENV):
        left = int(float(environ[STUDENT_DEADLINE_ENV]) - time.time())
        floor = student_limits(environ).after_budget_seconds
        limits = replace(limits, notebook_timeout=min(limits.notebook_timeout, max(left, floor)))
    return limits


@dataclass(frozen=True)
class IntakeLimits:
    """What a submissions zip (make collect) or an exchange submission may hold before it, or one of its files, is
    refused. Sizes are uncompressed bytes."""

    max_entries: int = 5000  # more entries than this: the zip is refused whole (600 students x 8 notebooks fit)
    max_total_bytes: int = 2 << 30  # the sum of the sizes the zip declares
    max_file_bytes: int = MAX_NOTEBOOK_BYTES  # one file; the submission check refuses larger notebooks anyway
    max_ratio: float = 200.0  # uncompressed / compressed, judged on entries larger than ratio_floor_bytes
    ratio_floor_bytes: int = MIB


def scan_limits(environ=os.environ) -> ScanLimits:
    """The static scan's limits: the defaults of ScanLimits, then $CNN1D_SCAN_LIMITS."""
    return overridden(ScanLimits(), SCAN_LIMITS_ENV, environ)


def sandbox_cpus(environ=os.environ) -> float:
    """Cores one sandbox may use (its cgroup's CPU quota): the grading run's share of the machine, cores / workers
    ($CNN1D_SANDBOX_CPUS, set by autograde/grade/cli.py); one core when no grading run set it."""
    text = environ.get(SANDBOX_CPUS_ENV) or "1"
    try:
        cpus = float(text)
    except ValueError:
        cpus = 0.0
    if not 0.01 <= cpus <= 4096:
        raise ValueError(f"${SANDBOX_CPUS_ENV} must be a number of cores between 0.01 and 4096, got {text!r}")
    return cpus


def cpu_share(workers: int, cores: int | None = None) -> float:
    """Each of `workers` parallel sandboxes gets an equal share of the machine's cores."""
    return round((cores or os.cpu_count() or 1) / max(workers, 1), 3)
