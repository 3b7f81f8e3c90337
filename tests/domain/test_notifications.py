"""The notification rules and texts (issue 14, "Notifications"), without Flask or a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from selvvisitation.domain.notification_texts import language_of, render
from selvvisitation.domain.notifications import (
    DEFAULT_TOPICS,
    TOPIC_OF,
    Channel,
    NotificationEvent,
    RecipientKind,
    Topic,
    after_failure,
    idempotency_key,
    normalise_mobile,
    topics_for,
    valid_email,
    wants,
)

LINK = "https://selvvisitation.example/borger/"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALL = frozenset(t.value for t in Topic)


def test_every_event_belongs_to_one_topic_and_every_topic_has_an_event():
    assert set(TOPIC_OF) == set(NotificationEvent)
    assert set(TOPIC_OF.values()) == set(Topic)


def test_relative_acted_is_offered_to_the_citizen_only():
    # Issue 14: "your relative acted for you", which goes to the citizen.
    assert Topic.RELATIVE_ACTED in topics_for(RecipientKind.CITIZEN)
    assert Topic.RELATIVE_ACTED not in topics_for(RecipientKind.RELATIVE)
    assert not wants(RecipientKind.RELATIVE, Channel.EMAIL, ALL, NotificationEvent.RELATIVE_ACTED)
    assert wants(RecipientKind.CITIZEN, Channel.EMAIL, ALL, NotificationEvent.RELATIVE_ACTED)


def test_the_visit_carried_out_is_optional_and_not_chosen_by_default():
    assert Topic.VISIT_CARRIED_OUT not in DEFAULT_TOPICS
    assert Topic.ANSWERS in DEFAULT_TOPICS


@pytest.mark.parametrize("event", list(NotificationEvent))
def test_channel_none_gets_nothing_whatever_the_topics(event):
    assert not wants(RecipientKind.CITIZEN, Channel.NONE, ALL, event)


@pytest.mark.parametrize("event", list(NotificationEvent))
def test_a_recipient_gets_an_event_only_when_its_topic_is_chosen(event):
    topic = TOPIC_OF[event].value
    assert wants(RecipientKind.CITIZEN, Channel.SMS, frozenset({topic}), event)
    assert not wants(RecipientKind.CITIZEN, Channel.SMS, ALL - {topic}, event)


def test_the_idempotency_key_differs_by_recipient_channel_and_source_only():
    key = idempotency_key(
        NotificationEvent.NEW_MESSAGE, "m1", RecipientKind.CITIZEN, 1, Channel.SMS
    )
    same = idempotency_key(
        NotificationEvent.NEW_MESSAGE, "m1", RecipientKind.CITIZEN, 1, Channel.SMS
    )
    assert key == same
    others = {
        idempotency_key(NotificationEvent.NEW_MESSAGE, "m2", RecipientKind.CITIZEN, 1, Channel.SMS),
        idempotency_key(
            NotificationEvent.NEW_MESSAGE, "m1", RecipientKind.RELATIVE, 1, Channel.SMS
        ),
        idempotency_key(NotificationEvent.NEW_MESSAGE, "m1", RecipientKind.CITIZEN, 2, Channel.SMS),
        idempotency_key(
            NotificationEvent.NEW_MESSAGE, "m1", RecipientKind.CITIZEN, 1, Channel.EMAIL
        ),
    }
    assert key not in others and len(others) == 4


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("20 30 40 50", "+4520304050"),
        ("+45 20304050", "+4520304050"),
        ("0045-20-30-40-50", "+4520304050"),
        ("2030405", None),  # seven digits
        ("203040501", None),  # nine digits
        ("02030405", None),  # no Danish number starts with 0
        ("+46 20304050", None),  # not Danish
        ("tyve tredive", None),
        ("", None),
    ],
)
def test_a_mobile_number_is_danish_with_eight_digits(typed, stored):
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("inger@example.dk", True),
        ("inger.jensen+hjem@mail.example.com", True),
        ("inger@example", False),
        ("inger example.dk", False),
        ("inger@@example.dk", False),
        ("@example.dk", False),
        ("a" * 200 + "@example.dk", False),
    ],
)
def test_an_email_address_needs_one_at_and_a_domain(typed, ok):
    assert valid_email(typed) is ok


def test_back_off_doubles_and_gives_up_after_the_last_attempt():
    delays = [
        after_failure(n, NOW, max_attempts=5, base_seconds=60).next_attempt_at for n in (1, 2, 3, 4)
    ]
    assert [d - NOW for d in delays if d] == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    assert after_failure(5, NOW, max_attempts=5, base_seconds=60).give_up


def test_a_permanent_failure_gives_up_at_once():
    retry = after_failure(1, NOW, max_attempts=5, base_seconds=60, permanent=True)
    assert retry.give_up and retry.next_attempt_at is None


CPR = re.compile(r"\d{6}-?\d{4}")


@pytest.mark.parametrize("event", list(NotificationEvent))
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_sms_says_only_that_there_is_news_with_the_link(event, language):
    # Issue 14: "An SMS says only that there is news, with a link."
    text = render(
        event, Channel.SMS, language, {"reason": "hygiene", "citizen_first_name": "Inger"}, LINK
    )
    assert LINK in text.body
    assert "Inger" not in text.body and "hygiejn" not in text.body.lower()
    sms_texts = {render(e, Channel.SMS, language, {}, LINK).body for e in NotificationEvent}
    assert sms_texts == {text.body}  # the same words whatever happened


@pytest.mark.parametrize("event", list(NotificationEvent))
@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.DIGITAL_POST])
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_email_names_the_news_and_carries_no_cpr_number(event, channel, language):
    text = render(event, channel, language, {"reason": "other"}, LINK)
    assert text.subject and LINK in text.body
    assert not CPR.search(text.subject + text.body)


def test_a_declined_swap_gives_the_reason_in_general_words_not_the_workers_own():
    text = render(
        NotificationEvent.SWAP_DECLINED,
        Channel.EMAIL,
        "da",
        {"reason": "hygiene", "reason_text": "Sår på benet skal plejes"},
        LINK,
    )
    assert "ikke var forsvarligt" in text.body
    assert "Sår" not in text.body


def test_a_relative_is_told_whose_help_it_is_about_by_first_name():
    text = render(
        NotificationEvent.VISIT_CANCELLED,
        Channel.EMAIL,
        "da",
        {"citizen_first_name": "Inger"},
        LINK,
    )
    assert "hjælpen til Inger" in text.body


# "You" and "your" about what is the citizen's (issue 12 item 6: speak to the relative as a
# relative); the signature's "du har valgt det" is the relative's own choice, so not checked.
_ABOUT_HER_AS_YOU = re.compile(r"\b(du|dit|din|dine|you|your)\b", re.IGNORECASE)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    "event", [e for e in NotificationEvent if e != NotificationEvent.RELATIVE_ACTED]
)
def test_a_relative_reads_the_news_about_the_citizen_not_about_you(event, language):
    text = render(event, Channel.EMAIL, language, {"citizen_first_name": "Inger"}, LINK)
    news = [text.subject, text.body.splitlines()[0]]
    assert not [line for line in news if _ABOUT_HER_AS_YOU.search(line)], news


def test_a_relative_reads_whose_swap_was_met():
    text = render(
        NotificationEvent.SWAP_ACCEPTED, Channel.EMAIL, "da", {"citizen_first_name": "Inger"}, LINK
    )
    assert text.subject == "Ønsket om at bytte hos Inger er opfyldt"
    citizen = render(NotificationEvent.SWAP_ACCEPTED, Channel.EMAIL, "da", {}, LINK)
    assert citizen.subject == "Dit ønske om at bytte er blevet opfyldt"


def test_the_texts_are_in_the_recipients_language_and_danish_otherwise():
    danish = render(NotificationEvent.NEW_MESSAGE, Channel.EMAIL, "da", {}, LINK)
    english = render(NotificationEvent.NEW_MESSAGE, Channel.EMAIL, "en", {}, LINK)
    assert danish.subject == "Du har fået en ny besked"
    assert english.subject == "You have a new message"
    assert language_of("de") == "da" and language_of(None) == "da"
