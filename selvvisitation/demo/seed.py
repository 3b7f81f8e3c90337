"""The demo municipality: catalogue from Esbjerg's quality standards (seed 002), people made up.

Some citizens are built to be flagged (they swap the same service again and
again, or their delivered time deviates); `BUILT_TO_BE_FLAGGED` names them so a
test can check that flag evaluation finds exactly these.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.demo.ael import add_ael_demo, made_up_cpr
from selvvisitation.demo.esbjerg_catalogue import CATALOGUE, catalogue_document
from selvvisitation.demo.messages import add_demo_messages
from selvvisitation.demo.staff_wishes import add_team_wishes
from selvvisitation.demo.supervision_history import add_supervision_demo
from selvvisitation.demo.week import DAUGHTER, GRANDSON, WEEK_DAYS
from selvvisitation.domain.dates import LOCAL, local_today
from selvvisitation.domain.notifications import Channel, RecipientKind, topics_for
from selvvisitation.domain.schedule import TIME_SLOTS, Recurrence, occurrences
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import (
    ActorKind,
    ConsentBasis,
    ConsentScope,
    FlagRule,
    Frequency,
    LegalBasis,
    ProviderKind,
    RelationKind,
    ServiceCategory,
    StaffRole,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    Citizen,
    Consent,
    Decision,
    GrantedService,
    Municipality,
    MunicipalityPolicy,
    NotificationPreference,
    Provider,
    Relative,
    Service,
    StaffUser,
    SwapLine,
    SwapRequest,
    Team,
    Visit,
    VisitService,
)
from selvvisitation.security.passwords import hash_password
from selvvisitation.services.interchange import import_document

HISTORY_WEEKS = 10
PLAN_AHEAD_DAYS = 14

FIRST_NAMES = [
    "Inger",
    "Karen",
    "Grethe",
    "Birthe",
    "Ruth",
    "Else",
    "Kirsten",
    "Hanne",
    "Lis",
    "Ellen",
    "Jens",
    "Poul",
    "Erik",
    "Niels",
    "Hans",
    "Bent",
    "Svend",
    "Arne",
    "Knud",
    "Ole",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
]
STREETS = ["Kongensgade", "Torvegade", "Skolegade", "Strandbygade", "Jyllandsgade", "Grådybet"]

# How the worker gets in (issue 12: on her list at a glance); None: she rings the bell.
ACCESS_NOTES = (
    "Nøgleboks ved hoveddøren",
    None,
    "Ring på, og vent: det tager tid at komme til døren",
    None,
    "Nøglen hos naboen i nr. 3",
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: StaffRole
    password: str


@dataclass
class DemoResult:
    municipality: Municipality
    logins: list[DemoLogin]
    built_to_be_flagged: dict[str, set[FlagRule]]  # citizen name -> rules
    citizens_by_basis: dict[LegalBasis, int]  # issue 11: both laws side by side
    over_67_on_sel: int  # over 67, not yet re-visited under Ældreloven


# Issue 11: the 40 Serviceloven citizens keep their history; all but every 8th are made
# younger than 67 (the others are over 67 and not yet re-visited under Ældreloven).
NOT_YET_REVISITED_EVERY = 8


def _fake_cpr(rng: random.Random, used: set[str]) -> str:
    """A made-up CPR number of someone born 1928-1948 (format-valid, not a real person's)."""
    while True:
        born = date(1928, 1, 1) + timedelta(days=rng.randrange(0, 21 * 365))
        serial = f"{rng.randrange(0, 4)}{rng.randrange(0, 1000):03d}"
        cpr = born.strftime("%d%m%y") + serial
        if cpr not in used:
            used.add(cpr)
            return cpr


def _aware(day: date, slot: str, offset_minutes: int = 0) -> datetime:
    start = TIME_SLOTS[slot][0]
    local = datetime.combine(day, start, tzinfo=LOCAL) + timedelta(minutes=offset_minutes)
    return local.astimezone(UTC)


def _import_catalogue(session: Session) -> tuple[Municipality, dict[str, Service]]:
    """The demo municipality and its catalogue, through the importer (esbjerg_catalogue.json:
    an import document in our own format, docs/import-format.md)."""
    document = catalogue_document()
    result = import_document(session, document)
    if result.problems:
        raise ValueError(f"the demo catalogue does not import: {result.problems}")
    code = document["municipality"]["code"]
    municipality = session.scalars(select(Municipality).where(Municipality.code == code)).one()
    stored = session.scalars(select(Service).where(Service.municipality_id == municipality.id))
    by_code = {service.code: service for service in stored}
    # In the document's order, as the demo's random choices expect on every database.
    return municipality, {entry.code: by_code[entry.code] for entry in CATALOGUE}


def build_demo(session: Session, *, today: date | None = None, seed: int = 94) -> DemoResult:
    """Create the demo municipality with everything in it; the caller commits."""
    rng = random.Random(seed)  # noqa: S311  (made-up demo data, not security)
    today = today or local_today()
    municipality, services = _import_catalogue(session)
    # The demo asks no second factor of any role: a visitor tries it with the printed
    # logins and no authenticator app. Staff may still enrol, and the demo's admin can
    # require it under the rules for sign-in (issue 15, High 2).
    # Both theme sets of a supervision visit: Thisted's five and the Ældretilsyn's three.
    policy = municipality.policy or MunicipalityPolicy(municipality=municipality)
    policy.second_factor_roles = []
    policy.supervision_theme_sets = ThemeSet.BOTH
    session.flush()

    municipal = Provider(
        municipality=municipality,
        name="Esbjerg Hjemmepleje",
        kind=ProviderKind.MUNICIPAL,
        phone="76 16 20 00",
    )
    private = Provider(
        municipality=municipality,
        name="Vestkystens Hjemmeservice ApS (demo)",
        kind=ProviderKind.PRIVATE,
        phone="75 00 00 00",
        offers_personal_care=False,
    )
    teams = [
        Team(provider=municipal, name="Team Centrum"),
        Team(provider=municipal, name="Team Nord"),
        Team(provider=private, name="Team Praktisk"),
    ]
    session.add_all([municipal, private, *teams])
    session.flush()

    logins = _demo_staff(session, municipality, teams)
    staff_by_role = {
        login.role: session.query(StaffUser).filter_by(username=login.username).one()
        for login in logins
    }

    personal = [
        e
        for e in CATALOGUE
        if e.category == ServiceCategory.PERSONAL_CARE
        and e.swappable
        and not e.flexible_only
        and e.within_service_level
    ]
    practical = [
        e
        for e in CATALOGUE
        if e.category == ServiceCategory.PRACTICAL_HELP
        and e.swappable
        and not e.flexible_only
        and e.within_service_level
    ]
    used_cprs: set[str] = set()
    built: dict[str, set[FlagRule]] = {}
    history_start = today - timedelta(weeks=HISTORY_WEEKS)
    valid_from = history_start - timedelta(days=rng.randrange(30, 400))

    younger = random.Random(seed + 67)  # noqa: S311  (its own stream: the rest stays as it was)
    for index in range(40):
        name = (
            f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7) % len(LAST_NAMES)]}"
        )
        practical_only = index % 4 == 3
        team = teams[2] if practical_only else teams[index % 2]
        citizen = Citizen(
            municipality=municipality,
            cpr=_fake_cpr(rng, used_cprs),
            name=name,
            address=f"{rng.choice(STREETS)} {rng.randrange(1, 120)}, 6700 Esbjerg",
            phone=f"2{rng.randrange(1000000, 9999999)}",
            access_note=ACCESS_NOTES[index % len(ACCESS_NOTES)],
            provider=team.provider,
            team=team,
        )
        if index % NOT_YET_REVISITED_EVERY != 0:
            # Born 1962-1989: under 67 until 2029 at least.
            citizen.cpr = made_up_cpr(younger, used_cprs, date(1962, 1, 1), 28 * 365)
        session.add(citizen)
        decision = Decision(
            citizen=citizen,
            version=1,
            valid_from=valid_from,
            decided_by_staff_id=staff_by_role[StaffRole.VISITATOR].id,
            reasons="Demo: afgørelse efter visitationsbesøg.",
        )
        session.add(decision)
        grants: list[GrantedService] = []
        if not practical_only:
            for entry in rng.sample(personal, k=min(len(personal), rng.randrange(1, 4))):
                grants.append(
                    GrantedService(
                        decision=decision,
                        service=services[entry.code],
                        minutes_per_delivery=entry.default_minutes,
                        frequency=Frequency.DAILY,
                        time_of_day="morning",
                        start_date=valid_from,
                    )
                )
        weekday = index % 5
        for entry in rng.sample(practical, k=min(len(practical), rng.randrange(1, 3))):
            grants.append(
                GrantedService(
                    decision=decision,
                    service=services[entry.code],
                    minutes_per_delivery=entry.default_minutes,
                    frequency=rng.choice([Frequency.WEEKLY, Frequency.EVERY_2_WEEKS]),
                    weekdays=str(weekday),
                    time_of_day="day",
                    start_date=valid_from,
                )
            )
        session.add_all(grants)
        session.flush()

        # Who is built to be flagged: every 6th swaps the same service away again and
        # again (rule 7); every 9th gets far more time than granted (seed 003).
        repeat_swapper = index % 6 == 1
        time_deviator = index % 9 == 4 and not repeat_swapper
        expected: set[FlagRule] = set()
        if repeat_swapper:
            expected.add(FlagRule.REPEATED_DESELECTION)
        if time_deviator:
            expected.add(FlagRule.TIME_DEVIATION)
        if expected:
            built[name] = expected
        _plan_and_record_visits(
            session,
            rng,
            citizen,
            grants,
            services,
            today,
            history_start,
            repeat_swapper=repeat_swapper,
            time_deviator=time_deviator,
            occasional_swapper=index % 5 == 2 and not repeat_swapper,
            # The demo week (demo/week.py) records the first citizen's last visits itself,
            # through the worker's "Som planlagt", and her family is told.
            recorded_before=today - timedelta(days=WEEK_DAYS) if index == 0 else today,
        )

    _demo_relatives(session, rng, municipality, today)
    add_demo_messages(session, municipality, today)
    add_supervision_demo(session, municipality, today)
    add_team_wishes(session, municipality, today)
    sel_names = set(built) | {c.name for c in session.query(Citizen.name)}
    ael_names = [
        name
        for name in (
            f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 5 + 3) % len(LAST_NAMES)]}"
            for i in range(200)
        )
        if name not in sel_names
    ]
    ael = add_ael_demo(
        session,
        random.Random(seed + 11),  # noqa: S311  (made-up demo data, not security)
        municipality,
        teams,
        ael_names,
        staff_by_role[StaffRole.VISITATOR],
        staff_by_role[StaffRole.HOME_CARE_WORKER],
        today=today,
        history_start=history_start,
        plan_ahead_days=PLAN_AHEAD_DAYS,
        used_cprs=used_cprs,
    )
    built.update(ael.built_to_be_flagged)
    _assign_planned_workers(session, municipality)
    return DemoResult(
        municipality=municipality,
        logins=logins,
        built_to_be_flagged=built,
        citizens_by_basis={LegalBasis.SEL: 40, LegalBasis.AEL: ael.citizens},
        over_67_on_sel=len(range(0, 40, NOT_YET_REVISITED_EVERY)),
    )


def _demo_staff(session: Session, municipality: Municipality, teams: list[Team]) -> list[DemoLogin]:
    people = [
        ("hjemmehjaelper", "Mette Hjemmehjælper", StaffRole.HOME_CARE_WORKER, teams[0]),
        ("teamleder", "Lone Teamleder", StaffRole.TEAM_LEADER, teams[0]),
        ("visitator", "Vibeke Visitator", StaffRole.VISITATOR, None),
        ("admin", "Anders Administrator", StaffRole.MUNICIPALITY_ADMIN, None),
        ("tilsyn", "Tove Tilsynsførende", StaffRole.SUPERVISOR, None),
    ]
    logins = []
    for username, name, role, team in people:
        password = secrets.token_urlsafe(9)
        session.add(
            StaffUser(
                municipality=municipality,
                username=username,
                name=name,
                role=role,
                team=team,
                provider=team.provider if team else None,
                password_hash=hash_password(password),
            )
        )
        logins.append(DemoLogin(username, role, password))
    session.flush()
    return logins


def _assign_planned_workers(session: Session, municipality: Municipality) -> None:
    """Each team's workers take its visits in turn (issue 14: "who is coming"); every fourth
    visit has no one planned yet, so the calendar also shows "en fra Team ..."."""
    session.flush()
    for team in session.scalars(
        select(Team).join(Provider).where(Provider.municipality_id == municipality.id)
    ):
        workers = session.scalars(
            select(StaffUser)
            .where(StaffUser.team_id == team.id, StaffUser.role == StaffRole.HOME_CARE_WORKER)
            .order_by(StaffUser.id)
        ).all()
        if not workers:
            continue
        visits = session.scalars(
            select(Visit).where(Visit.team_id == team.id).order_by(Visit.starts_at, Visit.id)
        )
        for number, visit in enumerate(visits):
            visit.planned_staff_id = None if number % 4 == 3 else workers[number % len(workers)].id


def reset_demo_passwords(session: Session, municipality: Municipality) -> list[DemoLogin]:
    """New random passwords for the demo staff, so the logins can be printed again."""
    logins = []
    for staff in (
        session.query(StaffUser).filter_by(municipality_id=municipality.id).order_by(StaffUser.id)
    ):
        password = secrets.token_urlsafe(9)
        staff.password_hash = hash_password(password)
        staff.failed_logins = 0
        staff.locked_until = None
        logins.append(DemoLogin(staff.username, staff.role, password))
    return logins


def _plan_and_record_visits(
    session: Session,
    rng: random.Random,
    citizen: Citizen,
    grants: list[GrantedService],
    services: dict[str, Service],
    today: date,
    history_start: date,
    *,
    repeat_swapper: bool,
    time_deviator: bool,
    occasional_swapper: bool,
    recorded_before: date,
) -> None:
    by_slot: dict[tuple[date, str], list[GrantedService]] = defaultdict(list)
    for grant in grants:
        recurrence = Recurrence(
            grant.frequency, grant.weekday_tuple, grant.start_date, grant.end_date
        )
        for day in occurrences(recurrence, history_start, today + timedelta(days=PLAN_AHEAD_DAYS)):
            by_slot[(day, grant.time_of_day)].append(grant)

    swap_target = next(
        (g for g in grants if g.service.category == ServiceCategory.PRACTICAL_HELP), None
    )
    deviating = grants[0] if grants else None
    walk = services.get("FL-GAATUR") or next(
        (s for s in services.values() if s.flexible_only), None
    )
    swaps_done = 0
    occasional_done = 0
    for (day, slot), slot_grants in sorted(by_slot.items(), key=lambda item: item[0]):
        frame = sum(g.minutes_per_delivery for g in slot_grants)
        visit = Visit(
            citizen=citizen,
            team=citizen.team,
            day=day,
            time_of_day=slot,
            starts_at=_aware(day, slot, rng.choice([0, 15, 30])),
            time_frame_minutes=frame,
        )
        visit.ends_at = visit.starts_at + timedelta(minutes=frame)
        session.add(visit)
        recorded = day < recorded_before
        swap_here = None
        if recorded and swap_target is not None and swap_target in slot_grants and walk:
            # Repeat swappers drop the same service at every recent visit (>= 3 in 90 days);
            # occasional swappers do it once, which is no reason to reassess.
            recent = (today - day).days <= 60
            if (repeat_swapper and recent) or (occasional_swapper and occasional_done == 0):
                swap_here = swap_target
                occasional_done += 1
        if swap_here is not None:
            swaps_done += 1
            swap = SwapRequest(
                reference=f"DEMO-{citizen.id}-{swaps_done}",
                citizen=citizen,
                visit=visit,
                status=SwapStatus.ACCEPTED,
                created_by_kind=ActorKind.CITIZEN,
                created_at=datetime.combine(
                    day - timedelta(days=2), TIME_SLOTS["day"][0], tzinfo=UTC
                ),
                acknowledged_cannot_demand_at=datetime.combine(
                    day - timedelta(days=2), TIME_SLOTS["day"][0], tzinfo=UTC
                ),
                acknowledged_by_kind=ActorKind.CITIZEN,
                decided_at=visit.starts_at,
            )
            swap.lines = [
                SwapLine(
                    kind="drop", service=swap_here.service, minutes=swap_here.minutes_per_delivery
                ),
                SwapLine(kind="add", service=walk, minutes=swap_here.minutes_per_delivery),
            ]
            session.add(swap)
        for grant in slot_grants:
            item = VisitService(
                visit=visit,
                service=grant.service,
                granted_service=grant,
                planned_minutes=grant.minutes_per_delivery,
            )
            if recorded:
                if grant is swap_here:
                    item.outcome = VisitServiceOutcome.DROPPED
                    item.delivered_minutes = 0
                    item.swap = swap
                elif time_deviator and grant is deviating and (today - day).days <= 42:
                    item.outcome = VisitServiceOutcome.CHANGED
                    item.delivered_minutes = grant.minutes_per_delivery + 15
                else:
                    item.outcome = VisitServiceOutcome.DELIVERED
                    # Ordinary days vary by a minute or two: well inside the ±10 % rule.
                    item.delivered_minutes = grant.minutes_per_delivery
            visit.services.append(item)
        if swap_here is not None:
            visit.services.append(
                VisitService(
                    visit=visit,
                    service=walk,
                    planned_minutes=0,
                    delivered_minutes=swap_here.minutes_per_delivery,
                    outcome=VisitServiceOutcome.ADDED,
                    swap=swap,
                )
            )
        if recorded:
            visit.recorded_at = visit.ends_at
    session.flush()


def _demo_relatives(
    session: Session, rng: random.Random, municipality: Municipality, today: date
) -> None:
    citizens = (
        session.query(Citizen).filter_by(municipality_id=municipality.id).order_by(Citizen.id).all()
    )
    # (name, relation and, for "other", in words, scope, basis, which citizen)
    child, partner, other = RelationKind.CHILD, RelationKind.PARTNER, RelationKind.OTHER
    pairs = [
        (DAUGHTER, child, "", ConsentScope.ACT, ConsentBasis.WRITTEN, 0),
        ("Michael Nielsen", child, "", ConsentScope.SEE, ConsentBasis.WRITTEN, 1),
        ("Birgit Hansen", partner, "", ConsentScope.ACT, ConsentBasis.TACIT_POWER_OF_ATTORNEY, 2),
        ("Peter Larsen", child, "", ConsentScope.ACT, ConsentBasis.WRITTEN, 5),
        ("Anne Madsen", other, "niece", ConsentScope.SEE, ConsentBasis.WRITTEN, 8),
        # Inger's grandson sees her help and hears of changes by SMS (the demo week).
        (GRANDSON, other, "barnebarn", ConsentScope.SEE, ConsentBasis.WRITTEN, 0),
    ]
    # Issue 14: Michael chose e-mail; Inger Jensen's family choose theirs in the demo week.
    notified = {"Michael Nielsen": (Channel.EMAIL, "michael.nielsen@example.org")}
    start_of_today = datetime.combine(today, time(), tzinfo=LOCAL)
    for name, relation, relation_text, scope, basis, citizen_index in pairs:
        relative = Relative(name=name, phone=f"4{rng.randrange(1000000, 9999999)}")
        session.add(relative)
        if name in notified:
            channel, email = notified[name]
            session.add(
                NotificationPreference(
                    citizen=citizens[citizen_index],
                    relative=relative,
                    channel=channel,
                    email=email,
                    mobile="+45" + (relative.phone or "")[-8:] if channel == Channel.SMS else "",
                    topics=[t.value for t in topics_for(RecipientKind.RELATIVE)],
                )
            )
        session.add(
            Consent(
                citizen=citizens[citizen_index],
                relative=relative,
                relation=relation,
                relation_text=relation_text,
                scope=scope,
                basis=basis,
                valid_from=start_of_today - timedelta(days=rng.randrange(10, 300)),
            )
        )
    # One withdrawn consent, so the demo shows that a relative loses access.
    former = Relative(name="Lars Poulsen", phone="40000000")
    session.add(former)
    session.add(
        Consent(
            citizen=citizens[3],
            relative=former,
            relation=RelationKind.OTHER,
            relation_text="nevø",
            scope=ConsentScope.SEE,
            basis=ConsentBasis.WRITTEN,
            valid_from=start_of_today - timedelta(days=200),
            revoked_at=start_of_today - timedelta(days=20),
        )
    )
    session.flush()
