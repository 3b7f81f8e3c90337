"""Booking a reassessment visit and Herning's two follow-up forms (issue 5; seed 001)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.types import CaseStatus, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AssessmentVisit, PerceivedQuality, VisitatorObservation
from tests.pages import check_page, sign_in_citizen, sign_in_staff


@pytest.fixture
def case(factories, visitator, make_case):
    return make_case(factories.Citizen(municipality=visitator.municipality, name="Karen Jensen"))


def _booking(staff, **overrides) -> dict:
    data = {
        "day": (date.today() + timedelta(days=3)).isoformat(),
        "clock": "10:30",
        "visitator": str(staff.id),
        "note": "Datter deltager",
    }
    data.update(overrides)
    return data


def test_booking_a_visit_records_it_and_the_citizen_sees_the_time(page, client, visitator, case):
    sign_in_staff(client, visitator)
    page.get("visitation.book_visit", case_id=case.id)
    page.post("visitation.book_visit", _booking(visitator), case_id=case.id)

    visit = db.session.scalar(select(AssessmentVisit))
    assert visit.visitator_staff_id == visitator.id
    assert visit.booked_by_staff_id == visitator.id
    assert visit.status == AssessmentStatus.BOOKED
    db.session.expire_all()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.events[-1].kind == "visit_booked"
    assert case.events[-1].actor_staff_id == visitator.id

    sign_in_citizen(client, case.citizen)
    soup = page.get("citizen.cases")
    assert "En visitator besøger dig" in soup.text
    assert "kl. 10:30" in soup.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": ""}, "Skriv datoen for besøget"),
        ({"day": "32-13-2026"}, "Skriv datoen som dag-måned-år"),
        (
            {"day": (date.today() - timedelta(days=1)).isoformat()},
            "Datoen skal være i dag eller senere",
        ),
        ({"clock": ""}, "Skriv tidspunktet for besøget"),
        ({"clock": "25:00"}, "Skriv tidspunktet som timer:minutter"),
        ({"clock": "kl ti"}, "Skriv tidspunktet som timer:minutter"),
        ({"visitator": ""}, "Vælg en visitator fra listen"),
        ({"visitator": "999999"}, "Vælg en visitator fra listen"),
        ({"note": "x" * 1001}, "Skriv højst 1000 tegn"),
    ],
)
def test_booking_with_bad_input_explains_and_books_nothing(
    overrides, message, page, client, visitator, case
):
    sign_in_staff(client, visitator)
    response = page.post(
        "visitation.book_visit",
        _booking(visitator, **overrides),
        case_id=case.id,
        expected_status=200,
    )
    soup = check_page(response.get_data(as_text=True))
    assert message in soup.select_one(".alert-error").text
    assert db.session.scalar(select(AssessmentVisit)) is None


def test_a_visitator_from_another_municipality_cannot_be_booked(
    page, client, factories, visitator, case
):
    stranger = factories.StaffUser(role=StaffRole.VISITATOR)
    sign_in_staff(client, visitator)
    page.post(
        "visitation.book_visit",
        _booking(visitator, visitator=str(stranger.id)),
        case_id=case.id,
        expected_status=200,
    )
    assert db.session.scalar(select(AssessmentVisit)) is None


FORMS = {
    "satisfaction": "satisfied",
    "help_as_granted": "partly",
    "heard_and_involved": "yes",
    "citizen_comment": "Hjælperne er søde",
    "matches_decision": "yes",
    "goals_met": "partly",
    "meets_service_level": "no",
    "notes": "Badeværelset er ikke gjort rent",
}


def _booked(page, client, visitator, case) -> AssessmentVisit:
    sign_in_staff(client, visitator)
    page.post("visitation.book_visit", _booking(visitator), case_id=case.id)
    return db.session.scalar(select(AssessmentVisit))


def test_both_herning_forms_are_saved_with_the_provider(page, client, visitator, case):
    visit = _booked(page, client, visitator, case)
    page.get("visitation.follow_up", case_id=case.id)
    page.post("visitation.follow_up", FORMS, case_id=case.id)

    quality = db.session.scalar(select(PerceivedQuality))
    observation = db.session.scalar(select(VisitatorObservation))
    # Seed 001: a summary per provider is made from both forms, so each records the provider.
    assert quality.provider_id == observation.provider_id == case.citizen.provider_id
    assert (quality.satisfaction, quality.help_as_granted) == (
        Satisfaction.SATISFIED,
        YesPartlyNo.PARTLY,
    )
    assert observation.meets_service_level == YesPartlyNo.NO
    assert observation.notes == "Badeværelset er ikke gjort rent"
    db.session.expire_all()
    assert visit.status == AssessmentStatus.HELD
    assert case.events[-1].kind == "forms_recorded"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("satisfaction", None, "Vælg, hvor tilfreds borgeren er"),
        ("satisfaction", "ecstatic", "Not a valid choice"),
        ("help_as_granted", None, "Vælg, om borgeren får den bevilgede hjælp"),
        ("heard_and_involved", None, "Vælg, om borgeren føler sig hørt og inddraget"),
        ("matches_decision", None, "Vælg, om hjælpen svarer til de bevilgede ydelser"),
        ("goals_met", None, "Vælg, om hjælpen når målene"),
        ("meets_service_level", None, "Vælg, om hjælpen lever op til kvalitetsstandarderne"),
        ("notes", "x" * 4001, "Skriv højst 4000 tegn"),
    ],
)
def test_follow_up_with_bad_input_explains_and_saves_nothing(
    field, value, message, page, client, visitator, case
):
    _booked(page, client, visitator, case)
    data = dict(FORMS)
    if value is None:
        del data[field]
    else:
        data[field] = value
    response = page.post("visitation.follow_up", data, case_id=case.id, expected_status=200)
    soup = check_page(response.get_data(as_text=True))
    assert soup.select_one(".alert-error") is not None
    if message != "Not a valid choice":
        assert message in soup.select_one(".alert-error").text
    assert db.session.scalar(select(PerceivedQuality)) is None


def test_without_a_booked_visit_the_forms_page_says_so(page, client, visitator, case):
    sign_in_staff(client, visitator)
    response = client.get(f"/visitation/sager/{case.id}/opfoelgning")
    assert response.status_code == 302
    soup = page.get("visitation.case_page", case_id=case.id)
    assert "Der er ikke et booket besøg" in soup.select_one(".app-flash").text


def test_forms_cannot_be_filled_in_twice(page, client, visitator, case):
    _booked(page, client, visitator, case)
    page.post("visitation.follow_up", FORMS, case_id=case.id)
    page.post("visitation.follow_up", FORMS, case_id=case.id)
    assert len(db.session.scalars(select(PerceivedQuality)).all()) == 1


def test_another_municipalitys_visit_is_not_found(page, client, factories, visitator, make_case):
    other = factories.StaffUser()
    foreign_case = make_case(factories.Citizen(municipality=other.municipality))
    _booked(page, client, other, foreign_case)
    sign_in_staff(client, visitator)
    assert client.get(f"/visitation/sager/{foreign_case.id}/opfoelgning").status_code == 404
    assert client.get(f"/visitation/sager/{foreign_case.id}/besoeg").status_code == 404
