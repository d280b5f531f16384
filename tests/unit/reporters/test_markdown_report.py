from __future__ import annotations

import re
from pathlib import Path

from reporter_samples import drifted, future_change_report, integration

from drift.errors import Location
from drift.model.desired import DesiredHeader
from drift.model.matchers import Matcher
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status, printable
from drift.reporters import RenderOptions, get_reporter
from drift.reporters.codespan import code_span
from drift.reporters.markdown import MAX_CHARS, changes_phrase, md, render

GOLDEN = Path(__file__).parent / "golden"
NASTY = "a|b`c`<script>alert(1)</script>&amp;\nnext *x* _y_ [l](http://e) ~z~ $m$ \\"


def test_golden(sample: Report) -> None:
    assert render(sample, RenderOptions()) == (GOLDEN / "sample.md").read_text()


def test_golden_verbose_lists_in_sync(sample: Report) -> None:
    assert render(sample, RenderOptions(verbose=True)) == (GOLDEN / "sample-verbose.md").read_text()


def test_registered_as_markdown(sample: Report) -> None:
    assert get_reporter("markdown")(sample, RenderOptions()) == render(sample, RenderOptions())


def test_headline_words() -> None:
    ok = Report("https://x", [IntegrationResult(integration("a"), Status.IN_SYNC)])
    assert render(ok, RenderOptions()).startswith(
        "### drift: In sync — 0 drifted, 0 not found, 0 errors, 1 in sync (1 total)\n"
    )
    broken = IntegrationResult(integration("a"), Status.ERROR, error=ErrorInfo("boom"))
    assert render(Report("https://x", [broken]), RenderOptions()).startswith(
        "### drift: Check incomplete — "
    )
    empty = render(Report("https://x", []), RenderOptions())
    assert "|" not in empty
    assert "in sync (run" not in empty


def test_selection_is_stated() -> None:
    report = Report("https://x", [drifted("a")], declared=10)
    out = render(report, RenderOptions())
    assert out.endswith("\nselected 1 of 10 declared; requests: 0, retries: 0, throttled: 0\n")


def test_md_escapes_markup() -> None:
    assert md("a|b") == "a&#124;b"
    assert md("`x`") == "&#96;x&#96;"
    assert md("<script>&") == "&lt;script&gt;&amp;"
    assert md("one\r\ntwo\nthree") == "one<br>two<br>three"
    assert md("[l](u) *e* _e_ ~s~ $m$ \\") == (
        "&#91;l&#93;(u) &#42;e&#42; &#95;e&#95; &#126;s&#126; &#36;m&#36; &#92;"
    )
    assert md("bell\x07\x1b[31m\ttab") == "bell&#91;31m tab"


def _nasty_report() -> Report:
    header = DesiredHeader(NASTY, Matcher("equals", NASTY), Location("specs/a.yaml", 9, 7))
    item = integration(NASTY, "specs/a|b.yaml", headers=(header,))
    changes = (
        Change("changed", f"/headers/{NASTY}", NASTY, NASTY + "!", header.source, note=NASTY),
        Change("added", "/headers/X", None, NASTY, item.source),
    )
    broken = IntegrationResult(
        integration("err", "specs/a.yaml", 20), Status.ERROR, error=ErrorInfo(NASTY * 20)
    )
    return Report("https://x|`<b>", [IntegrationResult(item, Status.DRIFTED, changes), broken])


def test_user_text_cannot_break_tables() -> None:
    out = render(_nasty_report(), RenderOptions(verbose=True))
    # live text is code, its `|` escaped for the table (test_markdown_render.py renders it)
    assert "| ``a\\|b`c`<script>alert(1)</script>&amp;\\nnext *x* _y_ [l](http://e)" in out
    tables = [line for line in out.splitlines() if line.startswith("|")]
    # the main table (header, rule, 2 rows) and the change table (header, rule, 2 rows)
    assert len(tables) == 8
    for line in tables:
        cells = re.findall(r"(?<!\\)\|", line)
        assert len(cells) in (6, 5), line  # 5 or 4 columns, no stray pipe from a value
        assert line.endswith("|")


def test_long_error_is_clipped_in_the_table_and_whole_in_details() -> None:
    out = render(_nasty_report(), RenderOptions())
    row = next(line for line in out.splitlines() if line.startswith("| `err` |"))
    assert row.endswith("…`` |")
    assert "<details><summary><code>err</code>: error</summary>" in out
    # the model escaped the line break first
    assert f"Error: {code_span(printable(NASTY * 20))}\n" in out


def test_extra_change_attributes_do_not_matter() -> None:
    out = render(future_change_report(), RenderOptions())
    assert '| &#126; | `/authType` | `"A"` | `"B"` |' in out


def _table_rows(out: str) -> int:
    return sum(1 for line in out.splitlines() if line.startswith("| `n"))


def test_5000_drifted_stay_under_the_cap_and_say_what_was_cut() -> None:
    report = Report("https://x", [drifted(f"n{i:05d}") for i in range(5000)])
    out = render(report, RenderOptions())
    assert len(out) < MAX_CHARS
    assert "<details>" not in out
    shown = _table_rows(out)
    assert 0 < shown < 5000
    assert (
        f"**Report truncated** to stay under 60000 characters: details left out for 5000 of "
        f"5000 integrations; {5000 - shown} integrations left out of the table. The full report "
        "is in the JSON or text report artifact.\n"
    ) in out
    assert out.startswith("### drift: Drift found — 5000 drifted, 0 not found, 0 errors, 0 in sync")
    assert out.endswith("requests: 0, retries: 0, throttled: 0\n")


def test_details_are_dropped_before_rows() -> None:
    report = Report("https://x", [drifted(f"n{i:03d}", value="v" * 500) for i in range(120)])
    out = render(report, RenderOptions())
    assert len(out) < MAX_CHARS
    assert _table_rows(out) == 120
    kept = out.count("<details>")
    assert 0 < kept < 120
    assert f"details left out for {120 - kept} of 120 integrations. The full" in out


def test_in_sync_list_goes_first_when_verbose() -> None:
    results = [IntegrationResult(integration(f"s{i:05d}"), Status.IN_SYNC) for i in range(3000)]
    report = Report("https://x", [drifted("a"), *results])
    out = render(report, RenderOptions(verbose=True))
    assert len(out) < MAX_CHARS
    assert "3000 in sync with no differences.\n" in out
    assert "3000 in-sync integrations not listed." in out
    assert "<details><summary><code>a</code>: drifted, 1 change</summary>" in out


def test_one_huge_value_is_cut_not_the_cap_broken() -> None:
    report = Report("https://x", [drifted("a", value="<" * 100_000), drifted("b")])
    out = render(report, RenderOptions())
    assert len(out) < MAX_CHARS
    assert "\n| `a` | drifted |" in out
    assert "\n| `b` | drifted |" in out
    # the value is shortened where it is shown, so both details blocks still fit
    assert "(99700 more characters)" in out
    assert out.count("<details>") == 2


def test_cap_holds_for_many_sizes() -> None:
    for count in (0, 1, 50, 400, 450, 2000):
        report = Report("https://x", [drifted(f"n{i:05d}") for i in range(count)])
        assert len(render(report, RenderOptions(verbose=True))) < MAX_CHARS


def test_changes_phrase_counts_dispositions() -> None:
    def change(disposition: str) -> Change:
        return Change("changed", "/authType", "A", "B", disposition=disposition)

    assert changes_phrase(()) == "0 changes"
    assert changes_phrase((change("drift"),)) == "1 change"
    assert changes_phrase((change("drift"),) * 3) == "3 changes"
    assert changes_phrase((change("ignored"), change("warning"))) == "1 ignored, 1 warning"
    mixed = (
        change("drift"),
        change("ignored"),
        change("ignored"),
        change("warning"),
        change("warning"),
    )
    assert changes_phrase(mixed) == "1 change, 2 ignored, 2 warnings"
