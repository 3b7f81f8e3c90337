"""Staff sign in with a password and a TOTP code (issue 15, High 2; ASVS 4.0.3 V2.7, V2.8).

Enrolment with a QR code and a first code, ten one-time recovery codes stored hashed, a
municipality's policy of which roles must have a second factor, and an admin's reset.
The clock is frozen: a code belongs to a 30-second time step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from flask import url_for
from sqlalchemy import select

from selvvisitation.auth import second_factor
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MunicipalityPolicy, RecoveryCode, StaffUser
from tests.factories import TEST_PASSWORD
from tests.pages import PageClient, check_page, csrf_token, sign_in_staff

NOW = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def municipality(factories):
    """A municipality with the default policy: visitators, admins, supervisors need it."""
    return factories.Municipality(policy=MunicipalityPolicy())


@pytest.fixture
def visitator(factories, municipality) -> StaffUser:
    staff = factories.StaffUser(municipality=municipality, role=StaffRole.VISITATOR)
    db.session.commit()
    return staff


def enrolled(staff: StaffUser) -> list[str]:
    second_factor.start_enrolment(staff)
    codes = second_factor.confirm_enrolment(db.session, staff)
    db.session.commit()
    return codes


def code_now(staff: StaffUser, at: datetime | None = None) -> str:
    return pyotp.TOTP(second_factor.secret_of(staff)).at(at or datetime.now(UTC))


def password_step(client, staff, next_url: str = ""):
    return client.post(
        url_for("auth.staff_login"),
        data={
            "username": staff.username,
            "password": TEST_PASSWORD,
            "next": next_url,
            "csrf_token": csrf_token(client),
        },
    )


def code_step(client, code: str):
    return client.post(
        url_for("auth.second_factor_page"), data={"code": code, "csrf_token": csrf_token(client)}
    )


def signed_in(client) -> bool:
    return client.get(url_for("visitation.queue")).status_code == 200


def error_texts(response) -> list[str]:
    soup = check_page(response.get_data(as_text=True))
    return [a.get_text(" ", strip=True) for a in soup.select(".alert-error li a")]


WRONG = (
    "Koden er ikke rigtig. Skriv de 6 cifre, din app viser nu, eller en af dine "
    "gendannelseskoder. Efter 5 forkerte forsøg er login sat på pause i 15 minutter."
)


# --- Enrolment ----------------------------------------------------------------------------


def test_a_visitator_without_a_second_factor_enrols_before_she_is_signed_in(client, visitator):
    response = password_step(client, visitator)
    assert response.headers["Location"] == url_for("auth.enrol")
    assert not signed_in(client)  # the password alone signs nobody in

    page = check_page(client.get(url_for("auth.enrol")).get_data(as_text=True))
    qr = page.select_one(".app-qr svg")
    assert qr["role"] == "img" and qr.title.get_text() == "QR-kode til din godkendelsesapp"
    assert page.select_one("script") is None or "qr" not in str(page.select("script"))
    db.session.refresh(visitator)
    secret = second_factor.secret_of(visitator)
    assert page.select_one(".app-secret").get_text().replace(" ", "") == secret
    assert secret not in (visitator.totp_secret_encrypted or "")  # kept encrypted

    wrong = client.post(
        url_for("auth.enrol"), data={"code": "000000", "csrf_token": csrf_token(client)}
    )
    assert wrong.status_code == 400 and error_texts(wrong) == [WRONG]
    assert not signed_in(client)

    response = client.post(
        url_for("auth.enrol"),
        data={"code": code_now(visitator), "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 200
    shown = [
        li.get_text(strip=True)
        for li in check_page(response.get_data(as_text=True)).select(".app-recovery-codes li")
    ]
    assert len(shown) == 10 and len(set(shown)) == 10
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.staff_id == visitator.id)
    ).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h for code in shown for h in stored)  # hashed
    assert signed_in(client)


def test_the_qr_code_stays_the_same_when_the_enrolment_page_is_reloaded(client, visitator):
    password_step(client, visitator)
    first = check_page(client.get(url_for("auth.enrol")).get_data(as_text=True))
    again = check_page(client.get(url_for("auth.enrol")).get_data(as_text=True))
    assert first.select_one(".app-secret").get_text() == again.select_one(".app-secret").get_text()


# --- Sign-in with the code ------------------------------------------------------------------


def test_an_enrolled_visitator_signs_in_with_password_and_code(client, visitator, clock):
    enrolled(visitator)
    response = password_step(client, visitator, next_url="/visitation/?side=2")
    assert response.headers["Location"] == url_for("auth.second_factor_page")
    assert not signed_in(client)

    response = code_step(client, code_now(visitator))

    assert response.headers["Location"] == "/visitation/?side=2"
    assert signed_in(client)


def test_a_code_is_accepted_only_once(app, visitator):
    enrolled(visitator)
    code = code_now(visitator)
    first, second = app.test_client(), app.test_client()
    password_step(first, visitator)
    code_step(first, code)
    password_step(second, visitator)

    response = code_step(second, code)

    assert response.status_code == 400 and error_texts(response) == [WRONG]
    assert not signed_in(second)


def test_a_code_from_the_step_before_or_after_is_accepted(client, visitator):
    """The phone's clock may be 30 seconds off (RFC 6238 section 6)."""
    enrolled(visitator)
    password_step(client, visitator)
    response = code_step(client, code_now(visitator, NOW - timedelta(seconds=30)))
    assert response.status_code == 302 and signed_in(client)


def test_a_code_two_steps_old_is_refused(client, visitator):
    enrolled(visitator)
    password_step(client, visitator)
    response = code_step(client, code_now(visitator, NOW - timedelta(seconds=61)))
    assert response.status_code == 400 and not signed_in(client)


def test_a_recovery_code_signs_in_once(app, visitator):
    codes = enrolled(visitator)
    first, second = app.test_client(), app.test_client()
    password_step(first, visitator)
    assert code_step(first, codes[3].lower().replace("-", " ")).status_code == 302
    assert signed_in(first)

    password_step(second, visitator)
    assert code_step(second, codes[3]).status_code == 400
    assert not signed_in(second)


def test_five_wrong_codes_pause_the_account_and_the_sign_in_starts_again(client, visitator):
    enrolled(visitator)
    password_step(client, visitator)
    for _ in range(4):
        assert code_step(client, "123456").status_code == 400
    response = code_step(client, "123456")
    assert response.headers["Location"] == url_for("auth.staff_login")
    db.session.refresh(visitator)
    assert visitator.locked_until is not None
    # Even the right code is refused now.
    password_step(client, visitator)
    assert not signed_in(client)


def test_a_half_finished_sign_in_expires_after_five_minutes(client, visitator, clock):
    enrolled(visitator)
    password_step(client, visitator)
    clock.shift(timedelta(minutes=5, seconds=1))
    response = code_step(client, code_now(visitator))
    assert response.headers["Location"] == url_for("auth.staff_login")
    assert not signed_in(client)


def test_the_code_page_without_a_password_first_sends_you_to_sign_in(client):
    response = client.get(url_for("auth.second_factor_page"))
    assert response.headers["Location"] == url_for("auth.staff_login")


# --- The municipality's policy ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (StaffRole.VISITATOR, True),
        (StaffRole.MUNICIPALITY_ADMIN, True),
        (StaffRole.SUPERVISOR, True),
        (StaffRole.TEAM_LEADER, False),
        (StaffRole.HOME_CARE_WORKER, False),
    ],
)
def test_by_default_roles_that_see_the_whole_municipality_need_a_second_factor(
    factories, municipality, role, required
):
    staff = factories.StaffUser(municipality=municipality, role=role)
    assert second_factor.required_for(staff) is required


@pytest.mark.parametrize(
    ("has_enrolled", "required_roles", "asked_for"),
    [
        (False, None, "staff.visits"),  # the default: the password alone
        (True, None, "auth.second_factor_page"),  # enrolled of her own accord
        (False, [StaffRole.HOME_CARE_WORKER.value], "auth.enrol"),  # turned on
    ],
)
def test_a_home_care_worker_is_asked_for_a_code_when_she_has_one_or_must(
    client, factories, municipality, has_enrolled, required_roles, asked_for
):
    if required_roles is not None:
        municipality.policy.second_factor_roles = required_roles
    worker = factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER)
    db.session.commit()
    if has_enrolled:
        enrolled(worker)
    assert password_step(client, worker).headers["Location"] == url_for(asked_for)


def test_a_signed_in_worker_may_enrol_of_her_own_accord(client, factories, municipality):
    worker = factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER)
    db.session.commit()
    sign_in_staff(client, worker)
    client.get(url_for("auth.enrol"))
    db.session.refresh(worker)
    response = client.post(
        url_for("auth.enrol"), data={"code": code_now(worker), "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 200
    db.session.refresh(worker)
    assert worker.has_second_factor


# --- An admin's reset -------------------------------------------------------------------------


@pytest.fixture
def admin_page(app, factories, municipality) -> tuple[PageClient, StaffUser]:
    admin = factories.StaffUser(municipality=municipality, role=StaffRole.MUNICIPALITY_ADMIN)
    db.session.commit()
    client = app.test_client()
    sign_in_staff(client, admin)
    return PageClient(client), admin


def test_an_admins_reset_is_audited_ends_the_sessions_and_asks_for_a_new_enrolment(
    client, visitator, admin_page
):
    enrolled(visitator)
    password_step(client, visitator)
    code_step(client, code_now(visitator))
    assert signed_in(client)
    page, admin = admin_page

    asked = page.get("admin.reset_second_factor", staff_id=visitator.id)
    assert asked.h1.get_text(strip=True) == f"Nulstil totrinsbekræftelse for {visitator.name}?"
    page.post("admin.reset_second_factor", {}, staff_id=visitator.id)

    assert not signed_in(client)
    db.session.refresh(visitator)
    assert not visitator.has_second_factor and visitator.totp_secret_encrypted is None
    assert not db.session.scalars(select(RecoveryCode)).all()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "second_factor_reset")
    ).one()
    assert (entry.actor_staff_id, entry.object_id) == (admin.id, str(visitator.id))
    assert entry.detail == {"by": admin.username, "sessions_ended": True}
    assert password_step(client, visitator).headers["Location"] == url_for("auth.enrol")


def test_an_admin_cannot_reset_her_own_second_factor(admin_page):
    page, admin = admin_page
    enrolled(admin)
    page.post("admin.reset_second_factor", {}, staff_id=admin.id, expected_status=200)
    db.session.refresh(admin)
    assert admin.has_second_factor


def test_another_municipalitys_user_cannot_be_reset(admin_page, factories):
    page, _admin = admin_page
    foreign = factories.StaffUser(role=StaffRole.VISITATOR)
    enrolled(foreign)
    page.post("admin.reset_second_factor", {}, staff_id=foreign.id, expected_status=404)
    db.session.refresh(foreign)
    assert foreign.has_second_factor
