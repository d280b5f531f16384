"""The JUnit report: counts, escaping, and conformance with junit-10.xsd.

tests/reporters/junit-10.xsd is the JUnit schema of the Jenkins xUnit plugin,
src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd in
github.com/jenkinsci/xunit-plugin (commit 031e285ef3b60dee7aaf36e9096d7dcd95ffae83, MIT
licence in its header), unchanged. pytest validates its xunit2 output against its own copy
(testing/example_scripts/junit-10.xsd), which differs only in allowing a `version` on
`testsuite` and fewer decimals in `time`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from reporter_samples import drifted, future_change_report, integration

from drift.errors import Location
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions, get_reporter
from drift.reporters.junit import classname, clean, render

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
CASES = sorted((HERE.parents[1] / "acceptance" / "check" / "cases").glob("*/expected.xml"))


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(HERE / "junit-10.xsd")


def test_golden(sample: Report) -> None:
    assert render(sample, RenderOptions()) == (GOLDEN / "sample.xml").read_text()


def test_registered_as_junit(sample: Report) -> None:
    assert get_reporter("junit")(sample, RenderOptions()) == render(sample, RenderOptions())


def _counts(element: ET.Element) -> tuple[int, int, int]:
    return tuple(int(element.attrib[k]) for k in ("tests", "failures", "errors"))  # type: ignore[return-value]


def test_counts_agree_with_testcases(sample: Report) -> None:
    root = ET.fromstring(render(sample, RenderOptions()))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert _counts(root) == _counts(suite) == (5, 2, 1)
    assert "skipped" not in root.attrib  # junit-10.xsd has none on testsuites
    assert suite.attrib["skipped"] == "0"
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
    # no file/line attributes (not in junit-10.xsd): the spec line is in the text
    assert by_name["weather_feed"].attrib == {"classname": "drift.platform", "name": "weather_feed"}
    assert "specs/platform.yaml:9)" in (error.text or "")


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
    assert _counts(suite) == (2, 1, 1)
    prop = suite.find("properties/property")
    assert prop is not None
    assert prop.attrib == {"name": "baseUrl", "value": "https://x?a=1&b=<2>"}
    case = suite.find("testcase[@name='n']")
    assert case is not None
    assert case.attrib["classname"] == "drift.<&>"
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
    assert _counts(root) == (1, 1, 0)


def test_many_results_count() -> None:
    results = [drifted(f"d{i}") for i in range(30)] + [
        IntegrationResult(integration(f"s{i}", line=0), Status.IN_SYNC) for i in range(20)
    ]
    root = ET.fromstring(render(Report("https://x", results), RenderOptions()))
    assert _counts(root) == (50, 30, 0)
    assert len(root.findall("testsuite/testcase")) == 50
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


def test_classname_is_dotted_for_grouping() -> None:
    assert classname("specs/platform.yaml") == "drift.platform"
    assert classname("team/prod.v2.yml") == "drift.prod_v2"  # one level under drift
    assert classname("/abs/path/a.yaml") == "drift.a"
    assert classname("") == "drift.spec"


def test_sample_is_valid_junit_10(sample: Report, schema: xmlschema.XMLSchema) -> None:
    schema.validate(render(sample, RenderOptions()))
    schema.validate((GOLDEN / "sample.xml").read_text(encoding="utf-8"))


def test_hostile_and_large_reports_are_valid_junit_10(schema: xmlschema.XMLSchema) -> None:
    nasty = "a<b>&\"c' ]]> \x00\x1b\ufffe end"
    item = integration(nasty, f"specs/{nasty}.yaml")
    change = Change("changed", "/authType", nasty, "x\ny", item.auth_type_source, note=nasty)
    results = [
        IntegrationResult(item, Status.DRIFTED, (change,)),
        IntegrationResult(integration("e"), Status.ERROR, error=ErrorInfo(nasty)),
        IntegrationResult(integration("s"), Status.IN_SYNC),
        *(drifted(f"d{i}") for i in range(20)),
    ]
    schema.validate(render(Report(f"https://x?{nasty}", results), RenderOptions()))
    schema.validate(render(Report("https://x", []), RenderOptions()))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.parent.name)
def test_check_case_golden_files_are_valid_junit_10(
    path: Path, schema: xmlschema.XMLSchema
) -> None:
    schema.validate(path.read_text(encoding="utf-8"))


def test_cases_were_found() -> None:
    assert len(CASES) > 20
