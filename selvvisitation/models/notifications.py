"""Notification settings and the outbox (issue 14; rules in domain/notifications.py).

The outbox is written in the same transaction as the event it tells about (the
transactional outbox pattern): a rolled-back event leaves no notification, a committed
one always has its rows. `flask deliver-notifications` sends them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.notifications import (
    Channel,
    DeliveryStatus,
    NotificationEvent,
    RecipientKind,
)
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen, Relative


class NotificationPreference(Model):
    """How the citizen, or one relative about this citizen, wants to be told."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("citizen_id", "relative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    # None: the citizen's own setting; otherwise this relative's (she sets her own).
    relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.NONE)
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    mobile: Mapped[str] = mapped_column(sa.String(20), default="")  # +45 and eight digits
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)  # Topic values
    language: Mapped[str] = mapped_column(sa.String(5), default="")  # "" = the citizen's
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    citizen: Mapped[Citizen] = relationship()
    relative: Mapped[Relative | None] = relationship()

    @property
    def recipient_kind(self) -> RecipientKind:
        return RecipientKind.CITIZEN if self.relative_id is None else RecipientKind.RELATIVE


class Notification(Model):
    """One message to one recipient on one channel: the outbox row."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"), index=True)
    event: Mapped[NotificationEvent] = mapped_column(enum_column(NotificationEvent))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    recipient: Mapped[str] = mapped_column(sa.String(200), default="")  # address or number
    language: Mapped[str] = mapped_column(sa.String(5), default="da")
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    # Unique: the same event to the same recipient and channel is written once, and the
    # key travels with the message (Message-ID, the SMS gateway's idempotency header).
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker's claim: until this time no other worker takes the row. A worker that dies
    # mid-batch leaves its claim to expire, and the row is sent by the next one.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(sa.String(80), default="")
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    transport: Mapped[str] = mapped_column(sa.String(20), default="")  # smtp, http, demo …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship()
    relative: Mapped[Relative | None] = relationship()

    def __repr__(self) -> str:  # never the address or the text: reprs end up in logs
        return f"<Notification {self.id} {self.event.value} {self.status.value}>"
