"""Locale and time zone selection: Danish unless the user chose English."""

from __future__ import annotations

from flask import current_app, request, session


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def current_locale_code() -> str:
    return select_locale() if request else "da"
