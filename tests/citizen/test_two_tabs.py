"""A relative with consent for two citizens, one tab each, on every form that acts for a
citizen (issue 15, Medium 5; ASVS 4.0.3 V4.2.1): a form from the tab showing citizen A,
posted after she chose citizen B in the other tab, writes nothing, and she lands on
B's page with a message that names A. The conversation's own forms:
test_dialogue_two_tabs.py; every route and every form: tests/security/test_acting_for.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import CalendarFeed
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_relative
from tests.security.walk import changed_tables, filled_in, table_rows
from tests.security.world import PARAMETERS, World, build_world

pytestmark = pytest.mark.today(MONDAY)

INGER, KARL = "Inger Jensen", "Karl Hansen"


@dataclass(frozen=True)
class Kind:
    endpoint: str
    page: str  # the page (of citizen A) that shows the form
    lands_on: str  # the page of citizen B the refused form lands on
    arguments: tuple[str, ...] = ()  # route arguments, built from A's holdings
    answers: dict[str, str] = field(default_factory=dict)  # fields filled in on the page


KINDS = [
    Kind("citizen.write", "citizen.message_thread", "citizen.messages", ("party",)),
    Kind(
        "citizen.cancel_visit",
        "citizen.cancel_visit",
        "citizen.calendar",
        ("visit_id",),
        {"confirmed": "yes"},
    ),
    Kind("citizen.move_visit", "citizen.move_visit", "citizen.calendar", ("visit_id",)),
    Kind("citizen.withdraw_swap", "citizen.withdraw_swap", "citizen.my_requests", ("swap_id",)),
    Kind("citizen.withdraw_wish", "citizen.withdraw_wish", "citizen.my_requests", ("wish_id",)),
    Kind("citizen.new_calendar_link", "citizen.calendar", "citizen.calendar"),
    Kind("citizen.revoke_calendar_link", "citizen.calendar", "citizen.calendar"),
    Kind(
        "citizen.notifications",
        "citizen.notifications",
        "citizen.notifications",
        answers={"channel": "email", "email": "susanne@example.dk", "mobile": ""},
    ),
]


@pytest.fixture
def two_citizens(factories) -> World:
    """The world's own citizen (A) and the other team's (B): one relative may act for both."""
    world = build_world(factories)
    world.own.citizen.name, world.other_team.citizen.name = INGER, KARL
    factories.Consent(
        citizen=world.other_team.citizen, relative=world.own.relative, scope=ConsentScope.ACT
    )
    # A calendar link the relative made for A, to delete from A's tab.
    db.session.add(
        CalendarFeed(
            citizen_id=world.own.citizen.id, relative_id=world.own.relative.id, token_hash="1" * 64
        )
    )
    db.session.commit()
    return world


def _values(kind: Kind, world: World) -> dict[str, object]:
    return {name: PARAMETERS[name][0](world.own) for name in kind.arguments}


def _flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


@pytest.mark.parametrize("kind", KINDS, ids=[k.endpoint for k in KINDS])
def test_a_form_from_the_other_citizens_tab_writes_nothing_and_names_that_citizen(
    client, two_citizens, kind
):
    world = two_citizens
    relative, inger, karl = world.own.relative, world.own.citizen, world.other_team.citizen
    sign_in_relative(client, relative, inger)  # the tab showing Inger
    values = _values(kind, world)
    url = url_for(kind.endpoint, **values)
    page_url = url_for(kind.page, **values)
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    fields = filled_in(page.get_data(as_text=True), url, kind.answers)
    assert fields["citizen"] == str(inger.id)
    with client.session_transaction() as session:
        session["subject_id"] = karl.id  # ...and in the other tab she chose Karl
    before = table_rows()

    response = client.post(url, data={**fields, "csrf_token": csrf_token(client)})

    assert response.status_code == 302
    assert response.location == url_for(kind.lands_on)
    assert changed_tables(before, table_rows(), frozenset()) == []
    assert _flashed(client) == [
        f"Siden var til {INGER}, men du handler nu for {KARL}, så intet blev gemt. "
        f"Vælg {INGER} igen for at gøre det for vedkommende."
    ]
    shown = BeautifulSoup(client.get(response.location).get_data(as_text=True), "html.parser")
    assert f"Siden var til {INGER}" in shown.select_one(".app-flash").get_text()


@pytest.mark.parametrize("kind", KINDS, ids=[k.endpoint for k in KINDS])
def test_the_same_form_from_the_current_citizens_tab_is_taken(client, two_citizens, kind):
    """The check refuses only the other citizen's form: the field is what the page holds."""
    world = two_citizens
    relative, inger = world.own.relative, world.own.citizen
    sign_in_relative(client, relative, inger)
    values = _values(kind, world)
    url = url_for(kind.endpoint, **values)
    page_url = url_for(kind.page, **values)
    fields = filled_in(client.get(page_url).get_data(as_text=True), url, kind.answers)
    before = table_rows()

    response = client.post(url, data={**fields, "csrf_token": csrf_token(client)})

    assert response.status_code in (201, 302), response.status_code
    assert not any("intet blev gemt" in m for m in _flashed(client))
    assert changed_tables(before, table_rows(), frozenset({"audit_entry"})) != []
