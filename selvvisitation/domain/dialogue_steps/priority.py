"""The dialogue's path for a citizen under Ældreloven: "Det vigtigste for mig ved næste besøg".

Under Ældreloven the § 94 a swap falls away (DOMAIN.md "Ældreloven", Serviceloven § 2 stk. 5);
the citizen sets priorities for coming visits within her forløb instead (domain.priority_rules).
One question per step, as in the swap path, whose visit and period questions these steps use:

    priority_visit → (priority_period) → priority_what → (priority_element → priority_kind)
                   → priority_confirm → priority_done
    priority_what (her own words outside the forløb) → priority_outside → reassess_reason …

No minutes are shown or counted. Before sending she is told that the worker decides on the
day what is safe (forsvarligt).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from selvvisitation.domain import priority_rules
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
    VisitInfo,
    _one_choice,
    _said,
    _text,
    _words,
)
from selvvisitation.domain.dialogue_steps.swap import _coming_visits, _swap_period_ask
from selvvisitation.domain.types import PriorityKind

SHOWN_VISITS = 5  # the next visits offered; the rest via a period (issue 12: short lists)

KIND_OPTIONS: Mapping[PriorityKind, str] = {
    PriorityKind.FIRST: N_("Have it first"),
    PriorityKind.MORE: N_("More of it"),
    PriorityKind.LESS: N_("Less of it"),
    PriorityKind.SKIP: N_("Skip it this time"),
}


def bilingual(da: str, en: str) -> dict[str, str]:
    """A name stored in both languages; shown in the reader's (citizen.texts)."""
    return {"da": da, "en": en}


def _element(ctx: Context, element_id: int | None) -> priority_rules.ElementInfo | None:
    return next((e for e in ctx.elements if e.id == element_id), None)


def _element_name(element: priority_rules.ElementInfo | None) -> dict[str, str] | None:
    return bilingual(element.name_da, element.name_en) if element else None


def _visit(ctx: Context, data: Mapping[str, Any]) -> VisitInfo | None:
    return next((v for v in ctx.visits if v.id == data.get("visit_id")), None)


def _period(data: Mapping[str, Any]) -> tuple[date, date] | None:
    period = data.get("period")
    return (date.fromisoformat(period[0]), date.fromisoformat(period[1])) if period else None


def draft_of(data: Mapping[str, Any]) -> priority_rules.PriorityDraft:
    """The priority the answers so far describe."""
    return priority_rules.PriorityDraft(
        kind=PriorityKind(data["kind"]),
        visit_id=data.get("visit_id"),
        period=_period(data),
        element_id=data.get("element_id"),
        text=data.get("text") or "",
    )


def problems_of(ctx: Context, data: Mapping[str, Any]) -> list[str]:
    """The rules' problems with the priority (domain.priority_rules.check_priority)."""
    return priority_rules.check_priority(
        draft_of(data),
        today=ctx.today,
        elements=ctx.elements,
        visits=tuple(priority_rules.ComingVisit(v.id, v.day, v.elements) for v in ctx.visits),
        examples=[da for da, _en in ctx.examples],
        existing=ctx.priorities,
    )


def refusal(problems: list[str]) -> Invalid:
    """The first problem in plain words (domain.priority_rules.PROBLEM_MESSAGES)."""
    return Invalid(
        "answer",
        priority_rules.PROBLEM_MESSAGES[problems[0]],
        {"max": priority_rules.MAX_OWN_WORDS},
    )


def _checked(ctx: Context, data: Mapping[str, Any], echo: Message) -> Go | Invalid:
    problems = problems_of(ctx, data)
    return refusal(problems) if problems else Go("priority_confirm", echo, data=data)


# --- Which visit, or a period -----------------------------------------------------------


def _intro(_ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    return [Message("text", priority_rules.TEXT_INTRO)]


def _visit_ask(ctx: Context, _data: Mapping[str, Any]) -> Question:
    visits = _coming_visits(ctx)[:SHOWN_VISITS]
    options = tuple(
        Option(
            str(v.id),
            N_("%(date)s at %(start)s"),
            {"date": v.day.isoformat(), "start": v.starts_at.isoformat()},
        )
        for v in visits
    ) + (Option("period", N_("For a period, at every visit")),)
    text = N_("Which visit is it about?") if visits else N_("You have no coming visits yet.")
    return Question(text, "choice", options)


def _visit_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if answer.choice.isdigit() and question.option(answer.choice) is None:
        return Invalid("answer", priority_rules.PROBLEM_MESSAGES["visit_not_coming"])
    option = _one_choice(question, answer, N_("Choose a visit"))
    if isinstance(option, Invalid):
        return option
    if option.value == "period":
        return Go("priority_period", _said(option))
    return Go("priority_what", _said(option), data={"visit_id": int(option.value), "period": None})


def _period_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose how long"))
    if isinstance(option, Invalid):
        return option
    period = [option.params["start"], option.params["end"]]
    return Go("priority_what", _said(option), data={"visit_id": None, "period": period})


# --- What matters most ---------------------------------------------------------------------


def _what_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    options = [Option("element", N_("Something in my help: first, more, less or skip it"))]
    options += [
        Option(f"example:{i}", N_("%(example)s"), {"example": bilingual(da, en)})
        for i, (da, en) in enumerate(ctx.examples)
    ]
    return Question(
        N_("What matters most to you?"),
        "choice_or_text",
        tuple(options),
        text_label=N_("Or write in your own words what matters most to you"),
        text_hint=N_("For example: I would like to have a bath before breakfast"),
        text_value=data.get("prefill_words") or "",
    )


def _what_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False, limit=priority_rules.MAX_OWN_WORDS)
    if isinstance(text, Invalid):
        return text
    if not answer.choice and not text:
        return Invalid("answer", N_("Choose what matters most to you, or write it"))
    if answer.choice:
        option = _one_choice(question, answer, "")
        if isinstance(option, Invalid):
            return option
        if option.value == "element":
            return Go("priority_element", _said(option))
        da, _en = ctx.examples[int(option.value.split(":", 1)[1])]
        chosen = {"kind": PriorityKind.EXAMPLE.value, "text": da, "element_id": None}
        chosen["example"] = option.params["example"]
        return _checked(ctx, {**data, **chosen}, _said(option))
    reading = priority_rules.read_wish(
        text, covered=ctx.wish_covered, not_covered=ctx.wish_not_covered, language=ctx.language
    )
    if reading.outside:
        # Law (DOMAIN.md "Ældreloven"): substantially different help is for the visitation.
        return Go("priority_outside", _words(text), data={"words": reading.words})
    own = {"kind": PriorityKind.OWN_WORDS.value, "text": text, "element_id": None}
    return _checked(ctx, {**data, **own}, _words(text))


def _element_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    visit = _visit(ctx, data)
    planned = set(visit.elements) if visit is not None and visit.elements else None
    shown = [e for e in ctx.elements if planned is None or e.id in planned] or list(ctx.elements)
    options = tuple(
        Option(str(e.id), N_("%(element)s"), {"element": bilingual(e.name_da, e.name_en)})
        for e in shown
    )
    return Question(N_("Which part of your help is it about?"), "choice", options)


def _element_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, priority_rules.PROBLEM_MESSAGES["element_missing"])
    if isinstance(option, Invalid):
        return option
    return Go("priority_kind", _said(option), data={"element_id": int(option.value)})


def _kind_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    kinds = [k for k in KIND_OPTIONS if k is not PriorityKind.SKIP or data.get("visit_id")]
    element = _element_name(_element(ctx, data.get("element_id")))
    return Question(
        N_("What would you like with %(element)s?"),
        "choice",
        tuple(Option(k.value, KIND_OPTIONS[k]) for k in kinds),
        params={"element": element},
    )


def _kind_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose what you would like"))
    if isinstance(option, Invalid):
        return option
    return _checked(ctx, {**data, "kind": option.value, "text": ""}, _said(option))


# --- Outside the forløb: the visitation, with her words -------------------------------------


def _outside_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message("text", N_("You wrote: “%(words)s”"), {"words": data.get("words", "")}),
        Message("text", priority_rules.TEXT_OUTSIDE),
    ]


def _outside_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("What would you like to do?"),
        "choice",
        (
            Option("reassessment", N_("Ask the visitation to look at my help")),
            Option("again", N_("Write it in other words")),
        ),
    )


def _outside_handle(
    _ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose what you would like to do"))
    if isinstance(option, Invalid):
        return option
    if option.value == "again":
        return Go("priority_what", _said(option), data={"prefill_words": data.get("words")})
    # Her words go with her to the reassessment: filled in where she is asked what changed.
    return Go(
        "reassess_reason", _said(option), data={"prefill_text": data.get("words")}, fresh=True
    )


# --- Check your answers, send, receipt ---------------------------------------------------------


def summary(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the confirmation and the receipt show: when, and what matters most."""
    visit = _visit(ctx, data)
    return {
        "visit": {"date": visit.day.isoformat(), "start": visit.starts_at.isoformat()}
        if visit
        else None,
        "period": data.get("period"),
        "kind": data.get("kind"),
        "element": _element_name(_element(ctx, data.get("element_id"))),
        "example": data.get("example"),
        "text": data.get("text") or "",
    }


def _confirm_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message("priority_summary", "", summary(ctx, data)),
        # Reading (DOMAIN.md "Ældreloven"): the worker decides on the spot what is safe.
        Message("notice", priority_rules.TEXT_FORSVARLIGT),
    ]


def _confirm_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Do you want to send it?"),
        "choice",
        (Option("send", N_("Yes, send it")), Option("cancel", N_("No, do not send it"))),
    )


def _confirm_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose whether to send it"))
    if isinstance(option, Invalid):
        return option
    if option.value == "cancel":
        return Go(
            "menu",
            _said(option),
            fresh=True,
            messages=(Message("text", N_("It was not sent.")),),
        )
    problems = problems_of(ctx, data)  # the visit may have passed while she read
    if problems:
        return refusal(problems)
    return Go(
        "priority_done",
        _said(option),
        data={"summary": summary(ctx, data)},
        effect="submit_priority",
    )


def _done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "priority_receipt",
            "",
            {"reference": data.get("reference", ""), **(data.get("summary") or {})},
        )
    ]


STEPS: tuple[Step, ...] = (
    Step("priority_visit", _visit_ask, _visit_handle, _intro),
    # The periods are the swap's: one, two or four weeks (reading; priority_rules.MAX_PERIOD_DAYS).
    Step("priority_period", _swap_period_ask, _period_handle),
    Step("priority_what", _what_ask, _what_handle),
    Step("priority_element", _element_ask, _element_handle),
    Step("priority_kind", _kind_ask, _kind_handle),
    Step("priority_outside", _outside_ask, _outside_handle, _outside_intro),
    Step("priority_confirm", _confirm_ask, _confirm_handle, _confirm_intro),
    _menu_step("priority_done", _done_intro),
)
PRIORITY_STEPS = frozenset(step.name for step in STEPS)
