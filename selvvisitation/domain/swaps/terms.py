"""What a swap check is given and gives back: a proposal's lines, the visits it falls on,
the violations and alternatives with their stable codes, and the notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from selvvisitation.domain.types import ServiceCategory

# Eight hours: no single service at one visit is longer; larger figures are typing errors.
MAX_LINE_MINUTES = 480

# How many services explain_alternatives lists at most; the UI shows them as choices.
MAX_SUGGESTED_SERVICES = 10

VIOLATION_CODES: Mapping[str, str] = {
    "nothing_to_drop": "Rules 1 and 4; 004 §1.3.3, 002 §8",
    "nothing_chosen": "Rule 1; 004 §1.3.3, 002 §8",
    "drop_not_granted": "Rule 1; 004 §1.3.3 footnote 2",
    "drop_not_swappable": "Rule 9; 002 'Borgerens mulighed for at bytte'",
    "drop_not_active_on_date": "Rule 1; 003 'Midlertidig indsats'",
    "drop_minutes_exceed_granted": "Rule 4; 004 §1.3.3, 002 §8",
    "drop_exceeds_time_frame": "Rule 4; 004 §1.3.3, 002 §8",
    "add_unknown_service": "Rule 2; 002 catalogue",
    "add_not_swappable_to": "Rule 9; 002 'Borgerens mulighed for at bytte'",
    "outside_service_level_not_allowed": "Rule 2; 004 §1.3.3, 002 §8",
    "category_crossing_requires_both": "Rule 3; 004 §1.3.3, 002 §8",
    "over_time_frame": "Rule 4; 004 §1.3.3, 002 §8",
    "visit_already_booked": "Rule 4; 004 §1.3.3, 002 §8 (all swaps at one visit together)",
    "invalid_minutes": "Rule 4 sanity: minutes between 1 and MAX_LINE_MINUTES",
    "bad_period": "Rule 1 sanity: one date or a period, not reversed, not past",
}

# Always shown before the citizen confirms: rule 6 (§ 90, 004 footnote 2) and rule 5.
NOTICES: tuple[str, ...] = ("cannot_demand_later", "worker_decides_on_the_day")

# Rule 3 concerns only these two categories.
_CROSSING_CATEGORIES = frozenset({ServiceCategory.PERSONAL_CARE, ServiceCategory.PRACTICAL_HELP})


@dataclass(frozen=True)
class SwapLine:
    """One service dropped or chosen: a catalogue code, or free text outside the catalogue."""

    service_code: str | None
    minutes: int
    free_text: str | None = None


@dataclass(frozen=True)
class ProposedSwap:
    """A wish for one coming visit (visit_date) or a standing wish for a period."""

    drop: tuple[SwapLine, ...]
    add: tuple[SwapLine, ...]
    visit_date: date | None = None
    period: tuple[date, date] | None = None


@dataclass(frozen=True)
class VisitBooking:
    """A visit the swap falls on: its time frame and the minutes other active swaps
    (asked for or accepted) already add there, as bookings.booked_minutes counts them."""

    day: date
    frame_minutes: int
    booked_minutes: int

    @property
    def free_minutes(self) -> int:
        return max(0, self.frame_minutes - self.booked_minutes)


@dataclass(frozen=True)
class Violation:
    """One reason a swap is not allowed; ``data`` is JSON-serialisable for the message."""

    code: str
    data: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SwapCheckResult:
    """The outcome of a check: every violation, the minute figures and the notices."""

    allowed: bool
    violations: tuple[Violation, ...]
    freed_minutes: int
    used_minutes: int
    remaining_minutes: int
    notices: tuple[str, ...] = NOTICES

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the violation codes in order."""
        return tuple(v.code for v in self.violations)


@dataclass(frozen=True)
class Alternative:
    """A suggestion of what would work instead; ``data`` is JSON-serialisable."""

    code: str
    data: Mapping[str, object] = field(default_factory=dict, hash=False)
