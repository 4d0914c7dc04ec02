"""Static scan of submissions: flags code that tries to game or break grading, for the instructor to review.

    python -m autograde.static_scan DIR_OR_NOTEBOOK... [--release DIR]

Why static: the probe/judge split (autograde/probe.py) already makes monkeypatching and lying objects score
nothing, but an attempt is worth knowing about, and some attacks (killing the kernel, touching the gradebook,
reading other files) aim at the grader rather than the score. Flags change no score; the grade report lists them.

Scanned: every code cell the student could have written: solution cells, cells they added, released unmarked cells
they changed. A locked cell (given code, tests) whose source differs from the release is flagged once as
"edited-locked-cell" (nbgrader restores it before running). Cells are matched to the release by nbgrader grade_id,
else by cell id. Sources go through IPython's TransformerManager (magics and `!shell` become Python calls), then
`ast`; rules are checks on the tree, with import aliases resolved (`import numpy as np`, `from numpy import testing`,
`t = np.testing`). `Flag.cell` is the cell's index in the submitted notebook (0-based), `Flag.line` is 1-based in
the cell.
"""

import argparse
import ast
import builtins
import difflib
import functools
import json
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from autograde.course import HIDDEN_TESTS_DIR, Course
from autograde.probe import KERNEL_HELPER, PROBE_MIME

RULES = {
    "unreadable-notebook": "the notebook could not be read as nbformat 4 JSON",
    "syntax-error": "the cell does not parse as Python (after IPython magics are translated)",
    "edited-locked-cell": "edited a locked cell (given code or a test); nbgrader restores it, the attempt is flagged",
    "shell-command": "runs a shell command or program (!cmd, %system, %%bash, %%script, %pip ...)",
    "risky-magic": "uses an IPython magic that runs, loads or writes files or changes the kernel (%run, %env ...)",
    "module-patch": "assigns to or deletes an attribute of an imported module or object (monkeypatching)",
    "builtins-access": "reads or changes __builtins__ (the builtins every check relies on)",
    "shadows-builtin": "defines a top-level name that hides a builtin the checks use (print, isinstance, exceptions)",
    "shadows-given": "redefines a name the given (locked) cells define, such as check_array",
    "forbidden-import": "imports a module that can reach the grader, files, processes, the network or the kernel",
    "library-convolution": "imports a deep-learning or signal library in a solution cell (their own code expected)",
    "dynamic-code": "runs code built at run time (eval, exec, compile, __import__)",
    "introspection": "reads frames or namespaces, or attributes by computed name (globals(), getattr(x, name) ...)",
    "trace-hook": "installs a trace, profile or audit hook (sys.settrace, sys.setprofile ...)",
    "sys-modules": "reads or changes sys.modules or the import machinery (can swap the modules the tests use)",
    "process-control": "exits, kills or forks the process, or starts programs (os._exit, os.kill, os.system ...)",
    "fork-bomb": "starts processes in a loop or recursively (fork bomb)",
    "file-access": "reads, writes, lists or deletes files (open, Path.read_text, np.load ...); the work needs none",
    "grader-path-string": "a string names grader files (.ipynb, gradebook, hidden tests, submitted, autograded)",
    "lying-object": "defines comparison/conversion hooks (__eq__, __array__, __float__ ...) that can fake results",
    "function-internals": "reads or replaces function or frame internals (__code__, __globals__, f_back ...)",
    "ipython-internals": "uses the IPython kernel object or its history (get_ipython(), In, Out, _ih)",
    "may-not-terminate": "a loop on a constant true condition with no break, return or raise, or a long sleep",
    "edited-metadata": "changed a cell's nbgrader metadata (points, grade, locked ...); nbgrader uses the release's",
    "forged-probe-output": "the submitted notebook carries hidden-test probe outputs (forged results)",
    "scan-error": "the scanner could not analyse this cell or notebook (nested too deeply?): read it yourself",
}


@dataclass(frozen=True)
class Flag:
    notebook: str  # notebook name without .ipynb, e.g. "01_simple_conv1d"
    cell: int  # index of the cell in the submitted notebook (0-based; -1: the whole notebook)
    line: int  # 1-based line in the cell (0: the whole cell)
    rule: str  # a key of RULES
    text: str  # the offending line of the cell, stripped

    @property
    def explanation(self) -> str:
        return RULES.get(self.rule, self.rule)

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell} line {self.line}: [{self.rule}] {self.explanation}: {self.text}"


# --- what the rules look for ------------------------------------------------------------------------------------

FORBIDDEN_MODULES = {
    "builtins", "__builtin__", "ctypes", "cffi", "gc", "inspect", "importlib", "imp", "pkgutil", "runpy", "zipimport",
    "subprocess", "socket", "ssl", "select", "selectors", "signal", "multiprocessing", "concurrent", "threading",
    "_thread", "asyncio", "pty", "tty", "termios", "fcntl", "resource", "mmap", "sqlite3", "shutil", "tempfile",
    "urllib", "urllib3", "requests", "httpx", "aiohttp", "http", "ftplib", "smtplib", "telnetlib", "webbrowser",
    "nbformat", "nbgrader", "nbclient", "nbconvert", "jupyter_client", "ipykernel", "IPython.core", "IPython.kernel",
    "IPython.terminal", "IPython.utils", "solutions", "autograde", "atexit", "faulthandler", "sys.monitoring",
    "code", "codeop", "pdb", "bdb", "trace", "tracemalloc", "linecache", "unittest.mock", "mock",
    "pickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib", "posix", "nt", "site",
}
LIBRARY_CONVOLUTION_MODULES = {
    "torch", "tensorflow", "keras", "tf_keras", "jax", "flax", "scipy.signal", "scipy.ndimage", "cupy", "cupyx",
    "paddle", "mxnet", "sklearn.neural_network",
}
BUILTIN_NAMES = ({name for name in dir(builtins) if not name.startswith("_")} | {"__import__", "__build_class__",
                                                                                 "display", "get_ipython"})
BUILTIN_EXCEPTIONS = {name for name in dir(builtins) if isinstance(getattr(builtins, name), type)
                      and issubclass(getattr(builtins, name), BaseException)}
# builtins any check leans on; plus, per notebook, every builtin its given cells, tests and hidden tests use
CORE_CHECK_BUILTINS = BUILTIN_EXCEPTIONS | {
    "print", "isinstance", "issubclass", "len", "type", "str", "repr", "float", "int", "bool", "abs", "all", "any",
    "getattr", "hasattr", "setattr", "dict", "list", "tuple", "range", "zip", "enumerate", "super", "object",
    "callable", "display", "get_ipython", "__import__", "__build_class__", "open", "eval", "exec", "globals"}
DYNAMIC_CODE_CALLS = {"eval", "exec", "compile", "__import__"}
INTROSPECTION_CALLS = {
    "globals", "locals", "vars", "breakpoint", "sys._getframe", "sys._current_frames", "sys.exc_info",
    "sys.exception", "traceback.extract_stack", "traceback.walk_stack", "traceback.walk_tb", "traceback.print_stack",
    "traceback.format_stack", "traceback.StackSummary.extract", "sys._current_exceptions",
}
TRACE_CALLS = {"sys.settrace", "sys.setprofile", "threading.settrace", "threading.setprofile", "sys.addaudithook",
               "sys.call_tracing", "sys.setswitchinterval", "sys.remote_exec"}
SYS_MODULES_NAMES = {"sys.modules", "sys.meta_path", "sys.path_hooks", "sys.path_importer_cache",
                     "sys.displayhook", "sys.excepthook", "sys.__displayhook__", "sys.__excepthook__"}
FORK_CALLS = {"os.fork", "os.forkpty", "os.system", "os.popen", "os.posix_spawn", "os.posix_spawnp",
              "multiprocessing.Process", "subprocess.Popen", "subprocess.run", "subprocess.call",
              "subprocess.check_call", "subprocess.check_output", "pty.fork", "pty.spawn"}
PROCESS_CALLS = FORK_CALLS | {"os._exit", "os.abort", "os.kill", "os.killpg", "os.setsid", "os.setpgrp", "os.nice",
                              "os.startfile", "os.pidfd_open", "os.register_at_fork", "os.chdir", "os.putenv",
                              "os.unsetenv", "os.setuid", "os.setgid"}
PROCESS_PREFIXES = ("os.exec", "os.spawn")
KERNEL_EXIT_CALLS = {"exit", "quit"}  # in ipykernel these shut the kernel down (sys.exit only raises SystemExit)
LONG_SLEEP_SECONDS = 60
FILE_CALLS = {
    "open", "io.open", "io.open_code", "io.FileIO", "os.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open",
    "tarfile.open", "zipfile.ZipFile", "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.rename",
    "os.renames", "os.replace", "os.listdir", "os.scandir", "os.walk", "os.fwalk", "os.makedirs", "os.mkdir",
    "os.chmod", "os.chown", "os.truncate", "os.link", "os.symlink", "os.utime", "os.stat", "os.lstat", "os.access",
    "os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.getsize", "os.path.getmtime", "os.path.lexists",
    "glob.glob", "glob.iglob", "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.savetxt",
    "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.memmap", "numpy.lib.format.open_memmap",
    "numpy.DataSource", "pandas.read_csv", "pandas.read_pickle", "json.load", "json.dump",
}
# method names that only file-like objects have (Path, file handles, arrays written to disk)
FILE_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "unlink", "rmdir", "touch", "iterdir",
                "rglob", "glob", "symlink_to", "hardlink_to", "tofile", "is_file", "is_dir", "mkdir", "open",
                "read_csv", "read_pickle", "to_pickle", "to_csv", "samefile", "chmod", "lchmod"}
LYING_DUNDERS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__array__", "__array_ufunc__",
                 "__array_function__", "__array_interface__", "__array_struct__", "__array_priority__",
                 "__array_wrap__", "__array_finalize__", "__float__", "__int__", "__index__", "__bool__",
                 "__complex__", "__instancecheck__", "__subclasscheck__", "__getattr__", "__getattribute__",
                 "__class__"}
INTERNAL_ATTRIBUTES = {"__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__", "__subclasses__",
                       "__builtins__", "__bases__", "f_back", "f_globals", "f_locals", "f_builtins", "f_code",
                       "f_trace", "tb_frame", "gi_frame", "cr_frame", "ag_frame", "gi_code", "co_code"}
IPYTHON_HISTORY_NAMES = {"_ih", "_oh", "In", "Out", "_i", "_ii", "_iii", "_dh", "_sh", "__IPYTHON__"}
IPYTHON_HISTORY_PATTERN = re.compile(r"^_i?\d+$")
GRADER_STRING = re.compile(r"\.ipynb|gradebook|hidden[ _-]?tests?|[/\\]hidden\b|\bhidden[/\\]|submitted|autograded",
                           re.IGNORECASE)

# IPython magics: these only time, profile or describe code (their code argument is scanned); the rest is flagged
CODE_MAGICS = {"time", "timeit", "prun", "capture"}
HARMLESS_MAGICS = CODE_MAGICS | {"matplotlib", "pinfo", "pinfo2", "psearch", "pdef", "pdoc", "who", "whos", "who_ls",
                                 "pprint", "precision", "lsmagic", "magic", "xmode", "page", "quickref", "pwd"}
SHELL_MAGICS = {"system", "sx", "sc", "bash", "sh", "script", "perl", "ruby", "python", "python2", "python3", "pypy",
                "ls", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "ldir", "lf", "lk", "ll", "lx", "clear", "man",
                "pip", "conda", "mamba", "micromamba", "uv", "killbgscripts", "!"}
IPYTHON_CALLS = {"system": "shell", "getoutput": "shell", "run_line_magic": "line", "run_cell_magic": "cell",
                 "magic": "line"}
FORK_BOMB_SHELL = re.compile(r":\s*\|\s*:|\|\s*:\s*&|\bfork\b")


# --- helpers on the tree ---------------------------------------------------------------------------------------

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


@functools.lru_cache(maxsize=4096)  # the given cells are the same in every submission: parse them once
def parse_cell(source: str) -> tuple[ast.Module | None, str | None]:
    """(tree, None), or (None, reason) when the cell is not Python even after the IPython translation.

    Plain Python is parsed as it is (IPython leaves valid Python unchanged, and the tokenizing costs time); the
    trees are shared between callers, so nothing may change them."""
    try:
        return ast.parse(source), None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    try:
        return ast.parse(transform(source)), None
    except SyntaxError as error:
        return None, f"line {error.lineno}: {error.msg}"
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


# --- the scanner ----------------------------------------------------------------------------------------------

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
        self.loop_depth = 0
        self.docstrings: set[int] = set()

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
        for statement in node.body:
            self.visit(statement)
        self.scope_depth -= 1

    def visit_While(self, node):
        if isinstance(node.test, ast.Constant) and node.test.value and not self.loop_exits(node):
            self.flag(node, "may-not-terminate")
        self.visit(node.test)
        self.loop_depth += 1
        for statement in node.body:
            self.visit(statement)
        self.loop_depth -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_For(self, node):
        for name in bound_names(node.target):
            self.check_top_level_binding(name, name.id)
        self.visit(node.iter)
        self.loop_depth += 1
        for statement in node.body:
            self.visit(statement)
        self.loop_depth -= 1
        for statement in node.orelse:
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
        elif self.solution and any(prefix in LIBRARY_CONVOLUTION_MODULES for prefix in prefixes):
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
        inner.scope_depth = self.scope_depth
        self.found.extend(inner.scan(tree))

    def check_call(self, node: ast.Call) -> None:
        name = self.resolve(node.func) or ""
        bare = name.removeprefix("builtins.")
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
        elif bare == "getattr" and len(node.args) >= 2:
            attribute = node.args[1]
            if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
                self.flag(node, "introspection")
            elif attribute.value in INTERNAL_ATTRIBUTES:
                self.flag(node, "function-internals")
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


# --- notebooks ---------------------------------------------------------------------------------------------------

def normalized(source: str) -> str:
    """Cell source without trailing spaces and blank lines: what a re-save may change."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def first_changed_line(released: str, submitted: str) -> tuple[int, str]:
    """(1-based line in the submitted cell, its text) of the first difference."""
    old, new = released.splitlines(), submitted.splitlines()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            if j1 < j2:
                return j1 + 1, new[j1].strip()
            return max(j1, 1), "(lines deleted)"
    return 1, new[0].strip() if new else "(cell emptied)"


def cell_key(cell) -> tuple[str | None, str | None]:
    return cell.metadata.get("nbgrader", {}).get("grade_id"), cell.get("id")


def is_locked(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("locked") or meta.get("grade")) and not meta.get("solution")


def given_definitions(cells) -> dict[str, str | None]:
    """Top-level names the locked non-test cells define -> the module an import binds them to (None otherwise)."""
    names: dict[str, str | None] = {}
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade"):
            continue
        tree, _ = parse_cell(cell.source)
        for node in tree.body if tree else []:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[node.name] = None
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(
                        ".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update({name.id: None for name in bound_names(target)})
    return names


GRADING_METADATA = ("grade_id", "grade", "solution", "locked", "points", "task")


def grading_metadata(cell) -> dict:
    meta = cell.metadata.get("nbgrader", {})
    return {key: meta.get(key) for key in GRADING_METADATA if meta.get(key) not in (None, False)}


def metadata_change(original, cell) -> str | None:
    """'points 1 -> 100' when the nbgrader fields that decide grading differ from the release, else None."""
    old, new = grading_metadata(original) if original is not None else {}, grading_metadata(cell)
    if old == new or (original is None and not {"grade", "points", "locked", "grade_id"} & set(new)):
        return None
    changed = [f"{key} {old.get(key)} -> {new.get(key)}" for key in GRADING_METADATA if old.get(key) != new.get(key)]
    return "nbgrader metadata: " + ", ".join(changed)


def forged_outputs(notebook) -> list[int]:
    """Cells whose saved outputs carry the probe's MIME type: only the grader's run may produce those."""
    return [index for index, cell in enumerate(notebook.cells)
            if any(PROBE_MIME in output.get("data", {}) for output in cell.get("outputs", []))]


def cells_to_scan(notebook, released) -> tuple[list[tuple[int, object, bool]], list[Flag]]:
    """([(index, cell, is_solution)] of student-written cells, [flags on locked cells, metadata and outputs])."""
    by_grade_id, by_cell_id = {}, {}
    for cell in released.cells if released is not None else []:
        grade_id, cell_id = cell_key(cell)
        if grade_id:
            by_grade_id[grade_id] = cell
        if cell_id:
            by_cell_id[cell_id] = cell
    scan = []
    edited = [Flag("", index, 0, "forged-probe-output", f"a {PROBE_MIME} output") for index in forged_outputs(notebook)]
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        grade_id, cell_id = cell_key(cell)
        original = by_grade_id.get(grade_id) if grade_id else None
        if original is None and cell_id:
            original = by_cell_id.get(cell_id)
        if released is not None and (change := metadata_change(original, cell)):
            edited.append(Flag("", index, 0, "edited-metadata", change))
        if released is None:
            if not is_locked(cell):
                scan.append((index, cell, bool(cell.metadata.get("nbgrader", {}).get("solution"))))
            continue
        if original is None or original.cell_type != "code":
            scan.append((index, cell, False))  # a cell the student added
            continue
        if is_locked(original):
            if normalized(original.source) != normalized(cell.source):
                line, text = first_changed_line(original.source, cell.source)
                edited.append(Flag("", index, line, "edited-locked-cell", text[:200]))
        elif original.metadata.get("nbgrader", {}).get("solution"):
            scan.append((index, cell, True))
        elif normalized(original.source) != normalized(cell.source):
            scan.append((index, cell, False))  # a released demo cell the student changed
    return scan, edited


def builtins_used_by_checks(notebook_name: str, released_cells) -> frozenset[str]:
    """The builtins the grading of this notebook calls: a student's top-level name hiding one of them is flagged."""
    sources = [cell.source for cell in released_cells if cell.cell_type == "code" and is_locked(cell)]
    hidden = HIDDEN_TESTS_DIR / f"{notebook_name}.py"
    if hidden.is_file():
        sources.append(hidden.read_text(encoding="utf-8"))
    sources.append(KERNEL_HELPER)
    used = set(CORE_CHECK_BUILTINS)
    for source in sources:
        tree, _ = parse_cell(source)
        used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in BUILTIN_NAMES} \
            if tree else set()
    return frozenset(used)


def scan_cell(notebook_name: str, index: int, source: str, aliases: dict[str, str],
              given_names: dict[str, str | None], solution: bool,
              checked_builtins: frozenset[str] = frozenset()) -> list[Flag]:
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
    return [Flag(notebook_name, index, line, rule, text_of(line)) for line, rule in unique]


def scan_notebook(path: Path, released_path: Path | None = None) -> list[Flag]:
    """Flags for one submitted notebook, compared with its released version when given."""
    path = Path(path)
    if released_path is not None and not Path(released_path).is_file():
        raise FileNotFoundError(f"static scan: released notebook {released_path} does not exist")
    released = nbformat.read(released_path, as_version=4) if released_path is not None else None
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable submission is the same verdict
        return [Flag(path.stem, -1, 0, "unreadable-notebook", f"{type(error).__name__}: {error}"[:200])]
    scan, edited = cells_to_scan(notebook, released)
    flags = [Flag(path.stem, f.cell, f.line, f.rule, f.text) for f in edited]
    trees = [tree for cell in notebook.cells if cell.cell_type == "code" for tree in [parse_cell(cell.source)[0]]
             if tree is not None]
    aliases = collect_aliases(trees)
    given_cells = released.cells if released is not None else [c for c in notebook.cells if is_locked(c)]
    given_names = given_definitions(given_cells)
    checked_builtins = builtins_used_by_checks(path.stem, given_cells)
    for index, cell, solution in scan:
        flags += scan_cell(path.stem, index, cell.source, aliases, given_names, solution, checked_builtins)
    return sorted(flags, key=lambda f: (f.cell, f.line, f.rule))


def scan_submission(folder: Path, release_dir: Path) -> list[Flag]:
    """Flags for every notebook of submitted/<student>/cnn1d, each compared with release_dir's notebook."""
    flags = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        released = Path(release_dir) / path.name
        try:
            flags += scan_notebook(path, released if released.is_file() else None)
        except Exception as error:  # noqa: BLE001 - one odd notebook must not stop the grading of the class
            flags.append(Flag(path.stem, -1, 0, "scan-error", f"{type(error).__name__}: {error}"[:200]))
    return flags


# --- storage -----------------------------------------------------------------------------------------------------

def flags_dir(course: Course) -> Path:
    return course.root / "flags"


def write_flags(course: Course, student: str, flags: list[Flag]) -> Path:
    """Replace the student's flags file (atomically: a reader never sees half a file)."""
    if not student or "/" in student or student.startswith("."):
        raise ValueError(f"static scan: {student!r} is not a student id")
    folder = flags_dir(course)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{student}.json"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{student}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump([asdict(flag) for flag in flags], file, ensure_ascii=False, indent=1)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_flags(course: Course) -> dict[str, list[Flag]]:
    """student -> their flags, from every flags/<student>.json (students without a file are absent)."""
    found = {}
    for path in sorted(flags_dir(course).glob("*.json")):
        try:
            found[path.stem] = [Flag(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
        except (ValueError, TypeError) as error:
            raise ValueError(f"static scan: {path} is not a flags file: {error}") from None
    return found


# --- command line ------------------------------------------------------------------------------------------------

def notebooks_in(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"static scan: {path} is neither a notebook nor a folder")
    direct = sorted(path.glob("*.ipynb"))
    return direct or sorted(path.glob("*/*/*.ipynb")) or sorted(path.glob("*/*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path,
                        help="notebooks, submission folders (submitted/<student>/cnn1d) or submitted/ itself")
    parser.add_argument("--release", type=Path, default=Course().release_dir,
                        help="the released notebooks to compare with (default autograde/release/cnn1d)")
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
