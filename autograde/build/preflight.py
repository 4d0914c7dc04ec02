"""What `make release` checks before it writes anything: notebooks/ must be the blank student version.

A notebook that was run or solved in place (e.g. opened in JupyterLab from notebooks/ and saved) has outputs,
execution counts, or code where a stub should be; nbgrader would release that code, and the release check would
only find it after release/ and the gradebook were rewritten. So the build refuses such a notebook first, naming
the cell, and also checks that nbgrader's clearing of the assembled source gives back notebooks/ exactly.
"""

import ast
import copy

from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from autograde.build.stubs import STUB_FIRST, STUB_SECOND, StubError, find_stubs, reference_function

CODE_STUB = f"{STUB_FIRST}\n{STUB_SECOND}"


def ran_in_place(cell) -> str | None:
    """Why a cell of notebooks/ looks run (outputs or an execution count), or None."""
    if cell.cell_type != "code":
        return None
    if cell.get("outputs"):
        return f"has {len(cell.outputs)} outputs"
    if cell.get("execution_count") is not None:
        return f"has the execution count {cell.execution_count}"
    return None


def _defs(tree, prefix=""):
    """(qualified name, node) of every function and method at the top of a cell, classes entered."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            yield from _defs(node, prefix + node.name + ".")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node


def solved_functions(source: str, module_name: str) -> list[str]:
    """Functions of a solution cell that the reference solves but that hold code instead of the stub."""
    try:
        tree = ast.parse(source)
        stubbed = {stub.qualname for stub in find_stubs(source)}
    except (SyntaxError, StubError):
        return []  # reported by the build itself
    solved = []
    for qualname, _ in _defs(tree):
        if qualname in stubbed:
            continue
        try:
            reference_function(module_name, qualname)
        except (StubError, ImportError):
            continue  # a helper of the skeleton's own, not a stub
        solved.append(qualname)
    return solved


def simulated_release(source_notebook):
    """What nbgrader generate_assignment makes of the assembled source's cells (solutions and hidden tests cut)."""
    notebook = copy.deepcopy(source_notebook)
    clear = ClearSolutions(code_stub={"python": CODE_STUB})
    hidden = ClearHiddenTests()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            clear._replace_solution_region(cell, "python")
            hidden._remove_hidden_test_region(cell)
    return notebook


def release_mismatches(student, source) -> list[int]:
    """Indices of cells whose simulated release differs from notebooks/."""
    released = simulated_release(source)
    if len(released.cells) != len(student.cells):
        return list(range(len(student.cells)))
    return [index for index, (mine, theirs) in enumerate(zip(student.cells, released.cells, strict=True))
            if mine.source != theirs.source]
