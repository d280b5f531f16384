"""Differential test: drift's verdict against a small reference model of the README.

The model below is written from the documents only (README "The spec language", "Header
value matchers", "Defaults", "Ignore rules", `drift check`, "Secrets", and the two
dialects of /work/shared/SIGMAMIND_API.md), never from drift's code. Hypothesis generates
a spec (as YAML, loaded through drift's own loader) and a live record, and both sides must
agree on the integration's status and on every finding: which paths are drift, warnings
or ignored, and which drift is drift again because its ignore rule expired.

Where the documents leave a question open, the model decides as a demanding user would;
each decision is marked `DECISION:`.

CI runs the `ci` hypothesis profile (tests/unit/conftest.py); `make verdicts-deep` runs
thousands of random examples more.
"""

from __future__ import annotations

import copy
import datetime
import fnmatch
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drift.commands.check import resolve_env
from drift.judge import ignore
from drift.judge.verdict import judge
from drift.model.desired import DesiredIntegration
from drift.model.live import Fetched
from drift.model.results import IntegrationResult
from drift.spec import yamlload
from drift.spec.load import build_spec

TODAY = datetime.date(2026, 6, 15)
NAME = "shop_main"
AUTH_TYPES = ["NO_AUTH", "BASIC_AUTH", "BEARER_TOKEN", "API_KEY"]
MODES = ["fail", "warn", "ignore"]
RANK = {"drift": 3, "warning": 2, "ignored": 1}


# ======================================================================================
# The reference model
# ======================================================================================


@dataclass(frozen=True)
class Verdict:
    status: str  # in_sync | drifted | not_found | error
    # lower-cased JSON Pointer -> "drift" | "warning" | "ignored" (the strongest finding there)
    findings: dict[str, str] = field(default_factory=dict)
    # paths that are drift (or a warning) again because every rule for them has expired
    expired: frozenset[str] = frozenset()


class Malformed(Exception):
    """The live record breaks the documented shape; `names`: the field at fault."""

    def __init__(self, *names: str) -> None:
        super().__init__(names)
        self.names = names


def canonical(identifier: str) -> str:
    # README: `_` and `-` spellings compare as the same id
    return identifier.replace("-", "_")


def sensitive_name(name: str) -> bool:
    # README "Secrets": four whole names, or a name containing one of seven words
    lowered = name.lower()
    whole = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
    words = ("token", "secret", "key", "password", "passwd", "signature", "session")
    return lowered in whole or any(word in lowered for word in words)


@dataclass(frozen=True)
class Declared:
    name: str
    raw: Any  # the value as written in the spec: a string or a matcher mapping

    @property
    def kind(self) -> str:
        if isinstance(self.raw, str):
            return "equals"
        return next(
            k for k in ("equals", "present", "absent", "pattern", "sha256", "env") if k in self.raw
        )

    def accepts(self, value: str | None, environ: dict[str, str]) -> bool:
        """README "Header value matchers"; value None: the header is missing."""
        kind = self.kind
        if kind == "absent":
            return value is None
        if value is None:
            return False
        if kind == "equals":
            return value == (self.raw if isinstance(self.raw, str) else self.raw["equals"])
        if kind == "present":
            return True
        if kind == "pattern":
            return re.fullmatch(self.raw["pattern"], value) is not None
        if kind == "sha256":
            return hashlib.sha256(value.encode("utf-8")).hexdigest() == self.raw["sha256"].lower()
        return value == environ[self.raw["env"]]  # env

    def secret(self) -> bool:
        if self.kind in ("sha256", "env"):
            return True
        flag = None if isinstance(self.raw, str) else self.raw.get("secret")
        return sensitive_name(self.name) if flag is None else bool(flag)


def declared_headers(doc: dict[str, Any]) -> dict[str, Declared] | None:
    """README "Defaults": headers merge by name, case-insensitively; the integration's win.
    None: neither the defaults nor the integration declare headers (not checked)."""
    defaults = doc.get("defaults") or {}
    entry = doc["integrations"][NAME]
    if "headers" not in defaults and "headers" not in entry:
        return None
    merged: dict[str, Declared] = {}
    # DECISION: `headers: {}` under defaults that declare headers adds nothing (merge by
    # name); "must have none" is what `{}` means when nothing is inherited.
    for source in (defaults.get("headers") or {}, entry.get("headers") or {}):
        for name, raw in source.items():
            merged[name.lower()] = Declared(name, raw)
    # DECISION: `{absent: true}` overriding a default keeps its matcher meaning: the header
    # must not exist (the README's "drops the inherited header" drops the inherited value).
    return merged


def extra_mode(doc: dict[str, Any]) -> str:
    defaults = doc.get("defaults") or {}
    entry = doc["integrations"][NAME]
    return str(
        entry.get("extraHeaders")
        or defaults.get("extraHeaders")
        or doc.get("extraHeaders")
        or "fail"
    )


def rules_for(doc: dict[str, Any]) -> list[dict[str, Any]]:
    entry = doc["integrations"][NAME]
    own = list(entry.get("ignore") or [])
    # DECISION: `integration:` globs are case-sensitive, like --only and --exclude
    shared = [
        r for r in doc.get("ignore") or [] if fnmatch.fnmatchcase(NAME, r.get("integration", "*"))
    ]
    return own + shared


def path_matches(pattern: str, path: str) -> bool:
    """README "Ignore rules": a JSON Pointer where `*` stands for one segment. Issue 11
    item 3: a glob may sit inside a segment (`/headers/X-Trace-*`), and header names
    compare case-insensitively."""
    want, have = pattern.split("/"), path.split("/")
    if len(want) != len(have):
        # DECISION: no prefix matching: `/headers` does not cover `/headers/X`
        return False
    for index, (w, h) in enumerate(zip(want, have, strict=True)):
        header_segment = index == 2 and have[1] == "headers"
        if header_segment:
            w, h = w.lower(), h.lower()
        # DECISION: field names (`authType`, `headers`) are matched as written
        if not fnmatch.fnmatchcase(h, w):
            return False
    return True


@dataclass(frozen=True)
class LiveRecord:
    integration_id: str
    auth_id: str
    auth_type: str
    headers: tuple[tuple[str, str], ...]


def read_record(record: Any) -> LiveRecord:
    """The documented auth record (SIGMAMIND_API.md), in either dialect."""
    if not isinstance(record, dict):
        raise Malformed()
    auth_type = record.get("authType")
    if not isinstance(auth_type, str) or not auth_type:
        raise Malformed("authType")
    # Issue 11 item 4: no integrationId, or an embedded record without authId, is an error.
    # DECISION: the documented record always carries both ids, so a record fetched by its
    # authId without an `authId` field is just as broken (and null is as good as missing).
    ids = {}
    for key in ("integrationId", "authId"):
        value = record.get(key)
        if not isinstance(value, str) or not value:
            raise Malformed(key)
        ids[key] = value
    raw = record.get("headers")
    headers: list[tuple[str, str]] = []
    # DECISION: `headers` missing or null means no headers, like `[]` and `{}` (the API doc
    # asks to tolerate what it leaves unsaid; drift then still reports declared headers).
    if isinstance(raw, list):
        for entry in raw:
            if not isinstance(entry, dict):
                raise Malformed("header", "headers")
            name, value = entry.get("key"), entry.get("value")
            if not isinstance(name, str):
                raise Malformed("key")
            # Issue 11 item 4: an entry without `value`, a null or non-string value
            if not isinstance(value, str):
                raise Malformed("value", name)
            headers.append((name, value))
    elif isinstance(raw, dict):
        for name, value in raw.items():
            if not isinstance(value, str):
                raise Malformed("value", name)
            headers.append((name, value))
    elif raw is not None:
        raise Malformed("headers")
    return LiveRecord(ids["integrationId"], ids["authId"], auth_type, tuple(headers))


def model(doc: dict[str, Any], environ: dict[str, str], body: Any, today: datetime.date) -> Verdict:
    """What the README says `drift check` concludes for integration NAME of `doc`."""
    entry = doc["integrations"][NAME]
    want_auth_id = entry.get("authId")
    record = body
    if want_auth_id is None:
        # README: without authId, the integration's embedded `authentication` is checked;
        # `null`, `{}` or missing: the integration has no auth record (not found)
        if not isinstance(body, dict):
            return Verdict("error")
        record = body.get("authentication")
        if record is None or record == {}:
            return Verdict("not_found")
    try:
        live = read_record(record)
    except Malformed:
        return Verdict("error")
    if canonical(live.integration_id) != canonical(entry["integrationId"]):
        return Verdict("error")
    if want_auth_id is not None and canonical(live.auth_id) != canonical(want_auth_id):
        return Verdict("error")

    found: dict[str, str] = {}

    def finding(path: str, disposition: str) -> None:
        # header names arrive lower-cased; field names as the README writes them
        if RANK[disposition] > RANK.get(found.get(path, ""), 0):
            found[path] = disposition

    defaults = doc.get("defaults") or {}
    want_type = entry.get("authType") or defaults["authType"]
    if live.auth_type.upper() != want_type:
        finding("/authType", "drift")
    declared = declared_headers(doc)
    if declared is not None:  # README: headers absent from the spec are not checked
        values: dict[str, list[str]] = {}
        for name, value in live.headers:
            values.setdefault(name.lower(), []).append(value)
        for lowered, seen in values.items():
            if len(seen) > 1:  # README: the same header twice (in any case) is drift
                finding(f"/headers/{lowered}", "drift")
        for lowered, header in declared.items():
            value = values.get(lowered, [None])[0]
            if not header.accepts(value, environ):
                finding(f"/headers/{lowered}", "drift")
        mode = extra_mode(doc)
        for lowered in values:
            if lowered not in declared and mode != "ignore":
                # DECISION: `extraHeaders` decides for every undeclared header, also under
                # `headers: {}` (whose "must have none" is the default mode, fail)
                finding(f"/headers/{lowered}", "drift" if mode == "fail" else "warning")

    out: dict[str, str] = {}
    expired = set()
    for path, disposition in found.items():
        matching = [r for r in rules_for(doc) if path_matches(r["path"], path)]
        in_force = [
            r
            for r in matching
            if "until" not in r or today <= datetime.date.fromisoformat(r["until"])
        ]
        if in_force:
            # DECISION: a rule in force also marks a warning ignored
            out[path.lower()] = "ignored"
        else:
            out[path.lower()] = disposition
            if matching:
                expired.add(path.lower())
    status = "drifted" if "drift" in out.values() else "in_sync"
    return Verdict(status, out, frozenset(expired))


def secret_values(doc: dict[str, Any], environ: dict[str, str], body: Any) -> dict[str, set[str]]:
    """README "Secrets": per lower-cased header name, the values no report may show."""
    declared = declared_headers(doc) or {}
    record = body.get("authentication") if "authId" not in doc["integrations"][NAME] else body
    live = read_record(record)
    out: dict[str, set[str]] = {}
    for name, value in live.headers:
        header = declared.get(name.lower())
        if header.secret() if header else sensitive_name(name):
            out.setdefault(name.lower(), set()).add(value)
    for lowered, header in declared.items():
        if header.secret():
            if header.kind == "equals":
                literal = header.raw if isinstance(header.raw, str) else header.raw["equals"]
                out.setdefault(lowered, set()).add(literal)
            if header.kind == "env":
                out.setdefault(lowered, set()).add(environ[header.raw["env"]])
    return {k: {v for v in vs if v} for k, vs in out.items()}


# ======================================================================================
# drift's side
# ======================================================================================


@dataclass
class Case:
    doc: dict[str, Any]
    environ: dict[str, str]
    body: Any
    defect: str = ""


def load_item(case: Case) -> tuple[DesiredIntegration, ignore.SharedRules]:
    text = yaml.safe_dump(case.doc, sort_keys=False, allow_unicode=True)
    spec, problems = build_spec([("spec.yaml", lambda: yamlload.parse(text, "spec.yaml"))])
    assert not problems, f"the generator wrote an invalid spec: {problems}"
    [item] = resolve_env(spec.integrations, case.environ)
    return item, ignore.SharedRules(spec.ignores)


def run_drift(case: Case) -> IntegrationResult:
    item, shared = load_item(case)
    fetched = Fetched("ok", body=copy.deepcopy(case.body), http_status=200)
    return judge(item, fetched, shared, TODAY)


def observed(result: IntegrationResult) -> Verdict:
    status = result.status.value
    if status in ("not_found", "error"):
        return Verdict(status)
    found: dict[str, str] = {}
    expired = set()
    for change in result.changes:
        key = change.path.lower()
        if RANK[change.disposition] > RANK.get(found.get(key, ""), 0):
            found[key] = change.disposition
        if change.disposition != "ignored" and "ignore expired on" in (change.note or ""):
            expired.add(key)
    return Verdict(status, found, frozenset(expired))


def describe(result: IntegrationResult) -> str:
    """drift's verdict in short, for assertion messages (values left out: they may be secret)."""
    if result.error is not None:
        return f"{result.status.value}: {result.error.message}"
    changes = [f"{c.kind} {c.path} [{c.disposition}] {c.note or ''}" for c in result.changes]
    return f"{result.status.value}: {changes}"


def check_case(case: Case) -> None:
    """drift must reach the model's verdict, and show no secret value on the way."""
    want = model(case.doc, case.environ, case.body, TODAY)
    result = run_drift(case)
    have = observed(result)
    # separate assertions, so that hypothesis reports each kind of disagreement apart
    assert have.status == want.status, f"model {want}; drift {describe(result)}"
    assert have.findings == want.findings, f"model {want}; drift {describe(result)}"
    assert have.expired == want.expired, f"model {want}; drift {describe(result)}"
    if want.status in ("in_sync", "drifted"):
        secrets = secret_values(case.doc, case.environ, case.body)
        for change in result.changes:
            parts = change.path.split("/")
            hidden = secrets.get(parts[2].lower(), set()) if parts[1] == "headers" else set()
            shown = {change.expected, change.actual}
            assert not shown & hidden, f"a secret value is shown at {change.path}"


# ======================================================================================
# Generators
# ======================================================================================

HEADER_POOL = [
    "X-Request-Source",
    "X-Trace-Id",
    "X-Trace-Span",
    "X-Debug",
    "Accept",
    "X-Version",
    "Authorization",
    "X-Api-Key",
    "X-Client-Id",
    "X-Team",
    "Session-Ref",
]
VALUES = ["sigmamind", "evil", "v1", "v12", "v1x", "true", "", "abc", "Bearer t0k", "ünï"]
PATTERNS = ["v[0-9]+", "sig.*", "[a-z]+", ".*", "a|abc"]
ENV_NAMES = ["PARTNER_KEY", "CLIENT_ID"]
RULE_GLOBS = ["X-Trace-*", "x-trace-*", "X-*", "*", "*-Id", "*-ID", "X-Trace-I?", "*Source", "Acc*"]
UNTIL = [None, TODAY - datetime.timedelta(days=1), TODAY, TODAY + datetime.timedelta(days=1)]
INTEGRATION_GLOBS = ["*", NAME, "shop_*", "*_main", "shop_?ain", "legacy_*", "SHOP_*"]
IDS = ["intg_AuUKK371Spr5", "intg-Pay8Gw3Nv6Rt", "intg_A_b-C"]
AUTH_IDS = ["auth_P3kNz7Yv1Qm9", "auth-Q1_x"]

values = st.sampled_from(VALUES)
extra_names = st.one_of(
    st.sampled_from(HEADER_POOL), st.from_regex(r"X-[A-Za-z]{1,6}", fullmatch=True)
)


def recase(draw: Any, text: str) -> str:
    style = draw(st.sampled_from(["same", "lower", "upper", "mixed"]))
    if style == "lower":
        return text.lower()
    if style == "upper":
        return text.upper()
    if style == "mixed":
        return "".join(c.swapcase() if i % 2 else c for i, c in enumerate(text))
    return text


def respell(draw: Any, identifier: str) -> str:
    """The same id in the other spelling the API uses (SIGMAMIND_API.md)."""
    return draw(
        st.sampled_from([identifier, identifier.replace("_", "-"), identifier.replace("-", "_")])
    )


@st.composite
def matcher_values(draw: Any) -> Any:
    kind = draw(
        st.sampled_from(["plain", "equals", "present", "absent", "pattern", "sha256", "env"])
    )
    if kind == "plain":
        return draw(values)
    raw: dict[str, Any]
    if kind == "equals":
        raw = {"equals": draw(values)}
    elif kind in ("present", "absent"):
        raw = {kind: True}
    elif kind == "pattern":
        raw = {"pattern": draw(st.sampled_from(PATTERNS))}
    elif kind == "sha256":
        digest = hashlib.sha256(draw(values).encode("utf-8")).hexdigest()
        raw = {"sha256": digest.upper() if draw(st.booleans()) else digest}
    else:
        raw = {"env": draw(st.sampled_from(ENV_NAMES))}
    flag = draw(st.sampled_from([None, None, True, False]))
    if flag is not None:
        raw["secret"] = flag
    return raw


@st.composite
def header_maps(draw: Any, min_size: int = 0, max_size: int = 4) -> dict[str, Any]:
    names = draw(
        st.lists(st.sampled_from(HEADER_POOL), min_size=min_size, max_size=max_size, unique=True)
    )
    return {recase(draw, name): draw(matcher_values()) for name in names}


@st.composite
def rule_paths(draw: Any, header_globs: bool) -> str:
    kind = draw(st.sampled_from(["authType", "header", "glob", "glob", "star", "bare"]))
    if kind == "authType":
        return "/authType"
    if kind == "star":
        return draw(st.sampled_from(["/*", "/headers/*"]))
    if kind == "bare":
        return "/headers"
    if kind == "glob" and header_globs:
        return "/headers/" + recase(draw, draw(st.sampled_from(RULE_GLOBS)))
    return "/headers/" + recase(draw, draw(st.sampled_from(HEADER_POOL)))


@st.composite
def rules(draw: Any, top_level: bool, header_globs: bool = True) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        rule: dict[str, Any] = {}
        if top_level and draw(st.booleans()):
            rule["integration"] = draw(st.sampled_from(INTEGRATION_GLOBS))
        rule["path"] = draw(rule_paths(header_globs))
        rule["reason"] = "accepted for now"
        until = draw(st.sampled_from(UNTIL))
        if until is not None:
            rule["until"] = until.isoformat()
        out.append(rule)
    return out


@st.composite
def specs(
    draw: Any, header_globs: bool = True, few_declared: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """A valid spec with one integration, NAME; `few_declared`: it declares one or two
    headers and inherits none."""
    doc: dict[str, Any] = {"version": 1}
    if draw(st.integers(0, 3)) == 3:
        doc["extraHeaders"] = draw(st.sampled_from(MODES))
    defaults: dict[str, Any] = {}
    if draw(st.booleans()):
        defaults["authType"] = draw(st.sampled_from(AUTH_TYPES))
    if not few_declared and draw(st.integers(0, 2)) == 2:
        defaults["headers"] = draw(header_maps(max_size=2))
    if draw(st.integers(0, 3)) == 3:
        defaults["extraHeaders"] = draw(st.sampled_from(MODES))
    if defaults:
        doc["defaults"] = defaults
    entry: dict[str, Any] = {"integrationId": draw(st.sampled_from(IDS))}
    if draw(st.booleans()):
        entry["authId"] = draw(st.sampled_from(AUTH_IDS))
    if "authType" not in defaults or draw(st.booleans()):
        entry["authType"] = draw(st.sampled_from(AUTH_TYPES))
    shape = draw(st.sampled_from(["map", "map", "map", "empty", "none"]))
    if few_declared:
        entry["headers"] = draw(header_maps(min_size=1, max_size=2))
    elif shape == "map":
        entry["headers"] = draw(header_maps())
    elif shape == "empty":
        entry["headers"] = {}
    if draw(st.booleans()):
        entry["extraHeaders"] = draw(st.sampled_from(MODES))
    own = draw(rules(top_level=False, header_globs=header_globs))
    if own:
        entry["ignore"] = own
    doc["integrations"] = {NAME: entry}
    shared = draw(rules(top_level=True, header_globs=header_globs))
    if shared:
        doc["ignore"] = shared
    environ = {name: draw(values) for name in ENV_NAMES}
    return doc, environ


def near_value(draw: Any, header: Declared, environ: dict[str, str]) -> str | None:
    """A live value for a declared header: often one that satisfies it, else any."""
    choice = draw(st.sampled_from(["omit", "target", "target", "any"]))
    if choice == "omit":
        return None
    if choice == "any" or header.kind in ("present", "absent", "pattern"):
        return str(draw(values))
    if header.kind == "env":
        return environ[header.raw["env"]]
    if header.kind == "sha256":
        preimages = [v for v in VALUES if header.accepts(v, environ)]
        return preimages[0] if preimages else str(draw(values))
    return header.raw if isinstance(header.raw, str) else str(header.raw["equals"])


@st.composite
def live_bodies(
    draw: Any, doc: dict[str, Any], environ: dict[str, str], min_extras: int = 0
) -> Any:
    entry = doc["integrations"][NAME]
    declared = declared_headers(doc) or {}
    pairs: list[tuple[str, str]] = []
    for header in declared.values():
        value = near_value(draw, header, environ)
        if value is not None:
            pairs.append((recase(draw, header.name), value))
    for _ in range(draw(st.integers(min_extras, max(min_extras, 6)))):
        pairs.append((recase(draw, draw(extra_names)), draw(values)))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        if pairs:
            name, _value = pairs[draw(st.integers(0, len(pairs) - 1))]
            pairs.append((recase(draw, name), draw(values)))  # the same header again
    pairs = list(draw(st.permutations(pairs)))
    headers: Any
    if draw(st.booleans()):
        headers = [{"key": name, "value": value} for name, value in pairs]
    else:
        headers = dict(pairs)  # the map dialect (an exact repeat of a name collapses)
    if not pairs:
        headers = draw(st.sampled_from([[], {}, None, "missing"]))
    want_type = entry.get("authType") or doc["defaults"]["authType"]
    rare = draw(st.integers(0, 3)) == 3  # another type; shrinks towards the declared one
    auth_type = draw(st.sampled_from(AUTH_TYPES)) if rare else want_type
    record: dict[str, Any] = {
        "authId": respell(draw, entry.get("authId") or "auth_Emb3dd3d"),
        "integrationId": respell(draw, entry["integrationId"]),
        "authType": recase(draw, auth_type),
        "headers": headers,
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": draw(st.sampled_from(["2023-11-07T05:31:56Z", "2024-01-15T09:12:44.000Z"])),
    }
    if headers == "missing":
        del record["headers"]
    if draw(st.integers(0, 3)) == 3:
        record["status"] = "active"  # undocumented extra fields
        record["providerType"] = {"name": "custom"}
    if draw(st.integers(0, 9)) == 9:  # the wrong record
        record[draw(st.sampled_from(["integrationId", "authId"]))] = "intg_Someone_else"
    if "authId" in entry:
        return record
    embedded: Any = record
    if draw(st.integers(0, 9)) == 9:
        embedded = draw(st.sampled_from([None, {}, "missing"]))
    body = {"integrationId": entry["integrationId"], "name": "My Shop", "tools": []}
    if embedded != "missing":
        body["authentication"] = embedded
    return body


@st.composite
def cases(
    draw: Any, min_extras: int = 0, header_globs: bool = True, few_declared: bool = False
) -> Case:
    doc, environ = draw(specs(header_globs=header_globs, few_declared=few_declared))
    return Case(doc, environ, draw(live_bodies(doc, environ, min_extras)))


# ======================================================================================
# Properties
# ======================================================================================


@given(cases())
def test_verdict_matches_the_model(case: Case) -> None:
    check_case(case)


@given(cases(min_extras=4, header_globs=False, few_declared=True))
def test_verdict_with_many_undeclared_headers(case: Case) -> None:
    """Issue 11 item 1: four or more undeclared live headers must not hide a declared one."""
    check_case(case)


@given(cases(header_globs=True))
def test_ignore_rules_with_globs_and_expiry(case: Case) -> None:
    """Issue 11 item 3: globs inside a segment, header names in any case, `until`."""
    has_rules = "ignore" in case.doc or "ignore" in case.doc["integrations"][NAME]
    if has_rules:
        check_case(case)


def _force_list(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's headers as a non-empty list of entries (the modern dialect)."""
    headers = record.get("headers")
    if isinstance(headers, dict):
        headers = [{"key": k, "value": v} for k, v in headers.items()]
    if not isinstance(headers, list) or not headers:
        headers = [{"key": "X-Team", "value": "revenue"}]
    record["headers"] = headers
    return headers


def _first_entry(record: dict[str, Any]) -> dict[str, Any]:
    return _force_list(record)[0]


# Each defect makes a well-formed record break the documented shape; status must be
# `error`, with a message naming the field: (name, damage, words the message may use).
Defect = tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]
DEFECTS: list[Defect] = [
    # issue 11 item 4
    ("no integrationId", lambda r: r.pop("integrationId"), ("integrationId",)),
    ("integrationId null", lambda r: r.update(integrationId=None), ("integrationId",)),
    ("no authId", lambda r: r.pop("authId"), ("authId",)),
    ("entry without value", lambda r: _first_entry(r).pop("value"), ("value",)),
    ("null value", lambda r: _first_entry(r).update(value=None), ("value",)),
    ("number value", lambda r: _first_entry(r).update(value=42), ("value",)),
    ("boolean value", lambda r: _first_entry(r).update(value=True), ("value",)),
    ("list value", lambda r: _first_entry(r).update(value=["a"]), ("value",)),
    ("null map value", lambda r: r.update(headers={"X-Team": None}), ("value", "X-Team")),
    ("number map value", lambda r: r.update(headers={"X-Team": 7}), ("value", "X-Team")),
    # shapes drift refuses today as well
    ("entry without key", lambda r: _first_entry(r).pop("key"), ("key",)),
    ("entry not an object", lambda r: r.update(headers=[["X-Team", "x"]]), ("header",)),
    ("headers a string", lambda r: r.update(headers="X-Team: x"), ("headers",)),
    ("no authType", lambda r: r.pop("authType"), ("authType",)),
]


@st.composite
def malformed_cases(draw: Any, defect: Defect) -> Case:
    doc, environ = draw(specs())
    name, damage, _ = defect
    embedded = draw(st.booleans())
    entry = doc["integrations"][NAME]
    if embedded:
        entry.pop("authId", None)
    else:
        entry["authId"] = AUTH_IDS[0]
    body = draw(live_bodies(doc, environ))
    record = body if not embedded else body.get("authentication")
    if not isinstance(record, dict) or not record:
        record = {
            "authId": "auth_Emb3dd3d",
            "integrationId": entry["integrationId"],
            "authType": "API_KEY",
            "headers": [],
        }
        body["authentication"] = record
    # the ids must be right, so that the defect is the only thing wrong
    record["integrationId"] = entry["integrationId"]
    record["authId"] = entry.get("authId", "auth_Emb3dd3d")
    damage(record)
    return Case(doc, environ, body, defect=f"{name} ({'embedded' if embedded else 'by authId'})")


@pytest.mark.parametrize("defect", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_malformed_records_are_errors(defect: Defect) -> None:
    # fourteen defects: a fifth of the profile's examples each keeps the whole test quick
    @settings(max_examples=max(5, settings.default.max_examples // 5))
    @given(malformed_cases(defect))
    def check(case: Case) -> None:
        assert model(case.doc, case.environ, case.body, TODAY).status == "error"
        result = run_drift(case)
        assert result.status.value == "error", f"{case.defect}: {result.status.value}"
        message = result.error.message if result.error else ""
        assert any(word in message for word in defect[2]), (
            f"{case.defect}: the message does not name {' or '.join(defect[2])}: {message}"
        )

    check()


# ======================================================================================
# The and the README's own examples, written out
# ======================================================================================


def spec_of(
    headers: dict[str, Any] | None,
    mode: str | None = None,
    rules: list[dict[str, Any]] | None = None,
    auth_id: str | None = "auth_P3kNz7Yv1Qm9",
) -> dict[str, Any]:
    entry: dict[str, Any] = {"integrationId": "intg_AuUKK371Spr5", "authType": "API_KEY"}
    if auth_id:
        entry["authId"] = auth_id
    if headers is not None:
        entry["headers"] = headers
    if mode:
        entry["extraHeaders"] = mode
    doc: dict[str, Any] = {"version": 1, "integrations": {NAME: entry}}
    if rules:
        doc["ignore"] = rules
    return doc


def record_of(headers: Any, **extra: Any) -> dict[str, Any]:
    return {
        "authId": "auth_P3kNz7Yv1Qm9",
        "integrationId": "intg_AuUKK371Spr5",
        "authType": "API_KEY",
        "headers": headers,
        **extra,
    }


FOUR = [
    {"key": "X-Request-Source", "value": "evil"},
    {"key": "X-A", "value": "1"},
    {"key": "X-B", "value": "2"},
    {"key": "X-C", "value": "3"},
]
SIGMA = hashlib.sha256(b"sigmamind").hexdigest()
TRACE = [{"integration": "shop_*", "path": "/headers/X-Trace-*", "reason": "tracing rollout"}]

EXAMPLES: list[tuple[str, Case, Verdict]] = [
    (
        "item 1: changed header among three extras, extraHeaders ignore",
        Case(spec_of({"X-Request-Source": "sigmamind"}, "ignore"), {}, record_of(FOUR)),
        Verdict("drifted", {"/headers/x-request-source": "drift"}),
    ),
    (
        "item 1: unmet sha256 among four extras",
        Case(
            spec_of({"X-Request-Source": {"sha256": SIGMA}}, "ignore"),
            {},
            record_of([*FOUR, {"key": "X-D", "value": "4"}]),
        ),
        Verdict("drifted", {"/headers/x-request-source": "drift"}),
    ),
    (
        "item 1: unmet pattern among four extras, map dialect",
        Case(
            spec_of({"X-Version": {"pattern": "v[0-9]+"}}, "warn"),
            {},
            record_of({"X-Version": "beta", "X-A": "1", "X-B": "2", "X-C": "3", "X-D": "4"}),
        ),
        Verdict(
            "drifted",
            {
                "/headers/x-version": "drift",
                "/headers/x-a": "warning",
                "/headers/x-b": "warning",
                "/headers/x-c": "warning",
                "/headers/x-d": "warning",
            },
        ),
    ),
    (
        "item 3: the README's /headers/X-Trace-* ignores X-Trace-Id",
        Case(
            spec_of({"X-Request-Source": "sigmamind"}, rules=TRACE),
            {},
            record_of(
                [
                    {"key": "X-Request-Source", "value": "sigmamind"},
                    {"key": "x-trace-id", "value": "abc"},
                ]
            ),
        ),
        Verdict("in_sync", {"/headers/x-trace-id": "ignored"}),
    ),
    (
        "item 3: after `until` the glob's finding is drift again",
        Case(
            spec_of({}, rules=[{**TRACE[0], "until": "2026-06-14"}]),
            {},
            record_of({"X-Trace-Id": "abc"}),
        ),
        Verdict("drifted", {"/headers/x-trace-id": "drift"}, frozenset({"/headers/x-trace-id"})),
    ),
    (
        "item 4: a record without integrationId",
        Case(
            spec_of({}), {}, {"authId": "auth_P3kNz7Yv1Qm9", "authType": "API_KEY", "headers": []}
        ),
        Verdict("error"),
    ),
    (
        "item 4: an embedded record without authId",
        Case(
            spec_of({}, auth_id=None),
            {},
            {
                "integrationId": "intg_AuUKK371Spr5",
                "authentication": {
                    "integrationId": "intg-AuUKK371Spr5",
                    "authType": "api_key",
                    "headers": {},
                },
            },
        ),
        Verdict("error"),
    ),
    (
        "item 4: a header entry without value",
        Case(spec_of(None), {}, record_of([{"key": "X-Team"}])),
        Verdict("error"),
    ),
    (
        "item 4: a null header value",
        Case(spec_of(None), {}, record_of({"X-Team": None})),
        Verdict("error"),
    ),
    (
        "item 4: a non-string header value",
        Case(spec_of(None), {}, record_of([{"key": "X-Team", "value": 7}])),
        Verdict("error"),
    ),
    (
        "README: the same header twice, in another case, is drift",
        Case(
            spec_of({"X-Team": "revenue"}),
            {},
            record_of([{"key": "X-Team", "value": "revenue"}, {"key": "x-team", "value": "x"}]),
        ),
        Verdict("drifted", {"/headers/x-team": "drift"}),
    ),
    (
        "README: a default header dropped with {absent: true}",
        Case(
            {
                "version": 1,
                "defaults": {"authType": "API_KEY", "headers": {"X-Request-Source": "sigmamind"}},
                "integrations": {
                    NAME: {
                        "integrationId": "intg_AuUKK371Spr5",
                        "headers": {"x-request-source": {"absent": True}},
                    }
                },
            },
            {},
            {
                "integrationId": "intg_AuUKK371Spr5",
                "authentication": record_of([], authId="auth_Emb"),
            },
        ),
        Verdict("in_sync"),
    ),
]


@pytest.mark.parametrize(
    ("case", "expected"),
    [(case, expected) for _, case, expected in EXAMPLES],
    ids=[title for title, _, _ in EXAMPLES],
)
def test_documented_examples(case: Case, expected: Verdict) -> None:
    assert model(case.doc, case.environ, case.body, TODAY) == expected  # the model itself
    check_case(case)
