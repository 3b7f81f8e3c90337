"""Re-plan the citizen's coming visits when the decision changes (issue 5).

A new decision version (services, minutes, frequency, period) applies from its
start; the visits already planned from then on must carry the new services and
minutes, or the home-care worker delivers yesterday's decision. The planning
rule is the one the visits were made by: each grant's recurrence
(``schedule.occurrences``) gives the days, the grant's time of day the visit.

What is never touched: a visit before the new version's start, a visit that has
started or is recorded (it is what happened), a cancelled visit.

A citizen's swap booked at a re-planned visit is kept when what it drops is still
planned there and what it adds still fits the visit's new time frame (rule 4, the
same check as the booking: seed 004 §1.3.3, 002 §8); otherwise it lapses with a
reason the citizen and the staff are shown. A standing swap (for a period) lapses
when a service it drops is no longer granted at all from the new start. A swap that
passes those checks is judged again by the swap rules that depend on the decision
(``check_swap``, rules 1 and 3): a swap between personal care and practical
help lapses when the new decision no longer grants both (rule 3: 004 §1.3.3, 002 §8).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.schedule import TIME_SLOTS, Recurrence, occurrences
from selvvisitation.domain.swaps import ProposedSwap, SwapLine, check_swap
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import LapseReason, ServiceCategory

# When a new service comes into a decision without an earlier time of day, it goes in
# the service level's usual window (002): personal care in the morning, meals at lunch.
DEFAULT_TIME_OF_DAY = {
    ServiceCategory.PERSONAL_CARE: "morning",
    ServiceCategory.PRACTICAL_HELP: "day",
    ServiceCategory.MEALS: "lunch",
    ServiceCategory.OTHER: "day",
}


def slot_start(day: date, time_of_day: str) -> datetime:
    """The start of the time window on that day (Danish time), as an aware UTC datetime."""
    opens = TIME_SLOTS.get(time_of_day, TIME_SLOTS["morning"])[0]
    return datetime.combine(day, opens, tzinfo=LOCAL).astimezone(UTC)


@dataclass(frozen=True)
class PlanGrant:
    """One line of the new decision: ``key`` links the planned line back to it."""

    key: int
    service_id: int
    minutes: int
    recurrence: Recurrence
    time_of_day: str


@dataclass(frozen=True)
class PlannedVisit:
    """A visit already planned: ``services`` are its planned granted lines (service, minutes)."""

    id: int
    day: date
    time_of_day: str
    starts_at: datetime
    services: tuple[tuple[int, int], ...]
    recorded: bool = False
    cancelled: bool = False


@dataclass(frozen=True)
class BookedLine:
    """One line of a booked swap: a catalogue service (or free text) and its minutes."""

    service_id: int | None
    minutes: int
    free_text: str | None = None


@dataclass(frozen=True)
class BookedSwap:
    """A swap that holds minutes (asked for or accepted): at one visit, or standing.

    ``drop`` and ``add`` are its lines, for the swap rules' second look (SwapRules)."""

    id: int
    visit_id: int | None
    dropped_service_ids: tuple[int, ...]
    added_minutes: int
    period_start: date | None = None
    period_end: date | None = None
    drop: tuple[BookedLine, ...] = ()
    add: tuple[BookedLine, ...] = ()


# The swap rules that depend on the decision, so a new decision can break them for a
# booked swap. The catalogue's and the policy's rules (swappable, service level) did not
# change with the decision. The time frame (rule 4 at the visit) is judged by the re-plan
# itself, with the other swaps' minutes. A drop names a service, not a figure: fewer
# minutes granted for it now do not undo the swap (the visit's frame decides).
RECHECKED_RULES = frozenset(
    {
        "drop_not_granted",
        "drop_not_active_on_date",
        "category_crossing_requires_both",
    }
)


@dataclass(frozen=True)
class SwapRules:
    """The new decision as the swap rules see it: its grants, the catalogue, the policy.

    ``codes`` maps a service id to its catalogue code (the rules speak in codes)."""

    granted: tuple[GrantedService, ...]
    catalogue: Mapping[str, CatalogueService]
    policy: Policy
    codes: Mapping[int, str]

    def broken_by(self, swap: BookedSwap, first: date, last: date) -> tuple[str, ...]:
        """The rules the swap breaks on [first, last] under the new decision, if any."""

        def lines(booked: tuple[BookedLine, ...]) -> tuple[SwapLine, ...]:
            return tuple(
                SwapLine(
                    self.codes.get(line.service_id) if line.service_id else None,
                    line.minutes,
                    line.free_text,
                )
                for line in booked
            )

        proposal = (
            ProposedSwap(lines(swap.drop), lines(swap.add), visit_date=first)
            if swap.visit_id is not None
            else ProposedSwap(lines(swap.drop), lines(swap.add), period=(first, last))
        )
        result = check_swap(
            granted=self.granted,
            catalogue=self.catalogue,
            policy=self.policy,
            proposal=proposal,
            window_minutes=sum(line.minutes for line in swap.drop),
        )
        return tuple(code for code in result.codes if code in RECHECKED_RULES)


@dataclass(frozen=True)
class PlanLine:
    grant_key: int
    service_id: int
    minutes: int


@dataclass(frozen=True)
class VisitPlan:
    """What one visit carries from the new start: an existing one (``visit_id``) or a new one."""

    visit_id: int | None
    day: date
    time_of_day: str
    lines: tuple[PlanLine, ...]
    changed: bool

    @property
    def time_frame_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)


@dataclass(frozen=True)
class Replan:
    visits: tuple[VisitPlan, ...]
    cancelled: tuple[int, ...]
    kept_swaps: tuple[int, ...]
    lapsed_swaps: tuple[tuple[int, LapseReason], ...]

    @property
    def changed_visits(self) -> int:
        """Visits the citizen and the team will see differently: changed, new or cancelled."""
        return sum(1 for plan in self.visits if plan.changed) + len(self.cancelled)

    @property
    def new_visits(self) -> int:
        return sum(1 for plan in self.visits if plan.visit_id is None)

    @property
    def lapsed(self) -> dict[int, LapseReason]:
        return dict(self.lapsed_swaps)


def _replannable(visit: PlannedVisit, first_day: date, now: datetime) -> bool:
    return (
        visit.day >= first_day
        and not visit.recorded
        and not visit.cancelled
        and visit.starts_at > now
    )


def _target(
    grants: Iterable[PlanGrant], first_day: date, horizon: date
) -> dict[tuple[date, str], list[PlanLine]]:
    slots: dict[tuple[date, str], list[PlanLine]] = defaultdict(list)
    for grant in grants:
        for day in occurrences(grant.recurrence, first_day, horizon):
            slots[(day, grant.time_of_day)].append(
                PlanLine(grant.key, grant.service_id, grant.minutes)
            )
    return slots


def replan(
    grants: Sequence[PlanGrant],
    visits: Sequence[PlannedVisit],
    swaps: Sequence[BookedSwap],
    *,
    first_day: date,
    horizon: date,
    now: datetime,
    rules: SwapRules | None = None,
) -> Replan:
    """Re-plan the visits from ``first_day`` to ``horizon`` (inclusive) for the new grants.

    An existing visit keeps its slot (day and time of day) when the new grants still
    have services then, and gets them; two visits in one slot: the earlier keeps it.
    A slot with services and no visit gets a new one, unless a visit that cannot be
    re-planned (started, recorded) is already there. A visit left without services
    is cancelled, never deleted. With ``rules``, a swap that would be kept is judged
    again by the swap rules under the new decision.
    """
    target = _target(grants, first_day, horizon)
    frozen = {
        (v.day, v.time_of_day)
        for v in visits
        if v.day >= first_day and not v.cancelled and not _replannable(v, first_day, now)
    }
    plans: list[VisitPlan] = []
    cancelled: list[int] = []
    claimed: set[tuple[date, str]] = set()
    for visit in sorted(visits, key=lambda v: (v.starts_at, v.id)):
        if not _replannable(visit, first_day, now):
            continue
        slot = (visit.day, visit.time_of_day)
        lines = target.get(slot)
        if not lines or slot in claimed or slot in frozen:
            cancelled.append(visit.id)
            continue
        claimed.add(slot)
        changed = Counter(visit.services) != Counter((ln.service_id, ln.minutes) for ln in lines)
        plans.append(VisitPlan(visit.id, visit.day, visit.time_of_day, tuple(lines), changed))
    for slot, lines in sorted(target.items()):
        if slot not in claimed and slot not in frozen:
            plans.append(VisitPlan(None, slot[0], slot[1], tuple(lines), True))
    kept, lapsed = _swap_outcomes(grants, plans, cancelled, swaps, first_day, rules)
    return Replan(tuple(plans), tuple(cancelled), kept, lapsed)


def _swap_outcomes(
    grants: Sequence[PlanGrant],
    plans: Sequence[VisitPlan],
    cancelled: Sequence[int],
    swaps: Sequence[BookedSwap],
    first_day: date,
    rules: SwapRules | None,
) -> tuple[tuple[int, ...], tuple[tuple[int, LapseReason], ...]]:
    by_visit = {plan.visit_id: plan for plan in plans if plan.visit_id is not None}
    gone = set(cancelled)
    granted_from_start = {
        g.service_id for g in grants if g.recurrence.end is None or g.recurrence.end >= first_day
    }
    kept: list[int] = []
    lapsed: list[tuple[int, LapseReason]] = []
    free: dict[int, int] = {vid: plan.time_frame_minutes for vid, plan in by_visit.items()}
    for swap in sorted(swaps, key=lambda s: s.id):  # the first booked keeps its minutes
        if swap.visit_id is None:
            if swap.period_end is not None and swap.period_end < first_day:
                continue  # over before the new decision starts
            if set(swap.dropped_service_ids) - granted_from_start:
                lapsed.append((swap.id, LapseReason.SERVICE_NOT_GRANTED))
            elif (
                rules is not None
                and swap.period_end is not None
                and rules.broken_by(
                    swap, max(swap.period_start or first_day, first_day), swap.period_end
                )
            ):
                lapsed.append((swap.id, LapseReason.RULES_NOT_MET))
            else:
                kept.append(swap.id)
            continue
        if swap.visit_id in gone:
            lapsed.append((swap.id, LapseReason.VISIT_CANCELLED))
            continue
        plan = by_visit.get(swap.visit_id)
        if plan is None:
            continue  # a visit the re-plan does not touch (past, started or recorded)
        if set(swap.dropped_service_ids) - {line.service_id for line in plan.lines}:
            lapsed.append((swap.id, LapseReason.SERVICE_NOT_GRANTED))
        elif swap.added_minutes > free[swap.visit_id]:
            lapsed.append((swap.id, LapseReason.FRAME_TOO_SMALL))
        elif rules is not None and rules.broken_by(swap, plan.day, plan.day):
            lapsed.append((swap.id, LapseReason.RULES_NOT_MET))
        else:
            free[swap.visit_id] -= swap.added_minutes
            kept.append(swap.id)
    return tuple(kept), tuple(lapsed)


def time_of_day_for(service_id: int, category: ServiceCategory, previous: dict[int, str]) -> str:
    """The time of day of a grant: as in the decision it replaces, else the category's usual."""
    return previous.get(service_id) or DEFAULT_TIME_OF_DAY.get(category, "morning")
