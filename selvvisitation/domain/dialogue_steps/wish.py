"""The wish path: a wish for my visits, in my own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from selvvisitation.domain.dialogue_steps.menu import _menu_step
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
    _said,
    _text,
    _words,
    choice_step,
)

# --- A wish for my visits -------------------------------------------------------------


WISH_LABELS = {
    "time": N_("The time of my visits"),
    "clothing": N_("What I would like to wear"),
    "worker": N_("Which home-care worker comes"),
    "routine": N_("My habits and routines"),
    "other": N_("Something else"),
}


def _wish_text_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Write your wish"),
        "text",
        text_label=N_("Your wish"),
        hint=N_("For example: I would like to be helped before 9 o'clock"),
        submit=N_("Save the wish"),
    )


def _wish_text_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    text = _text(answer, N_("Write your wish"))
    if isinstance(text, Invalid):
        return text
    return Go("wish_done", _words(text), data={"wish_text": text}, effect="save_wish")


def _wish_done_intro(_ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "text",
            N_("Thank you. Your wish is saved. The home-care staff see it before they visit you."),
        )
    ]


STEPS: tuple[Step, ...] = (
    choice_step(
        "wish_kind",
        N_("What is your wish about?"),
        tuple(Option(kind, label) for kind, label in WISH_LABELS.items()),
        N_("Choose what your wish is about"),
        lambda o: Go("wish_text", _said(o), data={"wish_kind": o.value}),
    ),
    Step("wish_text", _wish_text_ask, _wish_text_handle),
    _menu_step("wish_done", _wish_done_intro),
)
