"""Load a case for the signed-in visitator, or answer 404 (never another municipality's)."""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import joinedload

from selvvisitation.extensions import db
from selvvisitation.models import Case, Citizen, Decision, Municipality
from selvvisitation.security.access import current_actor, may_see_citizen


def case_or_404(case_id: int) -> Case:
    actor = current_actor()
    # One round trip for the case, its citizen and what every case page shows of them.
    citizen = joinedload(Case.citizen)
    case = db.session.get(
        Case,
        case_id,
        options=[
            citizen.joinedload(Citizen.municipality).joinedload(Municipality.policy),
            citizen.joinedload(Citizen.team),
            citizen.joinedload(Citizen.provider),
        ],
    )
    if (
        case is None
        or actor.staff is None
        or case.municipality_id != actor.staff.municipality_id
        or not may_see_citizen(actor, case.citizen)
    ):
        abort(404)
    return case


def decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or not may_see_citizen(current_actor(), decision.citizen):
        abort(404)
    return decision
