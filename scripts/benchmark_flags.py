"""Benchmark revisitation flag evaluation on a synthetic municipality (not a test).

    .venv/bin/python scripts/benchmark_flags.py                      # SQLite file, 10,000 citizens
    .venv/bin/python scripts/benchmark_flags.py --citizens 2000 --days 365
    .venv/bin/python scripts/benchmark_flags.py \\
        --url postgresql+psycopg://root@127.0.0.1:5432/rulesdb --explain

    .venv/bin/python scripts/benchmark_flags.py --url postgresql+psycopg://… \
        --citizens 20000 --days 365,730            # the same citizens, 1 and 2 years

Generates a municipality whose citizens have a decision with practical help every week
and, for some, personal care three times a week, with recorded visits over the period
(SQLAlchemy core bulk inserts; on PostgreSQL the visits and their lines go in with COPY,
so 100,000 citizens × 730 days fit in the benchmark's time). A few citizens keep
deselecting a service (rule 7) or get much more time than granted (003); most vary by a
minute or two. Then it times a full municipality evaluation (opening, then three times
keeping), the floor (one bare SQL scan of the same window of days, grouped as the rules
group: no evaluation can read less) and the second run's ratio to it, one incremental
evaluation of a single citizen, and prints row counts, the slowest statements and, on
PostgreSQL with --explain, their query plans. With several --days, each history length
is generated and evaluated in turn for the same citizens, and a summary compares them:
the full evaluation should grow with the window (90 days, 13 weeks), not with the history
(issue 17). THE DATABASE IS EMPTIED FIRST.
"""

from __future__ import annotations

import argparse
import enum
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selvvisitation.config import Config
from selvvisitation.database import configure_engine
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import (
    Frequency,
    ProviderKind,
    ServiceCategory,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    Citizen,
    Decision,
    GrantedService,
    Municipality,
    MunicipalityPolicy,
    Provider,
    Service,
    Team,
    Visit,
    VisitService,
)
from selvvisitation.security import cpr_vault
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.flags import (
    deviation_lookback_days,
    evaluate_citizen,
    evaluate_municipality,
)

CHUNK = 20_000
REPEAT = 3  # timed runs of the full evaluation and the floor; 9 of one citizen
PRACTICAL = ("PH-STØV", "PH-RENG", "PH-TØJ", "PH-INDK")
PERSONAL = ("PP-BAD", "PP-PÅKL", "PP-MAD")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_url = f"sqlite:///{Path(tempfile.gettempdir()) / 'benchmark_flags.db'}"
    parser.add_argument("--url", default=default_url, help=f"database URL (default {default_url})")
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument(
        "--days",
        default="730",
        help="days of visit history (2 years); several, comma-separated, to compare them",
    )
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the generated data, only drop flags and cases"
    )
    return parser.parse_args()


def chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fake_cpr(n: int) -> str:
    """A distinct made-up CPR number for each n below 70 million: a birthday among 7,000
    days from 1930, then the serial n // 7000 (its first digit 0: born in the 1900s). The
    serial used to wrap after 28,000 citizens, so 100,000 failed on a repeated number."""
    born = date(1930, 1, 1) + timedelta(days=n % 7000)
    return born.strftime("%d%m%y") + f"{n // 7000:04d}"


def generate(engine: Engine, citizens: int, days: int, rng: random.Random, today: date) -> int:
    """Fill the database; return the id of one citizen built to be flagged."""
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    first_day = today - timedelta(days=days)
    with engine.begin() as conn:
        conn.execute(
            insert(Municipality),
            [
                {
                    "id": 1,
                    "code": "999",
                    "name": "Benchmark Kommune",
                    "visitation_phone": "70 00 00 00",
                }
            ],
        )
        conn.execute(
            insert(MunicipalityPolicy), [{"id": 1, "municipality_id": 1, "legal_references": {}}]
        )
        conn.execute(
            insert(Provider),
            [
                {
                    "id": 1,
                    "municipality_id": 1,
                    "name": "Hjemmeplejen",
                    "kind": ProviderKind.MUNICIPAL,
                }
            ],
        )
        conn.execute(
            insert(Team), [{"id": t, "provider_id": 1, "name": f"Team {t}"} for t in range(1, 21)]
        )
        codes = PRACTICAL + PERSONAL
        conn.execute(
            insert(Service),
            [
                {
                    "id": i,
                    "municipality_id": 1,
                    "code": code,
                    "name_da": code,
                    "name_en": code,
                    "category": (
                        ServiceCategory.PRACTICAL_HELP
                        if code in PRACTICAL
                        else ServiceCategory.PERSONAL_CARE
                    ),
                    "synonyms_da": [],
                    "synonyms_en": [],
                }
                for i, code in enumerate(codes, start=1)
            ],
        )
        service_id = {code: i for i, code in enumerate(codes, start=1)}
        conn.execute(
            insert(Citizen),
            [
                {
                    "id": c,
                    "municipality_id": 1,
                    "cpr_encrypted": cpr_vault.encrypt(fake_cpr(c)),
                    "cpr_lookup": cpr_vault.lookup(fake_cpr(c)),
                    "name": f"Borger {c}",
                    "team_id": 1 + c % 20,
                    "provider_id": 1,
                    "created_at": datetime.now(UTC),
                }
                for c in range(1, citizens + 1)
            ],
        )
        conn.execute(
            insert(Decision),
            [
                {
                    "id": c,
                    "citizen_id": c,
                    "version": 1,
                    "valid_from": first_day,
                    "decided_at": datetime.now(UTC),
                }
                for c in range(1, citizens + 1)
            ],
        )

        grants: list[dict[str, Any]] = []
        plan: list[tuple[int, int, int, int, tuple[int, ...], str]] = []  # citizen, grant, ...
        for c in range(1, citizens + 1):
            weekday = c % 5
            grants.append(
                {
                    "id": len(grants) + 1,
                    "decision_id": c,
                    "service_id": service_id[PRACTICAL[c % len(PRACTICAL)]],
                    "minutes_per_delivery": 30,
                    "frequency": Frequency.WEEKLY,
                    "weekdays": str(weekday),
                    "time_of_day": "day",
                    "start_date": first_day,
                }
            )
            plan.append((c, len(grants), grants[-1]["service_id"], 30, (weekday,), "day"))
            if c % 10 < 3:  # three in ten also get personal care three times a week
                days_on = (0, 2, 4)
                grants.append(
                    {
                        "id": len(grants) + 1,
                        "decision_id": c,
                        "service_id": service_id[PERSONAL[c % len(PERSONAL)]],
                        "minutes_per_delivery": 20,
                        "frequency": Frequency.WEEKLY,
                        "weekdays": "0,2,4",
                        "time_of_day": "morning",
                        "start_date": first_day,
                    }
                )
                plan.append((c, len(grants), grants[-1]["service_id"], 20, days_on, "morning"))
        conn.execute(insert(GrantedService), grants)

    # Who is built to be flagged: 2 % deselect again and again, 2 % get far more time.
    swappers = {c for c in range(1, citizens + 1) if c % 50 == 7}
    deviators = {c for c in range(1, citizens + 1) if c % 50 == 21}
    counters = {"visit": 0}

    by_weekday: dict[int, list[tuple[int, int, int, int, tuple[int, ...], str]]] = {
        weekday: [entry for entry in plan if weekday in entry[4]] for weekday in range(7)
    }

    def visits_and_lines() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        # Day by day, as a municipality records them: the rows lie in the tables in the
        # order of their days, as in production, where the visits are planned ahead and
        # recorded on the day (a history written citizen by citizen would put every day on
        # every page, and any window would read the whole table).
        current = first_day
        while current < today:
            for c, grant_id, svc, minutes, _days_on, slot in by_weekday[current.weekday()]:
                counters["visit"] += 1
                vid = counters["visit"]
                age = (today - current).days
                starts = datetime(current.year, current.month, current.day, 8, tzinfo=UTC)
                delivered, outcome = minutes + rng.choice((-2, -1, 0, 0, 0, 1, 2)), "changed"
                if delivered == minutes:
                    outcome = "delivered"
                if c in swappers and slot == "day" and age <= 60:
                    delivered, outcome = 0, "dropped"
                elif c in deviators and age <= 42:
                    delivered, outcome = minutes + 15, "changed"
                elif rng.random() < 0.01:
                    delivered, outcome = 0, "dropped"  # an occasional swap: no reason
                yield (
                    {
                        "id": vid,
                        "citizen_id": c,
                        "team_id": 1 + c % 20,
                        "day": current,
                        "starts_at": starts,
                        "ends_at": starts + timedelta(minutes=minutes),
                        "time_of_day": slot,
                        "time_frame_minutes": minutes,
                        "recorded_at": starts + timedelta(minutes=minutes),
                    },
                    {
                        "id": vid,
                        "visit_id": vid,
                        "day": current,
                        "service_id": svc,
                        "granted_service_id": grant_id,
                        "planned_minutes": minutes,
                        "delivered_minutes": delivered,
                        "outcome": VisitServiceOutcome(outcome),
                    },
                )
            current += timedelta(days=1)

    visit_table, line_table = Visit.__table__, VisitService.__table__
    if engine.dialect.name == "postgresql":
        copy_in(engine, visits_and_lines())
    else:
        with engine.begin() as conn:
            for batch in chunks(visits_and_lines()):  # type: ignore[arg-type]
                conn.execute(insert(visit_table), [visit for visit, _ in batch])
                conn.execute(insert(line_table), [line for _, line in batch])
    if engine.dialect.name == "postgresql":
        # VACUUM as well as ANALYZE, as a database in use has been: rows fresh from COPY
        # have no hint bits and no visibility map, so the first runs timed wrote them, and
        # autovacuum came to the 4 million new rows while the evaluation was timed.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    return min(swappers) if swappers else 1


def _copy_values(table: Any, row: dict[str, Any]) -> tuple[Any, ...]:
    """A row for COPY: every column, with the model's scalar default where the row has none
    (COPY, unlike an INSERT through SQLAlchemy, fills in no defaults), enums as stored."""
    values = []
    for column in table.columns:
        value = row.get(column.name)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        values.append(value.value if isinstance(value, enum.Enum) else value)
    return tuple(values)


def _copy_text(values: tuple[Any, ...]) -> str:
    """One row in COPY's text format (numbers and plain words only: the lines' columns)."""
    return "\t".join("\\N" if value is None else str(value) for value in values) + "\n"


def copy_in(engine: Engine, rows: Iterator[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """PostgreSQL: the visits and their lines with COPY, the indexes built once at the end
    (issue 17: 20,000 citizens × 365 days took 7.5 minutes as INSERTs). One connection
    takes one COPY at a time, so the lines wait in a temporary file while the visits go."""
    visit_table, line_table = Visit.__table__, VisitService.__table__
    indexes = [index for table in (visit_table, line_table) for index in table.indexes]
    with engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    visit_columns = ", ".join(f'"{c.name}"' for c in visit_table.columns)
    line_columns = ", ".join(f'"{c.name}"' for c in line_table.columns)
    raw = engine.raw_connection()
    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as lines_file:
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY visit ({visit_columns}) FROM STDIN") as copy,
            ):
                for visit, line in rows:
                    copy.write_row(_copy_values(visit_table, visit))
                    lines_file.write(_copy_text(_copy_values(line_table, line)))
            lines_file.seek(0)
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY visit_service ({line_columns}) FROM STDIN") as copy,
            ):
                while block := lines_file.read(1 << 20):
                    copy.write(block)
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in indexes:
            index.create(conn)


class StatementTimer:
    """Time every statement; keep the SQL and parameters to explain the slowest."""

    def __init__(self, engine: Engine) -> None:
        self.records: list[tuple[float, str, Any]] = []
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        conn.info["started"] = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.records.append((time.perf_counter() - conn.info["started"], statement, params))

    def slowest(self, n: int = 3) -> list[tuple[float, str, Any]]:
        return sorted(self.records, key=lambda r: r[0], reverse=True)[:n]


def timed(label: str, action: Any) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"{label:<48} {time.perf_counter() - started:8.2f} s")
    return result


def floor_query(as_of: date, days: int, *, line_day: bool = True) -> Any:
    """The floor: the window's lines read once with their visits and grouped per citizen
    and service, with nothing evaluated. No full evaluation can read less: the rules read
    the same rows of both tables (three more columns of the lines, outcome, delivered
    minutes and grant, cost nothing measurable: 0.50-0.54 s against 0.52-0.53 s at 20,000
    citizens x 365 days). It is not a bound on the work, though: the rules filter the
    lines before joining their visits and group nothing in SQL (issue 17), where the
    floor joins and groups all of them (the join alone was 0.36-0.39 s of its 0.52 s).

    ``line_day=False`` asks the window of the visit's day only, as before the lines had a
    day of their own (issue 17): the lines are then reached only by joining the visits."""
    first = as_of - timedelta(days=days - 1)
    on_line = (VisitService.day >= first, VisitService.day <= as_of) if line_day else ()
    return (
        select(Visit.citizen_id, VisitService.service_id, func.count(), func.sum(Visit.id))
        .join(VisitService, VisitService.visit_id == Visit.id)
        .where(
            *on_line,
            Visit.day >= first,
            Visit.day <= as_of,
            Visit.cancelled.is_(False),
            VisitService.service_id.is_not(None),
        )
        .group_by(Visit.citizen_id, VisitService.service_id)
    )


def window_days(engine: Engine) -> int:
    """The widest window the rules read: deselections' days, or time deviation's weeks."""
    with Session(engine) as session:
        municipality = session.get(Municipality, 1)
        policy = policy_for(municipality) if municipality is not None else Policy()
    return max(policy.deselection_threshold_days, deviation_lookback_days(policy))


def run_once(engine: Engine, args: argparse.Namespace, days: int, today: date) -> dict[str, float]:
    """Generate ``days`` of history (unless --reuse), evaluate, and return the figures."""
    rng = random.Random(args.seed)
    print(f"\ncitizens: {args.citizens}, days of history: {days}")
    figures: dict[str, float] = {}
    if args.reuse:
        with engine.begin() as conn:
            for table in ("flag", "case_event", "case"):
                conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608  (fixed names)
        flagged_citizen = 7  # generate(): every 50th from the 7th keeps deselecting
    else:
        started = time.perf_counter()
        how = "COPY" if engine.dialect.name == "postgresql" else "bulk insert"
        flagged_citizen = timed(
            f"generate ({how})", lambda: generate(engine, args.citizens, days, rng, today)
        )
        figures["generate"] = time.perf_counter() - started
    with Session(engine) as session:
        for model in (Citizen, GrantedService, Visit, VisitService):
            count = session.scalar(select(func.count()).select_from(model))
            print(f"  rows in {model.__tablename__:<20} {count:>12,}")
            figures[f"rows {model.__tablename__}"] = float(count or 0)

    timer = StatementTimer(engine)
    with Session(engine) as session:
        started = time.perf_counter()
        report = timed(
            "full evaluation, first run (opens flags)",
            lambda: evaluate_municipality(session, 1, as_of=today),
        )
        timed("  commit", session.commit)
        figures["full first"] = time.perf_counter() - started
        print(f"  {report.counts()}, cases opened {len(report.cases_opened)}")
    slow_first = timer.slowest()
    timer.records.clear()
    runs: list[float] = []
    for _ in range(REPEAT):  # the median of a few: the machine is shared
        with Session(engine) as session:
            started = time.perf_counter()
            again = evaluate_municipality(session, 1, as_of=today)
            session.commit()
            runs.append(time.perf_counter() - started)
    figures["full second"] = statistics.median(runs)
    print(
        f"{'full evaluation, next runs (keep flags), median':<48} "
        f"{figures['full second']:8.2f} s  of {', '.join(f'{r:.2f}' for r in runs)}"
    )
    print(f"  {again.counts()}")
    window = window_days(engine)
    with Session(engine) as session:
        session.execute(floor_query(today, window)).all()  # the same warm cache as the run
        runs = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            groups = len(session.execute(floor_query(today, window)).all())
            runs.append(time.perf_counter() - started)
        figures["floor"] = statistics.median(runs)
    print(
        f"{'floor: one scan of the ' + str(window) + ' days, grouped':<48} "
        f"{figures['floor']:8.2f} s  ({groups:,} citizen × service groups)"
    )
    with Session(engine) as session:
        session.execute(floor_query(today, window, line_day=False)).all()
        started = time.perf_counter()
        session.execute(floor_query(today, window, line_day=False)).all()
        figures["window via visit"] = time.perf_counter() - started
    print(
        f"{'  the same window asked of visit.day only':<48} "
        f"{figures['window via visit']:8.2f} s  (the lines reached by joining the visits)"
    )
    print(
        f"{'  full evaluation (next runs) ÷ floor':<48} "
        f"{figures['full second'] / max(figures['floor'], 1e-9):8.2f} ×  (target ≤ 1.5)"
    )
    runs = []
    for _ in range(3 * REPEAT):
        with Session(engine) as session:
            started = time.perf_counter()
            one = evaluate_citizen(session, flagged_citizen, as_of=today)
            session.commit()
            runs.append(time.perf_counter() - started)
    figures["one citizen"] = statistics.median(runs)
    print(
        f"{'incremental evaluation, citizen ' + str(flagged_citizen) + ', median':<48} "
        f"{figures['one citizen'] * 1000:8.1f} ms (best {min(runs) * 1000:.1f})"
    )
    print(f"  {one.counts()}  (target ≤ 20 ms on PostgreSQL)")
    profile_citizen(engine, timer, flagged_citizen, today, explain=args.explain)
    with Session(engine) as session:
        other = timed(
            "incremental evaluation, an unflagged citizen",
            lambda: evaluate_citizen(session, 2, as_of=today),
        )
        session.commit()
        print(f"  {other.counts()}")

    print("slowest statements of the first full run:")
    for seconds, statement, _params in slow_first:
        print(f"  {seconds:6.2f} s  {' '.join(statement.split())[:110]}…")
    if args.explain and engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            selects = [r for r in slow_first if r[1].lstrip().upper().startswith("SELECT")]
            for _seconds, statement, params in selects[:2]:
                print("\nEXPLAIN ANALYZE " + " ".join(statement.split())[:90] + "…")
                cursor = conn.connection.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                for (line,) in cursor.fetchall():
                    print("  " + line)
    event.remove(engine, "before_cursor_execute", timer.before)
    event.remove(engine, "after_cursor_execute", timer.after)
    return figures


def profile_citizen(
    engine: Engine, timer: StatementTimer, citizen_id: int, today: date, *, explain: bool
) -> None:
    """Every statement of one citizen's incremental evaluation, warm, with its time: what
    the 20 ms target is spent on (issue 17); with --explain on PostgreSQL, their plans."""
    timer.records.clear()
    with Session(engine) as session:
        started = time.perf_counter()
        evaluate_citizen(session, citizen_id, as_of=today)
        session.commit()
        total = time.perf_counter() - started
    records = list(timer.records)
    timer.records.clear()
    spent = sum(seconds for seconds, _, _ in records)
    print(
        f"  statements of one citizen's evaluation: {len(records)}, {spent * 1000:.1f} ms "
        f"in the database of {total * 1000:.1f} ms"
    )
    for seconds, statement, _params in records:
        print(f"  {seconds * 1000:7.2f} ms  {' '.join(statement.split())[:100]}")
    if not (explain and engine.dialect.name == "postgresql"):
        return
    with engine.connect() as conn:
        for _seconds, statement, params in records:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            cursor = conn.connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            print("\n  EXPLAIN ANALYZE " + " ".join(statement.split())[:90] + "…")
            for (line,) in cursor.fetchall():
                print("    " + line)
        conn.rollback()


def main() -> None:
    args = parse_args()
    engine = create_engine(args.url)
    configure_engine(engine)
    config = Config()  # the CPR keys as the app has them (env or instance dir), for --reuse
    cpr_vault.configure(config.CPR_ENCRYPTION_KEYS, config.CPR_LOOKUP_KEY)
    today = local_today()
    shown = args.url.split("@")[-1]
    print(f"database: {engine.dialect.name} {shown}")
    histories = [int(days) for days in str(args.days).split(",") if days.strip()]
    results = {days: run_once(engine, args, days, today) for days in histories}
    if len(results) > 1:
        print(f"\nthe same {args.citizens:,} citizens, by length of history:")
        print(
            f"  {'days':>6} {'visits':>12} {'full 1st s':>11} {'next s':>11} "
            f"{'floor s':>9} {'2nd÷floor':>10} {'1 citizen ms':>13} {'via visit s':>12}"
        )
        for days, figures in results.items():
            print(
                f"  {days:>6} {figures['rows visit']:>12,.0f} {figures['full first']:>11.2f} "
                f"{figures['full second']:>11.2f} {figures['floor']:>9.2f} "
                f"{figures['full second'] / max(figures['floor'], 1e-9):>10.2f} "
                f"{figures['one citizen'] * 1000:>13.1f} {figures['window via visit']:>12.2f}"
            )


if __name__ == "__main__":
    main()
