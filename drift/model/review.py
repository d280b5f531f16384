"""The spec review: what a change to the spec does to the desired state (`drift compare`,
`check --compare-base`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from drift.errors import Location
from drift.model.results import Change


@dataclass(frozen=True)
class SpecChange:
    """One integration added, removed, renamed or changed between two versions."""

    name: str
    kind: str  # added | removed | changed | renamed
    ids: str
    source: Location
    changes: tuple[Change, ...] = ()
    renamed_from: str | None = None

    @property
    def loosens(self) -> bool:
        return any(c.loosening for c in self.changes)


@dataclass
class Review:
    base: str
    head: str
    items: list[SpecChange]
    rules: tuple[Change, ...] = ()  # top-level ignore rules added, removed or changed
    counted: tuple[str, ...] = field(default=("added", "removed", "changed", "renamed"))

    def counts(self) -> dict[str, int]:
        out = {k: sum(1 for i in self.items if i.kind == k) for k in self.counted}
        out["loosening"] = sum(1 for i in self.items for c in i.changes if c.loosening) + sum(
            1 for c in self.rules if c.loosening
        )
        return out

    @property
    def changed(self) -> bool:
        return bool(self.items or self.rules)
