""" "Mine besøg" (issue 14): the next 4 weeks, who is coming, what is planned, what changed."""

from __future__ import annotations

from datetime import timedelta

from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, CalendarLook
from tests.pages import sign_in_citizen, sign_in_relative
from tests.visits.scene import TODAY, at, visit_scene


def texts(soup, selector):
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def test_the_calendar_shows_day_time_window_worker_and_what_is_planned(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.calendar")
    assert soup.h1.get_text(strip=True) == "Mine besøg"
    visits = soup.select(".app-calendar-visit")
    assert len(visits) == 3
    first = visits[0]
    assert first.h2.get_text(" ", strip=True).startswith("Tirsdag 3. marts 2026")
    facts = texts(first, ".app-visit-facts dd")
    assert facts == [
        "tirsdag 3. marts 2026 mellem 10:00 og 11:00",
        "Mette",  # the first name only
        "Støvsugning",
    ]


def test_an_unknown_worker_is_someone_from_the_team(client, page, factories, clock):
    scene = visit_scene(factories, planned_worker=False)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.calendar")
    assert texts(soup, ".app-visit-facts dd")[1] == "en fra Team Nord"


def test_visits_after_four_weeks_and_before_today_are_not_shown(client, page, factories, clock):
    scene = visit_scene(factories)
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=28)):
        factories.Visit(citizen=scene.citizen, day=day, starts_at=at(day, 9), ends_at=at(day, 10))
    factories.Visit(
        citizen=scene.citizen,
        day=TODAY + timedelta(days=27),
        starts_at=at(TODAY + timedelta(days=27), 9),
        ends_at=at(TODAY + timedelta(days=27), 10),
    )
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.calendar")
    assert len(soup.select(".app-calendar-visit")) == 4


def test_changes_since_the_last_look_are_marked_in_words(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    first = page.get("citizen.calendar")
    assert first.select(".app-changed") == []  # never looked before: nothing to compare
    assert db.session.query(CalendarLook).count() == 1
    clock.shift(timedelta(minutes=5))
    page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    clock.shift(timedelta(minutes=5))
    soup = page.get("citizen.calendar")
    assert texts(soup, ".app-changed") == ["Ændret"]
    assert "1 besøg er ændret siden du sidst kiggede" in soup.select_one("[role=status]").get_text()
    cancelled = soup.select(".app-calendar-visit")[0]
    assert "Aflyst" in texts(cancelled, ".app-cancelled")
    assert texts(cancelled, ".app-visit-change") == [
        "Du har aflyst dette besøg. Aflyst mandag 2. marts 2026 kl. 09:05. "
        "Årsag: Jeg har familie på besøg."
    ]
    clock.shift(timedelta(minutes=5))
    assert page.get("citizen.calendar").select(".app-changed") == []  # seen now


def test_the_calendar_can_be_printed_and_is_linked_from_the_front_page(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.calendar")
    assert soup.select_one("[data-print]").get_text(strip=True) == "Udskriv kalenderen"
    assert any("calendar.css" in link["href"] for link in soup.select("link[rel=stylesheet]"))
    front = page.get("citizen.index")
    assert front.find("a", href="/borger/besoeg") is not None


def test_a_relative_with_consent_sees_the_calendar_and_the_read_is_logged(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, scene.citizen)
    soup = page.get("citizen.calendar")
    assert soup.h1.get_text(strip=True) == "Inger Jensens besøg"
    assert soup.select(".app-visit-actions") == []  # seeing is not acting
    reads = db.session.query(AuditEntry).filter_by(
        citizen_id=scene.citizen.id, object_type="visit_calendar", purpose="relative_view"
    )
    assert reads.count() == 1


def test_a_relative_without_consent_is_refused(client, factories, clock):
    scene = visit_scene(factories)
    stranger = factories.Relative()
    sign_in_relative(client, stranger, scene.citizen)
    assert client.get("/borger/besoeg").status_code == 403


def test_the_calendar_shows_the_citizen_s_swap_for_a_visit(client, page, factories, clock):
    from tests.staff.helpers import wished_swap

    scene = visit_scene(factories)
    wished_swap(
        scene.citizen,
        drop=scene.services["vacuum"],
        add=scene.services["bath"],
        visit=scene.practical,
        reference="BYT-1",
    )
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.calendar")
    wishes = texts(soup, ".app-calendar-wishes li")
    assert wishes == ["Skift ud: Støvsugning → Bad (venter på svar)"]
