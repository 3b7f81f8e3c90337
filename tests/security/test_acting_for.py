"""Every citizen-side POST carries the citizen's id, and a wrong one is refused: the
walk over every route and every form (issue 15, Medium 5; ASVS 4.0.3 V4.2.1).

A relative with two tabs open, one per citizen, must never have a form from one act
on the other (security.acting_for). The one-by-one regressions are in
tests/citizen/test_two_tabs.py and test_dialogue_two_tabs.py; here the walk makes
sure no route and no form is left out, so a future form cannot forget it:

- every POST route open to the citizen side, posted with a wrong, missing or odd
  `citizen` value by each person it admits, writes nothing, never answers 5xx, and
  lands on a page of the citizen's with a message; never a name she may not see;
- every `<form method="post">` on every page the citizen and a relative see carries
  the hidden `citizen` field with the id of the citizen the page is for.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException

from selvvisitation import create_app
from selvvisitation.extensions import db
from selvvisitation.models import CalendarFeed
from selvvisitation.security.access import CITIZEN_ACT, RELATIVE, rules_for_endpoint
from selvvisitation.security.acting_for import CITIZEN_SIDE, EXEMPT, FIELD
from tests.clock import MONDAY
from tests.pages import csrf_token
from tests.security.test_route_roles import ADMITS, _url
from tests.security.walk import changed_tables, post_routes, table_rows
from tests.security.world import World, build_world

pytestmark = pytest.mark.today(MONDAY)

# The people of the world (tests/security/world.py) who act on the citizen side.
PEOPLE = ("citizen", "relative_see", "relative_act")


def _citizen_side_posts(app) -> list[str]:
    """Every POST route a citizen or a relative may use."""
    return [
        rule.endpoint
        for rule in post_routes(app)
        if (rules_for_endpoint(app, rule.endpoint) or frozenset()) & (CITIZEN_SIDE | {RELATIVE})
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "citizen_side_post" in metafunc.fixturenames:
        metafunc.parametrize("citizen_side_post", _citizen_side_posts(create_app("test")))


@pytest.fixture
def world(factories) -> World:
    world = build_world(factories)
    world.own.citizen.name = "Inger Jensen"
    world.other_team.citizen.name = "Karl Hansen"  # a citizen of the same municipality
    world.foreign.citizen.name = "Ruth Nielsen"  # and of another
    db.session.commit()
    return world


def _flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_every_exempt_route_exists_and_says_why(app) -> None:
    posts = {rule.endpoint for rule in post_routes(app)}
    assert set(EXEMPT) <= posts, f"not a POST route: {set(EXEMPT) - posts}"
    assert all(reason.strip() for reason in EXEMPT.values())
    for endpoint in EXEMPT:  # a route that acts for a citizen is never exempt
        assert CITIZEN_ACT not in (rules_for_endpoint(app, endpoint) or ()), endpoint


def test_the_walk_has_the_citizen_side_s_forms_to_try(app) -> None:
    walked = set(_citizen_side_posts(app)) - set(EXEMPT)
    assert {"citizen.conversation_answer", "citizen.write", "citizen.notifications"} <= walked


def test_every_citizen_side_post_refuses_a_wrong_citizen_and_writes_nothing(
    app, world, citizen_side_post
) -> None:
    """Issue 15, Medium 5 / ASVS V4.2.1: a POST open to the citizen side either acts for
    no citizen (EXEMPT, with its reason) or is refused when its `citizen` is not the
    current citizen's; refused means a redirect to the citizen's own page with a
    message, no 5xx and not one row written."""
    if citizen_side_post in EXEMPT:
        return  # test_every_exempt_route_exists_and_says_why
    rules = rules_for_endpoint(app, citizen_side_post) or frozenset()
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == citizen_side_post)
    url = _url(rule, world.own)[0]
    people = [p for p in PEOPLE if any(p in ADMITS[name] for name in rules)]
    assert people, f"{citizen_side_post} admits no one of the citizen side"
    wrong = [
        None,  # a page from before the field
        "",
        str(world.other_team.citizen.id),  # a citizen this relative has no consent for
        str(world.foreign.citizen.id),
        "abc",
        "99999999999999999999",
        "٣",
    ]
    before = table_rows()
    for person in people:
        for value in wrong:
            client = app.test_client()
            world.actors[person](client)
            data = {"csrf_token": csrf_token(client)}
            if value is not None:
                data[FIELD] = value
            response = client.post(url, data=data)
            said = f"POST {citizen_side_post} as {person} with citizen={value!r}"
            assert response.status_code == 302, f"{said}: {response.status_code}"
            assert urlparse(response.location).path.startswith("/borger/"), said
            flashed = _flashed(client)
            assert len(flashed) == 1 and "intet blev gemt" in flashed[0], (said, flashed)
            assert "Inger Jensen" in flashed[0], said  # the citizen she acts for now
            assert "Karl Hansen" not in flashed[0] and "Ruth Nielsen" not in flashed[0], said
    assert changed_tables(before, table_rows(), frozenset()) == [], citizen_side_post


def _setup_every_form(world: World) -> None:
    """States in which the pages show all their forms: a calendar link of each person's
    to delete (the citizen's own and the relative's)."""
    for n, relative_id in enumerate((None, world.own.relative.id)):
        db.session.add(
            CalendarFeed(
                citizen_id=world.own.citizen.id, relative_id=relative_id, token_hash=f"{n}" * 64
            )
        )
    db.session.commit()


def _post_endpoint(app, action: str) -> str:
    try:
        endpoint, _values = app.url_map.bind("localhost").match(urlparse(action).path, "POST")
    except HTTPException:
        return f"(no route) {action}"
    return str(endpoint)


@pytest.mark.parametrize("person", ["citizen", "relative_act"])
def test_every_citizen_side_form_carries_the_citizen_s_id(app, world, person) -> None:
    """Issue 15, Medium 5 / ASVS V4.2.1: every `<form method="post">` on the pages of the
    citizen side holds the hidden `citizen` field with the id of the page's citizen."""
    _setup_every_form(world)
    client = app.test_client()
    world.actors[person](client)
    client.get("/borger/samtale")  # the conversation starts, so its forms are there
    seen: set[str] = set()
    missing = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        rules = rules_for_endpoint(app, rule.endpoint) or frozenset()
        if "GET" not in (rule.methods or set()) or not rules & CITIZEN_SIDE:
            continue
        response = client.get(_url(rule, world.own)[0])
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            endpoint = _post_endpoint(app, form.get("action") or "")
            if endpoint in EXEMPT:
                continue
            seen.add(endpoint)
            field = form.find("input", attrs={"name": FIELD, "type": "hidden"})
            if field is None or field.get("value") != str(world.own.citizen.id):
                missing.append(f"{rule.endpoint}: the form posting to {endpoint}")
    assert not missing, missing
    expected = {
        endpoint
        for endpoint in _citizen_side_posts(app)
        if endpoint not in EXEMPT
        and any(person in ADMITS[name] for name in rules_for_endpoint(app, endpoint) or ())
    }
    # Forms shown only in a state the world is not in: a step after the first one.
    later = {
        "citizen.conversation_back",
        "citizen.conversation_call_back",
        "citizen.conversation_restart",
    }
    assert expected - later <= seen, f"forms not found on any page: {expected - later - seen}"
