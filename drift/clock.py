"""When a report was made: one clock, passed in where a run starts, so tests can fix it."""

from __future__ import annotations

import datetime
import re

# what a live `updatedAt` must look like to be passed on (anything else is dropped: the
# field is live text, shown in reports)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def stamp(moment: datetime.datetime) -> str:
    """`2026-01-02T03:04:05Z`: UTC, whole seconds. A naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def live_timestamp(value: str | None) -> str | None:
    """A live record's timestamp as given, when it looks like one (ISO 8601); else None."""
    if value is None or len(value) > 40 or not _TIMESTAMP.fullmatch(value):
        return None
    return value
