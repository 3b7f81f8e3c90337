"""queue_notification: outbox rows by each recipient's settings, in the caller's transaction
(issue 14: "Notifications are written to an outbox table in the same transaction as the
event (the transactional outbox pattern)")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.notifications import Channel, DeliveryStatus, NotificationEvent
from selvvisitation.extensions import db
from selvvisitation.models import Notification, NotificationPreference
from selvvisitation.services.notifications import queue_notification
from tests.clock import MONDAY

pytestmark = pytest.mark.today(MONDAY)


def _prefer(citizen, relative=None, *, channel, topics, email="", mobile="", language=""):
    db.session.add(
        NotificationPreference(
            citizen_id=citizen.id,
            relative_id=relative.id if relative else None,
            channel=channel,
            email=email,
            mobile=mobile,
            topics=topics,
            language=language,
        )
    )
    db.session.commit()


def _count() -> int:
    return db.session.scalar(select(func.count(Notification.id))) or 0


@pytest.fixture
def family(factories):
    consent = factories.Consent(citizen__name="Inger Hansen")
    citizen, relative = consent.citizen, consent.relative
    _prefer(
        citizen, channel=Channel.SMS, topics=["answers", "relative_acted"], mobile="+4520304050"
    )
    _prefer(
        citizen,
        relative,
        channel=Channel.EMAIL,
        topics=["answers", "visit_changes"],
        email="datter@example.dk",
        language="en",
    )
    return citizen, relative, consent


def test_one_row_per_recipient_and_channel_by_their_choices(family):
    citizen, relative, _ = family
    rows = queue_notification(
        db.session,
        citizen_id=citizen.id,
        event=NotificationEvent.SWAP_DECLINED,
        params={"swap_id": 7, "reason": "hygiene"},
    )
    db.session.commit()
    assert {(r.channel, r.recipient) for r in rows} == {
        (Channel.SMS, "+4520304050"),
        (Channel.EMAIL, "datter@example.dk"),
    }
    assert all(r.status == DeliveryStatus.PENDING and r.attempts == 0 for r in rows)
    email = next(r for r in rows if r.channel == Channel.EMAIL)
    # The relative chose English; she is told whose help it is about, by first name.
    assert email.language == "en" and "help for Inger" in email.body
    sms = next(r for r in rows if r.channel == Channel.SMS)
    assert "Inger" not in sms.body and sms.link in sms.body


def test_a_topic_not_chosen_writes_nothing_for_that_recipient(family):
    citizen, relative, _ = family
    rows = queue_notification(
        db.session,
        citizen_id=citizen.id,
        event=NotificationEvent.VISIT_CANCELLED,
        params={"visit_id": 3},
    )
    assert [r.relative_id for r in rows] == [relative.id]


def test_relative_acted_goes_to_the_citizen_only(family):
    citizen, _, _ = family
    rows = queue_notification(
        db.session,
        citizen_id=citizen.id,
        event=NotificationEvent.RELATIVE_ACTED,
        params={"swap_id": 4},
    )
    assert [r.relative_id for r in rows] == [None]


def test_the_same_event_twice_writes_its_rows_once(family):
    citizen, _, _ = family
    first = queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.SWAP_ACCEPTED, params={"s": 1}
    )
    db.session.commit()
    again = queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.SWAP_ACCEPTED, params={"s": 1}
    )
    db.session.commit()
    assert [r.id for r in again] == [r.id for r in first]
    assert _count() == 2


def test_rows_are_rolled_back_with_the_event(family):
    citizen, _, _ = family
    queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.SWAP_ACCEPTED, params={"s": 2}
    )
    db.session.rollback()  # the event's transaction failed: nothing is told
    assert _count() == 0


def test_a_relative_whose_consent_was_revoked_is_told_nothing(family):
    citizen, _, consent = family
    consent.revoked_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    rows = queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.SWAP_ACCEPTED, params={"s": 3}
    )
    assert [r.relative_id for r in rows] == [None]


def test_without_settings_nobody_is_told(factories):
    citizen = factories.Citizen()
    rows = queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.NEW_MESSAGE, params={"m": 1}
    )
    assert rows == [] and _count() == 0


def test_digital_post_rows_hold_no_address_and_no_cpr_number(factories):
    citizen = factories.Citizen()
    _prefer(citizen, channel=Channel.DIGITAL_POST, topics=["letters"])
    (row,) = queue_notification(
        db.session,
        citizen_id=citizen.id,
        event=NotificationEvent.DECISION_OR_LETTER,
        params={"decision_id": 1},
    )
    assert row.recipient == ""
    assert citizen.cpr not in row.body
