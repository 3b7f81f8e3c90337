"""The dialogue engine step by step, without Flask or a database.

Rules (DOMAIN.md): 1-4 and 9 are checked by domain.swaps and explained here; rule 5
(002 §8) and rule 6 (004 footnote 2, § 90) are told before confirming; rule 8
(004 §1.3.3) the rights; relatives act only with consent (002 sections 10 and 16).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from selvvisitation.domain import dialogue_steps as d
from selvvisitation.domain.dialogue_steps.engine import GIVEN, MOST_STEPS_BACK, NEEDS_CPR
from selvvisitation.domain.dialogue_steps.primitives import MAX_NAME, MAX_TEXT
from selvvisitation.domain.dialogue_steps.relative import CITIZEN_ONLY_STEPS
from selvvisitation.domain.dialogue_steps.swap import visit_bookings
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import Frequency, RelationKind, ServiceCategory
from selvvisitation.domain.understanding import MatchableService

TODAY = date(2026, 3, 2)  # a Monday
TOMORROW = TODAY + timedelta(days=1)
P, R, OTHER = ServiceCategory.PERSONAL_CARE, ServiceCategory.PRACTICAL_HELP, ServiceCategory.OTHER

CATALOGUE = {
    "PR-STOEVSUG": CatalogueService("PR-STOEVSUG", R, True, False, True, 20),
    "PP-BAD": CatalogueService("PP-BAD", P, True, False, True, 30),
    "FL-GAATUR": CatalogueService("FL-GAATUR", P, False, True, True, 20),
    "FL-TOEJKOEB": CatalogueService("FL-TOEJKOEB", P, False, True, True, 60),
    "SY-SYGEPLEJE": CatalogueService("SY-SYGEPLEJE", OTHER, False, False, True, 15),
    "XS-VINDUER": CatalogueService("XS-VINDUER", R, True, False, False, 30),
}
GRANTED = tuple(
    GrantedService(code, minutes, Frequency.DAILY, start=TODAY - timedelta(days=30))
    for code, minutes in (("PR-STOEVSUG", 20), ("PP-BAD", 30), ("SY-SYGEPLEJE", 15))
)


def visit(visit_id: int, day: date) -> d.VisitInfo:
    start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
    return d.VisitInfo(
        visit_id,
        day,
        start,
        start + timedelta(minutes=65),
        65,
        (("PP-BAD", 30), ("PR-STOEVSUG", 20), ("SY-SYGEPLEJE", 15)),
    )


def context(**changes) -> d.Context:
    values = dict(
        today=TODAY,
        policy=Policy(),
        granted=GRANTED,
        catalogue=CATALOGUE,
        visits=(visit(1, TODAY), visit(2, TOMORROW)),
        services=(
            MatchableService("PR-STOEVSUG", ("Støvsugning", "Vacuuming"), ("støvsuget",)),
            MatchableService("FL-GAATUR", ("Gåtur", "A walk"), ("gå en tur", "gåtur")),
        ),
        consents=(d.ConsentInfo(7, "Susanne Jensen", "child", "act", True),),
    )
    values.update(changes)
    return d.Context(**values)


def run(ctx: d.Context, *answers: d.Answer, step: str = d.START, data=None) -> d.State:
    state = d.State(step, dict(data or {}), [])
    for given in answers:
        outcome = d.answer(ctx, state, given)
        assert outcome.error is None, outcome.error
        state = outcome.state
        if outcome.effect:
            state, _ = d.after_effect(ctx, state, {"reference": "BYT-TEST"})
    return state


def error(ctx: d.Context, state_step: str, given: d.Answer, data=None) -> d.Invalid:
    outcome = d.answer(ctx, d.State(state_step, dict(data or {}), []), given)
    assert outcome.error is not None
    assert outcome.state.step == state_step  # nothing moves on a bad answer
    return outcome.error


# --- menu ---------------------------------------------------------------------------------


def test_the_start_greets_and_asks_what_the_user_wants():
    state, messages = d.start(context())
    assert state.step == "menu"
    assert [m.kind for m in messages] == ["text", "question"]


@pytest.mark.parametrize(
    ("choice", "step"),
    [
        ("my_help", "my_help"),
        ("swap", "swap_when"),
        ("wish", "wish_kind"),
        ("reassessment", "reassess_reason"),
        ("consent", "consent"),
        ("rights", "rights"),
    ],
)
def test_each_menu_choice_leads_to_the_start_of_its_path(choice, step):
    assert run(context(), d.Answer(choice=choice)).step == step


def test_an_empty_menu_answer_asks_again():
    assert error(context(), "menu", d.Answer()).message == (
        "Choose what you would like help with, or write it"
    )


def test_a_relative_who_may_only_see_is_not_offered_the_acting_paths():
    asked = d.question(context(may_act=False, is_citizen=False), d.State("menu", {}, []))
    assert asked.values == {"my_help", "consent", "rights"}


def test_a_relative_who_may_only_see_cannot_answer_an_acting_step():
    problem = error(context(may_act=False), "swap_when", d.Answer(choice="visit"))
    assert problem.message == "You may see this, but not act for the citizen"


# --- free text: understood, then confirmed --------------------------------------------------


def test_free_text_is_confirmed_before_anything_happens():
    state = run(context(), d.Answer(text="jeg vil hellere gå en tur end få støvsuget"))
    assert state.step == "understood"
    assert state.data["understood"]["add"] == ["FL-GAATUR"]
    assert state.data["understood"]["drop"] == ["PR-STOEVSUG"]
    state = run(context(), d.Answer(choice="yes"), step=state.step, data=state.data)
    assert state.step == "swap_when" and state.data["prefill_add"] == ["FL-GAATUR"]


def test_saying_no_to_what_was_understood_goes_back_to_the_menu():
    data = {"understood": {"path": "swap", "drop": [], "add": []}}
    assert run(context(), d.Answer(choice="no"), step="understood", data=data).step == "menu"


def test_text_that_is_not_understood_says_so_and_asks_again():
    outcome = d.answer(context(), d.State("menu", {}, []), d.Answer(text="qwerty zxcv"))
    assert outcome.state.step == "menu"
    assert "did not understand" in outcome.messages[1].text


# --- swap -----------------------------------------------------------------------------------


def test_a_swap_at_a_visit_offers_only_coming_visits():
    asked = d.question(context(), d.State("swap_visit", {}, []))
    assert asked.values == {"2"}  # today's visit may already have started


def test_sixteen_coming_visits_show_the_next_five_and_later_visits_behind_a_choice():
    """Issue 12, 3: "Hvilket besøg?" listed 16 visits, one long list on a phone; the next five
    come first, and "Later visits" asks again with the rest."""
    visits = tuple(visit(n, TODAY + timedelta(days=n)) for n in range(1, 17))
    ctx = context(visits=visits)
    first = d.question(ctx, d.State("swap_visit", {}, []))
    assert [o.value for o in first.options] == ["1", "2", "3", "4", "5", "later"]
    state = run(ctx, d.Answer(choice="later"), step="swap_visit")
    assert state.step == "swap_visit"
    rest = d.question(ctx, state)
    assert [o.value for o in rest.options] == [str(n) for n in range(6, 17)]
    assert (
        run(ctx, d.Answer(choice="12"), step="swap_visit", data=state.data).data["visit_id"] == 12
    )


def test_five_coming_visits_or_fewer_need_no_later_choice():
    visits = tuple(visit(n, TODAY + timedelta(days=n)) for n in range(1, 6))
    asked = d.question(context(visits=visits), d.State("swap_visit", {}, []))
    assert "later" not in asked.values and len(asked.options) == 5


def test_a_visit_in_the_past_or_not_offered_is_refused():
    problem = error(context(), "swap_visit", d.Answer(choice="1"))
    assert problem.message.startswith("That visit has passed or is not yours")


def test_only_granted_swappable_services_can_be_dropped():
    asked = d.question(context(), d.State("swap_drop", {"visit_id": 2}, []))
    assert asked.values == {"PP-BAD", "PR-STOEVSUG"}  # rule 9: nursing cannot be swapped


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ((), "Choose at least one service to drop"),
        (
            ("SY-SYGEPLEJE",),
            "Choose services from the list. You can only drop services you have been granted",
        ),
        (
            ("NOPE",),
            "Choose services from the list. You can only drop services you have been granted",
        ),
    ],
)
def test_bad_drops_are_refused(choices, message):
    assert (
        error(context(), "swap_drop", d.Answer(choices=choices), data={"visit_id": 2}).message
        == message
    )


def test_the_services_to_choose_follow_rules_2_9_and_10_and_those_that_fit_come_first():
    data = {"visit_id": 2, "drop": [{"code": "PR-STOEVSUG", "minutes": 20}]}
    asked = d.question(context(), d.State("swap_add", data, []))
    codes = [o.value for o in asked.options]
    assert "SY-SYGEPLEJE" not in codes  # rule 9
    assert "XS-VINDUER" not in codes  # rule 2: outside Esbjerg's service level
    assert codes[0] == "FL-GAATUR"  # fits in the 20 freed minutes, rule 10 service first
    assert asked.input == "multi"  # no free text where the policy does not allow it


def test_free_text_help_is_offered_where_the_policy_allows_outside_the_service_level():
    data = {"visit_id": 2, "drop": [{"code": "PR-STOEVSUG", "minutes": 20}]}
    ctx = context(policy=Policy(outside_service_level_allowed=True))
    asked = d.question(ctx, d.State("swap_add", data, []))
    assert asked.input == "multi_or_text" and "XS-VINDUER" in asked.values
    state = run(ctx, d.Answer(text="ordne blomster"), step="swap_add", data=data)
    assert state.data["add"] == [{"code": None, "minutes": 20, "text": "ordne blomster"}]


def test_an_allowed_swap_goes_to_the_summary_with_both_notices():
    data = {"visit_id": 2, "drop": [{"code": "PR-STOEVSUG", "minutes": 20}]}
    state = run(context(), d.Answer(choices=("FL-GAATUR",)), step="swap_add", data=data)
    assert state.step == "swap_confirm"
    messages = d.entering(context(), state.step, state.data)
    notices = [m.text for m in messages if m.kind == "notice"]
    assert notices[0].startswith("A service you drop cannot be demanded later")  # rule 6
    assert notices[1].startswith("The home-care worker decides on the day")  # rule 5


def test_a_swap_over_the_time_frame_is_explained_with_what_would_fit():
    data = {"visit_id": 2, "drop": [{"code": "PR-STOEVSUG", "minutes": 20}]}
    state = run(context(), d.Answer(choices=("FL-TOEJKOEB",)), step="swap_add", data=data)
    assert state.step == "swap_problem"
    assert [v["code"] for v in state.data["check"]["violations"]] == ["over_time_frame"]
    asked = d.question(context(), state)
    assert "fit:FL-GAATUR" in asked.values and "reassessment" in asked.values
    state = run(context(), d.Answer(choice="fit:FL-GAATUR"), step=state.step, data=state.data)
    assert state.step == "swap_confirm"


# Another swap at tomorrow's visit already added 50 of its 65 minutes (bookings.book_swap).
FULL = context(visits=(visit(1, TODAY), replace(visit(2, TOMORROW), booked_minutes=50)))
VACUUM = {"visit_id": 2, "drop": [{"code": "PR-STOEVSUG", "minutes": 20}]}


def test_the_preview_counts_what_other_swaps_at_the_visit_already_hold():
    """Rule 4 (004 §1.3.3, 002 §8): all swaps at a visit stay within its frame, so the
    preview refuses what the confirmation would (services/bookings.book_swap)."""
    minutes, _ = d.entering(FULL, "swap_add", VACUUM)
    assert minutes.params == {
        "freed": 20,
        "used": 0,
        "date": TOMORROW.isoformat(),
        "frame": 65,
        "booked": 50,
        "free": 15,
    }
    asked = d.question(FULL, d.State("swap_add", VACUUM, []))
    assert asked.params["room"] == 15 and "other swaps leave only" in asked.hint
    state = run(FULL, d.Answer(choices=("FL-GAATUR",)), step="swap_add", data=VACUUM)
    assert state.step == "swap_problem"
    check = state.data["check"]
    assert [v["code"] for v in check["violations"]] == ["visit_already_booked"]
    assert check["violations"][0]["data"]["free_minutes"] == 15
    assert [a["code"] for a in check["alternatives"]] == [
        "choose_at_most_minutes",
        "choose_another_visit",
    ]
    bar, problems, _ = d.entering(FULL, state.step, state.data)
    assert bar.params["booked"] == 50 and problems.kind == "problems"
    asked = d.question(FULL, state)
    assert "visit_again" in asked.values  # nothing in this catalogue fits in 15 minutes
    again = run(FULL, d.Answer(choice="visit_again"), step=state.step, data=state.data)
    assert again.step == "swap_visit"


def test_without_other_swaps_at_the_visit_the_preview_is_as_before():
    state = run(context(), d.Answer(choices=("FL-GAATUR",)), step="swap_add", data=VACUUM)
    assert state.step == "swap_confirm" and state.data["check"]["booked"] == {}
    assert d.entering(context(), "swap_add", VACUUM)[0].params == {"freed": 20, "used": 0}


def test_a_standing_wish_is_judged_by_the_fullest_visit_it_covers():
    """Rule 4: a standing wish is done at every visit of the period; the tightest decides."""
    later = TODAY + timedelta(days=5)
    ctx = context(
        visits=(
            replace(visit(1, TODAY), booked_minutes=60),  # today: not covered
            replace(visit(2, TOMORROW), booked_minutes=30),
            replace(visit(3, later), booked_minutes=50),
        )
    )
    data = {
        "visit_id": None,
        "period": [TOMORROW.isoformat(), (TODAY + timedelta(7)).isoformat()],
        "drop": [{"code": "PR-STOEVSUG", "minutes": 20}],
    }
    assert [(b.day, b.booked_minutes) for b in visit_bookings(ctx, data)] == [
        (TOMORROW, 30),
        (later, 50),
    ]
    state = run(ctx, d.Answer(choices=("FL-GAATUR",)), step="swap_add", data=data)
    assert state.step == "swap_problem"
    assert state.data["check"]["violations"][0]["data"]["date"] == later.isoformat()
    assert "visit_again" not in d.question(ctx, state).values  # a period has no one visit


def test_the_swap_is_sent_only_with_the_acknowledgement():
    assert error(context(), "swap_confirm", d.Answer()).field == "acknowledged"
    outcome = d.answer(
        context(),
        d.State("swap_confirm", {}, [{"step": "x", "data": {}}]),
        d.Answer(acknowledged=True),
    )
    assert outcome.effect == "submit_swap" and outcome.state.step == "swap_done"
    assert outcome.state.stack == []  # what was sent cannot be un-sent by going back


def test_a_standing_wish_uses_a_period_from_tomorrow():
    state = run(context(), d.Answer(choice="period"), d.Answer(choice="one_week"), step="swap_when")
    assert state.data["period"] == [TOMORROW.isoformat(), (TODAY + timedelta(days=7)).isoformat()]
    assert state.step == "swap_drop"


# --- wish, reassessment, consent ------------------------------------------------------------


def test_a_wish_needs_words_and_is_then_saved():
    assert error(context(), "wish_text", d.Answer(text="  ")).message == "Write your wish"
    outcome = d.answer(
        context(), d.State("wish_text", {"wish_kind": "time"}, []), d.Answer(text="Før klokken 9")
    )
    assert outcome.effect == "save_wish" and outcome.state.data["wish_text"] == "Før klokken 9"


def test_a_reassessment_asks_why_words_relative_and_time_then_confirms():
    state = run(
        context(),
        d.Answer(choice="more_help"),
        d.Answer(text="Jeg falder tit"),
        d.Answer(choice="yes"),
        d.Answer(choice="morning"),
        step="reassess_reason",
    )
    assert state.step == "reassess_confirm"
    assert state.data == {
        "reason": "more_help",
        "text": "Jeg falder tit",
        "relative": True,
        "time": "morning",
    }
    outcome = d.answer(context(), state, d.Answer(choice="send"))
    assert outcome.effect == "submit_reassessment"


def test_too_long_text_is_refused():
    problem = error(context(), "reassess_text", d.Answer(text="x" * (MAX_TEXT + 1)))
    assert problem.message == "Write at most %(max)d characters"


def test_the_citizen_can_withdraw_a_consent_after_confirming():
    state = run(context(), d.Answer(choice="withdraw:7"), step="consent")
    assert state.step == "consent_confirm" and state.data["consent_action"] == "withdraw"
    outcome = d.answer(context(), state, d.Answer(choice="yes"))
    assert outcome.effect == "change_consent"


def test_a_relative_is_not_offered_to_change_consents():
    asked = d.question(context(is_citizen=False), d.State("consent", {}, []))
    assert not any(value.startswith("withdraw") for value in asked.values)


def test_rights_show_the_legal_references_of_the_policy():
    messages = d.entering(context(), "rights", {})
    assert messages[0].kind == "rights"
    assert "94 a" in messages[0].params["references"]["flexible_home_help"]


# --- back ------------------------------------------------------------------------------------


def test_going_back_restores_the_previous_question_and_its_answers():
    state = run(context(), d.Answer(choice="swap"), d.Answer(choice="visit"))
    assert state.step == "swap_visit"
    back, messages = d.back(context(), state)
    assert back.step == "swap_when" and messages[0].text == "Go back one step"
    again, _ = d.back(context(), back)
    assert again.step == "menu"
    start, messages = d.back(context(), again)
    assert start.step == "menu" and messages[1].text == "You are at the beginning."


def test_a_long_conversation_keeps_a_bounded_way_back():
    """Issue 17: the stack is read and written every turn, so it is bounded; the steps
    just taken are still there to go back to, most recent first."""
    state = run(context(), *[d.Answer(choice="my_help")] * (MOST_STEPS_BACK + 20))
    assert len(state.stack) == MOST_STEPS_BACK
    back, _ = d.back(context(), state)
    assert back.step == "my_help" and len(back.stack) == MOST_STEPS_BACK - 1
    assert back.data[GIVEN]["choice"] == "my_help"


def test_going_back_shows_the_answer_given_then_and_the_next_answer_replaces_it():
    ctx = context()
    state = run(
        ctx,
        d.Answer(choice="swap"),
        d.Answer(choice="visit"),
        d.Answer(choice="2"),
        d.Answer(choices=("PR-STOEVSUG",)),
    )
    assert state.step == "swap_add"
    back, _ = d.back(ctx, state)
    assert back.step == "swap_drop"
    assert d.question(ctx, back).selected == ("PR-STOEVSUG",)  # ticked as it was answered
    changed = d.answer(ctx, back, d.Answer(choices=("PP-BAD",)))
    assert changed.state.data["drop"] == [{"code": "PP-BAD", "minutes": 30}]
    # What was shown again is not carried on, neither forward nor onto the stack.
    assert GIVEN not in changed.state.data
    assert all(GIVEN not in entry["data"] for entry in changed.state.stack)
    assert d.question(ctx, changed.state).selected == ()


def test_going_back_to_a_choice_or_a_text_shows_what_was_chosen_or_written():
    ctx = context()
    words = "Jeg er faldet og kan ikke selv komme i bad"
    state = run(
        ctx, d.Answer(choice="reassessment"), d.Answer(choice="more_help"), d.Answer(text=words)
    )
    assert state.step == "reassess_relative"
    to_text, _ = d.back(ctx, state)
    assert d.question(ctx, to_text).text_value == words
    to_reason, _ = d.back(ctx, to_text)
    assert d.question(ctx, to_reason).selected == ("more_help",)
    # A choice no longer offered is not ticked (here: a visit that has passed meanwhile).
    state = run(ctx, d.Answer(choice="swap"), d.Answer(choice="visit"), d.Answer(choice="2"))
    to_visit, _ = d.back(ctx, state)
    assert d.question(context(visits=()), to_visit).selected == ()


def test_every_step_asks_a_question_with_a_known_input():
    data = {
        "visit_id": 2,
        "drop": [{"code": "PR-STOEVSUG", "minutes": 20}],
        "add": [{"code": "FL-GAATUR", "minutes": 20}],
        "consent_action": "withdraw",
        "check": {"alternatives": []},
        "understood": {"path": "swap"},
    }
    for name in d.STEPS:
        asked = d.question(context(), d.State(name, dict(data), []))
        assert asked.input in {
            "choice",
            "multi",
            "text",
            "line",
            "choice_or_text",
            "multi_or_text",
            "confirm",
        }, name
        assert asked.text, name


# --- a new relative (002 sections 10 and 16; 004 §2.1.1: only with the citizen's consent) ------

NEW_RELATIVE = (
    d.Answer(text="Mette  Nielsen"),
    d.Answer(choice="child"),
    d.Answer(text="010170-1234"),
    d.Answer(choice="act"),
    d.Answer(choice="today"),
    d.Answer(text="31-12-2026"),
)
FILLED = {
    "relative_name": "Mette Nielsen",
    "relative_relation": "child",
    "relative_relation_text": "",
    "relative_cpr": "0101701234",
    "relative_scope": "act",
    "relative_from": TODAY.isoformat(),
}


def test_the_citizen_gives_a_new_relative_consent_step_by_step():
    state = run(context(), d.Answer(choice="new"), *NEW_RELATIVE, step="consent")
    assert state.step == "relative_confirm"
    assert state.data == {**FILLED, "relative_until": "2026-12-31"}
    summary, notice, asked = d.entering(context(), state.step, state.data)
    assert summary.kind == "relative_summary" and summary.params["masked_cpr"] == "010170-XXXX"
    assert notice.kind == "notice" and asked.params == {"name": "Mette Nielsen"}
    outcome = d.answer(context(), state, d.Answer(choice="save"))
    assert outcome.effect == "add_relative" and outcome.state.step == "relative_done"


def test_the_cpr_number_is_echoed_masked():
    outcome = d.answer(
        context(), d.State("relative_cpr", dict(FILLED), []), d.Answer(text=" 010170 1234 ")
    )
    assert outcome.error is None and outcome.messages[0] == d.Message("words", "010170-XXXX")


def test_a_written_relation_and_a_later_first_day_are_kept():
    state = run(
        context(),
        d.Answer(text="Min nabo Åse"),
        step="relative_relation",
        data={"relative_name": "Åse"},
    )
    assert (state.data["relative_relation"], state.data["relative_relation_text"]) == (
        "other",
        "Min nabo Åse",
    )  # "other", in her own words
    state = run(
        context(),
        d.Answer(text="1.4.2026"),
        d.Answer(choice="none"),
        step="relative_from",
        data=FILLED,
    )
    assert state.data["relative_from"] == "2026-04-01" and state.data["relative_until"] is None


def test_cancelling_saves_nothing_and_forgets_the_answers():
    state = run(context(), d.Answer(choice="new"), *NEW_RELATIVE, step="consent")
    outcome = d.answer(context(), state, d.Answer(choice="cancel"))
    assert outcome.effect is None and outcome.state.step == "menu"
    assert outcome.state.data == {}  # the CPR number is not kept...
    assert not d.holds_cpr(outcome.state) and "1234" not in str(outcome.state)  # ...anywhere
    assert outcome.messages[1].text == "Nothing was saved."
    # Going back stops before the CPR question: the steps after it held the number.
    assert d.back(context(), outcome.state)[0].step == "relative_relation"


def test_the_cpr_number_is_not_kept_once_the_consent_is_saved():
    state = run(
        context(), d.Answer(choice="new"), *NEW_RELATIVE, d.Answer(choice="save"), step="consent"
    )
    assert state.step == "relative_done" and "relative_cpr" not in state.data
    assert not d.holds_cpr(state)


@pytest.mark.parametrize("answered", range(3, len(NEW_RELATIVE) + 1))
def test_a_cpr_number_left_too_long_is_forgotten_and_asked_for_again(answered):
    """Issue 4: a CPR number does not linger in an unfinished conversation; from any step
    after its question the citizen is asked to write it again, the other answers kept."""
    state = run(context(), d.Answer(choice="new"), *NEW_RELATIVE[:answered], step="consent")
    assert state.step in NEEDS_CPR and d.holds_cpr(state)
    forgotten, again = d.forget_cpr(state)
    assert again and forgotten.step == "relative_cpr"
    assert not d.holds_cpr(forgotten) and "1234" not in str(forgotten)
    assert forgotten.data == {
        "relative_name": "Mette Nielsen",
        "relative_relation": "child",
        "relative_relation_text": "",
    }
    note, asked = d.type_cpr_again(context(), forgotten)
    assert note.text.startswith("It is a while since you wrote %(name)s's CPR number")
    assert note.params == {"name": "Mette Nielsen"} and asked.kind == "question"
    state = run(context(), *NEW_RELATIVE[2:answered], step=forgotten.step, data=forgotten.data)
    assert (
        state.step
        == run(context(), d.Answer(choice="new"), *NEW_RELATIVE[:answered], step="consent").step
    )  # written again, the path goes on


def test_the_number_shown_again_after_going_back_is_forgotten_too():
    state = run(context(), d.Answer(choice="new"), *NEW_RELATIVE[:3], step="consent")
    at_cpr, _ = d.back(context(), state)
    assert at_cpr.step == "relative_cpr" and d.question(context(), at_cpr).text_value
    forgotten, again = d.forget_cpr(at_cpr)
    assert not again and not d.holds_cpr(forgotten)
    assert d.question(context(), forgotten).text_value == ""


def test_forgetting_leaves_a_state_without_a_cpr_number_unchanged():
    state = run(context(), d.Answer(choice="swap"), d.Answer(choice="visit"))
    assert not d.holds_cpr(state) and d.forget_cpr(state) == (state, False)


OTHERS = (d.ConsentInfo(7, "Susanne Jensen", "child", "act", True, "0101701234"),)

BAD_RELATIVE_ANSWERS = [
    # (step, answer, context changes, message)
    ("relative_name", d.Answer(text="   "), {}, "Write the relative's name"),
    (
        "relative_name",
        d.Answer(text="x" * (MAX_NAME + 1)),
        {},
        "Write at most %(max)d characters",
    ),
    ("relative_relation", d.Answer(), {}, "Choose how you are related, or write it"),
    ("relative_relation", d.Answer(choice="cousin"), {}, "Choose one of the answers shown"),
    ("relative_cpr", d.Answer(text=""), {}, "Write the relative's CPR number"),
    (
        "relative_cpr",
        d.Answer(text="12345"),
        {},
        "Write the CPR number as 10 digits, for example 010150-1234",
    ),
    (
        "relative_cpr",
        d.Answer(text="320170-1234"),
        {},
        "The first 6 digits of a CPR number are the date of birth. Check them",
    ),
    (
        "relative_cpr",
        d.Answer(text="010130-4123"),
        {},  # born 2030: not yet
        "The first 6 digits of a CPR number are the date of birth. Check them",
    ),
    (
        "relative_cpr",
        d.Answer(text="010150-1234"),
        {"citizen_cpr": "0101501234"},
        "That is your own CPR number. Write your relative's",
    ),
    (
        "relative_cpr",
        d.Answer(text="0101701234"),
        {"consents": OTHERS},
        "%(name)s is already on your list of relatives. You can change the consent under "
        '"Relatives and consent"',
    ),
    ("relative_scope", d.Answer(), {}, "Choose what the relative may do"),
    ("relative_scope", d.Answer(choice="owner"), {}, "Choose one of the answers shown"),
    ("relative_from", d.Answer(), {}, "Choose from today, or write the first day"),
    (
        "relative_from",
        d.Answer(text="next week"),
        {},
        "Write the date as day-month-year, for example %(example)s",
    ),
    (
        "relative_from",
        d.Answer(text="1-3-2026"),
        {},
        "That day has passed. Write today's date or a later one",
    ),
    ("relative_until", d.Answer(), {}, "Choose until you withdraw it, or write the last day"),
    (
        "relative_until",
        d.Answer(text="31-2-2026"),
        {},
        "Write the date as day-month-year, for example %(example)s",
    ),
    (
        "relative_until",
        d.Answer(text="1-3-2026"),
        {},
        "That day has passed. Write today's date or a later one",
    ),
    ("relative_confirm", d.Answer(), {}, "Choose whether to give the consent"),
    ("relative_confirm", d.Answer(choice="yes"), {}, "Choose one of the answers shown"),
]


def test_relation_is_one_of_a_fixed_set_stored_as_its_value():
    """Issue 4: the relation is a RelationKind value, shown in the reader's language."""
    asked = d.question(context(), d.State("relative_relation", {"relative_name": "Åse"}, []))
    assert asked.values == {kind.value for kind in RelationKind}
    for kind in RelationKind:
        if kind is not RelationKind.OTHER:
            state = run(
                context(),
                d.Answer(choice=kind.value),
                step="relative_relation",
                data={"relative_name": "Åse"},
            )
            assert state.data["relative_relation"] == kind.value
    problem = error(
        context(), "relative_relation", d.Answer(choice="other"), data={"relative_name": "Åse"}
    )  # "other" needs her words
    assert (problem.field, problem.message, problem.params) == (
        "text",
        "Write how you know %(name)s",
        {"name": "Åse"},
    )


@pytest.mark.parametrize(("step", "given", "changes", "message"), BAD_RELATIVE_ANSWERS)
def test_bad_answers_about_a_new_relative_are_refused(step, given, changes, message):
    assert error(context(**changes), step, given, data=FILLED).message == message


def test_the_last_day_cannot_be_before_the_first():
    problem = error(
        context(),
        "relative_until",
        d.Answer(text="15-3-2026"),
        data={**FILLED, "relative_from": "2026-04-01"},
    )
    assert problem.message == "The last day cannot be before the first day, %(date)s"
    assert problem.params == {"date": "2026-04-01"}
    # The first day itself is allowed: a consent for one day.
    assert (
        run(
            context(),
            d.Answer(text="1-4-2026"),
            step="relative_until",
            data={**FILLED, "relative_from": "2026-04-01"},
        ).step
        == "relative_confirm"
    )


@pytest.mark.parametrize("step", sorted(CITIZEN_ONLY_STEPS))
def test_a_relative_acting_for_the_citizen_cannot_give_or_change_consent(step):
    problem = error(
        context(is_citizen=False),
        step,
        d.Answer(choice="save", text="x"),
        data={**FILLED, "consent_id": 7, "consent_action": "act"},
    )
    assert problem.message == "Only the citizen can give or change a consent"


def test_the_citizen_is_offered_a_new_relative_and_a_relative_is_not():
    assert "new" in d.question(context(), d.State("consent", {}, [])).values
    assert "new" not in d.question(context(is_citizen=False), d.State("consent", {}, [])).values


def test_a_consent_from_a_coming_day_can_be_withdrawn_before_it_starts():
    coming = d.ConsentInfo(8, "Ole Hansen", "child", "see", False, starts="2026-04-01")
    asked = d.question(context(consents=(coming,)), d.State("consent", {}, []))
    assert {"withdraw:8", "act:8"} <= asked.values
