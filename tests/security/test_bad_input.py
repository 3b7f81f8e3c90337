"""Random input to every POST route, for a role that may use it: never a 500, never a partial write.

Issue 6 "Bad input". Generic over app.url_map, so the forms the other areas add
are covered as they land. Field names are read from the route's own page (its
form), plus names no form has; values are any text, numbers, CPR-like digits,
very long strings and control characters.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selvvisitation.security.access import rules_for_endpoint
from tests.clock import MONDAY
from tests.pages import csrf_token
from tests.security.test_route_roles import _url
from tests.security.walk import (
    MAY_CHANGE_ON_REFUSAL,
    changed_tables,
    first_admitted,
    post_routes,
    table_rows,
)
from tests.security.world import build_world

pytestmark = pytest.mark.today(MONDAY)

VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "0101451234",
            "010145-1234",
            "on",
            "true",
            "null",
            "2026-02-30",
            "9999-99-99",
            "<script>x</script>",
            "' OR 1=1 --",
            "\x00",
        ]
    ),
)


def _post_routes(app):
    # Signing out would end the actor's session for the rest of the walk.
    return [rule for rule in post_routes(app) if rule.endpoint != "auth.logout"]


def _field_names(client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200:
        return []
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    names = {
        field.get("name")
        for form in soup.find_all("form")
        if (form.get("method") or "").lower() == "post"
        for field in form.find_all(["input", "select", "textarea", "button"])
        if field.get("name") and field.get("name") != "csrf_token"
    }
    return sorted(names)


def _route_ids(app):
    with app.test_request_context():
        return [rule.endpoint for rule in _post_routes(app)]


@pytest.fixture(scope="module")
def post_endpoints(app):
    return _route_ids(app)


def test_there_are_post_routes_to_try(app, post_endpoints):
    assert len(post_endpoints) >= 3


_CACHE: dict[str, object] = {}


@pytest.fixture
def fresh_cache():
    """One world per test (the database is emptied per test, not per example)."""
    _CACHE.clear()
    yield _CACHE
    _CACHE.clear()


def _prepared(app, factories) -> tuple[object, list]:
    if "world" not in _CACHE:
        world = build_world(factories)
        plan = []
        for rule in list(_post_routes(current_app)):
            rules = rules_for_endpoint(app, rule.endpoint) or frozenset()
            actor = first_admitted(rules)
            if actor is None:
                continue
            url, _citizen_bound = _url(rule, world.own)
            client = app.test_client()
            world.actors[actor](client)
            names = _field_names(client, url) if "GET" in (rule.methods or set()) else []
            plan.append((rule.endpoint, actor, url, names))
        _CACHE["world"], _CACHE["plan"] = world, plan
    return _CACHE["world"], _CACHE["plan"]


# The routes are walked in groups, each group an example of its own: one example posting
# to every route drew more than Hypothesis's 8 kB of choices once there were 51 routes, so
# nearly every example overran and was thrown away, and the test ran for half an hour.
ROUTE_GROUPS = 4


@pytest.mark.parametrize("group", range(ROUTE_GROUPS))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,  # one example posts to every route at once
    ],
)
@given(data=st.data())
def test_random_input_to_every_form_never_breaks_the_server(
    app, factories, fresh_cache, group, data
):
    world, plan = _prepared(app, factories)
    problems = []
    for endpoint, actor, url, names in plan[group::ROUTE_GROUPS]:
        client = app.test_client()
        world.actors[actor](client)
        keys = data.draw(
            st.lists(st.sampled_from([*names, "x", "next", "person", "lang"]), max_size=4)
        )
        form = {key: data.draw(VALUES) for key in keys}
        form["csrf_token"] = csrf_token(client)
        before = table_rows()
        response = client.post(url, data=form)
        if response.status_code >= 500:
            problems.append(f"POST {endpoint} as {actor} with {form!r}: {response.status_code}")
            continue
        if response.status_code >= 400:
            changed = changed_tables(before, table_rows(), MAY_CHANGE_ON_REFUSAL)
            if changed:
                problems.append(f"POST {endpoint} refused but wrote to {changed}")
    assert not problems, "\n".join(problems)
