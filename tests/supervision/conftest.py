"""A municipality with providers, citizens with granted help, and a supervisor."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from selvvisitation.domain.types import Frequency, ProviderKind, StaffRole


def provider_with_citizens(factories, municipality, *, count: int, **provider_kwargs):
    """A provider whose citizens are granted 30, 60, 90 ... minutes a week (twice 15, 30 ...)."""
    provider = factories.Provider(municipality=municipality, **provider_kwargs)
    team = factories.Team(provider=provider)
    citizens = []
    for index in range(count):
        citizen = factories.Citizen(
            municipality=municipality, team=team, provider=provider, name=f"Borger {index + 1:02d}"
        )
        factories.GrantedService(
            decision=factories.Decision(citizen=citizen),
            minutes_per_delivery=15 * (index + 1),
            frequency=Frequency.WEEKLY,
            weekdays="0,3",
        )
        citizens.append(citizen)
    return provider, citizens


@pytest.fixture
def world(factories):
    municipality = factories.Municipality()
    home_care, citizens = provider_with_citizens(
        factories, municipality, count=12, name="Hjemmeplejen Syd", kind=ProviderKind.MUNICIPAL
    )
    small, small_citizens = provider_with_citizens(
        factories,
        municipality,
        count=2,
        name="Lille Rengøring ApS",
        kind=ProviderKind.PRIVATE,
        offers_personal_care=False,
    )
    other = factories.Municipality()
    foreign, _ = provider_with_citizens(factories, other, count=3, name="Anden Kommunes Pleje")
    return SimpleNamespace(
        municipality=municipality,
        provider=home_care,
        citizens=citizens,
        small=small,
        small_citizens=small_citizens,
        foreign=foreign,
        supervisor=factories.StaffUser(municipality=municipality, role=StaffRole.SUPERVISOR),
        visitator=factories.StaffUser(municipality=municipality, role=StaffRole.VISITATOR),
        worker=factories.StaffUser(municipality=municipality, role=StaffRole.HOME_CARE_WORKER),
        foreign_supervisor=factories.StaffUser(municipality=other, role=StaffRole.SUPERVISOR),
    )
