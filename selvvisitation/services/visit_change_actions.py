"""Cancel and move visits, by the citizen's side and by the provider (issue 14; seed 002).

Each function is one transaction (services.transaction.one_transaction): it takes the visit's
write lock, checks the rule in domain.visit_changes, writes the change and its audit entry,
and commits; on a refusal it rolls back and raises VisitChangeRefused with a code the view
turns into Danish words.

Notifications go to the outbox in the same transaction: where 002 says the citizen must be
told, the change is stored with ``notice_due`` set and she is told (provider_cancel_visit,
provider_move_visit); a relative who cancels or asks to move a visit for her tells her too.
The team's answer to a move request is shown in her calendar and notified (answer_move).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.dates import local_day, local_today, utc_now
from selvvisitation.domain.notifications import NotificationEvent
from selvvisitation.domain.types import (
    ActorKind,
    CancelReason,
    MoveRequestStatus,
    ServiceCategory,
    VisitChangeKind,
    VisitServiceOutcome,
)
from selvvisitation.domain.visit_changes import (
    CancelDeadline,
    ProviderCancelRefused,
    citizen_cancel_deadline,
    provider_cancel,
    provider_move_notice_due,
    replacement_day_allowed,
    replacement_overdue,
    visit_settled,
)
from selvvisitation.models import (
    Citizen,
    MoveRequest,
    StaffUser,
    Visit,
    VisitChange,
    VisitElement,
    VisitService,
    utcnow,
)
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.security.locking import lock_for_write, locked_visit
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.notifications import queue_notification, tell_relative_acted
from selvvisitation.services.transaction import one_transaction

ELEMENT_CATEGORIES = {
    fsiii.PERSONAL_CARE: ServiceCategory.PERSONAL_CARE,
    fsiii.PRACTICAL_HELP: ServiceCategory.PRACTICAL_HELP,
    fsiii.MEALS: ServiceCategory.MEALS,
}


CALENDAR_LINK = "/borger/besoeg"  # where a notification of a changed visit leads


class VisitChangeRefused(Exception):
    """Refused; ``code`` names why: unavailable, deadline, personal_care, replacement_day,
    not_later, answered."""

    def __init__(self, code: str, deadline: CancelDeadline | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.deadline = deadline


def visit_categories(visit: Visit) -> set[ServiceCategory]:
    """The kinds of help planned at the visit: its services' categories, or for an AEL
    visit its elements' FSIII codes (personal care, practical help, meals)."""
    kinds = {
        line.service.category
        for line in visit.services
        if line.service is not None and line.outcome != VisitServiceOutcome.ADDED
    }
    kinds |= {
        ELEMENT_CATEGORIES.get(line.element.fsiii_code, ServiceCategory.OTHER)
        for line in visit.elements
    }
    return kinds


def cancel_deadline(visit: Visit) -> CancelDeadline:
    policy = policy_for(visit.citizen.municipality)
    return citizen_cancel_deadline(
        visit.starts_at, visit_categories(visit), policy.citizen_cancel_deadline_minutes
    )


def _reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4).upper()}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _coming_visit(session: Session, visit_id: int, citizen_id: int | None, now: datetime) -> Visit:
    """The visit, locked, if it is still to come and neither cancelled nor recorded."""
    visit = locked_visit(session, visit_id)
    if (
        visit is None
        or (citizen_id is not None and visit.citizen_id != citizen_id)
        or visit_settled(
            cancelled=visit.cancelled,
            recorded=visit.recorded_at is not None,
            starts_at=visit.starts_at,
            now=now,
        )
    ):
        raise VisitChangeRefused("unavailable")
    return visit


def by_whom(actor: Actor) -> tuple[ActorKind, int | None, str]:
    """Who acted for the citizen, and the audit purpose ("på vegne af" for a relative)."""
    if actor.relative is not None:
        return ActorKind.RELATIVE, actor.relative.id, "on_behalf_of_citizen"
    return ActorKind.CITIZEN, None, "own_request"


def citizen_cancel(
    session: Session,
    *,
    visit_id: int,
    citizen: Citizen,
    actor: Actor,
    reason: CancelReason,
    reason_text: str = "",
    now: datetime | None = None,
) -> VisitChange:
    """The citizen (or a relative with "act" consent) cancels one coming visit.

    No replacement is offered (002, Praktiske opgaver). Refused after the deadline: the
    municipality's minutes before the visit, or 12:00 the day before for meals (002,
    Madservice).
    """
    now = now or utc_now()
    with one_transaction(session):
        lock_for_write(session)
        visit = _coming_visit(session, visit_id, citizen.id, now)
        deadline = cancel_deadline(visit)
        if not deadline.allows(now):
            raise VisitChangeRefused("deadline", deadline)
        kind, relative_id, purpose = by_whom(actor)
        change = VisitChange(
            reference=_reference("AFL"),
            visit=visit,
            citizen_id=visit.citizen_id,
            kind=VisitChangeKind.CANCELLED,
            by_provider=False,
            reason=reason,
            reason_text=reason_text.strip() if reason == CancelReason.OTHER else "",
            old_starts_at=visit.starts_at,
            old_ends_at=visit.ends_at,
            created_by_kind=kind,
            created_by_relative_id=relative_id,
            created_at=now,
        )
        _cancel(
            session, visit, change, actor, purpose, {"change": "cancelled", "reason": reason.value}
        )
        if relative_id is not None:
            _tell_relative_acted(session, change.citizen_id, "cancelled_visit", change.id)
    return change


def provider_cancel_visit(
    session: Session,
    *,
    visit_id: int,
    staff: StaffUser,
    actor: Actor,
    reason_text: str,
    replacement_starts_at: datetime | None,
    now: datetime | None = None,
) -> VisitChange:
    """A team leader cancels a visit for the provider.

    Personal care: refused (002, Personlige opgaver). Practical help: a replacement visit
    within 1 week is created at ``replacement_starts_at`` (002, Praktiske opgaver). The
    citizen must be told: ``notice_due``, and the notification is queued.
    """
    now = now or utc_now()
    with one_transaction(session):
        lock_for_write(session)
        visit = _coming_visit(session, visit_id, None, now)
        if visit.team_id is None or visit.team_id != staff.team_id:
            raise VisitChangeRefused("unavailable")
        try:
            owed = provider_cancel(visit.day, visit_categories(visit))
        except ProviderCancelRefused:
            raise VisitChangeRefused("personal_care") from None
        replacement = None
        if owed.replacement_by is not None:
            if replacement_starts_at is None or not replacement_day_allowed(
                visit.day, local_day(replacement_starts_at), local_today(now)
            ):
                raise VisitChangeRefused("replacement_day")
            replacement = _replacement_visit(visit, _aware(replacement_starts_at))
        change = VisitChange(
            reference=_reference("AFL"),
            visit=visit,
            citizen_id=visit.citizen_id,
            kind=VisitChangeKind.CANCELLED,
            by_provider=True,
            reason_text=reason_text.strip(),
            old_starts_at=visit.starts_at,
            old_ends_at=visit.ends_at,
            notice_due=True,
            replacement_visit=replacement,
            replacement_due=owed.replacement_by,
            created_by_kind=ActorKind.STAFF,
            created_by_staff_id=staff.id,
            created_at=now,
        )
        _cancel(
            session,
            visit,
            change,
            actor,
            "visit_list",
            {
                "change": "cancelled_by_provider",
                "replacement_visit": replacement.id if replacement else None,
            },
        )
        _tell_the_citizen(session, change, NotificationEvent.VISIT_CANCELLED)
    return change


def _cancel(
    session: Session,
    visit: Visit,
    change: VisitChange,
    actor: Actor,
    purpose: str,
    detail: dict[str, Any],
) -> None:
    """Cancel the visit with its change row, and audit it under the change's reference."""
    visit.cancelled = True
    session.add(change)
    session.flush()  # the replacement visit's id, for the audit entry
    audit.record(
        "update",
        citizen=visit.citizen,
        object_type="visit",
        object_id=visit.id,
        purpose=purpose,
        detail={**detail, "reference": change.reference},
        actor=actor,
    )


def _replacement_visit(visit: Visit, starts_at: datetime) -> Visit:
    """A copy of the cancelled visit's plan at a new time (the replacement, 002)."""
    length = _aware(visit.ends_at) - _aware(visit.starts_at)
    replacement = Visit(
        citizen_id=visit.citizen_id,
        team_id=visit.team_id,
        day=local_day(starts_at),
        starts_at=starts_at,
        ends_at=starts_at + length,
        time_of_day=visit.time_of_day,
        time_frame_minutes=visit.time_frame_minutes,
        planned_staff_id=visit.planned_staff_id,
        note=visit.note,
    )
    replacement.services = [
        VisitService(
            service_id=line.service_id,
            free_text=line.free_text,
            granted_service_id=line.granted_service_id,
            planned_minutes=line.planned_minutes,
        )
        for line in visit.services
        if line.outcome != VisitServiceOutcome.ADDED
    ]
    replacement.elements = [VisitElement(element_id=line.element_id) for line in visit.elements]
    return replacement


def provider_move_visit(
    session: Session,
    *,
    visit_id: int,
    staff: StaffUser,
    actor: Actor,
    new_starts_at: datetime,
    reason_text: str,
    now: datetime | None = None,
) -> VisitChange:
    """A team leader moves a visit (or records a delay) for the provider.

    ``notice_due`` is set when 002 says the citizen must be told: personal care moved more
    than 30 minutes, practical help more than 1 hour late; the notification is then queued.
    """
    now = now or utc_now()
    new_starts_at = _aware(new_starts_at)
    with one_transaction(session):
        lock_for_write(session)
        visit = _coming_visit(session, visit_id, None, now)
        if visit.team_id is None or visit.team_id != staff.team_id:
            raise VisitChangeRefused("unavailable")
        if new_starts_at <= now:
            raise VisitChangeRefused("not_later")
        change = _move(visit, new_starts_at, now)
        change.by_provider = True
        change.reason_text = reason_text.strip()
        change.notice_due = provider_move_notice_due(
            visit_categories(visit), change.old_starts_at, new_starts_at
        )
        change.created_by_kind = ActorKind.STAFF
        change.created_by_staff_id = staff.id
        session.add(change)
        session.flush()
        audit.record(
            "update",
            citizen=visit.citizen,
            object_type="visit",
            object_id=visit.id,
            purpose="visit_list",
            detail={"change": "moved_by_provider", "reference": change.reference},
            actor=actor,
        )
        if change.notice_due:
            late = ServiceCategory.PERSONAL_CARE not in visit_categories(visit)
            event = NotificationEvent.VISIT_DELAYED if late else NotificationEvent.VISIT_MOVED
            _tell_the_citizen(session, change, event)
    return change


def _tell_the_citizen(session: Session, change: VisitChange, event: NotificationEvent) -> None:
    """002: the citizen must be told of the provider's change; she and the relatives who
    chose it are, by their channel, in the same transaction (issue 14)."""
    queue_notification(
        session,
        citizen_id=change.citizen_id,
        event=event,
        params={"visit_change_id": change.id},
        link=CALENDAR_LINK,
    )


def _tell_relative_acted(session: Session, citizen_id: int, acted: str, row_id: int) -> None:
    """A relative cancelled or asked to move a visit for the citizen: she is told, as of a
    relative's wish (issue 14), in the same transaction."""
    tell_relative_acted(
        session,
        citizen_id=citizen_id,
        params={"acted": acted, "id": row_id},
        link=CALENDAR_LINK,
    )


def _move(visit: Visit, new_starts_at: datetime, now: datetime) -> VisitChange:
    """Move the visit's time window to start at ``new_starts_at``; return the change row."""
    length = _aware(visit.ends_at) - _aware(visit.starts_at)
    change = VisitChange(
        reference=_reference("FLY"),
        visit=visit,
        citizen_id=visit.citizen_id,
        kind=VisitChangeKind.MOVED,
        old_starts_at=visit.starts_at,
        old_ends_at=visit.ends_at,
        new_starts_at=new_starts_at,
        new_ends_at=new_starts_at + length,
        created_by_kind=ActorKind.STAFF,
        created_at=now,
    )
    visit.starts_at = new_starts_at
    visit.ends_at = new_starts_at + length
    visit.day = local_day(new_starts_at)
    return change


def request_move(
    session: Session,
    *,
    visit_id: int,
    citizen: Citizen,
    actor: Actor,
    wish: str,
    now: datetime | None = None,
) -> MoveRequest:
    """The citizen asks to move a coming visit: a request the team answers, not a booking
    (002: "Flytning af opgaven aftales mellem borger og leverandør")."""
    now = now or utc_now()
    with one_transaction(session):
        lock_for_write(session)
        visit = _coming_visit(session, visit_id, citizen.id, now)
        kind, relative_id, purpose = by_whom(actor)
        request = MoveRequest(
            reference=_reference("FLY"),
            visit=visit,
            citizen_id=visit.citizen_id,
            wish=wish.strip(),
            created_by_kind=kind,
            created_by_relative_id=relative_id,
            created_at=now,
        )
        session.add(request)
        session.flush()
        audit.record(
            "create",
            citizen=visit.citizen,
            object_type="visit_move_request",
            object_id=request.id,
            purpose=purpose,
            detail={"reference": request.reference},
            actor=actor,
        )
        if relative_id is not None:
            _tell_relative_acted(session, request.citizen_id, "asked_to_move_visit", request.id)
    return request


def answer_move(
    session: Session,
    *,
    request_id: int,
    staff: StaffUser,
    actor: Actor,
    accept: bool,
    new_starts_at: datetime | None,
    reason_text: str,
    now: datetime | None = None,
) -> MoveRequest:
    """The team answers a move request: yes with the new time (the visit moves), or no with
    a reason. The citizen sees the answer in her calendar, and she and the relatives who
    chose answers are told, in the same transaction (issue 14)."""
    now = now or utc_now()
    with one_transaction(session):
        lock_for_write(session)
        request = session.get(MoveRequest, request_id)
        if request is None or request.visit.team_id != staff.team_id:
            raise VisitChangeRefused("unavailable")
        if request.status != MoveRequestStatus.REQUESTED:
            raise VisitChangeRefused("answered")
        visit = _coming_visit(session, request.visit_id, None, now)
        if accept and (new_starts_at is None or _aware(new_starts_at) <= now):
            raise VisitChangeRefused("not_later")
        if accept and new_starts_at is not None:
            change = _move(visit, _aware(new_starts_at), now)
            change.created_by_staff_id = staff.id
            change.reason_text = reason_text.strip()
            session.add(change)
            request.new_starts_at = _aware(new_starts_at)
            request.status = MoveRequestStatus.ACCEPTED
        else:
            request.status = MoveRequestStatus.DECLINED
        request.answer_text = reason_text.strip()
        request.answered_at = now
        request.answered_by_staff_id = staff.id
        audit.record(
            "update",
            citizen=visit.citizen,
            object_type="visit_move_request",
            object_id=request.id,
            purpose="visit_list",
            detail={"answer": request.status.value},
            actor=actor,
        )
        _tell_move_answered(session, request)
    return request


def _tell_move_answered(session: Session, request: MoveRequest) -> None:
    """The answer to her move request, yes or no. A no says only that the reason is behind
    the link: the team's own words stay in the calendar, where she signs in to read them
    (they may say something about her health)."""
    accepted = request.status == MoveRequestStatus.ACCEPTED
    queue_notification(
        session,
        citizen_id=request.citizen_id,
        event=NotificationEvent.MOVE_ACCEPTED if accepted else NotificationEvent.MOVE_DECLINED,
        params={"move_request_id": request.id, "reason": None if accepted else "other"},
        link=CALENDAR_LINK,
    )


def overdue_replacements(session: Session, today: date) -> list[VisitChange]:
    """Flag each provider cancellation whose week passed without a delivered replacement
    (002, Praktiske opgaver): the team leader sees it on the team's list. The caller commits."""
    rows = session.scalars(
        select(VisitChange).where(
            VisitChange.by_provider.is_(True),
            VisitChange.replacement_due.is_not(None),
            VisitChange.replacement_due < today,
            VisitChange.replacement_flagged_at.is_(None),
        )
    ).all()
    flagged = []
    for change in rows:
        replacement = change.replacement_visit
        delivered = (
            replacement is not None
            and replacement.recorded_at is not None
            and not replacement.cancelled
            and replacement.day <= (change.replacement_due or today)
        )
        if change.replacement_due and replacement_overdue(change.replacement_due, delivered, today):
            change.replacement_flagged_at = utcnow()
            flagged.append(change)
    return flagged


def open_replacement_flags(session: Session, team_id: int | None) -> list[VisitChange]:
    if team_id is None:
        return []
    return list(
        session.scalars(
            select(VisitChange)
            .join(Visit, Visit.id == VisitChange.visit_id)
            .where(Visit.team_id == team_id, VisitChange.replacement_flagged_at.is_not(None))
            .order_by(VisitChange.replacement_due)
        )
    )


def _per_visit(session: Session, model: Any, visit_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Rows of ``model`` (VisitChange or MoveRequest) per visit id, oldest first."""
    ids = list(visit_ids)
    result: dict[int, list[Any]] = {i: [] for i in ids}
    if ids:
        rows = session.scalars(
            select(model).where(model.visit_id.in_(ids)).order_by(model.created_at, model.id)
        )
        for row in rows:
            result[row.visit_id].append(row)
    return result


def changes_for(session: Session, visit_ids: Iterable[int]) -> dict[int, list[VisitChange]]:
    """The changes per visit id, oldest first."""
    return _per_visit(session, VisitChange, visit_ids)


def move_requests_for(session: Session, visit_ids: Iterable[int]) -> dict[int, list[MoveRequest]]:
    """The citizen's move requests per visit id, oldest first."""
    return _per_visit(session, MoveRequest, visit_ids)


def replacement_window(day: date) -> tuple[date, date]:
    """The days a replacement for a visit on ``day`` may fall on (002: within 1 week)."""
    return day + timedelta(days=1), day + timedelta(days=7)
