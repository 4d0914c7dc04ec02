"""Feedback without hidden tests, with the lines of the student's own code: an nbconvert preprocessor that nbgrader's
generate_feedback runs before rendering.

nbgrader's feedback shows every grade cell as autograded, hidden tests included (tracker #917, #1363), and the
IPython traceback of a failing cell quotes the code around each line it passed. In each grade cell this removes the
hidden region (one comment line says it ran) and the value its last line displayed, and rewrites an error as

    ErrorName: message
      in this check cell, line 5: dX = layer.backward(np.array([10, 20]))
      in cell In [4] (solution_simple_conv1d), line 98, in backward: self.dB = ...
    Hint / ヒント: ...

Each line is read from the notebook itself: a line of a grade cell only when it is in the cell's visible part, never
hidden code. "In [N]" in any message (the hidden tests' messages name the student's line that way) gets the cell's
name added. A given cell shows only its first line (the same code for everyone, hundreds of lines). Points and
pass/fail come from the gradebook and stay as nbgrader renders them.
"""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from autograde.build.given_cells import is_given_cell
from autograde.build.hidden_sections import BEGIN_HIDDEN, without_hidden_sections

HIDDEN_NOTE = "# (hidden tests ran here; their code is not shown / 隠しテストはここで実行されました（コードは非表示）)"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FRAME = re.compile(r"^Cell In\[(?P<count>\d+)\], line (?P<line>\d+)(?:, in (?P<function>[\w.]+))?")
IN_CELL = re.compile(r"\bIn \[(?P<count>\d+)\](?! \()")
HINT = "Hint / ヒント:"
GIVEN_NOTE = "# (given code, {lines} lines: not repeated here / 与えられたコード {lines} 行（ここでは省略）)"


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def visible_lines(source: str) -> list[str]:
    """The lines of a cell before its hidden region."""
    return source.split(BEGIN_HIDDEN)[0].split("\n")


class HideHiddenTests(Preprocessor):
    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless they say otherwise

    def preprocess(self, nb, resources):
        # every code cell by its execution count, with only the lines a student may see
        self.cells = {}
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("execution_count"):
                graded = cell.metadata.get("nbgrader", {}).get("grade")
                self.cells[cell.execution_count] = (cell, visible_lines(cell.source) if graded
                                                    else cell.source.split("\n"))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        graded = cell.metadata.get("nbgrader", {}).get("grade")
        if is_given_cell(cell):  # the same for every student, and long: its first line says what it was
            first, _, rest = cell.source.partition("\n")
            cell.source = first + "\n" + GIVEN_NOTE.format(lines=rest.count("\n") + 1)
        if BEGIN_HIDDEN in cell.source:
            cell.source = without_hidden_sections(cell.source, note=HIDDEN_NOTE)
            # the cell's displayed value comes from its last line, which is hidden code: it may show expected values
            cell.outputs = [output for output in cell.get("outputs", []) if output.output_type != "execute_result"]
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.evalue = self.named(ANSI.sub("", str(output.get("evalue", ""))))
                if graded:
                    output.traceback = [self.short_traceback(output, cell)]
        return cell, resources

    def named(self, text: str) -> str:
        """'In [4]' -> 'In [4] (solution_simple_conv1d)' for the cells of this notebook."""
        def name(match):
            found = self.cells.get(int(match["count"]))
            label = grade_id(found[0]) if found else None
            return f"{match[0]} ({label})" if label else match[0]

        return IN_CELL.sub(name, text)

    def short_traceback(self, output, cell) -> str:
        lines = [f"{output.ename}: {output.evalue}"]
        entries = [ANSI.sub("", entry) for entry in output.get("traceback", [])]
        for entry in entries:
            frame = FRAME.match(entry.strip())
            if frame:
                where = self.frame_line(int(frame["count"]), int(frame["line"]), frame["function"], cell)
                if where:
                    lines.append(f"  {where}")
        lines += [entry.strip() for entry in entries if entry.strip().startswith(HINT)]
        return "\n".join(lines)

    def frame_line(self, count: int, line: int, function: str | None, current) -> str | None:
        """'in cell In [4] (name), line 98, in backward: <text>' for a visible line of a known cell, else None."""
        found = self.cells.get(count)
        if found is None:
            return None
        cell, lines = found
        if not 1 <= line <= len(lines) or lines[0].startswith("# GIVEN"):
            return None  # hidden code, a line the notebook does not have, or inside the given helpers
        where = "this check cell" if cell is current else f"cell In [{count}]" + (
            f" ({grade_id(cell)})" if grade_id(cell) else "")
        inside = f", in {function}" if function and function != "<module>" else ""
        return f"in {where}, line {line}{inside}: {lines[line - 1].strip()}"
