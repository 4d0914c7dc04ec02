"""Stubs in solution cells, and the reference bodies that fill them.

A stub is the two lines `# YOUR CODE HERE` / `raise NotImplementedError()` at one indentation, the whole body of
a function or method. Its name (`output_size`, `Conv1d.forward`) is looked up in the notebook's solution module;
the reference body (def line and docstring removed) replaces the stub, re-indented and wrapped in
`### BEGIN SOLUTION` / `### END SOLUTION`, which `nbgrader generate_assignment` turns back into the stub.
"""

import ast
import importlib
import inspect
import io
import sys
import tokenize
from dataclasses import dataclass

STUB_FIRST = "# YOUR CODE HERE"
STUB_SECOND = "raise NotImplementedError()"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


class StubError(ValueError):
    pass


@dataclass(frozen=True)
class Stub:
    """A stub at 0-based line `line` (the `# YOUR CODE HERE` line) of a cell, inside def `qualname`."""

    qualname: str
    line: int
    indent: str


def find_stubs(source: str) -> list[Stub]:
    """Every stub in a cell, with the qualified name of the function it is the body of."""
    lines = source.split("\n")
    positions = [i for i, text in enumerate(lines) if text.strip() == STUB_FIRST]
    if not positions:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise StubError(f"the cell is not valid Python (line {error.lineno}: {error.msg})") from None
    stubs = []
    for i in positions:
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        if i + 1 >= len(lines) or lines[i + 1] != indent + STUB_SECOND:
            raise StubError(f"line {i + 1}: '{STUB_FIRST}' is not followed by '{STUB_SECOND}' at the same indent")
        qualname = _enclosing_def(tree, i + 1)
        if qualname is None:
            raise StubError(f"line {i + 1}: the stub is not the body of a function or method")
        stubs.append(Stub(qualname, i, indent))
    return stubs


def _enclosing_def(tree: ast.AST, lineno: int, prefix: str = "") -> str | None:
    """Qualified name of the innermost def containing 1-based line `lineno` (classes add 'Class.')."""
    for node in ast.iter_child_nodes(tree):
        if not hasattr(node, "end_lineno") or not node.lineno <= lineno <= node.end_lineno:
            continue
        if isinstance(node, ast.ClassDef):
            return _enclosing_def(node, lineno, prefix + node.name + ".")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return _enclosing_def(node, lineno, prefix + node.name + ".") or prefix + node.name
    return None


def reference_function(module_name: str, qualname: str):
    """The function `qualname` ('f' or 'Class.method') in a solution module, or else in the solution modules it
    uses (breadth first): notebook 8's module uses Conv1d, whose module has output_size."""
    for module in _solution_modules(module_name):
        target = module
        for part in qualname.split("."):
            # getattr_static on classes: a staticmethod stays a staticmethod, so its function can be found
            lookup = inspect.getattr_static if inspect.isclass(target) else getattr
            target = lookup(target, part, None)
            if target is None:
                break
        if isinstance(target, staticmethod | classmethod):
            target = target.__func__
        if inspect.isfunction(target):
            return target
    raise StubError(f"{module_name} (and the solution modules it uses) has no function {qualname}")


def _solution_modules(module_name: str) -> list:
    """The module, then every solutions.* module its names come from, breadth first."""
    order = [importlib.import_module(module_name)]
    for module in order:
        for value in vars(module).values():
            owner = value if inspect.ismodule(value) else sys.modules.get(getattr(value, "__module__", None) or "")
            if owner is not None and owner.__name__.startswith("solutions.") and owner not in order:
                order.append(owner)
    return order


def function_source(function) -> str:
    """A function's source moved to column 0 (a method's too)."""
    return "\n".join(reindent(inspect.getsource(function), ""))


def reference_body(function) -> list[str]:
    """The body of a function without its def line(s) and docstring, dedented to column 0."""
    text = function_source(function)
    node = ast.parse(text).body[0]
    lines = text.split("\n")
    start = _header_end(text)  # 0-based index of the first line after the def header
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            start = body[0].end_lineno  # skip the docstring
    body_lines = lines[start : node.end_lineno]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    if not body_lines:
        raise StubError(f"{function.__qualname__} has only a docstring")
    return reindent("\n".join(body_lines), "")


def string_continuation_lines(code: str) -> set[int]:
    """0-based indexes of lines that continue a multi-line string: their leading spaces are data, not indent."""
    inside = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                inside.update(range(token.start[0], token.end[0]))  # 1-based start line + 1 .. end line
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # not tokenizable on its own (e.g. a fragment): indent every line
    return inside


def reindent(code: str, indent: str) -> list[str]:
    """Code moved so its first line starts at `indent`; lines inside multi-line strings are kept as they are."""
    lines = code.split("\n")
    first = next((line for line in lines if line.strip()), "")
    old = first[: len(first) - len(first.lstrip())]
    verbatim = string_continuation_lines(code)
    result = []
    for index, line in enumerate(lines):
        if index in verbatim:
            result.append(line)
        elif not line.strip():
            result.append("")
        else:
            result.append(indent + (line[len(old) :] if line.startswith(old) else line.lstrip()))
    return result


def _header_end(text: str) -> int:
    """Index of the line after the def header's closing ':' (the header may span several lines)."""
    depth = 0
    seen_def = False
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME and token.string == "def":
            seen_def = True
        elif token.type == tokenize.OP and seen_def:
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                rest = token.line[token.end[1] :].strip()
                if rest and not rest.startswith("#"):
                    raise StubError("a one-line def cannot fill a stub")
                return token.start[0]
    raise StubError("no def header found")


def fill_stubs(source: str, module_name: str) -> tuple[str, list[str]]:
    """The cell with every stub replaced by the reference body; also the names filled, in order."""
    lines = source.split("\n")
    filled = []
    for stub in reversed(find_stubs(source)):
        body = reference_body(reference_function(module_name, stub.qualname))
        block = [stub.indent + BEGIN_SOLUTION, *reindent("\n".join(body), stub.indent), stub.indent + END_SOLUTION]
        lines[stub.line : stub.line + 2] = block
        filled.append(stub.qualname)
    return "\n".join(lines), filled[::-1]


def replace_stubs(source: str, bodies: dict[str, str]) -> tuple[str, list[str]]:
    """The cell with the stubs named in `bodies` replaced by that code, as a student writes it (no markers)."""
    lines = source.split("\n")
    replaced = []
    for stub in reversed(find_stubs(source)):
        if stub.qualname in bodies:
            lines[stub.line : stub.line + 2] = reindent(bodies[stub.qualname].strip("\n"), stub.indent)
            replaced.append(stub.qualname)
    return "\n".join(lines), replaced[::-1]
