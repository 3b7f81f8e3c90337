"""The admin's page for which roles sign in with a code (issue 15, High 2; ASVS V2.2.3).

The roles are kept per municipality (municipality_policy.second_factor_roles) and honoured
at sign-in (auth.second_factor.asked_at_sign_in). The default: visitator, admin and
supervisor; team leader and home-care worker when the municipality turns it on. The admin
sees what changes before anything is saved, and is told when her own sign-in will ask
her to set up a code.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from selvvisitation.auth import second_factor
from selvvisitation.domain.second_factor import (
    DEFAULT_REQUIRED_ROLES,
    RolePolicyChange,
    required_roles_from,
    role_policy_change,
)
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MunicipalityPolicy
from tests.factories import TEST_PASSWORD
from tests.pages import check_page, csrf_token, sign_in_staff

ALL = [role.value for role in StaffRole]


def test_the_roles_are_stored_known_only_once_each_in_a_fixed_order():
    assert required_roles_from(["supervisor", "visitator", "king", "visitator"]) == [
        "visitator",
        "supervisor",
    ]
    assert required_roles_from([]) == []


@pytest.mark.parametrize(
    ("current", "proposed", "added", "removed"),
    [
        (DEFAULT_REQUIRED_ROLES, DEFAULT_REQUIRED_ROLES, (), ()),
        (DEFAULT_REQUIRED_ROLES, ALL, ("home_care_worker", "team_leader"), ()),
        (["visitator"], ["supervisor"], ("supervisor",), ("visitator",)),
        (ALL, [], (), tuple(ALL)),
    ],
)
def test_a_change_names_the_roles_added_and_removed(current, proposed, added, removed):
    change = role_policy_change(current, proposed)
    assert change == RolePolicyChange(added=added, removed=removed)
    assert change.changes_anything is bool(added or removed)


@pytest.fixture
def municipality(factories):
    return factories.Municipality(policy=MunicipalityPolicy())  # the default policy


@pytest.fixture
def admin(client, factories, municipality):
    staff = factories.StaffUser(
        municipality=municipality, role=StaffRole.MUNICIPALITY_ADMIN, name="Anders Admin"
    )
    db.session.commit()
    sign_in_staff(client, staff)
    return staff


def _ticked(soup) -> list[str]:
    return [box["value"] for box in soup.select("input[name=roles][checked]")]


def test_the_page_shows_the_roles_in_danish_with_the_defaults_ticked(page, admin):
    soup = page.get("admin.second_factor_policy")
    assert soup.h1.get_text(strip=True) == "Totrinsbekræftelse"
    labels = [label.get_text(strip=True) for label in soup.select("#roles label")]
    assert labels == [
        "Hjemmehjælper",
        "Teamleder",
        "Visitator",
        "Kommunal administrator",
        "Tilsynsførende",
    ]
    assert _ticked(soup) == ["visitator", "municipality_admin", "supervisor"]


def test_turning_it_on_for_home_care_workers_is_shown_first_then_saved_and_audited(
    app, client, page, admin, factories, municipality
):
    worker = factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER)
    factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER, active=False)
    roles = [*DEFAULT_REQUIRED_ROLES, "home_care_worker"]
    shown = page.post("admin.second_factor_policy", {"roles": roles}, expected_status=200)
    soup = check_page(shown.get_data(as_text=True))
    changes = [li.get_text(" ", strip=True) for li in soup.select(".app-role-policy-changes li")]
    assert changes == ["Rollen Hjemmehjælper skal fremover logge ind med en kode."]
    assert (
        soup.select_one(".app-to-enrol")
        .get_text(" ", strip=True)
        .startswith("1 aktiv bruger i disse roller har endnu ikke sat en kode op.")
    )
    db.session.expire_all()
    assert municipality.policy.second_factor_roles == list(DEFAULT_REQUIRED_ROLES)  # not yet

    confirmed = soup.select_one("input[name=confirmed]")["value"]
    data = {"roles": roles, "confirmed": confirmed, "action": "save"}
    page.post("admin.second_factor_policy", data)
    db.session.expire_all()
    assert municipality.policy.second_factor_roles == [
        "home_care_worker",
        "visitator",
        "municipality_admin",
        "supervisor",
    ]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "municipality_policy")
    ).one()
    assert (entry.actor_staff_id, entry.purpose) == (admin.id, "policy")
    assert entry.detail["changes"]["second_factor_roles"][1][0] == "home_care_worker"

    # Honoured at sign-in: the worker is asked to set up a code before she gets in.
    worker_client = app.test_client()
    response = worker_client.post(
        url_for("auth.staff_login"),
        data={
            "username": worker.username,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(worker_client),
        },
    )
    assert response.headers["Location"] == url_for("auth.enrol")


def test_saving_other_roles_than_were_shown_shows_them_again_and_saves_nothing(
    page, admin, municipality
):
    shown = page.post("admin.second_factor_policy", {"roles": ["visitator"]}, expected_status=200)
    confirmed = check_page(shown.get_data(as_text=True)).select_one("input[name=confirmed]")
    data = {"roles": [], "confirmed": confirmed["value"], "action": "save"}
    again = page.post("admin.second_factor_policy", data, expected_status=200)
    soup = check_page(again.get_data(as_text=True))
    assert soup.select_one(".app-preview")
    db.session.expire_all()
    assert municipality.policy.second_factor_roles == list(DEFAULT_REQUIRED_ROLES)


def test_an_admin_without_a_code_is_told_she_will_set_one_up_at_her_next_sign_in(
    app, page, factories
):
    """No silent lock-out: her own role needs a code now and she has none, so the page says
    what happens next, as sign-in does it (the enrolment page before she gets in)."""
    municipality = factories.Municipality(policy=MunicipalityPolicy(second_factor_roles=[]))
    admin = factories.StaffUser(municipality=municipality, role=StaffRole.MUNICIPALITY_ADMIN)
    db.session.commit()
    sign_in_staff(page.client, admin)
    roles = ["municipality_admin"]
    shown = page.post("admin.second_factor_policy", {"roles": roles}, expected_status=200)
    soup = check_page(shown.get_data(as_text=True))
    warning = soup.select_one(".app-own-enrolment").get_text(" ", strip=True)
    assert warning.startswith("Du har ikke selv sat en kode op. Næste gang du logger ind")
    assert soup.select_one(".app-own-enrolment a")["href"] == url_for("auth.enrol")
    confirmed = soup.select_one("input[name=confirmed]")["value"]
    page.post(
        "admin.second_factor_policy", {"roles": roles, "confirmed": confirmed, "action": "save"}
    )
    db.session.expire_all()
    assert second_factor.required_for(admin) and not admin.has_second_factor
    assert second_factor.asked_at_sign_in(admin)


def test_an_admin_with_a_code_gets_no_such_warning(page, admin):
    second_factor.start_enrolment(admin)
    second_factor.confirm_enrolment(db.session, admin)
    db.session.commit()
    shown = page.post("admin.second_factor_policy", {"roles": ALL}, expected_status=200)
    assert check_page(shown.get_data(as_text=True)).select_one(".app-own-enrolment") is None


def test_a_role_no_list_offers_is_explained_and_nothing_is_saved(page, admin, municipality):
    response = page.post(
        "admin.second_factor_policy", {"roles": ["visitator", "king"]}, expected_status=400
    )
    soup = check_page(response.get_data(as_text=True))
    assert soup.title.get_text().startswith("Fejl: ")
    assert "Vælg roller fra listen" in soup.select_one(".alert-error").get_text()
    db.session.expire_all()
    assert municipality.policy.second_factor_roles == list(DEFAULT_REQUIRED_ROLES)


@pytest.mark.parametrize("role", [StaffRole.VISITATOR, StaffRole.SUPERVISOR, StaffRole.TEAM_LEADER])
def test_only_the_municipality_admin_changes_who_signs_in_with_a_code(client, factories, role):
    staff = factories.StaffUser(role=role, team=factories.Team())
    sign_in_staff(client, staff)
    assert client.get(url_for("admin.second_factor_policy")).status_code == 403
