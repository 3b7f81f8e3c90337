"""Demo data for supervision (tilsyn): last year's and this year's visits, samples, action plans.

Also what a year of daily work leaves behind that supervision reads: a few swaps a
home-care worker declined on the day (hygiene, work environment) and requests for
reassessment. All made up; the texts follow seed 000's themes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.supervision_themes import (
    THEMES_OF,
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
)
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    CaseStatus,
    DeclineReason,
    ProviderKind,
    ReassessmentReason,
    StaffRole,
    SwapStatus,
)
from selvvisitation.models import (
    Citizen,
    Municipality,
    Provider,
    ReassessmentRequest,
    StaffUser,
    SwapLine,
    SwapRequest,
    Visit,
)
from selvvisitation.services import supervision_visits
from selvvisitation.services.cases import open_case

MET, PARTLY, NOT_MET = ThemeAssessment.MET, ThemeAssessment.PARTLY_MET, ThemeAssessment.NOT_MET
T = SupervisionTheme

# (provider kind, reason, days ago) of the swaps a worker declined on the day (rule 5).
DECLINED = [
    (ProviderKind.MUNICIPAL, DeclineReason.HYGIENE, 9, "Badet kunne ikke springes over i dag."),
    (ProviderKind.MUNICIPAL, DeclineReason.HYGIENE, 23, "Sengetøjet var vådt og skulle skiftes."),
    (ProviderKind.MUNICIPAL, DeclineReason.HYGIENE, 37, "Køkkenet skulle gøres rent først."),
    (ProviderKind.MUNICIPAL, DeclineReason.WORK_ENVIRONMENT, 16, "Tunge løft uden hjælpemiddel."),
    (ProviderKind.MUNICIPAL, DeclineReason.OTHER, 44, "Borgeren var syg."),
    (ProviderKind.PRIVATE, DeclineReason.WORK_ENVIRONMENT, 12, "Vinduespudsning fra stige."),
]


def add_supervision_demo(session: Session, municipality: Municipality, today: date) -> None:
    supervisor = session.scalar(
        select(StaffUser).where(
            StaffUser.municipality_id == municipality.id, StaffUser.role == StaffRole.SUPERVISOR
        )
    )
    if supervisor is None:
        raise LookupError("The demo municipality has no supervisor (demo.seed makes one)")
    providers = {p.kind: p for p in supervision_visits.providers_of(session, municipality.id)}
    municipal, private = providers[ProviderKind.MUNICIPAL], providers[ProviderKind.PRIVATE]
    _declined_swaps(session, municipality, providers, today)
    _reassessments(session, municipal, private, today)
    _revisitation_forms(session, municipal, private, today)
    for provider in (municipal, private):
        supervision_visits.draw_for_provider(
            session,
            provider,
            today.year,
            staff=supervisor,
            on=today,
            seed=f"demo-{today.year}-{provider.id}",
        )

    last_year = _visit(
        session,
        municipal,
        supervisor,
        today - timedelta(days=351),
        {
            T.HYGIENE: (PARTLY, "Håndsprit manglede i to af seks hjem."),
            T.COHERENCE: (PARTLY, "Tre borgere vidste ikke, hvem der kom næste dag."),
        },
    )
    hygiene = supervision_visits.add_recommendation(
        session,
        last_year,
        theme=T.HYGIENE,
        text="Alle medarbejdere har håndsprit og handsker med i hvert hjem.",
        staff=supervisor,
    )
    coherence = supervision_visits.add_recommendation(
        session,
        last_year,
        theme=T.COHERENCE,
        text="Borgeren får besked, når en anden hjælper kommer.",
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        hygiene,
        action="Tasker pakkes med håndsprit og handsker hver morgen.",
        responsible="Teamleder, Team Centrum",
        due_on=today - timedelta(days=300),
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        coherence,
        action="Ugeplan med navn på hjælperen hænges op hos borgeren.",
        responsible="Planlægger",
        due_on=today - timedelta(days=260),
        staff=supervisor,
    )

    this_year = _visit(
        session,
        municipal,
        supervisor,
        today - timedelta(days=20),
        {
            T.COHERENCE: (PARTLY, "Skift i aftalte tider bliver ikke altid meldt til borgeren."),
            T.QUALITY_OF_LIFE: (MET, "Borgerne er glade for at kunne bytte til en gåtur."),
        },
    )
    supervision_visits.follow_up(
        session, hygiene, this_year, status=FollowUpStatus.DONE, note="Set i alle besøgte hjem."
    )
    supervision_visits.follow_up(
        session,
        coherence,
        this_year,
        status=FollowUpStatus.IN_PROGRESS,
        note="Ugeplanen er indført i Team Centrum, ikke i Team Nord.",
    )
    times = supervision_visits.add_recommendation(
        session,
        this_year,
        theme=T.COHERENCE,
        text="Ændringer på mere end 30 minutter i den aftalte tid meldes til borgeren.",
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        times,
        action="Planlæggeren ringer til borgeren ved flytning over 30 minutter.",
        responsible="Leder af hjemmeplejen",
        due_on=today + timedelta(days=40),
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        times,
        action="Team Nord indfører ugeplanen som Team Centrum.",
        responsible="Teamleder, Team Nord",
        due_on=today + timedelta(days=70),
        staff=supervisor,
    )

    # The demo offers both theme sets (seed.py); a later visit by the Ældretilsyn's three values
    # (Ældretilsynsloven § 7 stk. 3), so the report and the visit page show them.
    values = _visit(
        session,
        municipal,
        supervisor,
        today - timedelta(days=6),
        {
            T.SELF_DETERMINATION: (
                PARTLY,
                "To borgere vidste ikke, at de selv kan sige, hvad der er vigtigst "
                "ved næste besøg.",
            ),
            T.TRUST: (MET, "Medarbejderne aftaler ændringer med borgeren i hjemmet."),
            T.RELATIVES_AND_CIVIL_SOCIETY: (
                MET,
                "Pårørende inddrages, som borgeren ønsker; to borgere går i den lokale klub.",
            ),
        },
        theme_set=ThemeSet.AELDRETILSYN,
    )
    priorities = supervision_visits.add_recommendation(
        session,
        values,
        theme=T.SELF_DETERMINATION,
        text=(
            "Alle borgere efter ældreloven får at vide, at de kan sætte det vigtigste "
            "for næste besøg."
        ),
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        priorities,
        action="Hjælperne viser borgeren siden 'Det vigtigste for mig' ved første besøg.",
        responsible="Leder af hjemmeplejen",
        due_on=today + timedelta(days=30),
        staff=supervisor,
    )

    private_visit = _visit(
        session,
        private,
        supervisor,
        today - timedelta(days=34),
        {
            T.HYGIENE: (NOT_MET, "Gulvklude bruges i både køkken og bad."),
        },
    )
    cloths = supervision_visits.add_recommendation(
        session,
        private_visit,
        theme=T.HYGIENE,
        text="Separate klude til køkken og bad, farvekodet.",
        staff=supervisor,
    )
    supervision_visits.add_action(
        session,
        cloths,
        action="Farvekodede klude indkøbt og instruks gennemgået.",
        responsible="Indehaver",
        due_on=today + timedelta(days=14),
        staff=supervisor,
    )
    session.flush()


def _visit(session, provider, supervisor, on, exceptions, theme_set=ThemeSet.THISTED):
    findings = {theme: (MET, "") for theme in THEMES_OF[theme_set]}
    findings.update(exceptions)
    return supervision_visits.record_visit(
        session,
        provider,
        visited_on=on,
        theme_set=theme_set,
        findings=findings,
        strengths="Faste hjælpere og god tone i hjemmene.",
        feedback_given_to="Leder og to medarbejdere",
        staff=supervisor,
    )


def _declined_swaps(session, municipality, providers, today) -> None:
    """Swaps a worker judged not safe on the day: the citizen keeps the granted help."""
    for number, (kind, reason, days_ago, text) in enumerate(DECLINED, start=1):
        day = today - timedelta(days=days_ago)
        visits = session.scalars(
            select(Visit)
            .join(Citizen, Visit.citizen_id == Citizen.id)
            .where(
                Citizen.provider_id == providers[kind].id,
                Visit.day <= day,
                Visit.recorded_at.isnot(None),
            )
            .order_by(Visit.day.desc(), Visit.id.desc())
            .offset(number)
        )
        # The first visit with a granted service that no swap touched that day.
        found = next(
            (
                (visit, item)
                for visit in visits
                if not any(s.swap_id for s in visit.services)
                for item in visit.services
                if item.granted_service_id
            ),
            None,
        )
        if found is None:
            continue
        visit, item = found
        asked = datetime.combine(visit.day - timedelta(days=1), time(9), tzinfo=UTC)
        swap = SwapRequest(
            reference=f"DEMO-AFVIST-{number}",
            citizen_id=visit.citizen_id,
            visit=visit,
            status=SwapStatus.DECLINED,
            created_by_kind=ActorKind.CITIZEN,
            created_at=asked,
            acknowledged_cannot_demand_at=asked,
            acknowledged_by_kind=ActorKind.CITIZEN,
            decided_at=visit.starts_at,
            decline_reason=reason,
            decline_text=text,
        )
        swap.lines = [
            SwapLine(kind="drop", service_id=item.service_id, minutes=item.planned_minutes),
            SwapLine(kind="add", free_text="Gåtur", minutes=item.planned_minutes),
        ]
        session.add(swap)


# (provider kind, satisfaction, help as granted, heard, matches, goals, service level, days ago)
FORMS = [
    (ProviderKind.MUNICIPAL, "very_satisfied", "yes", "yes", "yes", "yes", "yes", 60),
    (ProviderKind.MUNICIPAL, "satisfied", "yes", "yes", "yes", "partly", "yes", 48),
    (ProviderKind.MUNICIPAL, "satisfied", "yes", "partly", "yes", "yes", "yes", 33),
    (ProviderKind.MUNICIPAL, "neither", "partly", "no", "partly", "partly", "yes", 19),
    (ProviderKind.MUNICIPAL, "satisfied", "yes", "yes", "yes", "yes", "partly", 8),
    (ProviderKind.PRIVATE, "dissatisfied", "partly", "partly", "no", "partly", "partly", 41),
    (ProviderKind.PRIVATE, "neither", "partly", "yes", "partly", "partly", "yes", 22),
    (ProviderKind.PRIVATE, "satisfied", "yes", "yes", "partly", "yes", "yes", 6),
]


def _revisitation_forms(session, municipal: Provider, private: Provider, today: date) -> None:
    """Herning's two forms (seed 001), filled in at held reassessment visits."""
    from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
    from selvvisitation.models import AssessmentVisit
    from selvvisitation.services.case_actions import FollowUpAnswers, record_follow_up

    visitator = session.scalar(
        select(StaffUser).where(
            StaffUser.municipality_id == municipal.municipality_id,
            StaffUser.role == StaffRole.VISITATOR,
        )
    )
    providers = {ProviderKind.MUNICIPAL: municipal, ProviderKind.PRIVATE: private}
    for number, (kind, satisfied, granted, heard, matches, goals, level, days_ago) in enumerate(
        FORMS
    ):
        citizen = session.scalar(
            select(Citizen)
            .where(Citizen.provider_id == providers[kind].id)
            .order_by(Citizen.id.desc())
            .offset(number)
            .limit(1)
        )
        held_on = today - timedelta(days=days_ago)
        case = open_case(
            session,
            citizen=citizen,
            kind=CaseKind.REASSESSMENT_REQUEST,
            title="Opfølgning (revisitation)",
            actor_kind=ActorKind.STAFF,
            actor_staff_id=visitator.id,
            opened_on=held_on - timedelta(days=7),
        )
        case.status = CaseStatus.CLOSED
        case.closed_at = datetime.combine(held_on, time(14), tzinfo=UTC)
        case.outcome = "Opfølgning holdt; afgørelsen passer."
        visit = AssessmentVisit(
            case=case,
            citizen=citizen,
            visitator_staff_id=visitator.id,
            starts_at=datetime.combine(held_on, time(10), tzinfo=UTC),
            booked_by_staff_id=visitator.id,
            status=AssessmentStatus.BOOKED,
        )
        session.add(visit)
        session.flush()
        record_follow_up(
            session,
            visit,
            visitator,
            FollowUpAnswers(
                satisfaction=Satisfaction(satisfied),
                help_as_granted=YesPartlyNo(granted),
                heard_and_involved=YesPartlyNo(heard),
                citizen_comment="",
                matches_decision=YesPartlyNo(matches),
                goals_met=YesPartlyNo(goals),
                meets_service_level=YesPartlyNo(level),
                notes="",
            ),
        )
        session.flush()
        if visit.quality is None or visit.observation is None:
            raise LookupError("record_follow_up kept no quality or observation")
        visit.quality.recorded_at = visit.observation.recorded_at = visit.starts_at


def _reassessments(session, municipal: Provider, private: Provider, today: date) -> None:
    requests = [
        (
            municipal,
            ReassessmentReason.MORE_HELP,
            30,
            "Jeg kan ikke længere selv komme i bad.",
            True,
        ),
        (municipal, ReassessmentReason.HELP_DOES_NOT_FIT, 12, "Hjælpen kommer for tidligt.", False),
        (private, ReassessmentReason.LESS_HELP, 25, "Min datter gør rent nu.", False),
    ]
    for provider, reason, days_ago, text, closed in requests:
        citizen = session.scalar(
            select(Citizen)
            .where(Citizen.provider_id == provider.id)
            .order_by(Citizen.id)
            .offset(days_ago % 7)
            .limit(1)
        )
        opened_on = today - timedelta(days=days_ago)
        case = open_case(
            session,
            citizen=citizen,
            kind=CaseKind.REASSESSMENT_REQUEST,
            title="Ønske om revisitation",
            actor_kind=ActorKind.CITIZEN,
            text=text,
            opened_on=opened_on,
        )
        case.opened_at = datetime.combine(opened_on, time(10), tzinfo=UTC)
        if closed:
            case.status = CaseStatus.CLOSED
            case.closed_at = case.opened_at + timedelta(days=6)
            case.outcome = "Revisiteret: hjælp til bad to gange om ugen."
        session.add(
            ReassessmentRequest(
                citizen=citizen,
                case=case,
                reason=reason,
                text=text,
                requested_by_kind=ActorKind.CITIZEN,
                created_at=case.opened_at,
            )
        )
