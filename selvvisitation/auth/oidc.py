"""MitID sign-in for citizens and relatives through the municipality's broker (NemLog-in).

OpenID Connect with Authlib: discovery from OIDC_ISSUER, authorization code flow
with state and nonce, the ID token's signature checked against the provider's
keys. The verified identity is mapped to a Citizen (by subject, else by CPR,
which then links the subject) or to a Relative the same way. The CPR number is
used only to find the person and is never logged or put in a URL.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from selvvisitation.auth.views import blueprint
from selvvisitation.domain.cpr import CprError, normalise_cpr
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Relative
from selvvisitation.security.access import PUBLIC, allow, sign_in
from selvvisitation.security.kept_answer import return_page

# NemLog-in's OIDC CPR claim; a broker may send a plain "cpr".
CPR_CLAIMS = ("dk:gov:saml:attribute:CprNumberIdentifier", "cpr")


def _client(app: Flask) -> Any:
    """The OIDC client for the configured issuer (registered on first use).

    Authlib (and requests with it) is imported here, on the first MitID sign-in, not when
    a worker starts: most requests never need it (issue 17, a worker's memory).
    """
    from authlib.integrations.flask_client import OAuth

    issuer = app.config.get("OIDC_ISSUER", "").rstrip("/")
    if not issuer:
        abort(404)
    oauth = app.extensions.setdefault("selvvisitation_oauth", OAuth(app))
    # Keyed by the whole configuration, not the issuer alone: a broker that comes
    # back on the same address with new client credentials must not meet the old ones.
    configuration = "\n".join(
        (issuer, app.config["OIDC_CLIENT_ID"], app.config["OIDC_CLIENT_SECRET"])
    )
    name = "mitid_" + hashlib.sha256(configuration.encode()).hexdigest()[:16]
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid", "timeout": 10},
        )
    return client


def _broker_errors() -> tuple[type[Exception], ...]:
    """What a failed exchange with the broker raises (imported with the client, on use)."""
    import requests
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    return (AuthlibBaseError, JoseError, requests.RequestException, ValueError)


def person_for(session: Session, claims: dict) -> tuple[ActorKind, Any] | None:
    """Who the verified identity is here: a citizen first, then a relative; or nobody."""
    subject = str(claims.get("sub") or "")
    if subject:
        citizen = session.scalars(select(Citizen).where(Citizen.oidc_subject == subject)).first()
        if citizen is not None:
            return ActorKind.CITIZEN, citizen
        relative = session.scalars(select(Relative).where(Relative.oidc_subject == subject)).first()
        if relative is not None:
            return ActorKind.RELATIVE, relative
    cpr = next((claims[c] for c in CPR_CLAIMS if claims.get(c)), None)
    if not cpr:
        return None
    try:
        cpr = normalise_cpr(str(cpr))
    except CprError:
        return None
    kind = ActorKind.CITIZEN
    person: Citizen | Relative | None = session.scalars(
        select(Citizen).where(Citizen.cpr == cpr)
    ).first()
    if person is None:
        kind = ActorKind.RELATIVE
        person = session.scalars(select(Relative).where(Relative.cpr == cpr)).first()
    if person is None:
        return None
    if subject and not person.oidc_subject:
        person.oidc_subject = subject  # next time the subject alone finds them
    return kind, person


@blueprint.route("/mitid")
@allow(PUBLIC)
def oidc_start() -> Response:
    client = _client(current_app)
    try:
        return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except _broker_errors() as error:
        current_app.logger.warning("MitID broker unreachable: %s", type(error).__name__)
        flash(_("The sign-in with MitID did not finish. Try again."), "error")
        return redirect(url_for("auth.citizen_login"))


@blueprint.route("/mitid/retur")
@allow(PUBLIC)
def oidc_callback() -> Response | tuple[str, int]:
    client = _client(current_app)
    failures: tuple[type[Exception], ...] = (*_broker_errors(), KeyError)
    try:
        token = client.authorize_access_token()
    except failures as error:
        # A forged state, a bad signature, a wrong nonce or audience: no sign-in.
        current_app.logger.warning("MitID sign-in failed: %s", type(error).__name__)
        flash(_("The sign-in with MitID did not finish. Try again."), "error")
        return redirect(url_for("auth.citizen_login"))
    claims = dict(token.get("userinfo") or {})
    found = person_for(db.session(), claims)
    if found is None:
        db.session.rollback()
        return render_template("auth/unknown_person.html"), 403
    kind, person = found
    db.session.commit()
    sign_in(kind, person.id)
    if kind == ActorKind.RELATIVE:
        return redirect(url_for("auth.choose_citizen"))
    return redirect(return_page(kind.value, person.id) or url_for("citizen.index"))
