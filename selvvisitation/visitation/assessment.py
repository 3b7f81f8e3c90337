"""Book, move or cancel a reassessment visit, and fill in Herning's two forms at it (seed 001)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.dates import LOCAL, local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AssessmentVisit, StaffUser
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.case_actions import FollowUpAnswers
from selvvisitation.services.case_reads import is_open
from selvvisitation.services.reassessment_visits import (
    book_reassessment,
    cancel_reassessment,
    move_reassessment,
    save_follow_up_forms,
)
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.forms import (
    BookVisitForm,
    CancelVisitForm,
    FollowUpForm,
    MoveVisitForm,
)
from selvvisitation.visitation.views import blueprint


def _visitators(municipality_id: int) -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(
                StaffUser.municipality_id == municipality_id,
                StaffUser.role == StaffRole.VISITATOR,
                StaffUser.active.is_(True),
            )
            .order_by(StaffUser.name)
        )
    )


@blueprint.route("/sager/<int:case_id>/besoeg", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def book_visit(case_id: int) -> str | Response:
    case = case_or_404(case_id)
    if not is_open(case):
        flash(_("The case is closed."), "error")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    staff = current_actor().staff
    visitators = _visitators(case.municipality_id)
    form = BookVisitForm(visitators=visitators, today=local_today())
    if not form.is_submitted():
        form.visitator.data = str(staff.id)
    if form.validate_on_submit():
        chosen = next(v for v in visitators if str(v.id) == form.visitator.data)
        book_reassessment(
            db.session(),
            case,
            staff,
            visitator=chosen,
            starts_at=form.starts_at(),
            note=(form.note.data or "").strip(),
        )
        flash(_("The reassessment visit is booked."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/book_visit.html", case=case, form=form)


def _booked_visit(case) -> AssessmentVisit | None:
    """The case's booked reassessment visit (the latest, if more than one is booked)."""
    return db.session.scalars(
        select(AssessmentVisit)
        .where(
            AssessmentVisit.case_id == case.id,
            AssessmentVisit.status == AssessmentStatus.BOOKED,
        )
        .order_by(AssessmentVisit.starts_at.desc())
    ).first()


def _booked_or_back(case):
    visit = _booked_visit(case)
    if visit is None:
        flash(_("There is no booked reassessment visit on this case."), "error")
    return visit


@blueprint.route("/sager/<int:case_id>/besoeg/flyt", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def move_assessment_visit(case_id: int) -> str | Response:
    case = case_or_404(case_id)
    visit = _booked_or_back(case)
    if visit is None:
        return redirect(url_for("visitation.case_page", case_id=case.id))
    visitators = _visitators(case.municipality_id)
    form = MoveVisitForm(visitators=visitators)
    if not form.is_submitted():  # start from the booked time
        local = visit.starts_at.astimezone(LOCAL)
        form.day.data = local.date().isoformat()
        form.clock.data = local.strftime("%H:%M")
        form.visitator.data = str(visit.visitator_staff_id)
    if form.validate_on_submit():
        chosen = next(v for v in visitators if str(v.id) == form.visitator.data)
        move_reassessment(
            db.session(),
            visit,
            current_actor().staff,
            visitator=chosen,
            starts_at=form.starts_at(),
            reason=form.reason.data.strip(),
        )
        flash(_("The reassessment visit is moved. The citizen sees the new time."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/move_visit.html", case=case, visit=visit, form=form)


@blueprint.route("/sager/<int:case_id>/besoeg/aflys", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def cancel_assessment_visit(case_id: int) -> str | Response:
    case = case_or_404(case_id)
    visit = _booked_or_back(case)
    if visit is None:
        return redirect(url_for("visitation.case_page", case_id=case.id))
    form = CancelVisitForm()
    if form.validate_on_submit():
        cancel_reassessment(db.session(), visit, current_actor().staff, form.reason.data.strip())
        flash(_("The reassessment visit is cancelled. The citizen sees it."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/cancel_visit.html", case=case, visit=visit, form=form)


@blueprint.route("/sager/<int:case_id>/opfoelgning", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def follow_up(case_id: int) -> str | Response:
    """Herning's two forms for the case's booked reassessment visit."""
    case = case_or_404(case_id)
    visit = _booked_visit(case)
    if visit is None:
        flash(_("There is no booked visit to fill in the forms for."), "error")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    form = FollowUpForm()
    if form.validate_on_submit():
        answers = FollowUpAnswers(
            satisfaction=Satisfaction(form.satisfaction.data),
            help_as_granted=YesPartlyNo(form.help_as_granted.data),
            heard_and_involved=YesPartlyNo(form.heard_and_involved.data),
            citizen_comment=(form.citizen_comment.data or "").strip(),
            matches_decision=YesPartlyNo(form.matches_decision.data),
            goals_met=YesPartlyNo(form.goals_met.data),
            meets_service_level=YesPartlyNo(form.meets_service_level.data),
            notes=(form.notes.data or "").strip(),
        )
        save_follow_up_forms(db.session(), visit, current_actor().staff, answers)
        flash(_("Both forms are saved."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/follow_up.html", case=case, visit=visit, form=form)
