"""An answer is worked out without the write lock, and stored only if no other came first.

Issue 17: a turn held the write lock (on SQLite the whole database's) from its first read
to its commit, so turns went one at a time however many workers served them. An answer
now reads the conversation and the citizen's context without it (services.dialogue_turns
begin_turn(lock=False)); the conversation's turn is its version (models.conversation), so
a second tab's or a double click's answer stored in between makes this one's UPDATE find
no row, and nothing of it is stored: the rule that a form from an older turn is refused
(issue 12; tests/citizen/test_two_tabs.py) holds for answers that cross as well. Both
answers cross here for real, through two database sessions: no sleeps, no threads.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.database import ON_WRITE, transaction_mode
from selvvisitation.domain import dialogue_steps
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import Conversation
from selvvisitation.security.access import Actor
from selvvisitation.services import dialogue_turns
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import current, message_count
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)  # no CPR number in these conversations to drop


@pytest.fixture
def as_in_a_request():
    """The transaction mode of a request on SQLite (security.locking.install)."""
    token = transaction_mode.set(ON_WRITE)
    yield
    transaction_mode.reset(token)


def _another_tab_answers(conversation_id: int) -> None:
    with Session(db.engine) as other:
        conversation = other.scalars(
            select(Conversation).where(Conversation.id == conversation_id)
        ).one()
        conversation.turn += 1
        other.commit()


def test_an_answer_that_crosses_another_is_refused_and_stores_nothing(
    app, factories, as_in_a_request
):
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")  # opens the conversation at the menu
    conversation = current(household.citizen)
    read_at, messages = conversation.turn, message_count()
    citizen = household.citizen
    viewer = dialogue_turns.Viewer(citizen, relative_id=None, may_act=True, language="da")
    actor = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen)

    turn = dialogue_turns.begin_turn(db.session, viewer, LONG_AGO, lock=False)
    assert not turn.locked
    _another_tab_answers(turn.conversation.id)
    answered = dialogue_turns.take_turn(
        db.session, turn, dialogue_steps.Answer(choice="rights"), actor
    )

    assert answered.problem is dialogue_turns.STALE
    assert message_count() == messages, "nothing of the crossed answer is stored"
    assert current(citizen).turn == read_at + 1, "the other tab's answer stands"


def test_an_answer_that_crosses_none_is_stored(app, factories, as_in_a_request):
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")
    citizen = household.citizen
    read_at, messages = current(citizen).turn, message_count()
    viewer = dialogue_turns.Viewer(citizen, relative_id=None, may_act=True, language="da")
    actor = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen)

    turn = dialogue_turns.begin_turn(db.session, viewer, LONG_AGO, lock=False)
    answered = dialogue_turns.take_turn(
        db.session, turn, dialogue_steps.Answer(choice="rights"), actor
    )

    assert answered.problem is None
    assert current(citizen).turn == read_at + 1
    assert message_count() > messages


@pytest.mark.parametrize("action", ["back", "call_back", "restart"])
def test_back_call_me_or_start_over_crossing_an_answer_stores_nothing(
    app, factories, as_in_a_request, action
):
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")
    citizen = household.citizen
    viewer = dialogue_turns.Viewer(citizen, relative_id=None, may_act=True, language="da")
    actor = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen)
    first = dialogue_turns.begin_turn(db.session, viewer, LONG_AGO, lock=False)
    dialogue_turns.take_turn(db.session, first, dialogue_steps.Answer(choice="rights"), actor)
    read_at, messages = current(citizen).turn, message_count()

    turn = dialogue_turns.begin_turn(db.session, viewer, LONG_AGO, lock=False)
    _another_tab_answers(turn.conversation.id)
    controlled = dialogue_turns.take_control(db.session, turn, action, actor)

    assert controlled.problem is dialogue_turns.STALE
    assert message_count() == messages, "nothing of it is stored"
    assert current(citizen).turn == read_at + 1, "the other tab's answer stands"
    assert current(citizen).id == turn.conversation.id, "no conversation closed or opened"
