"""Reading a response body under a cap: decoded a step at a time, never more than
--max-response-bytes of it."""

from __future__ import annotations

import zlib

from drift.live.settings import BODY_PREVIEW, Unreadable
from drift.secret import Redactor, hide_credentials


class Decoder:
    """Undoes a Content-Encoding a step at a time, never producing more than the room
    left under the cap (plus one byte, to tell "full" from "too large"): a small gzip
    body can decode to gigabytes. One layer of gzip or deflate, as drift asks for."""

    def __init__(self, encoding: str) -> None:
        names = [n.strip().lower() for n in encoding.split(",")]
        names = [n for n in names if n and n != "identity"]
        self._raw_deflate_allowed = names == ["deflate"]
        if not names:
            self._zlib = None
        elif names in (["gzip"], ["x-gzip"]):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif names == ["deflate"]:
            self._zlib = zlib.decompressobj()
        else:
            shown = ", ".join(names)[:60]
            raise Unreadable(
                f"the response uses Content-Encoding {shown!r}, which drift does not read"
            )
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        if self._zlib is None:
            return data[: room + 1]
        try:
            return self._inflate(data, room)
        except zlib.error:
            if self._started or not self._raw_deflate_allowed:
                raise Unreadable("the response's compressed body is corrupt") from None
            # "deflate" is sometimes sent without its zlib header
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            self._raw_deflate_allowed = False
            return self.decode(data, room)

    def _inflate(self, data: bytes, room: int) -> bytes:
        assert self._zlib is not None
        out: list[bytes] = []
        size = 0
        pending = data
        while True:
            # max_length >= 1 here: 0 would mean "no limit"
            piece = self._zlib.decompress(pending, room + 1 - size)
            self._started = self._started or bool(piece)
            out.append(piece)
            size += len(piece)
            pending = self._zlib.unconsumed_tail
            if not pending or size > room:
                return b"".join(out)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._zlib.flush()
        except zlib.error:
            raise Unreadable("the response's compressed body is corrupt") from None


def error_preview(body: bytes, redact: Redactor) -> str:
    """The start of an error body, as one line: secrets go before it is cut, so that none
    is shown in part."""
    text = hide_credentials(redact(body.decode("utf-8", "replace")))
    text = " ".join(text.split())
    return text[:BODY_PREVIEW] + ("…" if len(text) > BODY_PREVIEW else "")
