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


# --- the rules, one function each ----------------------------------------------------


def _something_to_swap(
    window: SwapWindow, carried: int, drops: Sequence[_Line], adds: Sequence[_Line]
) -> list[Violation]:
    """Rules 1 and 4: a swap drops something and chooses something. Over a window, a choice
    may be paid by minutes dropped earlier, and a drop may save its minutes for later."""
    violations = []
    if not drops and (window is SwapWindow.VISIT or carried <= 0 or not adds):
        violations.append(Violation("nothing_to_drop", {"window": window.value}))
    if not adds and (window is SwapWindow.VISIT or not drops):
        violations.append(Violation("nothing_chosen", {"window": window.value}))
    return violations


def _drop_granted(
    index: int, code: str | None, all_grants: dict[str, list[_Grant]]
) -> list[Violation]:
    """Rule 1: only a service the decision grants can be dropped."""
    if code is not None and code in all_grants:
        return []
    return [Violation("drop_not_granted", {"line": index, "service_code": code})]


def _drop_swappable(index: int, code: str, entry: CatalogueService | None) -> list[Violation]:
    """Rule 9 (and 5): a service whose quality standard says it cannot be swapped is not
    dropped; one unknown to the catalogue neither, since in doubt the help is delivered."""
    if entry is not None and entry.swappable:
        return []
    reason = "unknown_in_catalogue" if entry is None else "not_swappable"
    return [
        Violation("drop_not_swappable", {"line": index, "service_code": code, "reason": reason})
    ]


def _drop_active(
    index: int, code: str, grants: Sequence[_Grant], span: tuple[date, date] | None
) -> list[Violation]:
    """Rule 1 (003 "Midlertidig indsats"): a grant is dropped only on days it covers."""
    if span is None or _covered(grants, *span):
        return []
    data = {
        "line": index,
        "service_code": code,
        "start": _plain(span[0]),
        "end": _plain(span[1]),
        "grant_periods": [[_plain(g.start), _plain(g.end)] for g in grants],
    }
    return [Violation("drop_not_active_on_date", data)]


@dataclass
class _Dropped:
    """What the drop lines free, and every reason a line cannot be dropped."""

    violations: list[Violation] = field(default_factory=list)
    freed: int = 0
    per_code: dict[str, int] = field(default_factory=dict)  # minutes dropped per service
    clean_per_code: dict[str, int] = field(default_factory=dict)  # by lines without a problem
    categories: set[ServiceCategory] = field(default_factory=set)


def _check_drops(
    drops: Sequence[_Line],
    all_grants: dict[str, list[_Grant]],
    catalogue: Mapping[str, CatalogueService],
    span: tuple[date, date] | None,
) -> _Dropped:
    """Rules 1, 4 and 9 for each drop line on its own; its minutes count as freed even when
    it breaks a rule, so each reason is reported on its own."""
    dropped = _Dropped()
    for index, (code, raw_minutes, _text) in enumerate(drops):
        minutes = _line_minutes(raw_minutes)
        if minutes is not None:
            dropped.freed += minutes
        else:
            dropped.violations.append(_invalid_minutes("drop", index, raw_minutes))
        not_granted = _drop_granted(index, code, all_grants)
        dropped.violations.extend(not_granted)
        if not_granted or code is None:
            continue
        entry = _catalogue_entry(catalogue, code)
        if entry is not None:
            dropped.categories.add(entry.category)
        problems = [
            *_drop_swappable(index, code, entry),
            *_drop_active(index, code, all_grants[code], span),
        ]
        dropped.violations.extend(problems)
        if minutes is not None:
            dropped.per_code[code] = dropped.per_code.get(code, 0) + minutes
            if not problems:
                dropped.clean_per_code[code] = dropped.clean_per_code.get(code, 0) + minutes
    return dropped


def _drops_within_grants(
    dropped: _Dropped,
    active: dict[str, list[_Grant]],
    all_grants: dict[str, list[_Grant]],
) -> tuple[list[Violation], int]:
    """Rule 4: no more minutes of a service are dropped than granted per delivery. Also the
    minutes the clean drops free, each service's capped at its grant."""
    violations = []
    usable_freed = 0
    for code, minutes in dropped.per_code.items():
        granted_minutes = _granted_minutes(active.get(code) or all_grants[code])
        if minutes > granted_minutes:
            data = {
                "service_code": code,
                "dropped_minutes": minutes,
                "granted_minutes": granted_minutes,
            }
            violations.append(Violation("drop_minutes_exceed_granted", data))
        usable_freed += min(dropped.clean_per_code.get(code, 0), granted_minutes)
    return violations, usable_freed


def _drops_within_window(
    window: SwapWindow, frame: int, freed: int, earlier_dropped: int
) -> list[Violation]:
    """Rule 4: what is dropped in the window, now and earlier, stays within its time frame."""
    window_dropped = freed + (0 if window is SwapWindow.VISIT else earlier_dropped)
    if window_dropped <= frame:
        return []
    data = {
        "window": window.value,
        "window_minutes": frame,
        "dropped_minutes": window_dropped,
        "already_dropped_minutes": window_dropped - freed,
    }
    return [Violation("drop_exceeds_time_frame", data)]


def _free_text_add(index: int, text: str | None, *, outside_allowed: bool) -> list[Violation]:
    """Rule 2: a choice outside the catalogue, in her own words, only where the municipality
    allows help outside its service level; an empty one is no choice."""
    if text is None:
        data = {"line": index, "service_code": None, "reason": "empty"}
        return [Violation("add_unknown_service", data)]
    if not outside_allowed:
        data = {"line": index, "service_code": None, "kind": "free_text"}
        return [Violation("outside_service_level_not_allowed", data)]
    return []


def _add_swappable_to(index: int, code: str, entry: CatalogueService) -> list[Violation]:
    """Rules 9 and 10: a service is chosen when it can be swapped to, or is offered only
    through flexible home help."""
    if entry.swappable or entry.flexible_only:
        return []
    return [Violation("add_not_swappable_to", {"line": index, "service_code": code})]


def _add_within_service_level(
    index: int, code: str, entry: CatalogueService, *, outside_allowed: bool
) -> list[Violation]:
    """Rule 2: a service outside the municipal service level only where the municipality
    allows it (002 "Borgerens mulighed for at bytte": Esbjerg does not)."""
    if entry.within_service_level or outside_allowed:
        return []
    data = {"line": index, "service_code": code, "kind": "service"}
    return [Violation("outside_service_level_not_allowed", data)]


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


def _add_category_crossing(
    index: int,
    code: str,
    entry: CatalogueService,
    drop_categories: set[ServiceCategory],
    granted_categories: set[ServiceCategory],
    *,
    flexible_only_any_category: bool,
) -> list[Violation]:
    """Rule 3 (with rule 10): choosing personal care for practical help, or the other way,
    needs both granted."""
    if not _crosses(
        entry,
        drop_categories,
        granted_categories,
        flexible_only_any_category=flexible_only_any_category,
    ):
        return []
    data = {
        "line": index,
        "service_code": code,
        "add_category": entry.category.value,
        # The one of the two she has, so the refusal can name it.
        "from_category": min(c.value for c in (_CROSSING_CATEGORIES - {entry.category})),
        "drop_categories": sorted(c.value for c in drop_categories),
        "granted_categories": sorted(c.value for c in granted_categories),
    }
    return [Violation("category_crossing_requires_both", data)]


def _check_adds(
    inputs: _Inputs, drop_categories: set[ServiceCategory], granted_categories: set[ServiceCategory]
) -> tuple[list[Violation], int]:
    """Rules 2, 3, 9 and 10 for each chosen line on its own; and the minutes chosen."""
    violations: list[Violation] = []
    used = 0
    for index, (code, raw_minutes, text) in enumerate(inputs.adds):
        minutes = _line_minutes(raw_minutes)
        if minutes is not None:
            used += minutes
        else:
            violations.append(_invalid_minutes("add", index, raw_minutes))
        if code is None:
            violations.extend(_free_text_add(index, text, outside_allowed=inputs.outside_allowed))
            continue
        entry = _catalogue_entry(inputs.catalogue, code)
        if entry is None:
            data = {"line": index, "service_code": code, "reason": "not_in_catalogue"}
            violations.append(Violation("add_unknown_service", data))
            continue
        violations.extend(
            [
                *_add_swappable_to(index, code, entry),
                *_add_within_service_level(
                    index, code, entry, outside_allowed=inputs.outside_allowed
                ),
                *_add_category_crossing(
                    index,
                    code,
                    entry,
                    drop_categories,
                    granted_categories,
                    flexible_only_any_category=inputs.flexible_only_any_category,
                ),
            ]
        )
    return violations, used


def _within_time_frame(window: SwapWindow, freed: int, carried: int, used: int) -> list[Violation]:
    """Rule 4: the minutes chosen fit in the minutes freed (and, over a window, carried)."""
    available = freed + carried
    if used <= available:
        return []
    data = {
        "window": window.value,
        "freed_minutes": freed,
        "carried_minutes": carried,
        "available_minutes": available,
        "used_minutes": used,
        "overrun_minutes": used - available,
    }
    return [Violation("over_time_frame", data)]


def _within_visit(tightest: VisitBooking | None, used: int) -> list[Violation]:
    """Rule 4 at one visit: all swaps at it together stay within its time frame
    (bookings.book_swap); the visit other swaps leave the fewest minutes in decides."""
    if tightest is None or used <= tightest.free_minutes:
        return []
    data = {
        "date": tightest.day.isoformat(),
        "frame_minutes": tightest.frame_minutes,
        "booked_minutes": tightest.booked_minutes,
        "free_minutes": tightest.free_minutes,
        "used_minutes": used,
        "overrun_minutes": used - tightest.free_minutes,
    }
    return [Violation("visit_already_booked", data)]


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


def _analyse(inputs: _Inputs) -> _Analysis:
    """Run every rule and collect every violation, in the order of the lines; never raises."""
    active = _active_grants(inputs.all_grants, inputs.span)
    granted_categories = _categories(active, inputs.catalogue)
    carried = _carried(inputs.window, inputs.frame, inputs.earlier_dropped, inputs.swapped_in)
    dropped = _check_drops(inputs.drops, inputs.all_grants, inputs.catalogue, inputs.span)
    over_grant, usable_freed = _drops_within_grants(dropped, active, inputs.all_grants)
    add_problems, used = _check_adds(inputs, dropped.categories, granted_categories)
    violations = [
        *inputs.bad_period,
        *_something_to_swap(inputs.window, carried, inputs.drops, inputs.adds),
        *dropped.violations,
        *over_grant,
        *_drops_within_window(inputs.window, inputs.frame, dropped.freed, inputs.earlier_dropped),
        *add_problems,
        *_within_time_frame(inputs.window, dropped.freed, carried, used),
        *_within_visit(inputs.tightest, used),
    ]
    return _Analysis(
        violations=violations,
        window=inputs.window,
        window_minutes=inputs.frame,
        carried=carried,
        freed=dropped.freed,
        usable_freed=usable_freed,
        used=used,
        active_grants=active,
        granted_categories=granted_categories,
        drop_categories=dropped.categories,
        flexible_only_any_category=inputs.flexible_only_any_category,
        dropped_codes=set(dropped.per_code),
        span=inputs.span,
        tightest=inputs.tightest,
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
    inputs = _read(
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
    analysis = _analyse(inputs)
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


def _usable(analysis: _Analysis) -> int:
    """The minutes a choice may use: from drops that pass every check, capped at the grant,
    the window and what other swaps left free at the visit."""
    return max(0, analysis.within_visit(min(analysis.usable_available, analysis.window_minutes)))


def _swappable_granted(
    analysis: _Analysis, catalogue: Mapping[str, CatalogueService]
) -> list[tuple[str, int]]:
    """The granted services that can be swapped, with their minutes, fewest minutes first."""
    return sorted(
        (
            (code, _granted_minutes(gs))
            for code, gs in analysis.active_grants.items()
            if (entry := _catalogue_entry(catalogue, code)) is not None and entry.swappable
        ),
        key=lambda item: (item[1], item[0]),
    )


def _choose_at_most_minutes(analysis: _Analysis, usable: int, codes: set[str]) -> list[Alternative]:
    """Rule 4: choose no more minutes than the drops free (unless a full visit leaves none)."""
    if analysis.used > usable and (usable > 0 or "visit_already_booked" not in codes):
        return [Alternative("choose_at_most_minutes", {"max_minutes": usable})]
    return []


def _per_violation(
    analysis: _Analysis, violation: str, alternative: str, fields: Mapping[str, str]
) -> list[Alternative]:
    """One alternative for each violation of a kind, with ``fields`` of its data (new: old)."""
    return [
        Alternative(alternative, {new: v.data[old] for new, old in fields.items()})
        for v in analysis.violations
        if v.code == violation
    ]


def _drop_at_most_minutes(analysis: _Analysis) -> list[Alternative]:
    """Rule 4: drop no more of a service than is granted per delivery."""
    fields = {"service_code": "service_code", "max_minutes": "granted_minutes"}
    return _per_violation(analysis, "drop_minutes_exceed_granted", "drop_at_most_minutes", fields)


def _swappable_granted_services(
    codes: set[str], swappable_granted: list[tuple[str, int]]
) -> list[Alternative]:
    """Rules 1 and 9: what she could drop instead, when what she dropped cannot be."""
    if not codes & {"drop_not_swappable", "drop_not_granted", "nothing_to_drop"}:
        return []
    services = [{"service_code": c, "minutes": m} for c, m in swappable_granted]
    return [Alternative("swappable_granted_services", {"services": services})]


def _also_drop(
    codes: set[str],
    analysis: _Analysis,
    usable: int,
    swappable_granted: list[tuple[str, int]],
    catalogue: Mapping[str, CatalogueService],
    adds: Sequence[_Line],
) -> list[Alternative]:
    """Rule 4: a granted service whose minutes would cover the overrun if dropped too,
    without making a rule 3 crossing. Dropping more frees nothing at a visit whose time
    other swaps have taken."""
    if "over_time_frame" not in codes or analysis.within_visit(analysis.used) != analysis.used:
        return []
    overrun = analysis.used - usable
    covering = [
        {"service_code": c, "minutes": m}
        for c, m in swappable_granted
        if c not in analysis.dropped_codes
        and m >= overrun
        and _drop_keeps_categories(c, catalogue, adds=adds, analysis=analysis)
    ]
    return [Alternative("also_drop", {"services": covering})] if covering else []


def _services_that_fit(
    codes: set[str],
    analysis: _Analysis,
    usable: int,
    catalogue: Mapping[str, CatalogueService],
    *,
    outside_allowed: bool,
) -> list[Alternative]:
    """Rules 2, 3, 4, 9 and 10: the services she could choose, with their default minutes,
    that fit in the usable minutes; the largest first."""
    if not codes & {
        "over_time_frame",
        "add_unknown_service",
        "add_not_swappable_to",
        "outside_service_level_not_allowed",
        "category_crossing_requires_both",
        "visit_already_booked",
    }:
        return []
    fitting = sorted(
        (
            entry
            for entry in catalogue.values()
            if 0 < entry.default_minutes <= usable
            and _addable(entry, outside_allowed=outside_allowed, analysis=analysis)
        ),
        key=lambda e: (-e.default_minutes, e.code),
    )[:MAX_SUGGESTED_SERVICES]
    if not fitting:
        return []
    services = [{"service_code": e.code, "minutes": e.default_minutes} for e in fitting]
    return [Alternative("services_that_fit", {"available_minutes": usable, "services": services})]


def _choose_a_date_in(analysis: _Analysis) -> list[Alternative]:
    """Rule 1 (003 "Midlertidig indsats"): a day within the periods the service is granted."""
    fields = {"service_code": "service_code", "grant_periods": "grant_periods"}
    return _per_violation(analysis, "drop_not_active_on_date", "choose_a_date_in", fields)


def _choose_another_visit(analysis: _Analysis, codes: set[str]) -> list[Alternative]:
    """Rule 4 at one visit: another visit may have the time other swaps took at this one; for
    a period, the choices that fit are the answer."""
    if (
        "visit_already_booked" in codes
        and analysis.tightest is not None
        and analysis.span == (analysis.tightest.day, analysis.tightest.day)
    ):
        return [Alternative("choose_another_visit", {"date": analysis.tightest.day.isoformat()})]
    return []


def _ask_for_reassessment(codes: set[str]) -> list[Alternative]:
    """Rule 7: needing more time than granted may mean the decision no longer fits."""
    return [Alternative("ask_for_reassessment", {})] if "over_time_frame" in codes else []


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
    inputs = _read(
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
    analysis = _analyse(inputs)
    if not analysis.violations:
        return ()
    codes = {v.code for v in analysis.violations}
    usable = _usable(analysis)
    swappable_granted = _swappable_granted(analysis, inputs.catalogue)
    return (
        *_choose_at_most_minutes(analysis, usable, codes),
        *_drop_at_most_minutes(analysis),
        *_swappable_granted_services(codes, swappable_granted),
        *_also_drop(codes, analysis, usable, swappable_granted, inputs.catalogue, inputs.adds),
        *_services_that_fit(
            codes, analysis, usable, inputs.catalogue, outside_allowed=inputs.outside_allowed
        ),
        *_choose_a_date_in(analysis),
        *_choose_another_visit(analysis, codes),
        *_ask_for_reassessment(codes),
    )


def _drop_keeps_categories(
    code: str,
    catalogue: Mapping[str, CatalogueService],
    *,
    adds: Sequence[_Line],
    analysis: _Analysis,
) -> bool:
    """Tell whether dropping ``code`` too would not create a rule 3 crossing."""
    entry = _catalogue_entry(catalogue, code)
    if entry is None:
        return False
    categories = analysis.drop_categories | {entry.category}
    for add_code, _minutes, _text in adds:
        add_entry = _catalogue_entry(catalogue, add_code)
        if add_entry is not None and _crosses(
            add_entry,
            categories,
            analysis.granted_categories,
            flexible_only_any_category=analysis.flexible_only_any_category,
        ):
            return False
    return True
