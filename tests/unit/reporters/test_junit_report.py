from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reporter_samples import drifted, future_change_report, integration

from drift.errors import Location
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions, get_reporter
from drift.reporters.junit import clean, render

GOLDEN = Path(__file__).parent / "golden"


def test_golden(sample: Report) -> None:
    assert render(sample, RenderOptions()) == (GOLDEN / "sample.xml").read_text()


def test_registered_as_junit(sample: Report) -> None:
    assert get_reporter("junit")(sample, RenderOptions()) == render(sample, RenderOptions())


def _counts(element: ET.Element) -> tuple[int, int, int, int]:
    return tuple(int(element.attrib[k]) for k in ("tests", "failures", "errors", "skipped"))  # type: ignore[return-value]


def test_counts_agree_with_testcases(sample: Report) -> None:
    root = ET.fromstring(render(sample, RenderOptions()))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert _counts(root) == _counts(suite) == (5, 2, 1, 0)
    assert len(cases) == 5
    assert len(suite.findall("testcase/failure")) == 2
    assert len(suite.findall("testcase/error")) == 1
    by_name = {c.attrib["name"]: c for c in cases}
    assert by_name["inventory_api"].find("*") is None
    # ignored findings and warnings do not fail, but are shown
    (out,) = list(by_name["crm_sync"])
    assert out.tag == "system-out"
    assert "[ignored: team rename in progress (until 2099-01-01)]" in (out.text or "")
    failure = by_name["payments_gateway"].find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "drifted: 4 changes", "type": "drifted"}
    assert '  ~ /authType: "API_KEY" -> "BEARER_TOKEN"\n' in (failure.text or "")
    missing = by_name["shopify_store"].find("failure")
    assert missing is not None
    assert missing.attrib["type"] == "not_found"
    error = by_name["weather_feed"].find("error")
    assert error is not None
    assert error.attrib["type"] == "error"
    assert by_name["weather_feed"].attrib == {
        "classname": "specs/platform.yaml",
        "name": "weather_feed",
        "file": "specs/platform.yaml",
        "line": "9",
    }


def test_special_characters_are_escaped_and_illegal_ones_removed() -> None:
    nasty = "a<b>&\"c' ]]> \x00\x1b\ufffe end"
    item = integration("n", "specs/<&>.yaml")
    change = Change("changed", "/authType", nasty, "x\ny", item.auth_type_source)
    results = [
        IntegrationResult(item, Status.DRIFTED, (change,)),
        IntegrationResult(integration("e"), Status.ERROR, error=ErrorInfo(nasty + "\nline 2")),
    ]
    text = render(Report("https://x?a=1&b=<2>", results), RenderOptions())
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    assert _counts(suite) == (2, 1, 1, 0)
    prop = suite.find("properties/property")
    assert prop is not None
    assert prop.attrib == {"name": "baseUrl", "value": "https://x?a=1&b=<2>"}
    case = suite.find("testcase[@name='n']")
    assert case is not None
    assert case.attrib["classname"] == "specs/<&>.yaml"
    failure = case.find("failure")
    assert failure is not None
    # values are quoted as in the text report, which already escapes every character
    # that is not printable (U+FFFE, illegal in XML, too)
    assert '"a<b>&\\"c\' ]]> \\u0000\\u001b\\ufffe end" -> "x\\ny"' in (failure.text or "")
    error = suite.find("testcase[@name='e']/error")
    assert error is not None
    # the model writes control characters of messages as escapes before XML sees them
    assert error.attrib["message"] == "a<b>&\"c' ]]> \\x00\\x1b\\ufffe end\\nline 2"


def test_clean_keeps_tab_newline_and_text() -> None:
    assert clean("a\tb\nc\rd\x00\x08\x0b\x0c\x0e\x1f\ud800\uffff é 漢") == "a\tb\nc\rd é 漢"


def test_extra_change_attributes_do_not_matter() -> None:
    root = ET.fromstring(render(future_change_report(), RenderOptions()))
    assert _counts(root) == (1, 1, 0, 0)


def test_many_results_count() -> None:
    results = [drifted(f"d{i}") for i in range(30)] + [
        IntegrationResult(integration(f"s{i}", line=0), Status.IN_SYNC) for i in range(20)
    ]
    root = ET.fromstring(render(Report("https://x", results), RenderOptions()))
    assert _counts(root) == (50, 30, 0, 0)
    assert len(root.findall("testsuite/testcase")) == 50
    # line 0 means "the whole file": no line attribute then
    assert "line" not in root.findall("testsuite/testcase")[-1].attrib
    assert Location("f", 0, 0).short == "f"


def test_failure_message_counts_only_drift() -> None:
    item = integration("a")
    changes = (
        Change("changed", "/authType", "A", "B", item.auth_type_source),
        Change("added", "/headers/X", None, "1", item.source, disposition="ignored"),
    )
    root = ET.fromstring(
        render(
            Report("https://x", [IntegrationResult(item, Status.DRIFTED, changes)]), RenderOptions()
        )
    )
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.attrib["message"] == "drifted: 1 change, 1 ignored"
