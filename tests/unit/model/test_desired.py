"""drift.model.desired: the spec digest that tells whether reports came from the same spec."""

from __future__ import annotations

from drift.model.desired import Spec, spec_digest
from drift.spec.load import build_spec
from drift.spec.yamlload import parse

SPEC = """version: 1
integrations:
  shop:
    integrationId: intg_A
    authType: API_KEY
    headers: {X-Source: web, Authorization: secret-value-1}
ignore:
  - {integration: shop, path: /authType, reason: r}
"""


def _spec(text: str) -> Spec:
    spec, problems = build_spec([("s.yaml", lambda: parse(text, "s.yaml"))])
    assert problems == []
    return spec


def _digest(text: str) -> str:
    spec = _spec(text)
    return spec_digest(spec.integrations, spec.ignores)


def test_the_digest_is_of_the_desired_state_not_of_the_text() -> None:
    reformatted = "# a comment\n" + SPEC.replace("{X-Source: web, ", "{ X-Source: 'web', ")
    assert _digest(SPEC) == _digest(reformatted)
    assert len(_digest(SPEC)) == 64


def test_every_part_of_the_desired_state_counts() -> None:
    base = _digest(SPEC)
    for old, new in [
        ("X-Source: web", "X-Source: app"),
        ("secret-value-1", "secret-value-2"),
        ("authType: API_KEY", "authType: NO_AUTH"),
        ("reason: r", "reason: other"),
        ("path: /authType", "path: /headers/X"),
        ("  shop:", "  store:"),
    ]:
        changed = SPEC.replace(old, new).replace("integration: shop", "integration: '*'")
        assert _digest(changed) != base, (old, new)
