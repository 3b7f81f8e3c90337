"""Make and revoke a personal calendar link from "Mine besøg" (issue 14).

The link is shown once, on the page that made it: only its hash is stored.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from selvvisitation.citizen.views import blueprint
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, id_from_form
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services.calendar_feed import create_feed, revoke_feed


class LinkForm(BaseForm):
    """Only the CSRF token: making or revoking a link asks nothing else."""


@blueprint.route("/besoeg/kalenderlink", methods=["POST"])
@allow(CITIZEN_SEE)
@lands_on("citizen.calendar")
def new_calendar_link() -> Response | tuple[str, int]:
    if not LinkForm().validate_on_submit():
        return redirect(url_for("citizen.calendar"))
    actor = current_actor()
    token = create_feed(db.session(), actor.subject, actor)
    url = url_for("public.calendar_feed", token=token, _external=True)
    return render_template("citizen/calendar_link.html", url=url), 201


@blueprint.route("/besoeg/kalenderlink/slet", methods=["POST"])
@allow(CITIZEN_SEE)
@lands_on("citizen.calendar")
def revoke_calendar_link() -> Response:
    from flask import request

    form = LinkForm()
    feed_id = id_from_form(request.form.get("feed_id"))
    actor = current_actor()
    if form.validate_on_submit() and feed_id is not None:
        if revoke_feed(db.session(), actor.subject, actor, feed_id):
            flash(_("The calendar link is deleted. It no longer works."))
    return redirect(url_for("citizen.calendar"))
