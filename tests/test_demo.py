"""The demo municipality: catalogue from seed 002, people made up, logins printed."""

import re
from datetime import date

from sqlalchemy import func, select

from selvvisitation.demo.seed import HISTORY_WEEKS, build_demo
from selvvisitation.domain.types import ServiceCategory, StaffRole, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.models import (
    Case,
    Citizen,
    Consent,
    Service,
    StaffUser,
    SwapRequest,
    Visit,
    VisitService,
)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_has_a_catalogue_people_decisions_and_ten_weeks_of_history():
    result = build_demo(db.session, today=date(2026, 11, 23))
    db.session.commit()

    assert _count(Citizen) == 40
    assert {s.role for s in db.session.scalars(select(StaffUser))} == set(StaffRole)
    assert _count(Consent) >= 5
    categories = {s.category for s in db.session.scalars(select(Service))}
    assert categories == set(ServiceCategory)
    # Seeds give no minutes (DOMAIN.md "Service levels"): every demo minute is a placeholder.
    assert _count(Service, Service.minutes_are_placeholder.is_(False)) == 0
    first_visit = db.session.scalar(select(func.min(Visit.day)))
    assert (date(2026, 11, 23) - first_visit).days <= HISTORY_WEEKS * 7
    assert _count(VisitService, VisitService.outcome == VisitServiceOutcome.DROPPED) > 10
    assert _count(SwapRequest) > 10
    assert all(c.current_decision is not None for c in db.session.scalars(select(Citizen)))
    assert result.built_to_be_flagged, "some citizens are built to be flagged"


def test_seed_demo_prints_logins_that_work_and_can_be_run_again(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    logins = dict(re.findall(r"^\s+visitator\s+(visitator)\s+(\S+)$", first.output, re.M))
    password = logins["visitator"]

    assert "Flags raised from the demo history:" in first.output
    assert _count(Case) > 0, "the visitators' queue is not empty in the demo"

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "exists already" in again.output
    assert _count(Citizen) == 40, "running it twice creates nothing new"
    new_password = re.search(r"^\s+visitator\s+visitator\s+(\S+)$", again.output, re.M).group(1)
    assert new_password != password

    from tests.pages import csrf_token

    response = client.post(
        "/log-ind/personale",
        data={"username": "visitator", "password": new_password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/visitation/"
