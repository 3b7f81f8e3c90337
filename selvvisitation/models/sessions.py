"""Signed-out sessions: Flask's cookie cannot be revoked, so its id is remembered here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, utcnow


class EndedSession(Model):
    """A session id that was signed out; a cookie carrying it is refused."""

    __tablename__ = "ended_session"

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FailedSignIn(Model):
    """A wrong staff sign-in, counted per client (services.staff_sign_in's per-IP throttle) and per
    account and client together (the account's pause).

    `client` is a keyed hash of the client's address (its /64 network for IPv6),
    never the address itself; rows older than the throttle window are deleted.
    `account` is the staff user whose password was wrong (None for an unknown username,
    and cleared when she then signs in from that client).
    """

    __tablename__ = "failed_sign_in"
    __table_args__ = (
        sa.Index("ix_failed_sign_in_client_failed_at", "client", "failed_at"),
        sa.Index("ix_failed_sign_in_account_client", "account", "client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64))
    account: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
