"""The municipality's second-factor policy: which roles sign in with a code from an app
(issue 15, High 2). The admin ticks the roles, sees what changes, and then saves."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selvvisitation.admin.forms import ROLE_CHOICES, SecondFactorRolesForm
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.domain.second_factor import required_roles_from
from selvvisitation.extensions import db
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.second_factor_policy import (
    effect_of,
    required_roles,
    save_second_factor_roles,
)


@blueprint.route("/totrin", methods=["GET", "POST"])
@allow(*ADMIN)
def second_factor_policy():
    actor = current_actor()
    municipality = actor.staff.municipality
    form = SecondFactorRolesForm()
    if not form.is_submitted():
        form.roles.data = required_roles(municipality)
    effect = None
    if form.validate_on_submit():
        proposed = required_roles_from(form.roles.data or [])
        fingerprint = ",".join(proposed) or "-"
        if request.form.get("action") == "save" and form.confirmed.data == fingerprint:
            save_second_factor_roles(db.session(), municipality, proposed, actor)
            flash(_("The roles that sign in with a code are saved."))
            return redirect(url_for("admin.second_factor_policy"))
        effect = effect_of(db.session(), municipality, actor.staff, proposed)
        form.confirmed.data = fingerprint
    return render_template(
        "admin/second_factor_policy.html",
        form=form,
        effect=effect,
        roles={choice.value: choice.label for choice in ROLE_CHOICES},
        hint=_l(
            "Visitators, administrators and supervisors see the whole municipality's "
            "citizens, so by default they sign in with more than a password. Team leaders "
            "and home-care workers can be added when the municipality decides so."
        ),
    ), 400 if form.errors else 200
