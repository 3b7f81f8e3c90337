""" "Mine besøg": the citizen's calendar, cancelling a visit and asking to move one (issue 14).

Seed 002 (Esbjerg's quality standards) gives the rules: the citizen who cancels gets no
replacement visit (Praktiske opgaver); meals are cancelled before 12:00 the day before
(Madservice); a move is agreed between citizen and provider, so she asks and the team answers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import HiddenField, SelectChoice, TextAreaField

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import CancelReason
from selvvisitation.domain.visit_changes import CancelDeadline, citizen_cancel_refusal
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, Required, choice_field, max_length
from selvvisitation.models import MoveRequest, Visit, VisitChange
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_ACT, CITIZEN_SEE, allow, current_actor
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services.dialogue_context import names_given
from selvvisitation.services.visit_calendar import CalendarPage
from selvvisitation.services.visit_change_actions import (
    VisitChangeRefused,
    cancel_deadline,
    citizen_cancel,
    request_move,
)
from selvvisitation.services.visit_refusals import citizen_refusal, try_change

REASON_CHOICES = [
    SelectChoice(CancelReason.HOSPITAL.value, _l("I am in hospital")),
    SelectChoice(CancelReason.FAMILY.value, _l("Family is visiting")),
    SelectChoice(CancelReason.AWAY.value, _l("I am away")),
    SelectChoice(CancelReason.OTHER.value, _l("Another reason")),
]


@blueprint.app_template_filter("cancel_reason")
def cancel_reason(change: VisitChange) -> str:
    """Why a visit was cancelled, in words (staff and citizen alike)."""
    if change.reason is None:
        return change.reason_text
    words = {c.value: str(c.label) for c in REASON_CHOICES}[change.reason.value]
    return f"{words}: {change.reason_text}" if change.reason_text else words


class CancelVisitForm(BaseForm):
    reason = choice_field(
        _l("Why do you cancel the visit?"), REASON_CHOICES, _l("Choose why you cancel the visit")
    )
    reason_text = TextAreaField(_l("Tell us why (only for another reason)"), [max_length(500)])
    # The confirmation step: set on the page that shows what cancelling means (issue 14).
    confirmed = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if (
            self.reason.data == CancelReason.OTHER.value
            and not (self.reason_text.data or "").strip()
        ):
            self.reason_text.errors = [
                *self.reason_text.errors,
                _l("Write why you cancel the visit"),
            ]
            self._errors = None
            valid = False
        return valid


class MoveRequestForm(BaseForm):
    wish = TextAreaField(
        _l("When would you like the visit instead?"),
        [Required(_l("Write when you would like the visit instead")), max_length(500)],
    )


def _own_visit(visit_id: int) -> Visit:
    """The signed-in citizen's (or chosen citizen's) visit; 404 for anyone else's."""
    citizen = current_actor().subject
    visit = db.session.get(Visit, visit_id)
    if visit is None or citizen is None or visit.citizen_id != citizen.id:
        abort(404)
    return visit


def _audit_relative_read(object_type: str, object_id: Any = "") -> None:
    actor = current_actor()
    if actor.relative is not None:
        audit.record(
            "read",
            citizen=actor.subject,
            object_type=object_type,
            object_id=object_id,
            purpose="relative_view",
        )


@blueprint.route("/besoeg")
@allow(CITIZEN_SEE)
def calendar() -> str:
    actor = current_actor()
    citizen = actor.subject
    now = datetime.now(UTC)
    page = CalendarPage(
        db.session(),
        citizen,
        actor.relative.id if actor.relative is not None else None,
        local_today(),
        now,
    )
    _audit_relative_read("visit_calendar")
    html = render_template(
        "citizen/visits.html",
        citizen=citizen,
        page=page,
        names=names_given(citizen),
        feeds=page.feeds,
        may_act=_may_act(),
    )
    page.record_look()
    return html


def _may_act() -> bool:
    from selvvisitation.security.access import may_act_for_subject

    return may_act_for_subject(current_actor())


def _cancel_refusal(visit: Visit, deadline: CancelDeadline, now: datetime) -> str | None:
    """Why the visit cannot be cancelled now (domain.visit_changes), in her words, or None."""
    code = citizen_cancel_refusal(
        cancelled=visit.cancelled,
        recorded=visit.recorded_at is not None,
        starts_at=visit.starts_at,
        deadline=deadline,
        now=now,
    )
    return None if code is None else citizen_refusal(VisitChangeRefused(code, deadline), visit)


def _cancel_attempt(visit: Visit, form: CancelVisitForm, now: datetime) -> Any:
    actor = current_actor()
    visit_id = visit.id
    return try_change(
        lambda: citizen_cancel(
            db.session(),
            visit_id=visit_id,
            citizen=actor.subject,
            actor=actor,
            reason=CancelReason(form.reason.data),
            reason_text=form.reason_text.data or "",
            now=now,
        ),
        visit,
        lambda: _own_visit(visit_id),
        citizen_refusal,
    )


def _cancel_page(
    visit: Visit, form: CancelVisitForm, deadline: Any, refused: Any, *, confirming: bool = False
) -> Any:
    status = 409 if refused else (400 if form.errors else 200)
    return render_template(
        "citizen/cancel_visit.html",
        visit=visit,
        form=form,
        deadline=deadline,
        refused=refused,
        confirming=confirming,
        reason_words=dict((c.value, c.label) for c in REASON_CHOICES),
    ), status


@blueprint.route("/besoeg/<int:visit_id>/aflys", methods=["GET", "POST"])
@allow(CITIZEN_ACT)
@lands_on("citizen.calendar")
def cancel_visit(visit_id: int) -> Any:
    visit = _own_visit(visit_id)
    form = CancelVisitForm()
    now = datetime.now(UTC)
    deadline = cancel_deadline(visit)
    refused = _cancel_refusal(visit, deadline, now)
    if refused is None and form.validate_on_submit():
        if form.confirmed.data != "yes":
            form.confirmed.data = "yes"  # the check page: she confirms what she chose
            return _cancel_page(visit, form, deadline, refused, confirming=True)
        attempt = _cancel_attempt(visit, form, now)
        if attempt.result is not None:
            reference = attempt.result.reference
            return redirect(url_for("citizen.visit_cancelled", reference=reference))
        visit, refused = attempt.visit, attempt.message
    elif refused is None and not form.is_submitted():
        _audit_relative_read("visit", visit.id)
    return _cancel_page(visit, form, deadline, refused)


def _own_by_reference(model: Any, reference: str) -> Any:
    """The citizen's cancellation or move request by its reference; 404 for anyone else's."""
    citizen = current_actor().subject
    row = db.session.scalars(
        select(model).where(model.reference == reference, model.citizen_id == citizen.id)
    ).first()
    if row is None:
        abort(404)
    _audit_relative_read(model.__tablename__, row.id)
    return row


@blueprint.route("/besoeg/aflyst/<reference>")
@allow(CITIZEN_SEE)
def visit_cancelled(reference: str) -> str:
    change = _own_by_reference(VisitChange, reference)
    return render_template("citizen/visit_cancelled.html", change=change)


@blueprint.route("/besoeg/<int:visit_id>/flyt", methods=["GET", "POST"])
@allow(CITIZEN_ACT)
@lands_on("citizen.calendar")
def move_visit(visit_id: int) -> Any:
    visit = _own_visit(visit_id)
    actor = current_actor()
    form = MoveRequestForm()
    refused = None
    if form.validate_on_submit():
        attempt = try_change(
            lambda: request_move(
                db.session(),
                visit_id=visit.id,
                citizen=actor.subject,
                actor=actor,
                wish=form.wish.data or "",
            ),
            visit,
            lambda: _own_visit(visit_id),
            citizen_refusal,
        )
        if attempt.result is not None:
            return redirect(url_for("citizen.move_requested", reference=attempt.result.reference))
        visit, refused = attempt.visit, attempt.message
    elif not form.is_submitted():
        _audit_relative_read("visit", visit.id)
    status = 409 if refused else (400 if form.errors else 200)
    return render_template(
        "citizen/move_visit.html", visit=visit, form=form, refused=refused
    ), status


@blueprint.route("/besoeg/flytning/<reference>")
@allow(CITIZEN_SEE)
def move_requested(reference: str) -> str:
    move = _own_by_reference(MoveRequest, reference)
    return render_template("citizen/move_requested.html", move=move)
