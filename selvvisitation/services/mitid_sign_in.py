"""Who signs in with MitID (NemLog-in's OpenID Connect), found among citizens and relatives.

The verified identity is mapped to a Citizen (by subject, else by CPR number, which then
links the subject) or to a Relative the same way. The CPR number is used only to find the
person; it is never logged or put in a URL. auth/oidc.py talks to the broker; this module
owns the one write a sign-in makes (the subject linked) and its transaction (issue 16).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.cpr import CprError, normalise_cpr
from selvvisitation.domain.types import ActorKind
from selvvisitation.models import Citizen, Relative
from selvvisitation.services.transaction import one_transaction

# NemLog-in's OIDC CPR claim; a broker may send a plain "cpr".
CPR_CLAIMS = ("dk:gov:saml:attribute:CprNumberIdentifier", "cpr")


def person_for(
    session: Session, claims: dict[str, Any]
) -> tuple[ActorKind, Citizen | Relative] | None:
    """Who the verified identity is here: a citizen first, then a relative; or nobody."""
    subject = str(claims.get("sub") or "")
    if subject:
        citizen = session.scalars(select(Citizen).where(Citizen.oidc_subject == subject)).first()
        if citizen is not None:
            return ActorKind.CITIZEN, citizen
        relative = session.scalars(select(Relative).where(Relative.oidc_subject == subject)).first()
        if relative is not None:
            return ActorKind.RELATIVE, relative
    cpr = next((claims[c] for c in CPR_CLAIMS if claims.get(c)), None)
    if not cpr:
        return None
    try:
        cpr = normalise_cpr(str(cpr))
    except CprError:
        return None
    kind = ActorKind.CITIZEN
    person: Citizen | Relative | None = session.scalars(
        select(Citizen).where(Citizen.cpr == cpr)
    ).first()
    if person is None:
        kind = ActorKind.RELATIVE
        person = session.scalars(select(Relative).where(Relative.cpr == cpr)).first()
    if person is None:
        return None
    if subject and not person.oidc_subject:
        person.oidc_subject = subject  # next time the subject alone finds them
    return kind, person


def person_signing_in(session: Session, claims: dict[str, Any]) -> tuple[ActorKind, int] | None:
    """Who the verified identity is (kind and id), with the subject linked and committed;
    None, with nothing written, for someone not known here."""
    with one_transaction(session):
        found = person_for(session, claims)
        return (found[0], found[1].id) if found is not None else None
