"""Findings that ask a visitator to consider revisitation; pure, no database.

Two rules raise a flag; neither changes a decision, they route it to the visitator:

- REPEATED_DESELECTION (rule 7; 004 §1.3.3, 002 §8): a citizen who keeps deselecting a
  granted service may need a different decision.
- TIME_DEVIATION (003 "Løbende justering/revisitation"): delivered time has deviated
  from granted time significantly and for more than 14 days.

A finding's ``key`` is stable per rule and service, so the database layer can update
one open flag instead of raising a new one each run. A dismissed flag is not raised
again by the same evidence: callers pass the dismissal date as ``counted_after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule


@dataclass(frozen=True)
class FlagFinding:
    """One reason to consider revisitation, with JSON-serialisable evidence."""

    rule: FlagRule
    service_code: str
    period_start: date
    period_end: date
    evidence: dict[str, object] = field(hash=False)
    key: str


def finding_key(rule: FlagRule, service_code: str) -> str:
    """Return the stable identity of a flag: one open flag per rule and service."""
    return f"{rule.value}:{service_code}"


# --- repeated deselection (rule 7) ---------------------------------------------------


@dataclass(frozen=True)
class Deselection:
    """A granted service the citizen deselected at one visit."""

    day: date
    service_code: str
    visit_ref: str


def deselection_findings(
    deselections: Iterable[Deselection],
    policy: Policy,
    *,
    as_of: date,
    counted_after: Mapping[str, date] | None = None,
) -> list[FlagFinding]:
    """Flag each service deselected at least N times in the last D days (rule 7).

    The window is the D days ending with ``as_of`` (inclusive); later days are ignored.
    A visit counts once per service, however many lines dropped it. Only deselections
    strictly after ``counted_after[service]`` (a dismissal date) count.
    """
    return repeated_findings(
        ((d.day, d.service_code, d.visit_ref) for d in deselections),
        FlagRule.REPEATED_DESELECTION,
        count=policy.deselection_threshold_count,
        days=policy.deselection_threshold_days,
        as_of=as_of,
        counted_after=counted_after,
    )


def repeated_findings(
    events: Iterable[tuple[date, str, str]],
    rule: FlagRule,
    *,
    count: int,
    days: int,
    as_of: date,
    counted_after: Mapping[str, date] | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> list[FlagFinding]:
    """Flag each code with at least ``count`` visits in the ``days`` days ending ``as_of``.

    ``events`` are (day, code, visit_ref). A visit counts once per code, however many
    lines it has; later days are ignored; only events strictly after ``counted_after[code]``
    (a dismissal date) count. ``extra[code]`` is added to that code's evidence.
    Shared by rule 7 (repeated deselection) and Ældreloven's repeated declines.
    """
    window_start = as_of - timedelta(days=days - 1)
    counted_after = counted_after or {}
    per_code: dict[str, set[tuple[date, str]]] = {}
    for day, code, visit_ref in events:
        if not window_start <= day <= as_of:
            continue
        dismissed = counted_after.get(code)
        if dismissed is not None and day <= dismissed:
            continue
        per_code.setdefault(code, set()).add((day, visit_ref))

    findings: list[FlagFinding] = []
    for code in sorted(per_code):
        visits = sorted(per_code[code])
        if len(visits) < count:
            continue
        findings.append(
            FlagFinding(
                rule=rule,
                service_code=code,
                period_start=visits[0][0],
                period_end=visits[-1][0],
                evidence={
                    "count": len(visits),
                    "visit_refs": [ref for _, ref in visits],
                    "days": [day.isoformat() for day, _ in visits],
                    "window_start": window_start.isoformat(),
                    "window_end": as_of.isoformat(),
                    "threshold_count": count,
                    "threshold_days": days,
                    "counted_after": _iso(counted_after.get(code)),
                    **(extra or {}).get(code, {}),
                },
                key=finding_key(rule, code),
            )
        )
    return findings


# --- time deviation (003 "Løbende justering/revisitation") -------------------------------


@dataclass(frozen=True)
class DeliveryFigure:
    """Granted and delivered minutes of one service at one delivery."""

    day: date
    granted_minutes: int
    delivered_minutes: int
    visit_ref: str


def deviates(figure: DeliveryFigure, percent: int) -> bool:
    """Tell whether a delivery deviates by more than ``percent`` % of granted (003: ±10 %).

    Integer arithmetic so exactly 10 % is not a deviation; with 0 granted minutes any
    delivered minute deviates.
    """
    change = abs(figure.delivered_minutes - figure.granted_minutes)
    return change * 100 > percent * figure.granted_minutes


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def time_deviation_finding(
    service_code: str,
    figures: Iterable[DeliveryFigure],
    *,
    deliveries_per_week: Fraction | float,
    policy: Policy,
    counted_after: date | None = None,
) -> FlagFinding | None:
    """Return a finding when delivered time has changed significantly for too long (003).

    Takes the most recent unbroken run of deliveries deviating in the same direction
    (more, or less, than granted). It is sustained when its last day is more than
    ``deviation_sustained_days`` after its first. It is significant unless both the mean
    change per delivery is under ``deviation_min_per_delivery`` and the weekly change
    (mean change x deliveries per week) is under ``deviation_min_per_week``.
    """
    ordered = sorted(
        (f for f in figures if counted_after is None or f.day > counted_after),
        key=lambda f: (f.day, f.visit_ref),
    )
    run: list[DeliveryFigure] = []
    direction = 0
    for figure in reversed(ordered):
        change = figure.delivered_minutes - figure.granted_minutes
        if not deviates(figure, policy.deviation_percent):
            break
        if direction and _sign(change) != direction:
            break
        direction = _sign(change)
        run.append(figure)
    if not run:
        return None
    run.reverse()
    first_day, last_day = run[0].day, run[-1].day
    if (last_day - first_day).days <= policy.deviation_sustained_days:
        return None

    per_delivery = Fraction(sum(f.delivered_minutes - f.granted_minutes for f in run), len(run))
    weekly_rate = (
        deliveries_per_week
        if isinstance(deliveries_per_week, Fraction)
        else Fraction(deliveries_per_week).limit_denominator(1_000_000)
    )
    per_week = per_delivery * weekly_rate
    # 003: "Dog justeres den visiterede tid ikke for ændringer mindre end 10 minutter pr gang
    # ... [og] mindre end 20 min i gennemsnit pr. uge": not flagged only when both are under.
    if (
        abs(per_delivery) < policy.deviation_min_per_delivery
        and abs(per_week) < policy.deviation_min_per_week
    ):
        return None

    return FlagFinding(
        rule=FlagRule.TIME_DEVIATION,
        service_code=service_code,
        period_start=first_day,
        period_end=last_day,
        evidence={
            "direction": "more" if direction > 0 else "less",
            "deliveries": len(run),
            "days_covered": (last_day - first_day).days,
            "change_per_delivery_minutes": _minutes(per_delivery),
            "weekly_change_minutes": _minutes(per_week),
            "deliveries_per_week": _minutes(weekly_rate),
            "visit_refs": [f.visit_ref for f in run],
            "figures": [
                {
                    "day": f.day.isoformat(),
                    "granted_minutes": f.granted_minutes,
                    "delivered_minutes": f.delivered_minutes,
                    "visit_ref": f.visit_ref,
                }
                for f in run
            ],
            "thresholds": {
                "percent": policy.deviation_percent,
                "min_per_delivery": policy.deviation_min_per_delivery,
                "min_per_week": policy.deviation_min_per_week,
                "sustained_days": policy.deviation_sustained_days,
            },
            "counted_after": _iso(counted_after),
        },
        key=finding_key(FlagRule.TIME_DEVIATION, service_code),
    )


def _minutes(value: Fraction) -> float:
    """Round an exact figure for the evidence the visitator reads."""
    return round(float(value), 2)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
