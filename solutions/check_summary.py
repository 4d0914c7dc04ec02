"""check_all(): every check cell of this notebook run again on your current code, one line each.

Each check cell starts with `# Check test_name (k points): what it checks`. When such a cell runs, its code
(without anything added at grading time) is remembered; check_all() runs each remembered check again and prints a
table of check -> ok / what differed. Running this cell also makes errors show a hint when a common cause is known.
"""

from solutions.checks import CheckFailed
from solutions.hints import describe_error, exception_names, hint_for


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _parse_check_cell(source):
    """(name, points, code) of a check cell, or None for any other cell; code stops where grading adds tests."""
    import re

    header = re.match(r"# Check (test_\w+) \((\d+) points?\)", source)
    if header is None:
        return None
    grading_part = "### BEGIN " + "HIDDEN TESTS"  # written in two pieces: nbgrader looks for the whole phrase
    return header[1], int(header[2]), source.split(grading_part)[0]


def _outcome(error):
    """'ok', or the lines saying what went wrong (English first)."""
    if error is None:
        return ["ok"]
    if isinstance(error, CheckFailed):
        return [line.strip() for line in str(error).split("\n") if not line.startswith(("got /", "expected /"))]
    lines = [describe_error(error)]
    hint = hint_for(exception_names(error), error)
    return lines + (list(hint) if hint else [])


def _remember(result):
    """After every cell: a check cell's code and outcome are kept for check_all()."""
    try:
        found = _parse_check_cell(result.info.raw_cell or "")
        if found is not None:
            name, points, code = found
            error = result.error_in_exec or result.error_before_exec
            _shell()._cnn1d_checks[name] = (points, code, _outcome(error))
    except Exception:  # the summary is a help: it must never add an error to the cell that just ran
        pass


def _show_with_hint(shell, kind, error, traceback, tb_offset=None):
    """IPython's usual error display, plus a hint when the error is a common one."""
    if hasattr(error, "_render_traceback_"):
        lines = error._render_traceback_()
    elif isinstance(error, NotImplementedError):  # a stub left: its line is all there is to say
        lines = [f"\x1b[31m{describe_error(error)}\x1b[39m"]
    else:
        lines = shell.InteractiveTB.structured_traceback(kind, error, traceback, tb_offset=tb_offset)
    hint = hint_for(exception_names(error), error)
    if hint:
        lines = [*lines, f"\nHint / ヒント: {hint[0]}\n{hint[1]}"]
    shell._showtraceback(kind, error, lines)
    return lines


def _install():
    """Remember check cells (check_all) and add hints to error messages; once per kernel."""
    shell = _shell()
    if shell is None or not hasattr(shell, "events"):
        return
    if not hasattr(shell, "_cnn1d_checks"):
        shell._cnn1d_checks = {}
    for callback in list(shell.events.callbacks["post_run_cell"]):
        if getattr(callback, "__name__", "") == "_remember":
            shell.events.unregister("post_run_cell", callback)
    shell.events.register("post_run_cell", _remember)
    shell.set_custom_exc((Exception,), _show_with_hint)


def check_all():
    """Run every check cell that has run in this kernel again, and print check -> ok / what differed."""
    import contextlib
    import io

    shell = _shell()
    checks = getattr(shell, "_cnn1d_checks", {})
    if not checks:
        print("No check cell has run yet: run the whole notebook first (Run > Run All Cells).\n"
              "まだ確認セルが実行されていません。先にノートブック全体を実行してください（Run > Run All Cells）。")
        return
    rows, earned, total = [], 0, 0
    for name, (points, code, _) in list(checks.items()):
        error = None
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(code, f"<check {name}>", "exec"), shell.user_ns)
        except Exception as failure:  # a failing check is a row of the table, not the end of the summary
            error = failure
        outcome = _outcome(error)
        checks[name] = (points, code, outcome)
        earned += points if error is None else 0
        total += points
        rows.append((name, points, outcome))
    import textwrap

    width = max(len(name) for name, _, _ in rows) + 2
    print(f"{'check'.ljust(width)}points  result")
    for name, points, outcome in rows:
        lines = [part for line in outcome for part in textwrap.wrap(line, 90) or [""]]
        print(f"{name.ljust(width)}{points:>6}  {lines[0]}")
        for line in lines[1:]:
            print(" " * (width + 8) + line)
    failed = sum(outcome != ["ok"] for _, _, outcome in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} checks ok: {earned} of {total} points, if the hidden tests added "
          f"at grading pass too.\n確認 {len(rows)} 件中 {len(rows) - failed} 件が ok（{total} 点中 {earned} 点。"
          "採点時に加わる隠しテストにも通った場合）。")


_install()
