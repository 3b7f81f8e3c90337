"""The provider report: what the system saw of one provider's help in a period, by SQL aggregation.

Seed 000 asks the supervision for "brugbare kvalitetsdata" and knowledge across the
providers; seed 001 (Herning) names complaints, revisitations and the citizen's own
view as what supervision is built on. selvvisitation records exactly that as it
happens: every visit's delivered help, every swap and the worker's reason to decline
one, every flagged time deviation, every reassessment. Here each figure is one grouped
query over a provider's citizens, set beside the same figure for the whole municipality
(per 100 visits), so a provider is read against its peers, not in a vacuum.

Citizens count under the provider they have now (Citizen.provider_id).

Both laws side by side (issue 11, DOMAIN.md "Ældreloven"): a visit with element lines is an
Ældreloven visit and has no minutes; the SEL figures are per 100 SEL visits, the AEL figures
(priorities met and not met, declines by FSIII element, the AEL flags) per 100 AEL visits.
The rules are in domain/supervision_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.assessment import Satisfaction, YesPartlyNo
from selvvisitation.domain.dates import local_day
from selvvisitation.domain.supervision_figures import per_100, priority_day
from selvvisitation.domain.supervision_themes import (
    ASSESSMENT_SCORE,
    SupervisionTheme,
    ThemeAssessment,
)
from selvvisitation.domain.types import (
    CaseStatus,
    DeclineReason,
    ElementOutcome,
    FlagRule,
    PriorityStatus,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    CareProgrammeElement,
    Case,
    Citizen,
    Decision,
    Flag,
    PerceivedQuality,
    Provider,
    ReassessmentRequest,
    SupervisionFinding,
    SupervisionRecommendation,
    SupervisionVisit,
    SwapRequest,
    Visit,
    VisitatorObservation,
    VisitElement,
    VisitPriority,
    VisitService,
)

# Herning's two forms (seed 001): the questions summarised per provider, in form order.
CITIZEN_QUESTIONS = ("help_as_granted", "heard_and_involved")
VISITATOR_QUESTIONS = ("matches_decision", "goals_met", "meets_service_level")
SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass
class Figures:
    """One set of figures, for a provider or for the whole municipality."""

    visits: int = 0
    recorded_visits: int = 0
    # Of `visits`: those under Ældreloven (element lines, no minutes); the rest are SEL.
    ael_visits: int = 0
    planned_minutes: int = 0
    delivered_minutes: int = 0
    outcomes: dict[VisitServiceOutcome, int] = field(default_factory=dict)
    swaps: dict[SwapStatus, int] = field(default_factory=dict)
    declined: dict[DeclineReason, int] = field(default_factory=dict)
    flags: dict[FlagRule, int] = field(default_factory=dict)
    reassessments: int = 0
    reassessments_closed: int = 0
    decisions_changed: int = 0
    # Ældreloven: priorities answered met / not met, and declines by FSIII element code.
    priorities: dict[PriorityStatus, int] = field(default_factory=dict)
    element_declines: dict[str, int] = field(default_factory=dict)

    @property
    def sel_visits(self) -> int:
        return self.visits - self.ael_visits

    @property
    def swap_total(self) -> int:
        return sum(self.swaps.values())

    @property
    def declined_total(self) -> int:
        return sum(self.declined.values())

    def per_100_visits(self, value: int) -> float | None:
        """Per 100 visits of either law: for figures of both laws."""
        return per_100(value, self.visits)

    def per_100_sel_visits(self, value: int) -> float | None:
        return per_100(value, self.sel_visits)

    def per_100_ael_visits(self, value: int) -> float | None:
        return per_100(value, self.ael_visits)

    @property
    def delivered_share(self) -> float | None:
        if not self.planned_minutes:
            return None
        return round(100 * self.delivered_minutes / self.planned_minutes, 1)


@dataclass
class FollowUpSummary:
    """Herning's "samlet opgørelse til leverandøren" (seed 001): both forms, counted."""

    citizen_forms: int = 0
    satisfaction: dict[Satisfaction, int] = field(default_factory=dict)
    citizen_answers: dict[str, dict[YesPartlyNo, int]] = field(default_factory=dict)
    visitator_forms: int = 0
    visitator_answers: dict[str, dict[YesPartlyNo, int]] = field(default_factory=dict)

    @property
    def satisfied_share(self) -> float | None:
        if not self.citizen_forms:
            return None
        satisfied = sum(self.satisfaction.get(s, 0) for s in SATISFIED)
        return round(100 * satisfied / self.citizen_forms, 1)


def _answers(session: Session, model: Any, column: str, where: Any) -> dict[Any, int]:
    """Answer -> forms, for the column named (a YesPartlyNo question, or Satisfaction)."""
    attribute = getattr(model, column)
    return dict(
        session.execute(
            select(attribute, func.count(model.id)).where(*where).group_by(attribute)
        ).all()
    )


def follow_up_summary(
    session: Session, municipality_id: int, provider_id: int | None, period: Period
) -> FollowUpSummary:
    """Count the two revisitation forms recorded for the provider's help in the period."""
    summary = FollowUpSummary()
    for model, questions, attr in (
        (PerceivedQuality, CITIZEN_QUESTIONS, "citizen"),
        (VisitatorObservation, VISITATOR_QUESTIONS, "visitator"),
    ):
        where = [
            model.citizen_id.in_(_citizens(municipality_id, None)),
            model.recorded_at >= period.start_at,
            model.recorded_at < period.end_before,
        ]
        if provider_id is not None:
            # The provider that delivered the help when the form was filled in.
            where.append(model.provider_id == provider_id)
        setattr(
            summary, f"{attr}_forms", session.scalar(select(func.count(model.id)).where(*where))
        )
        setattr(
            summary, f"{attr}_answers", {q: _answers(session, model, q, where) for q in questions}
        )
        if model is PerceivedQuality:
            summary.satisfaction = _answers(session, model, "satisfaction", where)
    return summary


@dataclass
class ThemeRow:
    theme: SupervisionTheme
    assessment: ThemeAssessment | None
    score: int | None
    text: str


@dataclass
class ProviderReport:
    provider: Provider
    period: Period
    figures: Figures
    municipality: Figures
    visits: list[SupervisionVisit]
    themes: list[ThemeRow]
    recommendations: list[SupervisionRecommendation]
    followed_up: list[SupervisionRecommendation]
    follow_up: FollowUpSummary
    municipality_follow_up: FollowUpSummary


def _citizens(municipality_id: int, provider_id: int | None) -> Any:
    """The citizens the figures are about: one provider's, or the whole municipality's."""
    query = select(Citizen.id).where(Citizen.municipality_id == municipality_id)
    if provider_id is not None:
        query = query.where(Citizen.provider_id == provider_id)
    return query.scalar_subquery()


def figures(
    session: Session, municipality_id: int, provider_id: int | None, period: Period
) -> Figures:
    """All the figures for one provider (or, with provider_id None, the municipality)."""
    citizens = _citizens(municipality_id, provider_id)
    result = Figures()
    in_period = sa.and_(
        Visit.citizen_id.in_(citizens),
        Visit.day >= period.start,
        Visit.day <= period.end,
        Visit.cancelled.is_(False),
    )
    is_ael_visit = select(VisitElement.id).where(VisitElement.visit_id == Visit.id).exists()
    result.visits, result.recorded_visits, result.ael_visits = session.execute(
        select(
            func.count(Visit.id),
            func.count(Visit.recorded_at),
            func.count(Visit.id).filter(is_ael_visit),
        ).where(in_period)
    ).one()
    # Minutes only from SEL visits: an AEL visit has none, whatever lines it may carry.
    for outcome, count, planned, delivered in session.execute(
        select(
            VisitService.outcome,
            func.count(VisitService.id),
            func.coalesce(func.sum(VisitService.planned_minutes), 0),
            func.coalesce(func.sum(VisitService.delivered_minutes), 0),
        )
        .join(Visit, VisitService.visit_id == Visit.id)
        .where(in_period, ~is_ael_visit)
        .group_by(VisitService.outcome)
    ):
        result.outcomes[outcome] = count
        if outcome is not VisitServiceOutcome.ADDED:
            result.planned_minutes += planned
        if outcome is not VisitServiceOutcome.PLANNED:
            result.delivered_minutes += (
                delivered or 0
            )  # COALESCE gave 0; the column is typed int | None
    swap_in_period = sa.and_(
        SwapRequest.citizen_id.in_(citizens),
        SwapRequest.created_at >= period.start_at,
        SwapRequest.created_at < period.end_before,
    )
    result.swaps = dict(
        session.execute(
            select(SwapRequest.status, func.count(SwapRequest.id))
            .where(swap_in_period)
            .group_by(SwapRequest.status)
        ).all()
    )
    result.declined = {
        reason or DeclineReason.OTHER: count
        for reason, count in session.execute(
            select(SwapRequest.decline_reason, func.count(SwapRequest.id))
            .where(swap_in_period, SwapRequest.status == SwapStatus.DECLINED)
            .group_by(SwapRequest.decline_reason)
        )
    }
    result.flags = dict(
        session.execute(
            select(Flag.rule, func.count(Flag.id))
            .where(
                Flag.citizen_id.in_(citizens),
                Flag.opened_at >= period.start_at,
                Flag.opened_at < period.end_before,
            )
            .group_by(Flag.rule)
        ).all()
    )
    result.reassessments, result.reassessments_closed = session.execute(
        select(
            func.count(ReassessmentRequest.id),
            func.count(Case.id).filter(Case.status == CaseStatus.CLOSED),
        )
        .outerjoin(Case, ReassessmentRequest.case_id == Case.id)
        .where(
            ReassessmentRequest.citizen_id.in_(citizens),
            ReassessmentRequest.created_at >= period.start_at,
            ReassessmentRequest.created_at < period.end_before,
        )
    ).one()
    result.element_declines = dict(
        session.execute(
            select(CareProgrammeElement.fsiii_code, func.count(sa.distinct(Visit.id)))
            .select_from(VisitElement)
            .join(Visit, VisitElement.visit_id == Visit.id)
            .join(CareProgrammeElement, VisitElement.element_id == CareProgrammeElement.id)
            .where(in_period, VisitElement.outcome == ElementOutcome.DECLINED)
            .group_by(CareProgrammeElement.fsiii_code)
        ).all()
    )
    result.priorities = _priorities(session, citizens, period)
    # A new version of a decision is what a reassessment that changed the help leaves behind.
    result.decisions_changed = (
        session.scalar(
            select(func.count(Decision.id)).where(
                Decision.citizen_id.in_(citizens),
                Decision.version > 1,
                Decision.decided_at >= period.start_at,
                Decision.decided_at < period.end_before,
            )
        )
        or 0
    )
    return result


def _priorities(session: Session, citizens: Any, period: Period) -> dict[PriorityStatus, int]:
    """Priorities answered met or not met, each once, on its day (domain.supervision_figures).

    The SQL takes those whose visit is in the period, and those without a visit answered
    within a day of it (local and UTC days differ); the rule counts the exact days.
    """
    answered = (PriorityStatus.MET, PriorityStatus.NOT_MET)
    rows = session.execute(
        select(VisitPriority.status, Visit.day, VisitPriority.answered_at)
        .outerjoin(Visit, Visit.id == VisitPriority.visit_id)
        .where(
            VisitPriority.citizen_id.in_(citizens),
            VisitPriority.status.in_(answered),
            VisitPriority.answered_at.is_not(None),
            sa.or_(
                sa.and_(Visit.day >= period.start, Visit.day <= period.end),
                sa.and_(
                    VisitPriority.visit_id.is_(None),
                    VisitPriority.answered_at >= period.start_at - timedelta(days=1),
                    VisitPriority.answered_at < period.end_before + timedelta(days=1),
                ),
            ),
        )
    )
    counts = dict.fromkeys(answered, 0)
    for status, visit_day, answered_at in rows:
        assert answered_at is not None  # the WHERE above takes answered priorities only
        if period.start <= priority_day(visit_day, local_day(answered_at)) <= period.end:
            counts[status] += 1
    return counts


def provider_report(session: Session, provider: Provider, period: Period) -> ProviderReport:
    visits = list(
        session.scalars(
            select(SupervisionVisit)
            .where(
                SupervisionVisit.provider_id == provider.id,
                SupervisionVisit.visited_on >= period.start,
                SupervisionVisit.visited_on <= period.end,
            )
            .order_by(SupervisionVisit.visited_on.desc(), SupervisionVisit.id.desc())
        )
    )
    latest = visits[0] if visits else None
    themes = []
    for theme in latest.themes if latest else ():
        finding: SupervisionFinding | None = latest.finding(theme) if latest else None
        themes.append(
            ThemeRow(
                theme=theme,
                assessment=finding.assessment if finding else None,
                score=ASSESSMENT_SCORE[finding.assessment] if finding else None,
                text=finding.text if finding else "",
            )
        )
    visit_ids = [v.id for v in visits]
    recommendations = list(
        session.scalars(
            select(SupervisionRecommendation)
            .where(SupervisionRecommendation.visit_id.in_(visit_ids))
            .order_by(SupervisionRecommendation.id)
        )
    )
    followed_up = list(
        session.scalars(
            select(SupervisionRecommendation)
            .where(SupervisionRecommendation.followed_up_in_visit_id.in_(visit_ids))
            .order_by(SupervisionRecommendation.id)
        )
    )
    return ProviderReport(
        provider=provider,
        period=period,
        figures=figures(session, provider.municipality_id, provider.id, period),
        municipality=figures(session, provider.municipality_id, None, period),
        visits=visits,
        themes=themes,
        recommendations=recommendations,
        followed_up=followed_up,
        follow_up=follow_up_summary(session, provider.municipality_id, provider.id, period),
        municipality_follow_up=follow_up_summary(session, provider.municipality_id, None, period),
    )
