"""The visitators' reads: the work queue of open cases and what a case page shows.

Keyset paging: a page is "the next N cases after this one" in queue order
(priority, deadline, id), read along the partial index ``ix_case_open_queue`` (or
the one of the team, provider or reason filter), so the cost of a page does not
grow with the number of cases or with how far the visitator has paged (issue 5:
fast with 100,000 citizens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from selvvisitation.domain.dates import DB_INT_MAX, local_day, local_today, plausible_day
from selvvisitation.domain.types import CaseKind, CaseStatus, FlagRule, VisitServiceOutcome
from selvvisitation.domain.weekly import MinutesRow, ServiceSeries, week_starts, weekly_series
from selvvisitation.models import (
    AssessmentVisit,
    CallBackRequest,
    CareProgrammeElement,
    Case,
    Citizen,
    Conversation,
    ConversationMessage,
    Decision,
    Flag,
    Provider,
    ReassessmentRequest,
    Service,
    StaffReport,
    SwapRequest,
    Team,
    Visit,
    VisitService,
    Wish,
)

PAGE_SIZE = 25
# Literal, not a bound parameter, so PostgreSQL matches the partial index's predicate.
_NOT_CLOSED = Case.status != sa.literal_column("'closed'")


@dataclass(frozen=True)
class QueueFilters:
    team_id: int | None = None
    provider_id: int | None = None
    kind: CaseKind | None = None


@dataclass(frozen=True)
class QueueCursor:
    """The last case of a page, in queue order; its text form goes in the next page's URL."""

    priority: int
    deadline: date
    id: int

    def encode(self) -> str:
        return f"{self.priority}.{self.deadline.isoformat()}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> QueueCursor | None:
        """Read a cursor from a URL; None for anything malformed (the first page is shown)."""
        try:
            priority, deadline, case_id = (text or "").split(".")
            cursor = cls(
                priority=int(priority), deadline=date.fromisoformat(deadline), id=int(case_id)
            )
        except ValueError:
            return None
        # Numbers the database's integer cannot hold were a 500 on PostgreSQL (issue 15).
        within = all(abs(n) <= DB_INT_MAX for n in (cursor.priority, cursor.id))
        return cursor if within and plausible_day(cursor.deadline) else None


@dataclass
class QueuePage:
    cases: list[Case]
    total: int
    next_cursor: QueueCursor | None


def _overdue_last(today: date) -> sa.ColumnElement[int]:
    """0 for a case past its deadline, 1 for the rest: overdue cases lead the queue (issue 12)."""
    return sa.case((Case.deadline < today, 0), else_=1)


def _after(cursor: QueueCursor, today: date) -> sa.ColumnElement[bool]:
    """Cases after the cursor in queue order (overdue first, then priority, deadline, id).

    The cursor's own deadline says which part of the queue it was in, so the URL needs no
    more than before. A row comparison: one condition, where an OR of the same conditions
    would read the queue from its beginning and filter.
    """
    cursor_rank = 0 if cursor.deadline < today else 1
    return sa.tuple_(_overdue_last(today), Case.priority, Case.deadline, Case.id) > (
        cursor_rank,
        cursor.priority,
        cursor.deadline,
        cursor.id,
    )


# Row: what the statement selects, kept by the filters.
def _filtered[*Row](
    stmt: sa.Select[*Row], municipality_id: int, filters: QueueFilters
) -> sa.Select[*Row]:
    stmt = stmt.where(Case.municipality_id == municipality_id, _NOT_CLOSED)
    if filters.kind is not None:
        stmt = stmt.where(Case.kind == filters.kind)
    # The case's own copy of the citizen's team and provider (kept right by the model):
    # no join to the citizens, and each filter has its index in queue order.
    if filters.team_id is not None:
        stmt = stmt.where(Case.team_id == filters.team_id)
    if filters.provider_id is not None:
        stmt = stmt.where(Case.provider_id == filters.provider_id)
    return stmt


def queue_page(
    session: Session,
    municipality_id: int,
    filters: QueueFilters,
    *,
    after: QueueCursor | None = None,
    limit: int = PAGE_SIZE,
    today: date | None = None,
) -> QueuePage:
    """One page of the municipality's open cases, most urgent first.

    Overdue cases come first, then the rest; within each, high priority first and then the
    earliest deadline, which is the fewest working days left (issue 12, "The queue's order").
    """
    today = today or local_today()
    stmt = _filtered(select(Case), municipality_id, filters)
    if after is not None:
        stmt = stmt.where(_after(after, today))
    stmt = (
        stmt.order_by(_overdue_last(today), Case.priority, Case.deadline, Case.id)
        .limit(limit + 1)
        .options(selectinload(Case.citizen).selectinload(Citizen.team).selectinload(Team.provider))
    )
    cases = list(session.scalars(stmt))
    more = len(cases) > limit
    cases = cases[:limit]
    total = session.scalar(_filtered(select(sa.func.count(Case.id)), municipality_id, filters))
    next_cursor = (
        QueueCursor(cases[-1].priority, cases[-1].deadline, cases[-1].id) if more else None
    )
    return QueuePage(cases=cases, total=total or 0, next_cursor=next_cursor)


def teams_and_providers(
    session: Session, municipality_id: int
) -> tuple[list[Team], list[Provider]]:
    providers = list(
        session.scalars(
            select(Provider)
            .where(Provider.municipality_id == municipality_id)
            .order_by(Provider.name)
        )
    )
    teams = list(
        session.scalars(
            select(Team)
            .join(Provider)
            .where(Provider.municipality_id == municipality_id)
            .order_by(Team.name)
        )
    )
    return teams, providers


# --- the case page ------------------------------------------------------------------
#
# The page shows services everywhere (flags, decisions, swaps, visits): the view loads
# the municipality's catalogue first (`catalogue`), and ``x.service`` is then found in
# the session, never queried again; the reads below load no services of their own.


def catalogue(session: Session, municipality_id: int) -> dict[int, Service]:
    """The municipality's services by id (the case page loads it before the other reads)."""
    return {
        s.id: s
        for s in session.scalars(select(Service).where(Service.municipality_id == municipality_id))
    }


@dataclass(frozen=True)
class TimelineEntry:
    """One event in the swap history: a wish (swap request) or a recorded drop/add."""

    day: date
    kind: str  # "swap" or "dropped" or "added"
    swap: SwapRequest | None = None
    item: VisitService | None = None


def decision_history(session: Session, citizen: Citizen) -> list[Decision]:
    """Every version of the citizen's decision, newest first, with its services."""
    return list(
        session.scalars(
            select(Decision)
            .where(Decision.citizen_id == citizen.id)
            .options(selectinload(Decision.granted_services))
            .order_by(Decision.version.desc())
        )
    )


def swap_timeline(session: Session, citizen: Citizen, *, limit: int = 60) -> list[TimelineEntry]:
    """The citizen's swap wishes and the dropped/added services recorded at visits, newest first."""
    swaps = session.scalars(
        select(SwapRequest)
        .where(SwapRequest.citizen_id == citizen.id)
        .options(selectinload(SwapRequest.lines), joinedload(SwapRequest.visit))
        .order_by(SwapRequest.created_at.desc())
        .limit(limit)
    )
    items = session.scalars(
        select(VisitService)
        .join(Visit)
        .where(
            Visit.citizen_id == citizen.id,
            VisitService.outcome.in_([VisitServiceOutcome.DROPPED, VisitServiceOutcome.ADDED]),
        )
        .options(contains_eager(VisitService.visit))
        .order_by(Visit.day.desc())
        .limit(limit)
    )
    entries = [
        TimelineEntry(
            day=(s.visit.day if s.visit else local_day(s.created_at)), kind="swap", swap=s
        )
        for s in swaps
    ]
    entries += [
        TimelineEntry(
            day=item.visit.day,
            kind="dropped" if item.outcome == VisitServiceOutcome.DROPPED else "added",
            item=item,
        )
        for item in items
    ]
    order = {"swap": 0, "dropped": 1, "added": 2}
    entries.sort(key=lambda e: (-e.day.toordinal(), order[e.kind]))
    return entries[:limit]


def weekly_minutes(
    session: Session, citizen: Citizen, *, today: date, weeks: int = 8
) -> list[ServiceSeries]:
    """Granted against delivered minutes per service, week by week, for the last weeks."""
    starts = week_starts(today, weeks)
    rows = session.execute(
        select(
            VisitService.service_id,
            Visit.day,
            VisitService.granted_service_id,
            VisitService.planned_minutes,
            VisitService.delivered_minutes,
            VisitService.outcome,
        )
        .join(Visit)
        .where(
            Visit.citizen_id == citizen.id,
            Visit.day >= starts[0],
            Visit.day < starts[-1] + timedelta(days=7),
            Visit.cancelled.is_(False),
            VisitService.service_id.is_not(None),
        )
    )
    return weekly_series(
        [
            MinutesRow(
                service_id=r.service_id,
                day=r.day,
                granted_minutes=r.planned_minutes if r.granted_service_id is not None else 0,
                delivered_minutes=(
                    None if r.outcome == VisitServiceOutcome.PLANNED else (r.delivered_minutes or 0)
                ),
            )
            for r in rows
        ],
        starts,
    )


def case_flags(session: Session, case: Case) -> list[Flag]:
    return list(
        session.scalars(select(Flag).where(Flag.case_id == case.id).order_by(Flag.opened_at))
    )


def visits_by_ref(session: Session, citizen: Citizen, flags: list[Flag]) -> dict[str, Visit]:
    """The citizen's visits that flag evidence names (visit refs are visit ids)."""
    ids = {
        int(ref)
        for flag in flags
        for ref in (flag.evidence or {}).get("visit_refs", [])
        if str(ref).isdigit()
    }
    if not ids:
        return {}
    visits = session.scalars(
        select(Visit)
        .where(Visit.citizen_id == citizen.id, Visit.id.in_(ids))
        .options(selectinload(Visit.services), selectinload(Visit.elements))
    )
    return {str(visit.id): visit for visit in visits}


def flag_elements(session: Session, flags: list[Flag]) -> dict[int, CareProgrammeElement]:
    """The forløb elements that Ældreloven decline flags name (their key ends in the id)."""
    ids = {
        int(flag.key.split(":", 1)[-1])
        for flag in flags
        if flag.rule == FlagRule.REPEATED_ELEMENT_DECLINE and flag.key.split(":", 1)[-1].isdigit()
    }
    if not ids:
        return {}
    rows = session.scalars(select(CareProgrammeElement).where(CareProgrammeElement.id.in_(ids)))
    return {element.id: element for element in rows}


def active_wishes(session: Session, citizen: Citizen) -> list[Wish]:
    return list(
        session.scalars(
            select(Wish)
            .where(Wish.citizen_id == citizen.id, Wish.active.is_(True))
            .order_by(Wish.created_at.desc())
        )
    )


def case_sources(
    session: Session, case: Case
) -> tuple[list[ReassessmentRequest], list[StaffReport]]:
    """What opened the case besides flags: the citizen's requests and staff reports."""
    requests = list(
        session.scalars(select(ReassessmentRequest).where(ReassessmentRequest.case_id == case.id))
    )
    reports = list(session.scalars(select(StaffReport).where(StaffReport.case_id == case.id)))
    return requests, reports


def call_backs(session: Session, case: Case) -> list[CallBackRequest]:
    """ "Ring mig op" requests behind the case (issue 13): the number, the time, her words."""
    return list(
        session.scalars(
            select(CallBackRequest)
            .where(CallBackRequest.case_id == case.id)
            .order_by(CallBackRequest.id)
        )
    )


def assessment_visits(session: Session, case: Case) -> list[AssessmentVisit]:
    return list(
        session.scalars(
            select(AssessmentVisit)
            .where(AssessmentVisit.case_id == case.id)
            .options(
                selectinload(AssessmentVisit.visitator),
                selectinload(AssessmentVisit.quality),
                selectinload(AssessmentVisit.observation),
            )
            .order_by(AssessmentVisit.starts_at)
        )
    )


def is_open(case: Case) -> bool:
    return case.status != CaseStatus.CLOSED


# The shared conversation on the case page shows its latest messages up to the request,
# as the citizen's own page does (issue 17: a conversation is never closed, and a demo
# citizen's reaches 5,000 messages); "Vis tidligere beskeder" shows as many again each
# time, up to TRANSCRIPT_MOST, so no value of ?samtale= makes the page cost more than that.
TRANSCRIPT_SHOWN = 40
TRANSCRIPT_MOST = 400


def shared_conversation(
    session: Session,
    case: Case,
    requests: list[ReassessmentRequest],
    shown: int = TRANSCRIPT_SHOWN,
) -> tuple[list[ConversationMessage], bool]:
    """The latest ``shown`` messages of the dialogue the citizen sent this case from, up to
    the sending turn, oldest first, and whether older ones are left out; else nothing.

    The conversation is the citizen's own. It is shown to the visitator only when the
    citizen (or a relative acting with consent) sent a reassessment request from it to
    the visitation, which is the citizen's choice to share it; never for other cases.
    ``requests`` are the case's reassessment requests (``case_sources``), read once.
    One bounded read, never the whole history.
    """
    for request in requests:
        if request.case_id != case.id:
            continue
        token = request.submission_token
        conversation_part, _, turn_part = (token or "").partition("-t")
        if not (conversation_part.startswith("c") and conversation_part[1:].isdigit()):
            continue
        if not turn_part.isdigit():
            continue
        newest_first = list(
            session.scalars(
                select(ConversationMessage)
                .join(Conversation)
                .where(
                    Conversation.id == int(conversation_part[1:]),
                    Conversation.citizen_id == case.citizen_id,
                    ConversationMessage.turn <= int(turn_part),
                )
                .options(selectinload(ConversationMessage.relative))
                .order_by(ConversationMessage.id.desc())
                .limit(shown + 1)  # one more than shown: is there anything older?
            )
        )
        return newest_first[:shown][::-1], len(newest_first) > shown
    return [], False
