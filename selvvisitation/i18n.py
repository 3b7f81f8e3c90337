"""Locale and time zone selection: Danish unless the user chose English."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import current_app, request, session


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Unicode categories a `next` may not hold: controls (browsers drop tabs and newlines,
# so "/\t/evil.example" becomes "//evil.example"), format characters (zero-width,
# bidirectional overrides) and every kind of space.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect (issue 15, Medium 3; ASVS V5.1.5).

    Refused: anything but a single leading slash, backslashes (browsers read them as
    slashes), control, format and space characters, and whatever a URL parser reads as
    having a scheme or a host.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target


def current_locale_code() -> str:
    return select_locale() if request else "da"
