"""The § 94 a rules for SEL citizens: repeated deselection (rule 7, 004 §1.3.3, 002 §8)
and time deviation (003 "Løbende justering/revisitation"), from one scan of the wider of
their two windows and, for the pairs that may deviate long enough, their other deliveries
(issue 17)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from selvvisitation.domain.flags import (
    DeliveryFigure,
    Deselection,
    deselection_findings,
    time_deviation_finding,
)
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import GrantedService as GrantedValue
from selvvisitation.domain.timeframe import deliveries_per_week
from selvvisitation.domain.types import FlagRule, Frequency, VisitServiceOutcome
from selvvisitation.models import GrantedService, Service, Visit, VisitService
from selvvisitation.services.flags.found import Dismissed, Found
from selvvisitation.services.flags.windows import (
    DELIVERED_OUTCOMES,
    delivered_in_window,
    deviation_lookback_days,
    dropped_in_window,
    in_window,
    line_deviates,
    visit_cancelled_by_citizen,
)

Pair = tuple[int, int]  # (citizen id, service id)


class _Line(NamedTuple):
    """One delivery as 003 reads it, with its grant's figures: a tuple, made for thousands
    of rows a night."""

    citizen_id: int
    visit_id: int
    line_id: int
    service_id: int
    code: str
    day: date
    granted_minutes: int | None
    delivered_minutes: int | None
    frequency: str | None
    weekdays: str | None
    grant_start: date | None
    grant_end: date | None

    @property
    def order(self) -> tuple[date, int, int]:
        return (self.day, self.visit_id, self.line_id)

    def grant(self) -> GrantedValue:
        assert self.granted_minutes is not None and self.frequency is not None
        assert self.grant_start is not None
        return GrantedValue(
            service_code=self.code,
            minutes_per_delivery=self.granted_minutes,
            frequency=Frequency(self.frequency),
            weekdays=tuple(int(d) for d in (self.weekdays or "").split(",") if d.strip()),
            start=self.grant_start,
            end=self.grant_end,
        )

    def figure(self) -> DeliveryFigure:
        assert self.granted_minutes is not None and self.delivered_minutes is not None
        return DeliveryFigure(
            self.day, self.granted_minutes, self.delivered_minutes, str(self.visit_id)
        )


def _line_columns() -> tuple[Any, ...]:
    return (
        Visit.citizen_id,
        Visit.id,
        VisitService.id,
        VisitService.service_id,
        Service.code,
        Visit.day,
        GrantedService.minutes_per_delivery,
        VisitService.delivered_minutes,
        # Its stored value: the member is made for the latest line of each pair only.
        sa.type_coerce(GrantedService.frequency, sa.String),
        GrantedService.weekdays,
        GrantedService.start_date,
        GrantedService.end_date,
    )


def sel_findings(
    session: Session,
    policy: Policy,
    as_of: date,
    visit_scope: sa.ColumnElement[bool],
    dismissed: Dismissed,
) -> list[Found]:
    """Rule 7 and 003 for the SEL citizens ``visit_scope`` selects, from one scan of the
    wider of the two windows (issue 17).

    The scan hands back only the lines either rule may count: each deselected line (rule
    7 counts them all, in Python, from these rows) and each delivery that deviates (003),
    with its grant's figures.
    Its filter asks the line's own columns (and its grant's) before any visit is joined,
    so only those few lines are joined with their visits; the exact conditions of each
    rule, on the visit's day and whether it was cancelled too, are asked again in the
    select list for those rows. A (citizen, service) with deviating deliveries then needs
    the deliveries since the first of them that do not deviate (few: one ends a run): the
    run 003 looks for ends at the last of them (domain.flags.time_deviation_finding)."""
    deselection_start = as_of - timedelta(days=policy.deselection_threshold_days - 1)
    deviation_start = as_of - timedelta(days=deviation_lookback_days(policy) - 1)
    dropped = dropped_in_window(policy, deselection_start, as_of)
    deviating = and_(delivered_in_window(deviation_start, as_of), line_deviates(policy))
    on_line = sa.or_(
        and_(
            VisitService.outcome == VisitServiceOutcome.DROPPED,
            VisitService.day >= deselection_start,
        ),
        and_(
            VisitService.outcome.in_(DELIVERED_OUTCOMES),
            VisitService.delivered_minutes.is_not(None),
            VisitService.day >= deviation_start,
            line_deviates(policy),
        ),
    )
    wanted = and_(Visit.cancelled.is_(False), on_line)
    if policy.citizen_cancellations_count_as_deselection:
        wanted = sa.or_(
            wanted, and_(VisitService.day >= deselection_start, visit_cancelled_by_citizen())
        )
    stmt = (
        select(
            *_line_columns(),
            sa.case((dropped, True), else_=False),
            sa.case((deviating, True), else_=False),
        )
        .select_from(VisitService)
        .outerjoin(GrantedService, GrantedService.id == VisitService.granted_service_id)
        .join(Visit, Visit.id == VisitService.visit_id)
        .join(Service, Service.id == VisitService.service_id)
        .where(
            visit_scope,
            VisitService.service_id.is_not(None),
            *in_window(min(deselection_start, deviation_start), as_of),
            wanted,
        )
    )
    deselections: dict[int, list[Deselection]] = defaultdict(list)
    service_ids: dict[tuple[int, str], int] = {}
    deviations: dict[Pair, list[_Line]] = defaultdict(list)
    for *columns, is_dropped, is_deviating in session.execute(stmt):
        line = _Line._make(columns)
        if is_dropped:
            deselections[line.citizen_id].append(
                Deselection(line.day, line.code, str(line.visit_id))
            )
            service_ids[(line.citizen_id, line.code)] = line.service_id
        if is_deviating:
            deviations[(line.citizen_id, line.service_id)].append(line)
    found = _deselections(policy, as_of, deselections, service_ids, dismissed)
    found += _time_deviations(session, policy, as_of, deviations, dismissed)
    return found


def _deselections(
    policy: Policy,
    as_of: date,
    per_citizen: dict[int, list[Deselection]],
    service_ids: dict[tuple[int, str], int],
    dismissed: Dismissed,
) -> list[Found]:
    """Rule 7: services deselected at least N times in D days."""
    found: list[Found] = []
    rule = FlagRule.REPEATED_DESELECTION.value
    for citizen_id, items in per_citizen.items():
        visits: dict[str, set[str]] = defaultdict(set)
        for item in items:
            visits[item.service_code].add(item.visit_ref)
        if max(map(len, visits.values())) < policy.deselection_threshold_count:
            continue  # no service deselected at enough visits: the rule cannot hold
        counted_after = {
            code: dismissed[(citizen_id, f"{rule}:{code}")]
            for code in {item.service_code for item in items}
            if (citizen_id, f"{rule}:{code}") in dismissed
        }
        for finding in deselection_findings(
            items, policy, as_of=as_of, counted_after=counted_after
        ):
            found.append(
                Found(citizen_id, service_ids[(citizen_id, finding.service_code)], finding)
            )
    return found


def _time_deviations(
    session: Session,
    policy: Policy,
    as_of: date,
    deviating: dict[Pair, list[_Line]],
    dismissed: Dismissed,
) -> list[Found]:
    """003: per (citizen, service) with deviating deliveries, apply the pure rule to its
    deliveries since the first of them that counts.

    The deliveries before it do not deviate: the run the rule takes back from the last
    delivery ends at one of them at the latest, so the rule finds the same run without
    them. A pair whose deviating deliveries span no more than the sustained days cannot
    hold a run that does, and is not read further."""
    rule = FlagRule.TIME_DEVIATION.value
    first_days: dict[Pair, date] = {}
    counted_after: dict[Pair, date | None] = {}
    for pair, lines in deviating.items():
        after = dismissed.get((pair[0], f"{rule}:{lines[0].code}"))
        days = [line.day for line in lines if after is None or line.day > after]
        if days and (max(days) - min(days)).days > policy.deviation_sustained_days:
            first_days[pair] = min(days)
            counted_after[pair] = after
    found: list[Found] = []
    deviation_start = as_of - timedelta(days=deviation_lookback_days(policy) - 1)
    others = _deliveries_since(session, policy, first_days, deviation_start, as_of)
    for pair, first_day in first_days.items():
        lines = [line for line in deviating[pair] if line.day >= first_day] + others[pair]
        lines.sort(key=lambda line: line.order)
        latest = lines[-1]  # in force most recently: its grant's deliveries per week
        finding = time_deviation_finding(
            latest.code,
            [line.figure() for line in lines],
            deliveries_per_week=deliveries_per_week(latest.grant()),
            policy=policy,
            counted_after=counted_after[pair],
        )
        if finding is not None:
            found.append(Found(pair[0], pair[1], finding))
    return found


# Candidate pairs per query when fetching their deliveries. On PostgreSQL the pairs are
# joined as arrays unnested, which the planner drives from: each pair is read by the
# (citizen_id, day) index and the lines' visit id, never the whole window (measured with
# scripts/benchmark_flags.py; with the citizens as an IN list instead, it read the whole
# window beyond 25 of them). Asked by citizen, SQLite's planner uses the same index for
# a long IN list.
PAIRS_PER_QUERY = 1000


def _deliveries_since(
    session: Session, policy: Policy, first_days: dict[Pair, date], window_start: date, as_of: date
) -> dict[Pair, list[_Line]]:
    """Each pair's deliveries (003's lines) that do not deviate, from its first day given to
    ``as_of``: the scan has those that do."""
    pairs = sorted(first_days)
    by_arrays = session.get_bind().dialect.name == "postgresql"
    delivered = and_(
        delivered_in_window(window_start, as_of, by_line_day=False), sa.not_(line_deviates(policy))
    )
    result: dict[Pair, list[_Line]] = defaultdict(list)
    for start in range(0, len(pairs), PAIRS_PER_QUERY):
        chunk = pairs[start : start + PAIRS_PER_QUERY]
        stmt = (
            select(*_line_columns())
            .join(VisitService, VisitService.visit_id == Visit.id)
            .join(GrantedService, GrantedService.id == VisitService.granted_service_id)
            .join(Service, Service.id == VisitService.service_id)
            .where(delivered)
        )
        if by_arrays:
            candidate = (
                func.unnest(
                    sa.bindparam("citizen_ids", [c for c, _ in chunk], type_=ARRAY(sa.Integer)),
                    sa.bindparam("service_ids", [s for _, s in chunk], type_=ARRAY(sa.Integer)),
                    sa.bindparam(
                        "first_days", [first_days[p] for p in chunk], type_=ARRAY(sa.Date)
                    ),
                )
                .table_valued("citizen_id", "service_id", "first_day")
                .render_derived(name="candidate")
            )
            stmt = stmt.join(
                candidate,
                and_(
                    candidate.c.citizen_id == Visit.citizen_id,
                    candidate.c.service_id == VisitService.service_id,
                    Visit.day >= candidate.c.first_day,
                ),
            )
        else:
            stmt = stmt.where(
                Visit.citizen_id.in_(sorted({c for c, _ in chunk})),
                Visit.day >= min(first_days[p] for p in chunk),
            )
        chosen = set(chunk)  # a citizen's other pairs may be in the next chunk
        for row in session.execute(stmt):
            line = _Line._make(row)
            pair = (line.citizen_id, line.service_id)
            if pair in chosen and line.day >= first_days[pair]:
                result[pair].append(line)
    return result
