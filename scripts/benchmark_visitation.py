"""Benchmark the visitators' queue and case page on a 100,000-citizen synthetic dataset.

    .venv/bin/python scripts/benchmark_visitation.py \
        [--database-url postgresql+psycopg://root@127.0.0.1:5432/visitation] \
        [--citizens 100000] [--weeks 6] [--requests 15]

A script, not a test: it DROPS AND RECREATES every table in the given PostgreSQL
database, fills it with made-up data in bulk (COPY), then measures the server time
of the queue page and a case page through the Flask test client (median of several
requests, after a warm-up) and checks with EXPLAIN that every query the pages issue
uses an index on the large tables. Target (issue 5): under 100 ms server time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LARGE_TABLES = {
    "citizen",
    "case",
    "flag",
    "decision",
    "granted_service",
    "visit",
    "visit_service",
    "swap_request",
    "swap_line",
    "wish",
    "case_event",
    "audit_entry",
    "reassessment_request",
    "staff_report",
    "assessment_visit",
    "consent",
}
SHARE_WITH_OPEN_CASE = 0.10  # 10,000 open cases for 100,000 citizens
SHARE_WITH_CLOSED_CASE = 0.40  # closed cases pile up over the years
SHARE_SWAPPING = 0.08
SMALL_TABLE_ROWS = 1_000  # below this, a sequential scan is fine


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://root@127.0.0.1:5432/visitation"
    )
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=6, help="weeks of visit history, 1 a week")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data a previous run left; build nothing"
    )
    return parser.parse_args()


def _copy(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream rows into a table with COPY; return the count."""
    count = 0
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _ids(cursor, table: str, n: int) -> Iterator[int]:
    """Reserve n ids from the table's sequence (so COPY rows can reference each other)."""
    # Table names are constants of this script, never input.
    sql = f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)"  # noqa: S608, E501
    cursor.execute(sql, (n,))
    return iter([row[0] for row in cursor.fetchall()])


def build(db, args: argparse.Namespace) -> dict:
    """Fill the database; return the ids the measurements need."""
    from selvvisitation.domain.types import (
        CaseKind,
        FlagRule,
        Frequency,
        ProviderKind,
        ServiceCategory,
        StaffRole,
    )
    from selvvisitation.models import (
        Municipality,
        MunicipalityPolicy,
        Provider,
        Service,
        StaffUser,
        Team,
    )
    from selvvisitation.security.passwords import hash_password

    rng = random.Random(94)  # noqa: S311  (made-up data)
    session = db.session
    municipality = Municipality(
        code="999", name="Benchmark Kommune", visitation_phone="70 00 00 00"
    )
    municipality.policy = MunicipalityPolicy()
    session.add(municipality)
    providers = [
        Provider(
            municipality=municipality,
            name=f"Leverandør {n}",
            kind=ProviderKind.MUNICIPAL if n < 2 else ProviderKind.PRIVATE,
        )
        for n in range(5)
    ]
    teams = [Team(provider=providers[n % 5], name=f"Team {n:02d}") for n in range(50)]
    services = [
        Service(
            municipality=municipality,
            code=f"S{n:02d}",
            name_da=f"Ydelse {n}",
            name_en=f"Service {n}",
            category=ServiceCategory.PERSONAL_CARE if n < 10 else ServiceCategory.PRACTICAL_HELP,
            default_minutes=15 + 5 * (n % 6),
        )
        for n in range(30)
    ]
    visitator = StaffUser(
        municipality=municipality,
        username="benchmark-visitator",
        name="Vera Visitator",
        role=StaffRole.VISITATOR,
        password_hash=hash_password("benchmark-only-9"),
        session_nonce="bench",
    )
    session.add_all([*providers, *teams, *services, visitator])
    session.commit()

    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    n = args.citizens
    today = date.today()
    now = datetime.now(UTC)
    team_rows = [(t.id, t.provider_id) for t in teams]
    service_ids = [s.id for s in services]

    started = time.perf_counter()
    citizen_ids = list(_ids(cursor, "citizen", n))
    _copy(
        cursor,
        "citizen",
        [
            "id",
            "municipality_id",
            "cpr",
            "name",
            "preferred_language",
            "provider_id",
            "team_id",
            "created_at",
        ],
        (
            (
                cid,
                municipality.id,
                f"{(i % 28) + 1:02d}{(i // 28) % 12 + 1:02d}{30 + (i // 336) % 60:02d}"
                f"{i % 10000:04d}"[:10],
                f"Borger {i}",
                "da",
                team_rows[i % 50][1],
                team_rows[i % 50][0],
                now,
            )
            for i, cid in enumerate(citizen_ids)
        ),
    )
    print(f"  citizens: {n} in {time.perf_counter() - started:.1f} s", flush=True)

    decision_ids = list(_ids(cursor, "decision", n))
    valid_from = today - timedelta(weeks=args.weeks + 20)
    _copy(
        cursor,
        "decision",
        [
            "id",
            "citizen_id",
            "version",
            "valid_from",
            "decided_at",
            "decided_by_staff_id",
            "reasons",
            "letter_text",
        ],
        (
            (did, cid, 1, valid_from, now, visitator.id, "Benchmark.", "")
            for did, cid in zip(decision_ids, citizen_ids, strict=True)
        ),
    )
    grant_ids = list(_ids(cursor, "granted_service", 2 * n))
    grants: list[tuple] = []  # (grant id, citizen id, service id, minutes, weekday)
    for i, (did, cid) in enumerate(zip(decision_ids, citizen_ids, strict=True)):
        first, second = rng.sample(service_ids, 2)
        weekday = i % 5
        grants.append((grant_ids[2 * i], did, cid, first, 30, weekday))
        grants.append((grant_ids[2 * i + 1], did, cid, second, 20, weekday))
    _copy(
        cursor,
        "granted_service",
        [
            "id",
            "decision_id",
            "service_id",
            "minutes_per_delivery",
            "frequency",
            "weekdays",
            "time_of_day",
            "legal_basis",
            "start_date",
        ],
        (
            (
                g[0],
                g[1],
                g[3],
                g[4],
                Frequency.WEEKLY.value,
                str(g[5]),
                "day",
                "Serviceloven § 83",
                valid_from,
            )
            for g in grants
        ),
    )
    print(f"  decisions and grants in {time.perf_counter() - started:.1f} s", flush=True)

    # One visit a week per citizen, both granted services planned; most recorded as delivered,
    # some with other minutes, some swapped (dropped for another service).
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=w) for w in range(args.weeks - 1, -1, -1)]
    visit_ids = _ids(cursor, "visit", n * len(weeks))
    visit_rows, service_rows, swap_rows, line_rows = [], [], [], []
    swappers = set(rng.sample(range(n), int(n * SHARE_SWAPPING)))
    swap_ids = _ids(cursor, "swap_request", len(swappers) * len(weeks))
    for i, cid in enumerate(citizen_ids):
        g1, g2 = grants[2 * i], grants[2 * i + 1]
        team_id = team_rows[i % 50][0]
        for week_start in weeks:
            day = week_start + timedelta(days=g1[5])
            starts = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
            recorded = day < today
            vid = next(visit_ids)
            visit_rows.append(
                (
                    vid,
                    cid,
                    team_id,
                    day,
                    starts,
                    starts + timedelta(minutes=50),
                    "day",
                    50,
                    now if recorded else None,
                    "",
                    False,
                )
            )
            outcome = "delivered" if recorded else "planned"
            delivered = (g1[4] + rng.choice((0, 0, 0, 5, 15))) if recorded else None
            if i in swappers and recorded:
                sid = next(swap_ids)
                swap_rows.append(
                    (
                        sid,
                        f"B{sid}",
                        cid,
                        vid,
                        "accepted",
                        starts - timedelta(days=2),
                        "citizen",
                        "",
                    )
                )
                line_rows.append((sid, "drop", g2[3], 20))
                line_rows.append((sid, "add", service_ids[-1], 20))
                service_rows.append((vid, g1[3], g1[0], g1[4], delivered, outcome, None))
                service_rows.append((vid, g2[3], g2[0], g2[4], 0, "dropped", sid))
                service_rows.append((vid, service_ids[-1], None, 0, 20, "added", sid))
            else:
                service_rows.append((vid, g1[3], g1[0], g1[4], delivered, outcome, None))
                service_rows.append(
                    (vid, g2[3], g2[0], g2[4], g2[4] if recorded else None, outcome, None)
                )
    _copy(
        cursor,
        "visit",
        [
            "id",
            "citizen_id",
            "team_id",
            "day",
            "starts_at",
            "ends_at",
            "time_of_day",
            "time_frame_minutes",
            "recorded_at",
            "note",
            "cancelled",
        ],
        visit_rows,
    )
    _copy(
        cursor,
        "swap_request",
        [
            "id",
            "reference",
            "citizen_id",
            "visit_id",
            "status",
            "created_at",
            "created_by_kind",
            "decline_text",
        ],
        swap_rows,
    )
    _copy(cursor, "swap_line", ["swap_id", "kind", "service_id", "minutes"], line_rows)
    _copy(
        cursor,
        "visit_service",
        [
            "visit_id",
            "service_id",
            "granted_service_id",
            "planned_minutes",
            "delivered_minutes",
            "outcome",
            "swap_id",
        ],
        service_rows,
    )
    print(
        f"  {len(visit_rows)} visits, {len(service_rows)} visit services, {len(swap_rows)} swaps"
        f" in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    # Cases: open ones for 10 % of citizens (flags, requests, reports), closed ones for 5 %.
    chosen = rng.sample(range(n), int(n * (SHARE_WITH_OPEN_CASE + SHARE_WITH_CLOSED_CASE)))
    open_count = int(n * SHARE_WITH_OPEN_CASE)
    case_ids = list(_ids(cursor, "case", len(chosen)))
    case_rows, event_rows, flag_rows, wish_rows = [], [], [], []
    request_rows, report_rows = [], []
    kinds = [CaseKind.FLAG, CaseKind.FLAG, CaseKind.REASSESSMENT_REQUEST, CaseKind.STAFF_REPORT]
    for k, (case_id, i) in enumerate(zip(case_ids, chosen, strict=True)):
        cid = citizen_ids[i]
        kind = kinds[k % 4]
        is_open = k < open_count
        deadline = today + timedelta(days=rng.randrange(-10, 15))
        case_rows.append(
            (
                case_id,
                municipality.id,
                cid,
                kind.value,
                "open" if is_open else "closed",
                rng.choice((1, 2, 2, 2, 3)),
                f"Sag {k}",
                now - timedelta(days=rng.randrange(0, 20)),
                deadline,
                None if is_open else now,
                "" if is_open else "Afsluttet.",
            )
        )
        event_rows.append((case_id, now, "system", "opened", "", "{}"))
        if kind == CaseKind.FLAG:
            g2 = grants[2 * i + 1]
            flag_rows.append(
                (
                    cid,
                    FlagRule.REPEATED_DESELECTION.value,
                    f"repeated_deselection:S{g2[3]}",
                    g2[3],
                    "open" if is_open else "closed",
                    today - timedelta(days=40),
                    today,
                    json.dumps(
                        {"count": 3, "visit_refs": [], "threshold_count": 3, "threshold_days": 90}
                    ),
                    now,
                    now,
                    "",
                    "",
                    case_id,
                )
            )
        if kind == CaseKind.REASSESSMENT_REQUEST:
            request_rows.append(
                (
                    cid,
                    case_id,
                    "more_help",
                    "Jeg kan ikke selv komme i bad.",
                    False,
                    "",
                    "citizen",
                    now,
                )
            )
        if kind == CaseKind.STAFF_REPORT:
            report_rows.append(
                (cid, case_id, visitator.id, "worse", "Borgeren er mere usikker.", now)
            )
        wish_rows.append((cid, "time", "Gerne før kl. 9", True, now, "citizen"))
    _copy(
        cursor,
        "case",
        [
            "id",
            "municipality_id",
            "citizen_id",
            "kind",
            "status",
            "priority",
            "title",
            "opened_at",
            "deadline",
            "closed_at",
            "outcome",
        ],
        case_rows,
    )
    _copy(cursor, "case_event", ["case_id", "at", "actor_kind", "kind", "text", "data"], event_rows)
    _copy(
        cursor,
        "flag",
        [
            "citizen_id",
            "rule",
            "key",
            "service_id",
            "status",
            "period_start",
            "period_end",
            "evidence",
            "opened_at",
            "updated_at",
            "closed_reason",
            "dismissed_reason",
            "case_id",
        ],
        flag_rows,
    )
    _copy(
        cursor,
        "reassessment_request",
        [
            "citizen_id",
            "case_id",
            "reason",
            "text",
            "relative_participates",
            "preferred_time",
            "requested_by_kind",
            "created_at",
        ],
        request_rows,
    )
    _copy(
        cursor,
        "staff_report",
        ["citizen_id", "case_id", "staff_id", "direction", "text", "created_at"],
        report_rows,
    )
    _copy(
        cursor,
        "wish",
        ["citizen_id", "kind", "text", "active", "created_at", "created_by_kind"],
        wish_rows,
    )
    raw.commit()
    cursor.execute("ANALYZE")
    raw.commit()
    raw.close()
    print(
        f"  {len(case_rows)} cases ({open_count} open), {len(flag_rows)} flags; data ready in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    # A case with flags and swaps to time: the first open flag case of a swapping citizen.
    sample = next(
        case_ids[k] for k, i in enumerate(chosen[:open_count]) if k % 4 < 2 and i in swappers
    )
    return {
        "visitator_id": visitator.id,
        "case_id": sample,
        "team_id": teams[7].id,
        "municipality_id": municipality.id,
    }


def existing(db) -> dict:
    """The ids to measure in data built by an earlier run."""
    from sqlalchemy import text

    row = db.session.execute(
        text(
            "SELECT s.id, s.municipality_id, (SELECT min(t.id) + 7 FROM team t) AS team_id,"
            ' (SELECT c.id FROM "case" c JOIN flag f ON f.case_id = c.id'
            "  JOIN swap_request r ON r.citizen_id = c.citizen_id"
            "  WHERE c.status = 'open' ORDER BY c.id LIMIT 1) AS case_id"
            " FROM staff_user s WHERE s.username = 'benchmark-visitator'"
        )
    ).one()
    return {"visitator_id": row[0], "municipality_id": row[1], "team_id": row[2], "case_id": row[3]}


def timed(client, url: str, requests: int) -> tuple[float, float, float, int]:
    """Median and best wall time in ms of GET url (after two warm-ups), median CPU time, status.

    Wall time includes waiting for PostgreSQL; on a busy machine the best run and the
    CPU time show what the page itself costs.
    """
    for _ in range(2):
        status = client.get(url).status_code
    walls, cpus = [], []
    for _ in range(requests):
        begun, begun_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - begun) * 1000)
        cpus.append((time.process_time() - begun_cpu) * 1000)
        status = response.status_code
    return statistics.median(walls), min(walls), statistics.median(cpus), status


def plans(db, client, url: str) -> list[dict]:
    """EXPLAIN every query a page issues; report scans of the large tables."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    results = []
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    # A sequential scan of a table with a handful of rows is the planner's right choice.
    cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
    rows = dict(cursor.fetchall())
    for statement, parameters in seen:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0][0]
        nodes = list(_nodes(plan["Plan"]))
        seq = sorted(
            {
                node.get("Relation Name")
                for node in nodes
                if node["Node Type"] == "Seq Scan"
                and node.get("Relation Name") in LARGE_TABLES
                and rows.get(node.get("Relation Name"), 0) >= SMALL_TABLE_ROWS
            }
        )
        indexes = sorted({node.get("Index Name") for node in nodes if node.get("Index Name")})
        results.append(
            {
                "sql": " ".join(statement.split())[:90],
                "ms": plan["Execution Time"],
                "seq_scans_on_large_tables": seq,
                "indexes": indexes,
            }
        )
    raw.rollback()
    raw.close()
    return results


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def main() -> int:
    args = parse_args()
    os.environ["TEST_DATABASE_URL"] = args.database_url
    if not args.database_url.startswith("postgresql"):
        print("The benchmark needs PostgreSQL (--database-url postgresql+psycopg://...)")
        return 2
    from selvvisitation import create_app
    from selvvisitation.extensions import db

    app = create_app("test")
    with app.app_context():
        if args.reuse:
            ids = existing(db)
        else:
            print(f"Building {args.citizens} citizens, {args.weeks} weeks of visits …", flush=True)
            db.drop_all()
            db.create_all()
            ids = build(db, args)
        client = app.test_client()
        with client.session_transaction() as session:
            session["actor_kind"] = "staff"
            session["actor_id"] = ids["visitator_id"]
            session["nonce"] = "bench"
            # What security.access.sign_in puts in every new session.
            session["sid"] = secrets.token_urlsafe(24)
            session["last_seen"] = datetime.now(UTC).timestamp()
        first = client.get("/visitation/").get_data(as_text=True)
        cursor_link = first.split('rel="next"')[0].rsplit('href="', 1)[-1].split('"')[0]
        pages = {
            "queue, first page": "/visitation/",
            "queue, next page": cursor_link.replace("&amp;", "&"),
            "queue, filtered by team": f"/visitation/?team={ids['team_id']}",
            "queue, filtered by reason": "/visitation/?kind=staff_report",
            "case page": f"/visitation/sager/{ids['case_id']}",
        }
        print(
            "\nServer time (Flask test client, median of "
            f"{args.requests} requests after 2 warm-ups; target < 100 ms):"
        )
        worst = 0.0
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  {'page':28s} {'median':>8s} {'best':>8s} {'CPU':>8s}")
        for name, url in pages.items():
            median, best, cpu, status = timed(client, url, args.requests)
            worst = max(worst, median)
            print(f"  {name:28s} {median:6.1f}ms {best:6.1f}ms {cpu:6.1f}ms  HTTP {status}  {url}")
        print("\nQuery plans (EXPLAIN ANALYZE of every SELECT the page issues):")
        problems = 0
        for name in ("queue, next page", "queue, filtered by team", "case page"):
            url = pages[name]
            print(f"  {name}:")
            for item in plans(db, client, url):
                flag = (
                    "SEQ SCAN " + ",".join(item["seq_scans_on_large_tables"])
                    if item["seq_scans_on_large_tables"]
                    else "index"
                )
                problems += bool(item["seq_scans_on_large_tables"])
                print(f"    {item['ms']:6.2f} ms  {flag:10s} {', '.join(item['indexes'])[:70]}")
                print(f"              {item['sql']}")
        print(
            f"\nSlowest page: {worst:.1f} ms; queries with sequential scans of large tables: "
            f"{problems}"
        )
        return 0 if worst < 100 and problems == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
