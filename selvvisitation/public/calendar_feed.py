"""The public address of a calendar feed: /kalender/<token>.ics (issue 14).

Public because calendar apps fetch it without signing in: the secret token is the key.
A revoked or unknown link answers 404, the same either way, so it gives nothing away.
"""

from __future__ import annotations

from flask import Response, abort

from selvvisitation.extensions import db
from selvvisitation.public.views import blueprint
from selvvisitation.security.access import PUBLIC, allow
from selvvisitation.services.calendar_feed import feed_calendar, live_feed


@blueprint.route("/kalender/<token>.ics")
@allow(PUBLIC)
def calendar_feed(token: str) -> Response:
    feed = live_feed(db.session(), token)
    if feed is None:
        abort(404)
    response = Response(feed_calendar(db.session(), feed), mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    return response
