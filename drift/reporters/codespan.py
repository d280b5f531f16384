"""Live text in markdown: always as code, so that it shows as it is and does nothing.

A name, id, value, path or message from a spec or the API could otherwise @mention a team,
autolink, close an HTML tag or start emphasis in a pull-request comment or a step summary.
Inside a GFM code span none of that happens; the fence is one backtick longer than the
longest run of backticks in the text, so the text cannot close it. In an HTML block (the
<details> summary line), where markdown is not read, an escaped <code> element does the same.
"""

from __future__ import annotations

import html
import re

from drift.reporters.escape import visible

_BACKTICKS = re.compile("`+")


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as a GFM code span. A code span is one line, so line breaks (and every other
    character that is not printable) are written as escapes like `\\n`. In a table cell
    `|` ends the cell even inside a code span unless written `\\|`, which GFM turns back
    into `|` there (and only there)."""
    text = visible(text)
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    if in_table:
        text = text.replace("|", "\\|")
    if not text:
        return "` `"
    # GFM strips one space from each end when both ends have one: a space on each side
    # keeps a text that starts or ends with a backtick or a space as it is
    pad = " " if text.strip(" ") and (text[0] in "` " or text[-1] in "` ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_code(text: str) -> str:
    """`text` as an HTML <code> element, for places where markdown is not read."""
    return f"<code>{html.escape(visible(text), quote=False)}</code>"
