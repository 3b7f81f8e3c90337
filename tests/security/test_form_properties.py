"""Every form, filled in field by field from its own HTML: no 500, no partial write, Danish errors.

Issue 6 "Bad input": "Every form and the JSON import get property-based tests
(hypothesis): no input produces a 500 or a partial write; each gets a clear message"
(the JSON import's are in tests/services/test_interchange_properties.py).

test_bad_input posts random values under random field names, so most examples stop
at the first validator. Here every POST route in app.url_map is walked as a role it
admits: its page is fetched, the form that posts to it is read, and each field gets
a value that fits what the HTML says it is (a date, a number between min and max,
one of the offered choices, the page's hidden value, text); optional fields are
mostly left as shown, and up to three fields get a wrong value (tampered, malformed,
too long, control characters). Every field is sent with the CSRF token, so most
submissions are complete and reach the services and the database. For each request:

- never a 5xx;
- refused (4xx, or a form shown again with errors): no table changed but those in
  MAY_CHANGE_ON_REFUSAL (and MAY_ALSO_CHANGE for one route), and the form shows the
  error summary with at least one message, each one from the Danish catalogue (never
  a WTForms default in English);
- whatever happened, no visit is booked past its time frame (rule 4, seed 004 § 1.3).

Each example starts from the same world (tests/security/world.py), restored from a
snapshot, so a failure replays while Hypothesis shrinks it. An example is up to three
submissions in a row, each from the page as it is then: a double submit, the next
question of the citizen's conversation, or the confirm page a preview shows.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import pytest
import wtforms
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from selvvisitation import create_app
from selvvisitation.config import PROJECT_ROOT
from selvvisitation.domain.dates import local_today
from selvvisitation.extensions import db
from selvvisitation.security.access import rules_for_endpoint
from selvvisitation.services.bookings import booked_minutes
from tests.clock import MONDAY
from tests.security.test_route_roles import _url
from tests.security.walk import (
    MAY_CHANGE_ON_REFUSAL,
    Rows,
    changed_tables,
    first_admitted,
    post_routes,
    restore,
    table_rows,
)
from tests.security.world import World, build_world

pytestmark = pytest.mark.today(MONDAY)

# --- The world each example starts from ------------------------------------------------


def _today_visit(world: World) -> None:
    """A visit is recorded on its day or after (staff/record.py): the own visit is today."""
    from selvvisitation.models import Visit

    db.session.get(Visit, world.own.visit.id).day = local_today()


def _ordinary_visit_today(world: World) -> None:
    """The one-tap "Som planlagt" is offered for a visit of today with no wished swap
    to answer (issue 12): the own visit is today, its swap withdrawn."""
    from selvvisitation.domain.types import SwapStatus
    from selvvisitation.models import SwapRequest

    _today_visit(world)
    db.session.get(SwapRequest, world.own.swap.id).status = SwapStatus.WITHDRAWN


def _booked_reassessment(world: World) -> None:
    """Moving, cancelling and the follow-up forms need a booked reassessment visit."""
    from selvvisitation.models import Case, StaffUser
    from selvvisitation.services.case_actions import book_visit

    case = db.session.get(Case, world.own.case.id)
    visitator = db.session.get(StaffUser, world.people["visitator"].id)
    tomorrow = datetime.combine(local_today() + timedelta(days=1), time(9), tzinfo=UTC)
    book_visit(db.session, case, visitator, visitator=visitator, starts_at=tomorrow, note="")


def _deactivated_user(world: World) -> None:
    """Reactivation is offered for a deactivated user only."""
    from selvvisitation.models import StaffUser
    from selvvisitation.services.admin import deactivate

    deactivate(db.session.get(StaffUser, world.own.staff.id))


def _replacement_candidate(world: World) -> None:
    """A sampled citizen can be replaced by another in the same stratum (seed 005)."""
    from selvvisitation.models import SupervisionSample

    sample = db.session.get(SupervisionSample, world.own.supervision["sample"].id)
    stratum = dict(sample.strata[0])
    stratum["citizen_ids"] = [world.own.citizen.id, world.other_team.citizen.id]
    sample.strata, sample.population = [stratum], 2


def _enrolled(staff_id: int) -> None:
    """The user has enrolled an authenticator app (auth/second_factor.py)."""
    from selvvisitation.auth import second_factor
    from selvvisitation.models import StaffUser

    staff = db.session.get(StaffUser, staff_id)
    second_factor.start_enrolment(staff)
    second_factor.confirm_enrolment(db.session, staff)


def _ael_citizen(world: World) -> None:
    """Issue 11: changing a forløb needs a forløb catalogue and a decision under Ældreloven."""
    from selvvisitation.domain import fsiii_elderly
    from selvvisitation.domain.types import LegalBasis
    from selvvisitation.models import CareProgramme, CareProgrammeElement, Decision

    decision = db.session.get(Decision, world.own.decision.id)
    programme = CareProgramme(
        municipality_id=decision.citizen.municipality_id,
        code="PLEJE",
        name_da="Pleje og omsorg",
        name_en="Care and support",
        elements=[
            CareProgrammeElement(
                fsiii_code=fsiii_elderly.PERSONAL_CARE,
                name_da="Personlig hjælp og pleje",
                name_en="Personal help and care",
                position=1,
            )
        ],
    )
    db.session.add(programme)
    db.session.flush()
    decision.legal_basis = LegalBasis.AEL
    decision.care_programme_id = programme.id


def _calendar_link(world: World) -> None:
    """Issue 14: a link is revoked from the calendar page, which lists the reader's links."""
    from selvvisitation.models import CalendarFeed

    db.session.add(CalendarFeed(citizen_id=world.own.citizen.id, token_hash="0" * 64))


def _move_request(world: World) -> None:
    """Issue 14: the team answers a move request only while one is open."""
    from selvvisitation.domain.types import ActorKind
    from selvvisitation.models import MoveRequest

    db.session.add(
        MoveRequest(
            reference="FLY-WORLD",
            visit_id=world.own.visit.id,
            citizen_id=world.own.citizen.id,
            wish="Om eftermiddagen",
            created_by_kind=ActorKind.CITIZEN,
        )
    )


def _one_step_in(world: World) -> None:
    """Issue 12 item 10: "Gå et trin tilbage" is offered only after the first step."""
    from selvvisitation.models import Conversation

    db.session.add(
        Conversation(
            citizen_id=world.own.citizen.id,
            step="swap_when",
            state={
                "data": {},
                "stack": [{"step": "menu", "data": {}, "given": {"choice": "swap", "choices": []}}],
            },
            turn=1,
        )
    )


# Routes whose form the world does not offer as built: the state that offers it.
SETUP: dict[str, Callable[[World], None]] = {
    "staff.save_visit": _today_visit,
    "staff.record_visit_as_planned": _ordinary_visit_today,
    "visitation.cancel_assessment_visit": _booked_reassessment,
    "visitation.move_assessment_visit": _booked_reassessment,
    "visitation.follow_up": _booked_reassessment,
    "admin.reactivate_user": _deactivated_user,
    "supervision.replace": _replacement_candidate,
    "admin.reset_second_factor": lambda world: _enrolled(world.own.staff.id),
    "auth.second_factor_page": lambda world: _enrolled(world.people["visitator"].id),
    "visitation.grant_forlob": _ael_citizen,
    "citizen.revoke_calendar_link": _calendar_link,
    "staff.answer_move_request": _move_request,
    "citizen.conversation_back": _one_step_in,
    # Issue 13: "Ring mig op" beside "Start forfra" on every step but the menu's.
    "citizen.conversation_call_back": _one_step_in,
}

# Public routes that only someone half-way through signing in gets a form from.
ACTOR_FOR = {
    "auth.enrol": "pending_visitator",
    "auth.second_factor_page": "pending_visitator",
    # The world's message thread is the visitation's (world.py): its party answers it.
    "staff.staff_reply": "visitator",
    "staff.hand_over_thread": "visitator",
}


# Columns a refused submission to one route may still change, beyond MAY_CHANGE_ON_REFUSAL.
MAY_ALSO_CHANGE: dict[str, dict[str, set[str]]] = {
    # A wrong password counts against the account, which is paused after five
    # (services/staff_sign_in.py, "After 5 wrong tries, sign-in is paused for 15 minutes").
    "auth.staff_login": {"staff_user": {"failed_logins", "locked_until"}},
    # A wrong code counts the same way; the enrolment page keeps the secret it showed.
    "auth.second_factor_page": {"staff_user": {"failed_logins", "locked_until"}},
    "auth.enrol": {"staff_user": {"failed_logins", "locked_until", "totp_secret_encrypted"}},
}


class Walk:
    def __init__(self, world: World, urls: dict[str, str], rows: Rows) -> None:
        self.world = world
        self.urls = urls  # endpoint -> URL built from the own citizen's holdings
        self.rows = rows  # the world as built
        self.pages: dict[str, str] = {}  # POST endpoint -> URL of the page with its form

    def __repr__(self) -> str:  # Hypothesis prints a failing example's arguments
        return "Walk(the world of tests/security/world.py)"


@pytest.fixture(scope="module")
def built() -> dict[str, Walk]:
    return {}


@pytest.fixture
def walk(app, factories, built) -> Walk:
    """The world, built once for this module; the database is restored before each example."""
    if "walk" not in built:
        world = build_world(factories)
        urls = {
            rule.endpoint: _url(rule, world.own)[0]
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
        }
        rows = table_rows()
        # Load every object, then let go of them: the actors sign in from their ids
        # and nonces in later tests, after the session they were made in is gone.
        for thing in list(db.session.identity_map.values()):
            db.session.refresh(thing)
        db.session.expunge_all()
        built["walk"] = Walk(world=world, urls=urls, rows=rows)
    return built["walk"]


# --- Reading a form --------------------------------------------------------------------

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DANISH_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


@dataclass(frozen=True)
class Control:
    """One name in a form, with what its HTML says it takes."""

    name: str
    kind: str  # date, clock, number, choice, multi, checkbox, hidden, text, button, csrf
    value: str = ""
    options: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    danish_date: bool = False
    required: bool = True  # WTForms marks a field with a Required validator `required`


def _hint(soup: BeautifulSoup, tag: Tag) -> str:
    ids = (tag.get("aria-describedby") or "").split()
    return " ".join(soup.find(id=i).get_text(" ") for i in ids if soup.find(id=i) is not None)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.lstrip("-").isdigit() else None


def _text_like(soup: BeautifulSoup, tag: Tag, value: str) -> Control:
    name, kind = tag["name"], tag.get("type", "text")
    looks = f"{value} {_hint(soup, tag)}"
    low, high = _int(tag.get("min")), _int(tag.get("max"))
    if kind == "date" or ISO_DATE.search(looks):
        return Control(name, "date", value)
    if DANISH_DATE.search(looks):
        return Control(name, "date", value, danish_date=True)
    if kind == "time" or CLOCK.search(looks):
        return Control(name, "clock", value)
    if kind == "number" or tag.get("inputmode") == "numeric" or low is not None:
        return Control(name, "number", value, low=low, high=high)
    return Control(name, "text", value)


def read_form(soup: BeautifulSoup, form: Tag) -> list[Control]:
    """The form's controls, one per name (radios, checkboxes and buttons grouped)."""
    groups: dict[str, list[Tag]] = {}
    for tag in form.find_all(["input", "select", "textarea", "button"]):
        if tag.get("name") and not tag.has_attr("disabled"):
            groups.setdefault(tag["name"], []).append(tag)
    controls = []
    for name, tags in groups.items():
        first, kind = tags[0], tags[0].get("type", "text")
        values = tuple(t.get("value", "on") for t in tags)
        required = any(t.has_attr("required") for t in tags)
        if name == "csrf_token":
            controls.append(Control(name, "csrf", first.get("value", "")))
        elif first.name == "button" or kind == "submit":
            # A submit button without a name sends nothing: one more way to press.
            presses = [
                *form.find_all("input", type="submit"),
                *(b for b in form.find_all("button") if b.get("type", "submit") == "submit"),
            ]
            unnamed = any(not b.get("name") for b in presses)
            controls.append(Control(name, "button", options=values + (("",) if unnamed else ())))
        elif kind == "radio":
            checked = next((t.get("value", "on") for t in tags if t.has_attr("checked")), "")
            controls.append(Control(name, "choice", checked, options=values))
        elif kind == "checkbox":
            checked = [t.get("value", "on") for t in tags if t.has_attr("checked")]
            controls.append(
                Control(
                    name,
                    "multi" if len(tags) > 1 else "checkbox",
                    " ".join(checked),
                    options=values,
                )
            )
        elif first.name == "select":
            options = tuple(o.get("value", o.get_text()) for o in first.find_all("option"))
            chosen = first.find("option", selected=True)
            current = chosen.get("value", chosen.get_text()) if chosen else ""
            kind = "multi" if first.has_attr("multiple") else "choice"
            controls.append(Control(name, kind, current, options=options))
        elif kind == "hidden":  # a page may repeat a name (a confirm page's copied form)
            controls.append(Control(name, "hidden", first.get("value", ""), options=values))
        elif first.name == "textarea":
            controls.append(Control(name, "text", first.get_text().strip("\r\n")))
        else:
            controls.append(_text_like(soup, first, first.get("value", "")))
        controls[-1] = replace(controls[-1], required=required)
    return controls


def forms_posting_to(html: str, url: str) -> tuple[BeautifulSoup, list[Tag]]:
    soup = BeautifulSoup(html, "html.parser")
    path = urlparse(url).path
    return soup, [
        form
        for form in soup.find_all("form")
        if (form.get("method") or "").lower() == "post"
        and urlparse(form.get("action") or url).path == path
    ]


# --- Values for each kind of field -----------------------------------------------------

TAMPERED = st.one_of(
    st.sampled_from(
        ["", " ", "0", "-1", "abc", "1 OR 1=1", "99999999999999999999", "2147483648", "²", "٣"]
    ),  # digits to str.isdigit(), but int() takes only the second
    st.integers(min_value=1, max_value=40).map(str),  # ids of other objects in the world
    st.text(max_size=12),
)

REALISTIC = st.sampled_from([
    "Hjælp til bad om morgenen", "Gerne før kl. 9", "Anna Jensen", "Team Nord", "bruger7",
    "korrekt-hest-batteri-9", "70 10 20 30", "Borgeren var glad for besøget.", "SRV-9",
    "Rengøring", "Leder og to medarbejdere", "Faldet i badeværelset i går",
])  # fmt: skip

CONTROL_CHARACTERS = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=4
)

ODD_TEXT = st.one_of(
    st.just(""),
    st.sampled_from([" ", "\r\n", "\t"]),
    st.sampled_from(["a", "æ", "😀", "ẞ"]).map(lambda c: c * 4001),  # past every max length
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),  # any unicode at all
    st.tuples(REALISTIC, CONTROL_CHARACTERS).map("".join),
)

BAD_DATES = st.sampled_from([
    "", "2026-02-30", "31.2.2026", "i morgen", "0000-00-00", "9999-12-31", "0001-01-01",
    "1.1.1", "14/3/2026", "99999-01-01", "2026-1-1", " 14.3.2026 ",
])  # fmt: skip

BAD_CLOCKS = st.sampled_from(["", "24:00", "7.30", "25:61", "10:30:00", "10", "1030", "-1:00"])


def _date(control: Control) -> st.SearchStrategy[str]:
    """Dates around today: past, today, soon and decades ahead, written as the field shows."""
    offsets = st.one_of(
        st.integers(min_value=-400, max_value=-1),
        st.just(0),
        st.integers(min_value=1, max_value=60),
        st.integers(min_value=365 * 5, max_value=365 * 80),
    )
    days = offsets.map(lambda n: local_today() + timedelta(days=n))
    if control.danish_date:
        return days.map(lambda d: f"{d.day}.{d.month}.{d.year}")
    return days.map(date.isoformat)


def _fitting(control: Control) -> st.SearchStrategy[str]:
    """A value that fits what the HTML asks for (the rules behind it may still refuse it)."""
    if control.kind == "date":
        return _date(control)
    if control.kind == "clock":
        return st.builds(time, st.integers(0, 23), st.integers(0, 59)).map(
            lambda t: t.strftime("%H:%M")
        )
    if control.kind == "number":
        low = control.low if control.low is not None else 0
        high = control.high if control.high is not None else low + 1000
        return st.integers(min_value=low, max_value=high).map(str)
    if control.kind == "choice":
        offered = [o for o in control.options if o] or [""]  # not the "Choose …" option
        return st.sampled_from(offered)
    if control.kind == "text":
        words = st.text(
            alphabet=st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=30
        )
        return st.one_of(REALISTIC, words, *([st.just(control.value)] if control.value else []))
    return st.just(control.value)  # hidden and csrf: the page's own value


def _wrong(control: Control) -> st.SearchStrategy[str]:
    """A value the HTML does not offer or allow: tampered, malformed, too long, odd."""
    if control.kind == "date":
        return BAD_DATES
    if control.kind == "clock":
        return BAD_CLOCKS
    if control.kind == "number":
        low = control.low if control.low is not None else 0
        high = control.high if control.high is not None else low + 1000
        edges = [low - 1, high + 1, -(2**31), 2**31, 2**63, 10**20]
        return st.one_of(
            st.sampled_from(edges).map(str),
            st.sampled_from(["", " 7 ", "1.5", "1e3", "٣", "12a", "+5", "0x10"]),
        )
    if control.kind == "text":
        return ODD_TEXT
    return TAMPERED


def values(control: Control, wrong: bool, as_shown: bool) -> st.SearchStrategy[list[str]]:
    """What a browser would send under the control's name (an empty list sends nothing).

    `as_shown`: the field left as the page shows it (empty, or the value it came with).
    """
    if control.kind == "button":
        return st.sampled_from(control.options).map(lambda value: [value] if value else [])
    if control.kind == "hidden" and not wrong:
        return st.just(list(control.options))
    if as_shown and not wrong:
        if control.kind in ("checkbox", "multi"):
            return st.just(control.value.split())
        return st.just([control.value])
    if control.kind == "checkbox":
        return (
            st.lists(TAMPERED, min_size=1, max_size=1)
            if wrong
            else st.sampled_from([[], list(control.options)])
        )
    if control.kind == "multi":  # several boxes, or a multiple select
        pick = (
            st.one_of(st.sampled_from(control.options), TAMPERED)
            if wrong
            else (st.sampled_from(control.options))
        )
        return st.lists(pick, max_size=4, unique=True)
    return (_wrong(control) if wrong else _fitting(control)).map(lambda value: [value])


def may_go_wrong(control: Control) -> bool:
    return control.kind not in ("csrf", "button")


def is_optional(control: Control) -> bool:
    """A field the user may leave empty (the page's hidden values are not the user's)."""
    return not control.required and control.kind not in ("csrf", "button", "hidden")


# --- What a refusal must look like ---------------------------------------------------


def _pattern(message: str) -> re.Pattern[str]:
    """A catalogue text as a regular expression; each placeholder stands for any text."""
    parts = re.split(r"%\(\w+\)[sdif]|%[sd]", message.replace("%%", "%"))
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


@cache
def danish_messages() -> list[re.Pattern[str]]:
    """The Danish catalogue's texts with some words of their own (not just "%(a)s: %(b)s")."""
    path = PROJECT_ROOT / "translations" / "da" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    texts = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [
            s
            for s in strings
            if s and len(re.findall(r"[^\W\d_]", re.sub(r"%\(\w+\)[sdif]", "", s))) >= 4
        ]
    return [_pattern(s) for s in texts]


def _danish(text: str) -> bool:
    return any(p.fullmatch(text) for p in danish_messages())


@cache
def wtforms_defaults() -> list[re.Pattern[str]]:
    """WTForms' own English messages: it has no Danish catalogue, so they would show."""
    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as pot:
        catalogue = read_po(pot)
    texts = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts += [i for i in ids if i]
    return [_pattern(i) for i in texts]


def message_problems(message: str) -> list[str]:
    if not message:
        return ["an empty error message"]
    if any(p.fullmatch(message) for p in wtforms_defaults()):
        return [f"WTForms' English default message {message!r}"]
    # A message may be put together from catalogue texts: "Ydelseslinje 2: Vælg …".
    parts = message.split(": ")
    if not (
        _danish(message)
        or all(_danish(part) or _danish(re.sub(r"\s*\d+$", "", part)) for part in parts)
    ):
        return [f"a message not in the Danish catalogue: {message!r}"]
    return []


def _names(soup: BeautifulSoup, form: Tag) -> set[str]:
    return {c.name for c in read_form(soup, form) if c.kind not in ("csrf", "button")}


def refusal_problems(answer: BeautifulSoup, url: str, sent: set[str]) -> list[str]:
    """A refused form comes back with the error summary; a refused request, a plain page."""
    summary = answer.find(attrs={"data-module": "error-summary"})
    if summary is None:
        again = [f for f in forms_posting_to(str(answer), url)[1] if _names(answer, f) == sent]
        if again and sent:
            return ["the form came back refused without an error summary"]
        # Not the form again: an error page (e.g. a tampered id). It must say something.
        heading = answer.find("h1")
        return message_problems(heading.get_text(" ", strip=True) if heading else "")
    messages = [li.get_text(" ", strip=True) for li in summary.find_all("li")]
    if not messages:
        return ["an error summary without a message"]
    return [problem for message in messages for problem in message_problems(message)]


# --- What must always hold ----------------------------------------------------------


def frame_problems() -> list[str]:
    """Rule 4 (seed 004 § 1.3): the booked minutes stay within the visit's time frame."""
    from selvvisitation.models import Visit

    db.session.rollback()
    return [
        f"visit {visit.id} booked {booked_minutes(db.session, visit.id)} minutes "
        f"in a {visit.time_frame_minutes}-minute frame"
        for visit in db.session.scalars(select(Visit))
        if booked_minutes(db.session, visit.id) > visit.time_frame_minutes
    ]


# --- The walk ----------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "endpoint" in metafunc.fixturenames:
        endpoints = [rule.endpoint for rule in post_routes(create_app("test"))]
        metafunc.parametrize("endpoint", endpoints)


def _some(names: Iterable[str]) -> st.SearchStrategy[set[str]]:
    """Up to three of the names."""
    names = sorted(names)
    return st.sets(st.sampled_from(names), max_size=3) if names else st.just(set())


def _find_page(app, walk: Walk, client, endpoint: str, url: str) -> str | None:
    """The page with the form that posts to `url`: its own, else one of the actor's pages."""
    own_blueprint = endpoint.split(".")[0]
    candidates = sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())),
        key=lambda rule: (rule.endpoint.split(".")[0] != own_blueprint, rule.endpoint),
    )
    for page in [
        url,
        *(
            walk.urls[rule.endpoint]
            for rule in candidates
            if rule.endpoint in walk.urls and rule.endpoint != "static"
        ),
    ]:
        response = _request(app, client, page)
        if (
            response.status_code == 200
            and response.mimetype == "text/html"  # not a file such as /favicon.ico
            and forms_posting_to(response.get_data(as_text=True), url)[1]
        ):
            return page
    return None


def _start(walk: Walk, endpoint: str) -> None:
    restore(walk.rows)
    if endpoint in SETUP:
        SETUP[endpoint](walk.world)
        db.session.commit()


def _request(app, client, url: str, form: list[tuple[str, str]] | None = None):
    """One request in an application context of its own, as in production: its own `g`
    (Flask-WTF keeps the CSRF token there) and its own database session."""
    with app.app_context():
        if form is None:
            return client.get(url)
        try:
            return client.post(url, data=MultiDict(form))
        except Exception:
            raise AssertionError(f"500: {traceback.format_exc(limit=-6)}") from None


@settings(
    max_examples=6,  # the whole file in about a minute on a busy 2-core machine
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_form_takes_any_submission_without_a_500_or_a_partial_write(
    app, walk, endpoint, data
) -> None:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    actor = ACTOR_FOR.get(endpoint) or first_admitted(
        rules_for_endpoint(app, endpoint) or frozenset()
    )
    assert actor is not None, f"{endpoint} admits no one"
    url = walk.urls[endpoint]
    _start(walk, endpoint)
    client = app.test_client()
    walk.world.actors[actor](client)
    if endpoint not in walk.pages:
        page = _find_page(app, walk, client, endpoint, url)
        assert page is not None, (
            f"no page offers {actor} a form posting to {endpoint} ({rule.rule}); "
            "if it needs a state the world lacks, add it to SETUP"
        )
        walk.pages[endpoint] = page
    shown = None  # a page the last answer showed with the form on it (e.g. "confirm")
    for step in range(data.draw(st.integers(min_value=1, max_value=3), label="submissions")):
        if shown is None:
            response = _request(app, client, walk.pages[endpoint])
            if response.status_code != 200:
                assert step > 0, f"GET {walk.pages[endpoint]} as {actor}: {response.status_code}"
                break  # e.g. signed out by the step before
            shown = response.get_data(as_text=True)
        soup, forms = forms_posting_to(shown, url)
        if not forms:
            assert step > 0, f"{walk.pages[endpoint]} no longer offers the form"
            break  # e.g. the case was closed by the step before
        form = forms[data.draw(st.integers(0, len(forms) - 1), label="form")]
        controls = read_form(soup, form)
        # Mostly a complete, fitting submission: the required fields and up to three
        # optional ones filled in, the others left as shown (fields that go together,
        # like a row of the visit record, stay as they were); up to three fields wrong.
        wrong = data.draw(
            _some(c.name for c in controls if may_go_wrong(c)), label="filled in wrongly"
        )
        filled = data.draw(
            _some(c.name for c in controls if is_optional(c)), label="optional fields filled in"
        )
        fields = [
            (control.name, value)
            for control in controls
            for value in data.draw(
                values(
                    control,
                    control.name in wrong,
                    as_shown=is_optional(control) and control.name not in filled,
                ),
                label=control.name,
            )
        ]
        before = table_rows()
        response = _request(app, client, url, fields)
        status = response.status_code
        event(f"{status // 100}xx after {len(wrong)} wrong field(s)")
        assert status < 500, f"POST {endpoint} as {actor}: {status}"
        answer = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        # Go on from an accepted answer that shows the form again (a preview to confirm);
        # after anything else, from the form's page as it is now.
        shown = (
            str(answer)
            if status == 200 and not answer.find(attrs={"data-module": "error-summary"})
            else None
        )
        # Refused: a 4xx, or the form shown again with errors (some views answer 200).
        refused = status >= 400 or answer.find(attrs={"data-module": "error-summary"})
        problems = frame_problems()
        if refused:
            problems += refusal_problems(answer, url, _names(soup, form))
            changed = changed_tables(
                before, table_rows(), MAY_CHANGE_ON_REFUSAL, MAY_ALSO_CHANGE.get(endpoint)
            )
            if changed:
                problems.append(f"refused ({status}) but wrote to {changed}")
        heading = answer.find("h1")
        assert not problems, (
            f"POST {endpoint} as {actor}: {status} "
            f"{heading.get_text(' ', strip=True) if heading else ''!r}: " + "; ".join(problems)
        )
