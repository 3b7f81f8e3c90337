"""The guided conversation page: one question at a time, the history above it.

Works without JavaScript (each answer is an ordinary form post, then a redirect);
dialogue.js posts the same forms with fetch and asks for JSON with the new messages
and the next question, so the page updates in place.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import Label
from wtforms.widgets import CheckboxInput, ListWidget

from selvvisitation.citizen.texts import CATEGORY_HEADINGS, Texts
from selvvisitation.citizen.views import blueprint
from selvvisitation.domain import dialogue_steps
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, PlainHiddenInput, PlainTextArea, PlainTextInput
from selvvisitation.models import Conversation, relative_may
from selvvisitation.models.base import utcnow
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    Actor,
    allow,
    current_actor,
    explain_refusal,
    may_act_for_subject,
)
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services import dialogue_turns
from selvvisitation.services.conversation_store import (
    latest_messages,
    latest_summary_id,
    messages_after,
    messages_to_show,
    state_of,
)
from selvvisitation.services.dialogue_context import names_given, services_for
from selvvisitation.services.dialogue_effects import RelativeLimits


def _viewer() -> dialogue_turns.Viewer:
    actor = current_actor()
    return dialogue_turns.Viewer(
        actor.subject,
        relative_id=actor.relative.id if actor.relative is not None else None,
        may_act=may_act_for_subject(actor),
        language=str(get_locale()),
    )


def step_form(asked: dialogue_steps.Question, texts: Texts, formdata: Any = None) -> BaseForm:
    """A form for the question asked now: its fields follow the step's input."""
    form = _step_form_class(*_shape(asked))(formdata=formdata)
    if "answer" in form:
        _label(form.answer, texts(asked.text, asked.params))
        form.answer.choices = [
            SelectChoice(o.value, texts(o.label, o.params)) for o in asked.options
        ]
    if "text" in form:
        _label(form.text, texts(asked.text_label or asked.text, asked.params))
        if asked.input == "line" and asked.inputmode:
            # A phone shows its number keys for a CPR number (issue 12 item 10).
            form.text.render_kw = {"inputmode": asked.inputmode}
    if "acknowledged" in form:
        _label(form.acknowledged, texts(asked.checkbox_label))
    if formdata is None and asked.selected and "answer" in form:
        one = isinstance(form.answer, RadioField)
        form.answer.data = asked.selected[0] if one else list(asked.selected)
    if formdata is None and asked.text_value and "text" in form:
        form.text.data = asked.text_value
    return form


def _shape(asked: dialogue_steps.Question) -> tuple[str, str, bool]:
    """Which fields a question's form has: its answer, its text, a box to tick."""
    answer = {"choice": "one", "choice_or_text": "one", "multi": "many", "multi_or_text": "many"}
    if asked.input == "line":
        text = "line"
    elif asked.input == "text" or (
        asked.input in ("choice_or_text", "multi_or_text") and asked.text_label
    ):
        text = "box"
    else:
        text = ""
    return answer.get(asked.input, ""), text, asked.input == "confirm"


@functools.cache
def _step_form_class(answer: str, text: str, confirm: bool) -> type[BaseForm]:
    """One form class for each shape of question, made once: a class made for every form,
    twice a turn, cost half of the form (issue 17). Labels and choices are the question's
    own, set on each form (step_form)."""

    # Fields written by plain_html_params (forms.py): 2.5 % of a turn's instructions.
    class StepForm(BaseForm):
        turn = HiddenField(widget=PlainHiddenInput())

    if answer == "one":
        StepForm.answer = RadioField(validate_choice=False)
    if answer == "many":
        StepForm.answer = SelectMultipleField(
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    if text == "box":
        StepForm.text = TextAreaField(widget=PlainTextArea())
    if text == "line":
        StepForm.text = StringField(widget=PlainTextInput())
    if confirm:
        StepForm.acknowledged = BooleanField()
    return StepForm


def _label(field: Any, text: str) -> None:
    field.label = Label(field.id, text)


def _given(form: BaseForm) -> dialogue_steps.Answer:
    answer = form.answer.data if "answer" in form else None
    return dialogue_steps.Answer(
        choice=answer if isinstance(answer, str) else "",
        choices=tuple(answer) if isinstance(answer, list) else (),
        text=form.text.data or "" if "text" in form else "",
        acknowledged=bool(form.acknowledged.data) if "acknowledged" in form else False,
    )


def _show_error(form: BaseForm, texts: Texts, problem: dialogue_steps.Invalid) -> None:
    name = (
        problem.field
        if problem.field in form
        else next((f for f in ("answer", "text", "acknowledged") if f in form), "turn")
    )
    form[name].errors = [*form[name].errors, texts(problem.message, problem.params)]
    form._errors = None  # recompute the summary with the message just added


def _shown_up_to() -> int | None:
    """The id of the last message the page shows (dialogue.js's X-Last-Message); None for
    a page without JavaScript, which is sent to the whole page instead."""
    if not _fetch():
        return None
    return request.headers.get("X-Last-Message", type=int) or 0


def _fetch() -> bool:
    """dialogue.js asks for the new messages and the next question as JSON."""
    return request.headers.get("X-Requested-With") == "fetch"


# The full page shows the latest messages only (issue 17: a conversation is never closed,
# and a demo citizen's reaches 5,000 messages, every one of them read and rendered on each
# page load). 40 is about ten turns: the errand she is in the middle of, from the menu to
# its receipt, and already a long scroll on a phone. "Vis tidligere beskeder" shows as many
# again each time, up to HISTORY_MOST, so no value of ?vis= makes a page cost more than
# that; the whole history is in her data (citizen.my_data: an export is complete).
HISTORY_SHOWN = 40
HISTORY_MOST = 400


def _shown() -> int:
    """How many of the latest messages to show: ?vis=, or the vis the page's forms carry
    back without JavaScript, clamped (not a number: the default)."""
    return messages_to_show(request.values.get("vis", type=int), HISTORY_SHOWN, HISTORY_MOST)


def _kept() -> int | None:
    """The history she expanded, for the page's forms and the redirect after an answer
    without JavaScript to keep (clamped as the page): None for the ordinary page."""
    shown = _shown()
    return shown if shown != HISTORY_SHOWN else None


# A form from another citizen's page lands on the current citizen's conversation, with the
# history she expanded still expanded, as after an answer (security.acting_for).
_lands_on_conversation = lands_on(
    "citizen.conversation", conversation=True, keeps=lambda: {"vis": _kept()}
)


def _log(conversation: Conversation | None, shown: int) -> tuple[list[Any], bool]:
    """The latest ``shown`` messages without the question asked now (it is shown with its
    form), and whether older ones are left out."""
    if conversation is None:
        return [], False
    messages, older = latest_messages(db.session(), conversation, shown)
    return _without_question(messages), older


def _earlier(messages: list[Any], older: bool, shown: int) -> str | None:
    """ "Vis tidligere beskeder": the same page with more of the history, back at the message
    shown first now (a plain link: no JavaScript, and it can be bookmarked); None when
    nothing older is left out, or the page shows the most it ever does."""
    if not older or not messages or shown >= HISTORY_MOST:
        return None
    return url_for(
        "citizen.conversation", vis=shown + HISTORY_SHOWN, _anchor=f"besked-{messages[0].id}"
    )


def _without_question(messages: list[Any]) -> list[Any]:
    """The conversation's latest messages without a question at their end."""
    return messages[:-1] if messages and messages[-1].kind == "question" else messages


def _page(
    conversation: Conversation | None,
    ctx: dialogue_steps.Context,
    form: BaseForm | None,
    texts: Texts,
    status: int = 200,
    new_messages: list[Any] | None = None,
) -> tuple[str | Response, int]:
    actor = current_actor()
    state = (
        state_of(conversation)
        if conversation
        else dialogue_steps.State(dialogue_steps.START, {}, [])
    )
    asked = dialogue_steps.question(ctx, state) if conversation else None
    changeable = dialogue_steps.changeable(state) if form is not None and ctx.may_act else {}
    shown = _shown()
    messages, older = ([], False) if _fetch() else _log(conversation, shown)
    values = {
        "citizen": actor.subject,
        "conversation": conversation,
        "asked": asked,
        "form": form,
        "t": texts,
        "messages": messages,
        "earlier_url": _earlier(messages, older, shown),
        "kept_vis": _kept(),
        "history_cut": older and shown >= HISTORY_MOST,
        "ctx": ctx,
        # Relatives under the names the citizen gave them (issue 15, High 1).
        "relative_names": names_given(actor.subject),
        # Issue 12 item 10: no "Gå et trin tilbage" where there is no step to go back to,
        # and "Ændr" on the lines of the summary asked about now.
        "can_go_back": bool(state.stack),
        # Issue 13: "Ring mig op" from every step but its own, and not twice on the menu.
        "offer_call_back": asked is not None
        and state.step not in dialogue_steps.CALL_BACK_STEPS
        and asked.option("call_back") is None,
        # "Vis flere" is a plain link to the same question with the whole list (issue 12, 3).
        "show_all_options": request.args.get("alle") == "1" or request.form.get("more") == "1",
        "category_headings": CATEGORY_HEADINGS,
        "changeable": changeable,
        "editable_summary": latest_summary_id(db.session(), conversation)
        if changeable and conversation is not None
        else None,
    }
    if request.headers.get("X-Requested-With") == "fetch":
        # Only what the page has not shown yet: never the whole history (issue 17); read
        # with the turn where it took one (dialogue_turns.take_turn).
        if new_messages is None and conversation is not None:
            new_messages = messages_after(db.session(), conversation, _shown_up_to() or 0)
        new = _without_question(new_messages or [])
        log, question = _partials(values, new)
        return jsonify(
            ok=not (form is not None and form.errors),
            log=log,
            question=question,
            restart=bool(conversation is not None and conversation.turn == 0),
        ), status
    return render_template("citizen/dialogue.html", **values), status


def _partials(values: dict[str, Any], new: list[Any]) -> tuple[str, str]:
    """The new messages and the next question, for dialogue.js, rendered with one template
    context: render_template would work out the layout's context (municipality, navigation,
    the session's countdown) again for each (issue 17). Nothing listens for Flask's
    template signals, which render_template would send."""
    context = dict(values)
    current_app.update_template_context(context)
    templates = current_app.jinja_env
    return (
        templates.get_template("citizen/_dialogue_messages.html").render(
            {**context, "messages": new}
        ),
        templates.get_template("citizen/_dialogue_question.html").render(context),
    )


def _relative_limits() -> RelativeLimits:
    config = current_app.config
    return RelativeLimits(
        per_session=config["RELATIVES_ADDED_PER_SESSION"],
        per_citizen=config["RELATIVES_ADDED_PER_CITIZEN"],
        window=timedelta(hours=config["RELATIVES_ADDED_WINDOW_HOURS"]),
    )


def _idle_since() -> datetime:
    """Conversations untouched since then no longer keep a typed CPR number (config.py)."""
    return utcnow() - timedelta(minutes=current_app.config["PENDING_CPR_MINUTES"])


def consent_changed(actor: Actor) -> Any:
    """A relative the citizen's consent no longer lets answer: say what happened, what
    they can still do, and whom to call (issue 4). Nothing is stored; the caller
    (security.access) refuses with 403. None for someone who never had a consent."""
    citizen, relative = actor.subject, actor.relative
    if not any(c.relative_id == relative.id for c in citizen.consents):
        return None
    values = {
        "citizen": citizen,
        "may_see": relative_may(relative, citizen, ConsentScope.SEE),
        "others": any(c.is_active() and c.citizen_id != citizen.id for c in relative.consents),
        "phone": citizen.municipality.visitation_phone,
    }
    if request.headers.get("X-Requested-With") == "fetch":
        return jsonify(
            ok=True,
            log="",
            restart=False,
            question=render_template("citizen/_dialogue_refused.html", **values),
        )
    return render_template("citizen/dialogue_refused.html", **values)


@blueprint.route("/samtale")
@allow(CITIZEN_SEE)
@explain_refusal(consent_changed)
def conversation() -> Any:
    actor = current_actor()
    current, ctx = dialogue_turns.show_conversation(db.session(), _viewer(), _idle_since())
    texts = Texts(services_for(db.session(), actor.subject.municipality_id))
    form = None
    if current is not None and ctx.may_act:
        asked = dialogue_steps.question(ctx, state_of(current))
        form = step_form(asked, texts)
        form.turn.data = str(current.turn)
    return _page(current, ctx, form, texts)


STALE = _l("This question has already been answered. Here is the question asked now")


@blueprint.route("/samtale/svar", methods=["POST"])
@allow(CITIZEN_ACT)
@_lands_on_conversation
@explain_refusal(consent_changed)
def conversation_answer() -> Any:
    actor = current_actor()
    # Read without the write lock: take_turn stores the answer only if no other came first.
    turn = dialogue_turns.begin_turn(db.session(), _viewer(), _idle_since(), lock=False)
    texts = Texts(services_for(db.session(), actor.subject.municipality_id))
    current, ctx = turn.conversation, turn.ctx
    form = step_form(dialogue_steps.question(ctx, state_of(current)), texts, request.form)
    if not form.validate():
        return _page(current, ctx, form, texts, 400)
    refused = _refused(current)
    if refused is not None:
        _show_error(form, texts, refused)
        form.turn.data = str(current.turn)
        return _page(current, ctx, form, texts, 409)
    if request.form.get("more") == "1":
        # "Vis flere": the same question with the whole list and her ticks kept. No turn
        # is taken, so nothing is stored (as when the form is refused above).
        return _page(current, ctx, form, texts)
    turn = dialogue_turns.take_turn(
        db.session(), turn, _given(form), actor, _relative_limits(), _shown_up_to()
    )
    if turn.problem is dialogue_turns.STALE:
        # Another answer came first, after this one was read: as _refused above, the
        # question asked now, with nothing of this answer stored.
        form = step_form(dialogue_steps.question(turn.ctx, state_of(turn.conversation)), texts)
        _show_error(form, texts, turn.problem)
        form.turn.data = str(turn.conversation.turn)
        return _page(turn.conversation, turn.ctx, form, texts, 409)
    if turn.problem is not None:
        _show_error(form, texts, turn.problem)
        return _page(turn.conversation, turn.ctx, form, texts)
    receipt = _receipt_url(turn.conversation)
    if receipt is not None:
        return _go(receipt)
    return _next(turn, texts)


def _refused(current: Conversation) -> dialogue_steps.Invalid | None:
    """A form for a question already answered: nothing is saved. (A form for another
    citizen never reaches the view: security.acting_for refuses it.)"""
    if request.form.get("turn") != str(current.turn):
        return dialogue_steps.Invalid("turn", str(STALE))
    return None


def _receipt_url(current: Conversation) -> str | None:
    """Something just sent has its own confirmation page (issue 12: a real receipt)."""
    state = state_of(current)
    if state.step not in RECEIPT_STEPS:
        return None
    endpoint, argument, key = RECEIPT_STEPS[state.step]
    value = state.data.get(key)
    return url_for(endpoint, **{argument: value}) if value else None


def _go(url: str) -> Any:
    """Redirect; dialogue.js follows ``redirect`` in its JSON answer."""
    if _fetch():
        return jsonify(ok=True, redirect=url)
    return redirect(url)


# Steps entered after sending, and the confirmation page of what was sent (issue 12 item 1):
# the page's endpoint, its argument, and the key in the step's data that fills it.
RECEIPT_STEPS = {
    step: ("citizen.receipt", "reference", "reference")
    for step in ("priority_done", "swap_done", "wish_done", "reassess_done", "call_done")
} | {"consent_done": ("citizen.consent_receipt", "consent_id", "changed_consent_id")}


def _next(turn: dialogue_turns.Turn, texts: Texts) -> Any:
    if not _fetch():
        # The history she expanded stays expanded (the forms carry ?vis= back as a field).
        return redirect(url_for("citizen.conversation", vis=_kept(), _anchor="current-question"))
    form = step_form(dialogue_steps.question(turn.ctx, state_of(turn.conversation)), texts)
    form.turn.data = str(turn.conversation.turn)
    return _page(turn.conversation, turn.ctx, form, texts, new_messages=turn.new_messages)


def _control(action: str) -> Any:
    actor = current_actor()
    # Read without the write lock: take_control stores nothing if another answer came first.
    turn = dialogue_turns.begin_turn(db.session(), _viewer(), _idle_since(), lock=False)
    texts = Texts(services_for(db.session(), actor.subject.municipality_id))
    stale = request.form.get("turn") != str(turn.conversation.turn)
    if not BaseForm().validate() or stale:
        dialogue_turns.discard_turn(db.session())
        return _next(turn, texts) if stale else ("", 400)
    to = request.form.get("to") if action == "back" else None
    return _next(
        dialogue_turns.take_control(db.session(), turn, action, actor, to or None, _shown_up_to()),
        texts,
    )


@blueprint.route("/samtale/tilbage", methods=["POST"])
@allow(CITIZEN_ACT)
@_lands_on_conversation
@explain_refusal(consent_changed)
def conversation_back() -> Any:
    return _control("back")


@blueprint.route("/samtale/ring-op", methods=["POST"])
@allow(CITIZEN_ACT)
@_lands_on_conversation
@explain_refusal(consent_changed)
def conversation_call_back() -> Any:
    """ "Ring mig op" from any step of the conversation (issue 13)."""
    return _control("call_back")


@blueprint.route("/samtale/forfra", methods=["POST"])
@allow(CITIZEN_ACT)
@_lands_on_conversation
@explain_refusal(consent_changed)
def conversation_restart() -> Any:
    return _control("restart")
