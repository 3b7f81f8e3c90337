"""From the worker's list: answer a wished swap before the visit, record an ordinary visit
as planned in one tap (issue 12, "The home-care worker" 2 and 3). The services own the
transaction (services.staff_answers)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import StopValidation

from selvvisitation.domain.dates import DB_INT_MAX
from selvvisitation.domain.types import DeclineReason
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, choice_field, max_length
from selvvisitation.models import SwapRequest
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.staff_answers import (
    StaffAnswerRefused,
    answer_swap_ahead,
    record_as_planned,
    refusal_ahead,
)
from selvvisitation.staff.access import team_visit_or_404
from selvvisitation.staff.forms import REASON_CHOICES
from selvvisitation.staff.views import blueprint
from selvvisitation.staff.visit_list import TEAM

REFUSED = {
    "answered": _l("The swap is already answered."),
    "recorded": _l("The visit is already recorded."),
    "cancelled": _l("The visit is cancelled."),
    "not_yet": _l("A visit can only be recorded on the day or after."),
    "swaps_open": _l("Answer the citizen's wished swap in the record below."),
    "rules": _l("The visit cannot be recorded as planned. Fill in the record below."),
    "unavailable": _l("The visit cannot be recorded as planned. Fill in the record below."),
}


class AnswerSwapForm(BaseForm):
    answer = choice_field(
        _l("Can you do the swap at the visit?"),
        [SelectChoice("yes", _l("Yes, we can")), SelectChoice("no", _l("No"))],
        _l("Choose yes or no"),
    )
    reason = SelectField(
        _l("Kind of reason"), choices=REASON_CHOICES, default="other", validate_choice=False
    )
    reason_text = TextAreaField(_l("No, because …"), validators=[max_length(500)])

    def validate_reason(self, field: Any) -> None:
        if field.data not in {r.value for r in DeclineReason}:
            raise StopValidation(_l("Choose a reason from the list"))

    def validate_reason_text(self, field: Any) -> None:
        if self.answer.data == "no" and not (field.data or "").strip():
            raise StopValidation(_l("Write why the swap cannot be done"))


def _open_swap(swap_id: int) -> tuple[SwapRequest, Any]:
    """The swap and the visit answered for: its own, or for a standing swap the visit named
    by ``besoeg`` (one in its period)."""
    swap = db.session.get(SwapRequest, swap_id)
    if swap is None:
        abort(404)
    visit_id = swap.visit_id or request.values.get("besoeg", type=int)
    if visit_id is None or not 0 < visit_id <= DB_INT_MAX:
        abort(404)
    return swap, team_visit_or_404(visit_id)


def _send_answer(swap: Any, visit: Any, form: AnswerSwapForm) -> None:
    """Answer the swap ahead of the visit and say how it went."""
    try:
        answer_swap_ahead(
            db.session(),
            swap_id=swap.id,
            staff=current_actor().staff,
            accept=form.answer.data == "yes",
            reason=DeclineReason(form.reason.data),
            reason_text=form.reason_text.data or "",
            visit_id=visit.id,
        )
    except StaffAnswerRefused as refused:
        flash(str(REFUSED.get(refused.code, REFUSED["answered"])), "error")
        return
    flash(_("The answer is sent. %(name)s is told now.", name=visit.citizen.name))


@blueprint.route("/bytte/<int:swap_id>/svar", methods=["GET", "POST"])
@allow(*TEAM)
def answer_swap(swap_id: int) -> Any:
    swap, visit = _open_swap(swap_id)
    back = url_for("staff.visits", dag=visit.day.isoformat())
    refused = refusal_ahead(db.session(), swap, visit)
    if refused == "unavailable":
        abort(404)
    if refused is not None:
        flash(_("The swap is already answered."))
        return redirect(back)
    form = AnswerSwapForm()
    if request.method == "GET" and request.args.get("svar") == "nej":
        form.answer.data = "no"
    if form.validate_on_submit():
        _send_answer(swap, visit, form)
        return redirect(back)
    status = 400 if form.errors else 200
    return render_template("staff/answer_swap.html", visit=visit, swap=swap, form=form), status


@blueprint.route("/besoeg/<int:visit_id>/som-planlagt", methods=["POST"])
@allow(*TEAM)
def record_visit_as_planned(visit_id: int) -> Any:
    # CSRF is checked for every POST (extensions.csrf); there is nothing else to fill in.
    name = team_visit_or_404(visit_id).citizen.name
    try:
        visit = record_as_planned(db.session(), visit_id=visit_id, staff=current_actor().staff)
    except StaffAnswerRefused as refused:
        flash(str(REFUSED.get(refused.code, REFUSED["unavailable"])), "error")
        return redirect(url_for("staff.record_visit", visit_id=visit_id))
    flash(_("The visit to %(name)s is recorded as planned.", name=name))
    return redirect(url_for("staff.visits", dag=visit.day.isoformat()))
