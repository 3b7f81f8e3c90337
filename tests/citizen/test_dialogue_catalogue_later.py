"""The dialogue's catalogue records are made on first use, not on every turn (issue 17).

A turn's Context gives the steps the municipality's active services as plain records
(services.adapters.catalogue_entry): 51 of them on the demo, made on every turn though
only the swap steps check a service against them. They are made when a step first reads
them, from the catalogue the turn has read already, and are the same records the
adapter's own read gives (DOMAIN.md: the catalogue is the municipality's; an inactive
service is offered to no one).
"""

from __future__ import annotations

import pytest

from selvvisitation.extensions import db
from selvvisitation.services import adapters, dialogue_context
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import current
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def _context(citizen):
    return dialogue_context.build_context(
        db.session, citizen, relative_id=None, may_act=True, language="da"
    )


def test_the_records_are_made_on_first_use_and_are_the_adapters_own(app, factories):
    household = build_household(factories)
    factories.Service(municipality=household.citizen.municipality, code="retired", active=False)
    db.session.commit()
    ctx = _context(household.citizen)

    assert "catalogue" not in ctx.__dict__  # not made yet
    municipality_id = household.citizen.municipality_id
    assert ctx.catalogue == adapters.catalogue_for(db.session, municipality_id)
    assert "retired" not in ctx.catalogue and len(ctx.catalogue) >= 2
    assert ctx.catalogue is ctx.catalogue  # made once, then kept


def _made_in_a_turn(app, factories, monkeypatch, answer: str) -> int:
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")
    made = []
    real = dialogue_context.catalogue_entry
    monkeypatch.setattr(
        dialogue_context, "catalogue_entry", lambda s: made.append(s.code) or real(s)
    )
    response = client.post(
        "/borger/samtale/svar",
        data={
            "turn": str(current(household.citizen).turn),
            "answer": answer,
            "citizen": str(household.citizen.id),
            "csrf_token": csrf_token(client),
        },
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200 and response.get_json()["ok"] is True
    return len(made)


def test_a_turn_that_shows_her_help_makes_none(app, factories, monkeypatch):
    assert _made_in_a_turn(app, factories, monkeypatch, "my_help") == 0


def test_a_step_that_checks_a_service_makes_them_when_it_reads_them(app, factories):
    from selvvisitation.domain.dialogue_steps.swap import addable

    household = build_household(factories)
    ctx = _context(household.citizen)
    assert "catalogue" not in ctx.__dict__
    # What she may choose instead of a dropped service (DOMAIN.md rules 2, 9 and 10).
    offered = addable(ctx, {"drop": []})
    assert offered and {entry.code for entry in offered} <= set(ctx.catalogue)
    assert "catalogue" in ctx.__dict__
