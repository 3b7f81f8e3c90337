"""Formatting of dates, minutes and CPR numbers for people; registered as Jinja filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import Flask
from flask_babel import (
    format_datetime,
    format_time,
    get_locale,
    get_timezone,
    gettext,
    to_user_timezone,
)
from flask_babel import lazy_gettext as _l

from selvvisitation.domain.cpr import mask_cpr
from selvvisitation.domain.types import LapseReason, RelationKind
from selvvisitation.i18n import request_translations

# Why a booked swap lapsed when the decision changed: shown to the citizen and the staff.
LAPSE_REASONS = {
    LapseReason.SERVICE_NOT_GRANTED: _l(
        "the service to be swapped away is no longer planned at this visit"
    ),
    LapseReason.VISIT_CANCELLED: _l("the visit is no longer planned"),
    LapseReason.FRAME_TOO_SMALL: _l("what was chosen instead no longer fits the visit's time"),
    LapseReason.RULES_NOT_MET: _l("the new decision no longer allows this swap"),
    LapseReason.LEGAL_BASIS_CHANGED: _l(
        "your help now follows the Act on the Elderly, where you tell us what matters most "
        "to you at your visits instead of swapping"
    ),
}


# How a relative is related to the citizen, as lists and summaries show it.
RELATIONS = {
    RelationKind.CHILD: _l("child"),
    RelationKind.PARTNER: _l("spouse or partner"),
    RelationKind.SIBLING: _l("brother or sister"),
    RelationKind.GRANDCHILD: _l("grandchild"),
    RelationKind.FRIEND: _l("friend or neighbour"),
    RelationKind.OTHER: _l("other relation"),
}


def minutes(value: int | None) -> str:
    if value is None:
        return "–"
    # The request's catalogue, found once (i18n.request_translations): a day list or a
    # turn's summary shows some 50 durations (issue 17).
    text = request_translations().ungettext("%(num)s minute", "%(num)s minutes", value)
    return text % {"num": value}


def long_date(value: date | datetime | None) -> str:
    return _day(value, "EEEE d. MMMM y", "EEEE d MMMM y")


def short_date(value: date | datetime | None) -> str:
    return _day(value, "d. MMM y", "d MMM y")


def _day(value: date | datetime | None, danish: str, other: str) -> str:
    """A day in the user's language, as flask_babel.format_date gives it (a datetime in the
    user's time zone first), formatted once per day, pattern and language."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    locale = str(get_locale())
    return _formatted_day(value, danish if locale == "da" else other, locale)


@lru_cache(maxsize=4096)
def _formatted_day(day: date, pattern: str, locale: str) -> str:
    """Babel parses the pattern and walks the locale's data for every date; the pages a
    turn or a day list shows repeat the same few days (issue 17)."""
    return babel_format_date(day, pattern, locale=locale)


def clock(value: datetime | None) -> str:
    """The time of day, 24-hour, in the user's time zone: the same in every locale."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        # What format_time(value, "HH:mm") gives, without Babel's pattern machinery: the
        # day list shows some 100 (issue 17).
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(get_timezone()).strftime("%H:%M")
    return format_time(value, "HH:mm")


def date_time(value: datetime | None) -> str:
    return "–" if value is None else format_datetime(value, "d. MMM y HH:mm")


def service_name(service: object) -> str:
    """The service's name in the user's language."""
    if service is None:
        return ""
    locale = str(get_locale())
    return getattr(service, "name_en" if locale == "en" else "name_da", "")


def localized(item: object, stem: str) -> str:
    """An item's ``<stem>_da`` or ``<stem>_en`` in the user's language."""
    if item is None:
        return ""
    return getattr(item, f"{stem}_en" if str(get_locale()) == "en" else f"{stem}_da", "")


def description(item: object) -> str:
    """An item's description (a forløb, an element) in the user's language."""
    return localized(item, "description")


def relation(value: RelationKind | str | None, text: str | None = None) -> str:
    """How a relative is related, in the user's language; "other" in the citizen's words."""
    if not value:
        return ""
    if value not in {kind.value for kind in RelationKind}:
        return str(value)  # shown as it is: a page never fails on an unknown value
    kind = RelationKind(value)
    if kind is RelationKind.OTHER and text:
        return text
    return str(RELATIONS[kind])


def lapse_reason(value: LapseReason | str | None) -> str:
    """Why a swap lapsed, in the user's language."""
    if value is None:
        return ""
    return str(LAPSE_REASONS.get(LapseReason(value), ""))


def good_time(value: str | None) -> str:
    """A good time to call ("morning", "afternoon", "any_time"), in the user's language."""
    from selvvisitation.domain.dialogue_steps.reassessment import TIME_LABELS

    return gettext(TIME_LABELS[value]) if value in TIME_LABELS else (value or "")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        minutes=minutes,
        long_date=long_date,
        short_date=short_date,
        clock=clock,
        date_time=date_time,
        masked_cpr=mask_cpr,
        service_name=service_name,
        description=description,
        localized=localized,
        lapse_reason=lapse_reason,
        relation=relation,
        good_time=good_time,
    )

    @app.context_processor
    def _layout_context() -> dict:
        from selvvisitation.public.layout import layout_context

        return layout_context()
