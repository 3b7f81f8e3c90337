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

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule
from selvvisitation.models import Citizen, Municipality

# The flag evaluation's own finding step, so a preview counts exactly as it will.
from selvvisitation.services.flags import find_holding


@dataclass(frozen=True)
class FlagCount:
    citizens: int
    repeated_deselection: int
    time_deviation: int
    # Ældreloven (DOMAIN.md "Ældreloven"): the two flags of AEL citizens.
    repeated_element_decline: int = 0
    priorities_not_met: int = 0


@dataclass(frozen=True)
class PolicyPreview:
    current: FlagCount
    proposed: FlagCount


def flag_count(
    session: Session, municipality: Municipality, policy: Policy, as_of: date
) -> FlagCount:
    """How many citizens the policy would flag today, in all and per rule."""
    citizen_ids = select(Citizen.id).where(Citizen.municipality_id == municipality.id)
    found = find_holding(session, policy, as_of, citizen_ids)
    per_rule = {rule: {f.citizen_id for f in found if f.finding.rule is rule} for rule in FlagRule}
    return FlagCount(
        citizens=len({f.citizen_id for f in found}),
        repeated_deselection=len(per_rule[FlagRule.REPEATED_DESELECTION]),
        time_deviation=len(per_rule[FlagRule.TIME_DEVIATION]),
        repeated_element_decline=len(per_rule[FlagRule.REPEATED_ELEMENT_DECLINE]),
        priorities_not_met=len(per_rule[FlagRule.PRIORITIES_NOT_MET]),
    )


def preview(
    session: Session,
    municipality: Municipality,
    current: Policy,
    proposed: Policy,
    as_of: date | None = None,
) -> PolicyPreview:
    as_of = as_of or local_today()
    return PolicyPreview(
        current=flag_count(session, municipality, current, as_of),
        proposed=flag_count(session, municipality, proposed, as_of),
    )
