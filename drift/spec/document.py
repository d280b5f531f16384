"""A loaded spec document and where each of its parts was written: plain data, no YAML
library (that is drift.spec.yamlload's), so every later stage can read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drift.errors import Location

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_TEXT = 2 * MAX_BYTES  # characters of scalar text, aliases expanded

Key = str | int
PathT = tuple[Key, ...]


class YamlError(Exception):
    """The file could not be read as a YAML mapping; carries the place it went wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    """A loaded YAML document and the marks of its keys and values, by path."""

    file: str
    data: Any = field(repr=False)  # a spec may hold a literal secret value
    value_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    # (path, line, column, message) of every duplicate key: reported, not fatal, so the
    # rest of the file is still checked; the first value is the one kept
    duplicates: list[tuple[PathT, int, int, str]] = field(default_factory=list)

    def location(self, path: PathT, key: bool = False) -> Location:
        """Where `path` was written: its key when asked and known, else its value, else
        the nearest enclosing node that has a mark."""
        probe = tuple(path)
        while True:
            marks = (self.key_marks, self.value_marks) if key else (self.value_marks,)
            for table in marks:
                if probe in table:
                    line, col = table[probe]
                    return Location(self.file, line, col)
            if not probe:
                return Location(self.file, 1, 1)
            probe = probe[:-1]


def decode_text(raw: bytes) -> str:
    if b"\x00" in raw:
        raise YamlError("not a text file (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, col) from None
