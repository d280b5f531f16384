"""Safe YAML loading that remembers where every key and value was written.

PyYAML is used here and nowhere else. The document is built from the parser's event
stream, without recursion, so that duplicate keys, alias bombs and deep nesting are caught
with a clear message instead of being silently accepted or exhausting the stack.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drift.errors import Location

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    data: Any
    value_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)

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


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _json_safe(value: Any) -> Any:
    # Dates become ISO strings so the schema can check them with `format: date`.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        raise YamlError("binary values (!!binary) are not supported")
    return value


class _Builder:
    def __init__(self, file: str) -> None:
        self.doc = Document(file, None)
        self.loader = _Loader("")
        # each frame: [container, path, pending_key or None, key_mark]
        self.stack: list[list[Any]] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.anchor_frames: dict[int, str] = {}
        self.nodes = 0
        self.done = False

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return _json_safe(self.loader.construct_object(node, deep=True))
        except ValueError:
            # looks like a date but is not one (2027-02-30): keep the text for the schema
            return event.value
        except yaml.constructor.ConstructorError as exc:
            line, col = _mark(event)
            raise YamlError(f"cannot read value: {exc.problem}", line, col) from None

    def _count(self, n: int, event: Any) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            line, col = _mark(event)
            raise YamlError(
                "document expands to too many nodes (an alias bomb?); refusing to load",
                line,
                col,
            )

    def _place(self, value: Any, event: Any, size: int) -> None:
        """Attach a finished value to its parent (or make it the document)."""
        mark = _mark(event)
        if not self.stack:
            self.doc.data = value
            self.doc.value_marks[()] = mark
            return
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child: PathT = (*path, len(container))
            container.append(value)
            self.doc.value_marks[child] = mark
            return
        if frame[2] is None:
            # this value is a key
            if not isinstance(value, (str, int, float, bool)) or value is None:
                raise YamlError("mapping keys must be plain scalars", *mark)
            key = value if isinstance(value, (str, int)) else str(value)
            if key in container:
                first = self.doc.key_marks.get((*path, key), (0, 0))
                raise YamlError(f"duplicate key {key!r} (first defined at line {first[0]})", *mark)
            frame[2] = key
            frame[3] = mark
            return
        key = frame[2]
        child = (*path, key)
        container[key] = value
        self.doc.key_marks[child] = frame[3]
        self.doc.value_marks[child] = mark
        frame[2] = None

    def _child_path(self) -> PathT:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            return (*path, len(container))
        if frame[2] is None:
            raise YamlError("mapping keys must be plain scalars", *frame[3] or (1, 1))
        return (*path, frame[2])

    def feed(self, event: Any) -> None:
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
            return
        if isinstance(event, yaml.DocumentStartEvent):
            if self.done:
                raise YamlError("expected one YAML document, found more", *_mark(event))
            return
        if isinstance(event, yaml.DocumentEndEvent):
            self.done = True
            return
        if isinstance(event, yaml.ScalarEvent):
            self._count(1, event)
            value = self._scalar(event)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._place(value, event, 1)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._count(1, event)
            if len(self.stack) >= MAX_DEPTH:
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *_mark(event))
            path = self._child_path()
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.stack.append([container, path, None, None, event, self.nodes])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            container, start_event, start_nodes = frame[0], frame[4], frame[5]
            size = self.nodes - start_nodes + 1
            if start_event.anchor:
                self.anchors[start_event.anchor] = (container, size)
            self._place(container, start_event, size)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise YamlError(f"unknown alias *{event.anchor}", *_mark(event))
            value, size = self.anchors[event.anchor]
            # an alias re-uses a whole subtree: count it as if it were written out again
            self._count(size, event)
            self._place(value, event, size)


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise YamlError("not a text file (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, col) from None


def parse(text: str, file: str) -> Document:
    """Build a Document from YAML text; raises YamlError with the place of the problem."""
    builder = _Builder(file)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"YAML syntax error: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    return builder.doc


def load(path: Path, display: str) -> Document:
    """Read and parse one file, refusing what is too large or not UTF-8 text."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(
                f"file is too large ({size / 1048576:.1f} MiB; the limit is "
                f"{MAX_BYTES // 1048576} MiB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}") from None
    return parse(_decode(raw), display)
