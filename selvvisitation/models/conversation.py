"""The citizen's guided conversation, stored server-side.

One open conversation per citizen: the citizen and a relative acting with consent
see the same history, and closing the browser never loses it. Messages are kept
as message ids with parameters (not rendered text), so the history reads in the
language the reader chose today. Messages are never deleted; "start over" closes
the conversation and opens a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen, Relative


class Conversation(Model):
    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    # Where the dialogue engine stands: its step, the answers so far, the steps to go back to.
    step: Mapped[str] = mapped_column(sa.String(40))
    state: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Increases with every answer; a form from an older turn (a second tab, a double
    # click, a tampered field) is refused instead of answering the wrong question.
    turn: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    citizen: Mapped[Citizen] = relationship()
    messages: Mapped[list[ConversationMessage]] = relationship(
        back_populates="conversation", cascade="all", order_by="ConversationMessage.id"
    )

    # Every UPDATE of a conversation says which turn it read (WHERE turn = …): an answer
    # given on a conversation read without the write lock is refused, as StaleDataError,
    # if another answer was stored meanwhile (services.dialogue_turns). The code sets the
    # turn itself, where an answer moves the conversation on.
    __mapper_args__ = {"version_id_col": turn, "version_id_generator": False}


class ConversationMessage(Model):
    """One message: the assistant's, or the citizen's or relative's answer."""

    __tablename__ = "conversation_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(sa.ForeignKey("conversation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    turn: Mapped[int] = mapped_column(default=0)
    # "assistant", or who answered: citizen / relative (on the citizen's behalf).
    speaker: Mapped[str] = mapped_column(sa.String(20))
    speaker_kind: Mapped[ActorKind | None] = mapped_column(enum_column(ActorKind))
    relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    step: Mapped[str] = mapped_column(sa.String(40), default="")
    kind: Mapped[str] = mapped_column(sa.String(30), default="text")
    text: Mapped[str] = mapped_column(sa.Text, default="")  # a message id, or the user's words
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    relative: Mapped[Relative | None] = relationship()
