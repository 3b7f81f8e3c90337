"""Access control, deny by default, in one place.

Every view declares who may reach it with `@allow(...)`. A route without a
declaration is refused (and the route × role test fails), so a new page can
never be open by accident. Object-level checks (which citizen, which team)
live here too, so views ask one question: `may_see_citizen(actor, citizen)`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import refresh as refresh_babel
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from selvvisitation.domain.types import ActorKind, ConsentScope, StaffRole
from selvvisitation.extensions import db
from selvvisitation.security.kept_answer import (
    KEPT_ANSWER,
    carry_over,
    claim,
    keep_unsent_answer,
)

PUBLIC = "public"
CITIZEN_SEE = "citizen_see"  # the citizen, or a relative whose consent covers seeing
CITIZEN_ACT = "citizen_act"  # the citizen, or a relative whose consent covers acting
CITIZEN_SELF = "citizen_self"  # the citizen only (their own data export): never a relative
STAFF_ANY = "staff_any"
RELATIVE = "relative"  # a signed-in relative, before choosing whose help to see
STAFF_ROLES = {role.value for role in StaffRole}
KNOWN_RULES = {PUBLIC, CITIZEN_SEE, CITIZEN_ACT, CITIZEN_SELF, STAFF_ANY, RELATIVE} | STAFF_ROLES

# Endpoints Flask adds itself.
# Files anyone may fetch, served without reading the session or the database: static
# assets, and the icon every browser asks for on every page.
_BUILTIN_PUBLIC = {"static", "public.favicon"}


@dataclass
class Actor:
    """Who is making this request, and for which citizen."""

    kind: ActorKind | None = None
    staff: Any = None
    citizen: Any = None  # the citizen signed in as themselves
    relative: Any = None
    subject: Any = None  # the citizen whose information is in play
    session_id: str = ""  # the sign-in's random id (sign_in): limits count per session

    @property
    def is_anonymous(self) -> bool:
        return self.kind is None

    @property
    def role(self) -> str:
        if self.staff is not None:
            return self.staff.role.value
        return self.kind.value if self.kind else "anonymous"


def allow[F: Callable[..., Any]](*rules: str) -> Callable[[F], F]:
    """Declare who may use a view: rule names from KNOWN_RULES."""
    unknown = set(rules) - KNOWN_RULES
    if unknown or not rules:
        raise ValueError(f"unknown access rules: {unknown or 'none given'}")

    def decorate(view: F) -> F:
        # The rules travel on the view function; rules_for_endpoint reads them there.
        view.access_rules = frozenset(rules)  # type: ignore[attr-defined]  # F is any callable
        return view

    return decorate


def explain_refusal[F: Callable[..., Any]](words: Callable[[Actor], Any]) -> Callable[[F], F]:
    """Let a view say in its own words why a relative is refused (a consent narrowed or
    withdrawn while the page was open). ``words(actor)`` gives the response, or None for
    the plain refusal page; either way the request is refused with 403 and nothing runs.
    """

    def decorate(view: F) -> F:
        view.explain_refusal = words  # type: ignore[attr-defined]  # F is any callable
        return view

    return decorate


def _explained(app: Flask, actor: Actor) -> Any:
    """The view's own words for a relative it refuses, as a 403; None when it has none."""
    words = getattr(app.view_functions.get(request.endpoint or ""), "explain_refusal", None)
    if words is None or actor.kind != ActorKind.RELATIVE or actor.subject is None:
        return None
    said = words(actor)
    if said is None:
        return None
    response = make_response(said)
    response.status_code = 403  # only the words are the view's: the request is refused
    return response


def rules_for_endpoint(app: Flask, endpoint: str) -> frozenset[str] | None:
    if endpoint in _BUILTIN_PUBLIC:
        return frozenset({PUBLIC})
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rules", None)


def satisfies(actor: Actor, rules: frozenset[str]) -> bool:
    if PUBLIC in rules:
        return True
    if actor.staff is not None:
        return STAFF_ANY in rules or actor.staff.role.value in rules
    if actor.kind == ActorKind.CITIZEN and actor.citizen is not None:
        return bool(rules & {CITIZEN_SEE, CITIZEN_ACT, CITIZEN_SELF})
    if actor.kind == ActorKind.RELATIVE and RELATIVE in rules:
        return True
    if actor.kind == ActorKind.RELATIVE and actor.subject is not None:
        if CITIZEN_ACT in rules and relative_can(actor, ConsentScope.ACT):
            return True
        return CITIZEN_SEE in rules and relative_can(actor, ConsentScope.SEE)
    return False


def relative_can(actor: Actor, scope: ConsentScope) -> bool:
    from selvvisitation.models import relative_may

    return relative_may(actor.relative, actor.subject, scope)


def may_act_for_subject(actor: Actor) -> bool:
    if actor.kind == ActorKind.CITIZEN:
        return actor.citizen is not None
    if actor.kind == ActorKind.RELATIVE:
        return relative_can(actor, ConsentScope.ACT)
    return False


def may_see_citizen(actor: Actor, citizen: Any) -> bool:
    """The object-level rule for staff and the citizen side."""
    if citizen is None:
        return False
    if actor.staff is not None:
        staff = actor.staff
        if staff.municipality_id != citizen.municipality_id:
            return False
        if staff.role in (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER):
            return staff.team_id is not None and staff.team_id == citizen.team_id
        return staff.role in (
            StaffRole.VISITATOR,
            StaffRole.MUNICIPALITY_ADMIN,
            StaffRole.SUPERVISOR,
        )
    if actor.kind == ActorKind.CITIZEN:
        return actor.citizen is not None and actor.citizen.id == citizen.id
    if actor.kind == ActorKind.RELATIVE:
        return (
            actor.subject is not None
            and actor.subject.id == citizen.id
            and relative_can(actor, ConsentScope.SEE)
        )
    return False


def current_actor() -> Actor:
    return g.get("actor") or Actor()


# The idle timeout's clock moves in steps of this size. Every response that changes the
# session sends the whole cookie, made from the cookie its request came with; a response
# to an older request still in flight (a font, a second tab) then overwrites a newer
# one: a relative's choice of citizen or a language choice was lost that way. Moving
# the clock on every request made every response such a writer; in steps, nearly none is.
LAST_SEEN_STEP_SECONDS = 60

# The "Større tekst" switch (issue 12 item 8), kept in the session like the language.
LARGE_TEXT = "large_text"
# What the session keeps across signing in and out: the person's own choices.
PREFERENCES = ("lang", LARGE_TEXT)


def _load_actor() -> Actor:
    kind = session.get("actor_kind")
    actor_id = session.get("actor_id")
    if not kind or not actor_id:
        return Actor()
    last_seen = session.get("last_seen")
    timeout = session_timeout()
    now = datetime.now(UTC).timestamp()
    # Idle timeout; a session without a time stamp counts as expired (fail closed).
    if not isinstance(last_seen, int | float) or now - float(last_seen) > timeout:
        # Who it was: a form she sends now is kept for her next sign-in (issue 12 item 9).
        g.timed_out = (kind, actor_id, session.get("subject_id"))
        sign_out()
        return Actor()
    sid = session.get("sid")
    if not isinstance(sid, str) or not sid:
        sign_out()  # no sign-in id: fail closed, as for an ended session
        return Actor()
    if now - float(last_seen) >= LAST_SEEN_STEP_SECONDS:
        session["last_seen"] = now
    if kind == ActorKind.STAFF.value:
        return _staff_actor(actor_id, sid)
    if kind == ActorKind.CITIZEN.value:
        citizen, ended = _person_row(_citizen_statement(), {"citizen_id": actor_id, "sid": sid}, ())
        if ended:
            sign_out()
            return Actor()
        if citizen is None:
            session.clear()
            return Actor()
        return Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen, session_id=sid)
    if kind == ActorKind.RELATIVE.value:
        relative, ended = _person_row(
            _relative_statement(), {"relative_id": actor_id, "sid": sid}, ()
        )
        if ended:
            sign_out()
            return Actor()
        if relative is None:
            session.clear()
            return Actor()
        subject_id = session.get("subject_id")
        subject = (
            db.session.scalar(_citizen_query(), {"citizen_id": subject_id}) if subject_id else None
        )
        return Actor(kind=ActorKind.RELATIVE, relative=relative, subject=subject, session_id=sid)
    session.clear()
    return Actor()


# Every page reads the signed-in person together with whether her session was signed out,
# and what the layout and the audit log need of her (municipality, its policy, provider):
# one statement, not five (issue 17).


def _with_ended_session(query: Select, *columns: Any) -> Select:
    """``query`` with the bound session id's sign-out (``ended_sid``) and ``columns``."""
    from selvvisitation.models import EndedSession

    return query.add_columns(EndedSession.sid.label("ended_sid"), *columns).outerjoin(
        EndedSession, EndedSession.sid == bindparam("sid")
    )


def _person_row(statement: Select, bound: dict[str, Any], columns: Any) -> tuple[Any, bool]:
    """The one row of ``statement`` (None when there is none) and whether the session
    ``bound["sid"]`` was signed out (the cookie is a replay); extra ``columns`` go into g
    by their key."""
    row = db.session.execute(statement, bound).first()
    if row is None:
        return None, _session_was_ended(bound["sid"])
    for column in columns:
        g.setdefault(column.key, getattr(row, column.key))
    return row[0], row.ended_sid is not None


# The statements every signed-in page runs are built once, as _staff_statement is (issue
# 17): composing one, and finding its cache key, cost as much as running it.


@cache
def _citizen_query() -> Select:
    """The citizen ``citizen_id`` with her municipality and its policy (layout, audit)."""
    from selvvisitation.models import Citizen, Municipality

    return (
        select(Citizen)
        .where(Citizen.id == bindparam("citizen_id"))
        .options(joinedload(Citizen.municipality).joinedload(Municipality.policy))
    )


@cache
def _citizen_statement() -> Select:
    """The signed-in citizen ``citizen_id`` and whether session ``sid`` was signed out."""
    return _with_ended_session(_citizen_query())


@cache
def _relative_statement() -> Select:
    """The signed-in relative ``relative_id`` and whether session ``sid`` was signed out."""
    from selvvisitation.models import Relative

    return _with_ended_session(select(Relative).where(Relative.id == bindparam("relative_id")))


@cache
def _staff_statement(with_unread: bool) -> tuple[Select, tuple[Any, ...]]:
    """The signed-in staff member's statement and its extra columns, built once: composing
    it, and finding the new statement's cache key, cost more than running it on every
    staff page (issue 17: 0.56 -> 0.25 ms); each request binds the id and session id."""
    from selvvisitation.models import Municipality, StaffUser
    from selvvisitation.services.message_threads import (
        UNREAD_READ_WITH_ACTOR,
        unread_count_of_staff_row,
    )

    query = (
        select(StaffUser)
        .where(StaffUser.id == bindparam("staff_id"))
        .options(
            joinedload(StaffUser.municipality).joinedload(Municipality.policy),
            joinedload(StaffUser.provider),
        )
    )
    # A page shows the menu with her unread messages (navigation): read with her.
    columns = (unread_count_of_staff_row().label(UNREAD_READ_WITH_ACTOR),) if with_unread else ()
    return _with_ended_session(query, *columns), columns


def _staff_actor(staff_id: Any, sid: str) -> Actor:
    from selvvisitation.services.message_threads import UNREAD_READ_WITH_ACTOR

    statement, columns = _staff_statement(request.method == "GET")
    staff, ended = _person_row(statement, {"staff_id": staff_id, "sid": sid}, columns)
    nonce = session.get("nonce")
    if ended or staff is None or not staff.active or not nonce or staff.session_nonce != nonce:
        g.pop(UNREAD_READ_WITH_ACTOR, None)
        sign_out()
        return Actor()
    return Actor(kind=ActorKind.STAFF, staff=staff, session_id=sid)


def session_timeout() -> float:
    """Seconds a session may be idle before it ends (SESSION_TIMEOUT_SECONDS, 30 minutes)."""
    timeout = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if isinstance(timeout, timedelta):
        timeout = timeout.total_seconds()
    return float(timeout)


# The warning comes this long before the idle timeout (issue 12 item 9; WCAG 2.2.1 asks
# for at least 20 seconds to answer it).
SESSION_WARNING_SECONDS = 300


def seconds_left() -> int | None:
    """Seconds until this session times out, if no request comes first; None when no one
    is signed in. The page's warning counts down from it (issue 12 item 9)."""
    last_seen = session.get("last_seen")
    if not session.get("actor_kind") or not isinstance(last_seen, int | float):
        return None
    left = session_timeout() - (datetime.now(UTC).timestamp() - float(last_seen))
    return max(0, int(left))


def keep_alive() -> int:
    """ "Bliv logget ind": the idle timeout starts again now; returns the seconds left."""
    session["last_seen"] = datetime.now(UTC).timestamp()
    return int(session_timeout())


def _session_was_ended(sid: Any) -> bool:
    """True when this session id was signed out (the cookie is a replay)."""
    from selvvisitation.models import EndedSession

    if not isinstance(sid, str) or not sid:
        return True
    return db.session.get(EndedSession, sid) is not None


def sign_in(kind: ActorKind, actor_id: int, *, nonce: str | None = None) -> None:
    """Start a fresh session (no fixation: the old content is dropped)."""
    kept = carry_over()
    _clear_keeping_preferences()
    if kept is not None:
        session[KEPT_ANSWER] = kept  # claimed, or dropped, by her next request
    session.permanent = True
    session["actor_kind"] = kind.value
    session["actor_id"] = actor_id
    # A random id per sign-in: sign-out records it, so a copied cookie dies with it.
    session["sid"] = secrets.token_urlsafe(24)
    session["last_seen"] = datetime.now(UTC).timestamp()
    if nonce:
        session["nonce"] = nonce


def session_id() -> str | None:
    """This cookie's sign-in id: what services.staff_sign_in.record_sign_out records as ended
    (with, for staff, the rotated per-user nonce, it makes a replayed copy worthless)."""
    sid = session.get("sid")
    return sid if isinstance(sid, str) and sid else None


def sign_out() -> None:
    """Forget who is signed in on this cookie (keeps the language and text size)."""
    _clear_keeping_preferences()


def _clear_keeping_preferences() -> None:
    """Empty the session but for the person's own choices of language and text size."""
    kept = {key: session[key] for key in PREFERENCES if session.get(key)}
    session.clear()
    session.update(kept)


def install_access_control(app: Flask) -> None:
    @app.before_request
    def _enforce_access() -> Any:
        # Per-request caches start empty even when an outer app context is reused (tests,
        # CLI): the locale and municipality belong to this request's person.
        g.pop("municipality", None)
        g.pop("kept_answer", None)
        g.pop("timed_out", None)
        g.pop("unread_messages", None)  # services.message_threads.UNREAD_READ_WITH_ACTOR
        if request.endpoint in _BUILTIN_PUBLIC:
            # Static files: public, and never a reason to read or rewrite the session.
            g.actor = Actor()
            return None
        refresh_babel()
        g.actor = _load_actor()
        if not g.actor.is_anonymous:
            claim(session.get("actor_kind"), session.get("actor_id"), session.get("subject_id"))
        if request.endpoint is None:
            return None  # 404 follows
        rules = rules_for_endpoint(app, request.endpoint)
        if rules is None:
            abort(403)  # deny by default: the route declared no rule
        if satisfies(g.actor, rules):
            return None
        if (
            g.actor.kind == ActorKind.RELATIVE
            and g.actor.subject is None
            and (rules & {CITIZEN_SEE, CITIZEN_ACT})
        ):
            return redirect(url_for("auth.choose_citizen"))
        if g.actor.is_anonymous:
            wants_staff = bool(rules & (STAFF_ROLES | {STAFF_ANY}))
            target = "auth.staff_login" if wants_staff else "auth.citizen_login"
            # A form refused because her session timed out is kept (issue 12 item 9);
            # she comes back to the page she wrote it on.
            timed_out = g.get("timed_out")  # (kind, actor_id, subject_id), set by _load_actor
            kept = None
            if timed_out:
                kind, actor_id, subject_id = timed_out
                kept = keep_unsent_answer(kind, actor_id, subject_id, session_timeout())
            back = kept or request.full_path.rstrip("?")
            return redirect(url_for(target, next=back))
        explained = _explained(app, g.actor)
        if explained is not None:
            return explained
        abort(403)
        return None
