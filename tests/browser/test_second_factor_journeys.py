"""Staff's second factor end to end in a real browser (issue 15, High 2): enrolment with the
QR code, sign-in with a code and with a recovery code, and an admin's reset; every page
without a WCAG 2.1 A/AA violation.

The clock starts at a fixed moment half a minute from a time-step boundary and runs on:
a code typed in the browser belongs to the step it was made in (RFC 6238).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect

from selvvisitation.auth import second_factor
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import MunicipalityPolicy
from tests.factories import TEST_PASSWORD

START = datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=True):
        yield


def type_password(page, staff) -> None:
    page.goto("/log-ind/personale")
    page.get_by_label("Brugernavn").fill(staff.username)
    page.get_by_label("Adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_a_visitator_enrols_signs_in_with_a_recovery_code_and_is_reset_by_an_admin(
    browser, live_server, browser_page, factories, assert_accessible
):
    municipality = factories.Municipality(policy=MunicipalityPolicy())  # the default policy
    visitator = factories.StaffUser(
        municipality=municipality, role=StaffRole.VISITATOR, name="Vera Visitator"
    )
    admin = factories.StaffUser(municipality=municipality, role=StaffRole.MUNICIPALITY_ADMIN)
    second_factor.start_enrolment(admin)
    second_factor.confirm_enrolment(db.session, admin)
    db.session.commit()
    page = browser_page

    # The password, then enrolment: nobody is signed in before the first code.
    type_password(page, visitator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sæt login med kode op")
    expect(page.get_by_role("img", name="QR-kode til din godkendelsesapp")).to_be_visible()
    assert_accessible(page)
    secret = page.locator(".app-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator(".alert-error")).to_contain_text("Koden er ikke rigtig")
    assert_accessible(page)
    page.get_by_label("Kode").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine gendannelseskoder")
    codes = page.locator(".app-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="Jeg har gemt koderne, fortsæt").click()
    expect(page).to_have_url(f"{live_server}/visitation/")

    # Signed out, then in again with a recovery code instead of the phone.
    page.get_by_role("button", name="Log ud").click()
    type_password(page, visitator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kode fra din godkendelsesapp")
    assert_accessible(page)
    page.get_by_label("Kode").fill(codes[0])
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(f"{live_server}/visitation/")

    # The admin resets it: the visitator's session ends.
    admin_context = browser.new_context(base_url=live_server, locale="da-DK")
    admin_page = admin_context.new_page()
    type_password(admin_page, admin)
    admin_page.get_by_label("Kode").fill(pyotp.TOTP(second_factor.secret_of(admin)).now())
    admin_page.get_by_role("button", name="Log ind").click()
    admin_page.goto(f"/admin/brugere/{visitator.id}")
    admin_page.get_by_role("link", name="Nulstil totrinsbekræftelse for Vera Visitator").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text(
        "Nulstil totrinsbekræftelse for Vera Visitator?"
    )
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Ja, nulstil").click()
    expect(admin_page.locator(".app-flash")).to_contain_text(
        "Totrinsbekræftelsen for Vera Visitator er nulstillet."
    )
    admin_context.close()

    page.goto("/visitation/")
    expect(page).to_have_url(f"{live_server}/log-ind/personale?next=/visitation/")
    type_password(page, visitator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sæt login med kode op")


def test_an_admin_turns_on_codes_for_home_care_workers_and_herself_and_sees_what_follows(
    browser, live_server, browser_page, factories, assert_accessible
):
    """The policy page (issue 15, High 2): tick, see what changes, save. The admin has no
    code yet and is told she sets one up at her next sign-in."""
    municipality = factories.Municipality(policy=MunicipalityPolicy(second_factor_roles=[]))
    admin = factories.StaffUser(municipality=municipality, role=StaffRole.MUNICIPALITY_ADMIN)
    factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER)
    db.session.commit()
    page = browser_page

    type_password(page, admin)  # no code asked: the municipality requires none yet
    page.get_by_role("link", name="Totrinsbekræftelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Totrinsbekræftelse")
    assert_accessible(page)
    page.get_by_label("Hjemmehjælper").check()
    page.get_by_label("Kommunal administrator").check()
    page.get_by_role("button", name="Vis, hvad der ændres").click()
    expect(page.locator(".app-preview")).to_contain_text(
        "Rollen Hjemmehjælper skal fremover logge ind med en kode."
    )
    expect(page.locator(".app-own-enrolment")).to_contain_text("Hav din telefon klar")
    assert_accessible(page)
    page.get_by_role("button", name="Gem rollerne").click()
    expect(page.get_by_role("alert").first).to_contain_text("er gemt")
    expect(page.get_by_label("Hjemmehjælper")).to_be_checked()
    assert_accessible(page)
