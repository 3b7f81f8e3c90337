"""Benchmark the visit lines partitioned by month against the plain table (PostgreSQL; not a test).

    .venv/bin/python scripts/benchmark_partitions.py \\
        --url postgresql+psycopg://root@127.0.0.1:5432/bench --citizens 20000 --days 3650

Builds a municipality as scripts/benchmark_flags.py does (its citizens and grants), then
fills years of history server-side (INSERT ... SELECT over generate_series, day by day as
recorded: 20,000 citizens × 3,650 days is about 19.8 million visits and as many lines, ten
times the flags benchmark's 20,000 × 365). It times the windows the app reads on the plain
tables, converts visit_service with deploy/postgresql/partition_visit_service.sql (timed:
what a deployment's downtime would be), times the same windows on the partitioned table in
the same run, and prints each pair with its ratio:

- the flag evaluation's window: 91 days of lines for the whole municipality, grouped per
  citizen and service (benchmark_flags' floor);
- one citizen's window (the incremental evaluation): by the visit's citizen and day;
- the worker's day list: one team's visits on one day with their lines, joined as the
  app joins them (on the visit id only), and with the line's day in the join as well.

THE DATABASE'S TABLES ARE DROPPED FIRST.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchmark_flags import generate  # noqa: E402

from selvvisitation.config import Config  # noqa: E402
from selvvisitation.domain.dates import local_today  # noqa: E402
from selvvisitation.models import Visit, VisitService  # noqa: E402
from selvvisitation.partitioning import SCRIPT, partition_visit_lines  # noqa: E402
from selvvisitation.security import cpr_vault  # noqa: E402

# The history, server-side: the flags benchmark's plan (practical help weekly on the
# citizen's weekday, personal care Monday, Wednesday and Friday for three in ten), day by
# day. The grant is found by the citizen's decision (id = citizen id) and the slot.
FILL_VISITS = """
INSERT INTO visit (citizen_id, team_id, day, starts_at, ends_at, time_of_day,
                   time_frame_minutes, recorded_at, note, cancelled)
SELECT c, 1 + c % 20, d::date, d::date + time '08:00',
       d::date + time '08:00' + make_interval(mins => m),
       slot, m, d::date + time '08:00' + make_interval(mins => m), '', false
FROM generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d,
     LATERAL (SELECT c, slot, m
              FROM generate_series(1, :citizens) AS c,
                   (VALUES ('day', 30), ('morning', 20)) AS s(slot, m)
              WHERE (slot = 'day' AND extract(isodow FROM d) - 1 = c % 5)
                 OR (slot = 'morning' AND c % 10 < 3 AND extract(isodow FROM d) - 1 IN (0, 2, 4))
             ) AS plan
"""
FILL_LINES = """
INSERT INTO visit_service (visit_id, day, service_id, granted_service_id, planned_minutes,
                           delivered_minutes, outcome)
SELECT v.id, v.day, g.service_id, g.id, g.minutes_per_delivery,
       CASE WHEN r < 0.01 THEN 0 ELSE g.minutes_per_delivery + (r * 5)::int - 2 END,
       CASE WHEN r < 0.01 THEN 'dropped'
            WHEN (r * 5)::int = 2 THEN 'delivered' ELSE 'changed' END
FROM (SELECT visit.*, random() AS r FROM visit) AS v
JOIN granted_service AS g ON g.decision_id = v.citizen_id AND g.time_of_day = v.time_of_day
ORDER BY v.id
"""

FLAG_WINDOW = """
SELECT visit.citizen_id, visit_service.service_id, count(*), sum(visit.id)
FROM visit JOIN visit_service ON visit_service.visit_id = visit.id
WHERE visit_service.day BETWEEN :first AND :last AND visit.day BETWEEN :first AND :last
  AND visit.cancelled IS false AND visit_service.service_id IS NOT NULL
GROUP BY visit.citizen_id, visit_service.service_id
"""
ONE_CITIZEN = """
SELECT visit.id, visit.day, visit_service.service_id, visit_service.delivered_minutes
FROM visit JOIN visit_service ON visit_service.visit_id = visit.id
WHERE visit.citizen_id = :citizen AND visit.day BETWEEN :first AND :last
  AND visit_service.day BETWEEN :first AND :last
"""
DAY_LIST = """
SELECT visit.id, visit.starts_at, visit_service.id, visit_service.service_id
FROM visit LEFT OUTER JOIN visit_service ON visit.id = visit_service.visit_id
WHERE visit.team_id = :team AND visit.day = :day
ORDER BY visit.starts_at, visit.id
"""
DAY_LIST_WITH_DAY = """
SELECT visit.id, visit.starts_at, visit_service.id, visit_service.service_id
FROM visit LEFT OUTER JOIN visit_service
     ON visit.id = visit_service.visit_id AND visit_service.day = visit.day
WHERE visit.team_id = :team AND visit.day = :day
ORDER BY visit.starts_at, visit.id
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL database URL")
    parser.add_argument("--citizens", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=3650, help="days of history (10 years)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    return parser.parse_args()


def timed(label: str, action: Any) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"{label:<52} {seconds:8.1f} s", flush=True)
    return seconds


def fill(engine: Engine, citizens: int, days: int, today: date) -> None:
    """The history, with the indexes built once at the end and no per-row FK checks."""
    indexes = [index for model in (Visit, VisitService) for index in model.__table__.indexes]
    with engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK triggers
        timed(
            "  visits (INSERT ... SELECT)",
            lambda: conn.execute(
                text(FILL_VISITS), {"first": first, "last": last, "citizens": citizens}
            ),
        )
        timed("  lines (INSERT ... SELECT)", lambda: conn.execute(text(FILL_LINES)))
    with engine.begin() as conn:
        timed(
            "  indexes",
            lambda: [index.create(conn) for index in indexes],
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        timed("  VACUUM ANALYZE", lambda: conn.execute(text("VACUUM ANALYZE")))


def median_ms(engine: Engine, sql: str, params: dict[str, Any], repeat: int) -> float:
    with engine.connect() as conn:
        conn.execute(text(sql), params).all()  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            conn.execute(text(sql), params).all()
            times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def measure(engine: Engine, args: argparse.Namespace, today: date) -> dict[str, float]:
    rng = random.Random(94)
    last = today - timedelta(days=1)
    window = {"first": today - timedelta(days=91), "last": last}
    citizen = {"citizen": rng.randint(1, args.citizens), **window}
    day = {"team": 1 + rng.randrange(20), "day": today - timedelta(days=3)}
    return {
        "flag window, 91 days, whole municipality": median_ms(
            engine, FLAG_WINDOW, window, max(1, args.repeat // 2)
        ),
        "one citizen's 91 days": median_ms(engine, ONE_CITIZEN, citizen, args.repeat * 4),
        "day list, joined on the visit id (as the app)": median_ms(
            engine, DAY_LIST, day, args.repeat * 4
        ),
        "day list, joined on the id and the line's day": median_ms(
            engine, DAY_LIST_WITH_DAY, day, args.repeat * 4
        ),
    }


def sizes(engine: Engine) -> str:
    with engine.connect() as conn:
        visits = conn.scalar(text("SELECT count(*) FROM visit"))
        lines = conn.scalar(text("SELECT count(*) FROM visit_service"))
        size = conn.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    return f"{visits:,} visits, {lines:,} lines, database {size}"


def partition(url: str) -> None:
    partition_visit_lines(url)  # what `flask partition-visit-lines --yes` runs


def main() -> None:
    args = parse_args()
    engine = create_engine(args.url)
    if engine.dialect.name != "postgresql":
        sys.exit("PostgreSQL only: SQLite cannot partition a table")
    config = Config()
    cpr_vault.configure(config.CPR_ENCRYPTION_KEYS, config.CPR_LOOKUP_KEY)
    today = local_today()
    print(f"database: {args.url.split('@')[-1]}; {args.citizens:,} citizens × {args.days} days")
    timed(
        "citizens and grants (benchmark_flags.generate, no visits)",
        lambda: generate(engine, args.citizens, 0, random.Random(94), today),
    )
    timed("history", lambda: fill(engine, args.citizens, args.days, today))
    print("plain tables:", sizes(engine))
    plain = measure(engine, args, today)
    engine.dispose()
    timed(f"partition visit_service ({SCRIPT.relative_to(ROOT)})", lambda: partition(args.url))
    with engine.connect() as conn:
        partitions = conn.scalar(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'visit_service'::regclass")
        )
    print(f"partitioned: {partitions} partitions;", sizes(engine))
    partitioned = measure(engine, args, today)
    print(f"\n{'median of repeated runs':<48} {'plain ms':>10} {'partitioned ms':>15} {'ratio':>7}")
    for label, plain_ms in plain.items():
        part_ms = partitioned[label]
        print(f"{label:<48} {plain_ms:>10.1f} {part_ms:>15.1f} {part_ms / plain_ms:>7.2f}")


if __name__ == "__main__":
    main()
