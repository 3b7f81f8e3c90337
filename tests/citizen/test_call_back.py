""" "Ring mig op" end to end through real form posts (issue 13): the citizen, or a relative with
consent to act, confirms a number and a good time; one service function opens a case for the
visitation due in working days (DOMAIN.md "Decisions, deadlines, complaints": hverdage, 002),
the receipt page names who calls and by when, the visitator sees the number, the time and her
words in the queue and closes the case with "Ringet op".
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind, CaseKind, CaseStatus, ServiceCategory
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, CallBackRequest, Case
from tests.citizen.dialogue_helpers import current, errors, say
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff


def ask_for_a_call(page, citizen, *, number="40 50 60 70", text="Om mit bad"):
    page.get("citizen.conversation")
    say(page, citizen, answer="call_back")
    say(page, citizen, text=number)
    say(page, citizen, answer="morning")
    say(page, citizen, text=text)
    return say(page, citizen, answer="send")


def the_request() -> CallBackRequest:
    db.session.expire_all()
    return db.session.scalars(select(CallBackRequest)).one()


@pytest.mark.parametrize(
    ("asked_at", "due"),
    [
        # Tuesday: the next working day.
        (datetime(2026, 3, 3, 9, tzinfo=UTC), date(2026, 3, 4)),
        # Friday afternoon: Monday, across the weekend.
        (datetime(2026, 3, 6, 14, tzinfo=UTC), date(2026, 3, 9)),
        # Wednesday before Easter: Tuesday, across Skærtorsdag, Langfredag and 2. påskedag.
        (datetime(2026, 4, 1, 12, tzinfo=UTC), date(2026, 4, 7)),
    ],
)
def test_a_call_back_opens_a_case_due_the_next_working_day(client, page, household, asked_at, due):
    with time_machine.travel(asked_at, tick=False):
        sign_in_citizen(client, household.citizen)
        response = ask_for_a_call(page, household.citizen)

        request = the_request()
        assert response.headers["Location"] == f"/borger/kvittering/{request.reference}"
        assert request.reference.startswith("OPK-")
        assert (request.phone, request.good_time, request.text) == (
            "40 50 60 70",
            "morning",
            "Om mit bad",
        )
        case = request.case
        assert case.kind == CaseKind.CALL_BACK and case.status == CaseStatus.OPEN
        assert case.deadline == due
        assert case.title == "Ring op på 40 50 60 70, om formiddagen: Om mit bad"
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "call_back_requested")
        ).one()
        assert (entry.purpose, entry.object_id) == ("own_request", str(request.id))


def test_the_municipality_may_give_itself_more_working_days(client, page, household):
    household.citizen.municipality.policy.call_back_working_days = 2
    db.session.commit()
    with time_machine.travel(datetime(2026, 3, 6, 14, tzinfo=UTC), tick=False):
        sign_in_citizen(client, household.citizen)
        ask_for_a_call(page, household.citizen)
    assert the_request().case.deadline == date(2026, 3, 10)


def test_the_receipt_says_who_calls_which_number_and_by_when(client, page, household):
    with time_machine.travel(datetime(2026, 3, 6, 14, tzinfo=UTC), tick=False):
        sign_in_citizen(client, household.citizen)
        response = ask_for_a_call(page, household.citizen)
        soup = page.get_url(response.headers["Location"])
    assert soup.select_one("h1").get_text(" ", strip=True).startswith("Visitationen ringer til dig")
    steps = [li.get_text(" ", strip=True) for li in soup.select(".app-next-steps li")]
    assert steps[0] == (
        "En medarbejder fra visitationen ringer til 40 50 60 70 senest mandag 9. marts 2026."
    )


def test_a_wrong_number_is_refused_in_danish_and_nothing_is_written(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="call_back")
    turn = current(household.citizen).turn

    response = say(page, household.citizen, expected_status=200, text="1234")

    assert errors(response) == [
        "Skriv et dansk telefonnummer med 8 cifre, for eksempel 12 34 56 78"
    ]
    assert current(household.citizen).turn == turn
    assert db.session.scalar(select(func.count()).select_from(CallBackRequest)) == 0


def test_her_own_number_is_filled_in(client, page, household):
    household.citizen.phone = "+45 40506070"
    db.session.commit()
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="call_back")
    soup = page.get("citizen.conversation")
    assert soup.select_one("#chat-form input#text")["value"] == "40 50 60 70"
    assert soup.select_one("#chat-form input#text")["inputmode"] == "tel"


def test_ring_mig_op_is_offered_beside_start_over_and_after_words_not_understood(
    client, page, household
):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, text="xyzzy qwerty")
    offer = page.get("citizen.conversation").select_one("#chat-log .app-call-back-offer")
    assert offer.select_one("button").get_text(strip=True) == "Ring mig op"
    say(page, household.citizen, answer="swap")  # a step with no "Ring mig op" answer
    page.post(
        "citizen.conversation_call_back",
        {"turn": str(current(household.citizen).turn), "citizen": str(household.citizen.id)},
    )
    assert current(household.citizen).step == "call_phone"


def test_a_relative_asks_to_be_called_and_the_citizen_sees_it_done_for_her(
    client, page, household, factories
):
    """DOMAIN.md "Relatives": with consent to act; the relative's own number is called."""
    citizen = household.citizen
    relative = factories.Relative(name="Susanne Jensen", phone="22334455")
    factories.Consent(citizen=citizen, relative=relative)
    sign_in_relative(client, relative, citizen)
    page.get("citizen.conversation")
    say(page, citizen, answer="call_back")
    soup = page.get("citizen.conversation")
    assert soup.select_one("input#text")["value"] == "22 33 44 55"
    assert "tale om alt, der har med Inger Jensens hjælp at gøre" in soup.select_one(
        "#chat-log"
    ).get_text(" ", strip=True)
    say(page, citizen, text="22 33 44 55")
    say(page, citizen, answer="any_time")
    say(page, citizen, text="")
    response = say(page, citizen, answer="send")

    receipt = page.get_url(response.headers["Location"])
    assert (
        receipt.select_one("h1").get_text(" ", strip=True).startswith("Visitationen ringer til dig")
    )
    assert "22 33 44 55" in receipt.select_one(".app-summary").get_text(" ", strip=True)
    request = the_request()
    assert request.requested_by_kind == ActorKind.RELATIVE
    assert request.requested_by_relative_id == relative.id
    assert request.case.title == "Ring op på 22 33 44 55, når som helst (pårørende)"
    sign_in_citizen(client, citizen)
    page.get("citizen.conversation")
    say(page, citizen, answer="consent")
    log = page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)
    assert "Susanne Jensen bad visitationen ringe op" in log


def test_the_visitator_sees_the_call_in_the_queue_and_closes_it_as_called(
    client, page, household, factories
):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    ask_for_a_call(page, citizen)
    case = the_request().case
    visitator = factories.StaffUser(municipality=citizen.municipality)
    sign_in_staff(client, visitator)

    row = page.get("visitation.queue", kind="call_back").select_one("table.app-queue tbody tr")
    assert "Borgeren beder om at blive ringet op" in row.get_text(" ", strip=True)
    assert "Ring op på 40 50 60 70, om formiddagen: Om mit bad" in row.get_text(" ", strip=True)
    soup = page.get("visitation.case_page", case_id=case.id)
    assert soup.select_one(".app-call-back a[href^='tel:']")["href"] == "tel:40506070"
    refused = page.post("visitation.dismiss", {"reason": " "}, case_id=case.id, expected_status=200)
    assert "Skriv et kort notat om samtalen" in refused.get_data(as_text=True)

    page.post("visitation.dismiss", {"reason": "Talt om badet"}, case_id=case.id)

    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.outcome, case.events[-1].kind) == (
        CaseStatus.CLOSED,
        "Talt om badet",
        "called_back",
    )
    sign_in_citizen(client, citizen)
    card = page.get("citizen.cases").select_one(".app-citizen-cases li")
    assert "Vi har ringet til dig." in card.get_text(" ", strip=True)


def test_a_service_she_is_not_granted_is_said_so_in_danish(client, page, household, factories):
    """Issue 13 §5: named, not confirmed; the granted services that come closest offered."""
    factories.Service(
        municipality=household.citizen.municipality,
        code="PR-VINDUER",
        name_da="Vinduespudsning",
        name_en="Window cleaning",
        category=ServiceCategory.PRACTICAL_HELP,
        synonyms_da=["vinduer", "pudset vinduer"],
    )
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, text="jeg vil hellere gå en tur end få pudset vinduer")
    log = page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)
    assert (
        "Du er ikke bevilget Vinduespudsning, så du kan ikke fravælge det. Af den hjælp, du "
        "har, ligger dette nærmest: Støvsugning og Bad."
    ) in log
