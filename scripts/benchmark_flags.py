"""Benchmark revisitation flag evaluation on a synthetic municipality (not a test).

    .venv/bin/python scripts/benchmark_flags.py                      # SQLite file, 10,000 citizens
    .venv/bin/python scripts/benchmark_flags.py --citizens 2000 --days 365
    .venv/bin/python scripts/benchmark_flags.py \\
        --url postgresql+psycopg://root@127.0.0.1:5432/rulesdb --explain

Generates (bulk inserts with SQLAlchemy core) a municipality whose citizens have a
decision with practical help every week and, for some, personal care three times a
week, with recorded visits over the period. A few citizens keep deselecting a service
(rule 7) or get much more time than granted (003); most vary by a minute or two.
Then it times a full municipality evaluation (twice: opening, then keeping), one
incremental evaluation of a single citizen, prints row counts, the slowest statements
and, on PostgreSQL with --explain, their query plans. THE DATABASE IS EMPTIED FIRST.
"""

from __future__ import annotations

import argparse
import random
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
from selvvisitation.services.flags import evaluate_citizen, evaluate_municipality

CHUNK = 20_000
PRACTICAL = ("PH-STØV", "PH-RENG", "PH-TØJ", "PH-INDK")
PERSONAL = ("PP-BAD", "PP-PÅKL", "PP-MAD")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_url = f"sqlite:///{Path(tempfile.gettempdir()) / 'benchmark_flags.db'}"
    parser.add_argument("--url", default=default_url, help=f"database URL (default {default_url})")
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730, help="days of visit history (2 years)")
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
    born = date(1930, 1, 1) + timedelta(days=n % 7000)
    return born.strftime("%d%m%y") + f"{n // 7000 % 4}{n % 1000:03d}"


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

    def visits_and_lines() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for c, grant_id, svc, minutes, days_on, slot in plan:
            day = first_day + timedelta(days=(days_on[0] - first_day.weekday()) % 7)
            while day < today:
                for weekday in days_on:
                    current = day + timedelta(days=weekday - days_on[0])
                    if current >= today:
                        break
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
                            "service_id": svc,
                            "granted_service_id": grant_id,
                            "planned_minutes": minutes,
                            "delivered_minutes": delivered,
                            "outcome": VisitServiceOutcome(outcome),
                        },
                    )
                day += timedelta(days=7)

    visit_table, line_table = Visit.__table__, VisitService.__table__
    with engine.begin() as conn:
        for batch in chunks(visits_and_lines()):  # type: ignore[arg-type]
            conn.execute(insert(visit_table), [visit for visit, _ in batch])
            conn.execute(insert(line_table), [line for _, line in batch])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return min(swappers) if swappers else 1


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


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    engine = create_engine(args.url)
    configure_engine(engine)
    config = Config()  # the CPR keys as the app has them (env or instance dir), for --reuse
    cpr_vault.configure(config.CPR_ENCRYPTION_KEYS, config.CPR_LOOKUP_KEY)
    today = local_today()
    shown = args.url.split("@")[-1]
    print(f"database: {engine.dialect.name} {shown}")
    print(f"citizens: {args.citizens}, days of history: {args.days}")

    if args.reuse:
        with engine.begin() as conn:
            for table in ("flag", "case_event", "case"):
                conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608  (fixed names)
        flagged_citizen = 7  # generate(): every 50th from the 7th keeps deselecting
    else:
        flagged_citizen = timed(
            "generate (bulk insert)",
            lambda: generate(engine, args.citizens, args.days, rng, today),
        )
    with Session(engine) as session:
        for model in (Citizen, GrantedService, Visit, VisitService):
            count = session.scalar(select(func.count()).select_from(model))
            print(f"  rows in {model.__tablename__:<20} {count:>12,}")

    timer = StatementTimer(engine)
    with Session(engine) as session:
        report = timed(
            "full evaluation, first run (opens flags)",
            lambda: evaluate_municipality(session, 1, as_of=today),
        )
        timed("  commit", session.commit)
        print(f"  {report.counts()}, cases opened {len(report.cases_opened)}")
    slow_first = timer.slowest()
    timer.records.clear()
    with Session(engine) as session:
        again = timed(
            "full evaluation, second run (keeps flags)",
            lambda: evaluate_municipality(session, 1, as_of=today),
        )
        session.commit()
        print(f"  {again.counts()}")
    with Session(engine) as session:
        one = timed(
            f"incremental evaluation, citizen {flagged_citizen}",
            lambda: evaluate_citizen(session, flagged_citizen, as_of=today),
        )
        session.commit()
        print(f"  {one.counts()}")
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
            for _seconds, statement, params in slow_first[:2]:
                print("\nEXPLAIN ANALYZE " + " ".join(statement.split())[:90] + "…")
                cursor = conn.connection.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                for (line,) in cursor.fetchall():
                    print("  " + line)


if __name__ == "__main__":
    main()
