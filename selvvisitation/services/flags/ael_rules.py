"""The Ældreloven rules for AEL citizens: an element declined again and again (ÆL § 1,
stk. 2) and priorities not met (ÆL § 11)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.ael import (
    ElementDecline,
    UnmetPriority,
    element_decline_findings,
    priorities_not_met_finding,
)
from selvvisitation.domain.dates import local_day
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import (
    ElementOutcome,
    FlagRule,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.models import CareProgrammeElement, Visit, VisitElement, VisitPriority
from selvvisitation.services.flags.found import Dismissed, Found
from selvvisitation.services.flags.windows import visit_cancelled_by_citizen

# Citizens per query for the AEL declines' lines: few enough that PostgreSQL reads them by
# citizen (ix_visit_citizen_day), not the whole window (at 500 it read the window).
CITIZENS_PER_QUERY = 25


def element_declines(
    session: Session,
    policy: Policy,
    as_of: date,
    visit_scope: sa.ColumnElement[bool],
    dismissed: Dismissed,
) -> list[Found]:
    """Elements an AEL citizen declined at N visits or more in D days; candidates in SQL.

    When the municipality counts the citizen's cancellations (issue 14), each element planned
    at a visit her side cancelled counts as a decline, as a SEL citizen's cancelled services
    count as deselections (rule 7, 002 §8)."""
    window_start = as_of - timedelta(days=policy.element_decline_threshold_days - 1)
    declined = and_(VisitElement.outcome == ElementOutcome.DECLINED, Visit.cancelled.is_(False))
    if policy.citizen_cancellations_count_as_deselection:
        declined = sa.or_(declined, visit_cancelled_by_citizen())
    declined_in_window = and_(
        declined,
        Visit.day >= window_start,
        Visit.day <= as_of,
        visit_scope,
    )
    base = select(Visit.citizen_id).join(VisitElement, VisitElement.visit_id == Visit.id)
    candidates = (
        base.where(declined_in_window)
        .group_by(Visit.citizen_id, VisitElement.element_id)
        .having(func.count(sa.distinct(Visit.id)) >= policy.element_decline_threshold_count)
    )
    citizens = sorted(set(session.scalars(candidates)))
    per_citizen: dict[int, list[ElementDecline]] = defaultdict(list)
    for start in range(0, len(citizens), CITIZENS_PER_QUERY):
        chunk = citizens[start : start + CITIZENS_PER_QUERY]
        rows = session.execute(
            select(
                Visit.citizen_id,
                Visit.id,
                Visit.day,
                VisitElement.element_id,
                CareProgrammeElement.name_da,
                CareProgrammeElement.fsiii_code,
            )
            .join(VisitElement, VisitElement.visit_id == Visit.id)
            .join(CareProgrammeElement, CareProgrammeElement.id == VisitElement.element_id)
            .where(declined_in_window, Visit.citizen_id.in_(chunk))
        )
        for citizen_id, visit_id, day, element_id, name, fsiii_code in rows:
            per_citizen[citizen_id].append(
                ElementDecline(day, str(element_id), str(visit_id), name, fsiii_code)
            )
    found: list[Found] = []
    rule = FlagRule.REPEATED_ELEMENT_DECLINE.value
    for citizen_id, items in sorted(per_citizen.items()):
        counted_after = {
            item.element_key: dismissed[(citizen_id, f"{rule}:{item.element_key}")]
            for item in items
            if (citizen_id, f"{rule}:{item.element_key}") in dismissed
        }
        found.extend(
            Found(citizen_id, None, finding)
            for finding in element_decline_findings(
                items, policy, as_of=as_of, counted_after=counted_after
            )
        )
    return found


def priorities_not_met(
    session: Session,
    policy: Policy,
    as_of: date,
    ael_ids: sa.Select[Any],
    dismissed: Dismissed,
) -> list[Found]:
    """AEL citizens with N priorities or more not met in D days.

    A priority's day is its visit's day, or, for a standing priority, the day it was
    answered. The SQL narrows by the answer time with a day's margin either side (local
    and UTC days differ); the pure rule counts the exact window.
    """
    days = policy.priorities_not_met_threshold_days
    window_start = as_of - timedelta(days=days - 1)
    not_met = and_(
        VisitPriority.status == PriorityStatus.NOT_MET,
        VisitPriority.answered_at.is_not(None),
        VisitPriority.citizen_id.in_(ael_ids),
    )
    # A priority is answered on or after its visit's day: a bound on the answer time.
    earliest = window_start - timedelta(days=2)
    rows = session.execute(
        select(
            VisitPriority.citizen_id,
            VisitPriority.reference,
            VisitPriority.answered_at,
            VisitPriority.not_met_reason,
            VisitPriority.text,
            Visit.day,
        )
        .outerjoin(Visit, Visit.id == VisitPriority.visit_id)
        .where(not_met, VisitPriority.answered_at >= datetime.combine(earliest, time(), UTC))
        .order_by(VisitPriority.citizen_id, VisitPriority.id)
    )
    per_citizen: dict[int, list[UnmetPriority]] = defaultdict(list)
    for citizen_id, reference, answered_at, reason, text, visit_day in rows:
        assert answered_at is not None  # the WHERE above compares it with a day
        day = visit_day or local_day(answered_at)
        per_citizen[citizen_id].append(
            UnmetPriority(day, reference, reason or PriorityNotMetReason.OTHER, text)
        )
    found: list[Found] = []
    key_prefix = FlagRule.PRIORITIES_NOT_MET.value
    for citizen_id, items in sorted(per_citizen.items()):
        finding = priorities_not_met_finding(
            items,
            policy,
            as_of=as_of,
            counted_after=dismissed.get((citizen_id, f"{key_prefix}:forløb")),
        )
        if finding is not None:
            found.append(Found(citizen_id, None, finding))
    return found
