"""Reading the check's arguments defensively, once: check_swap must never raise, whatever it
is given, so every value is read into a plain, typed one here (_Inputs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps.terms import (
    MAX_LINE_MINUTES,
    ProposedSwap,
    Violation,
    VisitBooking,
)
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import ServiceCategory, SwapWindow

# --- defensive readers: check_swap must never raise, whatever it is given ----------


def _plain(value: object) -> object:
    """Return value if JSON can hold it, else its repr, so violation data always serialises."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _as_date(value: object) -> date | None:
    """Return a plain date, or None; a datetime cannot be compared with a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _count(value: object) -> int:
    """Return a non-negative int from a minutes figure; anything else is 0."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0


def _line_minutes(value: object) -> int | None:
    """Return a line's minutes when a whole number in 1..MAX_LINE_MINUTES, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_LINE_MINUTES:
        return value
    return None


def _code(value: object) -> str | None:
    """Return a usable service code, or None for a missing or blank one."""
    if isinstance(value, str) and value.strip():
        return value
    return None


# A line as read: (service code, minutes as given, free text). The minutes stay as given,
# so that invalid_minutes can show what was typed.
_Line = tuple[str | None, object, str | None]


def _lines(value: object) -> list[_Line]:
    """Read (service_code, minutes, free_text) from a sequence of lines of any shape."""
    if not isinstance(value, list | tuple):
        return []
    lines = []
    for line in value:
        text = getattr(line, "free_text", None)
        lines.append(
            (
                _code(getattr(line, "service_code", None)),
                getattr(line, "minutes", None),
                text if isinstance(text, str) and text.strip() else None,
            )
        )
    return lines


def tightest_visit(bookings: object) -> VisitBooking | None:
    """The visit with the fewest free minutes among those other swaps hold minutes in."""
    if not isinstance(bookings, Iterable) or isinstance(bookings, str | bytes):
        return None
    read = [
        VisitBooking(
            day, _count(getattr(b, "frame_minutes", 0)), _count(getattr(b, "booked_minutes", 0))
        )
        for b in bookings
        if (day := _as_date(getattr(b, "day", None))) is not None
    ]
    held = [b for b in read if b.booked_minutes > 0]
    return min(held, key=lambda b: (b.free_minutes, b.day), default=None)


@dataclass(frozen=True)
class _Grant:
    """A grant read defensively: only what the check needs."""

    code: str
    minutes: int
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _grants(granted: object) -> dict[str, list[_Grant]]:
    """Index the citizen's grants by service code, skipping malformed ones."""
    result: dict[str, list[_Grant]] = {}
    if not isinstance(granted, Iterable) or isinstance(granted, str | bytes):
        return result
    for g in granted:
        code = _code(getattr(g, "service_code", None))
        if code is None:
            continue
        result.setdefault(code, []).append(
            _Grant(
                code,
                _count(getattr(g, "minutes_per_delivery", 0)),
                _as_date(getattr(g, "start", None)),
                _as_date(getattr(g, "end", None)),
            )
        )
    return result


def _covered(grants: Sequence[_Grant], first: date, last: date) -> bool:
    """Tell whether the union of the grants' periods covers every day in [first, last]."""
    day = first
    # Walk grant by grant rather than day by day, so a year-long period stays cheap.
    ordered = sorted(grants, key=lambda g: g.start or date.min)
    progressed = True
    while progressed:
        progressed = False
        for g in ordered:
            if g.covers(day):
                if g.end is None or g.end >= last:
                    return True
                day = date.fromordinal(g.end.toordinal() + 1)
                progressed = True
    return False


def _period(
    proposal: object, today: date | None
) -> tuple[tuple[date, date] | None, list[Violation]]:
    """Return the (first, last) day the swap concerns, or None with a bad_period reason."""
    raw_visit = getattr(proposal, "visit_date", None)
    raw_period = getattr(proposal, "period", None)
    if raw_visit is None and raw_period is None:
        return None, [Violation("bad_period", {"reason": "missing"})]
    if raw_visit is not None and raw_period is not None:
        return None, [Violation("bad_period", {"reason": "both"})]
    if raw_visit is not None:
        visit = _as_date(raw_visit)
        if visit is None:
            return None, [Violation("bad_period", {"reason": "not_a_date"})]
        first = last = visit
    else:
        ends = (
            tuple(_as_date(d) for d in raw_period)
            if isinstance(raw_period, list | tuple) and len(raw_period) == 2
            else (None, None)
        )
        start, end = ends
        if start is None or end is None:
            return None, [Violation("bad_period", {"reason": "not_a_date"})]
        if end < start:
            data = {"reason": "end_before_start", "start": _plain(start), "end": _plain(end)}
            return None, [Violation("bad_period", data)]
        first, last = start, end
    today = _as_date(today)
    if today is not None and first < today:
        data = {"reason": "past", "start": _plain(first), "today": _plain(today)}
        return None, [Violation("bad_period", data)]
    return (first, last), []


def _window(policy: object) -> SwapWindow:
    """Read the policy's window; an unknown value falls back to the strictest, VISIT."""
    window = getattr(policy, "swap_window", SwapWindow.VISIT)
    # A plain string from the database ("week") is read as the enum it names.
    if isinstance(window, str) and window in {w.value for w in SwapWindow}:
        return SwapWindow(window)
    return SwapWindow.VISIT


def _outside_allowed(policy: object) -> bool:
    """Only an explicit True opens swaps outside the service level (rule 2)."""
    return getattr(policy, "outside_service_level_allowed", False) is True


def _flexible_only_any_category(policy: object) -> bool:
    """Rule 10 beside rule 3: on unless the municipality turned it off (an explicit False)."""
    return getattr(policy, "flexible_only_any_category", True) is not False


# --- the inputs, read once ---------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """The check's arguments, read defensively once (the readers above), with real types."""

    bad_period: tuple[Violation, ...]  # the period's problems, when it is not a usable one
    span: tuple[date, date] | None  # the first and last day the swap concerns
    window: SwapWindow
    frame: int  # the window's time frame in minutes
    earlier_dropped: int  # minutes dropped earlier in the window
    swapped_in: int  # minutes already chosen with them in the window
    all_grants: dict[str, list[_Grant]]
    catalogue: dict[str, CatalogueService]
    drops: list[_Line]
    adds: list[_Line]
    outside_allowed: bool  # rule 2, the municipality's choice
    flexible_only_any_category: bool  # rule 10 beside rule 3, the municipality's choice
    tightest: VisitBooking | None  # the visit other swaps leave the fewest minutes in


def _catalogue(catalogue: object) -> dict[str, CatalogueService]:
    """Read the catalogue's entries, skipping malformed ones."""
    if not isinstance(catalogue, Mapping):
        return {}
    return {code: entry for code, entry in catalogue.items() if isinstance(entry, CatalogueService)}


def _read(
    *,
    granted: Sequence[GrantedService],
    catalogue: Mapping[str, CatalogueService],
    policy: Policy,
    proposal: ProposedSwap,
    window_minutes: int,
    already_swapped_in_minutes: int,
    already_dropped_minutes: int,
    today: date | None,
    visit_bookings: Sequence[VisitBooking],
) -> _Inputs:
    """Read check_swap's arguments; the readers never raise, whatever the values hold."""
    span, bad_period = _period(proposal, _as_date(today))
    return _Inputs(
        bad_period=tuple(bad_period),
        span=span,
        window=_window(policy),
        frame=_count(window_minutes),
        earlier_dropped=_count(already_dropped_minutes),
        swapped_in=_count(already_swapped_in_minutes),
        all_grants=_grants(granted),
        catalogue=_catalogue(catalogue),
        drops=_lines(getattr(proposal, "drop", ())),
        adds=_lines(getattr(proposal, "add", ())),
        outside_allowed=_outside_allowed(policy),
        flexible_only_any_category=_flexible_only_any_category(policy),
        tightest=tightest_visit(visit_bookings),
    )


def _catalogue_entry(
    catalogue: Mapping[str, CatalogueService], code: str | None
) -> CatalogueService | None:
    """Look a code up in the catalogue, None when there is no code or it is unknown."""
    return None if code is None else catalogue.get(code)


def _active_grants(
    all_grants: dict[str, list[_Grant]], span: tuple[date, date] | None
) -> dict[str, list[_Grant]]:
    """The grants that cover the swap's first or last day (all of them without a span)."""
    if span is None:
        return all_grants
    active = {
        code: [g for g in gs if g.covers(span[0]) or g.covers(span[1])]
        for code, gs in all_grants.items()
    }
    return {code: gs for code, gs in active.items() if gs}


def _categories(
    codes: Iterable[str], catalogue: Mapping[str, CatalogueService]
) -> set[ServiceCategory]:
    """The categories of the services with these codes that the catalogue knows."""
    return {
        entry.category for code in codes if (entry := _catalogue_entry(catalogue, code)) is not None
    }


def _carried(window: SwapWindow, frame: int, earlier_dropped: int, swapped_in: int) -> int:
    """Rule 4 over a window: minutes dropped earlier in it and not yet chosen (at most its
    time frame); nothing at a VISIT window, where each visit balances alone."""
    if window is SwapWindow.VISIT:
        return 0
    return min(earlier_dropped, frame) - swapped_in
