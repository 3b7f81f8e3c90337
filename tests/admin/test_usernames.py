"""Usernames (issue 15, Low 12): one case, unique per municipality, and sign-in with the
municipality where a name is in use in more than one.

Chosen over globally unique e-mail addresses (docs/security.md, "Usernames"): with
usernames unique per municipality, "already in use" can only be about the admin's own
municipality, whose users she sees anyway; a globally unique name, however neutral the
message, still tells her that someone elsewhere has it.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import StaffUser
from tests.factories import TEST_PASSWORD
from tests.pages import check_page, csrf_token, sign_in_staff

NEW = {
    "name": "Anna Andersen",
    "role": "visitator",
    "team_id": "",
    "password": "langt-nok-kodeord-42",
}


@pytest.fixture
def admin(client, factories):
    staff = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN)
    sign_in_staff(client, staff)
    return staff


def _sign_in(app, username: str, municipality_id: int | None = None):
    client = app.test_client()
    data = {"username": username, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
    if municipality_id is not None:
        data["municipality"] = str(municipality_id)
    return client.post(url_for("auth.staff_login"), data=data)


def test_a_username_is_stored_lower_case_and_signs_in_in_any_case(app, page, admin):
    page.post("admin.new_user", {**NEW, "username": " Anna.Andersen ", "password": TEST_PASSWORD})
    user = db.session.scalars(select(StaffUser).where(StaffUser.name == NEW["name"])).one()
    assert user.username == "anna.andersen"
    assert _sign_in(app, "ANNA.andersen").status_code == 302


def test_a_username_in_use_in_another_municipality_is_free_here_and_says_nothing(
    page, admin, factories
):
    """The admin learns nothing about another municipality's staff."""
    factories.StaffUser(username="anna")  # another municipality
    page.post("admin.new_user", {**NEW, "username": "Anna"})
    mine = db.session.scalars(
        select(StaffUser).where(StaffUser.municipality_id == admin.municipality_id)
    ).all()
    assert "anna" in [user.username for user in mine]


def test_a_username_in_use_in_her_own_municipality_is_refused_in_any_case(page, admin, factories):
    factories.StaffUser(municipality=admin.municipality, username="anna")
    response = page.post("admin.new_user", {**NEW, "username": "ANNA"}, expected_status=400)
    errors = check_page(response.get_data(as_text=True)).select_one(".alert-error").get_text()
    assert "Brugernavnet er allerede i brug" in errors


def test_two_municipalities_anna_each_signs_in_with_her_municipality(app, client, factories):
    first = factories.StaffUser(username="anna")
    second = factories.StaffUser(username="anna")
    db.session.commit()
    soup = check_page(client.get(url_for("auth.staff_login")).get_data(as_text=True))
    offered = [o["value"] for o in soup.select("select[name=municipality] option")]
    assert {str(first.municipality_id), str(second.municipality_id)} <= set(offered)

    assert _sign_in(app, "anna").status_code == 200  # which one? the one refusal
    for anna in (first, second):
        response = _sign_in(app, "Anna", anna.municipality_id)
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert _sign_in(app, "anna", first.municipality_id + second.municipality_id).status_code == 200


def test_a_unique_username_signs_in_without_choosing_a_municipality(app, factories):
    staff = factories.StaffUser(username="bo")
    factories.StaffUser(username="carl")  # a second municipality: the choice is offered
    db.session.commit()
    assert _sign_in(app, staff.username).status_code == 302
