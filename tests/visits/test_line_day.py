"""Each visit line carries its visit's day (models.visits, migration 0003; issue 17).

The flag rules read the lines of a window of days by the line's own day, so a line whose
day differed from its visit's would be counted in the wrong window, or not at all.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from selvvisitation.extensions import db
from selvvisitation.models import Visit, VisitService
from selvvisitation.services.staff_visits import team_visits

DAY = date(2026, 3, 4)


def line_days(visit: Visit) -> list[date]:
    return list(
        db.session.scalars(
            select(VisitService.day)
            .where(VisitService.visit_id == visit.id)
            .order_by(VisitService.id)
        )
    )


def test_a_new_line_takes_its_visit_s_day_however_it_is_attached(factories):
    visit = factories.Visit(day=DAY)
    factories.VisitService(visit=visit)  # through the relationship
    visit.services.append(VisitService(service_id=None, free_text="Kaffe"))
    db.session.flush()
    db.session.add(VisitService(visit_id=visit.id, free_text="Avis"))  # by id only
    db.session.commit()
    db.session.expire_all()
    assert line_days(visit) == [DAY, DAY, DAY]


def test_a_visit_moved_to_another_day_moves_its_lines(factories):
    visit = factories.Visit(day=DAY)
    factories.VisitService(visit=visit)
    factories.VisitService(visit=visit)
    db.session.commit()
    visit.day = DAY + timedelta(days=2)
    db.session.commit()
    db.session.expire_all()
    assert line_days(visit) == [DAY + timedelta(days=2)] * 2


def test_recording_a_line_does_not_touch_its_day(factories):
    line = factories.VisitService(visit=factories.Visit(day=DAY))
    db.session.commit()
    line.delivered_minutes = 25
    db.session.commit()
    assert line_days(line.visit) == [DAY]


def test_the_day_list_joins_the_lines_on_their_day_and_keeps_every_line_in_order(factories):
    """services.staff_visits.team_visits joins the lines on the visit id and the day (for a
    table partitioned by month, docs/deployment.md): no line is lost, and they keep their order."""
    visit = factories.Visit(day=DAY)
    lines = [factories.VisitService(visit=visit) for _ in range(3)]
    other = factories.Visit(citizen=visit.citizen, day=DAY, starts_at=visit.starts_at)
    factories.VisitService(visit=other)
    db.session.commit()
    db.session.expire_all()
    listed = team_visits(db.session, visit.team_id, DAY, DAY)
    assert [v.id for v in listed] == [visit.id, other.id]
    assert [line.id for line in listed[0].services] == [line.id for line in lines]
    assert len(listed[1].services) == 1
