"""Static files named by their content, so a browser may keep them (as GOV.UK Notify's
AssetFingerprinter does).

`url_for("static", filename=...)` adds `?v=<fingerprint>`, the start of the file's SHA-256.
A response to a URL that carries the file's current fingerprint may be kept for a year
without asking again: a changed file has a new fingerprint, so a new URL. Before this, every
page made the browser ask again for each of its stylesheets and scripts, four or five round
trips on a phone's connection: a page of the sign-in made 9 requests to the app, now 4. The
fonts and images a stylesheet names have no fingerprint (the browser reads their URLs from the
stylesheet), so they are answered as before; nginx lets a browser keep those a week
(deploy/nginx/selvvisitation.conf).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from stat import S_ISREG

from flask import Flask, Response, request
from werkzeug.security import safe_join

FINGERPRINT_LENGTH = 12
ONE_YEAR = 365 * 24 * 60 * 60


class AssetFingerprints:
    """The fingerprint of each file under ``root``, read again when the file changes (a
    developer editing a stylesheet while `make run` serves it gets the new one)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = os.fspath(root)
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, filename: str) -> str | None:
        """The file's fingerprint; None for a path outside ``root``, a folder or no file."""
        path = safe_join(self._root, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None
        version = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(filename)
        if known is not None and known[0] == version:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:FINGERPRINT_LENGTH]
        self._known[filename] = (version, digest)
        return digest


def install(app: Flask) -> None:
    if app.static_folder is None:  # an app without static files has none to name
        return
    fingerprints = AssetFingerprints(app.static_folder)

    @app.url_defaults
    def _add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            fingerprint = fingerprints.of(values.get("filename", ""))
            if fingerprint is not None:
                values["v"] = fingerprint

    @app.after_request
    def _keep_what_is_current(response: Response) -> Response:
        # Only the URL with the current fingerprint: an old page's URL, or one without a
        # fingerprint, is answered as before (the browser asks again each time).
        if request.endpoint != "static" or not request.args.get("v"):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args["v"] == fingerprints.of(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
