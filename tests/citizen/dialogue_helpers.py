"""Answering the dialogue through real form posts, as a browser without JavaScript does."""

from __future__ import annotations

from sqlalchemy import func, select

from selvvisitation.extensions import db
from selvvisitation.models import Conversation, ConversationMessage


def current(citizen) -> Conversation:
    db.session.expire_all()
    return db.session.scalars(
        select(Conversation).where(
            Conversation.citizen_id == citizen.id, Conversation.closed_at.is_(None)
        )
    ).one()


def message_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ConversationMessage))


def say(page, citizen, expected_status: int = 302, **fields):
    """Post an answer to the question asked now (with the right turn unless given)."""
    data = {"turn": str(current(citizen).turn)}
    data.update({key: value for key, value in fields.items()})
    return page.post("citizen.conversation_answer", data, expected_status=expected_status)


def errors(response) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [a.get_text(" ", strip=True) for a in soup.select(".alert-error li a")]
