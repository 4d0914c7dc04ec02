"""nbgrader's OverwriteCells, with its "checksum has changed" warning kept for cells a student really changed.

At autograde, OverwriteCells compares each locked cell of the submission with the checksum the gradebook holds for
the source cell. Every grade cell with hidden tests differs by design (the release does not carry them), so nbgrader
warned "Attribute 'checksum' for cell test_... has changed!" for every such cell of every student, untouched ones
too, and the formgrader showed it among the successes. Here a locked cell equal to its released text (the source
without the hidden region) is restored silently; any other difference is logged as an edit of a locked cell, restored
from the source (the static scan flags it too: `edited-locked-cell`).
"""

from nbgrader.api import MissingEntry
from nbgrader.preprocessors import OverwriteCells

from autograde.build.hidden_sections import without_hidden_sections


class RestoreLockedCells(OverwriteCells):
    def preprocess_cell(self, cell, resources, cell_index):
        self._as_released = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                pass  # nbgrader reports it
            else:
                released = without_hidden_sections(source_cell.source)
                self._as_released = cell.source.rstrip() == released.rstrip()
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr != "checksum":
            super().report_change(name, attr, old, new)
        elif self._as_released:
            self.log.debug("cell %s: hidden tests restored", name)
        else:
            self.log.warning("Locked cell %s was changed in the submission (restored from the source)", name)
