""" "Mine ønsker og bytter": what the citizen has asked for at her coming visits, and cancelling
a swap or a wish the worker has not answered yet (issue 12 item 2). No Flask.

Nothing is deleted: a cancelled swap gets the status WITHDRAWN, a cancelled wish is no longer
active, and both keep who cancelled and when, in the same transaction as the audit entry.
A relative with consent to act may cancel too (seed 002 sections 10 and 16), and the citizen
sees that it was the relative. The worker's list shows only swaps that are not withdrawn
(services.staff_visits.wishes_for) and only active wishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.types import ActorKind, SwapStatus
from selvvisitation.models import Citizen, SwapLine, SwapRequest, Visit, Wish
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.security.locking import lock_for_write, locked_visit
from selvvisitation.services.visit_change_actions import by_whom


class WithdrawRefused(Exception):
    """It can no longer be cancelled here: ``answered`` (the worker has answered, or it no
    longer applies) or ``passed`` (the visit has begun or is recorded)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class MyRequests:
    swaps: list[SwapRequest] = field(default_factory=list)
    wishes: list[Wish] = field(default_factory=list)
    priorities: list[VisitPriority] = field(default_factory=list)


def my_requests(
    session: Session, actor: Actor, today: date, priorities: list[VisitPriority]
) -> MyRequests:
    """Her swaps for coming visits and periods, and her wishes: the active ones and those
    cancelled; the priorities as "Min hjælp" lists them (services.citizen_reads.recent_priorities).
    A relative's look is audited and committed here (seed 002 section 16)."""
    citizen = actor.subject
    if actor.relative is not None:
        audit.record("read", citizen=citizen, object_type="my_requests", purpose="relative_view")
        session.commit()
    swaps = session.scalars(
        select(SwapRequest)
        .outerjoin(Visit, SwapRequest.visit_id == Visit.id)
        .where(
            SwapRequest.citizen_id == citizen.id,
            or_(Visit.day >= today, SwapRequest.period_end >= today),
        )
        .options(
            selectinload(SwapRequest.visit),
            selectinload(SwapRequest.lines).selectinload(SwapLine.service),
        )
        .order_by(SwapRequest.created_at.desc(), SwapRequest.id.desc())
        .limit(50)
    )
    wishes = session.scalars(
        select(Wish)
        .where(Wish.citizen_id == citizen.id)
        .order_by(Wish.created_at.desc(), Wish.id.desc())
        .limit(20)
    )
    return MyRequests(list(swaps), list(wishes), priorities)


def may_withdraw(swap: SwapRequest, now: datetime) -> bool:
    """Sent, not answered by the worker, and its visit has not begun."""
    visit = swap.visit
    return (
        swap.status == SwapStatus.REQUESTED
        and swap.decided_at is None
        and (visit is None or (visit.recorded_at is None and visit.starts_at > now))
    )


def _record_withdrawal(
    session: Session, row: SwapRequest | Wish, citizen: Citizen, actor: Actor, now: datetime
) -> None:
    """Who cancelled and when, on the row and in the audit log; then commit."""
    kind, relative_id, purpose = by_whom(actor)
    row.withdrawn_at = now
    row.withdrawn_by_kind = kind
    row.withdrawn_by_relative_id = relative_id
    audit.record(
        "swap_withdrawn" if isinstance(row, SwapRequest) else "wish_withdrawn",
        citizen=citizen,
        object_type=type(row).__name__,
        object_id=row.id,
        purpose=purpose,
        detail={"reference": row.reference},
        actor=actor,
    )
    session.commit()


def withdraw_swap(
    session: Session, *, swap_id: int, citizen: Citizen, actor: Actor, now: datetime | None = None
) -> SwapRequest:
    """Cancel a swap the worker has not answered: recorded, audited, committed. Raises
    WithdrawRefused (nothing written) when the worker answered first or the visit began."""
    now = now or datetime.now(UTC)
    lock_for_write(session)
    visit_id = session.scalar(
        select(SwapRequest.visit_id).where(
            SwapRequest.id == swap_id, SwapRequest.citizen_id == citizen.id
        )
    )
    if visit_id is not None:
        locked_visit(session, visit_id)  # the worker's record of the visit locks it too
    swap = session.scalars(
        select(SwapRequest)
        .where(SwapRequest.id == swap_id, SwapRequest.citizen_id == citizen.id)
        .with_for_update()
    ).first()
    if swap is None or not may_withdraw(swap, now):
        session.rollback()
        raise WithdrawRefused(
            "passed" if swap is not None and swap.status == SwapStatus.REQUESTED else "answered"
        )
    swap.status = SwapStatus.WITHDRAWN
    _record_withdrawal(session, swap, citizen, actor, now)
    return swap


def withdraw_wish(
    session: Session, *, wish_id: int, citizen: Citizen, actor: Actor, now: datetime | None = None
) -> Wish:
    """Cancel a wish: it is no longer shown to the staff; recorded, audited, committed."""
    now = now or datetime.now(UTC)
    lock_for_write(session)
    wish = session.scalars(
        select(Wish).where(Wish.id == wish_id, Wish.citizen_id == citizen.id).with_for_update()
    ).first()
    if wish is None or not wish.active:
        session.rollback()
        raise WithdrawRefused("answered")
    wish.active = False
    _record_withdrawal(session, wish, citizen, actor, now)
    return wish


def by_relative(row: SwapRequest | Wish) -> bool:
    return row.withdrawn_by_kind == ActorKind.RELATIVE
