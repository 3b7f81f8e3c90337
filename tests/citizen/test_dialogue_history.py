"""The conversation page shows the latest messages, and a plain link shows earlier ones.

Issue 17: "a turn's cost must not grow with the length of the history". A conversation is
never closed, so the full page (GET /borger/samtale) read and rendered every message it
ever held: 5,000 for a demo citizen. It now reads the latest HISTORY_SHOWN in one bounded
statement; "Vis tidligere beskeder" is an ordinary link (WCAG 2.1 SC 2.1.1 Keyboard, and
it works without JavaScript) whose words say where it goes (SC 2.4.4 Link Purpose), to
the same page with more of the history, back at the message shown first before (SC 2.4.3
Focus Order: the fragment moves the reading and focus start there, not to the top).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from selvvisitation.citizen.dialogue_views import HISTORY_MOST, HISTORY_SHOWN
from selvvisitation.extensions import db
from tests.citizen.dialogue_helpers import counted, history_of, say
from tests.clock import MONDAY
from tests.pages import sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def _log(soup: BeautifulSoup) -> list[str]:
    """The messages above the question, as read: one line per message."""
    return [li.get_text(" ", strip=True) for li in soup.select("#chat-log > li.app-msg")]


def _earlier(soup: BeautifulSoup):
    return soup.select_one(".app-chat-earlier a")


def _full_page(client, household, messages: int) -> dict:
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")  # opens the conversation at the menu
    history_of(household.citizen, messages)
    client.get("/borger/samtale")  # warm: the first request loads what every one does
    db.session.expire_all()
    with counted() as seen:
        response = client.get("/borger/samtale")
    assert response.status_code == 200
    seen["rendered"] = len(_log(BeautifulSoup(response.get_data(as_text=True), "html.parser")))
    return seen


def test_the_full_page_costs_the_same_after_500_messages_as_after_10(app, factories):
    """Issue 17: the page she waits for reads and renders the latest messages only, in the
    same statements, however long the conversation has grown."""
    from tests.citizen.conftest import build_household
    from tests.conftest import _clean_tables

    short = _full_page(app.test_client(), build_household(factories), 10)
    _clean_tables()
    long = _full_page(app.test_client(), build_household(factories), 500)

    assert long["statements"] == short["statements"], (short, long)
    # One more row than shown: whether there are older ones to link to.
    assert short["messages_loaded"] <= long["messages_loaded"] <= HISTORY_SHOWN + 1, long
    assert short["rendered"] <= long["rendered"] <= HISTORY_SHOWN, long


def test_a_short_conversation_has_no_link_to_earlier_messages(client, page, household):
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    assert _log(soup), "the greeting is shown"
    assert soup.select_one(".app-chat-earlier") is None


def test_the_link_shows_the_earlier_messages_and_lands_where_she_was(client, page, household):
    """Issue 17, WCAG 2.1 SC 2.4.3 and 2.4.4: a real link in plain Danish, and the page it
    opens goes to the message that was first, with the earlier ones above it."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    history_of(household.citizen, 100)  # with the greeting and the menu: 102 messages
    soup = page.get("citizen.conversation")
    shown = _log(soup)
    assert len(shown) == HISTORY_SHOWN and shown[-1] == "Assistent: Tidligere besked 99"
    link = _earlier(soup)
    assert link.get_text(strip=True) == "Vis tidligere beskeder"
    first = soup.select_one("#chat-log > li.app-msg")
    assert link["href"] == f"/borger/samtale?vis={2 * HISTORY_SHOWN}#{first['id']}"

    more = page.get_url(link["href"])
    shown_more = _log(more)
    assert len(shown_more) == 2 * HISTORY_SHOWN
    assert shown_more[-HISTORY_SHOWN:] == shown, "what she saw, below the earlier messages"
    assert more.select_one(f"#{first['id']}") is not None, "where the link lands"
    assert more.select_one("#current-question") is not None, "the question still at the end"

    everything = page.get_url(_earlier(more)["href"])
    assert _log(everything)[0].startswith("Assistent: Goddag."), "from the greeting on"
    assert "Assistent: Tidligere besked 0" in _log(everything)
    assert everything.select_one(".app-chat-earlier") is None, "nothing older is left"


@pytest.mark.parametrize(
    "value", ["", "abc", "-5", "0", "1e3", "80.5", "99999999999999999999999999", "%00"]
)
def test_a_strange_value_for_vis_gives_the_ordinary_page(client, page, household, value):
    """Issue 17: ?vis= is clamped, never an error, and never more than HISTORY_MOST."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    history_of(household.citizen, 60)
    soup = page.get_url(f"/borger/samtale?vis={value}")
    assert HISTORY_SHOWN <= len(_log(soup)) <= HISTORY_MOST
    assert soup.select_one("#current-question") is not None


def test_the_most_a_page_shows_is_bounded_and_says_where_the_rest_is(client, page, household):
    """Issue 17: no value of ?vis= reads the whole history; what is left out is in her data
    (an export is complete: the right of access, GDPR art. 15)."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    history_of(household.citizen, HISTORY_MOST + 20)
    db.session.expire_all()
    with counted() as seen:
        soup = page.get_url(f"/borger/samtale?vis={10 * HISTORY_MOST}")
    assert len(_log(soup)) == HISTORY_MOST
    assert seen["messages_loaded"] == HISTORY_MOST + 1
    assert soup.select_one(".app-chat-earlier a[href*='vis=']") is None
    note = soup.select_one(".app-chat-earlier")
    assert note.get_text(" ", strip=True) == (
        "Ældre beskeder vises ikke her. Hent dine oplysninger med alle beskeder"
    )
    assert note.a["href"] == "/borger/mine-data"


def test_without_javascript_an_answer_lands_on_the_latest_messages(client, page, household):
    """The journey without JavaScript (issue 17 and WCAG 2.1 SC 2.1.1): the answer is an
    ordinary post, the redirect goes to the question, and the page under it shows the
    answer just given among the latest messages, not the whole history."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    history_of(household.citizen, 100)
    response = say(page, household.citizen, answer="rights")
    assert response.headers["Location"].endswith("/borger/samtale#current-question")
    soup = page.get_url(response.headers["Location"])
    shown = _log(soup)
    assert len(shown) <= HISTORY_SHOWN
    assert "Dig: Dine rettigheder" in shown, "her answer"
    assert "Assistent: Tidligere besked 0" not in shown
    assert soup.select_one("#current-question") is not None


def _fields(form) -> dict[str, str]:
    """What the form posts of itself: its hidden fields (the turn, the citizen, ?vis=)."""
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def test_without_javascript_an_answer_keeps_the_earlier_messages_she_asked_to_see(
    client, page, household
):
    """Issue 17 and WCAG 2.1 SC 2.1.1: without JavaScript the answer is an ordinary post;
    the earlier messages she opened with "Vis tidligere beskeder" stay shown on the page
    the redirect lands on, not only the latest HISTORY_SHOWN."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    history_of(household.citizen, 100)
    expanded = page.get_url(f"/borger/samtale?vis={2 * HISTORY_SHOWN}")
    form = expanded.select_one("#chat-form")
    assert _fields(form)["vis"] == str(2 * HISTORY_SHOWN)

    response = client.post(form["action"], data={**_fields(form), "answer": "rights"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/borger/samtale?vis={2 * HISTORY_SHOWN}#current-question"
    )
    soup = page.get_url(response.headers["Location"])
    shown = _log(soup)
    assert HISTORY_SHOWN < len(shown) <= 2 * HISTORY_SHOWN, "the earlier messages are still shown"
    assert "Dig: Dine rettigheder" in shown, "her answer"
    assert "Assistent: Tidligere besked 30" in shown  # 70 messages back: not among the latest 40
    assert _fields(soup.select_one("#chat-form"))["vis"] == str(2 * HISTORY_SHOWN)


@pytest.mark.parametrize(
    ("posted", "kept"),
    [("abc", None), ("5", None), (str(HISTORY_SHOWN), None), ("99999", str(HISTORY_MOST))],
)
def test_the_vis_an_answer_carries_is_clamped_as_the_page_s(client, page, household, posted, kept):
    """Issue 17: the posted vis is read as ?vis= is, so no value makes a page show more
    than HISTORY_MOST, and a strange one gives the ordinary page."""
    sign_in_citizen(client, household.citizen)
    page.get("citizen.conversation")
    response = say(page, household.citizen, answer="rights", vis=posted)
    wanted = "/borger/samtale" + (f"?vis={kept}" if kept else "") + "#current-question"
    assert response.headers["Location"].endswith(wanted)
