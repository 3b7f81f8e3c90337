"""The citizen's conversation on the case page, only where the citizen shared it (issue 5)."""

from __future__ import annotations

import pytest

from selvvisitation.domain.types import ActorKind, CaseKind, ReassessmentReason
from selvvisitation.extensions import db
from selvvisitation.models import Case, Conversation, ConversationMessage, ReassessmentRequest
from selvvisitation.services.case_reads import TRANSCRIPT_MOST, TRANSCRIPT_SHOWN
from tests.citizen.dialogue_helpers import counted
from tests.clock import MONDAY
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


def _conversation(citizen, *words: str) -> Conversation:
    conversation = Conversation(citizen=citizen, step="done", turn=len(words))
    for turn, text in enumerate(words, start=1):
        conversation.messages.append(
            ConversationMessage(
                turn=turn,
                speaker="citizen",
                speaker_kind=ActorKind.CITIZEN,
                kind="words",
                text=text,
            )
        )
    db.session.add(conversation)
    db.session.flush()
    return conversation


def _shared(citizen, make_case, words: list[str], sent_at: int) -> Case:
    """A reassessment sent at turn ``sent_at`` of a conversation of ``words``, one a turn."""
    case = make_case(citizen, kind=CaseKind.REASSESSMENT_REQUEST)
    conversation = _conversation(citizen, *words)
    db.session.add(
        ReassessmentRequest(
            citizen=citizen,
            case=case,
            reason=ReassessmentReason.MORE_HELP,
            requested_by_kind=ActorKind.CITIZEN,
            submission_token=f"c{conversation.id}-t{sent_at}",
        )
    )
    db.session.commit()
    return case


def test_transcript_is_shown_up_to_the_turn_the_request_was_sent(
    page, client, factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    words = ["Jeg kan ikke selv komme i bad", "Senere besked"]
    case = _shared(citizen, make_case, words, sent_at=1)
    sign_in_staff(client, visitator)

    soup = page.get("visitation.case_page", case_id=case.id)

    transcript = soup.select_one("ol.app-transcript").text
    assert "Jeg kan ikke selv komme i bad" in transcript
    assert "Senere besked" not in transcript


def test_a_conversation_not_shared_with_the_visitation_stays_private(
    page, client, factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    case = make_case(citizen)
    _conversation(citizen, "Privat")
    db.session.commit()
    sign_in_staff(client, visitator)

    soup = page.get("visitation.case_page", case_id=case.id)

    assert soup.select_one("ol.app-transcript") is None
    assert "Privat" not in soup.text
    assert "samtale med assistenten er privat" in soup.text


def _words(count: int) -> list[str]:
    return [f"Besked {n}" for n in range(1, count + 1)]


def _transcript(soup) -> list[str]:
    return [
        li.get_text(" ", strip=True).split(": ", 1)[1] for li in soup.select("ol.app-transcript li")
    ]


def test_a_long_conversation_shows_its_latest_messages_up_to_the_request_and_a_link_to_more(
    page, client, factories, visitator, make_case
):
    """Issue 17 (the page's cost must not grow with the history) and WCAG 2.1 SC 2.4.4: the
    latest TRANSCRIPT_SHOWN messages up to the sending turn, read with one bounded query,
    and a plain link "Vis tidligere beskeder" that shows as many again, landing at the
    message shown first before."""
    citizen = factories.Citizen(municipality=visitator.municipality)
    case = _shared(citizen, make_case, _words(100), sent_at=90)
    sign_in_staff(client, visitator)

    soup = page.get("visitation.case_page", case_id=case.id)
    shown = _transcript(soup)
    assert shown == [f"Besked {n}" for n in range(91 - TRANSCRIPT_SHOWN, 91)]
    link = soup.select_one(".app-transcript-earlier a")
    assert link.get_text(strip=True) == "Vis tidligere beskeder"
    first = soup.select_one("ol.app-transcript li")["id"]
    assert link["href"] == f"/visitation/sager/{case.id}?samtale={2 * TRANSCRIPT_SHOWN}#{first}"

    more = page.get_url(link["href"])
    assert _transcript(more) == [f"Besked {n}" for n in range(91 - 2 * TRANSCRIPT_SHOWN, 91)]
    assert more.select_one(f"#{first}") is not None, "where the link lands"
    everything = page.get_url(more.select_one(".app-transcript-earlier a")["href"])
    assert _transcript(everything) == [f"Besked {n}" for n in range(1, 91)]
    assert everything.select_one(".app-transcript-earlier") is None, "nothing older is left"


@pytest.mark.parametrize("value", ["", "abc", "-5", "0", "99999999999999999999"])
def test_no_value_of_samtale_shows_more_than_the_most_and_the_cut_is_said(
    page, client, factories, visitator, make_case, value
):
    """Issue 17: ?samtale= is clamped, never an error; past TRANSCRIPT_MOST the page says
    that older messages are not shown, in Danish."""
    citizen = factories.Citizen(municipality=visitator.municipality)
    case = _shared(citizen, make_case, _words(TRANSCRIPT_MOST + 5), sent_at=TRANSCRIPT_MOST + 5)
    sign_in_staff(client, visitator)

    db.session.expire_all()
    with counted() as seen:
        soup = page.get_url(f"/visitation/sager/{case.id}?samtale={value}")
    shown = _transcript(soup)
    assert seen["messages_loaded"] == len(shown) + 1, "one more than shown, never all"
    if value.startswith("9"):
        assert len(shown) == TRANSCRIPT_MOST
        assert soup.select_one(".app-transcript-earlier a") is None
        note = soup.select_one(".app-transcript-earlier").get_text(strip=True)
        assert note == "Ældre beskeder vises ikke her."
    else:
        assert len(shown) == TRANSCRIPT_SHOWN
        assert soup.select_one(".app-transcript-earlier a") is not None
