"""The provider report's rules: rates per 100 visits, which visits they count, and how a
provider's figure compares with the municipality's, in words (issues 11 and 12).

Plain code, no Flask and no database; services/supervision_report.py counts, these rules read
the counts.

- **Two laws, two kinds of visit** (DOMAIN.md "Ældreloven"). A visit whose lines are elements
  of a forløb is an Ældreloven (AEL) visit; every other visit is a Serviceloven (SEL) visit.
  A SEL figure (swaps, time deviations, repeated deselections, minutes) is counted per 100 SEL
  visits, an AEL figure (priorities, declined elements, the AEL flags) per 100 AEL visits:
  an AEL citizen cannot swap and has no minutes (Serviceloven § 2 stk. 5; ÆL § 10), so her
  visits must not thin out a provider's SEL figures, nor the other way round. Figures of both
  laws (reassessments, changed decisions) are counted per 100 visits of either kind.
- **A priority's day** is its visit's day; a standing priority answered without a visit counts
  on the day it was answered (the rule of the AEL flag, docs/aeldreloven.md).
- **Comparison in words** (issue 12): the provider's rate is "as the municipality" when it is
  at most ``SAME_SHARE`` (20 %) of the municipality's rate away from it, or at most
  ``SAME_POINTS`` (1 per 100 visits) away; otherwise higher or lower. The small absolute margin
  keeps one event at a small provider from reading as a difference. The municipality's figure
  includes the provider's own. Shown on the page beside the table.
"""

from __future__ import annotations

import enum
from datetime import date

SAME_SHARE = 0.20  # within 20 % of the municipality's rate ...
SAME_POINTS = 1.0  # ... or within 1 per 100 visits: "as the municipality"
# "What stands out": at least twice the municipality's rate, and more than a single event.
STANDS_OUT_FACTOR = 2
STANDS_OUT_MIN_COUNT = 2


class Comparison(enum.StrEnum):
    HIGHER = "higher"
    SAME = "same"
    LOWER = "lower"
    NO_VISITS = "no_visits"  # the provider had no visits of this kind in the period


def per_100(count: int, visits: int) -> float | None:
    """The count per 100 visits, to one decimal; None without visits (nothing to divide by)."""
    return None if visits == 0 else round(100 * count / visits, 1)


def compare(rate: float | None, municipality_rate: float | None) -> Comparison:
    """How the provider's rate compares with the municipality's (the rates as shown)."""
    if rate is None or municipality_rate is None:
        return Comparison.NO_VISITS
    margin = max(SAME_SHARE * municipality_rate, SAME_POINTS)
    # Compared in tenths, as shown, so 21.2 against 20.2 is the same on the page and here.
    difference = round(rate - municipality_rate, 1)
    if abs(difference) <= round(margin, 1):
        return Comparison.SAME
    return Comparison.HIGHER if difference > 0 else Comparison.LOWER


def stands_out(count: int, rate: float | None, municipality_rate: float | None) -> bool:
    """At least twice the municipality's rate, and more than a single event."""
    if rate is None or municipality_rate is None or count < STANDS_OUT_MIN_COUNT:
        return False
    return rate >= STANDS_OUT_FACTOR * municipality_rate


def priority_day(visit_day: date | None, answered_day: date) -> date:
    """The day a priority counts on: its visit's day, else the day it was answered."""
    return visit_day if visit_day is not None else answered_day
