"""The markdown reports rendered as GitHub would (markdown-it-py, GFM-like: tables, raw
HTML, linkify): hostile live text shows as it is, inside code, and does nothing."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from reporter_samples import integration

from drift.commands.compare import Review, SpecChange
from drift.errors import Location
from drift.model.desired import DesiredHeader, IgnoreRule
from drift.model.matchers import Matcher
from drift.model.results import NOT_ATTEMPTED, Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions
from drift.reporters.codespan import code_span, html_code
from drift.reporters.escape import visible
from drift.reporters.markdown import render
from drift.reporters.review import render_markdown

HOSTILE = [
    "@team",
    "ping @org/security-team now",
    "https://evil.example/x?a=1",
    "www.evil.example",
    "mail me@evil.example",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold** _em_ ~~strike~~ ~tilde~",
    "[a](https://evil.example) ![i](https://evil.example/i.png)",
    "`",
    "``two``",
    "a ` b `` c",
    "` lead",
    "trail `",
    "a|b",
    "a\\|b",
    "|",
    "line\nbreak",
    "cr\r\nlf",
    "para\u2028sep",
    "</code></summary></details><img src=x>",
    "&amp; &lt;b&gt; &#64;team",
    "  spaced  ",
    "#123 closes #1",
    "\\",
    "$x$ :smile:",
]

ALLOWED_TAGS = {
    "h3",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "details",
    "summary",
    "ul",
    "li",
    "blockquote",
    "strong",
}
# none of these is in the fixed text of a report; each is in some hostile value
LEAKS = ["@", "evil", "http", "www", "alert", "img", "script", "team", "bold", "#1"]


class _Html(HTMLParser):
    """Tags and attributes used, the text of each <code>, and all text outside code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.codes: list[str] = []
        self.outside: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        if tag == "code":
            self._depth += 1
            self.codes.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.codes[-1] += data
        else:
            self.outside.append(data)


def _rendered(markdown: str) -> _Html:
    parser = _Html()
    parser.feed(MarkdownIt("gfm-like").render(markdown))
    parser.close()
    return parser


def _assert_inert(page: _Html) -> None:
    assert page.tags <= ALLOWED_TAGS, page.tags - ALLOWED_TAGS
    assert page.attrs == []  # no href, src, on*: nothing live was turned into a tag
    outside = "".join(page.outside)
    for leak in LEAKS:
        assert leak not in outside, (leak, outside)


def _check_report() -> Report:
    results = []
    for i, value in enumerate(HOSTILE):
        header = DesiredHeader(value, Matcher("equals", value), Location("specs/a.yaml", 9, 7))
        item = integration(
            value,
            f"specs/{value}.yaml",
            i + 1,
            headers=(header,),
            integration_id=f"intg_{value}",
        )
        changes = (
            Change("changed", f"/headers/{value}", value, value + "!", header.source, note=value),
            Change("added", f"/x/{value}", None, value, item.source, disposition="warning"),
            Change("removed", f"/y/{value}", {"v": value}, None, item.source),
        )
        results.append(IntegrationResult(item, Status.DRIFTED, changes))
        results.append(
            IntegrationResult(
                integration(f"e{i}", value), Status.ERROR, error=ErrorInfo(value * 12)
            )
        )
        results.append(IntegrationResult(integration(f"s{i}", value), Status.IN_SYNC))
        results.append(
            IntegrationResult(
                integration(f"n{i}"), Status.ERROR, error=ErrorInfo(f"{NOT_ATTEMPTED}: {value}")
            )
        )
    report = Report(" ".join(HOSTILE), results)
    report.stale_rules = [
        IgnoreRule(f"/headers/{v}", v, datetime.date(2099, 1, 1), Location(v, 1, 1), v)
        for v in HOSTILE
    ]
    return report


def _review() -> Review:
    items = []
    for value in HOSTILE:
        where = Location(f"specs/{value}.yaml", 3, 3)
        change = Change("changed", f"/headers/{value}", value, value + "!", loosening=True)
        items.append(SpecChange(value, "changed", value, where, (change,)))
        items.append(SpecChange(value + "2", "renamed", value, where, (change,), value))
        items.append(SpecChange(value + "3", "added", value, where))
    rules = tuple(Change("added", f"ignore /headers/{v}", None, v, loosening=True) for v in HOSTILE)
    return Review("base", "head", items, rules)


@pytest.mark.parametrize("verbose", [False, True], ids=["default", "verbose"])
def test_check_markdown_is_inert_when_rendered(verbose: bool) -> None:
    out = render(_check_report(), RenderOptions(verbose=verbose))
    assert "Report truncated" not in out  # everything below was really rendered
    page = _rendered(out)
    _assert_inert(page)
    # each name is shown whole, as it is (non-printable characters as escapes), in code:
    # in its table row, and in the summary of its details block
    for value in HOSTILE:
        assert page.codes.count(visible(value)) >= 2, value


def test_compare_markdown_is_inert_when_rendered() -> None:
    page = _rendered(render_markdown(_review()))
    _assert_inert(page)
    for value in HOSTILE:
        assert visible(value) in page.codes, value
        assert visible(value) + "2" in page.codes, value


def test_check_with_compare_base_is_inert_when_rendered() -> None:
    report = _check_report()
    report.review = _review()
    _assert_inert(_rendered(render(report, RenderOptions())))


def test_hint_is_code() -> None:
    results = [
        IntegrationResult(
            integration(f"a{i}"), Status.ERROR, error=ErrorInfo("not found", http_status=404)
        )
        for i in range(2)
    ]
    out = render(Report("https://evil.example/@team", results), RenderOptions())
    assert "> `every record was not found at https://evil.example/@team:" in out
    _assert_inert(_rendered(out))


@pytest.mark.parametrize("value", HOSTILE)
def test_code_span_round_trips(value: str) -> None:
    for markdown in (code_span(value), f"| h |\n| - |\n| {code_span(value, in_table=True)} |"):
        page = _rendered(markdown)
        assert page.codes == [visible(value) or " "], markdown
        assert "".join(page.outside).strip() in ("", "h")


def test_code_span_fence_outgrows_the_longest_backtick_run() -> None:
    assert code_span("x") == "`x`"
    assert code_span("a`b") == "``a`b``"
    assert code_span("a``b`") == "``` a``b` ```"
    assert code_span("") == "` `"
    assert code_span("a|b", in_table=True) == "`a\\|b`"
    assert code_span("a|b") == "`a|b`"
    assert code_span("x\ny") == "`x\\ny`"


def test_html_code_escapes() -> None:
    assert html_code("<b>&@x\n") == "<code>&lt;b&gt;&amp;@x\\n</code>"
