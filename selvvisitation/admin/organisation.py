"""Providers (municipal home care and approved private providers) and their teams."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from selvvisitation.admin.forms import AddTeamForm, ProviderForm, TeamForm
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.domain.types import ProviderKind
from selvvisitation.extensions import db
from selvvisitation.models import Provider
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.admin import add_team as add_team_to
from selvvisitation.services.admin import provider_of, save_provider, save_team, team_of


def _municipality_id() -> int:
    return current_actor().staff.municipality_id


def _save_provider(form: ProviderForm, provider: Provider | None) -> None:
    save_provider(
        db.session(),
        current_actor().staff,
        provider,
        name=form.name.data,
        kind=ProviderKind(form.kind.data),
        phone=form.phone.data,
        offers_personal_care=form.offers_personal_care.data,
        offers_practical_help=form.offers_practical_help.data,
    )


@blueprint.route("/leverandoerer", methods=["GET", "POST"])
@allow(*ADMIN)
def providers():
    form = ProviderForm()
    if form.validate_on_submit():
        _save_provider(form, None)
        flash(_("The provider is added."))
        return redirect(url_for("admin.providers"))
    rows = db.session.scalars(
        select(Provider)
        .where(Provider.municipality_id == _municipality_id())
        .order_by(Provider.name)
    ).all()
    status = 400 if form.errors else 200
    return render_template("admin/providers.html", providers=rows, form=form), status


@blueprint.route("/leverandoerer/<int:provider_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit_provider(provider_id: int):
    provider = provider_of(db.session(), _municipality_id(), provider_id) or abort(404)
    form = ProviderForm(obj=provider)
    if not form.is_submitted():
        form.kind.data = provider.kind.value
    team_form = AddTeamForm()
    if form.validate_on_submit():
        _save_provider(form, provider)
        flash(_("The provider is saved."))
        return redirect(url_for("admin.edit_provider", provider_id=provider.id))
    status = 400 if form.errors else 200
    return render_template(
        "admin/provider.html", provider=provider, form=form, team_form=team_form
    ), status


@blueprint.route("/leverandoerer/<int:provider_id>/teams", methods=["POST"])
@allow(*ADMIN)
def add_team(provider_id: int):
    provider = provider_of(db.session(), _municipality_id(), provider_id) or abort(404)
    team_form = AddTeamForm()
    if not team_form.validate_on_submit():
        form = ProviderForm(obj=provider)
        form.kind.data = provider.kind.value
        return render_template(
            "admin/provider.html", provider=provider, form=form, team_form=team_form
        ), 400
    add_team_to(db.session(), current_actor().staff, provider, team_form.team_name.data)
    flash(_("The team is added."))
    return redirect(url_for("admin.edit_provider", provider_id=provider.id))


@blueprint.route("/teams/<int:team_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit_team(team_id: int):
    team = team_of(db.session(), _municipality_id(), team_id) or abort(404)
    form = TeamForm(obj=team)
    if form.validate_on_submit():
        save_team(
            db.session(), current_actor().staff, team, name=form.name.data, phone=form.phone.data
        )
        flash(_("The team is saved."))
        return redirect(url_for("admin.edit_provider", provider_id=team.provider_id))
    status = 400 if form.errors else 200
    return render_template("admin/team.html", team=team, form=form), status
