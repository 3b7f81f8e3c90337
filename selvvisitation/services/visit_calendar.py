"""The citizen's calendar "Mine besøg" (issue 14): the next 4 weeks, built once per request.

Each visit carries who is coming, what is planned, her wishes, swaps or priorities, what
changed (cancelled, moved, a move asked for and answered) and whether that happened since
the reader's last look; the reader is the citizen or one relative, each with her own look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.types import MoveRequestStatus
from selvvisitation.models import (
    CalendarFeed,
    CalendarLook,
    Citizen,
    MoveRequest,
    Visit,
    VisitChange,
    VisitElement,
    VisitService,
)
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.services.ael_visits import priorities_for
from selvvisitation.services.staff_visits import VisitWishes, wishes_for
from selvvisitation.services.transaction import one_transaction
from selvvisitation.services.visit_change_actions import (
    cancel_deadline,
    changes_for,
    move_requests_for,
)

CALENDAR_DAYS = 28  # issue 14: the next 4 weeks


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass
class CalendarEntry:
    visit: Visit
    changes: list[VisitChange] = field(default_factory=list)
    move_requests: list[MoveRequest] = field(default_factory=list)
    wishes: VisitWishes = field(default_factory=VisitWishes)
    priorities: list[VisitPriority] = field(default_factory=list)
    new_since_last_look: bool = False
    can_change: bool = False  # still to come, neither cancelled nor recorded

    @property
    def open_move_request(self) -> MoveRequest | None:
        return next(
            (r for r in self.move_requests if r.status == MoveRequestStatus.REQUESTED), None
        )


def _changed_after(entry: CalendarEntry, since: datetime) -> bool:
    moments = [_aware(c.created_at) for c in entry.changes]
    moments += [_aware(r.answered_at) for r in entry.move_requests]
    return any(moment is not None and moment > since for moment in moments)


@dataclass
class CalendarPage:
    session: Session
    citizen: Citizen
    relative_id: int | None
    today: date
    now: datetime

    @cached_property
    def last_look(self) -> datetime | None:
        look = self._look_row()
        return _aware(look.looked_at) if look is not None else None

    def _look_row(self) -> CalendarLook | None:
        return self.session.scalars(
            select(CalendarLook).where(
                CalendarLook.citizen_id == self.citizen.id,
                CalendarLook.relative_id.is_(None)
                if self.relative_id is None
                else CalendarLook.relative_id == self.relative_id,
            )
        ).first()

    @cached_property
    def visits(self) -> list[Visit]:
        return list(
            self.session.scalars(
                select(Visit)
                .where(
                    Visit.citizen_id == self.citizen.id,
                    Visit.day >= self.today,
                    Visit.day < self.today + timedelta(days=CALENDAR_DAYS),
                )
                .options(
                    selectinload(Visit.services).selectinload(VisitService.service),
                    selectinload(Visit.elements).selectinload(VisitElement.element),
                    selectinload(Visit.planned_staff),
                    selectinload(Visit.team),
                )
                .order_by(Visit.starts_at, Visit.id)
            )
        )

    @cached_property
    def entries(self) -> list[CalendarEntry]:
        visits = self.visits
        ids = [v.id for v in visits]
        changes = changes_for(self.session, ids)
        requests = move_requests_for(self.session, ids)
        wishes = wishes_for(self.session, visits)
        priorities = priorities_for(self.session, visits)
        entries = []
        for visit in visits:
            entry = CalendarEntry(
                visit=visit,
                changes=changes[visit.id],
                move_requests=requests[visit.id],
                wishes=wishes[visit.id],
                priorities=priorities[visit.id],
                can_change=(
                    not visit.cancelled
                    and visit.recorded_at is None
                    and (_aware(visit.starts_at) or self.now) > self.now
                ),
            )
            since = self.last_look
            entry.new_since_last_look = since is not None and _changed_after(entry, since)
            entries.append(entry)
        return entries

    @property
    def changed_count(self) -> int:
        return sum(1 for entry in self.entries if entry.new_since_last_look)

    @cached_property
    def feeds(self) -> list[CalendarFeed]:
        """The calendar links of whoever looks: the citizen's own, or this relative's."""
        return list(
            self.session.scalars(
                select(CalendarFeed).where(
                    CalendarFeed.citizen_id == self.citizen.id,
                    CalendarFeed.relative_id.is_(None)
                    if self.relative_id is None
                    else CalendarFeed.relative_id == self.relative_id,
                    CalendarFeed.revoked_at.is_(None),
                )
            )
        )

    def record_look(self) -> None:
        """Remember this look, and commit it (after the page is rendered: a commit expires
        what the page loaded): the next look marks what changed after it."""
        with one_transaction(self.session):
            look = self._look_row()
            if look is None:
                look = CalendarLook(citizen_id=self.citizen.id, relative_id=self.relative_id)
                self.session.add(look)
            look.looked_at = self.now


def may_cancel_in_time(visit: Visit, now: datetime) -> bool:
    return cancel_deadline(visit).allows(now)
