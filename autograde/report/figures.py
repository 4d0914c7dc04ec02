"""The class report's figures (autograde/report/class_report.py): matplotlib, no pyplot (no display, no global
state), each returned as PNG bytes to embed in the page. They show the numbers; the instructor draws the conclusion.
"""

import io

import numpy as np
from matplotlib.figure import Figure

WIDTH = 9.0  # inches; the page shows figures at their natural width (900 px at DPI)
DPI = 100
BAR_HEIGHT = 0.28  # inches per bar of a horizontal bar chart
LOST, NOTE, OTHER = "#c0392b", "#e6a23c", "#9aa5b1"


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _empty(title: str, text: str) -> bytes:
    figure = Figure(figsize=(WIDTH, 1.2))
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_title(title, loc="left")
    axes.text(0.0, 0.4, text, fontsize=11, color="#555555")
    return png(figure)


def _bars(height_items: int) -> tuple[Figure, object]:
    figure = Figure(figsize=(WIDTH, max(1.6, 0.9 + BAR_HEIGHT * height_items)))
    return figure, figure.subplots()


def score_distribution(scores: dict[str, list[float]], max_scores: dict[str, float]) -> bytes:
    """One box per notebook of the students' scores as a share of its points, every student a dot."""
    title = "Score per notebook (% of its points; one dot per student)"
    if not scores:
        return _empty(title, "no graded submissions")
    notebooks = list(scores)
    figure = Figure(figsize=(WIDTH, 3.6))
    axes = figure.subplots()
    shares = [100 * np.asarray(scores[name], dtype=float) / (max_scores[name] or 1) for name in notebooks]
    axes.boxplot(shares, positions=range(len(notebooks)), widths=0.5, showfliers=False,
                 medianprops={"color": "black"})
    rng = np.random.default_rng(0)  # the dots' jitter only: same picture every time
    for position, values in enumerate(shares):
        axes.scatter(position + rng.uniform(-0.15, 0.15, len(values)), values, s=14, alpha=0.6, color="#2c7fb8",
                     zorder=3)
    axes.set_xticks(range(len(notebooks)), [f"P{int(name[:2])}\n{name[3:]}" for name in notebooks], fontsize=8)
    axes.set_ylim(-5, 105)
    axes.set_ylabel("% of the notebook's points")
    axes.set_title(title, loc="left")
    axes.grid(axis="y", alpha=0.3)
    return png(figure)


def pass_rates(rows: list[dict]) -> bytes:
    """Horizontal bars: each grade cell's pass rate, worst first (at the top)."""
    title = "Pass rate of every grade cell (property), worst first"
    if not rows:
        return _empty(title, "no grade cells")
    figure, axes = _bars(len(rows))
    labels = [f"P{int(row['notebook'][:2])} {row['grade_id']}" for row in rows]
    rates = [100 * float(row["pass_rate"]) for row in rows]
    positions = np.arange(len(rows))[::-1]
    axes.barh(positions, rates, color=[LOST if rate < 50 else "#2c7fb8" for rate in rates])
    for position, rate, row in zip(positions, rates, rows, strict=True):
        axes.text(min(rate, 100) + 1, position, f"{rate:.0f}% ({row['passed']}/{row['students']})", va="center",
                  fontsize=7)
    axes.set_yticks(positions, labels, fontsize=7)
    axes.set_xlim(0, 118)
    axes.set_xlabel("% of the students who passed it")
    axes.set_title(title, loc="left")
    return png(figure)


def _counts(title: str, labels: list[str], counts: list[int], colors, xlabel: str, label_size: int) -> bytes:
    """Horizontal bars of counts, the first at the top, each with its number."""
    figure, axes = _bars(len(counts))
    positions = np.arange(len(counts))[::-1]
    axes.barh(positions, counts, color=colors)
    for position, count in zip(positions, counts, strict=True):
        axes.text(count, position, f" {count}", va="center", fontsize=8)
    axes.set_yticks(positions, labels, fontsize=label_size)
    axes.set_xlim(0, max(counts) * 1.15 + 0.5)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel(xlabel)
    axes.set_title(title, loc="left")
    return png(figure)


def named_mistakes(rows: list[dict]) -> bytes:
    """Horizontal bars: how many students each named mistake was found in (a lost point, or a note only)."""
    title = "Named mistakes: students in whom each known mistake was named"
    if not rows:
        return _empty(title, "no mistake named in this class")
    return _counts(title, [f"P{int(row['notebook'][:2])} {row['mistake'][:70]}" for row in rows],
                   [int(row["students"]) for row in rows],
                   [LOST if row["lost_points"] == "yes" else NOTE for row in rows],
                   "students (red: cost points; orange: a note, no points lost)", 7)


def flags_per_rule(rows: list[dict]) -> bytes:
    """Horizontal bars: flagged submissions (student x notebook) per static-scan rule."""
    title = "Flagged submissions per static-scan rule (scores unchanged: for review)"
    if not rows:
        return _empty(title, "no submission flagged")
    per_rule: dict[str, set] = {}
    for row in rows:
        per_rule.setdefault(row["rule"], set()).add((row["student"], row["notebook"]))
    rules = sorted(per_rule, key=lambda rule: (-len(per_rule[rule]), rule))
    return _counts(title, rules, [len(per_rule[rule]) for rule in rules], OTHER,
                   "flagged submissions (student x notebook)", 8)


def grading_times(rows: list[dict], notebooks: list[str]) -> bytes:
    """Horizontal bars per student, slowest first: the notebooks' run in the sandbox, judging with the diagnosis,
    and the rest of the nbgrader call."""
    title = "Grading time per student (the last grading run)"
    rows = [row for row in rows if row["seconds"] != ""]
    if not rows:
        return _empty(title, "no grading time recorded (logs/grading-times.csv)")
    figure, axes = _bars(len(rows))
    positions = np.arange(len(rows))[::-1]
    executed = np.array([float(row["executed_seconds"] or 0) for row in rows])
    judged = np.array([float(row["judged_seconds"] or 0) for row in rows])
    total = np.array([float(row["seconds"]) for row in rows])
    rest = np.maximum(total - executed - judged, 0)
    axes.barh(positions, executed, color="#2c7fb8", label="notebooks run in the sandbox")
    axes.barh(positions, judged, left=executed, color=NOTE, label="judging + naming mistakes")
    axes.barh(positions, rest, left=executed + judged, color=OTHER, label="nbgrader's own steps")
    for position, seconds in zip(positions, total, strict=True):
        axes.text(seconds, position, f" {seconds:.0f} s", va="center", fontsize=7)
    axes.set_yticks(positions, [row["student"][:30] for row in rows], fontsize=7)
    axes.set_xlim(0, max(total) * 1.15 + 1)
    axes.set_xlabel(f"seconds (one nbgrader call per student, {len(notebooks)} notebooks)")
    axes.legend(loc="lower right", fontsize=7)
    axes.set_title(title, loc="left")
    return png(figure)
