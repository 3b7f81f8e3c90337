"""The other paths, relatives and consent, and bad input on every form.

Relatives act only with the citizen's consent, scoped (002 sections 10 and 16; 004
§2.1.1); a consent is never deleted, only revoked. Reassessment opens a case with a
deadline in working days (002: case processing 5 working days). Bad input gets a clear
Danish message and changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind, CaseKind, ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import (
    AuditEntry,
    Case,
    Consent,
    ConversationMessage,
    ReassessmentRequest,
    SwapRequest,
    Wish,
)
from tests.citizen.dialogue_helpers import current, errors, message_count, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def log_text(page) -> str:
    return page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)


def test_a_wish_is_saved_for_the_staff(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="wish")
    say(page, household.citizen, answer="time")
    say(page, household.citizen, text="Jeg vil gerne have hjælp før klokken 9")
    wish = db.session.scalars(select(Wish)).one()
    assert (wish.kind, wish.text, wish.created_by_kind) == (
        "time",
        "Jeg vil gerne have hjælp før klokken 9",
        ActorKind.CITIZEN,
    )
    assert "Tak. Dit ønske er gemt." in log_text(page)


def test_your_rights_in_english_marks_the_danish_law_as_danish(client, page, household):
    """Rule 8 (your rights) quotes the law's Danish words (policy's legal references);
    WCAG 2.1 SC 3.1.2 (Language of Parts) asks for lang="da" on them on an English page."""
    sign_in_citizen(client, household.citizen)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page.get("citizen.conversation")
    say(page, household.citizen, answer="rights")
    references = page.get("citizen.conversation").select("ul.app-references li")
    danish = [li.select_one('[lang="da"]').text for li in references]
    assert any("Serviceloven § 94 a" in text for text in danish)
    assert all("(the law's own words, in Danish)" in li.text for li in references)


def test_a_reassessment_opens_a_case_with_its_deadline_and_shows_its_status(
    client, page, household
):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    for answer in ("reassessment", "more_help"):
        say(page, household.citizen, answer=answer)
    say(page, household.citizen, text="Jeg kan ikke længere komme op af sengen selv")
    say(page, household.citizen, answer="no")
    say(page, household.citizen, answer="morning")
    assert count(Case) == 0  # nothing is sent before the summary is confirmed
    say(page, household.citizen, answer="send")
    request = db.session.scalars(select(ReassessmentRequest)).one()
    assert request.case.kind == CaseKind.REASSESSMENT_REQUEST and request.case.deadline
    assert request.fsiii_code is None and request.preferred_time == "Om formiddagen"
    assert "En visitator kontakter dig senest" in log_text(page)
    say(page, household.citizen, answer="reassessment")
    assert "Modtaget, endnu ikke behandlet." in log_text(page)


def test_a_relative_acting_with_consent_is_recorded_and_shown_to_the_citizen(
    client, page, household, factories
):
    consent = factories.Consent(
        citizen=household.citizen,
        scope=ConsentScope.ACT,
        relative=factories.Relative(name="Susanne Jensen"),
    )
    sign_in_relative(client, consent.relative, household.citizen)
    page.get("citizen.conversation")
    for answer in ("swap", "visit", str(household.visit.id), "PR-STOEVSUG", "FL-GAATUR"):
        say(page, household.citizen, answer=answer)
    say(page, household.citizen, acknowledged="y")
    swap = db.session.scalars(select(SwapRequest)).one()
    assert swap.created_by_kind == ActorKind.RELATIVE
    assert swap.created_by_relative_id == consent.relative_id
    spoken = db.session.scalars(
        select(ConversationMessage).where(ConversationMessage.speaker == "relative")
    ).all()
    assert spoken and {m.relative_id for m in spoken} == {consent.relative_id}
    # A2: a reassessment asked for by a relative (FSIII).
    for answer in ("reassessment", "less_help"):
        say(page, household.citizen, answer=answer)
    say(page, household.citizen, text="Mor klarer mere selv nu")
    for answer in ("yes", "any_time", "send"):
        say(page, household.citizen, answer=answer)
    assert db.session.scalars(select(ReassessmentRequest)).one().fsiii_code == "A2"

    client.get("/log-ud")
    sign_in_citizen(client, household.citizen)
    say(page, household.citizen, answer="consent")
    log = log_text(page)
    assert "Susanne Jensen på vegne af" in log
    assert "Susanne Jensen sendte et bytte" in log


@pytest.mark.parametrize("consent_kind", ["see_only", "withdrawn", "expired"])
def test_a_relative_without_a_consent_to_act_cannot_answer(
    client, page, household, factories, consent_kind
):
    now = datetime.now(UTC)
    changes = {
        "see_only": {"scope": ConsentScope.SEE},
        "withdrawn": {"revoked_at": now - timedelta(minutes=1)},
        "expired": {"valid_to": now - timedelta(days=1)},
    }[consent_kind]
    consent = factories.Consent(citizen=household.citizen, **changes)
    sign_in_relative(client, consent.relative, household.citizen)
    before = message_count()
    for endpoint in (
        "citizen.conversation_answer",
        "citizen.conversation_back",
        "citizen.conversation_restart",
    ):
        page.post(endpoint, {"answer": "swap", "turn": "0"}, expected_status=403)
    assert message_count() == before and count(SwapRequest) == 0


def test_a_relative_who_may_only_see_gets_the_page_without_forms(
    client, page, household, factories
):
    consent = factories.Consent(citizen=household.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, household.citizen)
    soup = page.get("citizen.conversation")
    assert soup.select("#chat-form") == []
    assert "samtykket giver dig ikke lov" in soup.select_one("main").get_text(" ", strip=True)


def test_the_citizen_withdraws_a_consent_and_the_row_is_kept(client, page, household, factories):
    consent = factories.Consent(
        citizen=household.citizen, relative=factories.Relative(name="Michael Nielsen")
    )
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="consent")
    say(page, household.citizen, answer=f"withdraw:{consent.id}")
    assert current(household.citizen).step == "consent_confirm"
    say(page, household.citizen, answer="yes")
    db.session.expire_all()
    assert count(Consent) == 1 and db.session.get(Consent, consent.id).revoked_at is not None
    assert db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consent_withdrawn")
    ).one()
    say(page, household.citizen, answer="consent")
    say(page, household.citizen, answer=f"act:{consent.id}")
    say(page, household.citizen, answer="yes")
    assert count(Consent) == 2  # a new consent; the withdrawn one stays as history


# --- Bad input on every form: a clear message, nothing changes ---------------------------------

BAD_INPUT = [
    # (path to the step, bad answer, message)
    ((), {}, "Vælg hvad du vil have hjælp til, eller skriv det"),
    (("swap",), {}, "Vælg ét besøg eller en periode"),
    (
        ("swap", "visit"),
        {"answer": "PAST"},
        "Det besøg er overstået eller ikke dit. Vælg et af de kommende besøg",
    ),
    (
        ("swap", "visit", "VISIT"),
        {"answer": "PR-UKENDT"},
        "Vælg ydelser fra listen. Du kan kun fravælge ydelser, du har fået bevilget",
    ),
    (
        ("swap", "visit", "VISIT"),
        {"answer": "SY-SYGEPLEJE"},
        "Vælg ydelser fra listen. Du kan kun fravælge ydelser, du har fået bevilget",
    ),
    (("swap", "visit", "VISIT", "PR-STOEVSUG"), {}, "Vælg hvad du vil have i stedet"),
    (("swap", "visit", "VISIT", "PR-STOEVSUG"), {"answer": "PR-UKENDT"}, "Vælg ydelser fra listen"),
    (("wish",), {"answer": "dance"}, "Vælg et af de viste svar"),
    (("wish", "time"), {"text": "   "}, "Skriv dit ønske"),
    (("reassessment",), {}, "Vælg hvorfor"),
    (("reassessment", "more_help"), {"text": ""}, "Skriv hvad der har ændret sig"),
    (("consent",), {"answer": "withdraw:999"}, "Vælg et af de viste svar"),
]


@pytest.mark.parametrize(("path", "bad", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, page, household, path, bad, message
):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    ids = {"VISIT": str(household.visit.id), "PAST": str(household.past_visit.id)}
    for answer in path:
        say(page, household.citizen, answer=ids.get(answer, answer))
    before = (message_count(), current(household.citizen).turn, current(household.citizen).step)
    bad = {key: ids.get(value, value) for key, value in bad.items()}
    response = say(page, household.citizen, expected_status=200, **bad)
    assert errors(response) == [message]
    assert (
        message_count(),
        current(household.citizen).turn,
        current(household.citizen).step,
    ) == before
    assert count(SwapRequest) + count(Wish) + count(ReassessmentRequest) == 0


def test_a_tampered_or_stale_turn_is_refused_and_changes_nothing(client, page, household):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="swap")
    before = message_count()
    response = page.post(
        "citizen.conversation_answer", {"answer": "visit", "turn": "0"}, expected_status=409
    )
    assert errors(response) == [
        "Det spørgsmål er allerede besvaret. Her er det spørgsmål, der gælder nu"
    ]
    assert message_count() == before and current(household.citizen).step == "swap_when"


def test_a_service_dropped_by_someone_else_meanwhile_is_refused(client, page, household, factories):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    for answer in ("swap", "visit", str(household.visit.id), "PR-STOEVSUG", "FL-GAATUR"):
        say(page, household.citizen, answer=answer)
    # Meanwhile a relative (another tab, another phone) swaps the same vacuuming.
    from selvvisitation.models import SwapLine

    other = SwapRequest(
        reference="BYT-OTHER",
        citizen=household.citizen,
        visit=household.visit,
        created_by_kind=ActorKind.CITIZEN,
    )
    other.lines = [
        SwapLine(kind="drop", service=household.vacuum, minutes=20),
        SwapLine(kind="add", service=household.walk, minutes=20),
    ]
    db.session.add(other)
    db.session.commit()
    before = message_count()
    response = say(page, household.citizen, expected_status=200, acknowledged="y")
    assert errors(response) == [
        "Nogen har lige byttet den ydelse ved dette besøg. Gå tilbage og vælg igen"
    ]
    assert count(SwapRequest) == 1 and message_count() == before
