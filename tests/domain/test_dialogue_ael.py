"""The AEL path of the dialogue (domain.dialogue_steps.priority), step by step, without Flask or
a database.

Each test cites DOMAIN.md, section "Ældreloven", and says whether it enforces law or reading.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from selvvisitation.domain import dialogue_steps as d
from selvvisitation.domain.dialogue_steps import priority
from selvvisitation.domain.priority_rules import (
    TEXT_FORSVARLIGT,
    TEXT_OUTSIDE,
    ElementInfo,
    ExistingPriority,
    element_matchables,
    wish_matchables,
)
from selvvisitation.domain.types import LegalBasis, PriorityKind

TODAY = date(2026, 3, 2)
CARE = ElementInfo(11, "care", "Personlig hjælp og pleje", "Personal help and care")
PRACTICAL = ElementInfo(12, "practical", "Praktisk hjælp i hjemmet", "Practical help at home")
ALL_CODES = {
    "care": ("Personlig hjælp og pleje", "Personal help and care"),
    "practical": ("Praktisk hjælp i hjemmet", "Practical help at home"),
    "meals": ("Madservice", "Meal service"),
}


def visit(visit_id: int, day: date, elements=(11, 12)) -> d.VisitInfo:
    start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
    return d.VisitInfo(visit_id, day, start, start + timedelta(hours=1), 0, (), elements=elements)


def context(**changes) -> d.Context:
    covered, not_covered = wish_matchables((CARE, PRACTICAL), ALL_CODES)
    values = dict(
        today=TODAY,
        legal_basis=LegalBasis.AEL,
        elements=(CARE, PRACTICAL),
        visits=tuple(visit(n, TODAY + timedelta(days=n)) for n in range(8)),
        examples=(("Flyt baddagen", "Move the bath day"), ("En gåtur", "A walk")),
        wish_covered=covered,
        wish_not_covered=not_covered,
    )
    values.update(changes)
    return d.Context(**values)


def run(ctx: d.Context, *answers: d.Answer) -> d.State:
    state = d.State(d.START, {}, [])
    for given in answers:
        outcome = d.answer(ctx, state, given)
        assert outcome.error is None, outcome.error
        state = outcome.state
        if outcome.effect:
            assert outcome.effect == "submit_priority"
            state, _ = d.after_effect(ctx, state, {"reference": "PRI-00000001"})
    return state


def A(choice: str = "", text: str = "") -> d.Answer:
    return d.Answer(choice=choice, text=text)


def test_the_menu_offers_priorities_not_swaps():
    """DOMAIN.md "Ældreloven": law (SEL § 2 stk. 5) and reading (swaps fall away for AEL)."""
    values = d.question(context(), d.State(d.START, {}, [])).values
    assert "priority" in values and "swap" not in values
    sel = d.question(context(legal_basis=LegalBasis.SEL), d.State(d.START, {}, [])).values
    assert "swap" in sel and "priority" not in sel


def test_only_the_next_five_visits_from_tomorrow_and_a_period_are_offered():
    """DOMAIN.md "Ældreloven": reading (for coming visits; issue 12: short lists)."""
    state = run(context(), A("priority"))
    assert state.step == "priority_visit"
    asked = d.question(context(), state)
    assert [o.value for o in asked.options] == ["1", "2", "3", "4", "5", "period"]


def test_an_element_first_at_one_visit_is_checked_told_and_sent():
    """DOMAIN.md "Ældreloven": reading (first among the elements; told the worker decides)."""
    ctx = context()
    state = run(ctx, A("priority"), A("1"), A("element"), A("11"), A("first"))
    assert state.step == "priority_confirm"
    intro = d.entering(ctx, state.step, state.data)
    assert intro[0].kind == "priority_summary" and intro[0].params["kind"] == "first"
    assert intro[0].params["element"] == {"da": CARE.name_da, "en": CARE.name_en}
    assert any(m.kind == "notice" and m.text == TEXT_FORSVARLIGT for m in intro)
    outcome = d.answer(ctx, state, A("send"))
    assert outcome.effect == "submit_priority"
    draft = priority.draft_of(outcome.state.data)
    assert (draft.kind, draft.visit_id, draft.element_id) == (PriorityKind.FIRST, 1, 11)
    done = run(ctx, A("priority"), A("1"), A("element"), A("11"), A("first"), A("send"))
    assert done.step == "priority_done" and done.data["reference"] == "PRI-00000001"


def test_the_elements_offered_are_those_planned_at_the_visit():
    """DOMAIN.md "Ældreloven": reading (first/less/skip concern what is planned then)."""
    ctx = context(visits=(visit(1, TODAY + timedelta(days=1), elements=(12,)),))
    state = run(ctx, A("priority"), A("1"), A("element"))
    assert [o.value for o in d.question(ctx, state).options] == ["12"]


def test_skip_is_offered_for_a_visit_but_not_for_a_period():
    """DOMAIN.md "Ældreloven": reading ("skip this time" is one visit)."""
    ctx = context()
    one = run(ctx, A("priority"), A("1"), A("element"), A("11"))
    assert "skip" in d.question(ctx, one).values
    period = run(ctx, A("priority"), A("period"), A("one_week"), A("element"), A("11"))
    assert "skip" not in d.question(ctx, period).values


def test_an_example_for_a_period_is_sent_with_the_examples_words():
    """DOMAIN.md "Ældreloven": reading (one of the municipality's examples, standing)."""
    ctx = context()
    state = run(ctx, A("priority"), A("period"), A("two_weeks"), A("example:1"))
    draft = priority.draft_of(state.data)
    assert (draft.kind, draft.text) == (PriorityKind.EXAMPLE, "En gåtur")
    assert draft.period == (date(2026, 3, 3), date(2026, 3, 16))


def test_own_words_within_the_forlob_go_to_the_confirmation():
    """DOMAIN.md "Ældreloven": reading (her own words)."""
    state = run(context(), A("priority"), A("1"), A(text="Kaffe før badet, tak"))
    assert state.step == "priority_confirm"
    assert priority.draft_of(state.data).text == "Kaffe før badet, tak"


@pytest.mark.parametrize(
    "words", ["Jeg vil gerne have madservice", "Kan I komme hver dag", "Jeg vil have flere besøg"]
)
def test_own_words_outside_the_forlob_are_for_the_visitation_with_her_words(words):
    """DOMAIN.md "Ældreloven": law (substantially different help is for the visitation)."""
    ctx = context()
    state = run(ctx, A("priority"), A("1"), A(text=words))
    assert state.step == "priority_outside"
    told = d.entering(ctx, state.step, state.data)
    assert any(m.text == TEXT_OUTSIDE for m in told)
    to_visitation = run(ctx, A("priority"), A("1"), A(text=words), A("reassessment"))
    assert to_visitation.step == "reassess_reason"
    text_step = d.answer(ctx, to_visitation, A("more_help")).state
    assert d.question(ctx, text_step).text_value == words  # carried over, to be changed freely


def test_writing_it_again_keeps_her_words_in_the_box():
    """DOMAIN.md "Ældreloven": reading (nothing she wrote is lost)."""
    ctx = context()
    state = run(ctx, A("priority"), A("1"), A(text="Madservice"), A("again"))
    assert state.step == "priority_what"
    assert d.question(ctx, state).text_value == "Madservice"


def test_free_text_at_the_menu_becomes_a_priority_for_an_ael_citizen():
    """DOMAIN.md "Ældreloven": reading (a swap sentence is a wish within the forløb)."""
    ctx = context()
    state = run(ctx, A(text="Jeg vil hellere gå en tur end få gjort rent"), A("yes"))
    assert state.step == "priority_visit"
    state = run(ctx, A(text="Jeg vil hellere gå en tur end få gjort rent"), A("yes"), A("1"))
    assert d.question(ctx, state).text_value == "Jeg vil hellere gå en tur end få gjort rent"


@pytest.mark.parametrize(
    "before,given,message",
    [
        ((A("priority"), A("1")), A(), "Choose what matters most to you, or write it"),
        (
            (A("priority"),),
            A("99"),
            "That visit has passed or is not yours. Choose one of the coming visits",
        ),
        (
            (A("priority"),),
            A("0"),
            "That visit has passed or is not yours. Choose one of the coming visits",
        ),
    ],
)
def test_bad_answers_get_a_plain_message_and_change_nothing(before, given, message):
    """DOMAIN.md "Ældreloven": reading (bad input gives a plain message and writes nothing;
    today's visit may have started, so it is not offered)."""
    ctx = context()
    state = run(ctx, *before)
    outcome = d.answer(ctx, state, given)
    assert outcome.error is not None and outcome.error.message == message
    assert outcome.state is state and outcome.effect is None


def test_the_same_element_twice_is_refused_before_the_confirmation():
    """DOMAIN.md "Ældreloven": reading (one priority per element at a time)."""
    ctx = context(priorities=(ExistingPriority(1, None, 11, PriorityKind.MORE),))
    state = run(ctx, A("priority"), A("1"), A("element"), A("11"))
    outcome = d.answer(ctx, state, A("less"))
    assert (
        outcome.error.message
        == "You have already asked for something about this. Choose something else"
    )


def test_a_visit_that_passed_while_she_read_is_refused_at_sending():
    """DOMAIN.md "Ældreloven": reading (a priority is for a coming visit)."""
    ctx = context()
    state = run(ctx, A("priority"), A("1"), A("element"), A("11"), A("first"))
    later = replace(ctx, today=TODAY + timedelta(days=1))
    outcome = d.answer(later, state, A("send"))
    assert outcome.error is not None and outcome.effect is None


def test_swaps_and_priorities_do_not_mix_when_the_law_changed_mid_conversation():
    """DOMAIN.md "Ældreloven": law (SEL § 2 stk. 5: no § 94 a swaps under Ældreloven)."""
    ael_ctx = context()
    outcome = d.answer(ael_ctx, d.State("swap_when", {}, []), A("visit"))
    assert outcome.error.message == "Your help has changed. Please start over"
    sel_ctx = context(legal_basis=LegalBasis.SEL)
    outcome = d.answer(sel_ctx, d.State("priority_visit", {}, []), A("1"))
    assert outcome.error.message == "Your help has changed. Please start over"


def test_no_step_of_the_path_mentions_minutes():
    """DOMAIN.md "Ældreloven": law/reading (no minutes are shown or counted)."""
    ctx = context()
    data = {"visit_id": 1, "element_id": 11, "kind": "first", "words": "x", "period": None}
    for name in priority.PRIORITY_STEPS:
        asked = d.question(ctx, d.State(name, dict(data), []))
        said = [asked.text, *(o.label for o in asked.options)]
        said += [m.text for m in d.entering(ctx, name, data)]
        assert not [t for t in said if "minute" in t.lower()], name


def test_element_words_for_not_covered_elements_come_from_the_codes():
    """DOMAIN.md "Ældreloven": law (FSIII "Ældrelovsindsats" codes)."""
    assert [m.code for m in element_matchables({"meals": ("Madservice", "Meals")})] == ["meals"]
