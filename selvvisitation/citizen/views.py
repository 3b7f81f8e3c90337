from __future__ import annotations

from flask import Blueprint, render_template

from selvvisitation.domain.dates import local_today
from selvvisitation.extensions import db
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.services.citizen_reads import recent_priorities, upcoming_visits

blueprint = Blueprint("citizen", __name__, url_prefix="/borger")


@blueprint.route("/")
@allow(CITIZEN_SEE)
def index() -> str:
    actor = current_actor()
    citizen = actor.subject
    if actor.relative is not None:
        audit.record("read", citizen=citizen, object_type="overview", purpose="relative_view")
    today = local_today()
    return render_template(
        "citizen/index.html",
        citizen=citizen,
        decision=citizen.current_decision,
        visits=upcoming_visits(db.session(), citizen, today),
        priorities=recent_priorities(db.session(), citizen, today),
    )


# Routes on this blueprint: the dialogue, and "Dine sager" (the visitation's outcomes).
# Routes on this blueprint from the security area (one module per journey).
from selvvisitation.citizen import (  # noqa: E402, F401  # noqa: E402, F401
    access_log,
    calendar_links,
    cases,
    dialogue_views,
    message_views,
    my_data,
    my_requests,
    notifications,
    priorities,
    receipts,
    visits,
)
