"""The provider cancels or moves a visit, and the team answers a citizen's move request
(issue 14; seed 002, Personlige opgaver and Praktiske opgaver, "Krav til leverance").

A team leader cancels or moves; anyone in the team answers a move request from the day list.
The rules and the transaction are in services.visit_change_actions; these views turn forms into
one call each. Where 002 says the citizen must be told, the change records that a notice is
due and the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, StopValidation

from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.types import MoveRequestStatus, ServiceCategory, StaffRole
from selvvisitation.domain.visit_changes import REPLACEMENT_WITHIN_DAYS
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, Required, choice_field, max_length
from selvvisitation.models import MoveRequest, Visit, VisitChange
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.visit_change_actions import (
    VisitChangeRefused,
    answer_move,
    provider_cancel_visit,
    provider_move_visit,
    replacement_window,
    visit_categories,
)
from selvvisitation.services.visit_refusals import Attempt, staff_refusal, try_change
from selvvisitation.staff.access import team_visit_or_404
from selvvisitation.staff.views import blueprint
from selvvisitation.visitation.forms import DayField, parse_clock

TEAM = (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER)


class _NewTime:
    """A date and a time of day typed by the team, as an aware moment (Danish time)."""

    def validate_clock(self, field: Any) -> None:
        if parse_clock(field.data) is None:
            raise StopValidation(_l("Enter the time as hours:minutes, for example 10:30"))

    def moment(self) -> datetime | None:
        day = self.day.day  # type: ignore[attr-defined]
        clock = parse_clock(self.clock.data)  # type: ignore[attr-defined]
        if day is None or clock is None:
            return None
        return datetime.combine(day, time(*clock), tzinfo=LOCAL).astimezone(UTC)


class ProviderCancelForm(_NewTime, BaseForm):
    reason = TextAreaField(
        _l("Why does the home care cancel the visit?"),
        validators=[Required(_l("Write why the visit is cancelled")), max_length(1000)],
    )
    day = DayField(_l("Date of the replacement visit"))
    clock = StringField(_l("Time of the replacement visit"), validators=[max_length(5)])
    confirm = BooleanField(
        _l("I understand that the visit is cancelled and the citizen must be told"),
        validators=[DataRequired(_l("Confirm that the visit is to be cancelled"))],
    )

    def __init__(self, *args: Any, needs_replacement: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_replacement = needs_replacement

    def validate_day(self, field: Any) -> None:
        if self.needs_replacement and not (field.data or "").strip():
            raise StopValidation(_l("Enter the date of the replacement visit"))

    def validate_clock(self, field: Any) -> None:
        if self.needs_replacement or (field.data or "").strip():
            super().validate_clock(field)


class ProviderMoveForm(_NewTime, BaseForm):
    day = DayField(_l("New date"), required_message=_l("Enter the new date"))
    clock = StringField(
        _l("New time"), validators=[Required(_l("Enter the new time")), max_length(5)]
    )
    reason = TextAreaField(
        _l("Why is the visit moved?"),
        validators=[Required(_l("Write why the visit is moved")), max_length(1000)],
    )


class AnswerMoveForm(_NewTime, BaseForm):
    answer = choice_field(
        _l("Can the visit be moved?"),
        [
            SelectChoice("yes", _l("Yes, at a new time")),
            SelectChoice("no", _l("No")),
        ],
        _l("Choose yes or no"),
    )
    day = DayField(_l("New date"))
    clock = StringField(_l("New time"), validators=[max_length(5)])
    reason = TextAreaField(
        _l("Message to the citizen (required when you say no)"), validators=[max_length(1000)]
    )

    def validate_day(self, field: Any) -> None:
        if self.answer.data == "yes" and not (field.data or "").strip():
            raise StopValidation(_l("Enter the new date"))

    def validate_clock(self, field: Any) -> None:
        if self.answer.data == "yes" or (field.data or "").strip():
            super().validate_clock(field)

    def validate_reason(self, field: Any) -> None:
        if self.answer.data == "no" and not (field.data or "").strip():
            raise StopValidation(_l("Write why the visit cannot be moved"))


def _try[T](change: Callable[[], T], visit: Visit, form: Any = None) -> Attempt[T]:
    """The team's try at a change: the visit read again and the rule in words on a refusal."""
    visit_id = visit.id
    return try_change(change, visit, lambda: team_visit_or_404(visit_id), staff_refusal, form)


def _changed(visit: Visit, change: VisitChange, done: Any) -> Any:
    """Back to the day list, saying what was done (``done`` holds %(reference)s) and whether
    the citizen must be told."""
    flash(str(done) % {"reference": change.reference})
    if change.notice_due:
        flash(_("The citizen must be told about this change (quality standard)."), "info")
    return redirect(url_for("staff.visits", dag=visit.day.isoformat()))


def _cancel_attempt(visit: Visit, form: ProviderCancelForm) -> Attempt[VisitChange]:
    actor = current_actor()
    return _try(
        lambda: provider_cancel_visit(
            db.session(),
            visit_id=visit.id,
            staff=actor.staff,
            actor=actor,
            reason_text=form.reason.data or "",
            replacement_starts_at=form.moment(),
        ),
        visit,
        form,
    )


def _cancel_page(visit: Visit, form: Any, refused: Any, *, needs_replacement: bool) -> str:
    first, last = replacement_window(visit.day)
    return render_template(
        "staff/provider_cancel.html",
        visit=visit,
        form=form,
        refused=refused,
        needs_replacement=needs_replacement,
        first=first,
        last=last,
        within_days=REPLACEMENT_WITHIN_DAYS,
    )


def _move_attempt(visit: Visit, form: ProviderMoveForm) -> Attempt[VisitChange]:
    actor = current_actor()
    moment = form.moment()
    assert moment is not None  # the form was validated
    return _try(
        lambda: provider_move_visit(
            db.session(),
            visit_id=visit.id,
            staff=actor.staff,
            actor=actor,
            new_starts_at=moment,
            reason_text=form.reason.data or "",
        ),
        visit,
        form,
    )


def _answer_attempt(visit: Visit, move: MoveRequest, form: AnswerMoveForm) -> Attempt[Any]:
    actor = current_actor()
    return _try(
        lambda: answer_move(
            db.session(),
            request_id=move.id,
            staff=actor.staff,
            actor=actor,
            accept=form.answer.data == "yes",
            new_starts_at=form.moment(),
            reason_text=form.reason.data or "",
        ),
        visit,
        form,  # a time that has passed is shown at the time field, in the summary
    )


@blueprint.route("/besoeg/<int:visit_id>/aflys", methods=["GET", "POST"])
@allow(StaffRole.TEAM_LEADER)
def provider_cancel(visit_id: int) -> Any:
    visit = team_visit_or_404(visit_id)
    kinds = visit_categories(visit)
    personal_care = ServiceCategory.PERSONAL_CARE in kinds
    needs_replacement = ServiceCategory.PRACTICAL_HELP in kinds and not personal_care
    form = ProviderCancelForm(needs_replacement=needs_replacement)
    refused = staff_refusal(VisitChangeRefused("personal_care"), visit) if personal_care else None
    rule_refused = False
    if refused is None and form.validate_on_submit():
        attempt = _cancel_attempt(visit, form)
        if attempt.result is not None:
            return _changed(visit, attempt.result, _l("The visit is cancelled (%(reference)s)."))
        visit, refused, rule_refused = attempt.visit, attempt.message, attempt.refused
    rule_refused = rule_refused or bool(refused and form.is_submitted())
    status = 409 if rule_refused else (400 if form.errors else 200)
    return _cancel_page(visit, form, refused, needs_replacement=needs_replacement), status


@blueprint.route("/besoeg/<int:visit_id>/flyt", methods=["GET", "POST"])
@allow(StaffRole.TEAM_LEADER)
def provider_move(visit_id: int) -> Any:
    visit = team_visit_or_404(visit_id)
    form = ProviderMoveForm()
    refused, rule_refused = None, False
    if form.validate_on_submit():
        attempt = _move_attempt(visit, form)
        if attempt.result is not None:
            return _changed(visit, attempt.result, _l("The visit is moved (%(reference)s)."))
        visit, refused, rule_refused = attempt.visit, attempt.message, attempt.refused
    status = 409 if rule_refused else (400 if form.errors else 200)
    return render_template(
        "staff/provider_move.html", visit=visit, form=form, refused=refused
    ), status


def _open_request(visit: Visit) -> MoveRequest:
    request = db.session.scalars(
        db.select(MoveRequest)
        .where(MoveRequest.visit_id == visit.id, MoveRequest.status == MoveRequestStatus.REQUESTED)
        .order_by(MoveRequest.id)
    ).first()
    if request is None:
        abort(404)
    return request


@blueprint.route("/besoeg/<int:visit_id>/flytning", methods=["GET", "POST"])
@allow(*TEAM)
def answer_move_request(visit_id: int) -> Any:
    visit = team_visit_or_404(visit_id)
    move = _open_request(visit)
    form = AnswerMoveForm()
    refused = None
    if form.validate_on_submit():
        attempt = _answer_attempt(visit, move, form)
        if attempt.result is not None:
            flash(_("The answer is sent. The citizen sees it under her visits."))
            return redirect(url_for("staff.visits", dag=visit.day.isoformat()))
        visit, refused = attempt.visit, attempt.message
    status = 409 if refused else (400 if form.errors else 200)
    return render_template(
        "staff/answer_move.html", visit=visit, move=move, form=form, refused=refused
    ), status
