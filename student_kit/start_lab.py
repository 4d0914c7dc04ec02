"""Open this course folder in JupyterLab, set up as the course expects.

    python start_lab.py                  (with the environment of requirements.txt active)
    python start_lab.py --no-browser --port 8890     (any option of `jupyter lab`)

It adds lab-config/ to Jupyter's configuration: the Validate button runs each cell with the grader's time limit,
and nbgrader's instructor tools (formgrader, course list, create assignment) stay out of the menus. Your notebooks
and files are never changed by it.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(HERE / "lab-config"), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])])
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={HERE}", *sys.argv[1:]]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in command:
        command.append("--allow-root")  # a container or a lab machine logged in as root
    os.chdir(HERE)
    if os.name == "posix":
        os.execve(sys.executable, command, env)  # JupyterLab takes this process's place (Ctrl-C, kill reach it)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
