"""The swap check: one function per rule (DOMAIN.md rules 1-4, 9 and 10), and check_swap,
which runs them all and reports every violation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps.readers import (
    _active_grants,
    _carried,
    _catalogue_entry,
    _categories,
    _covered,
    _Grant,
    _Inputs,
    _Line,
    _line_minutes,
    _plain,
    _read,
)
from selvvisitation.domain.swaps.terms import (
    _CROSSING_CATEGORIES,
    MAX_LINE_MINUTES,
    NOTICES,
    ProposedSwap,
    SwapCheckResult,
    Violation,
    VisitBooking,
)
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import ServiceCategory, SwapWindow

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
