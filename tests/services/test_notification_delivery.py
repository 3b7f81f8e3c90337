"""The delivery worker and its channels, against a real SMTP server and a real HTTP SMS
gateway started by the tests (issue 14: "Notifications are delivered by SMTP to the test's
SMTP server and by HTTP to the test's SMS gateway"; "A killed worker loses nothing, and a
second worker sends nothing twice"; "A failing channel ends in the dead-letter state")."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.notifications import Channel, DeliveryStatus, NotificationEvent
from selvvisitation.extensions import db
from selvvisitation.models import Notification, NotificationPreference
from selvvisitation.services.notification_channels import sms_body
from selvvisitation.services.notification_delivery import claim_batch, deliver_due
from selvvisitation.services.notifications import queue_notification

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand: back-off and leases without sleeping."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _config(app, **overrides):
    return {**app.config, **overrides}


def _smtp(app, inbox, **overrides):
    return _config(
        app,
        NOTIFY_EMAIL_TRANSPORT="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=inbox.port,
        MAIL_DEFAULT_SENDER="selvvisitation@testby.dk",
        MAIL_TIMEOUT=10,
        **overrides,
    )


def _queue(citizen, channel, count=1, **contact):
    db.session.add(
        NotificationPreference(
            citizen_id=citizen.id, channel=channel, topics=["messages"], **contact
        )
    )
    db.session.commit()
    rows = []
    for number in range(count):
        rows += queue_notification(
            db.session,
            citizen_id=citizen.id,
            event=NotificationEvent.NEW_MESSAGE,
            params={"message_id": number},
        )
    db.session.commit()
    for row in rows:  # written "now"; the test's clock starts at START
        row.next_attempt_at = START - timedelta(minutes=1)
    db.session.commit()
    return [row.id for row in rows]


def _rows() -> list[Notification]:
    db.session.rollback()  # a fresh read: an open SQLite read would see an old snapshot
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_an_email_is_delivered_over_smtp_with_its_idempotency_key(app, factories, smtp_inbox):
    citizen = factories.Citizen()
    _queue(citizen, Channel.EMAIL, email="inger@example.dk")
    report = deliver_due(db.session, _smtp(app, smtp_inbox), clock=Clock())
    assert (report.sent, report.dead) == (1, 0)
    (message,) = smtp_inbox.messages
    (row,) = _rows()
    assert message["To"] == "inger@example.dk"
    assert message["Subject"] == "Du har fået en ny besked"
    assert message["X-Idempotency-Key"].strip() == row.idempotency_key  # folded: long
    assert message["Message-ID"].endswith("@testby.dk>")
    assert "https://selvvisitation.test/borger/" in message.get_content()
    assert (row.status, row.transport, row.attempts) == (DeliveryStatus.SENT, "smtp", 1)
    assert row.sent_at == START


def test_an_sms_is_posted_to_the_gateway_with_the_configured_body_and_credentials(
    app, factories, sms_gateway
):
    citizen = factories.Citizen()
    _queue(citizen, Channel.SMS, mobile="+4520304050")
    config = _config(
        app,
        NOTIFY_SMS_TRANSPORT="http",
        SMS_GATEWAY_URL=sms_gateway.url,
        SMS_GATEWAY_TOKEN="hemmelig",
        SMS_GATEWAY_BODY=(
            '{"recipients": [{"msisdn": "{to}"}], "message": "{text}", "from": "{sender}"}'
        ),
        SMS_GATEWAY_IDEMPOTENCY_HEADER="X-Request-Id",
        SMS_SENDER="Testby",
    )
    report = deliver_due(db.session, config, clock=Clock())
    assert report.sent == 1
    (request,) = sms_gateway.requests
    (row,) = _rows()
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer hemmelig"
    assert request["headers"]["X-Request-Id"] == row.idempotency_key
    assert request["body"]["recipients"] == [{"msisdn": "+4520304050"}]
    assert request["body"]["from"] == "Testby"
    assert request["body"]["message"].startswith("Der er nyt til dig i Selvvisitation.")
    assert row.status == DeliveryStatus.SENT and row.transport == "http"


def test_the_sms_body_escapes_the_text_so_it_cannot_break_the_json():
    row = Notification(recipient="+4520304050", body='Et "citat" og en \\ skråstreg')
    body = sms_body(row, {"SMS_GATEWAY_BODY": '{"text": "{text}"}'})
    import json

    assert json.loads(body)["text"] == 'Et "citat" og en \\ skråstreg'


def test_a_failing_smtp_server_is_retried_with_back_off_then_dead_lettered(
    app, factories, smtp_inbox
):
    smtp_inbox.answer = "451 Try again later"
    citizen = factories.Citizen()
    _queue(citizen, Channel.EMAIL, email="inger@example.dk")
    config = _smtp(app, smtp_inbox, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_BACKOFF_SECONDS=60)
    clock = Clock()
    assert deliver_due(db.session, config, clock=clock).retried == 1
    (row,) = _rows()
    assert (row.status, row.attempts, row.next_attempt_at) == (
        DeliveryStatus.PENDING,
        1,
        START + timedelta(seconds=60),
    )
    assert "SMTP" in row.last_error
    assert deliver_due(db.session, config, clock=clock).claimed == 0  # not due yet
    clock.at = START + timedelta(seconds=60)
    assert deliver_due(db.session, config, clock=clock).retried == 1
    (row,) = _rows()
    assert row.next_attempt_at == clock.at + timedelta(seconds=120)  # doubled
    clock.at += timedelta(seconds=120)
    assert deliver_due(db.session, config, clock=clock).dead == 1
    (row,) = _rows()
    assert (row.status, row.attempts) == (DeliveryStatus.DEAD, 3)
    clock.at += timedelta(days=1)
    assert deliver_due(db.session, config, clock=clock).claimed == 0  # dead stays dead
    assert smtp_inbox.messages == []


def test_a_gateway_that_refuses_the_request_dead_letters_at_once(app, factories, sms_gateway):
    sms_gateway.status = 400
    citizen = factories.Citizen()
    _queue(citizen, Channel.SMS, mobile="+4520304050")
    config = _config(app, NOTIFY_SMS_TRANSPORT="http", SMS_GATEWAY_URL=sms_gateway.url)
    assert deliver_due(db.session, config, clock=Clock()).dead == 1
    (row,) = _rows()
    assert row.status == DeliveryStatus.DEAD and "400" in row.last_error


def test_digital_post_writes_the_envelope_and_the_text_to_the_folder_once(app, factories, tmp_path):
    """The Digital Post channel goes through the letters' folder transport (issue 14): the
    envelope names the recipient by an opaque reference, never the CPR number; a row sent
    again after a worker died before marking it sent finds its envelope and writes nothing."""
    citizen = factories.Citizen()
    _queue(citizen, Channel.DIGITAL_POST)
    folder = tmp_path / "digital_post"
    config = _config(app, NOTIFY_DIGITAL_POST_TRANSPORT="adapter", DIGITAL_POST_FOLDER=folder)
    assert deliver_due(db.session, config, clock=Clock()).sent == 1
    (row,) = _rows()
    assert (row.status, row.transport) == (DeliveryStatus.SENT, "adapter")
    (envelope_file,) = folder.glob("*.json")
    envelope = json.loads(envelope_file.read_text("utf-8"))
    # With the municipality's code, as a decision letter's envelope names the citizen.
    assert envelope["recipient_reference"] == f"citizen:{citizen.municipality.code}:{citizen.id}"
    assert envelope["title"] == "Du har fået en ny besked"
    assert envelope["document_type"] == "underretning"
    text = (folder / envelope["document_file"]).read_text("utf-8")
    assert text == row.body and "https://selvvisitation.test/borger/" in text
    for path in folder.iterdir():
        assert citizen.cpr.encode() not in path.read_bytes()
        assert not path.name.startswith(".")  # no temporary file left behind
    written = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    row.status, row.attempts = DeliveryStatus.PENDING, 0  # as if the worker died before marking
    db.session.commit()
    assert deliver_due(db.session, config, clock=Clock()).sent == 1
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == written


def test_digital_post_without_a_folder_is_dead_lettered_with_a_clear_error(app, factories):
    citizen = factories.Citizen()
    _queue(citizen, Channel.DIGITAL_POST)
    config = _config(app, NOTIFY_DIGITAL_POST_TRANSPORT="adapter", DIGITAL_POST_FOLDER="")
    assert deliver_due(db.session, config, clock=Clock()).dead == 1
    (row,) = _rows()
    assert "Digital Post is off: DIGITAL_POST_FOLDER is empty" in row.last_error


def test_a_digital_post_folder_that_cannot_be_written_is_tried_again(app, factories, tmp_path):
    citizen = factories.Citizen()
    _queue(citizen, Channel.DIGITAL_POST)
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    config = _config(app, NOTIFY_DIGITAL_POST_TRANSPORT="adapter", DIGITAL_POST_FOLDER=blocked)
    assert deliver_due(db.session, config, clock=Clock()).retried == 1
    (row,) = _rows()
    assert row.status == DeliveryStatus.PENDING and "Digital Post folder" in row.last_error


def test_the_demo_transport_sends_nothing_and_marks_the_row_for_the_outbox_page(
    app, factories, smtp_inbox
):
    citizen = factories.Citizen()
    _queue(citizen, Channel.EMAIL, email="inger@example.dk")
    config = _config(app, NOTIFY_EMAIL_TRANSPORT="demo", MAIL_PORT=smtp_inbox.port)
    assert deliver_due(db.session, config, clock=Clock()).sent == 1
    (row,) = _rows()
    assert (row.status, row.transport) == (DeliveryStatus.SENT, "demo")
    assert smtp_inbox.messages == []


def test_a_worker_that_dies_after_claiming_loses_nothing(app, factories, smtp_inbox):
    """Death between claim and send: the claim is committed, the worker never comes back.
    When its lease has passed, the next worker sends every row, once."""
    citizen = factories.Citizen()
    ids = _queue(citizen, Channel.EMAIL, count=5, email="inger@example.dk")
    config = _smtp(app, smtp_inbox, NOTIFY_LEASE_SECONDS=300)
    claimed = claim_batch(db.session, worker="dies", now=START, lease_seconds=300, limit=10)
    assert sorted(claimed) == sorted(ids)
    db.session.remove()  # the dead worker's session is gone
    clock = Clock(START + timedelta(seconds=299))
    assert deliver_due(db.session, config, clock=clock).claimed == 0  # its lease still holds
    clock.at = START + timedelta(seconds=300)
    report = deliver_due(db.session, config, worker="next", clock=clock)
    assert report.sent == 5
    assert len(smtp_inbox.messages) == 5
    assert all(r.status == DeliveryStatus.SENT and r.claimed_by == "next" for r in _rows())


def test_a_worker_whose_lease_passed_does_not_send_what_another_has_claimed(
    app, factories, smtp_inbox
):
    from selvvisitation.services.notification_delivery import send_claimed

    citizen = factories.Citizen()
    (notification_id,) = _queue(citizen, Channel.EMAIL, email="inger@example.dk")
    config = _smtp(app, smtp_inbox)
    claim_batch(db.session, worker="slow", now=START, lease_seconds=60, limit=10)
    later = START + timedelta(seconds=61)
    claim_batch(db.session, worker="fast", now=later, lease_seconds=60, limit=10)
    outcome = send_claimed(
        db.session, notification_id, worker="slow", config=config, clock=Clock(later)
    )
    assert outcome == "skipped" and smtp_inbox.messages == []
    outcome = send_claimed(
        db.session, notification_id, worker="fast", config=config, clock=Clock(later)
    )
    assert outcome == "sent" and len(smtp_inbox.messages) == 1


def test_a_sent_row_is_never_sent_again(app, factories, smtp_inbox):
    citizen = factories.Citizen()
    _queue(citizen, Channel.EMAIL, email="inger@example.dk")
    config = _smtp(app, smtp_inbox)
    clock = Clock()
    deliver_due(db.session, config, clock=clock)
    clock.at += timedelta(days=30)
    assert deliver_due(db.session, config, clock=clock).claimed == 0
    assert len(smtp_inbox.messages) == 1


@pytest.mark.slow
def test_two_workers_side_by_side_send_every_row_exactly_once(app, factories, smtp_inbox):
    """On PostgreSQL FOR UPDATE SKIP LOCKED gives each worker other rows; on SQLite the
    claims take turns. Either way: every row once, none twice."""
    citizen = factories.Citizen()
    ids = _queue(citizen, Channel.EMAIL, count=40, email="inger@example.dk")
    config = _smtp(app, smtp_inbox, NOTIFY_BATCH_SIZE=5)
    reports = {}
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        with app.app_context():
            barrier.wait(10)
            reports[name] = deliver_due(db.session, config, worker=name, clock=Clock())
            db.session.remove()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(r.sent for r in reports.values()) == len(ids)
    keys = [m["X-Idempotency-Key"].strip() for m in smtp_inbox.messages]
    assert len(keys) == len(ids) == len(set(keys))
    rows = _rows()
    assert [(r.status, r.attempts) for r in rows] == [(DeliveryStatus.SENT, 1)] * len(ids)
    if db.engine.dialect.name == "postgresql":
        # Side by side for real: both workers sent some of the rows.
        assert {r.claimed_by for r in rows} == {"w1", "w2"}


@pytest.mark.slow
def test_a_worker_process_killed_mid_batch_loses_nothing(app, factories, smtp_inbox):
    """A real `flask deliver-notifications --once` process is killed (SIGKILL) while the
    SMTP server holds its first e-mail; the rows it claimed are sent by the next worker once
    its lease has passed, each once."""
    import os
    import signal
    import subprocess
    import sys

    citizen = factories.Citizen()
    ids = _queue(citizen, Channel.EMAIL, count=3, email="inger@example.dk")
    smtp_inbox.release = threading.Event()  # DATA waits: the worker hangs mid-batch
    env = {
        **os.environ,
        "SELVVISITATION_CONFIG": "test",
        "NOTIFY_EMAIL_TRANSPORT": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_inbox.port),
        "NOTIFY_LEASE_SECONDS": "300",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "selvvisitation",
            "deliver-notifications",
            "--once",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp_inbox.received.wait(60), "the worker never reached the SMTP server"
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    held, smtp_inbox.release = smtp_inbox.release, None
    held.set()  # the hung e-mail is dropped, never accepted
    rows = _rows()
    assert all(r.status == DeliveryStatus.PENDING and r.claimed_until for r in rows)
    config = _smtp(app, smtp_inbox)
    # The clocks are read off the lease the worker wrote: the worker ran on the machine's
    # clock, which a faked test day (--today) does not reach.
    lease_ends = [r.claimed_until for r in rows]
    before = Clock(min(lease_ends) - timedelta(seconds=1))
    assert deliver_due(db.session, config, clock=before).claimed == 0  # lease holds
    later = Clock(max(lease_ends) + timedelta(seconds=1))
    assert deliver_due(db.session, config, clock=later).sent == len(ids)
    keys = sorted(m["X-Idempotency-Key"].strip() for m in smtp_inbox.messages)
    assert keys == sorted(r.idempotency_key for r in _rows())


def test_a_relatives_digital_post_envelope_names_the_municipality_the_relative_and_the_citizen(
    app, factories, tmp_path
):
    """A relative gets Digital Post too (issue 14): the envelope's opaque reference carries the
    municipality's code, the relative and whose help it is about, and no CPR number."""
    consent = factories.Consent(relative__cpr="0101501234")
    citizen, relative = consent.citizen, consent.relative
    db.session.add(
        NotificationPreference(
            citizen_id=citizen.id,
            relative_id=relative.id,
            channel=Channel.DIGITAL_POST,
            topics=["messages"],
        )
    )
    db.session.commit()
    (row,) = queue_notification(
        db.session, citizen_id=citizen.id, event=NotificationEvent.NEW_MESSAGE, params={"m": 1}
    )
    row.next_attempt_at = START - timedelta(minutes=1)  # written "now"; the clock is at START
    db.session.commit()
    folder = tmp_path / "digital_post"
    config = _config(app, NOTIFY_DIGITAL_POST_TRANSPORT="adapter", DIGITAL_POST_FOLDER=folder)
    assert deliver_due(db.session, config, clock=Clock()).sent == 1
    (envelope_file,) = folder.glob("*.json")
    envelope = json.loads(envelope_file.read_text("utf-8"))
    code = citizen.municipality.code
    assert envelope["recipient_reference"] == f"relative:{code}:{relative.id}:citizen:{citizen.id}"
    for path in folder.iterdir():
        assert b"0101501234" not in path.read_bytes()
