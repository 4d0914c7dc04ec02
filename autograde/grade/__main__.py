"""`python -m autograde.grade`: autograde the class (autograde/grade/cli.py)."""

import sys

from autograde.grade.cli import main

sys.exit(main())
