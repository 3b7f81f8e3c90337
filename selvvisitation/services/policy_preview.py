"""What a change of the municipality's rules would do, before it is saved.

Counts the citizens flagged for revisitation under the current policy and under
a proposed one, with the same queries the flag evaluation uses (services.flags),
and changes nothing: no flag is opened, kept or closed by a preview.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule
from selvvisitation.models import Citizen, Municipality, Visit

# The finding queries of the flag evaluation, reused so a preview counts exactly as it will.
from selvvisitation.services.flags import (  # noqa: PLC2701
    _deselections,
    _dismissed_on,
    _time_deviations,
)


@dataclass(frozen=True)
class FlagCount:
    citizens: int
    repeated_deselection: int
    time_deviation: int


@dataclass(frozen=True)
class PolicyPreview:
    current: FlagCount
    proposed: FlagCount


def flag_count(
    session: Session, municipality: Municipality, policy: Policy, as_of: date
) -> FlagCount:
    """How many citizens the policy would flag today, in all and per rule."""
    citizen_ids = select(Citizen.id).where(Citizen.municipality_id == municipality.id)
    scope = Visit.citizen_id.in_(citizen_ids)
    dismissed = _dismissed_on(session, citizen_ids)
    found = _deselections(session, policy, as_of, scope, dismissed)
    found += _time_deviations(session, policy, as_of, scope, dismissed)
    per_rule = {rule: {f.citizen_id for f in found if f.finding.rule is rule} for rule in FlagRule}
    return FlagCount(
        citizens=len({f.citizen_id for f in found}),
        repeated_deselection=len(per_rule[FlagRule.REPEATED_DESELECTION]),
        time_deviation=len(per_rule[FlagRule.TIME_DEVIATION]),
    )


def preview(
    session: Session, municipality: Municipality, current: Policy, proposed: Policy,
    as_of: date | None = None,
) -> PolicyPreview:
    as_of = as_of or date.today()
    return PolicyPreview(
        current=flag_count(session, municipality, current, as_of),
        proposed=flag_count(session, municipality, proposed, as_of),
    )
