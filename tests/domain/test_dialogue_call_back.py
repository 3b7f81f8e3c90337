"""Issue 13, "a person at the end of every road": the "Ring mig op" path, the access log for
"hvem har kigget", one short question when the matcher is unsure which way a swap goes, and
a service named that she is not granted.

Without Flask or a database (domain.dialogue_steps, its call_back path). Deadlines are
counted in working days (DOMAIN.md "Decisions, deadlines, complaints": hverdage, 002);
a relative acts only with consent to act (DOMAIN.md "Relatives", 002 sections 10 and 16).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from selvvisitation.domain import dialogue_steps as d
from selvvisitation.domain.dialogue_steps.call_back import PHONE_PROBLEMS, danish_phone
from selvvisitation.domain.understanding import MatchableService
from tests.domain.test_dialogue import context, run

PHONES = {"citizen": "+45 40506070", "visitation": "70 10 20 30"}


def ctx(**changes) -> d.Context:
    return context(**{"phones": PHONES, "call_back_by": date(2026, 3, 3), **changes})


def to_confirm(c: d.Context) -> d.State:
    return run(
        c,
        d.Answer(choice="call_back"),
        d.Answer(text="40 50 60 70"),
        d.Answer(choice="afternoon"),
        d.Answer(text="  Om mit   bad "),
    )


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("40506070", "40 50 60 70"),
        ("40 50 60 70", "40 50 60 70"),
        ("4050-6070", "40 50 60 70"),
        ("+45 40 50 60 70", "40 50 60 70"),
        ("0045 40506070", "40 50 60 70"),
        ("12 34 56 78", "12 34 56 78"),
    ],
)
def test_a_danish_phone_number_is_eight_digits_however_it_is_written(typed, number):
    assert danish_phone(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "4050607", "405060701", "+46 40506070", "ring mig", "4O5O6O7O", "٤٠٥٠٦٠٧٠"]
)
def test_anything_but_a_danish_phone_number_is_refused(typed):
    assert danish_phone(typed) is None


def test_call_me_is_on_the_menu_and_starts_with_her_own_number_filled_in():
    state = run(ctx(), d.Answer(choice="call_back"))
    assert state.step == "call_phone"
    asked = d.question(ctx(), state)
    assert asked.text_value == "40 50 60 70"  # from her record, editable
    assert asked.inputmode == "tel"


def test_a_relative_is_called_on_their_own_number():
    """Issue 13: a relative with consent to act asks; the relative is the one to talk to."""
    relative = ctx(is_citizen=False, phones={**PHONES, "relative": "22334455"})
    state = run(relative, d.Answer(choice="call_back"))
    assert d.question(relative, state).text_value == "22 33 44 55"


def test_a_relative_who_may_only_see_cannot_ask_for_a_call():
    """DOMAIN.md "Relatives": acting needs the citizen's consent to act."""
    outcome = d.answer(ctx(may_act=False), d.State("call_phone", {}, []), d.Answer(text="40506070"))
    assert outcome.error is not None and outcome.state.step == "call_phone"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", PHONE_PROBLEMS["empty"]),
        ("   ", PHONE_PROBLEMS["empty"]),
        ("123", PHONE_PROBLEMS["format"]),
    ],
)
def test_a_wrong_number_is_refused_with_a_clear_message_and_nothing_moves(typed, problem):
    state = d.State("call_phone", {}, [])
    outcome = d.answer(ctx(), state, d.Answer(text=typed))
    assert outcome.error == d.Invalid("text", problem)
    assert outcome.state is state and outcome.effect is None


def test_the_summary_shows_number_time_words_and_the_day_she_is_called_by():
    state = to_confirm(ctx())
    assert state.step == "call_confirm"
    summary = d.entering(ctx(), state.step, state.data)[0]
    assert summary.kind == "call_back_summary"
    assert dict(summary.params) == {
        "phone": "40 50 60 70",
        "time": "afternoon",
        "text": "Om mit bad",
        "deadline": "2026-03-03",
    }


def test_each_line_of_the_summary_can_be_changed():
    """GOV.UK "Check answers": "Ændr" goes back to the step that asked."""
    state = to_confirm(ctx())
    assert d.changeable(state) == {"phone": "call_phone", "time": "call_time", "text": "call_text"}
    back, _ = d.back_to(ctx(), state, "call_phone")
    assert back.step == "call_phone"
    assert d.question(ctx(), back).text_value == "40 50 60 70"


def test_what_it_is_about_may_be_left_empty():
    state = run(
        ctx(),
        d.Answer(choice="call_back"),
        d.Answer(text="40506070"),
        d.Answer(choice="any_time"),
        d.Answer(text=""),
    )
    assert state.step == "call_confirm" and state.data["call_text"] == ""


def test_sending_is_the_one_effect_and_cancelling_sends_nothing():
    state = to_confirm(ctx())
    sent = d.answer(ctx(), state, d.Answer(choice="send"))
    assert sent.effect == "request_call_back" and sent.state.step == "call_done"
    assert sent.state.stack == []  # what was sent cannot be un-sent by going back
    cancelled = d.answer(ctx(), state, d.Answer(choice="cancel"))
    assert cancelled.effect is None and cancelled.state.step == "menu"


@pytest.mark.parametrize(
    "text", ["ring mig op", "Jeg vil gerne tale med et menneske", "Please call me back"]
)
def test_asking_for_a_person_starts_the_call_me_back_path(text):
    assert run(ctx(), d.Answer(text=text)).step == "call_phone"


def test_words_not_understood_are_answered_with_a_way_to_a_person():
    outcome = d.answer(ctx(), d.State(d.START, {}, []), d.Answer(text="xyzzy qwerty"))
    assert outcome.state.step == "menu"
    assert [m.kind for m in outcome.messages[1:]] == ["text", "call_back_offer"]


def test_call_me_from_any_step_starts_the_path_afresh():
    """Issue 13: offered on every refusal; a typed CPR number is not carried along."""
    state = d.State("relative_scope", {"relative_cpr": "0101701234"}, [{"step": "menu"}])
    new, messages = d.call_me(ctx(), state)
    assert (new.step, new.data, new.stack) == ("call_phone", {}, [])
    assert messages[0] == d.Message("answer", "Ask the visitation to call me")


@pytest.mark.parametrize(
    "text", ["Hvem har kigget i mine oplysninger?", "Who has been looking at my records"]
)
def test_who_has_looked_at_my_data_goes_to_the_access_log(text):
    state = run(ctx(), d.Answer(text=text))
    assert state.step == "access_log"
    assert d.entering(ctx(), state.step, state.data)[0].kind == "access_log"


# --- Unsure which way: ask, do not guess (issue 13, "Structure, not only keywords") -------


def test_an_unsure_swap_asks_which_way_with_yes_and_the_other_way_round():
    state = run(ctx(), d.Answer(text="jeg vil bytte støvsugning gåtur"))
    assert state.step == "which_way"
    asked = d.question(ctx(), state)
    assert asked.text == "Would you like %(add)s instead of %(drop)s?"
    assert [o.value for o in asked.options] == ["yes", "reverse"]
    assert {*asked.params["add"], *asked.params["drop"]} == {"PR-STOEVSUG", "FL-GAATUR"}


def test_yes_keeps_the_reading_and_the_other_way_round_swaps_it():
    asked = run(ctx(), d.Answer(text="jeg vil bytte støvsugning gåtur"))
    add, drop = asked.data["understood"]["add"], asked.data["understood"]["drop"]
    kept = run(ctx(), d.Answer(choice="yes"), step=asked.step, data=asked.data)
    assert kept.step == "swap_when"
    assert (kept.data["prefill_drop"], kept.data["prefill_add"]) == (drop, add)
    turned = run(ctx(), d.Answer(choice="reverse"), step=asked.step, data=asked.data)
    assert (turned.data["prefill_drop"], turned.data["prefill_add"]) == (add, drop)


def test_a_swap_with_a_clear_direction_is_confirmed_as_before():
    state = run(ctx(), d.Answer(text="jeg vil hellere gå en tur end få støvsuget"))
    assert state.step == "understood"


# --- A service she is not granted (issue 13, "What goes wrong today" 5) ------------------

WINDOWS = MatchableService("XS-VINDUER", ("Vinduespudsning", "Window cleaning"), ("vinduer",))


def with_windows() -> d.Context:
    base = ctx()
    return replace(base, services=(*base.services, WINDOWS))


def test_a_service_she_is_not_granted_is_said_so_with_the_closest_granted_ones():
    """Not confirmed as understood: "vinduer" is not hers to drop (rule 1: the swap is of
    help the decision grants); the granted services of the same category come first."""
    c = with_windows()
    state = run(c, d.Answer(text="jeg vil hellere gå en tur end få pudset vinduer"))
    said = d.entering(c, state.step, state.data)
    assert said[0].params == {"services": ["XS-VINDUER"], "closest": ["PR-STOEVSUG", "PP-BAD"]}
    assert said[1].kind == "understood" and said[1].params["drop"] == []
    assert said[1].params["add"] == ["FL-GAATUR"]


def test_a_granted_service_is_confirmed_as_before():
    state = run(with_windows(), d.Answer(text="jeg vil hellere gå en tur end få støvsuget"))
    said = d.entering(with_windows(), state.step, state.data)
    assert said[0].kind == "understood" and said[0].params["drop"] == ["PR-STOEVSUG"]


def test_nothing_close_is_offered_when_nothing_she_has_can_be_swapped():
    c = replace(with_windows(), granted=())
    state = run(c, d.Answer(text="jeg vil hellere gå en tur end få pudset vinduer"))
    said = d.entering(c, state.step, state.data)
    assert said[0].text == "You are not granted %(services)s, so you cannot drop it."
