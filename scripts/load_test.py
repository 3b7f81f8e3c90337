"""Load test: 200 simulated users for 60 s against gunicorn on 127.0.0.1 (bounded, stops itself).

Half are citizens (demo sign-in, their help, the access log, their data, sign-out),
half are home-care workers (password sign-in, the day's visits, a visit's page,
sign-out), each with their own account. Reports requests, server errors and
latency, then checks that no record was lost or duplicated: every acknowledged
sign-out left exactly one ended-session row, and every worker's visit page left
exactly one audit read more than before.

    .venv/bin/python scripts/load_test.py [--users 200] [--seconds 60] [--workers 4]

Loopback only; a fresh demo database in a temporary directory (SQLite), or
--database-url for PostgreSQL (migrated, demo data added once, new load accounts per run).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess  # noqa: S404  (starts our own gunicorn and flask commands)
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
VISIT_LINK = re.compile(r'href="(/personale/besoeg/\d+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: Counter[int] = Counter()
        self.latency: list[float] = []
        self.sign_outs = 0
        self.visit_reads = 0
        self.errors: list[str] = []
        self.failures: Counter[str] = Counter()

    def add(self, response: requests.Response, started: float) -> None:
        with self.lock:
            self.status[response.status_code] += 1
            self.latency.append(time.monotonic() - started)
            if response.status_code >= 500:
                self.errors.append(
                    f"{response.status_code} {response.request.method} {response.url}"
                )


def _get(http: requests.Session, base: str, path: str, stats: Stats) -> requests.Response:
    started = time.monotonic()
    response = http.get(base + path, allow_redirects=False, timeout=30)
    stats.add(response, started)
    return response


def _post(http: requests.Session, base: str, path: str, data: dict, stats: Stats):
    started = time.monotonic()
    response = http.post(
        base + path, data=data, allow_redirects=False, timeout=30, headers={"Referer": base + "/"}
    )
    stats.add(response, started)
    return response


def _guarded(journey):
    """Run a user's journey; a timed-out or refused connection is counted, not lost."""

    def run(*args) -> None:
        stats: Stats = args[-1]
        deadline: float = args[-2]
        while time.monotonic() < deadline:
            try:
                journey(*args)
            except (requests.RequestException, RuntimeError) as error:
                with stats.lock:
                    stats.failures[type(error).__name__] += 1

    return run


@_guarded
def citizen_user(base: str, citizen_id: int, deadline: float, stats: Stats) -> None:
    http = requests.Session()
    token = _csrf(_get(http, base, "/log-ind/", stats).text)
    signed = _post(
        http,
        base,
        "/log-ind/demo",
        {"person": f"citizen:{citizen_id}", "csrf_token": token},
        stats,
    )
    if signed.status_code != 302:
        return
    for path in ("/borger/", "/borger/hvem-har-kigget", "/borger/mine-data"):
        page = _get(http, base, path, stats)
    out = _post(http, base, "/log-ind/log-ud", {"csrf_token": _csrf(page.text)}, stats)
    if out.status_code == 302:
        with stats.lock:
            stats.sign_outs += 1


@_guarded
def worker_user(base: str, username: str, password: str, deadline: float, stats: Stats) -> None:
    http = requests.Session()
    token = _csrf(_get(http, base, "/log-ind/personale", stats).text)
    signed = _post(
        http,
        base,
        "/log-ind/personale",
        {"username": username, "password": password, "csrf_token": token},
        stats,
    )
    if signed.status_code != 302:
        return
    week = _get(http, base, "/personale/uge", stats)
    today = _get(http, base, "/personale/besoeg", stats)
    links = VISIT_LINK.findall(today.text) or VISIT_LINK.findall(week.text)
    page = today
    if links:
        page = _get(http, base, links[hash(username) % len(links)], stats)
        if page.status_code == 200:
            with stats.lock:
                stats.visit_reads += 1
    out = _post(http, base, "/log-ind/log-ud", {"csrf_token": _csrf(page.text)}, stats)
    if out.status_code == 302:
        with stats.lock:
            stats.sign_outs += 1


def _prepare(env: dict, users: int) -> tuple[list[int], list[str], str]:
    """A demo database plus one account per simulated worker; returns who signs in."""
    flask = [str(BIN / "flask"), "--app", "selvvisitation"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*flask, "seed-demo"], env=env, check=True, capture_output=True)  # noqa: S603
    os.environ.update(env)
    from sqlalchemy import select

    from selvvisitation import create_app
    from selvvisitation.domain.types import StaffRole
    from selvvisitation.extensions import db
    from selvvisitation.models import Citizen, StaffUser
    from selvvisitation.security.passwords import hash_password

    password = secrets.token_urlsafe(12)
    app = create_app("demo")
    with app.app_context():
        model = db.session.scalars(
            select(StaffUser).where(StaffUser.username == "hjemmehjaelper")
        ).one()
        password_hash = hash_password(password)
        names = []
        run = secrets.token_hex(3)  # a rerun on the same database gets new accounts
        for n in range(users):
            names.append(f"last-{run}-{n:03d}")
            db.session.add(
                StaffUser(
                    municipality_id=model.municipality_id,
                    username=names[-1],
                    name=f"Belastning {n}",
                    role=StaffRole.HOME_CARE_WORKER,
                    provider_id=model.provider_id,
                    team_id=model.team_id,
                    password_hash=password_hash,
                    session_nonce=secrets.token_hex(8),
                )
            )
        db.session.commit()
        citizens = list(db.session.scalars(select(Citizen.id).order_by(Citizen.id)))
        db.engine.dispose()
    return citizens, names, password


def _counts(env: dict) -> dict[str, int]:
    from sqlalchemy import text

    from selvvisitation import create_app
    from selvvisitation.extensions import db

    app = create_app("demo")
    with app.app_context():
        result = {
            table: db.session.scalar(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
            for table in ("ended_session", "audit_entry", "swap_request", "visit")
        }
        result["visit_reads"] = db.session.scalar(
            text("SELECT count(*) FROM audit_entry WHERE action = 'read' AND object_type = 'visit'")
        )
        db.engine.dispose()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    users = min(max(args.users, 2), 400)  # bounded
    seconds = min(max(args.seconds, 5), 300)
    tmp = Path(tempfile.mkdtemp(prefix="selvvisitation-load-"))
    env = dict(os.environ)
    env.update(
        SELVVISITATION_CONFIG="demo",
        SELVVISITATION_INSTANCE_DIR=str(tmp),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'load.db'}",
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="0",
    )
    citizens, workers, password = _prepare(env, users // 2)
    before = _counts(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "8",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            'selvvisitation:create_app("demo")',
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/sundhed", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        stats = Stats()
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=citizen_user, args=(base, citizens[n % len(citizens)], deadline, stats)
            )
            for n in range(users - len(workers))
        ] + [
            threading.Thread(target=worker_user, args=(base, name, password, deadline, stats))
            for name in workers
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    after = _counts(env)
    total = sum(stats.status.values())
    server_errors = sum(n for code, n in stats.status.items() if code >= 500)
    latency = sorted(stats.latency)
    ended = after["ended_session"] - before["ended_session"]
    reads = after["visit_reads"] - before["visit_reads"]
    print(
        f"users {users} ({len(workers)} workers, {users - len(workers)} citizens), {elapsed:.0f} s"
    )
    print(
        f"requests {total} ({total / elapsed:.0f}/s), status {dict(sorted(stats.status.items()))}"
    )
    print(
        f"latency median {statistics.median(latency) * 1000:.0f} ms, "
        f"p95 {latency[int(len(latency) * 0.95)] * 1000:.0f} ms, max {latency[-1] * 1000:.0f} ms"
    )
    print(f"server errors {server_errors}, client-side timeouts/failures {dict(stats.failures)}")
    print(f"sign-outs acknowledged {stats.sign_outs}, ended-session rows added {ended}")
    print(f"visit pages shown {stats.visit_reads}, audit reads of visits added {reads}")
    print(
        f"swap requests {before['swap_request']} -> {after['swap_request']}, "
        f"visits {before['visit']} -> {after['visit']}"
    )
    for line in stats.errors[:10]:
        print("  ", line)
    ok = server_errors == 0 and ended == stats.sign_outs and reads == stats.visit_reads
    ok = (
        ok and after["swap_request"] == before["swap_request"] and after["visit"] == before["visit"]
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
