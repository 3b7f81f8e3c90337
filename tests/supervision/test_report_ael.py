"""The provider report under both laws (issue 11) with the comparison in words (issue 12).

DOMAIN.md "Ældreloven": an AEL visit has elements of a forløb and no minutes; the citizen's
priorities are met or not met; repeated declines of an element and priorities repeatedly not
met are the AEL flags. Each AEL figure is per 100 AEL visits, set against the municipality
as the SEL figures are, and no SEL minute figure counts an AEL visit. The rules are in
domain/supervision_figures.py; fixed days and a frozen clock, factories only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from selvvisitation.domain.fsiii_elderly import PERSONAL_CARE, PRACTICAL_HELP
from selvvisitation.domain.types import (
    ElementOutcome,
    FlagRule,
    PriorityStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import Flag
from selvvisitation.services.supervision_report import Period, figures
from tests.pages import sign_in_staff

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
D, DONE = ElementOutcome.DECLINED, ElementOutcome.DONE
MET, NOT_MET = PriorityStatus.MET, PriorityStatus.NOT_MET


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def laws(factories, world):
    """Hjemmeplejen Syd: 2 SEL visits and 4 AEL visits in March (one AEL visit also with a
    line of minutes and the worker's optional minutes); Lille Rengøring: 1 of each."""
    with time_machine.travel(NOW, tick=False):
        programme = factories.CareProgramme(municipality=world.municipality)
        care = factories.CareProgrammeElement(programme=programme, fsiii_code=PERSONAL_CARE)
        practical = factories.CareProgrammeElement(programme=programme, fsiii_code=PRACTICAL_HELP)

        def sel_visit(citizen, day):
            visit = factories.Visit(citizen=citizen, day=day, recorded_at=at(day))
            factories.VisitService(
                visit=visit,
                planned_minutes=30,
                delivered_minutes=30,
                outcome=VisitServiceOutcome.DELIVERED,
            )
            return visit

        def ael_visit(citizen, day, care_outcome, practical_outcome, **kwargs):
            visit = factories.Visit(
                citizen=citizen, day=day, recorded_at=at(day), time_frame_minutes=0, **kwargs
            )
            factories.VisitElement(visit=visit, element=care, outcome=care_outcome)
            factories.VisitElement(visit=visit, element=practical, outcome=practical_outcome)
            return visit

        def priority(citizen, status, answered_at, visit=None):
            factories.VisitPriority(
                citizen=citizen, visit=visit, status=status, answered_at=answered_at
            )

        sel, ael = world.citizens[0], world.citizens[10]
        sel_visit(sel, date(2026, 3, 2))
        sel_visit(sel, date(2026, 3, 3))
        first = ael_visit(ael, date(2026, 3, 2), D, DONE)
        second = ael_visit(ael, date(2026, 3, 5), D, D, recorded_minutes=45)
        # A line with minutes on an AEL visit must not reach the minute figures.
        factories.VisitService(
            visit=second,
            planned_minutes=40,
            delivered_minutes=40,
            outcome=VisitServiceOutcome.DELIVERED,
        )
        ael_visit(ael, date(2026, 3, 9), D, DONE)
        ael_visit(ael, date(2026, 3, 12), DONE, DONE)
        before = ael_visit(ael, date(2026, 2, 27), D, D)  # before the period
        priority(ael, MET, at(date(2026, 3, 2)), first)
        priority(ael, NOT_MET, at(date(2026, 3, 5)), second)
        priority(ael, MET, at(date(2026, 3, 10)))  # standing: the day it was answered
        priority(ael, MET, at(date(2026, 3, 1)), before)  # its visit's day is in February
        # 23:30 UTC on 28 February is 00:30 on 1 March in Denmark: in the period.
        priority(ael, MET, datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
        # 22:30 UTC on 31 March is 00:30 on 1 April in Denmark: after it.
        priority(ael, NOT_MET, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
        factories.VisitPriority(citizen=ael)  # asked, not yet answered
        db.session.add(
            Flag(
                citizen_id=ael.id,
                rule=FlagRule.REPEATED_ELEMENT_DECLINE,
                key="repeated_element_decline:1",
                period_start=date(2026, 3, 2),
                period_end=date(2026, 3, 9),
                opened_at=at(date(2026, 3, 9)),
            )
        )
        small_sel, small_ael = world.small_citizens
        sel_visit(small_sel, date(2026, 3, 4))
        visit = ael_visit(small_ael, date(2026, 3, 4), DONE, D)
        priority(small_ael, MET, at(date(2026, 3, 4)), visit)
        db.session.commit()
    return world


def test_ael_visits_are_counted_apart_and_never_in_the_minutes(laws):
    # DOMAIN.md "Ældreloven", law: no minutes "ned på minuttet" for Ældrelov help; the
    # worker's optional minutes (recorded_minutes) and any line with minutes stay out.
    own = figures(db.session, laws.municipality.id, laws.provider.id, PERIOD)
    assert (own.visits, own.sel_visits, own.ael_visits) == (6, 2, 4)
    assert (own.planned_minutes, own.delivered_minutes, own.delivered_share) == (60, 60, 100.0)
    assert own.outcomes == {VisitServiceOutcome.DELIVERED: 2}


def test_declines_are_counted_per_fsiii_element_once_per_visit_in_the_period(laws):
    # DOMAIN.md "Ældreloven": elements carry the FSIII Ældrelovsindsats codes.
    own = figures(db.session, laws.municipality.id, laws.provider.id, PERIOD)
    everyone = figures(db.session, laws.municipality.id, None, PERIOD)
    assert own.element_declines == {PERSONAL_CARE: 3, PRACTICAL_HELP: 1}
    assert everyone.element_declines == {PERSONAL_CARE: 3, PRACTICAL_HELP: 2}
    assert own.per_100_ael_visits(3) == 75.0
    assert everyone.per_100_ael_visits(3) == 60.0


def test_priorities_count_once_on_their_visits_day_or_their_answer_day(laws):
    # docs/aeldreloven.md: "its day is its visit's day, or the answer day for a standing one".
    own = figures(db.session, laws.municipality.id, laws.provider.id, PERIOD)
    everyone = figures(db.session, laws.municipality.id, None, PERIOD)
    assert own.priorities == {MET: 3, NOT_MET: 1}
    assert everyone.priorities == {MET: 4, NOT_MET: 1}
    assert (everyone.visits, everyone.sel_visits, everyone.ael_visits) == (8, 3, 5)
    assert own.flags == {FlagRule.REPEATED_ELEMENT_DECLINE: 1}


def rows(soup, table_id):
    return {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in soup.select(f"#{table_id} tbody tr")
    }


def test_the_report_sets_each_ael_figure_against_the_municipality_in_words(client, page, laws):
    """Issue 12: "Sammenligning" says higher, as or lower than the municipality, within 20 %
    of its rate or 1 per 100 visits; AEL figures are per 100 AEL visits."""
    with time_machine.travel(NOW, tick=False):
        sign_in_staff(client, laws.supervisor)
        soup = page.get(
            "supervision.report", provider_id=laws.provider.id, fra="1.3.2026", til="31.3.2026"
        )
    assert rows(soup, "compare-ael") == {
        "Prioriteringer opfyldt": ["3", "75,0", "80,0", "Som kommunen"],
        # 25 against 20 is 25 % above: more than the 20 % tolerance.
        "Prioriteringer ikke opfyldt": ["1", "25,0", "20,0", "Højere end kommunen"],
        "Gentagne nej til et element markeret": ["1", "25,0", "20,0", "Højere end kommunen"],
        "Prioriteringer gentagne gange ikke opfyldt, markeret": ["0", "0,0", "0,0", "Som kommunen"],
    }
    assert rows(soup, "compare-elements") == {
        "Personlig hjælp og pleje": ["3", "75,0", "60,0", "Højere end kommunen"],
        "Praktisk hjælp i hjemmet": ["1", "25,0", "40,0", "Lavere end kommunen"],
    }
    # SEL figures per 100 SEL visits: 2 of the provider's 6 visits, 3 of the municipality's 8.
    assert rows(soup, "compare-sel")["Ønsker om bytte"] == ["0", "0,0", "0,0", "Som kommunen"]
    rule = soup.select_one(".app-comparison-rule").get_text(" ", strip=True)
    assert "højst er 20 % af kommunens tal eller højst 1,0 pr. 100 besøg" in rule
    figures_text = soup.select_one(".app-key-figures").get_text(" ", strip=True)
    assert "2 efter serviceloven, 4 efter ældreloven" in figures_text


def test_the_element_names_follow_the_readers_language(client, page, laws):
    with time_machine.travel(NOW, tick=False):
        sign_in_staff(client, laws.supervisor)
        with client.session_transaction() as session:
            session["lang"] = "en"
        soup = page.get(
            "supervision.report", provider_id=laws.provider.id, fra="1.3.2026", til="31.3.2026"
        )
    assert list(rows(soup, "compare-elements")) == [
        "Personal help and care",
        "Practical help in the home",
    ]
    assert rows(soup, "compare-ael")["Priorities met"][-1] == "As the municipality"


def test_a_provider_without_visits_under_a_law_is_not_compared(client, page, laws, factories):
    with time_machine.travel(NOW, tick=False):
        newcomer = factories.Provider(municipality=laws.municipality, name="Ny Pleje ApS")
        db.session.commit()
    with time_machine.travel(NOW, tick=False):
        sign_in_staff(client, laws.supervisor)
        soup = page.get(
            "supervision.report", provider_id=newcomer.id, fra="1.3.2026", til="31.3.2026"
        )
    assert rows(soup, "compare-ael")["Prioriteringer opfyldt"] == [
        "0",
        "–",
        "80,0",
        "Ingen besøg at sammenligne",
    ]
