"""Formatting of dates, minutes and CPR numbers for people; registered as Jinja filters."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext

from selvvisitation.domain.cpr import mask_cpr


def minutes(value: int | None) -> str:
    if value is None:
        return "–"
    return ngettext("%(num)s minute", "%(num)s minutes", value)


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return (
        format_date(value, "EEEE d. MMMM y")
        if str(get_locale()) == "da"
        else format_date(value, "EEEE d MMMM y")
    )


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return (
        format_date(value, "d. MMM y")
        if str(get_locale()) == "da"
        else format_date(value, "d MMM y")
    )


def clock(value: datetime | None) -> str:
    return "–" if value is None else format_time(value, "HH:mm")


def date_time(value: datetime | None) -> str:
    return "–" if value is None else format_datetime(value, "d. MMM y HH:mm")


def service_name(service: object) -> str:
    """The service's name in the user's language."""
    if service is None:
        return ""
    locale = str(get_locale())
    return getattr(service, "name_en" if locale == "en" else "name_da", "")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        minutes=minutes,
        long_date=long_date,
        short_date=short_date,
        clock=clock,
        date_time=date_time,
        masked_cpr=mask_cpr,
        service_name=service_name,
    )

    @app.context_processor
    def _layout_context() -> dict:
        from selvvisitation.public.layout import layout_context

        return layout_context()
