"""Generate the demo class from the release: submitted/{blank,reference,partial}/cnn1d/NN_slug.ipynb.

    python -m autograde.demo_class.make_submissions [--course-dir DIR]

- blank: the release as handed out;
- reference: the release with every stub filled from solutions/ (as a student would write it: no markers);
- partial: the reference with the demo mistakes of each notebook (autograde/problems/NN_slug/mistakes.py, `demo=True`);
- hostile-<slug>: submissions that try to game or break grading (hostile_attacks.py; --no-hostile leaves them out).

Run after `make release`. Only these students' folders are replaced; other students' submissions are never
touched. A notebook missing from the release, or a bug whose function or text is not found, is reported and
skipped, so a half-written course still gets a demo class.
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from autograde.build.stubs import StubError, find_stubs, reference_body, reference_function, replace_stubs
from autograde.course import REPO, Course, course_notebooks, notebook_named
from autograde.demo_class.hostile_attacks import ATTACKS
from autograde.problems.mistake import apply_edits, demo_mistakes

DEMO_STUDENTS = ("blank", "reference", "partial")


def reference_bodies(source: str, module_name: str) -> dict[str, str]:
    """qualname -> reference body for every stub in a cell."""
    return {stub.qualname: "\n".join(reference_body(reference_function(module_name, stub.qualname)))
            for stub in find_stubs(source)}


def solution_cells(notebook) -> list:
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")]


def make_mistakes(notebook, mistakes, where: str) -> None:
    """Apply the mistakes' edits to the notebook's solution cells (each edit found exactly once in them)."""
    cells = solution_cells(notebook)
    for mistake in mistakes:
        if mistake.replaces:
            raise StubError(f"{where}: a demo mistake must be edits, not replaced names ({mistake.title})")
        edited = apply_edits([cell.source for cell in cells], mistake.edits, f"{where}: {mistake.title}")
        for cell, text in zip(cells, edited, strict=True):
            cell.source = text


def student_notebook(released, module_name: str, mistakes=(), prefix: dict[str, str] | None = None,
                     where: str = ""):
    """The release with every stub filled from the reference (as a student writes it: no markers), `prefix` code
    put at the top of the bodies it names, then `mistakes` made."""
    notebook = nbformat.from_dict(released)
    pending = set(prefix or {})
    for cell in solution_cells(notebook):
        bodies = reference_bodies(cell.source, module_name)
        for qualname in bodies:
            if qualname in pending:
                bodies[qualname] = prefix[qualname].rstrip("\n") + "\n" + bodies[qualname]
                pending.discard(qualname)
        cell.source, _ = replace_stubs(cell.source, bodies)
    if pending:
        raise StubError(f"{where}: no stub {sorted(pending)}")
    make_mistakes(notebook, mistakes, where)
    return notebook


def indented(cells, old: str, new: str) -> tuple[str, str]:
    """(old, new) with new's later lines indented like the line of the cells where old is (code written at column 0
    goes into a method body)."""
    for cell in cells:
        for line in cell.source.split("\n"):
            if old in line:
                indent = line[: len(line) - len(line.lstrip())]
                first, *rest = new.rstrip("\n").split("\n")
                return old, "\n".join([first] + [indent + text if text.strip() else "" for text in rest])
    return old, new


def hostile_notebook(released, module_name: str, attack, log: list[str]):
    """The reference (with the notebook's demo mistakes if attack.bug) changed by the attack: bodies, cells."""
    mistakes = demo_mistakes(notebook_named(attack.notebook)) if attack.bug else ()
    notebook = student_notebook(released, module_name, mistakes, attack.prefix, f"attack {attack.student}")
    cells = solution_cells(notebook)
    edits = [indented(cells, old, new) for qualname in attack.edits for old, new in attack.edits[qualname]]
    for cell, text in zip(cells, apply_edits([cell.source for cell in cells], edits, f"attack {attack.student}"),
                          strict=True):
        cell.source = text
    if attack.locked_edit:
        grade_id, source = attack.locked_edit
        locked = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
        if not locked:
            raise StubError(f"attack {attack.student}: no cell {grade_id} in {attack.notebook}")
        locked[0].source = source
    if attack.extra_cell:
        anchors = [index for index, cell in enumerate(released.cells)
                   if attack.anchor in {stub.qualname for stub in find_stubs(cell.source)}]
        if not anchors:
            raise StubError(f"attack {attack.student}: no stub {attack.anchor} in {attack.notebook}")
        for _ in range(attack.copies):
            notebook.cells.insert(anchors[0] + 1, nbformat.v4.new_code_cell(attack.extra_cell))
    if attack.notebook_edit:
        attack.notebook_edit(notebook)
    if attack.tail_cell:
        notebook.cells.append(nbformat.v4.new_code_cell(attack.tail_cell))
    log.append(f"{attack.student}/{attack.notebook}: {attack.tries}")
    return notebook


def make_hostile_class(course: Course, items, log: list[str]) -> None:
    """Each hostile student submits the notebook it attacks (all eight if attack.all_notebooks)."""
    by_name = {item.name: item for item in items}
    for attack in ATTACKS:
        folder = course.submission_dir(attack.student)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        released_path = course.release_dir / f"{attack.notebook}.ipynb"
        if attack.notebook not in by_name or not released_path.is_file():
            log.append(f"warning: {attack.student}: {attack.notebook} is not in the release; skipped")
            continue
        try:
            released = nbformat.read(released_path, as_version=4)
            notebook = hostile_notebook(released, by_name[attack.notebook].solution_module, attack, log)
        except (LookupError, StubError, ImportError, ValueError) as error:
            log.append(f"warning: {attack.student}: {error}")
            continue
        nbformat.write(notebook, folder / released_path.name)
        if attack.all_notebooks:
            for item in items:
                reference = course.submission_dir("reference") / item.filename
                if item.name != attack.notebook and reference.is_file():
                    shutil.copyfile(reference, folder / item.filename)
        if attack.folder_edit:
            attack.folder_edit(folder, course)


def make_demo_class(course: Course, hostile: bool = False) -> list[str]:
    """Write the demo submissions (with hostile=True the hostile ones too: the command line's default); returns the
    log lines (warnings start with 'warning:')."""
    sys.path.insert(0, str(REPO))
    log = []
    items = course_notebooks()
    for student in DEMO_STUDENTS:
        folder = course.submission_dir(student)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    for item in items:
        released_path = course.release_dir / item.filename
        if not released_path.is_file():
            log.append(f"warning: {item.filename} is not in the release {course.release_dir}; run `make release`")
            continue
        released = nbformat.read(released_path, as_version=4)
        shutil.copyfile(released_path, course.submission_dir("blank") / item.filename)
        try:
            module_name = item.solution_module
            reference = student_notebook(released, module_name, where=f"reference/{item.name}")
            mistakes = demo_mistakes(item)
            partial = student_notebook(released, module_name, mistakes, where=f"partial/{item.name}")
            log += [f"partial/{item.name}: {mistake.title}" for mistake in mistakes]
        except (LookupError, StubError, ImportError, ValueError) as error:
            log.append(f"warning: {item.filename}: no reference/partial notebook: {error}")
            continue
        nbformat.write(reference, course.submission_dir("reference") / item.filename)
        nbformat.write(partial, course.submission_dir("partial") / item.filename)
    if hostile:
        make_hostile_class(course, items, log)
    return log


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("--no-hostile", action="store_true", help="leave out the hostile-* students")
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    for line in make_demo_class(course, hostile=not args.no_hostile):
        print(line)
    for student in DEMO_STUDENTS:
        count = len(list(course.submission_dir(student).glob("*.ipynb")))
        print(f"{student}: {count} notebooks in {course.submission_dir(student)}")
    if not args.no_hostile:
        print(f"hostile: {len(ATTACKS)} students hostile-* (autograde/demo_class/hostile_attacks.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
