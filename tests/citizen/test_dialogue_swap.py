"""The swap path through real form posts (JavaScript off): rules 4, 5, 6 and 9.

Rules from DOMAIN.md: rule 6 (§ 90; seed 004 footnote 2, 002 §8) must be told before
confirming; rule 5 (002 §8) the worker decides on the day; rule 4 (004 §1.3.3) the
time frame; rule 9 (002 "Borgerens mulighed for at bytte") what may be swapped.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind, ServiceCategory, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import SwapRequest
from tests.citizen.dialogue_helpers import current, errors, message_count, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def swap_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SwapRequest))


def reach_drop_step(page, household) -> None:
    page.get("citizen.conversation")
    say(page, household.citizen, answer="swap")
    say(page, household.citizen, answer="visit")
    say(page, household.citizen, answer=str(household.visit.id))


def worker_books_a_long_walk(household, factories) -> int:
    """The home-care worker books a 50-minute walk instead of the bath: 50 of the visit's
    65 minutes are held (bookings.book_swap); return the visit's id."""
    from selvvisitation.security.locking import lock_for_write
    from selvvisitation.services.bookings import Line, book_swap

    worker = factories.StaffUser(municipality=household.citizen.municipality)
    visit_id, citizen_id = household.visit.id, household.citizen.id
    db.session.commit()
    lock_for_write(db.session)
    book_swap(
        db.session,
        visit_id=visit_id,
        citizen_id=citizen_id,
        drop=[Line(30, household.bath.id)],
        add=[Line(50, household.walk.id)],
        created_by_kind=ActorKind.STAFF,
        created_by_staff_id=worker.id,
    )
    db.session.commit()
    return visit_id


def test_a_citizen_swaps_vacuuming_for_a_walk_at_one_visit(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    soup = page.get("citizen.conversation")
    assert soup.select_one("#current-question").get_text(strip=True) == "Hvad vil du fravælge?"
    offered = [label.get_text(strip=True) for label in soup.select("#answer label")]
    # Rule 9: home nursing is granted but cannot be swapped, so it is never offered.
    assert offered == ["Bad (30 minutter)", "Støvsugning (20 minutter)"]
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    soup = page.get("citizen.conversation")
    log = soup.select_one("#chat-log").get_text(" ", strip=True)
    # Rules 6 and 5 are told before confirming.
    assert "kan du ikke kræve at få senere" in log
    assert "Hjemmehjælperen beslutter på dagen" in log
    assert "Frigjort: 20 minutter. Brugt: 20 minutter." in log
    say(page, household.citizen, acknowledged="y")
    swap = db.session.scalars(select(SwapRequest)).one()
    assert swap.visit_id == household.visit.id and swap.status == SwapStatus.REQUESTED
    assert swap.created_by_kind == ActorKind.CITIZEN and swap.acknowledged_cannot_demand_at
    assert [(line.kind, line.service.code, line.minutes) for line in swap.lines] == [
        ("drop", "PR-STOEVSUG", 20),
        ("add", "FL-GAATUR", 20),
    ]
    log = page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)
    assert f"Dit referencenummer er {swap.reference}." in log


def test_the_swap_is_not_sent_without_the_acknowledgement(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    before = message_count()
    response = say(page, household.citizen, expected_status=200)
    assert errors(response) == ["Sæt kryds for at vise, at du har læst det"]
    assert swap_count() == 0 and message_count() == before


def test_too_many_minutes_are_explained_with_what_would_work(client, page, household, factories):
    factories.Service(
        municipality=household.citizen.municipality,
        code="FL-TOEJKOEB",
        name_da="Indkøb af tøj",
        name_en="Buying clothes",
        flexible_only=True,
        default_minutes=60,
    )
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-TOEJKOEB")
    soup = page.get("citizen.conversation")
    log = soup.select_one("#chat-log").get_text(" ", strip=True)
    assert (
        "Det, du har valgt, tager 60 minutter, men du har kun frigjort 20 minutter. "
        "Det er 40 minutter for meget."
    ) in log
    assert "Vælg noget, der højst tager 20 minutter." in log
    replies = [label.get_text(strip=True) for label in soup.select("#answer label")]
    assert "Vælg Gåtur i stedet (20 minutter)" in replies
    say(page, household.citizen, answer="fit:FL-GAATUR")
    assert current(household.citizen).step == "swap_confirm"
    assert swap_count() == 0


def test_going_back_one_step_asks_the_previous_question_again(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    turn = current(household.citizen).turn
    page.post("citizen.conversation_back", {"turn": str(turn)})
    assert current(household.citizen).step == "swap_visit"
    page.post("citizen.conversation_restart", {"turn": str(turn + 1)})
    assert current(household.citizen).step == "menu"
    assert current(household.citizen).turn == 0


def test_going_back_shows_the_answers_given_then_ticked_and_written(client, page, household):
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    page.post("citizen.conversation_back", {"turn": str(current(household.citizen).turn)})
    soup = page.get("citizen.conversation")
    ticked = [box["value"] for box in soup.select("#answer input[checked]")]
    assert ticked == ["PR-STOEVSUG"]
    page.post("citizen.conversation_back", {"turn": str(current(household.citizen).turn)})
    soup = page.get("citizen.conversation")  # a choice of one: the visit, as a radio button
    assert [r["value"] for r in soup.select("#answer input[checked]")] == [str(household.visit.id)]
    page.post("citizen.conversation_restart", {"turn": str(current(household.citizen).turn)})
    say(page, household.citizen, text="Kaffe kl. 8", answer="")  # the menu, in own words
    page.post("citizen.conversation_back", {"turn": str(current(household.citizen).turn)})
    soup = page.get("citizen.conversation")
    assert soup.select_one("textarea#text").get_text().strip() == "Kaffe kl. 8"


def test_a_standing_wish_for_a_period_has_no_visit(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="swap")
    say(page, household.citizen, answer="period")
    say(page, household.citizen, answer="two_weeks")
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    say(page, household.citizen, acknowledged="y")
    swap = db.session.scalars(select(SwapRequest)).one()
    assert swap.visit_id is None and swap.period_start and swap.period_end
    assert (swap.period_end - swap.period_start).days == 13


def test_a_swap_confirmed_after_the_frame_was_used_up_meanwhile_is_refused(
    client, page, household, factories
):
    """Rule 4 (004 §1.3.3, 002 §8): the dialogue books through bookings.book_swap, which
    locks the visit and counts every swap at it; what was booked meanwhile is counted."""
    from selvvisitation.services.bookings import booked_minutes

    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    assert current(household.citizen).step == "swap_confirm"
    visit_id = worker_books_a_long_walk(household, factories)  # meanwhile, on the day
    before = (message_count(), current(household.citizen).turn)
    response = say(page, household.citizen, expected_status=200, acknowledged="y")
    assert errors(response) == [
        "Der er lige blevet booket noget andet ved dette besøg, så "
        "der er kun 15 minutter af besøgets tid tilbage. "
        "Gå tilbage og vælg igen"
    ]
    db.session.expire_all()
    assert swap_count() == 1 and booked_minutes(db.session, visit_id) == 50
    assert (message_count(), current(household.citizen).turn) == before
    assert current(household.citizen).step == "swap_confirm"


def test_the_preview_explains_that_other_swaps_took_the_visits_time_before_confirming(
    client, page, household, factories
):
    """Rule 4 (004 §1.3.3, 002 §8): all swaps at one visit stay within its frame. The
    preview counts the swaps already booked there, as bookings.book_swap will, so the
    citizen is told before confirming, with what fits instead, and not refused after."""
    factories.Service(
        municipality=household.citizen.municipality,
        code="FL-STRYGNING",
        name_da="Strygning",
        name_en="Ironing",
        flexible_only=True,
        category=ServiceCategory.PERSONAL_CARE,
        default_minutes=15,
    )
    worker_books_a_long_walk(household, factories)  # before the citizen starts
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    live = page.get("citizen.conversation").select_one(".app-minutes-live")
    assert live["data-freed"] == "15"  # what dialogue.js counts the ticked boxes against
    assert live["data-template"] == (
        "Du bruger {used} af de 15 minutter, der stadig er fri ved besøget."
    )
    say(page, household.citizen, answer="FL-GAATUR")
    assert current(household.citizen).step == "swap_problem"
    soup = page.get("citizen.conversation")
    said = [
        " ".join(bubble.get_text(" ", strip=True).split()).removeprefix("Assistent: ")
        for bubble in soup.select("#chat-log .app-msg-assistant")
    ]
    bar = (
        "Frigjort: 20 minutter. Brugt: 20 minutter. Andre bytte ved dit besøg %s bruger "
        "allerede 50 minutter af besøgets 65 minutter, så der er kun 15 minutter fri. "
        "Det er 5 minutter for meget."
    )
    day = said[-2].split("ved dit besøg ")[1].split(" bruger")[0]
    assert said[-2] == bar % day and day.endswith(str(household.visit.day.year))
    # What she can do first, then why (issue 12 item 4).
    assert said[-1] == (
        "Sådan kan byttet ikke lade sig gøre. Det kan du gøre: Vælg noget, der højst tager "
        "15 minutter. Disse kan nås inden for 15 minutter: Strygning (15 minutter). Eller vælg "
        f"et andet besøg, hvor der er mere tid fri. Hvorfor: Der er kun 15 minutter fri ved dit "
        f"besøg {day}. Andre bytte bruger allerede 50 minutter af besøgets 65 minutter, og det, "
        "du har valgt, tager 20 minutter."
    )
    replies = [label.get_text(strip=True) for label in soup.select("#answer label")]
    assert "Vælg Strygning i stedet (15 minutter)" in replies
    assert "Vælg et andet besøg" in replies
    say(page, household.citizen, answer="fit:FL-STRYGNING")
    assert current(household.citizen).step == "swap_confirm"
    say(page, household.citizen, acknowledged="y")  # and the confirmation agrees
    assert current(household.citizen).step == "swap_done"
    assert swap_count() == 2


def _practical_help_only(household) -> None:
    """End her bath grant yesterday: from tomorrow's visit on she has practical help only."""
    from datetime import timedelta

    from selvvisitation.domain.dates import local_today
    from selvvisitation.models import GrantedService

    bath = db.session.scalars(
        select(GrantedService).where(GrantedService.service_id == household.bath.id)
    ).one()
    bath.end_date = local_today() - timedelta(days=1)
    db.session.commit()


def test_with_practical_help_only_she_may_swap_vacuuming_for_a_walk(client, page, household):
    """Rule 10 beside rule 3 (issue 13): the walk is offered only through flexible home help,
    and seeds 002 §8 and 004 §1.3.3 give "støvsugning for en gåtur" as their example; by
    default the municipality lets her choose it from either category."""
    _practical_help_only(household)
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    assert current(household.citizen).step == "swap_confirm"


def test_where_the_walk_keeps_to_its_category_the_refusal_names_both(client, page, household):
    """Rule 3 (004 §1.3.3, 002 §8) with the municipality's setting off: what she can do first,
    then why, in her words (issues 12 item 4 and 13)."""
    _practical_help_only(household)
    household.citizen.municipality.policy.flexible_only_any_category = False
    db.session.commit()
    sign_in_citizen(client, household.citizen)
    reach_drop_step(page, household)
    say(page, household.citizen, answer="PR-STOEVSUG")
    say(page, household.citizen, answer="FL-GAATUR")
    log = page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)
    assert (
        "Vælg noget, der hører under praktisk hjælp. Gåtur hører under personlig hjælp, "
        "og du er kun bevilget praktisk hjælp."
    ) in log
    assert current(household.citizen).step != "swap_confirm"
    assert swap_count() == 0
