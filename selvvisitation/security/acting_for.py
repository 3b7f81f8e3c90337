"""Which citizen a form was for: a form from another citizen's page is refused.

A relative with consent for two citizens may have a tab open for each. The citizen
acted for is the session's (the one chosen last), so a form posted from the other tab
would act on the wrong citizen (issue 15, Medium 5; ASVS 4.0.3 V4.2.1). Every form on
the citizen side carries the id of the citizen its page was for, in the hidden field
``citizen`` (``{{ citizen_field() }}`` in a template). One check, before every view,
refuses a POST whose id is not the current citizen's: nothing is written, and the person
lands on a page of the current citizen with a message that names the citizen the page
was for (only a citizen this relative may see; never a stranger's name for a typed id).

A POST without the field is refused too: only a page from before the field existed
lacks it, which is rare after a deploy, and refusing is the safe side.

Checked: every POST to a route open to the citizen side (its rules name CITIZEN_SEE,
CITIZEN_ACT or CITIZEN_SELF) by a citizen or a relative, except the routes in EXEMPT.
A new route is checked by default, so a new form cannot forget it
(tests/security/test_acting_for.py walks them all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from selvvisitation.domain.types import ActorKind, ConsentScope
from selvvisitation.extensions import db
from selvvisitation.forms import id_from_form
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    CITIZEN_SELF,
    Actor,
    current_actor,
    rules_for_endpoint,
)

FIELD = "citizen"
CITIZEN_SIDE = frozenset({CITIZEN_SEE, CITIZEN_ACT, CITIZEN_SELF})

# POST routes a citizen or a relative may use that act for no citizen, and why. Only
# "auth.stay_signed_in" is open to the citizen side's rules and would otherwise be
# checked; the others are listed so that the walk test knows every POST a citizen or a
# relative can make is either checked or named here.
EXEMPT: dict[str, str] = {
    "auth.stay_signed_in": "keeps the session alive, from any page: writes nothing for a citizen",
    "auth.choose_citizen": "chooses whom a relative acts for: its purpose is to change it",
    "auth.logout": "ends the session, whoever it acts for",
    "auth.demo_sign_in": "signs in on the demo: no citizen is chosen yet",
    "public.set_language": "the person's own language, not the citizen's",
    "public.set_text_size": "the person's own text size, not the citizen's",
}

# The page of the current citizen a refused form lands on, when it is not the start page.
_LANDS_ON = "lands_on"
_CONVERSATION = "in_conversation"
_KEEPS = "lands_keeping"


def lands_on[F: Callable[..., Any]](
    endpoint: str,
    *,
    conversation: bool = False,
    keeps: Callable[[], Mapping[str, Any]] | None = None,
) -> Callable[[F], F]:
    """Name the page (of the current citizen) a form from another citizen's page lands
    on; ``conversation`` when that page is the conversation, so the message says so;
    ``keeps`` gives the values of that page's URL the refused form carries back (the
    conversation's ?vis=), read from the posted form."""

    def decorate(view: F) -> F:
        setattr(view, _LANDS_ON, endpoint)
        setattr(view, _CONVERSATION, conversation)
        setattr(view, _KEEPS, keeps)
        return view

    return decorate


def citizen_field() -> Markup:
    """The hidden field with the id of the citizen this page is for."""
    subject = current_actor().subject
    value = subject.id if subject is not None else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, value)


def is_checked(app: Flask, endpoint: str | None) -> bool:
    """Does a POST to this route have to carry the citizen's id?"""
    if endpoint is None or endpoint in EXEMPT:
        return False
    return bool((rules_for_endpoint(app, endpoint) or frozenset()) & CITIZEN_SIDE)


def page_was_for_another(actor: Actor, in_conversation: bool = False) -> str | None:
    """The message when the form was for another citizen than the one acted for now, or
    carries no citizen at all; None when it is for the current citizen."""
    posted = request.form.get(FIELD)
    current = actor.subject.name
    if posted == str(actor.subject.id):
        return None
    if posted is None:
        return _(
            "This page was out of date, so nothing was saved. You act for %(current)s. "
            "Please try again.",
            current=current,
        )
    from selvvisitation.models import Citizen, relative_may

    page_id = id_from_form(posted)
    was_for = db.session.get(Citizen, page_id) if page_id is not None else None
    # The name only of a citizen this relative may see: never a stranger's for a typed id.
    known = (
        was_for
        if was_for is not None and relative_may(actor.relative, was_for, ConsentScope.SEE)
        else None
    )
    if known is None:
        if in_conversation:
            return _(
                "This page was for someone else, so nothing was saved. Here is the "
                "conversation of %(current)s.",
                current=current,
            )
        return _(
            "This page was for someone else, so nothing was saved. You now act for %(current)s.",
            current=current,
        )
    if in_conversation:
        return _(
            "This page was for %(name)s, but you now act for %(current)s, so nothing was "
            "saved. Here is the conversation of %(current)s. Choose %(name)s again to answer "
            "for them.",
            name=known.name,
            current=current,
        )
    return _(
        "This page was for %(name)s, but you now act for %(current)s, so nothing was saved. "
        "Choose %(name)s again to do this for them.",
        name=known.name,
        current=current,
    )


def install(app: Flask) -> None:
    """The one check; registered after access control, which finds the actor."""
    app.jinja_env.globals["citizen_field"] = citizen_field

    @app.before_request
    def _refuse_another_citizens_form() -> Any:
        if request.method != "POST" or not is_checked(app, request.endpoint):
            return None
        actor = current_actor()
        if actor.kind not in (ActorKind.CITIZEN, ActorKind.RELATIVE) or actor.subject is None:
            return None  # refused by access control already, or not the citizen side
        view = app.view_functions[request.endpoint or ""]
        message = page_was_for_another(actor, getattr(view, _CONVERSATION, False))
        if message is None:
            return None
        flash(message, "error")
        keeps = getattr(view, _KEEPS, None)
        url = url_for(getattr(view, _LANDS_ON, "citizen.index"), **(keeps() if keeps else {}))
        if request.headers.get("X-Requested-With") == "fetch":
            return jsonify(ok=True, redirect=url)  # dialogue.js goes there
        return redirect(url)
