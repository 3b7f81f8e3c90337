"""The dialogue and the messages fit together (issue 14): asking to talk to a person (the
CALL_BACK intent, which starts "Ring mig op", issue 13) or about one's rights leads to the
phone number and to the messages;
swaps and wishes stay in the dialogue, where the rules check them."""

from __future__ import annotations

import pytest

from tests.citizen.conftest import household  # noqa: F401  # the dialogue's own fixture
from tests.citizen.dialogue_helpers import say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def test_asking_to_talk_to_a_person_offers_a_message_to_the_visitation_or_team(
    client,
    page,
    household,  # noqa: F811
):
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, text="Jeg vil gerne tale med et menneske")
    link = page.get("citizen.conversation").select_one("#chat-log .app-write-link a")
    assert link["href"] == "/borger/beskeder"
    assert link.get_text(strip=True) == (
        "Du kan også skrive en besked til visitationen eller dit hjemmeplejeteam."
    )


def test_the_messages_page_sends_swaps_and_wishes_to_the_dialogue(client, page, household):  # noqa: F811
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.messages")
    assert soup.select_one("#main-content a[href='/borger/samtale']") is not None
