"""links.id_url gives the very link url_for gives (issue 17: the worker's day list links
each visit with it, built once per endpoint instead of once per link)."""

from __future__ import annotations

import pytest
from flask import url_for

from selvvisitation.links import id_url, id_urls

# The day list's links to one visit (templates/staff/visits.html).
VISIT_LINKS = [
    "staff.record_visit",
    "staff.answer_move_request",
    "staff.provider_move",
    "staff.provider_cancel",
]


@pytest.mark.parametrize("endpoint", VISIT_LINKS)
def test_a_link_by_id_is_the_link_url_for_builds(app, endpoint):
    for visit_id in (1, 20, 9876543):
        assert id_url(endpoint, visit_id=visit_id) == url_for(endpoint, visit_id=visit_id)


@pytest.mark.parametrize("endpoint", VISIT_LINKS)
def test_a_link_by_id_keeps_the_path_the_app_is_served_under(app, endpoint):
    """The links are built once per path the app is served under, not once for all."""
    id_url(endpoint, visit_id=1)  # built at the root
    with app.test_request_context("/", base_url="http://localhost/kommune"):
        link = id_url(endpoint, visit_id=7)
        assert link == url_for(endpoint, visit_id=7)
        assert link.startswith("/kommune/")


@pytest.mark.parametrize("endpoint", VISIT_LINKS)
def test_a_page_s_link_maker_gives_the_link_url_for_builds(app, endpoint):
    """id_urls, which the day list takes once for all its visits' record links."""
    link_to = id_urls(endpoint, "visit_id")
    for visit_id in (1, 20, 9876543):
        assert link_to(visit_id) == url_for(endpoint, visit_id=visit_id)
    with app.test_request_context("/", base_url="http://localhost/kommune"):
        assert id_urls(endpoint, "visit_id")(7) == url_for(endpoint, visit_id=7)
