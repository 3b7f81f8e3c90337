"""The reassessment path: ask for the help to be looked at again (rule 7; seed 002 section 6,
deadlines in working days).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from selvvisitation.domain.dialogue_steps.menu import YES_NO, _menu_step
from selvvisitation.domain.dialogue_steps.primitives import (
    GOOD_TIMES,
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
    _text,
    _words,
    choice_step,
)
from selvvisitation.domain.types import ReassessmentReason

# --- Ask for a reassessment (rule 7; 002 section 6, deadlines in working days) -----------

REASON_LABELS = {
    ReassessmentReason.MORE_HELP.value: N_("I need more help"),
    ReassessmentReason.LESS_HELP.value: N_("I need less help"),
    ReassessmentReason.HELP_DOES_NOT_FIT.value: N_("The help does not fit me"),
    ReassessmentReason.OTHER.value: N_("Something else"),
}


def _reassess_reason_intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    if not ctx.reassessments:
        return []
    return [Message("reassessments", "", {"requests": list(ctx.reassessments)})]


def _reassess_text_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Tell us in your own words what has changed"),
        "text",
        text_label=N_("What has changed"),
        # Her words from a wish outside the forløb, carried over (DOMAIN.md "Ældreloven").
        text_value=data.get("prefill_text") or "",
    )


def _reassess_text_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    text = _text(answer, N_("Write what has changed"))
    if isinstance(text, Invalid):
        return text
    return Go("reassess_relative", _words(text), data={"text": text})


TIME_LABELS = {
    "morning": N_("In the morning"),
    "afternoon": N_("In the afternoon"),
    "any_time": N_("Any time"),
}


def _reassess_time_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("When is a good time for us to talk with you?"),
        "choice_or_text",
        tuple(Option(value, TIME_LABELS[value]) for value in GOOD_TIMES),
        text_label=N_("Or write a good time"),
    )


def _reassess_time_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False)
    if isinstance(text, Invalid):
        return text
    if text:
        return Go("reassess_confirm", _words(text), data={"time": text})
    option = _one_choice(question, answer, N_("Choose a good time, or write one"))
    if isinstance(option, Invalid):
        return option
    return Go("reassess_confirm", _said(option), data={"time": option.value})


def _reassess_confirm_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "reassessment_summary",
            "",
            {
                "reason": data.get("reason"),
                "text": data.get("text"),
                "relative": data.get("relative"),
                "time": data.get("time"),
                "phone": ctx.phones.get("citizen", ""),
                "visitation_phone": ctx.phones.get("visitation", ""),
            },
        )
    ]


def _reassess_confirm_lead(option: Option) -> Go:
    if option.value == "cancel":
        return Go(
            "menu",
            _said(option),
            fresh=True,
            messages=(Message("text", N_("The request was not sent.")),),
        )
    return Go("reassess_done", _said(option), effect="submit_reassessment")


def _reassess_done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [Message("reassessment_receipt", "", {"deadline": data.get("deadline")})]


STEPS: tuple[Step, ...] = (
    choice_step(
        "reassess_reason",
        N_("Why would you like your help looked at again?"),
        tuple(Option(value, label) for value, label in REASON_LABELS.items()),
        N_("Choose why"),
        lambda o: Go("reassess_text", _said(o), data={"reason": o.value}),
        _reassess_reason_intro,
    ),
    Step("reassess_text", _reassess_text_ask, _reassess_text_handle),
    choice_step(
        "reassess_relative",
        N_("Would you like a relative to take part?"),
        YES_NO,
        N_("Choose yes or no"),
        lambda o: Go("reassess_time", _said(o), data={"relative": o.value == "yes"}),
        # Issue 12 item 10: what taking part means, in her words.
        hint=N_(
            "A relative, for example your daughter or a neighbour, can be there when we "
            "talk with you about your help. You decide."
        ),
    ),
    Step("reassess_time", _reassess_time_ask, _reassess_time_handle),
    choice_step(
        "reassess_confirm",
        N_("Do you want to send the request?"),
        (
            Option("send", N_("Yes, send the request")),
            Option("cancel", N_("No, do not send it")),
        ),
        N_("Choose whether to send the request"),
        _reassess_confirm_lead,
        _reassess_confirm_intro,
    ),
    _menu_step("reassess_done", _reassess_done_intro),
)
