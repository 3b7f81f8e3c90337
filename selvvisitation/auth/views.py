"""Sign-in pages. Views stay thin: the rules are in services.staff_sign_in and security.access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from selvvisitation.auth import second_factor
from selvvisitation.auth.forms import DemoSignInForm, StaffLoginForm
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.forms import id_from_form
from selvvisitation.i18n import safe_next_url
from selvvisitation.models import Citizen, Consent, Municipality, Relative
from selvvisitation.security.access import (
    CITIZEN_SEE,
    PUBLIC,
    RELATIVE,
    STAFF_ANY,
    allow,
    current_actor,
    keep_alive,
    session_id,
    sign_in,
    sign_out,
)
from selvvisitation.security.kept_answer import return_page
from selvvisitation.services.staff_sign_in import (
    ClientThrottle,
    client_key,
    record_sign_out,
    sign_in_staff,
)

blueprint = Blueprint("auth", __name__, url_prefix="/log-ind")

STAFF_HOME = {
    StaffRole.HOME_CARE_WORKER: "staff.visits",
    StaffRole.TEAM_LEADER: "staff.visits",
    StaffRole.VISITATOR: "visitation.queue",
    StaffRole.MUNICIPALITY_ADMIN: "admin.index",
    StaffRole.SUPERVISOR: "supervision.index",  # supervision is her work, not the catalogue
}


def _password_checked(form: StaffLoginForm) -> Any:
    return sign_in_staff(
        db.session(),
        form.username.data,
        form.password.data,
        client=client_key(request.remote_addr, current_app.config["SECRET_KEY"]),
        throttle=_throttle(),
        municipality_id=id_from_form(form.municipality.data),
    )


def _after_password(staff: Any, next_url: str) -> Response:
    """The second step where her role asks for it; otherwise signed in and on her way."""
    if second_factor.asked_at_sign_in(staff):
        return second_factor_views.begin_second_step(staff, next_url)
    sign_in(ActorKind.STAFF, staff.id, nonce=staff.session_nonce)
    return redirect(safe_next_url(next_url) or url_for(STAFF_HOME[staff.role]))


@blueprint.route("/personale", methods=["GET", "POST"])
@allow(PUBLIC)
def staff_login() -> str | Response:
    form = StaffLoginForm(next=request.args.get("next", ""))
    form.municipality.choices = _municipality_choices()
    if form.validate_on_submit():
        result = _password_checked(form)
        if result.problem == "throttled":
            return _throttled(form, result.retry_after)
        if result.staff is not None:
            return _after_password(result.staff, form.next.data)
        # One answer for every failure: the page must not tell which usernames exist.
        form.password.errors.append(
            _(
                "The username or password is not right. After 5 wrong tries, sign-in is "
                "paused for 15 minutes. Call your team leader if you need help."
            )
        )
    return render_template("auth/staff_login.html", form=form)


def _municipality_choices() -> list[SelectChoice]:
    """The municipalities to choose between, when the installation serves more than one."""
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    if len(municipalities) < 2:
        return []
    return [SelectChoice("", _("Choose your municipality"))] + [
        SelectChoice(str(m.id), m.name) for m in municipalities
    ]


def _throttle() -> ClientThrottle:
    config = current_app.config
    return ClientThrottle(
        limit=config["SIGNIN_FAILURES_PER_CLIENT"],
        window=timedelta(seconds=config["SIGNIN_CLIENT_WINDOW_SECONDS"]),
    )


def _throttled(form: StaffLoginForm, retry_after: int) -> Response:
    """429 with Retry-After: too many wrong sign-ins from this address, whatever the account."""
    minutes = -(-retry_after // 60)
    form.password.errors.append(
        ngettext(
            "There have been too many wrong sign-ins from this network. Try again in "
            "%(num)d minute. Call your team leader if you need help.",
            "There have been too many wrong sign-ins from this network. Try again in "
            "%(num)d minutes. Call your team leader if you need help.",
            minutes,
        )
    )
    response = make_response(render_template("auth/staff_login.html", form=form), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


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
    person_id = id_from_form(raw_id)
    if person_id is None or kind not in ("citizen", "relative"):
        abort(400)
    if kind == "citizen":
        citizen = db.session.get(Citizen, person_id) or abort(400)
        sign_in(ActorKind.CITIZEN, citizen.id)
        back = return_page(ActorKind.CITIZEN.value, citizen.id)
        return redirect(back or url_for("citizen.index"))
    relative = db.session.get(Relative, person_id) or abort(400)
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
        chosen = id_from_form(form.person.data) if form.validate_on_submit() else None
        if chosen is not None and any(c.citizen_id == chosen for c in consents):
            session["subject_id"] = chosen
            back = return_page(ActorKind.RELATIVE.value, actor.relative.id, chosen)
            return redirect(back or url_for("citizen.index"))
        flash(_("You have no consent to see this person's help"), "error")
    return render_template("auth/choose_citizen.html", consents=consents, form=DemoSignInForm())


@blueprint.route("/forlaeng", methods=["POST"])
@allow(CITIZEN_SEE, RELATIVE, STAFF_ANY)
def stay_signed_in() -> Response:
    """ "Bliv logget ind" in the warning before the idle timeout (issue 12 item 9; WCAG
    2.2.1): the session's 30 minutes start again. The page's script asks for JSON; a plain
    form post is sent back to the page it came from."""
    left = keep_alive()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(seconds_left=left)
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))


@blueprint.route("/log-ud", methods=["POST"])
@allow(PUBLIC)
def logout() -> Response:
    staff = current_actor().staff
    record_sign_out(db.session(), sid=session_id(), staff_id=staff.id if staff else None)
    sign_out()
    flash(_("You are signed out"), "success")
    return redirect(url_for("public.index"))


def _demo_people() -> dict:
    citizens = db.session.scalars(select(Citizen).order_by(Citizen.name).limit(60)).all()
    relatives = db.session.scalars(
        select(Relative).join(Consent).distinct().order_by(Relative.name)
    ).all()
    return {"citizens": citizens, "relatives": relatives}


# The routes of these modules are on this blueprint: imported last, they import it.
from selvvisitation.auth import oidc, second_factor_views  # noqa: E402, F401
