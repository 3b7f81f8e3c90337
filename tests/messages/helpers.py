"""A citizen in a team, a relative with consent, and the staff who answer her messages."""

from __future__ import annotations

from dataclasses import dataclass

from selvvisitation.domain.types import ConsentScope, StaffRole


@dataclass
class MessageScene:
    citizen: object
    relative: object
    worker: object
    leader: object
    visitator: object
    other_worker: object


def message_scene(factories, *, scope: ConsentScope = ConsentScope.ACT) -> MessageScene:
    team = factories.Team(name="Team Nord", phone="76 16 50 00")
    municipality = team.provider.municipality
    citizen = factories.Citizen(name="Inger Jensen", municipality=municipality, team=team)
    relative = factories.Relative(name="Mette Jensen")
    factories.Consent(citizen=citizen, relative=relative, scope=scope)
    other_team = factories.Team(name="Team Syd", provider=team.provider)
    return MessageScene(
        citizen=citizen,
        relative=relative,
        worker=factories.StaffUser(
            name="Anna Holm",
            role=StaffRole.HOME_CARE_WORKER,
            municipality=municipality,
            provider=team.provider,
            team=team,
        ),
        leader=factories.StaffUser(
            name="Bo Lund",
            role=StaffRole.TEAM_LEADER,
            municipality=municipality,
            provider=team.provider,
            team=team,
        ),
        visitator=factories.StaffUser(
            name="Vera Krogh", role=StaffRole.VISITATOR, municipality=municipality
        ),
        other_worker=factories.StaffUser(
            name="Ole Sand",
            role=StaffRole.HOME_CARE_WORKER,
            municipality=municipality,
            provider=team.provider,
            team=other_team,
        ),
    )
