"""What would work instead of a swap that is not allowed: one function per alternative,
and explain_alternatives, which gathers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps.check import (
    _analyse,
    _Analysis,
    _crosses,
    _granted_minutes,
)
from selvvisitation.domain.swaps.readers import (
    _catalogue_entry,
    _Line,
    _read,
)
from selvvisitation.domain.swaps.terms import (
    MAX_SUGGESTED_SERVICES,
    Alternative,
    ProposedSwap,
    VisitBooking,
)
from selvvisitation.domain.timeframe import CatalogueService, GrantedService

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
