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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import ServiceCategory, SwapWindow

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


def _lines(value: object) -> list[tuple[str | None, object, str | None]]:
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


def _catalogue_entry(catalogue: object, code: str | None) -> CatalogueService | None:
    """Look a code up in the catalogue, None when unknown or the catalogue is malformed."""
    if code is None or not isinstance(catalogue, Mapping):
        return None
    entry = catalogue.get(code)
    return entry if isinstance(entry, CatalogueService) else None


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


# --- the check ---------------------------------------------------------------------


@dataclass
class _Analysis:
    """Everything check_swap and explain_alternatives both need."""

    violations: list[Violation]
    window: SwapWindow
    window_minutes: int
    carried: int
    freed: int
    usable_freed: int  # freed by drops without a violation, capped at the grant
    used: int
    active_grants: dict[str, list[_Grant]]
    granted_categories: set[ServiceCategory]
    drop_categories: set[ServiceCategory]
    flexible_only_any_category: bool  # rule 10 beside rule 3, the municipality's choice
    dropped_codes: set[str]
    span: tuple[date, date] | None
    tightest: VisitBooking | None  # the visit other swaps leave the fewest minutes in

    @property
    def available(self) -> int:
        return self.freed + self.carried

    @property
    def usable_available(self) -> int:
        return self.usable_freed + self.carried

    def within_visit(self, minutes: int) -> int:
        """``minutes``, capped at what other swaps left free at the tightest visit."""
        return minutes if self.tightest is None else min(minutes, self.tightest.free_minutes)


def _flexible_only_any_category(policy: object) -> bool:
    """Rule 10 beside rule 3: on unless the municipality turned it off (an explicit False)."""
    return getattr(policy, "flexible_only_any_category", True) is not False


def _crosses(
    entry: CatalogueService,
    drop_categories: set[ServiceCategory],
    granted_categories: set[ServiceCategory],
    *,
    flexible_only_any_category: bool,
) -> bool:
    """Rule 3: choosing one of personal care/practical help for the other needs both granted.

    Rule 10: a task offered only through flexible home help (a walk, reading post) has no
    grant of its own to cross from; where the municipality says so, it is chosen from either
    category. Seeds 002 §8 and 004 §1.3.3 give "støvsugning for en gåtur" as their example.
    """
    if entry.category not in _CROSSING_CATEGORIES:
        return False
    if entry.flexible_only and flexible_only_any_category:
        return False
    others = (_CROSSING_CATEGORIES - {entry.category}) & drop_categories
    return bool(others) and not _CROSSING_CATEGORIES <= granted_categories


def _analyse(
    *,
    granted: object,
    catalogue: object,
    policy: object,
    proposal: object,
    window_minutes: object,
    already_swapped_in_minutes: object,
    already_dropped_minutes: object,
    today: object,
    visit_bookings: object = (),
) -> _Analysis:
    """Run every rule and collect every violation; never raises."""
    violations: list[Violation] = []
    window = _window(policy)
    frame = _count(window_minutes)
    span, period_problems = _period(proposal, _as_date(today))
    violations.extend(period_problems)

    all_grants = _grants(granted)
    if span is None:
        active = all_grants
    else:
        active = {
            code: [g for g in gs if g.covers(span[0]) or g.covers(span[1])]
            for code, gs in all_grants.items()
        }
        active = {code: gs for code, gs in active.items() if gs}
    granted_categories = {
        entry.category
        for code in active
        if (entry := _catalogue_entry(catalogue, code)) is not None
    }

    drops = _lines(getattr(proposal, "drop", ()))
    adds = _lines(getattr(proposal, "add", ()))

    earlier_dropped = _count(already_dropped_minutes)
    if window is SwapWindow.VISIT:
        carried = 0
    else:
        carried = min(earlier_dropped, frame) - _count(already_swapped_in_minutes)

    if not drops and (window is SwapWindow.VISIT or carried <= 0 or not adds):
        violations.append(Violation("nothing_to_drop", {"window": window.value}))
    if not adds and (window is SwapWindow.VISIT or not drops):
        violations.append(Violation("nothing_chosen", {"window": window.value}))

    # Drops: each line on its own, then the minutes per service against the grant.
    freed = 0
    dropped_per_code: dict[str, int] = {}
    clean_per_code: dict[str, int] = {}
    drop_categories: set[ServiceCategory] = set()
    for index, (code, raw_minutes, _text) in enumerate(drops):
        line_ok = True
        minutes = _line_minutes(raw_minutes)
        if minutes is not None:
            freed += minutes
        else:
            line_ok = False
            violations.append(_invalid_minutes("drop", index, raw_minutes))
        if code is None or code not in all_grants:
            violations.append(Violation("drop_not_granted", {"line": index, "service_code": code}))
            continue
        entry = _catalogue_entry(catalogue, code)
        if entry is not None:
            drop_categories.add(entry.category)
        if entry is None or not entry.swappable:
            # Unknown to the catalogue: in doubt the granted help is delivered (rule 5).
            reason = "unknown_in_catalogue" if entry is None else "not_swappable"
            violations.append(
                Violation(
                    "drop_not_swappable",
                    {"line": index, "service_code": code, "reason": reason},
                )
            )
            line_ok = False
        if span is not None and not _covered(all_grants[code], *span):
            violations.append(
                Violation(
                    "drop_not_active_on_date",
                    {
                        "line": index,
                        "service_code": code,
                        "start": _plain(span[0]),
                        "end": _plain(span[1]),
                        "grant_periods": [
                            [_plain(g.start), _plain(g.end)] for g in all_grants[code]
                        ],
                    },
                )
            )
            line_ok = False
        if minutes is not None:
            dropped_per_code[code] = dropped_per_code.get(code, 0) + minutes
            if line_ok:
                clean_per_code[code] = clean_per_code.get(code, 0) + minutes

    usable_freed = 0
    for code, dropped in dropped_per_code.items():
        granted_minutes = _granted_minutes(active.get(code) or all_grants[code])
        if dropped > granted_minutes:
            violations.append(
                Violation(
                    "drop_minutes_exceed_granted",
                    {
                        "service_code": code,
                        "dropped_minutes": dropped,
                        "granted_minutes": granted_minutes,
                    },
                )
            )
        usable_freed += min(clean_per_code.get(code, 0), granted_minutes)

    window_dropped = freed + (0 if window is SwapWindow.VISIT else earlier_dropped)
    if window_dropped > frame:
        violations.append(
            Violation(
                "drop_exceeds_time_frame",
                {
                    "window": window.value,
                    "window_minutes": frame,
                    "dropped_minutes": window_dropped,
                    "already_dropped_minutes": window_dropped - freed,
                },
            )
        )

    # Adds: each line on its own.
    used = 0
    outside_allowed = _outside_allowed(policy)
    for index, (code, raw_minutes, text) in enumerate(adds):
        minutes = _line_minutes(raw_minutes)
        if minutes is not None:
            used += minutes
        else:
            violations.append(_invalid_minutes("add", index, raw_minutes))
        if code is None:
            if text is None:
                violations.append(
                    Violation(
                        "add_unknown_service",
                        {"line": index, "service_code": None, "reason": "empty"},
                    )
                )
            elif not outside_allowed:
                violations.append(
                    Violation(
                        "outside_service_level_not_allowed",
                        {"line": index, "service_code": None, "kind": "free_text"},
                    )
                )
            continue
        entry = _catalogue_entry(catalogue, code)
        if entry is None:
            violations.append(
                Violation(
                    "add_unknown_service",
                    {"line": index, "service_code": code, "reason": "not_in_catalogue"},
                )
            )
            continue
        # Rule 10: services offered only through flexible home help are chosen by swap.
        if not (entry.swappable or entry.flexible_only):
            violations.append(
                Violation("add_not_swappable_to", {"line": index, "service_code": code})
            )
        if not entry.within_service_level and not outside_allowed:
            violations.append(
                Violation(
                    "outside_service_level_not_allowed",
                    {"line": index, "service_code": code, "kind": "service"},
                )
            )
        if _crosses(
            entry,
            drop_categories,
            granted_categories,
            flexible_only_any_category=_flexible_only_any_category(policy),
        ):
            violations.append(
                Violation(
                    "category_crossing_requires_both",
                    {
                        "line": index,
                        "service_code": code,
                        "add_category": entry.category.value,
                        # The one of the two she has, so the refusal can name it.
                        "from_category": min(
                            c.value for c in (_CROSSING_CATEGORIES - {entry.category})
                        ),
                        "drop_categories": sorted(c.value for c in drop_categories),
                        "granted_categories": sorted(c.value for c in granted_categories),
                    },
                )
            )

    available = freed + carried
    if used > available:
        violations.append(
            Violation(
                "over_time_frame",
                {
                    "window": window.value,
                    "freed_minutes": freed,
                    "carried_minutes": carried,
                    "available_minutes": available,
                    "used_minutes": used,
                    "overrun_minutes": used - available,
                },
            )
        )
    # All swaps at one visit together stay within its frame (bookings.book_swap).
    tightest = tightest_visit(visit_bookings)
    if tightest is not None and used > tightest.free_minutes:
        violations.append(
            Violation(
                "visit_already_booked",
                {
                    "date": tightest.day.isoformat(),
                    "frame_minutes": tightest.frame_minutes,
                    "booked_minutes": tightest.booked_minutes,
                    "free_minutes": tightest.free_minutes,
                    "used_minutes": used,
                    "overrun_minutes": used - tightest.free_minutes,
                },
            )
        )

    return _Analysis(
        violations=violations,
        window=window,
        window_minutes=frame,
        carried=carried,
        freed=freed,
        usable_freed=usable_freed,
        used=used,
        active_grants=active,
        granted_categories=granted_categories,
        drop_categories=drop_categories,
        flexible_only_any_category=_flexible_only_any_category(policy),
        dropped_codes=set(dropped_per_code),
        span=span,
        tightest=tightest,
    )


def _granted_minutes(grants: Sequence[_Grant]) -> int:
    """Minutes per delivery of a service; with several grants, the largest one."""
    return max((g.minutes for g in grants), default=0)


def _invalid_minutes(side: str, index: int, minutes: object) -> Violation:
    """Build the invalid_minutes violation with the bounds the message needs."""
    data = {
        "side": side,
        "line": index,
        "minutes": _plain(minutes),
        "min": 1,
        "max": MAX_LINE_MINUTES,
    }
    return Violation("invalid_minutes", data)


def check_swap(
    *,
    granted: Sequence[GrantedService],
    catalogue: Mapping[str, CatalogueService],
    policy: Policy,
    proposal: ProposedSwap,
    window_minutes: int,
    already_swapped_in_minutes: int = 0,
    already_dropped_minutes: int = 0,
    today: date | None = None,
    visit_bookings: Sequence[VisitBooking] = (),
) -> SwapCheckResult:
    """Check a wished swap against rules 1-4, 9 and 10; return every violation, never raise.

    ``window_minutes`` is the time frame of the policy's window (see timeframe.py).
    ``today``, when given, rejects dates in the past. ``visit_bookings``: the visits the
    swap falls on with the minutes other swaps already hold there (the tightest decides).
    """
    analysis = _analyse(
        granted=granted,
        catalogue=catalogue,
        policy=policy,
        proposal=proposal,
        window_minutes=window_minutes,
        already_swapped_in_minutes=already_swapped_in_minutes,
        already_dropped_minutes=already_dropped_minutes,
        today=today,
        visit_bookings=visit_bookings,
    )
    return SwapCheckResult(
        allowed=not analysis.violations,
        violations=tuple(analysis.violations),
        freed_minutes=analysis.freed,
        used_minutes=analysis.used,
        remaining_minutes=max(0, analysis.within_visit(analysis.available) - analysis.used),
        notices=NOTICES,
    )


# --- what would work instead ---------------------------------------------------------


def _addable(
    entry: CatalogueService,
    *,
    outside_allowed: bool,
    analysis: _Analysis,
) -> bool:
    """Tell whether a catalogue service could be chosen under rules 2, 3, 9 and 10."""
    if not (entry.swappable or entry.flexible_only):
        return False
    if not entry.within_service_level and not outside_allowed:
        return False
    return not _crosses(
        entry,
        analysis.drop_categories,
        analysis.granted_categories,
        flexible_only_any_category=analysis.flexible_only_any_category,
    )


def explain_alternatives(
    *,
    granted: Sequence[GrantedService],
    catalogue: Mapping[str, CatalogueService],
    policy: Policy,
    proposal: ProposedSwap,
    window_minutes: int,
    already_swapped_in_minutes: int = 0,
    already_dropped_minutes: int = 0,
    today: date | None = None,
    visit_bookings: Sequence[VisitBooking] = (),
) -> tuple[Alternative, ...]:
    """Suggest what would work instead of a swap that is not allowed; empty when allowed.

    Alternative codes: choose_at_most_minutes (max_minutes), services_that_fit
    (services with their default minutes that fit the usable freed minutes),
    also_drop (granted swappable services whose minutes would cover the overrun),
    drop_at_most_minutes (per service), swappable_granted_services, choose_a_date_in
    (the grant periods), ask_for_reassessment (rule 7: when the help no longer fits),
    choose_another_visit (a swap at one visit whose time other swaps took).
    """
    analysis = _analyse(
        granted=granted,
        catalogue=catalogue,
        policy=policy,
        proposal=proposal,
        window_minutes=window_minutes,
        already_swapped_in_minutes=already_swapped_in_minutes,
        already_dropped_minutes=already_dropped_minutes,
        today=today,
        visit_bookings=visit_bookings,
    )
    if not analysis.violations:
        return ()
    codes = {v.code for v in analysis.violations}
    outside_allowed = _outside_allowed(policy)
    # Usable minutes: from drops that pass every check, capped at the grant, the window
    # and what other swaps left free at the visit.
    usable = max(0, analysis.within_visit(min(analysis.usable_available, analysis.window_minutes)))
    visit_full = "visit_already_booked" in codes
    alternatives: list[Alternative] = []

    if analysis.used > usable and (usable > 0 or not visit_full):
        alternatives.append(Alternative("choose_at_most_minutes", {"max_minutes": usable}))

    for violation in analysis.violations:
        if violation.code == "drop_minutes_exceed_granted":
            alternatives.append(
                Alternative(
                    "drop_at_most_minutes",
                    {
                        "service_code": violation.data["service_code"],
                        "max_minutes": violation.data["granted_minutes"],
                    },
                )
            )

    swappable_granted = sorted(
        (
            (code, _granted_minutes(gs))
            for code, gs in analysis.active_grants.items()
            if (entry := _catalogue_entry(catalogue, code)) is not None and entry.swappable
        ),
        key=lambda item: (item[1], item[0]),
    )
    if codes & {"drop_not_swappable", "drop_not_granted", "nothing_to_drop"}:
        alternatives.append(
            Alternative(
                "swappable_granted_services",
                {"services": [{"service_code": c, "minutes": m} for c, m in swappable_granted]},
            )
        )

    # Dropping more frees nothing at a visit whose time other swaps have taken.
    if "over_time_frame" in codes and analysis.within_visit(analysis.used) == analysis.used:
        overrun = analysis.used - usable
        covering = [
            {"service_code": c, "minutes": m}
            for c, m in swappable_granted
            if c not in analysis.dropped_codes
            and m >= overrun
            and _drop_keeps_categories(c, catalogue, proposal=proposal, analysis=analysis)
        ]
        if covering:
            alternatives.append(Alternative("also_drop", {"services": covering}))

    if codes & {
        "over_time_frame",
        "add_unknown_service",
        "add_not_swappable_to",
        "outside_service_level_not_allowed",
        "category_crossing_requires_both",
        "visit_already_booked",
    }:
        fitting = sorted(
            (
                entry
                for entry in (catalogue.values() if isinstance(catalogue, Mapping) else ())
                if isinstance(entry, CatalogueService)
                and 0 < entry.default_minutes <= usable
                and _addable(entry, outside_allowed=outside_allowed, analysis=analysis)
            ),
            key=lambda e: (-e.default_minutes, e.code),
        )[:MAX_SUGGESTED_SERVICES]
        if fitting:
            alternatives.append(
                Alternative(
                    "services_that_fit",
                    {
                        "available_minutes": usable,
                        "services": [
                            {"service_code": e.code, "minutes": e.default_minutes} for e in fitting
                        ],
                    },
                )
            )

    for violation in analysis.violations:
        if violation.code == "drop_not_active_on_date":
            alternatives.append(
                Alternative(
                    "choose_a_date_in",
                    {
                        "service_code": violation.data["service_code"],
                        "grant_periods": violation.data["grant_periods"],
                    },
                )
            )

    if (
        visit_full
        and analysis.tightest is not None
        and analysis.span == (analysis.tightest.day, analysis.tightest.day)
    ):  # one visit: another may have the time; a period's choices above are what fits
        alternatives.append(
            Alternative("choose_another_visit", {"date": analysis.tightest.day.isoformat()})
        )

    if "over_time_frame" in codes:
        # Rule 7: needing more time than granted may mean the decision no longer fits.
        alternatives.append(Alternative("ask_for_reassessment", {}))
    return tuple(alternatives)


def _drop_keeps_categories(
    code: str, catalogue: object, *, proposal: object, analysis: _Analysis
) -> bool:
    """Tell whether dropping ``code`` too would not create a rule 3 crossing."""
    entry = _catalogue_entry(catalogue, code)
    if entry is None:
        return False
    categories = analysis.drop_categories | {entry.category}
    for add_code, _minutes, _text in _lines(getattr(proposal, "add", ())):
        add_entry = _catalogue_entry(catalogue, add_code)
        if add_entry is not None and _crosses(
            add_entry,
            categories,
            analysis.granted_categories,
            flexible_only_any_category=analysis.flexible_only_any_category,
        ):
            return False
    return True
