"""The course secret: 32 random bytes made at the first release, kept beside the gradebook (course/course_secret.key,
mode 0600), never in the release, never in a kernel (the sandbox covers the course folder with an empty tmpfs).

Every grading run draws its hidden cases from it (autograde/grade/run_seed.py): without the secret nobody can
compute another run's cases, so values copied from one student's feedback, or from an earlier run, are worthless.
A re-release keeps it; deleting it only changes which cases future runs draw.
"""

import os
import secrets
from pathlib import Path

SECRET_FILE = "course_secret.key"
SECRET_BYTES = 32


class MissingSecret(RuntimeError):
    pass


def secret_path(course_root: Path) -> Path:
    return Path(course_root) / SECRET_FILE


def ensure_secret(course_root: Path) -> Path:
    """Make the course secret unless it exists (at release); its path."""
    path = secret_path(course_root)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(SECRET_BYTES) + "\n")
    os.chmod(path, 0o600)
    return path


def read_secret(course_root: Path) -> bytes:
    """The course secret, or MissingSecret saying what to do."""
    path = secret_path(course_root)
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except (OSError, ValueError) as error:
        raise MissingSecret(f"no usable course secret at {path} ({type(error).__name__}): run `make release`, which "
                            "makes it") from None
    if len(secret) < 16:
        raise MissingSecret(f"the course secret {path} is too short ({len(secret)} bytes): delete it and run "
                            "`make release`")
    return secret
