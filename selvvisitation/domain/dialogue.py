"""The citizen's guided dialogue, declared as data: steps, the input each expects, where
each answer leads.

Plain code, no Flask and no database: a ``Context`` of plain values comes in (the
citizen's grants, coming visits, catalogue, policy), messages and the next state go out.
A new path is a few ``Step`` entries and a small handler, never a new view.

Texts are English message ids marked with ``N_`` and translated when shown, so a stored
conversation reads in the language the reader chooses today. Actions that change
anything (sending a swap, saving a wish) are named ``effects``; the caller carries them
out in its transaction and may refuse them, in which case nothing changes.

The system never decides: a swap is checked and explained (domain.swaps) and sent to
the home-care worker, who decides on the day whether it is safe (rule 5).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from selvvisitation.domain.cpr import CprError, birth_date, mask_cpr, normalise_cpr
from selvvisitation.domain.dates import parse_day
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.priorities import ElementInfo, ExistingPriority
from selvvisitation.domain.replacement_choices import ChoiceHistory, short_list
from selvvisitation.domain.swaps import (
    ProposedSwap,
    SwapLine,
    VisitBooking,
    check_swap,
    explain_alternatives,
    tightest_visit,
)
from selvvisitation.domain.timeframe import (
    CatalogueService,
    GrantedService,
    window_time_frame,
)
from selvvisitation.domain.types import LegalBasis, ReassessmentReason, RelationKind, SwapWindow
from selvvisitation.domain.understanding import Intent, MatchableService, understand


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated when shown."""
    return message


MAX_TEXT = 1000  # characters in a free-text answer
MAX_NAME = 160  # characters in a relative's name (Relative.name)
MAX_RELATION = 80  # characters of "other" in the user's own words (Consent.relation_text)
PERIODS = {"one_week": 7, "two_weeks": 14, "four_weeks": 28}
GOOD_TIMES = ("morning", "afternoon", "any_time")


# --- What the engine is given ----------------------------------------------------------


@dataclass(frozen=True)
class VisitInfo:
    """A coming visit the citizen can swap at."""

    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    time_frame_minutes: int
    services: tuple[tuple[str, int], ...]  # (service code, planned minutes)
    already_dropped: tuple[str, ...] = ()  # by other swaps still requested or accepted
    booked_minutes: int = 0  # added by those swaps: they hold these minutes of the frame
    elements: tuple[int, ...] = ()  # under Ældreloven: the forløb's elements planned at it


@dataclass(frozen=True)
class ConsentInfo:
    id: int
    relative_name: str
    relation: str  # a RelationKind value
    scope: str  # "see" or "act"
    active: bool
    relative_cpr: str | None = None  # to refuse adding the same relative twice; never shown
    starts: str | None = None  # ISO date: given, but from a coming day
    ends: str | None = None  # ISO date: the last day, when the consent has one
    relation_text: str = ""  # with "other": how the citizen put it

    @property
    def current(self) -> bool:
        """In force now or from a coming day: not withdrawn, not expired."""
        return self.active or self.starts is not None


@dataclass(frozen=True)
class Context:
    """Everything the steps may read; built fresh for every request."""

    today: date
    language: str = "da"
    is_citizen: bool = True  # the citizen herself, not a relative
    citizen_name: str = ""  # a relative reads about her by name (issue 12 item 6)
    citizen_cpr: str = ""  # to refuse the citizen as her own relative; never shown
    may_act: bool = True
    policy: Policy = field(default_factory=Policy)
    granted: tuple[GrantedService, ...] = ()
    catalogue: Mapping[str, CatalogueService] = field(default_factory=dict)
    visits: tuple[VisitInfo, ...] = ()
    services: tuple[MatchableService, ...] = ()
    consents: tuple[ConsentInfo, ...] = ()
    # Read-only pictures for the info messages (already plain JSON values).
    my_help: Mapping[str, Any] = field(default_factory=dict)
    reassessments: tuple[Mapping[str, Any], ...] = ()
    relative_actions: tuple[Mapping[str, Any], ...] = ()
    # The number the visitation calls back on, and its own (issue 12 item 10).
    phones: Mapping[str, str] = field(default_factory=dict)
    # "Ring mig op" (issue 13): the day the visitation calls back by, if she asks today.
    call_back_by: date | None = None
    # Under Ældreloven (DOMAIN.md "Ældreloven"): priorities within the forløb, not swaps.
    legal_basis: LegalBasis = LegalBasis.SEL
    elements: tuple[ElementInfo, ...] = ()  # the granted forløb's elements
    examples: tuple[tuple[str, str], ...] = ()  # the municipality's examples (da, en)
    priorities: tuple[ExistingPriority, ...] = ()  # requested, for the one-per-element rule
    wish_covered: tuple[MatchableService, ...] = ()  # words for what the forløb covers
    wish_not_covered: tuple[MatchableService, ...] = ()  # and for what it does not
    # Earlier choices for the short list of replacements (issue 12, 3). A function, so
    # only the step that shows the list reads them.
    choice_history: Callable[[], ChoiceHistory] = ChoiceHistory

    @property
    def is_ael(self) -> bool:
        return self.legal_basis is LegalBasis.AEL


# --- What the engine gives back -------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One message: ``kind`` picks how it is shown; ``text`` is a message id."""

    kind: str = "text"
    text: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """The one question asked now, and the input it expects.

    input: "choice" (one of the options), "multi" (one or more), "text",
    "line" (one short line: a name, a number, a date), "choice_or_text" (an option,
    or the user's own words), "multi_or_text", "confirm" (a ticked box).
    """

    text: str
    input: str
    options: tuple[Option, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    text_label: str = ""
    hint: str = ""
    # An example shown beside the text box of a "choice_or_text" question (issue 12 item 10).
    text_hint: str = ""
    checkbox_label: str = ""
    submit: str = N_("Continue")
    selected: tuple[str, ...] = ()  # options ticked in advance (what was understood)
    text_value: str = ""  # the text field filled in advance (the answer given before)
    # The keyboard a phone shows for a "line" (HTML inputmode): "numeric" for a CPR number,
    # typed as digits (issue 12 item 10; GOV.UK: inputmode on a type="text" field).
    inputmode: str = ""

    @property
    def values(self) -> set[str]:
        return {option.value for option in self.options}

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Answer:
    choice: str = ""
    choices: tuple[str, ...] = ()
    text: str = ""
    acknowledged: bool = False


@dataclass(frozen=True)
class Go:
    """Move on: to ``step``, with ``data`` merged in; ``effect`` is carried out first."""

    step: str
    echo: Message
    data: Mapping[str, Any] = field(default_factory=dict)
    effect: str | None = None
    messages: tuple[Message, ...] = ()  # said before the next step's own messages
    fresh: bool = False  # a new path: forget the answers of the last one


@dataclass(frozen=True)
class Invalid:
    """The answer cannot be used; ``field`` is where the message is shown."""

    field: str
    message: str
    # dataclasses.field in full: the attribute above named `field` shadows the import here.
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class State:
    step: str
    data: dict[str, Any]
    stack: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"data": self.data, "stack": self.stack}

    @classmethod
    def from_json(cls, step: str, raw: Mapping[str, Any] | None) -> State:
        raw = raw or {}
        return cls(step, dict(raw.get("data") or {}), list(raw.get("stack") or []))


@dataclass(frozen=True)
class Outcome:
    """The result of one answer: the new state and the messages to add, or an error."""

    state: State
    messages: tuple[Message, ...] = ()  # the user's echo first, then the assistant's
    effect: str | None = None
    error: Invalid | None = None


@dataclass(frozen=True)
class Step:
    """One step: what is said on entering, the question, and where each answer leads."""

    name: str
    ask: Callable[[Context, Mapping[str, Any]], Question]
    handle: Callable[[Context, Mapping[str, Any], Answer, Question], Go | Invalid]
    intro: Callable[[Context, Mapping[str, Any]], list[Message]] = lambda _c, _d: []


# --- Small helpers the handlers share --------------------------------------------------


def _said(option: Option) -> Message:
    return Message("answer", option.label, option.params)


def _words(text: str) -> Message:
    return Message("words", text)


def _one_choice(question: Question, answer: Answer, empty: str) -> Option | Invalid:
    if not answer.choice:
        return Invalid("answer", empty)
    option = question.option(answer.choice)
    if option is None:
        return Invalid("answer", N_("Choose one of the answers shown"))
    return option


def _text(
    answer: Answer, empty: str, *, required: bool = True, limit: int = MAX_TEXT
) -> str | Invalid:
    text = " ".join(answer.text.split())
    if required and not text:
        return Invalid("text", empty)
    if len(text) > limit:
        return Invalid("text", N_("Write at most %(max)d characters"), {"max": limit})
    return text


def choice_step(
    name: str,
    text: str,
    options: Sequence[Option],
    empty: str,
    lead: Callable[[Option], Go],
    intro: Callable[[Context, Mapping[str, Any]], list[Message]] | None = None,
    hint: str = "",
) -> Step:
    """A step that asks one question with fixed quick replies; ``lead`` says where each goes."""

    def ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
        return Question(text, "choice", tuple(options), hint=hint)

    def handle(
        _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
    ) -> Go | Invalid:
        option = _one_choice(question, answer, empty)
        return option if isinstance(option, Invalid) else lead(option)

    return Step(name, ask, handle, intro or (lambda _c, _d: []))


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


# --- Swap a service (flexible home help, Serviceloven § 94 a) --------------------------


def _visit_params(visit: VisitInfo) -> dict[str, Any]:
    return {
        "date": visit.day.isoformat(),
        "start": visit.starts_at.isoformat(),
        "end": visit.ends_at.isoformat(),
        "services": [code for code, _ in visit.services],
    }


def _coming_visits(ctx: Context) -> list[VisitInfo]:
    # Today's visits may already have started: a swap is for a visit from tomorrow on.
    return [v for v in ctx.visits if v.day > ctx.today]


# The next visits first; the rest behind "Later visits" (issue 12, 3: sixteen visits were
# one long list on a phone).
FIRST_VISITS_SHOWN = 5


def _swap_visit_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    coming = _coming_visits(ctx)
    later = data.get("later_visits") is True
    shown = coming[FIRST_VISITS_SHOWN:] if later else coming[:FIRST_VISITS_SHOWN]
    options = tuple(
        Option(str(v.id), N_("%(date)s at %(start)s: %(services)s"), _visit_params(v))
        for v in shown
    )
    if not options:
        return Question(
            N_("You have no coming visits to swap at. Choose a period instead."),
            "choice",
            (Option("period", N_("For a period, at every visit")),),
        )
    if not later and len(coming) > FIRST_VISITS_SHOWN:
        options += (Option("later", N_("Later visits")),)
    return Question(N_("Which visit is it about?"), "choice", options)


def _swap_visit_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if answer.choice and answer.choice.isdigit() and question.option(answer.choice) is None:
        return Invalid(
            "answer",
            N_("That visit has passed or is not yours. Choose one of the coming visits shown"),
        )
    option = _one_choice(question, answer, N_("Choose a visit"))
    if isinstance(option, Invalid):
        return option
    if option.value == "period":
        return Go("swap_period", _said(option))
    if option.value == "later":
        return Go("swap_visit", _said(option), data={"later_visits": True})
    return Go("swap_drop", _said(option), data={"visit_id": int(option.value), "period": None})


def _swap_period_ask(ctx: Context, _data: Mapping[str, Any]) -> Question:
    start = ctx.today + timedelta(days=1)
    options = tuple(
        Option(
            key,
            N_("From %(start)s to %(end)s"),
            {"start": start.isoformat(), "end": (start + timedelta(days=days - 1)).isoformat()},
        )
        for key, days in PERIODS.items()
    )
    return Question(N_("For how long?"), "choice", options)


def _swap_period_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose how long"))
    if isinstance(option, Invalid):
        return option
    period = [option.params["start"], option.params["end"]]
    return Go("swap_drop", _said(option), data={"visit_id": None, "period": period})


def _visit(ctx: Context, data: Mapping[str, Any]) -> VisitInfo | None:
    return next((v for v in ctx.visits if v.id == data.get("visit_id")), None)


def _span(ctx: Context, data: Mapping[str, Any]) -> tuple[date, date] | None:
    visit = _visit(ctx, data)
    if visit is not None:
        return visit.day, visit.day
    period = data.get("period")
    if period:
        return date.fromisoformat(period[0]), date.fromisoformat(period[1])
    return None


def droppable(ctx: Context, data: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The granted, swappable services the citizen can drop: (code, minutes)."""
    span = _span(ctx, data)
    if span is None:
        return []
    grants = {
        g.service_code: g for g in ctx.granted if g.is_active_on(span[0]) or g.is_active_on(span[1])
    }

    def swappable(code: str) -> bool:
        entry = ctx.catalogue.get(code)
        return entry is not None and entry.swappable and code in grants

    visit = _visit(ctx, data)
    if visit is not None:
        return [
            (code, minutes)
            for code, minutes in visit.services
            if swappable(code) and code not in visit.already_dropped
        ]
    return [(code, grants[code].minutes_per_delivery) for code in sorted(grants) if swappable(code)]


def _swap_drop_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    options = tuple(
        Option(code, N_("%(service)s (%(minutes)s)"), {"service": code, "minutes": minutes})
        for code, minutes in droppable(ctx, data)
    )
    if not options:
        return Question(
            N_(
                "There is nothing here that can be swapped. Go back one step, "
                "or go back to the start."
            ),
            "choice",
            (Option("menu", N_("Back to the start")),),
        )
    prefill = tuple(
        code for code in data.get("prefill_drop") or () if code in {o.value for o in options}
    )
    return Question(
        N_("What would you like to drop?"),
        "multi",
        options,
        hint=N_("Choose one or more. The minutes you free can be used for something else."),
        selected=prefill,
    )


def _swap_drop_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if question.input == "choice":  # nothing to drop: the only answer is the start
        option = _one_choice(question, answer, N_("Choose an answer"))
        if isinstance(option, Invalid):
            return option
        return Go("menu", _said(option), fresh=True)
    if not answer.choices:
        return Invalid("answer", N_("Choose at least one service to drop"))
    if not set(answer.choices) <= question.values:
        return Invalid(
            "answer",
            N_("Choose services from the list. You can only drop services you have been granted"),
        )
    drop = [
        {"code": o.value, "minutes": o.params["minutes"]}
        for o in question.options
        if o.value in answer.choices
    ]
    echo = Message(
        "answer", N_("Drop: %(services)s"), {"services": [line["code"] for line in drop]}
    )
    return Go("swap_add", echo, data={"drop": drop})


def _freed(data: Mapping[str, Any]) -> int:
    return sum(int(line["minutes"]) for line in data.get("drop") or ())


class _SwapCheck(TypedDict):
    """The arguments check_swap and explain_alternatives share (domain/swaps.py)."""

    granted: Sequence[GrantedService]
    catalogue: Mapping[str, CatalogueService]
    policy: Policy
    proposal: ProposedSwap
    window_minutes: int
    today: date | None
    visit_bookings: Sequence[VisitBooking]


def visit_bookings(ctx: Context, data: Mapping[str, Any]) -> tuple[VisitBooking, ...]:
    """The visits the swap falls on, with the minutes other swaps already hold there.

    One visit, or every coming visit a standing wish covers: all swaps at a visit
    together stay within its time frame (rule 4; bookings.book_swap refuses the one
    that does not fit), so the preview counts them as the confirmation will.
    """
    visit = _visit(ctx, data)
    span = _span(ctx, data)
    if visit is not None:
        covered = [visit]
    elif span is not None:
        covered = [v for v in ctx.visits if span[0] <= v.day <= span[1] and v.day > ctx.today]
    else:
        covered = []
    return tuple(VisitBooking(v.day, v.time_frame_minutes, v.booked_minutes) for v in covered)


def _booked(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """The tightest visit other swaps hold minutes in, for the minutes bar; {} if none."""
    tightest = tightest_visit(visit_bookings(ctx, data))
    if tightest is None:
        return {}
    return {
        "date": tightest.day.isoformat(),
        "frame": tightest.frame_minutes,
        "booked": tightest.booked_minutes,
        "free": tightest.free_minutes,
    }


def _room(ctx: Context, data: Mapping[str, Any]) -> int:
    """The minutes the citizen can use: those freed, within what other swaps left free."""
    booked = _booked(ctx, data)
    return min(_freed(data), booked["free"]) if booked else _freed(data)


def addable(ctx: Context, data: Mapping[str, Any]) -> list[CatalogueService]:
    """Catalogue services the citizen may choose instead; those that fit come first."""
    dropped = {line["code"] for line in data.get("drop") or ()}
    allowed_outside = ctx.policy.outside_service_level_allowed
    entries = [
        entry
        for entry in ctx.catalogue.values()
        if (entry.swappable or entry.flexible_only)  # rule 9 and 10
        and (entry.within_service_level or allowed_outside)  # rule 2
        and entry.code not in dropped
        and entry.default_minutes > 0
    ]
    room = _room(ctx, data)
    return sorted(
        entries,
        key=lambda e: (
            e.default_minutes > room,
            not e.flexible_only,
            e.category.value,
            e.default_minutes,
            e.code,
        ),
    )


def _swap_add_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [Message("minutes", "", {"freed": _freed(data), "used": 0, **_booked(ctx, data)})]


def _swap_add_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    entries = addable(ctx, data)
    room = _room(ctx, data)
    # The short list first, then the rest in the catalogue's order; the page shows the
    # rest behind "Vis flere", grouped by category (issue 12, 3).
    first = short_list(entries, room, ctx.choice_history())
    ranked = sorted(entries, key=lambda e: first.index(e.code) if e.code in first else len(first))
    options = tuple(
        Option(
            e.code,
            N_("%(service)s (about %(minutes)s)"),
            {
                "service": e.code,
                "minutes": e.default_minutes,
                "category": e.category.value,
                "short": e.code in first,
            },
        )
        for e in ranked
    )
    prefill = tuple(c for c in data.get("prefill_add") or () if c in {o.value for o in options})
    # Rule 2: help outside the service level only where the municipality allows it.
    free = ctx.policy.outside_service_level_allowed
    return Question(
        N_("What would you like instead?"),
        "multi" if not free else "multi_or_text",
        options,
        params={"freed": _freed(data), "room": room, "more": len(options) - len(first)},
        hint=N_("You have freed %(freed)s. The services at the top fit within them.")
        if room == _freed(data)
        else N_(
            "You have freed %(freed)s, but other swaps leave only %(room)s free. "
            "The services at the top fit within them."
        ),
        text_label=N_("Or write other help you would like") if free else "",
        selected=prefill,
    )


def run_check(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the swap in ``data`` with the rules engine; return JSON for the messages."""
    span = _span(ctx, data)
    visit = _visit(ctx, data)
    drop = tuple(SwapLine(line["code"], int(line["minutes"])) for line in data.get("drop") or ())
    add = tuple(
        SwapLine(line.get("code"), int(line["minutes"]), line.get("text"))
        for line in data.get("add") or ()
    )
    if visit is not None:
        proposal = ProposedSwap(drop=drop, add=add, visit_date=visit.day)
        frame = visit.time_frame_minutes
    else:
        assert span is not None
        proposal = ProposedSwap(drop=drop, add=add, period=span)
        window = ctx.policy.swap_window
        # A standing wish: the largest window frame in its first two weeks, so a period
        # starting on a day without visits is not judged by that empty day.
        days = [span[0] + timedelta(days=i) for i in range(14)]
        frame = max(
            window_time_frame(
                ctx.granted, window if isinstance(window, SwapWindow) else SwapWindow.VISIT, day
            )
            for day in days
        )
    arguments: _SwapCheck = {
        "granted": ctx.granted,
        "catalogue": ctx.catalogue,
        "policy": ctx.policy,
        "proposal": proposal,
        "window_minutes": frame,
        "today": ctx.today,
        "visit_bookings": visit_bookings(ctx, data),
    }
    result = check_swap(**arguments)
    alternatives = explain_alternatives(**arguments)
    return {
        "allowed": result.allowed,
        "violations": [{"code": v.code, "data": dict(v.data)} for v in result.violations],
        "alternatives": [{"code": a.code, "data": dict(a.data)} for a in alternatives],
        "freed": result.freed_minutes,
        "used": result.used_minutes,
        "remaining": result.remaining_minutes,
        "booked": _booked(ctx, data),
    }


def _swap_add_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False)
    if isinstance(text, Invalid):
        return text
    if not answer.choices and not text:
        return Invalid("answer", N_("Choose what you would like instead"))
    if not set(answer.choices) <= question.values:
        return Invalid("answer", N_("Choose services from the list"))
    add = [
        {"code": o.value, "minutes": o.params["minutes"]}
        for o in question.options
        if o.value in answer.choices
    ]
    if text and ctx.policy.outside_service_level_allowed:
        # Help in the citizen's own words gets the minutes not used by the chosen services.
        rest = max(1, _room(ctx, data) - sum(line["minutes"] for line in add))
        add.append({"code": None, "minutes": rest, "text": text})
    echo = Message(
        "answer",
        N_("Instead: %(services)s"),
        {"services": [line["code"] for line in add if line.get("code")], "free_text": text or ""},
    )
    return _after_add(ctx, {**data, "add": add}, echo)


def _after_add(ctx: Context, data: Mapping[str, Any], echo: Message) -> Go:
    check = run_check(ctx, data)
    step = "swap_confirm" if check["allowed"] else "swap_problem"
    return Go(step, echo, data={"add": data["add"], "check": check})


def _minutes(check: Mapping[str, Any]) -> Message:
    """The minutes bar: freed and used, and what other swaps at the visit already hold."""
    return Message(
        "minutes",
        "",
        {
            "freed": check.get("freed", 0),
            "used": check.get("used", 0),
            **(check.get("booked") or {}),
        },
    )


def _swap_problem_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    check = data.get("check") or {}
    return [
        _minutes(check),
        Message(
            "problems",
            "",
            {
                "violations": check.get("violations", []),
                "alternatives": check.get("alternatives", []),
            },
        ),
    ]


def _swap_problem_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    options: list[Option] = []
    for alternative in (data.get("check") or {}).get("alternatives", []):
        if alternative["code"] == "services_that_fit":
            for service in alternative["data"]["services"][:5]:
                code = service["service_code"]
                options.append(
                    Option(
                        "fit:" + code,
                        N_("Choose %(service)s instead (%(minutes)s)"),
                        {"service": code, "minutes": service["minutes"]},
                    )
                )
        if alternative["code"] == "ask_for_reassessment":
            options.append(Option("reassessment", N_("Ask for a reassessment of my help")))
        if alternative["code"] == "choose_another_visit" and data.get("visit_id"):
            options.append(Option("visit_again", N_("Choose another visit")))
    options += [
        Option("add_again", N_("Choose something else instead")),
        Option("drop_again", N_("Choose again what to drop")),
    ]
    return Question(N_("What would you like to do?"), "choice", tuple(options))


def _swap_problem_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose what you would like to do"))
    if isinstance(option, Invalid):
        return option
    if option.value == "add_again":
        return Go("swap_add", _said(option))
    if option.value == "drop_again":
        return Go("swap_drop", _said(option))
    if option.value == "visit_again":
        return Go("swap_visit", _said(option))
    if option.value == "reassessment":
        return Go("reassess_reason", _said(option), fresh=True)
    add = [{"code": option.params["service"], "minutes": option.params["minutes"]}]
    return _after_add(ctx, {**data, "add": add}, _said(option))


def _swap_confirm_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    check = data.get("check") or {}
    visit = _visit(ctx, data)
    summary = {
        "visit": _visit_params(visit) if visit else None,
        "period": data.get("period"),
        "drop": data.get("drop") or [],
        "add": data.get("add") or [],
        "freed": check.get("freed", 0),
        "used": check.get("used", 0),
    }
    return [
        _minutes(check),
        Message("summary", "", summary),
        # Rule 6 (Serviceloven § 94 a, § 90; 004 footnote 2): told before confirming.
        Message(
            "notice",
            N_(
                "A service you drop cannot be demanded later. If you drop "
                "%(services)s, you cannot later complain that it was not done."
            ),
            {
                "services": [line["code"] for line in summary["drop"]],
                "reference": ctx.policy.legal_references.get("cannot_demand_later", ""),
            },
        ),
        # Rule 5 (002 §8, 004): the worker decides on the day whether it is safe.
        Message(
            "notice",
            N_(
                "The home-care worker decides on the day whether the swap is "
                "safe, for example for hygiene. If in doubt, you get the help "
                "you have been granted."
            ),
        ),
    ]


def _swap_confirm_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Do you want to send the swap?"),
        "confirm",
        checkbox_label=N_(
            "I have read that I cannot demand the dropped service later, and "
            "that the home-care worker decides on the day"
        ),
        submit=N_("Send the swap"),
    )


def _swap_confirm_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    if not answer.acknowledged:
        return Invalid("acknowledged", N_("Tick the box to show that you have read this"))
    return Go("swap_done", Message("answer", N_("I send the swap")), effect="submit_swap")


def _swap_done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "receipt",
            "",
            {
                "reference": data.get("reference", ""),
                "visit_id": data.get("visit_id"),
                "period": data.get("period"),
            },
        )
    ]


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


# --- A new relative (002 sections 10 and 16; 004 §2.1.1) ---------------------------------
# Only the citizen gives consent. The relative signs in with MitID later, which finds
# them by their CPR number (auth/oidc.person_for); the CPR number is kept in the state
# only until the consent is saved, the path is left, or the conversation is left
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


# --- The dialogue ---------------------------------------------------------------------

START = "menu"

STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        _menu_step("menu", _start_intro, N_("What would you like help with?")),
        Step("understood", _understood_ask, _understood_handle, _understood_intro),
        Step("which_way", _which_way_ask, _which_way_handle),
        _menu_step("my_help", _my_help_intro),
        _menu_step("rights", _rights_intro),
        _menu_step("access_log", _access_log_intro),
        choice_step(
            "swap_when",
            N_("Is the swap for one coming visit, or a standing wish for a period?"),
            (
                Option("visit", N_("For one coming visit")),
                Option("period", N_("For a period, at every visit")),
            ),
            N_("Choose one visit or a period"),
            lambda o: Go("swap_visit" if o.value == "visit" else "swap_period", _said(o)),
        ),
        Step("swap_visit", _swap_visit_ask, _swap_visit_handle),
        Step("swap_period", _swap_period_ask, _swap_period_handle),
        Step("swap_drop", _swap_drop_ask, _swap_drop_handle),
        Step("swap_add", _swap_add_ask, _swap_add_handle, _swap_add_intro),
        Step("swap_problem", _swap_problem_ask, _swap_problem_handle, _swap_problem_intro),
        Step("swap_confirm", _swap_confirm_ask, _swap_confirm_handle, _swap_confirm_intro),
        _menu_step("swap_done", _swap_done_intro),
        choice_step(
            "wish_kind",
            N_("What is your wish about?"),
            tuple(Option(kind, label) for kind, label in WISH_LABELS.items()),
            N_("Choose what your wish is about"),
            lambda o: Go("wish_text", _said(o), data={"wish_kind": o.value}),
        ),
        Step("wish_text", _wish_text_ask, _wish_text_handle),
        _menu_step("wish_done", _wish_done_intro),
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
        Step("consent", _consent_ask, _consent_handle, _consent_intro),
        Step("consent_confirm", _consent_confirm_ask, _consent_confirm_handle),
        _menu_step("consent_done", _consent_done_intro),
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
}

# The Ældreloven path (domain/dialogue_ael.py) and "Ring mig op" (domain/dialogue_call_back.py)
# use the primitives above.
from selvvisitation.domain import dialogue_ael, dialogue_call_back  # noqa: E402

STEPS.update({step.name: step for step in (*dialogue_ael.STEPS, *dialogue_call_back.STEPS)})
SWAP_STEPS = frozenset(name for name in STEPS if name.startswith("swap_"))
CALL_BACK_STEPS = frozenset(step.name for step in dialogue_call_back.STEPS)

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
        not ctx.is_ael and state.step in dialogue_ael.PRIORITY_STEPS
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
        *state.stack,
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
    "call_confirm": dialogue_call_back.CHANGEABLE,
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
    new_state = State(dialogue_call_back.START, {}, [])
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
