"""`make student-bundle`: what a student gets, as a folder and a zip, from the checked release.

    python -m autograde.build.student_bundle [--course-dir DIR] [--out DIR]

Writes DIR/cnn1d/ (default dist/) and DIR/cnn1d-student.zip (the same folder): the released notebooks, MNIST
(data/mnist.npz with its loader and licence), the student README (student_kit/README.md: install, open, check your
work, submit), requirements.txt, start_lab.py and lab-config/ (Validate's limits from autograde/settings.py, the
instructor tools hidden). Nothing else: no solutions, hidden tests, gradebook or instructor tool. The release is
checked first (equal to notebooks/, no solution or hidden-test text), and the bundle is checked after it is
written: exactly the files above, and no text of a solution or hidden test in any of them.
"""

import argparse
import json
import shutil
import sys
import zipfile
from pathlib import Path

from autograde.build.release_checks import check_release, leaks
from autograde.course import REPO, Course, course_notebooks
from autograde.settings import ASSIGNMENT, VALIDATE_WIDTH, sandbox_limits

KIT = REPO / "student_kit"
DIST = REPO / "dist"
ZIP_NAME = f"{ASSIGNMENT}-student.zip"
KIT_FILES = ("README.md", "requirements.txt", "start_lab.py")
DATA_FILES = ("mnist.npz", "mnist_data.py", "README.md")
# nbgrader's instructor tools: server side (formgrader, course list; the assignment list needs a hub's exchange)
HIDDEN_SERVER_EXTENSIONS = ("formgrader", "course_list", "assignment_list")
HIDDEN_LAB_PLUGINS = ("formgrader", "course-list", "create-assignment", "assignment-list", "menu")


def lab_config() -> dict[str, str]:
    """lab-config/ files (relative path -> text): what start_lab.py adds to Jupyter's configuration."""
    limits = sandbox_limits()
    nbgrader = (
        "# Validate runs each cell with the grader's limit (autograde/settings.py's cell_timeout) and prints full\n"
        "# lines; written by `make student-bundle`.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.Execute.timeout = {limits.cell_timeout}\n"
        f"c.Validator.width = {VALIDATE_WIDTH}\n")
    server = {"ServerApp": {"jpserver_extensions": {
        f"nbgrader.server_extensions.{name}": False for name in HIDDEN_SERVER_EXTENSIONS}}}
    page = {"disabledExtensions": {
        **{f"@jupyter/nbgrader:{name}": True for name in HIDDEN_LAB_PLUGINS},
        "@jupyterlab/apputils-extension:announcements": True}}  # news fetched from the internet
    return {"nbgrader_config.py": nbgrader,
            "jupyter_server_config.json": json.dumps(server, indent=2) + "\n",
            "labconfig/page_config.json": json.dumps(page, indent=2) + "\n"}


def expected_files() -> set[str]:
    """Every file of the bundle, relative to its folder."""
    notebooks = {item.filename for item in course_notebooks()}
    return (notebooks | set(KIT_FILES) | {f"data/{name}" for name in DATA_FILES}
            | {f"lab-config/{name}" for name in lab_config()})


def bundle_problems(folder: Path, course: Course) -> list[str]:
    """What is wrong with a written bundle: missing or extra files, solution or hidden-test text in any file."""
    found = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}
    problems = [f"missing {name}" for name in sorted(expected_files() - found)]
    problems += [f"unexpected file {name}" for name in sorted(found - expected_files())]
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in sorted(found)
             if not name.endswith(".npz")}
    items = course_notebooks()
    for name, text in texts.items():
        # a notebook against its own solution and hidden tests (notebook 8 rightly gives code problem 1 asks for),
        # any other file against every notebook's
        mine = [item for item in items if item.filename == name] or items
        for item in mine:
            problems += [f"{name} contains {line!r}" for line in leaks(text, item, course.source_dir / item.filename)]
    return problems


def write_bundle(course: Course, out: Path) -> Path:
    """Write out/cnn1d/ and out/cnn1d-student.zip from the checked release; the zip's path."""
    problems = check_release(course, course_notebooks())
    if problems:
        raise RuntimeError("the release is not right (run `make release`):\n" + "\n".join(problems))
    folder = out / ASSIGNMENT
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "data").mkdir(parents=True)
    for item in course_notebooks():
        shutil.copyfile(course.release_dir / item.filename, folder / item.filename)
    for name in DATA_FILES:
        shutil.copyfile(REPO / "data" / name, folder / "data" / name)
    for name in KIT_FILES:
        shutil.copyfile(KIT / name, folder / name)
    for name, text in lab_config().items():
        (folder / "lab-config" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "lab-config" / name).write_text(text, encoding="utf-8")
    problems = bundle_problems(folder, course)
    if problems:
        raise RuntimeError("the student bundle is not right:\n" + "\n".join(problems))
    archive = out / ZIP_NAME
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(out).as_posix())
    return archive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("--out", type=Path, default=DIST, help="where cnn1d/ and the zip go (default dist/)")
    args = parser.parse_args(argv)
    try:
        archive = write_bundle(Course(args.course_dir.resolve()), args.out.resolve())
    except RuntimeError as error:
        print(f"student-bundle: {error}", file=sys.stderr)
        return 1
    size = archive.stat().st_size / (1 << 20)
    print(f"student bundle: {archive} ({size:.1f} MiB) and {archive.parent / ASSIGNMENT}/ "
          f"({len(expected_files())} files: notebooks, data, README, requirements, start_lab.py, lab-config)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
