"""The menu, understanding the citizen's own words ("I understood: … Is that right?", "which
way?"), and the steps that show something and then offer the menu again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

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
    _text,
    _words,
)
from selvvisitation.domain.understanding import Intent, understand

# --- The menu, and steps that show something and then offer the menu again -------------

MENU_PATHS: tuple[tuple[str, str, bool], ...] = (
    # (value, label, needs the right to act)
    ("my_help", N_("See my help and my next visits"), False),
    ("swap", N_("Swap a service for something else"), True),
    ("wish", N_("A wish for my visits"), True),
    ("reassessment", N_("Ask for a reassessment of my help"), True),
    ("consent", N_("Relatives and consent"), False),
    ("rights", N_("Your rights"), False),
    # Issue 13: a person at the end of every road.
    ("call_back", N_("Ask the visitation to call me"), True),
)
# A relative's words for the same replies: about the citizen, by name, never "my" (issue 12
# item 6). "owner" is her name in the genitive ("Inger Jensens"), made in the reader's language.
RELATIVE_MENU_LABELS = {
    "my_help": N_("See %(owner)s help and next visits"),
    "wish": N_("A wish for %(owner)s visits"),
    "reassessment": N_("Ask for a reassessment of %(owner)s help"),
    "priority": N_("What matters most to %(name)s at the next visits"),
    "rights": N_("%(owner)s rights"),
}
# Under Ældreloven the swap is replaced by "Det vigtigste for mig ved næste besøg".
AEL_MENU_PATHS: tuple[tuple[str, str, bool], ...] = tuple(
    ("priority", N_("What matters most to me at my next visits"), True)
    if value == "swap"
    else (value, label, acts)
    for value, label, acts in MENU_PATHS
)
PATH_START = {
    "my_help": "my_help",
    "swap": "swap_when",
    "priority": "priority_visit",
    "wish": "wish_kind",
    "reassessment": "reassess_reason",
    "consent": "consent",
    "rights": "rights",
    "call_back": "call_phone",
}
INTENT_PATH = {
    Intent.SWAP: "swap",
    Intent.WISH: "wish",
    Intent.REASSESSMENT: "reassessment",
    Intent.MY_HELP: "my_help",
    Intent.RIGHTS: "rights",
    Intent.CONSENT: "consent",
}
# Intents answered at once, without "I understood: … Is that right?" (issue 13): who has
# looked at my data goes to the access log; help shows the menu again; "ring mig op" and
# "jeg vil tale med et menneske" start the call-me-back path, which asks before it sends.
INTENT_ANSWER = {
    Intent.ACCESS_LOG: "access_log",
    Intent.HELP: "menu",
    Intent.CALL_BACK: "call_phone",
}
# Words that cannot be understood are answered with the menu and a way to a person.
NOT_UNDERSTOOD = (
    Message(
        "text",
        N_(
            "Sorry, I did not understand that. Please choose "
            "one of the answers, or write it in other words."
        ),
    ),
    Message("call_back_offer", N_("Or ask the visitation to call you.")),
)


def _menu_option(ctx: Context, value: str, label: str) -> Option:
    if ctx.is_citizen or value not in RELATIVE_MENU_LABELS:
        return Option(value, label)
    names = {"owner": ctx.citizen_name, "name": ctx.citizen_name}
    return Option(value, RELATIVE_MENU_LABELS[value], names)


def _menu_question(text: str) -> Callable[[Context, Mapping[str, Any]], Question]:
    def ask(ctx: Context, _data: Mapping[str, Any]) -> Question:
        paths = AEL_MENU_PATHS if ctx.is_ael else MENU_PATHS
        options = tuple(
            _menu_option(ctx, value, label)
            for value, label, acts in paths
            if ctx.may_act or not acts
        )
        return Question(
            text,
            "choice_or_text",
            options,
            text_label=N_("Or write in your own words what you would like"),
            text_hint=N_("For example: I would rather go for a walk than have the vacuuming done"),
        )

    return ask


def _menu_handle(
    ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False)
    if isinstance(text, Invalid):
        return text
    if not answer.choice and not text:
        return Invalid("answer", N_("Choose what you would like help with, or write it"))
    if answer.choice:
        option = _one_choice(question, answer, "")
        if isinstance(option, Invalid):
            return option
        return Go(PATH_START[option.value], _said(option), fresh=True)
    reading = understand(text, ctx.services, ctx.language)
    if reading.intent in INTENT_ANSWER:
        return Go(INTENT_ANSWER[reading.intent], _words(text), fresh=True)
    path = INTENT_PATH.get(reading.intent)
    if ctx.is_ael and path == "swap":
        path = "priority"  # her words become what matters most, checked against the forløb
    if path is None or (path in ("swap", "priority", "wish", "reassessment") and not ctx.may_act):
        return Go("menu", _words(text), messages=NOT_UNDERSTOOD)
    understood = {
        "path": path,
        "drop": list(reading.drop),
        "add": list(reading.add),
        "free_text": reading.free_text_add,
        "weekday": reading.weekday,
        "relative_name": reading.relative_name,
    }
    if ctx.is_ael:
        understood["words"] = text  # carried over to what matters most, or the reassessment
    if path == "swap" and reading.needs_question:
        # Issue 13: unsure which way the swap goes; ask, do not guess.
        understood["other_drop"] = list(reading.alternative_drop)
        understood["other_add"] = list(reading.alternative_add)
        return Go("which_way", _words(text), data={"understood": understood}, fresh=True)
    missing = [c for c in reading.drop if c not in _granted_now(ctx)]
    if path == "swap" and missing:
        # Issue 13 §5: not confirmed as understood; said so, with what comes closest.
        understood["drop"] = [c for c in reading.drop if c not in missing]
        understood["not_granted"] = missing
    return Go("understood", _words(text), data={"understood": understood}, fresh=True)


def _menu_step(
    name: str,
    intro: Callable[[Context, Mapping[str, Any]], list[Message]],
    text: str = N_("Is there anything else I can help you with?"),
) -> Step:
    return Step(name, _menu_question(text), _menu_handle, intro)


# --- "I understood: … Is that right?" ---------------------------------------------------

YES_NO = (Option("yes", N_("Yes")), Option("no", N_("No")))


def _understood_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    understood = dict(data.get("understood") or {})
    return [*_not_granted(ctx, understood), Message("understood", "", understood)]


def _granted_now(ctx: Context) -> set[str]:
    return {g.service_code for g in ctx.granted if g.end is None or g.end >= ctx.today}


def closest_granted(ctx: Context, code: str, limit: int = 3) -> list[str]:
    """The swappable services she is granted, those in the same category as ``code`` first."""
    entry = ctx.catalogue.get(code)
    granted = sorted(
        c
        for c in _granted_now(ctx)
        if (e := ctx.catalogue.get(c)) is not None and e.swappable and c != code
    )
    same = [c for c in granted if entry is not None and ctx.catalogue[c].category == entry.category]
    return [*same, *(c for c in granted if c not in same)][:limit]


def _not_granted(ctx: Context, understood: Mapping[str, Any]) -> list[Message]:
    """Issue 13 §5: a service named to be dropped that she is not granted is said so, with
    the granted services that come closest, instead of being confirmed as understood."""
    missing = understood.get("not_granted") or []
    if not missing:
        return []
    closest = unique(c for code in missing for c in closest_granted(ctx, code))
    if not closest:
        return [
            Message(
                "text",
                N_("You are not granted %(services)s, so you cannot drop it."),
                {"services": missing},
            )
        ]
    return [
        Message(
            "text",
            N_(
                "You are not granted %(services)s, so you cannot drop it. Of the help you "
                "have, this comes closest: %(closest)s."
            ),
            {"services": missing, "closest": closest},
        )
    ]


def unique(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _understood_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(N_("Is that right?"), "choice", YES_NO)


def _understood_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose yes or no"))
    if isinstance(option, Invalid):
        return option
    if option.value == "no":
        return Go(
            "menu",
            _said(option),
            messages=(
                Message("text", N_("Thank you for telling me. Please choose what you would like.")),
            ),
            fresh=True,
        )
    return _into_path(ctx, data.get("understood") or {}, _said(option))


def _into_path(ctx: Context, understood: Mapping[str, Any], echo: Message) -> Go:
    """Start the path understood, with what was understood filled in."""
    path = understood.get("path", "my_help")
    prefill: dict[str, Any] = {}
    if path == "swap":
        prefill = {
            "prefill_drop": understood.get("drop") or [],
            "prefill_add": understood.get("add") or [],
            "prefill_free": understood.get("free_text"),
        }
    if ctx.is_ael and path == "priority":
        prefill = {"prefill_words": understood.get("words")}
    if ctx.is_ael and path == "reassessment":
        prefill = {"prefill_text": understood.get("words")}
    if path == "consent" and understood.get("relative_name"):
        prefill = {"prefill_relative_name": understood["relative_name"]}
    return Go(PATH_START[path], echo, data=prefill)


# --- Unsure which way: "Vil du have A i stedet for B?" Ja / Nej, omvendt (issue 13) ------

WHICH_WAY = (Option("yes", N_("Yes")), Option("reverse", N_("No, the other way round")))


def _which_way_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    understood = data.get("understood") or {}
    return Question(
        N_("Would you like %(add)s instead of %(drop)s?"),
        "choice",
        WHICH_WAY,
        params={"add": understood.get("add") or [], "drop": understood.get("drop") or []},
    )


def _which_way_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose yes, or the other way round"))
    if isinstance(option, Invalid):
        return option
    understood = dict(data.get("understood") or {})
    if option.value == "reverse":
        understood["drop"] = understood.get("other_drop") or []
        understood["add"] = understood.get("other_add") or []
    return _into_path(ctx, understood, _said(option))


# --- Information steps ------------------------------------------------------------------


def _my_help_intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    messages = [Message("my_help_ael" if ctx.is_ael else "my_help", "", dict(ctx.my_help))]
    if ctx.reassessments:
        messages.append(Message("reassessments", "", {"requests": list(ctx.reassessments)}))
    return messages


def _rights_intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    if ctx.is_ael:
        # DOMAIN.md "Ældreloven": self-determination within the forløb (ÆL § 1 stk. 2, § 10).
        return [Message("rights_ael", "", {"references": dict(ctx.policy.legal_references)})]
    # Rule 8 (004 §1.3.3): the municipality must tell recipients flexible home help exists.
    return [Message("rights", "", {"references": dict(ctx.policy.legal_references)})]


def _access_log_intro(_ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    # Issue 13: "hvem har kigget i mine oplysninger" goes to the access log page.
    return [Message("access_log", "")]


def _start_intro(ctx: Context, _data: Mapping[str, Any]) -> list[Message]:
    if not ctx.is_citizen:  # a relative: about the citizen, by name (issue 12 item 6)
        names = {"owner": ctx.citizen_name, "name": ctx.citizen_name}
        if ctx.is_ael:
            text = N_(
                "Hello. I can help you with %(owner)s home help. You can see the help, and "
                "tell us what matters most to %(name)s at the next visits."
            )
        else:
            text = N_(
                "Hello. I can help you with %(owner)s home help. You can see the help, swap "
                "a service for something else, or tell us a wish."
            )
        return [Message("text", text, names)]
    if ctx.is_ael:
        return [
            Message(
                "text",
                N_(
                    "Hello. I can help you with your home help. You can see your "
                    "help, and tell us what matters most to you at your next visits."
                ),
            )
        ]
    return [
        Message(
            "text",
            N_(
                "Hello. I can help you with your home help. You can see "
                "your help, swap a service for something else, or tell us "
                "a wish."
            ),
        )
    ]


STEPS: tuple[Step, ...] = (
    _menu_step("menu", _start_intro, N_("What would you like help with?")),
    Step("understood", _understood_ask, _understood_handle, _understood_intro),
    Step("which_way", _which_way_ask, _which_way_handle),
    _menu_step("my_help", _my_help_intro),
    _menu_step("rights", _rights_intro),
    _menu_step("access_log", _access_log_intro),
)
