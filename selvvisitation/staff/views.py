from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Visit, VisitService
from selvvisitation.security.access import allow, current_actor

blueprint = Blueprint("staff", __name__, url_prefix="/personale")


@blueprint.route("/besoeg")
@allow(StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER)
def visits() -> str:
    staff = current_actor().staff
    today = date.today()
    day_visits = db.session.scalars(
        select(Visit)
        .where(Visit.team_id == staff.team_id, Visit.day == today)
        .options(
            selectinload(Visit.citizen),
            selectinload(Visit.services).selectinload(VisitService.service),
        )
        .order_by(Visit.starts_at)
    ).all()
    return render_template("staff/visits.html", visits=day_visits, day=today)
