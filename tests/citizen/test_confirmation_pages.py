"""The confirmation page after each path of the dialogue (issue 12 item 1).

GOV.UK's confirmation page: a green panel with the reference in the <h1>, what happens next,
a print button, and the way to the overview. Without JavaScript the last answer redirects
there; dialogue.js follows the ``redirect`` in its JSON. A relative is spoken to as one, with
the citizen's name in the genitive (issue 12 item 6). Seed 002 section 16: what a relative
does on the citizen's behalf is recorded; the deadline is seed 002 section 6 (case
processing in working days).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import ReassessmentRequest, SwapRequest, Wish
from tests.citizen.dialogue_helpers import current, say
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)


def heading(soup) -> str:
    return soup.select_one("h1").get_text(" ", strip=True)


def next_steps(soup) -> list[str]:
    return [li.get_text(" ", strip=True) for li in soup.select(".app-next-steps li")]


def send_a_swap(page, household):
    page.get("citizen.conversation")
    for answer in ("swap", "visit", str(household.visit.id), "PR-STOEVSUG", "FL-GAATUR"):
        say(page, household.citizen, answer=answer)
    return say(page, household.citizen, acknowledged="y")


def test_a_sent_swap_lands_on_its_confirmation_page(client, page, household):
    sign_in_citizen(client, household.citizen)
    response = send_a_swap(page, household)
    swap = db.session.scalars(select(SwapRequest)).one()
    assert response.headers["Location"].endswith(f"/borger/kvittering/{swap.reference}")
    soup = page.get_url(response.headers["Location"])
    assert heading(soup) == f"Dit bytte er sendt Dit referencenummer: {swap.reference}"
    assert soup.select_one(".app-panel-confirmation h1")  # the green panel holds the <h1>
    assert "Hjemmehjælperen ser dit bytte på besøgslisten." in next_steps(soup)
    # The print button is there for JavaScript to show; the way to the overview is a link.
    assert soup.select_one('[data-module="print-page"]').get_text(strip=True) == "Udskriv siden"
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select("main a")}
    assert links["Gå til din hjælp"] == "/borger/"
    # The conversation goes on from "anything else?", the swap's receipt in its history.
    assert current(household.citizen).step == "swap_done"


def test_with_javascript_the_last_answer_answers_with_the_page_to_go_to(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="wish")
    say(page, household.citizen, answer="time")
    response = client.post(
        "/borger/samtale/svar",
        data={
            "turn": str(current(household.citizen).turn),
            "text": "Jeg vil gerne have hjælp før klokken 9",
            "csrf_token": csrf_token(client),
            "citizen": household.citizen.id,
        },
        headers={"X-Requested-With": "fetch"},
    )
    wish = db.session.scalars(select(Wish)).one()
    assert re.fullmatch(r"ONS-\d{8}", wish.reference)
    assert response.get_json() == {"ok": True, "redirect": f"/borger/kvittering/{wish.reference}"}
    soup = page.get("citizen.receipt", reference=wish.reference)
    assert heading(soup) == f"Dit ønske er gemt Dit referencenummer: {wish.reference}"
    assert "Jeg vil gerne have hjælp før klokken 9" in soup.select_one(".app-summary").text


def test_a_reassessment_request_gets_a_reference_and_its_answer_date(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    for answer in ("reassessment", "more_help"):
        say(page, household.citizen, answer=answer)
    say(page, household.citizen, text="Jeg kan ikke længere komme op af sengen selv")
    for answer in ("no", "morning"):
        say(page, household.citizen, answer=answer)
    response = say(page, household.citizen, answer="send")
    request = db.session.scalars(select(ReassessmentRequest)).one()
    assert re.fullmatch(r"REV-\d{8}", request.reference)
    soup = page.get_url(response.headers["Location"])
    assert heading(soup) == (
        f"Din anmodning om en ny vurdering er sendt Dit referencenummer: {request.reference}"
    )
    steps = next_steps(soup)
    assert any(step.startswith("Du får svar senest ") for step in steps)


def test_a_changed_consent_has_its_confirmation_page_for_the_citizen_only(
    client, page, household, factories
):
    consent = factories.Consent(
        citizen=household.citizen,
        scope=ConsentScope.SEE,
        relative=factories.Relative(name="Susanne Jensen"),
        relative_name="Susanne Jensen",
    )
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="consent")
    say(page, household.citizen, answer=f"withdraw:{consent.id}")
    response = say(page, household.citizen, answer="yes")
    assert response.headers["Location"].endswith(f"/borger/kvittering/samtykke/{consent.id}")
    soup = page.get_url(response.headers["Location"])
    assert heading(soup) == "Samtykket er ændret"  # no reference: nothing was sent
    summary = soup.select_one(".app-summary").get_text(" ", strip=True)
    assert "Susanne Jensen kan ikke længere se din hjælp eller handle for dig." in summary
    # A relative never sees the citizen's consent page, not even their own.
    sign_in_relative(client, consent.relative, household.citizen)
    page.get("citizen.consent_receipt", consent_id=consent.id, expected_status=403)


def test_a_relative_sees_the_citizens_name_in_the_genitive(client, page, household, factories):
    consent = factories.Consent(
        citizen=household.citizen,
        scope=ConsentScope.ACT,
        relative=factories.Relative(name="Susanne Jensen"),
    )
    sign_in_relative(client, consent.relative, household.citizen)
    response = send_a_swap(page, household)
    swap = db.session.scalars(select(SwapRequest)).one()
    soup = page.get_url(response.headers["Location"])
    assert heading(soup) == f"Inger Jensens bytte er sendt Dit referencenummer: {swap.reference}"
    links = [a.get_text(" ", strip=True) for a in soup.select("main a")]
    assert "Gå til Inger Jensens hjælp" in links
