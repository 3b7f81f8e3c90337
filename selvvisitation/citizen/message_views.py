"""The citizen's messages to the visitation and her team (issue 14): /borger/beskeder.

The citizen, or a relative whose consent covers seeing, reads both threads; writing
is acting on her behalf, so a relative needs consent to act. Every page says that an
emergency is not a message and gives the phone numbers (seed 000: at once, by phone).
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.messages import ThreadParty
from selvvisitation.extensions import db
from selvvisitation.forms import MessageForm
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    allow,
    current_actor,
    may_act_for_subject,
)
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services.message_threads import (
    MessageRefused,
    open_for_citizen,
    parties_for,
    reply_due_for,
    thread_for,
    write_message,
)


def refusal_text(refusal: MessageRefused) -> str:
    """A refused message in plain words, shown beside the text field."""
    return {
        "too_long": _("Write at most %(max)d characters", max=2000),
        "empty": _("Write your message"),
        "invalid_character": _("Remove the invalid character"),
    }.get(str(refusal.problem), _("The message could not be sent. Please try again."))


def _party_or_404(party: str, citizen: Any) -> ThreadParty:
    try:
        chosen = ThreadParty(party)
    except ValueError:
        abort(404)
    if chosen not in parties_for(citizen):
        abort(404)
    return chosen


def _phones(citizen: Any) -> dict[str, str]:
    """The numbers to call instead of writing: the visitation's, and the team's (or its
    provider's) when she has a team."""
    team = citizen.team
    team_phone = ""
    if team is not None:
        team_phone = team.phone or (team.provider.phone if team.provider else "") or ""
    return {"visitation": citizen.municipality.visitation_phone, "team": team_phone}


@blueprint.route("/beskeder")
@allow(CITIZEN_SEE)
def messages() -> str:
    actor = current_actor()
    citizen = actor.subject
    threads = [(party, thread_for(db.session(), citizen, party)) for party in parties_for(citizen)]
    open_for_citizen(db.session(), actor=actor, citizen=citizen, thread=None)
    return render_template(
        "citizen/messages.html", citizen=citizen, threads=threads, phones=_phones(citizen)
    )


def _thread_page(party: ThreadParty, form: MessageForm, status: int = 200) -> tuple[str, int]:
    actor = current_actor()
    citizen = actor.subject
    thread = thread_for(db.session(), citizen, party)
    # What the template shows is read before the commit that marks the thread read.
    unread_since = thread.citizen_read_at if thread is not None else None
    html = render_template(
        "citizen/message_thread.html",
        citizen=citizen,
        party=party,
        thread=thread,
        unread_since=unread_since,
        form=form,
        may_write=may_act_for_subject(actor),
        phones=_phones(citizen),
    )
    open_for_citizen(
        db.session(), actor=actor, citizen=citizen, thread=thread, mark_read=status == 200
    )
    return html, status


@blueprint.route("/beskeder/<party>")
@allow(CITIZEN_SEE)
def message_thread(party: str) -> tuple[str, int]:
    chosen = _party_or_404(party, current_actor().subject)
    return _thread_page(chosen, MessageForm())


@blueprint.route("/beskeder/<party>", methods=["POST"])
@allow(CITIZEN_ACT)
@lands_on("citizen.messages")
def write(party: str) -> Any:
    actor = current_actor()
    chosen = _party_or_404(party, actor.subject)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            write_message(
                db.session(), actor=actor, citizen=actor.subject, party=chosen, text=form.text.data
            )
        except MessageRefused as refusal:
            form.text.errors = [refusal_text(refusal)]
        else:
            return redirect(url_for("citizen.message_sent", party=chosen.value))
    return _thread_page(chosen, form, 400)


@blueprint.route("/beskeder/<party>/sendt")
@allow(CITIZEN_SEE)
def message_sent(party: str) -> Any:
    citizen = current_actor().subject
    chosen = _party_or_404(party, citizen)
    thread = thread_for(db.session(), citizen, chosen)
    if thread is None:  # nothing sent yet: the thread page, where she can write
        return redirect(url_for("citizen.message_thread", party=chosen.value))
    return render_template(
        "citizen/message_sent.html",
        citizen=citizen,
        party=chosen,
        due=reply_due_for(thread),
        phones=_phones(citizen),
    )
