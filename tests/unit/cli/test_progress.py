"""The progress counter shows only on a terminal, only for runs worth watching."""

from __future__ import annotations

import io

from drift.cli.progress import MIN_RECORDS, Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_counts_and_clears_its_line() -> None:
    stream = FakeTerminal()
    progress = Progress(10, stream=stream)
    for done in range(1, 11):
        progress.update(done, 10)
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\rchecking: 1/10")
    assert "\rchecking: 10/10" in text  # the last count is always shown
    assert text.endswith("\r\x1b[K")  # and the line is cleared at the end


def test_no_progress_when_not_a_terminal_quiet_or_small() -> None:
    for stream, total, enabled in (
        (io.StringIO(), 50, True),  # a pipe or a CI log
        (FakeTerminal(), 50, False),  # --quiet
        (FakeTerminal(), MIN_RECORDS - 1, True),  # a handful of records
    ):
        progress = Progress(total, stream=stream, enabled=enabled)
        progress.update(total, total)
        progress.close()
        assert stream.getvalue() == ""
