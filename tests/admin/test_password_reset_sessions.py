"""An admin's new password or deactivation ends every session of that user, and the audit
log says the password was changed and by whom (issue 15, Medium 4; ASVS 4.0.3 V3.3.3)."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, StaffUser
from tests.factories import TEST_PASSWORD
from tests.pages import PageClient, csrf_token, sign_in_staff

NEW_PASSWORD = "et helt nyt kodeord 42"


@pytest.fixture
def admin(client, factories) -> StaffUser:
    staff = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN, name="Anders Admin")
    db.session.commit()
    sign_in_staff(client, staff)
    return staff


@pytest.fixture
def worker(factories, admin) -> StaffUser:
    staff = factories.StaffUser(
        municipality=admin.municipality, name="Bo Visitator", role=StaffRole.VISITATOR
    )
    db.session.commit()
    return staff


def sign_in_with_password(client, username: str, password: str):
    return client.post(
        url_for("auth.staff_login"),
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def still_signed_in(client) -> bool:
    return client.get(url_for("visitation.queue")).status_code == 200


def edit(worker, **changes) -> dict:
    return {
        "username": worker.username,
        "name": worker.name,
        "role": worker.role.value,
        "team_id": "",
        "password": "",
        **changes,
    }


def test_a_new_password_set_by_an_admin_ends_every_session_of_the_user(app, page, worker):
    phone = app.test_client()
    assert sign_in_with_password(phone, worker.username, TEST_PASSWORD).status_code == 302
    assert still_signed_in(phone)

    page.post("admin.edit_user", edit(worker, password=NEW_PASSWORD), staff_id=worker.id)

    assert not still_signed_in(phone)
    assert sign_in_with_password(phone, worker.username, NEW_PASSWORD).status_code == 302
    assert still_signed_in(phone)


def test_the_audit_log_says_the_password_was_changed_and_by_whom(page, admin, worker):
    page.post("admin.edit_user", edit(worker, password=NEW_PASSWORD), staff_id=worker.id)

    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "password_changed")
    ).one()
    assert (entry.object_type, entry.object_id) == ("staff_user", str(worker.id))
    assert entry.actor_staff_id == admin.id
    assert entry.detail == {"by": admin.username, "sessions_ended": True}


def test_saving_a_user_without_a_new_password_keeps_their_session(app, page, worker):
    phone = app.test_client()
    sign_in_with_password(phone, worker.username, TEST_PASSWORD)

    page.post("admin.edit_user", edit(worker, name="Bo V. Hansen"), staff_id=worker.id)

    assert still_signed_in(phone)
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "password_changed")
    ).all()


def test_deactivating_a_user_ends_every_session_at_once(app, page, worker):
    phone = app.test_client()
    sign_in_with_password(phone, worker.username, TEST_PASSWORD)
    assert still_signed_in(phone)

    page.post("admin.deactivate_user", {}, staff_id=worker.id)

    assert not still_signed_in(phone)


def test_an_admin_setting_her_own_password_stays_signed_in_here(client, page, admin):
    other_device = PageClient(client.application.test_client())
    sign_in_staff(other_device.client, admin)
    page.post("admin.edit_user", edit(admin, password=NEW_PASSWORD), staff_id=admin.id)

    assert page.client.get(url_for("admin.users")).status_code == 200
    assert other_device.client.get(url_for("admin.users")).status_code == 302
