"""The same confirmation sent twice stores one request (services.dialogue_effects._sent_before).

Issue 12 and 16: a double click or a second tab must not send a swap, a reassessment or a
call back twice. The view refuses a form from an older turn, and the conversation's turn
is its version, so a second answer normally never reaches the effect; the effect itself
is the last guard: a confirmation stores its request under the conversation and its turn
(the submission token), and a second writer at the same turn gets the request already
stored, with no second request, case or audit entry. Each effect is called here as
services.dialogue_turns._apply calls it, twice at the same turn, the first committed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from selvvisitation.domain import dialogue_steps
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import (
    AuditEntry,
    CallBackRequest,
    Case,
    ReassessmentRequest,
    SwapRequest,
)
from selvvisitation.security.access import Actor
from selvvisitation.services import dialogue_turns
from selvvisitation.services.conversation_store import state_of
from selvvisitation.services.dialogue_effects import EFFECTS
from tests.citizen.dialogue_helpers import current, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)

# What leads to each confirmation (the answers the tests in test_dialogue_swap.py,
# test_dialogue_paths.py and test_call_back.py give), its confirming answer, the request
# it stores and the audit entry it writes.
CONFIRMATIONS = {
    "swap": (
        [
            {"answer": "swap"},
            {"answer": "visit"},
            {"answer": "{visit}"},
            {"answer": "PR-STOEVSUG"},
            {"answer": "FL-GAATUR"},
        ],
        dialogue_steps.Answer(acknowledged=True),
        SwapRequest,
        "swap_requested",
    ),
    "reassessment": (
        [
            {"answer": "reassessment"},
            {"answer": "more_help"},
            {"text": "Jeg kan ikke længere komme op af sengen selv"},
            {"answer": "no"},
            {"answer": "morning"},
        ],
        dialogue_steps.Answer(choice="send"),
        ReassessmentRequest,
        "reassessment_requested",
    ),
    "call back": (
        [
            {"answer": "call_back"},
            {"text": "40 50 60 70"},
            {"answer": "morning"},
            {"text": "Om mit bad"},
        ],
        dialogue_steps.Answer(choice="send"),
        CallBackRequest,
        "call_back_requested",
    ),
}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("kind", CONFIRMATIONS)
def test_a_second_writer_with_the_same_confirmation_gets_the_request_already_stored(
    client, page, household, kind
):
    steps, confirm, model, action = CONFIRMATIONS[kind]
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    page.get("citizen.conversation")
    for fields in steps:
        say(page, citizen, **{k: v.format(visit=household.visit.id) for k, v in fields.items()})
    viewer = dialogue_turns.Viewer(citizen, relative_id=None, may_act=True, language="da")
    actor = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen)

    def write() -> dict:
        """What a writer at the confirmation does under the lock: work out the answer and
        apply its effect (dialogue_turns._apply), then commit."""
        conversation, ctx = current(citizen), viewer.context(db.session)
        outcome = dialogue_steps.answer(ctx, state_of(conversation), confirm)
        assert outcome.error is None and outcome.effect is not None, outcome
        ctx.read_all()
        done = EFFECTS[outcome.effect](db.session, conversation, ctx, outcome.state.data, actor)
        db.session.commit()
        return done

    first = write()
    second = write()  # the conversation still at the same turn: the same token

    assert second["reference"] == first["reference"]
    assert _count(model) == 1, "one request"
    assert _count(AuditEntry, AuditEntry.action == action) == 1, "recorded once"
    if model is not SwapRequest:
        assert _count(Case) == 1, "one case for the visitation"
