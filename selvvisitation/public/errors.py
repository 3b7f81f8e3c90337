"""Error pages in the same look, in plain language; a CSRF failure is no stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from selvvisitation.extensions import db

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",  # over MAX_CONTENT_LENGTH (issue 15, Medium 7)
}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if code in PAGES:
            return render_template(PAGES[code]), code
        if code == 405:
            return render_template("errors/400.html"), 405
        return error

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        try:
            db.session.rollback()  # nothing half-written survives an error
        except SQLAlchemyError:
            pass  # the database is gone: there is nothing to roll back, the page still shows
        return render_template("errors/500.html"), 500
