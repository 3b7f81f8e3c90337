"""A turn reads the municipality's catalogue as plain rows, not as objects (issue 17).

The dialogue shows and checks services from the catalogue of the citizen's municipality
(DOMAIN.md: the catalogue is the municipality's). Made into 51 objects on every turn of
the demo, it was about a tenth of the turn's CPU (8.5 % of its instructions). It is now
read as columns (services.dialogue_context.CatalogueRow), once per transaction, and a
grant's, a visit's or a swap line's service is found by its id. These tests hold what
that must keep: every column as stored, an administrator's change seen by the next
request, a read again after lock_for_write (rule 4: what an effect checks is read under
the lock), and no service loaded as an object by a turn.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from selvvisitation.extensions import db
from selvvisitation.models import Service
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services import adapters, dialogue_context
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import counted, current
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def test_the_rows_hold_every_column_a_turn_reads_as_stored(app, factories):
    household = build_household(factories)
    municipality = household.citizen.municipality
    factories.Service(municipality=municipality, code="retired", active=False)
    db.session.commit()
    stored = {s.code: s for s in db.session.scalars(db.select(Service))}

    rows = dialogue_context.services_for(db.session, municipality.id)

    # Every service of the municipality, the inactive one too (Texts names it in the history).
    assert set(rows) == set(stored) and "retired" in rows
    for code, row in rows.items():
        assert row._asdict() == {
            name: getattr(stored[code], name) for name in dialogue_context.CatalogueRow._fields
        }
        assert not isinstance(row, Service)


def test_a_turn_makes_no_service_object(app, factories):
    """Before, every turn made one per service of the catalogue."""
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")
    citizen_id = household.citizen.id
    made = []

    def on_load(target, _context, _attrs=None) -> None:
        made.append(target.code)

    # A service already in the session's map is refreshed rather than loaded.
    event.listen(Service, "load", on_load)
    event.listen(Service, "refresh", on_load)
    try:
        for answer in ("swap", "my_help"):
            db.session.expire_all()  # as a request of its own finds nothing read before it
            # "swap" asks which visit: her coming visits with their services and swaps.
            response = client.post(
                "/borger/samtale/svar",
                data={
                    "turn": str(current(household.citizen).turn),
                    "answer": answer,
                    "citizen": str(citizen_id),
                    "csrf_token": csrf_token(client),
                },
                headers={"X-Requested-With": "fetch"},
            )
            assert response.status_code == 200 and response.get_json()["ok"] is True, answer
            client.post(
                "/borger/samtale/tilbage",
                data={
                    "turn": str(current(household.citizen).turn),
                    "citizen": str(citizen_id),
                    "csrf_token": csrf_token(client),
                },
            )
    finally:
        event.remove(Service, "load", on_load)
        event.remove(Service, "refresh", on_load)

    assert made == []


def test_the_services_of_her_grants_are_found_by_id(app, factories):
    household = build_household(factories)
    decision = household.citizen.current_decision
    codes = dialogue_context.service_codes(
        dialogue_context.services_for(db.session, household.citizen.municipality_id)
    )

    assert adapters.granted_for(decision, codes) == adapters.granted_for(decision)
    assert len(adapters.granted_for(decision, codes)) >= 2


def test_it_is_read_once_per_transaction_and_afresh_in_the_next(app, factories):
    household = build_household(factories)
    municipality_id = household.citizen.municipality_id
    db.session.commit()
    with counted() as seen:
        first = dialogue_context.services_for(db.session, municipality_id)
        again = dialogue_context.services_for(db.session, municipality_id)
    assert seen["statements"] == 1 and again == first

    # An administrator renames a service: the next transaction reads the new name.
    db.session.get(Service, first["PP-BAD"].id).name_da = "Brusebad"
    db.session.commit()
    with counted() as seen:
        renamed = dialogue_context.services_for(db.session, municipality_id)
    assert seen["statements"] == 1 and renamed["PP-BAD"].name_da == "Brusebad"


def test_it_is_read_again_under_the_write_lock(app, factories):
    """Rule 4: what an effect checks is read after lock_for_write. On PostgreSQL the lock
    goes on in the same transaction (READ COMMITTED), so the transaction alone does not
    tell that the rows read before it are stale."""
    household = build_household(factories)
    municipality_id = household.citizen.municipality_id
    db.session.commit()
    dialogue_context.services_for(db.session, municipality_id)
    lock_for_write(db.session)
    with counted() as seen:
        dialogue_context.services_for(db.session, municipality_id)
        dialogue_context.services_for(db.session, municipality_id)
    db.session.rollback()

    assert seen["statements"] == 1


def test_a_service_outside_her_catalogue_is_still_named_by_its_own_code(app, factories):
    """A line whose service is not in the catalogue read (another municipality's, were she
    to move) is found by its own service, one statement, rather than failing the turn."""
    household = build_household(factories)
    elsewhere = factories.Service(code="ANDEN-KOMMUNE")  # a municipality of its own
    grant = factories.GrantedService(decision=household.citizen.current_decision, service=elsewhere)
    db.session.commit()
    codes = dialogue_context.service_codes(
        dialogue_context.services_for(db.session, household.citizen.municipality_id)
    )

    assert elsewhere.id not in codes
    assert dialogue_context.service_code(grant, codes) == "ANDEN-KOMMUNE"
    granted = adapters.granted_for(household.citizen.current_decision, codes)
    assert "ANDEN-KOMMUNE" in {g.service_code for g in granted}
