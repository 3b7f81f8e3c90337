"""Messages in the demo (issue 14): the demo citizen Inger Jensen has written to her team (the
demo week has the team answer her, through the service that tells her family), and her
daughter Susanne has written to the visitation for her and waits for a reply, so the
citizen's "Beskeder" and the staff's inbox (with its reply deadline) show something from
the start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.messages import ThreadParty
from selvvisitation.domain.types import ActorKind
from selvvisitation.models import (
    Citizen,
    Consent,
    MessageThread,
    Municipality,
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
    consent = session.scalars(
        select(Consent)
        .where(Consent.citizen_id == citizen.id, Consent.revoked_at.is_(None))
        .order_by(Consent.id)
    ).first()

    # With her team: she asked; the team answers in the demo week (demo/week.py).
    asked = _at(today - timedelta(days=3), 10, 12)
    team = _thread(citizen, ThreadParty.TEAM, asked, last_message_at=asked)
    team.awaiting_reply_since = asked
    team.messages = [
        _message(
            asked,
            citizen.name,
            "Kan I komme lidt senere på torsdag? Jeg skal til frisør kl. 9.",
            author_kind=ActorKind.CITIZEN,
            author_citizen_id=citizen.id,
        )
    ]
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
