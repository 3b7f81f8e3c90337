"""Wrong staff sign-ins are counted per client address too, in the database, over a sliding window.

Issue 6 "Sign-in": lock-out and throttling kept in the database (an in-memory limiter
counts per gunicorn worker and forgets on restart). The per-account pause after five
wrong passwords leaves one address free to try four passwords on every account; the
per-address count closes that (OWASP ASVS 2.2.1). X-Forwarded-For counts only behind a
configured number of trusted proxies (werkzeug's ProxyFix), never by default.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from selvvisitation.app import register_proxy
from selvvisitation.extensions import db
from selvvisitation.models import FailedSignIn, StaffUser
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.staff_sign_in import (
    CLIENT_WINDOW,
    FAILURES_PER_CLIENT,
    LOCKOUT,
    MAX_FAILED_LOGINS,
    CheckedPassword,
    ClientThrottle,
    account_failures,
    attempt_staff_login,
    client_key,
    client_wait,
)
from tests.clock import MONDAY
from tests.factories import TEST_PASSWORD
from tests.pages import csrf_token
from tests.security.at_once import at_once

pytestmark = pytest.mark.today(MONDAY)

ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.9"


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client, username: str, password: str, forwarded: str | None = None):
    return client.post(
        url_for("auth.staff_login"),
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
        headers={"X-Forwarded-For": forwarded} if forwarded else {},
    )


def _failures() -> int:
    return db.session.scalar(select(func.count()).select_from(FailedSignIn))


def test_one_address_trying_many_accounts_is_slowed_and_another_address_is_not(app, factories):
    """Four wrong passwords on each of five accounts: no account pauses, the address does."""
    assert app.config["SIGNIN_FAILURES_PER_CLIENT"] == FAILURES_PER_CLIENT  # the default
    per_account = MAX_FAILED_LOGINS - 1
    accounts = [factories.StaffUser() for _ in range(-(-FAILURES_PER_CLIENT // per_account))]
    attacker = _client(app, ATTACKER)
    tries = 0
    for staff in accounts:
        for _ in range(per_account):
            if tries == FAILURES_PER_CLIENT:
                break
            assert _try(attacker, staff.username, "forkert1234").status_code == 200
            tries += 1
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).select_from(StaffUser).where(StaffUser.locked_until.is_not(None))
        )
        == 0
    )  # the per-account lock-out alone would let this go on

    refused = _try(attacker, accounts[-1].username, TEST_PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= CLIENT_WINDOW.total_seconds()
    text = refused.get_data(as_text=True)
    assert "for mange forkerte log-ind-forsøg fra dette netværk" in text
    assert re.search(r"Prøv igen om 1[45] minutter", text)  # 15 minutes, less the test's time

    colleague = _client(app, COLLEAGUE)
    assert _try(colleague, accounts[0].username, "forkert1234").status_code == 200
    signed_in = _try(colleague, accounts[-1].username, TEST_PASSWORD)
    assert signed_in.status_code == 302


def test_someone_who_knows_a_username_cannot_lock_the_worker_out(app, factories):
    """Issue 15, Low 13 (ASVS V2.2.1): the pause after five wrong passwords holds for the
    account from that address only. The worker, from her own, signs in at once."""
    staff = factories.StaffUser()
    attacker = _client(app, ATTACKER)
    for _ in range(MAX_FAILED_LOGINS):
        assert _try(attacker, staff.username, "forkert1234").status_code == 200
    still_paused = _try(attacker, staff.username, TEST_PASSWORD)  # even the right password
    assert still_paused.status_code == 200
    assert "pause" in still_paused.get_data(as_text=True)

    worker = _client(app, COLLEAGUE)
    assert _try(worker, staff.username, TEST_PASSWORD).status_code == 302


def test_a_worker_who_signs_in_starts_her_count_again_but_the_address_keeps_its_own(app, factories):
    staff = factories.StaffUser()
    throttle = ClientThrottle(limit=MAX_FAILED_LOGINS + 2, window=timedelta(minutes=15))
    client = client_key(COLLEAGUE, app.config["SECRET_KEY"])
    now = datetime.now(UTC)
    for _ in range(MAX_FAILED_LOGINS - 1):
        attempt_staff_login(db.session, staff.username, "forkert", now, client, throttle)
    signed_in = attempt_staff_login(
        db.session, staff.username, TEST_PASSWORD, now, client, throttle
    )
    assert signed_in.staff is not None
    assert account_failures(db.session, staff.id, client, now) == 0
    assert _failures() == MAX_FAILED_LOGINS - 1  # still counted for the address


def test_a_refused_address_checks_no_password_and_counts_nothing(app, factories):
    staff = factories.StaffUser()
    throttle = ClientThrottle(limit=2, window=timedelta(minutes=10))
    client = client_key(ATTACKER, app.config["SECRET_KEY"])
    now = datetime.now(UTC)
    for _ in range(2):
        attempt_staff_login(db.session, staff.username, "forkert", now, client, throttle)
    before = _failures(), staff.failed_logins
    result = attempt_staff_login(db.session, staff.username, TEST_PASSWORD, now, client, throttle)
    assert (result.staff, result.problem) == (None, "throttled")
    assert result.retry_after == 600
    assert (_failures(), staff.failed_logins) == before


def test_the_window_slides_one_try_comes_back_as_the_oldest_failure_ages_out(app, factories):
    staff = factories.StaffUser()
    throttle = ClientThrottle(limit=3, window=timedelta(minutes=10))
    client = client_key(ATTACKER, app.config["SECRET_KEY"])
    start = datetime.now(UTC)
    for minute in (0, 2, 4):
        at = start + timedelta(minutes=minute)
        attempt_staff_login(db.session, staff.username, "forkert", at, client, throttle)
    db.session.commit()
    db.session.expire_all()  # another worker, or the app after a restart, reads the same rows

    assert client_wait(db.session, client, throttle, start + timedelta(minutes=5)) == 5 * 60
    assert client_wait(db.session, client, throttle, start + timedelta(minutes=10)) == 0
    at = start + timedelta(minutes=10, seconds=1)
    attempt_staff_login(db.session, staff.username, "forkert", at, client, throttle)
    # The failure at minute 0 has aged out; the next frees at minute 2 + 10.
    assert client_wait(db.session, client, throttle, at) == 2 * 60 - 1
    other = client_key(COLLEAGUE, app.config["SECRET_KEY"])
    assert client_wait(db.session, other, throttle, at) == 0


def test_failures_older_than_the_window_are_deleted(app, factories):
    """Kept as long as the longer of the client's window and the account's pause."""
    staff = factories.StaffUser()
    throttle = ClientThrottle(limit=5, window=timedelta(minutes=10))
    start = datetime.now(UTC)
    for address in (ATTACKER, COLLEAGUE):
        client = client_key(address, app.config["SECRET_KEY"])
        attempt_staff_login(db.session, staff.username, "forkert", start, client, throttle)
    later = start + max(throttle.window, LOCKOUT) + timedelta(minutes=1)
    client = client_key(ATTACKER, app.config["SECRET_KEY"])
    attempt_staff_login(db.session, staff.username, "forkert", later, client, throttle)
    assert db.session.scalars(select(FailedSignIn.failed_at)).all() == [later]


def test_the_address_is_kept_only_as_a_keyed_hash_and_ipv6_counts_per_64(app):
    secret = app.config["SECRET_KEY"]
    key = client_key(ATTACKER, secret)
    assert ATTACKER not in key and key != client_key(ATTACKER, secret + "x")
    assert client_key("2001:db8:1:2::5", secret) == client_key("2001:db8:1:2:ffff::9", secret)
    assert client_key("2001:db8:1:2::5", secret) != client_key("2001:db8:1:3::5", secret)
    assert client_key("::ffff:203.0.113.7", secret) == key
    assert client_key(None, secret) == client_key("", secret)


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_FAILURES_PER_CLIENT", 3)
    return 3


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(app, factories, small_limit):
    """A client cannot pick a new address per try by sending the header itself."""
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    staff = factories.StaffUser()
    attacker = _client(app, ATTACKER)
    for n in range(small_limit):
        response = _try(attacker, staff.username, "forkert", forwarded=f"192.0.2.{n}")
        assert response.status_code == 200
    response = _try(attacker, staff.username, "forkert", forwarded="192.0.2.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(app, factories, small_limit, monkeypatch):
    """One proxy: the right-most X-Forwarded-For entry is the client; what it prepends is not."""
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # undone after the test
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_COUNT", 1)
    register_proxy(app)
    staff = factories.StaffUser()
    proxy = "10.0.0.2"
    attacker, colleague = _client(app, proxy), _client(app, proxy)
    for n in range(small_limit):
        forwarded = f"192.0.2.{n}, {ATTACKER}"  # a forged entry, then what the proxy added
        assert _try(attacker, staff.username, "forkert", forwarded).status_code == 200
    assert _try(attacker, staff.username, "x", forwarded=ATTACKER).status_code == 429
    response = _try(colleague, staff.username, TEST_PASSWORD, forwarded=COLLEAGUE)
    assert response.status_code == 302


def test_simultaneous_wrong_sign_ins_from_one_address_never_exceed_the_limit(app):
    """The limit holds for tries in flight at once, not only one after another (issue 6
    "Sign-in": throttling kept in the database). On PostgreSQL, each transaction sees only
    committed failures, so without a per-address lock all of them could see room."""
    throttle = ClientThrottle(limit=3, window=timedelta(minutes=15))
    client = client_key(ATTACKER, "test-secret")
    unknown = CheckedPassword(password_hash=None, ok=False)  # verified before the lock

    def try_once(_i: int, session) -> str:
        lock_for_write(session)
        result = attempt_staff_login(
            session, "nobody", "wrong", client=client, throttle=throttle, checked=unknown
        )
        session.commit()
        return result.problem

    outcomes = at_once(12, try_once)

    assert sorted(outcomes) == ["refused"] * 3 + ["throttled"] * 9
    assert _failures() == 3
