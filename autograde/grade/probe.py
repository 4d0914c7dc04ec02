"""Hidden tests are split in two: a *probe* that runs in the student's kernel and a *judge* that runs in the grader.

Why: everything in the kernel is the student's. Code there can monkeypatch numpy, builtins or the checks, read
the caller's frame, or return an object whose __eq__ is always True. So the kernel is only asked for *numbers*:
the probe runs the student's code on the hidden cases and displays the results (float64 arrays, or the name of
the exception raised) as one output of MIME type PROBE_MIME. After the notebook ran, the grader
(autograde/grade/judging.py) regenerates the same cases itself, computes the expected values with an oracle the
kernel never sees, and compares. A kernel can only pass by producing the right numbers for inputs it cannot choose.

A hidden section (autograde/problems/NN_slug/probe.py, `# %% grade_id`; _HIDDEN_SEED is the grading run's seed, see
SEED_PLACEHOLDER) therefore looks like

    def _cases():                       # deterministic inputs, numpy only: no student name here
        import numpy as np
        for seed in range(410, 416):
            rng = np.random.default_rng((_HIDDEN_SEED, seed))  # the run's seed, then the case's
            yield f"seed {seed}", {"X": rng.standard_normal((3, 7)), ...}

    _probe("test_forward_values", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
    del _cases

and the judge (autograde/problems/NN_slug/judge.py) has `def test_forward_values(key, got, *, X, W, B)`.
`run` may return an array-like or a dict of array-likes (several named results per case).

KERNEL_HELPER defines `_probe` in the kernel; the build puts it at the top of every hidden section (a cell whose
visible test fails never reaches its hidden part, and the next cells still need `_probe`). It never raises:
whatever happens becomes a result the judge rejects.
"""

import base64
import io
from dataclasses import dataclass

import numpy as np

from autograde.settings import PROBE_MIME

MAX_ARRAY_ELEMENTS = 5_000_000  # the hidden cases are small; a larger result is not an honest answer

KERNEL_HELPER = f'''\
def _probe(grade_id, cases, run):
    """Run the student's code on every hidden case; the grader compares the results outside this kernel."""
    import base64, io
    import numpy
    from IPython.display import display
    results = {{}}
    for key, case in cases:
        try:
            value = run(**case)
            named = value.items() if isinstance(value, dict) else [("", value)]
            packed = {{}}
            for name, item in named:
                buffer = io.BytesIO()
                numpy.save(buffer, numpy.array(item, dtype=numpy.float64), allow_pickle=False)
                packed[str(name)] = base64.b64encode(buffer.getvalue()).decode("ascii")
            results[str(key)] = {{"value": packed}}
        except BaseException as error:  # noqa: BLE001 - KeyboardInterrupt is the cell timeout: let it stop the cell
            if isinstance(error, KeyboardInterrupt):
                raise
            try:
                message = str(error)[:2000]
            except BaseException:  # noqa: BLE001
                message = "(str() of the exception failed)"
            results[str(key)] = {{"raised": [c.__name__ for c in type(error).__mro__], "message": message,
                                 "where": _where(error)}}
    display({{"{PROBE_MIME}": {{"grade_id": grade_id, "results": results}}}}, raw=True)


def _where(error):
    """The innermost line of the student's own cells the exception passed, 'in Conv1d.backward, line 12 of its cell:
    `text`' (never a line of this cell, the hidden test, nor of a given cell), for the feedback. No execution count:
    the result must be the same however the notebook was run."""
    try:
        import linecache
        cells = get_ipython().compile._filename_map  # noqa: F821 - the kernel's cell files
        found, frame = "", error.__traceback__
        while frame is not None:
            code = frame.tb_frame.f_code
            own = code.co_filename != _where.__code__.co_filename and code.co_filename in cells
            if own and not linecache.getline(code.co_filename, 1).startswith("# GIVEN"):
                text = linecache.getline(code.co_filename, frame.tb_lineno).strip()[:160]
                found = f"in {{code.co_qualname}}, line {{frame.tb_lineno}} of its cell: `{{text}}`"
            frame = frame.tb_next
        return found[:300]
    except Exception:  # noqa: BLE001 - a location is a courtesy: never a reason to fail
        return ""'''

# The cases of a grading run are drawn from its seed (autograde/grade/run_seed.py): the released hidden region
# holds this line, and the grader replaces it with this run's seed before the notebook runs (SeedHiddenTests).
# Sections seed every generator with np.random.default_rng((_HIDDEN_SEED, n)). 0 is the seed of the tests and of
# the source notebooks (never of a grading run).
SEED_NAME = "_HIDDEN_SEED"
TEST_SEED = 0
SEED_PLACEHOLDER = f"{SEED_NAME} = {TEST_SEED}  # this run's seed: the grader writes it here before the notebook runs"
# Data only the grader can make (problem 8's test images): a section that needs it has this line, replaced the same
# way with a string literal (the judge module's run_inputs). None outside a grading run.
INPUTS_NAME = "_HIDDEN_INPUTS"
INPUTS_PLACEHOLDER = f"{INPUTS_NAME} = None  # this run's grader data, written here before the notebook runs"


class StaleRelease(ValueError):
    """A released hidden region that is not what this version of the course writes: re-release."""


def kernel_region(section: str) -> str:
    """What a grade cell's hidden region holds: the kernel helper, the seed line, then the section's code."""
    return f"{KERNEL_HELPER}\n\n\n{SEED_PLACEHOLDER}\n\n\n{section}"


def section_of_region(region: str) -> str:
    """The section's code in a released hidden region (kernel_region's inverse)."""
    head = f"{KERNEL_HELPER}\n\n\n{SEED_PLACEHOLDER}\n\n\n"
    if not region.startswith(head):
        raise StaleRelease("the released hidden test does not start with this course's kernel helper and seed line "
                           "(released by another version of the course): run `make release` again")
    return region[len(head):]


def seeded(code: str, seed: int, inputs: str | None = None) -> str:
    """Code (a hidden region, a cell source or a section) with this run's seed, and grader data, put in."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"a run seed is a non-negative int, got {seed!r}")
    lines = code.split("\n")
    if SEED_PLACEHOLDER in lines:
        lines = [f"{SEED_NAME} = {seed}" if line == SEED_PLACEHOLDER else line for line in lines]
    if inputs is not None:
        if INPUTS_PLACEHOLDER not in lines:
            raise StaleRelease(f"grader data for a hidden region without the line {INPUTS_PLACEHOLDER!r}")
        lines = [f"{INPUTS_NAME} = {inputs!r}" if line == INPUTS_PLACEHOLDER else line for line in lines]
    return "\n".join(lines)


class MalformedResult(ValueError):
    """A probe output that is not what KERNEL_HELPER writes: treated as a failed test."""


@dataclass(frozen=True)
class Raised:
    """The student's code raised instead of returning: `names` is the exception's class and its bases, `where` the
    line of the student's own cells it came from ("in Conv1d.backward, line 12 of its cell: `...`", or "")."""

    names: tuple[str, ...]
    message: str
    where: str = ""

    @property
    def name(self) -> str:
        return self.names[0] if self.names else "?"

    def is_a(self, exception: type[BaseException]) -> bool:
        return exception.__name__ in self.names


def decode_array(text: object) -> np.ndarray:
    """base64 of an .npy file -> a fresh float64 ndarray (no pickles, bounded size)."""
    if not isinstance(text, str):
        raise MalformedResult(f"an array must be base64 text, got {type(text).__name__}")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as error:  # noqa: BLE001 - any decoding problem is the same verdict
        raise MalformedResult(f"not a .npy array: {error}") from None
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise MalformedResult(f"expected a float64 array, got {getattr(array, 'dtype', type(array).__name__)}")
    if array.size > MAX_ARRAY_ELEMENTS:
        raise MalformedResult(f"array of {array.size} elements, more than {MAX_ARRAY_ELEMENTS}")
    return np.array(array, dtype=np.float64, copy=True)


def decode_outcome(entry: object) -> "np.ndarray | dict[str, np.ndarray] | Raised":
    """One case's entry of a probe output -> an ndarray, a dict of named ndarrays, or Raised."""
    if not isinstance(entry, dict):
        raise MalformedResult("a case's result must be an object")
    if "raised" in entry:
        names, message, where = entry.get("raised"), entry.get("message", ""), entry.get("where", "")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not isinstance(message, str):
            raise MalformedResult("a raised result needs a list of class names and a message")
        return Raised(tuple(names[:50]), message[:2000], where[:300] if isinstance(where, str) else "")
    packed = entry.get("value")
    if not isinstance(packed, dict) or not packed:
        raise MalformedResult("a case's result needs 'value' or 'raised'")
    arrays = {str(name): decode_array(text) for name, text in packed.items()}
    return arrays[""] if set(arrays) == {""} else arrays


def probe_outputs(cell) -> list[dict]:
    """The probe payloads a cell displayed, in order (each {'grade_id': ..., 'results': {...}})."""
    payloads = []
    for output in cell.get("outputs", []):
        if output.get("output_type") in ("display_data", "execute_result") and PROBE_MIME in output.get("data", {}):
            payloads.append(output["data"][PROBE_MIME])
    return payloads


def without_probe_outputs(outputs: list) -> list:
    return [output for output in outputs if PROBE_MIME not in output.get("data", {})]
