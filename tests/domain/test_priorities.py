"""Priorities for coming visits and the worker's light record (domain.priority_rules).

Every test cites DOMAIN.md, section "Ældreloven", and says whether it enforces the **law**
or our **reading** of it.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from selvvisitation.domain import priority_rules
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.priority_rules import (
    CITIZEN_TEXTS,
    MAX_OWN_WORDS,
    MAX_PERIOD_DAYS,
    PROBLEM_MESSAGES,
    TEXT_FORSVARLIGT,
    ComingVisit,
    ElementInfo,
    ElementLine,
    ExistingPriority,
    PriorityAnswer,
    PriorityDraft,
    check_ael_record,
    check_priority,
    coming_period,
    element_matchables,
    read_wish,
)
from selvvisitation.domain.types import ElementOutcome, PriorityKind, PriorityNotMetReason

TODAY = date(2026, 3, 2)  # a Monday
CARE = ElementInfo(1, "care", "Personlig hjælp og pleje", "Personal help and care")
PRACTICAL = ElementInfo(2, "practical", "Praktisk hjælp i hjemmet", "Practical help at home")
ELEMENTS = (CARE, PRACTICAL)
TOMORROW = ComingVisit(10, date(2026, 3, 3), (1, 2))
TODAYS = ComingVisit(11, TODAY, (1, 2))
CARE_ONLY = ComingVisit(12, date(2026, 3, 4), (1,))
VISITS = (TOMORROW, TODAYS, CARE_ONLY)
EXAMPLES = ("Flyt baddagen", "En gåtur", "Køkkenet i stedet for stuen", "En kop kaffe og en snak")
WEEK = (date(2026, 3, 3), date(2026, 3, 9))

K = PriorityKind


def check(draft: PriorityDraft, existing=()) -> list[str]:
    return check_priority(
        draft, today=TODAY, elements=ELEMENTS, visits=VISITS, examples=EXAMPLES, existing=existing
    )


# --- What a priority may be -------------------------------------------------------------------


@pytest.mark.parametrize(
    "draft",
    [
        # reading (Ældreloven, "fra gang til gang"): first, more, less, skip among the elements.
        PriorityDraft(K.FIRST, visit_id=10, element_id=1),
        PriorityDraft(K.MORE, visit_id=10, element_id=2),
        PriorityDraft(K.LESS, visit_id=10, element_id=2),
        PriorityDraft(K.SKIP, visit_id=10, element_id=2),
        # reading: one of the municipality's examples (KL: choosing the bath day).
        PriorityDraft(K.EXAMPLE, visit_id=10, text="Flyt baddagen"),
        PriorityDraft(K.EXAMPLE, visit_id=10, text="  en   GÅTUR "),
        # reading: her own words.
        PriorityDraft(K.OWN_WORDS, visit_id=10, text="Jeg vil gerne have vasket hår først"),
        # reading: as a standing priority for a period.
        PriorityDraft(K.FIRST, period=WEEK, element_id=1),
        PriorityDraft(K.OWN_WORDS, period=WEEK, text="Kaffe først"),
        PriorityDraft(K.EXAMPLE, period=(date(2026, 3, 3), date(2026, 3, 30)), text="En gåtur"),
        # reading: more of an element may be asked at a visit where it is not planned.
        PriorityDraft(K.MORE, visit_id=12, element_id=2),
    ],
)
def test_a_priority_within_the_forlob_may_be_sent(draft):
    """DOMAIN.md "Ældreloven", self-determination: law (ÆL § 1 stk. 2), the forms are reading."""
    assert check(draft) == []


@pytest.mark.parametrize(
    "draft,codes",
    [
        # reading: one coming visit, or a period; not neither, not both.
        (PriorityDraft(K.FIRST, element_id=1), ["when_missing"]),
        (PriorityDraft(K.FIRST, visit_id=10, period=WEEK, element_id=1), ["when_both"]),
        # reading: for a visit from tomorrow on (today's may have started), and her own.
        (PriorityDraft(K.FIRST, visit_id=11, element_id=1), ["visit_not_coming"]),
        (PriorityDraft(K.FIRST, visit_id=999, element_id=1), ["visit_not_coming"]),
        (
            PriorityDraft(K.FIRST, period=(TODAY, date(2026, 3, 9)), element_id=1),
            ["period_not_coming"],
        ),
        (
            PriorityDraft(K.FIRST, period=(date(2026, 3, 9), date(2026, 3, 3)), element_id=1),
            ["period_reversed"],
        ),
        # reading: a standing priority runs at most four weeks, then she sets it anew.
        (
            PriorityDraft(K.FIRST, period=(date(2026, 3, 3), date(2026, 3, 31)), element_id=1),
            ["period_too_long"],
        ),
        # reading: "skip this time" is for one visit; skipping for weeks is for the visitation.
        (PriorityDraft(K.SKIP, period=WEEK, element_id=1), ["skip_needs_one_visit"]),
        # law (ÆL § 10): the priority is among the forløb's elements.
        (PriorityDraft(K.FIRST, visit_id=10), ["element_missing"]),
        (PriorityDraft(K.MORE, visit_id=10, element_id=99), ["element_not_in_forlob"]),
        # reading: first, less and skip need the element planned at that visit.
        (PriorityDraft(K.FIRST, visit_id=12, element_id=2), ["element_not_at_visit"]),
        (PriorityDraft(K.LESS, visit_id=12, element_id=2), ["element_not_at_visit"]),
        (PriorityDraft(K.SKIP, visit_id=12, element_id=2), ["element_not_at_visit"]),
        # reading: an element kind says it all; words go in "own words".
        (PriorityDraft(K.FIRST, visit_id=10, element_id=1, text="hurtigt"), ["text_not_allowed"]),
        # reading: an example is one of the municipality's.
        (PriorityDraft(K.EXAMPLE, visit_id=10, text="Gå i byen"), ["example_unknown"]),
        (PriorityDraft(K.EXAMPLE, visit_id=10, text=""), ["example_unknown"]),
        (
            PriorityDraft(K.EXAMPLE, visit_id=10, element_id=1, text="En gåtur"),
            ["element_not_allowed"],
        ),
        # reading: her own words are written, and short.
        (PriorityDraft(K.OWN_WORDS, visit_id=10, text="   "), ["text_missing"]),
        (
            PriorityDraft(K.OWN_WORDS, visit_id=10, text="a" * (MAX_OWN_WORDS + 1)),
            ["text_too_long"],
        ),
        (
            PriorityDraft(K.OWN_WORDS, visit_id=10, element_id=2, text="Kaffe"),
            ["element_not_allowed"],
        ),
    ],
)
def test_a_priority_that_breaks_a_rule_names_each_problem(draft, codes):
    """DOMAIN.md "Ældreloven": law (§ 10, the forløb's frame) and reading (the forms)."""
    assert check(draft) == codes


def test_own_words_at_the_limit_are_accepted():
    """DOMAIN.md "Ældreloven": reading (one short priority)."""
    assert check(PriorityDraft(K.OWN_WORDS, visit_id=10, text="a" * MAX_OWN_WORDS)) == []


def test_a_period_of_exactly_the_maximum_is_accepted():
    """DOMAIN.md "Ældreloven": reading (at most four weeks)."""
    period = coming_period(TODAY, MAX_PERIOD_DAYS)
    assert period == (date(2026, 3, 3), date(2026, 3, 30))
    assert check(PriorityDraft(K.FIRST, period=period, element_id=1)) == []


def test_without_the_visits_elements_known_any_forlob_element_may_be_chosen():
    """DOMAIN.md "Ældreloven": reading (the worker plans the content with her, § 11)."""
    unplanned = ComingVisit(20, date(2026, 3, 5))
    problems = check_priority(
        PriorityDraft(K.SKIP, visit_id=20, element_id=2),
        today=TODAY,
        elements=ELEMENTS,
        visits=(unplanned,),
        examples=EXAMPLES,
    )
    assert problems == []


@pytest.mark.parametrize(
    "existing,draft,clash",
    [
        # The same element at the same visit.
        (
            ExistingPriority(10, None, 1, K.FIRST),
            PriorityDraft(K.LESS, visit_id=10, element_id=1),
            True,
        ),
        # A standing priority for the element covers the visit's day.
        (
            ExistingPriority(None, WEEK, 1, K.FIRST),
            PriorityDraft(K.SKIP, visit_id=10, element_id=1),
            True,
        ),
        # Two overlapping periods for the same element.
        (
            ExistingPriority(None, (date(2026, 3, 8), date(2026, 3, 20)), 1, K.MORE),
            PriorityDraft(K.LESS, period=WEEK, element_id=1),
            True,
        ),
        # Another element, another visit, or a period that does not overlap: no clash.
        (
            ExistingPriority(10, None, 2, K.FIRST),
            PriorityDraft(K.FIRST, visit_id=10, element_id=1),
            False,
        ),
        (
            ExistingPriority(12, None, 1, K.FIRST),
            PriorityDraft(K.FIRST, visit_id=10, element_id=1),
            False,
        ),
        (
            ExistingPriority(None, (date(2026, 3, 10), date(2026, 3, 20)), 1, K.MORE),
            PriorityDraft(K.LESS, period=WEEK, element_id=1),
            False,
        ),
        # Own words never clash: she may say more than one thing.
        (
            ExistingPriority(10, None, None, K.OWN_WORDS),
            PriorityDraft(K.OWN_WORDS, visit_id=10, text="x"),
            False,
        ),
    ],
)
def test_one_priority_per_element_at_a_time(existing, draft, clash):
    """DOMAIN.md "Ældreloven": reading (first and less of one element cannot both hold)."""
    problems = check(draft, existing=[existing])
    assert ("element_already_prioritised" in problems) is clash


ALL_CODES = (
    "when_missing when_both visit_not_coming period_not_coming period_reversed period_too_long "
    "skip_needs_one_visit element_missing element_not_in_forlob element_not_at_visit "
    "element_already_prioritised text_not_allowed example_unknown text_missing text_too_long "
    "element_not_allowed"
).split()


def test_every_problem_has_a_message():
    """DOMAIN.md "Ældreloven": reading (bad input gives a plain message and writes nothing)."""
    assert set(ALL_CODES) == set(PROBLEM_MESSAGES)


# --- No minutes anywhere ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls", [ElementInfo, ComingVisit, PriorityDraft, ExistingPriority, ElementLine, PriorityAnswer]
)
def test_no_priority_or_record_holds_minutes(cls):
    """DOMAIN.md "Ældreloven": law ("ned på minuttet" no more) and reading (none recorded)."""
    assert not [f.name for f in dataclasses.fields(cls) if "minute" in f.name]


def test_no_citizen_text_mentions_minutes():
    """DOMAIN.md "Ældreloven": reading (no minutes are shown or counted for AEL citizens)."""
    texts = [*CITIZEN_TEXTS, *PROBLEM_MESSAGES.values(), *priority_rules.KIND_LABELS.values()]
    assert not [t for t in texts if re.search(r"\d+ ?min|\bminut", t, re.IGNORECASE)]


# --- What she is told -------------------------------------------------------------------------


def test_she_is_told_the_worker_decides_what_is_safe():
    """DOMAIN.md "Ældreloven": reading (the worker decides on the spot what is safe)."""
    assert "decides on the day what is safe" in TEXT_FORSVARLIGT
    assert TEXT_FORSVARLIGT in CITIZEN_TEXTS


@pytest.mark.parametrize("text", CITIZEN_TEXTS)
def test_citizen_texts_use_short_sentences(text):
    """DOMAIN.md "Ældreloven": reading (plain words for the citizen; issue 12, short sentences)."""
    sentences = [s for s in re.split(r"[.!?]\s*", text) if s.strip()]
    assert max(len(s.split()) for s in sentences) <= 14


# --- A wish outside the forløb ------------------------------------------------------------------

NAMES = {
    "care": ("Personlig hjælp og pleje", "Personal help and care"),
    "practical": ("Praktisk hjælp i hjemmet", "Practical help at home"),
    "meals": ("Madservice", "Meal service"),
    "rehab": ("Genoptræning", "Rehabilitation"),
    "respite": ("Aflastningsophold uden for hjemmet", "Respite stay away from home"),
}
ALL = element_matchables(NAMES)
COVERED = [m for m in ALL if m.code in ("care", "practical")]
NOT_COVERED = [m for m in ALL if m.code not in ("care", "practical")]


def read(text: str, language: str = "da"):
    return read_wish(text, covered=COVERED, not_covered=NOT_COVERED, language=language)


@pytest.mark.parametrize(
    "text",
    [
        "Jeg vil gerne have badet først",
        "Kan I vaske gulvet i køkkenet i stedet for stuen",
        "En kop kaffe og en snak",
        "Gerne en gåtur hvis vejret er godt",
        "Flyt baddagen til torsdag",
        "Jeg vil hellere have støvsugning end gulvvask",
        "I'd like a shower first",
        "Could we go for a walk",
    ],
)
def test_a_wish_within_the_forlob_stays_a_priority(text):
    """DOMAIN.md "Ældreloven": reading (within the forløb the citizen sets priorities)."""
    reading = read(text, "en" if text[0] in "IC" else "da")
    assert not reading.outside, reading


@pytest.mark.parametrize(
    "text,reason,codes",
    [
        # Help the forløb has no element for: a service category it lacks.
        ("Jeg vil gerne have madservice", "element_not_in_forlob", ("meals",)),
        ("Kan jeg få genoptræning af mit knæ", "element_not_in_forlob", ("rehab",)),
        ("Jeg har brug for træning", "element_not_in_forlob", ("rehab",)),
        ("Jeg vil gerne på aflastning en uge", "element_not_in_forlob", ("respite",)),
        ("I would like meals on wheels", "element_not_in_forlob", ("meals",)),
        # Much more help: more often, more visits, more time.
        ("Jeg vil gerne have bad hver dag", "much_more_help", ()),
        ("Kan jeg få flere besøg", "much_more_help", ()),
        ("Jeg skal have mere tid til rengøringen", "much_more_help", ()),
        ("Hjælp om natten", "much_more_help", ()),
        ("I need more visits", "much_more_help", ()),
        ("A shower every day please", "much_more_help", ()),
        # Words about needing other help altogether (the existing matcher's reassessment cues).
        ("Jeg er faldet og kan ikke klare mig", "reassessment_words", ()),
        ("Jeg klarer det selv nu", "reassessment_words", ()),
    ],
)
def test_a_wish_outside_the_forlob_goes_to_the_visitation(text, reason, codes):
    """DOMAIN.md "Ældreloven": law (substantially different help is for the visitation)."""
    language = "en" if text[0] in "IA" else "da"
    reading = read(text, language)
    assert reading.outside
    assert reason in reading.reasons
    assert reading.not_covered == codes


def test_her_words_are_carried_over_as_she_wrote_them():
    """DOMAIN.md "Ældreloven": reading (a wish outside becomes a request with her words)."""
    reading = read("  Jeg vil gerne have   madservice, tak!  ")
    assert reading.words == "Jeg vil gerne have madservice, tak!"


def test_an_element_in_the_forlob_is_not_outside_even_if_also_listed_as_not_covered():
    """DOMAIN.md "Ældreloven": law (§ 10: what the forløb covers is within it)."""
    reading = read_wish("madservice", covered=ALL, not_covered=ALL)
    assert not reading.outside


def test_element_words_cover_the_nine_fsiii_elements():
    """DOMAIN.md "Ældreloven": law (FSIII "Ældrelovsindsats" has nine codes)."""
    assert len(priority_rules.ELEMENT_WORDS) == 9
    assert all(words for words in priority_rules.ELEMENT_WORDS.values())


# --- The worker's record ------------------------------------------------------------------------

POLICY = Policy()
OUT = ElementOutcome
R = PriorityNotMetReason


def record(elements=(), answers=(), minutes=None, policy=POLICY):
    return check_ael_record(list(elements), list(answers), policy=policy, minutes=minutes)


def test_an_ordinary_visit_with_everything_done_is_valid():
    """DOMAIN.md "Ældreloven": reading (recording is light: a tick list)."""
    assert record([ElementLine("a", 1, OUT.DONE), ElementLine("b", 2, OUT.DONE)]) == []


@pytest.mark.parametrize("outcome", [OUT.DONE, OUT.DECLINED, OUT.NOT_DONE])
def test_each_element_is_done_declined_or_not_done(outcome):
    """DOMAIN.md "Ældreloven": reading (repeated declines bring the visitator back)."""
    assert record([ElementLine("a", 1, outcome)]) == []


def test_an_element_left_planned_is_undecided():
    """DOMAIN.md "Ældreloven": reading (every element of the visit is recorded)."""
    assert record([ElementLine("a", 1, OUT.PLANNED)]) == [("a", "element_undecided")]


@pytest.mark.parametrize(
    "answer,codes",
    [
        (PriorityAnswer("p", K.OWN_WORDS, None, met=True), []),
        (PriorityAnswer("p", K.OWN_WORDS, None, met=None), ["priority_undecided"]),
        # Not met needs a reason: safety, work environment, or other in words.
        (PriorityAnswer("p", K.OWN_WORDS, None, met=False), ["reason_missing"]),
        (PriorityAnswer("p", K.OWN_WORDS, None, met=False, reason=R.SAFETY), []),
        (PriorityAnswer("p", K.OWN_WORDS, None, met=False, reason=R.WORK_ENVIRONMENT), []),
        (
            PriorityAnswer("p", K.OWN_WORDS, None, met=False, reason=R.OTHER),
            ["reason_text_missing"],
        ),
        (
            PriorityAnswer("p", K.OWN_WORDS, None, met=False, reason=R.OTHER, reason_text="  "),
            ["reason_text_missing"],
        ),
        (
            PriorityAnswer("p", K.OWN_WORDS, None, met=False, reason=R.OTHER, reason_text="Syg"),
            [],
        ),
        (PriorityAnswer("p", K.OWN_WORDS, None, met=True, reason=R.SAFETY), ["reason_when_met"]),
    ],
)
def test_each_priority_is_met_or_not_met_with_a_reason(answer, codes):
    """DOMAIN.md "Ældreloven": reading (the worker decides what is safe; unmet wishes bring
    the visitator back, so the reason is recorded)."""
    assert [code for _, code in record(answers=[answer])] == codes


@pytest.mark.parametrize(
    "kind,outcome,codes",
    [
        (K.SKIP, OUT.DONE, ["skipped_element_done"]),
        (K.SKIP, OUT.DECLINED, []),
        (K.FIRST, OUT.DONE, []),
        (K.FIRST, OUT.NOT_DONE, ["prioritised_element_not_done"]),
        (K.MORE, OUT.DECLINED, ["prioritised_element_not_done"]),
        (K.LESS, OUT.DONE, []),
    ],
)
def test_a_met_priority_agrees_with_the_elements_ticked(kind, outcome, codes):
    """DOMAIN.md "Ældreloven": reading (the record says what happened, once)."""
    problems = record([ElementLine("a", 1, outcome)], [PriorityAnswer("p", kind, 1, met=True)])
    assert [code for _, code in problems] == codes


@pytest.mark.parametrize(
    "allowed,minutes,codes",
    [
        (False, None, []),
        # No minutes under Ældreloven...
        (False, 30, ["minutes_not_recorded"]),
        # ... unless the municipality turns on optional time.
        (True, None, []),
        (True, 30, []),
        (True, 0, ["minutes_out_of_range"]),
        (True, 481, ["minutes_out_of_range"]),
    ],
)
def test_minutes_only_when_the_policy_allows_them(allowed, minutes, codes):
    """DOMAIN.md "Ældreloven": law (minutes not accounted for) and reading (optional setting)."""
    policy = dataclasses.replace(POLICY, ael_optional_minutes=allowed)
    assert [code for _, code in record(minutes=minutes, policy=policy)] == codes


def test_wish_words_know_the_forlob_by_its_own_names_and_its_codes():
    """DOMAIN.md "Ældreloven": law (elements carry the FSIII codes; § 10 the forløb's frame)."""
    mine = [
        ElementInfo(1, "care", "Pleje og omsorg", "Care"),
        ElementInfo(2, "practical", "Rengøring", "Cleaning"),
    ]
    covered, not_covered = priority_rules.wish_matchables(mine, NAMES)
    assert [m.code for m in covered] == ["care", "practical"]
    assert {m.code for m in not_covered} == {"meals", "rehab", "respite"}
    reading = read_wish("Mere pleje og omsorg, og et bad", covered=covered, not_covered=not_covered)
    assert not reading.outside
    reading = read_wish("Jeg vil gerne have madservice", covered=covered, not_covered=not_covered)
    assert reading.not_covered == ("meals",)


@pytest.mark.parametrize(
    "done,declined,outcomes,codes",
    [
        # An ordinary visit: everything ticked as done.
        ({"a", "b"}, set(), [OUT.DONE, OUT.DONE], []),
        # She said no to one element this time.
        ({"a"}, {"b"}, [OUT.DONE, OUT.DECLINED], []),
        # Neither ticked: not done.
        ({"a"}, set(), [OUT.DONE, OUT.NOT_DONE], []),
        # Both ticked for one element cannot be.
        ({"a", "b"}, {"b"}, [OUT.DONE, OUT.DONE], [("b", "done_and_declined")]),
        # A key that is not planned is ignored.
        ({"a", "b", "zz"}, {"zz"}, [OUT.DONE, OUT.DONE], []),
    ],
)
def test_the_tick_list_gives_each_element_its_outcome(done, declined, outcomes, codes):
    """DOMAIN.md "Ældreloven": reading (recording is light: a tick list; declines count)."""
    lines, problems = priority_rules.element_outcomes([("a", 1), ("b", 2)], done, declined)
    assert [line.outcome for line in lines] == outcomes
    assert problems == codes
