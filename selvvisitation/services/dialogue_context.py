"""The Context the guided dialogue is given: the citizen's rows read once and made plain.

domain/dialogue_steps/ takes a plain Context and imports no database; this module reads
what a turn needs (the catalogue, the coming visits with their swaps, "Min hjælp", the
consents, what relatives did, the Ældreloven forløb) in as few statements as it can
(issue 17) and builds that Context. It writes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload, scoped_session, selectinload

from selvvisitation.domain import dialogue_steps, priority_rules
from selvvisitation.domain.dates import LOCAL, local_day, local_today
from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES
from selvvisitation.domain.timeframe import CatalogueService
from selvvisitation.domain.types import (
    ElementOutcome,
    LegalBasis,
    PriorityStatus,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.domain.understanding import MatchableService
from selvvisitation.id_lists import in_id_list
from selvvisitation.models import (
    AuditEntry,
    Case,
    Citizen,
    Consent,
    Decision,
    ReassessmentRequest,
    Relative,
    Service,
    SwapLine,
    SwapRequest,
    Visit,
)
from selvvisitation.models.base import utcnow
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.programme import (
    CareProgramme,
    CareProgrammeElement,
    GrantedElement,
    PriorityExample,
)
from selvvisitation.models.visits import VisitElement, VisitService
from selvvisitation.security.locking import reads_mark
from selvvisitation.services.adapters import (
    CatalogueRow,
    catalogue_entry,
    granted_for,
    policy_for,
    service_code,
)
from selvvisitation.services.bookings import HOLDING
from selvvisitation.services.cases import call_back_deadline
from selvvisitation.services.column_reads import read_columns
from selvvisitation.services.replacement_history import choice_history_for

ACTIVE_SWAP = HOLDING  # swaps that hold minutes in a visit: asked for, or accepted
PLAN_DAYS = 21  # how far ahead coming visits are offered
MY_HELP_VISITS = 5  # the next visits "Min hjælp" shows


def services_for(session: Session, municipality_id: int) -> dict[str, CatalogueRow]:
    """The municipality's catalogue, read once per transaction (again after
    lock_for_write): a turn's context, its catalogue and its texts share one read
    (issue 17: the catalogue was read up to 7 times a turn). A commit or a rollback ends
    the transaction; the next one reads it anew, so an administrator's change is seen by
    the next request.

    Read as columns, not as objects: making its 51 services objects was about a tenth of
    a turn (issue 17)."""
    if isinstance(session, scoped_session):
        session = session()  # the request's own session (db.session is its registry)
    key = ("services_for", municipality_id)
    # lock_for_write goes on in the same transaction on PostgreSQL, and what was read
    # before it is read again: its mark says which reads are still good.
    read_in = (session.get_transaction(), reads_mark(session))
    kept = session.info.get(key)
    if kept is not None and read_in[0] is not None and kept[0] == read_in:
        return dict(kept[1])
    services = {
        row.code: CatalogueRow(*row)
        for row in read_columns(session, _CATALOGUE, {"municipality_id": municipality_id})
    }
    session.info[key] = ((session.get_transaction(), reads_mark(session)), services)
    return dict(services)


def service_codes(services: Mapping[str, CatalogueRow]) -> dict[int, str]:
    """Each service's code by its id: a grant's, a visit's or a swap line's service."""
    return {row.id: code for code, row in services.items()}


# The statements a turn runs are built once (issue 17: composing one, and finding its cache
# key, cost about as much as running it); each call binds its values.
#
# A turn's catalogue leaves out what no turn shows: the matcher's words (JSON lists, decoded
# for every service on every turn) and the texts only the administrators' pages show.
# `matchable` reads the words, for a typed answer only.
_CATALOGUE = select(*(getattr(Service, name) for name in CatalogueRow._fields)).where(
    Service.municipality_id == bindparam("municipality_id")
)
_SYNONYMS = select(Service.code, Service.synonyms_da, Service.synonyms_en).where(
    Service.municipality_id == bindparam("municipality_id"), Service.active.is_(True)
)


def matchable(
    session: Session, municipality_id: int, services: Sequence[CatalogueRow]
) -> tuple[MatchableService, ...]:
    """The catalogue's active services as the free-text matcher sees them: names, and
    synonyms read in one statement, in the catalogue's order."""
    synonyms = {
        code: (*(danish or ()), *(english or ()))
        for code, danish, english in read_columns(
            session, _SYNONYMS, {"municipality_id": municipality_id}
        )
    }
    return tuple(
        MatchableService(
            code=s.code, names=(s.name_da, s.name_en), synonyms=synonyms.get(s.code, ())
        )
        for s in services
        if s.active
    )


def swaps_at_visit(session: Session, visit_id: int) -> list[SwapRequest]:
    return swaps_at_visits(session, [visit_id])[visit_id]


def swaps_at_visits(session: Session, visit_ids: list[int]) -> dict[int, list[SwapRequest]]:
    """The active swaps at each visit, in one query for all of them."""
    found: dict[int, list[SwapRequest]] = {visit_id: [] for visit_id in visit_ids}
    if visit_ids:
        for swap in session.scalars(
            select(SwapRequest)
            .where(SwapRequest.visit_id.in_(visit_ids), SwapRequest.status.in_(ACTIVE_SWAP))
            .options(selectinload(SwapRequest.lines).selectinload(SwapLine.service))
            .order_by(SwapRequest.id)
        ):
            if swap.visit_id is not None:  # always: the query asked for these visits
                found[swap.visit_id].append(swap)
    return found


def _citizens_swaps(
    session: Session, citizen: Citizen, visit_ids: list[int]
) -> tuple[dict[int, list[SwapRequest]], list[SwapRequest]]:
    """swaps_at_visits for the citizen's coming visits, and her swaps still waiting for an
    answer (My help), in one statement with their lines (issue 17)."""
    rows = session.scalars(
        _CITIZENS_SWAPS, {"citizen_id": citizen.id, "visit_ids": visit_ids}
    ).unique()
    at_visits: dict[int, list[SwapRequest]] = {visit_id: [] for visit_id in visit_ids}
    waiting = []
    for swap in rows:
        if swap.visit_id in at_visits and swap.status in ACTIVE_SWAP:
            at_visits[swap.visit_id].append(swap)
        if swap.status == SwapStatus.REQUESTED:
            waiting.append(swap)
    return at_visits, sorted(waiting, key=lambda swap: (swap.created_at, swap.id))


_CITIZENS_SWAPS = (
    select(SwapRequest)
    .where(
        SwapRequest.citizen_id == bindparam("citizen_id"),
        or_(
            SwapRequest.status == SwapStatus.REQUESTED,
            and_(
                in_id_list(SwapRequest.visit_id, "visit_ids"),
                SwapRequest.status.in_(ACTIVE_SWAP),
            ),
        ),
    )
    # A line's service is found by its id in the catalogue already read (_COMING_VISITS).
    .options(joinedload(SwapRequest.lines))
    .order_by(SwapRequest.id)
)


def _coming(citizen: Citizen, today: date) -> dict[str, Any]:
    return {"citizen_id": citizen.id, "today": today, "until": today + timedelta(days=PLAN_DAYS)}


def coming_visits(session: Session, citizen: Citizen, today: date) -> list[Visit]:
    return list(session.scalars(_COMING_VISITS, _coming(citizen, today)).unique())


# Her coming visits: not cancelled, not yet recorded, within PLAN_DAYS.
_COMING = (
    Visit.citizen_id == bindparam("citizen_id"),
    Visit.day >= bindparam("today"),
    Visit.day <= bindparam("until"),
    Visit.cancelled.is_(False),
    Visit.recorded_at.is_(None),
)
_COMING_VISITS = (
    select(Visit)
    .where(*_COMING)
    # Joined: the coming visits with their lines in one statement (issue 17). A line's
    # service is not joined: its code is found by its id in the catalogue the turn has read
    # (services_for, service_code), with no statement and no second copy of its columns.
    .options(
        joinedload(Visit.services),
        joinedload(Visit.elements).joinedload(VisitElement.element),
    )
    .order_by(Visit.starts_at, Visit.id)
)


def next_visits_shown(
    session: Session, citizen: Citizen, today: date, ael: bool
) -> list[dict[str, Any]]:
    """The visits "Min hjælp" shows: her next MY_HELP_VISITS of _COMING_VISITS with what is
    planned at each, read as plain columns in one statement. As objects with their lines
    (coming_visits), every one of the 21 days' visits, they were an eighth of a "Se min
    hjælp" turn in the server, for five shown (issue 17)."""
    shown: dict[int, dict[str, Any]] = {}
    for visit_id, starts_at, ends_at, frame, *line in read_columns(
        session, _NEXT_WITH_ELEMENTS if ael else _NEXT_WITH_SERVICES, _coming(citizen, today)
    ):
        visit = shown.get(visit_id)
        if visit is None:
            visit = shown[visit_id] = _visit_shown(starts_at, ends_at, frame, ael)
        if line[0] is None:  # a visit with nothing planned yet
            continue
        if ael:
            visit["elements"].append(_name(*line))
        else:
            visit["services"].append(line[0])
    return list(shown.values())


def _visit_shown(starts_at: datetime, ends_at: datetime, frame: int, ael: bool) -> dict[str, Any]:
    start_and_end = {"start": starts_at.isoformat(), "end": ends_at.isoformat()}
    return (
        {**start_and_end, "elements": []}
        if ael
        else {**start_and_end, "frame": frame, "services": []}
    )


def _shown_of(visit: Visit, codes: Mapping[int, str]) -> dict[str, Any]:
    """next_visits_shown's record of a Serviceloven visit read with its lines (coming_visits)."""
    shown = _visit_shown(visit.starts_at, visit.ends_at, visit.time_frame_minutes, False)
    shown["services"] = [service_code(i, codes) for i in visit.services if i.service_id]
    return shown


_NEXT = (
    select(Visit.id)
    .where(*_COMING)
    .order_by(Visit.starts_at, Visit.id)
    .limit(MY_HELP_VISITS)
    .subquery()
)
_NEXT_VISIT = select(Visit.id, Visit.starts_at, Visit.ends_at, Visit.time_frame_minutes).join(
    _NEXT, _NEXT.c.id == Visit.id
)
_NEXT_WITH_SERVICES = (
    _NEXT_VISIT.add_columns(Service.code)
    .outerjoin(VisitService, VisitService.visit_id == Visit.id)
    .outerjoin(Service, Service.id == VisitService.service_id)
    .order_by(Visit.starts_at, Visit.id, VisitService.id)
)
_NEXT_WITH_ELEMENTS = (
    _NEXT_VISIT.add_columns(CareProgrammeElement.name_da, CareProgrammeElement.name_en)
    .outerjoin(VisitElement, VisitElement.visit_id == Visit.id)
    .outerjoin(CareProgrammeElement, CareProgrammeElement.id == VisitElement.element_id)
    .order_by(Visit.starts_at, Visit.id, VisitElement.id)
)
# An Ældreloven citizen's coming visits as her steps see them (a priority is set for one of
# them, or for a period), read as plain columns with the elements planned at each, in one
# statement: no visit objects, no lines, and no swaps, which she cannot have (DOMAIN.md
# "Ældreloven": § 94 a falls away; the engine refuses a swap step's answer under it).
# Read as objects with their lines and swaps, they were a quarter of a priority turn
# (issue 17).
_AEL_COMING = (
    select(
        Visit.id,
        Visit.day,
        Visit.starts_at,
        Visit.ends_at,
        Visit.time_frame_minutes,
        VisitElement.element_id,
    )
    .where(*_COMING)
    .outerjoin(
        VisitElement,
        and_(VisitElement.visit_id == Visit.id, VisitElement.outcome == ElementOutcome.PLANNED),
    )
    .order_by(Visit.starts_at, Visit.id, VisitElement.id)
)


def coming_ael_visits(
    session: Session, citizen: Citizen, today: date
) -> tuple[dialogue_steps.VisitInfo, ...]:
    """Her coming visits (_COMING) with the elements planned at each, without services or
    swaps: what the Ældreloven steps read of a visit."""
    found: dict[int, tuple[tuple[int, date, datetime, datetime, int], list[int]]] = {}
    for visit_id, day, starts_at, ends_at, frame, element_id in read_columns(
        session, _AEL_COMING, _coming(citizen, today)
    ):
        _visit, elements = found.setdefault(
            visit_id, ((visit_id, day, starts_at, ends_at, frame), [])
        )
        if element_id is not None:
            elements.append(element_id)
    return tuple(
        dialogue_steps.VisitInfo(*visit, services=(), elements=tuple(elements))
        for visit, elements in found.values()
    )


# What "Min hjælp" lists as waiting for an answer: her swaps and her priorities asked for.
_SWAPS_WAITING = (
    select(SwapRequest.reference)
    .where(
        SwapRequest.citizen_id == bindparam("citizen_id"),
        SwapRequest.status == SwapStatus.REQUESTED,
    )
    .order_by(SwapRequest.created_at, SwapRequest.id)
)
_PRIORITIES_WAITING = (
    select(VisitPriority.reference)
    .where(
        VisitPriority.citizen_id == bindparam("citizen_id"),
        VisitPriority.status == PriorityStatus.REQUESTED,
    )
    .order_by(VisitPriority.created_at, VisitPriority.id)
)


def _visit_info(
    visit: Visit, swaps: list[SwapRequest], codes: Mapping[int, str]
) -> dialogue_steps.VisitInfo:
    """A coming visit as the steps see it; ``codes`` are the catalogue's (service_codes)."""
    dropped = [
        service_code(line, codes)
        for swap in swaps
        for line in swap.dropped
        if line.service_id is not None
    ]
    return dialogue_steps.VisitInfo(
        id=visit.id,
        day=visit.day,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        time_frame_minutes=visit.time_frame_minutes,
        services=tuple(
            (service_code(item, codes), item.planned_minutes)
            for item in visit.services
            if item.service_id is not None
            and item.granted_service_id is not None
            and item.outcome == VisitServiceOutcome.PLANNED
        ),
        already_dropped=tuple(dropped),
        # As bookings.booked_minutes counts them: what book_swap keeps within the frame.
        booked_minutes=sum(line.minutes for swap in swaps for line in swap.added),
        elements=tuple(e.element_id for e in visit.elements if e.outcome == ElementOutcome.PLANNED),
    )


def _my_help(
    citizen: Citizen, visits: list[dict[str, Any]], waiting: list[str], codes: Mapping[int, str]
) -> dict[str, Any]:
    decision = citizen.current_decision
    granted = [
        {
            "service": service_code(g, codes),
            "minutes": g.minutes_per_delivery,
            "frequency": g.frequency.value,
            "weekdays": list(g.weekday_tuple),
            "end": g.end_date.isoformat() if g.end_date else None,
        }
        for g in (decision.granted_services if decision else [])
    ]
    return {
        "granted": granted,
        "visits": visits[:MY_HELP_VISITS],
        "provider": citizen.provider.name if citizen.provider else "",
        "provider_phone": (citizen.provider.phone or "") if citizen.provider else "",
        "swaps": [{"reference": reference} for reference in waiting],
    }


def _reassessments(session: Session, citizen: Citizen) -> tuple[dict[str, Any], ...]:
    """Her latest reassessment requests with their case's status and deadline, in one
    statement: the case was read for each request on its own (issue 17: at most 10
    statements a turn)."""
    return tuple(
        {
            "reason": reason.value,
            "created": local_day(created_at).isoformat(),
            "status": status.value if status is not None else "open",
            "deadline": deadline.isoformat() if deadline else None,
        }
        for reason, created_at, status, deadline in read_columns(
            session, _REASSESSMENTS, {"citizen_id": citizen.id}
        )
    )


_REASSESSMENTS = (
    select(ReassessmentRequest.reason, ReassessmentRequest.created_at, Case.status, Case.deadline)
    .outerjoin(Case, Case.id == ReassessmentRequest.case_id)
    .where(ReassessmentRequest.citizen_id == bindparam("citizen_id"))
    .order_by(ReassessmentRequest.created_at.desc(), ReassessmentRequest.id.desc())
    .limit(5)
)


RELATIVE_ACTIONS = (
    "swap_requested",
    "wish_saved",
    "reassessment_requested",
    "priority_requested",
    "swap_withdrawn",  # services/citizen_requests.py: cancelled before the worker answered
    "wish_withdrawn",
    "call_back_requested",  # "Ring mig op" (issue 13)
)


def names_given(citizen: Citizen) -> dict[int, str]:
    """Relative id -> the name the citizen gave that relative (her latest consent's).

    What she is shown: Relative.name may be another citizen's words (issue 15, High 1).
    """
    return {c.relative_id: c.relative_name for c in sorted(citizen.consents, key=lambda c: c.id)}


def _relative_actions(session: Session, citizen: Citizen) -> tuple[dict[str, Any], ...]:
    """What relatives did on the citizen's behalf: shown to the citizen (002 section 16)."""
    names = names_given(citizen)
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.citizen_id == citizen.id,
            AuditEntry.action.in_(RELATIVE_ACTIONS),
            AuditEntry.actor_relative_id.is_not(None),
        )
        .order_by(AuditEntry.at.desc())
        .limit(10)
    )
    return tuple(
        {
            "at": entry.at.isoformat(),
            "name": names.get(entry.actor_relative_id or 0, ""),
            "action": entry.action,
        }
        for entry in rows
    )


def consent_ended(consent: Consent, now: datetime) -> bool:
    """Withdrawn or expired; a consent from a coming day has not ended."""
    return (consent.revoked_at is not None and consent.revoked_at <= now) or (
        consent.valid_to is not None and consent.valid_to <= now
    )


def _period_of(consent: Consent) -> dict[str, str | None]:
    """The consent's coming first day and its last day, as local ISO dates, while current."""
    now = utcnow()
    if consent_ended(consent, now):
        return {"starts": None, "ends": None}
    starts = consent.valid_from.astimezone(LOCAL).date() if consent.valid_from > now else None
    # valid_to is the start of the day after the last one (see add_relative).
    ends = (
        (consent.valid_to.astimezone(LOCAL) - timedelta(seconds=1)).date()
        if consent.valid_to is not None
        else None
    )
    return {
        "starts": starts.isoformat() if starts else None,
        "ends": ends.isoformat() if ends else None,
    }


# --- Ældreloven: the forløb, the examples and the priorities (DOMAIN.md "Ældreloven") -------


def _name(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def requested_priorities(session: Session, citizen: Citizen) -> list[VisitPriority]:
    return list(
        session.scalars(
            select(VisitPriority)
            .where(
                VisitPriority.citizen_id == citizen.id,
                VisitPriority.status == PriorityStatus.REQUESTED,
            )
            .order_by(VisitPriority.created_at, VisitPriority.id)
        )
    )


def _my_forlob(
    session: Session, citizen: Citizen, visits: list[dict[str, Any]], waiting: list[str]
) -> dict[str, Any]:
    """The forløb in plain words for "Min hjælp": no minutes (DOMAIN.md "Ældreloven")."""
    decision = citizen.current_decision
    provider = (decision.provider if decision else None) or citizen.provider
    programme, elements = _forlob(session, decision.id) if decision else (None, [])
    return {
        "programme": _name(*programme[:2]) if programme else None,
        "description": _name(*programme[2:]) if programme else None,
        "elements": elements,
        "goals": decision.goals if decision else "",
        "often": decision.visit_frequency_text if decision else "",
        "follow_up": decision.follow_up_date.isoformat()
        if decision and decision.follow_up_date
        else None,
        "provider": provider.name if provider else "",
        "provider_phone": (provider.phone or "") if provider else "",
        "visits": visits[:MY_HELP_VISITS],
        "priorities": [{"reference": reference} for reference in waiting],
    }


def _forlob(
    session: Session, decision_id: int
) -> tuple[tuple[str, str, str, str] | None, list[dict[str, Any]]]:
    """The decision's forløb (names and descriptions) and its granted elements with what
    each means for her, in one statement: as objects, one by one, they were three, and one
    more for each element, so that "Se min hjælp" on Ældreloven took 12 statements
    (issue 17: at most 10 a turn)."""
    programme = None
    elements = []
    for *names, element_da, element_en, meaning in read_columns(
        session, _FORLOB, {"decision_id": decision_id}
    ):
        if names[0] is not None:
            programme = (names[0], names[1], names[2], names[3])
        if element_da is not None:
            elements.append({"name": _name(element_da, element_en), "meaning": meaning})
    return programme, elements


_FORLOB = (
    select(
        CareProgramme.name_da,
        CareProgramme.name_en,
        CareProgramme.description_da,
        CareProgramme.description_en,
        CareProgrammeElement.name_da,
        CareProgrammeElement.name_en,
        GrantedElement.meaning,
    )
    .select_from(Decision)
    .outerjoin(CareProgramme, CareProgramme.id == Decision.care_programme_id)
    .outerjoin(GrantedElement, GrantedElement.decision_id == Decision.id)
    .outerjoin(CareProgrammeElement, CareProgrammeElement.id == GrantedElement.element_id)
    .where(Decision.id == bindparam("decision_id"))
    .order_by(GrantedElement.id)  # as Decision.granted_elements lists them
)


def _ael_context(session: Session, citizen: Citizen) -> dict[str, Any]:
    """The Context fields of an AEL citizen: her forløb's elements, examples and priorities,
    each read where a step shows it (issue 17)."""

    @functools.cache
    def elements() -> tuple[priority_rules.ElementInfo, ...]:
        decision = citizen.current_decision
        return tuple(
            priority_rules.ElementInfo(
                g.element.id, g.element.fsiii_code, g.element.name_da, g.element.name_en
            )
            for g in (decision.granted_elements if decision else [])
        )

    @functools.cache
    def wish_words() -> tuple[tuple[MatchableService, ...], tuple[MatchableService, ...]]:
        return priority_rules.wish_matchables(
            elements(), {c.code: (c.name_da, c.name_en) for c in ELDERLY_CODES}
        )

    def examples() -> tuple[tuple[str, str], ...]:
        return tuple(
            (e.text_da, e.text_en)
            for e in session.scalars(
                select(PriorityExample)
                .where(
                    PriorityExample.municipality_id == citizen.municipality_id,
                    PriorityExample.active,
                )
                .order_by(PriorityExample.position, PriorityExample.id)
            )
        )

    def priorities() -> tuple[priority_rules.ExistingPriority, ...]:
        return tuple(
            priority_rules.ExistingPriority(
                p.visit_id,
                (p.period_start, p.period_end) if p.period_start and p.period_end else None,
                p.element_id,
                p.kind,
            )
            for p in requested_priorities(session, citizen)
        )

    return {
        "elements": elements,
        "examples": examples,
        "priorities": priorities,
        "wish_covered": lambda: wish_words()[0],
        "wish_not_covered": lambda: wish_words()[1],
    }


def is_ael(citizen: Citizen) -> bool:
    decision = citizen.current_decision
    return decision is not None and decision.legal_basis == LegalBasis.AEL


def build_context(
    session: Session,
    citizen: Citizen,
    *,
    relative_id: int | None,
    may_act: bool,
    language: str,
    today: date | None = None,
) -> dialogue_steps.Context:
    """The citizen's Context. What only some steps show (the coming visits, "Min hjælp",
    the consents, the requests, what relatives did, the forløb) is read on first use, in
    this transaction or the next (issue 17: a turn ran every read whatever it showed)."""
    today = today or local_today()
    services = services_for(session, citizen.municipality_id)
    codes = service_codes(services)
    is_citizen = relative_id is None
    ael = is_ael(citizen)

    @functools.cache
    def visits_and_swaps() -> tuple[list[Visit], dict[int, list[SwapRequest]], list[SwapRequest]]:
        visits = coming_visits(session, citizen, today)
        swaps, waiting = _citizens_swaps(session, citizen, [v.id for v in visits])
        return visits, swaps, waiting

    def visits() -> tuple[dialogue_steps.VisitInfo, ...]:
        if ael:
            return ael_visits()
        rows, swaps, _waiting = visits_and_swaps()
        return tuple(_visit_info(v, swaps[v.id], codes) for v in rows)

    @functools.cache
    def ael_visits() -> tuple[dialogue_steps.VisitInfo, ...]:
        return coming_ael_visits(session, citizen, today)

    def my_help() -> dict[str, Any]:
        # Her next visits as plain columns, unless a step has read every coming visit already
        # (under Serviceloven only: an Ældreloven step reads them as columns, ael_visits),
        # with her swaps waiting for an answer.
        if visits_and_swaps.cache_info().currsize:
            visits, _swaps, swaps_waiting = visits_and_swaps()
            shown = [_shown_of(visit, codes) for visit in visits[:MY_HELP_VISITS]]
            return _my_help(citizen, shown, [swap.reference for swap in swaps_waiting], codes)
        shown = next_visits_shown(session, citizen, today, ael)
        waiting = _PRIORITIES_WAITING if ael else _SWAPS_WAITING
        references = list(read_columns(session, waiting, {"citizen_id": citizen.id}).scalars())
        if ael:
            return _my_forlob(session, citizen, shown, references)
        return _my_help(citizen, shown, references, codes)

    return dialogue_steps.Context(
        today=today,
        language=language,
        is_citizen=is_citizen,
        citizen_name=citizen.name,
        citizen_cpr=(citizen.cpr or "") if is_citizen else "",
        may_act=may_act,
        policy=policy_for(citizen.municipality),
        granted=tuple(granted_for(citizen.current_decision, codes)),
        phones={
            "citizen": citizen.phone or "",
            "visitation": citizen.municipality.visitation_phone or "",
            **({} if is_citizen else {"relative": _relative_phone(session, relative_id)}),
        },
        call_back_by=call_back_deadline(citizen, today),
        # Read once, and only when the short list of replacements is shown (issue 12, 3).
        choice_history=functools.cache(functools.partial(choice_history_for, session, citizen)),
        legal_basis=LegalBasis.AEL if ael else LegalBasis.SEL,
        later={
            # catalogue_for's entries, from the catalogue read above: 51 records a turn,
            # made only for the steps that check a service against it (issue 17).
            "catalogue": functools.partial(_catalogue_entries, services),
            # The words the free-text answer is matched against: only a typed answer reads them.
            "services": functools.partial(
                matchable, session, citizen.municipality_id, list(services.values())
            ),
            "visits": visits,
            "consents": functools.partial(_consents, citizen, relative_id),
            "my_help": my_help,
            "reassessments": functools.partial(_reassessments, session, citizen),
            "relative_actions": functools.partial(_relative_actions, session, citizen)
            if is_citizen
            else tuple,
            **(_ael_context(session, citizen) if ael else {}),
        },
    )


def _catalogue_entries(services: dict[str, CatalogueRow]) -> dict[str, CatalogueService]:
    return {code: catalogue_entry(s) for code, s in services.items() if s.active}


def _consents(citizen: Citizen, relative_id: int | None) -> tuple[dialogue_steps.ConsentInfo, ...]:
    """Her consents as the steps see them; a relative sees only their own."""
    is_citizen = relative_id is None
    consents = sorted(
        (c for c in citizen.consents if is_citizen or c.relative_id == relative_id),
        key=lambda c: c.id,
    )
    return tuple(
        dialogue_steps.ConsentInfo(
            c.id,
            c.relative_name,  # as she wrote it: never another citizen's (High 1)
            c.relation.value,
            c.scope.value,
            c.is_active(),
            c.relative.cpr if is_citizen else None,
            relation_text=c.relation_text,
            **_period_of(c),
        )
        for c in consents
        if c.is_active()
        or not any(o.relative_id == c.relative_id and o.id > c.id for o in consents)
    )


def _relative_phone(session: Session, relative_id: int | None) -> str:
    relative = session.get(Relative, relative_id) if relative_id is not None else None
    return (relative.phone or "") if relative is not None else ""
