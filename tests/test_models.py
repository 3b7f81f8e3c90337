"""Model invariants: versioned decisions, consent scope, CPR, aware timestamps, audit log."""

from datetime import UTC, datetime, timedelta

import pytest

from selvvisitation.domain.cpr import CprError
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, ConsentScope, Frequency
from selvvisitation.extensions import db
from selvvisitation.models import (
    AuditEntry,
    AuditLogImmutableError,
    Citizen,
    Decision,
    GrantedService,
    SupersededDecisionError,
    relative_may,
)


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


def test_timestamps_come_back_timezone_aware(factories):
    citizen = factories.Citizen()
    db.session.expire_all()
    loaded = db.session.get(Citizen, citizen.id)
    assert loaded.created_at.tzinfo is not None
    assert abs(loaded.created_at - datetime.now(UTC)) < timedelta(minutes=5)


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
