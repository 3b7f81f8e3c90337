"""Running the dialogue: all paths' steps, who may answer which, going back and changing an
answer, and not keeping a typed CPR number longer than needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from selvvisitation.domain.dialogue_steps import (
    call_back,
    consent,
    menu,
    priority,
    reassessment,
    relative,
    swap,
    wish,
)
from selvvisitation.domain.dialogue_steps.primitives import (
    N_,
    Answer,
    Context,
    Invalid,
    Message,
    Outcome,
    Question,
    State,
    Step,
)
from selvvisitation.domain.dialogue_steps.relative import CITIZEN_ONLY_STEPS, _name

# --- The dialogue ---------------------------------------------------------------------

START = "menu"

STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        *menu.STEPS,
        *swap.STEPS,
        *wish.STEPS,
        *reassessment.STEPS,
        *consent.STEPS,
        *relative.STEPS,
        *priority.STEPS,
        *call_back.STEPS,
    )
}
SWAP_STEPS = frozenset(name for name in STEPS if name.startswith("swap_"))
CALL_BACK_STEPS = frozenset(step.name for step in call_back.STEPS)

# Steps that change something on behalf of the citizen: only with the right to act.
ACTING_STEPS = frozenset(STEPS) - {
    "menu",
    "understood",
    "which_way",
    "my_help",
    "rights",
    "consent",
    "access_log",
}


# --- Not keeping a CPR number longer than needed -----------------------------------------

CPR = "relative_cpr"  # the step that asks for a new relative's CPR number, and its key
# The steps after it, which carry the number on to the confirmation.
NEEDS_CPR = frozenset({"relative_scope", "relative_from", "relative_until", "relative_confirm"})


def holds_cpr(state: State) -> bool:
    """Whether a CPR number typed for a new relative is kept in the state: in the answers,
    in the steps to go back to, or shown again after going back to its question."""
    given = state.data.get(GIVEN) or {}
    return bool(
        state.data.get(CPR)
        or (state.step == CPR and given.get("text"))
        or any(
            entry.get("step") == CPR or (entry.get("data") or {}).get(CPR) for entry in state.stack
        )
    )


def _without_cpr(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != CPR}


def forget_cpr(state: State) -> tuple[State, bool]:
    """The state without the CPR number; True when it must be typed again.

    Going back stops before the CPR question (the steps after it held the number); at a
    step that needs the number the conversation returns to that question.
    """
    cut = next((i for i, entry in enumerate(state.stack) if entry.get("step") == CPR), None)
    stack = [
        {**entry, "data": _without_cpr(entry.get("data") or {})}
        for entry in (state.stack if cut is None else state.stack[:cut])
    ]
    if state.step in NEEDS_CPR:
        data = state.stack[cut]["data"] if cut is not None else state.data
        return State(CPR, _without_cpr(_without_given(data)), stack), True
    data = _without_cpr(state.data)
    if state.step == CPR:
        data.pop(GIVEN, None)  # the number written before, shown again after going back
    return State(state.step, data, stack), False


def type_cpr_again(ctx: Context, state: State) -> list[Message]:
    """What the citizen is told when the CPR number was dropped before she finished."""
    return [
        Message(
            "text",
            N_(
                "It is a while since you wrote %(name)s's CPR number. To "
                "protect it, we do not keep it in an unfinished conversation. "
                "Please write it again."
            ),
            _name(state.data),
        ),
        *entering(ctx, state.step, state.data),
    ]


# --- Running it -----------------------------------------------------------------------


# Going back, the answer given at that step then: shown again, ticked and filled in.
GIVEN = "given_before"
# How many steps "Gå et trin tilbage" can go back: the stack is read and written on every
# turn, so without a bound a turn's cost grew with the conversation (issue 17: after 400
# turns around the menu a turn cost twice what it did after 20). No path is this long.
MOST_STEPS_BACK = 30


def _given_json(given: Answer) -> dict[str, Any]:
    return {"choice": given.choice, "choices": list(given.choices), "text": given.text}


def _without_given(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != GIVEN}


def question(ctx: Context, state: State) -> Question:
    """The question asked now; after going back, with the answer given then."""
    asked = STEPS[state.step].ask(ctx, state.data)
    given = state.data.get(GIVEN)
    if not given:
        return asked
    chosen = [c for c in (given.get("choices") or [given.get("choice")]) if c in asked.values]
    return replace(
        asked, selected=tuple(chosen) or asked.selected, text_value=given.get("text") or ""
    )


def entering(ctx: Context, step: str, data: Mapping[str, Any]) -> list[Message]:
    """The messages said on entering ``step``: its intro, then its question."""
    current = STEPS[step]
    asked = current.ask(ctx, data)
    return [*current.intro(ctx, data), Message("question", asked.text, dict(asked.params))]


def start(ctx: Context) -> tuple[State, list[Message]]:
    state = State(START, {}, [])
    return state, entering(ctx, START, state.data)


def answer(ctx: Context, state: State, given: Answer) -> Outcome:
    """Handle one answer; on an invalid answer, the state is returned unchanged."""
    step = STEPS.get(state.step) or STEPS[START]
    if (ctx.is_ael and state.step in SWAP_STEPS) or (
        not ctx.is_ael and state.step in priority.PRIORITY_STEPS
    ):
        # The decision changed law while she was answering: swaps and priorities do not mix.
        return Outcome(
            state, error=Invalid("answer", N_("Your help has changed. Please start over"))
        )
    if state.step in ACTING_STEPS and not ctx.may_act:
        return Outcome(
            state, error=Invalid("answer", N_("You may see this, but not act for the citizen"))
        )
    if state.step in CITIZEN_ONLY_STEPS and not ctx.is_citizen:
        return Outcome(
            state, error=Invalid("answer", N_("Only the citizen can give or change a consent"))
        )
    asked = step.ask(ctx, state.data)
    result = step.handle(ctx, state.data, given, asked)
    if isinstance(result, Invalid):
        return Outcome(state, error=result)
    data = {} if result.fresh else _without_given(state.data)
    data.update(result.data)
    stack = [
        *state.stack[-(MOST_STEPS_BACK - 1) :],
        {"step": state.step, "data": _without_given(state.data), "given": _given_json(given)},
    ]
    if result.effect is not None:
        stack = []  # what was sent cannot be un-sent by going back
    new_state = State(result.step, data, stack)
    if result.fresh:  # a new path: not even going back keeps a CPR number typed before
        new_state, _ = forget_cpr(new_state)
    return Outcome(new_state, (result.echo, *result.messages), effect=result.effect)


def after_effect(
    ctx: Context, state: State, updates: Mapping[str, Any]
) -> tuple[State, list[Message]]:
    """Merge what an effect returned (a reference, a deadline) and enter the next step.

    The effect has used the answers: a CPR number among them is not kept after it."""
    state.data.update(updates)
    state, _ = forget_cpr(state)
    return state, entering(ctx, state.step, state.data)


# The lines of a summary, and the step that asked for each: "Ændr" on a line goes back to
# that step with the answer given then (issue 12 item 10; GOV.UK "Check answers").
CHANGEABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "swap_confirm": {
        "when": ("swap_visit", "swap_period"),
        "drop": ("swap_drop",),
        "add": ("swap_add",),
    },
    "reassess_confirm": {
        "reason": ("reassess_reason",),
        "text": ("reassess_text",),
        "relative": ("reassess_relative",),
        "time": ("reassess_time",),
    },
    "call_confirm": call_back.CHANGEABLE,
    # Under Ældreloven: when, and what matters most (its kind and element are asked again
    # after it, as the steps after a changed answer are).
    "priority_confirm": {
        "when": ("priority_visit", "priority_period"),
        "what": ("priority_what",),
    },
    # A new relative's consent (seed 002 section 10). Going back to the CPR question shows
    # the number typed then, as "Gå et trin tilbage" does; it is forgotten as before.
    "relative_confirm": {
        "name": ("relative_name",),
        "relation": ("relative_relation",),
        "cpr": ("relative_cpr",),
        "scope": ("relative_scope",),
        "when": ("relative_from",),
    },
}


def changeable(state: State) -> dict[str, str]:
    """The summary's lines that can be changed now, and the step each goes back to."""
    asked = {entry.get("step") for entry in state.stack}
    return {
        line: next(step for step in steps if step in asked)
        for line, steps in CHANGEABLE.get(state.step, {}).items()
        if asked & set(steps)
    }


def back_to(ctx: Context, state: State, step: str) -> tuple[State, list[Message]]:
    """Go back to an earlier step of this path (a summary's "Ændr"): its question is asked
    again with the answer given then; the steps after it are asked again after it."""
    at = next(
        (i for i in range(len(state.stack) - 1, -1, -1) if state.stack[i].get("step") == step), None
    )
    if at is None:
        return back(ctx, state)
    previous = state.stack[at]
    new_state = State(step, {**previous["data"], GIVEN: previous.get("given")}, state.stack[:at])
    return new_state, [
        Message("answer", N_("I want to change an answer")),
        *entering(ctx, new_state.step, new_state.data),
    ]


def call_me(ctx: Context, state: State) -> tuple[State, list[Message]]:
    """ "Ring mig op" from any step (issue 13): the call-me-back path, as a new path."""
    del state  # a new path: nothing of the last one is kept, a typed CPR number included
    new_state = State(call_back.START, {}, [])
    return new_state, [
        Message("answer", N_("Ask the visitation to call me")),
        *entering(ctx, new_state.step, new_state.data),
    ]


def back(ctx: Context, state: State) -> tuple[State, list[Message]]:
    """Go back one step: the previous question is asked again with its answers then."""
    if not state.stack:
        return state, [
            Message("answer", N_("Go back one step")),
            Message("text", N_("You are at the beginning.")),
            *entering(ctx, state.step, state.data),
        ]
    previous = state.stack[-1]
    data = {**previous["data"], GIVEN: previous.get("given")}
    new_state = State(previous["step"], data, state.stack[:-1])
    return new_state, [
        Message("answer", N_("Go back one step")),
        *entering(ctx, new_state.step, new_state.data),
    ]
