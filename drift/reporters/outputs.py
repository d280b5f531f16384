"""Send one Report to stdout and to every requested file, each written whole."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from drift.errors import OutputError
from drift.fileio import staged
from drift.model.results import Report
from drift.model.review import Review
from drift.reporters import RenderOptions, formats, get_reporter, renderer


def write_outputs(
    report: Report,
    fmt: str | None,
    extra: list[tuple[str, str]],
    *,
    verbose: bool,
    color: bool,
    emit: Callable[[str], None],
    review: Review | None = None,
) -> None:
    """Render stdout and the extra reports. In GitHub Actions with no --format, stdout
    gets the text report plus annotations, and the step summary gets the markdown.
    `review` (`check --compare-base`) is its own section in text, markdown and JSON."""
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and fmt is None

    def render(fmt: str, options: RenderOptions) -> str:
        return with_review(fmt, report, review, options)

    # render everything first so that a failure writes nothing at all
    files = [(path, render(f, RenderOptions(verbose=verbose))) for f, path in extra]
    shown = render(fmt or "text", RenderOptions(verbose=verbose, color=color))
    if in_actions:
        shown += get_reporter("github")(report, RenderOptions(verbose=verbose))
    # the report files are committed only once stdout is written too: all or nothing,
    # and Ctrl-C or SIGTERM meanwhile leaves no temporary file behind
    with staged(files) as commit:
        emit(shown)
        commit()
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if in_actions and summary_file:
        markdown = render("markdown", RenderOptions(verbose=verbose))
        try:
            # appended, as GitHub expects: other steps write to the same summary
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(markdown)
        except OSError as exc:
            raise OutputError(f"cannot write {summary_file}: {exc.strerror or exc}") from None


def with_review(fmt: str, report: Report, review: Review | None, options: RenderOptions) -> str:
    """A check report in `fmt`, after the spec review section when there is one (in the
    formats that have one: text, markdown, and JSON under `specChanges`)."""
    live = get_reporter(fmt)(report, options)
    if review is None or fmt not in formats("review"):
        return live
    if fmt == "json":
        from drift.reporters import review as spec_review

        doc = json.loads(live)
        doc["specChanges"] = spec_review.as_dict(review)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    section = renderer("review", fmt)(review)
    if fmt == "markdown":
        return section + "\n### Live drift\n\n" + live
    return "== This change to the spec ==\n" + section + "\n== Live drift ==\n" + live
