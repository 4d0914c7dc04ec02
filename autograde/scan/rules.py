"""The static scan's rule catalogue: each rule's explanation, and the names, modules and patterns it looks for.

A rule id (a key of RULES) is what a Flag records and what the grade report explains; the sets below are what
autograde/scan/cell_scanner.py matches on the syntax tree, with import aliases resolved.
"""

import builtins
import re

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
    "library-convolution": "uses a library that computes convolutions, gradients or whole models (torch, "
                           "tensorflow, jax, keras, scipy.signal/ndimage, sklearn estimators ...), in any cell and "
                           "any import form: the course asks for the student's own code",
    "numerical-gradient": "uses the given numerical gradient (numerical_gradient, check_layer_gradients) inside a "
                          "class: a layer's backward must compute its gradients itself",
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
    # found by the intake (autograde/grade/submission_check.py, rebuild.py), before the scan
    "not-a-regular-file": "the submission folder holds a link, fifo, device or hard link: never read or copied",
    "deleted-graded-cell": "deleted a locked cell (given code or a test); it is restored from the release",
    "changed-cell-type": "changed the type of a released cell (code/markdown); it is graded with the release's type",
    "moved-cell": "moved a released cell (given code, solution or test); it is graded in the release's order",
    "scan-error": "the scanner could not analyse this cell or notebook (nested too deeply?): read it yourself",
    "scan-budget": "the scan of this notebook ran out of its time or memory budget (megabytes of code?): read it "
                   "yourself",
}


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
    "torch", "torchvision", "tensorflow", "keras", "tf_keras", "jax", "jaxlib", "flax", "optax", "scipy.signal",
    "scipy.ndimage", "cupy", "cupyx", "paddle", "mxnet", "autograd", "chainer", "theano", "pytensor", "mlx",
    "xgboost", "lightgbm", "catboost", "skorch",
}
# sklearn's estimators are whole models; these parts of it only measure, split or encode, as DIC students do
SKLEARN_ALLOWED = {"metrics", "model_selection", "preprocessing", "utils", "datasets", "exceptions", "base",
                   "__version__"}
DYNAMIC_IMPORT_CALLS = {"__import__", "importlib.import_module", "importlib.__import__", "builtins.__import__"}
# the given gradient checks (solutions/gradcheck.py): for checking a layer from outside, never inside one
NUMERICAL_GRADIENT_NAMES = {"numerical_gradient", "check_layer_gradients"}
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
GRADER_STRING = re.compile(r"\.ipynb|gradebook|course_secret|hidden[ _-]?tests?|_HIDDEN_|[/\\]hidden\b|\bhidden[/\\]|"
                           r"[/\\](submitted|autograded)\b|\b(submitted|autograded)[/\\]|^(submitted|autograded)$",
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
