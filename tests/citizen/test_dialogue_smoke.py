import pytest

from tests.citizen.dialogue_helpers import say
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def test_conversation_page_greets_the_citizen(client, page, household):
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    question = soup.select_one("#current-question").get_text(strip=True)
    assert question == "Hvad vil du have hjælp til?"


def test_the_page_gives_its_script_the_title_with_and_without_an_error(client, page, household):
    """With JavaScript on, an answer refused updates the page in place: dialogue.js sets
    the title from these, so "Fejl: " comes first exactly as on a page sent after an error."""
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    chat = soup.select_one('[data-module="dialogue"]')
    title = soup.title.get_text()
    assert title.startswith("Spørg om din hjælp – Fleksibel hjemmehjælp")
    assert chat["data-title"] == title
    assert chat["data-error-title"] == "Fejl: " + title
    refused = say(page, household.citizen, expected_status=200, answer="")  # an empty answer
    assert check_page(refused.get_data(as_text=True)).title.get_text() == "Fejl: " + title
