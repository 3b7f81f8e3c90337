"""The municipality admins' area: service catalogue, rules, providers, teams, users.

One module per journey: catalogue, policy, organisation (providers and teams), users.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Service
from selvvisitation.security.access import allow, current_actor

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

# Changes are the municipality admin's alone; the supervisor may read the catalogue.
ADMIN = (StaffRole.MUNICIPALITY_ADMIN,)


@blueprint.route("/")
@allow(StaffRole.MUNICIPALITY_ADMIN, StaffRole.SUPERVISOR)
def index() -> str:
    staff = current_actor().staff
    services = db.session.scalars(
        select(Service)
        .where(Service.municipality_id == staff.municipality_id)
        .order_by(Service.category, Service.name_da)
    ).all()
    return render_template("admin/index.html", services=services)


# The journey modules register their routes on the blueprint above.
from selvvisitation.admin import (  # noqa: E402,F401
    catalogue,
    organisation,
    policy,
    programmes,
    sign_in_policy,
    users,
)
