"""Re-plan the coming visits when a decision under Ældreloven takes effect (issue 11).

Pure, like domain/replan.py, whose rules for what is never touched it shares: a visit
before the new start, a visit that has started, is recorded or is cancelled.

**law** (DOMAIN.md "Ældreloven"): the municipality grants a forløb, a frame, not services
with minutes; the content is planned with the citizen (ÆL § 11); Serviceloven § 2 stk. 5
means help under ÆL § 10 replaces help under SEL § 83. **reading**:

- The citizen keeps her visit rhythm (the same visits, days and times) until the provider
  plans the forløb with her; each coming visit's lines become elements of the forløb, with
  no minutes. A visit gets the elements that match what it held before (personal care,
  practical help, meals, by their FSIII codes); a visit with no match gets every element
  but the first dialogue. The first coming visit also carries "Dialog med borger om
  tilrettelæggelse af forløb" when the forløb has it (FSIII: the first dialogue about the
  forløb).
- § 94 a swaps build on SEL § 83 help, so they fall away: every swap booked at a coming
  visit lapses, and every standing swap still running on the first day ends from that day,
  with LapseReason.LEGAL_BASIS_CHANGED.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.replan import BookedSwap
from selvvisitation.domain.types import LapseReason, ServiceCategory

# A § 83 service's category, as the FSIII Ældrelovsindsats it continues as.
CATEGORY_CODES: Mapping[ServiceCategory, str] = {
    ServiceCategory.PERSONAL_CARE: fsiii.PERSONAL_CARE,
    ServiceCategory.PRACTICAL_HELP: fsiii.PRACTICAL_HELP,
    ServiceCategory.MEALS: fsiii.MEALS,
}


def codes_for(categories: Iterable[ServiceCategory]) -> frozenset[str]:
    """The FSIII Ældrelovsindsats codes that a visit's § 83 services continue as."""
    return frozenset(CATEGORY_CODES[c] for c in categories if c in CATEGORY_CODES)


@dataclass(frozen=True)
class GrantedElementRef:
    """An element of the new forløb: its id and its FSIII code."""

    element_id: int
    fsiii_code: str


@dataclass(frozen=True)
class ComingVisit:
    """A planned visit; ``codes`` are the FSIII codes of what it holds now."""

    id: int
    day: date
    starts_at: datetime
    codes: frozenset[str]
    recorded: bool = False
    cancelled: bool = False


@dataclass(frozen=True)
class AelVisitPlan:
    visit_id: int
    day: date
    element_ids: tuple[int, ...]


@dataclass(frozen=True)
class AelReplan:
    visits: tuple[AelVisitPlan, ...]
    lapsed_swaps: tuple[tuple[int, LapseReason], ...]
    standing_swaps_end_on: date | None  # the first day, when a standing swap ends then
    first_day: date

    @property
    def changed_visits(self) -> int:
        return len(self.visits)

    @property
    def lapsed(self) -> dict[int, LapseReason]:
        return dict(self.lapsed_swaps)


def _replannable(visit: ComingVisit, first_day: date, now: datetime) -> bool:
    return visit.day >= first_day and not (
        visit.recorded or visit.cancelled or visit.starts_at <= now
    )


def _elements_for(
    visit: ComingVisit, elements: Sequence[GrantedElementRef], first: bool
) -> tuple[int, ...]:
    matching = [e for e in elements if e.fsiii_code in visit.codes]
    if not matching:
        matching = [e for e in elements if e.fsiii_code != fsiii.PLANNING_DIALOGUE]
    if first:
        matching += [
            e for e in elements if e.fsiii_code == fsiii.PLANNING_DIALOGUE and e not in matching
        ]
    return tuple(e.element_id for e in elements if e in matching)


def replan_to_ael(
    visits: Sequence[ComingVisit],
    swaps: Sequence[BookedSwap],
    *,
    elements: Sequence[GrantedElementRef],
    first_day: date,
    now: datetime,
) -> AelReplan:
    """The coming visits with the forløb's elements, and the swaps that lapse."""
    coming = sorted(
        (v for v in visits if _replannable(v, first_day, now)), key=lambda v: (v.starts_at, v.id)
    )
    plans = tuple(
        AelVisitPlan(visit.id, visit.day, _elements_for(visit, elements, index == 0))
        for index, visit in enumerate(coming)
    )
    coming_ids = {visit.id for visit in coming}
    lapsed: list[tuple[int, LapseReason]] = []
    standing_end: date | None = None
    for swap in sorted(swaps, key=lambda s: s.id):
        if swap.visit_id is not None:
            if swap.visit_id in coming_ids:
                lapsed.append((swap.id, LapseReason.LEGAL_BASIS_CHANGED))
        elif swap.period_end is None or swap.period_end >= first_day:
            lapsed.append((swap.id, LapseReason.LEGAL_BASIS_CHANGED))
            standing_end = first_day
    return AelReplan(plans, tuple(lapsed), standing_end, first_day)
