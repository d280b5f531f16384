"""Write files whole or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from drift.errors import OutputError, UsageError


def check_output_path(path: str | Path, what: str = "output") -> None:
    """Refuse, before any work, a path drift could not replace whole: a folder, a device
    or pipe (writing there would replace it with a plain file), or a missing folder."""
    target = Path(path).resolve()
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {what} {path}: folder {target.parent} does not exist")
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file"
        raise UsageError(f"cannot write {what} {path}: it is {kind}")


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
    target = Path(path).resolve()
    try:
        _replace(target, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _replace(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
