"""Supervision by the Ældretilsyn's three values (issue 11): Ældretilsynsloven § 7 stk. 3 names
selvbestemmelse, tillid, samspil med pårørende og civilsamfund; a municipality chooses them,
seed 000's five themes, or both (then the supervisor chooses per visit)."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.supervision_themes import (
    AELDRETILSYN_THEMES,
    THEMES_OF,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
)
from selvvisitation.extensions import db
from selvvisitation.models import SupervisionRecommendation, SupervisionVisit
from selvvisitation.services import supervision_visits
from tests.pages import check_page, sign_in_staff
from tests.supervision.test_visit_views import THEMES_DA

VALUES_DA = ["Selvbestemmelse", "Tillid", "Samspil med pårørende og civilsamfund"]


def offer(world, setting: ThemeSet) -> None:
    world.municipality.policy.supervision_theme_sets = setting
    db.session.commit()


def values_form(**overrides) -> dict:
    data = {"visited_on": "14.3.2026", "strengths": "", "feedback_given_to": ""}
    for theme in AELDRETILSYN_THEMES:
        data[f"{theme.value}_assessment"] = "met"
        data[f"{theme.value}_text"] = ""
    data.update(overrides)
    return data


def legends(soup) -> list[str]:
    return [legend.get_text(strip=True) for legend in soup.select("fieldset legend")]


def test_a_municipality_choosing_the_values_gets_the_three_themes_saved_and_shown(
    client, page, world
):
    offer(world, ThemeSet.AELDRETILSYN)
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.new_visit", provider_id=world.provider.id)
    assert legends(soup) == VALUES_DA
    response = page.post(
        "supervision.new_visit",
        values_form(trust_assessment="partly_met", trust_text="Beslutninger tages på kontoret"),
        provider_id=world.provider.id,
    )
    visit = SupervisionVisit.query.one()
    assert response.location.endswith(f"/tilsyn/besoeg/{visit.id}")
    assert visit.theme_set is ThemeSet.AELDRETILSYN
    assert [f.theme for f in visit.findings] == list(AELDRETILSYN_THEMES)
    assert visit.finding(SupervisionTheme.TRUST).assessment is ThemeAssessment.PARTLY_MET
    soup = page.get("supervision.visit", supervision_visit_id=visit.id)
    assert [dt.get_text(strip=True) for dt in soup.select(".app-findings dt")] == VALUES_DA
    assert "Ældretilsynets tre værdier" in soup.select_one(".app-theme-set").text

    # A recommendation is on one of the visit's own themes.
    soup = page.get("supervision.add_recommendation", supervision_visit_id=visit.id)
    assert [label.get_text(strip=True) for label in soup.select("fieldset label")] == VALUES_DA
    response = page.post(
        "supervision.add_recommendation",
        {"theme": "hygiene", "text": "Handsker"},
        supervision_visit_id=visit.id,
        expected_status=400,
    )
    assert SupervisionRecommendation.query.count() == 0
    page.post(
        "supervision.add_recommendation",
        {"theme": "trust", "text": "Lad hjælperen aftale ændringer med borgeren"},
        supervision_visit_id=visit.id,
    )

    # The report (and its printout) shows the latest visit's three values.
    soup = page.get(
        "supervision.report", provider_id=world.provider.id, fra="1.1.2026", til="31.12.2026"
    )
    findings = next(t for t in soup.select("table") if t.caption.text == "Fund for hvert tema")
    assert [th.get_text(strip=True) for th in findings.select("tbody th")] == VALUES_DA
    plan = soup.select_one("#chart-themes-title").find_parent("figure").select_one("desc").text
    assert plan == "Selvbestemmelse: 2; Tillid: 1; Samspil med pårørende og civilsamfund: 2"


def test_the_three_values_have_english_labels(client, page, world):
    offer(world, ThemeSet.AELDRETILSYN)
    sign_in_staff(client, world.supervisor)
    with client.session_transaction() as session:
        session["lang"] = "en"
    soup = page.get("supervision.new_visit", provider_id=world.provider.id)
    assert legends(soup) == [
        "Self-determination",
        "Trust",
        "Interaction with relatives and civil society",
    ]


def test_the_default_keeps_the_five_themes_and_ignores_a_set_not_offered(client, page, world):
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.new_visit", provider_id=world.provider.id, temaer="aeldretilsyn")
    assert legends(soup) == THEMES_DA
    with pytest.raises(supervision_visits.SupervisionError, match="theme_set_not_offered"):
        supervision_visits.record_visit(
            db.session,
            world.provider,
            visited_on=date(2026, 3, 14),
            theme_set=ThemeSet.AELDRETILSYN,
            findings={t: (ThemeAssessment.MET, "") for t in AELDRETILSYN_THEMES},
            strengths="",
            feedback_given_to="",
            staff=world.supervisor,
        )


def test_offering_both_asks_first_which_themes_the_visit_covers(client, page, world):
    offer(world, ThemeSet.BOTH)
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.new_visit", provider_id=world.provider.id)
    assert soup.select_one("#main-content form")["method"] == "get"
    assert [label.get_text(strip=True) for label in soup.select("fieldset label")] == [
        "Fem temaer: funktionsevne, livskvalitet, sammenhæng, hygiejne og opfølgning",
        "Ældretilsynets tre værdier: selvbestemmelse, tillid og samspil med pårørende og "
        "civilsamfund",
        "Alle otte temaer",
    ]
    assert not soup.select(".alert-error")

    soup = page.get("supervision.new_visit", provider_id=world.provider.id, temaer="both")
    assert legends(soup) == THEMES_DA + VALUES_DA
    assert "temaer=both" in soup.select_one("#main-content form[method=post]")["action"]

    soup = page.get("supervision.new_visit", provider_id=world.provider.id, temaer="aeldretilsyn")
    assert legends(soup) == VALUES_DA
    page.post(
        "supervision.new_visit",
        values_form(),
        provider_id=world.provider.id,
        temaer="aeldretilsyn",
    )
    assert SupervisionVisit.query.one().theme_set is ThemeSet.AELDRETILSYN


@pytest.mark.parametrize(
    "args", [{"vis": "1"}, {"temaer": "", "vis": "1"}, {"temaer": "alle"}, {"temaer": "x" * 500}]
)
def test_no_or_an_unknown_choice_of_themes_is_refused_with_a_plain_message(
    client, page, world, args
):
    offer(world, ThemeSet.BOTH)
    sign_in_staff(client, world.supervisor)
    response = client.get(f"/tilsyn/leverandoer/{world.provider.id}/besoeg/nyt", query_string=args)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert [a.get_text(strip=True) for a in soup.select(".alert-error li a")] == [
        "Vælg temaerne for tilsynsbesøget"
    ]
    assert soup.title.get_text().startswith("Fejl: ")


def test_a_post_without_the_choice_saves_nothing(client, page, world):
    offer(world, ThemeSet.BOTH)
    sign_in_staff(client, world.supervisor)
    page.post(
        "supervision.new_visit",
        values_form(),
        provider_id=world.provider.id,
        expected_status=200,
    )
    assert SupervisionVisit.query.count() == 0


def test_every_set_has_its_themes_on_the_form(client, page, world):
    offer(world, ThemeSet.BOTH)
    sign_in_staff(client, world.supervisor)
    for theme_set in ThemeSet:
        soup = page.get(
            "supervision.new_visit", provider_id=world.provider.id, temaer=theme_set.value
        )
        assert len(legends(soup)) == len(THEMES_OF[theme_set])
