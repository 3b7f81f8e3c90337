"""No open redirect through `next` (issue 15, Medium 3; ASVS 4.0.3 V5.1.5).

`safe_next_url` lets through only a path on this site. Browsers drop tabs and newlines
from a URL and read a backslash as a slash, so `/\t/evil.example` and `/\\evil.example`
lead to another host just as `//evil.example` does; the table holds the known bypasses.
"""

from __future__ import annotations

import pytest
from flask import url_for

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.i18n import safe_next_url
from tests.factories import TEST_PASSWORD
from tests.pages import csrf_token

# Each of these a browser (or a lenient URL parser) may read as another host or scheme.
BYPASSES = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x0c/evil.example",
    "/\x7f/evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "\x00//evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/\ufeff/evil.example",
    "https://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "\uff0f\uff0fevil.example",  # full-width solidus
    "",
    None,
]

SAME_SITE = [
    "/",
    "/personale/besoeg",
    "/personale/besoeg?dag=2026-01-05",
    "/borger/samtale#current-question",
    "/visitation/?side=2&team=3",
    "/%2F%2Fevil.example",  # encoded: a path on this site, the browser does not decode it
]


@pytest.mark.parametrize("target", BYPASSES, ids=repr)
def test_a_next_url_that_could_leave_the_site_is_refused(target):
    assert safe_next_url(target) is None


@pytest.mark.parametrize("target", SAME_SITE)
def test_a_path_on_this_site_is_kept(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_changing_language_never_sends_the_browser_to_another_host(client, target):
    response = client.post(
        url_for("public.set_language"),
        data={"lang": "en", "next": target, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_signing_in_never_sends_the_browser_to_another_host(client, factories, target):
    factories.StaffUser(username="lene", role=StaffRole.VISITATOR)
    db.session.commit()
    response = client.post(
        url_for("auth.staff_login"),
        data={
            "username": "lene",
            "password": TEST_PASSWORD,
            "next": target,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url_for("visitation.queue")
