"""Hand-built reports for the reporter tests (a plain module: conftest.py is not importable
by name once other test folders have one too)."""

from __future__ import annotations

from dataclasses import dataclass

from drift.errors import Location
from drift.model.matchers import Matcher
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, RunStats, Status
from drift.spec.load import DesiredHeader, DesiredIntegration

COMMERCE = "specs/commerce.yaml"
PLATFORM = "specs/platform.yaml"


def integration(
    name: str,
    file: str = COMMERCE,
    line: int = 5,
    *,
    auth_id: str | None = "auth_x",
    headers: tuple[DesiredHeader, ...] | None = None,
    integration_id: str = "intg_x",
) -> DesiredIntegration:
    return DesiredIntegration(
        name=name,
        integration_id=integration_id,
        auth_id=auth_id,
        auth_type="API_KEY",
        headers=headers,
        source=Location(file, line, 3),
        auth_type_source=Location(file, line + 3, 5),
    )


def drifted(name: str, file: str = COMMERCE, line: int = 5, value: str = "x") -> IntegrationResult:
    """One drifted integration with a single changed header declared on its own line."""
    header = DesiredHeader("X-Tenant", Matcher("equals", value), Location(file, line + 4, 7))
    item = integration(name, file, line, headers=(header,))
    change = Change("changed", "/headers/X-Tenant", value, "other", header.source)
    return IntegrationResult(item, Status.DRIFTED, (change,))


def build_sample() -> Report:
    payments = DesiredIntegration(
        name="payments_gateway",
        integration_id="intg_Pay8Gw3Nv6Rt",
        auth_id="auth_Pay2Kd5Hs9Lm",
        auth_type="API_KEY",
        headers=(
            DesiredHeader(
                "X-Request-Source", Matcher("equals", "sigmamind-pay"), Location(COMMERCE, 18, 7)
            ),
            DesiredHeader("X-Tenant", Matcher("equals", "acme"), Location(COMMERCE, 19, 7)),
        ),
        source=Location(COMMERCE, 13, 3),
        auth_type_source=Location(COMMERCE, 16, 5),
    )
    changes = (
        Change(
            "changed", "/authType", "API_KEY", "BEARER_TOKEN", payments.field_source("/authType")
        ),
        Change("added", "/headers/X-Debug", None, "1", payments.field_source("/headers/X-Debug")),
        Change(
            "added",
            "/headers/X-Request-Source",
            None,
            "other",
            payments.field_source("/headers/X-Request-Source"),
            note="the live record has this header more than once",
        ),
        Change(
            "removed", "/headers/X-Tenant", "acme", None, payments.field_source("/headers/X-Tenant")
        ),
    )
    crm_header = DesiredHeader("X-Team", Matcher("equals", "revenue"), Location(PLATFORM, 24, 7))
    crm = integration("crm_sync", PLATFORM, 20, auth_id=None, headers=(crm_header,))
    crm_changes = (
        Change(
            "changed",
            "/headers/X-Team",
            "revenue",
            "sales",
            crm_header.source,
            note="ignored: team rename in progress (until 2099-01-01)",
            disposition="ignored",
        ),
        Change("added", "/headers/X-Trace", None, "abc", crm.source, disposition="warning"),
    )
    inventory = integration(
        "inventory_api", line=20, auth_id=None, integration_id="intg_Inv9Ap2Ty5Wd"
    )
    shopify = integration("shopify_store", PLATFORM, 4, auth_id="auth_P3kNz7Yv1Qm9")
    weather = integration("weather_feed", PLATFORM, 9, auth_id="auth_Wth6Ln4Jp1Ks")
    return Report(
        "https://api.example.test",
        [
            IntegrationResult(crm, Status.IN_SYNC, crm_changes),
            IntegrationResult(inventory, Status.IN_SYNC),
            IntegrationResult(payments, Status.DRIFTED, changes),
            IntegrationResult(
                shopify,
                Status.NOT_FOUND,
                error=ErrorInfo("the auth record does not exist (HTTP 404)", 404),
            ),
            IntegrationResult(
                weather,
                Status.ERROR,
                error=ErrorInfo("HTTP 500 after 4 attempts: upstream exploded", 500),
            ),
        ],
        RunStats(requests=7, retries=3, throttled=0),
        declared=5,
    )


@dataclass(frozen=True)
class FutureChange(Change):
    """A Change with an attribute a later version might add; reporters must not care."""

    ignored: str | None = None


def future_change_report() -> Report:
    """One drifted integration whose change is a FutureChange (`~ /authType: "A" -> "B"`)."""
    item = integration("a")
    change = FutureChange("changed", "/authType", "A", "B", item.auth_type_source, ignored="why")
    return Report("https://x", [IntegrationResult(item, Status.DRIFTED, (change,))])
