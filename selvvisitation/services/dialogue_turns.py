"""One request's turn of the guided dialogue: the unit of work of the conversation page.

The view names who is looking (Viewer); a turn reads the context
(services/dialogue_context.py) and the stored conversation (services/conversation_store.py)
once, applies the answer through domain/dialogue_steps/ and, where the answer confirms a
request, its effect (services/dialogue_effects.py); then it commits everything or rolls
it all back (issue 16). An answer reads without the write lock and is stored only if no
other answer came first (the conversation's turn is its version), and so is "back",
"call me" or "start over"; an effect is worked out again under the lock (take_turn).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Result, and_, bindparam, inspect, select
from sqlalchemy.orm import Session, joinedload, load_only, scoped_session
from sqlalchemy.orm.exc import StaleDataError

from selvvisitation.domain import dialogue_steps
from selvvisitation.models import (
    Citizen,
    Consent,
    Conversation,
    ConversationMessage,
    Decision,
    Municipality,
)
from selvvisitation.models.base import utcnow
from selvvisitation.security import audit
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.conversation_store import (
    add_messages,
    current_conversation,
    forget_stale_cpr,
    holds_stale_cpr,
    messages_after,
    open_conversation,
    save_state,
    start_conversation,
    state_of,
)
from selvvisitation.services.dialogue_context import build_context
from selvvisitation.services.dialogue_effects import (
    EFFECTS,
    EffectRefused,
    RelativeLimits,
    add_relative,
)

# An answer whose effect must be applied under the write lock (see take_turn).
NEEDS_LOCK = dialogue_steps.Invalid("turn", "")
# Another answer was stored since the conversation was read (a second tab, a double click).
STALE = dialogue_steps.Invalid(
    "turn",
    dialogue_steps.N_("This question has already been answered. Here is the question asked now"),
)


def _apply(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None,
    locked: bool,
) -> tuple[dialogue_steps.Invalid | None, bool]:
    """The answer's problem, and whether an effect changed what the context shows.
    NEEDS_LOCK, with nothing done, for an effect answered without the write lock."""
    before = state_of(conversation)
    outcome = dialogue_steps.answer(ctx, before, given)
    if outcome.error is not None:
        return outcome.error, False
    if outcome.effect is not None and not locked:
        return NEEDS_LOCK, False
    echo, *said = outcome.messages
    state = outcome.state
    if outcome.effect is not None:
        ctx.read_all()  # what the effect checks, as it was before it writes
        if outcome.effect == "add_relative":
            updates = add_relative(session, conversation, ctx, state.data, actor, relative_limits)
        else:
            updates = EFFECTS[outcome.effect](session, conversation, ctx, state.data, actor)
        state, entering = dialogue_steps.after_effect(ctx, state, updates)
    else:
        entering = dialogue_steps.entering(ctx, state.step, state.data)
    conversation.turn += 1
    save_state(conversation, state)
    # All worked out: now the writes, one after the other. On SQLite the first takes the
    # database's write lock, which is held until the commit; what is done under it is what
    # every other writer waits for, so the flush works out its UPDATE before the lock and
    # the INSERT follows it at once (issue 17: a thread holding the lock shares the GIL
    # with the worker's other threads, and each millisecond of Python in it took several).
    # The UPDATE also says, first, whether another answer came in between (Conversation's
    # version; StaleDataError).
    session.flush()
    add_messages(conversation, [*said, *entering], step=state.step, user=echo, actor=actor)
    return None, outcome.effect is not None


# --- One request's turn: the unit of work of the conversation page (issue 16) --------------


@dataclass(frozen=True)
class Viewer:
    """Whose conversation a request works on, and as whom: what the context is built from."""

    citizen: Citizen
    relative_id: int | None
    may_act: bool
    language: str

    def context(self, session: Session) -> dialogue_steps.Context:
        return build_context(
            session,
            self.citizen,
            relative_id=self.relative_id,
            may_act=self.may_act,
            language=self.language,
        )


@dataclass(frozen=True)
class Turn:
    """The conversation, the context it was answered in, and the problem, if refused."""

    conversation: Conversation
    ctx: dialogue_steps.Context
    viewer: Viewer
    problem: dialogue_steps.Invalid | None = None
    locked: bool = True  # read under the write lock (begin_turn)
    # The messages after the one the page showed last (take_turn's ``shown_up_to``), read
    # in the turn's own transaction; None where they were not read.
    new_messages: list[ConversationMessage] | None = None


def show_conversation(
    session: Session, viewer: Viewer, idle_since: datetime
) -> tuple[Conversation | None, dialogue_steps.Context]:
    """The conversation page as it opens: the open conversation (a new one for someone who
    may act), without a CPR number left in it since ``idle_since``; a relative's look is
    audited. No conversation for a relative who may only see, where none is open.
    """
    ctx = viewer.context(session)
    conversation = open_conversation(session, viewer.citizen)
    if conversation is not None and holds_stale_cpr(conversation, idle_since):
        lock_for_write(session)  # read again under the lock: one request drops it, once
        conversation = open_conversation(session, viewer.citizen)
        if conversation is not None and forget_stale_cpr(conversation, ctx, idle_since):
            session.commit()
    if conversation is None and ctx.may_act:
        conversation = start_conversation(session, viewer.citizen, ctx)
        session.commit()
    if viewer.relative_id is not None:
        audit.record(
            "read", citizen=viewer.citizen, object_type="conversation", purpose="relative_view"
        )
        session.commit()
    return conversation, ctx


def _read_again(session: Session, citizen_id: int) -> Conversation | None:
    """The citizen, read again under the lock (lock_for_write let go of what was read
    before it) with what her context reads of her: municipality and policy, provider,
    current decision with its grants, consents with their relatives; and her open
    conversation. One statement, not one each on first use (issue 17); a citizen has few
    decisions and few consents, and one open conversation."""
    return _her_conversation(session.execute(_READ_AGAIN, {"citizen_id": citizen_id}))


def _read_the_rest(session: Session, citizen: Citizen) -> Conversation | None:
    """Without the lock: what her context reads of her that the sign-in check has not
    read in this transaction, and her open conversation. That check read her municipality
    and its policy; joining them again to every row of her decisions, grants and consents
    cost a third of the statement (issue 17). Where they are not held (expired by a
    commit), all is read."""
    held = inspect(citizen)
    # Her id from the identity map: reading citizen.id would load an expired row for it.
    citizen_id = held.identity[0] if held.identity is not None else citizen.id
    if held.expired or "municipality" in held.unloaded:
        return _read_again(session, citizen_id)
    return _her_conversation(session.execute(_READ_THE_REST, {"citizen_id": citizen_id}))


def _her_conversation(rows: Result[Citizen, Conversation | None]) -> Conversation | None:
    # Every row is hers and all are read, so the joined collections are whole; the first
    # row has her newest open conversation (_HER_ROWS).
    first = rows.unique().first()
    if first is None:
        return None
    _, conversation = first
    return conversation


# Built once (issue 17: composing it cost about as much as running it).
_HER_LINES = (
    joinedload(Citizen.provider),
    # Her current decision only (Citizen.current_decision, all a turn reads of them): every
    # version a change of decision leaves, with its grants, was read and joined to each of
    # her consents, so a turn grew with her history (issue 17). Her decisions in this
    # request's session are the current ones; nothing on a turn reads the superseded.
    joinedload(Citizen.decisions.and_(Decision.superseded_at.is_(None))).joinedload(
        Decision.granted_services
    ),
    joinedload(Citizen.consents).joinedload(Consent.relative),
)
# Her open conversation on every row: she has one (starting over closes the last first), so
# it multiplies none of the joined rows; were there two, the newest is read, as
# open_conversation reads it.
_HER_ROWS = (
    select(Citizen, Conversation)
    .outerjoin(
        Conversation,
        and_(Conversation.citizen_id == Citizen.id, Conversation.closed_at.is_(None)),
    )
    .where(Citizen.id == bindparam("citizen_id"))
    .order_by(Conversation.id.desc())
)
_READ_AGAIN = _HER_ROWS.options(
    joinedload(Citizen.municipality).joinedload(Municipality.policy), *_HER_LINES
)
# Her own columns are not read again: _read_the_rest runs only where the sign-in check's
# are held in this transaction (issue 17: each of her joined rows carried them again).
_READ_THE_REST = _HER_ROWS.options(load_only(Citizen.id), *_HER_LINES)


def begin_turn(
    session: Session, viewer: Viewer, idle_since: datetime, *, lock: bool = True
) -> Turn:
    """Take the write lock and read the conversation and its context once, for the answer.

    Rule 4 under concurrency: the lock comes before the first read (security/locking.py).
    A CPR number left since ``idle_since`` is dropped and committed at once: it is kept
    dropped even when the answer is refused (the form's turn is old then).

    ``lock=False`` for an answer (take_turn): it reads without the lock, and so does not
    hold every other writer back while it works out the answer (on SQLite the lock is
    the whole database's: issue 17, a turn's throughput was the length of what it did
    under the lock). Its messages are stored only if the conversation is still at the
    turn it read (Conversation's version), and an answer with an effect is worked out
    again under the lock. A conversation to start or a CPR number to drop is written
    under the lock, as before.
    """
    if not lock:
        conversation = _read_the_rest(session, viewer.citizen)  # and what her context reads
        ctx = viewer.context(session)
        if conversation is not None and not holds_stale_cpr(conversation, idle_since):
            return Turn(conversation, ctx, viewer, locked=False)
    citizen_id = viewer.citizen.id  # read before the lock lets go of it
    lock_for_write(session)
    conversation = _read_again(session, citizen_id)
    ctx = viewer.context(session)
    conversation = conversation or start_conversation(session, viewer.citizen, ctx)
    if forget_stale_cpr(conversation, ctx, idle_since):
        session.commit()
        lock_for_write(session)
    return Turn(conversation, ctx, viewer)


def take_turn(
    session: Session,
    turn: Turn,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None = None,
    shown_up_to: int | None = None,
) -> Turn:
    """Answer the question asked now: everything is stored, or nothing is.

    The context is read again only when an effect changed what it shows (a swap sent, a
    consent given); an answer that only moves the conversation on keeps the one it was
    answered in. For a page that showed the messages up to the one with id
    ``shown_up_to`` (dialogue.js), such an answer reads the messages after it before it
    commits: Turn.new_messages.
    """
    try:
        return _take_turn(session, turn, given, actor, relative_limits, shown_up_to)
    except StaleDataError:
        # Another answer to this conversation was stored since this one read it.
        session.rollback()
        return replace(turn, problem=STALE)


def _take_turn(
    session: Session,
    turn: Turn,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None,
    shown_up_to: int | None = None,
) -> Turn:
    try:
        problem, effect = _apply(
            session, turn.conversation, turn.ctx, given, actor, relative_limits, turn.locked
        )
        if problem is NEEDS_LOCK:
            turn = _again_under_the_lock(session, turn)
            if turn.problem is not None:
                return turn
            problem, effect = _apply(
                session, turn.conversation, turn.ctx, given, actor, relative_limits, True
            )
    except EffectRefused as refused:
        session.rollback()
        ctx = turn.viewer.context(session)
        return Turn(
            current_conversation(session, turn.viewer.citizen, ctx),
            ctx,
            turn.viewer,
            dialogue_steps.Invalid("answer", refused.message, refused.params),
        )
    if problem is not None:
        session.rollback()
        return replace(turn, problem=problem)
    if effect:
        session.commit()
        return replace(turn, ctx=turn.viewer.context(session))
    return replace(
        turn, new_messages=_commit_with_new_messages(session, turn.conversation, shown_up_to)
    )


def _again_under_the_lock(session: Session, turn: Turn) -> Turn:
    """The turn read again under the write lock, for an answer with an effect (what the
    effect checks must hold until it writes: rule 4); STALE if another answer came first."""
    read_at, citizen_id = turn.conversation.turn, turn.viewer.citizen.id
    lock_for_write(session)
    conversation = _read_again(session, citizen_id)
    ctx = turn.viewer.context(session)
    conversation = conversation or start_conversation(session, turn.viewer.citizen, ctx)
    if conversation.turn != read_at:
        session.rollback()
        return Turn(conversation, ctx, turn.viewer, STALE)
    return Turn(conversation, ctx, turn.viewer)


def _commit_with_new_messages(
    session: Session, conversation: Conversation, shown_up_to: int | None
) -> list[ConversationMessage] | None:
    """Commit a turn that only moved the conversation on, with the messages after
    ``shown_up_to`` (None: the page shows them all again). They are read before the
    commit, in this transaction: read after it, they took a transaction of their own (a
    connection from the pool, its check, BEGIN and ROLLBACK; issue 17). The flush first
    sends the conversation's UPDATE, which checks the turn (StaleDataError), and gives a
    conversation started by this turn its id."""
    session.flush()
    new = None if shown_up_to is None else messages_after(session, conversation, shown_up_to)
    _commit_keeping_what_was_read(session)
    return new


def _commit_keeping_what_was_read(session: Session) -> None:
    """Commit, and answer from what this transaction read and wrote: exactly what it
    committed, under the write lock. Without this, the answer read the conversation, the
    citizen, her consents, her municipality and its policy again (issue 17). The next
    request reads afresh: its session is a new one, or lock_for_write lets go of these."""
    own = session() if isinstance(session, scoped_session) else session
    own.expire_on_commit = False
    try:
        own.commit()
    finally:
        own.expire_on_commit = True


def take_control(
    session: Session,
    turn: Turn,
    action: str,
    actor: Any,
    to: str | None = None,
    shown_up_to: int | None = None,
) -> Turn:
    """ "Back" (to the step before, or ``to`` a step a summary line changes), "Call me" or
    "Start over", stored at once. Back to a step that cannot be changed now changes nothing.

    As an answer that only moves the conversation on (take_turn): the messages after
    ``shown_up_to`` are read before the commit, and the answer is made from what this
    transaction read and wrote. Committed as before, with everything expired, a "Back" read
    the conversation, the citizen and her consents again, and its new messages in a
    transaction of their own (issue 17).
    """
    if action == "back":
        go_back(turn.conversation, turn.ctx, actor, to)
        conversation = turn.conversation
    elif action == "call_back":
        call_me(turn.conversation, turn.ctx, actor)
        conversation = turn.conversation
    else:
        conversation = start_over(session, turn.conversation, turn.ctx, actor)
    try:
        new = _commit_with_new_messages(session, conversation, shown_up_to)
    except StaleDataError:
        # Read without the lock (begin_turn), and another answer came first: nothing of
        # this one is stored; the conversation reads afresh as it is now.
        session.rollback()
        return replace(turn, problem=STALE)
    return replace(turn, conversation=conversation, new_messages=new)


def discard_turn(session: Session) -> None:
    """Nothing of this request is stored (a conversation started by it included)."""
    session.rollback()


def go_back(
    conversation: Conversation, ctx: dialogue_steps.Context, actor: Any, to: str | None = None
) -> None:
    state = state_of(conversation)
    if to is not None and to not in dialogue_steps.changeable(state).values():
        return
    state, messages = (
        dialogue_steps.back_to(ctx, state, to) if to else dialogue_steps.back(ctx, state)
    )
    conversation.turn += 1
    add_messages(conversation, messages[1:], step=state.step, user=messages[0], actor=actor)
    save_state(conversation, state)


def call_me(conversation: Conversation, ctx: dialogue_steps.Context, actor: Any) -> None:
    """ "Ring mig op" from wherever the conversation is (issue 13): the call-me-back path."""
    state, messages = dialogue_steps.call_me(ctx, state_of(conversation))
    conversation.turn += 1
    add_messages(conversation, messages[1:], step=state.step, user=messages[0], actor=actor)
    save_state(conversation, state)


def start_over(
    session: Session, conversation: Conversation, ctx: dialogue_steps.Context, actor: Any
) -> Conversation:
    """Close the conversation (kept, never deleted, without a CPR number) and open a new one."""
    conversation.turn += 1
    add_messages(
        conversation,
        [],
        step=conversation.step,
        user=dialogue_steps.Message("answer", dialogue_steps.N_("Start over")),
        actor=actor,
    )
    state, _ = dialogue_steps.forget_cpr(state_of(conversation))
    save_state(conversation, state)
    conversation.closed_at = utcnow()
    return start_conversation(session, conversation.citizen, ctx)
