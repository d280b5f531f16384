"""Safe YAML loading that remembers where every key and value was written.

PyYAML is used here and nowhere else. The document is built from the parser's event
stream, without recursion, so that duplicate keys, alias bombs and deep nesting are caught
with a clear message instead of being silently accepted or exhausting the stack.

Scalars are read by the YAML 1.2 core schema, as editors (the YAML language server) read
them, not by PyYAML's YAML 1.1 rules: `yes`, `on`, `no`, `off` are text, `1e3` is a number,
`1:30` and `2027-01-31` are text, `0b1`, `1_000` and `017` (octal) are not numbers.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from drift.spec.document import MAX_BYTES as MAX_BYTES
from drift.spec.document import MAX_DEPTH, MAX_NODES, MAX_TEXT, decode_text
from drift.spec.document import Document as Document
from drift.spec.document import Key as Key
from drift.spec.document import PathT as PathT
from drift.spec.document import YamlError as YamlError
from drift.spec.yaml12 import CORE_RESOLVERS, SCALARS, NotCore


def _constructor(scalar: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    def construct(loader: Any, node: Any) -> Any:
        try:
            return scalar(node.value)
        except NotCore as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None

    return construct


def _yaml12(base: Any) -> Any:
    """A PyYAML SafeLoader class (pure or libyaml) resolving scalars by YAML 1.2."""
    loader: Any = type(f"Yaml12{base.__name__}", (base,), {"yaml_implicit_resolvers": {}})
    for tag, pattern, first in CORE_RESOLVERS:
        loader.add_implicit_resolver(tag, re.compile(pattern), list(first))
    for suffix, scalar in SCALARS.items():
        loader.add_constructor(f"tag:yaml.org,2002:{suffix}", _constructor(scalar))
    return loader


Yaml12PureLoader: Any = _yaml12(yaml.SafeLoader)
Yaml12CLoader: Any = _yaml12(yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else None
_Loader: Any = Yaml12CLoader or Yaml12PureLoader

_DISCARD = "\x00duplicate:"  # a key no YAML text can spell unescaped


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _json_safe(value: Any) -> Any:
    # only an explicit `!!timestamp` makes a date (plain dates are text in YAML 1.2):
    # it becomes an ISO string, as JSON has no dates
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTION_TAGS = frozenset({None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
# First characters for which an implicit resolver (int, bool, null, date...) may apply; a
# plain scalar starting with any other character is a string without asking the resolver.
_IMPLICIT_FIRST: frozenset[str | None] = frozenset(_Loader.yaml_implicit_resolvers)
_FAST_STR = None not in _IMPLICIT_FIRST and not getattr(_Loader, "yaml_path_resolvers", None)


class _Builder:
    def __init__(self, file: str) -> None:
        self.doc = Document(file, None)
        self.loader = _Loader("")
        # each frame: [container, path, pending key or None, key mark, start event,
        #              nodes before it, text before it, height]
        self.stack: list[list[Any]] = []
        # anchor -> (value, nodes, text length, height) of the subtree it names
        self.anchors: dict[str, tuple[Any, int, int, int]] = {}
        self.nodes = 0
        self.chars = 0
        self.done = False

    def _scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag == "!":
            return value  # the non-specific tag: text, whatever it looks like (YAML 1.2)
        if tag is None:
            if _FAST_STR and (not event.implicit[0] or (value and value[0] not in _IMPLICIT_FIRST)):
                return value  # quoted, or plain text no implicit type can claim
            tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR_TAG:
            return value
        if tag == _MERGE_TAG:
            raise YamlError("YAML merge keys ('<<') are not supported", *_mark(event))
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            result = self.loader.construct_object(node, deep=True)
        except ValueError:
            # `!!timestamp 2027-02-30`: not a date; keep the text for the schema
            return value
        except yaml.constructor.ConstructorError as exc:
            line, col = _mark(event)
            raise YamlError(f"cannot read value: {exc.problem}", line, col) from None
        if isinstance(result, bytes):
            raise YamlError("binary values (!!binary) are not supported", *_mark(event))
        return _json_safe(result)

    def _count(self, nodes: int, chars: int, event: Any) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES or self.chars > MAX_TEXT:
            what = "many nodes" if self.nodes > MAX_NODES else "much text"
            raise YamlError(
                f"document expands to too {what} (an alias bomb?); refusing to load",
                *_mark(event),
            )

    def _place(self, value: Any, event: Any, height: int) -> None:
        """Attach a finished value to its parent (or make it the document)."""
        mark = _mark(event)
        if not self.stack:
            self.doc.data = value
            self.doc.value_marks[()] = mark
            return
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if height >= frame[7]:
            frame[7] = height + 1
        if isinstance(container, list):
            child: PathT = (*path, len(container))
            container.append(value)
            self.doc.value_marks[child] = mark
            return
        if frame[2] is None:
            # this value is a key; keys are text, as in JSON (`1:` is the key "1")
            if value is None or not isinstance(value, (str, int, float)):
                raise YamlError("mapping keys must be plain scalars", *mark)
            if isinstance(value, str):
                key = value
            elif isinstance(event, yaml.ScalarEvent):
                key = event.value
            else:
                key = str(value)
            if key in container:
                first = self.doc.key_marks.get((*path, key), (0, 0))
                self.doc.duplicates.append(
                    (
                        (*path, key),
                        *mark,
                        f"duplicate key {key!r} (first defined at line {first[0]})",
                    )
                )
                key = _DISCARD + key  # build the repeated value, then drop it
            frame[2] = key
            frame[3] = mark
            return
        key = frame[2]
        frame[2] = None
        if key.startswith(_DISCARD):
            return
        child = (*path, key)
        container[key] = value
        self.doc.key_marks[child] = frame[3]
        self.doc.value_marks[child] = mark

    def _child_path(self, event: Any) -> PathT:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            return (*path, len(container))
        if frame[2] is None:
            raise YamlError("mapping keys must be plain scalars", *_mark(event))
        return (*path, frame[2])

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._count(1, len(event.value), event)
            value = self._scalar(event)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1, len(event.value), 0)
            self._place(value, event, 0)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self._count(1, 0, event)
            if len(self.stack) >= MAX_DEPTH:
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *_mark(event))
            if event.tag not in _PLAIN_COLLECTION_TAGS:  # !!set, !!omap, !!python/...
                raise YamlError(
                    f"cannot read value: could not determine a constructor for the tag "
                    f"{event.tag!r}",
                    *_mark(event),
                )
            path = self._child_path(event)
            container: Any = {} if kind is yaml.MappingStartEvent else []
            self.stack.append([container, path, None, None, event, self.nodes, self.chars, 1])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            container, start_event, height = frame[0], frame[4], frame[7]
            if start_event.anchor:
                nodes = self.nodes - frame[5] + 1
                self.anchors[start_event.anchor] = (container, nodes, self.chars - frame[6], height)
            self._place(container, start_event, height)
        elif kind is yaml.AliasEvent:
            if event.anchor not in self.anchors:
                raise YamlError(f"unknown alias *{event.anchor}", *_mark(event))
            value, nodes, chars, height = self.anchors[event.anchor]
            # an alias re-uses a whole subtree: count it as if it were written out again
            self._count(nodes, chars, event)
            if len(self.stack) + height > MAX_DEPTH:
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *_mark(event))
            self._place(value, event, height)
        elif kind is yaml.DocumentStartEvent:
            if self.done:
                raise YamlError("expected one YAML document, found more", *_mark(event))
        elif kind is yaml.DocumentEndEvent:
            self.done = True


def parse(text: str, file: str) -> Document:
    """Build a Document from YAML text; raises YamlError with the place of the problem."""
    builder = _Builder(file)
    loader = _Loader(text)
    try:
        # the parser's own loop, without the generator and check_event() of yaml.parse
        while True:
            event = loader.get_event()
            builder.feed(event)
            if type(event) is yaml.StreamEndEvent:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start is not None and start.line + 1 != line:
            # where the unfinished construct began, e.g. an unclosed `[` lines above
            problem += f" ({exc.context} at line {start.line + 1})"
        raise YamlError(f"YAML syntax error: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    finally:
        loader.dispose()
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
    return parse(decode_text(raw), display)
