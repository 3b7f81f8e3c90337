"""Re-plan the citizen's coming visits for a new decision version (rules: domain/replan.py).

``preview`` answers what a new decision would change, before the visitator
confirms; ``apply`` makes the change in the same transaction as the new version.
Like every service module: takes the session, never commits.

The re-plan reaches as far as the visits are planned (the last coming visit of
the citizen): visits further ahead are not planned yet, so there is nothing to
re-plan there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain import timeframe
from selvvisitation.domain.ael_replan import (
    AelReplan,
    ComingVisit,
    GrantedElementRef,
    codes_for,
    replan_to_ael,
)
from selvvisitation.domain.replan import (
    BookedLine,
    BookedSwap,
    PlanGrant,
    PlannedVisit,
    Replan,
    SwapRules,
    VisitPlan,
    replan,
    slot_start,
    time_of_day_for,
)
from selvvisitation.domain.schedule import Recurrence
from selvvisitation.domain.types import (
    ElementOutcome,
    LapseReason,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    CareProgrammeElement,
    Citizen,
    Decision,
    GrantedService,
    Service,
    SwapLine,
    SwapRequest,
    Visit,
    VisitElement,
    VisitService,
    utcnow,
)
from selvvisitation.services.adapters import catalogue_for, granted_for, policy_for
from selvvisitation.services.bookings import HOLDING

if TYPE_CHECKING:
    from selvvisitation.services.case_actions import NewGrant


@dataclass
class _Loaded:
    visits: dict[int, Visit]
    swaps: dict[int, SwapRequest]
    horizon: date


def _granted_items(visit: Visit) -> list[VisitService]:
    """The visit's planned lines of granted services: what a re-plan replaces."""
    return [
        item
        for item in visit.services
        if item.granted_service_id is not None and item.outcome == VisitServiceOutcome.PLANNED
    ]


def _load(session: Session, citizen_id: int, first_day: date, *, lock: bool) -> _Loaded:
    horizon = session.scalar(
        select(func.max(Visit.day)).where(
            Visit.citizen_id == citizen_id,
            Visit.day >= first_day,
            Visit.cancelled.is_(False),
            Visit.recorded_at.is_(None),
        )
    )
    visits: dict[int, Visit] = {}
    if horizon is None:  # nothing planned: only standing swaps can lapse
        horizon = first_day - timedelta(days=1)
    else:
        query = (
            select(Visit)
            .where(Visit.citizen_id == citizen_id, Visit.day >= first_day, Visit.day <= horizon)
            .options(selectinload(Visit.services))
            .order_by(Visit.starts_at, Visit.id)
        )
        if lock:  # PostgreSQL; SQLite holds BEGIN IMMEDIATE (locking.py)
            query = query.with_for_update()
        visits = {visit.id: visit for visit in session.scalars(query)}
    swaps = session.scalars(
        select(SwapRequest)
        .where(
            SwapRequest.citizen_id == citizen_id,
            SwapRequest.status.in_(HOLDING),
            or_(
                SwapRequest.visit_id.in_(list(visits)),
                SwapRequest.period_end >= first_day,
            ),
        )
        .options(selectinload(SwapRequest.lines))
    )
    return _Loaded(visits, {swap.id: swap for swap in swaps}, horizon)


def _as_planned(visit: Visit) -> PlannedVisit:
    return PlannedVisit(
        id=visit.id,
        day=visit.day,
        time_of_day=visit.time_of_day,
        starts_at=visit.starts_at,
        services=tuple(
            (item.service_id, item.planned_minutes)
            for item in _granted_items(visit)
            if item.service_id is not None
        ),
        recorded=visit.is_recorded,
        cancelled=visit.cancelled,
    )


def _as_booked(swap: SwapRequest) -> BookedSwap:
    return BookedSwap(
        id=swap.id,
        visit_id=swap.visit_id,
        dropped_service_ids=tuple(
            line.service_id for line in swap.dropped if line.service_id is not None
        ),
        added_minutes=sum(line.minutes for line in swap.added),
        period_start=swap.period_start,
        period_end=swap.period_end,
        drop=tuple(BookedLine(x.service_id, x.minutes, x.free_text) for x in swap.dropped),
        add=tuple(BookedLine(x.service_id, x.minutes, x.free_text) for x in swap.added),
    )


def _swap_rules(
    session: Session, citizen: Citizen, granted: Sequence[timeframe.GrantedService]
) -> SwapRules:
    """The new decision as the swap rules see it, for the kept swaps' second look."""
    codes = session.execute(
        select(Service.id, Service.code).where(Service.municipality_id == citizen.municipality_id)
    )
    return SwapRules(
        granted=tuple(granted),
        catalogue=catalogue_for(session, citizen.municipality_id),
        policy=policy_for(citizen.municipality),
        codes=dict(codes.all()),
    )


def _run(
    loaded: _Loaded,
    grants: Sequence[PlanGrant],
    first_day: date,
    now: datetime,
    rules: SwapRules,
) -> Replan:
    return replan(
        grants,
        [_as_planned(v) for v in loaded.visits.values()],
        [_as_booked(s) for s in loaded.swaps.values()],
        first_day=first_day,
        horizon=loaded.horizon,
        now=now,
        rules=rules,
    )


def services_by_id(session: Session, ids: Sequence[int]) -> dict[int, Service]:
    return {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(ids)))}


def previous_times_of_day(decision: Decision | None) -> dict[int, str]:
    """Each service's time of day in the decision being replaced."""
    return {g.service_id: g.time_of_day for g in (decision.granted_services if decision else [])}


def preview(
    session: Session,
    citizen: Citizen,
    grants: Sequence[NewGrant],
    *,
    valid_from: date,
    now: datetime,
) -> Replan:
    """What confirming these grants would do to the coming visits and swaps; writes nothing."""
    services = services_by_id(session, [g.service_id for g in grants])
    previous = previous_times_of_day(citizen.current_decision)
    plan_grants = [
        PlanGrant(
            key=index,
            service_id=grant.service_id,
            minutes=grant.minutes,
            recurrence=Recurrence(grant.frequency, grant.weekdays, grant.start, grant.end),
            time_of_day=time_of_day_for(
                grant.service_id, services[grant.service_id].category, previous
            ),
        )
        for index, grant in enumerate(grants)
    ]
    granted = [
        timeframe.GrantedService(
            service_code=services[grant.service_id].code,
            minutes_per_delivery=grant.minutes,
            frequency=grant.frequency,
            weekdays=grant.weekdays,
            start=grant.start,
            end=grant.end,
        )
        for grant in grants
    ]
    loaded = _load(session, citizen.id, valid_from, lock=False)
    return _run(loaded, plan_grants, valid_from, now, _swap_rules(session, citizen, granted))


def _set_lines(visit: Visit, plan: VisitPlan, grants: dict[int, GrantedService]) -> None:
    """Give the visit the plan's lines, reusing its rows service by service."""
    existing = _granted_items(visit)
    for line in plan.lines:
        item = next((i for i in existing if i.service_id == line.service_id), None)
        if item is None:
            item = VisitService(service_id=line.service_id)
            visit.services.append(item)
        else:
            existing.remove(item)
        item.granted_service = grants[line.grant_key]
        item.planned_minutes = line.minutes
    for item in existing:
        visit.services.remove(item)
    visit.time_frame_minutes = plan.time_frame_minutes
    visit.ends_at = visit.starts_at + timedelta(minutes=plan.time_frame_minutes)


def apply(session: Session, decision: Decision, *, now: datetime | None = None) -> Replan:
    """Re-plan the citizen's coming visits for this (new, flushed) decision version.

    Call it in the transaction that makes the version, after lock_for_write: the
    visits are read and changed under the write lock, so no swap is booked into a
    visit while it is being re-planned.
    """
    now = now or utcnow()
    citizen = decision.citizen
    first_day = decision.valid_from
    loaded = _load(session, citizen.id, first_day, lock=True)
    grants = {g.id: g for g in decision.granted_services}
    plan_grants = [
        PlanGrant(
            key=g.id,
            service_id=g.service_id,
            minutes=g.minutes_per_delivery,
            recurrence=Recurrence(g.frequency, g.weekday_tuple, g.start_date, g.end_date),
            time_of_day=g.time_of_day,
        )
        for g in grants.values()
    ]
    rules = _swap_rules(session, citizen, granted_for(decision))
    result = _run(loaded, plan_grants, first_day, now, rules)
    for plan in result.visits:
        if plan.visit_id is None:
            starts_at = slot_start(plan.day, plan.time_of_day)
            visit = Visit(
                citizen=citizen,
                team=citizen.team,
                day=plan.day,
                time_of_day=plan.time_of_day,
                starts_at=starts_at,
                ends_at=starts_at,
            )
            session.add(visit)
        else:
            visit = loaded.visits[plan.visit_id]
        _set_lines(visit, plan, grants)
    for visit_id in result.cancelled:
        loaded.visits[visit_id].cancelled = True
    _lapse(loaded, result.lapsed_swaps, decision, now)
    session.flush()
    return result


def _lapse(
    loaded: _Loaded,
    lapsed: Sequence[tuple[int, LapseReason]],
    decision: Decision,
    now: datetime,
) -> None:
    for swap_id, reason in lapsed:
        swap = loaded.swaps[swap_id]
        swap.status = SwapStatus.LAPSED
        swap.lapsed_at = now
        swap.lapsed_reason = reason
        swap.lapsed_decision_id = decision.id


# --- Ældreloven: the coming visits carry the forløb's elements (domain/ael_replan.py) ------


def _coming_visits(session: Session, loaded: _Loaded) -> list[ComingVisit]:
    """The loaded visits as the AEL re-plan sees them: what each holds, as FSIII codes."""
    categories = dict(
        session.execute(
            select(Service.id, Service.category).where(
                Service.id.in_(
                    {i.service_id for v in loaded.visits.values() for i in v.services} - {None}
                )
            )
        ).all()
    )
    element_codes: dict[int, set[str]] = {}
    for visit_id, code in session.execute(
        select(VisitElement.visit_id, CareProgrammeElement.fsiii_code)
        .join(CareProgrammeElement, CareProgrammeElement.id == VisitElement.element_id)
        .where(VisitElement.visit_id.in_(list(loaded.visits)))
    ):
        element_codes.setdefault(visit_id, set()).add(code)
    return [
        ComingVisit(
            id=visit.id,
            day=visit.day,
            starts_at=visit.starts_at,
            codes=codes_for(
                categories[item.service_id]
                for item in _granted_items(visit)
                if item.service_id in categories
            )
            | frozenset(element_codes.get(visit.id, ())),
            recorded=visit.is_recorded,
            cancelled=visit.cancelled,
        )
        for visit in loaded.visits.values()
    ]


def _ael_run(
    session: Session,
    citizen_id: int,
    elements: Sequence[GrantedElementRef],
    valid_from: date,
    now: datetime,
    *,
    lock: bool,
) -> tuple[_Loaded, AelReplan]:
    loaded = _load(session, citizen_id, valid_from, lock=lock)
    result = replan_to_ael(
        _coming_visits(session, loaded),
        [_as_booked(s) for s in loaded.swaps.values()],
        elements=elements,
        first_day=valid_from,
        now=now,
    )
    return loaded, result


def preview_ael(
    session: Session,
    citizen: Citizen,
    elements: Sequence[CareProgrammeElement],
    *,
    valid_from: date,
    now: datetime,
) -> AelReplan:
    """What a decision granting these elements would do to the coming visits and swaps."""
    refs = [GrantedElementRef(e.id, e.fsiii_code) for e in elements]
    return _ael_run(session, citizen.id, refs, valid_from, now, lock=False)[1]


def apply_ael(session: Session, decision: Decision, *, now: datetime | None = None) -> AelReplan:
    """Re-plan the coming visits for this (new, flushed) AEL decision version.

    Under the write lock, like ``apply``: each coming visit's planned lines with minutes
    go, the forløb's elements come instead (no minutes), and the booked and standing swaps
    lapse with LEGAL_BASIS_CHANGED.
    """
    now = now or utcnow()
    refs = [
        GrantedElementRef(g.element_id, g.element.fsiii_code) for g in decision.granted_elements
    ]
    loaded, result = _ael_run(
        session, decision.citizen_id, refs, decision.valid_from, now, lock=True
    )
    for plan in result.visits:
        visit = loaded.visits[plan.visit_id]
        for item in [i for i in visit.services if i.outcome == VisitServiceOutcome.PLANNED]:
            visit.services.remove(item)
        planned = {
            line.element_id: line
            for line in visit.elements
            if line.outcome == ElementOutcome.PLANNED
        }
        for element_id, line in planned.items():
            if element_id not in plan.element_ids:
                visit.elements.remove(line)
        for element_id in plan.element_ids:
            if element_id not in planned:
                visit.elements.append(VisitElement(element_id=element_id))
        visit.time_frame_minutes = 0
    _lapse(loaded, result.lapsed_swaps, decision, now)
    session.flush()
    return result


def lapsed_swaps(session: Session, citizen_id: int) -> list[SwapRequest]:
    """The citizen's swaps that lapsed when a decision changed, newest first."""
    return list(
        session.scalars(
            select(SwapRequest)
            .where(SwapRequest.citizen_id == citizen_id, SwapRequest.status == SwapStatus.LAPSED)
            .options(
                selectinload(SwapRequest.lines).selectinload(SwapLine.service),
                selectinload(SwapRequest.visit),
            )
            .order_by(SwapRequest.lapsed_at.desc(), SwapRequest.id.desc())
        )
    )
