"""The visit calendar as an iCalendar feed (issue 14): personal, secret, revocable, logged."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, CalendarFeed, utcnow
from selvvisitation.services.calendar_feed import token_hash
from tests.pages import (
    check_page,
    citizen_acted_for,
    csrf_token,
    sign_in_citizen,
    sign_in_relative,
)
from tests.visits.scene import at, visit_scene

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _make_link(client) -> str:
    response = client.post(
        "/borger/besoeg/kalenderlink",
        data={"csrf_token": csrf_token(client), "citizen": citizen_acted_for(client)},
    )
    assert response.status_code == 201
    soup = check_page(response.get_data(as_text=True))
    url = soup.select_one("#calendar-url")["value"]
    assert re.fullmatch(r"http://[^/]+/kalender/[A-Za-z0-9_-]{40,}\.ics", url), url
    return urlparse(url).path


def test_a_relative_makes_a_link_that_parses_with_the_copenhagen_time_zone(
    client, factories, clock
):
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, scene.citizen)
    path = _make_link(client)
    response = client.application.test_client().get(path)  # a calendar app: no session
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Copenhagen"
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    first = events[0]
    start = first.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Copenhagen"
    assert start == at(scene.practical.day, 10).astimezone(COPENHAGEN)
    assert start.hour == 10  # Danish wall-clock time
    assert str(first["SUMMARY"]) == "Besøg fra hjemmeplejen"
    assert str(first["DESCRIPTION"]) == "Støvsugning"


def test_the_feed_carries_no_cpr_number_and_no_notes(client, factories, clock):
    scene = visit_scene(factories)
    scene.practical.note = "Husk insulin i køleskabet"
    db.session.commit()
    sign_in_citizen(client, scene.citizen)
    body = client.get(_make_link(client)).get_data(as_text=True)
    cpr = scene.citizen.cpr
    assert cpr not in body and cpr[:6] not in body
    assert "insulin" not in body
    assert scene.citizen.name not in body


def test_only_the_token_s_hash_is_stored(client, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    path = _make_link(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = db.session.scalars(select(CalendarFeed)).one()
    assert feed.token_hash == token_hash(token) and token not in feed.token_hash


def test_each_use_is_logged(client, factories, clock):
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, scene.citizen)
    path = _make_link(client)
    client.get(path)
    client.get(path)
    db.session.rollback()
    uses = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "calendar_feed", AuditEntry.action == "read"
        )
    ).all()
    assert len(uses) == 2
    assert {u.purpose for u in uses} == {"calendar_feed"}
    assert {u.actor_relative_id for u in uses} == {consent.relative.id}


def test_a_revoked_link_answers_404(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    path = _make_link(client)
    assert client.get(path).status_code == 200
    soup = page.get("citizen.calendar")
    feed_id = soup.select_one(".app-calendar-feed input[name=feed_id]")["value"]
    page.post("citizen.revoke_calendar_link", {"feed_id": feed_id})
    assert client.get(path).status_code == 404
    assert page.get("citizen.calendar").select(".app-calendar-feed input[name=feed_id]") == []


def test_an_unknown_link_answers_404(client, factories, clock):
    assert client.get("/kalender/ikke-et-link.ics").status_code == 404


def test_a_relative_s_link_dies_with_her_consent(client, factories, clock):
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, scene.citizen)
    path = _make_link(client)
    consent.revoked_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_nobody_revokes_another_reader_s_link(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    path = _make_link(client)
    feed = db.session.scalars(select(CalendarFeed)).one()
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.ACT)
    sign_in_relative(client, consent.relative, scene.citizen)
    page.post("citizen.revoke_calendar_link", {"feed_id": str(feed.id)})
    assert client.get(path).status_code == 200
