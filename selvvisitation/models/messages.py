"""Message threads between the citizen's side and the visitation or her team (issue 14).

One thread per citizen and party (the visitation, her provider's team). The citizen
and relatives with consent write in it; staff of the party that handles the thread
answer. A thread can be handed over to the other party with a note: the citizen keeps
writing in the same thread, and the other party's inbox shows it. Messages are never
changed or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.messages import ThreadParty
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen, Relative
    from selvvisitation.models.users import StaffUser


class MessageThread(Model):
    __tablename__ = "message_thread"
    __table_args__ = (sa.UniqueConstraint("citizen_id", "party", name="uq_message_thread_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    # Who the citizen writes to (fixed), and who answers now (changed by a handover).
    party: Mapped[ThreadParty] = mapped_column(enum_column(ThreadParty))
    handled_by: Mapped[ThreadParty] = mapped_column(enum_column(ThreadParty), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first message from the citizen's side that no one from staff has answered yet:
    # the reply deadline counts from it. None when nothing waits for a reply.
    awaiting_reply_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When staff of the handling party, and the citizen's side, last opened the thread.
    staff_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    citizen_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship()
    messages: Mapped[list[ThreadMessage]] = relationship(
        back_populates="thread", order_by="ThreadMessage.id"
    )


class ThreadMessage(Model):
    """One message, or a handover's note (kind "handover")."""

    __tablename__ = "thread_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_thread.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(20), default="message")
    author_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    author_citizen_id: Mapped[int | None] = mapped_column(sa.ForeignKey("citizen.id"))
    author_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    author_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    # The relative's name as the citizen recorded it (Consent.relative_name), kept with
    # the message so a later change of name does not rewrite who wrote it.
    author_name: Mapped[str] = mapped_column(sa.String(160), default="")
    # For staff: the party they wrote for; for a handover: the party it went to.
    party: Mapped[ThreadParty | None] = mapped_column(enum_column(ThreadParty))
    text: Mapped[str] = mapped_column(sa.Text)

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author_relative: Mapped[Relative | None] = relationship()
    author_staff: Mapped[StaffUser | None] = relationship()

    @property
    def from_citizen_side(self) -> bool:
        return self.author_kind in (ActorKind.CITIZEN, ActorKind.RELATIVE)
