from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from selvvisitation.domain.types import CaseStatus, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Case
from selvvisitation.security.access import allow, current_actor

blueprint = Blueprint("visitation", __name__, url_prefix="/visitation")


@blueprint.route("/")
@allow(StaffRole.VISITATOR)
def queue() -> str:
    staff = current_actor().staff
    cases = db.session.scalars(
        select(Case)
        .where(Case.municipality_id == staff.municipality_id, Case.status != CaseStatus.CLOSED)
        .options(selectinload(Case.citizen))
        .order_by(Case.deadline.is_(None), Case.deadline, Case.id)
        .limit(50)
    ).all()
    return render_template("visitation/queue.html", cases=cases)
