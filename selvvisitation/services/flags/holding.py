"""Every flag rule that holds for a set of citizens: each law's rules for its citizens,
counting only evidence after a visitator dismissed the same flag. The one code path of the
evaluation and of the policy preview."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.dates import local_day
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagStatus, LegalBasis
from selvvisitation.models import Decision, Flag, Visit
from selvvisitation.services.flags.ael_rules import element_declines, priorities_not_met
from selvvisitation.services.flags.found import Dismissed, Found
from selvvisitation.services.flags.law import ael_citizen_ids, current_ael_decisions
from selvvisitation.services.flags.sel_rules import sel_findings


def find_holding(
    session: Session,
    policy: Policy,
    as_of: date,
    citizen_ids: sa.Select[Any],
    *,
    law: LegalBasis | None = None,
) -> list[Found]:
    """Every flag rule that holds on ``as_of`` for the citizens ``citizen_ids`` selects.

    Only evidence after a visitator dismissed the same flag counts. The one code path
    for the evaluation (which opens, keeps and closes flags) and the policy preview
    (which only counts, for a policy not saved yet): a preview counts exactly as the
    evaluation will.

    ``law``, when given, is the law every selected citizen's decision is under (one
    citizen's evaluation): only that law's rules are asked, the other law's queries not.
    """
    dismissed = _dismissed_on(session, citizen_ids)
    found: list[Found] = []
    if law is not LegalBasis.AEL:
        sel_scope: sa.ColumnElement[bool] = Visit.citizen_id.in_(citizen_ids)
        if law is None:
            sel_citizen = Decision.citizen_id == Visit.citizen_id
            sel_scope = and_(sel_scope, ~current_ael_decisions(sel_citizen).exists())
        found += sel_findings(session, policy, as_of, sel_scope, dismissed)
    if law is not LegalBasis.SEL:
        ael_ids = citizen_ids if law is LegalBasis.AEL else ael_citizen_ids(citizen_ids)
        ael_scope = Visit.citizen_id.in_(ael_ids)
        found += element_declines(session, policy, as_of, ael_scope, dismissed)
        found += priorities_not_met(session, policy, as_of, ael_ids, dismissed)
    return found


def _dismissed_on(session: Session, citizen_ids: Any) -> Dismissed:
    """Return the latest dismissal day per (citizen, key): only later events count."""
    rows = session.execute(
        select(Flag.citizen_id, Flag.key, func.max(Flag.dismissed_at))
        .where(Flag.status == FlagStatus.DISMISSED, Flag.citizen_id.in_(citizen_ids))
        .group_by(Flag.citizen_id, Flag.key)
    )
    result: Dismissed = {}
    for citizen_id, key, dismissed_at in rows:
        if dismissed_at is None:
            continue
        result[(citizen_id, key)] = local_day(dismissed_at)
    return result
