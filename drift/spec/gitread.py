"""Read spec files from a git revision without checking it out."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from drift.errors import UsageError
from drift.spec.load import SPEC_SUFFIXES


class GitUnavailable(UsageError):
    """git itself cannot be run (not installed, not on PATH, hung)."""


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitUnavailable(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {message[-1] if message else 'unknown error'}")
    return done.stdout.decode("utf-8", "replace")


def is_git_side(side: str) -> bool:
    """`REF:PATH` names a git side unless it is an existing path (a file named a:b)."""
    return ":" in side and not Path(side).exists()


def split_side(side: str) -> tuple[str, str]:
    ref, _, path = side.partition(":")
    return ref, path.strip("/") or "."


def git_files(ref: str, path: str, missing_ok: bool = False) -> list[tuple[str, str]]:
    """(display name, text) of every spec file under PATH at REF, sorted. No spec file
    there is an error unless `missing_ok` (then the list is empty)."""
    if not ref:
        raise UsageError("missing git revision before ':' (for example origin/main:specs)")
    try:
        _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitUnavailable:
        raise
    except UsageError:
        raise UsageError(
            f"unknown git revision {ref!r} (is this a git checkout, and is the ref fetched?)"
        ) from None
    prefix = _git("rev-parse", "--show-prefix").strip()
    in_repo = os.path.normpath(Path(prefix) / path)  # relative to the repository's top
    if in_repo == ".." or in_repo.startswith(("../", "/")):
        raise UsageError(f"{path} is outside the git repository")
    listing = _git("ls-tree", "-r", "--name-only", "--full-tree", ref, "--", in_repo)
    names = sorted(n for n in listing.splitlines() if n.endswith(SPEC_SUFFIXES))
    if not names and not missing_ok:
        raise UsageError(f"no *.yaml or *.yml files at {ref}:{path}")
    root = _git("rev-parse", "--show-toplevel").strip()
    here = Path.cwd().resolve()
    out = []
    for name in names:
        shown = Path(root, name)
        try:
            display = shown.relative_to(here).as_posix()
        except ValueError:
            display = name
        out.append((f"{ref}:{display}", _git("show", f"{ref}:{name}")))
    return out
