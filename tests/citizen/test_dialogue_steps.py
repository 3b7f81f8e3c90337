"""The dialogue's steps as issue 12 item 10 asks (GOV.UK "Check answers" and question pages):
no "Gå et trin tilbage" on the first step, the free-text example beside its text box, "Ændr"
on each line of the summary, "Vil du have en pårørende med?" explained, and the call-back
number shown before a reassessment request is sent (seed 002 section 6: the visitation
contacts the citizen).
"""

from __future__ import annotations

import pytest

from selvvisitation.extensions import db
from tests.citizen.dialogue_helpers import current, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def controls(soup) -> list[str]:
    return [b.get_text(strip=True) for b in soup.select(".app-chat-controls button")]


def test_the_first_step_has_no_button_to_go_back(client, page, household):
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    assert controls(soup) == ["Start forfra"]
    say(page, household.citizen, answer="swap")
    # Issue 13: "Ring mig op" on every step; on the menu it is one of the answers instead.
    assert controls(page.get("citizen.conversation")) == [
        "Gå et trin tilbage",
        "Ring mig op",
        "Start forfra",
    ]


def test_the_example_stands_beside_the_text_box_it_is_for(client, page, household):
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    box = soup.select_one("textarea#text")
    hint = soup.select_one("#text-hint")
    assert hint.get_text(strip=True).startswith("For eksempel:")
    assert box["aria-describedby"] == "text-hint"
    assert hint.find_parent(class_="form-group") is box.find_parent(class_="form-group")


def reach_the_swap_summary(page, household) -> None:
    page.get("citizen.conversation")
    for answer in ("swap", "visit", str(household.visit.id), "PR-STOEVSUG", "FL-GAATUR"):
        say(page, household.citizen, answer=answer)


def change_buttons(soup) -> dict[str, str]:
    """Each "Ændr" button's spoken name -> the step it goes back to."""
    return {
        form.button.get_text(" ", strip=True): form.select_one("[name=to]")["value"]
        for form in soup.select("#chat-log form.app-change")
    }


def test_each_line_of_the_swap_summary_can_be_changed(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_the_swap_summary(page, household)
    soup = page.get("citizen.conversation")
    assert change_buttons(soup) == {
        "Ændr hvornår": "swap_visit",
        "Ændr hvad du fravælger": "swap_drop",
        "Ændr hvad du får i stedet": "swap_add",
    }
    turn = str(current(household.citizen).turn)
    page.post("citizen.conversation_back", {"turn": turn, "to": "swap_drop"})
    conversation = current(household.citizen)
    assert conversation.step == "swap_drop"
    soup = page.get("citizen.conversation")
    # Asked again with the answer given then; the summary asked about before has no "Ændr".
    assert soup.select_one("#answer input[value=PR-STOEVSUG]").has_attr("checked")
    assert change_buttons(soup) == {}
    say(page, household.citizen, answer="PP-BAD")
    assert current(household.citizen).state["data"]["drop"] == [{"code": "PP-BAD", "minutes": 30}]


def test_a_change_to_a_step_not_on_the_summary_changes_nothing(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_the_swap_summary(page, household)
    before = current(household.citizen)
    turn, step = before.turn, before.step
    page.post("citizen.conversation_back", {"turn": str(turn), "to": "relative_cpr"})
    db.session.expire_all()
    after = current(household.citizen)
    assert (after.turn, after.step) == (turn, step) == (turn, "swap_confirm")


def test_the_reassessment_explains_the_relative_and_shows_the_number_we_call(
    client, page, household
):
    household.citizen.phone = "21 43 65 87"
    db.session.commit()
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    for answer in ("reassessment", "more_help"):
        say(page, household.citizen, answer=answer)
    say(page, household.citizen, text="Jeg er faldet")
    soup = page.get("citizen.conversation")
    assert soup.select_one("#current-question").get_text(strip=True) == (
        "Vil du have en pårørende med?"
    )
    assert (
        soup.select_one("#answer-hint")
        .get_text(strip=True)
        .startswith("En pårørende, for eksempel din datter eller en nabo, kan være med")
    )
    for answer in ("no", "morning"):
        say(page, household.citizen, answer=answer)
    summary = page.get("citizen.conversation").select("#chat-log .app-summary")[-1]
    lines = dict(
        zip(
            [dt.get_text(strip=True) for dt in summary.select("dt")],
            [dd for dd in summary.select("dd")],
            strict=True,
        )
    )
    assert lines["Vi ringer på nummer"].get_text(" ", strip=True).startswith("21 43 65 87")
    assert "Ændr hvorfor" in lines["Hvorfor"].get_text(" ", strip=True)
