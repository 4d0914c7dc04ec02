"""The cell scanner: walks one cell's syntax tree and records (line, rule) for every rule of autograde/scan/rules.py."""

import ast
import re

from autograde.scan.flags import Flag
from autograde.scan.python_tree import (
    bound_names,
    docstring_nodes,
    dotted_name,
    local_aliases,
    module_prefixes,
    parse_cell,
    root_name,
)
from autograde.scan.rules import (
    BUILTIN_NAMES,
    CODE_MAGICS,
    CORE_CHECK_BUILTINS,
    DYNAMIC_CODE_CALLS,
    DYNAMIC_IMPORT_CALLS,
    FILE_CALLS,
    FILE_METHODS,
    FORBIDDEN_MODULES,
    FORK_BOMB_SHELL,
    FORK_CALLS,
    GRADER_STRING,
    HARMLESS_MAGICS,
    INTERNAL_ATTRIBUTES,
    INTROSPECTION_CALLS,
    IPYTHON_CALLS,
    IPYTHON_HISTORY_NAMES,
    IPYTHON_HISTORY_PATTERN,
    KERNEL_EXIT_CALLS,
    LIBRARY_CONVOLUTION_MODULES,
    LONG_SLEEP_SECONDS,
    LYING_DUNDERS,
    NUMERICAL_GRADIENT_NAMES,
    PROCESS_CALLS,
    PROCESS_PREFIXES,
    SHELL_MAGICS,
    SKLEARN_ALLOWED,
    SYS_MODULES_NAMES,
    TRACE_CALLS,
)


class CellScanner(ast.NodeVisitor):
    """Walks one cell's tree and records (line, rule) pairs."""

    def __init__(self, aliases: dict[str, str], given_names: dict[str, str | None], solution: bool,
                 source_lines: list[str], line_offset: int = 0, checked_builtins: frozenset[str] = frozenset()):
        self.aliases = aliases
        self.checked_builtins = checked_builtins or CORE_CHECK_BUILTINS
        self.given_names = given_names  # name -> module it is an import of (None for defs and assignments)
        self.solution = solution
        self.source_lines = source_lines
        self.line_offset = line_offset
        self.found: list[tuple[int, str]] = []
        self.scope_depth = 0  # > 0 inside a def, lambda or class body
        self.class_depth = 0  # > 0 inside a class body (its methods included)
        self.gradient_names = set(NUMERICAL_GRADIENT_NAMES)  # and the names a top-level `g = numerical_gradient` binds
        self.loop_depth = 0
        self.docstrings: set[int] = set()
        self.constants: dict[str, str] = {}

    # -- bookkeeping
    def flag(self, node: ast.AST | int, rule: str) -> None:
        line = node if isinstance(node, int) else getattr(node, "lineno", 1)
        self.found.append((line + self.line_offset, rule))

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name with its first part replaced by what it was imported as: np.load -> numpy.load."""
        name = dotted_name(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.aliases:
            return self.aliases[head] + ("." + rest if rest else "")
        return name

    def is_imported(self, node: ast.AST) -> bool:
        """Is this a plain dotted chain (np.testing.x, not layers[0].x) starting at an imported name?"""
        name = dotted_name(node)
        return name is not None and name.split(".")[0] in self.aliases

    def written_by_student(self, line: int) -> bool:
        """IPython's translation writes get_ipython() for magics; only a get_ipython the student typed counts."""
        index = line + self.line_offset - 1
        return 0 <= index < len(self.source_lines) and "get_ipython" in self.source_lines[index]

    def scan(self, tree: ast.Module) -> list[tuple[int, str]]:
        self.docstrings = docstring_nodes(tree)
        self.constants = string_constants(tree)
        for node in tree.body:  # ng = numerical_gradient at the top of the cell: ng is the given gradient too
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) \
                    and node.value.id in self.gradient_names:
                self.gradient_names |= {name.id for target in node.targets for name in bound_names(target)}
        self.visit(tree)
        return self.found

    # -- scopes and loops
    def visit_FunctionDef(self, node):
        self.check_top_level_binding(node, node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)
        self.scope_depth += 1
        saved_loops, self.loop_depth = self.loop_depth, 0
        saved_aliases, self.aliases = self.aliases, local_aliases(node, self.aliases)
        for statement in node.body:
            self.visit(statement)
        self.aliases = saved_aliases
        self.loop_depth = saved_loops
        self.scope_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.scope_depth += 1
        saved_aliases, self.aliases = self.aliases, local_aliases(node, self.aliases)
        self.generic_visit(node)
        self.aliases = saved_aliases
        self.scope_depth -= 1

    def visit_ClassDef(self, node):
        self.check_top_level_binding(node, node.name)
        for statement in node.body:
            names = []
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [statement.name]
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                names = [name.id for target in targets for name in bound_names(target)]
            if any(name in LYING_DUNDERS for name in names):
                self.flag(statement, "lying-object")
        for expression in node.bases + node.keywords + node.decorator_list:
            self.visit(expression)
        self.scope_depth += 1
        self.class_depth += 1
        for statement in node.body:
            self.visit(statement)
        self.class_depth -= 1
        self.scope_depth -= 1

    def visit_While(self, node):
        if isinstance(node.test, ast.Constant) and node.test.value and not self.loop_exits(node):
            self.flag(node, "may-not-terminate")
        self.visit(node.test)
        self.visit_loop_body(node)

    def visit_For(self, node):
        for name in bound_names(node.target):
            self.check_top_level_binding(name, name.id)
        self.visit(node.iter)
        self.visit_loop_body(node)

    def visit_loop_body(self, loop) -> None:
        """The body counts as inside a loop (fork bombs); the else part runs once, outside it."""
        self.loop_depth += 1
        for statement in loop.body:
            self.visit(statement)
        self.loop_depth -= 1
        for statement in loop.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    @staticmethod
    def loop_exits(loop: ast.While) -> bool:
        """A break of this loop, or a return/raise/exit call anywhere in it outside nested functions."""
        pending = list(loop.body)
        while pending:
            node = pending.pop()
            if isinstance(node, (ast.Return, ast.Raise)):
                return True
            if isinstance(node, ast.Break):
                return True
            if isinstance(node, ast.Call) and dotted_name(node.func) in {"sys.exit", "exit", "quit", "os._exit"}:
                return True
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    continue
                if isinstance(child, (ast.For, ast.AsyncFor, ast.While)):  # their break is theirs
                    pending.extend(n for n in ast.walk(child) if isinstance(n, (ast.Return, ast.Raise)))
                    continue
                pending.append(child)
        return False

    # -- bindings
    def check_top_level_binding(self, node: ast.AST, name: str, imported_as: str | None = None) -> None:
        if self.scope_depth:
            return
        if name in self.checked_builtins:
            self.flag(node, "shadows-builtin")
        elif name in self.given_names and (imported_as is None or imported_as != self.given_names[name]):
            self.flag(node, "shadows-given")

    def check_target(self, target: ast.AST, deleting: bool = False) -> None:
        for name in bound_names(target):
            if not deleting:
                self.check_top_level_binding(name, name.id)
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.check_target(element, deleting)
            return
        if isinstance(target, ast.Starred):
            self.check_target(target.value, deleting)
            return
        if isinstance(target, ast.Attribute):
            if target.attr in LYING_DUNDERS:
                self.flag(target, "lying-object")
            if root_name(target) == "__builtins__" or self.resolve(target.value) == "builtins":
                self.flag(target, "builtins-access")
            elif self.is_imported(target):
                self.flag(target, "module-patch")
        elif isinstance(target, ast.Subscript):
            container = self.resolve(target.value) or ""
            if root_name(target) == "__builtins__" or container == "builtins.__dict__":
                self.flag(target, "builtins-access")
            elif container.endswith(".__dict__") and self.is_imported(target.value):
                self.flag(target, "module-patch")

    def visit_Assign(self, node):
        for target in node.targets:
            self.check_target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.check_target(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self.check_target(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for target in node.targets:
            self.check_target(target, deleting=True)
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        self.check_top_level_binding(node, node.target.id)
        self.generic_visit(node)

    def visit_With(self, node):
        for item in node.items:
            if item.optional_vars is not None:
                self.check_target(item.optional_vars)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node):
        if node.name:
            self.check_top_level_binding(node, node.name)
        self.generic_visit(node)

    def visit_Global(self, node):
        if any(name in self.checked_builtins for name in node.names):
            self.flag(node, "shadows-builtin")
        self.generic_visit(node)

    # -- imports
    def check_module(self, node: ast.AST, module: str) -> None:
        prefixes = module_prefixes(module)
        if any(prefix in FORBIDDEN_MODULES for prefix in prefixes):
            self.flag(node, "forbidden-import")
        elif is_model_library(module):
            self.flag(node, "library-convolution")

    def visit_Import(self, node):
        for alias in node.names:
            self.check_module(node, alias.name)
            name = alias.asname or alias.name.split(".")[0]
            self.check_top_level_binding(node, name, alias.name if alias.asname else name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        if node.module and not node.level:
            flagged = len(self.found)
            self.check_module(node, node.module)
            for alias in node.names:
                if len(self.found) == flagged and alias.name != "*":
                    self.check_module(node, f"{node.module}.{alias.name}")
                if alias.name != "*":
                    self.check_top_level_binding(node, alias.asname or alias.name, f"{node.module}.{alias.name}")
        self.generic_visit(node)

    # -- names, attributes, strings
    def visit_Name(self, node):
        if node.id in self.gradient_names and self.class_depth and isinstance(node.ctx, ast.Load):
            self.flag(node, "numerical-gradient")
        if node.id == "__builtins__":
            self.flag(node, "builtins-access")
        elif node.id in IPYTHON_HISTORY_NAMES or IPYTHON_HISTORY_PATTERN.match(node.id):
            self.flag(node, "ipython-internals")
        elif node.id == "get_ipython" and self.written_by_student(node.lineno):
            self.flag(node, "ipython-internals")

    def visit_Attribute(self, node):
        resolved = self.resolve(node)
        if node.attr in INTERNAL_ATTRIBUTES:
            self.flag(node, "function-internals")
        elif resolved and any(resolved == n or resolved.startswith(n + ".") for n in SYS_MODULES_NAMES):
            self.flag(node, "sys-modules")
        elif node.attr == "__dict__" and self.is_imported(node):
            self.flag(node, "module-patch" if isinstance(node.ctx, ast.Store) else "introspection")
        elif node.attr == "get_ipython" and self.written_by_student(node.lineno):
            self.flag(node, "ipython-internals")
        elif resolved and self.is_imported(node) and is_model_library(resolved) and not isinstance(
                node.ctx, ast.Store):  # import scipy; scipy.signal.correlate(...)
            self.flag(node, "library-convolution")
            return  # one flag for the whole chain
        self.generic_visit(node)

    def visit_Constant(self, node):
        if id(node) not in self.docstrings and isinstance(node.value, (str, bytes)):
            text = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
            if GRADER_STRING.search(text):
                self.flag(node, "grader-path-string")

    # -- calls
    def visit_Call(self, node):
        magic = self.ipython_call(node)
        if magic is not None:
            self.check_magic(node, *magic)
        else:
            self.check_call(node)
        self.generic_visit(node)

    def ipython_call(self, node: ast.Call) -> tuple[str, str, str] | None:
        """(kind, magic name, argument) for get_ipython().system/run_line_magic/... calls with literal arguments."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in IPYTHON_CALLS and isinstance(func.value, ast.Call)
                and dotted_name(func.value.func) == "get_ipython"):
            return None
        literals = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "" for a in node.args]
        kind = IPYTHON_CALLS[func.attr]
        if kind == "shell":
            return "shell", "!", literals[0] if literals else ""
        name = literals[0] if literals else ""
        if kind == "cell":
            line, body = (literals + ["", ""])[1:3]
            return "cell", name, (line, body)
        return "line", name, literals[1] if len(literals) > 1 else ""

    def check_magic(self, node: ast.Call, kind: str, name: str, argument) -> None:
        text = "\n".join(argument) if isinstance(argument, tuple) else argument
        if kind == "shell" or name in SHELL_MAGICS:
            self.flag(node, "shell-command")
            if FORK_BOMB_SHELL.search(text):
                self.flag(node, "fork-bomb")
        elif name not in HARMLESS_MAGICS:
            self.flag(node, "risky-magic")
        elif name in CODE_MAGICS:  # %time np.allclose = f: the code inside is scanned like any other
            if kind == "cell":
                line, body = argument
                self.scan_embedded(line if name == "timeit" else "", node.lineno)
                self.scan_embedded(body, node.lineno + 1)
            else:
                self.scan_embedded(re.sub(r"^(\s*-\w+(\s+\d+)?)*", "", argument), node.lineno)

    def scan_embedded(self, code: str, line: int) -> None:
        if not code.strip():
            return
        tree, reason = parse_cell(code)
        if tree is None:
            self.flag(line, "syntax-error")
            return
        inner = CellScanner(self.aliases, self.given_names, self.solution, self.source_lines,
                            self.line_offset + line - 1, self.checked_builtins)
        inner.scope_depth, inner.class_depth = self.scope_depth, self.class_depth
        self.found.extend(inner.scan(tree))

    def check_computed_attribute(self, node: ast.Call) -> None:
        """getattr(obj, name): a literal name is an attribute access (internals flagged); a name built from literals
        only ("test" + "ing") hides one; a computed name of a module, the builtins or a call's result reaches what
        the tests use. getattr(self, "d" + name), as the given optimizers do, is honest and not flagged."""
        target, attribute = node.args[0], node.args[1]
        literal = constant_string(attribute, self.constants)
        if literal is not None and not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
            self.flag(node, "introspection")  # an obfuscated constant
        if literal is not None:
            if literal in INTERNAL_ATTRIBUTES:
                self.flag(node, "function-internals")
            return
        if self.is_imported(target) or root_name(target) == "__builtins__" or isinstance(target, ast.Call):
            self.flag(node, "introspection")

    def check_call(self, node: ast.Call) -> None:
        name = self.resolve(node.func) or ""
        bare = name.removeprefix("builtins.")
        if name in DYNAMIC_IMPORT_CALLS and node.args:  # __import__("torch"), importlib.import_module("scipy.signal")
            module = constant_string(node.args[0], self.constants)
            if module is not None and is_model_library(module):
                self.flag(node, "library-convolution")
        if bare in DYNAMIC_CODE_CALLS and (name == bare or name.startswith("builtins.")):
            self.flag(node, "dynamic-code")
        elif (bare in {"setattr", "delattr"} or name.endswith((".__setattr__", ".__delattr__"))) and node.args:
            target = node.args[0]
            attribute = node.args[1] if len(node.args) > 1 else None
            literal = attribute.value if isinstance(attribute, ast.Constant) else None
            if root_name(target) == "__builtins__" or self.resolve(target) == "builtins":
                self.flag(node, "builtins-access")
            elif self.is_imported(target):
                self.flag(node, "module-patch")
            elif literal in LYING_DUNDERS:
                self.flag(node, "lying-object")
            elif literal in INTERNAL_ATTRIBUTES:
                self.flag(node, "function-internals")
        elif bare in {"getattr", "hasattr"} and len(node.args) >= 2:
            self.check_computed_attribute(node)
        elif bare == "vars" and node.args and not self.is_imported(node.args[0]) \
                and not isinstance(node.args[0], ast.Call):
            pass  # vars(self): the object's own attributes, as self.__dict__
        elif name in INTROSPECTION_CALLS or bare in INTROSPECTION_CALLS & BUILTIN_NAMES:
            self.flag(node, "introspection")
        elif name in KERNEL_EXIT_CALLS or (isinstance(node.func, ast.Attribute) and node.func.attr == "ask_exit"):
            self.flag(node, "process-control")
        elif name == "time.sleep" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(
                node.args[0].value, (int, float)) and node.args[0].value >= LONG_SLEEP_SECONDS:
            self.flag(node, "may-not-terminate")
        elif name in TRACE_CALLS or name.startswith("sys.monitoring."):
            self.flag(node, "trace-hook")
        elif name in PROCESS_CALLS or name.startswith(PROCESS_PREFIXES) or (
                name.startswith("subprocess.") or name.startswith("multiprocessing.")):
            self.flag(node, "process-control")
            if (name in FORK_CALLS or name.startswith(PROCESS_PREFIXES)) and self.loop_depth:
                self.flag(node, "fork-bomb")
        elif name in FILE_CALLS or bare == "open":
            self.flag(node, "file-access")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in FILE_METHODS:
            self.flag(node, "file-access")


def is_model_library(module: str) -> bool:
    """A module (or a name in it) of a library that computes convolutions, gradients or whole models."""
    prefixes = module_prefixes(module)
    if any(prefix in LIBRARY_CONVOLUTION_MODULES for prefix in prefixes):
        return True
    parts = module.split(".")
    return parts[0] == "sklearn" and len(parts) > 1 and parts[1] not in SKLEARN_ALLOWED


def constant_string(node: ast.AST, constants: dict[str, str] | None = None) -> str | None:
    """The value of a string built from literals only ("a" + "b", f"a{'b'}", "".join(["a", "b"]), a name bound once
    to such a string in the cell), else None."""
    constants = constants or {}
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = constant_string(node.left, constants), constant_string(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = [constant_string(value.value if isinstance(value, ast.FormattedValue) else value, constants)
                 for value in node.values]
        return None if any(part is None for part in parts) else "".join(parts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and len(node.args) == 1 and isinstance(node.args[0], (ast.List, ast.Tuple))):
        separator = constant_string(node.func.value, constants)
        parts = [constant_string(element, constants) for element in node.args[0].elts]
        return None if separator is None or any(part is None for part in parts) else separator.join(parts)
    return None


def string_constants(tree: ast.AST) -> dict[str, str]:
    """Names bound exactly once in the cell, to a string built from literals only (name = "f_" + "back")."""
    bound: dict[str, list] = {}
    stores: dict[str, int] = {}  # counted in the same walk: one walk per name made big cells quadratic
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.setdefault(node.id, [])
            stores[node.id] = stores.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
    constants = {}
    for name, values in bound.items():
        if stores.get(name) == 1 and len(values) == 1 and (value := constant_string(values[0])) is not None:
            constants[name] = value
    return constants


def recursive_forks(tree: ast.AST, aliases: dict[str, str]) -> list[int]:
    """Lines of functions that fork and call themselves: def bomb(): os.fork(); bomb()."""
    lines = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
        names = set()
        for call in calls:
            name = dotted_name(call.func) or ""
            head, _, rest = name.partition(".")
            names.add(aliases[head] + ("." + rest if rest else "") if head in aliases else name)
        forks = names & FORK_CALLS or {n for n in names if n.startswith(PROCESS_PREFIXES)}
        if forks and function.name in names:
            lines.append(function.lineno)
    return lines


def scan_cell(notebook_name: str, index: int, source: str, aliases: dict[str, str],
              given_names: dict[str, str | None], solution: bool,
              checked_builtins: frozenset[str] = frozenset(), released: str | None = None) -> list[Flag]:
    """Flags of one cell; for a released cell the student edited (`released`: its released source), only on the
    lines they wrote (the course's own data-loading code is not theirs to answer for)."""
    lines = source.splitlines()

    def text_of(line: int) -> str:
        return lines[line - 1].strip()[:200] if 1 <= line <= len(lines) else ""

    tree, reason = parse_cell(source)
    if tree is None:
        line = int(m.group(1)) if (m := re.match(r"line (\d+):", reason or "")) else 1
        return [Flag(notebook_name, index, line, "syntax-error", f"{reason} | {text_of(line)}"[:200])]
    try:
        found = CellScanner(aliases, given_names, solution, lines, 0, checked_builtins).scan(tree)
        found += [(line, "fork-bomb") for line in recursive_forks(tree, aliases)]
    except RecursionError:
        return [Flag(notebook_name, index, 1, "scan-error", text_of(1))]
    unique = sorted(set(found))
    theirs = [line for line in lines if line.strip() not in {old.strip() for old in (released or "").splitlines()}]
    if released is not None:
        unique = [(line, rule) for line, rule in unique if 1 <= line <= len(lines) and lines[line - 1] in theirs]
    return [Flag(notebook_name, index, line, rule, text_of(line)) for line, rule in unique]
