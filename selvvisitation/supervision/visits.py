"""The supervision visit: its themes, recommendations, follow-up, the provider's action plan.

The themes are seed 000's five, the Ældretilsyn's three values (Ældretilsynsloven § 7 stk. 3)
or both, as the municipality's policy offers; when it offers more than one set, the supervisor
chooses first (one question per step), and the choice travels in the address (``temaer``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from selvvisitation.domain.supervision_themes import (
    FollowUpStatus,
    SupervisionTheme,
    ThemeSet,
    sets_offered,
)
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import SupervisionRecommendation, SupervisionVisit
from selvvisitation.security.access import allow
from selvvisitation.services import supervision_visits
from selvvisitation.services.adapters import policy_for
from selvvisitation.supervision.forms import (
    ActionForm,
    FollowUpForm,
    RecommendationForm,
    ThemeSetForm,
    visit_form_class,
)
from selvvisitation.supervision.labels import LABELS
from selvvisitation.supervision.views import (
    READERS,
    blueprint,
    may_write,
    own_or_404,
    provider_or_404,
    staff,
)


def recommendation_or_404(recommendation_id: int) -> SupervisionRecommendation:
    recommendation = db.session.get(SupervisionRecommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    provider_or_404(recommendation.provider_id)
    return recommendation


def visit_or_404(supervision_visit_id: int) -> SupervisionVisit:
    return own_or_404(db.session.get(SupervisionVisit, supervision_visit_id))


def _theme_set_page(provider, choice: ThemeSetForm) -> tuple[str, int]:
    if not request.args:
        choice.temaer.errors = []  # first arrival: the question, not an error
    page = render_template("supervision/theme_set_form.html", provider=provider, form=choice)
    return page, 400 if choice.errors else 200


def _saved_visit(provider, form, theme_set: ThemeSet) -> Any:
    return supervision_visits.save_supervision_visit(
        db.session(),
        provider,
        visited_on=form.visited_on.date,
        theme_set=theme_set,
        findings=form.findings(),
        strengths=form.strengths.data.strip(),
        feedback_given_to=form.feedback_given_to.data.strip(),
        staff=staff(),
    )


def _visit_form_page(provider, form, theme_set: ThemeSet, *, chosen: bool) -> tuple[str, int]:
    return render_template(
        "supervision/visit_form.html",
        provider=provider,
        form=form,
        theme_set=theme_set,
        chosen=theme_set.value if chosen else None,
        earlier=supervision_visits.open_recommendations(db.session(), provider),
        labels=LABELS,
    ), (400 if form.errors else 200)


@blueprint.route("/leverandoer/<int:provider_id>/besoeg/nyt", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def new_visit(provider_id: int) -> Response | str | tuple[str, int]:
    provider = provider_or_404(provider_id)
    offered = sets_offered(policy_for(provider.municipality).supervision_theme_sets)
    choice = ThemeSetForm(formdata=request.args)
    choice.temaer.choices = [c for c in choice.temaer.choices if c.value in offered]
    if len(offered) > 1 and not choice.validate():
        return _theme_set_page(provider, choice)
    theme_set = ThemeSet(choice.temaer.data) if len(offered) > 1 else offered[0]
    form = visit_form_class(theme_set)()
    if form.validate_on_submit():
        visit = _saved_visit(provider, form, theme_set)
        flash(_("The supervision visit is saved. Add the recommendations to the provider."))
        return redirect(url_for(".visit", supervision_visit_id=visit.id))
    return _visit_form_page(provider, form, theme_set, chosen=len(offered) > 1)


@blueprint.route("/besoeg/<int:supervision_visit_id>")
@allow(*READERS)
def visit(supervision_visit_id: int) -> str:
    record = visit_or_404(supervision_visit_id)
    earlier = supervision_visits.open_recommendations(db.session(), record.provider, before=record)
    followed_up = supervision_visits.followed_up_at(db.session(), record)
    return render_template(
        "supervision/visit.html",
        visit=record,
        provider=record.provider,
        earlier=earlier,
        followed_up=followed_up,
        labels=LABELS,
        may_write=may_write(),
    )


@blueprint.route("/besoeg/<int:supervision_visit_id>/anbefaling", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def add_recommendation(supervision_visit_id: int) -> Response | str | tuple[str, int]:
    record = visit_or_404(supervision_visit_id)
    form = RecommendationForm().for_themes(record.themes)
    if form.validate_on_submit():
        supervision_visits.save_recommendation(
            db.session(),
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
        supervision_visits.save_follow_up(
            db.session(),
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
        supervision_visits.save_action(
            db.session(),
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
