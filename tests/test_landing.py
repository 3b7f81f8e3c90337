"""Someone signed in who opens "/" lands on her own start page (issue 12, the worker 4).

A home-care worker on her morning round opens the app's address and must see her visits,
not the welcome page; a supervisor's work is supervision, not the admin catalogue.
"""

from __future__ import annotations

import pytest

from selvvisitation.domain.types import StaffRole
from tests.pages import sign_in_citizen, sign_in_staff


@pytest.mark.parametrize(
    ("role", "start"),
    [
        (StaffRole.HOME_CARE_WORKER, "/personale/besoeg"),
        (StaffRole.TEAM_LEADER, "/personale/besoeg"),
        (StaffRole.VISITATOR, "/visitation/"),
        (StaffRole.MUNICIPALITY_ADMIN, "/admin/"),
        (StaffRole.SUPERVISOR, "/tilsyn/"),
    ],
)
def test_signed_in_staff_opening_the_front_page_land_on_their_own_start_page(
    client, factories, role, start
):
    staff = factories.StaffUser(role=role)
    sign_in_staff(client, staff)

    response = client.get("/")

    assert response.status_code == 302
    assert response.location == start


def test_a_signed_in_citizen_opening_the_front_page_lands_on_her_help(client, factories):
    sign_in_citizen(client, factories.Citizen())

    assert client.get("/").location == "/borger/"


def test_a_visitor_not_signed_in_sees_the_welcome_page(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Fleksibel hjemmehjælp" in response.get_data(as_text=True)


def test_the_favicon_is_served_so_no_page_logs_a_404(client):
    """Issue 12, 10: "Serve a favicon, so no page logs a 404"."""
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's magic number
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
