"""The visitators' queue shows names, masked CPR numbers and reasons: every citizen on
the page gets one read entry per page view (issue 15, Medium 8; ASVS 4.0.3 V7.1.3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


def queue_reads() -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            select(AuditEntry.citizen_id).where(
                AuditEntry.action == "read", AuditEntry.object_type == "visitation_queue"
            )
        )
    )


def test_the_queue_logs_one_read_per_citizen_shown_per_page_view(
    client, page, factories, visitator, make_case
):
    first = factories.Citizen(municipality=visitator.municipality, name="Anna Ankersen")
    second = factories.Citizen(municipality=visitator.municipality, name="Bent Bertelsen")
    make_case(first)
    make_case(first, title="Sag 2")  # two cases, one citizen: one entry
    make_case(second)
    sign_in_staff(client, visitator)

    page.get("visitation.queue")
    assert queue_reads() == sorted([first.id, second.id])
    page.get("visitation.queue")
    assert queue_reads() == sorted([first.id, first.id, second.id, second.id])


def test_the_citizen_sees_the_queue_read_with_its_reason(
    client, page, factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    make_case(citizen)
    sign_in_staff(client, visitator)
    page.get("visitation.queue")

    sign_in_citizen(client, citizen)
    log = page.get("citizen.access_log_page").select_one("main").get_text(" ")
    assert "For at se, hvilke sager om din hjælp der venter" in log
