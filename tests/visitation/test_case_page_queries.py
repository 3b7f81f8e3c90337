"""The case page's queries do not grow with the citizen's history (issue 5: the page stays
fast with 100,000 citizens; scripts/benchmark_visitation.py measures it, this test keeps
it free of one-query-per-row loading, which no timing would show on a small test set).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, FlagRule, SwapStatus, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.models import Flag, SwapLine, SwapRequest
from tests.clock import MONDAY
from tests.pages import sign_in_staff
from tests.visitation.test_case_page import case_with_history  # noqa: F401  (fixture)

pytestmark = pytest.mark.today(MONDAY)


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().startswith("SELECT"):
            statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _more_history(factories, case, weeks: int) -> list[str]:
    """Weeks of visits with a service dropped for another, each swap wished for, flagged."""
    citizen = case.citizen
    granted = factories.GrantedService(decision__citizen=citizen, decision__version=2)
    monday = local_today() - timedelta(days=local_today().weekday())
    visit_ids, names = [], []
    for week in range(weeks):
        other = factories.Service(municipality=citizen.municipality)  # a new one every week
        visit = factories.Visit(citizen=citizen, day=monday - timedelta(weeks=week + 1))
        visit.recorded_at = datetime.now(UTC)
        for service, outcome in ((granted.service, "dropped"), (other, "added")):
            factories.VisitService(
                visit=visit,
                service=service,
                granted_service_id=granted.id if outcome == "dropped" else None,
                planned_minutes=20,
                delivered_minutes=0 if outcome == "dropped" else 20,
                outcome=VisitServiceOutcome(outcome),
            )
        db.session.add(
            SwapRequest(
                reference=f"B-{visit.id}",
                citizen=citizen,
                visit=visit,
                status=SwapStatus.ACCEPTED,
                created_by_kind=ActorKind.CITIZEN,
                lines=[
                    SwapLine(kind="drop", service=granted.service, minutes=20),
                    SwapLine(kind="add", service=other, minutes=20),
                ],
            )
        )
        visit_ids.append(str(visit.id))
        names.append(other.name_da)
    db.session.add(
        Flag(
            citizen=citizen,
            case=case,
            rule=FlagRule.REPEATED_DESELECTION,
            key=f"repeated_deselection:{granted.service.code}",
            service=granted.service,
            period_start=local_today() - timedelta(days=90),
            period_end=local_today(),
            evidence={"count": weeks, "visit_refs": visit_ids, "days": []},
        )
    )
    db.session.commit()
    return names


def test_the_case_page_issues_as_many_queries_for_a_long_history_as_for_a_short_one(
    client,
    factories,
    visitator,
    case_with_history,  # noqa: F811
):
    sign_in_staff(client, visitator)
    url = f"/visitation/sager/{case_with_history.id}"
    client.get(url)  # the first request of a session loads what every request needs later
    # A served request starts from an empty identity map; this test shares one session with
    # the client, and since the audit commit keeps what the page read (issue 17) it would
    # start warm. Expired, both requests measured start alike.
    db.session.expire_all()
    with counted() as short:
        assert client.get(url).status_code == 200

    added = _more_history(factories, case_with_history, weeks=6)
    db.session.expire_all()
    with counted() as long:
        page = client.get(url)

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert all(name in text for name in added)  # the longer history is on the page
    assert len(long) == len(short), "\n".join(long)
