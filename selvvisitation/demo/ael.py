"""The demo's Ældreloven half: a placeholder forløb catalogue, the municipality's priority
examples, and citizens over 67 on helhedspleje with 10 weeks of history (issue 11).

The forløb are our placeholders, labelled as such (``is_placeholder``): no municipality's
catalogue is public in a form we can copy, and DOMAIN.md "Ældreloven" only says they are
"få, sammenhængende og rummelige forløb". Their elements carry the real FSIII
"Ældrelovsindsats" codes (domain/fsiii_elderly.py). Visits carry element lines, no minutes.

Some citizens are built to be flagged: they keep saying no to personal care (ÆL § 1 stk. 2),
or their priorities keep not being met (ÆL § 11); ``add_ael_demo`` names them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.types import (
    ElementOutcome,
    FlagRule,
    LegalBasis,
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.models import (
    CareProgramme,
    CareProgrammeElement,
    Citizen,
    Decision,
    GrantedElement,
    Municipality,
    PriorityExample,
    StaffUser,
    Team,
    Visit,
    VisitElement,
    VisitPriority,
)

AEL_CITIZENS = 30
VISIT_MINUTES = 45  # the slot in the workers' plan; not a grant and never counted

# (code, name da, name en, description da, description en, hours a week, elements)
# elements: (fsiii code, name da, name en, description da, description en)
PROGRAMMES: tuple[tuple, ...] = (
    (
        "HVERDAG",
        "Hjælp i hverdagen",
        "Help in everyday life",
        "Hjælp til at få hverdagen i hjemmet til at hænge sammen: rengøring, tøjvask og "
        "indkøb, så du selv gør mest muligt.",
        "Help to make everyday life at home work: cleaning, laundry and shopping, with you "
        "doing as much as you can yourself.",
        2.0,
        (
            (
                fsiii.PRACTICAL_HELP,
                "Praktisk hjælp i hjemmet",
                "Practical help in the home",
                "Rengøring, tøjvask og indkøb.",
                "Cleaning, laundry and shopping.",
            ),
            (
                fsiii.COORDINATION,
                "Aftaler med pårørende og frivillige",
                "Arrangements with relatives and volunteers",
                "Hvem gør hvad, så hjælpen hænger sammen.",
                "Who does what, so the help fits together.",
            ),
        ),
    ),
    (
        "PLEJE",
        "Pleje og omsorg",
        "Care and support",
        "Hjælp til personlig pleje og til hjemmet, tilrettelagt sammen med dig fra gang til gang.",
        "Help with personal care and with your home, planned with you from visit to visit.",
        7.0,
        (
            (
                fsiii.PERSONAL_CARE,
                "Personlig hjælp og pleje",
                "Personal help and care",
                "Bad, påklædning, toiletbesøg og hjælp til at spise og drikke.",
                "Bathing, dressing, going to the toilet and help to eat and drink.",
            ),
            (
                fsiii.PRACTICAL_HELP,
                "Praktisk hjælp i hjemmet",
                "Practical help in the home",
                "Rengøring, tøjvask og indkøb.",
                "Cleaning, laundry and shopping.",
            ),
            (
                fsiii.PLANNING_DIALOGUE,
                "Samtale om forløbet",
                "Talking about the programme",
                "Vi taler om, hvad der er vigtigst for dig, og hvordan hjælpen skal være.",
                "We talk about what matters most to you and how the help should be.",
            ),
        ),
    ),
    (
        "KORT",
        "Kort forløb efter udskrivelse",
        "Short programme after leaving hospital",
        "Et kort forløb de første uger efter hospitalet, med træning, så du kommer til "
        "kræfter igen.",
        "A short programme for the first weeks after hospital, with exercise, so you get "
        "your strength back.",
        None,
        (
            (
                fsiii.PERSONAL_CARE,
                "Personlig hjælp og pleje",
                "Personal help and care",
                "Hjælp til bad og påklædning, indtil du kan selv igen.",
                "Help with bathing and dressing until you can manage again.",
            ),
            (
                fsiii.REHABILITATION,
                "Genoptræning",
                "Rehabilitation",
                "Træning, så du igen kan klare det, du kunne før.",
                "Exercise, so you can again do what you could before.",
            ),
            (
                fsiii.MEALS,
                "Madservice",
                "Meals service",
                "Mad bragt til døren.",
                "Meals brought to your door.",
            ),
        ),
    ),
)

PRIORITY_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Flyt baddagen", "Move the bath day"),
    ("En gåtur", "A walk"),
    ("Køkkenet i stedet for stuen", "The kitchen instead of the living room"),
    ("En kop kaffe og en snak", "A cup of coffee and a chat"),
)

FREQUENCY_TEXTS = {
    "HVERDAG": "Hver tirsdag formiddag",
    "PLEJE": "Hver morgen, og tirsdag formiddag til det praktiske",
    "KORT": "Hver morgen, og tirsdag formiddag til træning",
}
GOALS = (
    "Jeg vil gerne selv kunne gå i bad.",
    "Jeg vil klare køkkenet selv og have besøg af mine børnebørn.",
    "Jeg vil komme ud at gå hver dag.",
    "Jeg vil blive boende hjemme og have det rent og pænt.",
)
MEANINGS = {
    fsiii.PERSONAL_CARE: "Hjælp til bad to gange om ugen og til at komme op om morgenen.",
    fsiii.PRACTICAL_HELP: "Rengøring af køkken og bad hver anden uge; tøjvask en gang om ugen.",
    fsiii.PLANNING_DIALOGUE: "Vi taler om, hvad der skal ske ved næste besøg.",
    fsiii.COORDINATION: "Din datter handler ind om lørdagen; vi klarer resten.",
    fsiii.REHABILITATION: "Træning af at rejse dig og gå på trapper.",
    fsiii.MEALS: "Middagsmad bragt ud alle hverdage.",
}
NOT_MET_TEXTS = (
    ("En gåtur i stedet for rengøring", PriorityNotMetReason.SAFETY, ""),
    (
        "Bad i dag i stedet for i morgen",
        PriorityNotMetReason.WORK_ENVIRONMENT,
        "Badeværelset er for lille til at hjælpe sikkert uden lift.",
    ),
    ("Køkkenet i stedet for stuen", PriorityNotMetReason.OTHER, "Vi nåede det ikke i dag."),
)


@dataclass
class AelDemo:
    citizens: int
    built_to_be_flagged: dict[str, set[FlagRule]]


def add_programmes(session: Session, municipality: Municipality) -> list[CareProgramme]:
    """The placeholder forløb catalogue and the priority examples."""
    programmes = []
    for code, name_da, name_en, desc_da, desc_en, hours, elements in PROGRAMMES:
        programme = CareProgramme(
            municipality=municipality,
            code=code,
            name_da=name_da,
            name_en=name_en,
            description_da=desc_da,
            description_en=desc_en,
            indicative_hours_per_week=hours,
            is_placeholder=True,
        )
        programme.elements = [
            CareProgrammeElement(
                fsiii_code=fsiii_code,
                name_da=e_da,
                name_en=e_en,
                description_da=d_da,
                description_en=d_en,
                position=position,
            )
            for position, (fsiii_code, e_da, e_en, d_da, d_en) in enumerate(elements, start=1)
        ]
        programmes.append(programme)
    session.add_all(programmes)
    session.add_all(
        PriorityExample(municipality=municipality, text_da=da, text_en=en, position=position)
        for position, (da, en) in enumerate(PRIORITY_EXAMPLES, start=1)
    )
    session.flush()
    return programmes


def made_up_cpr(rng: random.Random, used: set[str], born_from: date, span_days: int) -> str:
    """A made-up, format-valid CPR number of someone born in the 1900s in the span given."""
    while True:
        born = born_from + timedelta(days=rng.randrange(0, span_days))
        # 7th digit 0-3 means born in the 1900s (domain/cpr.py).
        cpr = born.strftime("%d%m%y") + f"{rng.randrange(0, 4)}{rng.randrange(0, 1000):03d}"
        if cpr not in used:
            used.add(cpr)
            return cpr


def add_ael_demo(
    session: Session,
    rng: random.Random,
    municipality: Municipality,
    teams: list[Team],
    names: list[str],
    visitator: StaffUser,
    worker: StaffUser,
    *,
    today: date,
    history_start: date,
    plan_ahead_days: int,
    used_cprs: set[str],
) -> AelDemo:
    """Citizens over 67 on Ældreloven helhedspleje, with 10 weeks of element lines."""
    programmes = add_programmes(session, municipality)
    built: dict[str, set[FlagRule]] = {}
    everyday, care, short = programmes
    for index in range(AEL_CITIZENS):
        name = names[index]
        decliner = index % 6 == 1
        unmet_prone = index % 7 == 3
        if index % 10 == 9:
            programme = short
        elif index % 3 == 2 and not (decliner or unmet_prone):
            programme = everyday
        else:
            programme = care
        team = teams[index % 2]  # the municipal teams: personal care is in most forløb
        citizen = Citizen(
            municipality=municipality,
            # Aged 69 to 95 on ``today``.
            cpr=made_up_cpr(rng, used_cprs, today - timedelta(days=95 * 365), 26 * 365),
            name=name,
            address=f"Ældrevej {index + 1}, 6700 Esbjerg",
            phone=f"3{rng.randrange(1000000, 9999999)}",
            provider=team.provider,
            team=team,
        )
        session.add(citizen)
        valid_from = history_start - timedelta(days=rng.randrange(7, 120))
        decision = Decision(
            citizen=citizen,
            version=1,
            valid_from=valid_from,
            decided_by_staff_id=visitator.id,
            legal_basis=LegalBasis.AEL,
            care_programme=programme,
            goals=GOALS[index % len(GOALS)],
            visit_frequency_text=FREQUENCY_TEXTS[programme.code],
            provider=team.provider,
            follow_up_date=today + timedelta(days=30 + index),
            reasons="Demo: afgørelse efter ældreloven efter visitationsbesøg.",
        )
        decision.granted_elements = [
            GrantedElement(element=element, meaning=MEANINGS[element.fsiii_code])
            for element in programme.elements
        ]
        session.add(decision)
        session.flush()

        expected: set[FlagRule] = set()
        if decliner:
            expected.add(FlagRule.REPEATED_ELEMENT_DECLINE)
        if unmet_prone:
            expected.add(FlagRule.PRIORITIES_NOT_MET)
        if expected:
            built[name] = expected
        _visits(
            session,
            rng,
            citizen,
            decision,
            worker,
            today=today,
            history_start=history_start,
            plan_ahead_days=plan_ahead_days,
            decliner=decliner,
            unmet_prone=unmet_prone,
        )
    return AelDemo(citizens=AEL_CITIZENS, built_to_be_flagged=built)


def _starts(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LOCAL).astimezone(UTC)


def _visits(
    session: Session,
    rng: random.Random,
    citizen: Citizen,
    decision: Decision,
    worker: StaffUser,
    *,
    today: date,
    history_start: date,
    plan_ahead_days: int,
    decliner: bool,
    unmet_prone: bool,
) -> None:
    """Every morning when the forløb has personal care, and Tuesdays for practical help."""
    elements = [g.element for g in decision.granted_elements]
    daily = [e for e in elements if e.fsiii_code in (fsiii.PERSONAL_CARE, fsiii.MEALS)]
    # FSIII: the planning dialogue is the first dialogue about the forløb, not every visit.
    dialogue = [e for e in elements if e.fsiii_code == fsiii.PLANNING_DIALOGUE]
    weekly = [e for e in elements if e not in daily and e not in dialogue]
    declined_element = daily[0] if daily else None
    day = history_start
    priority_number = 0
    declines = 0
    unmet_done = 0
    last_day = today + timedelta(days=plan_ahead_days)
    while day <= last_day:
        planned = list(daily) + (weekly if day.weekday() == 1 else [])
        if planned and dialogue:
            planned += dialogue  # at the first visit of the forløb only
            dialogue = []
        if not planned:
            day += timedelta(days=1)
            continue
        starts = _starts(day, 8 if daily else 10)
        visit = Visit(
            citizen=citizen,
            team=citizen.team,
            day=day,
            time_of_day="morning" if daily else "day",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=VISIT_MINUTES),
            time_frame_minutes=0,  # Ældreloven: no minutes are granted or counted
        )
        session.add(visit)
        recorded = day < today
        days_ago = (today - day).days
        for element in planned:
            line = VisitElement(element=element)
            if recorded:
                line.outcome = ElementOutcome.DONE
                # A decliner says no to personal care about every ninth day lately.
                if (
                    decliner
                    and element is declined_element
                    and days_ago <= 60
                    and days_ago % 9 == 0
                ):
                    line.outcome = ElementOutcome.DECLINED
                    line.note = "Ville ikke i bad i dag."
                    declines += 1
            visit.elements.append(line)
        if recorded:
            visit.recorded_at = visit.ends_at
            visit.recorded_by_staff_id = worker.id
        session.flush()

        # Priorities: now and then one, mostly met; the unmet-prone ones keep not being met.
        wants_priority = (
            (unmet_prone and days_ago in (24, 15, 6))
            or (not unmet_prone and rng.random() < 0.06)
            or (day - today).days in (2, 5)
            and rng.random() < 0.5
        )
        if wants_priority:
            priority_number += 1
            example = rng.choice(PRIORITY_EXAMPLES)[0]
            priority = VisitPriority(
                citizen=citizen,
                reference=f"PRI-{citizen.id:05d}{priority_number:03d}",
                visit=visit,
                kind=PriorityKind.EXAMPLE,
                text=example,
                created_at=visit.starts_at - timedelta(days=2),
            )
            if recorded:
                priority.answered_at = visit.ends_at
                priority.answered_by_staff_id = worker.id
                if unmet_prone and days_ago in (24, 15, 6):
                    text, reason, words = NOT_MET_TEXTS[unmet_done % len(NOT_MET_TEXTS)]
                    unmet_done += 1
                    priority.kind = PriorityKind.OWN_WORDS
                    priority.text = text
                    priority.status = PriorityStatus.NOT_MET
                    priority.not_met_reason = reason
                    priority.not_met_text = words
                else:
                    priority.status = PriorityStatus.MET
            session.add(priority)
        day += timedelta(days=1)
    session.flush()


@dataclass(frozen=True)
class BasisCounts:
    """How many citizens are on each basis; SEL split by the policy's AEL age."""

    sel_under_age: int
    sel_over_age: int  # not yet re-visited under Ældreloven
    ael: int
    age: int

    def lines(self) -> list[str]:
        return [
            f"  Serviceloven § 83 / § 94 a, under {self.age}: {self.sel_under_age}",
            f"  Serviceloven § 83 / § 94 a, {self.age} or over (not yet re-visited): "
            f"{self.sel_over_age}",
            f"  Ældreloven § 10 (helhedspleje): {self.ael}",
        ]


def basis_counts(session: Session, municipality: Municipality, today: date) -> BasisCounts:
    """Count the municipality's citizens by the basis of their current decision."""
    from selvvisitation.domain.ael import age_on
    from selvvisitation.domain.cpr import CprError, birth_date
    from selvvisitation.services.adapters import policy_for

    age = policy_for(municipality).ael_suggest_from_age
    counts = {"under": 0, "over": 0, "ael": 0}
    for citizen in session.query(Citizen).filter_by(municipality_id=municipality.id):
        decision = citizen.current_decision
        if decision is not None and decision.legal_basis == LegalBasis.AEL:
            counts["ael"] += 1
            continue
        cpr = citizen.cpr
        try:
            old_enough = cpr is not None and age_on(birth_date(cpr), today) >= age
        except CprError:
            old_enough = False
        counts["over" if old_enough else "under"] += 1
    return BasisCounts(counts["under"], counts["over"], counts["ael"], age)
