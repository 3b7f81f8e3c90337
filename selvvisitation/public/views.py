from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from selvvisitation.auth.views import STAFF_HOME
from selvvisitation.extensions import db
from selvvisitation.i18n import safe_next_url
from selvvisitation.security.access import LARGE_TEXT, PUBLIC, allow, current_actor
from selvvisitation.services.readiness import database_answers

blueprint = Blueprint("public", __name__)


@blueprint.route("/")
@allow(PUBLIC)
def index() -> str | Response:
    """The welcome page; someone signed in goes straight to her own start page (issue 12)."""
    actor = current_actor()
    if actor.staff is not None:
        return redirect(url_for(STAFF_HOME[actor.staff.role]))
    if not actor.is_anonymous:
        return redirect(url_for("citizen.index"))
    return render_template("public/index.html")


@blueprint.route("/sprog", methods=["POST"])
@allow(PUBLIC)
def set_language() -> Response:
    """Switch language with a form post (works without JavaScript); CSRF-protected."""
    lang = request.form.get("lang", "")
    if lang in ("da", "en"):
        session["lang"] = lang
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))


@blueprint.route("/hjaelp")
@allow(PUBLIC)
def help_page() -> str:
    """What flexible home help is, what happens after a swap, and who to call, with the
    visitation's opening hours beside its number (issue 12 item 10)."""
    return render_template("public/help.html")


@blueprint.route("/tilgaengelighed")
@allow(PUBLIC)
def accessibility() -> str:
    """The municipality's accessibility statement as a page of ours (issue 12 item 10). The
    statement the law (webtilgængelighedsloven) asks for is published through WAS-Tool;
    this page links to it."""
    return render_template("public/accessibility.html")


@blueprint.route("/stoerre-tekst", methods=["POST"])
@allow(PUBLIC)
def set_text_size() -> Response:
    """The "Større tekst" switch: a form post (works without JavaScript), kept in the
    session, signed in or not (issue 12 item 8; WCAG 1.4.4)."""
    if request.form.get("large") == "on":
        session[LARGE_TEXT] = True
    else:
        session.pop(LARGE_TEXT, None)
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))


@blueprint.route("/sundhed")
@allow(PUBLIC)
def health() -> tuple[dict, int]:
    """Readiness for the load balancer: says nothing about anyone. 503 when the database
    does not answer, so the instance is taken out (issue 15, Low 11)."""
    if not database_answers(db.session()):
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}, 200


@blueprint.route("/favicon.ico")
@allow(PUBLIC)
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: without it every visit logs a 404."""
    return send_from_directory(
        str(current_app.static_folder),
        "app/favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=7 * 24 * 3600,
    )


# The calendar feed's public address (one module per journey).
from selvvisitation.public import calendar_feed  # noqa: E402, F401
