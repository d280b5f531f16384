"""Header value matchers and the rule for which header values are secret."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drift.secret import fingerprint, sha256_hex

MATCHER_KEYS = ("equals", "present", "absent", "pattern", "sha256", "env")

# A header whose name contains one of these (case-insensitive) is secret unless the spec
# says `secret: false`.
SENSITIVE_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
SENSITIVE_WORDS = ("token", "secret", "key", "password", "passwd", "signature", "session")


def looks_sensitive(name: str) -> bool:
    lowered = name.lower()
    return lowered in SENSITIVE_NAMES or any(word in lowered for word in SENSITIVE_WORDS)


@dataclass(frozen=True)
class Matcher:
    """What a declared header's value must be. `argument` is the literal, regex, hex digest
    or variable name; `resolved` holds an env variable's value once read at check time."""

    kind: str
    argument: str = ""
    secret: bool | None = None
    resolved: str | None = None

    def __repr__(self) -> str:
        # never show a literal or resolved value that may be secret
        return f"Matcher({self.kind!r})"

    @property
    def always_secret(self) -> bool:
        return self.kind in ("sha256", "env")

    def is_secret(self, header_name: str) -> bool:
        if self.always_secret:
            return True
        if self.secret is not None:
            return self.secret
        return looks_sensitive(header_name)

    def matches(self, value: str | None) -> bool:
        """Whether a live value (None: the header is missing) satisfies this matcher."""
        if self.kind == "absent":
            return value is None
        if value is None:
            return False
        if self.kind == "present":
            return True
        if self.kind == "pattern":
            return re.fullmatch(self.argument, value) is not None
        if self.kind == "sha256":
            digest = sha256_hex(value)
            return digest == self.argument.lower()
        if self.kind == "env":
            return value == self.resolved
        return value == self.argument

    def expected_text(self, secret: bool) -> str:
        """How the expectation is shown in reports; never a secret value."""
        if self.kind == "present":
            return "(any value)"
        if self.kind == "pattern":
            return f"(matching /{self.argument}/)" if not secret else "(matching a pattern)"
        if self.kind == "sha256":
            return f"<sha256:{self.argument.lower()[:8]}>"
        if self.kind == "env":
            shown = fingerprint(self.resolved) if self.resolved is not None else "(unset)"
            return f"{shown} (${self.argument})"
        return fingerprint(self.argument) if secret else self.argument


def parse_matcher(raw: object) -> Matcher:
    """A schema-valid header value (string or mapping) as a Matcher."""
    if isinstance(raw, str):
        return Matcher("equals", raw)
    assert isinstance(raw, dict)
    secret = raw.get("secret")
    for kind in MATCHER_KEYS:
        if kind in raw:
            value = raw[kind]
            return Matcher(kind, value if isinstance(value, str) else "", secret)
    return Matcher("present", "", secret)
