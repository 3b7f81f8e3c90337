"""MitID sign-in for citizens and relatives through the municipality's broker (NemLog-in).

OpenID Connect with Authlib: discovery from OIDC_ISSUER, authorization code flow
with state and nonce, the ID token's signature checked against the provider's
keys. Who the verified identity is here, and the subject linked to her, is
services/mitid_sign_in.py's.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from selvvisitation.auth.views import blueprint
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.security.access import PUBLIC, allow, sign_in
from selvvisitation.security.kept_answer import return_page
from selvvisitation.services.mitid_sign_in import person_signing_in


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
    found = person_signing_in(db.session(), dict(token.get("userinfo") or {}))
    if found is None:
        return render_template("auth/unknown_person.html"), 403
    kind, person_id = found
    sign_in(kind, person_id)
    if kind == ActorKind.RELATIVE:
        return redirect(url_for("auth.choose_citizen"))
    return redirect(return_page(kind.value, person_id) or url_for("citizen.index"))
