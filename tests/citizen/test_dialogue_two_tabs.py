"""A relative with consent for two citizens, one tab each: an answer given in the tab
showing citizen A never goes to citizen B's conversation (issue 15, Medium 5; ASVS 4.0.3
V4.2.1). The forms carry the citizen's id; a mismatch is refused (security.acting_for)
and the relative lands on the current citizen's conversation, with a message that names
the citizen the page was for. The other forms of the citizen side: test_two_tabs.py."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import select

from selvvisitation.citizen.dialogue_views import HISTORY_MOST, HISTORY_SHOWN
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import Conversation
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import history_of, message_count, say
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def two_citizens(factories):
    first, second = build_household(factories), build_household(factories)
    first.citizen.name, second.citizen.name = "Inger Jensen", "Karl Hansen"
    relative = factories.Relative(name="Susanne Jensen")
    for household in (first, second):
        factories.Consent(citizen=household.citizen, relative=relative, scope=ConsentScope.ACT)
    db.session.commit()
    return first.citizen, second.citizen, relative


def form_of(page, endpoint: str) -> dict[str, str]:
    """The hidden fields of the form posting to the endpoint, as the open tab holds them."""
    soup = page.get("citizen.conversation")
    form = soup.select_one(f"form[action='{url_for(endpoint)}']")
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def choose(client, relative, citizen) -> None:
    with client.session_transaction() as session:
        session["subject_id"] = citizen.id
    assert relative is not None


def conversation_of(citizen) -> Conversation:
    db.session.expire_all()
    return db.session.scalars(
        select(Conversation).where(Conversation.citizen_id == citizen.id)
    ).one()


def test_an_answer_from_the_other_citizens_tab_is_refused_and_names_that_citizen(
    client, page, two_citizens
):
    inger, karl, relative = two_citizens
    sign_in_relative(client, relative, karl)
    page.get("citizen.conversation")  # Karl's conversation is open in one tab
    sign_in_relative(client, relative, inger)
    tab_for_inger = form_of(page, "citizen.conversation_answer")
    choose(client, relative, karl)  # ...and in the other tab she chose Karl
    before = (message_count(), conversation_of(karl).turn)

    response = page.post("citizen.conversation_answer", {**tab_for_inger, "answer": "swap"})

    assert response.location == url_for("citizen.conversation")
    assert flashed(client) == [
        "Siden var til Inger Jensen, men du handler nu for Karl Hansen, så intet blev gemt. "
        "Her er samtalen med Karl Hansen. Vælg Inger Jensen igen for at svare for vedkommende."
    ]
    assert (message_count(), conversation_of(karl).turn) == before


@pytest.mark.parametrize("endpoint", ["citizen.conversation_back", "citizen.conversation_restart"])
def test_going_back_or_starting_over_from_the_other_tab_changes_nothing(
    client, page, two_citizens, endpoint
):
    inger, karl, relative = two_citizens
    sign_in_relative(client, relative, karl)
    page.get("citizen.conversation")
    sign_in_relative(client, relative, inger)
    page.get("citizen.conversation")
    say(page, inger, answer="swap")  # a step in: the first step has no "back" (issue 12)
    tab_for_inger = form_of(page, endpoint)
    choose(client, relative, karl)
    before = (message_count(), conversation_of(karl).turn)

    page.post(endpoint, tab_for_inger)

    assert (message_count(), conversation_of(karl).turn) == before
    assert flashed(client)[0].startswith("Siden var til Inger Jensen")


def test_with_javascript_the_answer_from_the_other_tab_is_sent_to_the_current_conversation(
    client, page, two_citizens
):
    """dialogue.js asks for JSON: it is told where to go, and the page there says why."""
    inger, karl, relative = two_citizens
    sign_in_relative(client, relative, karl)
    page.get("citizen.conversation")
    sign_in_relative(client, relative, inger)
    tab_for_inger = form_of(page, "citizen.conversation_answer")
    choose(client, relative, karl)
    before = message_count()

    response = client.post(
        url_for("citizen.conversation_answer"),
        data={**tab_for_inger, "answer": "swap", "csrf_token": csrf_token(client)},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.get_json() == {"ok": True, "redirect": url_for("citizen.conversation")}
    assert flashed(client)[0].startswith("Siden var til Inger Jensen")
    assert message_count() == before


def flashed(client) -> list[str]:
    """The messages at the top of the page the refused form lands on."""
    shown = BeautifulSoup(client.get("/borger/samtale").get_data(as_text=True), "html.parser")
    return [m.get_text(" ", strip=True) for m in shown.select(".app-flash")]


def test_a_citizen_posting_another_id_is_refused_without_a_name(client, page, two_citizens):
    inger, karl, _relative = two_citizens
    sign_in_citizen(client, karl)
    fields = form_of(page, "citizen.conversation_answer")
    before = message_count()
    page.post("citizen.conversation_answer", {**fields, "citizen": str(inger.id), "answer": "swap"})
    assert flashed(client) == [
        "Siden var til en anden person, så intet blev gemt. Her er samtalen med Karl Hansen."
    ]
    assert message_count() == before


@pytest.mark.parametrize(
    ("posted", "kept"),
    [(str(2 * HISTORY_SHOWN), str(2 * HISTORY_SHOWN)), ("99999", str(HISTORY_MOST)), ("abc", None)],
)
def test_the_answer_from_the_other_tab_lands_with_the_earlier_messages_she_opened(
    client, page, two_citizens, posted, kept
):
    """Issue 17: without JavaScript the conversation's forms carry ?vis= back (the earlier
    messages she opened with "Vis tidligere beskeder"); a form refused as another
    citizen's lands on the conversation with them still shown, clamped as the page's ?vis=
    is, as an answer that is not refused does."""
    inger, karl, relative = two_citizens
    sign_in_relative(client, relative, karl)
    page.get("citizen.conversation")
    history_of(karl, 100)
    sign_in_relative(client, relative, inger)
    page.get("citizen.conversation")
    history_of(inger, 100)
    expanded = page.get_url(f"/borger/samtale?vis={2 * HISTORY_SHOWN}")
    form = expanded.select_one(f"form[action='{url_for('citizen.conversation_answer')}']")
    tab_for_inger = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert tab_for_inger["vis"] == str(2 * HISTORY_SHOWN)
    choose(client, relative, karl)

    response = page.post(
        "citizen.conversation_answer", {**tab_for_inger, "vis": posted, "answer": "swap"}
    )

    assert response.location == url_for("citizen.conversation", vis=kept)
    assert flashed(client)[0].startswith("Siden var til Inger Jensen")
