"""Opening cases for the visitators, with their deadline in working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind
from selvvisitation.domain.urgency import URGENT_PRIORITY, urgent_words
from selvvisitation.domain.workdays import add_working_days
from selvvisitation.models import Case, CaseEvent, Citizen
from selvvisitation.services.adapters import policy_for


def case_deadline(citizen: Citizen, opened_on: date) -> date:
    """The case deadline: the municipality's case processing time in working days (002)."""
    policy = policy_for(citizen.municipality)
    return add_working_days(
        opened_on,
        policy.case_deadline_working_days,
        optional_holidays_are_working_days=policy.optional_holidays_are_working_days,
    )


def call_back_deadline(citizen: Citizen, asked_on: date) -> date:
    """When the visitation calls back ("Ring mig op", issue 13): the municipality's
    ``call_back_working_days`` after the day she asked (default 1: the next working day;
    asked on a Saturday, Monday)."""
    policy = policy_for(citizen.municipality)
    return add_working_days(
        asked_on,
        policy.call_back_working_days,
        optional_holidays_are_working_days=policy.optional_holidays_are_working_days,
    )


def open_case(
    session: Session,
    *,
    citizen: Citizen,
    kind: CaseKind,
    title: str,
    actor_kind: ActorKind,
    actor_staff_id: int | None = None,
    actor_relative_id: int | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
    priority: int = 2,
    opened_on: date | None = None,
    deadline: date | None = None,
) -> Case:
    """Open a case with its first event; the caller commits. The deadline is the case
    processing time unless the kind has its own (a call back: services.cases above).

    A case the citizen or a relative opens in words that say she fell or got worse is high
    priority, with those words kept for the queue (domain/urgency.py).
    """
    opened_on = opened_on or local_today()
    said = urgent_words(text) if actor_kind in (ActorKind.CITIZEN, ActorKind.RELATIVE) else ()
    case = Case(
        municipality_id=citizen.municipality_id,
        citizen=citizen,
        kind=kind,
        title=title,
        priority=URGENT_PRIORITY if said else priority,
        priority_words=", ".join(said)[:200],
        deadline=deadline or case_deadline(citizen, opened_on),
    )
    case.events.append(
        CaseEvent(
            actor_kind=actor_kind,
            actor_staff_id=actor_staff_id,
            actor_relative_id=actor_relative_id,
            kind="opened",
            text=text,
            data=data or {},
        )
    )
    session.add(case)
    return case
