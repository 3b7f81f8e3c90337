"""Security headers in one after-request function (as GOV.UK Notify does)."""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style anywhere: the strict policy holds on every page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def install(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages, JSON answers, PDFs and calendar feeds hold personal data: never kept in
            # a cache, shared or the browser's own (issue 15, Low 13; ASVS V8.2.1). Only our
            # own static files (stylesheets, scripts, fonts) may be cached.
            response.headers["Cache-Control"] = "no-store"
        return response
