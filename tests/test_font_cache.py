"""matplotlib's font list, built once and bound read-only into every sandbox (autograde/sandbox/font_cache.py)."""

import json
import os

import matplotlib
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograde.sandbox import bwrap
from autograde.sandbox.bwrap import bwrap_available, runner_python
from autograde.sandbox.execute import execute_in_sandbox
from autograde.sandbox.font_cache import font_list
from autograde.settings import SandboxLimits

needs_bwrap = pytest.mark.skipif(not bwrap_available(), reason="bubblewrap (bwrap) is not available here")


def test_the_list_is_built_once_and_names_fonts_that_exist(tmp_path):
    made = font_list(runner_python(), tmp_path)
    assert made is not None and made.name.startswith("fontlist-v") and made.suffix == ".json"
    fonts = json.loads(made.read_text())["ttflist"]
    data = matplotlib.get_data_path()  # the venv's own fonts are listed relative to it
    assert fonts and all(os.path.isfile(os.path.join(data, font["fname"])) for font in fonts)
    assert any(font["name"] == "DejaVu Sans" for font in fonts)  # matplotlib's default, from the venv
    assert [path.name for path in made.parent.iterdir()] == [made.name]  # nothing else of the build
    stamp = made.stat().st_mtime_ns
    assert font_list(runner_python(), tmp_path) == made and made.stat().st_mtime_ns == stamp


def test_no_list_when_the_interpreter_has_no_matplotlib(tmp_path):
    assert font_list("/bin/false", tmp_path) is None


@needs_bwrap
def test_the_sandbox_kernel_uses_the_bound_list_and_cannot_change_it(tmp_path, monkeypatch):
    """A list with a font name of its own: the kernel's matplotlib knows that name only if it read the bound file."""
    made = font_list(runner_python())
    assert made is not None
    marked = json.loads(made.read_text())
    marked["ttflist"].append({**marked["ttflist"][0], "name": "CNN1D Marker Sans"})
    bound = tmp_path / made.name
    bound.write_text(json.dumps(marked))
    monkeypatch.setattr(bwrap, "font_list", lambda python: bound)
    cells = ["from matplotlib import font_manager\n"
             "print('marker' if 'CNN1D Marker Sans' in {f.name for f in font_manager.fontManager.ttflist} else 'none')",
             f"import os\npath = os.path.expanduser('~/.cache/matplotlib/{made.name}')\n"
             "try:\n    open(path, 'a').close()\n    print('written')\nexcept OSError:\n    print('read-only')"]
    nb = new_notebook(cells=[new_code_cell(source) for source in cells],
                      metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    executed, reasons = execute_in_sandbox(nb, SandboxLimits(skip_after_last_grade=False), no_sandbox=False)
    assert reasons == []
    shown = ["".join(output.get("text", "") for output in cell.outputs) for cell in executed.cells]
    assert shown == ["marker\n", "read-only\n"]
