"""Write files whole or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from drift.errors import OutputError, UsageError, signals_held


def check_output_path(path: str | Path, what: str = "output") -> None:
    """Refuse, before any work, a path drift could not replace whole: a folder, a device
    or pipe (writing there would replace it with a plain file), a missing folder, or a
    folder drift cannot create files in (read-only, no permission: tried for real)."""
    if str(path).endswith(("/", os.sep)):
        raise UsageError(f"cannot write {what} {path}: that names a folder, not a file")
    target = Path(path).resolve()
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {what} {path}: folder {target.parent} does not exist")
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file"
        raise UsageError(f"cannot write {what} {path}: it is {kind}")
    try:
        with signals_held():  # a Ctrl-C or SIGTERM in between would leave the probe
            fd, probe = _temp_beside(target)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise UsageError(
            f"cannot write {what} {path}: cannot create a file in {target.parent}: "
            f"{exc.strerror or exc}"
        ) from None


def check_distinct(
    outputs: Sequence[str], inputs: Sequence[Path], flag: str, inputs_are: str
) -> None:
    """Two outputs on one file would leave only the last; an output on an input file
    would destroy it. Both are refused before any work."""
    seen: dict[Path, str] = {}
    sources = {p.resolve() for p in inputs}
    for path in outputs:
        target = Path(path).resolve()
        if target in sources:
            raise UsageError(f"{flag} {path} is one of the {inputs_are}")
        if target in seen:
            raise UsageError(f"{flag} {path} and {seen[target]} are the same file")
        seen[target] = path


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new private temporary file in the target's folder (a rename there is atomic);
    the probe in check_output_path creates it the same way, so it tests the real thing."""
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what the umask allows, as
    open() would give it (mkstemp's temporary file is private)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place. A
    symlink is written through: its target is replaced, the link stays."""
    write_all_atomic([(path, text)])


def write_all_atomic(files: Sequence[tuple[str | Path, str]]) -> None:
    """Write several files whole, or none of them: every temporary file is written first,
    and only then are they all renamed into place."""
    with staged(files) as commit:
        commit()


@contextlib.contextmanager
def staged(files: Sequence[tuple[str | Path, str]]) -> Iterator[Callable[[], None]]:
    """Write every file to its temporary file beside it, and give a function that renames
    them all into place. Whatever leaves the block without calling it (an error, Ctrl-C,
    SIGTERM) removes the temporary files, and no file is changed."""
    pending: list[tuple[str, Path]] = []
    done = False

    def commit() -> None:
        nonlocal done
        for tmp, target in pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        done = True

    try:
        for path, text in files:
            target = Path(path).resolve()
            try:
                _stage(target, text, pending)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        yield commit
    finally:
        if not done:
            for tmp, _ in pending:
                Path(tmp).unlink(missing_ok=True)


def _stage(target: Path, text: str, pending: list[tuple[str, Path]]) -> None:
    """Write the temporary file for `target`, beside it, with the mode it will have; it
    is recorded in `pending` the moment it exists."""
    with signals_held():
        fd, tmp = _temp_beside(target)
        pending.append((tmp, target))
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, _mode_for(target))
