"""Message rules (issue 14): plain text up to 2,000 characters, and the reply deadline in
working days (hverdage, as 002 counts its deadlines), default 1 working day."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.messages import (
    DEFAULT_REPLY_WORKING_DAYS,
    MAX_MESSAGE_LENGTH,
    MessageProblem,
    ThreadParty,
    check_text,
    is_overdue,
    reply_due,
)


@pytest.mark.parametrize(
    ("text", "stored", "problem"),
    [
        ("Hej", "Hej", None),
        ("  Hej\r\nigen  ", "Hej\nigen", None),
        ("linje\rto", "linje\nto", None),
        ("", "", MessageProblem.EMPTY),
        (" \n\t ", "", MessageProblem.EMPTY),
        ("a" * MAX_MESSAGE_LENGTH, "a" * MAX_MESSAGE_LENGTH, None),
        ("a" * (MAX_MESSAGE_LENGTH + 1), "a" * (MAX_MESSAGE_LENGTH + 1), MessageProblem.TOO_LONG),
        ("Hej\x00", "Hej\x00", MessageProblem.INVALID_CHARACTER),
        ("Hej\x07 med dig", "Hej\x07 med dig", MessageProblem.INVALID_CHARACTER),
        ("Tab\tog ny\nlinje", "Tab\tog ny\nlinje", None),
    ],
)
def test_a_message_is_plain_text_of_at_most_2000_characters(text, stored, problem):
    assert check_text(text) == (stored, problem)


def test_a_line_break_sent_as_cr_lf_counts_as_one_character():
    text = "a" * 999 + "\r\n" + "b" * 1000
    assert check_text(text) == ("a" * 999 + "\n" + "b" * 1000, None)


def test_the_note_limit_is_the_callers():
    assert check_text("abcdef", limit=5)[1] is MessageProblem.TOO_LONG


def test_the_default_deadline_is_one_working_day():
    assert DEFAULT_REPLY_WORKING_DAYS == 1


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2026, 12, 1), 1, date(2026, 12, 2)),  # Tuesday -> Wednesday
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday -> Monday
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # Saturday -> Monday
        (date(2026, 12, 6), 1, date(2026, 12, 7)),  # Sunday -> Monday
        (date(2026, 12, 23), 1, date(2026, 12, 28)),  # juleaften, 1st and 2nd juledag off
        (date(2026, 4, 1), 1, date(2026, 4, 7)),  # skærtorsdag to 2. påskedag off
        (date(2026, 12, 1), 3, date(2026, 12, 4)),
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
        (date(2026, 12, 1), -2, date(2026, 12, 1)),  # a negative setting means "same day"
    ],
)
def test_the_reply_is_due_the_given_working_days_after_the_message(received, days, due):
    assert reply_due(received, days) == due


def test_juleaften_can_count_as_a_working_day_when_the_municipality_says_so():
    assert reply_due(date(2026, 12, 23), 1, optional_holidays_are_working_days=True) == date(
        2026, 12, 24
    )


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        (date(2026, 12, 7), date(2026, 12, 7), False),
        (date(2026, 12, 7), date(2026, 12, 8), True),
        (date(2026, 12, 7), date(2026, 12, 6), False),
        (None, date(2026, 12, 8), False),
    ],
)
def test_a_reply_is_overdue_from_the_day_after_its_last_day(due, today, overdue):
    assert is_overdue(due, today) is overdue


def test_each_party_hands_over_to_the_other():
    assert ThreadParty.TEAM.other is ThreadParty.VISITATION
    assert ThreadParty.VISITATION.other is ThreadParty.TEAM
