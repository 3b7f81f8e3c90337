"""Repeated cancellations of the same granted service count towards the repeated-deselection
flag (rule 7; 002 §8, 004 §1.3.3) only when the municipality turns that on (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from selvvisitation.domain.types import ActorKind, CancelReason, FlagRule
from selvvisitation.extensions import db
from selvvisitation.security.access import Actor
from selvvisitation.services.flags import evaluate_citizen
from selvvisitation.services.visit_change_actions import citizen_cancel, provider_cancel_visit
from tests.visits.scene import TODAY, at, visit_scene


def _three_cancelled_vacuumings(factories, scene, *, by_provider: bool = False) -> None:
    grant = scene.practical.services[0].granted_service
    visits = [scene.practical]
    for week in (1, 2):
        day = scene.practical.day + timedelta(days=7 * week)
        visit = factories.Visit(
            citizen=scene.citizen, day=day, starts_at=at(day, 10), ends_at=at(day, 11)
        )
        factories.VisitService(visit=visit, service=grant.service, granted_service=grant)
        visits.append(visit)
    for visit in visits:
        if by_provider:
            provider_cancel_visit(
                db.session,
                visit_id=visit.id,
                staff=scene.leader,
                actor=Actor(kind=ActorKind.STAFF, staff=scene.leader),
                reason_text="Sygdom",
                replacement_starts_at=at(visit.day + timedelta(days=1), 13),
            )
        else:
            citizen_cancel(
                db.session,
                visit_id=visit.id,
                citizen=scene.citizen,
                actor=Actor(kind=ActorKind.CITIZEN, citizen=scene.citizen, subject=scene.citizen),
                reason=CancelReason.AWAY,
            )


@pytest.mark.parametrize(("setting", "flagged"), [(True, True), (False, False)])
def test_citizen_cancellations_count_as_deselections_only_when_the_municipality_says_so(
    factories, clock, setting, flagged
):
    scene = visit_scene(factories)
    scene.citizen.municipality.policy.citizen_cancellations_count_as_deselection = setting
    db.session.commit()
    _three_cancelled_vacuumings(factories, scene)
    report = evaluate_citizen(db.session, scene.citizen.id, as_of=TODAY + timedelta(days=20))
    opened = [o for o in report.opened if o.rule == FlagRule.REPEATED_DESELECTION]
    assert bool(opened) is flagged
    if flagged:
        assert opened[0].service_code == "PH-STOEV"


def test_the_provider_s_cancellations_never_count_as_the_citizen_s_deselections(factories, clock):
    scene = visit_scene(factories)
    scene.citizen.municipality.policy.citizen_cancellations_count_as_deselection = True
    db.session.commit()
    _three_cancelled_vacuumings(factories, scene, by_provider=True)
    report = evaluate_citizen(db.session, scene.citizen.id, as_of=TODAY + timedelta(days=20))
    assert report.opened == []


def _three_cancelled_baths_under_ael(factories, scene) -> None:
    decision = factories.AelDecision(citizen=scene.citizen, version=2)
    element = factories.CareProgrammeElement(programme=decision.care_programme, name_da="Bad")
    for week in (0, 1, 2):
        day = scene.practical.day + timedelta(days=7 * week + 1)
        visit = factories.Visit(
            citizen=scene.citizen, day=day, starts_at=at(day, 9), ends_at=at(day, 10)
        )
        factories.VisitElement(visit=visit, element=element)
        citizen_cancel(
            db.session,
            visit_id=visit.id,
            citizen=scene.citizen,
            actor=Actor(kind=ActorKind.CITIZEN, citizen=scene.citizen, subject=scene.citizen),
            reason=CancelReason.FAMILY,
        )


@pytest.mark.parametrize(("setting", "flagged"), [(True, True), (False, False)])
def test_an_ael_citizen_s_cancellations_count_as_declines_of_the_elements_when_turned_on(
    factories, clock, setting, flagged
):
    """Both laws (DOMAIN.md "Ældreloven", reading: repeated declines of an element of the
    forløb bring the visitator back; ÆL § 1 stk. 2): under Ældreloven the same setting counts
    a cancelled visit's elements as declined, as rule 7 (002 §8) counts a SEL citizen's
    cancelled services as deselections."""
    scene = visit_scene(factories)
    scene.citizen.municipality.policy.citizen_cancellations_count_as_deselection = setting
    db.session.commit()
    _three_cancelled_baths_under_ael(factories, scene)
    report = evaluate_citizen(db.session, scene.citizen.id, as_of=TODAY + timedelta(days=20))
    opened = [o for o in report.opened if o.rule == FlagRule.REPEATED_ELEMENT_DECLINE]
    assert bool(opened) is flagged
    assert not [o for o in report.opened if o.rule == FlagRule.REPEATED_DESELECTION]
