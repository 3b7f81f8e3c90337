"""The short list of replacements (issue 12, item 3): "Hvad vil du have i stedet?" shows what
fits in the freed time first, her own earlier choices before the municipality's most used,
and "Vis flere" keeps what she ticked and shows the whole list grouped by category. The
short list only orders; what may be chosen is still DOMAIN.md rules 2, 9 and 10."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from selvvisitation.domain.replacement_choices import SHORT_LIST_SIZE
from selvvisitation.domain.types import ActorKind, ServiceCategory, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import SwapLine, SwapRequest
from selvvisitation.models.base import utcnow
from selvvisitation.services.replacement_history import choice_history_for
from tests.citizen.dialogue_helpers import current, message_count, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
REFERENCES = itertools.count(1)


@pytest.fixture
def extras(factories, household):
    """Ten more practical tasks of ten minutes: all fit in the 20 minutes vacuuming frees."""
    return [
        factories.Service(
            municipality=household.citizen.municipality,
            code=f"PR-EKSTRA-{n}",
            name_da=f"Opgave {n}",
            name_en=f"Task {n}",
            category=ServiceCategory.PRACTICAL_HELP,
            default_minutes=10,
        )
        for n in range(10)
    ]


def chose(citizen, service, *, status=SwapStatus.ACCEPTED, when=None):
    """A swap ``citizen`` sent earlier, adding ``service``."""
    when = when or utcnow() - timedelta(days=3)  # within the year the view looks back
    swap = SwapRequest(
        reference=f"BYT-{next(REFERENCES)}",
        citizen=citizen,
        status=status,
        created_by_kind=ActorKind.CITIZEN,
        period_start=when.date(),
        period_end=when.date(),
        created_at=when,
    )
    swap.lines = [SwapLine(kind="add", service=service, minutes=service.default_minutes)]
    db.session.add(swap)
    db.session.commit()
    return swap


def reach_what_instead(page, household) -> BeautifulSoup:
    page.get("citizen.conversation")
    for answer in ("swap", "visit", str(household.visit.id), "PR-STOEVSUG"):
        say(page, household.citizen, answer=answer)
    return page.get("citizen.conversation")


def offered(soup: BeautifulSoup) -> list[str]:
    return [box["value"] for box in soup.select("#answer input[type=checkbox]")]


def test_a_short_list_first_with_her_own_earlier_choice_on_top(
    client, page, household, extras, factories
):
    neighbour = factories.Citizen(municipality=household.citizen.municipality)
    chose(neighbour, extras[7])
    chose(neighbour, extras[7])
    chose(household.citizen, extras[4])
    sign_in_citizen(client, household.citizen)
    soup = reach_what_instead(page, household)
    shown = offered(soup)
    assert len(shown) == SHORT_LIST_SIZE
    assert shown[:2] == ["PR-EKSTRA-4", "PR-EKSTRA-7"]
    assert "PR-STOEVSUG" not in shown  # never the dropped service as its own replacement
    more = soup.select_one("button[name=more]")
    # 11 fit (the walk and the ten tasks) and the bath does not: 12 choices, 6 shown.
    assert more.get_text(strip=True) == "Vis flere muligheder (6 mere)"
    assert more.find_parent("form")["action"].endswith("/samtale/svar")


def test_vis_flere_keeps_her_ticks_shows_all_by_category_and_stores_nothing(
    client, page, household, extras
):
    sign_in_citizen(client, household.citizen)
    reach_what_instead(page, household)
    before = current(household.citizen)
    turn, step, messages = before.turn, before.step, message_count()
    response = say(page, household.citizen, expected_status=200, answer="PR-EKSTRA-0", more="1")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert sorted(offered(soup)) == sorted(
        ["FL-GAATUR", "PP-BAD", *(f"PR-EKSTRA-{n}" for n in range(10))]
    )
    assert soup.select_one("#answer input[value=PR-EKSTRA-0]").has_attr("checked")
    assert [h.get_text(strip=True) for h in soup.select("#answer .app-option-group")] == [
        "Personlig pleje",
        "Praktisk hjælp",
    ]
    assert soup.select_one("button[name=more]") is None
    after = current(household.citizen)
    assert (after.turn, after.step, message_count()) == (turn, step, messages)
    # The whole list answers as the short one did.
    say(page, household.citizen, answer=["PR-EKSTRA-0", "FL-GAATUR"])
    added = [line["code"] for line in current(household.citizen).state["data"]["add"]]
    assert added == ["FL-GAATUR", "PR-EKSTRA-0"]


def test_a_short_catalogue_is_shown_whole(client, page, household):
    """Only the walk (20 minutes, fits) and the bath (30) are on offer: both are shown, the
    one that fits first, and there is nothing more to show."""
    sign_in_citizen(client, household.citizen)
    soup = reach_what_instead(page, household)
    assert offered(soup) == ["FL-GAATUR", "PP-BAD"]
    assert soup.select_one("button[name=more]") is None


def test_history_counts_a_year_of_this_municipalitys_swaps_and_not_those_taken_back(
    household, extras, factories
):
    citizen = household.citizen
    other_town = factories.Citizen()
    stranger_service = factories.Service(municipality=other_town.municipality, code="X-1")
    chose(citizen, extras[1], when=NOW - timedelta(days=30))
    chose(citizen, extras[2], when=NOW - timedelta(days=2))
    chose(citizen, extras[3], status=SwapStatus.WITHDRAWN)
    chose(citizen, extras[4], when=NOW - timedelta(days=400))
    for _ in range(3):
        chose(other_town, stranger_service)
        chose(factories.Citizen(municipality=citizen.municipality), extras[5])
    history = choice_history_for(db.session, citizen, now=NOW)
    assert history.own == ("PR-EKSTRA-2", "PR-EKSTRA-1")  # the latest first
    assert history.popular == ("PR-EKSTRA-5", "PR-EKSTRA-1", "PR-EKSTRA-2")
