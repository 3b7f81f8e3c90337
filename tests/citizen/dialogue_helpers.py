"""Answering the dialogue through real form posts, as a browser without JavaScript does."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select

from selvvisitation.extensions import db
from selvvisitation.models import Conversation, ConversationMessage


def current(citizen) -> Conversation:
    db.session.expire_all()
    return db.session.scalars(
        select(Conversation).where(
            Conversation.citizen_id == citizen.id, Conversation.closed_at.is_(None)
        )
    ).one()


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")  # left out, as tests.statements does


@contextmanager
def counted():
    """Statements sent to the database, and conversation messages loaded into the session."""
    seen = {"statements": 0, "messages_loaded": 0}

    def statement(_conn, _cursor, text, *_args) -> None:
        if not text.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen["statements"] += 1

    def loaded(_target, _context, _attrs=None) -> None:
        seen["messages_loaded"] += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(ConversationMessage, "load", loaded)
    event.listen(ConversationMessage, "refresh", loaded)  # already in the session's map
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(ConversationMessage, "load", loaded)
        event.remove(ConversationMessage, "refresh", loaded)


def history_of(citizen, messages: int) -> None:
    """Her open conversation with ``messages`` more: "Tidligere besked 0", 1, and so on."""
    conversation = current(citizen)
    for n in range(messages):
        db.session.add(
            ConversationMessage(
                conversation_id=conversation.id,
                turn=0,
                speaker="assistant",
                kind="text",
                text=f"Tidligere besked {n}",
            )
        )
    db.session.commit()


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
