"""Command line of the static scan: `python -m autograde.scan DIR_OR_NOTEBOOK... [--release DIR]`."""

import argparse
import sys
from pathlib import Path

from autograde.course import Course
from autograde.scan.notebooks import __doc__ as DESCRIPTION
from autograde.scan.notebooks import scan_notebook


def notebooks_in(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"static scan: {path} is neither a notebook nor a folder")
    direct = sorted(path.glob("*.ipynb"))
    return direct or sorted(path.glob("*/*/*.ipynb")) or sorted(path.glob("*/*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path,
                        help="notebooks, submission folders (submitted/<student>/cnn1d) or submitted/ itself")
    parser.add_argument("--release", type=Path, default=Course().release_dir,
                        help="the released notebooks to compare with (default course/release/cnn1d)")
    args = parser.parse_args(argv)
    total = 0
    for given in args.paths:
        for path in notebooks_in(given):
            released = args.release / path.name
            flags = scan_notebook(path, released if released.is_file() else None)
            total += len(flags)
            for flag in flags:
                print(f"{path}: cell {flag.cell} line {flag.line}: [{flag.rule}] {flag.text}")
    print(f"{total} flag{'s' if total != 1 else ''}", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
