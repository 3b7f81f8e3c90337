"""Odd input gets a page, never a 500 (issue 15, Low 9; ASVS 4.0.3 V5.1.3, V7.4.1).

Dates at the ends of the calendar, ids too large for the database's integer, a cursor
with such an id, and a `next` holding a newline.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from flask import url_for

from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.types import StaffRole
from tests.pages import csrf_token, sign_in_citizen, sign_in_staff

TOO_LARGE = "99999999999999999999"
INT_MAX = 2**31 - 1


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL), tick=False):
        yield


@pytest.fixture
def worker(client, factories):
    staff = factories.StaffUser(role=StaffRole.HOME_CARE_WORKER, team=factories.Team())
    sign_in_staff(client, staff)
    return staff


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
@pytest.mark.parametrize("path", ["/personale/besoeg?dag=", "/personale/uge?uge="])
def test_a_day_at_the_end_of_the_calendar_shows_today_instead(frozen, client, worker, path, day):
    response = client.get(path + day)
    assert response.status_code == 200
    heading = BeautifulSoup(response.get_data(as_text=True), "html.parser").h1.get_text(" ")
    assert heading == ("Mine besøg i dag" if "dag=" in path else "Besøg i uge 10")  # 4 March 2026


@pytest.mark.parametrize("number", [TOO_LARGE, str(INT_MAX + 1), "1" + "0" * 40])
def test_an_id_too_large_for_the_database_is_not_found(client, factories, number):
    sign_in_citizen(client, factories.Citizen())
    assert client.get(f"/borger/afgoerelser/{number}").status_code == 404


def test_an_id_as_large_as_the_database_holds_is_simply_not_found(client, factories):
    sign_in_citizen(client, factories.Citizen())
    assert client.get(f"/borger/afgoerelser/{INT_MAX}").status_code == 404


@pytest.mark.parametrize(
    "cursor", [f"1.2026-01-05.{TOO_LARGE}", f"{TOO_LARGE}.2026-01-05.1", "1.9999-12-31.1"]
)
def test_a_queue_cursor_with_an_id_too_large_shows_the_first_page(client, factories, cursor):
    sign_in_staff(client, factories.StaffUser(role=StaffRole.VISITATOR))
    response = client.get(url_for("visitation.queue", efter=cursor))
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["/\n", "/personale\r\nSet-Cookie: x=1", "\n/"])
def test_a_next_with_a_newline_goes_to_the_front_page(client, target):
    response = client.post(
        url_for("public.set_language"),
        data={"lang": "da", "next": target, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_sign_in_page_with_a_newline_in_next_is_shown(client):
    response = client.get("/log-ind/personale?next=%2F%0Aevil")
    assert response.status_code == 200


@pytest.mark.parametrize("typed", ["1²:30", "¹⁰:30", "٣:٣٠", "1²30"])
def test_a_time_in_digits_that_are_not_ascii_is_refused_not_a_500(typed):
    """'²' passes str.isdigit() but int() refuses it (issue 15, Low 9; found by Hypothesis)."""
    from selvvisitation.visitation.forms import parse_clock

    assert parse_clock(typed) is None
    assert parse_clock("10.30") == (10, 30)
