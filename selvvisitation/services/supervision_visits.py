"""Supervision operations on the database: draw a sample, swap a citizen, record a visit.

Functions take the session and never commit; the view commits. Rules live in
domain/supervision_sampling.py; named SupervisionError codes become messages in the views.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.supervision_sampling import (
    Candidate,
    PickReason,
    ProviderProfile,
    SamplingError,
    Stratum,
    check_replacement,
    draw_sample,
    replacement_candidates,
)
from selvvisitation.domain.supervision_themes import (
    THEMES_OF,
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
    sets_offered,
    themes_problem,
)
from selvvisitation.domain.timeframe import deliveries_per_week
from selvvisitation.domain.types import ProviderKind
from selvvisitation.models import (
    ActionPlanItem,
    Citizen,
    Decision,
    GrantedService,
    Provider,
    SampledCitizen,
    StaffUser,
    SupervisionFinding,
    SupervisionRecommendation,
    SupervisionSample,
    SupervisionVisit,
)
from selvvisitation.models.base import utcnow
from selvvisitation.security import audit
from selvvisitation.services.adapters import granted_for, policy_for
from selvvisitation.services.transaction import one_transaction


class SupervisionError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def providers_of(session: Session, municipality_id: int) -> list[Provider]:
    return list(
        session.scalars(
            select(Provider)
            .where(Provider.municipality_id == municipality_id)
            .order_by(Provider.name)
        )
    )


def provider_in(session: Session, municipality_id: int, provider_id: int) -> Provider | None:
    """The provider, if it belongs to this municipality (else None: the view answers 404)."""
    provider = session.get(Provider, provider_id)
    if provider is None or provider.municipality_id != municipality_id:
        return None
    return provider


def weekly_minutes(decision: Decision | None, on: date) -> int:
    """Granted minutes a week on the day: the measure the sample is spread over (000)."""
    total = sum(
        deliveries_per_week(grant) * grant.minutes_per_delivery
        for grant in granted_for(decision)
        if grant.is_active_on(on)
    )
    return round(total)


def candidates_for(session: Session, provider: Provider, on: date) -> list[Candidate]:
    """Everyone the provider helps with a current decision (000: "lister over alle borgere")."""
    citizens = session.scalars(
        select(Citizen)
        .where(Citizen.provider_id == provider.id)
        .options(
            selectinload(Citizen.decisions)
            .selectinload(Decision.granted_services)
            .selectinload(GrantedService.service)
        )
    )
    result = []
    for citizen in citizens:
        decision = citizen.current_decision
        if decision is None:
            continue
        minutes = weekly_minutes(decision, on)
        if minutes > 0:
            result.append(Candidate(citizen_id=citizen.id, weekly_minutes=minutes))
    return result


def profile_of(provider: Provider) -> ProviderProfile:
    return ProviderProfile(
        is_nursing_home=provider.is_nursing_home,
        is_municipal=provider.kind == ProviderKind.MUNICIPAL,
        offers_personal_care=provider.offers_personal_care,
        offers_practical_help=provider.offers_practical_help,
    )


def sample_shown(session: Session, drawn: SupervisionSample) -> None:
    """Each sampled citizen's name was shown to the supervisor: logged for her to see
    (issue 15, Medium 8), and committed."""
    with one_transaction(session):
        for member in drawn.active_members:
            audit.record(
                "supervision_sample_viewed",
                citizen=member.citizen,
                object_type="supervision_sample",
                object_id=drawn.id,
                purpose="tilsyn",
            )


def sample_for(session: Session, provider: Provider, year: int) -> SupervisionSample | None:
    return session.scalar(
        select(SupervisionSample).where(
            SupervisionSample.provider_id == provider.id, SupervisionSample.year == year
        )
    )


def draw_for_provider(
    session: Session,
    provider: Provider,
    year: int,
    *,
    staff: StaffUser | None,
    on: date,
    seed: str | None = None,
) -> SupervisionSample:
    """Draw and store the year's sample; a year's sample is drawn once and then kept."""
    if sample_for(session, provider, year) is not None:
        raise SupervisionError("already_drawn")
    candidates = candidates_for(session, provider, on)
    if not candidates:
        raise SupervisionError("no_citizens")
    seed = seed or f"{year}-{provider.id}-{secrets.token_hex(4)}"
    drawn = draw_sample(profile_of(provider), candidates, seed)
    sample = SupervisionSample(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        year=year,
        seed=seed,
        rule=drawn.rule,
        population=drawn.population,
        target_size=drawn.target_size,
        strata=[{**asdict(s), "citizen_ids": list(s.citizen_ids)} for s in drawn.strata],
        drawn_by_staff_id=staff.id if staff else None,
    )
    sample.members = [
        SampledCitizen(
            citizen_id=pick.citizen_id,
            stratum=pick.stratum,
            weekly_minutes=pick.weekly_minutes,
            reason=pick.reason,
        )
        for pick in drawn.picks
    ]
    session.add(sample)
    session.flush()
    return sample


def strata_of(sample: SupervisionSample) -> tuple[Stratum, ...]:
    return tuple(
        Stratum(
            index=s["index"],
            min_minutes=s["min_minutes"],
            max_minutes=s["max_minutes"],
            citizen_ids=tuple(s["citizen_ids"]),
        )
        for s in sample.strata
    )


def replace_member(
    session: Session,
    member: SampledCitizen,
    replacement_citizen_id: int,
    *,
    reason: str,
    staff: StaffUser,
) -> SampledCitizen:
    """Swap a picked citizen for another of the same stratum, keeping the old row and reason."""
    if member.replaced_at is not None:
        raise SupervisionError("not_picked")
    sample = member.sample
    picked = [m.citizen_id for m in sample.active_members]
    try:
        stratum = check_replacement(
            strata_of(sample), picked, member.citizen_id, replacement_citizen_id
        )
    except SamplingError as error:
        raise SupervisionError(error.code) from error
    citizen = session.get(Citizen, replacement_citizen_id)
    decision = citizen.current_decision if citizen else None
    member.replaced_at = utcnow()
    member.replaced_by_staff_id = staff.id
    member.replacement_reason = reason
    newcomer = SampledCitizen(
        citizen_id=replacement_citizen_id,
        stratum=stratum.index,
        weekly_minutes=weekly_minutes(decision, local_today()),
        reason=PickReason.REPLACEMENT,
        replaces=member,
    )
    sample.members.append(newcomer)
    session.flush()
    return newcomer


def visits_of(session: Session, provider: Provider) -> list[SupervisionVisit]:
    return list(
        session.scalars(
            select(SupervisionVisit)
            .where(SupervisionVisit.provider_id == provider.id)
            .order_by(SupervisionVisit.visited_on.desc(), SupervisionVisit.id.desc())
        )
    )


def open_recommendations(
    session: Session, provider: Provider, before: SupervisionVisit | None = None
) -> list[SupervisionRecommendation]:
    """Recommendations from earlier supervisions not yet followed up (theme 5 of seed 000)."""
    query = (
        select(SupervisionRecommendation)
        .join(SupervisionVisit, SupervisionRecommendation.visit_id == SupervisionVisit.id)
        .where(
            SupervisionRecommendation.provider_id == provider.id,
            SupervisionRecommendation.follow_up_status.is_(None),
        )
        .order_by(SupervisionVisit.visited_on, SupervisionRecommendation.id)
    )
    if before is not None:
        query = query.where(
            SupervisionVisit.id != before.id, SupervisionVisit.visited_on <= before.visited_on
        )
    return list(session.scalars(query))


def record_visit(
    session: Session,
    provider: Provider,
    *,
    visited_on: date,
    findings: dict[SupervisionTheme, tuple[ThemeAssessment, str]],
    strengths: str,
    feedback_given_to: str,
    staff: StaffUser,
    theme_set: ThemeSet = ThemeSet.THISTED,
) -> SupervisionVisit:
    """Record the visit's findings: exactly the themes of a set the municipality offers."""
    if theme_set not in sets_offered(policy_for(provider.municipality).supervision_theme_sets):
        raise SupervisionError("theme_set_not_offered")
    problem = themes_problem(theme_set, findings)
    if problem is not None:
        raise SupervisionError(problem)
    visit = SupervisionVisit(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        sample=sample_for(session, provider, visited_on.year),
        visited_on=visited_on,
        theme_set=theme_set,
        strengths=strengths,
        feedback_given_to=feedback_given_to,
        created_by_staff_id=staff.id,
    )
    visit.findings = [
        SupervisionFinding(theme=theme, assessment=assessment, text=text)
        for theme, (assessment, text) in ((t, findings[t]) for t in THEMES_OF[theme_set])
    ]
    session.add(visit)
    session.flush()
    return visit


def add_recommendation(
    session: Session,
    visit: SupervisionVisit,
    *,
    theme: SupervisionTheme,
    text: str,
    staff: StaffUser,
) -> SupervisionRecommendation:
    if theme not in visit.themes:
        raise SupervisionError("theme_not_of_visit")
    recommendation = SupervisionRecommendation(
        visit=visit,
        provider_id=visit.provider_id,
        theme=theme,
        text=text,
        created_by_staff_id=staff.id,
    )
    session.add(recommendation)
    session.flush()
    return recommendation


def follow_up(
    session: Session,
    recommendation: SupervisionRecommendation,
    visit: SupervisionVisit,
    *,
    status: FollowUpStatus,
    note: str,
) -> None:
    """Record at `visit` what became of an earlier recommendation."""
    if recommendation.visit_id == visit.id or recommendation.provider_id != visit.provider_id:
        raise SupervisionError("not_earlier")
    recommendation.follow_up_status = status
    recommendation.follow_up_note = note
    recommendation.followed_up_at = utcnow()
    recommendation.followed_up_in_visit_id = visit.id
    session.flush()


def add_action(
    session: Session,
    recommendation: SupervisionRecommendation,
    *,
    action: str,
    responsible: str,
    due_on: date,
    staff: StaffUser,
) -> ActionPlanItem:
    item = ActionPlanItem(
        recommendation=recommendation,
        action=action,
        responsible=responsible,
        due_on=due_on,
        recorded_by_staff_id=staff.id,
    )
    session.add(item)
    session.flush()
    return item


def replacement_options(
    session: Session, sample: SupervisionSample, member: SampledCitizen, picked: list[int]
) -> list[tuple[Citizen, int]]:
    """The citizens who may take `member`'s place, with their minutes a week as drawn."""
    try:
        ids = replacement_candidates(strata_of(sample), picked, member.citizen_id)
    except SamplingError:
        return []
    citizens = {c.id: c for c in session.scalars(select(Citizen).where(Citizen.id.in_(ids)))}
    on = local_today()
    return [
        (citizens[i], weekly_minutes(citizens[i].current_decision, on))
        for i in ids
        if i in citizens
    ]


def followed_up_at(session: Session, visit: SupervisionVisit) -> list[SupervisionRecommendation]:
    """Earlier recommendations this visit followed up."""
    return list(
        session.scalars(
            select(SupervisionRecommendation)
            .where(SupervisionRecommendation.followed_up_in_visit_id == visit.id)
            .order_by(SupervisionRecommendation.id)
        )
    )


# --- the supervisor's changes, each one transaction with its audit entry --------------


def _supervision_changed(action: str, object_type: str, object_id: int) -> None:
    """Audit a change to the supervision of a provider (no citizen's case is touched)."""
    audit.record(action, object_type=object_type, object_id=object_id, purpose="tilsyn")


def save_supervision_visit(
    session: Session,
    provider: Provider,
    *,
    visited_on: date,
    findings: dict[SupervisionTheme, tuple[ThemeAssessment, str]],
    strengths: str,
    feedback_given_to: str,
    staff: StaffUser,
    theme_set: ThemeSet = ThemeSet.THISTED,
) -> SupervisionVisit:
    """Record a supervision visit with its themes, audited, in one transaction."""
    with one_transaction(session):
        visit = record_visit(
            session,
            provider,
            visited_on=visited_on,
            theme_set=theme_set,
            findings=findings,
            strengths=strengths,
            feedback_given_to=feedback_given_to,
            staff=staff,
        )
        _supervision_changed("supervision_visit_recorded", "supervision_visit", visit.id)
    return visit


def save_recommendation(
    session: Session,
    visit: SupervisionVisit,
    *,
    theme: SupervisionTheme,
    text: str,
    staff: StaffUser,
) -> SupervisionRecommendation:
    """Add a recommendation to the provider at `visit`, audited, in one transaction."""
    with one_transaction(session):
        recommendation = add_recommendation(session, visit, theme=theme, text=text, staff=staff)
        _supervision_changed(
            "supervision_recommendation_added", "supervision_recommendation", recommendation.id
        )
    return recommendation


def save_follow_up(
    session: Session,
    recommendation: SupervisionRecommendation,
    visit: SupervisionVisit,
    *,
    status: FollowUpStatus,
    note: str,
) -> None:
    """Record what became of an earlier recommendation, audited, in one transaction."""
    with one_transaction(session):
        follow_up(session, recommendation, visit, status=status, note=note)
        _supervision_changed(
            "supervision_recommendation_followed_up",
            "supervision_recommendation",
            recommendation.id,
        )


def save_action(
    session: Session,
    recommendation: SupervisionRecommendation,
    *,
    action: str,
    responsible: str,
    due_on: date,
    staff: StaffUser,
) -> ActionPlanItem:
    """Add an item to the provider's action plan, audited, in one transaction."""
    with one_transaction(session):
        item = add_action(
            session,
            recommendation,
            action=action,
            responsible=responsible,
            due_on=due_on,
            staff=staff,
        )
        _supervision_changed("supervision_action_recorded", "action_plan_item", item.id)
    return item


def draw_year_sample(
    session: Session, provider: Provider, year: int, *, staff: StaffUser, on: date
) -> SupervisionSample:
    """Draw the year's sample, each citizen drawn audited for her to see, in one transaction;
    a refusal (SupervisionError) leaves nothing written."""
    with one_transaction(session):
        drawn = draw_for_provider(session, provider, year, staff=staff, on=on)
        for member in drawn.members:
            audit.record(
                "supervision_sample_drawn",
                citizen=member.citizen,
                object_type="supervision_sample",
                object_id=drawn.id,
                purpose="tilsyn",
            )
    return drawn


def swap_sample_member(
    session: Session,
    member: SampledCitizen,
    replacement_citizen_id: int,
    *,
    reason: str,
    staff: StaffUser,
) -> SampledCitizen:
    """Replace a sampled citizen with the reason, both audited, in one transaction; a
    refusal (SupervisionError) leaves nothing written."""
    with one_transaction(session):
        newcomer = replace_member(
            session, member, replacement_citizen_id, reason=reason, staff=staff
        )
        audit.record(
            "supervision_sample_swapped",
            citizen=member.citizen,
            object_type="sampled_citizen",
            object_id=member.id,
            purpose="tilsyn",
            detail={"replaced_by_citizen_id": newcomer.citizen_id},
        )
        audit.record(
            "supervision_sample_swapped_in",
            citizen=newcomer.citizen,
            object_type="sampled_citizen",
            object_id=newcomer.id,
            purpose="tilsyn",
        )
    return newcomer
