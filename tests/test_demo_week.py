"""The demo's week of notifications (issue 14, done-when: "what a relative receives over a
week in the demo, shown as the demo outbox lists it").

The week is played through the real services (demo/week.py) at the moments of the story, so
the outbox rows are the services' own. Each notification carries no CPR number and nobody's
own words (they may hold health detail); an SMS says only that there is news, with a link.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from selvvisitation.demo.seed import build_demo
from selvvisitation.demo.week import (
    DAUGHTER_EMAIL,
    FREE_TEXTS,
    GRANDSON_MOBILE,
    WEEK_DAYS,
    play_demo_week,
)
from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.notifications import Channel, DeliveryStatus
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Notification, Relative, StaffUser
from tests.pages import sign_in_staff

TODAY = date(2026, 11, 23)  # a Monday
LINK = "https://selvvisitation.test"
# Words from what the family and the staff wrote during the week: none may reach a message.
HEALTH_WORDS = ("fodterapeut", "benene", "opvask", "badekar", "syg", "frisør")


@pytest.fixture
def week():
    with time_machine.travel(datetime.combine(TODAY, time(10), LOCAL), tick=False):
        result = build_demo(db.session, today=TODAY)
        db.session.commit()
        played = play_demo_week(db.session, result.municipality, TODAY)
        assert played is not None
        yield played


def _rows(**where) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .filter_by(**where)
            .order_by(Notification.created_at, Notification.id)
        )
    )


def _when(row: Notification) -> tuple[int, str]:
    """Days before the seeding date, and the Danish time of day."""
    local = row.created_at.astimezone(LOCAL)
    return (TODAY - local.date()).days, local.strftime("%H:%M")


def test_each_of_the_family_hears_of_the_week_by_the_channel_and_the_news_they_chose(week):
    """Susanne (daughter) chose e-mail and everything, the visit carried out too."""
    rows = _rows(relative_id=week.daughter.id)
    assert [(*_when(row), row.event.value) for row in rows] == [
        (7, "08:15", "visit_carried_out"),
        (7, "10:55", "visit_carried_out"),  # the Monday's practical help
        (7, "11:00", "decision_or_letter"),
        (6, "08:15", "visit_carried_out"),
        (6, "14:30", "swap_accepted"),
        (5, "08:15", "visit_carried_out"),
        (5, "11:05", "swap_declined"),
        (4, "08:15", "visit_carried_out"),
        (4, "09:10", "move_accepted"),
        (4, "13:20", "visit_cancelled"),
        (3, "07:45", "visit_carried_out"),
        (3, "15:00", "visit_moved"),
        (2, "08:15", "visit_carried_out"),
        (2, "11:15", "reassessment_booked"),
        (2, "13:40", "new_message"),
        (1, "07:45", "visit_carried_out"),
    ]
    assert {(row.channel, row.recipient) for row in rows} == {(Channel.EMAIL, DAUGHTER_EMAIL)}
    assert all("Det drejer sig om hjælpen til Inger." in row.body for row in rows)
    # Sent by the demo transport: the Demo-udbakke lists them as shown there only.
    assert {(row.status, row.transport) for row in rows} == {(DeliveryStatus.SENT, "demo")}

    # Her grandson chose SMS for changes to the visits and messages: it says only there is news.
    rows = _rows(relative_id=week.grandson.id)
    assert [row.event.value for row in rows] == ["visit_cancelled", "visit_moved", "new_message"]
    for row in rows:
        assert (row.channel, row.recipient) == (Channel.SMS, GRANDSON_MOBILE)
        assert row.subject == "Nyt i Selvvisitation"
        assert row.body == f"Der er nyt til dig i Selvvisitation. Log ind for at se det: {row.link}"
        assert row.link.startswith(LINK + "/borger/")

    # Inger herself, by Digital Post: among the rest, that her daughter acted for her.
    rows = _rows(citizen_id=week.citizen.id, relative_id=None)
    assert {row.channel for row in rows} == {Channel.DIGITAL_POST}
    assert "visit_carried_out" not in {row.event.value for row in rows}  # not her choice
    (acted,) = [row for row in rows if row.event.value == "relative_acted"]
    assert _when(acted) == (5, "19:20")
    assert acted.body.startswith("En pårørende har bedt om at flytte et besøg for dig.")
    assert acted.recipient == ""  # Digital Post finds her by CPR number at delivery


def test_the_demo_udbakke_lists_the_week_and_no_message_holds_a_cpr_number_or_own_words(week, page):
    rows = _rows()
    assert len(rows) >= 25
    first = datetime.combine(TODAY - timedelta(days=WEEK_DAYS + 1), time(), LOCAL)
    assert all(first <= row.created_at < datetime.combine(TODAY, time(), LOCAL) for row in rows)
    cprs = [c.cpr for c in db.session.scalars(select(Citizen))]
    cprs += [r.cpr for r in db.session.scalars(select(Relative)) if r.cpr]
    for row in rows:
        text = f"{row.subject}\n{row.body}"
        assert not any(cpr in text for cpr in cprs)
        assert re.search(r"\d{6}-?\d{4}", text) is None
        assert not any(free in text for free in FREE_TEXTS)
        assert not any(word in text.lower() for word in HEALTH_WORDS), text

    visitator = db.session.scalars(
        select(StaffUser).where(StaffUser.role == StaffRole.VISITATOR)
    ).first()
    visitator.session_nonce = "demo-week"  # as a sign-in sets it
    db.session.commit()
    sign_in_staff(page.client, visitator)
    soup = page.get("staff.outbox_page")
    assert soup.h1.get_text(strip=True) == "Demo-udbakke"
    hers = [
        item
        for item in soup.select(".app-outbox-item")
        if "Susanne Jensen, pårørende til Inger Jensen" in item.get_text()
    ]
    assert len(hers) == 16
    assert hers[0].h3.get_text(strip=True) == "Besøget er gennemført"  # newest first
    assert all("Vist her (demo)" in item.select_one("strong").get_text() for item in hers)
    assert soup.select(".app-dead-letters") == []
