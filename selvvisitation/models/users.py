"""Staff users and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.organisation import Municipality, Provider, Team


class StaffUser(Model):
    __tablename__ = "staff_user"
    # Unique per municipality, stored lower-case (issue 15, Low 12): "already in use" then
    # tells an admin only about her own municipality's users (docs/security.md, Usernames).
    __table_args__ = (sa.UniqueConstraint("municipality_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(80), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rotated at sign-out so an old cookie cannot be replayed.
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The TOTP secret (RFC 6238), encrypted like the CPR numbers (security.cpr_vault);
    # set at enrolment, in use once a first code confirmed it (issue 15, High 2).
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.String(255))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time step a code was accepted for: a code is never accepted twice (V2.8.4).
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    municipality: Mapped[Municipality] = relationship()
    provider: Mapped[Provider | None] = relationship()
    team: Mapped[Team | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def first_name(self) -> str:
        """The name a citizen sees for the worker coming (issue 14): the first name only."""
        return self.name.split()[0] if self.name.strip() else ""


class RecoveryCode(Model):
    """A one-time code for signing in without the authenticator: only its Argon2 hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[StaffUser] = relationship(back_populates="recovery_codes")
