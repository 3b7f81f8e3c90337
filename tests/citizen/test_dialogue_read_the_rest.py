"""An answer read without the write lock reads what her context needs of her and her open
conversation in one statement, and her municipality and its policy only where they are not
held already (services.dialogue_turns._read_the_rest; issue 17: at most 10 statements a
turn).

The sign-in check reads her with her municipality and its policy (security.access), in
the same transaction as the answer. Joining them again to every row of her decisions,
grants and consents cost a third of that statement. Where a commit has expired them, all
of it is read again, so nothing the context uses is taken from an ended transaction
(DOMAIN.md rule 4: what an effect checks is read fresh; an effect's answer is read again
under the lock in any case, services.dialogue_turns._again_under_the_lock).
"""

from __future__ import annotations

import pytest

from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Conversation
from selvvisitation.models.base import utcnow
from selvvisitation.security.access import _citizen_query
from selvvisitation.services import dialogue_turns
from tests.citizen.conftest import build_household
from tests.clock import MONDAY
from tests.statements import counted_statements

pytestmark = pytest.mark.today(MONDAY)


def _as_signed_in(citizen_id: int) -> Citizen:
    """Her, as the sign-in check reads her at the start of the request."""
    session = db.session()
    session.expire_all()
    return session.scalars(_citizen_query(), {"citizen_id": citizen_id}).one()


def _what_her_context_reads(citizen: Citizen) -> None:
    assert citizen.municipality.policy is not None
    _ = citizen.provider
    _ = [granted.service_id for d in citizen.decisions for granted in d.granted_services]
    _ = [consent.relative for consent in citizen.consents]


def _joins_her_municipality(statement: str) -> bool:
    return "join municipality" in " ".join(statement.lower().split())


@pytest.mark.parametrize("expired", [False, True], ids=["held", "expired by a commit"])
def test_her_rows_are_one_statement_and_her_municipality_is_read_only_when_not_held(
    app, factories, expired
):
    household = build_household(factories)
    factories.Consent(citizen=household.citizen)
    db.session.commit()
    citizen = _as_signed_in(household.citizen.id)
    if expired:
        db.session().expire(citizen)
    with counted_statements() as statements:
        found = dialogue_turns._read_the_rest(db.session(), citizen)
        _what_her_context_reads(citizen)
    assert len(statements) == 1
    assert _joins_her_municipality(statements[0]) == expired
    assert found is None  # she has not opened the conversation page yet


def _conversation(citizen_id: int, closed: bool) -> int:
    conversation = Conversation(
        citizen_id=citizen_id, step="menu", closed_at=utcnow() if closed else None
    )
    db.session.add(conversation)
    db.session.commit()
    return conversation.id


@pytest.mark.parametrize("expired", [False, True], ids=["held", "expired by a commit"])
def test_her_open_conversation_is_read_in_the_same_statement(app, factories, expired):
    """The turn's conversation, not one she closed by starting over, and not another
    citizen's, with her rows: one statement, and none more when the turn reads it."""
    household = build_household(factories)
    factories.Consent(citizen=household.citizen)
    factories.Consent(citizen=household.citizen)  # two consents: more joined rows
    db.session.commit()
    _conversation(household.citizen.id, closed=True)
    open_id = _conversation(household.citizen.id, closed=False)
    _conversation(factories.Citizen(municipality=household.citizen.municipality).id, False)
    citizen = _as_signed_in(household.citizen.id)
    if expired:
        db.session().expire(citizen)
    with counted_statements() as statements:
        found = dialogue_turns._read_the_rest(db.session(), citizen)
        assert found is not None
        assert (found.id, found.citizen_id, found.closed_at) == (open_id, citizen.id, None)
        assert found.step == "menu"
        _what_her_context_reads(citizen)
    assert len(statements) == 1
    assert len(citizen.consents) == 2  # the joined conversation multiplied none of them
