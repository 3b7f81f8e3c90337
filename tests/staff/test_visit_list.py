"""The team's visits for the day and the week, with the citizen's wishes marked (issue 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import url_for
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.clock import FALL_BACK_EVE, MONDAY, copenhagen
from tests.pages import sign_in_citizen, sign_in_staff
from tests.staff.helpers import other_team_staff, preference, visit_scene, wished_swap

# The day list reads the Danish day and shows Copenhagen time: a fixed winter Monday.
pytestmark = pytest.mark.today(MONDAY)


def texts(soup, selector):
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def test_the_worker_sees_the_team_visits_of_the_day_with_services_and_time_frame(
    client, page, factories
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits", vis="team")
    assert soup.h1.get_text(strip=True) == "Dagens besøg"
    [visit] = soup.select(".app-visit")
    assert "Inger Jensen" in visit.select_one("h2").get_text()
    assert "09:00–10:00" in visit.select_one("h2").get_text()  # Copenhagen time
    assert texts(visit, ".app-planned li") == ["Støvsugning (30 minutter)", "Bad (30 minutter)"]
    assert "Tidsramme: 60 minutter" in texts(visit, ".app-visit-facts")[0]


def test_how_to_get_in_is_on_the_list_and_the_visit_page(client, page, factories):
    # Issue 12, the home-care worker 1: address, key-box note, phone, time window and
    # wishes in one glance. The note comes from the planning system (docs/import-format.md).
    scene = visit_scene(factories)
    scene.citizen.access_note = "Nøgleboks ved bagdøren"
    other = factories.Citizen(municipality=scene.citizen.municipality, team=scene.citizen.team)
    factories.Visit(citizen=other, day=scene.visit.day)
    db.session.commit()
    sign_in_staff(client, scene.worker)

    soup = page.get("staff.visits", vis="team")

    assert texts(soup, ".app-visit-access") == ["Adgang: Nøgleboks ved bagdøren"]  # one visit
    record = page.get("staff.record_visit", visit_id=scene.visit.id)
    assert texts(record, ".app-visit-access") == ["Adgang: Nøgleboks ved bagdøren"]


def test_the_night_shift_sees_the_danish_day_not_the_server_s(client, page, factories):
    """At 00:30 in Denmark the server's clock (UTC) still says yesterday; the night shift
    must see today's visits, the Danish day (domain/dates.py)."""
    with time_machine.travel(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), tick=False):
        scene = visit_scene(factories, day=date(2026, 11, 23))
        sign_in_staff(client, scene.worker)
        soup = page.get("staff.visits")
    [visit] = soup.select(".app-visit")
    assert "Inger Jensen" in visit.select_one("h2").get_text()


@pytest.mark.today(copenhagen(date(2026, 7, 1), 9))
def test_in_summer_the_list_shows_copenhagen_summer_time(client, page, factories):
    # The factory's visit starts 08:00 UTC: 10:00 in Danish summer time (CEST, UTC+2).
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits", vis="team")
    [visit] = soup.select(".app-visit")
    assert "10:00–11:00" in visit.select_one("h2").get_text()


@pytest.mark.today(FALL_BACK_EVE + timedelta(hours=1))
def test_the_25_hour_day_when_summer_time_ends_lists_every_visit_of_the_danish_day(
    client, page, factories
):
    """Sunday 25 October 2026: 02:00-03:00 comes twice, and the day ends at 23:00 UTC."""
    day = date(2026, 10, 25)
    scene = visit_scene(factories, day=day)
    team = dict(citizen=scene.citizen, team=scene.citizen.team, day=day)
    moments = {
        "first 02:30 (CEST)": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        "second 02:30 (CET)": datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        "23:30 (CET)": datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
    }
    scene.visit.starts_at = moments.pop("first 02:30 (CEST)")
    scene.visit.ends_at = scene.visit.starts_at + timedelta(minutes=15)
    for starts in moments.values():
        factories.Visit(**team, starts_at=starts, ends_at=starts + timedelta(minutes=15))
    # The day before and after in Denmark, though the same UTC date as two of the above.
    factories.Visit(**team | {"day": day - timedelta(days=1)})
    factories.Visit(**team | {"day": day + timedelta(days=1)})
    db.session.commit()
    sign_in_staff(client, scene.worker)

    soup = page.get("staff.visits", vis="team")

    assert [h.get_text(" ", strip=True)[:11] for h in soup.select(".app-visit h2")] == [
        "02:30–02:45",
        "02:30–02:45",
        "23:30–23:45",
    ]


def test_another_team_visits_are_never_listed(client, page, factories):
    scene = visit_scene(factories)
    other = factories.Citizen(municipality=scene.citizen.municipality, name="Poul Hansen")
    factories.Visit(citizen=other)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits")
    assert [h.get_text() for h in soup.select(".app-visit h2") if "Poul" in h.get_text()] == []


def test_a_swap_for_the_visit_a_standing_swap_and_a_preference_are_marked_as_wishes(
    client, page, factories
):
    scene = visit_scene(factories)
    s = scene.services
    wished_swap(
        scene.citizen, drop=s["PH-STOEV"], add=s["FL-GAATUR"], visit=scene.visit, reference="R-1"
    )
    today = local_today()
    wished_swap(
        scene.citizen,
        drop=s["PP-BAD"],
        add=s["PH-VINDUE"],
        reference="R-2",
        period=(today - timedelta(days=1), today + timedelta(days=3)),
    )
    wished_swap(
        scene.citizen,
        drop=s["PP-BAD"],
        add=s["PH-VINDUE"],
        reference="R-3",
        period=(today + timedelta(days=5), today + timedelta(days=9)),
    )
    preference(scene.citizen, "Vil gerne have den blå kjole på")
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits")
    wishes = soup.select_one(".app-visit .app-wishes")
    assert wishes is not None
    titles = texts(wishes, ".app-wish-title")
    assert len(titles) == 2  # R-3 starts after today
    assert titles[0].startswith("Bytte til dette besøg")
    assert titles[1].startswith("Fast bytte")
    assert "Fravælger: Støvsugning (30 minutter)" in texts(wishes, ".app-swap-lines li")
    assert "I stedet: Gåtur (30 minutter)" in texts(wishes, ".app-swap-lines li")
    assert texts(wishes, ".app-wish-list li") == ["Tøj: Vil gerne have den blå kjole på"]


def test_a_visit_without_wishes_has_no_wish_mark(client, page, factories):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits")
    assert soup.select(".app-wishes") == []


def test_day_navigation_shows_the_chosen_day(client, page, factories):
    tomorrow = local_today() + timedelta(days=1)
    scene = visit_scene(factories, day=tomorrow)
    sign_in_staff(client, scene.worker)
    assert page.get("staff.visits").select(".app-visit") == []
    soup = page.get("staff.visits", dag=tomorrow.isoformat())
    assert soup.h1.get_text(strip=True) == "Mine besøg"
    assert len(soup.select(".app-visit")) == 1
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".app-day-nav a")}
    assert f"dag={local_today().isoformat()}" in links["Forrige dag"]
    assert f"dag={(tomorrow + timedelta(days=1)).isoformat()}" in links["Næste dag"]


@pytest.mark.parametrize("bad", ["i-morgen", "2026-13-45", "", "<script>"])
def test_a_day_that_is_not_a_date_shows_today(client, page, factories, bad):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits", dag=bad)
    assert soup.h1.get_text(strip=True) == "Mine besøg i dag"
    assert len(soup.select(".app-visit")) == 1


def test_the_week_view_lists_every_day_of_the_week_with_the_visits(client, page, factories):
    scene = visit_scene(factories)
    scene_day = scene.visit.day
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.week", uge=scene_day.isoformat())
    assert soup.h1.get_text(strip=True) == f"Besøg i uge {scene_day.isocalendar().week}"
    assert len(soup.select(".app-week-day")) == 7
    assert "Inger Jensen" in " ".join(texts(soup, ".app-week-visit"))


def test_a_team_leader_sees_the_team_visits_too(client, page, factories):
    scene = visit_scene(factories, role=StaffRole.TEAM_LEADER)
    sign_in_staff(client, scene.worker)
    assert len(page.get("staff.visits").select(".app-visit")) == 1


def test_reading_the_visits_is_audited_per_citizen(client, page, factories):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    page.get("staff.visits")
    entries = db.session.scalars(select(AuditEntry)).all()
    assert [(e.action, e.citizen_id, e.actor_staff_id) for e in entries] == [
        ("read", scene.citizen.id, scene.worker.id)
    ]


@pytest.mark.parametrize("role", [StaffRole.VISITATOR, StaffRole.MUNICIPALITY_ADMIN])
def test_other_staff_roles_cannot_open_the_team_visits(client, factories, role):
    scene = visit_scene(factories)
    other = factories.StaffUser(municipality=scene.citizen.municipality, role=role)
    sign_in_staff(client, other)
    assert client.get("/personale/besoeg").status_code == 403
    assert client.get("/personale/uge").status_code == 403


def test_a_citizen_cannot_open_the_team_visits(client, factories):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    assert client.get("/personale/besoeg").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def _colleague_visit(factories, scene, *, hour: int, planned_for, name: str):
    citizen = factories.Citizen(
        municipality=scene.citizen.municipality,
        team=scene.citizen.team,
        provider=scene.citizen.provider,
        name=name,
    )
    day = scene.visit.day
    return factories.Visit(
        citizen=citizen,
        team=scene.visit.team,
        day=day,
        starts_at=datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC),
        planned_staff_id=planned_for.id if planned_for else None,
    )


def test_the_worker_s_list_starts_with_her_own_visits_in_time_order_and_the_team_one_tap_away(
    client, page, factories
):
    """Issue 12, the home-care worker 1: "Mine besøg i dag" in time order; the team's list
    one tap away, a plain link (no script)."""
    scene = visit_scene(factories)  # 09:00 Copenhagen, planned for her
    colleague = other_team_staff(factories, scene)
    colleague.team = scene.worker.team
    _colleague_visit(factories, scene, hour=6, planned_for=scene.worker, name="Anna Early")
    _colleague_visit(factories, scene, hour=7, planned_for=colleague, name="Bent Colleague")
    _colleague_visit(factories, scene, hour=10, planned_for=None, name="Carl Unplanned")
    db.session.commit()
    sign_in_staff(client, scene.worker)

    soup = page.get("staff.visits")
    assert soup.h1.get_text(strip=True) == "Mine besøg i dag"
    headings = [h.get_text(" ", strip=True) for h in soup.select(".app-visit h2")]
    assert [h.split(" ", 1)[1] for h in headings] == ["Anna Early", "Inger Jensen"]
    tabs = {a.get_text(strip=True): a for a in soup.select(".app-list-tabs a")}
    assert tabs["Mine (2)"]["aria-current"] == "page"
    assert "vis=team" in tabs["Hele teamet (4)"]["href"]

    team = page.get_url(tabs["Hele teamet (4)"]["href"])
    assert team.h1.get_text(strip=True) == "Dagens besøg"
    assert len(team.select(".app-visit")) == 4
    # The day navigation keeps the chosen list.
    assert all("vis=team" in a["href"] for a in team.select(".app-day-nav a")[:2])


def test_a_team_leader_s_list_starts_with_the_team(client, page, factories):
    scene = visit_scene(factories, role=StaffRole.TEAM_LEADER)
    _colleague_visit(factories, scene, hour=7, planned_for=None, name="Carl Unplanned")
    db.session.commit()
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits")
    assert soup.h1.get_text(strip=True) == "Dagens besøg"
    assert len(soup.select(".app-visit")) == 2


def test_each_visit_shows_the_address_and_the_citizen_s_phone_as_a_call_link(
    client, page, factories
):
    """Issue 12: address, phone, time window and wishes at a glance."""
    scene = visit_scene(factories)
    scene.citizen.address = "Vestergade 3, 8000 Aarhus C"
    scene.citizen.phone = "86 12 34 56"
    db.session.commit()
    sign_in_staff(client, scene.worker)
    [visit] = page.get("staff.visits").select(".app-visit")
    assert visit.select_one(".app-visit-address").get_text() == "Vestergade 3, 8000 Aarhus C"
    call = visit.select_one("a.app-visit-phone")
    assert call["href"] == "tel:86123456"
    assert call.get_text(" ", strip=True) == "Ring til Inger Jensen: 86 12 34 56"


def test_each_visit_links_to_its_record_as_it_stands_and_a_cancelled_one_has_none(
    client, page, factories
):
    """Issue 12, the home-care worker 1: record the visit in a few taps from the list; a
    recorded visit opens its record, a cancelled one has nothing to record (issue 14). The
    links are made once for the page (staff/day_page.py), as url_for makes them."""
    scene = visit_scene(factories)  # 09:00, open
    recorded = _colleague_visit(factories, scene, hour=10, planned_for=scene.worker, name="Bo")
    recorded.recorded_at = datetime(2026, 1, 1, tzinfo=UTC)
    cancelled = _colleague_visit(factories, scene, hour=11, planned_for=scene.worker, name="Eva")
    cancelled.cancelled = True
    db.session.commit()
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits")
    open_, done, gone = soup.select(".app-visit")
    [record] = open_.select("a.button")
    assert record["href"] == url_for("staff.record_visit", visit_id=scene.visit.id)
    assert record["class"] == ["button", "button-primary"]
    assert record.get_text(" ", strip=True) == "Registrér besøget – Inger Jensen 09:00"
    [see] = done.select("a.button")
    assert see["href"] == url_for("staff.record_visit", visit_id=recorded.id)
    assert see["class"] == ["button", "button-secondary"]
    assert see.get_text(" ", strip=True) == "Se registreringen – Bo 11:00"
    assert gone.select("a.button") == []


def test_the_call_link_names_the_citizen_as_written_and_in_english_too(client, page, factories):
    """The screen reader's "Ring til …" is the catalogue's text with her name as it is,
    never read as markup; an English page says "Call" (Babel)."""
    scene = visit_scene(factories)
    scene.citizen.name = "Inger <b>Jensen</b> & 100 %"
    scene.citizen.phone = "86 12 34 56"
    db.session.commit()
    sign_in_staff(client, scene.worker)
    call = page.get("staff.visits").select_one("a.app-visit-phone")
    assert call.select_one(".sr-only").get_text() == "Ring til Inger <b>Jensen</b> & 100 %: "
    assert call.select("b") == []
    with client.session_transaction() as session:
        session["lang"] = "en"
    call = page.get("staff.visits").select_one("a.app-visit-phone")
    assert call.get_text(" ", strip=True) == "Call Inger <b>Jensen</b> & 100 %: 86 12 34 56"
