""" "Ring mig op": the dialogue's path for asking the visitation to call (issue 13).

A person at the end of every road: the path is on the menu, the matcher's CALL_BACK intent
("ring mig op", "jeg vil tale med et menneske") starts it, and it is offered on every
refusal and after every "Det forstod jeg ikke". One question per step, as in the other paths:

    call_phone → call_time → call_text → call_confirm (check your answers, "Ændr") → call_done

The number is prefilled from the record of the one asking: the citizen's own, or, when a
relative with consent to act asks, the relative's. The relative is the one who wants to
talk, and the citizen may be the reason a relative acts at all; the citizen is told that
the relative asked (services.dialogue_effects, the "relative acted" notice). Sending opens a case
for the visitation with a deadline in working days (DOMAIN.md "Decisions, deadlines":
deadlines are counted in hverdage); the deadline is shown before she sends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from selvvisitation.domain.dialogue_steps.consent import _confirmed
from selvvisitation.domain.dialogue_steps.menu import _menu_step
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
)
from selvvisitation.domain.dialogue_steps.reassessment import TIME_LABELS

MAX_CALL_TEXT = 300  # characters about what the call concerns: a line for the visitator
START = "call_phone"

# A Danish number: eight digits, written with any spaces, dashes or dots, with or without
# the country code +45 / 0045 (the Danish numbering plan has no area codes).
_SEPARATORS = re.compile(r"[\s\-./()]")
_DANISH = re.compile(r"(?:\+45|0045)?([0-9]{8})")  # ASCII digits only: \d takes "٤" too

PHONE_PROBLEMS = {
    "empty": N_("Write the phone number we should call"),
    "format": N_("Write a Danish phone number with 8 digits, for example 12 34 56 78"),
}


def danish_phone(text: str) -> str | None:
    """The number written as "12 34 56 78", or None when it is not a Danish phone number."""
    match = _DANISH.fullmatch(_SEPARATORS.sub("", text or ""))
    if match is None:
        return None
    digits = match.group(1)
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))


def own_number(ctx: Context) -> str:
    """The number on record for the one asking: the relative's own, or the citizen's."""
    number = ctx.phones.get("citizen" if ctx.is_citizen else "relative", "")
    return danish_phone(number) or number


# --- The steps ----------------------------------------------------------------------------


def _intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    said = (
        Message(
            "text",
            N_(
                "I can ask the visitation to call you. A person from the visitation calls "
                "you, and you can talk about anything to do with your help."
            ),
        )
        if ctx.is_citizen
        else Message(  # a relative: about the citizen, by name (issue 12 item 6)
            "text",
            N_(
                "I can ask the visitation to call you. A person from the visitation calls "
                "you, and you can talk about anything to do with %(owner)s help."
            ),
            {"owner": ctx.citizen_name},
        )
    )
    return [
        said,
        # Issue 14: or write a message, where the visitation or the team answer.
        Message("write_link", ""),
    ]


def _phone_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Which number should we call?"),
        "line",
        text_label=N_("Phone number"),
        hint=N_("Check the number. You can change it. For example 12 34 56 78.")
        if own_number(ctx)
        else N_("Write a Danish phone number, for example 12 34 56 78."),
        text_value=data.get("call_phone") or own_number(ctx),
        inputmode="tel",
    )


def _phone_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    if not answer.text.strip():
        return Invalid("text", PHONE_PROBLEMS["empty"])
    phone = danish_phone(answer.text)
    if phone is None:
        return Invalid("text", PHONE_PROBLEMS["format"])
    return Go("call_time", _words(phone), data={"call_phone": phone})


def _time_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("When is a good time to call?"),
        "choice",
        tuple(Option(value, TIME_LABELS[value]) for value in GOOD_TIMES),
    )


def _time_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose a good time"))
    if isinstance(option, Invalid):
        return option
    return Go("call_text", _said(option), data={"call_time": option.value})


def _text_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("What would you like to talk about?"),
        "text",
        text_label=N_("What it is about (you may leave it empty)"),
        hint=N_("For example: I would like to talk about my bath"),
    )


def _text_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False, limit=MAX_CALL_TEXT)
    if isinstance(text, Invalid):
        return text
    echo = _words(text) if text else Message("answer", N_("I will say it on the phone"))
    return Go("call_confirm", echo, data={"call_text": text})


def summary(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """What she checks before sending: the number, the time, her words, and by when."""
    return {
        "phone": data.get("call_phone", ""),
        "time": data.get("call_time", ""),
        "text": data.get("call_text", ""),
        "deadline": ctx.call_back_by.isoformat() if ctx.call_back_by else None,
    }


def _confirm_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [Message("call_back_summary", "", summary(ctx, data))]


def _confirm_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Do you want the visitation to call you?"),
        "choice",
        (
            Option("send", N_("Yes, ask them to call me")),
            Option("cancel", N_("No, do not send it")),
        ),
    )


def _confirm_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    return _confirmed(
        question,
        answer,
        N_("Choose whether to send it"),
        cancel="cancel",
        cancelled=N_("It was not sent."),
        step="call_done",
        effect="request_call_back",
    )


def _done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "call_back_receipt",
            "",
            {"reference": data.get("reference", ""), "deadline": data.get("deadline")},
        )
    ]


STEPS: tuple[Step, ...] = (
    Step("call_phone", _phone_ask, _phone_handle, _intro),
    Step("call_time", _time_ask, _time_handle),
    Step("call_text", _text_ask, _text_handle),
    Step("call_confirm", _confirm_ask, _confirm_handle, _confirm_intro),
    _menu_step("call_done", _done_intro),
)
CHANGEABLE: dict[str, tuple[str, ...]] = {
    "phone": ("call_phone",),
    "time": ("call_time",),
    "text": ("call_text",),
}
