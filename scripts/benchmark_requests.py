"""Throughput of the pages people wait for, side by side with a trivial page (issue 17).

    .venv/bin/python scripts/benchmark_requests.py                   # SQLite
    .venv/bin/python scripts/benchmark_requests.py --postgres postgresql+psycopg://root@127.0.0.1:5432/postgres

Builds a fresh demo database (a temporary SQLite file, or a new database on the given
PostgreSQL server, dropped afterwards), starts gunicorn with gunicorn.conf.py on a free
loopback port, and drives it with wrk (Debian's package; `make benchmark-requests` installs
it) one page at a time:

- the trivial start page `/` (the baseline every ratio is taken against);
- the home-care worker's day list `/personale/besoeg`;
- a citizen's dialogue turn, `POST /borger/samtale/svar` as dialogue.js sends it: each wrk
  connection is its own signed-in citizen and answers the question it was just asked
  ("Se min hjælp", which leads back to the menu), so every request is a real, accepted turn;
  like dialogue.js it says which message it showed last (X-Last-Message), so the answer
  renders only the new messages;
- an Ældreloven citizen's priority turn: "priority" at the menu, which asks which coming
  visit it is about, then "Gå et trin tilbage" (`POST /borger/samtale/tilbage`) back to
  the menu, every other request (issue 17: "an AEL priority turn must be as lean");
- the visitator's queue `/visitation/`.

Then, in this process with Flask's test client on the same database: the CPU time and the
SQL statements of one request of each page (of the Ældreloven turn, the "priority" answer
alone) (BEGIN, COMMIT and ROLLBACK not counted, as in
tests/statements.py). Finally each gunicorn worker's resident (RSS) and
unique (USS) memory after everything it served. Figures from a shared machine are noisy, so
every throughput is printed as a ratio to the trivial page measured in the same run; no
figure here is a pass or fail, and nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import _free_port, _postgres_database  # from this script's own folder

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TURN = re.compile(r'name="turn"[^>]*value="(\d+)"')
# The hidden field every citizen-side form carries (security/acting_for.py): a turn
# without it is refused and redirected, so it would not measure a turn at all.
CITIZEN_FIELD = re.compile(r'name="citizen" value="(\d+)"')
LOGIN_LINE = re.compile(r"^\s+(\w+)\s+(\S+)\s+(\S+)$")
CITIZEN_OPTION = re.compile(r'value="citizen:(\d+)"')
MESSAGE_ID = re.compile(r'data-id="(\d+)"')  # dialogue.js's lastMessageId reads these
PRIORITY_OPTION = 'value="priority"'  # only an Ældreloven citizen's menu offers it
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")

# wrk: each connection (one per thread) carries its own citizen's cookie and CSRF token, and
# takes the next turn number and the last message shown from the answer it just got, as
# dialogue.js does. With `priority`, every other request goes back to the menu.
TURN_SCRIPT = """
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end
function init(args)
  refused = 0
  backing = false
  priority = args[1] == "priority"
  local line = args[index + 1]
  cookie, csrf, turn, citizen, last = line:match("([^|]+)|([^|]+)|(%d+)|(%d+)|(%d+)")
end
function request()
  local headers = {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Requested-With"] = "fetch",
    ["X-Last-Message"] = last,
  }
  local body = "csrf_token=" .. csrf .. "&citizen=" .. citizen .. "&turn=" .. turn
  if backing then
    return wrk.format("POST", "/borger/samtale/tilbage", headers, body)
  end
  local answer = priority and "priority" or "my_help"
  return wrk.format("POST", "/borger/samtale/svar", headers, body .. "&answer=" .. answer)
end
function response(status, headers, body)
  local next_turn = body:match('name=\\\\"turn\\\\"[^>]-value=\\\\"(%d+)')
  if next_turn then
    turn = next_turn
    if priority then backing = not backing end
  else
    refused = refused + 1
  end
  for id in body:gmatch('data%-id=\\\\"(%d+)') do last = id end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  io.write("Turns not taken: " .. total .. "\\n")
end
"""

GET_SCRIPT = """
function init(args)
  cookie = args[1]
end
function request()
  return wrk.format("GET", nil, cookie ~= "" and {["Cookie"] = cookie} or {})
end
"""


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int  # and, for the turn, answers that took no turn


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wrk(url: str, script: str, args: list[str], seconds: int, connections: int) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                f"--threads={connections}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=30s",
                "--latency",
                f"--script={lua.name}",
                url,
                "--",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(lua.name)
    out = done.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # The turn script counts answers without a next question (a refused or stale turn).
    not_taken = re.search(r"Turns not taken: (\d+)", out)
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        p99_ms=_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        non_2xx=(int(non_2xx.group(1)) if non_2xx else 0)
        + (int(not_taken.group(1)) if not_taken else 0),
    )


def _prepare(env: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The demo database; returns role → (username, password) of the demo staff."""
    flask = [str(BIN / "flask"), "--app", "selvvisitation"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    seeded = subprocess.run(  # noqa: S603
        [*flask, "seed-demo"], env=env, check=True, capture_output=True, text=True
    )
    logins = {}
    for line in seeded.stdout.splitlines():
        if match := LOGIN_LINE.match(line):
            logins[match.group(1)] = (match.group(2), match.group(3))
    return logins


def _cookie_header(browser: requests.Session) -> str:
    """The session's cookies as a Cookie header: the cookie's name depends on the config
    (`__Host-` only over HTTPS, see config.session_cookie_name), so none is named here."""
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def _staff_cookie(base: str, username: str, password: str) -> str:
    browser = requests.Session()
    page = browser.get(f"{base}/log-ind/personale", timeout=30).text
    browser.post(
        f"{base}/log-ind/personale",
        data={"csrf_token": CSRF.search(page).group(1), "username": username, "password": password},
        timeout=30,
    ).raise_for_status()
    return _cookie_header(browser)


def _citizen_sessions(base: str, count: int, ael: bool = False) -> list[str]:
    """`cookie|csrf|turn|citizen|last message` for `count` demo citizens, each with a
    conversation open: on Ældreloven (whose menu offers a priority) or not."""
    lines = []
    first = requests.get(f"{base}/log-ind/", timeout=30).text
    for citizen_id in CITIZEN_OPTION.findall(first):
        if len(lines) == count:
            break
        browser = requests.Session()
        page = browser.get(f"{base}/log-ind/", timeout=30).text
        browser.post(
            f"{base}/log-ind/demo",
            data={"csrf_token": CSRF.search(page).group(1), "person": f"citizen:{citizen_id}"},
            timeout=30,
        ).raise_for_status()
        page = browser.get(f"{base}/borger/samtale", timeout=30).text
        if (PRIORITY_OPTION in page) != ael:
            continue
        cookie = _cookie_header(browser)
        lines.append(
            f"{cookie}|{CSRF.search(page).group(1)}|{TURN.search(page).group(1)}"
            f"|{CITIZEN_FIELD.search(page).group(1)}|{(MESSAGE_ID.findall(page) or ['0'])[-1]}"
        )
    return lines


def _workers(server: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(server.pid).children()


def _keep_log_if_workers_replaced(log: Path, replaced: set[int]) -> Path | None:
    """A worker gone during the run was replaced (a timeout, a crash, the OOM killer):
    its figures are not comparable, and gunicorn's log says why, so keep it."""
    if not replaced or not log.exists():
        return None
    kept = Path(tempfile.gettempdir()) / f"benchmark_requests-gunicorn-{int(time.time())}.log"
    shutil.copyfile(log, kept)
    return kept


def _in_process(env: dict[str, str], logins: dict[str, tuple[str, str]], repeat: int) -> dict:
    """CPU ms and SQL statements of one request per page, with Flask's test client."""
    os.environ.update(env)
    from sqlalchemy import event

    from selvvisitation import create_app
    from selvvisitation.extensions import db

    app = create_app("demo")
    statements = []
    figures: dict[str, tuple[float, float]] = {}
    with app.app_context():
        # As the statement-count tests count (tests/statements.py): transaction control
        # left out, since SQLite gets BEGIN as a statement and PostgreSQL does not.
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, text, *_a: (
                None
                if text.lstrip().upper().startswith(TRANSACTION_CONTROL)
                else statements.append(1)
            ),
        )

    def sign_in_staff(client, role: str) -> None:
        page = client.get("/log-ind/personale").get_data(as_text=True)
        username, password = logins[role]
        client.post(
            "/log-ind/personale",
            data={
                "csrf_token": CSRF.search(page).group(1),
                "username": username,
                "password": password,
            },
        )

    def measure(name: str, call, between=None) -> None:
        call()  # warm: templates compiled, caches filled
        cpu = 0.0
        for _ in range(repeat):
            if between is not None:
                between()  # not measured
            statements.clear()
            started = time.process_time()
            call()
            cpu += time.process_time() - started
            counted.append(len(statements))
        figures[name] = (cpu / repeat * 1000, sum(counted[-repeat:]) / repeat)

    counted: list[int] = []
    plain = app.test_client()
    measure("trivial /", lambda: plain.get("/"))
    worker = app.test_client()
    sign_in_staff(worker, "home_care_worker")
    measure("day list", lambda: worker.get("/personale/besoeg"))
    visitator = app.test_client()
    sign_in_staff(visitator, "visitator")
    measure("visitation queue", lambda: visitator.get("/visitation/"))

    def citizen_client(ael: bool):
        first = app.test_client().get("/log-ind/").get_data(as_text=True)
        for citizen_id in reversed(CITIZEN_OPTION.findall(first)):
            client = app.test_client()
            page = client.get("/log-ind/").get_data(as_text=True)
            client.post(
                "/log-ind/demo",
                data={"csrf_token": CSRF.search(page).group(1), "person": f"citizen:{citizen_id}"},
            )
            asked = client.get("/borger/samtale").get_data(as_text=True)
            if (PRIORITY_OPTION in asked) == ael:
                return client, {
                    "csrf": CSRF.search(asked).group(1),
                    "turn": TURN.search(asked).group(1),
                    "citizen": CITIZEN_FIELD.search(asked).group(1),
                    "last": (MESSAGE_ID.findall(asked) or ["0"])[-1],
                }
        raise SystemExit("no demo citizen of that kind")

    def post(client, state, path: str, **fields) -> None:
        answer = client.post(
            path,
            data={
                "csrf_token": state["csrf"],
                "citizen": state["citizen"],
                "turn": state["turn"],
                **fields,
            },
            headers={"X-Requested-With": "fetch", "X-Last-Message": state["last"]},
        )
        body = answer.get_json()
        if body is None or "question" not in body:
            raise SystemExit(f"the turn was not taken: {answer.status} {answer.get_data()[:500]!r}")
        state["turn"] = TURN.search(body["question"]).group(1)
        state["last"] = (MESSAGE_ID.findall(body["log"]) or [state["last"]])[-1]

    citizen, state = citizen_client(ael=False)

    def turn() -> None:
        post(citizen, state, "/borger/samtale/svar", answer="my_help")

    measure("dialogue turn", turn)
    elder, elder_state = citizen_client(ael=True)
    measure(
        "AEL priority turn",
        lambda: post(elder, elder_state, "/borger/samtale/svar", answer="priority"),
        between=lambda: post(elder, elder_state, "/borger/samtale/tilbage"),
    )
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made there)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--repeat", type=int, default=50, help="in-process requests per page")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (make benchmark-requests does)")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="selvvisitation-bench-"))
    drop = None
    env = {
        **os.environ,
        "SELVVISITATION_CONFIG": "demo",
        "SELVVISITATION_INSTANCE_DIR": str(tmp / "instance"),
    }
    if args.postgres:
        env["DATABASE_URL"], drop = _postgres_database(args.postgres)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.db'}"
    server = None
    replaced: set[int] = set()
    try:
        logins = _prepare(env)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                'selvvisitation:create_app("demo", serving=True)',
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                if requests.get(f"{base}/sundhed", timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        first_workers = {w.pid for w in _workers(server)}
        worker_cookie = _staff_cookie(base, *logins["home_care_worker"])
        visitator_cookie = _staff_cookie(base, *logins["visitator"])
        citizens = _citizen_sessions(base, args.connections)
        elders = _citizen_sessions(base, args.connections, ael=True)
        n = args.connections
        results = {
            "trivial /": _wrk(f"{base}/", GET_SCRIPT, [""], args.seconds, n),
            "day list": _wrk(
                f"{base}/personale/besoeg", GET_SCRIPT, [worker_cookie], args.seconds, n
            ),
            "dialogue turn": _wrk(f"{base}/", TURN_SCRIPT, ["my_help", *citizens], args.seconds, n),
            "AEL priority turn": _wrk(
                f"{base}/", TURN_SCRIPT, ["priority", *elders], args.seconds, n
            ),
            "visitation queue": _wrk(
                f"{base}/visitation/", GET_SCRIPT, [visitator_cookie], args.seconds, n
            ),
        }
        memory = [
            (w.pid, w.memory_full_info().rss / 2**20, w.memory_full_info().uss / 2**20)
            for w in _workers(server)
        ]
        replaced = first_workers - {pid for pid, _, _ in memory}
        # What each worker shares from the start: the preloaded app in the master.
        master_rss = psutil.Process(server.pid).memory_info().rss / 2**20
        load = os.getloadavg()
        served = sum(r.requests for r in results.values())
        in_process = _in_process(env, logins, args.repeat)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if drop is not None:
            drop()
        kept_log = _keep_log_if_workers_replaced(tmp / "gunicorn.log", replaced)
        shutil.rmtree(tmp, ignore_errors=True)

    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nselvvisitation request benchmark on {database}: gunicorn.conf.py, {args.workers} "
        f"workers; wrk {n} connections × {args.seconds} s per page"
    )
    print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    if kept_log is not None:
        print(
            f"WARNING: {len(replaced)} worker(s) were replaced during the run, so these "
            f"figures are not comparable; gunicorn's log is kept at {kept_log}\n"
        )
    base_rps = results["trivial /"].requests_per_second
    base_cpu = in_process["trivial /"][0]
    print(
        f"{'page':<19}{'req/s':>9}{'of /':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>9}"
        f"{'non-2xx':>9}{'CPU ms':>9}{'× /':>7}{'SQL':>6}"
    )
    for name, result in results.items():
        cpu, sql = in_process[name]
        print(
            f"{name:<19}{result.requests_per_second:>9.1f}"
            f"{result.requests_per_second / base_rps:>8.0%}{result.p50_ms:>9.1f}"
            f"{result.p99_ms:>9.1f}{result.p99_ms / max(result.p50_ms, 0.001):>9.1f}"
            f"{result.non_2xx:>9}{cpu:>9.2f}{cpu / base_cpu:>7.1f}{sql:>6.1f}"
        )
    print(f"\ngunicorn master (the preloaded app): RSS {master_rss:.0f} MB")
    print(f"gunicorn workers after {served:,} requests:")
    for pid, rss, uss in memory:
        print(f"  pid {pid}: RSS {rss:.0f} MB, USS {uss:.0f} MB")
    print(
        "\nTargets (issue 17): a turn and the day list at ≥ 25 % of /; CPU ≤ 4× /; "
        "SQL ≤ 10 per turn, ≤ 6 per day list; day list p99 ≤ 3× p50; workers ≤ 120 MB RSS."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
