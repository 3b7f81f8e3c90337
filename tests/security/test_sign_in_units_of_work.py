"""The sign-in steps are services that own their transaction (issue 16; cosmicpython).

Each is called as its view calls it, without Flask; what it changed is committed by the
service itself, so the rollback the test does afterwards finds nothing left to undo. The
rules they keep: a wrong password or code counts (ASVS 4.0.3 V2.2.1), a signed-out cookie
dies (V3.3.1), and MitID links the subject it found by CPR number (auth/oidc).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, EndedSession, FailedSignIn, MunicipalityPolicy
from selvvisitation.services.mitid_sign_in import person_signing_in
from selvvisitation.services.second_factor_steps import check_second_factor, enrol_second_factor
from selvvisitation.services.staff_sign_in import ClientThrottle, record_sign_out, sign_in_staff
from tests.clock import MONDAY
from tests.factories import TEST_PASSWORD
from tests.security.test_second_factor import code_now, enrolled

CPR = "2307491234"

# Frozen: a TOTP code belongs to a 30-second time step.
pytestmark = pytest.mark.today(MONDAY, tick=False)


@pytest.fixture
def visitator(factories):
    staff = factories.StaffUser(
        municipality=factories.Municipality(policy=MunicipalityPolicy()), role=StaffRole.VISITATOR
    )
    db.session.commit()
    return staff


def _sign_in(staff, password: str):
    return sign_in_staff(
        db.session, staff.username, password, client="klient", throttle=ClientThrottle()
    )


def test_a_wrong_password_is_counted_by_the_sign_in_itself(visitator):
    assert _sign_in(visitator, "forkert").staff is None
    db.session.rollback()  # nothing left to roll back: the service committed
    assert db.session.scalars(select(FailedSignIn.account)).all() == [visitator.id]


def test_a_right_password_commits_the_new_session_nonce(visitator):
    before = visitator.session_nonce
    result = _sign_in(visitator, TEST_PASSWORD)
    db.session.rollback()
    assert result.staff is not None and result.staff.session_nonce != before


def test_signing_out_records_the_session_and_rotates_the_staff_nonce(visitator):
    before = visitator.session_nonce
    record_sign_out(db.session, sid="s" * 32, staff_id=visitator.id)
    db.session.rollback()
    assert db.session.get(EndedSession, "s" * 32) is not None
    assert visitator.session_nonce != before


def test_signing_out_prunes_sessions_too_old_to_matter(visitator):
    db.session.add(EndedSession(sid="old", ended_at=datetime.now(UTC) - timedelta(days=400)))
    db.session.commit()
    record_sign_out(db.session, sid=None, staff_id=None)
    db.session.rollback()
    assert db.session.get(EndedSession, "old") is None


def test_a_wrong_code_is_counted_by_the_second_step_itself(visitator):
    enrolled(visitator)
    checked = check_second_factor(db.session, visitator, "000000")
    db.session.rollback()
    assert not checked.ok and not checked.paused
    assert visitator.failed_logins == 1


def test_a_right_code_uses_its_time_step_up(visitator):
    enrolled(visitator)
    checked = check_second_factor(db.session, visitator, code_now(visitator))
    db.session.rollback()
    assert checked.ok and checked.recovery_codes_left == 10
    assert visitator.totp_last_step is not None


def test_enrolment_keeps_its_secret_so_the_qr_code_stays_the_same(visitator):
    first = enrol_second_factor(db.session, visitator, None)
    db.session.rollback()
    assert enrol_second_factor(db.session, visitator, None).secret == first.secret
    assert not visitator.has_second_factor


def test_enrolment_confirmed_by_its_first_code_gives_ten_recovery_codes(visitator):
    secret = enrol_second_factor(db.session, visitator, None).secret
    step = enrol_second_factor(db.session, visitator, code_now(visitator))
    db.session.rollback()
    assert step.secret == secret and len(step.recovery_codes or []) == 10
    assert visitator.has_second_factor


def test_mitid_links_the_subject_found_by_cpr_number(factories):
    citizen = factories.Citizen(cpr=CPR)
    db.session.commit()
    found = person_signing_in(db.session, {"sub": "mitid-inger", "cpr": CPR})
    db.session.rollback()
    assert found == (ActorKind.CITIZEN, citizen.id)
    assert db.session.get(Citizen, citizen.id).oidc_subject == "mitid-inger"


def test_mitid_writes_nothing_for_someone_not_known_here(factories):
    assert person_signing_in(db.session, {"sub": "mitid-ukendt", "cpr": CPR}) is None
    assert db.session.scalars(select(Citizen)).all() == []
