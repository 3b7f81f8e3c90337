"""The policy preview checked against a direct count (issue 12: a preview of 3 → 2 showed
7 → 7 on the demo, which was right: no demo citizen had dropped a service exactly 2 or 3
times; this test makes the same check on data built for it).

Rule 7 (seed 004 §1.3.3, seed 002 §8): a citizen who drops the same granted service at
`deselection_threshold_count` visits within `deselection_threshold_days` is flagged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from selvvisitation.domain.types import VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.policy_preview import preview

AS_OF = date(2026, 11, 18)


def _dropping(factories, municipality, times: int, *, days_back: int = 7):
    citizen = factories.Citizen(municipality=municipality, name=f"Dropper {times:02d}")
    service = factories.Service(municipality=municipality)
    granted = factories.GrantedService(
        decision=factories.Decision(citizen=citizen), service=service
    )
    for n in range(times):
        visit = factories.Visit(citizen=citizen, day=AS_OF - timedelta(days=days_back * (n + 1)))
        factories.VisitService(
            visit=visit,
            service=service,
            granted_service=granted,
            outcome=VisitServiceOutcome.DROPPED,
            delivered_minutes=0,
        )
    return citizen


@pytest.mark.parametrize(("now", "new"), [(3, 2), (2, 3), (3, 1), (1, 6), (4, 4)])
def test_the_preview_counts_and_names_exactly_who_a_direct_count_finds(factories, now, new):
    municipality = factories.Municipality()
    people = {times: _dropping(factories, municipality, times) for times in range(7)}
    # Drops older than the window do not count (here: 12 weekly drops, 4 of them in 30 days).
    slow = _dropping(factories, municipality, 12, days_back=7)
    db.session.commit()
    rules = policy_for(municipality)
    current = replace(rules, deselection_threshold_count=now, deselection_threshold_days=30)
    proposed = replace(rules, deselection_threshold_count=new, deselection_threshold_days=30)

    effect = preview(db.session, municipality, current, proposed, as_of=AS_OF)

    # Direct count: drops in the 30 days up to AS_OF are those 7, 14, 21 and 28 days back.
    in_window = {c.id: min(times, 4) for times, c in people.items()} | {slow.id: 4}

    def flagged(threshold: int) -> set[int]:
        return {cid for cid, drops in in_window.items() if drops >= threshold}

    assert effect.current.repeated_deselection == len(flagged(now))
    assert effect.proposed.repeated_deselection == len(flagged(new))
    assert {c.id for c in effect.newly_flagged} == flagged(new) - flagged(now)
    assert {c.id for c in effect.no_longer_flagged} == flagged(now) - flagged(new)
    names = [c.name for c in effect.newly_flagged]
    assert names == sorted(names)
