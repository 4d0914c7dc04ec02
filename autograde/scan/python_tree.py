"""Helpers on Python syntax trees for the scanner: parsing a cell (IPython syntax translated), dotted names,
bindings, and the import aliases of a notebook or a function (`import numpy as np`, `t = np.testing`)."""

import ast
import functools


def dotted_name(node: ast.AST) -> str | None:
    """'np.testing.assert_allclose' for a Name/Attribute chain (getattr(x, "y") read as x.y), else None."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str)):
            parts.append(node.args[1].value)
            node = node.args[0]
        else:
            break
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def root_name(node: ast.AST) -> str | None:
    """The Name at the bottom of an attribute/subscript/call chain: 'np' for np.testing.x[0].y."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def module_prefixes(module: str) -> list[str]:
    """'a.b.c' -> ['a', 'a.b', 'a.b.c'], to match a forbidden package at any depth."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the strings that stand alone as statements (docstrings, block comments): prose the code never uses."""
    return {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def bound_names(target: ast.AST) -> list[ast.Name]:
    """The Names an assignment target binds (x, (a, b), [*rest]); attributes and subscripts bind none."""
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in bound_names(element)]
    if isinstance(target, ast.Starred):
        return bound_names(target.value)
    return []


@functools.lru_cache(maxsize=1)
def transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def transform(source: str) -> str:
    """IPython syntax (magics, !shell, x?) -> plain Python calls on get_ipython(), line numbers kept."""
    return transformer().transform_cell(source)


CACHED_SOURCE_CHARS = 20_000  # the given cells: the same in every submission, parsed once; student cells are not kept
RELEASED_SOURCES: set[str] = set()  # the released notebooks' code cells (remember_released): cached at any size


def remember_released(sources) -> None:
    """Cache the trees of these released cells whatever their size (the given validation cells are 20-27 kB and
    repeated in every submission). Only the release's cells: a class's own cells could fill the memory budget."""
    if len(RELEASED_SOURCES) > 256:
        RELEASED_SOURCES.clear()
    RELEASED_SOURCES.update(sources)


def parse_cell(source: str) -> tuple[ast.Module | None, str | None]:
    """(tree, None), or (None, reason) when the cell is not Python even after the IPython translation.

    Plain Python is parsed as it is (IPython leaves valid Python unchanged, and the tokenizing costs time). Small
    sources and the released cells (the given cells, repeated in every submission) are parsed once and their trees
    shared between callers, so nothing may change them; other large ones are never cached (a cache of every tree held
    gigabytes)."""
    if len(source) <= CACHED_SOURCE_CHARS or source in RELEASED_SOURCES:
        return parse_small_cell(source)
    return parse_source(source)


@functools.lru_cache(maxsize=512)
def parse_small_cell(source: str) -> tuple[ast.Module | None, str | None]:
    return parse_source(source)


def parse_source(source: str) -> tuple[ast.Module | None, str | None]:
    """parse_cell without the cache. Python's parser raises MemoryError both when memory runs out and when code is
    nested too deeply for its stack (short code, then): for a large source it is the scan's memory budget
    (autograde/scan/child.py), raised again."""
    try:
        return ast.parse(source), None
    except MemoryError:
        if len(source) > CACHED_SOURCE_CHARS:
            raise
    except (SyntaxError, ValueError, RecursionError):
        pass
    try:
        return ast.parse(transform(source)), None
    except SyntaxError as error:
        return None, f"line {error.lineno}: {error.msg}"
    except MemoryError:
        if len(source) > CACHED_SOURCE_CHARS:
            raise
        return None, "MemoryError: nested too deeply to parse"
    except Exception as error:  # noqa: BLE001 - IPython's transformer can fail on odd input: same verdict
        return None, f"{type(error).__name__}: {error}"


def scope_nodes(body: list[ast.stmt]):
    """Every node of one scope: nested functions, lambdas and classes are left out (their bodies are other scopes)."""
    pending = list(body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))


def import_aliases(nodes) -> dict[str, str]:
    """name -> module (or module attribute) for the imports among `nodes`: np -> numpy, testing -> numpy.testing."""
    aliases: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                first = alias.name.split(".")[0]
                aliases.setdefault(alias.asname or first, alias.name if alias.asname else first)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    aliases.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")
    return aliases


def follow_assigned_aliases(nodes, aliases: dict[str, str]) -> None:
    """t = np.testing; a = t: plain assignments of an alias are aliases too (in place)."""
    assignments = [node for node in nodes if isinstance(node, ast.Assign) and len(node.targets) == 1
                   and isinstance(node.targets[0], ast.Name) and dotted_name(node.value)]
    changed = True
    while changed:
        changed = False
        for node in assignments:
            value, name = dotted_name(node.value), node.targets[0].id
            head, _, rest = value.partition(".")
            if head in aliases and name not in aliases:
                aliases[name] = aliases[head] + ("." + rest if rest else "")
                changed = True


def collect_aliases(trees: list[ast.Module]) -> dict[str, str]:
    """The notebook's global aliases: top-level imports and alias assignments of every code cell."""
    nodes = [node for tree in trees for node in scope_nodes(tree.body)]
    aliases = {"__builtins__": "builtins", **import_aliases(nodes)}
    follow_assigned_aliases(nodes, aliases)
    return aliases


def local_aliases(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
                  outer: dict[str, str]) -> dict[str, str]:
    """The aliases inside a function: its own imports added, its parameters and other local names removed."""
    body = function.body if isinstance(function.body, list) else [ast.Expr(function.body)]
    nodes = list(scope_nodes(body))
    imported = import_aliases(nodes)
    arguments = function.args
    local = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    local |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a}
    declared_global = {name for node in nodes if isinstance(node, ast.Global) for name in node.names}
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
    aliases = {name: module for name, module in outer.items() if name not in local - declared_global}
    aliases.update(imported)
    follow_assigned_aliases(nodes, aliases)
    return aliases
