"""Throughput of the pages people wait for, side by side with a trivial page (issue 17).

    .venv/bin/python scripts/benchmark_requests.py                   # SQLite
    .venv/bin/python scripts/benchmark_requests.py --postgres postgresql+psycopg://root@127.0.0.1:5432/postgres
    .venv/bin/python scripts/benchmark_requests.py --rounds 9 --seconds 3

Builds a fresh demo database (a temporary SQLite file, or a new database on the given
PostgreSQL server, dropped afterwards), starts gunicorn with gunicorn.conf.py on a free
loopback port (GUNICORN_CMD_ARGS, e.g. "--threads 4", overrides it), and drives it with wrk
(Debian's package; `make benchmark-requests` installs it). The pages:

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

The machine is shared, and what it does in one page's seconds is not what it does in the
next page's: so the pages take turns with the trivial page in short slices, /, P1, /, P2,
…, /, round after round (--rounds, --seconds a slice), after one unmeasured warm-up slice
of each (--warmup). Each page slice is measured against the mean of the trivial slices
just before and just after it: a load that rises or falls steadily over those slices
cancels out, which a trivial slice on one side only would not do, and the trivial slices
between two pages serve both. Between slices the script waits until the workers are idle,
since wrk stops with requests in flight that the server still serves. The table gives
each page's median ratio over the rounds with the smallest and largest (the spread), and
the medians of its slices' req/s, p50 and p99, and all its non-2xx answers. The turn pages
carry their conversations from slice to slice (TurnPage): a turn refused as stale counts
as non-2xx, and the turns the server took are checked against the answers wrk received.

Then, in this process with Flask's test client on the same database: the CPU time and the
SQL statements of one request of each page (of the Ældreloven turn, the "priority" answer
alone) (BEGIN, COMMIT and ROLLBACK not counted, as in tests/statements.py). The CPU is
taken as the throughput is: blocks of 10 requests, the trivial page's either side of each
page's, round after round, and each page's ratio against its two neighbours. Finally
each gunicorn worker's resident (RSS) and unique (USS) memory after everything it served.
No figure here is a pass or fail, and nothing asserts on time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
  priority = args[1] == "priority"
  local line = args[index + 1]
  local back
  cookie, csrf, turn, citizen, last, back =
    line:match("([^|]+)|([^|]+)|(%d+)|(%d+)|(%d+)|([01])")
  backing = back == "1"
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
  if next_turn and tonumber(next_turn) == tonumber(turn) + 1 then
    if priority then backing = not backing end
  elseif status < 400 then
    -- answered, but no turn taken (a refused or stale turn gets 409: wrk counts those)
    refused = refused + 1
  end
  if next_turn then turn = next_turn end
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


@dataclass
class Conversation:
    """One wrk connection's citizen, as TURN_SCRIPT's argument `cookie|csrf|turn|citizen|
    last message|backing`: what its next request sends."""

    cookie: str
    csrf: str
    turn: int
    citizen: str
    last: str
    backing: bool  # an Ældreloven citizen was asked which visit: the next request goes back

    def line(self) -> str:
        return (
            f"{self.cookie}|{self.csrf}|{self.turn}|{self.citizen}|{self.last}|{int(self.backing)}"
        )


def _citizen_sessions(base: str, count: int, ael: bool = False) -> list[Conversation]:
    """`count` demo citizens, each signed in with a conversation open at the menu: on
    Ældreloven (whose menu offers a priority) or not."""
    conversations: list[Conversation] = []
    first = requests.get(f"{base}/log-ind/", timeout=30).text
    for citizen_id in CITIZEN_OPTION.findall(first):
        if len(conversations) == count:
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
        conversations.append(
            Conversation(
                cookie=_cookie_header(browser),
                csrf=CSRF.search(page).group(1),
                turn=int(TURN.search(page).group(1)),
                citizen=CITIZEN_FIELD.search(page).group(1),
                last=(MESSAGE_ID.findall(page) or ["0"])[-1],
                backing=False,
            )
        )
    return conversations


class TurnPage:
    """A turn page's conversations, carried from one wrk slice to the next.

    wrk stops a slice with a request in flight on nearly every connection: the server
    still takes that turn, but the script never reads its answer, so the turn number the
    connection knows is one behind (and the Ældreloven turn's back-or-forward with it).
    What the script knew at its end (wrk's done()) is therefore no start for the next
    slice: that would be refused as stale, 409. Instead, once the server is idle again
    (_settle), each conversation is read back from the server as dialogue.js would after
    a reload (GET /borger/samtale, only the messages after the last one shown). The
    turn numbers read back also count the turns the server really took, which must be at
    least the answers wrk received."""

    def __init__(self, base: str, conversations: list[Conversation], answer: str) -> None:
        self.base, self.conversations, self.answer = base, conversations, answer
        self.taken = self.answered = 0  # over the measured slices

    def run(self, seconds: int, connections: int, measured: bool, settle) -> WrkResult:
        before = sum(c.turn for c in self.conversations)
        result = _wrk(
            f"{self.base}/",
            TURN_SCRIPT,
            [self.answer, *(c.line() for c in self.conversations)],
            seconds,
            connections,
        )
        settle()
        self.conversations = [self._read_back(c) for c in self.conversations]
        if measured:
            self.taken += sum(c.turn for c in self.conversations) - before
            self.answered += result.requests - result.non_2xx
        return result

    def _read_back(self, conversation: Conversation) -> Conversation:
        answer = requests.get(
            f"{self.base}/borger/samtale",
            headers={
                "Cookie": conversation.cookie,
                "X-Requested-With": "fetch",
                "X-Last-Message": conversation.last,
            },
            timeout=30,
        )
        answer.raise_for_status()
        body = answer.json()
        question = body["question"]
        return Conversation(
            cookie=conversation.cookie,
            csrf=CSRF.search(question).group(1),
            turn=int(TURN.search(question).group(1)),
            citizen=conversation.citizen,
            last=(MESSAGE_ID.findall(body["log"] + question) or [conversation.last])[-1],
            backing=self.answer == "priority" and PRIORITY_OPTION not in question,
        )

    @property
    def not_taken(self) -> int:
        """Answers wrk counted as turns that the server did not take."""
        return max(0, self.answered - self.taken)


def sandwich_ratios(trivial: list[float], pages: list[float]) -> list[float]:
    """Each page slice's throughput as a ratio to the trivial page's, from slices run as
    trivial, page, trivial, page, …, trivial: the page's req/s over the mean of the two
    trivial slices either side of it. Whatever the machine's load did over those three
    slices, if it changed steadily, the mean of the neighbours is the trivial page's
    throughput under the load the page slice met."""
    if len(trivial) != len(pages) + 1:
        raise ValueError("one trivial slice before each page slice and one after the last")
    return [page / ((trivial[i] + trivial[i + 1]) / 2) for i, page in enumerate(pages)]


def round_ratios(trivial: list[float], rounds: list[dict[str, float]]) -> dict[str, list[float]]:
    """Each page's ratio in each round, from the trivial slices' req/s and each round's
    pages' req/s in the order they ran: /, P1, /, P2, …, / (sandwich_ratios)."""
    in_order = [rps for round_ in rounds for rps in round_.values()]
    ratios = iter(sandwich_ratios(trivial, in_order))
    by_page: dict[str, list[float]] = {}
    for round_ in rounds:
        for name in round_:
            by_page.setdefault(name, []).append(next(ratios))
    return by_page


def median_and_range(values: list[float]) -> tuple[float, float, float]:
    """The median, the smallest and the largest: a figure and its spread over the rounds."""
    return statistics.median(values), min(values), max(values)


def _settle(workers: list[psutil.Process], most_seconds: float = 10.0) -> None:
    """Wait until the gunicorn workers are idle: the requests wrk left in flight when it
    stopped are still served (a turn is taken even if no one reads its answer), and would
    otherwise run into the next slice and slow it down."""

    def cpu() -> float:
        total = 0.0
        for worker in workers:
            try:
                times = worker.cpu_times()
            except psutil.NoSuchProcess:  # replaced: reported with the memory
                continue
            total += times.user + times.system
        return total

    deadline = time.monotonic() + most_seconds
    used = cpu()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu()
        if now - used < 0.005:  # under 5 % of a core for 0.1 s
            return
        used = now


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


IN_PROCESS_BLOCK = 10  # requests timed together: a block carries its own garbage


def _in_process(
    env: dict[str, str], logins: dict[str, tuple[str, str]], repeat: int, connections: int
) -> dict:
    """CPU ms, its ratio to the trivial page's, and SQL statements of one request per page,
    with Flask's test client; the turns answered as the citizens of the wrk slices, in turn.

    As the wrk slices are: blocks of IN_PROCESS_BLOCK requests of the trivial page and of
    each page in turn, /, P1, /, P2, …, /, round after round, each page's block against the
    mean of the trivial blocks either side (round_ratios). Timing the pages one after
    another put a neighbour's burst, or a collection, into one page's figure alone; timing
    single requests in pairs charged the heavy request's garbage to the trivial one."""
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

    counted: dict[str, list[int]] = {}

    def block(name: str, call, between=None) -> float:
        """The mean CPU ms of a block of requests (``between`` runs before each, untimed)."""
        cpu = 0.0
        for _ in range(IN_PROCESS_BLOCK):
            if between is not None:
                between()
            statements.clear()
            started = time.process_time()
            call()
            cpu += time.process_time() - started
            counted.setdefault(name, []).append(len(statements))
        return cpu / IN_PROCESS_BLOCK * 1000

    pages: dict[str, tuple[Any, Any]] = {}
    plain = app.test_client()
    worker = app.test_client()
    sign_in_staff(worker, "home_care_worker")
    pages["day list"] = (lambda: worker.get("/personale/besoeg"), None)
    visitator = app.test_client()
    sign_in_staff(visitator, "visitator")
    pages["visitation queue"] = (lambda: visitator.get("/visitation/"), None)

    def citizen_clients(ael: bool, count: int) -> itertools.cycle:
        """The citizens the wrk slices answer as (_citizen_sessions): the first ``count`` of
        that kind, in the same order, each signed in with her conversation at the menu. A
        turn's figure is then of the same people and the same data as the wrk slices' (it
        was the last demo citizen's alone, who has fewer visits and grants)."""
        first = app.test_client().get("/log-ind/").get_data(as_text=True)
        found = []
        for citizen_id in CITIZEN_OPTION.findall(first):
            if len(found) == count:
                break
            client = app.test_client()
            page = client.get("/log-ind/").get_data(as_text=True)
            client.post(
                "/log-ind/demo",
                data={"csrf_token": CSRF.search(page).group(1), "person": f"citizen:{citizen_id}"},
            )
            asked = client.get("/borger/samtale").get_data(as_text=True)
            if (PRIORITY_OPTION in asked) == ael:
                found.append(
                    (
                        client,
                        {
                            "csrf": CSRF.search(asked).group(1),
                            "turn": TURN.search(asked).group(1),
                            "citizen": CITIZEN_FIELD.search(asked).group(1),
                            "last": (MESSAGE_ID.findall(asked) or ["0"])[-1],
                        },
                    )
                )
        if not found:
            raise SystemExit("no demo citizen of that kind")
        return itertools.cycle(found)

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

    citizens = citizen_clients(False, connections)

    def turn() -> None:
        post(*next(citizens), "/borger/samtale/svar", answer="my_help")

    pages["dialogue turn"] = (turn, None)
    elders = citizen_clients(True, connections)
    answering: list[Any] = []  # the citizen the next priority answer is hers

    def back_to_the_menu() -> None:
        answering[:] = next(elders)
        post(*answering, "/borger/samtale/tilbage")

    pages["AEL priority turn"] = (
        lambda: post(*answering, "/borger/samtale/svar", answer="priority"),
        back_to_the_menu,
    )

    def trivial() -> None:
        plain.get("/")

    # Warm: templates compiled, caches filled, and every citizen has answered once.
    for call, between in pages.values():
        for _ in range(connections):
            if between is not None:
                between()
            call()
    trivial()
    counted.clear()
    trivial_blocks = [block("trivial /", trivial)]
    rounds: list[dict[str, float]] = []
    for _ in range(max(1, repeat // IN_PROCESS_BLOCK)):
        round_ = {}
        for name, (call, between) in pages.items():
            round_[name] = block(name, call, between)
            trivial_blocks.append(block("trivial /", trivial))
        rounds.append(round_)
    ratios = round_ratios(trivial_blocks, rounds)
    trivial_median = statistics.median(trivial_blocks)
    figures["trivial /"] = (
        trivial_median,
        *median_and_range([cpu / trivial_median for cpu in trivial_blocks]),
        statistics.mean(counted["trivial /"]),
    )
    for name in pages:
        figures[name] = (
            statistics.median(round_[name] for round_ in rounds),
            *median_and_range(ratios[name]),
            statistics.mean(counted[name]),
        )
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made there)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every page")
    parser.add_argument("--seconds", type=int, default=2, help="wrk duration of one slice")
    parser.add_argument(
        "--warmup", type=int, default=1, help="wrk duration of each page's unmeasured slice"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--repeat", type=int, default=50, help="in-process requests per page")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (make benchmark-requests does)")
        return 2
    started = time.monotonic()
    load_before = os.getloadavg()
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
        n = args.connections
        workers = _workers(server)

        def settle() -> None:
            _settle(workers)

        def get(url: str, cookie: str):
            def run(seconds: int, measured: bool) -> WrkResult:
                result = _wrk(url, GET_SCRIPT, [cookie], seconds, n)
                settle()
                return result

            return run

        trivial = get(f"{base}/", "")
        dialogue = TurnPage(base, _citizen_sessions(base, n), "my_help")
        elder = TurnPage(base, _citizen_sessions(base, n, ael=True), "priority")
        pages = {
            "day list": get(f"{base}/personale/besoeg", worker_cookie),
            "dialogue turn": lambda seconds, measured: dialogue.run(seconds, n, measured, settle),
            "AEL priority turn": lambda seconds, measured: elder.run(seconds, n, measured, settle),
            "visitation queue": get(f"{base}/visitation/", visitator_cookie),
        }
        # Warm-up, not measured: every page once, so that each worker has compiled its
        # templates and filled its caches before the first measured slice.
        warmup = [run(args.warmup, False) for run in (trivial, *pages.values())]
        # Then /, P1, /, P2, …, /, P1, … /: every page slice between two trivial ones.
        measuring = time.monotonic()
        slices: dict[str, list[WrkResult]] = {"trivial /": [trivial(args.seconds, True)]}
        for _ in range(args.rounds):
            for name, run in pages.items():
                slices.setdefault(name, []).append(run(args.seconds, True))
                slices["trivial /"].append(trivial(args.seconds, True))
        measured_seconds = time.monotonic() - measuring
        for page in (dialogue, elder):
            page_slices = slices["dialogue turn" if page is dialogue else "AEL priority turn"]
            page_slices[-1].non_2xx += page.not_taken  # counted once, on the last slice
        trivial_rps = [r.requests_per_second for r in slices["trivial /"]]
        page_ratios = round_ratios(
            trivial_rps,
            [
                {name: slices[name][round_].requests_per_second for name in pages}
                for round_ in range(args.rounds)
            ],
        )
        memory = [
            (w.pid, w.memory_full_info().rss / 2**20, w.memory_full_info().uss / 2**20)
            for w in _workers(server)
        ]
        replaced = first_workers - {pid for pid, _, _ in memory}
        # What each worker shares from the start: the preloaded app in the master.
        master_rss = psutil.Process(server.pid).memory_info().rss / 2**20
        served = sum(r.requests for results in slices.values() for r in results) + sum(
            r.requests for r in warmup
        )
        in_process = _in_process(env, logins, args.repeat, n)
        load_after = os.getloadavg()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if drop is not None:
            drop()
        kept_log = _keep_log_if_workers_replaced(tmp / "gunicorn.log", replaced)
        shutil.rmtree(tmp, ignore_errors=True)

    database = "PostgreSQL" if args.postgres else "SQLite"
    threads = os.environ.get("GUNICORN_CMD_ARGS", "")
    print(
        f"\nselvvisitation request benchmark on {database}: gunicorn.conf.py"
        f"{' with GUNICORN_CMD_ARGS=' + repr(threads) if threads else ''}, {args.workers} "
        f"workers; wrk {n} connections; {args.rounds} rounds of / and each page alternating, "
        f"{args.seconds} s a slice, after a {args.warmup} s warm-up slice of each"
    )
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {' '.join(f'{x:.2f}' for x in load_after)}"
    )
    print(
        f"run time: {time.monotonic() - started:.0f} s, of which {measured_seconds:.0f} s "
        f"measured slices\n"
    )
    if kept_log is not None:
        print(
            f"WARNING: {len(replaced)} worker(s) were replaced during the run, so these "
            f"figures are not comparable; gunicorn's log is kept at {kept_log}\n"
        )
    warmup_refused = sum(r.non_2xx for r in warmup)
    if warmup_refused:
        print(f"WARNING: {warmup_refused} non-2xx or refused answers in the warm-up\n")
    print(
        f"{'page':<19}{'req/s':>8}{'of /':>7}{'min-max':>12}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'p99/p50':>8}{'non-2xx':>8}{'CPU ms':>8}{'× /':>6}{'min-max':>11}{'SQL':>6}"
    )
    trivial_median = statistics.median(trivial_rps)
    # The trivial page's own spread: its slices against their median.
    page_ratios["trivial /"] = [rps / trivial_median for rps in trivial_rps]
    for name in ("trivial /", *pages):
        results = slices[name]
        ratio, low, high = median_and_range(page_ratios[name])
        p50 = statistics.median(r.p50_ms for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        cpu, times, fewest, most, sql = in_process[name]
        print(
            f"{name:<19}{statistics.median(r.requests_per_second for r in results):>8.1f}"
            f"{1.0 if name == 'trivial /' else ratio:>7.0%}"
            f"{f'{low:.0%}-{high:.0%}':>12}{p50:>9.1f}{p99:>9.1f}{p99 / max(p50, 0.001):>8.1f}"
            f"{sum(r.non_2xx for r in results):>8}{cpu:>8.2f}"
            f"{1.0 if name == 'trivial /' else times:>6.1f}{f'{fewest:.1f}-{most:.1f}':>11}"
            f"{sql:>6.1f}"
        )
    print(
        "\nreq/s, p50 and p99: medians over the slices. of /: the median over the rounds of "
        "the page's req/s over the mean of the trivial slices before and after it; "
        "min-max: the smallest and largest of those (for /: its slices against their median). "
        f"CPU ms and × / the same, in this process, over blocks of {IN_PROCESS_BLOCK} requests."
    )
    for name, page in (("dialogue turn", dialogue), ("AEL priority turn", elder)):
        print(
            f"{name}: {page.taken:,} turns taken by the server for {page.answered:,} answers "
            f"received ({page.taken - page.answered} in flight when a slice ended)"
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
