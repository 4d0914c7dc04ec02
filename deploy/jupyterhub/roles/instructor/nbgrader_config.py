# nbgrader config of an instructor's server: the course is the instructor's own checkout of the repository
# ($CNN1D_REPO, default ~/cnn1d-scratch), so the formgrader reads the same config, course folder (course/) and
# gradebook as the make targets run in a terminal there. The course folder must be inside the server's root (the
# home folder), or the formgrader refuses to work.
import os
from pathlib import Path

c = get_config()  # noqa: F821

REPO = Path(os.environ.get("CNN1D_REPO", "~/cnn1d-scratch")).expanduser()
COURSE_CONFIG = REPO / "autograde" / "nbgrader_config.py"
if COURSE_CONFIG.is_file():
    load_subconfig(str(COURSE_CONFIG))  # noqa: F821 - provided by traitlets' Python config loader
else:
    print(f"cnn1d: no course config {COURSE_CONFIG}: clone the course repository there, or set CNN1D_REPO")
