"""Locale and time zone selection: Danish unless the user chose English."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from selvvisitation.domain.hidden_characters import HIDDEN_CATEGORIES, SEPARATOR_CATEGORIES


def select_locale() -> str:
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Where the request's translations are kept, next to Flask-Babel's own locale (g._flask_babel).
_FOUND = "selvvisitation_translations"


def request_translations() -> Any:
    """The request's translations, found once per request and locale.

    Flask-Babel finds them again for every string: the request's locale, its domain and
    its catalogue cache, about 7 µs a string; the day list has some 300 (issue 17). They
    are kept with the locale they were found for, so flask_babel.refresh() and
    force_locale(), which replace the locale object, find them anew.
    """
    babel = g.get("_flask_babel") if has_app_context() else None
    found = getattr(babel, _FOUND, None)
    if found is not None and found[0] is getattr(babel, "babel_locale", None):
        return found[1]
    translations = get_translations()
    locale = get_locale()
    babel = g.get("_flask_babel") if has_app_context() else None
    if babel is not None and locale is not None:
        setattr(babel, _FOUND, (locale, translations))
    return translations


# A catalogue's strings without variables, translated, marked and %-formatted once: kept
# on the catalogue object itself, which Flask-Babel keeps per locale for the process, so a
# new catalogue (another locale, a reload) starts its own (issue 17: a day list asks for
# the same few labels some 100 times per request).
_PLAIN = "_selvvisitation_plain"


# Jinja's new-style gettext (jinja2.ext, as Flask-Babel installs it), one call deep instead
# of two: the same escaping and the same %-formatting of the variables. It takes the
# evaluation context, not the whole context (which jinja2.ext's takes only to call a
# gettext of its own through it): Jinja gives a function that takes the context, when
# called inside a loop, a new context of its own holding the loop's variables, made for
# each call (issue 17: some 50 per day list).
@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    translations = request_translations()
    autoescape = eval_ctx.autoescape
    if not variables:
        plain = translations.__dict__.get(_PLAIN)
        if plain is None:
            plain = {}
            setattr(translations, _PLAIN, plain)
        found = plain.get((string, autoescape))
        if found is None:
            found = plain[(string, autoescape)] = _formatted(
                translations.ugettext(string), autoescape, {}
            )
        return found
    return _formatted(translations.ugettext(string), autoescape, variables)


def _formatted(text: str, autoescape: bool, variables: dict[str, Any]) -> str:
    if autoescape:
        # Our own catalogue's text, as jinja2.ext marks it; Markup's % escapes the variables.
        text = Markup(text)  # noqa: S704  # nosec B704
    return text % variables


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = request_translations().ungettext(singular, plural, num)
    return _formatted(text, eval_ctx.autoescape, variables)


def install_template_gettext(app: Flask) -> None:
    """Templates' _(), gettext() and ngettext() (and {% trans %}) use request_translations."""
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )


# Unicode categories a `next` may not hold: the hidden ones free text is cleaned of
# (controls, as browsers drop tabs and newlines, so "/\t/evil.example" becomes
# "//evil.example"; format characters such as bidirectional overrides), unassigned code
# points and every kind of space.
_REFUSED_CATEGORIES = HIDDEN_CATEGORIES | SEPARATOR_CATEGORIES | {"Cn", "Zs"}


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
