"""Send one Report to stdout and to every requested file, each written whole."""

from __future__ import annotations

import os
from collections.abc import Callable

from drift.errors import OutputError
from drift.fileio import staged
from drift.model.results import Report
from drift.reporters import RenderOptions, get_reporter


def write_outputs(
    report: Report,
    fmt: str | None,
    extra: list[tuple[str, str]],
    *,
    verbose: bool,
    color: bool,
    emit: Callable[[str], None],
) -> None:
    """Render stdout and the extra reports. In GitHub Actions with no --format, stdout
    gets the text report plus annotations, and the step summary gets the markdown."""
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and fmt is None
    # render everything first so that a failure writes nothing at all
    files = [(path, get_reporter(f)(report, RenderOptions(verbose=verbose))) for f, path in extra]
    shown = get_reporter(fmt or "text")(report, RenderOptions(verbose=verbose, color=color))
    if in_actions:
        shown += get_reporter("github")(report, RenderOptions(verbose=verbose))
    # the report files are committed only once stdout is written too: all or nothing,
    # and Ctrl-C or SIGTERM meanwhile leaves no temporary file behind
    with staged(files) as commit:
        emit(shown)
        commit()
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if in_actions and summary_file:
        markdown = get_reporter("markdown")(report, RenderOptions(verbose=verbose))
        try:
            # appended, as GitHub expects: other steps write to the same summary
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(markdown)
        except OSError as exc:
            raise OutputError(f"cannot write {summary_file}: {exc.strerror or exc}") from None
