"""Udbakken (the Demo-udbakke in the demo): what was sent, or would have been, and what could
not be sent (dead-letter), for the municipality's citizens (issue 14).

Visitators and municipality administrators open it: the visitation answers a citizen who
did not get a letter or a message, and the administrator runs the channels (SMTP, the SMS
gateway, Digital Post) whose failures end here. Home-care staff and supervisors do not: it
lists every citizen of the municipality, beyond their own team or sample.
"""

from __future__ import annotations

from flask import current_app, render_template

from selvvisitation.citizen.notifications import CHANNEL_LABELS
from selvvisitation.domain.notifications import DeliveryStatus
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.notifications import outbox
from selvvisitation.staff.views import blueprint


@blueprint.route("/udbakke")
@allow(StaffRole.VISITATOR, StaffRole.MUNICIPALITY_ADMIN)
def outbox_page() -> str:
    staff = current_actor().staff
    dead = outbox(db.session(), staff.municipality_id, [DeliveryStatus.DEAD])
    recent = outbox(db.session(), staff.municipality_id, list(DeliveryStatus))
    for citizen in {row.citizen for row in [*dead, *recent]}:
        audit.record(
            "read", citizen=citizen, object_type="notification", purpose="notification_outbox"
        )
    return render_template(
        "staff/outbox.html",
        dead=dead,
        recent=recent,
        demo=bool(current_app.config.get("DEMO_MODE")),
        channel_labels=CHANNEL_LABELS,
    )
