"""What every step of the dialogue is made of: the context it is given, the messages, questions
and answers, where an answer leads, and the small helpers the paths share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.priority_rules import ElementInfo, ExistingPriority
from selvvisitation.domain.replacement_choices import ChoiceHistory
from selvvisitation.domain.timeframe import (
    CatalogueService,
    GrantedService,
)
from selvvisitation.domain.types import LegalBasis
from selvvisitation.domain.understanding import MatchableService


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


# The Context's pictures that only some steps read: given as functions in ``later``, each is
# read on first use, so a turn reads only what its steps show (issue 17: every turn read
# all of them). Their defaults are factories, so no class attribute hides a field not read.
LATER = (
    "catalogue",
    "services",
    "visits",
    "consents",
    "my_help",
    "reassessments",
    "relative_actions",
    "elements",
    "examples",
    "priorities",
    "wish_covered",
    "wish_not_covered",
)


@dataclass(frozen=True)
class Context:
    """Everything the steps may read; built fresh for every request.

    A field named in ``later`` takes its value from that function on first use.
    """

    today: date
    language: str = "da"
    is_citizen: bool = True  # the citizen herself, not a relative
    citizen_name: str = ""  # a relative reads about her by name (issue 12 item 6)
    citizen_cpr: str = ""  # to refuse the citizen as her own relative; never shown
    may_act: bool = True
    policy: Policy = field(default_factory=Policy)
    granted: tuple[GrantedService, ...] = ()
    catalogue: Mapping[str, CatalogueService] = field(default_factory=dict)
    visits: tuple[VisitInfo, ...] = field(default_factory=tuple)
    services: tuple[MatchableService, ...] = field(default_factory=tuple)
    consents: tuple[ConsentInfo, ...] = field(default_factory=tuple)
    # Read-only pictures for the info messages (already plain JSON values).
    my_help: Mapping[str, Any] = field(default_factory=dict)
    reassessments: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    relative_actions: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    # The number the visitation calls back on, and its own (issue 12 item 10).
    phones: Mapping[str, str] = field(default_factory=dict)
    # "Ring mig op" (issue 13): the day the visitation calls back by, if she asks today.
    call_back_by: date | None = None
    # Under Ældreloven (DOMAIN.md "Ældreloven"): priorities within the forløb, not swaps.
    legal_basis: LegalBasis = LegalBasis.SEL
    elements: tuple[ElementInfo, ...] = field(
        default_factory=tuple
    )  # the granted forløb's elements
    examples: tuple[tuple[str, str], ...] = field(
        default_factory=tuple
    )  # the municipality's examples (da, en)
    priorities: tuple[ExistingPriority, ...] = field(
        default_factory=tuple
    )  # requested, for the one-per-element rule
    wish_covered: tuple[MatchableService, ...] = field(
        default_factory=tuple
    )  # words for what the forløb covers
    wish_not_covered: tuple[MatchableService, ...] = field(
        default_factory=tuple
    )  # and for what it does not
    # Earlier choices for the short list of replacements (issue 12, 3). A function, so
    # only the step that shows the list reads them.
    choice_history: Callable[[], ChoiceHistory] = ChoiceHistory
    later: Mapping[str, Callable[[], Any]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.later) - set(LATER)
        if unknown:
            raise TypeError(f"not read later: {sorted(unknown)}")
        for name in self.later:
            del self.__dict__[name]  # read on first use, by __getattr__

    if not TYPE_CHECKING:  # at run time only: mypy still checks every name read

        def __getattr__(self, name: str) -> Any:
            """Read a field named in ``later`` on first use, then keep it."""
            later = self.__dict__.get("later", {})
            if name not in later:
                raise AttributeError(name)
            value = self.__dict__[name] = later[name]()
            return value

    def read_all(self) -> None:
        """Read now every field still to be read: before an effect writes, so that its
        checks and the messages after it see what was there before it (as when the
        Context was read whole, up front)."""
        for name in self.later:
            getattr(self, name)

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
