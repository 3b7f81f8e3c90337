"""Staff users: create with an Argon2 password, set role and team, deactivate (never delete)
and reactivate."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from selvvisitation.admin.forms import ROLE_CHOICES, TEAM_ROLES, StaffUserForm
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm
from selvvisitation.models import StaffUser
from selvvisitation.security.access import allow, current_actor, sign_in
from selvvisitation.services.admin import (
    add_user,
    recent_role_changes,
    reset_user_second_factor,
    save_user,
    set_active,
    staff_of,
    team_of,
    teams_in,
    username_taken,
)


def _municipality_id() -> int:
    return current_actor().staff.municipality_id


def _form(staff: StaffUser | None = None) -> StaffUserForm:
    form = StaffUserForm(obj=staff)
    form.team_id.choices = [SelectChoice("", _l("No team"))] + [
        SelectChoice(str(t.id), f"{t.provider.name}: {t.name}")
        for t in teams_in(db.session(), _municipality_id())
    ]
    if staff is not None and not form.is_submitted():
        form.role.data = staff.role.value
        form.team_id.data = str(staff.team_id or "")
    return form


def _checked_team(form: StaffUserForm, staff_id: int | None):
    """The chosen team (own municipality only); adds the errors the fields alone cannot."""
    if username_taken(db.session(), _municipality_id(), form.username.data, but=staff_id):
        form.username.errors.append(_l("The username is already in use"))
    team = None
    if form.team_id.data:  # one of the offered teams: the field checked its choices
        team = team_of(db.session(), _municipality_id(), int(form.team_id.data))
        if team is None:
            form.team_id.errors.append(_l("Choose a team from the list"))
    if form.role.data in TEAM_ROLES and team is None and not form.team_id.errors:
        form.team_id.errors.append(_l("Choose the team of the home-care worker or team leader"))
    return team


@blueprint.route("/brugere")
@allow(*ADMIN)
def users() -> str:
    rows = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.municipality_id == _municipality_id())
        .order_by(StaffUser.active.desc(), StaffUser.name)
    ).all()
    roles = {choice.value: choice.label for choice in ROLE_CHOICES}
    return render_template(
        "admin/users.html",
        users=rows,
        roles=roles,
        role_changes=recent_role_changes(db.session(), _municipality_id()),
        by_id={str(user.id): user for user in rows},
    )


@blueprint.route("/brugere/ny", methods=["GET", "POST"])
@allow(*ADMIN)
def new_user():
    form = _form()
    if form.validate_on_submit():
        team = _checked_team(form, None)
        if not form.password.data:
            form.password.errors.append(_l("Write a password of at least 12 characters"))
        if not form.errors:
            add_user(
                db.session(),
                current_actor().staff,
                username=form.username.data,
                name=form.name.data,
                role=StaffRole(form.role.data),
                team=team,
                password=form.password.data,
            )
            flash(_("The user is created."))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/user.html", form=form, user=None), status


def _save(staff: StaffUser, form: Any, team: Any) -> None:
    admin = current_actor().staff
    password_changed = save_user(
        db.session(),
        admin,
        staff,
        username=form.username.data,
        name=form.name.data,
        role=StaffRole(form.role.data),
        team=team,
        password=form.password.data,
    )
    if password_changed and staff.id == admin.id:
        # Her other sessions end; this one is started afresh with the new nonce.
        sign_in(ActorKind.STAFF, staff.id, nonce=staff.session_nonce)


@blueprint.route("/brugere/<int:staff_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit_user(staff_id: int):
    staff = staff_of(db.session(), _municipality_id(), staff_id) or abort(404)
    form = _form(staff)
    if form.validate_on_submit():
        team = _checked_team(form, staff.id)
        own_role_changed = staff.id == current_actor().staff.id and form.role.data != staff.role
        if own_role_changed:
            # Issue 15, Low 13: nobody gives herself a role she does not hold (ASVS V4.1.3).
            form.role.errors.append(_l("You cannot change your own role. Ask another admin."))
        if not form.errors:
            _save(staff, form, team)
            flash(_("The user is saved."))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/user.html", form=form, user=staff), status


def _set_active(staff_id: int, active: bool):
    """Deactivate or reactivate after the confirmation page; never delete."""
    staff = staff_of(db.session(), _municipality_id(), staff_id) or abort(404)
    form = BaseForm()
    if not active and staff.id == current_actor().staff.id:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("admin.users"))
    if form.validate_on_submit() and staff.active != active:
        set_active(db.session(), current_actor().staff, staff, active)
        flash(
            _("%(name)s can sign in again.", name=staff.name)
            if active
            else _("%(name)s can no longer sign in.", name=staff.name)
        )
        return redirect(url_for("admin.users"))
    template = "admin/reactivate.html" if active else "admin/deactivate.html"
    return render_template(template, user=staff, form=form)


@blueprint.route("/brugere/<int:staff_id>/deaktiver", methods=["GET", "POST"])
@allow(*ADMIN)
def deactivate_user(staff_id: int):
    return _set_active(staff_id, active=False)


@blueprint.route("/brugere/<int:staff_id>/genaktiver", methods=["GET", "POST"])
@allow(*ADMIN)
def reactivate_user(staff_id: int):
    return _set_active(staff_id, active=True)


@blueprint.route("/brugere/<int:staff_id>/nulstil-totrin", methods=["GET", "POST"])
@allow(*ADMIN)
def reset_second_factor(staff_id: int):
    """An admin's reset of a user's TOTP and recovery codes: audited, ends their sessions.

    Never one's own: a stolen admin password must not be enough to remove the factor.
    """
    staff = staff_of(db.session(), _municipality_id(), staff_id) or abort(404)
    me = current_actor().staff
    form = BaseForm()
    if staff.id != me.id and staff.has_second_factor and form.validate_on_submit():
        reset_user_second_factor(db.session(), me, staff)
        flash(_("The second factor of %(name)s is reset.", name=staff.name))
        return redirect(url_for("admin.edit_user", staff_id=staff.id))
    return render_template("admin/reset_second_factor.html", user=staff, me=me, form=form)
