"""The new-relative path: the citizen names a relative and gives consent (seed 002 sections 10
and 16; 004 §2.1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from selvvisitation.domain.cpr import CprError, birth_date, mask_cpr, normalise_cpr
from selvvisitation.domain.dates import parse_day
from selvvisitation.domain.dialogue_steps.consent import _confirmed
from selvvisitation.domain.dialogue_steps.menu import _menu_step
from selvvisitation.domain.dialogue_steps.primitives import (
    MAX_NAME,
    MAX_RELATION,
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
from selvvisitation.domain.types import RelationKind

# --- A new relative (002 sections 10 and 16; 004 §2.1.1) ---------------------------------
# Only the citizen gives consent. The relative signs in with MitID later, which finds
# them by their CPR number (services/mitid_sign_in.person_for); the CPR number is kept in
# the state only until the consent is saved, the path is left, or the conversation is left
# unfinished for too long (forget_cpr), and is shown masked (domain/cpr.mask_cpr).

# The quick replies; the one chosen is stored as its RelationKind value.
RELATIONS = {
    RelationKind.CHILD.value: N_("My child"),
    RelationKind.PARTNER.value: N_("My spouse or partner"),
    RelationKind.SIBLING.value: N_("My brother or sister"),
    RelationKind.GRANDCHILD.value: N_("My grandchild"),
    RelationKind.FRIEND.value: N_("A friend or neighbour"),
    RelationKind.OTHER.value: N_("Someone else"),
}
SCOPE_LABELS = {
    "see": N_("%(name)s may see my help"),
    "act": N_("%(name)s may see my help and act for me, for example send a swap"),
}
CPR_PROBLEMS = {
    "empty": N_("Write the relative's CPR number"),
    "format": N_("Write the CPR number as 10 digits, for example 010150-1234"),
    "date": N_("The first 6 digits of a CPR number are the date of birth. Check them"),
}
# Steps only the citizen may answer, even when she and a relative share the conversation.
CITIZEN_ONLY_STEPS = frozenset(
    {
        "consent_confirm",
        "relative_name",
        "relative_relation",
        "relative_cpr",
        "relative_scope",
        "relative_from",
        "relative_until",
        "relative_confirm",
    }
)


def _name(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": data.get("relative_name", "")}


def _relative_name_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("What is the name of the relative you want to give consent to?"),
        "line",
        text_label=N_("The relative's full name"),
    )


def _relative_name_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    name = _text(answer, N_("Write the relative's name"), limit=MAX_NAME)
    if isinstance(name, Invalid):
        return name
    return Go("relative_relation", _words(name), data={"relative_name": name})


def _relative_relation_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("How is %(name)s related to you?"),
        "choice_or_text",
        tuple(Option(value, label) for value, label in RELATIONS.items()),
        params=_name(data),
        text_label=N_("Or write how you know %(name)s"),
    )


def _relative_relation_handle(
    _ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False, limit=MAX_RELATION)
    if isinstance(text, Invalid):
        return text
    other = RelationKind.OTHER.value
    if text:  # the user's own words: "other", kept as written
        return Go(
            "relative_cpr",
            _words(text),
            data={"relative_relation": other, "relative_relation_text": text},
        )
    option = _one_choice(question, answer, N_("Choose how you are related, or write it"))
    if isinstance(option, Invalid):
        return option
    if option.value == other:
        return Invalid("text", N_("Write how you know %(name)s"), _name(data))
    return Go(
        "relative_cpr",
        _said(option),
        data={"relative_relation": option.value, "relative_relation_text": ""},
    )


def _relative_cpr_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("What is %(name)s's CPR number?"),
        "line",
        params=_name(data),
        text_label=N_("%(name)s's CPR number"),
        inputmode="numeric",
        hint=N_(
            "%(name)s signs in with MitID. We use the CPR number only to "
            "recognise %(name)s. Write 10 digits, for example 010150-1234."
        ),
    )


def _relative_cpr_handle(
    ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    try:
        cpr = normalise_cpr(answer.text)
    except CprError as problem:
        return Invalid("text", CPR_PROBLEMS[problem.code])
    if birth_date(cpr) > ctx.today:
        return Invalid("text", CPR_PROBLEMS["date"])
    if cpr == ctx.citizen_cpr:
        return Invalid("text", N_("That is your own CPR number. Write your relative's"))
    known = next((c for c in ctx.consents if c.relative_cpr == cpr), None)
    if known is not None:
        return Invalid(
            "text",
            N_(
                "%(name)s is already on your list of relatives. You can "
                'change the consent under "Relatives and consent"'
            ),
            {"name": known.relative_name},
        )
    return Go("relative_scope", _words(mask_cpr(cpr)), data={"relative_cpr": cpr})


def _relative_scope_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("What may %(name)s do?"),
        "choice",
        tuple(Option(v, label, _name(data)) for v, label in SCOPE_LABELS.items()),
        params=_name(data),
    )


def _relative_scope_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose what the relative may do"))
    if isinstance(option, Invalid):
        return option
    return Go("relative_from", _said(option), data={"relative_scope": option.value})


def _example_day(ctx: Context) -> dict[str, Any]:
    day = ctx.today + timedelta(days=7)
    return {"example": f"{day.day}-{day.month}-{day.year}"}


def _day_question(
    ctx: Context, data: Mapping[str, Any], text: str, option: Option, text_label: str
) -> Question:
    return Question(
        text,
        "choice_or_text",
        (option,),
        params={**_name(data), **_example_day(ctx)},
        text_label=text_label,
    )


def _typed_day(
    ctx: Context, answer: Answer, question: Question, empty: str, said: str
) -> tuple[date | None, Message] | Invalid:
    """A date typed as day-month-year, or the one quick reply (None: the reply's meaning)."""
    text = _text(answer, "", required=False, limit=40)
    if isinstance(text, Invalid):
        return text
    if not text:
        option = _one_choice(question, answer, empty)
        return option if isinstance(option, Invalid) else (None, _said(option))
    day = parse_day(text.replace(" ", ""))
    if day is None:
        return Invalid(
            "text",
            N_("Write the date as day-month-year, for example %(example)s"),
            _example_day(ctx),
        )
    if day < ctx.today:
        return Invalid("text", N_("That day has passed. Write today's date or a later one"))
    return day, Message("answer", said, {"date": day.isoformat()})


def _relative_from_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    return _day_question(
        ctx,
        data,
        N_("From when may %(name)s see your help?"),
        Option("today", N_("From today")),
        N_("Or write the first day (day-month-year, for example %(example)s)"),
    )


def _relative_from_handle(
    ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    typed = _typed_day(
        ctx, answer, question, N_("Choose from today, or write the first day"), N_("From %(date)s")
    )
    if isinstance(typed, Invalid):
        return typed
    day, echo = typed
    return Go("relative_until", echo, data={"relative_from": (day or ctx.today).isoformat()})


def _relative_until_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    return _day_question(
        ctx,
        data,
        N_("Until when may %(name)s see your help?"),
        Option("none", N_("Until I withdraw the consent")),
        N_("Or write the last day (day-month-year, for example %(example)s)"),
    )


def _relative_until_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    typed = _typed_day(
        ctx,
        answer,
        question,
        N_("Choose until you withdraw it, or write the last day"),
        N_("Until %(date)s"),
    )
    if isinstance(typed, Invalid):
        return typed
    day, echo = typed
    first = data.get("relative_from") or ctx.today.isoformat()
    if day is not None and day < date.fromisoformat(first):
        return Invalid(
            "text", N_("The last day cannot be before the first day, %(date)s"), {"date": first}
        )
    return Go("relative_confirm", echo, data={"relative_until": day.isoformat() if day else None})


def _relative_confirm_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    cpr = data.get("relative_cpr") or ""
    return [
        Message(
            "relative_summary",
            "",
            {
                "name": data.get("relative_name", ""),
                "relation": data.get("relative_relation"),
                "relation_text": data.get("relative_relation_text", ""),
                "masked_cpr": mask_cpr(cpr),
                "scope": data.get("relative_scope"),
                "start": data.get("relative_from"),
                "end": data.get("relative_until"),
            },
        ),
        Message(
            "notice",
            N_(
                "%(name)s signs in with MitID and then sees what the consent "
                "covers. You can withdraw the consent at any time here."
            ),
            _name(data),
        ),
    ]


def _relative_confirm_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Do you want to give %(name)s this consent?"),
        "choice",
        (Option("save", N_("Yes, give the consent")), Option("cancel", N_("No, do not save it"))),
        params=_name(data),
    )


def _relative_confirm_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    return _confirmed(
        question,
        answer,
        N_("Choose whether to give the consent"),
        cancel="cancel",
        cancelled=N_("Nothing was saved."),
        step="relative_done",
        effect="add_relative",
    )


def _relative_done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "text",
            N_(
                "Done. %(name)s is on your list of relatives, and the "
                "consent is saved in your history."
            ),
            _name(data),
        )
    ]


STEPS: tuple[Step, ...] = (
    Step("relative_name", _relative_name_ask, _relative_name_handle),
    Step("relative_relation", _relative_relation_ask, _relative_relation_handle),
    Step("relative_cpr", _relative_cpr_ask, _relative_cpr_handle),
    Step("relative_scope", _relative_scope_ask, _relative_scope_handle),
    Step("relative_from", _relative_from_ask, _relative_from_handle),
    Step("relative_until", _relative_until_ask, _relative_until_handle),
    Step(
        "relative_confirm",
        _relative_confirm_ask,
        _relative_confirm_handle,
        _relative_confirm_intro,
    ),
    _menu_step("relative_done", _relative_done_intro),
)
