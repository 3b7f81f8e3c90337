"""The visit record check (domain.visit_record): rules 4, 5 and 6 of DOMAIN.md."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import (
    DeclineReason,
    Frequency,
    ServiceCategory,
    VisitServiceOutcome,
)
from selvvisitation.domain.visit_record import (
    DoneInstead,
    PlannedItem,
    SwapDecision,
    WishedSwap,
    check_visit_record,
)

DAY = date(2026, 3, 2)
CATALOGUE = {
    "VAC": CatalogueService("VAC", ServiceCategory.PRACTICAL_HELP, True, False, True, 30),
    "WALK": CatalogueService("WALK", ServiceCategory.OTHER, False, True, True, 30),
    "WIN": CatalogueService("WIN", ServiceCategory.PRACTICAL_HELP, True, False, True, 30),
}
GRANTED = [GrantedService("VAC", 30, Frequency.DAILY, start=date(2026, 1, 1))]
SWAP = WishedSwap("1", drop_codes=("VAC",), add_codes=("WALK",), acknowledged=True)
D, DROP = VisitServiceOutcome.DELIVERED, VisitServiceOutcome.DROPPED


def check(outcome=D, instead=(), swaps=(), decisions=None, acknowledged=False):
    return check_visit_record(
        day=DAY,
        items=[PlannedItem("10", "VAC", 30, outcome)],
        instead=list(instead),
        swaps=list(swaps),
        decisions=decisions or {},
        acknowledged_now=acknowledged,
        granted=GRANTED,
        catalogue=CATALOGUE,
        policy=Policy(),
        window_minutes=30,
    )


ACCEPT = {"1": SwapDecision("1", True)}


@pytest.mark.parametrize(
    "kwargs,codes",
    [
        # Delivered as planned, nothing wished: nothing to check.
        ({}, ()),
        # Rule 5 (002 §8): every wished swap gets the worker's answer.
        ({"swaps": [SWAP]}, ("swap_undecided",)),
        (
            {"swaps": [SWAP], "decisions": {"1": SwapDecision("1", False)}},
            ("decline_reason_missing",),
        ),
        (
            {
                "swaps": [SWAP],
                "decisions": {"1": SwapDecision("1", False, DeclineReason.OTHER, " ")},
            },
            ("decline_text_missing",),
        ),
        (
            {"swaps": [SWAP], "decisions": {"1": SwapDecision("1", False, DeclineReason.HYGIENE)}},
            (),
        ),
        # An accepted swap is what happened: the drop and the choice are in the record.
        (
            {"swaps": [SWAP], "decisions": ACCEPT},
            ("accepted_drop_not_dropped", "accepted_add_not_done"),
        ),
        (
            {
                "swaps": [SWAP],
                "decisions": ACCEPT,
                "outcome": DROP,
                "instead": [DoneInstead("0", "WALK", 30)],
            },
            (),
        ),
        # Rule 5: declined means the granted help is delivered.
        (
            {
                "swaps": [SWAP],
                "decisions": {"1": SwapDecision("1", False, DeclineReason.HYGIENE)},
                "outcome": DROP,
                "instead": [DoneInstead("0", "WALK", 30)],
                "acknowledged": True,
            },
            ("declined_drop_dropped",),
        ),
        # Rule 4 (004 §1.3.3, 002 §8): the choice must fit in the time frame.
        (
            {"outcome": DROP, "instead": [DoneInstead("0", "WALK", 40)], "acknowledged": True},
            ("swap:over_time_frame",),
        ),
        # Rule 6 (004 footnote 2, § 90): a drop agreed at the door needs the acknowledgement.
        ({"outcome": DROP, "instead": [DoneInstead("0", "WIN", 30)]}, ("acknowledgement_missing",)),
        ({"outcome": DROP, "instead": [DoneInstead("0", "WIN", 30)], "acknowledged": True}, ()),
    ],
)
def test_the_record_check_finds_every_problem(kwargs, codes):
    assert check(**kwargs).codes == codes


def test_problems_point_at_the_field_to_correct():
    result = check(outcome=DROP, instead=[DoneInstead("0", "WALK", 40)], acknowledged=True)
    assert [p.field for p in result.problems] == ["instead_minutes_0"]
    assert check(swaps=[SWAP]).problems[0].field == "swap_1"
