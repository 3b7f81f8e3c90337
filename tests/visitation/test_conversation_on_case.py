"""The citizen's conversation on the case page, only where the citizen shared it (issue 5)."""

from __future__ import annotations

import pytest

from selvvisitation.domain.types import ActorKind, CaseKind, ReassessmentReason
from selvvisitation.extensions import db
from selvvisitation.models import Conversation, ConversationMessage, ReassessmentRequest
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


def test_transcript_is_shown_up_to_the_turn_the_request_was_sent(
    page, client, factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    case = make_case(citizen, kind=CaseKind.REASSESSMENT_REQUEST)
    conversation = _conversation(citizen, "Jeg kan ikke selv komme i bad", "Senere besked")
    db.session.add(
        ReassessmentRequest(
            citizen=citizen,
            case=case,
            reason=ReassessmentReason.MORE_HELP,
            requested_by_kind=ActorKind.CITIZEN,
            submission_token=f"c{conversation.id}-t1",
        )
    )
    db.session.commit()
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
