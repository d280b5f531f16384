"""Performance patches, in one place: each is measured in bench/RESULTS.md and changes no
behaviour. Kept apart so that a reader of the pipeline never meets them by surprise."""

from __future__ import annotations

import importlib.util
import sys


def skip_sniffio_lookups() -> None:
    """httpcore runs `import sniffio` on every lock it sets up, to learn which async
    library is running. Without sniffio installed, each attempt searches sys.path again:
    a sixth of the client's CPU at 64 connections (bench/RESULTS.md). Recording the absence
    makes the import fail at once; only done when sniffio is really not installed, and only
    once a fetch starts, so merely importing drift changes nothing."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
