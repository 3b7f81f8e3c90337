"""The admin's actions are units of work (issue 16; cosmicpython's unit of work).

Each action is one service function that writes the change and its audit entry and
commits, or writes nothing: "an audit entry is committed with the change it logs, or not
at all" (security/audit.py). The failure half-way is the database refusing the audit
entry, which is written after the change (a trigger on audit_entry, standing in for a full
disk or a lost connection): the change already made in the transaction must go with it.
Called as the views call them, without Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import select

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import ProviderKind, ServiceCategory, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MunicipalityPolicy, StaffUser
from selvvisitation.services import admin as services
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.programmes import ElementLine, save_examples, save_programme
from tests.admin.test_admin import deselecting_citizen
from tests.security.test_second_factor import enrolled
from tests.unit_of_work import everything, nothing_written_when_the_audit_entry_is_refused


@pytest.fixture
def admin(factories) -> StaffUser:
    return factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN, name="Anders Admin")


SERVICE = {
    "code": "PR-NY",
    "fsiii_code": "",
    "name_da": "Vinduespudsning",
    "name_en": "Window cleaning",
    "category": ServiceCategory.PRACTICAL_HELP,
    "swappable": True,
    "flexible_only": False,
    "within_service_level": True,
    "default_minutes": 30,
    "description_da": "",
    "description_en": "",
    "active": True,
    "synonyms_da": "vinduer",
    "synonyms_en": "",
}


def _actions(admin: StaffUser, factories) -> dict[str, Callable[[], object]]:
    """Every admin action, with what it needs already in the database."""
    municipality = admin.municipality
    provider = factories.Provider(municipality=municipality)
    team = factories.Team(provider=provider)
    user = factories.StaffUser(municipality=municipality, role=StaffRole.VISITATOR)
    inactive = factories.StaffUser(municipality=municipality, active=False)
    service = factories.Service(municipality=municipality, code="PR-X")
    programme = factories.CareProgramme(municipality=municipality)
    element = factories.CareProgrammeElement(programme=programme)
    factories.PriorityExample(municipality=municipality)
    enrolled(user)
    twice = deselecting_citizen(factories, municipality, 2)
    assert twice is not None
    current = policy_for(municipality)
    stricter = replace(current, deselection_threshold_count=2)
    session = db.session
    line = ElementLine(element.id, element.fsiii_code, "Personlig pleje", "Personal care")
    programme_data = {
        "code": programme.code,
        "name_da": "Pleje",
        "name_en": "Care",
        "description_da": "",
        "description_en": "",
        "indicative_hours_per_week": 5.0,
        "active": True,
    }
    provider_data = {
        "name": "Hjemmeplejen Nord",
        "kind": ProviderKind.PRIVATE,
        "phone": "75 00 00 00",
        "offers_personal_care": True,
        "offers_practical_help": False,
    }
    user_data = {"username": "ny", "name": "Ny Bruger", "role": StaffRole.TEAM_LEADER, "team": team}
    return {
        "save_policy": lambda: services.save_policy(session, admin, stricter),
        "preview_policy": lambda: services.preview_policy(session, admin, current, stricter),
        "add_service": lambda: services.save_service(session, admin, None, SERVICE),
        "edit_service": lambda: services.save_service(
            session, admin, service, {**SERVICE, "code": "PR-X", "default_minutes": 25}
        ),
        "add_provider": lambda: services.save_provider(session, admin, None, **provider_data),
        "edit_provider": lambda: services.save_provider(session, admin, provider, **provider_data),
        "add_team": lambda: services.add_team(session, admin, provider, "Team Syd"),
        "edit_team": lambda: services.save_team(session, admin, team, name="Team Øst", phone=""),
        "add_user": lambda: services.add_user(
            session, admin, **user_data, password="et-langt-kodeord-1"
        ),
        "edit_user": lambda: services.save_user(
            session, admin, user, **user_data, password="et-nyt-langt-kodeord-2"
        ),
        "deactivate_user": lambda: services.set_active(session, admin, user, False),
        "reactivate_user": lambda: services.set_active(session, admin, inactive, True),
        "reset_second_factor": lambda: services.reset_user_second_factor(session, admin, user),
        "add_programme": lambda: save_programme(
            session,
            admin,
            None,
            {**programme_data, "code": "NYT"},
            [replace(line, element_id=None)],
        ),
        "edit_programme": lambda: save_programme(session, admin, programme, programme_data, [line]),
        "save_examples": lambda: save_examples(session, admin, [("En gåtur", "A walk")]),
    }


ACTIONS = (
    "save_policy",
    "preview_policy",
    "add_service",
    "edit_service",
    "add_provider",
    "edit_provider",
    "add_team",
    "edit_team",
    "add_user",
    "edit_user",
    "deactivate_user",
    "reactivate_user",
    "reset_second_factor",
    "add_programme",
    "edit_programme",
    "save_examples",
)


@pytest.mark.parametrize("name", ACTIONS)
def test_an_admin_action_whose_audit_entry_fails_writes_nothing(
    name, admin, factories, audit_log_refuses
):
    action = _actions(admin, factories)[name]
    nothing_written_when_the_audit_entry_is_refused(action)
    # The session is usable again: the service rolled back what the database refused.
    assert db.session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize("name", ACTIONS)
def test_an_admin_action_commits_its_change_with_its_audit_entry(name, admin, factories):
    action = _actions(admin, factories)[name]
    before = everything()
    action()
    db.session.rollback()  # nothing left to roll back: the service committed
    after = everything()
    assert after["audit_entry"], "the action is audited"
    changed = {table for table in after if after[table] != before[table]}
    # The preview changes nothing but the log: the read entry of each citizen it names.
    assert changed == {"audit_entry"} if name == "preview_policy" else changed - {"audit_entry"}


def test_saving_the_rules_audits_what_changed_against_the_rules_it_replaces(admin):
    """The audit entry compares with the rules read under the write lock (issue 16)."""
    proposed = replace(Policy(), deselection_threshold_count=2)
    changed = services.save_policy(db.session, admin, proposed)
    assert changed == {"deselection_threshold_count": ["3", "2"]}
    db.session.expire_all()
    row = db.session.scalars(select(MunicipalityPolicy)).one()
    assert row.deselection_threshold_count == 2
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.actor_staff_id, entry.purpose, entry.detail) == (
        admin.id,
        "policy",
        {"changes": changed},
    )
