"""The main menu: one list for all areas; each person sees the items their role may open.

Visibility comes from the endpoint's own access rule, so the menu never offers
a page that would answer 403. Add a line here when an area gets a new page.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from selvvisitation.security.access import Actor, rules_for_endpoint, satisfies

NAVIGATION: list[tuple[str, object]] = [
    ("citizen.index", _l("My help")),
    ("citizen.conversation", _l("Ask about your help")),
    ("citizen.messages", _l("Messages")),
    ("citizen.cases", _l("Your cases")),
    ("citizen.access_log_page", _l("Who has looked")),
    ("citizen.my_data", _l("My data")),
    ("citizen.notifications", _l("Notifications")),
    ("staff.visits", _l("Visits")),
    ("staff.declined", _l("Declined swaps")),
    ("staff.message_inbox", _l("Messages")),
    ("visitation.queue", _l("Cases")),
    ("staff.outbox_page", _l("Outbox")),
    ("admin.index", _l("Administration")),
    ("supervision.index", _l("Supervision")),
]


def items_for(actor: Actor | None) -> list[dict]:
    if actor is None or actor.is_anonymous:
        return []
    items = []
    for endpoint, label in NAVIGATION:
        rules = rules_for_endpoint(current_app, endpoint)
        if rules is None or not satisfies(actor, rules):
            continue
        items.append(
            {
                "endpoint": endpoint,
                "label": _with_unread(endpoint, label, actor),
                "current": request.endpoint == endpoint,
            }
        )
    return items


def _with_unread(endpoint: str, label: object, actor: Actor) -> object:
    """The staff inbox's item says how many messages are unread (issue 14), in words."""
    if endpoint != "staff.message_inbox" or actor.staff is None:
        return label
    from selvvisitation.extensions import db
    from selvvisitation.services.message_threads import menu_unread_count

    count = menu_unread_count(db.session(), actor.staff)
    if not count:
        return label
    return ngettext("%(label)s (%(num)d unread)", "%(label)s (%(num)d unread)", count, label=label)
