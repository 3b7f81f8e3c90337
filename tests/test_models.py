"""Model invariants: versioned decisions, consent scope, CPR, aware timestamps, audit log."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from selvvisitation.domain.cpr import CprError
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import (
    ActorKind,
    ConsentScope,
    ElementOutcome,
    Frequency,
    LegalBasis,
    PriorityStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    AuditEntry,
    AuditLogImmutableError,
    Citizen,
    Decision,
    GrantedElement,
    GrantedService,
    SupersededDecisionError,
    VisitElement,
    relative_may,
)
from tests.clock import MONDAY

pytestmark = pytest.mark.today(MONDAY)


def _supersede(decision: Decision) -> Decision:
    newer = Decision(
        citizen=decision.citizen, version=decision.version + 1, valid_from=local_today()
    )
    db.session.add(newer)
    db.session.flush()
    decision.superseded_at = datetime.now(UTC)
    decision.superseded_by_id = newer.id
    db.session.commit()
    return newer


def test_a_superseded_decision_version_can_no_longer_change(factories):
    granted = factories.GrantedService()
    decision = granted.decision
    _supersede(decision)

    decision.reasons = "rewritten history"
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()


def test_the_services_of_a_superseded_decision_can_no_longer_change(factories):
    granted = factories.GrantedService(minutes_per_delivery=30)
    _supersede(granted.decision)

    granted.minutes_per_delivery = 90
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(GrantedService, granted.id).minutes_per_delivery == 30


def test_no_service_can_be_added_to_a_superseded_decision(factories):
    granted = factories.GrantedService()
    decision = granted.decision
    _supersede(decision)

    db.session.add(
        GrantedService(
            decision=decision,
            service=granted.service,
            minutes_per_delivery=10,
            frequency=Frequency.DAILY,
            start_date=local_today(),
        )
    )
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()


def test_a_superseded_decision_stays_readable_and_the_citizen_has_one_current(factories):
    granted = factories.GrantedService()
    old = granted.decision
    newer = _supersede(old)
    citizen = db.session.get(Citizen, old.citizen_id)
    assert citizen.current_decision.id == newer.id
    assert [d.version for d in citizen.decisions] == [1, 2]
    assert old.granted_services[0].minutes_per_delivery == granted.minutes_per_delivery


def test_the_current_decision_can_still_be_corrected(factories):
    granted = factories.GrantedService()
    granted.decision.reasons = "Rettet stavefejl"
    db.session.commit()
    assert granted.decision.reasons == "Rettet stavefejl"


class TestConsentScope:
    """A relative acts only with the citizen's consent (002 sections 10 and 16, 004 §2.1.1)."""

    def test_act_consent_covers_seeing_and_acting(self, factories):
        consent = factories.Consent(scope=ConsentScope.ACT)
        assert relative_may(consent.relative, consent.citizen, ConsentScope.SEE)
        assert relative_may(consent.relative, consent.citizen, ConsentScope.ACT)

    def test_see_consent_does_not_cover_acting(self, factories):
        consent = factories.Consent(scope=ConsentScope.SEE)
        assert relative_may(consent.relative, consent.citizen, ConsentScope.SEE)
        assert not relative_may(consent.relative, consent.citizen, ConsentScope.ACT)

    def test_a_withdrawn_consent_covers_nothing(self, factories):
        consent = factories.Consent(revoked_at=datetime.now(UTC) - timedelta(minutes=1))
        assert not relative_may(consent.relative, consent.citizen, ConsentScope.SEE)

    def test_an_expired_consent_covers_nothing(self, factories):
        consent = factories.Consent(valid_to=datetime.now(UTC) - timedelta(days=1))
        assert not relative_may(consent.relative, consent.citizen, ConsentScope.SEE)

    def test_a_consent_not_yet_in_force_covers_nothing(self, factories):
        consent = factories.Consent(valid_from=datetime.now(UTC) + timedelta(days=1))
        assert not relative_may(consent.relative, consent.citizen, ConsentScope.SEE)

    def test_consent_for_one_citizen_gives_nothing_for_another(self, factories):
        consent = factories.Consent(scope=ConsentScope.ACT)
        other = factories.Citizen()
        assert not relative_may(consent.relative, other, ConsentScope.SEE)

    def test_no_relative_means_no_access(self, factories):
        assert not relative_may(None, factories.Citizen(), ConsentScope.SEE)


def test_a_citizen_with_a_malformed_cpr_number_is_refused_with_a_reason(factories):
    municipality = factories.Municipality()
    with pytest.raises(CprError) as raised:
        Citizen(municipality=municipality, cpr="31024512345", name="Forkert")
    assert raised.value.code == "format"


def test_cpr_numbers_are_stored_as_digits_and_listed_masked(factories):
    citizen = factories.Citizen(cpr="010145-1234")
    assert citizen.cpr == "0101451234"
    assert citizen.masked_cpr == "010145-XXXX"
    assert "1234" not in repr(citizen)


@pytest.mark.today(MONDAY, tick=False)
def test_timestamps_come_back_timezone_aware(factories):
    citizen = factories.Citizen()
    db.session.expire_all()
    loaded = db.session.get(Citizen, citizen.id)
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at == MONDAY  # the app's now, the clock stopped


def test_naive_timestamps_are_refused(factories):
    consent = factories.Consent()
    consent.valid_to = datetime(2030, 1, 1)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_audit_entries_can_be_added_but_never_changed_or_deleted(factories):
    citizen = factories.Citizen()
    entry = AuditEntry(actor_kind=ActorKind.SYSTEM, citizen_id=citizen.id, action="read")
    db.session.add(entry)
    db.session.commit()

    entry.action = "nothing happened"
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "read"


# Ældreloven (issue 11; DOMAIN.md "Ældreloven"): forløb, granted elements, visit lines, priorities.


def test_a_decision_is_under_serviceloven_unless_made_under_aeldreloven(factories):
    """DOMAIN.md Ældreloven, reading: citizens not yet re-visited stay on SEL § 83 / § 94 a."""
    sel = factories.Decision()
    ael = factories.AelDecision()
    assert sel.legal_basis == LegalBasis.SEL and not sel.is_ael
    assert ael.legal_basis == LegalBasis.AEL and ael.is_ael
    assert ael.care_programme.municipality_id == ael.citizen.municipality_id


def test_an_ael_decision_grants_elements_of_its_forlob_with_their_meaning(factories):
    """DOMAIN.md Ældreloven, law: ÆL § 10 grants a forløb; its elements are what it covers."""
    granted = factories.GrantedElement(meaning="Bad tirsdag og fredag")
    decision = db.session.get(Decision, granted.decision_id)
    assert [g.meaning for g in decision.granted_elements] == ["Bad tirsdag og fredag"]
    assert decision.granted_elements[0].element.programme_id == decision.care_programme_id


def test_the_elements_of_a_superseded_ael_decision_can_no_longer_change(factories):
    """A decision version is what the citizen was told: its granted elements stay as they were."""
    granted = factories.GrantedElement(meaning="Bad om tirsdagen")
    _supersede(granted.decision)

    granted.meaning = "rewritten history"
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(GrantedElement, granted.id).meaning == "Bad om tirsdagen"


def test_no_element_can_be_added_to_a_superseded_ael_decision(factories):
    granted = factories.GrantedElement()
    decision = granted.decision
    _supersede(decision)

    db.session.add(GrantedElement(decision=decision, element=granted.element, meaning="mere"))
    with pytest.raises(SupersededDecisionError):
        db.session.flush()
    db.session.rollback()


def test_a_forlob_lists_its_elements_in_order(factories):
    programme = factories.CareProgramme()
    factories.CareProgrammeElement(programme=programme, name_da="Rengøring", position=2)
    factories.CareProgrammeElement(programme=programme, name_da="Bad", position=1)
    db.session.refresh(programme)
    assert [e.name_da for e in programme.elements] == ["Bad", "Rengøring"]


def test_an_ael_visit_has_element_lines_without_minutes_and_they_go_with_the_visit(factories):
    """DOMAIN.md Ældreloven, law: minutes are no longer accounted for; a visit lists elements."""
    line = factories.VisitElement()
    assert line.outcome == ElementOutcome.PLANNED
    visit = line.visit
    assert visit.elements == [line]
    db.session.delete(visit)
    db.session.commit()
    assert db.session.get(VisitElement, line.id) is None


def test_a_priority_starts_requested_and_its_reference_is_unique(factories):
    first = factories.VisitPriority(reference="PRI-123456")
    assert first.status == PriorityStatus.REQUESTED
    assert first.not_met_reason is None
    with pytest.raises(IntegrityError):
        factories.VisitPriority(reference="PRI-123456")
    db.session.rollback()


def test_the_policy_row_carries_the_ael_defaults(factories):
    """DOMAIN.md Ældreloven: default basis SEL, AEL suggested from 67, flags 3/90 and 3/30."""
    policy = factories.Municipality().policy
    assert (
        policy.default_legal_basis,
        policy.ael_suggest_from_age,
        policy.element_decline_threshold_count,
        policy.element_decline_threshold_days,
        policy.priorities_not_met_threshold_count,
        policy.priorities_not_met_threshold_days,
        policy.ael_optional_minutes,
    ) == (LegalBasis.SEL, 67, 3, 90, 3, 30, False)
