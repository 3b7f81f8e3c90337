"""The provider report's page object (supervision/report_page.py; issue 16, Notify's
app/models): built from the service's figures, without a request or the database, it holds
what the page shows. Issues 11 and 12: the comparison per 100 visits of each law, what
stands out (domain/supervision_figures.py), the action plan (seed 000, "konkrete
handleplaner")."""

from __future__ import annotations

from datetime import date

from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES, name_for
from selvvisitation.domain.supervision_themes import FollowUpStatus, SupervisionTheme
from selvvisitation.domain.types import (
    DeclineReason,
    FlagRule,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.models import ActionPlanItem, Provider, SupervisionRecommendation
from selvvisitation.services.supervision_report import (
    Figures,
    FollowUpSummary,
    Period,
    ProviderReport,
)
from selvvisitation.supervision.report_page import ProviderReportPage

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 31))
BATH = ELDERLY_CODES[0].code


def report(own: Figures, everyone: Figures, recommendations: list | None = None) -> ProviderReport:
    return ProviderReport(
        provider=Provider(name="Hjemmeplejen Syd"),
        period=PERIOD,
        figures=own,
        municipality=everyone,
        visits=[],
        themes=[],
        recommendations=recommendations or [],
        followed_up=[],
        follow_up=FollowUpSummary(),
        municipality_follow_up=FollowUpSummary(),
    )


def rows(page: ProviderReportPage) -> dict[str, list[tuple[str, int, object, object, str]]]:
    return {
        table.id: [
            (row.label, row.count, row.rate, row.municipality_rate, row.comparison.value)
            for row in table.rows
        ]
        for table in page.tables
    }


def test_a_figure_twice_the_municipality_level_and_more_than_once_stands_out():
    own = Figures(visits=10, declined={DeclineReason.HYGIENE: 4}, swaps={SwapStatus.DECLINED: 4})
    everyone = Figures(
        visits=100,
        declined={DeclineReason.HYGIENE: 10},
        swaps={SwapStatus.DECLINED: 10},
        flags={FlagRule.TIME_DEVIATION: 1},
    )
    page = ProviderReportPage(report(own, everyone), "da")
    sel = rows(page)["compare-sel"]
    assert sel[:2] == [
        ("Ønsker om bytte", 4, 40.0, 10.0, "higher"),
        ("Bytte afvist på dagen", 4, 40.0, 10.0, "higher"),
    ]
    assert [row.label for row in page.standing_out] == ["Ønsker om bytte", "Bytte afvist på dagen"]
    # One event is never pointed out, however high its rate (STANDS_OUT_MIN_COUNT).
    once = Figures(visits=10, declined={DeclineReason.HYGIENE: 1}, swaps={SwapStatus.DECLINED: 1})
    assert ProviderReportPage(report(once, everyone), "da").standing_out == []


def test_without_visits_under_the_act_on_the_elderly_only_the_other_tables_are_shown():
    page = ProviderReportPage(report(Figures(visits=5), Figures(visits=50)), "da")
    assert not page.shows_ael
    assert [table.id for table in page.tables] == ["compare-sel", "compare-both"]


def test_elements_declined_are_named_in_the_readers_language_and_counted_per_ael_visit():
    own = Figures(visits=10, ael_visits=4, element_declines={BATH: 2})
    everyone = Figures(visits=40, ael_visits=20, element_declines={BATH: 2, "LOCAL-1": 1})
    for language in ("da", "en"):
        page = ProviderReportPage(report(own, everyone), language)
        assert page.shows_ael
        assert [table.id for table in page.tables] == [
            "compare-sel",
            "compare-ael",
            "compare-elements",
            "compare-both",
        ]
        elements = rows(page)["compare-elements"]
        # FSIII elements in the catalogue's order, by name; a code of its own as it is.
        assert elements == [
            (name_for(BATH, language), 2, 50.0, 10.0, "higher"),
            ("LOCAL-1", 0, 0.0, 5.0, "lower"),
        ]


def test_the_outcome_chart_leaves_out_help_not_yet_recorded_unless_there_is_some():
    recorded = Figures(outcomes={VisitServiceOutcome.DELIVERED: 3})
    labels = [
        bar.label
        for bar in ProviderReportPage(report(recorded, recorded), "da").charts["outcomes"].bars
    ]
    assert "Ikke registreret endnu" not in labels
    waiting = Figures(outcomes={VisitServiceOutcome.PLANNED: 2})
    chart = ProviderReportPage(report(waiting, waiting), "da").charts["outcomes"]
    assert [(bar.label, bar.value, bar.percent) for bar in chart.bars][-1] == (
        "Ikke registreret endnu",
        2,
        100.0,
    )


def test_the_action_plan_has_a_line_per_action_and_one_for_a_recommendation_without():
    planned = SupervisionRecommendation(
        theme=SupervisionTheme.HYGIENE,
        text="Farvekodede klude",
        follow_up_status=FollowUpStatus.DONE,
        actions=[
            ActionPlanItem(action="Klude indkøbt", responsible="Leder", due_on=date(2026, 4, 1)),
            ActionPlanItem(action="Oplæring", responsible="Team A", due_on=date(2026, 5, 1)),
        ],
    )
    waiting = SupervisionRecommendation(
        theme=SupervisionTheme.HYGIENE, text="Håndsprit", actions=[]
    )
    page = ProviderReportPage(report(Figures(), Figures(), [planned, waiting]), "da")
    theme = str(page.labels["themes"][SupervisionTheme.HYGIENE])
    followed = str(page.labels["follow_up"][FollowUpStatus.DONE])
    assert [
        (r.recommendation, r.span, r.action, r.responsible, r.due_on, r.follow_up)
        for r in page.action_plan
    ] == [
        (f"{theme}: Farvekodede klude", 2, "Klude indkøbt", "Leder", date(2026, 4, 1), followed),
        ("", 1, "Oplæring", "Team A", date(2026, 5, 1), ""),
        (f"{theme}: Håndsprit", 1, "Ingen handling registreret endnu.", "–", None, "Ikke endnu"),
    ]
