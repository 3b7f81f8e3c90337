"""Staff sign-in, lock-out, session timeout and a sign-out that really ends the session.

Issue 6 "Sign-in": Argon2, lock-out kept in the database, session timeout, and
sign-out that a replayed cookie cannot undo (OWASP ASVS 2.2 / 3.3).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import EndedSession
from selvvisitation.services.staff_sign_in import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    account_failures,
    attempt_staff_login,
    check_password,
    stored_password_hash,
)
from tests.clock import MONDAY
from tests.factories import TEST_PASSWORD
from tests.pages import csrf_token, sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


def _error_text(response) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(a.get_text(" ", strip=True) for a in soup.select(".alert-error li a"))


def _try(client, username: str, password: str):
    return client.post(
        url_for("auth.staff_login"),
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def test_a_worker_signs_in_with_the_right_password_and_lands_on_the_visits(client, factories):
    staff = factories.StaffUser(role=StaffRole.HOME_CARE_WORKER, team=factories.Team())
    response = _try(client, staff.username.upper(), TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url_for("staff.visits"))
    assert client.get(url_for("staff.visits")).status_code == 200


def test_passwords_are_stored_as_argon2_hashes(factories):
    staff = factories.StaffUser()
    assert staff.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in staff.password_hash


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, factories):
    staff = factories.StaffUser()
    for _ in range(MAX_FAILED_LOGINS):
        assert _try(client, staff.username, "forkert").status_code == 200
    response = _try(client, staff.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "pause" in _error_text(response)


def test_the_lock_is_kept_in_the_database_and_expires(factories):
    staff = factories.StaffUser()
    start = datetime.now(UTC)
    for _ in range(MAX_FAILED_LOGINS):
        attempt_staff_login(db.session, staff.username, "forkert", now=start)
    db.session.commit()
    db.session.expire_all()  # another worker process sees the same lock
    assert attempt_staff_login(db.session, staff.username, TEST_PASSWORD, now=start).staff is None
    almost = start + LOCKOUT - timedelta(seconds=1)
    assert attempt_staff_login(db.session, staff.username, TEST_PASSWORD, now=almost).staff is None
    later = start + LOCKOUT + timedelta(seconds=1)
    result = attempt_staff_login(db.session, staff.username, TEST_PASSWORD, now=later)
    assert result.staff is not None
    assert account_failures(db.session, staff.id, "", later) == 0


def test_a_right_password_resets_the_failure_count(factories):
    staff = factories.StaffUser()
    for _ in range(MAX_FAILED_LOGINS - 1):
        attempt_staff_login(db.session, staff.username, "forkert")
    assert attempt_staff_login(db.session, staff.username, TEST_PASSWORD).staff is not None
    attempt_staff_login(db.session, staff.username, "forkert")
    assert account_failures(db.session, staff.id, "", datetime.now(UTC)) == 1


def test_a_password_checked_before_the_lock_counts_only_against_the_same_hash(factories):
    """The view verifies (Argon2) before the write lock; a password changed meanwhile wins."""
    from selvvisitation.security.passwords import hash_password

    staff = factories.StaffUser()
    checked = check_password(stored_password_hash(db.session, staff.username), TEST_PASSWORD)
    assert checked.ok
    staff.password_hash = hash_password("et-helt-nyt-kodeord-7")
    db.session.commit()
    result = attempt_staff_login(db.session, staff.username, TEST_PASSWORD, checked=checked)
    assert result.staff is None
    assert account_failures(db.session, staff.id, "", datetime.now(UTC)) == 1
    checked = check_password(
        stored_password_hash(db.session, staff.username), "et-helt-nyt-kodeord-7"
    )
    assert attempt_staff_login(db.session, staff.username, "", checked=checked).staff is not None
    unknown = check_password(stored_password_hash(db.session, "ingen-saadan"), TEST_PASSWORD)
    assert unknown.password_hash is None and not unknown.ok


def test_the_page_gives_one_answer_for_unknown_user_wrong_password_and_locked(client, factories):
    """No username oracle: the three failures read the same."""
    staff = factories.StaffUser()
    locked = factories.StaffUser(locked_until=datetime.now(UTC) + timedelta(minutes=5))
    inactive = factories.StaffUser(active=False)
    answers = {
        "unknown": _error_text(_try(client, "findes-ikke", "forkert")),
        "wrong password": _error_text(_try(client, staff.username, "forkert")),
        "locked": _error_text(_try(client, locked.username, TEST_PASSWORD)),
        "inactive": _error_text(_try(client, inactive.username, TEST_PASSWORD)),
    }
    assert len(set(answers.values())) == 1, answers
    assert answers["unknown"]


def test_an_idle_session_times_out(app, client, factories):
    staff = factories.StaffUser()
    sign_in_staff(client, staff)
    assert client.get(url_for("visitation.queue")).status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["PERMANENT_SESSION_LIFETIME"] + 1
    response = client.get(url_for("visitation.queue"))
    assert response.status_code == 302
    assert "/log-ind/personale" in response.headers["Location"]


def test_a_session_without_a_time_stamp_is_not_trusted(client, factories):
    staff = factories.StaffUser()
    sign_in_staff(client, staff)
    with client.session_transaction() as session:
        del session["last_seen"]
    assert client.get(url_for("visitation.queue")).status_code == 302


def test_activity_keeps_the_session_alive(app, client, factories):
    staff = factories.StaffUser()
    sign_in_staff(client, staff)
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["PERMANENT_SESSION_LIFETIME"] - 60
    assert client.get(url_for("visitation.queue")).status_code == 200
    assert client.get(url_for("visitation.queue")).status_code == 200


def _cookie(client, app) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


@pytest.mark.parametrize("kind", ["staff", "citizen"])
def test_an_old_cookie_replayed_after_sign_out_is_refused(app, factories, kind):
    client = app.test_client()
    if kind == "staff":
        staff = factories.StaffUser()
        assert _try(client, staff.username, TEST_PASSWORD).status_code == 302
        protected = url_for("visitation.queue")
    else:
        citizen = factories.Citizen()
        client.post(
            url_for("auth.demo_sign_in"),
            data={"person": f"citizen:{citizen.id}", "csrf_token": csrf_token(client)},
        )
        protected = url_for("citizen.index")
    assert client.get(protected).status_code == 200
    stolen = _cookie(client, app)
    assert (
        client.post(url_for("auth.logout"), data={"csrf_token": csrf_token(client)}).status_code
        == 302
    )
    assert client.get(protected).status_code == 302

    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = attacker.get(protected)
    assert response.status_code == 302
    assert "/log-ind" in response.headers["Location"]
    assert db.session.query(EndedSession).count() == 1


def test_signing_out_on_one_device_ends_every_staff_session(app, factories):
    staff = factories.StaffUser()
    phone, desk = app.test_client(), app.test_client()
    for device in (phone, desk):
        assert _try(device, staff.username, TEST_PASSWORD).status_code == 302
    # The second sign-in rotated the nonce: the phone's session is already gone.
    assert phone.get(url_for("visitation.queue")).status_code == 302
    assert desk.get(url_for("visitation.queue")).status_code == 200
    desk.post(url_for("auth.logout"), data={"csrf_token": csrf_token(desk)})
    assert desk.get(url_for("visitation.queue")).status_code == 302


def test_sign_in_starts_a_new_session_id(app, factories):
    """No session fixation: what was in the cookie before sign-in is dropped."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = "planted-by-attacker"
        session["lang"] = "en"
    staff = factories.StaffUser()
    _try(client, staff.username, TEST_PASSWORD)
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-attacker"
        assert session["lang"] == "en"


def test_sign_in_redirects_only_to_our_own_pages(client, factories):
    staff = factories.StaffUser()
    response = client.post(
        url_for("auth.staff_login"),
        data={
            "username": staff.username,
            "password": TEST_PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.headers["Location"].endswith(url_for("visitation.queue"))


def test_a_late_answer_to_an_older_request_does_not_undo_a_relative_s_choice(app, factories):
    """A browser fetches a page's fonts while the relative already chose whose help to see.
    Each response that sets the cookie sets all of it, from its own request's cookie: a
    font answered after the choice used to bring back the cookie without it (a browser
    test caught it). Only responses that change the session may set the cookie."""
    consent = factories.Consent()
    client = app.test_client()
    client.post(
        url_for("auth.demo_sign_in"),
        data={"person": f"relative:{consent.relative_id}", "csrf_token": csrf_token(client)},
    )
    before_choice = _cookie(client, app)
    chosen = client.post(
        url_for("auth.choose_citizen"),
        data={"person": str(consent.citizen_id), "csrf_token": csrf_token(client)},
    )
    assert chosen.headers["Location"].endswith(url_for("citizen.index"))

    # Requests sent with the cookie from before the choice, answered after it:
    late = app.test_client()
    late.set_cookie(app.config["SESSION_COOKIE_NAME"], before_choice)
    for path in (url_for("static", filename="app/site.css"), url_for("auth.choose_citizen")):
        response = late.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path

    assert client.get(url_for("citizen.index")).status_code == 200


def test_the_idle_clock_moves_in_steps_so_most_responses_leave_the_cookie_alone(app, factories):
    """Issue 6 "Sign-in": session timeout. The clock still moves with activity (a step a
    minute), so an active user is never signed out and an idle one is."""
    from selvvisitation.security.access import LAST_SEEN_STEP_SECONDS

    client = app.test_client()
    sign_in_citizen(client, factories.Citizen())
    client.get(url_for("citizen.index"))  # the first page stores the session's CSRF token
    assert "Set-Cookie" not in client.get(url_for("citizen.index")).headers
    with client.session_transaction() as session:
        session["last_seen"] -= LAST_SEEN_STEP_SECONDS
        stepped_back = session["last_seen"]
    response = client.get(url_for("citizen.index"))
    assert "Set-Cookie" in response.headers
    with client.session_transaction() as session:
        assert session["last_seen"] > stepped_back


# Issue 6 "Bad input": ids no page offers were a 500, too large for the database's integer
# (SQLite cannot bind it) or digits that str.isdigit() takes and int() refuses.
NO_ID = ["99999999999999999999", "²", "٣٣", "0"]


@pytest.mark.parametrize("raw_id", NO_ID)
@pytest.mark.parametrize("kind", ["citizen", "relative"])
def test_a_demo_sign_in_with_no_real_id_is_a_plain_bad_request(app, kind, raw_id):
    client = app.test_client()
    response = client.post(
        url_for("auth.demo_sign_in"),
        data={"person": f"{kind}:{raw_id}", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 400
    assert "Noget gik galt" in response.get_data(as_text=True)


@pytest.mark.parametrize("raw_id", NO_ID)
def test_a_relative_choosing_no_real_citizen_is_told_there_is_no_consent(app, factories, raw_id):
    from tests.pages import sign_in_relative

    relative = factories.Consent().relative
    client = app.test_client()
    sign_in_relative(client, relative)
    response = client.post(
        url_for("auth.choose_citizen"),
        data={"person": raw_id, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 200
    assert "Du har ikke samtykke" in response.get_data(as_text=True)
