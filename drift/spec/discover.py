"""Which files a spec is: every *.yaml/*.yml under the folders given, sorted, with every
file that cannot be read reported as a problem, never skipped."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from drift.errors import Location, Problem

SPEC_SUFFIXES = (".yaml", ".yml")


def _display(path: Path) -> str:
    return path.as_posix()


def _folder_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The spec files in a folder and its subfolders (not hidden ones, nor symlinked
    folders). A spec file that cannot be read (a dangling symlink, no permission) or a
    subfolder that cannot be listed is a problem: skipping it silently would leave its
    integrations unchecked while the run passes."""
    files: list[Path] = []

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename or folder)
        problems.append(
            Problem(Location(_display(where), 0, 0), "", f"cannot list this folder: {exc.strerror}")
        )

    for root, dirs, names in os.walk(folder, onerror=unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(root, name)
            if name.startswith(".") or path.suffix not in SPEC_SUFFIXES:
                continue
            here = Location(_display(path), 0, 0)
            if path.is_symlink() and not path.exists():
                problems.append(Problem(here, "", "a symlink to a file that does not exist"))
            elif not path.is_file():
                problems.append(Problem(here, "", "not a regular file"))
            elif not os.access(path, os.R_OK):
                problems.append(Problem(here, "", "cannot read this file: permission denied"))
            else:
                files.append(path)
    return sorted(files)


def discover(paths: Sequence[str]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Expand files and folders into spec files, sorted; report paths that give none."""
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        here = Location(raw, 0, 0)
        if path.is_dir():
            before = len(problems)
            files = _folder_files(path, problems)
            if not files and len(problems) == before:
                problems.append(Problem(here, "", "no *.yaml or *.yml files in this folder"))
            found.extend((f, _display(f)) for f in files)
        elif path.is_file():
            found.append((path, _display(path)))
        elif path.exists():
            problems.append(Problem(here, "", "not a regular file or folder"))
        else:
            problems.append(Problem(here, "", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for item in found:
        resolved = item[0].resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(item)
    return unique, problems
