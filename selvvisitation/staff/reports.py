"""Report a change in the citizen's need; urgent events are phoned in at once (seed 000)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, TextAreaField

from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, Required, choice_field, max_length
from selvvisitation.models import StaffReport
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor, may_see_citizen
from selvvisitation.services.staff_reports import send_change_report
from selvvisitation.staff.access import team_visit_or_404
from selvvisitation.staff.views import blueprint
from selvvisitation.staff.visit_list import TEAM

NO_EVENT = "none"


class ReportForm(BaseForm):
    direction = choice_field(
        _l("How has the citizen's need changed?"),
        [
            SelectChoice("worse", _l("The citizen needs more help")),
            SelectChoice("better", _l("The citizen needs less help")),
        ],
        _l("Choose whether the citizen needs more or less help"),
    )
    urgent_event = choice_field(
        _l("Did any of this happen?"),
        [
            SelectChoice(NO_EVENT, _l("None of these")),
            SelectChoice("serious_failure", _l("Serious failure in the help")),
            SelectChoice("abuse", _l("Abuse")),
            SelectChoice("hospital", _l("Admitted to hospital")),
            SelectChoice("accident", _l("An accident")),
        ],
        _l("Choose whether any of this happened"),
    )
    text = TextAreaField(
        _l("What has changed?"),
        validators=[Required(_l("Write what has changed")), max_length(2000)],
    )


@blueprint.route("/besoeg/<int:visit_id>/meld-aendring", methods=["GET", "POST"])
@allow(*TEAM)
def report_change_view(visit_id: int):
    visit = team_visit_or_404(visit_id)
    form = ReportForm()
    if form.validate_on_submit():
        event = None if form.urgent_event.data == NO_EVENT else form.urgent_event.data
        report = send_change_report(
            db.session(),
            citizen=visit.citizen,
            staff=current_actor().staff,
            direction=form.direction.data,
            text=form.text.data.strip(),
            urgent_event=event,
        )
        return redirect(url_for("staff.report_sent", report_id=report.id))
    status = 400 if form.errors else 200
    return render_template("staff/report.html", visit=visit, form=form), status


@blueprint.route("/meldinger/<int:report_id>")
@allow(*TEAM)
def report_sent(report_id: int) -> str:
    report = db.session.get(StaffReport, report_id)
    actor = current_actor()
    if (
        report is None
        or report.citizen.team_id != actor.staff.team_id
        or not may_see_citizen(actor, report.citizen)
    ):
        abort(404)
    audit.record(
        "read",
        citizen=report.citizen,
        object_type="staff_report",
        object_id=report.id,
        purpose="report_receipt",
    )
    return render_template("staff/report_sent.html", report=report)
