"""Speak to the relative as a relative (issue 12, item 6): a relative acting for Inger Jensen
reads about Inger Jensen by name, in the Danish genitive ("Inger Jensens hjælp"), never "din
hjælp", "Det er du bevilget" or "Se min hjælp"; the citizen herself still reads "du"."""

from __future__ import annotations

import re

import pytest

from selvvisitation.domain.types import ConsentScope
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)

PAGES = [
    "citizen.index",
    "citizen.calendar",
    "citizen.my_requests",
    "citizen.conversation",
    "citizen.messages",
    "citizen.cases",
]
# Second-person words about the citizen's own help, visits and requests.
ABOUT_HER_AS_YOU = re.compile(
    r"\b(din hjælp|dine besøg|dit bytte|dine sager|du er bevilget|du bevilget|"
    r"min hjælp|mine besøg|mine ønsker|dit hjemmeplejeteam|dine afgørelsesbreve)\b",
    re.IGNORECASE,
)


@pytest.fixture
def relative(factories, household):
    consent = factories.Consent(
        citizen=household.citizen,
        scope=ConsentScope.ACT,
        relative=factories.Relative(name="Susanne Jensen"),
    )
    return consent.relative


def main_text(soup) -> str:
    return " ".join(soup.select_one("main").get_text(" ", strip=True).split())


@pytest.mark.parametrize("endpoint", PAGES)
def test_a_relative_reads_about_the_citizen_by_name(client, page, household, relative, endpoint):
    sign_in_relative(client, relative, household.citizen)
    text = main_text(page.get(endpoint))
    assert not ABOUT_HER_AS_YOU.findall(text), text
    assert "Inger Jensens" in text  # the Danish genitive, not "Inger Jensen's"


def test_the_relatives_menu_and_greeting_name_the_citizen(client, page, household, relative):
    sign_in_relative(client, relative, household.citizen)
    soup = page.get("citizen.conversation")
    assert soup.select_one("h1").get_text(strip=True) == "Spørg om Inger Jensens hjælp"
    replies = [label.get_text(strip=True) for label in soup.select("#answer label")]
    assert "Se Inger Jensens hjælp og næste besøg" in replies
    assert "Bed om at få Inger Jensens hjælp vurderet igen" in replies
    assert "Goddag. Jeg kan hjælpe dig med Inger Jensens hjemmehjælp." in main_text(soup)


@pytest.mark.parametrize("endpoint", ["citizen.index", "citizen.conversation"])
def test_the_citizen_herself_still_reads_you(client, page, household, endpoint):
    sign_in_citizen(client, household.citizen)
    text = main_text(page.get(endpoint))
    assert ABOUT_HER_AS_YOU.search(text)
    assert "Inger Jensens" not in text
