"""The supervision visit: the five themes of seed 000, recommendations, follow-up, action plan."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.supervision_themes import (
    THISTED_THEMES,
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    ActionPlanItem,
    SupervisionRecommendation,
    SupervisionVisit,
)
from selvvisitation.services import supervision_visits
from tests.pages import check_page, sign_in_staff

THEMES_DA = [
    "Funktionsevne",
    "Livskvalitet og tilfredshed",
    "Sammenhæng og forudsigelighed",
    "Hygiejne: forebyggelse af smittespredning",
    "Opfølgning på anbefalinger fra seneste tilsyn",
]


def visit_form(**overrides) -> dict:
    data = {"visited_on": "14.3.2026", "strengths": "Faste hjælpere", "feedback_given_to": "Leder"}
    for theme in THISTED_THEMES:
        data[f"{theme.value}_assessment"] = "met"
        data[f"{theme.value}_text"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors(response) -> list[str]:
    soup = check_page(response.get_data(as_text=True))
    return [a.get_text(strip=True) for a in soup.select(".alert-error li a")]


def record(world, provider=None, on=date(2026, 3, 14), hygiene=ThemeAssessment.MET):
    findings = {t: (ThemeAssessment.MET, "") for t in THISTED_THEMES}
    findings[SupervisionTheme.HYGIENE] = (hygiene, "Handsker mangler")
    visit = supervision_visits.record_visit(
        db.session,
        provider or world.provider,
        visited_on=on,
        findings=findings,
        strengths="",
        feedback_given_to="",
        staff=world.supervisor,
    )
    db.session.commit()
    return visit


def recommend(world, visit, text="Hav handsker i tasken"):
    recommendation = supervision_visits.add_recommendation(
        db.session, visit, theme=SupervisionTheme.HYGIENE, text=text, staff=world.supervisor
    )
    db.session.commit()
    return recommendation


def test_the_visit_form_asks_about_the_five_themes_of_seed_000(client, page, world):
    # Seed 000 "Tilsynsbesøg": "Følgende temaer indgår i tilsynet".
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.new_visit", provider_id=world.provider.id)
    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset legend")]
    assert legends == THEMES_DA


def test_a_supervision_visit_is_saved_with_its_findings(client, page, world):
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.new_visit",
        visit_form(hygiene_assessment="partly_met", hygiene_text="Håndsprit mangler i bilen"),
        provider_id=world.provider.id,
    )
    visit = SupervisionVisit.query.one()
    assert response.location.endswith(f"/tilsyn/besoeg/{visit.id}")
    assert visit.visited_on == date(2026, 3, 14)
    assert visit.finding(SupervisionTheme.HYGIENE).assessment is ThemeAssessment.PARTLY_MET
    soup = page.get("supervision.visit", supervision_visit_id=visit.id)
    assert [dt.get_text(strip=True) for dt in soup.select(".app-findings dt")] == THEMES_DA
    hygiene = soup.select(".app-findings dd")[3].get_text(" ", strip=True)
    assert hygiene == "Praksis svarer delvist til det besluttede Håndsprit mangler i bilen"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"visited_on": None}, ["Skriv datoen for tilsynsbesøget"]),
        ({"visited_on": "31.02.2026"}, ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"]),
        ({"visited_on": "i går"}, ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"]),
        ({"function_level_assessment": None}, ["Vælg en vurdering for temaet"]),
        ({"coherence_assessment": "godt"}, ["Vælg en vurdering for temaet"]),
        ({"hygiene_assessment": "not_met"}, ["Skriv, hvad tilsynet fandt"]),
        (
            {"quality_of_life_assessment": "partly_met", "quality_of_life_text": "  "},
            ["Skriv, hvad tilsynet fandt"],
        ),
        ({"strengths": "x" * 4001}, ["Skriv højst 4000 tegn"]),
        ({"feedback_given_to": "x" * 201}, ["Skriv højst 200 tegn"]),
    ],
)
def test_a_visit_with_bad_input_is_refused_with_a_plain_message(
    client, page, world, overrides, expected
):
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.new_visit",
        visit_form(**overrides),
        provider_id=world.provider.id,
        expected_status=400,
    )
    assert errors(response) == expected
    assert SupervisionVisit.query.count() == 0


def test_a_recommendation_is_added_to_the_visit(client, page, world):
    visit = record(world)
    sign_in_staff(client, world.supervisor)
    page.post(
        "supervision.add_recommendation",
        {"theme": "hygiene", "text": "Hav håndsprit i bilen"},
        supervision_visit_id=visit.id,
    )
    soup = page.get("supervision.visit", supervision_visit_id=visit.id)
    block = soup.select_one(".app-recommendation").get_text(" ", strip=True)
    assert block.startswith("Hygiejne: forebyggelse af smittespredning Hav håndsprit i bilen")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"text": "Hav håndsprit"}, ["Vælg temaet for anbefalingen"]),
        ({"theme": "mad", "text": "Hav håndsprit"}, ["Vælg temaet for anbefalingen"]),
        ({"theme": "hygiene"}, ["Skriv anbefalingen"]),
        ({"theme": "hygiene", "text": "x" * 2001}, ["Skriv højst 2000 tegn"]),
    ],
)
def test_a_recommendation_with_bad_input_is_refused(client, page, world, data, expected):
    visit = record(world)
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.add_recommendation", data, supervision_visit_id=visit.id, expected_status=400
    )
    assert errors(response) == expected
    assert SupervisionRecommendation.query.count() == 0


def test_last_years_recommendation_is_followed_up_at_this_years_visit(client, page, world):
    # Seed 000, theme 5: "Opfølgning på anbefalinger fra seneste tilsyn".
    last_year = record(world, on=date(2025, 3, 10))
    recommendation = recommend(world, last_year)
    this_year = record(world, on=date(2026, 3, 14))
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.visit", supervision_visit_id=this_year.id)
    assert "Hav handsker i tasken" in soup.select_one("ul.nobullet-list").get_text()
    page.post(
        "supervision.follow_up",
        {"status": "done", "note": "Alle har handsker nu"},
        supervision_visit_id=this_year.id,
        recommendation_id=recommendation.id,
    )
    db.session.expire_all()
    followed = db.session.get(SupervisionRecommendation, recommendation.id)
    assert followed.follow_up_status is FollowUpStatus.DONE
    assert followed.followed_up_in_visit_id == this_year.id
    soup = page.get("supervision.visit", supervision_visit_id=this_year.id)
    table = next(t for t in soup.select("table") if "Fulgt op ved" in t.caption.get_text())
    assert [td.get_text(strip=True) for td in table.select("tbody td")] == [
        "Hav handsker i tasken",
        "Gennemført",
        "Alle har handsker nu",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ["Vælg, hvad der er sket med anbefalingen"]),
        ({"status": "måske"}, ["Vælg, hvad der er sket med anbefalingen"]),
        ({"status": "done", "note": "x" * 2001}, ["Skriv højst 2000 tegn"]),
    ],
)
def test_a_follow_up_with_bad_input_is_refused(client, page, world, data, expected):
    recommendation = recommend(world, record(world, on=date(2025, 3, 10)))
    this_year = record(world)
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.follow_up",
        data,
        supervision_visit_id=this_year.id,
        recommendation_id=recommendation.id,
        expected_status=400,
    )
    assert errors(response) == expected
    assert db.session.get(SupervisionRecommendation, recommendation.id).follow_up_status is None


def test_a_recommendation_cannot_be_followed_up_at_its_own_visit_or_another_providers(
    client, page, world
):
    visit = record(world)
    own = recommend(world, visit)
    other = recommend(world, record(world, provider=world.small, on=date(2025, 1, 5)))
    sign_in_staff(client, world.supervisor)
    for recommendation in (own, other):
        page.post(
            "supervision.follow_up",
            {"status": "done"},
            supervision_visit_id=visit.id,
            recommendation_id=recommendation.id,
            expected_status=404,
        )


def test_the_providers_action_is_recorded_against_the_recommendation(client, page, world):
    visit = record(world)
    recommendation = recommend(world, visit)
    sign_in_staff(client, world.supervisor)
    page.post(
        "supervision.add_action",
        {"action": "Handsker i alle tasker", "responsible": "Leder Bo", "due_on": "1.5.2026"},
        recommendation_id=recommendation.id,
    )
    item = ActionPlanItem.query.one()
    assert (item.recommendation_id, item.due_on) == (recommendation.id, date(2026, 5, 1))
    soup = page.get("supervision.visit", supervision_visit_id=visit.id)
    table = soup.select_one(".app-recommendation table")
    assert [td.get_text(strip=True) for td in table.select("tbody td")] == [
        "Handsker i alle tasker",
        "Leder Bo",
        "1. maj 2026",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"responsible": "Bo", "due_on": "1.5.2026"}, ["Skriv leverandørens handling"]),
        ({"action": "Handsker", "due_on": "1.5.2026"}, ["Skriv, hvem der er ansvarlig"]),
        (
            {"action": "Handsker", "responsible": "Bo"},
            ["Skriv datoen, hvor handlingen senest skal være gennemført"],
        ),
        (
            {"action": "Handsker", "responsible": "Bo", "due_on": "maj"},
            ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"],
        ),
        (
            {"action": "Handsker", "responsible": "x" * 161, "due_on": "1.5.2026"},
            ["Skriv højst 160 tegn"],
        ),
    ],
)
def test_an_action_with_bad_input_is_refused(client, page, world, data, expected):
    recommendation = recommend(world, record(world))
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.add_action", data, recommendation_id=recommendation.id, expected_status=400
    )
    assert errors(response) == expected
    assert ActionPlanItem.query.count() == 0


def test_a_visitator_reads_the_visit_but_cannot_change_it(client, page, world):
    visit = record(world)
    recommendation = recommend(world, visit)
    sign_in_staff(client, world.visitator)
    soup = page.get("supervision.visit", supervision_visit_id=visit.id)
    assert not soup.select("a[href*=handleplan], a[href*=anbefaling]")
    page.post(
        "supervision.new_visit", visit_form(), provider_id=world.provider.id, expected_status=403
    )
    page.post(
        "supervision.add_recommendation",
        {"theme": "hygiene", "text": "x"},
        supervision_visit_id=visit.id,
        expected_status=403,
    )
    page.post(
        "supervision.add_action",
        {"action": "a", "responsible": "b", "due_on": "1.5.2026"},
        recommendation_id=recommendation.id,
        expected_status=403,
    )


@pytest.mark.parametrize(("role", "status"), [("worker", 403), ("foreign_supervisor", 404)])
def test_other_roles_and_municipalities_cannot_see_or_change_a_visit(
    client, page, world, role, status
):
    visit = record(world)
    recommendation = recommend(world, visit)
    sign_in_staff(client, getattr(world, role))
    page.get("supervision.visit", supervision_visit_id=visit.id, expected_status=status)
    page.post(
        "supervision.new_visit", visit_form(), provider_id=world.provider.id, expected_status=status
    )
    page.post(
        "supervision.add_recommendation",
        {"theme": "hygiene", "text": "x"},
        supervision_visit_id=visit.id,
        expected_status=status,
    )
    page.post(
        "supervision.follow_up",
        {"status": "done"},
        supervision_visit_id=visit.id,
        recommendation_id=recommendation.id,
        expected_status=status,
    )
    page.post(
        "supervision.add_action",
        {"action": "a", "responsible": "b", "due_on": "1.5.2026"},
        recommendation_id=recommendation.id,
        expected_status=status,
    )
    assert SupervisionVisit.query.count() == 1
    assert SupervisionRecommendation.query.count() == 1
