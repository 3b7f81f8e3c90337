"""The demo gives the demo home-care worker's team wishes today (issue 5, demo data)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.demo.seed import build_demo
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import StaffUser, Visit
from selvvisitation.services.staff_visits import declined_swaps, open_swaps, wishes_for
from tests.clock import MONDAY

pytestmark = pytest.mark.today(MONDAY)


def test_the_demo_workers_team_has_visits_today_with_wishes_and_a_declined_swap():
    today = local_today()
    build_demo(db.session, today=today)
    db.session.commit()
    worker = db.session.scalars(
        select(StaffUser).where(StaffUser.username == "hjemmehjaelper")
    ).one()
    leader = db.session.scalars(select(StaffUser).where(StaffUser.username == "teamleder")).one()
    assert worker.team_id == leader.team_id
    visits = db.session.scalars(
        select(Visit).where(Visit.team_id == worker.team_id, Visit.day == today)
    ).all()
    wishes = wishes_for(db.session, visits)
    with_swaps = [v for v in visits if open_swaps(wishes[v.id])]
    assert len(with_swaps) >= 2
    assert any(wishes[v.id].wishes for v in visits)
    declined = declined_swaps(
        db.session, leader.team_id, today.replace(day=1) if today.day > 1 else today
    )
    assert [s.status for s in declined][:1] == [SwapStatus.DECLINED]
