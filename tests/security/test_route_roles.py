"""Every route × every role, from one table: deny by default, object checks included.

The expected outcome for a route comes from its declared `@allow` rules read
through ADMITS below (written out independently of security.access, so a
mistake in `satisfies` shows up here), plus the object-level rule for route
arguments that belong to a citizen. A view without `@allow` fails
`test_every_route_declares_who_may_use_it`; a route argument with no builder in
tests/security/world.PARAMETERS fails the walk with a message saying so.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from flask import current_app

from selvvisitation.domain.types import StaffRole
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    CITIZEN_SELF,
    PUBLIC,
    RELATIVE,
    STAFF_ANY,
    rules_for_endpoint,
)
from tests.clock import MONDAY
from tests.pages import citizen_acted_for, csrf_token
from tests.security.world import NOT_AN_OBJECT, PARAMETERS, Holdings, build_world

pytestmark = pytest.mark.today(MONDAY)

STAFF = {role.value for role in StaffRole}
RELATIVES = {
    "relative_unchosen",
    "relative_see",
    "relative_act",
    "relative_withdrawn",
    "relative_expired",
}
ACTORS = ["anonymous", "citizen", *sorted(RELATIVES), *sorted(STAFF)]

# Who each rule lets in: issue 6 "a relative only what an active consent covers,
# never after it is withdrawn or expires" (seed 002 sections 10 and 16).
ADMITS: dict[str, set[str]] = {
    PUBLIC: set(ACTORS),
    CITIZEN_SEE: {"citizen", "relative_see", "relative_act"},
    CITIZEN_ACT: {"citizen", "relative_act"},
    CITIZEN_SELF: {"citizen"},
    RELATIVE: set(RELATIVES),
    STAFF_ANY: set(STAFF),
    **{role: {role} for role in STAFF},
}

# Who may see a citizen's objects (issue 6 access control): a worker and a team
# leader their own team's citizens, visitators, admins and supervisors their
# municipality's, the citizen themselves, a relative with active consent.
SEES_OWN = {"citizen", "relative_see", "relative_act", *STAFF}
SEES_OTHER_TEAM = {
    StaffRole.VISITATOR.value,
    StaffRole.MUNICIPALITY_ADMIN.value,
    StaffRole.SUPERVISOR.value,
}

# Routes whose valid own-object request may answer 404 by design (e.g. an action
# only open in one state). Add a line with the reason; keep it short.
OWN_OBJECT_MAY_BE_GONE: dict[str, str] = {
    "auth.oidc_start": "404 unless OIDC_ISSUER is configured (tests/security/test_oidc.py)",
    "auth.oidc_callback": "404 unless OIDC_ISSUER is configured (tests/security/test_oidc.py)",
    "public.calendar_feed": "404 unless the token is a live link (tests/visits/test_calendar_feed)",
    "staff.answer_move_request": "404 unless the visit has an open move request (issue 14)",
    "citizen.visit_cancelled": "the walk's <reference> is a swap's, not a cancellation's",
    "citizen.move_requested": "the walk's <reference> is a swap's, not a move request's",
    # The walk's thread is the visitation's: the team's workers find it only when it is
    # handed to them (tests/messages/test_staff_inbox.py tests both sides).
    "staff.staff_message_thread": "404 for the team: a thread is shown to its handling party",
    "staff.staff_reply": "404 for the team: a thread is answered by its handling party",
    "staff.hand_over_thread": "404 for the team: a thread is handed over by its handling party",
}

LOGIN_ENDPOINTS = ("/log-ind/", "/log-ind/personale")


def _routes():
    rules = sorted(current_app.url_map.iter_rules(), key=lambda r: r.endpoint)
    for rule in rules:
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _route_ids(app):
    with app.test_request_context():
        return [f"{method} {rule.endpoint} {rule.rule}" for rule, method in _routes()]


def test_every_route_declares_who_may_use_it(app) -> None:
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rules_for_endpoint(app, rule.endpoint) is None
    ]
    assert not missing, f"views without @allow(...): {missing}"


def test_every_declared_rule_is_in_the_expected_table(app) -> None:
    for rule in app.url_map.iter_rules():
        for name in rules_for_endpoint(app, rule.endpoint) or ():
            assert name in ADMITS, f"{rule.endpoint}: rule {name!r} has no row in ADMITS"


def test_a_view_without_a_rule_is_refused_to_everyone(app, factories) -> None:
    """Deny by default: a route added without @allow answers 403 even to an admin."""
    from flask import Flask

    from selvvisitation import create_app

    probe: Flask = create_app("test")
    probe.add_url_rule("/uden-regel", "no_rule", lambda: "open")
    world = build_world(factories)
    for actor in ("citizen", StaffRole.MUNICIPALITY_ADMIN.value):
        client = probe.test_client()
        world.actors[actor](client)
        assert client.get("/uden-regel").status_code == 403


def _url(rule, holdings: Holdings) -> tuple[str, bool]:
    values, citizen_bound = {}, False
    for argument in sorted(rule.arguments):
        assert argument in PARAMETERS, (
            f"{rule.endpoint}: no builder for route argument <{argument}>; "
            "add it to tests/security/world.PARAMETERS"
        )
        build, belongs_to_citizen = PARAMETERS[argument]
        values[argument] = build(holdings)
        citizen_bound = citizen_bound or belongs_to_citizen
    return rule.build(values, append_unknown=False)[1], citizen_bound


def _request(app, world, actor: str, method: str, url: str):
    client = app.test_client()
    world.actors[actor](client)
    if method == "GET":
        return client.get(url)
    data = {"csrf_token": csrf_token(client)}
    acting_for = citizen_acted_for(client)
    if acting_for is not None:  # as every citizen-side form carries it (security.acting_for)
        data["citizen"] = str(acting_for)
    return client.open(url, method=method, data=data)


def _is_denial_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    target = urlparse(response.headers["Location"])
    return (target.path in LOGIN_ENDPOINTS and "next=" in target.query) or target.path.endswith(
        "/vaelg-borger"
    )


def _reads_of(citizen) -> int:
    from selvvisitation.extensions import db
    from selvvisitation.models import AuditEntry

    db.session.rollback()
    return db.session.query(AuditEntry).filter_by(citizen_id=citizen.id, action="read").count()


def _privacy_problems(endpoint: str, actor: str, response, world) -> list[str]:
    """CPR numbers never in full on a page (databeskyttelsesloven § 11)."""
    body = response.get_data().decode("utf-8", "replace")  # some answers are files (the icon)
    problems = []
    for holdings in (world.own, world.other_team, world.foreign):
        cpr = holdings.citizen.cpr
        if cpr in body or f"{cpr[:6]}-{cpr[6:]}" in body:
            problems.append(f"GET {endpoint} as {actor}: a full CPR number is on the page")
    return problems


def _expected(actor: str, rules: frozenset[str]) -> str:
    if any(actor in ADMITS[name] for name in rules):
        return "allowed"
    if actor == "anonymous":
        return "sign in"
    if actor == "relative_unchosen" and rules & {CITIZEN_SEE, CITIZEN_ACT}:
        return "choose citizen"
    return "refused"


def _outcome(response) -> str:
    code = response.status_code
    if code >= 500:
        return f"server error {code}"
    if code == 403:
        return "refused"
    if _is_denial_redirect(response):
        path = urlparse(response.headers["Location"]).path
        return "choose citizen" if path.endswith("/vaelg-borger") else "sign in"
    if code == 404:
        return "not found"
    return "allowed"


def test_the_route_table_is_not_empty(app) -> None:
    assert len(_route_ids(app)) >= 8


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_every_route_answers_every_role_as_its_rule_says(app, factories, method) -> None:
    """One walk per HTTP method over app.url_map; every mismatch is listed at once."""
    world = build_world(factories)
    mismatches = []
    walked = 0
    for rule, rule_method in _routes():
        if rule_method != method:
            continue
        rules = rules_for_endpoint(app, rule.endpoint)
        assert rules is not None, f"{rule.endpoint} has no @allow"
        url, citizen_bound = _url(rule, world.own)
        for actor in ACTORS:
            walked += 1
            expected = _expected(actor, rules)
            reads_before = _reads_of(world.own.citizen)
            response = _request(app, world, actor, method, url)
            got = _outcome(response)
            if method == "GET" and response.status_code == 200:
                mismatches += _privacy_problems(rule.endpoint, actor, response, world)
                if (
                    actor in STAFF
                    and citizen_bound
                    and _reads_of(world.own.citizen) == reads_before
                ):
                    mismatches.append(
                        f"GET {rule.endpoint} as {actor}: a staff read of a citizen's case "
                        "left no audit entry (call security.audit.record('read', ...))"
                    )
            if got == "not found" and rule.endpoint in OWN_OBJECT_MAY_BE_GONE:
                got = "allowed"
            if got != expected:
                mismatches.append(
                    f"{method} {rule.endpoint} as {actor}: {got}, expected {expected}"
                )
    assert not mismatches, "\n".join(mismatches)
    if method in ("GET", "POST"):
        assert walked > 0


@pytest.mark.parametrize("which", ["other_team", "foreign"])
def test_objects_of_another_citizen_are_never_shown(app, factories, which) -> None:
    """Object-level rule: a permitted role still gets 404/403 for someone else's citizen."""
    world = build_world(factories)
    holdings = getattr(world, which)
    mismatches = []
    for rule, method in _routes():
        if not rule.arguments or rule.arguments <= NOT_AN_OBJECT:
            continue
        rules = rules_for_endpoint(app, rule.endpoint) or frozenset()
        if PUBLIC in rules:
            continue
        url, citizen_bound = _url(rule, holdings)
        for actor in ACTORS:
            if _expected(actor, rules) != "allowed":
                continue
            may_see = which == "other_team" and actor in SEES_OTHER_TEAM
            if not citizen_bound:
                # Municipality-wide objects (services, staff, teams): same municipality only.
                may_see = which == "other_team"
            got = _outcome(_request(app, world, actor, method, url))
            expected = {"allowed"} if may_see else {"refused", "not found"}
            if got not in expected:
                mismatches.append(f"{method} {rule.endpoint} as {actor} on {which}: {got}")
    assert not mismatches, "\n".join(mismatches)
