"""An answer sent by dialogue.js is one transaction: the new messages are read in it (issue 17).

The page asks for what it has not shown (X-Last-Message). Read after the commit, those
messages took a transaction of their own: a connection from the pool and its check, BEGIN,
the read and ROLLBACK, on every turn. The turn reads them before it commits, under the
same check of the conversation's turn (a second tab's answer is refused, nothing stored:
DOMAIN.md, the dialogue's "fra gang til gang", one question answered at a time).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from selvvisitation.extensions import db
from tests.citizen.conftest import build_household
from tests.citizen.dialogue_helpers import current
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen

pytestmark = pytest.mark.today(MONDAY)


def _opened(app, factories):
    household = build_household(factories)
    client = app.test_client()
    sign_in_citizen(client, household.citizen)
    client.get("/borger/samtale")
    conversation = current(household.citizen)
    shown = [m for m in conversation.messages if m.kind != "question"]
    question = conversation.messages[-1]
    return client, household, conversation.turn, shown[-1].id, question


def _answer(client, household, turn: int, last: int, answer: str = "my_help"):
    return client.post(
        "/borger/samtale/svar",
        data={
            "turn": str(turn),
            "answer": answer,
            "citizen": str(household.citizen.id),
            "csrf_token": csrf_token(client),
        },
        headers={"X-Requested-With": "fetch", "X-Last-Message": str(last)},
    )


@contextmanager
def _transactions():
    """What the engine did, in order: begin, a statement, commit, rollback."""
    seen: list[str] = []

    def statement(_conn, _cursor, text, *_args) -> None:
        if not text.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append("statement")

    listeners = [
        (name, lambda _conn, name=name: seen.append(name))
        for name in ("begin", "commit", "rollback")
    ] + [("before_cursor_execute", statement)]
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(db.engine, name, listener)


def test_the_answer_and_what_it_shows_are_one_transaction(app, factories):
    client, household, turn, last, question = _opened(app, factories)
    db.session.expire_all()
    with _transactions() as seen:
        response = _answer(client, household, turn, last)

    assert response.status_code == 200 and response.get_json()["ok"] is True
    assert current(household.citizen).turn == turn + 1
    committed = seen.index("commit")
    # Nothing after the commit: no second transaction to read what the page shows.
    assert seen[committed + 1 :] in ([], ["rollback"]), seen
    assert "begin" not in seen[committed:], seen


def test_what_it_shows_is_what_the_page_had_not_shown(app, factories):
    client, household, turn, last, question = _opened(app, factories)

    log = _answer(client, household, turn, last).get_json()["log"]

    # The question she answered moves into the log, with her answer after it; the new
    # question is not in the log (the page shows it as the question).
    ids = [int(i) for i in re.findall(r'data-id="(\d+)"', log)]
    assert ids and ids[0] == question.id and all(i > last for i in ids)
    messages = current(household.citizen).messages
    assert ids == [m.id for m in messages if m.id > last][: len(ids)]
    assert messages[-1].kind == "question" and messages[-1].id not in ids


def test_an_answer_from_a_second_tab_is_refused_and_nothing_is_stored(app, factories):
    client, household, turn, last, _question = _opened(app, factories)
    assert _answer(client, household, turn, last).status_code == 200
    stored = len(current(household.citizen).messages)

    again = _answer(client, household, turn, last, answer="rights")

    assert again.status_code == 409
    assert len(current(household.citizen).messages) == stored
