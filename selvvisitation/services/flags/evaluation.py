"""Evaluating flags: what holds is reconciled with the flags already there. An open flag
that still holds is kept (its evidence updated), one that no longer holds is closed with
its reason, and a new finding opens a flag (routing.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import FlagStatus, LegalBasis
from selvvisitation.models import Citizen, Flag, Municipality, utcnow
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.flags.found import Found
from selvvisitation.services.flags.holding import find_holding
from selvvisitation.services.flags.law import IDS_PER_QUERY, bases_of
from selvvisitation.services.flags.report import EvaluationReport, outcome
from selvvisitation.services.flags.routing import (
    json_ready,
    note_cases_without_open_flags,
    open_new_flags,
)
from selvvisitation.services.flags.wording import closed_reason


class CitizenNotFoundError(LookupError):
    """No citizen with the id given."""


def evaluate_citizen(
    session: Session, citizen_id: int, *, as_of: date | None = None
) -> EvaluationReport:
    """Evaluate one citizen's flags, e.g. right after a swap or a visit record is saved."""
    # Her municipality and its policy in one round trip, not the citizen, then each by a
    # lazy load (issue 17: seven statements a recorded visit, now five).
    municipality = session.scalar(
        select(Municipality)
        .join(Citizen, Citizen.municipality_id == Municipality.id)
        .where(Citizen.id == citizen_id)
        .options(joinedload(Municipality.policy))
    )
    if municipality is None:
        raise CitizenNotFoundError(citizen_id)
    law = bases_of(session, {citizen_id})[citizen_id]
    return _evaluate(session, municipality, as_of, Citizen.id == citizen_id, law=law)


def evaluate_municipality(
    session: Session, municipality_id: int, *, as_of: date | None = None
) -> EvaluationReport:
    """Evaluate every citizen of the municipality in a few grouped queries."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise LookupError(municipality_id)
    return _evaluate(session, municipality, as_of, Citizen.municipality_id == municipality_id)


def _evaluate(
    session: Session,
    municipality: Municipality,
    as_of: date | None,
    citizen_scope: sa.ColumnElement[bool],
    *,
    law: LegalBasis | None = None,
) -> EvaluationReport:
    as_of = as_of or local_today()
    policy = policy_for(municipality)
    citizen_ids = select(Citizen.id).where(citizen_scope)
    if law is None:  # the municipality's citizens; one citizen's evaluation knows her law
        citizens_evaluated = session.scalar(
            select(func.count()).select_from(Citizen).where(citizen_scope)
        )
    else:
        citizens_evaluated = 1
    found = find_holding(session, policy, as_of, citizen_ids, law=law)
    holding = {(item.citizen_id, item.finding.key): item for item in found}

    # The open flags as rows: most are kept unchanged, and only those that change or
    # close are loaded as objects to be written (issue 17: 1,241 objects built a night).
    open_flags = session.execute(
        select(
            Flag.id,
            Flag.citizen_id,
            Flag.rule,
            Flag.key,
            Flag.period_start,
            Flag.period_end,
            Flag.evidence,
            Flag.case_id,
        )
        .where(Flag.status == FlagStatus.OPEN, Flag.citizen_id.in_(citizen_ids))
        .order_by(Flag.citizen_id, Flag.key)
    ).all()
    report = EvaluationReport(as_of=as_of, citizens_evaluated=citizens_evaluated or 0)
    changed: dict[int, tuple[Found, dict[str, Any]]] = {}
    closing: list[int] = []
    for row in open_flags:
        item = holding.pop((row.citizen_id, row.key), None)
        if item is None:
            closing.append(row.id)
            continue
        finding = item.finding
        # Most kept flags hold the same evidence: equal as it stands, it is equal as JSON.
        same = row.evidence == finding.evidence or row.evidence == json_ready(finding.evidence)
        if (row.period_start, row.period_end) == (
            finding.period_start,
            finding.period_end,
        ) and same:
            report.outcomes.append(outcome("kept", row))
        else:
            changed[row.id] = (item, json_ready(finding.evidence))
    to_write = _flags_by_id(session, [*changed, *closing])
    bases = bases_of(session, {to_write[flag_id].citizen_id for flag_id in closing})
    now = utcnow()
    touched_cases: set[int] = set()
    for flag_id, (item, evidence) in changed.items():
        flag = to_write[flag_id]
        flag.period_start = item.finding.period_start
        flag.period_end = item.finding.period_end
        flag.evidence = evidence
        flag.updated_at = now
    for flag_id in closing:
        flag = to_write[flag_id]
        flag.status = FlagStatus.CLOSED
        flag.closed_at = now
        flag.updated_at = now
        flag.closed_reason = closed_reason(flag, policy, bases)
        if flag.case_id is not None:
            touched_cases.add(flag.case_id)

    new_flags = open_new_flags(session, list(holding.values()), as_of, report)
    session.flush()
    note_cases_without_open_flags(session, touched_cases)
    session.flush()

    report.outcomes.extend(outcome("kept", to_write[flag_id]) for flag_id in changed)
    report.outcomes.extend(
        outcome("closed", to_write[flag_id], to_write[flag_id].closed_reason) for flag_id in closing
    )
    for flag in new_flags:
        report.outcomes.append(outcome("opened", flag))
    report.outcomes.sort(key=lambda o: (o.citizen_id, o.key, o.action))
    return report


def _flags_by_id(session: Session, flag_ids: list[int]) -> dict[int, Flag]:
    """The flags to write, as objects, by id."""
    ids = sorted(flag_ids)
    flags: dict[int, Flag] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        flags.update(
            (flag.id, flag) for flag in session.scalars(select(Flag).where(Flag.id.in_(chunk)))
        )
    return flags
