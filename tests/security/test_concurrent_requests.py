"""Concurrent staff reads and writes over HTTP: no "database is locked", every audit row once.

Issue 6 "Concurrency and no lost data" and "Audit log" (every read of a citizen's
case by staff is logged). A staff page reads first and then writes its audit entry;
on SQLite in WAL mode a deferred read transaction cannot wait for the write lock
once another request has committed (SQLITE_BUSY at once, the busy timeout does not
apply), so security.locking starts the transactions of writing requests with
BEGIN IMMEDIATE and turns a page's read transaction into one before its first
write. Eight workers, each in its own thread with its own client, app context and
database session, read the team's visits and record them at the same moment. Runs
on both databases (TEST_DATABASE_URL); the SQLite test database is a file, so the
threads really share it.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Visit, VisitService
from tests.clock import MONDAY
from tests.pages import csrf_token
from tests.staff.helpers import visit_scene

pytestmark = pytest.mark.today(MONDAY)

WORKERS = 8
ROUNDS = 4
VISITS = 4


def _signed_in_client(app: Flask, staff_id: int, nonce: str):
    import secrets
    from datetime import UTC, datetime

    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = secrets.token_urlsafe(24)
        session["last_seen"] = datetime.now(UTC).timestamp()
        session["actor_kind"] = "staff"
        session["actor_id"] = staff_id
        session["nonce"] = nonce
    return client


def test_simultaneous_staff_reads_and_recordings_all_succeed_and_log_each_read_once(app, factories):
    scene = visit_scene(factories)
    vacuum, shower = scene.services["PH-STOEV"], scene.services["PP-BAD"]
    visits = [scene.visit]
    for _ in range(VISITS - 1):
        visit = factories.Visit(citizen=scene.citizen, day=local_today())
        factories.VisitService(visit=visit, service=vacuum, planned_minutes=30)
        factories.VisitService(visit=visit, service=shower, planned_minutes=30)
        visits.append(visit)
    workers = [scene.worker] + [
        factories.StaffUser(
            municipality=scene.citizen.municipality,
            role=StaffRole.HOME_CARE_WORKER,
            team=scene.citizen.team,
            provider=scene.citizen.provider,
        )
        for _ in range(WORKERS - 1)
    ]
    accounts = [(w.id, w.session_nonce) for w in workers]
    visit_ids = [v.id for v in visits]
    items = {
        v.id: [
            s.id
            for s in db.session.scalars(select(VisitService).where(VisitService.visit_id == v.id))
        ]
        for v in visits
    }
    db.session.commit()  # no transaction of this thread stays open while the others run
    barrier = threading.Barrier(WORKERS)

    def work(n: int) -> Counter:
        client = _signed_in_client(app, *accounts[n])
        visit_id = visit_ids[n % VISITS]
        seen: Counter = Counter()
        barrier.wait()
        for round_ in range(ROUNDS):
            for url in (
                "/personale/besoeg?vis=team",  # the team's list: every worker sees the visits
                f"/personale/besoeg/{visit_id}",
                f"/personale/besoeg/{visit_id}/meld-aendring",
            ):
                seen[("GET", client.get(url).status_code)] += 1
            if round_ == 1:
                # Two workers record each visit at the same moment: one record is kept.
                data = {
                    f"outcome_{item}": VisitServiceOutcome.DELIVERED.value
                    for item in items[visit_id]
                }
                data["csrf_token"] = csrf_token(client)
                response = client.post(f"/personale/besoeg/{visit_id}", data=data)
                seen[("POST", response.status_code)] += 1
        return seen

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = sum(pool.map(work, range(WORKERS)), Counter())

    assert outcomes == {("GET", 200): WORKERS * ROUNDS * 3, ("POST", 302): WORKERS}, outcomes
    db.session.rollback()
    logged = Counter(
        (action, object_type)
        for action, object_type in db.session.execute(
            select(AuditEntry.action, AuditEntry.object_type)
        )
    )
    assert logged == {
        ("read", "visit_list"): WORKERS * ROUNDS,  # the day's list, one citizen on it
        ("read", "visit"): WORKERS * ROUNDS,  # the record page logs its own read
        ("read", "staff.report_change_view"): WORKERS * ROUNDS,  # logged centrally
        ("update", "visit"): VISITS,  # each visit recorded once, the second submit adds nothing
    }, logged
    recorded = db.session.scalar(select(func.count(Visit.id)).where(Visit.recorded_at.is_not(None)))
    assert recorded == VISITS
