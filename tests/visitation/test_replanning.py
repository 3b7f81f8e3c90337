"""A changed decision re-plans the citizen's coming visits in the same transaction (issue 5).

Rules: domain/replan.py (tested there in full); here the database side: what is
written, what is never touched, what the visitator is told before confirming, and
what the citizen and the home-care team see afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import LOCAL, local_today
from selvvisitation.domain.types import (
    ActorKind,
    LapseReason,
    ServiceCategory,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Decision, SwapLine, SwapRequest, Visit, utcnow
from selvvisitation.services import replanning
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_citizen, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)

TODAY = local_today(MONDAY)
NEXT_MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())
LAST_MONDAY = NEXT_MONDAY - timedelta(weeks=1) if TODAY.weekday() else TODAY - timedelta(weeks=1)


def _visit(factories, citizen, day, items, *, recorded=False):
    visit = factories.Visit(
        citizen=citizen,
        day=day,
        time_of_day="day",
        starts_at=datetime.combine(day, time(9), tzinfo=UTC),
        ends_at=datetime.combine(day, time(10), tzinfo=UTC),
        time_frame_minutes=sum(minutes for _g, minutes in items),
        recorded_at=datetime.combine(day, time(10), tzinfo=UTC) if recorded else None,
    )
    for granted, minutes in items:
        factories.VisitService(
            visit=visit,
            service=granted.service,
            granted_service=granted,
            planned_minutes=minutes,
            delivered_minutes=minutes if recorded else None,
            outcome=VisitServiceOutcome.DELIVERED if recorded else VisitServiceOutcome.PLANNED,
        )
    return visit


def _swap(citizen, visit, drop, add_minutes, *, add=None):
    """``drop`` (a grant) swapped for ``add`` (a grant), or for a walk in the citizen's words."""
    added = (
        SwapLine(kind="add", service_id=add.service_id, minutes=add_minutes)
        if add is not None
        else SwapLine(kind="add", free_text="Gåtur", minutes=add_minutes)
    )
    swap = SwapRequest(
        reference=f"BYT-{visit.id}-{drop.service_id}",
        citizen=citizen,
        visit=visit,
        status=SwapStatus.REQUESTED,
        created_by_kind=ActorKind.CITIZEN,
        lines=[
            SwapLine(kind="drop", service_id=drop.service_id, minutes=drop.minutes_per_delivery),
            added,
        ],
    )
    db.session.add(swap)
    db.session.commit()
    return swap


@pytest.fixture
def planned(factories, visitator, make_case):
    """Cleaning 60 and shopping 30 min on Mondays; one recorded Monday, three planned."""
    citizen = factories.Citizen(municipality=visitator.municipality, name="Karen Jensen")
    cleaning = factories.GrantedService(
        decision__citizen=citizen, service__name_da="Rengøring", minutes_per_delivery=60
    )
    shopping = factories.GrantedService(
        decision=cleaning.decision, service__name_da="Indkøb", minutes_per_delivery=30
    )
    past = _visit(factories, citizen, LAST_MONDAY, [(cleaning, 60), (shopping, 30)], recorded=True)
    coming = [
        _visit(
            factories, citizen, NEXT_MONDAY + timedelta(weeks=n), [(cleaning, 60), (shopping, 30)]
        )
        for n in range(3)
    ]
    case = make_case(citizen, flag_service=cleaning.service)
    return {
        "citizen": citizen,
        "cleaning": cleaning,
        "shopping": shopping,
        "past": past,
        "coming": coming,
        "case": case,
    }


def _form(planned, **overrides) -> dict:
    data = {
        "valid_from": NEXT_MONDAY.isoformat(),
        "grants-0-service": str(planned["cleaning"].service_id),
        "grants-0-minutes": "45",
        "grants-0-frequency": "weekly",
        "grants-0-weekdays": ["0", "3"],
        "grants-0-end_date": "",
        "grants-1-service": "",
        "grants-1-frequency": "weekly",
        "reasons": "Indkøb klares af familien; rengøring to gange om ugen.",
    }
    data.update(overrides)
    return data


def test_the_check_page_says_how_many_visits_change_and_swaps_lapse_before_saving(
    page, client, visitator, planned
):
    first, second, _third = planned["coming"]
    _swap(planned["citizen"], first, planned["cleaning"], 45)  # still fits: kept
    _swap(planned["citizen"], second, planned["shopping"], 30)  # shopping goes: lapses
    sign_in_staff(client, visitator)

    response = page.post(
        "visitation.change_decision",
        _form(planned),
        case_id=planned["case"].id,
        expected_status=200,
    )

    section = check_page(response.get_data(as_text=True)).select_one(".app-replan")
    figures = [li.text.split("\n")[0].strip() for li in section.select(".app-replan-figures > li")]
    assert figures == [
        "3 planlagte besøg får andre ydelser eller minutter.",
        "2 nye besøg planlægges.",  # the Thursdays up to the last planned Monday
        "0 planlagte besøg aflyses.",
        "1 booket bytte bortfalder.",
    ]
    assert "ydelsen, der skulle byttes væk" in section.text.lower()
    db.session.expire_all()
    assert db.session.scalar(select(Decision).where(Decision.version == 2)) is None
    assert all(s.status == SwapStatus.REQUESTED for s in db.session.scalars(select(SwapRequest)))
    assert [v.time_frame_minutes for v in planned["coming"]] == [90, 90, 90]


def test_confirming_re_plans_the_coming_visits_and_lapses_what_no_longer_fits(
    page, client, visitator, planned
):
    citizen, cleaning, past = planned["citizen"], planned["cleaning"], planned["past"]
    first, second, _third = planned["coming"]
    kept = _swap(citizen, first, cleaning, 45)
    lapsed = _swap(citizen, second, planned["shopping"], 30)
    sign_in_staff(client, visitator)

    page.post(
        "visitation.change_decision", _form(planned, confirmed="yes"), case_id=planned["case"].id
    )

    db.session.expire_all()
    new = db.session.scalar(select(Decision).where(Decision.version == 2))
    grant = new.granted_services[0]
    assert grant.time_of_day == "day"  # kept from the version it replaces
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.citizen_id == citizen.id, Visit.day >= NEXT_MONDAY)
        .order_by(Visit.day)
    ).all()
    assert [(v.day.weekday(), v.cancelled, v.time_frame_minutes) for v in visits] == [
        (0, False, 45),
        (3, False, 45),
        (0, False, 45),
        (3, False, 45),
        (0, False, 45),
    ]
    for visit in visits:
        assert [
            (i.service_id, i.planned_minutes, i.granted_service_id) for i in visit.services
        ] == [(cleaning.service_id, 45, grant.id)]
        assert visit.ends_at - visit.starts_at == timedelta(minutes=45)
        assert visit.team_id == citizen.team_id
    # The recorded visit is what happened: untouched, still linked to version 1.
    assert [(i.planned_minutes, i.granted_service_id) for i in past.services] == [
        (60, cleaning.id),
        (30, planned["shopping"].id),
    ]
    assert past.time_frame_minutes == 90
    assert kept.status == SwapStatus.REQUESTED
    assert (lapsed.status, lapsed.lapsed_reason, lapsed.lapsed_decision_id) == (
        SwapStatus.LAPSED,
        LapseReason.SERVICE_NOT_GRANTED,
        new.id,
    )
    assert lapsed.lapsed_at is not None
    event = planned["case"].events[-1]
    assert (event.data["visits_changed"], event.data["swaps_lapsed"]) == (5, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "decision"))
    assert (entry.detail["visits_changed"], entry.detail["swaps_lapsed"]) == (5, 1)


def test_the_citizen_and_the_team_see_why_a_swap_lapsed(
    page, client, factories, visitator, planned
):
    citizen = planned["citizen"]
    second = planned["coming"][1]
    _swap(citizen, second, planned["shopping"], 30)
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision", _form(planned, confirmed="yes"), case_id=planned["case"].id
    )

    sign_in_citizen(client, citizen)
    soup = page.get("citizen.cases")
    lapsed = soup.select_one(".app-lapsed-swaps").text
    assert "Indkøb" in lapsed and "Gåtur" in lapsed
    assert "ydelsen, der skulle byttes væk, er ikke længere planlagt ved dette besøg" in lapsed

    worker = factories.StaffUser(
        municipality=visitator.municipality,
        role="home_care_worker",
        team=citizen.team,
        provider=citizen.provider,
    )
    sign_in_staff(client, worker)
    # The visit is not planned for this worker: it is on her team's list (issue 12).
    day = page.get("staff.visits", dag=second.day.isoformat(), vis="team")
    assert "Bortfaldet, da afgørelsen blev ændret" in day.text


def test_a_swap_the_new_decision_no_longer_allows_lapses_with_that_reason(
    page, client, factories, visitator, planned
):
    """Rule 3 (004 §1.3.3, 002 §8): cleaning swapped for a bath needs personal care and
    practical help both granted; the new decision drops the bath, so the swap lapses."""
    citizen, cleaning = planned["citizen"], planned["cleaning"]
    bath = factories.GrantedService(
        decision=cleaning.decision,
        service=factories.Service(
            municipality=visitator.municipality,
            category=ServiceCategory.PERSONAL_CARE,
            name_da="Bad",
        ),
        minutes_per_delivery=20,
    )
    crossing = _swap(citizen, planned["coming"][0], cleaning, 20, add=bath)
    sign_in_staff(client, visitator)

    page.post(
        "visitation.change_decision", _form(planned, confirmed="yes"), case_id=planned["case"].id
    )

    db.session.expire_all()
    assert (crossing.status, crossing.lapsed_reason) == (
        SwapStatus.LAPSED,
        LapseReason.RULES_NOT_MET,
    )
    sign_in_citizen(client, citizen)
    lapsed = page.get("citizen.cases").select_one(".app-lapsed-swaps").text
    assert "den nye afgørelse tillader ikke længere dette bytte" in lapsed


def test_a_decision_from_later_leaves_the_visits_before_it(page, client, visitator, planned):
    first, second, third = planned["coming"]
    sign_in_staff(client, visitator)

    page.post(
        "visitation.change_decision",
        _form(
            planned,
            confirmed="yes",
            valid_from=third.day.isoformat(),
            **{"grants-0-weekdays": ["0"]},
        ),
        case_id=planned["case"].id,
    )

    db.session.expire_all()
    assert [v.time_frame_minutes for v in (first, second, third)] == [90, 90, 45]


def test_a_new_service_goes_in_its_category_s_usual_window(factories, visitator, planned):
    from selvvisitation.services.case_actions import NewGrant, change_decision

    bath = factories.Service(
        municipality=visitator.municipality, category=ServiceCategory.PERSONAL_CARE
    )
    grants = [
        NewGrant(
            planned["cleaning"].service_id,
            60,
            planned["cleaning"].frequency,
            (0,),
            NEXT_MONDAY,
            None,
        ),
        NewGrant(bath.id, 20, planned["cleaning"].frequency, (0,), NEXT_MONDAY, None),
    ]
    preview = replanning.preview(
        db.session, planned["citizen"], grants, valid_from=NEXT_MONDAY, now=utcnow()
    )
    assert preview.new_visits == 3 and preview.cancelled == ()

    decision, result = change_decision(
        db.session,
        planned["case"],
        visitator,
        grants=grants,
        valid_from=NEXT_MONDAY,
        reasons="Bad om morgenen.",
        today=TODAY,
    )
    db.session.commit()

    # The check page told the truth.
    summary = (result.changed_visits, result.new_visits, result.cancelled, result.lapsed_swaps)
    assert summary == (
        preview.changed_visits,
        preview.new_visits,
        preview.cancelled,
        preview.lapsed_swaps,
    )
    morning = db.session.scalars(
        select(Visit)
        .where(Visit.citizen_id == planned["citizen"].id, Visit.time_of_day == "morning")
        .order_by(Visit.day)
    ).all()
    assert [v.day for v in morning] == [c.day for c in planned["coming"]]
    assert morning[0].starts_at.astimezone(LOCAL).time() == time(7, 30)
    assert [i.planned_minutes for i in morning[0].services] == [20]
    assert [g.time_of_day for g in decision.granted_services] == ["day", "morning"]


def test_a_standing_swap_lapses_even_when_no_visit_is_planned(factories, visitator, planned):
    from selvvisitation.services.case_actions import NewGrant, change_decision

    for visit in planned["coming"]:
        visit.cancelled = True
    standing = SwapRequest(
        reference="BYT-FAST",
        citizen=planned["citizen"],
        status=SwapStatus.REQUESTED,
        created_by_kind=ActorKind.CITIZEN,
        period_start=NEXT_MONDAY,
        period_end=NEXT_MONDAY + timedelta(days=13),
        lines=[
            SwapLine(kind="drop", service_id=planned["shopping"].service_id, minutes=30),
            SwapLine(kind="add", free_text="Gåtur", minutes=30),
        ],
    )
    db.session.add(standing)
    db.session.commit()
    grants = [
        NewGrant(
            planned["cleaning"].service_id,
            60,
            planned["cleaning"].frequency,
            (0,),
            NEXT_MONDAY,
            None,
        )
    ]

    _decision, result = change_decision(
        db.session,
        planned["case"],
        visitator,
        grants=grants,
        valid_from=NEXT_MONDAY,
        reasons="Indkøb klares af familien.",
        today=TODAY,
    )
    db.session.commit()

    assert result.visits == () and result.changed_visits == 0
    assert (standing.status, standing.lapsed_reason) == (
        SwapStatus.LAPSED,
        LapseReason.SERVICE_NOT_GRANTED,
    )


def test_saving_a_decision_is_one_unit_of_work_all_or_nothing(factories, visitator, planned):
    # Issue 16 (cosmicpython's unit of work): the new version, the re-planned visits, the
    # lapsed swaps and the audit entry commit together, or on an error none of them does.
    from selvvisitation.services.case_actions import NewGrant, save_decision

    visits_before = [(v.id, [i.planned_minutes for i in v.services]) for v in planned["coming"]]
    grants = [
        NewGrant(
            planned["cleaning"].service_id,
            45,
            planned["cleaning"].frequency,
            (0,),
            NEXT_MONDAY,
            None,
        ),
        NewGrant(10**9, 20, planned["cleaning"].frequency, (0,), NEXT_MONDAY, None),  # no such
    ]
    with pytest.raises(KeyError):  # a service that is not there, found after the version was added
        save_decision(
            db.session,
            planned["case"],
            visitator,
            grants=grants,
            valid_from=NEXT_MONDAY,
            reasons="Kan ikke gemmes.",
            today=TODAY,
        )
    db.session.expire_all()
    assert db.session.scalars(select(Decision.version)).all() == [1]
    assert db.session.scalars(select(AuditEntry)).all() == []
    assert [
        (v.id, [i.planned_minutes for i in db.session.get(Visit, v.id).services])
        for v in planned["coming"]
    ] == visits_before

    decision, replan = save_decision(
        db.session,
        planned["case"],
        visitator,
        grants=grants[:1],
        valid_from=NEXT_MONDAY,
        reasons="Rengøring 45 minutter.",
        today=TODAY,
    )
    db.session.rollback()  # nothing left to roll back: the service committed
    assert db.session.get(Decision, decision.id).version == 2
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.object_type, entry.detail["visits_changed"]) == (
        "decision",
        replan.changed_visits,
    )
