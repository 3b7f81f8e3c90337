"""Turn the dialogue's stored message ids and parameters into words in the reader's language.

Parameters are stored as plain values (service codes, ISO dates, minutes); they are
made readable here, when shown, so one stored conversation reads in Danish or English.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from selvvisitation import formatters
from selvvisitation.i18n import request_translations


def genitive(name: str) -> str:
    """A name in the genitive: "Inger Jensens", "Hans'"; in English "Inger Jensen's"."""
    name = name.strip()
    if str(get_locale()).startswith("en"):
        return name + ("'" if name.endswith("s") else "'s")
    return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")


# Rule violations from domain.swaps, in plain words (the codes are stable).
# The two categories rule 3 keeps apart, as words inside a sentence.
CATEGORY_WORDS: Mapping[str, Any] = {
    "personal_care": _l("personal care"),
    "practical_help": _l("practical help"),
}

# The same categories as headings over the whole list of replacements (issue 12, 3).
CATEGORY_HEADINGS: Mapping[str, Any] = {
    "personal_care": _l("Personal care"),
    "practical_help": _l("Practical help"),
    "meals": _l("Meals"),
    "other": _l("Other help"),
}

VIOLATIONS: Mapping[str, Any] = {
    "nothing_to_drop": _l(
        "You have not chosen anything to drop. To get something else, "
        "you drop some of the help you have been granted."
    ),
    "nothing_chosen": _l("You have not chosen what you would like instead."),
    "drop_not_granted": _l(
        "%(service)s is not part of the help you have been granted, so you cannot drop it."
    ),
    "drop_not_swappable": _l(
        "%(service)s cannot be swapped. The municipality's rules do not allow it."
    ),
    "drop_not_active_on_date": _l("You are not granted %(service)s on that day."),
    "drop_minutes_exceed_granted": _l("You can drop at most %(granted_minutes)s of %(service)s."),
    "drop_exceeds_time_frame": _l(
        "You cannot drop more than the time set aside for your help (%(window_minutes)s)."
    ),
    "add_unknown_service": _l("We cannot find that help on the municipality's list."),
    "add_not_swappable_to": _l("%(service)s cannot be chosen in a swap."),
    "outside_service_level_not_allowed": _l(
        "The municipality only lets you swap to help on its own list."
    ),
    # What she can do first, then why (issue 12 item 4); the category named (issue 13).
    "category_crossing_requires_both": _l(
        "Choose something that is %(from_category)s. %(service)s is %(add_category)s, "
        "and you are only granted %(from_category)s."
    ),
    "over_time_frame": _l(
        "What you chose takes %(used_minutes)s, but you have freed only "
        "%(available_minutes)s. That is %(overrun_minutes)s too much."
    ),
    "visit_already_booked": _l(
        "Only %(free_minutes)s are free at your visit on %(date)s. Other swaps already use "
        "%(booked_minutes)s of its %(frame_minutes)s, and what you chose takes %(used_minutes)s."
    ),
    "invalid_minutes": _l("The minutes must be between %(min)s and %(max)s."),
    "bad_period": _l("Choose a day that has not passed."),
}

ALTERNATIVES: Mapping[str, Any] = {
    "choose_at_most_minutes": _l("Choose something that takes at most %(max_minutes)s."),
    "services_that_fit": _l("These fit within %(available_minutes)s: %(services)s."),
    "also_drop": _l("Or drop one more service: %(services)s."),
    "drop_at_most_minutes": _l("Drop at most %(max_minutes)s of %(service)s."),
    "swappable_granted_services": _l("You can swap: %(services)s."),
    "choose_a_date_in": _l("Choose a day when you are granted %(service)s."),
    "choose_another_visit": _l("Or choose another visit, where there is more time free."),
    "ask_for_reassessment": _l(
        "Do you need more help than you are granted? Then you can ask for a reassessment."
    ),
}

FREQUENCIES: Mapping[str, Any] = {
    "daily": _l("every day"),
    "weekly": _l("every week"),
    "every_2_weeks": _l("every 2 weeks"),
    "every_3_weeks": _l("every 3 weeks"),
    "every_5_6_weeks": _l("every 5 to 6 weeks"),
}

CASE_STATUS: Mapping[str, Any] = {
    "open": _l("Received, not yet handled"),
    "in_progress": _l("Being handled"),
    "closed": _l("Handled"),
}

RELATIVE_ACTIONS: Mapping[str, Any] = {
    "swap_requested": _l("sent a swap"),
    "wish_saved": _l("saved a wish"),
    "reassessment_requested": _l("asked for a reassessment"),
    "priority_requested": _l("said what matters most at your next visits"),
    "swap_withdrawn": _l("cancelled a swap"),
    "wish_withdrawn": _l("cancelled a wish"),
    "call_back_requested": _l("asked the visitation to call"),
}

# What a priority asks for (domain.priority_rules), as the summary and receipt show it.
PRIORITY_KINDS: Mapping[str, Any] = {
    "first": _l("First: %(element)s"),
    "more": _l("More of: %(element)s"),
    "less": _l("Less of: %(element)s"),
    "skip": _l("Skip this time: %(element)s"),
}


# What a consent lets a relative do (ConsentScope values), as the summary shows it.
SCOPES: Mapping[str, Any] = {
    "see": _l("See your help"),
    "act": _l("See your help and act for you"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def joined(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + gettext("and") + " " + items[-1]


def when(value: str) -> str:
    """An ISO date as a long date; an ISO datetime as a clock time."""
    if "T" in value:
        return formatters.clock(datetime.fromisoformat(value))
    return formatters.long_date(date.fromisoformat(value))


def weekdays(days: list[int]) -> str:
    names = get_day_names("wide", locale=str(get_locale()))
    return joined([names[d] for d in days])


class Texts:
    """Readable words for one request: service names from the citizen's catalogue."""

    def __init__(self, services: Mapping[str, Any]) -> None:
        self.services = services

    def service(self, code: str | None) -> str:
        service = self.services.get(code or "")
        return formatters.service_name(service) if service is not None else (code or "")

    def services_list(self, value: Any) -> str:
        names = []
        for item in value or ():
            if isinstance(item, Mapping):
                code = item.get("service_code") or item.get("code")
                name = self.service(code) if code else str(item.get("text", ""))
                if item.get("minutes"):
                    name += f" ({formatters.minutes(item['minutes'])})"
                names.append(name)
            else:
                names.append(self.service(item))
        return joined(names)

    def value(self, key: str, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Mapping) and set(value) == {"da", "en"}:
            return self.name(value)
        if key in ("service", "service_code"):
            return self.service(value)
        if key in ("services", "add", "drop", "closest"):
            return self.services_list(value)
        if key.endswith("minutes") or key in ("freed", "used", "frame", "remaining", "room"):
            return formatters.minutes(int(value)) if isinstance(value, int) else value
        if key == "owner":  # a name in the genitive: "Inger Jensens"
            return genitive(str(value))
        if key in ("add_category", "from_category"):
            return str(CATEGORY_WORDS.get(value, value))
        if key in ("date", "start", "end", "deadline", "created") and isinstance(value, str):
            return when(value)
        return value

    def __call__(self, msgid: Any, params: Mapping[str, Any] | None = None) -> str:
        """Translate a message id and fill in its readable parameters."""
        # The request's catalogue, found once (i18n.request_translations): Flask-Babel's
        # gettext finds it again for each of a turn's some 60 strings (issue 17).
        text = (
            request_translations().ugettext(str(msgid))
            if not hasattr(msgid, "_args")
            else str(msgid)
        )
        if not params:
            return text
        readable = _Blank({key: self.value(key, value) for key, value in params.items()})
        if "service_code" in params and "service" not in params:
            readable["service"] = self.service(params["service_code"])
        return text % readable

    @staticmethod
    def name(value: Mapping[str, str] | None) -> str:
        """A name stored in both languages (a forløb's element, an example), in the reader's."""
        if not value:
            return ""
        return value["en"] if str(get_locale()).startswith("en") else value["da"]

    def priority(self, summary: Mapping[str, Any]) -> str:
        """What matters most, in words: an element and what to do with it, an example, or hers."""
        kind = summary.get("kind") or ""
        if kind in PRIORITY_KINDS:
            return str(PRIORITY_KINDS[kind]) % {"element": self.name(summary.get("element"))}
        if kind == "example":
            return self.name(summary.get("example")) or str(summary.get("text", ""))
        return str(summary.get("text", ""))

    def violation(self, item: Mapping[str, Any]) -> str:
        template = VIOLATIONS.get(item["code"])
        if template is None:
            return gettext("This is not allowed by the rules.")
        return self(template, item.get("data") or {})

    def alternative(self, item: Mapping[str, Any]) -> str:
        template = ALTERNATIVES.get(item["code"])
        return self(template, item.get("data") or {}) if template is not None else ""

    def frequency(self, granted: Mapping[str, Any]) -> str:
        words = str(FREQUENCIES.get(granted.get("frequency", ""), ""))
        if granted.get("frequency") != "daily" and granted.get("weekdays"):
            return gettext("%(often)s on %(days)s", often=words, days=weekdays(granted["weekdays"]))
        return words

    def when(self, value: str) -> str:
        return when(value)

    def weekday(self, day: int) -> str:
        return weekdays([int(day)])

    def case_status(self, status: str) -> str:
        return str(CASE_STATUS.get(status, status))

    def relative_action(self, action: str) -> str:
        return str(RELATIVE_ACTIONS.get(action, action))

    def reason(self, reason: str | None) -> str:
        from selvvisitation.domain.dialogue_steps.reassessment import REASON_LABELS

        return gettext(REASON_LABELS[reason]) if reason in REASON_LABELS else ""

    def relation(self, value: str | None, text: str | None = None) -> str:
        """A relation in the reader's language; "other" in the user's own words."""
        return formatters.relation(value, text)

    def scope(self, value: str | None) -> str:
        return str(SCOPES.get(value or "", ""))

    def good_time(self, value: str | None) -> str:
        return formatters.good_time(value)
