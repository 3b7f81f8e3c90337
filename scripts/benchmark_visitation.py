"""Benchmark the visitators' queue and case page on a 100,000-citizen synthetic dataset.

    make benchmark          # = .venv/bin/python scripts/benchmark_visitation.py

One command, bounded in time (--time-limit, 25 minutes by default; about 3 minutes on
an idle 2-core machine). It creates a database of its own on the PostgreSQL server
(--server, default postgresql+psycopg://root@127.0.0.1:5432), fills it with made-up
data in bulk (COPY), VACUUM ANALYZEs it, measures the server time of the queue (first,
next and last page, each filter) and two case pages through the Flask test client
(median, p95, best and CPU time of --requests runs after two warm-ups), EXPLAIN
ANALYZEs every SELECT those pages issue and prints how each reads the large tables,
then drops the database, also when stopped or failing. Exit status 0 when every
median is under the target (issue 5: 100 ms) and no query scans a large table
sequentially; 1 otherwise; 3 when over the time limit.

For working on a query: --database-url URL builds into an existing database (its
tables are dropped and rebuilt, the database is kept), and --database-url URL --reuse
measures what an earlier run left there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from selvvisitation.domain.dates import local_today

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARE_WITH_OPEN_CASE = 0.10  # 10,000 open cases for 100,000 citizens
SHARE_WITH_CLOSED_CASE = 0.40  # closed cases pile up over the years
SHARE_SWAPPING = 0.08
SMALL_TABLE_ROWS = 1_000  # below this, a sequential scan is fine
TEAMS = 50
SMALL_TEAM = TEAMS - 1  # one citizen in 5,000: a team with a handful of open cases


def team_of(i: int) -> int:
    """Index of citizen i's team: 49 teams of about 2,000 citizens, and one small team."""
    return SMALL_TEAM if i % 5000 == 4999 else i % (TEAMS - 1)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default="postgresql+psycopg://root@127.0.0.1:5432",
        help="PostgreSQL server to create the benchmark's own database on (dropped at the end)",
    )
    parser.add_argument(
        "--database-url",
        help="use this existing database instead (its tables are dropped and rebuilt; kept)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --database-url: measure the data left there"
    )
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=6, help="weeks of visit history, 1 a week")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--show", type=int, default=3, help="slowest queries shown per page")
    parser.add_argument(
        "--time-limit", type=int, default=1500, help="seconds before the run stops and cleans up"
    )
    return parser.parse_args()


def _model_defaults(table: str, columns: list[str]) -> tuple[list[str], tuple]:
    """The columns the rows leave out that the models fill with a fixed default.

    COPY skips the models' Python-side defaults, so each column a later change adds with one
    (``legal_basis``, ``goals`` …) is filled here instead of breaking the benchmark.
    """
    from selvvisitation.extensions import db

    extra, values = [], []
    for column in db.metadata.tables[table].columns:
        default = column.default
        if column.name in columns or column.nullable or default is None:
            continue
        if getattr(default, "is_scalar", False):
            value = default.arg
            extra.append(column.name)
            values.append(getattr(value, "value", value))  # an enum member: its stored value
    return extra, tuple(values)


def _copy(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream rows into a table with COPY; return the count."""
    extra, values = _model_defaults(table, columns)
    count = 0
    with cursor.copy(f'COPY "{table}" ({", ".join(columns + extra)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row + values)
            count += 1
    return count


def _ids(cursor, table: str, n: int) -> Iterator[int]:
    """Reserve n ids from the table's sequence (so COPY rows can reference each other)."""
    # Table names are constants of this script, never input.
    sql = f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)"  # noqa: S608
    cursor.execute(sql, (n,))
    return iter([row[0] for row in cursor.fetchall()])


def build(db, args: argparse.Namespace) -> int:
    """Fill the database; return the benchmark visitator's id."""
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
    from selvvisitation.security import cpr_vault
    from selvvisitation.security.passwords import hash_password

    rng = random.Random(94)
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
    teams = [Team(provider=providers[n % 5], name=f"Team {n:02d}") for n in range(TEAMS)]
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
    today = local_today()
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
            "cpr_encrypted",
            "cpr_lookup",
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
                cpr_vault.encrypt(cpr),  # stored encrypted, found by the blind index (issue #6)
                cpr_vault.lookup(cpr),
                f"Borger {i}",
                "da",
                team_rows[team_of(i)][1],
                team_rows[team_of(i)][0],
                now,
            )
            for i, cid in enumerate(citizen_ids)
            for cpr in [
                f"{(i % 28) + 1:02d}{(i // 28) % 12 + 1:02d}{30 + (i // 336) % 60:02d}"
                f"{i % 10000:04d}"
            ]
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
    recorded_visits: dict[int, list[int]] = {}  # citizen index -> visit ids, for flag evidence
    for i, cid in enumerate(citizen_ids):
        g1, g2 = grants[2 * i], grants[2 * i + 1]
        team_id = team_rows[team_of(i)][0]
        recorded_visits[i] = []
        for week_start in weeks:
            day = week_start + timedelta(days=g1[5])
            starts = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
            recorded = day < today
            vid = next(visit_ids)
            if recorded:
                recorded_visits[i].append(vid)
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
                service_rows.append((vid, day, g1[3], g1[0], g1[4], delivered, outcome, None))
                service_rows.append((vid, day, g2[3], g2[0], g2[4], 0, "dropped", sid))
                service_rows.append((vid, day, service_ids[-1], None, 0, 20, "added", sid))
            else:
                service_rows.append((vid, day, g1[3], g1[0], g1[4], delivered, outcome, None))
                service_rows.append(
                    (vid, day, g2[3], g2[0], g2[4], g2[4] if recorded else None, outcome, None)
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
            "day",
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
                team_rows[team_of(i)][0],  # the citizen's team and provider, as the model keeps
                team_rows[team_of(i)][1],
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
                        {
                            "count": 3,
                            "visit_refs": [str(v) for v in recorded_visits[i][-3:]],
                            "threshold_count": 3,
                            "threshold_days": 90,
                        }
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
            "team_id",
            "provider_id",
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
    # What autovacuum does to a table in steady use: statistics and the visibility map
    # (without which an index-only scan still reads every heap row).
    raw.driver_connection.autocommit = True
    cursor.execute("VACUUM ANALYZE")
    raw.driver_connection.autocommit = False
    raw.close()
    print(
        f"  {len(case_rows)} cases ({open_count} open), {len(flag_rows)} flags; data ready in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return visitator.id


def targets(db) -> dict:
    """What to measure, found in the data (built now or by an earlier run)."""
    from sqlalchemy import text

    from selvvisitation.services.case_reads import QueueCursor

    def one(sql: str, **params) -> tuple:
        return db.session.execute(text(sql), params).one()

    visitator_id, municipality_id = one(
        "SELECT id, municipality_id FROM staff_user WHERE username = 'benchmark-visitator'"
    )
    open_cases = "FROM \"case\" WHERE municipality_id = :m AND status <> 'closed'"
    by_team = f"SELECT team_id {open_cases} GROUP BY team_id ORDER BY count(*)"
    by_provider = f"SELECT provider_id {open_cases} GROUP BY provider_id ORDER BY count(*)"
    (count,) = one(f"SELECT count(*) {open_cases}", m=municipality_id)
    # The last page: keyset paging must not read the queue from its start to get there.
    deep = one(
        f"SELECT priority, deadline, id {open_cases}"
        " ORDER BY priority, deadline NULLS LAST, id OFFSET :o LIMIT 1",
        m=municipality_id,
        o=max(count - 10, 0),
    )
    return {
        "visitator_id": visitator_id,
        "open_cases": count,
        "team_id": one(by_team + " DESC LIMIT 1", m=municipality_id)[0],
        "small_team_id": one(by_team + " LIMIT 1", m=municipality_id)[0],
        "provider_id": one(by_provider + " DESC LIMIT 1", m=municipality_id)[0],
        "deep_cursor": QueueCursor(*deep).encode(),
        # A flag case of a citizen who swaps: flags with evidence visits, a swap timeline.
        "flag_case_id": one(
            'SELECT c.id FROM "case" c JOIN flag f ON f.case_id = c.id'
            " WHERE c.status = 'open' AND EXISTS"
            " (SELECT 1 FROM swap_request r WHERE r.citizen_id = c.citizen_id)"
            " ORDER BY c.id LIMIT 1"
        )[0],
        "request_case_id": one(
            "SELECT id FROM \"case\" WHERE status = 'open' AND kind = 'reassessment_request'"
            " ORDER BY id LIMIT 1"
        )[0],
    }


def timed(client, url: str, requests: int) -> dict:
    """Server time of GET url in ms over `requests` runs after two warm-ups.

    Wall time through the Flask test client: the whole request in the app process,
    including waiting for PostgreSQL, without network or browser. On a busy machine the
    best run and the CPU time show what the page itself costs.
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
    walls.sort()
    return {
        "median": statistics.median(walls),
        "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
        "best": walls[0],
        "cpu": statistics.median(cpus),
        "status": status,
    }


def plans(db, client, url: str) -> list[dict]:
    """EXPLAIN ANALYZE every query a page issues; report how it reads the large tables."""
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
        large = [n for n in nodes if rows.get(n.get("Relation Name"), 0) >= SMALL_TABLE_ROWS]
        scans = [
            (n["Node Type"], n.get("Index Name") or n["Relation Name"])
            for n in large
            if n["Node Type"] in ("Seq Scan", "Index Scan", "Index Only Scan")
        ]
        # A bitmap scan names its index on the child node, its table on the parent.
        scans += [
            ("Bitmap Index Scan", n["Index Name"])
            for n in nodes
            if n["Node Type"] == "Bitmap Index Scan"
        ]
        results.append(
            {
                "sql": " ".join(statement.split())[:90],
                "ms": plan["Execution Time"],
                "seq_scans_on_large_tables": sorted(
                    {name for kind, name in scans if kind == "Seq Scan"}
                ),
                "large_table_scans": scans,
            }
        )
    raw.rollback()
    raw.close()
    return results


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _scans(item: dict) -> str:
    large = item["large_table_scans"]
    return ", ".join(f"{kind} {name}" for kind, name in large) or "small tables only"


class TimeLimitReached(Exception):
    pass


def _stop(_signum, _frame):
    raise TimeLimitReached


def _admin_connection(server: str):
    import psycopg

    return psycopg.connect(
        server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    )


def measure(args: argparse.Namespace, database_url: str, build_data: bool) -> int:
    os.environ["TEST_DATABASE_URL"] = database_url
    from selvvisitation import create_app
    from selvvisitation.extensions import db

    app = create_app("test")
    with app.app_context():
        try:
            return _measure(app, db, args, build_data)
        finally:
            db.session.remove()
            db.engine.dispose()


def _measure(app, db, args: argparse.Namespace, build_data: bool) -> int:
    if build_data:
        print(f"Building {args.citizens} citizens, {args.weeks} weeks of visits …", flush=True)
        db.drop_all()
        db.create_all()
        build(db, args)
    ids = targets(db)
    client = app.test_client()
    with client.session_transaction() as session:
        session["actor_kind"] = "staff"
        session["actor_id"] = ids["visitator_id"]
        session["nonce"] = "bench"
        # What security.access.sign_in puts in every new session.
        session["sid"] = secrets.token_urlsafe(24)
        session["last_seen"] = datetime.now(UTC).timestamp()
    first = client.get("/visitation/").get_data(as_text=True)
    next_link = first.split('rel="next"')[0].rsplit('href="', 1)[-1].split('"')[0]
    pages = {
        "queue, first page": "/visitation/",
        "queue, next page": next_link.replace("&amp;", "&"),
        "queue, last page": f"/visitation/?efter={ids['deep_cursor']}",
        "queue, largest team": f"/visitation/?team={ids['team_id']}",
        "queue, smallest team": f"/visitation/?team={ids['small_team_id']}",
        "queue, provider": f"/visitation/?provider={ids['provider_id']}",
        "queue, reason": "/visitation/?kind=staff_report",
        "queue, team and reason": f"/visitation/?team={ids['team_id']}&kind=flag",
        "case page, flag": f"/visitation/sager/{ids['flag_case_id']}",
        "case page, request": f"/visitation/sager/{ids['request_case_id']}",
    }
    load = os.getloadavg()
    print(
        f"\nServer time in ms (Flask test client; {args.requests} requests a page after 2"
        f" warm-ups; target < 100 ms)\n  {ids['open_cases']} open cases; load average"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    print(f"  {'page':24s} {'median':>7s} {'p95':>7s} {'best':>7s} {'CPU':>7s} {'SQL':>4s}")
    worst = 0.0
    explained = {}
    for name, url in pages.items():
        figures = timed(client, url, args.requests)
        explained[name] = plans(db, client, url)
        worst = max(worst, figures["median"])
        print(
            f"  {name:24s} {figures['median']:7.1f} {figures['p95']:7.1f} {figures['best']:7.1f}"
            f" {figures['cpu']:7.1f} {len(explained[name]):4d}  HTTP {figures['status']}  {url}",
            flush=True,
        )
    print(
        "\nQuery plans (EXPLAIN ANALYZE of every SELECT a page issues; scans of tables"
        f" with {SMALL_TABLE_ROWS}+ rows):"
    )
    problems = 0
    for name, items in explained.items():
        seq = [item for item in items if item["seq_scans_on_large_tables"]]
        problems += len(seq)
        print(
            f"  {name}: {len(items)} queries, {sum(i['ms'] for i in items):.1f} ms in PostgreSQL,"
            f" {'SEQUENTIAL SCANS: ' + str(len(seq)) if seq else 'no sequential scan'}"
        )
        for item in sorted(items, key=lambda i: -i["ms"])[: args.show]:
            print(f"    {item['ms']:6.2f} ms  {_scans(item)[:100]}")
            print(f"               {item['sql']}")
    print(
        f"\nSlowest median: {worst:.1f} ms (target < 100); queries with sequential scans of"
        f" large tables: {problems}"
    )
    return 0 if worst < 100 and problems == 0 else 1


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(args.time_limit)
    if args.database_url:
        if not args.database_url.startswith("postgresql"):
            print("The benchmark needs PostgreSQL (--database-url postgresql+psycopg://...)")
            return 2
        try:
            return measure(args, args.database_url, build_data=not args.reuse)
        except TimeLimitReached:
            print(f"Stopped: over the time limit of {args.time_limit} s")
            return 3
    # A database of its own, dropped at the end whatever happens.
    name = f"selvvisitation_bench_{secrets.token_hex(4)}"
    server = args.server.rstrip("/")
    with _admin_connection(f"{server}/postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"Database {name} on {server} (dropped at the end)", flush=True)
    try:
        return measure(args, f"{server}/{name}", build_data=True)
    except TimeLimitReached:
        print(f"Stopped: over the time limit of {args.time_limit} s")
        return 3
    finally:
        signal.alarm(0)
        with _admin_connection(f"{server}/postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"Database {name} dropped", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
