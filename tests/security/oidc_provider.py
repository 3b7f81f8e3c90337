"""A small OpenID Connect provider on a free localhost port, for the MitID sign-in tests.

Real HTTP, real RS256-signed ID tokens (a fresh RSA key per run), discovery and
JWKS, the authorization code flow with state and nonce: only the user's consent
screen is skipped; the next identity to hand out is set by the test. No network
beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class TestProvider:
    __test__ = False  # not a test class

    def __init__(self, client_id: str = "selvvisitation", client_secret: str | None = None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        self.claims: dict[str, Any] = {}
        self.codes: dict[str, dict] = {}
        self.tamper = False  # sign with another key: the client must refuse the token
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> TestProvider:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _json(self, data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def _app(self, environ, start_response):
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/jwks": self._jwks,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _discovery(self, _request: Request) -> Response:
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    def _jwks(self, _request: Request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return self._json({"error": "invalid_request"}, 400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": args.get("nonce"),
            "redirect_uri": args["redirect_uri"],
            "claims": dict(self.claims),
        }
        target = args["redirect_uri"] + "?" + urlencode({"code": code, "state": args["state"]})
        return Response(status=302, headers={"Location": target})

    def _token(self, request: Request) -> Response:
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (self.client_id, self.client_secret):
            return self._json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(request.form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["claims"],
        }
        key = self.key
        if self.tamper:
            key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, payload, key)
        return self._json(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )
