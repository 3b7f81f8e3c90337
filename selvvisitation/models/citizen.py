"""Citizens, their relatives, and the citizen's consent to each relative."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import BinaryExpression

from selvvisitation.domain.cpr import CprError, mask_cpr, normalise_cpr
from selvvisitation.domain.types import ConsentBasis, ConsentScope, RelationKind
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow
from selvvisitation.security import cpr_vault

if TYPE_CHECKING:
    from selvvisitation.models.decision import Decision
    from selvvisitation.models.organisation import Municipality, Provider, Team

# A Fernet token of ten digits is 100 characters; the margin is for a future format.
CPR_TOKEN_LENGTH = 200


_ONLY_EQUALITY = (
    "CPR numbers are stored encrypted: select cpr_encrypted and decrypt with "
    "security.cpr_vault (or load the objects); in queries only ==, != and IS NULL work"
)


class CprComparator(Comparator[str | None]):
    """`Citizen.cpr == value` in a query: compare blind indexes, as the database holds no CPR.

    Only equality makes sense: the tokens are random and the index is a hash, so ordering,
    LIKE or selecting the column would silently work on ciphertext. They raise instead.
    """

    def __init__(self, lookup_column: InstrumentedAttribute[Any]) -> None:
        super().__init__(lookup_column)
        self.lookup_column = lookup_column

    def __eq__(self, other: object) -> sa.ColumnElement[bool]:  # type: ignore[override]  # SQL, not bool
        if other is None:
            return self.lookup_column.is_(None)
        if not isinstance(other, str):
            raise TypeError("A CPR number is compared with a string only")
        try:
            return self.lookup_column == cpr_vault.lookup(other)
        except CprError:
            return sa.false()  # not a CPR number, so no row holds it

    def __ne__(self, other: object) -> sa.ColumnElement[bool]:  # type: ignore[override]  # SQL, not bool
        if other is None:
            return self.lookup_column.is_not(None)
        if not isinstance(other, str):
            raise TypeError("A CPR number is compared with a string only")
        try:
            return self.lookup_column != cpr_vault.lookup(other)
        except CprError:
            return self.lookup_column.is_not(None)  # every stored number differs from it

    def is_(self, other: object) -> BinaryExpression[bool]:
        if other is not None:
            raise TypeError("A CPR number is compared with IS NULL only")
        return self.lookup_column.is_(None)

    def is_not(self, other: object) -> BinaryExpression[bool]:
        if other is not None:
            raise TypeError("A CPR number is compared with IS NOT NULL only")
        return self.lookup_column.is_not(None)

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        raise TypeError(_ONLY_EQUALITY)

    def __clause_element__(self) -> Any:
        raise TypeError(_ONLY_EQUALITY)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as with __eq__; typed as a method


def _read_cpr(person: Any) -> str | None:
    """A citizen's or relative's CPR number, decrypted; None when none is stored."""
    return None if person.cpr_encrypted is None else cpr_vault.decrypt(person.cpr_encrypted)


def _store_cpr(person: Any, value: str) -> None:
    """Keep only the encrypted number and its blind index (issue #6, ASVS V6.1.1)."""
    digits = normalise_cpr(value)  # raises CprError with a reason code
    person.cpr_encrypted = cpr_vault.encrypt(digits)
    person.cpr_lookup = cpr_vault.lookup(digits)


class Citizen(Model):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    # Full CPR kept only to identify the citizen (sign-in, import); shown masked. Stored
    # encrypted, found by its blind index (issue #6, ASVS V6.1.1): see the `cpr` hybrid.
    cpr_encrypted: Mapped[str] = mapped_column(sa.String(CPR_TOKEN_LENGTH))
    cpr_lookup: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    address: Mapped[str | None] = mapped_column(sa.String(250))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    # How the worker gets in ("Nøgleboks ved bagdøren"), from the planning system, shown on
    # her visit list (issue 12). Where the key is, never a code: the list is read on phones.
    access_note: Mapped[str | None] = mapped_column(sa.String(200))
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

    @hybrid_property
    def cpr(self) -> str | None:
        """The ten digits (None only on a citizen not given one yet)."""
        return _read_cpr(self)

    @cpr.inplace.setter
    def _cpr_setter(self, value: str | None) -> None:
        if value is None:  # cpr_encrypted is NOT NULL: a citizen's number is never cleared
            raise CprError("empty")
        _store_cpr(self, value)

    @cpr.inplace.comparator
    @classmethod
    def _cpr_comparator(cls) -> CprComparator:
        return CprComparator(cls.cpr_lookup)

    @property
    def masked_cpr(self) -> str:
        return mask_cpr(self.cpr or "")

    @property
    def current_decision(self) -> Decision | None:
        current = [d for d in self.decisions if d.superseded_at is None]
        return current[-1] if current else None

    def __repr__(self) -> str:  # never the CPR number: reprs end up in logs
        return f"<Citizen {self.id}>"


class Relative(Model):
    __tablename__ = "relative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    # Optional: MitID finds the relative by it. Encrypted like the citizen's (issue #6).
    cpr_encrypted: Mapped[str | None] = mapped_column(sa.String(CPR_TOKEN_LENGTH))
    cpr_lookup: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consents: Mapped[list[Consent]] = relationship(back_populates="relative")

    @hybrid_property
    def cpr(self) -> str | None:
        return _read_cpr(self)

    @cpr.inplace.setter
    def _cpr_setter(self, value: str | None) -> None:
        if not value:
            self.cpr_encrypted = self.cpr_lookup = None
            return
        _store_cpr(self, value)

    @cpr.inplace.comparator
    @classmethod
    def _cpr_comparator(cls) -> CprComparator:
        return CprComparator(cls.cpr_lookup)

    def __repr__(self) -> str:  # never the CPR number: reprs end up in logs
        return f"<Relative {self.id}>"


class Consent(Model):
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
    # The relative's name as the citizen (or the staff recording the consent) wrote it.
    # This is the name shown to the citizen: Relative.name may have been written by
    # another citizen who gave the same CPR number, and must not be shown to her
    # (issue 15, High 1). Set from Relative.name when left empty (staff, import, demo).
    relative_name: Mapped[str] = mapped_column(sa.String(160))
    # A keyed hash of the session that added the relative through the dialogue (None for
    # consents given otherwise): how many relatives one session may add is limited.
    added_in_session: Mapped[str | None] = mapped_column(sa.String(64), index=True)
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


@event.listens_for(Consent, "before_insert")
def _name_as_recorded(_mapper: Any, _connection: Any, consent: Consent) -> None:
    if consent.relative_name is None:
        consent.relative_name = consent.relative.name


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
