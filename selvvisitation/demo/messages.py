"""Messages in the demo (issue 14): the demo citizen Inger Jensen has written to her team and
been answered, and her daughter Susanne has written to the visitation for her and waits for a
reply, so the citizen's "Beskeder" and the staff's inbox (with its reply deadline) show
something from the start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.messages import ThreadParty
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.models import (
    Citizen,
    Consent,
    MessageThread,
    Municipality,
    StaffUser,
    ThreadMessage,
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Danish wall-clock time as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


def add_demo_messages(session: Session, municipality: Municipality, today: date) -> None:
    """Two threads for the first demo citizen; the caller commits."""
    citizen = session.scalars(
        select(Citizen).where(Citizen.municipality_id == municipality.id).order_by(Citizen.id)
    ).first()
    if citizen is None or citizen.team_id is None:
        return
    worker = session.scalars(
        select(StaffUser).where(
            StaffUser.team_id == citizen.team_id, StaffUser.role == StaffRole.HOME_CARE_WORKER
        )
    ).first()
    consent = session.scalars(
        select(Consent).where(Consent.citizen_id == citizen.id, Consent.revoked_at.is_(None))
    ).first()

    # With her team: she asked, the worker answered; the answer is new to her.
    asked, answered = _at(today - timedelta(days=3), 10, 12), _at(today - timedelta(days=2), 13, 40)
    team = _thread(citizen, ThreadParty.TEAM, asked, last_message_at=answered)
    team.staff_read_at = answered
    team.messages = [
        _message(
            asked,
            citizen.name,
            "Kan I komme lidt senere på torsdag? Jeg skal til frisør kl. 9.",
            author_kind=ActorKind.CITIZEN,
            author_citizen_id=citizen.id,
        )
    ]
    if worker is not None:
        team.messages.append(
            _message(
                answered,
                worker.name,
                "Det kan vi godt. Vi kommer torsdag mellem kl. 10.30 og 11.00.",
                author_kind=ActorKind.STAFF,
                author_staff_id=worker.id,
                party=ThreadParty.TEAM,
            )
        )
    session.add(team)

    if consent is None:
        return
    # With the visitation: her daughter wrote for her yesterday; nobody has answered yet.
    written = _at(today - timedelta(days=1), 19, 5)
    visitation = _thread(citizen, ThreadParty.VISITATION, written, last_message_at=written)
    visitation.awaiting_reply_since = written
    visitation.messages = [
        _message(
            written,
            consent.relative_name or consent.relative.name,
            "Min mor har fået svært ved at komme op af badekarret. "
            "Kan I se på, om hun kan få hjælp til badet?",
            author_kind=ActorKind.RELATIVE,
            author_relative_id=consent.relative_id,
        )
    ]
    session.add(visitation)


def _thread(
    citizen: Citizen, party: ThreadParty, started: datetime, *, last_message_at: datetime
) -> MessageThread:
    """A thread the citizen's side started and has read up to its own first message."""
    return MessageThread(
        citizen_id=citizen.id,
        party=party,
        handled_by=party,
        created_at=started,
        last_message_at=last_message_at,
        citizen_read_at=started,
    )


def _message(at: datetime, author_name: str, text: str, **author: Any) -> ThreadMessage:
    return ThreadMessage(at=at, author_name=author_name, text=text, **author)
