"""JUnit XML report: one test case per integration, for CI test-result views.

drifted and not_found are failures (the check ran and the record is wrong), error is an
error (the record could not be checked). Built with ElementTree so that escaping is
always right; characters XML 1.0 cannot hold at all are removed first.

The output keeps to junit-10.xsd (Jenkins' xUnit plugin, pytest's xunit2): no `file` or
`line` on a test case (the spec line is in the failure text) and no `skipped` on the root.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePath

from drift.model.results import IntegrationResult, Report, Status
from drift.reporters import RenderOptions

# text.py has the wording of the change lines; JUnit shows the same lines, uncoloured
from drift.reporters.wording import block, changes_phrase

# Control characters other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF are
# not allowed anywhere in an XML 1.0 document, not even escaped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _message(result: IntegrationResult) -> str:
    if result.error is not None:
        return result.error.message
    return f"drifted: {changes_phrase(result.changes)}"


def classname(spec_file: str) -> str:
    """`drift.<spec file stem>`: CI views group by what comes before the last dot, so the
    stem's own dots become underscores."""
    stem = PurePath(spec_file).stem.replace(".", "_") or "spec"
    return f"drift.{stem}"


def _testcase(suite: ET.Element, result: IntegrationResult) -> None:
    attrs = {"classname": clean(classname(result.desired.source.file)), "name": clean(result.name)}
    case = ET.SubElement(suite, "testcase", attrs)
    text = clean("\n".join(block(result)) + "\n")
    if result.status is Status.IN_SYNC:
        if result.changes:  # ignored findings and warnings: a pass, but worth a look
            ET.SubElement(case, "system-out").text = text
        return
    tag = "error" if result.status is Status.ERROR else "failure"
    outcome = ET.SubElement(
        case, tag, {"message": clean(_message(result)), "type": result.status.value}
    )
    outcome.text = text


def render(report: Report, options: RenderOptions) -> str:
    summary = report.summary()
    counts = {
        "tests": str(summary["total"]),
        "failures": str(summary["drifted"] + summary["notFound"]),
        "errors": str(summary["errors"]),
    }
    root = ET.Element("testsuites", {"name": "drift", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "drift", **counts, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "baseUrl", "value": clean(report.base_url)})
    for result in report.results:
        _testcase(suite, result)
    ET.indent(root)
    # the declaration is written by hand: ElementTree's spells the encoding in lower case
    # and in single quotes, and reports are always written as UTF-8
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
