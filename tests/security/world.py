"""A small world with one of every kind of person, for the tests that walk every route.

`build_world(factories)` makes three citizens: `own` (in the team of the signed-in
worker and team leader), `other_team` (same municipality, another team) and
`foreign` (another municipality), each with a decision, a visit, a swap, a case,
a flag and a wish, and the people who sign in: the citizen, relatives with each
kind of consent, and one staff user per role.

Route arguments are built from these objects by name (PARAMETERS). A route with
an argument name not listed here fails the route × role test with a message that
says where to add it: the walk never skips a route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.messages import ThreadParty
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    ConsentScope,
    FlagRule,
    PriorityKind,
    StaffRole,
    SwapStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    Case,
    Flag,
    MessageThread,
    StaffReport,
    SwapLine,
    SwapRequest,
    VisitPriority,
    Wish,
)
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff


@dataclass
class Holdings:
    """Everything held about one citizen, for building route arguments."""

    citizen: Any
    decision: Any
    granted: Any
    visit: Any
    visit_service: Any
    service: Any
    swap: Any
    case: Any
    flag: Any
    wish: Any
    consent: Any
    relative: Any
    staff: Any
    team: Any
    report: Any = None
    priority: Any = None  # Ældreloven: what matters most at a coming visit
    supervision: dict = field(default_factory=dict)
    programme: Any = None  # a forløb of the municipality's catalogue (issue 11)
    thread: Any = None  # the citizen's messages with the visitation (issue 14)


@dataclass
class World:
    own: Holdings
    other_team: Holdings
    foreign: Holdings
    actors: dict[str, Callable[[Any], None]] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)


def _holdings(factories, municipality, team, n: int) -> Holdings:
    citizen = factories.Citizen(municipality=municipality, team=team, provider=team.provider)
    service = factories.Service(municipality=municipality)
    decision = factories.Decision(citizen=citizen)
    granted = factories.GrantedService(decision=decision, service=service)
    visit = factories.Visit(citizen=citizen, team=team, day=local_today() + timedelta(days=2))
    visit_service = factories.VisitService(visit=visit, service=service, granted_service=granted)
    consent = factories.Consent(citizen=citizen, scope=ConsentScope.ACT)
    staff = factories.StaffUser(
        municipality=municipality, role=StaffRole.VISITATOR, username=f"world{n}"
    )
    swap = SwapRequest(
        reference=f"W-{n}-{citizen.id}",
        citizen=citizen,
        visit=visit,
        status=SwapStatus.REQUESTED,
        created_by_kind=ActorKind.CITIZEN,
        lines=[
            SwapLine(kind="drop", service_id=service.id, minutes=30),
            SwapLine(kind="add", service_id=service.id, minutes=30),
        ],
    )
    case = Case(
        municipality_id=municipality.id,
        citizen=citizen,
        kind=CaseKind.FLAG,
        title="Testsag",
        deadline=local_today() + timedelta(days=5),
    )
    flag = Flag(
        citizen_id=citizen.id,
        rule=FlagRule.TIME_DEVIATION,
        key=f"time:{service.id}",
        period_start=local_today() - timedelta(days=30),
        period_end=local_today(),
        case=case,
    )
    wish = Wish(
        citizen=citizen, kind="time", text="Gerne før kl. 9", created_by_kind=ActorKind.CITIZEN
    )
    report = StaffReport(citizen=citizen, staff_id=staff.id, direction="worse", text="Faldet")
    priority = VisitPriority(
        reference=f"PRI-W{n}-{citizen.id}",
        citizen=citizen,
        visit=visit,
        kind=PriorityKind.OWN_WORDS,
        text="Gerne en gåtur",
    )
    thread = MessageThread(
        citizen=citizen, party=ThreadParty.VISITATION, handled_by=ThreadParty.VISITATION
    )
    db.session.add_all([swap, case, flag, wish, report, priority, thread])
    db.session.commit()
    supervision = _supervision(team.provider, citizen, n)
    programme = factories.CareProgrammeElement(
        programme__municipality=municipality, programme__code=f"FORLOB-{n}"
    ).programme
    return Holdings(
        thread=thread,
        programme=programme,
        report=report,
        priority=priority,
        citizen=citizen,
        decision=decision,
        granted=granted,
        visit=visit,
        visit_service=visit_service,
        service=service,
        swap=swap,
        case=case,
        flag=flag,
        wish=wish,
        consent=consent,
        relative=consent.relative,
        staff=staff,
        team=team,
        supervision=supervision,
    )


def _supervision(provider, citizen, n: int) -> dict:
    """A supervision sample with the citizen in it; last year's visit with a recommendation."""
    from selvvisitation.domain.supervision_sampling import PickReason, SampleRule
    from selvvisitation.domain.supervision_themes import (
        THISTED_THEMES,
        SupervisionTheme,
        ThemeAssessment,
    )
    from selvvisitation.models import (
        SampledCitizen,
        SupervisionFinding,
        SupervisionRecommendation,
        SupervisionSample,
        SupervisionVisit,
    )

    sample = SupervisionSample(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        year=2000 + n,
        seed=f"world-{n}",
        rule=SampleRule.MUNICIPAL_HOME_CARE,
        population=1,
        target_size=6,
        strata=[{"index": 1, "min_minutes": 30, "max_minutes": 30, "citizen_ids": [citizen.id]}],
    )
    member = SampledCitizen(
        citizen_id=citizen.id, stratum=1, weekly_minutes=30, reason=PickReason.WHOLE_PROVIDER
    )
    sample.members = [member]
    visits = []
    for day in (date(2000 + n, 3, 1), date(2001 + n, 3, 1)):
        visit = SupervisionVisit(
            municipality_id=provider.municipality_id, provider_id=provider.id, visited_on=day
        )
        visit.findings = [
            SupervisionFinding(theme=t, assessment=ThemeAssessment.MET) for t in THISTED_THEMES
        ]
        visits.append(visit)
    recommendation = SupervisionRecommendation(
        visit=visits[0], provider_id=provider.id, theme=SupervisionTheme.HYGIENE, text="Handsker"
    )
    db.session.add_all([sample, *visits, recommendation])
    db.session.commit()
    return {
        "sample": sample,
        "member": member,
        "visit": visits[1],
        "recommendation": recommendation,
    }


def build_world(factories) -> World:
    municipality = factories.Municipality()
    team = factories.Team(provider__municipality=municipality)
    other_team = factories.Team(provider=team.provider)
    own = _holdings(factories, municipality, team, 1)
    other = _holdings(factories, municipality, other_team, 2)
    foreign_municipality = factories.Municipality()
    foreign = _holdings(
        factories,
        foreign_municipality,
        factories.Team(provider__municipality=foreign_municipality),
        3,
    )
    citizen = own.citizen
    now = datetime.now(UTC)
    relatives = {
        "relative_see": factories.Consent(citizen=citizen, scope=ConsentScope.SEE).relative,
        "relative_act": own.relative,
        "relative_withdrawn": factories.Consent(
            citizen=citizen, scope=ConsentScope.ACT, revoked_at=now - timedelta(hours=1)
        ).relative,
        "relative_expired": factories.Consent(
            citizen=citizen,
            scope=ConsentScope.ACT,
            valid_from=now - timedelta(days=30),
            valid_to=now - timedelta(days=1),
        ).relative,
    }
    world = World(own=own, other_team=other, foreign=foreign)
    world.actors["anonymous"] = lambda client: None
    world.actors["citizen"] = lambda client: sign_in_citizen(client, citizen)
    world.actors["relative_unchosen"] = lambda client: sign_in_relative(client, own.relative)
    for name, relative in relatives.items():
        world.actors[name] = lambda client, r=relative: sign_in_relative(client, r, citizen)
        world.people[name] = relative
    for role in StaffRole:
        staff = factories.StaffUser(
            municipality=municipality,
            role=role,
            team=team if role in (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER) else None,
            provider=team.provider,
        )
        world.people[role.value] = staff
        world.actors[role.value] = lambda client, s=staff: sign_in_staff(client, s)
    # Half-way through signing in: the password given, the second factor not yet.
    world.actors["pending_visitator"] = lambda client: pending_staff(
        client, world.people[StaffRole.VISITATOR.value]
    )
    return world


def pending_staff(client, staff) -> None:
    """What the password step leaves in the session (auth/second_factor_views.py)."""
    from selvvisitation.auth.second_factor_views import PENDING

    with client.session_transaction() as session:
        session.clear()
        session[PENDING] = {
            "id": staff.id,
            "nonce": staff.session_nonce,
            "at": datetime.now(UTC).timestamp(),
            "next": "",
        }


# Route argument name -> (value from a citizen's holdings, does it belong to that citizen?)
# Objects that belong to one citizen get the object-level check (may_see_citizen).
PARAMETERS: dict[str, tuple[Callable[[Holdings], Any], bool]] = {
    "citizen_id": (lambda h: h.citizen.id, True),
    "visit_id": (lambda h: h.visit.id, True),
    "visit_service_id": (lambda h: h.visit_service.id, True),
    "decision_id": (lambda h: h.decision.id, True),
    "granted_id": (lambda h: h.granted.id, True),
    "granted_service_id": (lambda h: h.granted.id, True),
    "swap_id": (lambda h: h.swap.id, True),
    "reference": (lambda h: h.swap.reference, True),
    "case_id": (lambda h: h.case.id, True),
    "flag_id": (lambda h: h.flag.id, True),
    "wish_id": (lambda h: h.wish.id, True),
    "consent_id": (lambda h: h.consent.id, True),
    "relative_id": (lambda h: h.relative.id, True),
    "report_id": (lambda h: h.report.id, True),
    "service_id": (lambda h: h.service.id, False),
    "staff_id": (lambda h: h.staff.id, False),
    "team_id": (lambda h: h.team.id, False),
    "provider_id": (lambda h: h.team.provider_id, False),
    "programme_id": (lambda h: h.programme.id, False),
    "code": (lambda h: h.citizen.municipality.code, False),
    "filename": (lambda h: "app/site.css", False),
    # Supervision (tilsyn): provider-level objects, same municipality only; a sampled
    # citizen is the citizen's own.
    "sample_id": (lambda h: h.supervision["sample"].id, False),
    "member_id": (lambda h: h.supervision["member"].id, True),
    "supervision_visit_id": (lambda h: h.supervision["visit"].id, False),
    "recommendation_id": (lambda h: h.supervision["recommendation"].id, False),
    # A calendar feed's secret (issue 14): an unknown one answers 404 to everyone.
    "token": (lambda h: "no-such-calendar-link", False),
    "thread_id": (lambda h: h.thread.id, True),
    # Who the signed-in citizen writes to: names no object, whoever's holdings are walked.
    "party": (lambda h: "team", False),
}
# Route arguments that name no object of anyone's: a route with only these is the signed-in
# person's own, the same whichever holdings the walk uses.
NOT_AN_OBJECT = frozenset({"party"})
