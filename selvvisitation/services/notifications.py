"""Notifications: write them to the outbox, and keep each person's settings (issue 14).

The one call for every area that has news for a citizen or her relatives:

    queue_notification(db.session, citizen_id=swap.citizen_id,
                       event=NotificationEvent.SWAP_DECLINED,
                       params={"swap_id": swap.id, "reason": swap.decline_reason.value})

It writes one outbox row per recipient and channel, as each recipient chose, in the
CALLER's transaction and without committing (the transactional outbox pattern): the rows
are committed with the event, or rolled back with it. `flask deliver-notifications` sends
them later (services/notification_delivery.py).

``params`` must name what happened (an id) so that a repeat of the same call writes nothing
new: the idempotency key is the event, a hash of ``params``, the recipient and the channel.
``params`` may hold ``reason``: a reason code that e-mail and Digital Post put in general
words (domain/notification_texts.py), and ``acted``: what a relative did (RELATIVE_ACTED);
nothing else in it is shown. ``link`` is the path the
message points to (the citizen's front page when left out); the worker's texts make it
absolute with PUBLIC_BASE_URL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selvvisitation.domain.notification_texts import language_of, render
from selvvisitation.domain.notifications import (
    DEFAULT_TOPICS,
    Channel,
    NotificationEvent,
    RecipientKind,
    idempotency_key,
    normalise_mobile,
    topics_for,
    valid_email,
    wants,
)
from selvvisitation.domain.types import ConsentScope
from selvvisitation.models import Citizen, Notification, NotificationPreference, relative_may
from selvvisitation.security import audit

DEFAULT_LINK = "/borger/"


def _source(params: Mapping[str, object]) -> str:
    """A short, stable name for what happened, from the caller's params."""
    text = json.dumps(dict(params), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _contact(preference: NotificationPreference) -> str | None:
    """Where this channel reaches the recipient; None when the setting lacks it."""
    if preference.channel == Channel.EMAIL:
        return preference.email or None
    if preference.channel == Channel.SMS:
        return preference.mobile or None
    if preference.channel == Channel.DIGITAL_POST:
        # Digital Post finds the recipient by CPR number at delivery (the adapter looks it
        # up): the outbox never holds a CPR number.
        return ""
    return None


def absolute_link(path: str) -> str:
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return base + path if path.startswith("/") else path


def queue_notification(
    session: Session,
    *,
    citizen_id: int,
    event: NotificationEvent,
    params: Mapping[str, object],
    link: str | None = None,
) -> list[Notification]:
    """Write the outbox rows for one event (no commit: the caller's transaction holds them).

    Returns the rows written now; a repeat of the same event and params returns the rows
    written the first time, and writes nothing.
    """
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise ValueError(f"no citizen {citizen_id}")
    source = _source(params)
    url = absolute_link(link or DEFAULT_LINK)
    preferences = session.scalars(
        select(NotificationPreference)
        .where(NotificationPreference.citizen_id == citizen_id)
        .order_by(NotificationPreference.id)
    ).all()
    rows: list[Notification] = []
    for preference in preferences:
        kind = preference.recipient_kind
        if kind == RecipientKind.RELATIVE and not relative_may(
            preference.relative, citizen, ConsentScope.SEE
        ):
            continue  # a consent withdrawn or lapsed: she hears nothing more
        if not wants(kind, preference.channel, frozenset(preference.topics or ()), event):
            continue
        contact = _contact(preference)
        if contact is None:
            continue
        recipient_id = preference.relative_id if preference.relative_id else citizen.id
        key = idempotency_key(event, source, kind, recipient_id, preference.channel)
        existing = session.scalars(
            select(Notification).where(Notification.idempotency_key == key)
        ).first()
        if existing is not None:
            rows.append(existing)
            continue
        language = language_of(preference.language or citizen.preferred_language)
        shown = {"reason": params.get("reason"), "acted": params.get("acted")}
        if kind == RecipientKind.RELATIVE:
            shown["citizen_first_name"] = (citizen.name or "").split(" ")[0]
        text = render(event, preference.channel, language, shown, url)
        row = Notification(
            citizen_id=citizen.id,
            relative_id=preference.relative_id,
            event=event,
            channel=preference.channel,
            recipient=contact,
            language=language,
            subject=text.subject,
            body=text.body,
            link=url,
            idempotency_key=key,
        )
        try:
            with session.begin_nested():  # a twin transaction may have written the same key
                session.add(row)
        except IntegrityError:
            twin = session.scalars(
                select(Notification).where(Notification.idempotency_key == key)
            ).first()
            if twin is None:
                raise
            row = twin
        rows.append(row)
    return rows


def tell_relative_acted(
    session: Session,
    *,
    citizen_id: int,
    params: Mapping[str, object],
    link: str | None = None,
) -> None:
    """Issue 14: "your relative acted for you" goes to the citizen, in the caller's
    transaction. ``params`` names what was done (and may say how: ``acted``)."""
    queue_notification(
        session,
        citizen_id=citizen_id,
        event=NotificationEvent.RELATIVE_ACTED,
        params=params,
        link=link,
    )


def tell_visit_carried_out(session: Session, visit: Any) -> None:
    """Optional news, as Helsenorge sends it: the visit has been made (issue 14)."""
    queue_notification(
        session,
        citizen_id=visit.citizen_id,
        event=NotificationEvent.VISIT_CARRIED_OUT,
        params={"visit_id": visit.id},
    )


# ----------------------------------------------------------------- the settings page


class PreferenceError(ValueError):
    """The settings cannot be saved; ``field`` and ``code`` say why (for the form)."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class PreferenceChoice:
    channel: Channel
    email: str = ""
    mobile: str = ""
    topics: tuple[str, ...] = ()
    language: str = "da"  # the language she chose the settings in: her messages' language


def preference_for(
    session: Session, citizen: Citizen, relative_id: int | None
) -> NotificationPreference | None:
    return session.scalars(
        select(NotificationPreference).where(
            NotificationPreference.citizen_id == citizen.id,
            NotificationPreference.relative_id.is_(None)
            if relative_id is None
            else NotificationPreference.relative_id == relative_id,
        )
    ).first()


def channels_for(kind: RecipientKind, has_cpr: bool) -> list[Channel]:
    """Digital Post reaches a person by CPR number: offered only to one who has given it."""
    return [c for c in Channel if c != Channel.DIGITAL_POST or has_cpr]


def checked_choice(
    choice: PreferenceChoice, kind: RecipientKind, *, has_cpr: bool
) -> PreferenceChoice:
    """The choice as it will be stored, or PreferenceError naming the field at fault."""
    if choice.channel not in channels_for(kind, has_cpr):
        raise PreferenceError("channel", "unavailable")
    email, mobile = choice.email.strip(), ""
    if choice.channel == Channel.EMAIL and not email:
        raise PreferenceError("email", "missing")
    if email and not valid_email(email):
        raise PreferenceError("email", "invalid")
    if choice.channel == Channel.SMS and not choice.mobile.strip():
        raise PreferenceError("mobile", "missing")
    if choice.mobile.strip():
        mobile = normalise_mobile(choice.mobile) or ""
        if not mobile:
            raise PreferenceError("mobile", "invalid")
    allowed = {topic.value for topic in topics_for(kind)}
    topics = tuple(t for t in choice.topics if t in allowed)
    if choice.channel != Channel.NONE and not topics:
        raise PreferenceError("topics", "missing")
    return PreferenceChoice(choice.channel, email, mobile, topics, language_of(choice.language))


def save_preference(
    session: Session,
    *,
    citizen: Citizen,
    relative_id: int | None,
    has_cpr: bool,
    choice: PreferenceChoice,
    actor: object = None,
) -> NotificationPreference:
    """Check and store one person's settings, audited, and commit; nothing is written when
    the choice is refused (PreferenceError)."""
    kind = RecipientKind.CITIZEN if relative_id is None else RecipientKind.RELATIVE
    try:
        checked = checked_choice(choice, kind, has_cpr=has_cpr)
        preference = preference_for(session, citizen, relative_id)
        if preference is None:
            preference = NotificationPreference(citizen_id=citizen.id, relative_id=relative_id)
            session.add(preference)
        preference.channel = checked.channel
        preference.email = checked.email
        preference.mobile = checked.mobile
        preference.topics = list(checked.topics)
        preference.language = checked.language
        session.flush()
        audit.record(
            "update",
            citizen=citizen,
            object_type="notification_preference",
            object_id=preference.id,
            purpose="notification_settings",
            detail={"channel": checked.channel.value},
            actor=actor,
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return preference


def default_topics(kind: RecipientKind) -> list[str]:
    return [t.value for t in topics_for(kind) if t in DEFAULT_TOPICS]


def outbox(session: Session, municipality_id: int, statuses: Iterable[str]) -> list[Notification]:
    """The municipality's outbox, newest first (the staff's Demo-udbakke)."""
    return list(
        session.scalars(
            select(Notification)
            .join(Citizen, Citizen.id == Notification.citizen_id)
            .where(Citizen.municipality_id == municipality_id, Notification.status.in_(statuses))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(200)
        )
    )
