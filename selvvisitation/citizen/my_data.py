"""The citizen's own data: see what is held and download it (GDPR art. 15)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from selvvisitation.citizen.views import blueprint
from selvvisitation.extensions import db
from selvvisitation.security.access import CITIZEN_SELF, allow, current_actor
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services.my_data import citizen_counts, export_citizen_data

TABLE_LABELS = {
    "citizen": _l("You"),
    "consent": _l("Consents to relatives"),
    "decision": _l("Decisions about your help"),
    "granted_service": _l("Granted help"),
    "visit": _l("Visits"),
    "visit_service": _l("Help at each visit"),
    "swap_request": _l("Swaps"),
    "swap_line": _l("What was swapped"),
    "wish": _l("Wishes"),
    "case": _l("Cases"),
    "case_event": _l("What happened in your cases"),
    "flag": _l("Notes to look at your help again"),
    "reassessment_request": _l("Requests to look at your help again"),
    "staff_report": _l("Reports from the home care"),
    "call_back_request": _l("When you asked us to call you"),
    "audit_entry": _l("Who has looked at your information"),
    "assessment_visit": _l("Visits from the visitation"),
    "conversation": _l("Your conversations here"),
    "conversation_message": _l("What was written in your conversations"),
    "perceived_quality": _l("What you told us about the quality of your help"),
    "sampled_citizen": _l("Chosen for a supervision visit"),
    "visitator_observation": _l("The visitator's notes from visits"),
    "granted_element": _l("What your care programme holds for you"),
    "visit_element": _l("What was planned and done at each visit"),
    "visit_priority": _l("What matters most to you at your visits"),
    "visit_change": _l("Visits cancelled or moved"),
    "visit_move_request": _l("Wishes to move a visit"),
    "calendar_look": _l("When your visits were last looked at"),
    "calendar_feed": _l("Links to your visits in a calendar app"),
    "message_thread": _l("Your messages with the visitation and your team"),
    "thread_message": _l("What was written in your messages"),
    "notification_preference": _l("How you and your relatives want to be told news"),
    "notification": _l("Messages we have sent to you and your relatives"),
}


def table_label(name: str) -> str:
    return str(TABLE_LABELS[name])  # a table without a label fails its test, never shows English


@blueprint.route("/mine-data")
@allow(CITIZEN_SELF)
def my_data() -> str:
    """How many of each kind are held, counted (issue 17); every row is in the download."""
    citizen = current_actor().citizen
    counts = citizen_counts(db.session(), citizen)
    return render_template(
        "citizen/my_data.html", citizen=citizen, counts=counts, table_label=table_label
    )


@blueprint.route("/mine-data/hent", methods=["POST"])
@allow(CITIZEN_SELF)
@lands_on("citizen.my_data")
def my_data_download() -> Response:
    """A file to keep: JSON for machines, or a page that reads well when printed."""
    citizen = current_actor().citizen
    held = export_citizen_data(db.session(), citizen)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    if request.form.get("format") == "json":
        body = json.dumps(
            {"made_at": datetime.now(UTC).isoformat(), "data": held},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        mimetype, name = "application/json", f"mine-data-{stamp}.json"
    else:
        body = render_template(
            "citizen/my_data_file.html",
            citizen=citizen,
            held=held,
            table_label=table_label,
            now=datetime.now(UTC),
        )
        mimetype, name = "text/html", f"mine-data-{stamp}.html"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
