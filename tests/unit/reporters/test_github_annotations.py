from __future__ import annotations

import re
from pathlib import Path

from reporter_samples import drifted, future_change_report, integration

from drift.errors import Location
from drift.model.matchers import Matcher
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions, get_reporter
from drift.reporters.github import render
from drift.spec.load import DesiredHeader

GOLDEN = Path(__file__).parent / "golden"
COMMAND = re.compile(
    r"^::(?:error|warning) file=([^,:]+),line=(\d+),col=(\d+),title=([^,:]+)::(.*)$"
)


def _parsed(text: str) -> list[tuple[str, int, int, str, str]]:
    out = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        assert match, line
        file, row, col, title, message = match.groups()
        out.append((file, int(row), int(col), title, message))
    return out


def test_golden(sample: Report) -> None:
    assert render(sample, RenderOptions()) == (GOLDEN / "sample.github.txt").read_text()


def test_registered_as_github(sample: Report) -> None:
    assert get_reporter("github")(sample, RenderOptions()) == render(sample, RenderOptions())


def test_field_changes_are_annotated_at_their_own_line(sample: Report) -> None:
    where = [
        (f, line, col, title) for f, line, col, title, _ in _parsed(render(sample, RenderOptions()))
    ]
    assert where == [
        ("specs/commerce.yaml", 13, 3, "drift%3A payments_gateway drifted"),  # live-only header
        ("specs/commerce.yaml", 16, 5, "drift%3A payments_gateway drifted"),  # authType:
        ("specs/commerce.yaml", 18, 7, "drift%3A payments_gateway drifted"),  # duplicate header
        ("specs/commerce.yaml", 19, 7, "drift%3A payments_gateway drifted"),  # removed header
        ("specs/platform.yaml", 4, 3, "drift%3A shopify_store not found"),
        ("specs/platform.yaml", 9, 3, "drift%3A weather_feed could not be checked"),
        ("specs/platform.yaml", 20, 3, "drift%3A crm_sync warning"),  # ignored change: none
    ]


def test_changes_without_a_line_of_their_own_share_one_annotation() -> None:
    item = integration("a", line=7)
    changes = (
        Change("added", "/headers/X-One", None, "1", item.source),
        Change("added", "/headers/X-Two", None, "2", None),
    )
    out = render(
        Report("https://x", [IntegrationResult(item, Status.DRIFTED, changes)]), RenderOptions()
    )
    assert out == (
        "::error file=specs/commerce.yaml,line=7,col=3,title=drift%3A a drifted::"
        '+ /headers/X-One: "1" (live only)%0A+ /headers/X-Two: "2" (live only)\n'
    )


def test_in_sync_gives_nothing() -> None:
    report = Report("https://x", [IntegrationResult(integration("a"), Status.IN_SYNC)])
    assert render(report, RenderOptions()) == ""


def test_order_is_by_file_line_then_name() -> None:
    results = [
        drifted("zeta", "specs/a.yaml", 3),
        drifted("alpha", "specs/b.yaml", 1),
        drifted("mid", "specs/a.yaml", 30),
    ]
    order = [
        (f, line) for f, line, *_ in _parsed(render(Report("https://x", results), RenderOptions()))
    ]
    assert order == [("specs/a.yaml", 7), ("specs/a.yaml", 34), ("specs/b.yaml", 5)]


def test_escaping_of_file_title_and_message() -> None:
    name = "we,ird:name%"
    header = DesiredHeader("X-H", Matcher("equals", "v"), Location("specs/a,b:c%.yaml", 6, 7))
    item = integration(name, "specs/a,b:c%.yaml", 4, headers=(header,))
    changes = (Change("changed", "/headers/X-H", "100%\nv", "a,b:c\r\n", header.source),)
    broken = IntegrationResult(
        integration("e", "specs/a,b:c%.yaml", 10),
        Status.ERROR,
        error=ErrorInfo("HTTP 502: 50% of\nthe body, with: colons\r\n"),
    )
    out = render(
        Report("https://x", [IntegrationResult(item, Status.DRIFTED, changes), broken]),
        RenderOptions(),
    )
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "::error file=specs/a%2Cb%3Ac%25.yaml,line=6,col=7,"
        "title=drift%3A we%2Cird%3Aname%25 drifted::"
        '~ /headers/X-H: "100%25\\nv" -> "a,b:c\\r\\n"'
    )
    assert lines[1] == (
        "::error file=specs/a%2Cb%3Ac%25.yaml,line=10,col=3,title=drift%3A e could not be checked::"
        # the model already wrote the line breaks as escapes; the annotation escapes % too
        "intg_x / auth_x: HTTP 502: 50%25 of\\nthe body, with: colons\\r\\n"
    )


def test_file_level_location_has_no_line() -> None:
    item = integration("a", line=0)
    result = IntegrationResult(item, Status.NOT_FOUND, error=ErrorInfo("gone", 404))
    out = render(Report("https://x", [result]), RenderOptions())
    assert (
        out
        == "::error file=specs/commerce.yaml,title=drift%3A a not found::intg_x / auth_x: gone\n"
    )


def test_extra_change_attributes_do_not_matter() -> None:
    out = render(future_change_report(), RenderOptions())
    assert out.endswith('::~ /authType: "A" -> "B"\n')


def test_levels_follow_the_disposition() -> None:
    header = DesiredHeader("X-H", Matcher("equals", "v"), Location("specs/a.yaml", 9, 7))
    item = integration("a", "specs/a.yaml", 5, headers=(header,))
    changes = (
        Change("changed", "/authType", "A", "B", item.auth_type_source, note="ignore expired"),
        Change("added", "/headers/X-Extra", None, "1", item.source, disposition="warning"),
        Change("added", "/headers/X-More", None, "2", item.source),
        Change("changed", "/headers/X-H", "v", "w", header.source, disposition="ignored"),
    )
    out = render(
        Report("https://x", [IntegrationResult(item, Status.DRIFTED, changes)]), RenderOptions()
    )
    assert out.splitlines() == [
        "::error file=specs/a.yaml,line=5,col=3,title=drift%3A a drifted::"
        '+ /headers/X-More: "2" (live only)',
        "::warning file=specs/a.yaml,line=5,col=3,title=drift%3A a warning::"
        '+ /headers/X-Extra: "1" (live only)  [warning: extra header, exit code unaffected]',
        "::error file=specs/a.yaml,line=8,col=5,title=drift%3A a drifted::"
        '~ /authType: "A" -> "B"  [ignore expired]',
    ]


def test_only_ignored_findings_give_nothing() -> None:
    item = integration("a")
    change = Change("changed", "/authType", "A", "B", item.auth_type_source, disposition="ignored")
    report = Report("https://x", [IntegrationResult(item, Status.IN_SYNC, (change,))])
    assert render(report, RenderOptions()) == ""
