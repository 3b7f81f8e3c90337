"""A citizen adding a relative by CPR number learns nothing about that number (issue 15,
High 1; ASVS 4.0.3 V4.2.1, V8.3).

The name she sees is the one she typed, never a name another citizen gave the same
number; the answer is the same whether the number is known or not; and how many
relatives can be added in a period is limited per session and per citizen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import Consent, Relative
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import current, errors, say
from tests.pages import sign_in_citizen

CPR = "0101701234"
STORED = "Hemmelig Hansen"  # the name another citizen gave the same CPR number


def path(name: str, cpr: str = "010170-1234") -> tuple[tuple[str, str], ...]:
    return (
        ("answer", "consent"),
        ("answer", "new"),
        ("text", name),
        ("answer", "child"),
        ("text", cpr),
        ("answer", "act"),
        ("answer", "today"),
        ("answer", "none"),
    )


def add_relative(page, citizen, name: str, cpr: str = "010170-1234", expected_status=302):
    page.get("citizen.conversation")
    for field, value in path(name, cpr):
        say(page, citizen, **{field: value})
    return say(page, citizen, expected_status=expected_status, answer="save")


def log_text(page) -> str:
    return page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)


def consents_listed(page, citizen) -> str:
    say(page, citizen, answer="consent")
    return log_text(page).split("Pårørende og samtykke")[-1]


def test_the_answer_is_the_same_whether_the_cpr_number_is_known_or_not(client, page, factories):
    first, second = build_household(factories), build_household(factories)
    sign_in_citizen(client, first.citizen)
    add_relative(page, first.citizen, "Anna Andersen")  # the number is new here
    unknown = log_text(page)

    sign_in_citizen(client, second.citizen)
    add_relative(page, second.citizen, "Bente Berg")  # the number is known now
    known = log_text(page)

    assert known == unknown.replace("Anna Andersen", "Bente Berg")
    assert db.session.scalar(select(func.count()).select_from(Relative)) == 1  # one person


@pytest.fixture
def known(factories) -> Relative:
    """Another citizen's relative, under the name that citizen gave."""
    relative = factories.Relative(name=STORED, cpr=CPR)
    factories.Consent(relative=relative)
    db.session.commit()
    return relative


def test_a_citizen_sees_only_the_name_she_typed_for_a_known_cpr_number(
    client, page, household, known
):
    sign_in_citizen(client, household.citizen)

    add_relative(page, household.citizen, "Min datter Mette")

    listed = consents_listed(page, household.citizen)
    assert "Min datter Mette (barn)" in listed
    assert STORED not in page.get("citizen.conversation").get_text()
    # The other citizen's relative keeps the name that citizen gave.
    assert db.session.scalars(select(Relative.name)).one() == STORED


def test_what_the_relative_did_is_shown_under_the_name_the_citizen_typed(
    client, page, household, known
):
    sign_in_citizen(client, household.citizen)
    add_relative(page, household.citizen, "Min datter Mette")
    # The relative, signed in with MitID, asks for something on the citizen's behalf.
    audit.record(
        "swap_requested",
        citizen=household.citizen,
        object_type="SwapRequest",
        object_id=1,
        purpose="on_behalf_of_citizen",
        actor=Actor(kind=ActorKind.RELATIVE, relative=known, subject=household.citizen),
    )
    db.session.commit()

    access_log = page.get("citizen.access_log_page").select_one("main").get_text(" ")
    assert "Min datter Mette" in access_log and STORED not in access_log
    assert STORED not in page.get("citizen.conversation").get_text()


def test_a_relative_already_on_the_list_is_named_as_the_citizen_typed_it(
    client, page, household, known
):
    sign_in_citizen(client, household.citizen)
    add_relative(page, household.citizen, "Mette")

    steps = path("Mette igen")
    for field, value in steps[:4]:
        say(page, household.citizen, **{field: value})
    response = say(page, household.citizen, expected_status=200, **dict([steps[4]]))

    assert errors(response) == [
        'Mette er allerede på din liste over pårørende. Du kan ændre samtykket under "Pårørende '
        'og samtykke"'
    ]


# --- How many relatives can be added in a period --------------------------------------------

CPRS = [f"0{n}0170-1234" for n in range(1, 10)]
TOO_MANY = (
    "Du har tilføjet mange pårørende på kort tid. Prøv igen i morgen, eller ring til kommunen"
)


def consents_of(citizen) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Consent).where(Consent.citizen_id == citizen.id)
    )


@pytest.fixture
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "RELATIVES_ADDED_PER_SESSION", 2)
    monkeypatch.setitem(app.config, "RELATIVES_ADDED_PER_CITIZEN", 3)
    monkeypatch.setitem(app.config, "RELATIVES_ADDED_WINDOW_HOURS", 24)


def test_one_session_can_add_only_so_many_relatives(client, page, household, limits):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    for cpr in CPRS[:2]:
        add_relative(page, citizen, "Mette", cpr)

    response = add_relative(page, citizen, "Mette", CPRS[2], expected_status=200)

    assert errors(response) == [TOO_MANY]
    assert consents_of(citizen) == 2


def test_a_citizen_can_add_only_so_many_relatives_a_day_over_all_her_sessions(
    client, page, household, limits
):
    citizen = household.citizen
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        for session_cprs in (CPRS[:2], CPRS[2:3]):
            sign_in_citizen(client, citizen)  # a new session each time
            for cpr in session_cprs:
                add_relative(page, citizen, "Mette", cpr)
        sign_in_citizen(client, citizen)

        response = add_relative(page, citizen, "Mette", CPRS[3], expected_status=200)

        assert errors(response) == [TOO_MANY]
        assert consents_of(citizen) == 3
        # A day later she may add again.
        clock.move_to(start + timedelta(hours=24, minutes=1))
        sign_in_citizen(client, citizen)
        page.get("citizen.conversation")  # drops the CPR number typed a day ago
        page.post("citizen.conversation_restart", {"turn": str(current(citizen).turn)})
        add_relative(page, citizen, "Mette", CPRS[3])
        assert consents_of(citizen) == 4


def test_the_limit_is_checked_before_the_number_is_looked_up(
    client, page, household, known, limits
):
    """Past the limit a known and an unknown number get the same refusal."""
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    for cpr in CPRS[1:3]:
        add_relative(page, citizen, "Mette", cpr)
    for cpr in ("010170-1234", CPRS[4]):
        response = add_relative(page, citizen, "Mette", cpr, expected_status=200)
        assert errors(response) == [TOO_MANY]
        page.post("citizen.conversation_restart", {"turn": str(current(citizen).turn)})
