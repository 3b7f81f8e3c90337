"""The stored conversation: its rows, its messages and its state, kept between requests.

A conversation is never deleted; a new one opens when the citizen starts over. Messages
are appended without reading the history above them (issue 17). A CPR number typed for a
new relative is not kept in a conversation left unfinished: it is dropped after a while,
on the next request or by the scheduled job (issue 15). Nothing here commits: the turn
(services/dialogue_turns.py) or the command that calls it owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, object_session

from selvvisitation.domain import dialogue_steps
from selvvisitation.domain.types import ActorKind
from selvvisitation.models import Citizen, Conversation, ConversationMessage
from selvvisitation.models.base import utcnow
from selvvisitation.services.dialogue_context import build_context


def open_conversation(session: Session, citizen: Citizen) -> Conversation | None:
    return session.scalars(_OPEN_CONVERSATION, {"citizen_id": citizen.id}).first()


# A turn's statements are built once (issue 17: composing one, and finding its cache key,
# cost about as much as running it); each call binds its values.
_OPEN_CONVERSATION = (
    select(Conversation)
    .where(Conversation.citizen_id == bindparam("citizen_id"), Conversation.closed_at.is_(None))
    .order_by(Conversation.id.desc())
)


# A declarative class's table is typed as any FromClause; it is this Table.
MESSAGE_TABLE = cast(sa.Table, ConversationMessage.__table__)


def _speaker(actor: Any) -> dict[str, Any]:
    if getattr(actor, "relative", None) is not None:
        return {
            "speaker": "relative",
            "speaker_kind": ActorKind.RELATIVE,
            "relative_id": actor.relative.id,
        }
    return {"speaker": "citizen", "speaker_kind": ActorKind.CITIZEN, "relative_id": None}


def add_messages(
    conversation: Conversation,
    messages: Sequence[dialogue_steps.Message],
    *,
    step: str,
    user: dialogue_steps.Message | None = None,
    actor: Any = None,
) -> None:
    """Store the messages of a turn at ``step``: the user's answer first, if any, then ours.

    Every row has the same columns, so they go in one statement (see _insert_messages)."""
    assistant = {"speaker": "assistant", "speaker_kind": None, "relative_id": None}
    said = [(user, _speaker(actor))] if user is not None else []
    said += [(message, assistant) for message in messages]
    rows = [
        {
            "turn": conversation.turn,
            "step": step,
            "kind": message.kind,
            "text": message.text,
            "params": dict(message.params),
            **speaker,
        }
        for message, speaker in said
    ]
    _insert_messages(conversation, rows)


def _insert_messages(conversation: Conversation, rows: list[dict[str, Any]]) -> None:
    """Add messages without reading the history above it (issue 17: a turn loaded every
    earlier message to append one), in one INSERT: the ORM inserts row by row on SQLite,
    where it cannot get new ids back in order, and nothing here needs them (the answer
    reads what is new with messages_after). A conversation not yet stored has no history
    to read; one whose history this request has read already gets the messages in that
    list too."""
    session = object_session(conversation)
    if session is None or conversation.id is None or "messages" in conversation.__dict__:
        conversation.messages.extend(ConversationMessage(**row) for row in rows)
        return
    if rows:
        at = utcnow()
        # The table, not the class: the ORM's bulk insert leaves out None values and so
        # splits a citizen's answer from the assistant's messages into two statements.
        # Not flushed first: the conversation's row exists, and its one UPDATE (turn, step
        # and state together) goes with the commit instead of being split in two.
        with session.no_autoflush:
            session.execute(
                sa.insert(MESSAGE_TABLE),
                [{"conversation_id": conversation.id, "at": at, **row} for row in rows],
            )


def save_state(conversation: Conversation, state: dialogue_steps.State) -> None:
    """Keep where the conversation is and what it has gathered."""
    conversation.step = state.step
    conversation.state = state.to_json()  # a new dict: JSON columns track assignment only
    conversation.updated_at = utcnow()


def start_conversation(
    session: Session, citizen: Citizen, ctx: dialogue_steps.Context
) -> Conversation:
    state, messages = dialogue_steps.start(ctx)
    conversation = Conversation(citizen=citizen, step=state.step, state=state.to_json())
    session.add(conversation)
    add_messages(conversation, messages, step=state.step)
    return conversation


def current_conversation(
    session: Session, citizen: Citizen, ctx: dialogue_steps.Context
) -> Conversation:
    return open_conversation(session, citizen) or start_conversation(session, citizen, ctx)


def state_of(conversation: Conversation) -> dialogue_steps.State:
    state = dialogue_steps.State.from_json(conversation.step, conversation.state)
    if state.step not in dialogue_steps.STEPS:
        state = dialogue_steps.State(dialogue_steps.START, {}, [])
    return state


def messages_after(
    session: Session, conversation: Conversation, since: int
) -> list[ConversationMessage]:
    """The conversation's messages newer than the one with id ``since``, oldest first."""
    return list(
        session.scalars(_MESSAGES_AFTER, {"conversation_id": conversation.id, "since": since})
    )


_MESSAGES_AFTER = (
    select(ConversationMessage)
    .where(
        ConversationMessage.conversation_id == bindparam("conversation_id"),
        ConversationMessage.id > bindparam("since"),
    )
    .order_by(ConversationMessage.id)
)


def messages_to_show(asked: int | None, least: int, most: int) -> int:
    """How many of the latest messages a page shows for its ?vis= or ?samtale=: at least
    ``least`` (also for no number at all), at most ``most``, so no value makes the page
    cost more than that (issue 17)."""
    return min(max(asked or least, least), most)


def latest_messages(
    session: Session, conversation: Conversation, count: int
) -> tuple[list[ConversationMessage], bool]:
    """The conversation's latest ``count`` messages, oldest first, and whether it has older
    ones: one bounded read, never the whole history (issue 17: a conversation is never
    closed, so its history only grows)."""
    newest_first = list(
        session.scalars(
            select(ConversationMessage)
            .where(ConversationMessage.conversation_id == conversation.id)
            .order_by(ConversationMessage.id.desc())
            .limit(count + 1)  # one more than shown: is there anything older?
        )
    )
    return newest_first[:count][::-1], len(newest_first) > count


SUMMARY_KINDS = (
    "summary",
    "reassessment_summary",
    "call_back_summary",
    "priority_summary",
    "relative_summary",
)


def latest_summary_id(session: Session, conversation: Conversation) -> int | None:
    """The id of the conversation's latest summary message: the one "Ændr" belongs to."""
    return session.scalar(
        select(sa.func.max(ConversationMessage.id)).where(
            ConversationMessage.conversation_id == conversation.id,
            ConversationMessage.kind.in_(SUMMARY_KINDS),
        )
    )


# --- A CPR number typed for a new relative is not kept in a conversation left unfinished ---


def holds_stale_cpr(conversation: Conversation, idle_since: datetime) -> bool:
    """Whether the conversation, untouched since ``idle_since``, still holds a CPR number."""
    updated = conversation.updated_at  # None: a conversation started in this request
    return (
        updated is not None
        and updated <= idle_since
        and dialogue_steps.holds_cpr(state_of(conversation))
    )


def forget_stale_cpr(
    conversation: Conversation, ctx: dialogue_steps.Context | None, idle_since: datetime
) -> bool:
    """Drop a CPR number from a conversation left since ``idle_since``; where it is still
    needed the citizen is asked (``ctx``: hers; None for a closed conversation) to write
    it again. Return whether anything was dropped."""
    if not holds_stale_cpr(conversation, idle_since):
        return False
    state, again = dialogue_steps.forget_cpr(state_of(conversation))
    if again and conversation.closed_at is None and ctx is not None:
        conversation.turn += 1  # the question asked now has changed: older forms are stale
        add_messages(conversation, dialogue_steps.type_cpr_again(ctx, state), step=state.step)
    save_state(conversation, state)
    return True


def forget_stale_cprs(session: Session, idle_since: datetime, language: str = "da") -> int:
    """Drop the CPR numbers of every conversation left since ``idle_since`` (open or
    closed); for the scheduled job. Return how many conversations held one."""
    candidates = session.scalars(
        select(Conversation)
        .where(
            Conversation.updated_at <= idle_since,
            # Only states that name the key or the step can hold a number; checked below.
            sa.cast(Conversation.state, sa.Text).like(f"%{dialogue_steps.CPR}%"),
        )
        .order_by(Conversation.id)
    )
    dropped = 0
    for conversation in candidates:
        if not holds_stale_cpr(conversation, idle_since):
            continue
        # The citizen's own context: she is the one asked to write the number again.
        ctx = (
            build_context(
                session, conversation.citizen, relative_id=None, may_act=True, language=language
            )
            if conversation.closed_at is None
            else None
        )
        dropped += forget_stale_cpr(conversation, ctx, idle_since)
    return dropped
