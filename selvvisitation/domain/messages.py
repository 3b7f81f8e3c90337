"""Messages between the citizen (or a relative) and the visitation or her team (issue 14).

Plain rules, no Flask and no database: who a thread is with, what a message may hold,
and when a reply is due. A message is plain text of at most 2,000 characters with no
attachments; an emergency is never a message (seed 000: serious failure, abuse, hospital
admission and every accident are phoned in at once), so every message page gives the
phone numbers instead.
"""

from __future__ import annotations

import enum
from datetime import date

from selvvisitation.domain.workdays import add_working_days

MAX_MESSAGE_LENGTH = 2000
MAX_NOTE_LENGTH = 500
DEFAULT_REPLY_WORKING_DAYS = 1


class ThreadParty(enum.StrEnum):
    """Who the citizen writes to: one thread with each."""

    VISITATION = "visitation"
    TEAM = "team"

    @property
    def other(self) -> ThreadParty:
        return ThreadParty.TEAM if self is ThreadParty.VISITATION else ThreadParty.VISITATION


class MessageProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_CHARACTER = "invalid_character"


# Characters nobody types: control characters other than line breaks and tabs. A NUL
# cannot even be stored on PostgreSQL.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def check_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> tuple[str, MessageProblem | None]:
    """The message as it will be stored (line endings unified, trimmed), or what is wrong."""
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        return cleaned, MessageProblem.EMPTY
    if any(ord(ch) < 32 and ch not in _ALLOWED_CONTROLS for ch in cleaned):
        return cleaned, MessageProblem.INVALID_CHARACTER
    if len(cleaned) > limit:
        return cleaned, MessageProblem.TOO_LONG
    return cleaned, None


def reply_due(
    received: date, working_days: int, *, optional_holidays_are_working_days: bool = False
) -> date:
    """The last day for a reply: ``working_days`` working days after the day it came.

    A message that comes on a weekend or holiday is counted from that day, so one
    written on Saturday with the default of 1 working day is due on Monday.
    """
    return add_working_days(
        received,
        max(working_days, 0),
        optional_holidays_are_working_days=optional_holidays_are_working_days,
    )


def is_overdue(due: date | None, today: date) -> bool:
    """A reply is overdue from the day after its last day."""
    return due is not None and today > due
