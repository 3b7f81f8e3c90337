"""The swap check of flexible home help (Serviceloven § 94 a; DOMAIN.md rules 1-6, 9, 10).

``check_swap`` tells the citizen whether a wished swap keeps to the rules, with every
reason when it does not; ``explain_alternatives`` says what would work instead. Neither
makes the decision: the home-care worker still judges on the day whether the swap is
safe (rule 5), which is why the "worker_decides_on_the_day" notice is always returned.

Violation codes are stable: the UI translates them and the database stores them.

| code                              | rule (DOMAIN.md) | seed                               |
|-----------------------------------|------------------|------------------------------------|
| nothing_to_drop                   | 1, 4             | 004 §1.3.3; 002 §8                 |
| nothing_chosen                    | 1                | 004 §1.3.3; 002 §8                 |
| drop_not_granted                  | 1                | 004 §1.3.3 footnote 2              |
| drop_not_swappable                | 9 (and 5)        | 002 "Borgerens mulighed for at bytte" |
| drop_not_active_on_date           | 1                | 003 "Midlertidig indsats"          |
| drop_minutes_exceed_granted       | 4                | 004 §1.3.3; 002 §8                 |
| drop_exceeds_time_frame           | 4                | 004 §1.3.3; 002 §8                 |
| add_unknown_service               | 2                | 002 (catalogue)                    |
| add_not_swappable_to              | 9                | 002 "Borgerens mulighed for at bytte" |
| outside_service_level_not_allowed | 2                | 004 §1.3.3; 002 §8 and rows        |
| category_crossing_requires_both   | 3                | 004 §1.3.3; 002 §8                 |
| over_time_frame                   | 4                | 004 §1.3.3; 002 §8                 |
| visit_already_booked              | 4                | 004 §1.3.3; 002 §8                 |
| invalid_minutes                   | 4                | (sanity: 1..MAX_LINE_MINUTES)      |
| bad_period                        | 1                | (sanity: date missing, reversed, past) |

Time frame (rule 4) per policy window:

- VISIT: the minutes chosen must fit in the minutes freed by the services dropped at
  that visit, in this proposal. ``already_*`` are ignored: each visit balances alone.
- WEEK / TWO_WEEKS: the minutes chosen must fit in the minutes freed in the window:
  dropped now, plus ``already_dropped_minutes`` earlier in the window, minus
  ``already_swapped_in_minutes`` already used in it. Earlier drops count only up to
  ``window_minutes`` (the window's time frame), and no proposal may bring the window's
  dropped minutes above it ("drop_exceeds_time_frame"). A drop without a choice
  ("save the minutes for Friday") and a choice paid by earlier drops are both allowed.

Other swaps at the same visit (``visit_bookings``): all active swaps at one visit together
stay within its time frame (services/bookings.book_swap refuses the one that does not
fit), so the minutes chosen must also fit in what the visit's frame has left after the
minutes other swaps already added there ("visit_already_booked"). A standing wish for a
period is given every visit it covers: the tightest one decides. A visit where no other
swap holds minutes is left to the window's rule above.

Minutes count as claimed by the lines, so each reason is reported on its own: a drop
that is not swappable still counts as freed in the over_time_frame figures.

The package: terms.py (what a check is given and gives back), readers.py (reading it
defensively), check.py (one function per rule, and check_swap) and alternatives.py (one
function per alternative, and explain_alternatives).
"""

from selvvisitation.domain.swaps.alternatives import explain_alternatives
from selvvisitation.domain.swaps.check import check_swap
from selvvisitation.domain.swaps.readers import tightest_visit
from selvvisitation.domain.swaps.terms import (
    MAX_LINE_MINUTES,
    MAX_SUGGESTED_SERVICES,
    NOTICES,
    VIOLATION_CODES,
    Alternative,
    ProposedSwap,
    SwapCheckResult,
    SwapLine,
    Violation,
    VisitBooking,
)

__all__ = [
    "MAX_LINE_MINUTES",
    "MAX_SUGGESTED_SERVICES",
    "NOTICES",
    "VIOLATION_CODES",
    "Alternative",
    "ProposedSwap",
    "SwapCheckResult",
    "SwapLine",
    "Violation",
    "VisitBooking",
    "check_swap",
    "explain_alternatives",
    "tightest_visit",
]
