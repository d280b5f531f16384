"""Values that must never be printed, and how they are shown instead."""

from __future__ import annotations

import hashlib


def fingerprint(value: str) -> str:
    """`<redacted sha256:1a2b3c4d>`: lets two secret values be told apart, reveals nothing."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]
    return f"<redacted sha256:{digest}>"


# every Secret made in this process, so that the last line of defence (the error handler)
# can take them out of any message or traceback that would otherwise show one
_KNOWN: set[str] = set()


def scrub_known(text: str) -> str:
    """`text` with every secret this process has seen replaced by `<redacted>`."""
    for value in sorted(_KNOWN, key=len, reverse=True):
        text = text.replace(value, "<redacted>")
    return text


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
        return text.replace(self._value, "<redacted>") if self._value else text

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)
