"""Assemble the nbgrader source notebooks: notebooks/ + solutions/ + autograde/problems/*/probe.py -> source/cnn1d/.

    python -m autograde.build.source               # write course/source/cnn1d/*.ipynb (fails on any problem below)
    python -m autograde.build.source --check       # write nothing; fail on drift, unfilled stubs, stray hidden tests
    python -m autograde.build.source --sync-given  # rewrite the given cells of notebooks/ from solutions/

The format is docs/notebook-format.md. Every error names the notebook, the cell and the problem.
"""

import argparse
import ast
import copy
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograde.build.given_cells import GivenCellError, collapse, is_collapsed, is_given_cell, render_given
from autograde.build.hidden_sections import (
    HiddenTests,
    HiddenTestsError,
    ends_with_expression,
    hidden_tests_of,
    with_hidden_section,
)
from autograde.build.preflight import ran_in_place, release_mismatches, solved_functions
from autograde.build.stubs import (
    STUB_FIRST,
    STUB_SECOND,
    StubError,
    fill_stubs,
    find_stubs,
    function_source,
    reference_function,
)
from autograde.course import REPO, Course, CourseNotebook, course_notebooks
from autograde.grade.probe import kernel_region


@dataclass
class BuildReport:
    """What assembling one notebook found: errors stop the build, warnings are printed."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    given_drift: list[int] = field(default_factory=list)  # indices of given cells that differ from solutions/
    filled: list[str] = field(default_factory=list)  # "cell 9: SimpleConv1d.forward"
    hidden: list[str] = field(default_factory=list)  # grade_ids that received a hidden section


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def cell_label(index: int, cell) -> str:
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


def assemble(notebook, where: str, module_name: str, sections: dict[str, str] | None, repo: Path = REPO,
             judges: str | None = None, problem_dir: Path | None = None):
    """The source notebook for one student notebook, and a report. `where` is 'NN_slug.ipynb, problem N'.
    `judges` names the judge module (autograde/problems/NN_slug/judge.py) that must have a function per hidden
    section (None: not checked); problem_dir is that folder (a given cell's `visible_mistakes` table is there)."""
    report = BuildReport()
    source = copy.deepcopy(notebook)
    grade_ids = set()
    for index, cell in enumerate(source.cells):
        meta = nbgrader_meta(cell)
        here = f"{where}, {cell_label(index, cell)}"
        run = ran_in_place(cell)
        if run:
            report.errors.append(f"{here}: {run}: notebooks/ must be the blank student version (was it run in place? "
                                 "work in `make lab`'s copy; clear the outputs here)")
        if meta.get("solution"):
            for name in solved_functions(cell.source, module_name):
                report.errors.append(f"{here}: {name} holds code instead of the stub `{STUB_FIRST}` / "
                                     f"`{STUB_SECOND}`: notebooks/ must be the blank student version")
        if is_given_cell(cell):
            try:
                if render_given(cell.source, repo, problem_dir) != cell.source:
                    report.given_drift.append(index)
                    report.errors.append(f"{here}: given cell differs from solutions/ (run `make sync-given`)")
                elif not is_collapsed(cell):
                    report.errors.append(f"{here}: given cell is not collapsed (run `make sync-given`)")
            except GivenCellError as error:
                report.errors.append(f"{here}: {error}")
        try:
            stubs = find_stubs(cell.source) if cell.cell_type == "code" else []
        except StubError as error:
            report.errors.append(f"{here}: {error}")
            continue
        if stubs and not meta.get("solution"):
            report.errors.append(f"{here}: a stub in a cell that is not a solution cell")
        elif stubs:
            _check_signatures(cell.source, module_name, here, report)
            try:
                cell.source, filled = fill_stubs(cell.source, module_name)
                report.filled += [f"cell {index}: {name}" for name in filled]
            except (StubError, ImportError) as error:
                report.errors.append(f"{here}: cannot fill stub from {module_name}: {error}")
        if meta.get("grade"):
            grade_ids.add(meta.get("grade_id"))
            if sections and meta.get("grade_id") in sections:
                # the kernel half of every hidden test needs _probe: defined in each section, since a visible test
                # that fails stops its cell before the hidden part, and the later cells would lose their points too
                cell.source = with_hidden_section(cell.source, kernel_region(sections[meta["grade_id"]]))
                report.hidden.append(meta["grade_id"])
                own = sections.sections if isinstance(sections, HiddenTests) else sections
                if ends_with_expression(own[meta["grade_id"]]):
                    report.warnings.append(f"{here}: its hidden section ends with an expression, whose value "
                                           "Jupyter would display (assign it, e.g. `_ = ...`)")
    for grade_id in sections or {}:
        if grade_id not in grade_ids:
            report.errors.append(f"{where}: hidden section '# %% {grade_id}' names no grade cell of the notebook")
    if judges:
        report.errors += _missing_judges(judges, sections or {}, where)
    for grade_id in sorted(grade_ids - set(sections or {})):
        report.warnings.append(f"{where}: grade cell {grade_id} has no hidden section (visible test only)")
    for index, cell in enumerate(source.cells):
        if cell.cell_type == "code" and find_stubs_safely(cell.source):
            report.errors.append(f"{where}, {cell_label(index, cell)}: stub left unfilled in the source")
    if not report.errors:
        for index in release_mismatches(notebook, source):
            report.errors.append(f"{where}, {cell_label(index, notebook.cells[index])}: the release would differ "
                                 "from notebooks/ (a solution or hidden-test marker in the student notebook?)")
    return source, report


def _missing_judges(module_name: str, sections: dict, where: str) -> list[str]:
    """Every hidden section needs its judge (autograde/problems/NN_slug/judge.py, a function named like the cell)."""
    path = module_name.replace(".", "/") + ".py"
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return [f"{where}: no judge module {path} ({error})"] if sections else []
    return [f"{where}: {path} has no function {grade_id}"
            for grade_id in sections if not callable(getattr(module, grade_id, None))]


def find_stubs_safely(source: str) -> list:
    try:
        return find_stubs(source)
    except StubError:
        return []


def _check_signatures(cell_source: str, module_name: str, here: str, report: BuildReport) -> None:
    """Parameter names must match the reference (its body uses them); different defaults are only a warning."""
    tree = ast.parse(cell_source)
    for stub in find_stubs(cell_source):
        node = _find_def(tree, stub.qualname.split("."))
        try:
            reference = reference_function(module_name, stub.qualname)
        except StubError:
            return  # reported when filling
        ref_node = ast.parse(function_source(reference)).body[0]
        mine, theirs = _params(node.args), _params(ref_node.args)
        if [name for name, _ in mine] != [name for name, _ in theirs]:
            report.errors.append(
                f"{here}: {stub.qualname} takes ({', '.join(n for n, _ in mine)}) in the notebook but "
                f"({', '.join(n for n, _ in theirs)}) in {module_name}"
            )
        elif mine != theirs:
            differ = [f"{a[0]}={a[1]} vs {b[1]}" for a, b in zip(mine, theirs, strict=True) if a != b]
            report.warnings.append(f"{here}: {stub.qualname} defaults differ from {module_name}: {', '.join(differ)}")


def _find_def(tree, parts):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == parts[0]:
            return node if len(parts) == 1 else _find_def(node, parts[1:])
    return None


def _params(args: ast.arguments) -> list[tuple[str, str | None]]:
    """(name, default source) for every parameter, in order."""
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + [ast.unparse(d) for d in args.defaults]
    result = list(zip([a.arg for a in positional], defaults, strict=True))
    if args.vararg:
        result.append(("*" + args.vararg.arg, None))
    kw_defaults = [None if d is None else ast.unparse(d) for d in args.kw_defaults]
    result += list(zip([a.arg for a in args.kwonlyargs], kw_defaults, strict=True))
    if args.kwarg:
        result.append(("**" + args.kwarg.arg, None))
    return result


def load_sections(item: CourseNotebook, where: str, report_errors: list[str]) -> dict[str, str] | None:
    if not item.probe_path.is_file():
        report_errors.append(f"{where}: no hidden tests file {item.probe_path.relative_to(REPO)}")
        return None
    try:
        return hidden_tests_of(item)
    except HiddenTestsError as error:
        report_errors.append(f"{where}: {error}")
        return None


def build_one(item: CourseNotebook):
    """Read one course notebook and assemble its source; returns (student notebook, source notebook, report)."""
    where = f"{item.filename}, problem {item.number}"
    notebook = nbformat.read(item.student_path, as_version=4)
    errors: list[str] = []
    try:
        module_name = item.solution_module
    except LookupError as error:
        report = BuildReport(errors=[str(error)])
        return notebook, None, report
    sections = load_sections(item, where, errors)
    source, report = assemble(notebook, where, module_name, sections, judges=item.judge_module,
                              problem_dir=item.problem_dir)
    report.errors[:0] = errors
    return notebook, source, report


def sync_given(item: CourseNotebook) -> list[str]:
    """Rewrite the notebook's given cells from solutions/ and its visible_mistakes table (and collapse them); the
    names of the cells changed."""
    notebook = nbformat.read(item.student_path, as_version=4)
    changed = []
    for index, cell in enumerate(notebook.cells):
        if is_given_cell(cell):
            text = render_given(cell.source, REPO, item.problem_dir)
            if collapse(cell) or text != cell.source:
                cell.source = text
                changed.append(cell_label(index, cell))
    if changed:
        nbformat.write(notebook, item.student_path)
    return changed


def build(course: Course, check_only: bool = False, only: list[str] | None = None) -> bool:
    """Assemble every course notebook (or those named in `only`); write them unless check_only. True if clean."""
    items = [item for item in course_notebooks() if not only or item.name in only]
    if not items:
        print("build: no notebooks NN_slug.ipynb in notebooks/", file=sys.stderr)
        return False
    ok = True
    built = []
    for item in items:
        _, source, report = build_one(item)
        for warning in report.warnings:
            print(f"warning: {warning}", flush=True)
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr, flush=True)
        ok = ok and not report.errors
        built.append((item, source, report))
        print(f"{item.filename}: {len(report.filled)} stubs filled, {len(report.hidden)} hidden sections"
              + (f", {len(report.errors)} errors" if report.errors else ""), flush=True)
    if ok and not check_only:
        course.source_dir.mkdir(parents=True, exist_ok=True)
        for item, source, _ in built:
            nbformat.write(source, course.source_dir / item.filename)
        print(f"wrote {len(built)} source notebooks to {course.source_dir}")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 on any problem")
    mode.add_argument("--sync-given", action="store_true", help="rewrite given cells of notebooks/ from solutions/")
    parser.add_argument("--course-dir", type=Path, default=Course().root, help="nbgrader course directory")
    parser.add_argument("notebooks", nargs="*", help="names like 01_simple_conv1d (default: all)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))  # the solutions package
    if args.sync_given:
        for item in course_notebooks():
            if not args.notebooks or item.name in args.notebooks:
                changed = sync_given(item)
                print(f"{item.filename}: " + (f"rewrote {', '.join(changed)}" if changed else "given cells in sync"))
        return 0
    return 0 if build(Course(args.course_dir), check_only=args.check, only=args.notebooks) else 1


if __name__ == "__main__":
    sys.exit(main())
