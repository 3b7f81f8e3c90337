"""Load test: simulated citizens and home-care workers against gunicorn on 127.0.0.1.

One command starts everything and cleans up after itself:

    .venv/bin/python scripts/load_test.py                 # 200 users, 60 s, SQLite
    .venv/bin/python scripts/load_test.py --users 50      # fewer users
    .venv/bin/python scripts/load_test.py --postgres postgresql+psycopg://root@127.0.0.1:5432/postgres

It builds a fresh demo database (a temporary SQLite file, or with --postgres a new
database on that server, dropped at the end), adds one citizen per simulated citizen
(a copy of a demo citizen: grant, visits from yesterday on, none recorded) and one
account per simulated worker, starts gunicorn on a free loopback port and runs the
users for the given time (bounded: at most 400 users and 300 s).

- Citizens (half the users) sign in with the demo sign-in and go through the
  dialogue again and again: the swap path to the receipt (a coming visit, a service
  dropped, another added, the confirmation ticked), then the wish path; every fifth
  confirmation is sent twice at the same moment (a double click).
- Workers (the other half) sign in with their password, open the day's list, open
  a visit not yet recorded and record it: the planned help delivered, each wished
  swap accepted (the dropped help marked dropped, the added help done instead) or
  declined with a reason; every fifth record is sent twice at the same moment.

The users arrive (sign in) spread over the first --ramp seconds. Each request waits a
think time (--think seconds on average) after its answer, as a person reading the
page does; --think 0 makes every user a closed loop. Afterwards
the script checks the database against what the clients saw: every receipt
reference exactly once, every saved wish exactly once, every visit the workers saw
recorded stored once with one audit entry, no swap stored twice, no visit booked
past its time frame. It prints requests, failures, latency and the records checked,
and exits non-zero on any server error or failed check.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_USERS = 400
MAX_SECONDS = 300

CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
CHAT_FORM = re.compile(r'<form[^>]*id="chat-form".*?</form>', re.S)
INPUT = re.compile(r"<input\b[^>]*>|<textarea\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
RECEIPT = re.compile(r"referencenummer er (BYT-[0-9A-F]+)")
OPEN_VISIT = re.compile(r'href="/personale/besoeg/(\d+)" class="button button-primary"')
RECORDED_NOW = "Besøget er registreret."
RECORDED_HEADING = "Sådan gik besøget"


# --- The clients -------------------------------------------------------------------------


@dataclass
class Stats:
    think: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    status: Counter = field(default_factory=Counter)
    latency: list = field(default_factory=list)
    post_latency: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    failure_examples: dict = field(default_factory=dict)  # first message of each kind
    receipts: list = field(default_factory=list)  # swap references shown to citizens
    wishes: list = field(default_factory=list)  # wish texts the dialogue said it saved
    recorded: list = field(default_factory=list)  # (visit id, staff username) shown recorded
    uncertain: Counter = field(default_factory=Counter)  # sent, answer lost (timeout)
    doubles: Counter = field(default_factory=Counter)
    journeys: Counter = field(default_factory=Counter)


class Browser:
    """One person's browser: a cookie session, CSRF tokens from the pages, think time."""

    def __init__(self, base: str, stats: Stats, deadline: float) -> None:
        self.base, self.stats, self.deadline = base, stats, deadline
        self.http = requests.Session()
        self.rng = random.Random(secrets.randbits(32))

    def _count(self, response: requests.Response, started: float) -> None:
        took = time.monotonic() - started
        with self.stats.lock:
            self.stats.status[response.status_code] += 1
            self.stats.latency.append(took)
            if response.request.method == "POST":
                self.stats.post_latency.append(took)
            if response.status_code >= 500:
                self.stats.server_errors.append(
                    f"{response.status_code} {response.request.method} {response.url}"
                )

    def pause(self) -> None:
        if self.stats.think > 0:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.stats.think)

    def get(self, path: str) -> requests.Response:
        started = time.monotonic()
        response = self.http.get(self.base + path, allow_redirects=False, timeout=30)
        self._count(response, started)
        self.pause()
        return response

    def post(self, path: str, data: dict, *, pause: bool = True) -> requests.Response:
        started = time.monotonic()
        response = self.http.post(
            self.base + path,
            data=data,
            allow_redirects=False,
            timeout=30,
            headers={"Referer": self.base + "/"},
        )
        self._count(response, started)
        if pause:
            self.pause()
        return response

    def post_twice(self, path: str, data: dict) -> list[requests.Response]:
        """A double click: the same form sent twice at the same moment, same cookies."""
        answers: list = [None, None]
        barrier = threading.Barrier(2)

        def send(i: int) -> None:
            barrier.wait()
            try:
                answers[i] = self.post(path, data, pause=False)
            except requests.RequestException as error:
                answers[i] = error

        twin = threading.Thread(target=send, args=(1,))
        twin.start()
        send(0)
        twin.join()
        self.pause()
        for answer in answers:
            if isinstance(answer, Exception):
                raise answer
        return answers

    def live(self) -> bool:
        return time.monotonic() < self.deadline


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def _run(journey, ramp: float, *args) -> None:
    """Start within the ramp, repeat the journey until the deadline; failures are counted."""
    stats: Stats = args[1]
    time.sleep(random.uniform(0, ramp))
    while time.monotonic() < args[2]:
        try:
            journey(*args)
        except Exception as error:
            with stats.lock:
                stats.failures[type(error).__name__] += 1
                stats.failure_examples.setdefault(type(error).__name__, str(error)[:300])


@dataclass
class Question:
    turn: str
    citizen: str  # the page's citizen: the server refuses an answer meant for another
    radios: list[str]
    boxes: list[tuple[str, int]]  # value, minutes
    text: bool
    confirm: bool


def _question(html: str) -> Question | None:
    form = CHAT_FORM.search(html)
    if form is None:
        return None
    turn, citizen, radios, boxes, text, confirm = "", "", [], [], False, False
    for tag in INPUT.findall(form.group(0)):
        attrs = dict(ATTRIBUTE.findall(tag))
        name, kind = attrs.get("name"), attrs.get("type")
        if tag.startswith("<textarea") and name == "text":
            text = True
        elif name == "turn":
            turn = attrs.get("value", "")
        elif name == "citizen":
            citizen = attrs.get("value", "")
        elif name == "answer" and kind == "radio":
            radios.append(attrs.get("value", ""))
        elif name == "answer" and kind == "checkbox":
            boxes.append((attrs.get("value", ""), int(attrs.get("data-minutes") or 0)))
        elif name == "acknowledged":
            confirm = True
    return Question(turn, citizen, radios, boxes, text, confirm)


def citizen_journey(base: str, stats: Stats, deadline: float, citizen_id: int) -> None:
    """Sign in, then the swap path and the wish path over and over; sign out at the end."""
    me = Browser(base, stats, deadline)
    token = _csrf(me.get("/log-ind/").text)
    signed = me.post("/log-ind/demo", {"person": f"citizen:{citizen_id}", "csrf_token": token})
    if signed.status_code != 302:
        raise RuntimeError(f"demo sign-in answered {signed.status_code}")
    me.get("/borger/")
    confirmations = 0
    while me.live():
        for path in ("swap", "wish"):
            if not me.live():
                break
            done = _dialogue(me, path, double=confirmations % 5 == 0, citizen_id=citizen_id)
            confirmations += 1
            with stats.lock:
                stats.journeys[f"{path} {'done' if done else 'not finished'}"] += 1
    page = me.get("/borger/")
    me.post("/log-ind/log-ud", {"csrf_token": _csrf(page.text)})


def _dialogue(me: Browser, path: str, *, double: bool, citizen_id: int) -> bool:
    """Answer the dialogue's questions along one path; True when it reached its end."""
    page = me.get("/borger/samtale")
    for _step in range(14):
        if not me.live():
            return False
        asked = _question(page.text)
        if asked is None:
            raise RuntimeError("no question on the dialogue page")
        data = {"csrf_token": _csrf(page.text), "turn": asked.turn, "citizen": asked.citizen}
        ending = None
        if asked.confirm:
            data["acknowledged"] = "y"
            ending = "swap"
        elif path in asked.radios:  # a menu: this path
            data["answer"] = path
        elif "visit" in asked.radios and "period" in asked.radios:
            data["answer"] = "visit"
        elif asked.radios:
            data["answer"] = me.rng.choice(asked.radios)
        elif asked.boxes:
            data["answer"] = asked.boxes[0][0]
        elif asked.text:
            data["text"] = f"Ønske {citizen_id}-{secrets.token_hex(6)}: gerne før kl. 9"
            ending = "wish"
        else:
            raise RuntimeError("a dialogue question without an answer to give")
        try:
            if ending and double:
                answers = me.post_twice("/borger/samtale/svar", data)
                with me.stats.lock:
                    me.stats.doubles[f"{ending} sent twice"] += 1
            else:
                answers = [me.post("/borger/samtale/svar", data)]
        except requests.RequestException:
            if ending:
                with me.stats.lock:
                    me.stats.uncertain[ending] += 1
            raise
        if not any(a.status_code == 302 for a in answers):
            # Refused (the visit filled up meanwhile, the rules): start the path again.
            page = me.post(
                "/borger/samtale/forfra",
                {"csrf_token": _csrf(page.text), "turn": asked.turn, "citizen": asked.citizen},
            )
            return False
        page = me.get("/borger/samtale")
        if ending == "swap":
            found = RECEIPT.findall(page.text)
            if not found:
                raise RuntimeError("no receipt after the swap was sent")
            with me.stats.lock:
                me.stats.receipts.append(found[-1])
            return True
        if ending == "wish":
            with me.stats.lock:
                me.stats.wishes.append(data["text"])
            return True
    return False


def worker_journey(base: str, stats: Stats, deadline: float, username: str, password: str) -> None:
    """Sign in, then the day's list, a visit not yet recorded, record it; over and over."""
    me = Browser(base, stats, deadline)
    token = _csrf(me.get("/log-ind/personale").text)
    signed = me.post(
        "/log-ind/personale", {"username": username, "password": password, "csrf_token": token}
    )
    if signed.status_code != 302:
        raise RuntimeError(f"staff sign-in answered {signed.status_code}")
    records = 0
    page = None
    from selvvisitation.domain.dates import local_today

    yesterday = (local_today() - timedelta(days=1)).isoformat()
    # The whole team's visits: the copied citizens' visits are planned for the demo's
    # worker, not for these, and a worker's list shows her own by default.
    while me.live():
        page = me.get("/personale/besoeg?vis=team")
        open_visits = OPEN_VISIT.findall(page.text)
        if not open_visits:  # today's are done: yesterday's not yet recorded
            page = me.get(f"/personale/besoeg?dag={yesterday}&vis=team")
            open_visits = OPEN_VISIT.findall(page.text)
        if not open_visits:
            page = me.get("/personale/uge")
            continue
        visit_id = me.rng.choice(open_visits)
        page = me.get(f"/personale/besoeg/{visit_id}")
        if not me.live() or "app-record-form" not in page.text:
            continue
        records += 1
        _record(me, visit_id, page.text, username, double=records % 5 == 1)
    if page is not None:
        me.post("/log-ind/log-ud", {"csrf_token": _csrf(page.text)})


def _record_data(html: str, accept: bool) -> dict:
    """The record form filled in: planned help delivered, each wished swap answered."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.select_one("form.app-record-form")
    data = {
        "csrf_token": form.select_one('input[name="csrf_token"]')["value"],
        "acknowledged": "y",
        "note": "",
    }
    items = {}  # service name -> item id
    for fieldset in form.select("fieldset"):
        radio = fieldset.select_one('input[type="radio"][name^="outcome_"]')
        if radio is not None:
            item_id = radio["name"].removeprefix("outcome_")
            data[f"outcome_{item_id}"] = "delivered"
            items[fieldset.select_one("legend").get_text(strip=True)] = item_id
    codes = {
        o.get_text(strip=True): o["value"]
        for o in form.select('select[name="instead_service_0"] option')
        if o["value"]
    }
    row = 0
    for swap in form.select(".app-wish-swap"):
        radio = swap.select_one('input[name^="swap_"]')
        if radio is None:
            continue
        swap_id = radio["name"].removeprefix("swap_")
        lines = [li.get_text(" ", strip=True) for li in swap.select(".app-swap-lines li")]
        plan = _accepted_lines(lines, items, codes) if accept else None
        if plan is None or row + len(plan[1]) > 3:
            data[f"swap_{swap_id}"] = "decline"
            data[f"reason_{swap_id}"] = "hygiene"
            continue
        data[f"swap_{swap_id}"] = "accept"
        for item_id in plan[0]:
            data[f"outcome_{item_id}"] = "dropped"
        for code, minutes in plan[1]:
            data[f"instead_service_{row}"] = code
            data[f"instead_minutes_{row}"] = str(minutes)
            row += 1
    return data


def _accepted_lines(lines: list[str], items: dict, codes: dict) -> tuple[list, list] | None:
    """Item ids to mark dropped and (code, minutes) done instead; None when not readable."""
    dropped, instead = [], []
    for line in lines:
        kind, _sep, rest = line.partition(":")
        match = re.match(r"(.+) \((\d+) min", rest.strip())
        if match is None:
            return None
        name, minutes = match.group(1).strip(), int(match.group(2))
        if kind.strip() in ("Drop", "Fravælger"):
            if name not in items:
                return None
            dropped.append(items[name])
        else:
            if name not in codes:
                return None
            instead.append((codes[name], minutes))
    return (dropped, instead) if dropped else None


def _record(me: Browser, visit_id: str, html: str, username: str, *, double: bool) -> None:
    path = f"/personale/besoeg/{visit_id}"
    data = _record_data(html, accept=me.rng.random() < 0.5)
    try:
        if double:
            answers = me.post_twice(path, data)
            with me.stats.lock:
                me.stats.doubles["record sent twice"] += 1
        else:
            answers = [me.post(path, data)]
    except requests.RequestException:
        with me.stats.lock:
            me.stats.uncertain["record"] += 1
        raise
    refused = [a for a in answers if a.status_code == 400]
    if refused and not any(a.status_code == 302 for a in answers):
        # The rules refused the accepted swap (e.g. the time frame): decline instead, on
        # the refused form (of a double submit, the other answer may be a 409 without one).
        answers = [me.post(path, _record_data(refused[0].text, accept=False))]
    if not any(a.status_code == 302 for a in answers):
        return
    page = me.get(path)
    if RECORDED_HEADING in page.text:
        with me.stats.lock:
            me.stats.recorded.append(
                (int(visit_id), username if RECORDED_NOW in page.text and not double else None)
            )


# --- The database: prepare and check ------------------------------------------------------


def _app():
    from selvvisitation import create_app

    return create_app("demo")


def _clone(model, row, **changes):
    """A new row with `row`'s column values (not its id), changed where given."""
    from sqlalchemy import inspect

    values = {c.key: getattr(row, c.key) for c in inspect(model).column_attrs if c.key != "id"}
    values.update(changes)
    return model(**values)


def _prepare(env: dict, citizens: int, workers: int) -> tuple[list[int], list[str], str]:
    """A demo database, a copy of a demo citizen per simulated citizen, worker accounts."""
    flask = [str(BIN / "flask"), "--app", "selvvisitation"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*flask, "seed-demo"], env=env, check=True, capture_output=True)  # noqa: S603
    os.environ.update(env)
    from sqlalchemy import select

    # Imported only now: selvvisitation.config reads the instance dir (and with it the
    # CPR keys the demo database was made with) from the environment set just above.
    from selvvisitation.demo.seed import _fake_cpr
    from selvvisitation.domain.dates import local_today
    from selvvisitation.domain.types import LegalBasis, StaffRole, VisitServiceOutcome
    from selvvisitation.extensions import db
    from selvvisitation.models import (
        Citizen,
        Decision,
        GrantedService,
        StaffUser,
        Visit,
        VisitService,
    )
    from selvvisitation.security import cpr_vault
    from selvvisitation.security.passwords import hash_password

    password = secrets.token_urlsafe(12)
    rng = random.Random(561)
    today = local_today()
    with _app().app_context():
        session = db.session
        # Citizens under Serviceloven, whose dialogue has the swap and the wish paths the
        # journeys take: an Ældreloven citizen's menu has priorities instead, and her
        # decision's granted elements and her visits' elements are not copied here.
        templates = [
            c
            for c in session.scalars(select(Citizen).order_by(Citizen.id))
            if c.current_decision is not None
            and c.current_decision.legal_basis == LegalBasis.SEL
            and session.scalar(select(Visit.id).where(Visit.citizen_id == c.id, Visit.day == today))
        ]
        # CPR numbers are stored encrypted (issue #6): decrypt to avoid reusing one.
        used = {cpr_vault.decrypt(t) for t in session.scalars(select(Citizen.cpr_encrypted))}
        made: list[Citizen] = []
        for n in range(citizens):
            template = templates[n % len(templates)]
            citizen = _clone(
                Citizen,
                template,
                cpr=_fake_cpr(rng, used),
                oidc_subject=None,
                name=f"{template.name} (belastning {n})",
            )
            session.add(citizen)
            grants = {}
            for decision in template.decisions:
                if decision.superseded_at is not None:
                    continue  # history, kept unchanged (models.decision): the load needs none
                copy = _clone(Decision, decision, citizen=citizen)
                session.add(copy)
                for grant in session.scalars(
                    select(GrantedService).where(GrantedService.decision_id == decision.id)
                ):
                    grants[grant.id] = _clone(GrantedService, grant, decision=copy)
                    session.add(grants[grant.id])
            # Yesterday's visits not yet recorded (recorded the day after), today's, the coming.
            visits = session.scalars(
                select(Visit).where(
                    Visit.citizen_id == template.id, Visit.day >= today - timedelta(days=1)
                )
            )
            for visit in visits:
                copy = _clone(
                    Visit,
                    visit,
                    citizen=citizen,
                    external_id=None,
                    recorded_at=None,
                    recorded_by_staff_id=None,
                    note="",
                )
                session.add(copy)
                for item in visit.services:
                    if item.outcome == VisitServiceOutcome.ADDED:
                        continue
                    session.add(
                        _clone(
                            VisitService,
                            item,
                            visit=copy,
                            swap_id=None,
                            granted_service=grants.get(item.granted_service_id),
                            outcome=VisitServiceOutcome.PLANNED,
                            delivered_minutes=None,
                        )
                    )
            made.append(citizen)
        session.flush()
        _wished_swaps(session, made, today)
        model = session.scalars(
            select(StaffUser).where(StaffUser.username == "hjemmehjaelper")
        ).one()
        teams = sorted({c.team_id for c in made if c.team_id})
        password_hash = hash_password(password)
        names = []
        for n in range(workers):
            names.append(f"belastning{n:03d}")
            session.add(
                StaffUser(
                    municipality_id=model.municipality_id,
                    username=names[-1],
                    name=f"Belastning {n}",
                    role=StaffRole.HOME_CARE_WORKER,
                    provider_id=next(
                        c.provider_id for c in made if c.team_id == teams[n % len(teams)]
                    ),
                    team_id=teams[n % len(teams)],
                    password_hash=password_hash,
                    session_nonce=secrets.token_hex(8),
                )
            )
        session.commit()
        ids = [c.id for c in made]
        db.engine.dispose()
    return ids, names, password


def _wished_swaps(session, citizens, today: date) -> None:
    """Every third visit today has a swap the citizen asked for before (book_swap)."""
    from sqlalchemy import select

    from selvvisitation.domain.types import ActorKind
    from selvvisitation.models import Service, Visit
    from selvvisitation.security.locking import lock_for_write
    from selvvisitation.services.bookings import Line, book_swap

    ids = [c.id for c in citizens]
    session.commit()
    lock_for_write(session)
    visits = session.scalars(
        select(Visit).where(Visit.citizen_id.in_(ids), Visit.day == today).order_by(Visit.id)
    ).all()
    for n, visit in enumerate(visits):
        item = next(
            (
                i
                for i in visit.services
                if i.service is not None and i.service.swappable and i.planned_minutes > 0
            ),
            None,
        )
        if n % 3 or item is None:
            continue
        instead = session.scalars(
            select(Service)
            .where(
                Service.municipality_id == item.service.municipality_id,
                Service.category == item.service.category,
                Service.swappable.is_(True),
                Service.within_service_level.is_(True),
                Service.id != item.service_id,
            )
            .order_by(Service.id)
        ).first()
        if instead is None:
            continue
        book_swap(
            session,
            visit_id=visit.id,
            citizen_id=visit.citizen_id,
            drop=[Line(minutes=item.planned_minutes, service_id=item.service_id)],
            add=[Line(minutes=item.planned_minutes, service_id=instead.id)],
            created_by_kind=ActorKind.CITIZEN,
        )
    session.commit()


def _check(citizen_ids: list[int], stats: Stats) -> tuple[list[str], dict[str, int]]:
    """Compare the database with what the clients saw; returns problems and figures."""
    from sqlalchemy import func, select

    from selvvisitation.domain.types import VisitServiceOutcome
    from selvvisitation.extensions import db
    from selvvisitation.models import AuditEntry, StaffUser, SwapRequest, Visit, VisitService, Wish
    from selvvisitation.services.bookings import booked_minutes

    problems: list[str] = []
    with _app().app_context():
        s = db.session
        references = Counter(
            s.scalars(
                select(SwapRequest.reference).where(
                    SwapRequest.citizen_id.in_(citizen_ids),
                    SwapRequest.submission_token.is_not(None),
                )
            )
        )
        for reference in stats.receipts:
            if references[reference] != 1:
                problems.append(f"receipt {reference} stored {references[reference]} times")
        if len(stats.receipts) != len(set(stats.receipts)):
            problems.append("the same receipt reference was shown for two swaps")
        unseen = sum(references.values()) - len(set(stats.receipts))
        if not 0 <= unseen <= stats.uncertain["swap"]:
            problems.append(
                f"{unseen} swaps stored without a receipt "
                f"({stats.uncertain['swap']} answers lost to timeouts)"
            )
        texts = Counter(
            s.scalars(
                select(Wish.text).where(Wish.citizen_id.in_(citizen_ids), Wish.text.like("Ønske %"))
            )
        )
        for text in stats.wishes:
            if texts[text] != 1:
                problems.append(f"wish {text!r} stored {texts[text]} times")
        unseen_wishes = sum(texts.values()) - len(stats.wishes)
        if not 0 <= unseen_wishes <= stats.uncertain["wish"]:
            problems.append(f"{unseen_wishes} wishes stored unseen or missing")
        staff = dict(s.execute(select(StaffUser.username, StaffUser.id)).all())
        updates = Counter(
            s.scalars(
                select(AuditEntry.object_id).where(
                    AuditEntry.action == "update", AuditEntry.object_type == "visit"
                )
            )
        )
        recorded = {visit_id for visit_id, _who in stats.recorded}
        for visit_id, username in stats.recorded:
            visit = s.get(Visit, visit_id)
            if visit is None or visit.recorded_at is None:
                problems.append(f"visit {visit_id} shown recorded, not stored")
            elif username is not None and visit.recorded_by_staff_id != staff[username]:
                problems.append(f"visit {visit_id} recorded by someone else than {username}")
        for visit_id, count in updates.items():
            if count != 1:
                problems.append(f"visit {visit_id} recorded {count} times")
        load_staff = [i for name, i in staff.items() if name.startswith("belastning")]
        stored = s.scalar(
            select(func.count(Visit.id)).where(Visit.recorded_by_staff_id.in_(load_staff))
        )
        if not len(recorded) <= stored <= len(recorded) + stats.uncertain["record"]:
            problems.append(f"{stored} visits stored recorded, clients saw {len(recorded)}")
        doubled = s.execute(
            select(VisitService.visit_id, VisitService.service_id, func.count())
            .where(VisitService.outcome == VisitServiceOutcome.ADDED)
            .group_by(VisitService.visit_id, VisitService.service_id, VisitService.swap_id)
            .having(func.count() > 1)
        ).all()
        problems += [f"visit {v}: help done instead stored twice" for v, *_ in doubled]
        visits = s.scalars(select(Visit).where(Visit.citizen_id.in_(citizen_ids))).all()
        for visit in visits:
            if booked_minutes(s, visit.id) > visit.time_frame_minutes:
                problems.append(f"visit {visit.id} booked past its time frame")
        figures = {
            "swaps": sum(references.values()),
            "wishes": sum(texts.values()),
            "visits recorded": stored,
            "visits checked against the frame": len(visits),
        }
        db.engine.dispose()
    return problems, figures


# --- Running it ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str) -> tuple[str, callable]:
    """A new database on the given PostgreSQL server; returns its URL and a drop function."""
    from sqlalchemy import create_engine, text

    name = f"sv_load_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(url)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else 0


def _serve_and_run(args, env, tmp, citizens, usernames, password, seconds):
    """Start gunicorn, run the users until the deadline, stop gunicorn; read its log."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp / "gunicorn.log").open("w") as server_log:
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--timeout",
                "60",
                "--keep-alive",
                str(args.keep_alive),
                "--log-level",
                "warning",
                'selvvisitation:create_app("demo", serving=True)',
            ],
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(150):
                try:
                    if requests.get(base + "/sundhed", timeout=5).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            stats = Stats(think=max(args.think, 0.0))
            deadline = time.monotonic() + seconds
            ramp = min(args.ramp, seconds / 2)
            threads = [
                threading.Thread(
                    target=_run, args=(citizen_journey, ramp, base, stats, deadline, c)
                )
                for c in citizens
            ] + [
                threading.Thread(
                    target=_run, args=(worker_journey, ramp, base, stats, deadline, name, password)
                )
                for name in usernames
            ]
            random.shuffle(threads)
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
    log = (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
    # Worker timeouts, crashes and tracebacks (not the libraries' deprecation warnings).
    # The line naming the exception ends each traceback: count those, with the failing request.
    trouble: Counter = Counter()
    request_line = ""
    for n, line in enumerate(log):
        if re.search(r"\[(ERROR|CRITICAL)\]|\] (ERROR|CRITICAL) in |WORKER TIMEOUT", line):
            request_line = re.sub(r"^\[[^]]*\] ", "", line)
            if "Exception on" not in line:  # a worker timeout or crash, no traceback follows
                trouble[request_line] += 1
        elif line.startswith("Traceback"):
            end = next((x for x in log[n + 1 :] if x and not x.startswith((" ", "Traceback"))), "")
            trouble[f"{request_line} -> {end[:200]}"] += 1
    return stats, elapsed, ramp, trouble


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="average seconds a user reads a page before the next request",
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the users arrive (sign in)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per gunicorn worker (default: gunicorn.conf.py's for the database, "
        "config.worker_threads: 1 on SQLite, 4 on PostgreSQL)",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=75,
        help="seconds gunicorn keeps an idle connection open (gunicorn.conf.py: "
        "75; gunicorn's own default, 2, loses requests to the race)",
    )
    parser.add_argument(
        "--postgres",
        default="",
        metavar="URL",
        help="a PostgreSQL server URL: a new database there, dropped afterwards",
    )
    args = parser.parse_args()
    users = min(max(args.users, 2), MAX_USERS)
    seconds = min(max(args.seconds, 5), MAX_SECONDS)
    tmp = Path(tempfile.mkdtemp(prefix="selvvisitation-load-"))
    drop_database = None
    try:
        url = f"sqlite:///{tmp / 'load.db'}"
        if args.postgres:
            url, drop_database = _postgres_database(args.postgres)
        env = dict(os.environ)
        env.update(
            SELVVISITATION_CONFIG="demo",
            SELVVISITATION_INSTANCE_DIR=str(tmp),
            DATABASE_URL=url,
            SECRET_KEY=secrets.token_hex(32),
            SESSION_COOKIE_SECURE="0",
        )
        workers = users // 2
        citizens, usernames, password = _prepare(env, users - workers, workers)
        if args.threads is None:  # as gunicorn.conf.py chooses, so the figure names it
            # Imported once _prepare has set the environment: config reads it on import.
            from selvvisitation.config import worker_threads

            args.threads = worker_threads(url)
        stats, elapsed, ramp, server_trouble = _serve_and_run(
            args, env, tmp, citizens, usernames, password, seconds
        )
        problems, figures = _check(citizens, stats)
    finally:
        if drop_database is not None:
            drop_database()
        for path in sorted(tmp.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        tmp.rmdir()

    total = sum(stats.status.values())
    server_errors = sum(n for code, n in stats.status.items() if code >= 500)
    print(
        f"database {'PostgreSQL' if args.postgres else 'SQLite'}; users {users} "
        f"({len(usernames)} workers, {len(citizens)} citizens), think {stats.think:g} s, "
        f"ramp {ramp:g} s, gunicorn {args.workers}x{args.threads}, {elapsed:.0f} s"
    )
    print(
        f"requests {total} ({total / elapsed:.1f}/s), status {dict(sorted(stats.status.items()))}"
    )
    print(
        f"failures: server errors {server_errors}, client timeouts/errors "
        f"{dict(stats.failures) or 0}"
    )
    for kind, example in sorted(stats.failure_examples.items()):
        print(f"  first {kind}: {example}")
    for name, values in (("all", stats.latency), ("POST", stats.post_latency)):
        if values:
            print(
                f"latency {name}: median {statistics.median(values) * 1000:.0f} ms, "
                f"p95 {_percentile(values, 0.95):.0f} ms, max {max(values) * 1000:.0f} ms"
            )
    print(
        f"journeys {dict(sorted(stats.journeys.items()))}; double submits "
        f"{dict(stats.doubles)}; answers lost {dict(stats.uncertain) or 0}"
    )
    print(
        f"records checked: receipts {len(stats.receipts)}, wishes {len(stats.wishes)}, "
        f"visits shown recorded {len({v for v, _ in stats.recorded})}; stored {figures}"
    )
    print(f"server log: {sum(server_trouble.values())} errors or tracebacks")
    for line, count in server_trouble.most_common(10):
        print(f"   {count} x {line}")
    for line in stats.server_errors[:10] + problems[:20]:
        print("  ", line)
    ok = server_errors == 0 and not problems and not server_trouble
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
