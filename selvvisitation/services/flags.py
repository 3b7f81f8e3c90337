"""Revisitation flags against the database: find, keep, close; never delete.

The rules are the pure ones in ``selvvisitation.domain.flags`` (rule 7, 004 §1.3.3 and
002 §8: repeated deselection; 003 "Løbende justering/revisitation": time deviation).
Here the database does the counting: SQL groups a whole municipality's visits and
hands back only the (citizen, service) pairs that may break a rule; the pure rules
then decide on those few. Evaluation is idempotent (an open flag is kept and its
evidence updated), a flag that no longer holds is closed with its reason, and a
flag a visitator dismissed only comes back on evidence dated after the dismissal.
Each new flag is routed to a visitator through a case; the system never decides.

Both laws in one run (DOMAIN.md "Ældreloven"): a citizen whose current decision is under
Ældreloven gets the AEL rules (repeated element declines, priorities not met) and never
the § 94 a rules (time deviation, repeated deselection); a SEL citizen is evaluated as
before. A citizen who moves to Ældreloven has her open SEL flags closed with that reason.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased, joinedload

from selvvisitation.domain.ael import (
    ElementDecline,
    UnmetPriority,
    element_decline_findings,
    priorities_not_met_finding,
    rules_for,
)
from selvvisitation.domain.dates import local_day, local_today
from selvvisitation.domain.flags import (
    DeliveryFigure,
    Deselection,
    FlagFinding,
    deselection_findings,
    time_deviation_finding,
)
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.timeframe import GrantedService as GrantedValue
from selvvisitation.domain.timeframe import deliveries_per_week
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    CaseStatus,
    ElementOutcome,
    FlagRule,
    FlagStatus,
    Frequency,
    LegalBasis,
    PriorityNotMetReason,
    PriorityStatus,
    VisitChangeKind,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    CareProgrammeElement,
    Case,
    CaseEvent,
    Citizen,
    Decision,
    Flag,
    GrantedService,
    Municipality,
    Service,
    Visit,
    VisitChange,
    VisitElement,
    VisitPriority,
    VisitService,
    utcnow,
)
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.cases import open_case

# Recorded deliveries; DROPPED is a deselection (rule 7), not a changed delivery time.
DELIVERED_OUTCOMES = (VisitServiceOutcome.DELIVERED, VisitServiceOutcome.CHANGED)

# How far back time deviation looks. A run of deviating deliveries must last more than
# ``deviation_sustained_days`` (003: 14 days); 13 weeks also holds two or three deliveries
# of a service given every 5-6 weeks. A longer run is flagged all the same, with its
# period starting at the window's start.
MIN_DEVIATION_LOOKBACK_DAYS = 91

# Reasons written on a closed flag (shown to the visitator, in Danish like the UI).
CLOSED_REASONS: dict[FlagRule, str] = {
    FlagRule.REPEATED_DESELECTION: (
        "Gælder ikke længere: ydelsen er fravalgt færre end %(count)s gange "
        "de seneste %(days)s dage (regel 7; 004 §1.3.3, 002 §8)."
    ),
    FlagRule.TIME_DEVIATION: (
        "Gælder ikke længere: den leverede tid afviger ikke længere væsentligt "
        "fra den bevilgede tid (003 Løbende justering/revisitation)."
    ),
    FlagRule.REPEATED_ELEMENT_DECLINE: (
        "Gælder ikke længere: borgeren har sagt nej til elementet færre end %(count)s "
        "gange de seneste %(days)s dage (ældreloven § 1, stk. 2)."
    ),
    FlagRule.PRIORITIES_NOT_MET: (
        "Gælder ikke længere: færre end %(count)s af borgerens prioriteter er ikke blevet "
        "opfyldt de seneste %(days)s dage (ældreloven § 11)."
    ),
}
# A flag of the other law's rules no longer applies after the citizen changed basis.
CLOSED_BASIS_CHANGED: dict[LegalBasis, str] = {
    LegalBasis.AEL: (
        "Gælder ikke længere: borgerens afgørelse er nu efter ældreloven (helhedspleje), "
        "hvor minutter og fravalg efter serviceloven § 94 a ikke bruges."
    ),
    LegalBasis.SEL: (
        "Gælder ikke længere: borgerens afgørelse er nu efter serviceloven § 83, "
        "hvor forløb og prioriteter efter ældreloven ikke bruges."
    ),
}
CASE_TITLE = "Overvej revisitation: %(what)s"
RULE_TITLES: dict[FlagRule, str] = {
    FlagRule.REPEATED_DESELECTION: "gentagne fravalg af %(service)s",
    FlagRule.TIME_DEVIATION: "leveret tid afviger for %(service)s",
    FlagRule.REPEATED_ELEMENT_DECLINE: "gentagne nej til %(service)s",
    FlagRule.PRIORITIES_NOT_MET: "prioriteter gentagne gange ikke opfyldt",
}


@dataclass(frozen=True)
class FlagOutcome:
    """What one evaluation did with one flag."""

    action: str  # "opened", "kept" or "closed"
    flag_id: int
    citizen_id: int
    rule: FlagRule
    key: str
    service_code: str
    period_start: date
    period_end: date
    case_id: int | None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "flag_id": self.flag_id,
            "citizen_id": self.citizen_id,
            "rule": self.rule.value,
            "key": self.key,
            "service_code": self.service_code,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "case_id": self.case_id,
            "reason": self.reason,
        }


@dataclass
class EvaluationReport:
    """The outcome of one evaluation: opened, kept and closed flags, with details."""

    as_of: date
    citizens_evaluated: int
    outcomes: list[FlagOutcome] = field(default_factory=list)
    cases_opened: list[int] = field(default_factory=list)

    def _with(self, action: str) -> list[FlagOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    @property
    def opened(self) -> list[FlagOutcome]:
        return self._with("opened")

    @property
    def kept(self) -> list[FlagOutcome]:
        return self._with("kept")

    @property
    def closed(self) -> list[FlagOutcome]:
        return self._with("closed")

    def counts(self) -> dict[str, int]:
        return {
            "opened": len(self.opened),
            "kept": len(self.kept),
            "closed": len(self.closed),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "citizens_evaluated": self.citizens_evaluated,
            "counts": self.counts(),
            "cases_opened": self.cases_opened,
            "flags": [outcome.as_dict() for outcome in self.outcomes],
        }


class CitizenNotFoundError(LookupError):
    """No citizen with the id given."""


def evaluate_citizen(
    session: Session, citizen_id: int, *, as_of: date | None = None
) -> EvaluationReport:
    """Evaluate one citizen's flags, e.g. right after a swap or a visit record is saved."""
    # Her municipality and its policy in one round trip, not the citizen, then each by a
    # lazy load (issue 17: seven statements a recorded visit, now five).
    municipality = session.scalar(
        select(Municipality)
        .join(Citizen, Citizen.municipality_id == Municipality.id)
        .where(Citizen.id == citizen_id)
        .options(joinedload(Municipality.policy))
    )
    if municipality is None:
        raise CitizenNotFoundError(citizen_id)
    law = _bases_of(session, {citizen_id})[citizen_id]
    return _evaluate(session, municipality, as_of, Citizen.id == citizen_id, law=law)


def evaluate_municipality(
    session: Session, municipality_id: int, *, as_of: date | None = None
) -> EvaluationReport:
    """Evaluate every citizen of the municipality in a few grouped queries."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise LookupError(municipality_id)
    return _evaluate(session, municipality, as_of, Citizen.municipality_id == municipality_id)


# --- finding what holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A rule that holds for one citizen's service: what a flag is opened or kept for."""

    citizen_id: int
    service_id: int | None  # None for the AEL rules: an element or the forløb, not a service
    finding: FlagFinding


def find_holding(
    session: Session,
    policy: Policy,
    as_of: date,
    citizen_ids: sa.Select[Any],
    *,
    law: LegalBasis | None = None,
) -> list[Found]:
    """Every flag rule that holds on ``as_of`` for the citizens ``citizen_ids`` selects.

    Only evidence after a visitator dismissed the same flag counts. The one code path
    for the evaluation (which opens, keeps and closes flags) and the policy preview
    (which only counts, for a policy not saved yet): a preview counts exactly as the
    evaluation will.

    ``law``, when given, is the law every selected citizen's decision is under (one
    citizen's evaluation): only that law's rules are asked, the other law's queries not.
    """
    dismissed = _dismissed_on(session, citizen_ids)
    found: list[Found] = []
    if law is not LegalBasis.AEL:
        sel_scope: sa.ColumnElement[bool] = Visit.citizen_id.in_(citizen_ids)
        if law is None:
            sel_citizen = Decision.citizen_id == Visit.citizen_id
            sel_scope = and_(sel_scope, ~_current_ael_decisions(sel_citizen).exists())
        found += _sel_findings(session, policy, as_of, sel_scope, dismissed)
    if law is not LegalBasis.SEL:
        ael_ids = citizen_ids if law is LegalBasis.AEL else ael_citizen_ids(citizen_ids)
        ael_scope = Visit.citizen_id.in_(ael_ids)
        found += _element_declines(session, policy, as_of, ael_scope, dismissed)
        found += _priorities_not_met(session, policy, as_of, ael_ids, dismissed)
    return found


# A later version of the same citizen's decision: made once, as making an alias was a
# tenth of one citizen's evaluation under the profiler (issue 17).
_NEWER_DECISION = aliased(Decision)


def ael_citizen_ids(citizen_ids: Any) -> sa.Select[Any]:
    """Those of ``citizen_ids`` whose current decision is under Ældreloven.

    The newest version not superseded is the current one, as in ``_bases_of``."""
    return _current_ael_decisions(Decision.citizen_id.in_(citizen_ids))


def _current_ael_decisions(which: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The current decisions under Ældreloven, of the citizens ``which`` selects: a list,
    or, correlated, the one a visit is for (an anti-join for the SEL scan: PostgreSQL
    costs a NOT IN of the AEL citizens again on every visit it filters, and so read all
    the visits rather than the few its lines need by id, issue 17)."""
    newer = _NEWER_DECISION
    return select(Decision.citizen_id).where(
        Decision.superseded_at.is_(None),
        Decision.legal_basis == LegalBasis.AEL,
        which,
        ~sa.exists().where(
            newer.citizen_id == Decision.citizen_id,
            newer.version > Decision.version,
            newer.superseded_at.is_(None),
        ),
    )


def _dismissed_on(session: Session, citizen_ids: Any) -> dict[tuple[int, str], date]:
    """Return the latest dismissal day per (citizen, key): only later events count."""
    rows = session.execute(
        select(Flag.citizen_id, Flag.key, func.max(Flag.dismissed_at))
        .where(Flag.status == FlagStatus.DISMISSED, Flag.citizen_id.in_(citizen_ids))
        .group_by(Flag.citizen_id, Flag.key)
    )
    result: dict[tuple[int, str], date] = {}
    for citizen_id, key, dismissed_at in rows:
        if dismissed_at is None:
            continue
        result[(citizen_id, key)] = local_day(dismissed_at)
    return result


def _lines_in_window(
    condition: sa.ColumnElement[bool], first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Visit lines meeting ``condition`` on visits in [first, last] that were not cancelled.

    The window is asked of the line's own day as well as the visit's (the same day,
    models.visits): so the lines are read by their day index, the window only, and not
    all of them to join with the window's visits (issue 17)."""
    return and_(
        condition,
        VisitService.service_id.is_not(None),
        *_in_window(first, last, by_line_day=by_line_day),
        Visit.cancelled.is_(False),
    )


def _in_window(
    first: date, last: date, *, by_line_day: bool = True
) -> tuple[sa.ColumnElement[bool], ...]:
    """The window on the visit's day, and on the line's (the same day) where the lines are
    read by their day index: for the whole municipality. A few citizens' lines are read by
    the visit's (citizen, day) index and then the lines' visit id (_deliveries_since); the
    line's day there would draw the planner into reading the whole window of lines."""
    on_line = (VisitService.day >= first, VisitService.day <= last) if by_line_day else ()
    return (*on_line, Visit.day >= first, Visit.day <= last)


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


def _sel_findings(
    session: Session,
    policy: Policy,
    as_of: date,
    visit_scope: sa.ColumnElement[bool],
    dismissed: dict[tuple[int, str], date],
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
    dropped = _dropped_in_window(policy, deselection_start, as_of)
    deviating = and_(_delivered_in_window(deviation_start, as_of), _deviates(policy))
    on_line = sa.or_(
        and_(
            VisitService.outcome == VisitServiceOutcome.DROPPED,
            VisitService.day >= deselection_start,
        ),
        and_(
            VisitService.outcome.in_(DELIVERED_OUTCOMES),
            VisitService.delivered_minutes.is_not(None),
            VisitService.day >= deviation_start,
            _deviates(policy),
        ),
    )
    wanted = and_(Visit.cancelled.is_(False), on_line)
    if policy.citizen_cancellations_count_as_deselection:
        wanted = sa.or_(
            wanted, and_(VisitService.day >= deselection_start, _visit_cancelled_by_citizen())
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
            *_in_window(min(deselection_start, deviation_start), as_of),
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
    dismissed: dict[tuple[int, str], date],
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
    dismissed: dict[tuple[int, str], date],
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
# Citizens per query for the AEL declines' lines: few enough that PostgreSQL reads them by
# citizen (ix_visit_citizen_day), not the whole window (at 500 it read the window).
CITIZENS_PER_QUERY = 25
# Ids per query where each is found by its primary key or a unique index.
IDS_PER_QUERY = 500


def _deliveries_since(
    session: Session, policy: Policy, first_days: dict[Pair, date], window_start: date, as_of: date
) -> dict[Pair, list[_Line]]:
    """Each pair's deliveries (003's lines) that do not deviate, from its first day given to
    ``as_of``: the scan has those that do."""
    pairs = sorted(first_days)
    by_arrays = session.get_bind().dialect.name == "postgresql"
    delivered = and_(
        _delivered_in_window(window_start, as_of, by_line_day=False), sa.not_(_deviates(policy))
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


def _dropped_in_window(
    policy: Policy, first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Rule 7's lines: deselected at a visit in the window, or (when the municipality says
    so) planned at a visit the citizen's side cancelled."""
    dropped = _lines_in_window(
        VisitService.outcome == VisitServiceOutcome.DROPPED, first, last, by_line_day=by_line_day
    )
    if policy.citizen_cancellations_count_as_deselection:
        dropped = sa.or_(dropped, _cancelled_by_citizen(first, last, by_line_day=by_line_day))
    return dropped


def _delivered_in_window(
    first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """003's lines: granted help delivered, with its minutes, at a visit in the window."""
    return _lines_in_window(
        and_(
            VisitService.outcome.in_(DELIVERED_OUTCOMES),
            VisitService.delivered_minutes.is_not(None),
            VisitService.granted_service_id.is_not(None),
        ),
        first,
        last,
        by_line_day=by_line_day,
    )


def _deviates(policy: Policy) -> sa.ColumnElement[bool]:
    """The same integer test as domain.flags.deviates: more than percent % of granted."""
    granted = GrantedService.minutes_per_delivery
    return func.abs(VisitService.delivered_minutes - granted) * 100 > (
        policy.deviation_percent * granted
    )


def _cancelled_by_citizen(
    first: date, last: date, *, by_line_day: bool = True
) -> sa.ColumnElement[bool]:
    """Granted services planned at a visit the citizen's side cancelled (issue 14): each
    counts as a deselection when the municipality turns that on (rule 7, 002 §8)."""
    return and_(
        VisitService.service_id.is_not(None),
        VisitService.granted_service_id.is_not(None),
        *_in_window(first, last, by_line_day=by_line_day),
        _visit_cancelled_by_citizen(),
    )


def _visit_cancelled_by_citizen() -> sa.ColumnElement[bool]:
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


def deviation_lookback_days(policy: Policy) -> int:
    """Return how many days back time deviation looks (at least 13 weeks)."""
    return max(MIN_DEVIATION_LOOKBACK_DAYS, 4 * policy.deviation_sustained_days)


# --- Ældreloven: element declines (ÆL § 1 stk. 2) and priorities not met (ÆL § 11) ---------


def _element_declines(
    session: Session,
    policy: Policy,
    as_of: date,
    visit_scope: sa.ColumnElement[bool],
    dismissed: dict[tuple[int, str], date],
) -> list[Found]:
    """Elements an AEL citizen declined at N visits or more in D days; candidates in SQL.

    When the municipality counts the citizen's cancellations (issue 14), each element planned
    at a visit her side cancelled counts as a decline, as a SEL citizen's cancelled services
    count as deselections (rule 7, 002 §8)."""
    window_start = as_of - timedelta(days=policy.element_decline_threshold_days - 1)
    declined = and_(VisitElement.outcome == ElementOutcome.DECLINED, Visit.cancelled.is_(False))
    if policy.citizen_cancellations_count_as_deselection:
        declined = sa.or_(declined, _visit_cancelled_by_citizen())
    declined_in_window = and_(
        declined,
        Visit.day >= window_start,
        Visit.day <= as_of,
        visit_scope,
    )
    base = select(Visit.citizen_id).join(VisitElement, VisitElement.visit_id == Visit.id)
    candidates = (
        base.where(declined_in_window)
        .group_by(Visit.citizen_id, VisitElement.element_id)
        .having(func.count(sa.distinct(Visit.id)) >= policy.element_decline_threshold_count)
    )
    citizens = sorted(set(session.scalars(candidates)))
    per_citizen: dict[int, list[ElementDecline]] = defaultdict(list)
    for start in range(0, len(citizens), CITIZENS_PER_QUERY):
        chunk = citizens[start : start + CITIZENS_PER_QUERY]
        rows = session.execute(
            select(
                Visit.citizen_id,
                Visit.id,
                Visit.day,
                VisitElement.element_id,
                CareProgrammeElement.name_da,
                CareProgrammeElement.fsiii_code,
            )
            .join(VisitElement, VisitElement.visit_id == Visit.id)
            .join(CareProgrammeElement, CareProgrammeElement.id == VisitElement.element_id)
            .where(declined_in_window, Visit.citizen_id.in_(chunk))
        )
        for citizen_id, visit_id, day, element_id, name, fsiii_code in rows:
            per_citizen[citizen_id].append(
                ElementDecline(day, str(element_id), str(visit_id), name, fsiii_code)
            )
    found: list[Found] = []
    rule = FlagRule.REPEATED_ELEMENT_DECLINE.value
    for citizen_id, items in sorted(per_citizen.items()):
        counted_after = {
            item.element_key: dismissed[(citizen_id, f"{rule}:{item.element_key}")]
            for item in items
            if (citizen_id, f"{rule}:{item.element_key}") in dismissed
        }
        found.extend(
            Found(citizen_id, None, finding)
            for finding in element_decline_findings(
                items, policy, as_of=as_of, counted_after=counted_after
            )
        )
    return found


def _priorities_not_met(
    session: Session,
    policy: Policy,
    as_of: date,
    ael_ids: sa.Select[Any],
    dismissed: dict[tuple[int, str], date],
) -> list[Found]:
    """AEL citizens with N priorities or more not met in D days.

    A priority's day is its visit's day, or, for a standing priority, the day it was
    answered. The SQL narrows by the answer time with a day's margin either side (local
    and UTC days differ); the pure rule counts the exact window.
    """
    days = policy.priorities_not_met_threshold_days
    window_start = as_of - timedelta(days=days - 1)
    not_met = and_(
        VisitPriority.status == PriorityStatus.NOT_MET,
        VisitPriority.answered_at.is_not(None),
        VisitPriority.citizen_id.in_(ael_ids),
    )
    # A priority is answered on or after its visit's day: a bound on the answer time.
    earliest = window_start - timedelta(days=2)
    rows = session.execute(
        select(
            VisitPriority.citizen_id,
            VisitPriority.reference,
            VisitPriority.answered_at,
            VisitPriority.not_met_reason,
            VisitPriority.text,
            Visit.day,
        )
        .outerjoin(Visit, Visit.id == VisitPriority.visit_id)
        .where(not_met, VisitPriority.answered_at >= datetime.combine(earliest, time(), UTC))
        .order_by(VisitPriority.citizen_id, VisitPriority.id)
    )
    per_citizen: dict[int, list[UnmetPriority]] = defaultdict(list)
    for citizen_id, reference, answered_at, reason, text, visit_day in rows:
        assert answered_at is not None  # the WHERE above compares it with a day
        day = visit_day or local_day(answered_at)
        per_citizen[citizen_id].append(
            UnmetPriority(day, reference, reason or PriorityNotMetReason.OTHER, text)
        )
    found: list[Found] = []
    key_prefix = FlagRule.PRIORITIES_NOT_MET.value
    for citizen_id, items in sorted(per_citizen.items()):
        finding = priorities_not_met_finding(
            items,
            policy,
            as_of=as_of,
            counted_after=dismissed.get((citizen_id, f"{key_prefix}:forløb")),
        )
        if finding is not None:
            found.append(Found(citizen_id, None, finding))
    return found


# --- reconciling with the flags already there -------------------------------------------


def _evaluate(
    session: Session,
    municipality: Municipality,
    as_of: date | None,
    citizen_scope: sa.ColumnElement[bool],
    *,
    law: LegalBasis | None = None,
) -> EvaluationReport:
    as_of = as_of or local_today()
    policy = policy_for(municipality)
    citizen_ids = select(Citizen.id).where(citizen_scope)
    if law is None:  # the municipality's citizens; one citizen's evaluation knows her law
        citizens_evaluated = session.scalar(
            select(func.count()).select_from(Citizen).where(citizen_scope)
        )
    else:
        citizens_evaluated = 1
    found = find_holding(session, policy, as_of, citizen_ids, law=law)
    holding = {(item.citizen_id, item.finding.key): item for item in found}

    # The open flags as rows: most are kept unchanged, and only those that change or
    # close are loaded as objects to be written (issue 17: 1,241 objects built a night).
    open_flags = session.execute(
        select(
            Flag.id,
            Flag.citizen_id,
            Flag.rule,
            Flag.key,
            Flag.period_start,
            Flag.period_end,
            Flag.evidence,
            Flag.case_id,
        )
        .where(Flag.status == FlagStatus.OPEN, Flag.citizen_id.in_(citizen_ids))
        .order_by(Flag.citizen_id, Flag.key)
    ).all()
    report = EvaluationReport(as_of=as_of, citizens_evaluated=citizens_evaluated or 0)
    changed: dict[int, tuple[Found, dict[str, Any]]] = {}
    closing: list[int] = []
    for row in open_flags:
        item = holding.pop((row.citizen_id, row.key), None)
        if item is None:
            closing.append(row.id)
            continue
        finding = item.finding
        # Most kept flags hold the same evidence: equal as it stands, it is equal as JSON.
        same = row.evidence == finding.evidence or row.evidence == _json_ready(finding.evidence)
        if (row.period_start, row.period_end) == (
            finding.period_start,
            finding.period_end,
        ) and same:
            report.outcomes.append(_outcome("kept", row))
        else:
            changed[row.id] = (item, _json_ready(finding.evidence))
    to_write = _flags_by_id(session, [*changed, *closing])
    bases = _bases_of(session, {to_write[flag_id].citizen_id for flag_id in closing})
    now = utcnow()
    touched_cases: set[int] = set()
    for flag_id, (item, evidence) in changed.items():
        flag = to_write[flag_id]
        flag.period_start = item.finding.period_start
        flag.period_end = item.finding.period_end
        flag.evidence = evidence
        flag.updated_at = now
    for flag_id in closing:
        flag = to_write[flag_id]
        flag.status = FlagStatus.CLOSED
        flag.closed_at = now
        flag.updated_at = now
        flag.closed_reason = _closed_reason(flag, policy, bases)
        if flag.case_id is not None:
            touched_cases.add(flag.case_id)

    new_flags = _open_new_flags(session, list(holding.values()), as_of, report)
    session.flush()
    _note_cases_without_open_flags(session, touched_cases)
    session.flush()

    report.outcomes.extend(_outcome("kept", to_write[flag_id]) for flag_id in changed)
    report.outcomes.extend(
        _outcome("closed", to_write[flag_id], to_write[flag_id].closed_reason)
        for flag_id in closing
    )
    for flag in new_flags:
        report.outcomes.append(_outcome("opened", flag))
    report.outcomes.sort(key=lambda o: (o.citizen_id, o.key, o.action))
    return report


def _flags_by_id(session: Session, flag_ids: list[int]) -> dict[int, Flag]:
    """The flags to write, as objects, by id."""
    ids = sorted(flag_ids)
    flags: dict[int, Flag] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        flags.update(
            (flag.id, flag) for flag in session.scalars(select(Flag).where(Flag.id.in_(chunk)))
        )
    return flags


def _bases_of(session: Session, citizen_ids: set[int]) -> dict[int, LegalBasis]:
    """The legal basis of each citizen's current decision (SEL when she has none).

    Where a citizen has more than one version not superseded, the newest wins, as
    ``Citizen.current_decision`` has it: without the order the database's row order chose."""
    bases = dict.fromkeys(citizen_ids, LegalBasis.SEL)
    ids = sorted(citizen_ids)
    for start in range(0, len(ids), IDS_PER_QUERY):
        rows = session.execute(
            select(Decision.citizen_id, Decision.legal_basis)
            .where(
                Decision.superseded_at.is_(None),
                Decision.citizen_id.in_(ids[start : start + IDS_PER_QUERY]),
            )
            .order_by(Decision.citizen_id, Decision.version)
        )
        bases.update({citizen_id: basis for citizen_id, basis in rows})
    return bases


def _closed_reason(flag: Flag, policy: Policy, bases: dict[int, LegalBasis]) -> str:
    basis = bases.get(flag.citizen_id, LegalBasis.SEL)
    if flag.rule not in rules_for(basis):
        return CLOSED_BASIS_CHANGED[basis]
    counts = {
        FlagRule.REPEATED_ELEMENT_DECLINE: (
            policy.element_decline_threshold_count,
            policy.element_decline_threshold_days,
        ),
        FlagRule.PRIORITIES_NOT_MET: (
            policy.priorities_not_met_threshold_count,
            policy.priorities_not_met_threshold_days,
        ),
    }
    count, days = counts.get(
        flag.rule, (policy.deselection_threshold_count, policy.deselection_threshold_days)
    )
    return CLOSED_REASONS[flag.rule] % {"count": count, "days": days}


def _title(item: Found, service_names: dict[int, str]) -> str:
    """The flag in a case title: the service's or the element's name."""
    name = service_names.get(item.service_id, "") if item.service_id is not None else ""
    name = name or str(item.finding.evidence.get("element_name", ""))
    return RULE_TITLES[item.finding.rule] % {"service": name}


def _open_new_flags(
    session: Session, new: list[Found], as_of: date, report: EvaluationReport
) -> list[Flag]:
    """Create the new flags and route them to a visitator: one case per citizen."""
    if not new:
        return []
    by_citizen: dict[int, list[Found]] = defaultdict(list)
    for item in new:
        by_citizen[item.citizen_id].append(item)
    citizens = {
        citizen.id: citizen
        for citizen in session.scalars(select(Citizen).where(Citizen.id.in_(list(by_citizen))))
    }
    # A citizen's case that is still open takes the new flags: the visitator sees one case.
    open_cases: dict[int, Case] = {}
    for still_open in session.scalars(
        select(Case)
        .where(
            Case.kind == CaseKind.FLAG,
            Case.status != CaseStatus.CLOSED,
            Case.citizen_id.in_(list(by_citizen)),
        )
        .order_by(Case.opened_at, Case.id)
    ):
        open_cases[still_open.citizen_id] = still_open
    service_names = dict(
        session.execute(
            select(Service.id, Service.name_da).where(
                Service.id.in_({i.service_id for i in new if i.service_id is not None})
            )
        ).all()
    )
    created: list[Flag] = []
    new_cases: list[Case] = []
    for citizen_id in sorted(by_citizen):
        items = sorted(by_citizen[citizen_id], key=lambda i: i.finding.key)
        what = ", ".join(_title(i, service_names) for i in items)
        data = {"flags": [i.finding.key for i in items], "as_of": as_of.isoformat()}
        case = open_cases.get(citizen_id)
        if case is None:
            case = open_case(
                session,
                citizen=citizens[citizen_id],
                kind=CaseKind.FLAG,
                title=(CASE_TITLE % {"what": what})[:200],
                actor_kind=ActorKind.SYSTEM,
                text="Systemet har fundet grund til at se på afgørelsen igen: " + what + ".",
                data=data,
                priority=_priority(items),
                opened_on=as_of,
            )
            new_cases.append(case)
        else:
            case.priority = min(case.priority, _priority(items))
            case.events.append(
                CaseEvent(
                    actor_kind=ActorKind.SYSTEM,
                    kind="flag_raised",
                    text="Nyt flag: " + what + ".",
                    data=data,
                )
            )
        for item in items:
            flag = Flag(
                citizen_id=citizen_id,
                rule=item.finding.rule,
                key=item.finding.key,
                service_id=item.service_id,
                status=FlagStatus.OPEN,
                period_start=item.finding.period_start,
                period_end=item.finding.period_end,
                evidence=_json_ready(item.finding.evidence),
                case=case,
            )
            session.add(flag)
            created.append(flag)
    session.flush()  # one flush for every new case and flag, not one per citizen
    report.cases_opened.extend(case.id for case in new_cases)
    return created


def _priority(items: list[Found]) -> int:
    """High when more time is delivered than granted: the need may have grown (003)."""
    for item in items:
        evidence = item.finding.evidence
        if item.finding.rule is FlagRule.TIME_DEVIATION and evidence.get("direction") == "more":
            return 1
    return 2


def _note_cases_without_open_flags(session: Session, case_ids: set[int]) -> None:
    """Tell the visitator when every flag of a case has closed; a human closes the case."""
    if not case_ids:
        return
    still_open = set(
        session.scalars(
            select(Flag.case_id).where(Flag.case_id.in_(case_ids), Flag.status == FlagStatus.OPEN)
        )
    )
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids - still_open))):
        if case.status == CaseStatus.CLOSED:
            continue
        case.events.append(
            CaseEvent(
                actor_kind=ActorKind.SYSTEM,
                kind="flags_closed",
                text=(
                    "Alle flag i sagen gælder ikke længere. Sagen er ikke lukket: "
                    "en visitator vurderer, om den kan lukkes."
                ),
                data={},
            )
        )


def _outcome(action: str, flag: Any, reason: str = "") -> FlagOutcome:
    """What became of ``flag``: a Flag, or the row of one kept as it was."""
    return FlagOutcome(
        action=action,
        flag_id=flag.id,
        citizen_id=flag.citizen_id,
        rule=flag.rule,
        key=flag.key,
        service_code=flag.key.split(":", 1)[-1],
        period_start=flag.period_start,
        period_end=flag.period_end,
        case_id=flag.case_id,
        reason=reason,
    )


def _json_ready(evidence: dict[str, object]) -> dict[str, Any]:
    """Evidence as the JSON column gives it back, so comparisons see real changes only."""
    ready: dict[str, Any] = json.loads(json.dumps(evidence))
    return ready
