"""The visitator's queue and case page for Ældreloven flags (DOMAIN.md "Ældreloven"): the
evidence and the legal reason in plain words, Danish and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ElementOutcome, PriorityNotMetReason, PriorityStatus
from selvvisitation.extensions import db
from selvvisitation.services.flags import evaluate_citizen
from tests.clock import MONDAY
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def ael_case(factories, visitator):
    citizen = factories.Citizen(municipality=visitator.municipality, name="Inger Ældre")
    granted = factories.GrantedElement(
        decision__citizen=citizen,
        element__name_da="Personlig hjælp og pleje",
        element__name_en="Personal help and care",
    )
    today = local_today()
    for days_ago in (40, 20, 3):
        day = today - timedelta(days=days_ago)
        visit = factories.Visit(citizen=citizen, day=day)
        factories.VisitElement(
            visit=visit, element=granted.element, outcome=ElementOutcome.DECLINED
        )
    for days_ago, text in ((25, "Et bad om fredagen"), (12, "En gåtur"), (2, "En gåtur")):
        day = today - timedelta(days=days_ago)
        factories.VisitPriority(
            citizen=citizen,
            visit=factories.Visit(citizen=citizen, day=day),
            text=text,
            status=PriorityStatus.NOT_MET,
            not_met_reason=PriorityNotMetReason.WORK_ENVIRONMENT,
            answered_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        )
    report = evaluate_citizen(db.session, citizen.id, as_of=today)
    db.session.commit()
    [case_id] = report.cases_opened
    return case_id


def test_the_queue_names_the_ael_flags_in_plain_words(page, client, visitator, ael_case):
    sign_in_staff(client, visitator)
    row = page.get("visitation.queue").select_one("table.app-queue tbody tr")
    assert "Inger Ældre" in row.text
    assert "gentagne nej til Personlig hjælp og pleje" in row.text
    assert "prioriteter gentagne gange ikke opfyldt" in row.text


def test_the_case_page_explains_both_ael_flags_with_evidence_and_law(
    page, client, visitator, ael_case
):
    """Reading of ÆL § 1 stk. 2 and § 11 (DOMAIN.md Ældreloven): evidence and legal reason."""
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=ael_case)
    sections = {s.h3.text.split("(")[0].strip(): s for s in soup.select("section.app-flag")}
    declines = sections["Gentagne nej til et element: Personlig hjælp og pleje"]
    assert "Borgeren sagde nej til Personlig hjælp og pleje ved 3 besøg" in declines.text
    assert "§ 1, stk. 2" in declines.select_one(".app-source").text
    visits = declines.select_one("ul").text
    assert visits.count("borgeren sagde nej denne gang") == 3

    priorities = sections["Prioriteter gentagne gange ikke opfyldt"]
    assert "3 af borgerens prioriteter blev ikke opfyldt" in priorities.text
    assert "§ 11" in priorities.select_one(".app-source").text
    rows = [tr.text for tr in priorities.select("tbody tr")]
    assert len(rows) == 3 and "Et bad om fredagen" in rows[0]


def test_the_case_page_in_english(page, client, visitator, ael_case):
    sign_in_staff(client, visitator)
    page.post("public.set_language", {"lang": "en", "next": "/"})
    soup = page.get("visitation.case_page", case_id=ael_case)
    text = " ".join(soup.text.split())
    assert "Repeated declines of an element: Personal help and care" in text
    assert "The citizen said no to Personal help and care at 3 visits" in text
    assert "Priorities repeatedly not met" in text
