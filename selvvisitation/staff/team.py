"""The team leader's overview of the swaps the team declined, with the reasons (rule 5)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import StaffUser
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.staff_visits import declined_swaps
from selvvisitation.staff.views import blueprint

DAYS_BACK = 30


@blueprint.route("/afviste-bytter")
@allow(StaffRole.TEAM_LEADER)
def declined() -> str:
    staff = current_actor().staff
    since = local_today() - timedelta(days=DAYS_BACK)
    swaps = declined_swaps(db.session(), staff.team_id, since)
    for citizen in {swap.citizen for swap in swaps}:
        audit.record(
            "read", citizen=citizen, object_type="declined_swaps", purpose="team_leader_overview"
        )
    deciders = {
        user.id: user.name
        for user in db.session.query(StaffUser).filter(
            StaffUser.id.in_({s.decided_by_staff_id for s in swaps if s.decided_by_staff_id})
        )
    }
    return render_template("staff/declined.html", swaps=swaps, since=since, deciders=deciders)
