"""Sign-in pages. Views stay thin: the rules are in auth.service and security.access."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from selvvisitation.auth.forms import DemoSignInForm, StaffLoginForm
from selvvisitation.auth.service import (
    attempt_staff_login,
    end_staff_session,
    prune_ended_sessions,
)
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.i18n import safe_next_url
from selvvisitation.models import Citizen, Consent, Relative
from selvvisitation.security.access import (
    PUBLIC,
    RELATIVE,
    allow,
    current_actor,
    end_session,
    sign_in,
)
from selvvisitation.security.locking import lock_for_write

blueprint = Blueprint("auth", __name__, url_prefix="/log-ind")

STAFF_HOME = {
    StaffRole.HOME_CARE_WORKER: "staff.visits",
    StaffRole.TEAM_LEADER: "staff.visits",
    StaffRole.VISITATOR: "visitation.queue",
    StaffRole.MUNICIPALITY_ADMIN: "admin.index",
    StaffRole.SUPERVISOR: "admin.index",
}


@blueprint.route("/personale", methods=["GET", "POST"])
@allow(PUBLIC)
def staff_login() -> str | Response:
    form = StaffLoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        # Sign-in writes (failure count, nonce): take the write lock before the read,
        # or SQLite refuses the second of two simultaneous sign-ins ("database is locked").
        lock_for_write(db.session)
        result = attempt_staff_login(db.session, form.username.data, form.password.data)
        if result.staff is not None:
            sign_in(ActorKind.STAFF, result.staff.id, nonce=result.staff.session_nonce)
            db.session.commit()
            target = safe_next_url(form.next.data) or url_for(STAFF_HOME[result.staff.role])
            return redirect(target)
        db.session.commit()  # keep the failure count
        # One answer for every failure: the page must not tell which usernames exist.
        form.password.errors.append(
            _(
                "The username or password is not right. After 5 wrong tries, sign-in is "
                "paused for 15 minutes. Call your team leader if you need help."
            )
        )
    return render_template("auth/staff_login.html", form=form)


@blueprint.route("/", methods=["GET"])
@allow(PUBLIC)
def citizen_login() -> str:
    people = _demo_people() if current_app.config["DEMO_MODE"] else None
    return render_template(
        "auth/citizen_login.html",
        people=people,
        form=DemoSignInForm(),
        oidc_enabled=bool(current_app.config.get("OIDC_ISSUER")),
    )


@blueprint.route("/demo", methods=["POST"])
@allow(PUBLIC)
def demo_sign_in() -> Response:
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    form = DemoSignInForm()
    if not form.validate_on_submit():
        flash(_("Choose a person"), "error")
        return redirect(url_for("auth.citizen_login"))
    kind, _sep, raw_id = (form.person.data or "").partition(":")
    if not raw_id.isdigit() or kind not in ("citizen", "relative"):
        abort(400)
    if kind == "citizen":
        citizen = db.session.get(Citizen, int(raw_id)) or abort(400)
        sign_in(ActorKind.CITIZEN, citizen.id)
        return redirect(url_for("citizen.index"))
    relative = db.session.get(Relative, int(raw_id)) or abort(400)
    sign_in(ActorKind.RELATIVE, relative.id)
    return redirect(url_for("auth.choose_citizen"))


@blueprint.route("/vaelg-borger", methods=["GET", "POST"])
@allow(RELATIVE)
def choose_citizen() -> str | Response:
    """A relative picks whose help to see: only citizens who gave consent are offered."""
    from flask import session

    actor = current_actor()
    consents = [c for c in actor.relative.consents if c.is_active()]
    if request.method == "POST":
        form = DemoSignInForm()
        if form.validate_on_submit() and (form.person.data or "").isdigit():
            chosen = int(form.person.data)
            if any(c.citizen_id == chosen for c in consents):
                session["subject_id"] = chosen
                return redirect(url_for("citizen.index"))
        flash(_("You have no consent to see this person's help"), "error")
    return render_template("auth/choose_citizen.html", consents=consents, form=DemoSignInForm())


@blueprint.route("/log-ud", methods=["POST"])
@allow(PUBLIC)
def logout() -> Response:
    actor = current_actor()
    lock_for_write(db.session)  # a write follows; the actor's rows reload under the lock
    if actor.staff is not None:
        end_staff_session(actor.staff)
    end_session()
    prune_ended_sessions(db.session)
    db.session.commit()
    flash(_("You are signed out"), "success")
    return redirect(url_for("public.index"))


def _demo_people() -> dict:
    citizens = db.session.scalars(select(Citizen).order_by(Citizen.name).limit(60)).all()
    relatives = db.session.scalars(
        select(Relative).join(Consent).distinct().order_by(Relative.name)
    ).all()
    return {"citizens": citizens, "relatives": relatives}


from selvvisitation.auth import oidc  # noqa: E402, F401  (MitID routes on this blueprint)
