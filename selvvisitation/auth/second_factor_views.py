"""Staff's second step at sign-in: the code from the authenticator app, or enrolment.

After a right password the session holds only a pending sign-in (who, the nonce the
password step issued, when); nobody is signed in until the second factor is given.
A pending sign-in lasts PENDING_SECONDS and dies when the user signs in elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from selvvisitation.auth import second_factor
from selvvisitation.auth.forms import SecondFactorForm
from selvvisitation.auth.views import STAFF_HOME, blueprint
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.i18n import safe_next_url
from selvvisitation.models import StaffUser
from selvvisitation.security.access import PUBLIC, allow, current_actor, sign_in, sign_out
from selvvisitation.services.second_factor_steps import (
    CodeChecked,
    check_second_factor,
    enrol_second_factor,
)

PENDING = "pending_staff"
PENDING_SECONDS = 300


def begin_second_step(staff: StaffUser, next_url: str | None) -> Response:
    """Called by the password step: remember who is half-way, and ask for the code."""
    sign_out()
    session[PENDING] = {
        "id": staff.id,
        "nonce": staff.session_nonce,
        "at": datetime.now(UTC).timestamp(),
        "next": safe_next_url(next_url) or "",
    }
    target = "auth.second_factor_page" if staff.has_second_factor else "auth.enrol"
    return redirect(url_for(target))


def _pending() -> StaffUser | None:
    """The staff member half-way through signing in, or None (expired, replaced, gone)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, int | float):
        return None
    if datetime.now(UTC).timestamp() - float(started) > PENDING_SECONDS:
        return None
    staff = db.session.get(StaffUser, pending.get("id"))
    if staff is None or not staff.active or staff.session_nonce != pending.get("nonce"):
        return None
    return staff


def _start_again() -> Response:
    session.pop(PENDING, None)
    flash(_("Sign in again with your username and password."), "error")
    return redirect(url_for("auth.staff_login"))


def _finish(staff: StaffUser) -> str:
    """Signed in for real; return where to go."""
    target = session.get(PENDING, {}).get("next") or url_for(STAFF_HOME[staff.role])
    sign_in(ActorKind.STAFF, staff.id, nonce=staff.session_nonce)
    return target


def _wrong_code(form: SecondFactorForm, checked: CodeChecked) -> Response | None:
    """Back to the password after too many wrong codes; else the error beside the field."""
    if checked.paused:
        return _start_again()
    form.code.errors.append(
        _(
            "The code is not right. Write the 6 digits your app shows now, or one of your "
            "recovery codes. After 5 wrong tries, sign-in is paused for 15 minutes."
        )
    )
    return None


def _warn_of_few_codes(left: int) -> None:
    if left < 3:
        flash(
            ngettext(
                "You have %(num)d recovery code left. An administrator can reset your "
                "second factor, and you get new codes when you enrol again.",
                "You have %(num)d recovery codes left. An administrator can reset your "
                "second factor, and you get new codes when you enrol again.",
                left,
            ),
            "warning",
        )


@blueprint.route("/personale/kode", methods=["GET", "POST"])
@allow(PUBLIC)
def second_factor_page() -> Any:
    staff = _pending()
    if staff is None or not staff.has_second_factor:
        return _start_again()
    form = SecondFactorForm()
    if form.validate_on_submit():
        checked = check_second_factor(db.session(), staff, form.code.data)
        if checked.ok:
            target = _finish(staff)
            _warn_of_few_codes(checked.recovery_codes_left)
            return redirect(target)
        refused = _wrong_code(form, checked)
        if refused is not None:
            return refused
    status = 400 if form.errors else 200
    return render_template("auth/second_factor.html", form=form), status


def _enrol_page(form: SecondFactorForm, staff: Any, secret: str) -> tuple[str, int]:
    uri = second_factor.provisioning_uri(staff, secret)
    qr = second_factor.qr_svg(uri, _("QR code for your authenticator app"))
    status = 400 if form.errors else 200
    return render_template(
        "auth/enrol.html", form=form, qr=qr, secret=_grouped(secret), staff=staff
    ), status


@blueprint.route("/personale/ny-kode", methods=["GET", "POST"])
@allow(PUBLIC)
def enrol() -> Any:
    """Enrol the authenticator: scan the QR code (or type the key), then give a first code.

    Reached half-way through signing in, or signed in by a user who chooses to enrol.
    """
    signed_in = current_actor().staff
    staff = signed_in or _pending()
    if staff is None or staff.has_second_factor:
        return _start_again()
    form = SecondFactorForm()
    step = enrol_second_factor(
        db.session(), staff, form.code.data if form.validate_on_submit() else None
    )
    if step.recovery_codes is not None:
        target = url_for(STAFF_HOME[staff.role]) if signed_in else _finish(staff)
        # Shown once, in this answer; never stored readable.
        return render_template("auth/recovery_codes.html", codes=step.recovery_codes, target=target)
    if step.checked is not None:
        refused = _wrong_code(form, step.checked)
        if refused is not None:
            return refused
    return _enrol_page(form, staff, step.secret)


def _grouped(secret: str) -> str:
    """The key in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
