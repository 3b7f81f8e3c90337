"""The consent path: what a relative may see and do for the citizen (seed 002 sections 10 and
16; 004 §2.1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from selvvisitation.domain.dialogue_steps.menu import (
    YES_NO,
    _menu_handle,
    _menu_question,
    _menu_step,
)
from selvvisitation.domain.dialogue_steps.primitives import (
    N_,
    Answer,
    Context,
    Go,
    Invalid,
    Message,
    Option,
    Question,
    Step,
    _one_choice,
    _said,
)

# --- Relatives and consent (002 sections 10 and 16; 004 §2.1.1) --------------------------


def _consent_intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "consents",
            "",
            {
                "consents": [
                    {
                        "name": c.relative_name,
                        "relation": c.relation,
                        "relation_text": c.relation_text,
                        "scope": c.scope,
                        "active": c.active,
                        "starts": c.starts,
                        "ends": c.ends,
                    }
                    for c in ctx.consents
                ],
                "actions": list(ctx.relative_actions),
                "is_citizen": ctx.is_citizen,
            },
        )
    ]


def _consent_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    if not ctx.is_citizen:
        # Only the citizen gives and withdraws consent; a relative sees what it covers.
        return _menu_question(N_("Is there anything else I can help you with?"))(ctx, data)
    options: list[Option] = []
    for c in ctx.consents:
        params = {"name": c.relative_name}
        if c.current:
            options.append(Option(f"withdraw:{c.id}", N_("Withdraw %(name)s's consent"), params))
            if c.scope == "see":
                options.append(Option(f"act:{c.id}", N_("Let %(name)s also act for me"), params))
            else:
                options.append(Option(f"see:{c.id}", N_("Let %(name)s only see my help"), params))
        else:
            options.append(Option(f"see:{c.id}", N_("Let %(name)s see my help again"), params))
            options.append(
                Option(f"act:{c.id}", N_("Let %(name)s see and act for me again"), params)
            )
    options.append(Option("new", N_("Give consent to a new relative")))
    options.append(Option("nothing", N_("Change nothing")))
    return Question(N_("Would you like to change a consent?"), "choice", tuple(options))


def _consent_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if not ctx.is_citizen:
        return _menu_handle(ctx, data, answer, question)
    option = _one_choice(question, answer, N_("Choose what you would like to change"))
    if isinstance(option, Invalid):
        return option
    if option.value == "nothing":
        return Go("menu", _said(option), fresh=True)
    if option.value == "new":
        return Go("relative_name", _said(option), fresh=True)
    action, consent_id = option.value.split(":")
    return Go(
        "consent_confirm",
        _said(option),
        data={
            "consent_action": action,
            "consent_id": int(consent_id),
            "consent_name": option.params["name"],
        },
    )


CONSENT_QUESTIONS = {
    "withdraw": N_(
        "%(name)s will no longer be able to see your help or act for you. "
        "Do you want to withdraw the consent?"
    ),
    "see": N_("%(name)s will be able to see your help, but not act for you. Is that right?"),
    "act": N_(
        "%(name)s will be able to see your help and act for you, for example send a "
        "swap. Is that right?"
    ),
}


def _consent_confirm_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        CONSENT_QUESTIONS[data.get("consent_action", "withdraw")],
        "choice",
        YES_NO,
        params={"name": data.get("consent_name", "")},
    )


def _confirmed(
    question: Question,
    answer: Answer,
    empty: str,
    *,
    cancel: str,
    cancelled: str,
    step: str,
    effect: str,
) -> Go | Invalid:
    """A confirmation: the effect is carried out, or nothing changes and the menu follows."""
    option = _one_choice(question, answer, empty)
    if isinstance(option, Invalid):
        return option
    if option.value == cancel:
        return Go("menu", _said(option), fresh=True, messages=(Message("text", cancelled),))
    return Go(step, _said(option), effect=effect)


def _consent_confirm_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    return _confirmed(
        question,
        answer,
        N_("Choose yes or no"),
        cancel="no",
        cancelled=N_("Nothing was changed."),
        step="consent_done",
        effect="change_consent",
    )


def _consent_done_intro(_ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "text", N_("Done. The consent is changed, and the change is saved in your history.")
        )
    ]


STEPS: tuple[Step, ...] = (
    Step("consent", _consent_ask, _consent_handle, _consent_intro),
    Step("consent_confirm", _consent_confirm_ask, _consent_confirm_handle),
    _menu_step("consent_done", _consent_done_intro),
)
