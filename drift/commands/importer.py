"""`drift import`: write a spec from live records, secrets pinned by SHA-256 only.

Live values are hostile input: every one is written as a double-quoted scalar, and each
entry is read back and validated before anything is written. A record that does not
fit the spec language (an unknown authType, a header name that is not a token) fails the
import, like a record that could not be fetched: nothing is written, exit 3.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drift.errors import DriftError, ExitCode, SpecError, UsageError
from drift.live.normalize import ShapeError, canonical_timestamp, embedded_auth, normalize_auth
from drift.model.desired import canonical_id, record_key
from drift.model.live import Fetched, Target
from drift.model.matchers import looks_sensitive
from drift.secret import holds_known, sha256_hex
from drift.spec import yamlload
from drift.spec.load import build_spec, load_spec

_SHOWN_FAILURES = 3


class ImportFailed(DriftError):
    exit_code = ExitCode.INCOMPLETE


@dataclass(frozen=True)
class Imported:
    name: str
    comment: str
    integration_id: str
    auth_id: str | None
    auth_type: str
    headers: tuple[tuple[str, str], ...]


def parse_ids(values: Sequence[str], source: str | None = None) -> list[Target]:
    """INTEGRATION_ID[:AUTH_ID] values, each target once; `#` starts a comment. With
    `source`, the values are that file's lines and a bad one is reported at SOURCE:LINE."""
    out = []
    for number, raw in enumerate(values, 1):
        value = raw.split("#", 1)[0].strip()
        if not value:
            continue
        integration_id, _, auth_id = value.partition(":")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", integration_id) or (
            auth_id and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", auth_id)
        ):
            where = f"{source}:{number}: " if source else ""
            raise UsageError(f"{where}{value!r} is not INTEGRATION_ID[:AUTH_ID]")
        target = Target(integration_id, auth_id or None)
        if target not in out:  # the same id twice is one integration
            out.append(target)
    return out


def snake_name(text: str, fallback: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name[:100] if name and name[0].isalnum() else fallback


def _one_line(text: object) -> str:
    """Text for a YAML comment: anything YAML could take for a line break (U+2028, NEL)
    or a terminal for a command becomes a space."""
    return re.sub(r"\s+", " ", "".join(c if c.isprintable() else " " for c in str(text)))[:200]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`: printable
    characters as they are (emoji too), everything else as an escape."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            n = ord(c)
            out.append(
                f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"
            )
    return '"' + "".join(out) + '"'


def build(
    targets: Sequence[Target],
    integrations: Sequence[Fetched],
    records: Sequence[Fetched | None],
    taken: set[str],
) -> list[Imported]:
    """Turn fetched records into spec entries; raises ImportFailed listing every failure."""
    failures = []
    out = []
    for target, integ, record in zip(targets, integrations, records, strict=True):
        label = target.integration_id + (f":{target.auth_id}" if target.auth_id else "")
        if integ.kind != "ok" or (record is not None and record.kind != "ok"):
            bad = integ if integ.kind != "ok" else record
            assert bad is not None
            failures.append(
                f"{label}: {'not found (HTTP 404)' if bad.kind == 'not_found' else bad.message}"
            )
            continue
        try:
            raw_auth: Any = record.body if record is not None else embedded_auth(integ.body)
            if raw_auth is None:
                failures.append(f"{label}: the integration has no auth record")
                continue
            live = normalize_auth(raw_auth)
        except ShapeError as exc:
            failures.append(f"{label}: unexpected response shape: {exc}")
            continue
        body = integ.body if isinstance(integ.body, dict) else {}
        live_name = str(body.get("name") or target.integration_id)
        base = snake_name(live_name, canonical_id(target.integration_id).lower())
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        updated = canonical_timestamp(body.get("updatedAt")) or live.updated_at
        seen: set[str] = set()
        headers = []
        for header, value in live.headers:
            if header.lower() not in seen:
                seen.add(header.lower())
                headers.append((header, value))
        item = Imported(
            name,
            f"{_one_line(live_name)}, updated {_one_line(updated or 'unknown')}",
            target.integration_id,
            target.auth_id,
            live.auth_type,
            tuple(headers),
        )
        unfit = unfit_reason(item)
        if unfit:
            failures.append(f"{label}: {unfit}")
            continue
        out.append(item)
    if failures:
        # one line stays readable: the first few failures, then how many more
        shown = "; ".join(failures[:_SHOWN_FAILURES])
        more = len(failures) - _SHOWN_FAILURES
        raise ImportFailed(
            f"nothing written; {len(failures)} of {len(targets)} failed: {shown}"
            + (f"; and {more} more" if more > 0 else "")
        )
    return out


def _pinned(header: str, value: str) -> bool:
    """Pinned by SHA-256 only: a secret header, or a value holding a secret drift knows."""
    return looks_sensitive(header) or holds_known(value)


def unfit_reason(item: Imported) -> str | None:
    """Why `item` cannot go into a spec, or None. The entry is rendered alone, read back
    and validated like any spec, and must read back exactly as meant: no live value can
    add a key, a rule or a setting to the spec."""
    display = "<import>"
    text = HEADER + render_entries([item])
    try:
        spec, problems = build_spec([(display, lambda: yamlload.parse(text, display))])
    except yamlload.YamlError as exc:  # pragma: no cover - quoting makes this unreachable
        return f"the live record cannot be written as YAML: {exc.message}"
    if problems:
        problem = problems[0]
        where = problem.path.split(".", 2)[2] if problem.path.count(".") >= 2 else problem.path
        at = f"{where}: " if where else ""
        return f"the live record does not fit the spec language: {at}{problem.message}"
    [got] = spec.integrations
    expected = [
        (h, "sha256" if _pinned(h, v) else "equals", sha256_hex(v) if _pinned(h, v) else v)
        for h, v in item.headers
    ]
    read_back = [(h.name, h.matcher.kind, h.matcher.argument) for h in got.headers or ()]
    if (
        got.integration_id != item.integration_id
        or got.auth_id != item.auth_id
        or got.auth_type != item.auth_type
        or read_back != expected
        or got.ignores
        or spec.ignores
        or got.tags
        or got.extra_headers != "fail"
    ):  # pragma: no cover - a defence: quoting makes this unreachable
        return "the live record does not read back as written"
    return None


def render_entries(items: Sequence[Imported], indent: int = 2) -> str:
    """YAML for the entries under `integrations:`, indented by `indent` spaces a level to
    match the file they join. Values are double-quoted scalars: no quoting surprises."""
    one, two, three = (" " * (indent * n) for n in (1, 2, 3))
    lines = []
    for item in items:
        lines += [
            f"{one}# {item.comment}",
            f"{one}{item.name}:",
            f"{two}integrationId: {_quoted(item.integration_id)}",
        ]
        if item.auth_id:
            lines.append(f"{two}authId: {_quoted(item.auth_id)}")
        lines.append(f"{two}authType: {_quoted(item.auth_type)}")
        lines.append(f"{two}headers:" + ("" if item.headers else " {}"))
        for header, value in item.headers:
            if _pinned(header, value):
                lines.append(f"{three}{_quoted(header)}: {{sha256: {sha256_hex(value)}}}")
            else:
                lines.append(f"{three}{_quoted(header)}: {_quoted(value)}")
        lines.append("")
    return "\n".join(lines)


def modeline(display: str) -> str:
    """The editor's schema line: the copy `drift schema -o .drift/spec.schema.json` writes
    in the current folder, relative to the spec (editors resolve it from the file)."""
    folder = Path.cwd() if display == "<stdout>" else Path(os.path.abspath(display)).parent
    schema = Path.cwd() / ".drift" / "spec.schema.json"
    try:
        where = Path(os.path.relpath(schema, folder)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        where = schema.as_uri()
    return f"# yaml-language-server: $schema={where}\n"


HEADER = (
    "# Written by `drift import`. Secret header values are pinned by SHA-256, never stored.\n"
    "version: 1\nintegrations:\n"
)


@dataclass
class MergeBase:
    """An existing spec `import --merge` appends to."""

    text: str
    names: set[str]
    keys: set[tuple[str, str | None]]
    indent: int

    def declares(self, target: Target) -> bool:
        return record_key(target.integration_id, target.auth_id) in self.keys


def merge_base(path: str) -> MergeBase:
    """Read a spec to merge into; refuse one that new entries cannot simply follow."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        doc = yamlload.parse(text, path)
    except (OSError, UnicodeDecodeError, yamlload.YamlError):
        doc = None  # let the spec loader say what is wrong, at its line
    spec, problems = load_spec([path]) if doc is None else build_spec([(path, lambda: doc)])
    if problems or doc is None:
        raise SpecError(problems)
    keys = list(doc.data)
    entries = doc.data.get("integrations")
    if (
        not keys
        or keys[-1] != "integrations"
        or not isinstance(entries, dict)
        or not entries
        or re.search(r"^integrations:[ \t]*(#.*)?$", text, re.M) is None
    ):
        raise UsageError(
            f"cannot merge into {path}: 'integrations:' must be the last "
            "top-level key, in block style, with at least one entry"
        )
    first = doc.location(("integrations", next(iter(entries))), key=True)
    return MergeBase(
        text,
        {i.name for i in spec.integrations},
        {i.key for i in spec.integrations},
        max(first.column - 1, 1),
    )


def compose(items: Sequence[Imported], base: MergeBase | None, display: str) -> str:
    """The whole spec text: a new file, or the existing one with the entries appended.
    Checked before anyone writes it: drift never writes a spec it cannot read."""
    if base is None:
        text = modeline(display) + HEADER + render_entries(items)
    else:
        existing = base.text if base.text.endswith("\n") else base.text + "\n"
        text = existing + "\n" + render_entries(items, base.indent)
    _, problems = build_spec([(display, lambda: yamlload.parse(text, display))])
    if problems:
        raise RuntimeError(f"import produced an invalid spec: {problems[0]}")
    return text
