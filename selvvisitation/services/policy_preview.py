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
    ids: frozenset[int]  # the citizens flagged, for who changes
    repeated_deselection: int
    time_deviation: int
    # Ældreloven (DOMAIN.md "Ældreloven"): the two flags of AEL citizens.
    repeated_element_decline: int = 0
    priorities_not_met: int = 0


@dataclass(frozen=True)
class PolicyPreview:
    current: FlagCount
    proposed: FlagCount
    # Who the change concerns (issue 12: a count alone does not show what changes), by name.
    newly_flagged: tuple[Citizen, ...] = ()
    no_longer_flagged: tuple[Citizen, ...] = ()


def flag_count(
    session: Session, municipality: Municipality, policy: Policy, as_of: date
) -> FlagCount:
    """How many citizens the policy would flag today, in all and per rule."""
    citizen_ids = select(Citizen.id).where(Citizen.municipality_id == municipality.id)
    found = find_holding(session, policy, as_of, citizen_ids)
    per_rule = {rule: {f.citizen_id for f in found if f.finding.rule is rule} for rule in FlagRule}
    flagged = frozenset(f.citizen_id for f in found)
    return FlagCount(
        citizens=len(flagged),
        ids=flagged,
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
    now = flag_count(session, municipality, current, as_of)
    new = flag_count(session, municipality, proposed, as_of)
    changed = (now.ids | new.ids) - (now.ids & new.ids)
    citizens = {
        c.id: c
        for c in (
            session.scalars(select(Citizen).where(Citizen.id.in_(changed))) if changed else []
        )
    }

    def named(ids: frozenset[int]) -> tuple[Citizen, ...]:
        return tuple(sorted((citizens[i] for i in ids), key=lambda c: (c.name, c.id)))

    return PolicyPreview(
        current=now,
        proposed=new,
        newly_flagged=named(new.ids - now.ids),
        no_longer_flagged=named(now.ids - new.ids),
    )
