"""Reporters: one function per format, all behind one registry fed to `--format`.

A reporter takes the Report and RenderOptions and returns the whole output as text, so
that a report is written whole or not at all. Adding a format touches one module and
the registry below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from drift.model import Report


@dataclass(frozen=True)
class RenderOptions:
    verbose: bool = False
    color: bool = False


Reporter = Callable[[Report, RenderOptions], str]

# name -> module; imported on first use so that start-up stays fast
_MODULES = {
    "text": "drift.reporters.text",
    "json": "drift.reporters.jsonfmt",
    "markdown": "drift.reporters.markdown",
    "junit": "drift.reporters.junit",
    "github": "drift.reporters.github",
    "sarif": "drift.reporters.sarif",
}
FORMATS = tuple(_MODULES)


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(_MODULES[name])
    render: Reporter = module.render
    return render
