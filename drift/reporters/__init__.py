"""Reporters: one function per format and per thing rendered, all behind one registry that
feeds every `--format` choice.

Five things are rendered: a check or apply `report` (a Report), a spec `review` (what
`compare` and `check --compare-base` show), a `report-diff` (`drift report diff`), a `plan`
and the `problems` of `validate`. A renderer returns the
whole output as text, so that a report is written whole or not at all. Adding a format
touches its module and the table below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drift.model.results import Report


@dataclass(frozen=True)
class RenderOptions:
    verbose: bool = False
    color: bool = False


Reporter = Callable[[Report, RenderOptions], str]

# what is rendered -> format -> "module:function"; imported on first use (fast start-up)
_RENDERERS: dict[str, dict[str, str]] = {
    "report": {
        "text": "drift.reporters.text:render",
        "json": "drift.reporters.jsonfmt:render",
        "markdown": "drift.reporters.markdown:render",
        "junit": "drift.reporters.junit:render",
        "github": "drift.reporters.github:render",
        "sarif": "drift.reporters.sarif:render",
    },
    "review": {
        "text": "drift.reporters.review:render_text",
        "json": "drift.reporters.review:render_json",
        "markdown": "drift.reporters.review:render_markdown",
    },
    "report-diff": {
        "text": "drift.reporters.reportdiff:render_text",
        "json": "drift.reporters.reportdiff:render_json",
        "markdown": "drift.reporters.reportdiff:render_markdown",
    },
    "plan": {
        "text": "drift.reporters.plan:render_text",
        "markdown": "drift.reporters.plan:render_markdown",
        "json": "drift.reporters.plan:render_json",
    },
    "problems": {
        "text": "drift.reporters.validation:render_text",
        "json": "drift.reporters.validation:render_json",
        "github": "drift.reporters.validation:render_github",
    },
}


def formats(kind: str) -> tuple[str, ...]:
    """The formats `kind` (report, review, problems) can be rendered in."""
    return tuple(_RENDERERS[kind])


def renderer(kind: str, fmt: str) -> Callable[..., str]:
    module, _, name = _RENDERERS[kind][fmt].partition(":")
    function: Callable[..., str] = getattr(importlib.import_module(module), name)
    return function


def get_reporter(fmt: str) -> Reporter:
    """The renderer of a check report in `fmt`."""
    function: Any = renderer("report", fmt)
    return function  # type: ignore[no-any-return]


FORMATS = formats("report")
