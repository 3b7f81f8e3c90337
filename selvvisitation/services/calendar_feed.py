"""The visit calendar as an iCalendar feed (issue 14): a personal, secret, revocable link.

The token comes from `secrets` and only its SHA-256 hash is stored, so the database cannot
give the link away. The feed carries the visits' times and the services' names only: no
CPR number, no notes, no health detail (issue 14). A relative's link dies with her consent.
Each use is audited. Times are in Europe/Copenhagen with a VTIMEZONE (RFC 5545 §3.6.5).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.dates import LOCAL, local_day
from selvvisitation.domain.types import ActorKind, ConsentScope
from selvvisitation.formatters import service_name
from selvvisitation.models import (
    CalendarFeed,
    Citizen,
    Relative,
    Visit,
    VisitElement,
    VisitService,
    relative_may,
    utcnow,
)
from selvvisitation.security import audit
from selvvisitation.security.access import Actor

if TYPE_CHECKING:
    from icalendar import Event

FEED_DAYS_BACK = 7
FEED_DAYS_AHEAD = 28  # the calendar's 4 weeks


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(session: Session, citizen: Citizen, actor: Actor) -> str:
    """Make a new link for the reader (the citizen, or the relative signed in); return the
    token, which is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    relative = actor.relative
    feed = CalendarFeed(
        citizen_id=citizen.id,
        relative_id=relative.id if relative is not None else None,
        token_hash=token_hash(token),
    )
    session.add(feed)
    session.flush()
    audit.record(
        "create",
        citizen=citizen,
        object_type="calendar_feed",
        object_id=feed.id,
        purpose="on_behalf_of_citizen" if relative is not None else "own_request",
        actor=actor,
    )
    session.commit()
    return token


def revoke_feed(session: Session, citizen: Citizen, actor: Actor, feed_id: int) -> bool:
    """Revoke one of the reader's own links; False when there is no such live link."""
    relative_id = actor.relative.id if actor.relative is not None else None
    feed = session.get(CalendarFeed, feed_id)
    if (
        feed is None
        or feed.citizen_id != citizen.id
        or feed.relative_id != relative_id
        or feed.revoked_at is not None
    ):
        return False
    feed.revoked_at = utcnow()
    audit.record(
        "update",
        citizen=citizen,
        object_type="calendar_feed",
        object_id=feed.id,
        purpose="on_behalf_of_citizen" if relative_id else "own_request",
        detail={"change": "revoked"},
        actor=actor,
    )
    session.commit()
    return True


def live_feed(session: Session, token: str) -> CalendarFeed | None:
    """The feed for the token, unless revoked, or its relative's consent ended."""
    if not token or len(token) > 100:
        return None
    feed = session.scalars(
        select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token))
    ).first()
    if feed is None or feed.revoked_at is not None:
        return None
    if feed.relative_id is not None:
        relative = session.get(Relative, feed.relative_id)
        if not relative_may(relative, feed.citizen, ConsentScope.SEE):
            return None
    return feed


def _reader(session: Session, feed: CalendarFeed) -> Actor:
    if feed.relative_id is not None:
        relative = session.get(Relative, feed.relative_id)
        return Actor(kind=ActorKind.RELATIVE, relative=relative, subject=feed.citizen)
    return Actor(kind=ActorKind.CITIZEN, citizen=feed.citizen, subject=feed.citizen)


def feed_calendar(session: Session, feed: CalendarFeed, now: datetime | None = None) -> bytes:
    """The iCalendar text of the feed's visits; logs the use (audit) and commits."""
    now = now or datetime.now(UTC)
    today = local_day(now)
    visits = session.scalars(
        select(Visit)
        .where(
            Visit.citizen_id == feed.citizen_id,
            Visit.day >= today - timedelta(days=FEED_DAYS_BACK),
            Visit.day < today + timedelta(days=FEED_DAYS_AHEAD),
        )
        .options(
            selectinload(Visit.services).selectinload(VisitService.service),
            selectinload(Visit.elements).selectinload(VisitElement.element),
        )
        .order_by(Visit.starts_at, Visit.id)
    ).all()
    # icalendar (125 modules, about 6 MB) only where a feed is read: most workers never do.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//selvvisitation//Mine besøg//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Home care visits"))
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    for visit in visits:
        calendar.add_component(_event(visit, now))
    calendar.add_missing_timezones()
    feed.last_used_at = now
    audit.record(
        "read",
        citizen=feed.citizen,
        object_type="calendar_feed",
        object_id=feed.id,
        purpose="calendar_feed",
        actor=_reader(session, feed),
    )
    session.commit()
    ical: bytes = calendar.to_ical()
    return ical


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _event(visit: Visit, now: datetime) -> Event:
    from icalendar import Event  # see feed_calendar: loaded with the first feed

    event = Event()
    event.add("uid", f"visit-{visit.id}@selvvisitation")
    event.add("dtstamp", now)
    event.add("dtstart", _aware(visit.starts_at).astimezone(LOCAL))
    event.add("dtend", _aware(visit.ends_at).astimezone(LOCAL))
    event.add("summary", _("Home care visit"))
    # The services' names only (issue 14): no notes, no wishes, no CPR number.
    names = [service_name(line.service) for line in visit.services if line.service is not None]
    names += [line.element.name_da for line in visit.elements]
    if names:
        event.add("description", ", ".join(names))
    event.add("status", "CANCELLED" if visit.cancelled else "CONFIRMED")
    return event
