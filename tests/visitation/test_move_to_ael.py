"""A visitator moves a citizen from Serviceloven to Ældreloven (issue 11; DOMAIN.md
"Ældreloven"): a new decision version granting one forløb, through the check-and-confirm
flow; the coming visits get elements, swaps lapse with a reason she can read, and the
letter explains the change. Domain rules: tests/domain/test_ael_replan.py, test_letter_ael.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import (
    ActorKind,
    CaseStatus,
    ElementOutcome,
    LapseReason,
    LegalBasis,
    ProviderKind,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import Decision, SwapLine, SwapRequest, Visit
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)

TODAY = local_today(MONDAY)
NEXT_MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())


def _visit(factories, citizen, day, grant, *, recorded=False):
    visit = factories.Visit(
        citizen=citizen,
        day=day,
        time_of_day="day",
        starts_at=datetime.combine(day, time(9), tzinfo=UTC),
        ends_at=datetime.combine(day, time(10), tzinfo=UTC),
        time_frame_minutes=60,
        recorded_at=datetime.combine(day, time(10), tzinfo=UTC) if recorded else None,
    )
    factories.VisitService(
        visit=visit,
        service=grant.service,
        granted_service=grant,
        planned_minutes=60,
        delivered_minutes=60 if recorded else None,
        outcome=VisitServiceOutcome.DELIVERED if recorded else VisitServiceOutcome.PLANNED,
    )
    return visit


def _swap(citizen, grant, *, visit=None, period=None):
    swap = SwapRequest(
        reference=f"BYT-{grant.id}-{visit.id if visit else 'p'}",
        citizen=citizen,
        visit=visit,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        status=SwapStatus.ACCEPTED if period else SwapStatus.REQUESTED,
        created_by_kind=ActorKind.CITIZEN,
        lines=[
            SwapLine(kind="drop", service_id=grant.service_id, minutes=60),
            SwapLine(kind="add", free_text="Gåtur", minutes=60),
        ],
    )
    db.session.add(swap)
    db.session.commit()
    return swap


@pytest.fixture
def moving(factories, visitator, make_case):
    """Karen on SEL: cleaning 60 minutes on Mondays, a recorded Monday, three planned ones, a
    swap booked at the first, a standing swap; a forløb catalogue; two providers."""
    municipality = visitator.municipality
    citizen = factories.Citizen(municipality=municipality, name="Karen Jensen")
    cleaning = factories.GrantedService(
        decision__citizen=citizen,
        service__name_da="Rengøring",
        minutes_per_delivery=60,
        decision__valid_from=TODAY - timedelta(days=300),
    )
    past = _visit(factories, citizen, NEXT_MONDAY - timedelta(weeks=2), cleaning, recorded=True)
    coming = [
        _visit(factories, citizen, NEXT_MONDAY + timedelta(weeks=n), cleaning) for n in range(3)
    ]
    booked = _swap(citizen, cleaning, visit=coming[0])
    standing = _swap(
        citizen, cleaning, period=(TODAY - timedelta(days=20), TODAY + timedelta(days=60))
    )
    programme = factories.CareProgramme(municipality=municipality, name_da="Pleje og omsorg")
    care = factories.CareProgrammeElement(
        programme=programme, fsiii_code=fsiii.PERSONAL_CARE, name_da="Personlig pleje"
    )
    practical = factories.CareProgrammeElement(
        programme=programme, fsiii_code=fsiii.PRACTICAL_HELP, name_da="Praktisk hjælp"
    )
    private = factories.Provider(
        municipality=municipality,
        name="Privat Rengøring ApS",
        kind=ProviderKind.PRIVATE,
        offers_personal_care=False,
    )
    case = make_case(citizen, flag_service=cleaning.service)
    return {
        "citizen": citizen,
        "cleaning": cleaning,
        "past": past,
        "coming": coming,
        "booked": booked,
        "standing": standing,
        "programme": programme,
        "care": care,
        "practical": practical,
        "private": private,
        "case": case,
    }


def _form(moving, **overrides) -> dict:
    data = {
        "valid_from": NEXT_MONDAY.isoformat(),
        "goals": "Jeg vil selv kunne lave min kaffe og gå tur.",
        f"meaning_{moving['care'].id}": "Hjælp til bad tirsdag og fredag.",
        f"meaning_{moving['practical'].id}": "Rengøring af køkken og bad hver uge.",
        "visit_frequency_text": "Hver mandag formiddag",
        "provider": str(moving["citizen"].provider_id),
        "follow_up": (NEXT_MONDAY + timedelta(days=90)).isoformat(),
        "reasons": "Du er nu visiteret efter ældreloven, som gælder for dig.",
    }
    data.update(overrides)
    return data


def _post(page, moving, data, *, expected_status=302):
    return page.post(
        "visitation.grant_forlob",
        data,
        case_id=moving["case"].id,
        forloeb=moving["programme"].id,
        expected_status=expected_status,
    )


def test_the_case_page_offers_the_move_and_the_check_page_suggests_ael_from_67(
    page, client, visitator, moving
):
    """Reading (DOMAIN.md Ældreloven; ÆL § 2): AEL suggested from 67 by CPR birth date."""
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=moving["case"].id)
    assert "Flyt til ældreloven" in soup.select_one(".app-actions").text

    choose = page.get("visitation.grant_forlob", case_id=moving["case"].id)
    assert "Pleje og omsorg" in choose.select_one("main form").text
    suggestion = choose.select_one(".app-basis-suggestion").text
    assert "Fra 67 år foreslår kommunen en afgørelse efter ældreloven" in suggestion
    assert "Du vælger" in suggestion

    form = page.get(
        "visitation.grant_forlob", case_id=moving["case"].id, forloeb=moving["programme"].id
    )
    assert form.select_one(f"#meaning_{moving['care'].id}") is not None
    providers = [label.text for label in form.select("input[name=provider] + label")]
    assert moving["private"].name in providers


def test_bad_input_gives_plain_danish_messages_and_writes_nothing(page, client, visitator, moving):
    sign_in_staff(client, visitator)
    response = _post(
        page,
        moving,
        _form(
            moving,
            goals="",
            provider=str(moving["private"].id),
            follow_up=NEXT_MONDAY.isoformat(),
            **{f"meaning_{moving['care'].id}": ""},
        ),
        expected_status=200,
    )
    summary = check_page(response.get_data(as_text=True)).select_one(".alert-error").text
    assert "Skriv borgerens mål med hendes egne ord" in summary
    assert "Skriv, hvad Personlig pleje betyder for borgeren" in summary
    assert "Privat Rengøring ApS giver ikke personlig pleje" in summary
    assert "Opfølgningen skal være efter startdatoen" in summary
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None


def test_the_check_page_tells_what_happens_to_visits_and_swaps_before_saving(
    page, client, visitator, moving
):
    sign_in_staff(client, visitator)
    response = _post(page, moving, _form(moving), expected_status=200)
    soup = check_page(response.get_data(as_text=True))
    figures = [li.text.strip() for li in soup.select(".app-replan-figures > li")]
    assert figures[:2] == [
        "3 planlagte besøg får forløbets elementer i stedet for ydelser med minutter.",
        "1 booket bytte bortfalder.",
    ]
    assert figures[2].startswith("1 fast bytte ophører fra")
    assert "din hjælp følger nu ældreloven" in soup.select_one(".app-replan").text
    db.session.expire_all()
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None
    assert moving["booked"].status == SwapStatus.REQUESTED


def test_confirming_moves_her_to_ael_with_a_letter_and_lapses_her_swaps(
    page, client, visitator, moving
):
    """Law (Serviceloven § 2 stk. 5; ÆL § 10) and reading (DOMAIN.md Ældreloven): a new
    version under ÆL § 10; the coming visits carry elements without minutes; booked and
    standing swaps lapse with LEGAL_BASIS_CHANGED; the letter explains the change."""
    citizen, past = moving["citizen"], moving["past"]
    sign_in_staff(client, visitator)

    response = _post(page, moving, _form(moving, confirmed="yes"))

    db.session.expire_all()
    new = db.session.scalar(select(Decision).where(Decision.version == 2))
    assert response.headers["Location"].endswith(f"/afgoerelser/{new.id}/brev")
    old = db.session.scalar(select(Decision).where(Decision.version == 1))
    assert old.superseded_by_id == new.id
    assert new.legal_basis == LegalBasis.AEL
    assert new.care_programme_id == moving["programme"].id
    assert new.goals == "Jeg vil selv kunne lave min kaffe og gå tur."
    assert [g.meaning for g in new.granted_elements] == [
        "Hjælp til bad tirsdag og fredag.",
        "Rengøring af køkken og bad hver uge.",
    ]
    assert new.provider_id == citizen.provider_id
    assert new.follow_up_date == NEXT_MONDAY + timedelta(days=90)
    assert new.granted_services == []

    visits = db.session.scalars(
        select(Visit)
        .where(Visit.citizen_id == citizen.id, Visit.day >= NEXT_MONDAY)
        .order_by(Visit.day)
    ).all()
    assert len(visits) == 3
    for visit in visits:
        assert visit.services == [] and visit.time_frame_minutes == 0
        assert [(e.element_id, e.outcome) for e in visit.elements] == [
            (moving["practical"].id, ElementOutcome.PLANNED)
        ]
    assert [i.planned_minutes for i in past.services] == [60]  # what happened stays
    assert past.elements == []

    for swap in (moving["booked"], moving["standing"]):
        assert (swap.status, swap.lapsed_reason, swap.lapsed_decision_id) == (
            SwapStatus.LAPSED,
            LapseReason.LEGAL_BASIS_CHANGED,
            new.id,
        )
    assert moving["case"].status == CaseStatus.CLOSED
    assert moving["case"].events[-1].data["legal_basis"] == "ael"

    letter = page.get("visitation.letter", decision_id=new.id)
    text = " ".join(letter.select_one("article.app-letter").text.split())
    assert "Afgørelse om hjælp i hjemmet efter ældreloven" in text
    assert "Ældreloven § 10 (helhedspleje), jf. § 9, stk. 2" in text
    assert "Dit forløb: Pleje og omsorg" in text
    assert "Personlig pleje: Hjælp til bad tirsdag og fredag." in text
    assert "Hver mandag formiddag" in text
    assert "Rengøring: 60 minutter hver uge" in text  # what she had
    assert "Du kan ikke længere bytte ydelser" in text
    assert "Dine faste bytter ophører fra" in text
    assert "Et bytte, du havde bestilt til et besøg efter ændringen" in text
    assert "inden 4 uger efter, at du har modtaget afgørelsen" in text


def test_a_nursing_home_resident_gets_no_choice_of_provider(
    page, client, factories, visitator, moving
):
    """Law (ÆL § 21; DOMAIN.md Ældreloven): no free choice in plejebolig."""
    citizen = moving["citizen"]
    home = factories.Provider(
        municipality=citizen.municipality, name="Plejecenter Æblehaven", is_nursing_home=True
    )
    citizen.provider = home
    db.session.commit()
    sign_in_staff(client, visitator)
    form = page.get(
        "visitation.grant_forlob", case_id=moving["case"].id, forloeb=moving["programme"].id
    )
    assert form.select("input[name=provider]") == []
    assert "ikke frit valg af leverandør" in form.text

    data = _form(moving, confirmed="yes")
    del data["provider"]
    _post(page, moving, data)
    new = db.session.scalar(select(Decision).where(Decision.version == 2))
    assert new.provider_id == home.id
    assert "ikke frit valg af leverandør (Ældreloven § 21)" in new.letter_text


def test_an_ael_citizen_changes_her_forlob_not_her_services(page, client, visitator, moving):
    """Reading: an AEL citizen's decision is changed as a forløb; no § 83 form for her."""
    sign_in_staff(client, visitator)
    _post(page, moving, _form(moving, confirmed="yes"))
    case = moving["case"]
    case.status = CaseStatus.OPEN
    db.session.commit()
    soup = page.get("visitation.case_page", case_id=case.id)
    actions = soup.select_one(".app-actions").text
    assert "Ændr forløbet" in actions and "Ændr afgørelsen" not in actions
    response = client.get(f"/visitation/sager/{case.id}/afgoerelse")
    assert response.status_code == 302
    assert "/aeldreloven" in response.headers["Location"]
    form = page.get("visitation.grant_forlob", case_id=case.id)  # starts from her forløb
    assert form.select_one("input[name=forloeb]")["value"] == str(moving["programme"].id)
    assert form.select_one("#goals").text.strip() == "Jeg vil selv kunne lave min kaffe og gå tur."
    choose = page.get("visitation.grant_forlob", case_id=case.id, vaelg=1)
    assert choose.select_one("main form")["method"] == "get"
    history = soup.text
    assert "Ældreloven, forløb Pleje og omsorg" in history
    assert "Jeg vil selv kunne lave min kaffe og gå tur." in history


def test_an_unknown_forlob_is_refused_with_a_message(page, client, visitator, moving):
    sign_in_staff(client, visitator)
    soup = page.get("visitation.grant_forlob", case_id=moving["case"].id, forloeb="999999")
    assert "Vælg et forløb på listen" in soup.select_one(".alert-error").text
