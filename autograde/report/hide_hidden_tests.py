"""Feedback without hidden tests: an nbconvert preprocessor nbgrader's generate_feedback runs before rendering.

nbgrader's feedback shows every grade cell as autograded, hidden tests included (tracker #917, #1363), and the
IPython traceback of a failing hidden test quotes its code. In each grade cell this removes the hidden region
(one comment line says it ran), drops the value the hidden code's last line displayed, and shortens an error to
`ErrorName: message`, the message the test wrote for the student. Points and pass/fail come from the gradebook
and stay as nbgrader renders them.
"""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from autograde.build.hidden_sections import BEGIN_HIDDEN, without_hidden_sections

HIDDEN_NOTE = "# (hidden tests ran here; their code is not shown / 隠しテストはここで実行されました（コードは非表示）)"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class HideHiddenTests(Preprocessor):
    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless they say otherwise

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        cell.source = without_hidden_sections(cell.source, note=HIDDEN_NOTE)
        # the cell's displayed value comes from its last line, which is hidden code: it may show expected values
        cell.outputs = [output for output in cell.get("outputs", []) if output.output_type != "execute_result"]
        for output in cell.outputs:
            if output.output_type == "error":
                message = ANSI.sub("", f"{output.ename}: {output.evalue}")
                output.traceback = [message]
        return cell, resources
