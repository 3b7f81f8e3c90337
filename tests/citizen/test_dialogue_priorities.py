"""An AEL citizen's "Det vigtigste for mig ved næste besøg" through real form posts (no JS).

DOMAIN.md, section "Ældreloven": within the forløb the citizen sets priorities for the coming
visits and the worker decides on the spot what is safe (reading); a wish outside the forløb is
for the visitation (law), with her words carried over (reading); no minutes (law/reading).
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from selvvisitation.domain.types import PriorityKind, PriorityStatus
from selvvisitation.extensions import db
from selvvisitation.models import ReassessmentRequest
from selvvisitation.models.priorities import VisitPriority
from tests.citizen.ael_household import build_ael_household
from tests.citizen.dialogue_helpers import current, errors, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def ael(factories):
    return build_ael_household(factories)


def priorities() -> list[VisitPriority]:
    db.session.expire_all()
    return list(db.session.scalars(select(VisitPriority).order_by(VisitPriority.id)))


def labels(soup) -> list[str]:
    return [label.get_text(" ", strip=True) for label in soup.select("#answer label")]


def question(soup) -> str:
    return soup.select_one("#current-question").get_text(" ", strip=True)


def test_the_menu_offers_priorities_instead_of_swaps(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (§ 94 a swaps fall away; priorities take their place)."""
    sign_in_citizen(client, ael.citizen)
    soup = page.get("citizen.conversation")
    offered = labels(soup)
    assert "Det vigtigste for mig ved mine næste besøg" in offered
    assert not [label for label in offered if "Byt" in label]


def test_a_citizen_puts_personal_care_first_at_her_next_visit(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (first / more / less / skip among the elements)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    say(page, ael.citizen, answer="priority")
    soup = page.get("citizen.conversation")
    assert question(soup) == "Hvilket besøg gælder det?"
    say(page, ael.citizen, answer=str(ael.visit.id))
    soup = page.get("citizen.conversation")
    assert "Flyt baddagen" in labels(soup) and "En gåtur" in labels(soup)
    say(page, ael.citizen, answer="element")
    soup = page.get("citizen.conversation")
    assert labels(soup) == ["Personlig hjælp og pleje", "Praktisk hjælp i hjemmet"]
    say(page, ael.citizen, answer=str(ael.care.id))
    soup = page.get("citizen.conversation")
    assert labels(soup) == [
        "Have det først",
        "Mere af det",
        "Mindre af det",
        "Spring det over denne gang",
    ]
    say(page, ael.citizen, answer="first")
    soup = page.get("citizen.conversation")
    log = soup.select_one("#chat-log").get_text(" ", strip=True)
    # Told before sending: the worker decides on the day what is safe.
    assert "Hjemmehjælperen vurderer på dagen, hvad der er forsvarligt." in log
    assert "Først: Personlig hjælp og pleje" in log
    assert "minut" not in soup.select_one("main").get_text(" ", strip=True).lower()
    response = say(page, ael.citizen, answer="send")
    [priority] = priorities()
    assert priority.reference.startswith("PRI-") and priority.reference[4:].isdigit()
    assert (priority.visit_id, priority.element_id, priority.kind, priority.status) == (
        ael.visit.id,
        ael.care.id,
        PriorityKind.FIRST,
        PriorityStatus.REQUESTED,
    )
    # The confirmation is a page of its own: the reference in the <h1>, what happens next.
    assert response.headers["Location"].endswith(f"/borger/kvittering/{priority.reference}")
    soup = page.get("citizen.receipt", reference=priority.reference)
    assert priority.reference in soup.select_one(".app-panel-confirmation h1").get_text()
    assert soup.select_one(".app-next-steps")
    assert soup.select_one(f'a[href="{url_for("citizen.index")}"]')


def test_an_example_as_a_standing_priority_for_a_week(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (one of the municipality's examples, for a period)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    say(page, ael.citizen, answer="priority")
    say(page, ael.citizen, answer="period")
    say(page, ael.citizen, answer="one_week")
    say(page, ael.citizen, answer="example:1")
    say(page, ael.citizen, answer="send")
    [priority] = priorities()
    assert priority.kind == PriorityKind.EXAMPLE and priority.text == "En gåtur"
    assert priority.visit_id is None and priority.period_start and priority.period_end


def test_her_own_words_within_the_forlob_are_sent_as_she_wrote_them(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (her own words)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    say(page, ael.citizen, answer="priority")
    say(page, ael.citizen, answer=str(ael.visit.id))
    say(page, ael.citizen, text="Jeg vil gerne have vasket hår før morgenmaden")
    say(page, ael.citizen, answer="send")
    [priority] = priorities()
    assert priority.kind == PriorityKind.OWN_WORDS
    assert priority.text == "Jeg vil gerne have vasket hår før morgenmaden"


def test_a_wish_outside_the_forlob_goes_to_the_reassessment_with_her_words(client, page, ael):
    """DOMAIN.md "Ældreloven": law (substantially different help is for the visitation);
    reading (her words carried over)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    say(page, ael.citizen, answer="priority")
    say(page, ael.citizen, answer=str(ael.visit.id))
    say(page, ael.citizen, text="Jeg vil gerne have madservice hver dag")
    soup = page.get("citizen.conversation")
    log = soup.select_one("#chat-log").get_text(" ", strip=True)
    assert "Det er visitationen, der bestemmer det." in log
    say(page, ael.citizen, answer="reassessment")
    say(page, ael.citizen, answer="more_help")
    soup = page.get("citizen.conversation")
    assert (
        soup.select_one("textarea").get_text().strip() == "Jeg vil gerne have madservice hver dag"
    )
    say(page, ael.citizen, text="Jeg vil gerne have madservice hver dag")
    say(page, ael.citizen, answer="no")
    say(page, ael.citizen, answer="any_time")
    say(page, ael.citizen, answer="send")
    request = db.session.scalars(select(ReassessmentRequest)).one()
    assert request.text == "Jeg vil gerne have madservice hver dag"
    assert priorities() == []


def test_skip_is_not_offered_for_a_period(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (skipping is "this time", at one visit)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    for answer in ("priority", "period", "two_weeks", "element", str(ael.care.id)):
        say(page, ael.citizen, answer=answer)
    assert "Spring det over denne gang" not in labels(page.get("citizen.conversation"))


def test_nothing_chosen_gives_a_plain_message_and_writes_nothing(client, page, ael):
    """DOMAIN.md "Ældreloven": reading (bad input writes nothing)."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    say(page, ael.citizen, answer="priority")
    say(page, ael.citizen, answer=str(ael.visit.id))
    turn = current(ael.citizen).turn
    response = say(page, ael.citizen, expected_status=200)
    assert errors(response) == ["Vælg, hvad der er vigtigst for dig, eller skriv det"]
    assert current(ael.citizen).turn == turn and priorities() == []


def test_the_same_element_twice_at_one_visit_is_refused(client, page, ael, factories):
    """DOMAIN.md "Ældreloven": reading (one priority per element at a time)."""
    factories.VisitPriority(
        citizen=ael.citizen, visit=ael.visit, element=ael.care, kind=PriorityKind.MORE, text=""
    )
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    for answer in ("priority", str(ael.visit.id), "element", str(ael.care.id)):
        say(page, ael.citizen, answer=answer)
    response = say(page, ael.citizen, answer="less", expected_status=200)
    assert errors(response) == ["Du har allerede bedt om noget om det. Vælg noget andet"]
    assert len(priorities()) == 1


def test_min_hjaelp_shows_the_forlob_in_plain_words_and_no_minutes(client, page, ael):
    """DOMAIN.md "Ældreloven": law (a forløb, not minutes) and reading (plain words)."""
    sign_in_citizen(client, ael.citizen)
    soup = page.get("citizen.index")
    main = soup.select_one("main").get_text(" ", strip=True)
    assert "Hjælp i hverdagen" in main
    assert [li.get_text("", strip=True) for li in soup.select(".app-granted li")] == [
        "Personlig hjælp og pleje: Hjælp til bad og tøj på",
        "Praktisk hjælp i hjemmet: Rengøring af køkken",
    ]
    assert "Jeg vil selv kunne lave min morgenmad." in main
    assert "Hver morgen, og rengøring hver anden uge" in main
    assert "minut" not in main.lower()


def test_a_relative_who_may_act_sets_a_priority_and_the_citizen_sees_it(
    client, page, ael, factories
):
    """DOMAIN.md "Ældreloven" with "Relatives": reading (as for swaps, with 'act' consent)."""
    from selvvisitation.domain.types import ConsentScope
    from tests.pages import sign_in_relative

    relative = factories.Relative(name="Susanne Jensen")
    factories.Consent(citizen=ael.citizen, relative=relative, scope=ConsentScope.ACT)
    sign_in_relative(client, relative, ael.citizen)
    page.get("citizen.conversation")
    for answer in ("priority", str(ael.visit.id), "example:0", "send"):
        say(page, ael.citizen, answer=answer)
    [priority] = priorities()
    assert priority.created_by_relative_id == relative.id
    soup = page.get("citizen.receipt", reference=priority.reference)
    assert "Det vigtigste for Inger Jensen er sendt" in soup.select_one("h1").get_text(
        " ", strip=True
    )
    assert "Gå til Inger Jensens hjælp" in soup.select_one("main").get_text(" ", strip=True)
    count = db.session.scalar(select(func.count()).select_from(VisitPriority))
    assert count == 1
    # The citizen sees what was done for her, and by whom (002 section 16).
    sign_in_citizen(client, ael.citizen)
    shown = page.get("citizen.index").select_one(".app-priorities").get_text(" ", strip=True)
    assert priority.reference in shown and "Sendt af Susanne Jensen." in shown


def test_min_hjaelp_lists_what_matters_most_with_its_status(client, page, ael, factories):
    """DOMAIN.md "Ældreloven": reading (she can see afterwards whether it was met, and why not)."""
    from selvvisitation.domain.types import PriorityNotMetReason

    factories.VisitPriority(
        citizen=ael.citizen, visit=ael.visit, kind=PriorityKind.OWN_WORDS, text="En gåtur"
    )
    factories.VisitPriority(
        citizen=ael.citizen,
        visit=ael.past_visit,
        element=ael.care,
        kind=PriorityKind.FIRST,
        text="",
        status=PriorityStatus.NOT_MET,
        not_met_reason=PriorityNotMetReason.SAFETY,
    )
    sign_in_citizen(client, ael.citizen)
    shown = [
        li.get_text(" ", strip=True)
        for li in page.get("citizen.index").select(".app-priorities li")
    ]
    assert len(shown) == 2
    [not_met] = [line for line in shown if "Først: Personlig hjælp og pleje" in line]
    assert "ikke gjort, fordi det ikke var forsvarligt" in not_met
    [walk] = [line for line in shown if "En gåtur" in line]
    assert walk.endswith("sendt)")


def test_the_receipt_page_also_confirms_a_swap_by_its_reference(client, page, household):
    """Issue 12 (a confirmation page of its own), shared with the SEL swap: its reference in
    the <h1>, what was swapped; the swap path itself is unchanged."""
    from tests.staff.helpers import wished_swap

    swap = wished_swap(
        household.citizen,
        drop=household.vacuum,
        add=household.walk,
        visit=household.visit,
        reference="BYT-ABCD1234",
    )
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.receipt", reference=swap.reference)
    assert "BYT-ABCD1234" in soup.select_one("h1").get_text()
    summary = soup.select_one(".app-summary").get_text(" ", strip=True)
    assert "Støvsugning" in summary and "Gåtur" in summary


def test_a_receipt_of_someone_else_is_not_found(client, page, ael, factories):
    """Issue 6 (access control): a reference is found only among her own."""
    other = factories.VisitPriority(kind=PriorityKind.OWN_WORDS, text="x")
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.receipt", reference=other.reference, expected_status=404)


def test_each_line_of_the_priority_summary_can_be_changed(client, page, ael):
    """Issue 12 item 10 (GOV.UK "Check answers"): "Ændr" on when and on what matters most;
    a change asks that question again and the steps after it."""
    sign_in_citizen(client, ael.citizen)
    page.get("citizen.conversation")
    for answer in ("priority", str(ael.visit.id), "element", str(ael.care.id), "first"):
        say(page, ael.citizen, answer=answer)
    soup = page.get("citizen.conversation")
    changes = {
        form.button.get_text(" ", strip=True): form.select_one("[name=to]")["value"]
        for form in soup.select("#chat-log form.app-change")
    }
    assert changes == {
        "Ændr hvornår": "priority_visit",
        "Ændr hvad der betyder mest": "priority_what",
    }
    page.post(
        "citizen.conversation_back", {"turn": str(current(ael.citizen).turn), "to": "priority_what"}
    )
    assert current(ael.citizen).step == "priority_what"
    assert not priorities()
