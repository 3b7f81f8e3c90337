"""The visit lines the § 94 a rules count, as SQL conditions on a window of days: lines
deselected (rule 7, with the citizen's cancellations when the municipality says so) and
deliveries with their minutes (003), and which of those deviate from the grant."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import and_, func, select

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import VisitChangeKind, VisitServiceOutcome
from selvvisitation.models import GrantedService, Visit, VisitChange, VisitService

# Recorded deliveries; DROPPED is a deselection (rule 7), not a changed delivery time.
DELIVERED_OUTCOMES = (VisitServiceOutcome.DELIVERED, VisitServiceOutcome.CHANGED)


# How far back time deviation looks. A run of deviating deliveries must last more than
# ``deviation_sustained_days`` (003: 14 days); 13 weeks also holds two or three deliveries
# of a service given every 5-6 weeks. A longer run is flagged all the same, with its
# period starting at the window's start.
MIN_DEVIATION_LOOKBACK_DAYS = 91


def deviation_lookback_days(policy: Policy) -> int:
    """Return how many days back time deviation looks (at least 13 weeks)."""
    return max(MIN_DEVIATION_LOOKBACK_DAYS, 4 * policy.deviation_sustained_days)


def lines_in_window(
    condition: sa.ColumnElement[bool], first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Visit lines meeting ``condition`` on visits in [first, last] that were not cancelled.

    The window is asked of the line's own day as well as the visit's (the same day,
    models.visits): so the lines are read by their day index, the window only, and not
    all of them to join with the window's visits (issue 17)."""
    return and_(
        condition,
        VisitService.service_id.is_not(None),
        *in_window(first, last, by_line_day=by_line_day),
        Visit.cancelled.is_(False),
    )


def in_window(
    first: date, last: date, *, by_line_day: bool = True
) -> tuple[sa.ColumnElement[bool], ...]:
    """The window on the visit's day, and on the line's (the same day) where the lines are
    read by their day index: for the whole municipality. A few citizens' lines are read by
    the visit's (citizen, day) index and then the lines' visit id (sel_rules'
    _deliveries_since); the line's day there would draw the planner into reading the whole
    window of lines."""
    on_line = (VisitService.day >= first, VisitService.day <= last) if by_line_day else ()
    return (*on_line, Visit.day >= first, Visit.day <= last)


def dropped_in_window(
    policy: Policy, first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Rule 7's lines: deselected at a visit in the window, or (when the municipality says
    so) planned at a visit the citizen's side cancelled."""
    dropped = lines_in_window(
        VisitService.outcome == VisitServiceOutcome.DROPPED, first, last, by_line_day=by_line_day
    )
    if policy.citizen_cancellations_count_as_deselection:
        dropped = sa.or_(dropped, cancelled_by_citizen(first, last, by_line_day=by_line_day))
    return dropped


def delivered_in_window(
    first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """003's lines: granted help delivered, with its minutes, at a visit in the window."""
    return lines_in_window(
        and_(
            VisitService.outcome.in_(DELIVERED_OUTCOMES),
            VisitService.delivered_minutes.is_not(None),
            VisitService.granted_service_id.is_not(None),
        ),
        first,
        last,
        by_line_day=by_line_day,
    )


def line_deviates(policy: Policy) -> sa.ColumnElement[bool]:
    """The same integer test as domain.flags.deviates: more than percent % of granted."""
    granted = GrantedService.minutes_per_delivery
    return func.abs(VisitService.delivered_minutes - granted) * 100 > (
        policy.deviation_percent * granted
    )


def cancelled_by_citizen(
    first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Granted services planned at a visit the citizen's side cancelled (issue 14): each
    counts as a deselection when the municipality turns that on (rule 7, 002 §8)."""
    return and_(
        VisitService.service_id.is_not(None),
        VisitService.granted_service_id.is_not(None),
        *in_window(first, last, by_line_day=by_line_day),
        visit_cancelled_by_citizen(),
    )


def visit_cancelled_by_citizen() -> sa.ColumnElement[bool]:
    """The visit was cancelled by the citizen or a relative for her, not by the provider."""
    return and_(
        Visit.cancelled.is_(True),
        Visit.id.in_(
            select(VisitChange.visit_id).where(
                VisitChange.kind == VisitChangeKind.CANCELLED,
                VisitChange.by_provider.is_(False),
            )
        ),
    )
