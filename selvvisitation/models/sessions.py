"""Signed-out sessions: Flask's cookie cannot be revoked, so its id is remembered here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from selvvisitation.extensions import db
from selvvisitation.models.base import UTCDateTime, utcnow


class EndedSession(db.Model):
    """A session id that was signed out; a cookie carrying it is refused."""

    __tablename__ = "ended_session"

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
