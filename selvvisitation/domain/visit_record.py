"""The check of a visit as the home-care worker recorded it; pure, no database.

The worker tells what happened with each planned service (delivered, changed,
dropped for a swap, not delivered), what was done instead, and for each wished
swap whether it was accepted or declined. This module checks that record before
it is saved and returns every problem, so the worker can correct it:

| problem code                 | rule (DOMAIN.md) | seed                                  |
|------------------------------|------------------|---------------------------------------|
| swap_undecided               | 5                | 002 §8; 004 §1.3.3                    |
| decline_reason_missing       | 5                | 002 §8 ("forsvarligt"), 004           |
| decline_text_missing         | 5                | 002 §8                                |
| accepted_drop_not_dropped    | 1, 5             | 004 §1.3.3 footnote 2                 |
| accepted_add_not_done        | 1, 5             | 004 §1.3.3 footnote 2                 |
| declined_drop_dropped        | 5                | 002 §8: in doubt the granted help is delivered |
| acknowledgement_missing      | 6                | 004 footnote 2; 002 §8 (§ 90)         |
| swap:<violation code>        | 1-4, 9, 10       | see domain.swaps                      |

Rule 5 is the worker's judgement: accepting or declining is recorded, never
computed. The rules engine (``check_swap``) checks what was dropped and done
instead against the grant, the catalogue and the time frame (rule 4).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps import ProposedSwap, SwapCheckResult, SwapLine, check_swap
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import DeclineReason, VisitServiceOutcome

RECORDABLE_OUTCOMES: tuple[VisitServiceOutcome, ...] = (
    VisitServiceOutcome.DELIVERED,
    VisitServiceOutcome.CHANGED,
    VisitServiceOutcome.DROPPED,
    VisitServiceOutcome.NOT_DELIVERED,
)


@dataclass(frozen=True)
class PlannedItem:
    """One planned service at the visit and what the worker recorded for it."""

    key: str
    service_code: str | None
    planned_minutes: int
    outcome: VisitServiceOutcome
    minutes: int | None = None  # the minutes actually spent, for CHANGED

    @property
    def delivered_minutes(self) -> int:
        if self.outcome is VisitServiceOutcome.DELIVERED:
            return self.planned_minutes
        if self.outcome is VisitServiceOutcome.CHANGED:
            return self.minutes or 0
        return 0


@dataclass(frozen=True)
class DoneInstead:
    """A service done instead of a dropped one (the swap's chosen help)."""

    key: str
    service_code: str | None
    minutes: int
    free_text: str | None = None


@dataclass(frozen=True)
class WishedSwap:
    """A swap the citizen (or a relative) asked for before the visit."""

    key: str
    drop_codes: tuple[str, ...]
    add_codes: tuple[str, ...]
    acknowledged: bool  # rule 6 was confirmed when the wish was made


@dataclass(frozen=True)
class SwapDecision:
    """The worker's answer to a wished swap (rule 5): accepted, or declined with a reason."""

    key: str
    accepted: bool | None
    reason: DeclineReason | None = None
    text: str = ""


@dataclass(frozen=True)
class RecordProblem:
    """One problem with the record; ``field`` says where the worker corrects it."""

    code: str
    field: str
    # dataclasses.field in full: the attribute above named `field` shadows the import here.
    data: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RecordCheck:
    problems: tuple[RecordProblem, ...]
    swap_result: SwapCheckResult | None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def dropped_items(items: Sequence[PlannedItem]) -> list[PlannedItem]:
    return [i for i in items if i.outcome is VisitServiceOutcome.DROPPED]


def needs_acknowledgement(
    items: Sequence[PlannedItem], swaps: Sequence[WishedSwap], decisions: Mapping[str, SwapDecision]
) -> bool:
    """Rule 6: a dropped granted service needs the citizen's acknowledgement.

    Not asked again when every dropped service belongs to an accepted wish the
    citizen already confirmed with the § 90 notice.
    """
    acknowledged_codes = {
        code
        for swap in swaps
        if swap.acknowledged and _accepted(decisions.get(swap.key))
        for code in swap.drop_codes
    }
    return any(item.service_code not in acknowledged_codes for item in dropped_items(items))


def _accepted(decision: SwapDecision | None) -> bool:
    return decision is not None and decision.accepted is True


def _decision_problems(
    swaps: Sequence[WishedSwap],
    decisions: Mapping[str, SwapDecision],
    items: Sequence[PlannedItem],
    instead: Sequence[DoneInstead],
) -> list[RecordProblem]:
    problems: list[RecordProblem] = []
    dropped_codes = {i.service_code for i in dropped_items(items)}
    done_codes = {d.service_code for d in instead if d.service_code}
    for swap in swaps:
        decision = decisions.get(swap.key)
        target = f"swap_{swap.key}"
        if decision is None or decision.accepted is None:
            problems.append(RecordProblem("swap_undecided", target))
            continue
        if decision.accepted:
            for code in swap.drop_codes:
                if code not in dropped_codes:
                    problems.append(
                        RecordProblem("accepted_drop_not_dropped", target, {"service_code": code})
                    )
            for code in swap.add_codes:
                if code not in done_codes:
                    problems.append(
                        RecordProblem("accepted_add_not_done", target, {"service_code": code})
                    )
            continue
        if decision.reason is None:
            problems.append(RecordProblem("decline_reason_missing", f"reason_{swap.key}"))
        elif decision.reason is DeclineReason.OTHER and not decision.text.strip():
            problems.append(RecordProblem("decline_text_missing", f"reason_text_{swap.key}"))
        for code in swap.drop_codes:
            # Rule 5: when the swap is not safe, the granted help is delivered.
            if code in dropped_codes:
                problems.append(
                    RecordProblem("declined_drop_dropped", target, {"service_code": code})
                )
    return problems


def _swap_field(
    violation_code: str,
    data: Mapping[str, object],
    items: Sequence[PlannedItem],
    instead: Sequence[DoneInstead],
) -> str:
    """Point a rules-engine violation at the field where it can be corrected."""
    dropped = dropped_items(items)
    line = data.get("line")
    side = data.get("side")
    if violation_code.startswith("drop") or side == "drop":
        if isinstance(line, int) and 0 <= line < len(dropped):
            return f"outcome_{dropped[line].key}"
        code = data.get("service_code")
        for item in dropped:
            if item.service_code == code:
                return f"outcome_{item.key}"
        return f"outcome_{dropped[0].key}" if dropped else "instead"
    if isinstance(line, int) and 0 <= line < len(instead):
        return f"instead_service_{instead[line].key}"
    if violation_code == "nothing_chosen" or not instead:
        return f"instead_service_{instead[0].key}" if instead else "instead"
    if violation_code == "nothing_to_drop" and items:
        return f"outcome_{items[0].key}"
    return f"instead_minutes_{instead[0].key}"


def check_visit_record(
    *,
    day: date,
    items: Sequence[PlannedItem],
    instead: Sequence[DoneInstead],
    swaps: Sequence[WishedSwap],
    decisions: Mapping[str, SwapDecision],
    acknowledged_now: bool,
    granted: Sequence[GrantedService],
    catalogue: Mapping[str, CatalogueService],
    policy: Policy,
    window_minutes: int,
    already_swapped_in_minutes: int = 0,
    already_dropped_minutes: int = 0,
) -> RecordCheck:
    """Check a visit record: the worker's decisions (rule 5), rule 6, and the swap (rules 1-4)."""
    problems = _decision_problems(swaps, decisions, items, instead)
    dropped = dropped_items(items)
    swap_result = None
    if dropped or instead:
        proposal = ProposedSwap(
            drop=tuple(SwapLine(i.service_code, i.planned_minutes) for i in dropped),
            add=tuple(SwapLine(d.service_code, d.minutes, d.free_text) for d in instead),
            visit_date=day,
        )
        swap_result = check_swap(
            granted=granted,
            catalogue=catalogue,
            policy=policy,
            proposal=proposal,
            window_minutes=window_minutes,
            already_swapped_in_minutes=already_swapped_in_minutes,
            already_dropped_minutes=already_dropped_minutes,
        )
        for violation in swap_result.violations:
            problems.append(
                RecordProblem(
                    f"swap:{violation.code}",
                    _swap_field(violation.code, violation.data, items, instead),
                    dict(violation.data),
                )
            )
    if needs_acknowledgement(items, swaps, decisions) and not acknowledged_now:
        problems.append(RecordProblem("acknowledgement_missing", "acknowledged"))
    return RecordCheck(problems=tuple(problems), swap_result=swap_result)
