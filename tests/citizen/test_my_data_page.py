"""The citizen's "Mine data" page counts what is held, however long her history has grown.

Issue 17: "a page's cost must not grow with the length of the history". The page read every
row of every table about the citizen to show how many there are of each, the whole
conversation included (5,000 messages for a demo citizen). It now counts them in one
statement. The download, her right of access (GDPR art. 15), is still every row: the counts
on the page are the rows in the file, from the one list of what is held
(services/my_data.py, labelled by TABLE_LABELS in citizen/my_data.py).
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from selvvisitation.citizen.my_data import TABLE_LABELS, table_label
from selvvisitation.extensions import db
from tests.citizen.dialogue_helpers import counted, history_of
from tests.clock import MONDAY
from tests.pages import citizen_acted_for, csrf_token, sign_in_citizen
from tests.security.world import build_world
from tests.statements import counted_rows

pytestmark = pytest.mark.today(MONDAY)

# The signed-in citizen, and one statement of counts: one row each. Before issue 17 the page
# issued 31 statements and read a row for every message. A ratchet: lower it, never raise it.
MOST_STATEMENTS = MOST_ROWS = 2


def _listed(response) -> dict[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    lines = [li.get_text(strip=True) for li in soup.select(".app-my-data-summary li")]
    return dict(line.rsplit(": ", 1) for line in lines)


def _the_page(client, citizen, messages: int) -> dict:
    sign_in_citizen(client, citizen)
    client.get("/borger/samtale")  # opens her conversation at the menu
    history_of(citizen, messages)
    client.get("/borger/mine-data")  # warm: the first request loads what every one does
    db.session.expire_all()
    with counted() as seen, counted_rows() as rows:
        response = client.get("/borger/mine-data")
    assert response.status_code == 200
    seen["rows"] = sum(rows)
    seen["listed"] = _listed(response)
    return seen


def test_the_page_costs_the_same_after_500_messages_as_after_10(app, factories):
    """Issue 17: the same statements and the same rows read for a long conversation as for a
    short one; the messages are counted, not loaded (GDPR art. 15: the file still has them)."""
    from tests.citizen.conftest import build_household
    from tests.conftest import _clean_tables

    short = _the_page(app.test_client(), build_household(factories).citizen, 10)
    _clean_tables()
    long = _the_page(app.test_client(), build_household(factories).citizen, 500)

    assert long["statements"] == short["statements"] <= MOST_STATEMENTS, (short, long)
    assert long["rows"] == short["rows"] <= MOST_ROWS, (short, long)
    assert long["messages_loaded"] == short["messages_loaded"] == 0
    written = table_label("conversation_message")
    assert int(long["listed"][written]) - int(short["listed"][written]) == 490


def test_the_counts_on_the_page_are_the_rows_in_the_download(app, factories):
    """GDPR art. 15: the page says how many of each kind the file holds, for a citizen with
    information in many tables (issue 17: counted on the page, every row in the file)."""
    world = build_world(factories)
    citizen = world.own.citizen
    client = app.test_client()
    sign_in_citizen(client, citizen)
    client.get("/borger/samtale")
    history_of(citizen, 25)

    listed = _listed(client.get("/borger/mine-data"))
    response = client.post(
        "/borger/mine-data/hent",
        data={
            "format": "json",
            "csrf_token": csrf_token(client),
            "citizen": citizen_acted_for(client),
        },
    )
    held = json.loads(response.get_data(as_text=True))["data"]

    assert listed == {table_label(name): str(len(rows)) for name, rows in held.items()}
    assert len(listed) >= 15, listed  # visits, swaps, cases, consents, messages and more
    assert set(held) <= set(TABLE_LABELS)


@pytest.mark.parametrize(
    "who",
    ["relative_see", "relative_act", "relative_withdrawn", "relative_expired", "relative_unchosen"],
)
def test_a_relative_gets_what_she_got_before(app, factories, who):
    """The page and the file are the citizen's own (GDPR art. 15; CITIZEN_SELF): a relative
    who may see, act, or no longer may, is refused as before, and sees no counts."""
    world = build_world(factories)
    client = app.test_client()
    world.actors[who](client)

    response = client.get("/borger/mine-data")

    assert response.status_code == 403  # as before issue 17, for each of them
    assert not _listed(response)
