"""Values that must never be printed, and how they are shown instead."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable


def sha256_hex(value: str) -> str:
    """The SHA-256 of a value, in hex: how a spec pins a secret (`{sha256: ...}`)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(value: str) -> str:
    """`<redacted sha256:1a2b3c4d>`: lets two secret values be told apart, reveals nothing."""
    digest = sha256_hex(value)[:8]
    return f"<redacted sha256:{digest}>"


# every Secret made in this process, so that the last line of defence (the error handler)
# can take them out of any message or traceback that would otherwise show one
_KNOWN: set[str] = set()

REDACTED = "<redacted>"
# A shown run of this many characters of a secret counts as showing it: a secret cut in
# two by a preview, or echoed in part, must not show either.
RUN = 8


def scrub_known(text: str) -> str:
    """`text` with every secret this process has seen replaced by `<redacted>`."""
    for value in sorted(_KNOWN, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text


def holds_known(text: str) -> bool:
    """Whether `text` contains a secret this process has seen."""
    return any(value in text for value in _KNOWN)


class Redactor:
    """Takes secrets out of text that came from elsewhere (an API's error body, a live
    value): every run of RUN or more characters of one (so every whole occurrence too),
    and whole occurrences of the shorter ones."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._short: list[str] = []  # shorter than RUN: replaced whole
        self._runs: set[str] = set()
        for value in values:
            self.add(value)

    def add(self, value: str, shortest: int = 4) -> None:
        """Treat `value` as secret; values shorter than `shortest` would redact ordinary
        words and are left alone."""
        if len(value) < shortest:
            return
        if len(value) < RUN:
            if value not in self._short:
                self._short.append(value)
                self._short.sort(key=len, reverse=True)
            return
        self._runs.update(value[i : i + RUN] for i in range(len(value) - RUN + 1))

    def __bool__(self) -> bool:
        return bool(self._short or self._runs)

    def __call__(self, text: str) -> str:
        if self._runs and len(text) >= RUN:
            text = self._hide_runs(text)
        for value in self._short:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def _hide_runs(self, text: str) -> str:
        runs = self._runs
        starts = [i for i in range(len(text) - RUN + 1) if text[i : i + RUN] in runs]
        if not starts:
            return text
        out = []
        shown_from = 0
        for start in starts:
            if start > shown_from:
                out.append(text[shown_from:start])
                out.append(REDACTED)
            elif not out:
                out.append(REDACTED)  # a run at the very start
            shown_from = max(shown_from, start + RUN)
        out.append(text[shown_from:])
        return "".join(out)


_WORDS = r"(?:authorization|cookie|token|secret|key|password|passwd|signature|session)"
# `{"key": "Authorization", "value": "Bearer ..."}`: the header-list form of a record
_LISTED = re.compile(
    rf'(?i)("key"\s*:\s*"[^"]*{_WORDS}[^"]*"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)'
)
# `"Authorization": "Bearer ..."`, `token=...`, `X-Api-Key: ...`
_PAIR = re.compile(
    rf"""(?ix)
    (["']?([\w.-]*{_WORDS}[\w.-]*)["']?\s*[:=]\s*["']?)    # a sensitive-looking name
    ((?:bearer\s+|basic\s+|token\s+)?[^\s"',;&}}\]]+)       # and its value
    """
)


def hide_credentials(text: str) -> str:
    """Error bodies of records drift could not read may hold their credentials: the value
    after any sensitive-looking name (see matchers.looks_sensitive) becomes `<redacted>`."""
    text = _LISTED.sub(lambda m: m.group(1) + REDACTED, text)

    def pair(match: re.Match[str]) -> str:
        if match.group(2).lower() == "key" or match.group(3) == REDACTED:
            return match.group(0)  # `"key": "X-Team"` names a header, it holds no secret
        return match.group(1) + REDACTED

    return _PAIR.sub(pair, text)


class Secret:
    """A string that hides itself from str(), repr() and f-strings; use .reveal()."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 4:  # shorter strings would redact ordinary words
            _KNOWN.add(value)
            _KNOWN.add(value.strip())

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """Remove this secret from text that came from elsewhere (an echoed error body)."""
        return text.replace(self._value, REDACTED) if self._value else text

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)
