"""The staff inbox for messages from citizens and relatives (issue 14): /personale/beskeder.

The team (home-care workers and team leaders) sees the threads with its citizens; the
visitators see the municipality's threads with the visitation. Each thread shows its
unread messages and the reply deadline (a per-municipality setting, default 1 working
day); either party can hand a thread over to the other with a note.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, url_for

from selvvisitation.citizen.message_views import refusal_text
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.forms import HandoverForm, MessageForm
from selvvisitation.models import MessageThread
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.message_threads import (
    MessageRefused,
    hand_over,
    inbox,
    open_for_staff,
    reply,
    reply_due_for,
    staff_party,
    staff_thread,
)
from selvvisitation.staff.views import blueprint

MESSAGE_ROLES = (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER, StaffRole.VISITATOR)


def _thread_or_404(thread_id: int) -> MessageThread:
    thread = staff_thread(db.session(), current_actor().staff, thread_id)
    if thread is None:
        abort(404)
    return thread


def _phones(thread: MessageThread) -> dict[str, str]:
    citizen = thread.citizen
    team = citizen.team
    team_phone = (team.phone or (team.provider.phone or "")) if team is not None else ""
    return {"visitation": citizen.municipality.visitation_phone, "team": team_phone}


@blueprint.route("/beskeder")
@allow(*MESSAGE_ROLES)
def message_inbox() -> str:
    staff = current_actor().staff
    today = local_today()
    return render_template(
        "staff/inbox.html", rows=inbox(db.session(), staff, today), party=staff_party(staff)
    )


def _thread_page(thread: MessageThread, form: Any, status: int = 200) -> tuple[str, int]:
    unread_since = thread.staff_read_at
    due = reply_due_for(thread)
    html = render_template(
        "staff/message_thread.html",
        thread=thread,
        citizen=thread.citizen,
        form=form,
        unread_since=unread_since,
        due=due,
        overdue=due is not None and local_today() > due,
        phones=_phones(thread),
        party=staff_party(current_actor().staff),
    )
    open_for_staff(
        db.session(), staff=current_actor().staff, thread=thread, mark_read=status == 200
    )
    return html, status


@blueprint.route("/beskeder/<int:thread_id>")
@allow(*MESSAGE_ROLES)
def staff_message_thread(thread_id: int) -> tuple[str, int]:
    return _thread_page(_thread_or_404(thread_id), MessageForm())


@blueprint.route("/beskeder/<int:thread_id>", methods=["POST"])
@allow(*MESSAGE_ROLES)
def staff_reply(thread_id: int) -> Any:
    thread = _thread_or_404(thread_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            reply(db.session(), staff=current_actor().staff, thread=thread, text=form.text.data)
        except MessageRefused as refusal:
            form.text.errors = [refusal_text(refusal)]
        else:
            return redirect(url_for("staff.staff_message_thread", thread_id=thread.id))
    return _thread_page(thread, form, 400)


@blueprint.route("/beskeder/<int:thread_id>/giv-videre", methods=["GET", "POST"])
@allow(*MESSAGE_ROLES)
def hand_over_thread(thread_id: int) -> Any:
    thread = _thread_or_404(thread_id)
    party = staff_party(current_actor().staff)
    if party is None or (party.other.value == "team" and thread.citizen.team_id is None):
        abort(404)  # a citizen without a team has no one to hand over to
    form = HandoverForm()
    if form.validate_on_submit():
        try:
            hand_over(db.session(), staff=current_actor().staff, thread=thread, note=form.note.data)
        except MessageRefused as refusal:
            form.note.errors = [refusal_text(refusal)]
        else:
            return redirect(url_for("staff.message_inbox"))
    status = 400 if form.errors else 200
    return render_template(
        "staff/hand_over.html", thread=thread, citizen=thread.citizen, form=form, to=party.other
    ), status
