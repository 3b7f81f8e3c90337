from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from selvvisitation.extensions import db
from selvvisitation.i18n import safe_next_url
from selvvisitation.security.access import PUBLIC, allow

blueprint = Blueprint("public", __name__)


@blueprint.route("/")
@allow(PUBLIC)
def index() -> str:
    return render_template("public/index.html")


@blueprint.route("/sprog", methods=["POST"])
@allow(PUBLIC)
def set_language() -> Response:
    """Switch language with a form post (works without JavaScript); CSRF-protected."""
    lang = request.form.get("lang", "")
    if lang in ("da", "en"):
        session["lang"] = lang
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))


@blueprint.route("/sundhed")
@allow(PUBLIC)
def health() -> tuple[dict, int]:
    """Readiness for the load balancer: says nothing about anyone. 503 when the database
    does not answer, so the instance is taken out (issue 15, Low 11)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}, 200
