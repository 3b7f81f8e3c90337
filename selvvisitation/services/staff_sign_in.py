"""Staff sign-in with lock-out kept in the database.

An in-memory limiter counts per gunicorn worker and forgets on restart; the
database does neither. Every failure answers the same way and costs the same
Argon2 work, whether the username exists, the password is wrong or the account
is locked, so the sign-in page is no username oracle.

Five wrong passwords for one account from one client pause that account for that
client: counted per account and client together, so someone who only knows a
username cannot lock the worker out of her own sign-in from elsewhere (issue 15,
Low 13; ASVS V2.2.1). That alone lets one client try four passwords on every
account; so wrong sign-ins are also counted per client address over a sliding
window, and a client past the limit is told to wait (before any password is
checked) until its oldest counted failure ages out. The address is the
proxy-corrected REMOTE_ADDR (app.register_proxy): X-Forwarded-For counts only
behind a configured number of trusted proxies.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from selvvisitation.models import EndedSession, FailedSignIn, StaffUser
from selvvisitation.security.locking import lock_for_write, lock_key
from selvvisitation.security.passwords import verify_password
from selvvisitation.services.transaction import one_transaction

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Per client address (defaults; config SIGNIN_FAILURES_PER_CLIENT, SIGNIN_CLIENT_WINDOW_SECONDS).
FAILURES_PER_CLIENT = 20
CLIENT_WINDOW = timedelta(minutes=15)
# Ended-session rows are only needed while a copied cookie could still be inside
# its lifetime; keep them a day past the longest session.
ENDED_SESSION_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class LoginResult:
    staff: StaffUser | None
    # "refused": one answer for unknown user, wrong password, locked account;
    # "throttled": too many wrong sign-ins from this client, try again in retry_after seconds.
    problem: str | None
    retry_after: int = 0


@dataclass(frozen=True)
class ClientThrottle:
    """Wrong sign-ins allowed per client address within a sliding window."""

    limit: int = FAILURES_PER_CLIENT
    window: timedelta = CLIENT_WINDOW


def client_key(address: str | None, secret: str) -> str:
    """A keyed hash of the client's address: counted, never stored readable (GDPR art. 5(1)(c)).

    IPv6 counts per /64, the network one subscriber gets; an unparsable address
    (no REMOTE_ADDR) is one client of its own.
    """
    text = address or ""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        network = text
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        prefix = 64 if ip.version == 6 else 32
        network = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    return hmac.new(secret.encode(), network.encode(), hashlib.sha256).hexdigest()


def client_wait(
    session: Session, client: str, throttle: ClientThrottle, now: datetime | None = None
) -> int:
    """Seconds until the client may try again; 0 when it may try now."""
    now = now or datetime.now(UTC)
    recent = session.scalars(
        select(FailedSignIn.failed_at)
        .where(FailedSignIn.client == client, FailedSignIn.failed_at > now - throttle.window)
        .order_by(FailedSignIn.failed_at.desc())
        .limit(throttle.limit)
    ).all()
    if len(recent) < throttle.limit:
        return 0
    # Sliding window: one more try is allowed when the oldest of these ages out.
    return max(1, math.ceil((recent[-1] + throttle.window - now).total_seconds()))


def _count_failure(
    session: Session,
    client: str,
    throttle: ClientThrottle,
    now: datetime,
    account: int | None,
) -> None:
    kept = max(throttle.window, LOCKOUT)  # rows serve both counts
    session.execute(delete(FailedSignIn).where(FailedSignIn.failed_at <= now - kept))
    session.add(FailedSignIn(client=client, failed_at=now, account=account))


def account_failures(session: Session, account: int, client: str, now: datetime) -> int:
    """Wrong passwords for the account from this client within the pause's span."""
    return (
        session.scalar(
            select(func.count())
            .select_from(FailedSignIn)
            .where(
                FailedSignIn.account == account,
                FailedSignIn.client == client,
                FailedSignIn.failed_at > now - LOCKOUT,
            )
        )
        or 0
    )


@dataclass(frozen=True)
class CheckedPassword:
    """A password verified against the hash stored when it was read (see check_password)."""

    password_hash: str | None
    ok: bool


def _named(username: str, municipality_id: int | None) -> Any:
    """The staff user a sign-in names: the username in the chosen municipality, or, with
    none chosen, the one user of that name (usernames are unique per municipality only)."""
    query = select(StaffUser).where(StaffUser.username == _normal(username))
    if municipality_id is not None:
        query = query.where(StaffUser.municipality_id == municipality_id)
    return query.limit(2)


def stored_password_hash(
    session: Session, username: str, municipality_id: int | None = None
) -> str | None:
    found = session.scalars(_named(username, municipality_id)).all()
    return found[0].password_hash if len(found) == 1 else None


def check_password(password_hash: str | None, password: str) -> CheckedPassword:
    """Verify the password against a stored hash; the same Argon2 work for unknown names.

    Argon2 is slow on purpose. The view reads the hash, ends the transaction and calls
    this before it takes the write lock (security.locking), so simultaneous sign-ins do
    not wait for each other's hashing; attempt_staff_login counts the outcome under the lock.
    """
    return CheckedPassword(password_hash, verify_password(password_hash, password))


def _normal(username: str) -> str:
    return username.strip().lower()


def attempt_staff_login(
    session: Session,
    username: str,
    password: str,
    now: datetime | None = None,
    client: str | None = None,
    throttle: ClientThrottle | None = None,
    *,
    checked: CheckedPassword | None = None,
    municipality_id: int | None = None,
) -> LoginResult:
    """Check a staff sign-in; the caller commits (so the failure counts are kept).

    With `client` (client_key of the address), wrong sign-ins are also counted per
    client, and a client past the limit is refused before the password counts. Without
    one (a direct call), the account's pause counts for one unnamed client.
    With `checked` (from check_password, done before the write lock) the password is not
    verified again; it counts only if the stored hash is still the one it was checked against.
    """
    now = now or datetime.now(UTC)
    throttle = throttle or ClientThrottle()
    if client is not None:
        # One client's sign-ins one at a time from here to the commit, so tries in
        # flight at once cannot all see room under the limit (PostgreSQL reads
        # committed rows only; SQLite's write lock already serialises them).
        lock_key(session, "sign-in-client:" + client)
        wait = client_wait(session, client, throttle, now)
        if wait:
            return LoginResult(None, "throttled", retry_after=wait)
    result, account = _check_staff_password(
        session, username, password, now, checked, client or "", municipality_id
    )
    if result.staff is None:
        _count_failure(session, client or "", throttle, now, account)
    return result


def sign_in_staff(
    session: Session,
    username: str,
    password: str,
    *,
    client: str,
    throttle: ClientThrottle,
    municipality_id: int | None = None,
) -> LoginResult:
    """The whole staff sign-in, in the order that keeps it cheap and safe under load.

    A throttled client is turned away before any Argon2 work: hashing is the cost an
    attacker would otherwise make us pay. Argon2 then runs with no transaction open: on
    SQLite the write lock is the whole database's, and simultaneous sign-ins must not
    queue behind each other's hashing. The outcome is counted under the write lock
    (attempt_staff_login checks the limit again there, so simultaneous tries cannot slip
    past it) and committed here: a failure counts, a success rotates the nonce (issue 16:
    the service owns the transaction). A "throttled" result keeps nothing.
    """
    wait = client_wait(session, client, throttle)
    if wait:
        session.rollback()
        return LoginResult(None, "throttled", retry_after=wait)
    stored = stored_password_hash(session, username, municipality_id)
    session.rollback()
    checked = check_password(stored, password)
    lock_for_write(session)
    result = attempt_staff_login(
        session,
        username,
        password,
        client=client,
        throttle=throttle,
        checked=checked,
        municipality_id=municipality_id,
    )
    if result.problem == "throttled":
        session.rollback()
    else:
        session.commit()
    return result


def _check_staff_password(
    session: Session,
    username: str,
    password: str,
    now: datetime,
    checked: CheckedPassword | None,
    client: str,
    municipality_id: int | None = None,
) -> tuple[LoginResult, int | None]:
    """The outcome, and the account a failure counts against (None: the client only)."""
    found = session.scalars(_named(username, municipality_id).with_for_update()).all()
    staff = found[0] if len(found) == 1 else None  # two of that name: choose a municipality
    if staff is None or not staff.active:
        if checked is None:
            verify_password(None, password)  # same work either way: no username oracle
        return LoginResult(None, "refused"), None
    if checked is None:
        password_ok = verify_password(staff.password_hash, password)  # always: same timing
    else:
        password_ok = checked.ok and checked.password_hash == staff.password_hash
    # The account's pause after wrong codes at the second step (auth.second_factor): only
    # someone who had the password could cause it.
    if staff.locked_until is not None and staff.locked_until > now:
        return LoginResult(None, "refused"), None
    if account_failures(session, staff.id, client, now) >= MAX_FAILED_LOGINS:
        return LoginResult(None, "refused"), None  # paused for this client: not counted again
    if not password_ok:
        return LoginResult(None, "refused"), staff.id
    # Her earlier mistakes from here no longer count towards the pause (they still count
    # for the client's own limit).
    session.execute(
        update(FailedSignIn)
        .where(FailedSignIn.account == staff.id, FailedSignIn.client == client)
        .values(account=None)
    )
    staff.failed_logins = 0
    staff.locked_until = None
    staff.session_nonce = secrets.token_hex(16)
    return LoginResult(staff, None), None


def end_staff_session(staff: StaffUser) -> None:
    """Rotate the nonce: every cookie issued to this person before sign-out stops working."""
    staff.session_nonce = secrets.token_hex(16)


def record_sign_out(session: Session, *, sid: str | None, staff_id: int | None) -> None:
    """Sign out for real, in one transaction under the write lock: the session id recorded
    as ended and, for staff, the nonce rotated, so a copied cookie dies with it (Flask's
    signed cookie cannot be revoked by itself); ended sessions too old to matter pruned.
    The caller then empties the cookie (security.access.sign_out)."""
    with one_transaction(session):
        lock_for_write(session)
        staff = session.get(StaffUser, staff_id) if staff_id is not None else None
        if staff is not None:
            end_staff_session(staff)
        if sid and session.get(EndedSession, sid) is None:
            session.add(EndedSession(sid=sid))
        prune_ended_sessions(session)


def prune_ended_sessions(session: Session, now: datetime | None = None) -> None:
    """Forget ended sessions older than any cookie could live."""
    now = now or datetime.now(UTC)
    session.execute(
        delete(EndedSession).where(EndedSession.ended_at < now - ENDED_SESSION_RETENTION)
    )
