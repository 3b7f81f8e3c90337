"""Why a change to a visit was refused, in words, and the one way the views try a change
(issue 14; the rules are in domain/visit_changes.py, seed 002, and services/visit_change_actions.py
raises VisitChangeRefused with one of these codes).

The citizen's side reads plain words with a phone number to call; the team reads the rule
(002, "Krav til leverance"). A refusal about a value typed in the form is put on that field,
so it shows there and in the error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from selvvisitation.formatters import clock, long_date, short_date
from selvvisitation.models import Visit
from selvvisitation.services.visit_change_actions import VisitChangeRefused, replacement_window

# The team's words, by code: each names the rule of 002 that refuses.
STAFF_REFUSALS = {
    # 002, Personlige opgaver: "Der må ikke forekomme aflysninger fra leverandørens side".
    "personal_care": _l(
        "Personal care cannot be cancelled by the home care. The quality standard for personal "
        "tasks says: no cancellations from the provider's side. Move the visit instead, and "
        "agree the new time with the citizen."
    ),
    # 002, Praktiske opgaver: "et erstatningsbesøg indenfor 1 uge".
    "replacement_day": _l(
        "Practical help cancelled by the home care must be replaced within 1 week. Choose a "
        "date from %(first)s to %(last)s."
    ),
    "unavailable": _l("The visit can no longer be changed: it has passed, or it is cancelled."),
    "answered": _l("The request has already been answered."),
    "not_later": _l("Choose a time that has not passed."),
}

# Refusals about a value typed in the form, and the field they are shown at.
REFUSED_FIELD = {"replacement_day": "day", "not_later": "clock"}


def _phone(visit: Visit) -> str:
    provider = visit.team.provider if visit.team is not None else None
    return (provider.phone if provider and provider.phone else None) or (
        visit.citizen.municipality.visitation_phone
    )


# The citizen's words, by case: what she can do, then why (issue 12 item 4).
CITIZEN_REFUSALS = {
    # 002, Madservice: cancelled before 12:00 the day before.
    "meals_deadline": _l(
        "It is too late to cancel this visit here. Meals must be cancelled before 12:00 "
        "the day before. Call %(phone)s if you need help."
    ),
    "deadline": _l(
        "It is too late to cancel this visit here. It had to be cancelled before %(time)s "
        "on %(date)s. Call %(phone)s if you need help."
    ),
    "unavailable": _l("This visit can no longer be changed. Call %(phone)s if you need help."),
}


def citizen_refusal(error: VisitChangeRefused, visit: Visit) -> str:
    """The citizen's side: why she cannot cancel or move the visit here, and whom to call."""
    values = {"phone": _phone(visit)}
    code = "unavailable"
    if error.code == "deadline" and error.deadline is not None:
        code = "meals_deadline" if error.deadline.meals_rule else "deadline"
        values |= {"time": clock(error.deadline.at), "date": long_date(error.deadline.at)}
    return str(CITIZEN_REFUSALS[code]) % values


def staff_refusal(error: VisitChangeRefused, visit: Visit) -> str:
    """The team's side: the rule that refuses, with the replacement window where it counts."""
    first, last = replacement_window(visit.day)
    text = STAFF_REFUSALS.get(error.code, STAFF_REFUSALS["unavailable"])
    return str(text) % {"first": short_date(first), "last": short_date(last)}


@dataclass
class Attempt[T]:
    """What trying a change gave: the stored row, or the refusal and the visit read again."""

    result: T | None
    visit: Visit
    refused: bool = False
    message: str | None = None  # None when the refusal was put on the form's field


def try_change[T](
    change: Callable[[], T],
    visit: Visit,
    visit_again: Callable[[], Visit],
    words: Callable[[VisitChangeRefused, Visit], str],
    form: Any = None,
) -> Attempt[T]:
    """Call the service; on a refusal (it rolled back) read the visit again and put the
    refusal in words: on the form's field when it is about a typed value, else above it."""
    try:
        return Attempt(change(), visit)
    except VisitChangeRefused as error:
        visit = visit_again()
        message: str | None = words(error, visit)
        field = REFUSED_FIELD.get(error.code)
        if form is not None and field is not None and field in form:
            form[field].errors = [*form[field].errors, message]
            form._errors = None  # the summary is computed again with the message just added
            message = None
        return Attempt(None, visit, refused=True, message=message)
