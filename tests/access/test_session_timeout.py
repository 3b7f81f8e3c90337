"""The 30-minute idle timeout, made survivable (issue 12 item 9; WCAG 2.2.1 "Timing
Adjustable"): the page warns before it and offers "Bliv logget ind"; without JavaScript
the answer she was sending when it struck is kept, and she is brought back to it after
signing in again. Never a CPR number, and never for someone else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import url_for
from sqlalchemy import func, select

from selvvisitation.domain.types import ConsentScope, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import ThreadMessage
from selvvisitation.security.kept_answer import KEPT_ANSWER
from tests.citizen.conftest import build_household
from tests.clock import MONDAY
from tests.pages import (
    check_page,
    csrf_token,
    sign_in_citizen,
    sign_in_relative,
    sign_in_staff,
)

pytestmark = pytest.mark.today(MONDAY)

THREAD = "/borger/beskeder/visitation"
WORDS = "Jeg er faldet i badet i går og vil gerne tale med jer"


def _time_out(client) -> None:
    """The session's last request was 31 minutes ago (SESSION_TIMEOUT_SECONDS is 1800)."""
    with client.session_transaction() as session:
        session["last_seen"] = datetime.now(UTC).timestamp() - 31 * 60


def _kept(client):
    with client.session_transaction() as session:
        return session.get(KEPT_ANSWER)


def _send_after_timeout(client, citizen, text: str = WORDS):
    sign_in_citizen(client, citizen)
    token = csrf_token(client)
    _time_out(client)
    return client.post(THREAD, data={"text": text, "csrf_token": token})


def _demo_sign_in(client, citizen):
    return client.post(
        url_for("auth.demo_sign_in"),
        data={"person": f"citizen:{citizen.id}", "csrf_token": csrf_token(client)},
    )


def _messages() -> int:
    return db.session.scalar(select(func.count()).select_from(ThreadMessage))


def test_an_answer_sent_after_the_timeout_is_kept_and_back_after_signing_in(client, factories):
    citizen = factories.Citizen()
    db.session.commit()

    response = _send_after_timeout(client, citizen)

    assert response.status_code == 302
    assert response.location == f"/log-ind/?next={THREAD}"
    assert _messages() == 0  # nothing is sent by a session that has ended
    login = check_page(client.get(response.location).text)
    assert "Det, du skrev, er gemt." in login.select_one(".app-kept-answer").get_text()

    signed_in = _demo_sign_in(client, citizen)
    assert signed_in.location == THREAD  # straight back to the page she wrote on

    page = check_page(client.get(THREAD).text)
    assert page.select_one("textarea[name=text]").get_text().strip() == WORDS
    assert "står her igen" in page.select_one(".app-kept-answer").get_text()
    # Given back once: the next visit to the page is an empty form.
    assert client.get(THREAD).text.count(WORDS) == 0
    assert _kept(client) is None


def test_a_cpr_number_is_never_kept(client, factories):
    """Issue 6: a CPR number is held only where it must be; the cookie is not such a place."""
    citizen = factories.Citizen()
    db.session.commit()

    _send_after_timeout(client, citizen, "Min mands cpr-nummer er 010203-1234")

    assert _kept(client) is None


def test_someone_else_signing_in_on_the_same_browser_does_not_get_it(client, factories):
    citizen, neighbour = factories.Citizen(), factories.Citizen()
    db.session.commit()
    _send_after_timeout(client, citizen)

    assert _demo_sign_in(client, neighbour).location == "/borger/"

    assert WORDS not in client.get(THREAD).text
    assert _kept(client) is None


def test_signing_out_drops_the_kept_answer(client, factories):
    citizen = factories.Citizen()
    db.session.commit()
    _send_after_timeout(client, citizen)
    _demo_sign_in(client, citizen)
    client.get("/borger/")  # elsewhere: the answer still waits, and the page links to it
    assert _kept(client) is not None

    client.post(url_for("auth.logout"), data={"csrf_token": csrf_token(client)})

    assert _kept(client) is None


def test_a_form_posted_elsewhere_brings_her_back_to_the_page_she_wrote_on(client, factories):
    """The dialogue's answer posts to /borger/samtale/svar, which has no page of its own: she
    is sent back to the page the browser says the form was on (Referrer-Policy: same-origin)."""
    citizen = factories.Citizen()
    db.session.commit()
    sign_in_citizen(client, citizen)
    token = csrf_token(client)
    _time_out(client)

    response = client.post(
        "/borger/samtale/svar",
        data={"text": "Gåtur i stedet for støvsugning", "turn": "3", "csrf_token": token},
        headers={"Referer": "http://localhost/borger/samtale"},
    )

    assert response.location == "/log-ind/?next=/borger/samtale"
    assert _kept(client)["page"] == "/borger/samtale"


def test_a_staff_form_is_not_kept(client, factories):
    """A worker's form can hold other citizens' data; an office PC keeps the cookie."""
    staff = factories.StaffUser(role=StaffRole.VISITATOR)
    db.session.commit()
    sign_in_staff(client, staff)
    token = csrf_token(client)
    _time_out(client)

    client.post("/visitation/", data={"note": "Noter om borgeren", "csrf_token": token})

    assert _kept(client) is None


@pytest.mark.today(MONDAY, tick=False)
def test_the_page_warns_before_the_timeout_and_stay_signed_in_starts_it_again(client, factories):
    """The warning's figures come from the session (static/app/session.js opens it); "Bliv
    logget ind" moves the session's clock to now."""
    assert check_page(client.get("/").text).select_one("dialog#session-warning") is None
    citizen = factories.Citizen()
    db.session.commit()
    sign_in_citizen(client, citizen)
    with client.session_transaction() as session:
        # A request moves the session's clock in steps of a minute (security/access.py).
        session["last_seen"] = datetime.now(UTC).timestamp() - 50

    dialog = check_page(client.get("/borger/").text).select_one("dialog#session-warning")
    assert int(dialog["data-seconds-left"]) == 1750  # 30 minutes less 50 seconds, the clock stopped
    assert dialog["data-warning-seconds"] == "300"
    assert "Bliv logget ind" in dialog.get_text()

    response = client.post(
        url_for("auth.stay_signed_in"),
        data={"csrf_token": csrf_token(client)},
        headers={"Accept": "application/json"},
    )
    assert response.json == {"seconds_left": 1800}
    dialog = check_page(client.get("/borger/").text).select_one("dialog#session-warning")
    assert int(dialog["data-seconds-left"]) >= 1795

    without_js = client.post(
        url_for("auth.stay_signed_in"), data={"csrf_token": csrf_token(client), "next": THREAD}
    )
    assert without_js.location == THREAD


def test_her_words_in_the_dialogue_are_back_in_its_text_box(client, factories):
    """The journey item 9 names: she writes in "Spørg om din hjælp", the session ends, she
    signs in again and finds the question with her words in the box."""
    household = build_household(factories)
    db.session.commit()
    sign_in_citizen(client, household.citizen)
    form = check_page(client.get("/borger/samtale").text).select_one(
        "form[action='/borger/samtale/svar']"
    )
    fields = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    _time_out(client)
    words = "Jeg vil gerne have en gåtur i stedet for støvsugning på torsdag"

    client.post(
        "/borger/samtale/svar",
        data={**fields, "text": words},
        headers={"Referer": "http://localhost/borger/samtale"},
    )
    assert _demo_sign_in(client, household.citizen).location == "/borger/samtale"

    page = check_page(client.get("/borger/samtale").text)
    box = page.select_one("form[action='/borger/samtale/svar'] textarea[name=text]")
    assert box.get_text().strip() == words


def test_a_relative_is_brought_back_after_choosing_the_citizen_again(client, factories):
    """A relative signs in, picks whose help to see, then finds her words where she left them."""
    consent = factories.Consent(scope=ConsentScope.ACT)
    citizen, relative = consent.citizen, consent.relative
    db.session.commit()
    sign_in_relative(client, relative, citizen)
    token = csrf_token(client)
    _time_out(client)
    client.post(THREAD, data={"text": WORDS, "csrf_token": token})

    signed_in = client.post(
        url_for("auth.demo_sign_in"),
        data={"person": f"relative:{relative.id}", "csrf_token": csrf_token(client)},
    )
    assert signed_in.location == "/log-ind/vaelg-borger"
    chosen = client.post(
        "/log-ind/vaelg-borger",
        data={"person": str(citizen.id), "csrf_token": csrf_token(client)},
    )
    assert chosen.location == THREAD
    page = check_page(client.get(THREAD).text)
    assert page.select_one("textarea[name=text]").get_text().strip() == WORDS


def test_a_public_form_after_the_timeout_keeps_nothing(client, factories):
    """The language switch still works after the timeout; it is not an answer to keep."""
    citizen = factories.Citizen()
    db.session.commit()
    sign_in_citizen(client, citizen)
    token = csrf_token(client)
    _time_out(client)

    response = client.post("/sprog", data={"lang": "en", "next": THREAD, "csrf_token": token})

    assert response.location == THREAD
    assert _kept(client) is None
