"""The supervision visit: five themes, recommendations, follow-up, the provider's action plan."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from selvvisitation.domain.supervision_themes import FollowUpStatus, SupervisionTheme
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import SupervisionRecommendation, SupervisionVisit
from selvvisitation.security.access import allow
from selvvisitation.services import supervision as service
from selvvisitation.supervision.forms import (
    ASSESSMENT_LABELS,
    FOLLOW_UP_LABELS,
    THEME_LABELS,
    ActionForm,
    FollowUpForm,
    RecommendationForm,
    VisitForm,
)
from selvvisitation.supervision.views import (
    READERS,
    blueprint,
    may_write,
    own_or_404,
    provider_or_404,
    staff,
)

LABELS = {"themes": THEME_LABELS, "assessments": ASSESSMENT_LABELS, "follow_up": FOLLOW_UP_LABELS}


def recommendation_or_404(recommendation_id: int) -> SupervisionRecommendation:
    recommendation = db.session.get(SupervisionRecommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    provider_or_404(recommendation.provider_id)
    return recommendation


def visit_or_404(supervision_visit_id: int) -> SupervisionVisit:
    return own_or_404(db.session.get(SupervisionVisit, supervision_visit_id))


@blueprint.route("/leverandoer/<int:provider_id>/besoeg/nyt", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def new_visit(provider_id: int) -> Response | str | tuple[str, int]:
    provider = provider_or_404(provider_id)
    form = VisitForm()
    if form.validate_on_submit():
        visit = service.save_supervision_visit(
            db.session,
            provider,
            visited_on=form.visited_on.date,
            findings=form.findings(),
            strengths=form.strengths.data.strip(),
            feedback_given_to=form.feedback_given_to.data.strip(),
            staff=staff(),
        )
        flash(_("The supervision visit is saved. Add the recommendations to the provider."))
        return redirect(url_for(".visit", supervision_visit_id=visit.id))
    earlier = service.open_recommendations(db.session, provider)
    return render_template(
        "supervision/visit_form.html",
        provider=provider,
        form=form,
        earlier=earlier,
        labels=LABELS,
    ), (400 if form.errors else 200)


@blueprint.route("/besoeg/<int:supervision_visit_id>")
@allow(*READERS)
def visit(supervision_visit_id: int) -> str:
    record = visit_or_404(supervision_visit_id)
    earlier = service.open_recommendations(db.session, record.provider, before=record)
    followed_up = service.followed_up_at(db.session, record)
    return render_template(
        "supervision/visit.html",
        visit=record,
        provider=record.provider,
        earlier=earlier,
        followed_up=followed_up,
        labels=LABELS,
        themes=list(SupervisionTheme),
        may_write=may_write(),
    )


@blueprint.route("/besoeg/<int:supervision_visit_id>/anbefaling", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def add_recommendation(supervision_visit_id: int) -> Response | str | tuple[str, int]:
    record = visit_or_404(supervision_visit_id)
    form = RecommendationForm()
    if form.validate_on_submit():
        service.save_recommendation(
            db.session,
            record,
            theme=SupervisionTheme(form.theme.data),
            text=form.text.data.strip(),
            staff=staff(),
        )
        flash(_("The recommendation is saved."))
        return redirect(url_for(".visit", supervision_visit_id=record.id))
    return render_template("supervision/recommendation_form.html", visit=record, form=form), (
        400 if form.errors else 200
    )


@blueprint.route(
    "/besoeg/<int:supervision_visit_id>/opfoelgning/<int:recommendation_id>",
    methods=["GET", "POST"],
)
@allow(StaffRole.SUPERVISOR)
def follow_up(
    supervision_visit_id: int, recommendation_id: int
) -> Response | str | tuple[str, int]:
    record = visit_or_404(supervision_visit_id)
    recommendation = recommendation_or_404(recommendation_id)
    if recommendation.provider_id != record.provider_id or recommendation.visit_id == record.id:
        abort(404)
    form = FollowUpForm()
    if form.validate_on_submit():
        service.save_follow_up(
            db.session,
            recommendation,
            record,
            status=FollowUpStatus(form.status.data),
            note=form.note.data.strip(),
        )
        flash(_("The follow-up is saved."))
        return redirect(url_for(".visit", supervision_visit_id=record.id))
    return render_template(
        "supervision/follow_up_form.html",
        visit=record,
        recommendation=recommendation,
        form=form,
        labels=LABELS,
    ), (400 if form.errors else 200)


@blueprint.route("/anbefaling/<int:recommendation_id>/handleplan", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def add_action(recommendation_id: int) -> Response | str | tuple[str, int]:
    recommendation = recommendation_or_404(recommendation_id)
    form = ActionForm()
    if form.validate_on_submit():
        service.save_action(
            db.session,
            recommendation,
            action=form.action.data.strip(),
            responsible=form.responsible.data.strip(),
            due_on=form.due_on.date,
            staff=staff(),
        )
        flash(_("The action is added to the provider's action plan."))
        return redirect(url_for(".visit", supervision_visit_id=recommendation.visit_id))
    return render_template(
        "supervision/action_form.html",
        recommendation=recommendation,
        form=form,
        labels=LABELS,
    ), (400 if form.errors else 200)
