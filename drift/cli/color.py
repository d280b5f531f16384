"""Whether the text report is coloured: `--color`, then NO_COLOR, then FORCE_COLOR, then
whether stdout is a terminal."""

from __future__ import annotations

from collections.abc import Mapping

CHOICES = ("auto", "always", "never")


def color_wanted(choice: str, environ: Mapping[str, str], isatty: bool) -> bool:
    """`--color always|never` decides alone. With `auto`: a non-empty NO_COLOR turns colour
    off (no-color.org), else a non-empty FORCE_COLOR turns it on without a terminal (CI
    logs that render colour; force-color.org), else colour on a terminal only."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return isatty
