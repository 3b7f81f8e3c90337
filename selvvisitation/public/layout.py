"""What every page's layout needs: municipality, phone, accessibility statement, actor."""

from __future__ import annotations

from flask import current_app, g, request, session
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from selvvisitation.extensions import db
from selvvisitation.public.navigation import items_for
from selvvisitation.security.access import (
    LARGE_TEXT,
    SESSION_WARNING_SECONDS,
    seconds_left,
    session_timeout,
)
from selvvisitation.security.kept_answer import kept_formdata, waiting_page


def current_municipality():
    """The signed-in person's municipality, else the deployment's default."""
    from selvvisitation.models import Municipality

    if "municipality" in g:
        return g.municipality
    actor = g.get("actor")
    municipality = None
    if actor is not None:
        if actor.staff is not None:
            municipality = actor.staff.municipality
        elif actor.subject is not None:
            municipality = actor.subject.municipality
    if municipality is None:
        code = current_app.config.get("DEFAULT_MUNICIPALITY_CODE")
        query = select(Municipality).order_by(Municipality.id)
        if code:
            query = select(Municipality).where(Municipality.code == code)
        try:
            municipality = db.session.scalars(query).first()
        except SQLAlchemyError:
            # The database is out of reach: the layout (an error page above all) still
            # renders, without the municipality's own phone and links (issue 15, Low 11).
            db.session.rollback()
    g.municipality = municipality
    return municipality


# The staff's areas keep DKFDS's 16 px text; every other page is the citizen's and the
# relative's, in 18 px (issue 12 item 8).
STAFF_BLUEPRINTS = frozenset({"staff", "visitation", "admin", "supervision"})


def citizen_side() -> bool:
    """Whether this page is one of the citizen's (not a staff area, nor a signed-in worker)."""
    actor = g.get("actor")
    if actor is not None and actor.staff is not None:
        return False
    return request.blueprint not in STAFF_BLUEPRINTS


def layout_context() -> dict:
    from flask_babel import get_locale

    municipality = current_municipality()
    statement = (
        municipality.accessibility_statement_url
        if municipality is not None and municipality.accessibility_statement_url
        else current_app.config["ACCESSIBILITY_STATEMENT_URL"]
    )
    return {
        "municipality": municipality,
        "visitation_phone": municipality.visitation_phone if municipality else "",
        "visitation_opening_hours": _opening_hours(municipality),
        "accessibility_statement_url": statement,
        "actor": g.get("actor"),
        "navigation": items_for(g.get("actor")),
        "locale": str(get_locale()),
        "demo_mode": current_app.config.get("DEMO_MODE", False),
        "citizen_side": citizen_side(),
        "large_text": bool(session.get(LARGE_TEXT)),
        **_session_context(),
    }


def _opening_hours(municipality) -> str:
    """When the visitation answers its phone, from the municipality's policy (issue 12 item 10)."""
    policy = municipality.policy if municipality is not None else None
    return policy.visitation_opening_hours if policy is not None else ""


def _session_context() -> dict:
    """The warning before the idle timeout, and the answer kept when it struck (issue 12
    item 9; WCAG 2.2.1)."""
    timeout = int(session_timeout())
    return {
        "session_seconds_left": seconds_left(),
        "session_warning_seconds": min(SESSION_WARNING_SECONDS, timeout // 2),
        "session_minutes": timeout // 60,
        "kept_answer_page": waiting_page(),
        "kept_answer_restored": kept_formdata() is not None,
    }
