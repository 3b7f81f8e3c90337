"""The home-care team's visits: what is planned, what the citizen wished, what was done.

Reads and writes for the staff area. Like every service module: takes the
session, never commits; the view owns the transaction.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, load_only, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from selvvisitation.database import NoIndexOnSQLite
from selvvisitation.domain.notifications import NotificationEvent
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import window_bounds
from selvvisitation.domain.types import (
    ActorKind,
    SwapStatus,
    SwapWindow,
    VisitServiceOutcome,
)
from selvvisitation.domain.visit_record import (
    DoneInstead,
    PlannedItem,
    RecordCheck,
    SwapDecision,
    WishedSwap,
    check_visit_record,
)
from selvvisitation.id_lists import in_id_list
from selvvisitation.models import (
    Citizen,
    Decision,
    Service,
    StaffUser,
    SwapLine,
    SwapRequest,
    Visit,
    VisitChange,
    VisitElement,
    VisitService,
    Wish,
    utcnow,
)
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.security import audit
from selvvisitation.services.adapters import catalogue_for, granted_for, policy_for
from selvvisitation.services.ael_visits import AelRecord, save_ael_record
from selvvisitation.services.flags import evaluate_citizen
from selvvisitation.services.for_visits import at_visits_or_standing
from selvvisitation.services.notifications import queue_notification, tell_visit_carried_out
from selvvisitation.services.transaction import one_transaction


@dataclass
class VisitWishes:
    """The citizen's wishes for one visit: swaps (for this visit or standing) and preferences."""

    swaps: list[SwapRequest] = field(default_factory=list)
    wishes: list[Wish] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.swaps or self.wishes)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# What the team's lists show of a citizen and of a service (issue 17): a service row has
# twenty columns, two of them JSON decoded per row, and the lists show only its name. The
# rest stays deferred: anything else read from them later loads on first use, as usual.
_LISTED_CITIZEN = load_only(Citizen.name, Citizen.address, Citizen.phone, Citizen.access_note)
_LISTED_SERVICE = (Service.name_da, Service.name_en)


def team_visits(session: Session, team_id: int | None, first: date, last: date) -> list[Visit]:
    """The team's visits from first to last day (inclusive), in time order, with all the
    lists show of each: the citizen, the lines, the changes and the move requests.

    One statement whatever the team's size (issue 17): joined, not a query per relation. A
    visit has services or elements, not both, and rarely a change or a move request, so the
    join multiplies a visit's row by its few lines only. The lines are joined on their own
    day as well as the visit id (the same day, models.visits): where visit_service is
    partitioned by month (docs/deployment.md) only that month's partition is read, where
    the visit id alone asks every month's.
    """
    if team_id is None:
        return []
    return list(session.scalars(team_visits_select(team_id, first, last)).unique())


def team_visits_select(team_id: int, first: date, last: date) -> Select[Visit]:
    """team_visits' statement."""
    return (
        select(Visit)
        .outerjoin(
            VisitService,
            # SQLite, without statistics, picked the day's index for this join and read
            # every line of the municipality's day for each visit; it is kept to the visit
            # id's (database.NoIndexOnSQLite, as services.day_list).
            and_(VisitService.visit_id == Visit.id, NoIndexOnSQLite(VisitService.day) == Visit.day),
        )
        .where(Visit.team_id == team_id, Visit.day >= first, Visit.day <= last)
        .options(
            joinedload(Visit.citizen).options(_LISTED_CITIZEN),
            contains_eager(Visit.services)
            .joinedload(VisitService.service)
            .load_only(*_LISTED_SERVICE),
            # An AEL visit's lines (DOMAIN.md "Ældreloven"): elements, not minutes.
            joinedload(Visit.elements).joinedload(VisitElement.element),
            # Issue 14: cancellations, moves and move requests show on the team's lists.
            joinedload(Visit.changes).joinedload(VisitChange.created_by_relative),
            joinedload(Visit.move_requests),
        )
        .order_by(Visit.starts_at, Visit.id, VisitService.id)  # the lines in their order
    )


def _swap_options() -> tuple[LoaderOption, ...]:
    return (
        selectinload(SwapRequest.lines).selectinload(SwapLine.service),
        selectinload(SwapRequest.created_by_relative),
    )


def _swap_joined_options() -> tuple[LoaderOption, ...]:
    """The swap's lines and who asked, in the swaps' own statement (issue 17)."""
    return (
        # The record page checks the swap's lines by code (wished_swap): only the JSON
        # synonyms, which no staff page shows, are left out.
        joinedload(SwapRequest.lines)
        .joinedload(SwapLine.service)
        .defer(Service.synonyms_da)
        .defer(Service.synonyms_en),
        joinedload(SwapRequest.created_by_relative),
    )


# The swaps and wishes shown with visits, built once: composing them cost more than running
# them (issue 17); each call binds its visits, citizens and days.
_SWAPS_SHOWN = (
    select(SwapRequest)
    .where(
        at_visits_or_standing(SwapRequest, SwapRequest.status == SwapStatus.REQUESTED),
        SwapRequest.status != SwapStatus.WITHDRAWN,
    )
    .options(*_swap_joined_options())
    .order_by(SwapRequest.created_at, SwapRequest.id)
)
WISHES_SHOWN = (
    select(Wish)
    .where(in_id_list(Wish.citizen_id, "citizen_ids"), Wish.active.is_(True))
    .order_by(Wish.created_at, Wish.id)
)


def wishes_for(session: Session, visits: Sequence[Visit]) -> dict[int, VisitWishes]:
    """Wishes per visit id: swaps asked for the visit, standing swaps covering its day
    (only while the visit is not recorded), and the citizen's active preferences."""
    if not visits:
        return {}
    bound = wishes_bound(visits)
    swaps = session.scalars(_SWAPS_SHOWN, bound).unique().all()
    wishes = session.scalars(WISHES_SHOWN, {"citizen_ids": bound["citizen_ids"]}).all()
    return wishes_by_visit(visits, swaps, wishes)


def wishes_bound(visits: Sequence[Any]) -> dict[str, Any]:
    """The visits, citizens and days the swaps and wishes shown with ``visits`` are read for
    (services.for_visits.at_visits_or_standing)."""
    return {
        "visit_ids": [v.id for v in visits],
        "citizen_ids": sorted({v.citizen_id for v in visits}),
        "first": min(v.day for v in visits),
        "last": max(v.day for v in visits),
    }


def wishes_by_visit(
    visits: Sequence[Any], swaps: Sequence[Any], wishes: Sequence[Any]
) -> dict[int, VisitWishes]:
    """wishes_for's grouping of the swaps and wishes read (in their order) by visit; they
    may be ORM rows or records with the same attributes (services.day_list)."""
    result: dict[int, VisitWishes] = {visit.id: VisitWishes() for visit in visits}
    # Grouped once, so a week of a team's visits is not compared with every swap and wish.
    position = {id(swap): n for n, swap in enumerate(swaps)}
    at_visit: dict[int, list[Any]] = defaultdict(list)
    standing: dict[int, list[Any]] = defaultdict(list)
    for swap in swaps:
        if swap.visit_id is not None:
            at_visit[swap.visit_id].append(swap)
        elif swap.period_start is not None and swap.period_end is not None:
            standing[swap.citizen_id].append(swap)
    by_citizen: dict[int, list[Any]] = defaultdict(list)
    for wish in wishes:
        by_citizen[wish.citizen_id].append(wish)
    for visit in visits:
        entry = result[visit.id]
        # A standing swap answered for this visit ahead of it is shown by its answer instead.
        answered = {s.from_standing_id for s in at_visit[visit.id]}
        candidates = at_visit[visit.id] + (
            []
            if visit.is_recorded
            else [s for s in standing[visit.citizen_id] if s.id not in answered]
        )
        for swap in sorted(candidates, key=lambda s: position[id(s)]):
            if swap.visit_id == visit.id:
                # A visit's own wishes: asked for, answered ahead of the visit (issue 12),
                # decided at the record; one that lapsed with a changed decision stays in
                # sight, with why.
                entry.swaps.append(swap)
            elif (
                swap.period_start is not None
                and swap.period_end is not None
                and swap.period_start <= visit.day <= swap.period_end
            ):  # a standing swap (only those with both ends are grouped as standing)
                entry.swaps.append(swap)
        entry.wishes = [w for w in by_citizen[visit.citizen_id] if w.visit_id in (None, visit.id)]
    return result


def note_seen_by_worker(wishes: VisitWishes, now: datetime) -> None:
    """The worker has the visit open: its unanswered swaps and active wishes are seen from now.

    Only the first time counts; open_visit_record commits it with its audit entry.
    """
    rows: list[SwapRequest | Wish] = [*open_swaps(wishes), *wishes.wishes]
    for row in rows:
        if row.seen_by_worker_at is None:
            row.seen_by_worker_at = now


def open_visit_record(session: Session, visit: Visit, wishes: VisitWishes, now: datetime) -> None:
    """The worker has opened the visit's record page: her read is audited and what she was
    shown is seen from ``now``, both in one transaction (issue 16). The page calls this once
    it is rendered, so the commit does not expire what it shows."""
    with one_transaction(session):
        audit.record(
            "read",
            citizen=visit.citizen,
            object_type="visit",
            object_id=visit.id,
            purpose="record_visit",
        )
        note_seen_by_worker(wishes, now)


def open_swaps(wishes: VisitWishes) -> list[SwapRequest]:
    """The wished swaps the worker must still answer."""
    return [s for s in wishes.swaps if s.status == SwapStatus.REQUESTED]


def swaps_to_confirm(visit: Visit, wishes: VisitWishes) -> list[SwapRequest]:
    """The wished swaps the record answers: those not answered yet, and those the team said
    yes to ahead of the visit (issue 12), confirmed at the visit as done or not."""
    if visit.is_recorded:
        return []
    return [
        s
        for s in wishes.swaps
        if s.status == SwapStatus.REQUESTED
        or (s.status == SwapStatus.ACCEPTED and s.visit_id == visit.id)
    ]


def declined_swaps(session: Session, team_id: int | None, since: date) -> list[SwapRequest]:
    """Swaps the team declined on visits since the given day, newest first (team leader)."""
    if team_id is None:
        return []
    return list(
        session.scalars(
            select(SwapRequest)
            .join(Visit, SwapRequest.visit_id == Visit.id)
            .where(
                Visit.team_id == team_id,
                Visit.day >= since,
                SwapRequest.status == SwapStatus.DECLINED,
            )
            .options(*_swap_options(), selectinload(SwapRequest.citizen))
            .order_by(Visit.day.desc(), SwapRequest.id.desc())
        )
    )


# --- the time frame of the policy's window (rule 4) -------------------------------------


@dataclass(frozen=True)
class WindowFigures:
    window_minutes: int
    already_dropped_minutes: int
    already_swapped_in_minutes: int


def window_figures(session: Session, visit: Visit, policy: Policy) -> WindowFigures:
    """The window's time frame and what other recorded visits in it already swapped."""
    if policy.swap_window is SwapWindow.VISIT:
        return WindowFigures(visit.time_frame_minutes, 0, 0)
    first, last = window_bounds(policy.swap_window, visit.day)
    in_window = and_(
        Visit.citizen_id == visit.citizen_id,
        Visit.day >= first,
        Visit.day <= last,
        Visit.cancelled.is_(False),
    )
    frame = session.scalar(
        select(func.coalesce(func.sum(Visit.time_frame_minutes), 0)).where(in_window)
    )
    others = and_(in_window, Visit.id != visit.id, Visit.recorded_at.is_not(None))
    dropped = session.scalar(
        select(func.coalesce(func.sum(VisitService.planned_minutes), 0))
        .join(Visit, VisitService.visit_id == Visit.id)
        .where(others, VisitService.outcome == VisitServiceOutcome.DROPPED)
    )
    added = session.scalar(
        select(func.coalesce(func.sum(VisitService.delivered_minutes), 0))
        .join(Visit, VisitService.visit_id == Visit.id)
        .where(others, VisitService.outcome == VisitServiceOutcome.ADDED)
    )
    return WindowFigures(int(frame or 0), int(dropped or 0), int(added or 0))


# --- recording a visit ------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRecord:
    """What the worker entered: outcomes per planned item, help done instead, decisions."""

    items: tuple[PlannedItem, ...]
    instead: tuple[DoneInstead, ...]
    decisions: Mapping[str, SwapDecision]
    acknowledged_now: bool
    note: str = ""


def wished_swap(swap: SwapRequest) -> WishedSwap:
    return WishedSwap(
        key=str(swap.id),
        drop_codes=tuple(line.service.code for line in swap.dropped if line.service is not None),
        add_codes=tuple(line.service.code for line in swap.added if line.service is not None),
        acknowledged=swap.acknowledged_cannot_demand_at is not None,
    )


def planned_items(visit: Visit) -> list[VisitService]:
    """The services planned for the visit (not the ones done instead)."""
    return [s for s in visit.services if s.outcome != VisitServiceOutcome.ADDED]


def check_record(
    session: Session, visit: Visit, record: VisitRecord, swaps: Sequence[SwapRequest]
) -> RecordCheck:
    """Run the rules on the record against the citizen's grant, the catalogue and the window."""
    citizen: Citizen = visit.citizen
    policy = policy_for(citizen.municipality)
    figures = window_figures(session, visit, policy)
    return check_visit_record(
        day=visit.day,
        items=record.items,
        instead=record.instead,
        swaps=[wished_swap(s) for s in swaps],
        decisions=record.decisions,
        acknowledged_now=record.acknowledged_now,
        granted=granted_for(current_decision_on(citizen, visit.day)),
        catalogue=catalogue_for(session, citizen.municipality_id),
        policy=policy,
        window_minutes=figures.window_minutes,
        already_swapped_in_minutes=figures.already_swapped_in_minutes,
        already_dropped_minutes=figures.already_dropped_minutes,
    )


def current_decision_on(citizen: Citizen, day: date) -> Decision | None:
    """The decision version in force on the day (the newest valid from on or before it)."""
    versions = [d for d in citizen.decisions if d.valid_from <= day]
    return versions[-1] if versions else citizen.current_decision


def new_reference() -> str:
    """A short reference for a swap recorded on the spot, shown in the history."""
    return "B-" + secrets.token_hex(5).upper()


def _services_by_code(
    session: Session, municipality_id: int, codes: Iterable[str | None]
) -> dict[str, Service]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = session.scalars(
        select(Service).where(Service.municipality_id == municipality_id, Service.code.in_(wanted))
    )
    return {s.code: s for s in rows}


def decide_swap(
    session: Session, swap: SwapRequest, visit: Visit, decision: SwapDecision, staff: StaffUser
) -> SwapRequest:
    """Record the worker's answer; a standing wish gets its own record for this visit."""
    target = swap
    if swap.visit_id is None:
        target = SwapRequest(
            reference=new_reference(),
            citizen_id=swap.citizen_id,
            visit=visit,
            created_at=swap.created_at,
            created_by_kind=swap.created_by_kind,
            created_by_relative_id=swap.created_by_relative_id,
            created_by_staff_id=swap.created_by_staff_id,
            from_standing_id=swap.id,
            acknowledged_cannot_demand_at=swap.acknowledged_cannot_demand_at,
            acknowledged_by_kind=swap.acknowledged_by_kind,
            lines=[
                SwapLine(
                    kind=line.kind,
                    service_id=line.service_id,
                    free_text=line.free_text,
                    minutes=line.minutes,
                )
                for line in swap.lines
            ],
        )
        session.add(target)
    status = SwapStatus.ACCEPTED if decision.accepted else SwapStatus.DECLINED
    if target.status == status and target.decided_at is not None:
        return target  # a yes given ahead of the visit, confirmed at it (issue 12)
    target.status = status
    target.decided_at = utcnow()
    target.decided_by_staff_id = staff.id
    if not decision.accepted:
        target.decline_reason = decision.reason
        target.decline_text = decision.text.strip()
    return target


def save_record(
    session: Session,
    visit: Visit,
    record: VisitRecord,
    swaps: Sequence[SwapRequest],
    staff: StaffUser,
) -> list[SwapRequest]:
    """Write a checked record to the visit (the caller checked it under the write lock)."""
    now = utcnow()
    answered_ahead = {swap.id: swap.status for swap in swaps if swap.decided_at is not None}
    decided = {
        str(swap.id): decide_swap(session, swap, visit, record.decisions[str(swap.id)], staff)
        for swap in swaps
    }
    accepted = [s for s in decided.values() if s.status == SwapStatus.ACCEPTED]
    by_code = _services_by_code(
        session, visit.citizen.municipality_id, (d.service_code for d in record.instead)
    )
    items = {str(s.id): s for s in planned_items(visit)}
    dropped_codes = set()
    for entry in record.items:
        item = items[entry.key]
        item.outcome = entry.outcome
        item.delivered_minutes = entry.delivered_minutes
        if entry.outcome is VisitServiceOutcome.DROPPED:
            dropped_codes.add(entry.service_code)
    swap_for_drop = {
        line.service.code: swap
        for swap in accepted
        for line in swap.dropped
        if line.service is not None
    }
    # Drops and choices the worker agreed on the spot, without a wish beforehand,
    # are a swap too: record it, so the history and the flags see it (rule 7).
    on_the_spot: SwapRequest | None = None
    uncovered_drops = [
        e
        for e in record.items
        if e.outcome is VisitServiceOutcome.DROPPED and e.service_code not in swap_for_drop
    ]
    swap_for_add = {
        line.service.code: swap
        for swap in accepted
        for line in swap.added
        if line.service is not None
    }
    uncovered_adds = [d for d in record.instead if d.service_code not in swap_for_add]
    if uncovered_drops or uncovered_adds:
        on_the_spot = SwapRequest(
            reference=new_reference(),
            citizen_id=visit.citizen_id,
            visit=visit,
            status=SwapStatus.ACCEPTED,
            created_by_kind=ActorKind.STAFF,
            created_by_staff_id=staff.id,
            decided_at=now,
            decided_by_staff_id=staff.id,
            lines=[
                SwapLine(kind="drop", service_id=items[e.key].service_id, minutes=e.planned_minutes)
                for e in uncovered_drops
            ]
            + [
                SwapLine(
                    kind="add",
                    service=by_code.get(d.service_code) if d.service_code else None,
                    free_text=d.free_text,
                    minutes=d.minutes,
                )
                for d in uncovered_adds
            ],
        )
        session.add(on_the_spot)
    for entry in record.items:
        if entry.outcome is VisitServiceOutcome.DROPPED:
            items[entry.key].swap = _swap_for(swap_for_drop, entry.service_code, on_the_spot)
    for done in record.instead:
        visit.services.append(
            VisitService(
                service=by_code.get(done.service_code) if done.service_code else None,
                free_text=done.free_text,
                planned_minutes=0,
                delivered_minutes=done.minutes,
                outcome=VisitServiceOutcome.ADDED,
                swap=_swap_for(swap_for_add, done.service_code, on_the_spot),
            )
        )
    if record.acknowledged_now:
        # Rule 6 (§ 90): the citizen was told, at the visit, before the swap was done.
        for swap in [*accepted, *([on_the_spot] if on_the_spot else [])]:
            if swap.dropped and swap.acknowledged_cannot_demand_at is None:
                swap.acknowledged_cannot_demand_at = now
                swap.acknowledged_by_kind = ActorKind.CITIZEN
    visit.recorded_at = now
    visit.recorded_by_staff_id = staff.id
    visit.note = record.note.strip()
    session.flush()  # the answered swaps' ids name their notifications
    for key, swap in decided.items():
        # The citizen heard a yes given ahead already; she hears again only of a change.
        if answered_ahead.get(int(key)) != swap.status:
            tell_swap_answered(session, swap)
    tell_visit_carried_out(session, visit)
    return list(decided.values()) + ([on_the_spot] if on_the_spot else [])


def _swap_for(
    by_code: Mapping[str, SwapRequest], code: str | None, otherwise: SwapRequest | None
) -> SwapRequest | None:
    """The accepted swap that covers the service, else the swap made on the spot."""
    return by_code.get(code, otherwise) if code is not None else otherwise


def audit_recorded(session: Session, visit: Visit, detail: dict[str, Any]) -> None:
    """The record in the audit log, and the citizen's flags evaluated at once (rule 7);
    for every way a visit is recorded (the form, "Som planlagt", an AEL tick list)."""
    audit.record(
        "update",
        citizen=visit.citizen,
        object_type="visit",
        object_id=visit.id,
        purpose="record_visit",
        detail=detail,
    )
    session.flush()
    evaluate_citizen(session, visit.citizen_id)


def save_checked_record(
    session: Session,
    visit: Visit,
    record: VisitRecord,
    swaps: Sequence[SwapRequest],
    staff: StaffUser,
) -> RecordCheck:
    """Check the record and, when it passes, save it with its audit entry and the citizen's
    flags, in one transaction (the caller holds the visit's write lock: security.locking).
    A record that fails the check writes nothing; the check says why."""
    check = check_record(session, visit, record, swaps)
    if not check.ok:
        session.rollback()  # ends the locked transaction: nothing was written
        return check
    with one_transaction(session):
        saved = save_record(session, visit, record, swaps, staff)
        audit_recorded(session, visit, {"swaps": [s.reference for s in saved], "by": staff.id})
    return check


def save_checked_ael_record(
    session: Session,
    visit: Visit,
    record: AelRecord,
    priorities: Sequence[VisitPriority],
    staff: StaffUser,
) -> None:
    """Save an AEL visit's checked record with its audit entry and the citizen's flags, in one
    transaction (the caller holds the visit's write lock and checked it: check_ael_visit)."""
    with one_transaction(session):
        save_ael_record(session, visit, record, priorities, staff)
        audit_recorded(
            session, visit, {"priorities": [p.reference for p in priorities], "by": staff.id}
        )


def tell_swap_answered(session: Session, swap: SwapRequest) -> None:
    """The citizen and relatives who chose it hear the answer, and why (issue 14)."""
    accepted = swap.status == SwapStatus.ACCEPTED
    queue_notification(
        session,
        citizen_id=swap.citizen_id,
        event=NotificationEvent.SWAP_ACCEPTED if accepted else NotificationEvent.SWAP_DECLINED,
        params={
            "swap_id": swap.id,
            "reason": None
            if accepted or swap.decline_reason is None
            else swap.decline_reason.value,
        },
    )
