"""Priorities for coming visits under Ældreloven, and the worker's light record of an AEL visit.

Plain code, no Flask and no database. DOMAIN.md, section "Ældreloven":

- **law** (ÆL § 1 stk. 2; the ministry's guidance as KL quotes it): the citizen has a say
  "fra gang til gang" in what the help is used for, within the forløb she is granted (§ 10).
- **reading**: she sets priorities for coming visits ("Det vigtigste for mig ved næste
  besøg"): an element of her forløb first, more of it, less of it, or skipped this time; one of
  the municipality's examples; or her own words. For one coming visit, or standing for a period.
  The home-care worker decides on the day what is safe (forsvarligt).
- **law**: a wish for substantially different help than the forløb covers is a matter for the
  visitation. **reading**: help the forløb has no element for, or much more help ("hver dag",
  "flere besøg", "mere tid"), is read as outside the forløb and offered as a request for
  reassessment, with her own words carried over.
- **law / reading**: minutes are not accounted for under Ældreloven ("ned på minuttet" no more);
  nothing here holds, shows or counts minutes, except the worker's optional minutes when the
  municipality turns on ``Policy.ael_optional_minutes``.

Every rule returns problem codes; the caller shows them as plain Danish messages and writes
nothing. The system never decides whether a priority is met: the worker records it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import ElementOutcome, PriorityKind, PriorityNotMetReason
from selvvisitation.domain.understanding import (
    Intent,
    MatchableService,
    find_mentions,
    normalise,
    tokenize,
    understand,
)


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated when shown."""
    return message


# --- What a priority may be ---------------------------------------------------------------

# The kinds that name one element of the forløb (ÆL § 10: the forløb's elements).
ELEMENT_KINDS: frozenset[PriorityKind] = frozenset(
    {PriorityKind.FIRST, PriorityKind.MORE, PriorityKind.LESS, PriorityKind.SKIP}
)
# Reading: a priority is "ved næste besøg" — a standing one runs for a short period, as a
# standing swap does (dialogue_steps.primitives.PERIODS: one, two or four weeks), and then she
# sets it anew.
MAX_PERIOD_DAYS = 28
MAX_OWN_WORDS = 500  # characters: a priority is one thing, not a letter

KIND_LABELS: Mapping[PriorityKind, str] = {
    PriorityKind.FIRST: N_("First: %(element)s"),
    PriorityKind.MORE: N_("More of: %(element)s"),
    PriorityKind.LESS: N_("Less of: %(element)s"),
    PriorityKind.SKIP: N_("Skip this time: %(element)s"),
    PriorityKind.EXAMPLE: N_("An example: %(text)s"),
    PriorityKind.OWN_WORDS: N_("In your own words: %(text)s"),
}


@dataclass(frozen=True)
class ElementInfo:
    """One element of the citizen's forløb, as the rules see it."""

    id: int
    fsiii_code: str
    name_da: str
    name_en: str


@dataclass(frozen=True)
class ComingVisit:
    """A coming visit of an AEL citizen: its day and the elements planned at it."""

    id: int
    day: date
    element_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PriorityDraft:
    """A priority as the citizen (or a relative) put it together, before it is sent."""

    kind: PriorityKind
    visit_id: int | None = None
    period: tuple[date, date] | None = None  # first and last day, both included
    element_id: int | None = None
    text: str = ""  # the example's text or her own words


@dataclass(frozen=True)
class ExistingPriority:
    """A priority already requested (not met, withdrawn or lapsed) for the same citizen."""

    visit_id: int | None
    period: tuple[date, date] | None
    element_id: int | None
    kind: PriorityKind


def _covers_day(period: tuple[date, date] | None, day: date) -> bool:
    return period is not None and period[0] <= day <= period[1]


def _overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_priority(
    draft: PriorityDraft,
    *,
    today: date,
    elements: Sequence[ElementInfo],
    visits: Sequence[ComingVisit],
    examples: Sequence[str],
    existing: Sequence[ExistingPriority] = (),
) -> list[str]:
    """Return every problem with a priority before it is sent; empty when it may be sent.

    | code                       | rule                                                 |
    |----------------------------|------------------------------------------------------|
    | when_missing / when_both   | one coming visit, or a period (reading)              |
    | visit_not_coming           | a priority is for a coming visit, from tomorrow on    |
    | period_not_coming          | a period starts tomorrow at the earliest             |
    | period_reversed            | the period ends on or after its first day            |
    | period_too_long            | at most MAX_PERIOD_DAYS days (reading)               |
    | skip_needs_one_visit       | "skip this time" is for one visit (reading)          |
    | element_missing            | first/more/less/skip names an element                |
    | element_not_in_forlob      | the element is one of her forløb's (law, ÆL § 10)    |
    | element_not_at_visit       | first/less/skip: the element is planned at the visit |
    | element_already_prioritised| one priority per element at a time (reading)         |
    | text_not_allowed           | an element kind carries no words of its own          |
    | example_unknown            | an example is one of the municipality's              |
    | text_missing / text_too_long | her own words: written, at most MAX_OWN_WORDS      |
    | element_not_allowed        | an example or her own words names no element         |
    """
    problems: list[str] = []
    visit: ComingVisit | None = None
    if draft.visit_id is None and draft.period is None:
        problems.append("when_missing")
    elif draft.visit_id is not None and draft.period is not None:
        problems.append("when_both")
    elif draft.visit_id is not None:
        visit = next((v for v in visits if v.id == draft.visit_id), None)
        # Today's visit may have started: like a swap, a priority is for tomorrow on.
        if visit is None or visit.day <= today:
            problems.append("visit_not_coming")
            visit = None
    elif draft.period is not None:
        first, last = draft.period
        if first <= today:
            problems.append("period_not_coming")
        if last < first:
            problems.append("period_reversed")
        elif (last - first).days + 1 > MAX_PERIOD_DAYS:
            problems.append("period_too_long")
        if draft.kind is PriorityKind.SKIP:
            problems.append("skip_needs_one_visit")

    text = " ".join(draft.text.split())
    if draft.kind in ELEMENT_KINDS:
        problems.extend(_element_problems(draft, visit, elements, existing))
        if text:
            problems.append("text_not_allowed")
    else:
        if draft.element_id is not None:
            problems.append("element_not_allowed")
        if draft.kind is PriorityKind.EXAMPLE:
            known = {" ".join(e.split()).casefold() for e in examples}
            if text.casefold() not in known:
                problems.append("example_unknown")
        elif not text:
            problems.append("text_missing")
        elif len(text) > MAX_OWN_WORDS:
            problems.append("text_too_long")
    return problems


def _element_problems(
    draft: PriorityDraft,
    visit: ComingVisit | None,
    elements: Sequence[ElementInfo],
    existing: Sequence[ExistingPriority],
) -> list[str]:
    if draft.element_id is None:
        return ["element_missing"]
    if draft.element_id not in {e.id for e in elements}:
        return ["element_not_in_forlob"]
    problems: list[str] = []
    # More of an element may be asked at any visit; first, less and skip need it planned there.
    if (
        visit is not None
        and visit.element_ids
        and draft.kind is not PriorityKind.MORE
        and draft.element_id not in visit.element_ids
    ):
        problems.append("element_not_at_visit")
    for other in existing:
        if other.element_id != draft.element_id:
            continue
        same_visit = draft.visit_id is not None and other.visit_id == draft.visit_id
        if visit is not None and _covers_day(other.period, visit.day):
            same_visit = True
        same_period = (
            draft.period is not None
            and other.period is not None
            and _overlaps(draft.period, other.period)
        )
        if same_visit or same_period:
            problems.append("element_already_prioritised")
            break
    return problems


def coming_period(today: date, days: int) -> tuple[date, date]:
    """A standing priority's period: from tomorrow, ``days`` days long."""
    start = today + timedelta(days=1)
    return start, start + timedelta(days=days - 1)


# --- A wish outside the forløb ---------------------------------------------------------------

# Words for the nine FSIII "Ældrelovsindsats" elements, keyed by their Danish display name
# (DOMAIN.md "Ældreloven", FSIII kl.dk.fhir.term 2.3.0), so a wish that names help the forløb
# has no element for is recognised. Danish and English, as citizens write them.
ELEMENT_WORDS: Mapping[str, tuple[str, ...]] = {
    "personlig hjælp og pleje": (
        "personlig pleje", "personlig hjælp", "bad", "brusebad", "karbad", "hårvask",
        "påklædning", "tøj på", "toiletbesøg", "barbering", "tandbørstning", "vask",
        "personal care", "bath", "shower", "getting dressed", "washing", "shaving",
    ),
    "praktisk hjælp i hjemmet": (
        "praktisk hjælp", "rengøring", "gøre rent", "støvsugning", "støvsuge", "gulvvask",
        "tøjvask", "vasketøj", "opvask", "oprydning", "indkøb", "handle ind", "skifte sengetøj",
        "practical help", "cleaning", "vacuuming", "laundry", "washing up", "dishes",
        "shopping", "tidying",
    ),
    "madservice": (
        "madservice", "madlevering", "mad udbragt", "varm mad", "måltider", "middagsmad",
        "meal service", "meals on wheels", "meal delivery", "hot meals",
    ),
    "genoptræning": (
        "genoptræning", "træning", "træne", "øvelser", "fysioterapi", "fysioterapeut",
        "rehabilitation", "training", "exercises", "physiotherapy",
    ),
    "afløsning i hjemmet": (
        "afløsning", "afløser", "passe min mand", "passe min kone",
        "relief at home", "sit with my husband", "sit with my wife",
    ),
    "aflastningsophold uden for hjemmet": (
        "aflastning", "aflastningsophold", "aflastningsplads", "respite", "respite stay",
    ),
    "midlertidigt ophold": (
        "midlertidigt ophold", "korttidsplads", "midlertidig plads", "plejehjem", "plejebolig",
        "temporary stay", "short stay", "care home", "nursing home",
    ),
    "koordinering med pårørende og/eller civilsamfund": (
        "besøgsven", "frivillig", "frivillige", "koordinering", "visiting friend", "volunteer",
        "volunteers",
    ),
    "dialog med borger om tilrettelæggelse af forløb": (
        "tilrettelæggelse", "planlægning af min hjælp", "planning my help",
    ),
}  # fmt: skip


def element_matchables(
    element_names: Mapping[str, tuple[str, str]],
) -> tuple[MatchableService, ...]:
    """Matchable words for FSIII elements: ``{code: (name_da, name_en)}`` in, one per code out."""
    return tuple(
        MatchableService(
            code=code,
            names=(name_da, name_en),
            synonyms=ELEMENT_WORDS.get(normalise(name_da), ()),
        )
        for code, (name_da, name_en) in element_names.items()
    )


def wish_matchables(
    elements: Sequence[ElementInfo], all_codes: Mapping[str, tuple[str, str]]
) -> tuple[tuple[MatchableService, ...], tuple[MatchableService, ...]]:
    """The words for what her forløb covers, and for the FSIII elements it has no element for.

    ``all_codes`` is every FSIII element, ``{code: (name_da, name_en)}``; a forløb's element is
    known by its own names as well as by its code's.
    """
    mine = {e.fsiii_code for e in elements}
    covered = tuple(
        MatchableService(
            code=e.fsiii_code,
            names=(e.name_da, e.name_en, *all_codes.get(e.fsiii_code, ())),
            synonyms=ELEMENT_WORDS.get(
                normalise(all_codes.get(e.fsiii_code, (e.name_da, ""))[0]), ()
            ),
        )
        for e in elements
    )
    others = {code: names for code, names in all_codes.items() if code not in mine}
    return covered, element_matchables(others)


def _cue(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\wæøå])(?:" + "|".join(alternatives) + r")(?![\wæøå])")


# Much more help than the forløb: more often, longer, at other times of day (reading).
_MUCH_MORE = _cue(
    r"hver dag", r"dagligt?", r"alle dage", r"hele dagen", r"døgnet rundt", r"om natten",
    r"hver nat", r"flere gange om dagen", r"[to2] gange om dagen", r"hver morgen og aften",
    r"flere besøg", r"ekstra besøg", r"et besøg mere", r"et ekstra besøg", r"oftere",
    r"mere tid", r"længere tid", r"længere besøg", r"mere hjælp", r"meget mere",
    r"every day", r"daily", r"all day", r"at night", r"every night", r"twice a day",
    r"more visits", r"extra visits?", r"another visit", r"more often", r"more time",
    r"longer visits?", r"more help", r"much more",
)  # fmt: skip


@dataclass(frozen=True)
class WishReading:
    """Whether her own words ask for help outside the forløb, and why; a suggestion only."""

    outside: bool
    reasons: tuple[str, ...]  # "element_not_in_forlob", "much_more_help", "reassessment_words"
    not_covered: tuple[str, ...]  # element codes she named that the forløb lacks
    words: str  # her words as she wrote them, carried over to the reassessment


def read_wish(
    text: str,
    *,
    covered: Sequence[MatchableService],
    not_covered: Sequence[MatchableService],
    language: str = "da",
) -> WishReading:
    """Read her own words against the forløb: within it, or substantially different help.

    ``covered`` are the forløb's elements (and the words for them); ``not_covered`` are the
    elements and services it has no element for, e.g. the other FSIII elements.
    """
    words = " ".join(text.split())
    tokens = tokenize(words)
    norm = " ".join(tokens)
    mentions = find_mentions(tokens, [*covered, *not_covered], "en" if language == "en" else "da")
    inside = {m.code for m in covered}
    lacking = tuple(dict.fromkeys(m.code for m in mentions if m.code not in inside))
    reasons: list[str] = []
    if lacking:
        reasons.append("element_not_in_forlob")
    if _MUCH_MORE.search(norm):
        reasons.append("much_more_help")
    elif understand(words, (), language).intent is Intent.REASSESSMENT:
        # "Jeg klarer mig ikke", "jeg er faldet": words about needing other help.
        reasons.append("reassessment_words")
    return WishReading(bool(reasons), tuple(reasons), lacking, words)


# --- What she is told -----------------------------------------------------------------------
# Plain Danish in the catalogue; short sentences, everyday words, no minutes.

TEXT_INTRO = N_(
    "You can tell us what matters most to you at your next visits. "
    "The home-care worker sees it before the visit."
)
TEXT_FORSVARLIGT = N_(
    "The home-care worker decides on the day what is safe to do. "
    "If in doubt, you get the help in your plan."
)
TEXT_OUTSIDE = N_(
    "This looks like other help than your plan covers. "
    "The visitation decides on that. "
    "You can ask them to look at your help again. "
    "We send your words with it."
)
TEXT_NEXT = N_(
    "The home-care worker sees what matters most to you before the visit. "
    "The worker does what can be done, and tells you if something cannot. "
    "Afterwards you can see whether it was met."
)
TEXT_TOGETHER = N_(
    "Your help is a plan, not a list of tasks. "
    "You and the home-care worker fill it in together at each visit."
)

CITIZEN_TEXTS: tuple[str, ...] = (
    TEXT_INTRO,
    TEXT_FORSVARLIGT,
    TEXT_OUTSIDE,
    TEXT_NEXT,
    TEXT_TOGETHER,
)

PROBLEM_MESSAGES: Mapping[str, str] = {
    "when_missing": N_("Choose one coming visit or a period"),
    "when_both": N_("Choose one coming visit or a period"),
    "visit_not_coming": N_(
        "That visit has passed or is not yours. Choose one of the coming visits"
    ),
    "period_not_coming": N_("Choose a period that starts tomorrow or later"),
    "period_reversed": N_("Choose a period that ends after it starts"),
    "period_too_long": N_("Choose a period of at most four weeks"),
    "skip_needs_one_visit": N_("You can skip something at one visit. Choose one coming visit"),
    "element_missing": N_("Choose what it is about"),
    "element_not_in_forlob": N_("Choose one of the parts of your help shown"),
    "element_not_at_visit": N_(
        "That is not planned at this visit. Choose another visit or something else"
    ),
    "element_already_prioritised": N_(
        "You have already asked for something about this. Choose something else"
    ),
    "text_not_allowed": N_("Choose what it is about"),
    "example_unknown": N_("Choose one of the examples shown"),
    "text_missing": N_("Write what matters most to you"),
    "text_too_long": N_("Write at most %(max)d characters"),
    "element_not_allowed": N_("Choose what it is about"),
}


# --- The worker's record of an AEL visit -----------------------------------------------------

RECORDABLE_ELEMENT_OUTCOMES: tuple[ElementOutcome, ...] = (
    ElementOutcome.DONE,
    ElementOutcome.DECLINED,
    ElementOutcome.NOT_DONE,
)
MINUTES_RANGE = (1, 480)  # the optional minutes, when the municipality allows them


@dataclass(frozen=True)
class ElementLine:
    """One element planned at the visit and what the worker recorded for it."""

    key: str
    element_id: int
    outcome: ElementOutcome


@dataclass(frozen=True)
class PriorityAnswer:
    """The worker's answer to one priority: met, or not met with a reason."""

    key: str
    kind: PriorityKind
    element_id: int | None
    met: bool | None  # None: not answered
    reason: PriorityNotMetReason | None = None
    reason_text: str = ""


def element_outcomes(
    planned: Sequence[tuple[str, int]], done: set[str], declined: set[str]
) -> tuple[list[ElementLine], list[tuple[str, str]]]:
    """The tick list read: ticked is done, "she said no" is declined, neither is not done.

    ``planned`` is (key, element id) per element planned at the visit; ``done`` and
    ``declined`` hold the keys ticked. One element cannot be both (problem
    ``done_and_declined``); keys that are not planned are ignored.
    """
    lines: list[ElementLine] = []
    problems: list[tuple[str, str]] = []
    for key, element_id in planned:
        if key in done and key in declined:
            problems.append((key, "done_and_declined"))
        if key in done:
            outcome = ElementOutcome.DONE
        elif key in declined:
            outcome = ElementOutcome.DECLINED
        else:
            outcome = ElementOutcome.NOT_DONE
        lines.append(ElementLine(key, element_id, outcome))
    return lines, problems


def check_ael_record(
    elements: Sequence[ElementLine],
    priorities: Sequence[PriorityAnswer],
    *,
    policy: Policy,
    minutes: int | None = None,
) -> list[tuple[str, str]]:
    """Return (key, problem code) for every problem in the worker's record; empty when valid.

    | code                       | rule                                                      |
    |----------------------------|-----------------------------------------------------------|
    | element_undecided          | each planned element is done, declined or not done        |
    | priority_undecided         | each priority is answered met or not met                  |
    | reason_missing             | not met needs a reason: safety, work environment, other   |
    | reason_text_missing        | "other" needs words                                       |
    | reason_when_met            | a met priority has no reason                              |
    | skipped_element_done       | "skip" met, yet the element was done                      |
    | prioritised_element_not_done | "first"/"more" met, yet the element was not done        |
    | minutes_not_recorded       | no minutes under Ældreloven unless the policy allows them |
    | minutes_out_of_range       | optional minutes between 1 and 480                        |
    """
    problems: list[tuple[str, str]] = []
    outcome_of: dict[int, ElementOutcome] = {}
    for line in elements:
        if line.outcome not in RECORDABLE_ELEMENT_OUTCOMES:
            problems.append((line.key, "element_undecided"))
        outcome_of[line.element_id] = line.outcome
    for answer in priorities:
        if answer.met is None:
            problems.append((answer.key, "priority_undecided"))
            continue
        if answer.met:
            if answer.reason is not None or answer.reason_text.strip():
                problems.append((answer.key, "reason_when_met"))
            done = outcome_of.get(answer.element_id) if answer.element_id is not None else None
            if answer.kind is PriorityKind.SKIP and done is ElementOutcome.DONE:
                problems.append((answer.key, "skipped_element_done"))
            if answer.kind in (PriorityKind.FIRST, PriorityKind.MORE) and done in (
                ElementOutcome.DECLINED,
                ElementOutcome.NOT_DONE,
            ):
                problems.append((answer.key, "prioritised_element_not_done"))
            continue
        if answer.reason is None:
            problems.append((answer.key, "reason_missing"))
        elif answer.reason is PriorityNotMetReason.OTHER and not answer.reason_text.strip():
            problems.append((answer.key, "reason_text_missing"))
    if minutes is not None:
        if not policy.ael_optional_minutes:
            problems.append(("minutes", "minutes_not_recorded"))
        elif not MINUTES_RANGE[0] <= minutes <= MINUTES_RANGE[1]:
            problems.append(("minutes", "minutes_out_of_range"))
    return problems
