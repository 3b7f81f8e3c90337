"""The provider report's page (Notify's app/models): what the page shows, built once.

``ProviderReportPage`` is made from the service's figures (services.supervision_report)
and holds the rows, labels and words of the page: the charts, the comparison tables with
their words, what stands out, the answers and the action plan. The view only builds it and
renders; the template lays it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l

from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES, is_elderly_code, name_for
from selvvisitation.domain.supervision_figures import (
    SAME_POINTS,
    SAME_SHARE,
    Comparison,
    compare,
    stands_out,
)
from selvvisitation.domain.types import (
    DeclineReason,
    FlagRule,
    PriorityStatus,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.services.supervision_report import (
    CITIZEN_QUESTIONS,
    VISITATOR_QUESTIONS,
    Figures,
    FollowUpSummary,
    ProviderReport,
)
from selvvisitation.supervision.labels import LABELS
from selvvisitation.visitation.labels import ANSWER_LABELS, SATISFACTION_LABELS

OUTCOME_LABELS = {
    VisitServiceOutcome.DELIVERED: _l("Delivered as granted"),
    VisitServiceOutcome.CHANGED: _l("Delivered with other minutes"),
    VisitServiceOutcome.DROPPED: _l("Swapped away by the citizen"),
    VisitServiceOutcome.ADDED: _l("Done instead (chosen in a swap)"),
    VisitServiceOutcome.NOT_DELIVERED: _l("Not delivered"),
    VisitServiceOutcome.PLANNED: _l("Not yet recorded"),
}
SWAP_LABELS = {
    SwapStatus.ACCEPTED: _l("Accepted"),
    SwapStatus.DECLINED: _l("Declined on the day"),
    SwapStatus.WITHDRAWN: _l("Withdrawn by the citizen"),
    SwapStatus.REQUESTED: _l("Waiting for the visit"),
    SwapStatus.LAPSED: _l("Lapsed when the decision changed"),
}
DECLINE_LABELS = {
    DeclineReason.HYGIENE: _l("Hygiene"),
    DeclineReason.WORK_ENVIRONMENT: _l("Work environment"),
    DeclineReason.OTHER: _l("Other reason"),
}

# The questions of Herning's two forms, in the visitator's own words (seed 001).
QUESTION_LABELS = {
    "help_as_granted": _l("Does the citizen feel they get the help they were granted?"),
    "heard_and_involved": _l("Does the citizen feel heard and involved?"),
    "matches_decision": _l("Does the help delivered match the services granted?"),
    "goals_met": _l("Does the help reach the goals set in the decision?"),
    "meets_service_level": _l("Is the help delivered as the quality standards describe?"),
}


def answer_rows(summary: FollowUpSummary) -> list[dict[str, Any]]:
    answers = {**summary.citizen_answers, **summary.visitator_answers}
    return [
        {
            "question": QUESTION_LABELS[q],
            "counts": [answers.get(q, {}).get(a, 0) for a in ANSWER_LABELS],
        }
        for q in (*CITIZEN_QUESTIONS, *VISITATOR_QUESTIONS)
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    percent: float  # of the longest bar, for the SVG width


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    value_header: str

    @property
    def height(self) -> int:
        return 50 * len(self.bars) + 4


def chart(chart_id: str, title: object, rows: list[tuple[object, float]], header: object) -> Chart:
    largest = max((value for _label, value in rows), default=0) or 1
    return Chart(
        id=chart_id,
        title=str(title),
        bars=[Bar(str(label), value, round(100 * value / largest, 1)) for label, value in rows],
        value_header=str(header),
    )


COMPARISON_LABELS = {
    Comparison.HIGHER: _l("Higher than the municipality"),
    Comparison.SAME: _l("As the municipality"),
    Comparison.LOWER: _l("Lower than the municipality"),
    Comparison.NO_VISITS: _l("No visits to compare"),
}


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    rate: float | None
    municipality_rate: float | None

    @property
    def comparison(self) -> Comparison:
        return compare(self.rate, self.municipality_rate)

    @property
    def stands_out(self) -> bool:
        return stands_out(self.count, self.rate, self.municipality_rate)


@dataclass(frozen=True)
class Table:
    """Figures of one kind, each per 100 visits of the kind the caption names."""

    id: str
    caption: str
    rows: list[Row]


# The visits a kind of figure is counted per (domain.supervision_figures).
RateOf = Callable[[Figures, int], float | None]


def comparison_tables(own: Figures, everyone: Figures, language: str) -> list[Table]:
    """The provider beside the whole municipality: SEL figures per 100 SEL visits, AEL figures
    per 100 AEL visits, figures of both laws per 100 visits (domain.supervision_figures)."""

    def table(table_id: str, caption: object, rate_of: RateOf, items: list) -> Table:
        rows = [
            Row(str(label), count, rate_of(own, count), rate_of(everyone, total))
            for label, count, total in items
        ]
        return Table(table_id, str(caption), rows)

    def flags(label: object, rule: FlagRule) -> tuple[object, int, int]:
        return label, own.flags.get(rule, 0), everyone.flags.get(rule, 0)

    def priorities(label: object, status: PriorityStatus) -> tuple[object, int, int]:
        return label, own.priorities.get(status, 0), everyone.priorities.get(status, 0)

    tables = [
        table(
            "compare-sel",
            _l("Social Services Act (§ 83 with § 94 a): per 100 visits under the act"),
            Figures.per_100_sel_visits,
            [
                (_l("Swaps asked for"), own.swap_total, everyone.swap_total),
                (_l("Swaps declined on the day"), own.declined_total, everyone.declined_total),
                flags(_l("Time deviations flagged"), FlagRule.TIME_DEVIATION),
                flags(_l("Repeated deselections flagged"), FlagRule.REPEATED_DESELECTION),
            ],
        )
    ]
    if everyone.ael_visits:
        codes = [c.code for c in ELDERLY_CODES if c.code in everyone.element_declines]
        codes += sorted(set(everyone.element_declines) - set(codes))  # none, if all are FSIII
        tables += [
            table(
                "compare-ael",
                _l("Act on the Elderly (helhedspleje): per 100 visits under the act"),
                Figures.per_100_ael_visits,
                [
                    priorities(_l("Priorities met"), PriorityStatus.MET),
                    priorities(_l("Priorities not met"), PriorityStatus.NOT_MET),
                    flags(
                        _l("Repeated declines of an element flagged"),
                        FlagRule.REPEATED_ELEMENT_DECLINE,
                    ),
                    flags(_l("Priorities repeatedly not met flagged"), FlagRule.PRIORITIES_NOT_MET),
                ],
            ),
            table(
                "compare-elements",
                _l("Elements the citizen said no to, per 100 visits under the act"),
                Figures.per_100_ael_visits,
                [
                    (
                        name_for(code, language) if is_elderly_code(code) else code,
                        own.element_declines.get(code, 0),
                        everyone.element_declines[code],
                    )
                    for code in codes
                ],
            ),
        ]
    tables.append(
        table(
            "compare-both",
            _l("Both acts: per 100 visits"),
            Figures.per_100_visits,
            [
                (_l("Reassessments asked for"), own.reassessments, everyone.reassessments),
                (_l("Decisions changed"), own.decisions_changed, everyone.decisions_changed),
            ],
        )
    )
    return tables


@dataclass(frozen=True)
class PlanRow:
    """One line of the action plan: an action, or "no action yet". The first line of each
    recommendation carries it (``recommendation``) and its follow-up, spanning ``span``."""

    action: str
    responsible: str
    due_on: date | None
    recommendation: str = ""
    follow_up: str = ""
    span: int = 1


class ProviderReportPage:
    """The provider report as its page shows it, for one provider and period."""

    comparison_labels = COMPARISON_LABELS
    answer_labels = ANSWER_LABELS
    labels = LABELS
    same_share = round(100 * SAME_SHARE)
    same_points = SAME_POINTS

    def __init__(self, report: ProviderReport, language: str) -> None:
        self.report = report
        self.language = language  # the reader's: FSIII element names come in it

    @property
    def own(self) -> Figures:
        return self.report.figures

    @property
    def municipality(self) -> Figures:
        return self.report.municipality

    @property
    def shows_ael(self) -> bool:
        """Visits under the Act on the Elderly in the municipality: its figures are shown."""
        return bool(self.municipality.ael_visits)

    @cached_property
    def tables(self) -> list[Table]:
        return comparison_tables(self.own, self.municipality, self.language)

    @cached_property
    def standing_out(self) -> list[Row]:
        """The figures at least twice the municipality's level (domain.supervision_figures)."""
        return [row for table in self.tables for row in table.rows if row.stands_out]

    @cached_property
    def charts(self) -> dict[str, Chart]:
        own, follow_up = self.own, self.report.follow_up
        return {
            "outcomes": chart(
                "chart-outcomes",
                _l("What became of the planned help"),
                [
                    (OUTCOME_LABELS[o], own.outcomes.get(o, 0))
                    for o in OUTCOME_LABELS
                    if o is not VisitServiceOutcome.PLANNED or own.outcomes.get(o)
                ],
                _l("Services"),
            ),
            "swaps": chart(
                "chart-swaps",
                _l("Swaps by result"),
                [(SWAP_LABELS[s], own.swaps.get(s, 0)) for s in SWAP_LABELS],
                _l("Swaps"),
            ),
            "declined": chart(
                "chart-declined",
                _l("Swaps declined on the day, by reason"),
                [(DECLINE_LABELS[r], own.declined.get(r, 0)) for r in DECLINE_LABELS],
                _l("Swaps"),
            ),
            "satisfaction": chart(
                "chart-satisfaction",
                _l("How satisfied the citizens are, asked at revisitation"),
                [
                    (SATISFACTION_LABELS[s], follow_up.satisfaction.get(s, 0))
                    for s in SATISFACTION_LABELS
                ],
                _l("Citizens"),
            ),
            "themes": chart(
                "chart-themes",
                _l("The latest supervision, theme by theme"),
                [
                    (LABELS["themes"][row.theme], row.score or 0)
                    for row in self.report.themes
                    if row.score is not None
                ],
                _l("Score (2 = matches)"),
            ),
        }

    @cached_property
    def answers(self) -> list[dict[str, Any]]:
        return answer_rows(self.report.follow_up)

    @property
    def latest_visit(self) -> Any:
        return self.report.visits[0] if self.report.visits else None

    @cached_property
    def action_plan(self) -> list[PlanRow]:
        """Each recommendation with its actions, one line each (at least one line)."""
        rows = []
        for recommendation in self.report.recommendations:
            lines = [
                PlanRow(item.action, item.responsible, item.due_on)
                for item in recommendation.actions
            ] or [PlanRow(str(_l("No action recorded yet.")), "–", None)]
            status = recommendation.follow_up_status
            theme = LABELS["themes"][recommendation.theme]
            rows.append(
                replace(
                    lines[0],
                    recommendation=f"{theme}: {recommendation.text}",
                    follow_up=str(LABELS["follow_up"][status] if status else _l("Not yet")),
                    span=len(lines),
                )
            )
            rows += lines[1:]
        return rows
