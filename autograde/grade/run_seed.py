"""The seed of one grading run of one notebook: hidden cases nobody can know before the grader draws them.

    seed       = HMAC-SHA256(course secret, "cases", student, notebook, run nonce)   -> 63-bit int
    judge_seed = HMAC-SHA256(course secret, "grader-only", seed)                    -> 63-bit int

The nonce is 16 fresh random bytes per nbgrader call, so every run (a regrade too) draws new cases: answers copied
from anyone's feedback, or from one's own earlier run, match nothing. The seed is written into the hidden region the
kernel runs (it is not secret: knowing it gives the inputs, which the kernel receives anyway, not the answers) and is
kept in the autograded notebook, so the grader can regenerate any case afterwards (e.g. to run a mistake's code on
it). judge_seed is for data the kernel must never be able to derive, such as problem 8's test images and their
labels: it needs the secret, which exists only in the grader.
"""

import hashlib
import hmac
import os


def _digest(secret: bytes, *parts: str) -> int:
    message = "\0".join(parts).encode("utf-8")
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:8], "big") >> 1


def new_nonce() -> str:
    return os.urandom(16).hex()


def run_seed(secret: bytes, student: str, notebook: str, nonce: str) -> int:
    return _digest(secret, "cases", str(student), str(notebook), str(nonce))


def judge_seed(secret: bytes, seed: int) -> int:
    return _digest(secret, "grader-only", str(seed))
