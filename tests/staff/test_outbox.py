"""The staff's (Demo-)udbakke: what was sent or would have been, and the dead letters
(issue 14: "A failing channel ends in the dead-letter state, visible to staff"; "Demo:
notifications go to a Demo-udbakke page that staff can open")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.domain.notifications import Channel, DeliveryStatus, NotificationEvent
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, NotificationPreference
from selvvisitation.services.notification_delivery import deliver_due
from selvvisitation.services.notifications import queue_notification
from tests.pages import sign_in_staff


@pytest.fixture
def family(factories):
    consent = factories.Consent(citizen__name="Inger Hansen", relative__name="Lise Hansen")
    citizen, relative = consent.citizen, consent.relative
    db.session.add_all(
        [
            NotificationPreference(
                citizen_id=citizen.id, channel=Channel.DIGITAL_POST, topics=["letters"]
            ),
            NotificationPreference(
                citizen_id=citizen.id,
                relative_id=relative.id,
                channel=Channel.SMS,
                mobile="+4520304050",
                topics=["letters"],
            ),
        ]
    )
    db.session.commit()
    queue_notification(
        db.session,
        citizen_id=citizen.id,
        event=NotificationEvent.DECISION_OR_LETTER,
        params={"decision_id": 1},
    )
    db.session.commit()
    return citizen


def test_the_visitator_sees_the_demo_outbox_and_the_dead_letters(app, page, factories, family):
    # Digital Post has no folder (dead-letter); the SMS goes by the demo transport.
    deliver_due(
        db.session,
        {**app.config, "NOTIFY_SMS_TRANSPORT": "demo", "NOTIFY_DIGITAL_POST_TRANSPORT": "adapter"},
    )
    visitator = factories.StaffUser(municipality=family.municipality, role=StaffRole.VISITATOR)
    sign_in_staff(page.client, visitator)
    soup = page.get("staff.outbox_page")
    assert soup.h1.get_text(strip=True) == "Demo-udbakke"
    (dead,) = soup.select(".app-dead-letters tbody tr")
    assert "Inger Hansen" in dead.get_text() and "Digital Post is off" in dead.get_text()
    items = soup.select(".app-outbox-item")
    assert len(items) == 2
    sms = next(item for item in items if "Lise Hansen" in item.get_text())
    assert "Vist her (demo)" in sms.get_text()
    assert "Der er nyt til dig i Selvvisitation" in sms.select_one("pre").get_text()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.purpose == "notification_outbox")
    ).one()
    assert entry.citizen_id == family.id and entry.actor_staff_id == visitator.id


def test_another_municipalitys_outbox_is_not_shown(page, factories, family):
    other = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN)
    sign_in_staff(page.client, other)
    soup = page.get("staff.outbox_page")
    assert soup.select(".app-outbox-item") == []


@pytest.mark.parametrize("role", [StaffRole.HOME_CARE_WORKER, StaffRole.SUPERVISOR])
def test_home_care_staff_and_supervisors_cannot_open_it(client, factories, family, role):
    staff = factories.StaffUser(municipality=family.municipality, role=role)
    sign_in_staff(client, staff)
    assert client.get("/personale/udbakke").status_code == 403


def test_a_waiting_notification_is_shown_as_waiting(page, factories, family):
    admin = factories.StaffUser(municipality=family.municipality, role=StaffRole.MUNICIPALITY_ADMIN)
    sign_in_staff(page.client, admin)
    soup = page.get("staff.outbox_page")
    statuses = {
        item.select_one("strong").get_text(strip=True) for item in soup.select(".app-outbox-item")
    }
    assert statuses == {"Venter på at blive sendt"}
    assert DeliveryStatus.PENDING.value == "pending"
