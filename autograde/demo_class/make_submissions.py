"""Generate the demo class from the release: submitted/{blank,reference,partial}/cnn1d/NN_slug.ipynb.

    python -m autograde.demo_class.make_submissions [--course-dir DIR]

- blank: the release as handed out;
- reference: the release with every stub filled from solutions/ (as a student would write it: no markers);
- partial: the reference with the mistakes of partial_bugs.py;
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

from autograde.course import REPO, Course, course_notebooks
from autograde.demo_class.hostile_attacks import ATTACKS
from autograde.demo_class.partial_bugs import BUGS
from autograde.solution_bodies import StubError, find_stubs, reference_body, reference_function, replace_stubs

DEMO_STUDENTS = ("blank", "reference", "partial")


def reference_bodies(source: str, module_name: str) -> dict[str, str]:
    """qualname -> reference body for every stub in a cell."""
    return {stub.qualname: "\n".join(reference_body(reference_function(module_name, stub.qualname)))
            for stub in find_stubs(source)}


def apply_bug(body: str, bug) -> str:
    for old, new in bug.edits:
        if old not in body:
            raise StubError(f"bug '{bug.mistake}' no longer applies: {bug.function} of the reference has no {old!r}")
        body = body.replace(old, new, 1)
    return body


def student_notebook(released, module_name: str, bugs: list | None, log: list[str], name: str):
    """The release with every stub filled from the reference; with `bugs` applied if given (the partial student)."""
    notebook = nbformat.from_dict(released)
    pending = {bug.function: bug for bug in bugs or []}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        bodies = reference_bodies(cell.source, module_name)
        for qualname in list(bodies):
            if qualname in pending:
                bug = pending.pop(qualname)
                try:
                    bodies[qualname] = apply_bug(bodies[qualname], bug)
                    log.append(f"partial/{name}: {qualname}: {bug.mistake}")
                except StubError as error:
                    log.append(f"warning: partial/{name}, cell {index}: {error}; reference body used")
        cell.source, _ = replace_stubs(cell.source, bodies)
    for bug in pending.values():
        log.append(f"warning: partial/{name}: no stub {bug.function} in the release; bug '{bug.mistake}' skipped")
    return notebook


def hostile_notebook(released, module_name: str, attack, log: list[str]):
    """The reference (with the notebook's partial bugs if attack.bug) changed by the attack: bodies, cells."""
    notebook = nbformat.from_dict(released)
    bugs = {bug.function: bug for bug in BUGS if attack.bug and bug.notebook == attack.notebook}
    pending = set(attack.prefix) | set(attack.edits)
    anchor_index = None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        bodies = reference_bodies(cell.source, module_name)
        for qualname in bodies:
            if qualname in bugs:
                bodies[qualname] = apply_bug(bodies[qualname], bugs.pop(qualname))
            for old, new in attack.edits.get(qualname, ()):
                if old not in bodies[qualname]:
                    raise StubError(f"attack {attack.student}: {qualname} has no {old!r}")
                bodies[qualname] = bodies[qualname].replace(old, new, 1)
            if qualname in attack.prefix:
                bodies[qualname] = attack.prefix[qualname].rstrip("\n") + "\n" + bodies[qualname]
            pending.discard(qualname)
            if qualname == attack.anchor:
                anchor_index = index
        cell.source, _ = replace_stubs(cell.source, bodies)
    if pending or bugs or (attack.extra_cell and anchor_index is None):
        raise StubError(f"attack {attack.student}: no stub {sorted(pending | set(bugs)) or attack.anchor} in "
                        f"{attack.notebook}")
    if attack.locked_edit:
        grade_id, source = attack.locked_edit
        cells = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
        if not cells:
            raise StubError(f"attack {attack.student}: no cell {grade_id} in {attack.notebook}")
        cells[0].source = source
    if attack.extra_cell:
        notebook.cells.insert(anchor_index + 1, nbformat.v4.new_code_cell(attack.extra_cell))
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
        except (LookupError, StubError, ImportError) as error:
            log.append(f"warning: {attack.student}: {error}")
            continue
        nbformat.write(notebook, folder / released_path.name)
        if attack.all_notebooks:
            for item in items:
                reference = course.submission_dir("reference") / item.filename
                if item.name != attack.notebook and reference.is_file():
                    shutil.copyfile(reference, folder / item.filename)


def make_demo_class(course: Course, hostile: bool = False) -> list[str]:
    """Write the demo submissions (with hostile=True the hostile ones too: the command line's default); returns the
    log lines (warnings start with 'warning:')."""
    sys.path.insert(0, str(REPO))
    log = []
    items = course_notebooks()
    names = {item.name for item in items}
    for bug in BUGS:
        if bug.notebook not in names:
            log.append(f"warning: bug '{bug.mistake}' is for {bug.notebook}, which is not in notebooks/; skipped")
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
            reference = student_notebook(released, module_name, None, log, item.name)
            bugs = [bug for bug in BUGS if bug.notebook == item.name]
            partial = student_notebook(released, module_name, bugs, log, item.name)
        except (LookupError, StubError, ImportError) as error:
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
