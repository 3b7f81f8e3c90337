"""factory_boy factories bound to the Flask-SQLAlchemy session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory
import pytest
from factory.alchemy import SQLAlchemyModelFactory

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import (
    ConsentBasis,
    ConsentScope,
    Frequency,
    LegalBasis,
    PriorityKind,
    ProviderKind,
    RelationKind,
    ServiceCategory,
    StaffRole,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    CareProgramme,
    CareProgrammeElement,
    Citizen,
    Consent,
    Decision,
    GrantedElement,
    GrantedService,
    Municipality,
    MunicipalityPolicy,
    PriorityExample,
    Provider,
    Relative,
    Service,
    StaffUser,
    Team,
    Visit,
    VisitElement,
    VisitPriority,
    VisitService,
)
from selvvisitation.security.passwords import hash_password

TEST_PASSWORD = "korrekt-hest-batteri-9"
_PASSWORD_HASH = hash_password(TEST_PASSWORD)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class MunicipalityFactory(Base):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"{700 + n}")
    name = factory.Sequence(lambda n: f"Testby Kommune {n}")
    visitation_phone = "70 10 20 30"
    policy = factory.LazyFunction(MunicipalityPolicy)


class ProviderFactory(Base):
    class Meta:
        model = Provider

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Hjemmeplejen {n}")
    kind = ProviderKind.MUNICIPAL


class TeamFactory(Base):
    class Meta:
        model = Team

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class ServiceFactory(Base):
    class Meta:
        model = Service

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"SRV-{n}")
    name_da = factory.Sequence(lambda n: f"Ydelse {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    category = ServiceCategory.PRACTICAL_HELP
    default_minutes = 30


class CitizenFactory(Base):
    class Meta:
        model = Citizen

    municipality = factory.SubFactory(MunicipalityFactory)
    cpr = factory.Sequence(lambda n: f"{(n % 28) + 1:02d}0145{n % 4000:04d}")
    name = factory.Sequence(lambda n: f"Borger {n}")
    team = factory.SubFactory(
        TeamFactory, provider__municipality=factory.SelfAttribute("...municipality")
    )
    provider = factory.SelfAttribute("team.provider")


class RelativeFactory(Base):
    class Meta:
        model = Relative

    name = factory.Sequence(lambda n: f"Pårørende {n}")


class ConsentFactory(Base):
    class Meta:
        model = Consent

    citizen = factory.SubFactory(CitizenFactory)
    relative = factory.SubFactory(RelativeFactory)
    relative_name = factory.SelfAttribute("relative.name")
    relation = RelationKind.CHILD
    scope = ConsentScope.ACT
    basis = ConsentBasis.WRITTEN
    valid_from = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=1))


class StaffUserFactory(Base):
    class Meta:
        model = StaffUser

    municipality = factory.SubFactory(MunicipalityFactory)
    username = factory.Sequence(lambda n: f"bruger{n}")
    name = factory.Sequence(lambda n: f"Medarbejder {n}")
    role = StaffRole.VISITATOR
    password_hash = _PASSWORD_HASH
    session_nonce = factory.Sequence(lambda n: f"nonce-{n}")


class DecisionFactory(Base):
    class Meta:
        model = Decision

    citizen = factory.SubFactory(CitizenFactory)
    version = 1
    valid_from = factory.LazyFunction(lambda: local_today() - timedelta(days=60))


class GrantedServiceFactory(Base):
    class Meta:
        model = GrantedService

    decision = factory.SubFactory(DecisionFactory)
    service = factory.SubFactory(
        ServiceFactory, municipality=factory.SelfAttribute("..decision.citizen.municipality")
    )
    minutes_per_delivery = 30
    frequency = Frequency.WEEKLY
    weekdays = "0"
    time_of_day = "day"
    start_date = factory.LazyFunction(lambda: local_today() - timedelta(days=60))


class VisitFactory(Base):
    class Meta:
        model = Visit

    citizen = factory.SubFactory(CitizenFactory)
    team = factory.SelfAttribute("citizen.team")
    day = factory.LazyFunction(local_today)
    starts_at = factory.LazyAttribute(
        lambda o: datetime(o.day.year, o.day.month, o.day.day, 8, 0, tzinfo=UTC)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=60))
    time_frame_minutes = 60


class VisitServiceFactory(Base):
    class Meta:
        model = VisitService

    visit = factory.SubFactory(VisitFactory)
    service = factory.SubFactory(
        ServiceFactory, municipality=factory.SelfAttribute("..visit.citizen.municipality")
    )
    planned_minutes = 30


# FSIII "Ældrelovsindsats": Personlig hjælp og pleje (kl.dk.fhir.term 2.3.0, CodeSystem-FSIII.json).
FSIII_PERSONAL_CARE = "8dc5f564-b8c6-4aa1-ba34-682d62d15f31"


class CareProgrammeFactory(Base):
    class Meta:
        model = CareProgramme

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"FORLOB-{n}")
    name_da = factory.Sequence(lambda n: f"Forløb {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    description_da = "Hjælp i hverdagen"
    description_en = "Help in everyday life"


class CareProgrammeElementFactory(Base):
    class Meta:
        model = CareProgrammeElement

    programme = factory.SubFactory(CareProgrammeFactory)
    fsiii_code = FSIII_PERSONAL_CARE
    name_da = factory.Sequence(lambda n: f"Element {n}")
    name_en = factory.Sequence(lambda n: f"Element {n}")
    position = factory.Sequence(lambda n: n)


class PriorityExampleFactory(Base):
    class Meta:
        model = PriorityExample

    municipality = factory.SubFactory(MunicipalityFactory)
    text_da = "En kop kaffe og en snak"
    text_en = "A cup of coffee and a chat"
    position = factory.Sequence(lambda n: n)


class AelDecisionFactory(DecisionFactory):
    """A decision under Ældreloven granting one forløb (DOMAIN.md "Ældreloven")."""

    legal_basis = LegalBasis.AEL
    care_programme = factory.SubFactory(
        CareProgrammeFactory, municipality=factory.SelfAttribute("..citizen.municipality")
    )
    goals = "Jeg vil klare mig selv i køkkenet."
    visit_frequency_text = "Hver morgen"


class GrantedElementFactory(Base):
    class Meta:
        model = GrantedElement

    decision = factory.SubFactory(AelDecisionFactory)
    element = factory.SubFactory(
        CareProgrammeElementFactory, programme=factory.SelfAttribute("..decision.care_programme")
    )
    meaning = "Hjælp til bad to gange om ugen"


class VisitElementFactory(Base):
    class Meta:
        model = VisitElement

    visit = factory.SubFactory(VisitFactory)
    element = factory.SubFactory(CareProgrammeElementFactory)


class VisitPriorityFactory(Base):
    class Meta:
        model = VisitPriority

    citizen = factory.SubFactory(CitizenFactory)
    reference = factory.Sequence(lambda n: f"PRI-{100000 + n}")
    kind = PriorityKind.OWN_WORDS
    text = "En gåtur"


@pytest.fixture
def factories():
    """All factories in one namespace: `factories.Citizen(...)`."""

    class _Factories:
        Municipality = MunicipalityFactory
        Provider = ProviderFactory
        Team = TeamFactory
        Service = ServiceFactory
        Citizen = CitizenFactory
        Relative = RelativeFactory
        Consent = ConsentFactory
        StaffUser = StaffUserFactory
        Decision = DecisionFactory
        GrantedService = GrantedServiceFactory
        Visit = VisitFactory
        VisitService = VisitServiceFactory
        CareProgramme = CareProgrammeFactory
        CareProgrammeElement = CareProgrammeElementFactory
        PriorityExample = PriorityExampleFactory
        AelDecision = AelDecisionFactory
        GrantedElement = GrantedElementFactory
        VisitElement = VisitElementFactory
        VisitPriority = VisitPriorityFactory

    return _Factories
