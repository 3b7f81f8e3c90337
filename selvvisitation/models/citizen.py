"""Citizens, their relatives, and the citizen's consent to each relative."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from selvvisitation.domain.cpr import mask_cpr, normalise_cpr
from selvvisitation.domain.types import ConsentBasis, ConsentScope, RelationKind
from selvvisitation.extensions import db
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.decision import Decision
    from selvvisitation.models.organisation import Municipality, Provider, Team


class Citizen(db.Model):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    # Full CPR kept only to identify the citizen (sign-in, import); shown masked.
    cpr: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    address: Mapped[str | None] = mapped_column(sa.String(250))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    preferred_language: Mapped[str] = mapped_column(sa.String(5), default="da")
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"), index=True)
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()
    provider: Mapped[Provider | None] = relationship()
    team: Mapped[Team | None] = relationship()
    consents: Mapped[list[Consent]] = relationship(back_populates="citizen")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="citizen", order_by="Decision.version"
    )

    @validates("cpr")
    def _validate_cpr(self, _key: str, value: str) -> str:
        return normalise_cpr(value)  # raises CprError with a reason code

    @property
    def masked_cpr(self) -> str:
        return mask_cpr(self.cpr)

    @property
    def current_decision(self) -> Decision | None:
        current = [d for d in self.decisions if d.superseded_at is None]
        return current[-1] if current else None

    def __repr__(self) -> str:  # never the CPR number: reprs end up in logs
        return f"<Citizen {self.id}>"


class Relative(db.Model):
    __tablename__ = "relative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    cpr: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consents: Mapped[list[Consent]] = relationship(back_populates="relative")

    @validates("cpr")
    def _validate_cpr(self, _key: str, value: str | None) -> str | None:
        return normalise_cpr(value) if value else None

    def __repr__(self) -> str:
        return f"<Relative {self.id}>"


class Consent(db.Model):
    """The citizen's consent for one relative (002 sections 10 and 16, 004 §2.1.1).

    Scope ACT implies SEE. A consent is never deleted: it is revoked, so the
    citizen's history shows who could see what, and when.
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    relative_id: Mapped[int] = mapped_column(sa.ForeignKey("relative.id"), index=True)
    relation: Mapped[RelationKind] = mapped_column(
        enum_column(RelationKind), default=RelationKind.OTHER
    )
    relation_text: Mapped[str] = mapped_column(sa.String(80), default="")  # OTHER, in words
    scope: Mapped[ConsentScope] = mapped_column(enum_column(ConsentScope))
    basis: Mapped[ConsentBasis] = mapped_column(enum_column(ConsentBasis))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    citizen: Mapped[Citizen] = relationship(back_populates="consents")
    relative: Mapped[Relative] = relationship(back_populates="consents")

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or utcnow()
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        if self.valid_from > at:
            return False
        return self.valid_to is None or at < self.valid_to

    def covers(self, scope: ConsentScope, at: datetime | None = None) -> bool:
        if not self.is_active(at):
            return False
        return scope == ConsentScope.SEE or self.scope == ConsentScope.ACT


def relative_may(
    relative: Relative | None, citizen: Citizen, scope: ConsentScope, at: datetime | None = None
) -> bool:
    """The one check every view and service uses for a relative's access."""
    if relative is None:
        return False
    return any(
        consent.covers(scope, at)
        for consent in citizen.consents
        if consent.relative_id == relative.id
    )
