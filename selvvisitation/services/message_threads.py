"""Messages between the citizen's side and the visitation or her team (issue 14).

Each function here is one transaction (services.transaction.one_transaction): it checks,
writes the message and its audit entry, and commits, or rolls back and raises. Reading a
thread is audited like every other read of a citizen's data and marks it read.

Notifications are not sent from here: the lead wires ``write_message`` (a new message
for the handling party's inbox), ``reply`` (a new message for the citizen and her
relatives) and ``hand_over`` to the notifications outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import g, has_app_context
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.selectable import ScalarSelect

from selvvisitation.domain.dates import local_day
from selvvisitation.domain.messages import (
    DEFAULT_REPLY_WORKING_DAYS,
    MAX_MESSAGE_LENGTH,
    MAX_NOTE_LENGTH,
    MessageProblem,
    ThreadParty,
    check_text,
    is_overdue,
    reply_due,
)
from selvvisitation.domain.notifications import NotificationEvent
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.models import Citizen, Consent, MessageThread, StaffUser, ThreadMessage
from selvvisitation.models.base import utcnow
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.services.notifications import queue_notification
from selvvisitation.services.transaction import one_transaction

STAFF_PARTY = {
    StaffRole.VISITATOR: ThreadParty.VISITATION,
    StaffRole.HOME_CARE_WORKER: ThreadParty.TEAM,
    StaffRole.TEAM_LEADER: ThreadParty.TEAM,
}


MESSAGES_LINK = "/borger/beskeder"  # where a notification of a new answer leads


class MessageRefused(Exception):
    """The message cannot be sent; nothing was written."""

    def __init__(self, problem: MessageProblem | str) -> None:
        super().__init__(str(problem))
        self.problem = problem


def parties_for(citizen: Citizen) -> list[ThreadParty]:
    """The visitation always; her team only when she has one."""
    if citizen.team_id is None:
        return [ThreadParty.VISITATION]
    return [ThreadParty.VISITATION, ThreadParty.TEAM]


def staff_party(staff: StaffUser) -> ThreadParty | None:
    return STAFF_PARTY.get(staff.role)


def thread_for(session: Session, citizen: Citizen, party: ThreadParty) -> MessageThread | None:
    return session.scalars(
        select(MessageThread)
        .where(MessageThread.citizen_id == citizen.id, MessageThread.party == party)
        .options(selectinload(MessageThread.messages))
    ).first()


def _thread_or_new(session: Session, citizen: Citizen, party: ThreadParty) -> MessageThread:
    """The citizen's thread with the party, created on the first message.

    Two first messages at once (two tabs, the citizen and a relative) meet the unique
    constraint; the loser takes the thread the winner made.
    """
    thread = thread_for(session, citizen, party)
    if thread is not None:
        return thread
    thread = MessageThread(citizen_id=citizen.id, party=party, handled_by=party)
    try:
        with session.begin_nested():
            session.add(thread)
    except IntegrityError:
        existing = thread_for(session, citizen, party)
        if existing is None:
            raise
        return existing
    return thread


def _clean(text: str, limit: int) -> str:
    cleaned, problem = check_text(text, limit)
    if problem is not None:
        raise MessageRefused(problem)
    return cleaned


def write_message(
    session: Session, *, actor: Actor, citizen: Citizen, party: ThreadParty, text: str
) -> ThreadMessage:
    """The citizen's or a relative's message to the visitation or her team."""
    if party not in parties_for(citizen):
        raise MessageRefused("no_team")
    cleaned = _clean(text, MAX_MESSAGE_LENGTH)
    relative = actor.relative
    with one_transaction(session):
        thread = _thread_or_new(session, citizen, party)
        now = utcnow()
        message = ThreadMessage(
            thread=thread,
            at=now,
            author_kind=ActorKind.RELATIVE if relative is not None else ActorKind.CITIZEN,
            author_relative_id=relative.id if relative is not None else None,
            author_citizen_id=None if relative is not None else citizen.id,
            author_name=(
                _relative_name(session, citizen, relative.id)
                if relative is not None
                else citizen.name
            ),
            text=cleaned,
        )
        session.add(message)
        thread.last_message_at = now
        thread.citizen_read_at = now
        if thread.awaiting_reply_since is None:
            thread.awaiting_reply_since = now
        session.flush()
        audit.record(
            "create",
            citizen=citizen,
            object_type="message",
            object_id=message.id,
            purpose="on_behalf_of_citizen" if actor.relative is not None else "own_request",
            actor=actor,
        )
    return message


def _relative_name(session: Session, citizen: Citizen, relative_id: int) -> str:
    """The relative's name as the citizen recorded it with her consent."""
    name = session.scalars(
        select(Consent.relative_name)
        .where(Consent.citizen_id == citizen.id, Consent.relative_id == relative_id)
        .order_by(Consent.recorded_at.desc())
    ).first()
    return name or ""


def reply(session: Session, *, staff: StaffUser, thread: MessageThread, text: str) -> ThreadMessage:
    """A staff member's answer in a thread her party handles."""
    party = _handling_party(staff, thread)
    cleaned = _clean(text, MAX_MESSAGE_LENGTH)
    with one_transaction(session):
        now = utcnow()
        message = ThreadMessage(
            thread=thread,
            at=now,
            author_kind=ActorKind.STAFF,
            author_staff_id=staff.id,
            author_name=staff.name,
            party=party,
            text=cleaned,
        )
        session.add(message)
        thread.last_message_at = now
        thread.staff_read_at = now
        _inbox_changed()
        thread.awaiting_reply_since = None
        session.flush()
        audit.record(
            "create",
            citizen=thread.citizen,
            object_type="message",
            object_id=message.id,
            purpose="messages",
        )
        # The citizen and relatives who chose it hear that an answer came (issue 14).
        queue_notification(
            session,
            citizen_id=thread.citizen_id,
            event=NotificationEvent.NEW_MESSAGE,
            params={"message_id": message.id},
            link=MESSAGES_LINK,
        )
    return message


def hand_over(
    session: Session, *, staff: StaffUser, thread: MessageThread, note: str
) -> ThreadMessage:
    """Give the thread to the other party (team ↔ visitation) with a note for them.

    The other party's inbox shows the thread as unread, and the reply deadline keeps
    counting from the citizen's message: a handover does not buy time.
    """
    party = _handling_party(staff, thread)
    cleaned = _clean(note, MAX_NOTE_LENGTH)
    if party is ThreadParty.VISITATION and thread.citizen.team_id is None:
        raise MessageRefused("no_team")
    with one_transaction(session):
        message = ThreadMessage(
            thread=thread,
            kind="handover",
            author_kind=ActorKind.STAFF,
            author_staff_id=staff.id,
            author_name=staff.name,
            party=party.other,
            text=cleaned,
        )
        session.add(message)
        thread.handled_by = party.other
        thread.staff_read_at = None
        _inbox_changed()
        session.flush()
        audit.record(
            "update",
            citizen=thread.citizen,
            object_type="message_thread",
            object_id=thread.id,
            purpose="messages",
            detail={"handed_over_to": party.other.value},
        )
    return message


def _handling_party(staff: StaffUser, thread: MessageThread) -> ThreadParty:
    party = staff_party(staff)
    if party is None or thread.handled_by != party:
        raise MessageRefused("not_handling")
    return party


def open_for_staff(
    session: Session, *, staff: StaffUser, thread: MessageThread, mark_read: bool = True
) -> None:
    """Staff open a thread: audit the read and mark it read for the handling party (not
    when the page shows a refused answer: a refusal writes nothing but its audit)."""
    audit.record(
        "read",
        citizen=thread.citizen,
        object_type="message_thread",
        object_id=thread.id,
        purpose="messages",
    )
    if mark_read:
        thread.staff_read_at = utcnow()
        _inbox_changed()
    session.commit()


def open_for_citizen(
    session: Session,
    *,
    actor: Actor,
    citizen: Citizen,
    thread: MessageThread | None,
    mark_read: bool = True,
) -> None:
    """The citizen or a relative opens a thread: a relative's read is audited (as on every
    page of the citizen's), and the thread is marked read for the citizen's side."""
    if actor.relative is not None:
        audit.record(
            "read",
            citizen=citizen,
            object_type="message_thread",
            object_id=thread.id if thread is not None else "",
            purpose="relative_view",
            actor=actor,
        )
    if thread is not None and mark_read:
        thread.citizen_read_at = utcnow()
    session.commit()


def staff_thread(session: Session, staff: StaffUser, thread_id: int) -> MessageThread | None:
    """The thread, when the staff member's party handles it for a citizen she may see."""
    thread = session.get(MessageThread, thread_id)
    if thread is None or not _visible(staff, thread):
        return None
    return thread


def _visible(staff: StaffUser, thread: MessageThread) -> bool:
    citizen = thread.citizen
    party = staff_party(staff)
    if party is None or thread.handled_by != party:
        return False
    if citizen.municipality_id != staff.municipality_id:
        return False
    if party is ThreadParty.TEAM:
        return staff.team_id is not None and citizen.team_id == staff.team_id
    return True


def _inbox_query(staff: StaffUser) -> Select[MessageThread]:
    party = staff_party(staff)
    query = (
        select(MessageThread)
        .join(Citizen, Citizen.id == MessageThread.citizen_id)
        .where(MessageThread.handled_by == party, Citizen.municipality_id == staff.municipality_id)
    )
    if party is ThreadParty.TEAM:
        query = query.where(Citizen.team_id == staff.team_id)
    return query


def _unread_condition() -> tuple[ColumnElement[bool], ...]:
    return (
        ThreadMessage.kind == "message",
        ThreadMessage.author_kind.in_((ActorKind.CITIZEN, ActorKind.RELATIVE)),
        (MessageThread.staff_read_at.is_(None)) | (ThreadMessage.at > MessageThread.staff_read_at),
    )


def unread_count(session: Session, staff: StaffUser) -> int:
    """Unread messages from citizens' side in the staff member's inbox (the menu shows it)."""
    if staff_party(staff) is None or (
        staff_party(staff) is ThreadParty.TEAM and staff.team_id is None
    ):
        return 0
    threads = _inbox_query(staff).with_only_columns(MessageThread.id).subquery()
    return (
        session.scalar(
            select(func.count(ThreadMessage.id))
            .join(MessageThread, MessageThread.id == ThreadMessage.thread_id)
            .where(ThreadMessage.thread_id.in_(select(threads.c.id)), *_unread_condition())
        )
        or 0
    )


@cache  # the same expression for every request: built once (issue 17)
def unread_count_of_staff_row() -> ScalarSelect[int]:
    """unread_count(session, staff) as a subquery correlated with the staff_user row, so
    the query that loads the signed-in staff member brings her menu's count along
    (security.access; issue 17: one statement fewer on every staff page)."""
    handled = []
    for party in sorted(set(STAFF_PARTY.values()), key=lambda p: p.value):
        roles = sorted((role for role, p in STAFF_PARTY.items() if p is party), key=str)
        condition = and_(StaffUser.role.in_(roles), MessageThread.handled_by == party)
        if party is ThreadParty.TEAM:
            condition = and_(condition, Citizen.team_id == StaffUser.team_id)
        handled.append(condition)
    return (
        select(func.count(ThreadMessage.id))
        .join(MessageThread, MessageThread.id == ThreadMessage.thread_id)
        .join(Citizen, Citizen.id == MessageThread.citizen_id)
        .where(
            Citizen.municipality_id == StaffUser.municipality_id,
            or_(*handled),
            *_unread_condition(),
        )
        .correlate(StaffUser)
        .scalar_subquery()
    )


# Where security.access keeps the count it read with the signed-in staff member.
UNREAD_READ_WITH_ACTOR = "unread_messages"


def _inbox_changed() -> None:
    """The count read with the signed-in staff member no longer holds: the menu asks again."""
    if has_app_context():
        g.pop(UNREAD_READ_WITH_ACTOR, None)


def menu_unread_count(session: Session, staff: StaffUser) -> int:
    """The menu's count: the one read with the signed-in staff member, unless this request
    changed her inbox since."""
    count = g.get(UNREAD_READ_WITH_ACTOR) if has_app_context() else None
    return count if isinstance(count, int) else unread_count(session, staff)


@dataclass(frozen=True)
class InboxRow:
    thread: MessageThread
    unread: int
    due: date | None
    overdue: bool


def reply_due_for(thread: MessageThread) -> date | None:
    if thread.awaiting_reply_since is None:
        return None
    policy = thread.citizen.municipality.policy
    days = policy.message_reply_working_days if policy is not None else DEFAULT_REPLY_WORKING_DAYS
    return reply_due(
        local_day(thread.awaiting_reply_since),
        days,
        optional_holidays_are_working_days=bool(
            policy is not None and policy.optional_holidays_are_working_days
        ),
    )


def inbox(session: Session, staff: StaffUser, today: date) -> list[InboxRow]:
    """The party's threads: those waiting for a reply first, the oldest wait on top."""
    if staff_party(staff) is ThreadParty.TEAM and staff.team_id is None:
        return []
    threads = list(
        session.scalars(
            _inbox_query(staff).options(
                selectinload(MessageThread.citizen).selectinload(Citizen.municipality)
            )
        )
    )
    ids = [thread.id for thread in threads]
    counts: dict[int, int] = {}
    if ids:
        counts = dict(
            session.execute(
                select(ThreadMessage.thread_id, func.count(ThreadMessage.id))
                .join(MessageThread, MessageThread.id == ThreadMessage.thread_id)
                .where(ThreadMessage.thread_id.in_(ids), *_unread_condition())
                .group_by(ThreadMessage.thread_id)
            ).all()
        )
    rows = []
    for thread in threads:
        due = reply_due_for(thread)
        rows.append(InboxRow(thread, counts.get(thread.id, 0), due, is_overdue(due, today)))
    rows.sort(key=_inbox_order)
    return rows


def _inbox_order(row: InboxRow) -> tuple[bool, float]:
    """Waiting threads first, the longest wait on top; then the latest message first."""
    waiting = row.thread.awaiting_reply_since
    if waiting is not None:
        return (False, waiting.timestamp())
    latest = row.thread.last_message_at or row.thread.created_at
    return (True, -latest.timestamp())
