"""The guided conversation page: one question at a time, the history above it.

Works without JavaScript (each answer is an ordinary form post, then a redirect);
dialogue.js posts the same forms with fetch and asks for JSON with the new messages
and the next question, so the page updates in place.
"""

from __future__ import annotations

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
from wtforms.widgets import CheckboxInput, ListWidget

from selvvisitation.citizen.texts import Texts
from selvvisitation.citizen.views import blueprint
from selvvisitation.domain import dialogue as engine
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm
from selvvisitation.models import Conversation, relative_may
from selvvisitation.models.base import utcnow
from selvvisitation.security import audit
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    Actor,
    allow,
    current_actor,
    explain_refusal,
    may_act_for_subject,
)
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services import dialogue as ops


def _context() -> engine.Context:
    actor = current_actor()
    return ops.build_context(
        db.session,
        actor.subject,
        relative_id=actor.relative.id if actor.relative is not None else None,
        may_act=may_act_for_subject(actor),
        language=str(get_locale()),
    )


def step_form(asked: engine.Question, texts: Texts, formdata: Any = None) -> BaseForm:
    """A form for the question asked now: its fields follow the step's input."""

    class StepForm(BaseForm):
        turn = HiddenField()

    choices = [SelectChoice(o.value, texts(o.label, o.params)) for o in asked.options]
    label = texts(asked.text, asked.params)
    if asked.input in ("choice", "choice_or_text"):
        StepForm.answer = RadioField(label, choices=choices, validate_choice=False)
    if asked.input in ("multi", "multi_or_text"):
        StepForm.answer = SelectMultipleField(
            label,
            choices=choices,
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    if asked.input in ("text", "choice_or_text", "multi_or_text") and (
        asked.text_label or asked.input == "text"
    ):
        StepForm.text = TextAreaField(texts(asked.text_label or asked.text, asked.params))
    if asked.input == "line":
        StepForm.text = StringField(texts(asked.text_label or asked.text, asked.params))
    if asked.input == "confirm":
        StepForm.acknowledged = BooleanField(texts(asked.checkbox_label))
    form = StepForm(formdata=formdata)
    if formdata is None and asked.selected and "answer" in form:
        one = isinstance(form.answer, RadioField)
        form.answer.data = asked.selected[0] if one else list(asked.selected)
    if formdata is None and asked.text_value and "text" in form:
        form.text.data = asked.text_value
    return form


def _given(form: BaseForm) -> engine.Answer:
    answer = form.answer.data if "answer" in form else None
    return engine.Answer(
        choice=answer if isinstance(answer, str) else "",
        choices=tuple(answer) if isinstance(answer, list) else (),
        text=form.text.data or "" if "text" in form else "",
        acknowledged=bool(form.acknowledged.data) if "acknowledged" in form else False,
    )


def _show_error(form: BaseForm, texts: Texts, problem: engine.Invalid) -> None:
    name = (
        problem.field
        if problem.field in form
        else next((f for f in ("answer", "text", "acknowledged") if f in form), "turn")
    )
    form[name].errors = [*form[name].errors, texts(problem.message, problem.params)]
    form._errors = None  # recompute the summary with the message just added


def _log(conversation: Conversation | None) -> list[Any]:
    """The history, without the question asked now (it is shown with its form)."""
    if conversation is None:
        return []
    messages = list(conversation.messages)
    if messages and messages[-1].kind == "question":
        messages = messages[:-1]
    return messages


def _page(
    conversation: Conversation | None,
    ctx: engine.Context,
    form: BaseForm | None,
    texts: Texts,
    status: int = 200,
) -> tuple[str, int] | Response:
    actor = current_actor()
    asked = engine.question(ctx, ops.state_of(conversation)) if conversation else None
    values = {
        "citizen": actor.subject,
        "conversation": conversation,
        "asked": asked,
        "form": form,
        "t": texts,
        "messages": _log(conversation),
        "ctx": ctx,
        # Relatives under the names the citizen gave them (issue 15, High 1).
        "relative_names": ops.names_given(actor.subject),
    }
    if request.headers.get("X-Requested-With") == "fetch":
        since = request.headers.get("X-Last-Message", type=int) or 0
        new = [m for m in values["messages"] if m.id > since]
        return jsonify(
            ok=not (form is not None and form.errors),
            log=render_template("citizen/_dialogue_messages.html", **{**values, "messages": new}),
            question=render_template("citizen/_dialogue_question.html", **values),
            restart=bool(conversation is not None and conversation.turn == 0),
        ), status
    return render_template("citizen/dialogue.html", **values), status


def _relative_limits() -> ops.RelativeLimits:
    config = current_app.config
    return ops.RelativeLimits(
        per_session=config["RELATIVES_ADDED_PER_SESSION"],
        per_citizen=config["RELATIVES_ADDED_PER_CITIZEN"],
        window=timedelta(hours=config["RELATIVES_ADDED_WINDOW_HOURS"]),
    )


def _idle_since() -> datetime:
    """Conversations untouched since then no longer keep a typed CPR number (config.py)."""
    return utcnow() - timedelta(minutes=current_app.config["PENDING_CPR_MINUTES"])


def _without_stale_cpr(current: Conversation | None, ctx: engine.Context) -> Conversation | None:
    """On loading: a CPR number left in an unfinished conversation is dropped first."""
    if current is None or not ops.holds_stale_cpr(current, _idle_since()):
        return current
    lock_for_write(db.session)  # read again under the lock: one request drops it, once
    current = ops.open_conversation(db.session, current_actor().subject)
    if current is not None and ops.forget_stale_cpr(current, ctx, _idle_since()):
        db.session.commit()
    return current


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
    citizen = actor.subject
    ctx = _context()
    texts = Texts(ops.services_for(db.session, citizen.municipality_id))
    current = _without_stale_cpr(ops.open_conversation(db.session, citizen), ctx)
    if current is None and ctx.may_act:
        current = ops.start_conversation(db.session, citizen, ctx)
        db.session.commit()
    if actor.relative is not None:
        audit.record("read", citizen=citizen, object_type="conversation", purpose="relative_view")
        db.session.commit()
    form = None
    if current is not None and ctx.may_act:
        asked = engine.question(ctx, ops.state_of(current))
        form = step_form(asked, texts)
        form.turn.data = str(current.turn)
    return _page(current, ctx, form, texts)


def _stale(form: BaseForm, current: Conversation) -> bool:
    return form.turn.data != str(current.turn)


STALE = _l("This question has already been answered. Here is the question asked now")


@blueprint.route("/samtale/svar", methods=["POST"])
@allow(CITIZEN_ACT)
@explain_refusal(consent_changed)
def conversation_answer() -> Any:
    # Rule 4 under concurrency: the write lock before the first read (security/locking.py).
    lock_for_write(db.session)
    actor = current_actor()
    ctx = _context()
    texts = Texts(ops.services_for(db.session, actor.subject.municipality_id))
    current = ops.current_conversation(db.session, actor.subject, ctx)
    if ops.forget_stale_cpr(current, ctx, _idle_since()):
        db.session.commit()  # kept even when the answer below is refused (its turn is old)
    form = step_form(engine.question(ctx, ops.state_of(current)), texts, request.form)
    if not form.validate():
        return _page(current, ctx, form, texts, 400)
    if _stale(form, current):
        _show_error(form, texts, engine.Invalid("turn", str(STALE)))
        form.turn.data = str(current.turn)
        return _page(current, ctx, form, texts, 409)
    try:
        problem = ops.answer(db.session, current, ctx, _given(form), actor, _relative_limits())
    except ops.EffectRefused as refused:
        db.session.rollback()
        problem = engine.Invalid("answer", refused.message, refused.params)
        ctx = _context()
        current = ops.current_conversation(db.session, actor.subject, ctx)
    if problem is not None:
        db.session.rollback()
        _show_error(form, texts, problem)
        return _page(current, ctx, form, texts)
    db.session.commit()
    receipt = _receipt_url(current)
    if receipt is not None:
        return _go(receipt)
    return _next(ctx, texts)


def _receipt_url(current: Conversation) -> str | None:
    """Something just sent has its own confirmation page (issue 12: a real receipt)."""
    state = ops.state_of(current)
    if state.step in RECEIPT_STEPS and state.data.get("reference"):
        endpoint, argument = RECEIPT_STEPS[state.step]
        return url_for(endpoint, **{argument: state.data["reference"]})
    return None


def _go(url: str) -> Any:
    """Redirect; dialogue.js follows ``redirect`` in its JSON answer."""
    if request.headers.get("X-Requested-With") == "fetch":
        return jsonify(ok=True, redirect=url)
    return redirect(url)


# Steps entered after sending, and the confirmation page of what was sent. The SEL swap's
# receipt can move here too (issue 12); its behaviour is unchanged for now.
RECEIPT_STEPS = {"priority_done": ("citizen.priority_receipt", "priority_reference")}


def _next(ctx: engine.Context, texts: Texts) -> Any:
    if request.headers.get("X-Requested-With") != "fetch":
        return redirect(url_for("citizen.conversation", _anchor="current-question"))
    current = ops.open_conversation(db.session, current_actor().subject)
    form = step_form(engine.question(ctx, ops.state_of(current)), texts)
    form.turn.data = str(current.turn)
    return _page(current, _context(), form, texts)


def _control(action: str) -> Any:
    lock_for_write(db.session)
    actor = current_actor()
    ctx = _context()
    texts = Texts(ops.services_for(db.session, actor.subject.municipality_id))
    current = ops.current_conversation(db.session, actor.subject, ctx)
    if ops.forget_stale_cpr(current, ctx, _idle_since()):
        db.session.commit()
    form = BaseForm()
    stale = request.form.get("turn") != str(current.turn)
    if not form.validate() or stale:
        db.session.rollback()
        return _next(ctx, texts) if stale else ("", 400)
    if action == "back":
        ops.go_back(current, ctx, actor)
    else:
        ops.start_over(db.session, current, ctx, actor)
    db.session.commit()
    return _next(ctx, texts)


@blueprint.route("/samtale/tilbage", methods=["POST"])
@allow(CITIZEN_ACT)
@explain_refusal(consent_changed)
def conversation_back() -> Any:
    return _control("back")


@blueprint.route("/samtale/forfra", methods=["POST"])
@allow(CITIZEN_ACT)
@explain_refusal(consent_changed)
def conversation_restart() -> Any:
    return _control("restart")
