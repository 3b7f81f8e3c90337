"""Notifications: which events there are, who may choose them, and where they go (issue 14).

Plain rules with no Flask or database: the service (services/notifications.py) writes the
outbox rows, the worker (services/notification_delivery.py) sends them.

The citizen and each relative with consent choose one channel and the *topics* they want
(the settings page lists topics, not every event: "a swap or priority was answered" is one
choice whether the answer was yes or no). An event belongs to exactly one topic.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta


class NotificationEvent(enum.StrEnum):
    """Something that happened that a citizen or relative may want to hear about."""

    SWAP_ACCEPTED = "swap_accepted"
    SWAP_DECLINED = "swap_declined"  # params: reason (a DeclineReason value or other)
    PRIORITY_MET = "priority_met"
    PRIORITY_NOT_MET = "priority_not_met"  # params: reason (a PriorityNotMetReason value)
    # The team's answer to the citizen's request to move a visit (002: a move is agreed
    # between citizen and provider, so the request is a wish the team answers).
    MOVE_ACCEPTED = "move_accepted"
    MOVE_DECLINED = "move_declined"  # params: reason "other" (the team's words are not sent)
    VISIT_CANCELLED = "visit_cancelled"  # by the provider (002: the citizen is told)
    VISIT_MOVED = "visit_moved"  # by the provider: > 30 min for personal care (002)
    VISIT_DELAYED = "visit_delayed"  # by the provider: > 1 hour for practical help (002)
    NEW_MESSAGE = "new_message"
    DECISION_OR_LETTER = "decision_or_letter"
    REASSESSMENT_BOOKED = "reassessment_booked"  # params: day (ISO date)
    RELATIVE_ACTED = "relative_acted"  # to the citizen only
    VISIT_CARRIED_OUT = "visit_carried_out"  # optional, as Helsenorge sends it


class Topic(enum.StrEnum):
    """What the settings page offers to choose: a group of events."""

    ANSWERS = "answers"
    VISIT_CHANGES = "visit_changes"
    MESSAGES = "messages"
    LETTERS = "letters"
    REASSESSMENT = "reassessment"
    RELATIVE_ACTED = "relative_acted"
    VISIT_CARRIED_OUT = "visit_carried_out"


TOPIC_OF: dict[NotificationEvent, Topic] = {
    NotificationEvent.SWAP_ACCEPTED: Topic.ANSWERS,
    NotificationEvent.SWAP_DECLINED: Topic.ANSWERS,
    NotificationEvent.PRIORITY_MET: Topic.ANSWERS,
    NotificationEvent.PRIORITY_NOT_MET: Topic.ANSWERS,
    NotificationEvent.MOVE_ACCEPTED: Topic.ANSWERS,
    NotificationEvent.MOVE_DECLINED: Topic.ANSWERS,
    NotificationEvent.VISIT_CANCELLED: Topic.VISIT_CHANGES,
    NotificationEvent.VISIT_MOVED: Topic.VISIT_CHANGES,
    NotificationEvent.VISIT_DELAYED: Topic.VISIT_CHANGES,
    NotificationEvent.NEW_MESSAGE: Topic.MESSAGES,
    NotificationEvent.DECISION_OR_LETTER: Topic.LETTERS,
    NotificationEvent.REASSESSMENT_BOOKED: Topic.REASSESSMENT,
    NotificationEvent.RELATIVE_ACTED: Topic.RELATIVE_ACTED,
    NotificationEvent.VISIT_CARRIED_OUT: Topic.VISIT_CARRIED_OUT,
}

# "Your relative acted for you" is news to the citizen only: the relative did it herself.
CITIZEN_ONLY_TOPICS = frozenset({Topic.RELATIVE_ACTED})
# Chosen for a new subscriber: everything but "the visit has been carried out", which is
# optional in the issue (many relatives want it, most citizens know it already).
DEFAULT_TOPICS = frozenset(set(Topic) - {Topic.VISIT_CARRIED_OUT})


class Channel(enum.StrEnum):
    NONE = "none"
    EMAIL = "email"
    SMS = "sms"
    DIGITAL_POST = "digital_post"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent, or to be tried again
    SENT = "sent"
    DEAD = "dead"  # given up: staff see it on the outbox page


class RecipientKind(enum.StrEnum):
    CITIZEN = "citizen"
    RELATIVE = "relative"


def topics_for(kind: RecipientKind) -> list[Topic]:
    """The topics a citizen or a relative can choose, in the settings page's order."""
    if kind == RecipientKind.CITIZEN:
        return list(Topic)
    return [topic for topic in Topic if topic not in CITIZEN_ONLY_TOPICS]


def wants(
    kind: RecipientKind, channel: Channel, topics: frozenset[str], event: NotificationEvent
) -> bool:
    """Whether a recipient with these settings gets this event."""
    topic = TOPIC_OF[event]
    if channel == Channel.NONE or topic not in topics_for(kind):
        return False
    return topic.value in topics


def idempotency_key(
    event: NotificationEvent, source: str, kind: RecipientKind, recipient_id: int, channel: Channel
) -> str:
    """The key that makes a notification unique: the same event from the same source to the
    same recipient on the same channel is written once, however often the caller repeats it.

    ``source`` names what happened (e.g. "swap:12:declined"); it travels with the message as
    the e-mail's Message-ID and the SMS gateway's idempotency header.
    """
    return f"{event.value}:{source}:{kind.value}:{recipient_id}:{channel.value}"[:200]


# Danish mobile numbers: eight digits, optionally after +45 or 0045; spaces allowed.
_DANISH_NUMBER = re.compile(r"^(?:\+45|0045)?(\d{8})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def normalise_mobile(text: str) -> str | None:
    """A Danish mobile number as +45 and eight digits, or None when it is not one."""
    compact = re.sub(r"[\s\-]", "", text or "")
    match = _DANISH_NUMBER.match(compact)
    if match is None or match.group(1)[0] in "01":  # no Danish number starts with 0 or 1
        return None
    return "+45" + match.group(1)


def valid_email(text: str) -> bool:
    """A plausible e-mail address: one @, a dot in the domain, no spaces, not too long."""
    text = (text or "").strip()
    return len(text) <= 200 and _EMAIL.match(text) is not None


@dataclass(frozen=True)
class Retry:
    """What to do with a notification after a failed attempt."""

    give_up: bool
    next_attempt_at: datetime | None


def after_failure(
    attempts: int, now: datetime, *, max_attempts: int, base_seconds: int, permanent: bool = False
) -> Retry:
    """Exponential back-off: base, 2×base, 4×base …; dead after ``max_attempts`` tries, or at
    once when the failure is permanent (a channel that is not connected)."""
    if permanent or attempts >= max_attempts:
        return Retry(give_up=True, next_attempt_at=None)
    delay = base_seconds * 2 ** max(attempts - 1, 0)
    return Retry(give_up=False, next_attempt_at=now + timedelta(seconds=delay))
