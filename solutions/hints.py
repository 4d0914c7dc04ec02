"""Hints for the errors met most often, and the line of your own code where an error happened.

hint_for(names, message)  ->  (english, japanese) or None
error_location(error)     ->  "In [7], line 12: `return X @ self.W`" or ""
describe_error(error)     ->  one line: "IndexError: tuple index out of range (In [7], line 12: `...`)"
"""

# (exception class names, pattern in the message, hint in English, hint in Japanese); the first match wins
HINTS = (
    (("NotImplementedError",), r"",
     "A function still has the stub: replace `# YOUR CODE HERE` and `raise NotImplementedError()` with your code, "
     "then run that cell again.",
     "まだ雛形のままの関数があります。`# YOUR CODE HERE` と `raise NotImplementedError()` を自分のコードに置き換え、"
     "そのセルを実行し直してください。"),
    (("TypeError",), r"Cannot cast ufunc '\w+' output from dtype\('float\d*'\) to dtype\('u?int\d*'\)",
     "W or B is an integer array, and the optimizer updates it in place (W -= lr * dW): store W and B as float "
     "arrays, e.g. self.W = as_float_array('W', W).",
     "W か B が整数の配列です。optimizer はその場で更新する（W -= lr * dW）ので、"
     "self.W = as_float_array('W', W) のように float の配列として保存してください。"),
    (("ValueError",), r"non-broadcastable output operand",
     "An in-place update (W -= lr * dW) needs dW with the shape of W and dB with the shape of B.",
     "その場での更新（W -= lr * dW）には、dW が W と、dB が B と同じ形状である必要があります。"),
    (("ValueError",), r"could not be broadcast together|mismatch in its core dimension|shapes .* not aligned",
     "Two arrays of incompatible shapes met: print their .shape and compare them with the shapes in the docstring.",
     "形状の合わない配列どうしを計算しています。.shape を表示して、docstring の形状と比べてください。"),
    (("IndexError",), r"tuple index out of range",
     "An array has fewer axes than your code expects (e.g. X.shape[2] of a 2-D X): check .ndim and the shapes in "
     "the docstring.",
     "配列の次元がコードの想定より少ないです（例：2次元の X に X.shape[2]）。"
     ".ndim と docstring の形状を確かめてください。"),
    (("AttributeError",), r"has no attribute '(dW|dB|X|W|B)'",
     "Keep what the layer needs on self: W and B in __init__, the input X in forward, dW and dB in backward.",
     "必要な値を self に保存してください：W, B は __init__、入力 X は forward、dW, dB は backward で。"),
    (("TypeError", "AttributeError"), r"NoneType",
     "A function returned None: did you forget `return`?",
     "関数が None を返しました。`return` を忘れていませんか？"),
    (("NameError",), r"is not defined",
     "Run the cells above first (Run > Run All Cells), and check the spelling of the name.",
     "上のセルを先に実行してください（Run > Run All Cells）。名前のつづりも確かめてください。"),
)


def hint_for(names, message):
    """The (english, japanese) hint for an exception of class `names` (the class and its bases) with `message`."""
    import re

    names = {names} if isinstance(names, str) else set(names)
    for kinds, pattern, english, japanese in HINTS:
        if names & set(kinds) and re.search(pattern, str(message)):
            return english, japanese
    return None


def exception_names(error):
    """The names of an exception's class and its bases, e.g. ('IndexError', 'LookupError', 'Exception', ...)."""
    return tuple(cls.__name__ for cls in type(error).__mro__)


def _cell_label(filename):
    """'In [7]' for the file of a notebook cell run in this kernel, else None."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        found = shell.compile.format_code_name(filename) if shell is not None else None
    except Exception:  # outside a kernel every file is a plain file
        found = None
    return found[1].replace("In[", "In [") if found else None


def error_location(error):
    """Where `error` was raised in your own cells: the innermost line that is not in a given or check cell."""
    import linecache

    found = ""
    traceback = error.__traceback__
    while traceback is not None:
        code = traceback.tb_frame.f_code
        label = _cell_label(code.co_filename)
        first_line = linecache.getline(code.co_filename, 1)
        if label and not first_line.startswith(("# GIVEN", "# Check ")):
            text = linecache.getline(code.co_filename, traceback.tb_lineno).strip()
            function = "" if code.co_name == "<module>" else f", in {code.co_name}"
            found = f"{label}, line {traceback.tb_lineno}{function}: `{text[:120]}`"
        traceback = traceback.tb_next
    return found


def describe_error(error):
    """One line for an exception: its class, its message's first line and where in your code it happened."""
    lines = str(error).strip().split("\n")
    text = type(error).__name__ + (f": {lines[0][:200]}" if lines[0] else "") + (" ..." if len(lines) > 1 else "")
    location = error_location(error)
    return text + (f" ({location})" if location else "")
