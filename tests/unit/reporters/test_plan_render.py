"""drift.reporters.plan: the text and markdown of a plan, and markdown that stays under
GitHub's comment limit however big the plan."""

from __future__ import annotations

from drift.errors import Location
from drift.model.plan import CANNOT_APPLY, NONE, UPDATE, LiveState, Plan, PlanHeader, PlannedRecord
from drift.model.results import Change, Status
from drift.reporters.markdown import MAX_CHARS, cell
from drift.reporters.plan import render_markdown, render_text

HERE = Location("specs/a.yaml", 3, 3)
LIVE = LiveState("auth_A", "API_KEY", None, "a" * 64)
CHANGE = Change("changed", "/headers/X-A", "2", "1", HERE, "a note | with a pipe")
WARNING = Change("added", "/headers/X-W", None, "w", HERE, disposition="warning")


def update(name: str) -> PlannedRecord:
    return PlannedRecord(
        name,
        "intg_A",
        "auth_A",
        "API_KEY",
        HERE,
        UPDATE,
        Status.DRIFTED,
        (CHANGE,),
        live=LIVE,
        headers=(PlanHeader("X-A", "spec", value="2"), PlanHeader("T", "live", sha256="f" * 64)),
    )


def test_text_shows_quiet_records_only_in_verbose_and_warnings_always() -> None:
    warned = PlannedRecord("w", "intg_W", None, "NO_AUTH", HERE, NONE, Status.IN_SYNC, (WARNING,))
    quiet = PlannedRecord("q", "intg_Q", None, "NO_AUTH", HERE, NONE, Status.IN_SYNC)
    plan = Plan("https://api.test", "now", [quiet, warned], hints=["a hint"])
    text = render_text(plan)
    assert text.startswith("w: no change  (intg_W / embedded auth, specs/a.yaml:3)\n  + ")
    assert "q:" not in text and "hint: a hint\n" in text
    assert "no change (1):\n  = q  (intg_Q / embedded auth, specs/a.yaml:3)\n" in render_text(
        plan, verbose=True
    )


def test_markdown_escapes_and_details() -> None:
    gone = PlannedRecord(
        "g|x", "intg_G", "auth_G", "API_KEY", HERE, CANNOT_APPLY, Status.NOT_FOUND,
        reason="not found: <b>gone</b>" + "!" * 300,
    )  # fmt: skip
    out = render_markdown(Plan("https://api.test", "now", [update("a"), gone]))
    # live text in code spans (nothing in it is markup), `|` escaped in table cells
    assert f"| {cell('g|x')} | cannot apply |" in out
    assert "| `not found: <b>gone</b>" in out and "…` |" in out
    assert "| 1 change; sends 2 headers |" in out
    assert "(`a note \\| with a pipe`)" in out
    assert f"| {cell('T')} | {cell('<redacted sha256:ffffffff>  (live value kept)')} |" in out
    assert "Cannot apply: `not found: <b>gone" in out


def test_markdown_of_a_huge_plan_is_cut_below_the_limit() -> None:
    plan = Plan("https://api.test", "now", [update(f"record_{n:05}") for n in range(2000)])
    out = render_markdown(plan)
    assert len(out) < MAX_CHARS
    assert "**Plan truncated** to stay under 60000 characters: details left out, " in out
    assert "<details>" not in out
    assert f"| {cell('record_00000')} |" in out
