"""Performance patches, in one place: each is measured in bench/RESULTS.md and changes no
behaviour. Kept apart so that a reader of the pipeline never meets them by surprise."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import sys
from collections.abc import Iterator
from typing import Any


def skip_sniffio_lookups() -> None:
    """httpcore runs `import sniffio` on every lock it sets up, to learn which async
    library is running. Without sniffio installed, each attempt searches sys.path again:
    a sixth of the client's CPU at 64 connections (bench/RESULTS.md). Recording the absence
    makes the import fail at once; only done when sniffio is really not installed, and only
    once a fetch starts, so merely importing drift changes nothing."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


_LITERAL_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """A copy of a schema with each plain `{"$ref": "#/$defs/NAME"}` replaced by that
    definition (recursive ones are left as references). jsonschema resolves a $ref on every
    use, which dominated the time to validate a spec with thousands of integrations."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in defs and name not in seen:
                return inline_refs(defs[name], defs, (*seen, name))
        return {
            key: value if key in _LITERAL_KEYWORDS else inline_refs(value, defs, seen)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [inline_refs(item, defs, seen) for item in node]
    return node


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading a spec allocates many objects that all stay alive; the cyclic collector
    would scan them again and again for nothing (12 % of `drift validate` on 10,000
    integrations). Input size is capped, so memory stays bounded meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_before_exit() -> None:
    """The process ends now: spare the interpreter's closing full garbage collections over
    everything still alive (about 40 ms of CPU, bench/RESULTS.md)."""
    gc.freeze()
