"""The visitator's actions (issue 5): dismiss with a reason, change the decision, the letter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import CaseStatus, FlagStatus
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Decision, Flag, SupersededDecisionError
from tests.clock import MONDAY
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def flagged(factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality, name="Karen Jensen")
    granted = factories.GrantedService(
        decision__citizen=citizen, service__name_da="Rengøring", minutes_per_delivery=30
    )
    return make_case(citizen, flag_service=granted.service)


def test_dismissing_closes_the_case_and_dismisses_its_flags(page, client, visitator, flagged):
    sign_in_staff(client, visitator)
    page.get("visitation.dismiss", case_id=flagged.id)

    page.post(
        "visitation.dismiss",
        {"reason": "Borgeren er på ferie", "citizen_reason": "Din hjælp passer.", "confirm": "y"},
        case_id=flagged.id,
    )

    db.session.expire_all()
    assert flagged.status == CaseStatus.CLOSED
    assert flagged.outcome == "Borgeren er på ferie"
    assert flagged.outcome_for_citizen == "Din hjælp passer."
    flag = db.session.scalar(select(Flag))
    assert flag.status == FlagStatus.DISMISSED
    assert flag.dismissed_at is not None  # the flag engine counts only later evidence
    assert flag.dismissed_by_staff_id == visitator.id
    assert flag.dismissed_reason == "Borgeren er på ferie"
    event = flagged.events[-1]
    assert (event.kind, event.actor_staff_id, event.text) == (
        "dismissed",
        visitator.id,
        "Borgeren er på ferie",
    )
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "citizen_reason": "Ok", "confirm": "y"}, "Skriv, hvorfor sagen afsluttes"),
        (
            {"reason": "   ", "citizen_reason": "Ok", "confirm": "y"},
            "Skriv, hvorfor sagen afsluttes",
        ),
        ({"reason": "x" * 2001, "citizen_reason": "Ok", "confirm": "y"}, "Skriv højst 2000 tegn"),
        ({"reason": "Ferie", "confirm": "y"}, "Skriv, hvad borgeren får at vide"),
        ({"reason": "Ferie", "citizen_reason": "x" * 1001, "confirm": "y"}, "Skriv højst 1000"),
        ({"reason": "Ferie", "citizen_reason": "Ok"}, "Bekræft, at sagen skal lukkes"),
    ],
)
def test_dismiss_with_bad_input_explains_and_changes_nothing(
    data, message, page, client, visitator, flagged
):
    sign_in_staff(client, visitator)
    response = page.post("visitation.dismiss", data, case_id=flagged.id, expected_status=200)

    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    assert message in soup.select_one(".alert-error").text
    assert soup.title.text.startswith("Fejl: ")
    db.session.expire_all()
    assert flagged.status == CaseStatus.OPEN
    assert db.session.scalar(select(Flag)).status == FlagStatus.OPEN


def _decision_form(service_id: int, **overrides) -> dict:
    data = {
        "valid_from": (local_today() + timedelta(days=7)).isoformat(),
        "grants-0-service": str(service_id),
        "grants-0-minutes": "45",
        "grants-0-frequency": "weekly",
        "grants-0-weekdays": ["0", "3"],
        "grants-0-end_date": "",
        "grants-1-service": "",
        "grants-1-frequency": "weekly",
        "reasons": "Du har brug for mere tid.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_changing_the_decision_checks_first_then_makes_a_new_version_and_letter(
    page, client, visitator, flagged
):
    citizen = flagged.citizen
    old = citizen.current_decision
    service_id = old.granted_services[0].service_id
    sign_in_staff(client, visitator)
    form = page.get("visitation.change_decision", case_id=flagged.id)
    assert form.select_one("#grants-0-service option[selected]")["value"] == str(service_id)

    check = page.post(
        "visitation.change_decision",
        _decision_form(service_id),
        case_id=flagged.id,
        expected_status=200,
    )
    assert "Tjek den nye afgørelse" in check.get_data(as_text=True)
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None

    done = page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes"),
        case_id=flagged.id,
    )

    db.session.expire_all()
    new = db.session.scalar(select(Decision).where(Decision.version == 2))
    assert done.headers["Location"].endswith(f"/visitation/afgoerelser/{new.id}/brev")
    assert new.superseded_at is None
    assert [(g.minutes_per_delivery, g.weekday_tuple) for g in new.granted_services] == [
        (45, (0, 3))
    ]
    assert "Du har brug for mere tid." in new.letter_text
    old = db.session.get(Decision, old.id)
    assert old.superseded_at is not None and old.superseded_by_id == new.id
    assert old.granted_services[0].minutes_per_delivery == 30  # unchanged, still readable
    assert flagged.status == CaseStatus.CLOSED
    assert flagged.events[-1].kind == "decision_changed"
    assert flagged.events[-1].actor_staff_id == visitator.id
    assert db.session.scalar(select(Flag)).status == FlagStatus.CLOSED


def test_a_superseded_version_cannot_be_changed(page, client, visitator, flagged):
    service_id = flagged.citizen.current_decision.granted_services[0].service_id
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes"),
        case_id=flagged.id,
    )
    old = db.session.scalar(select(Decision).where(Decision.version == 1))

    old.reasons = "rettet bagefter"
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()


def test_only_one_current_version_after_two_changes(
    page, client, factories, visitator, flagged, make_case
):
    service_id = flagged.citizen.current_decision.granted_services[0].service_id
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes"),
        case_id=flagged.id,
    )
    second = make_case(flagged.citizen)
    page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes", **{"grants-0-minutes": "60"}),
        case_id=second.id,
    )

    versions = db.session.scalars(
        select(Decision).where(Decision.citizen_id == flagged.citizen_id).order_by(Decision.version)
    ).all()
    assert [d.version for d in versions] == [1, 2, 3]
    assert [d.superseded_at is None for d in versions] == [False, False, True]
    assert [d.superseded_by_id for d in versions] == [versions[1].id, versions[2].id, None]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"valid_from": ""}, "Skriv datoen, afgørelsen gælder fra"),
        ({"valid_from": "31-02-2026"}, "Skriv datoen som dag-måned-år"),
        ({"reasons": ""}, "Skriv begrundelsen for afgørelsen"),
        ({"grants-0-service": ""}, "Vælg mindst én ydelse"),
        ({"grants-0-service": "999999"}, "Vælg en ydelse fra listen"),
        ({"grants-0-minutes": ""}, "Skriv antal minutter pr. gang"),
        ({"grants-0-minutes": "abc"}, "Skriv minutterne som et helt tal"),
        ({"grants-0-minutes": "2"}, "Antal minutter skal være mellem 5 og 480"),
        ({"grants-0-frequency": "hourly"}, "Vælg hvor ofte"),
        ({"grants-0-weekdays": None}, "Vælg mindst én ugedag"),
        ({"grants-0-weekdays": ["9"]}, "Vælg ugedage fra listen"),
        ({"grants-0-end_date": "2000-01-01"}, "Sidste dag skal være samme dag som"),
    ],
)
def test_change_decision_with_bad_input_explains_and_saves_nothing(
    overrides, message, page, client, visitator, flagged
):
    service_id = flagged.citizen.current_decision.granted_services[0].service_id
    sign_in_staff(client, visitator)
    response = page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes", **overrides),
        case_id=flagged.id,
        expected_status=200,
    )

    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    assert message in soup.select_one(".alert-error").text
    assert soup.title.text.startswith("Fejl: ")
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None


def test_a_service_from_another_municipality_cannot_be_granted(
    page, client, factories, visitator, flagged
):
    foreign = factories.Service()
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision",
        _decision_form(foreign.id, confirmed="yes"),
        case_id=flagged.id,
        expected_status=200,
    )
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None


def test_letter_page_shows_the_letter_with_complaint_guidance(page, client, visitator, flagged):
    service_id = flagged.citizen.current_decision.granted_services[0].service_id
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision",
        _decision_form(service_id, confirmed="yes"),
        case_id=flagged.id,
    )
    new = db.session.scalar(select(Decision).where(Decision.version == 2))

    soup = page.get("visitation.letter", decision_id=new.id)

    headings = [h.text for h in soup.select("article.app-letter h2")]
    assert "Sådan klager du" in headings
    assert "Ankestyrelsen" in soup.select_one("article.app-letter").text
    assert soup.select_one("article.app-letter")["lang"] == "da"  # WCAG 3.1.2, on any page
    assert soup.select_one('link[href*="/visitation.css?"]')  # the print stylesheet


def test_actions_on_another_municipalitys_case_are_not_found(
    client, factories, visitator, make_case
):
    foreign = make_case(factories.Citizen())
    decision = factories.Decision(citizen=foreign.citizen)
    sign_in_staff(client, visitator)
    for url in (
        f"/visitation/sager/{foreign.id}/afslut",
        f"/visitation/sager/{foreign.id}/afgoerelse",
        f"/visitation/afgoerelser/{decision.id}/brev",
    ):
        assert client.get(url).status_code == 404


def test_a_closed_case_cannot_be_dismissed_again(page, client, visitator, flagged):
    sign_in_staff(client, visitator)
    for reason in ("Ferie", "Igen"):
        page.post(
            "visitation.dismiss",
            {"reason": reason, "citizen_reason": "Din hjælp passer.", "confirm": "y"},
            case_id=flagged.id,
        )
    db.session.expire_all()
    assert flagged.outcome == "Ferie"
    assert [e.kind for e in flagged.events].count("dismissed") == 1


def test_a_nul_character_in_a_text_is_refused_not_a_server_error(page, client, visitator, flagged):
    """PostgreSQL cannot store NUL in text: found by the random-input test (security)."""
    sign_in_staff(client, visitator)
    response = page.post(
        "visitation.dismiss",
        {"reason": "a\x00b", "citizen_reason": "Ok", "confirm": "y"},
        case_id=flagged.id,
        expected_status=200,
    )
    from tests.pages import check_page

    assert (
        "Fjern det ugyldige tegn"
        in check_page(response.get_data(as_text=True)).select_one(".alert-error").text
    )
    db.session.expire_all()
    assert flagged.status == CaseStatus.OPEN


def test_the_citizen_sees_what_she_is_told_never_the_staff_reason(page, client, visitator, flagged):
    """Issue 12, 7: "Dine sager" showed the visitator's own closing reason; the dismissal now
    has a separate text for the citizen, and hers is the only one she sees."""
    sign_in_staff(client, visitator)
    page.post(
        "visitation.dismiss",
        {
            "reason": "Opfølgning holdt; afgørelsen passer",
            "citizen_reason": "Vi har set på din hjælp, og den passer til dig.",
            "confirm": "y",
        },
        case_id=flagged.id,
    )
    citizen_client = client.application.test_client()
    from tests.pages import check_page, sign_in_citizen

    sign_in_citizen(citizen_client, flagged.citizen)
    text = check_page(citizen_client.get("/borger/sager").get_data(as_text=True)).get_text(" ")
    assert "Vi har set på din hjælp, og den passer til dig." in text
    assert "Opfølgning holdt" not in text
