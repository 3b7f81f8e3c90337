"""A week of notifications in the demo (issue 14): what the demo citizen's family was told.

The demo citizen Inger Jensen, her daughter Susanne (consent to act; e-mail) and her grandson
Jonas (consent to see; SMS) chose their notifications the evening before the week. Then,
over the 7 days before the seeding date, the things happen that a family hears about, each
through the same service function a page calls, at the moment it happened in the story
(domain.dates.clock_at):

- the home-care worker records each of Inger's visits ("Som planlagt");
- the team reports that Inger can no longer shop, and the visitator grants shopping: a new
  decision and its letter;
- Inger asks for two swaps; the worker says yes to one and no to the other, with a reason;
- Susanne asks to move a visit for her mother, and the team leader says yes;
- the team leader cancels a practical-help visit, with a replacement (002), and moves a
  personal-care visit by 45 minutes (002: more than 30 minutes is told);
- the team answers Inger's message;
- the visitator books a reassessment visit.

No outbox row is written by hand: each is queued by the service, in its transaction. The
worker's delivery then runs, when every channel is the demo transport, so the Demo-udbakke
lists them as shown there only. Everything is placed relative to the seeding date, so a new
seed tells the same week. build_demo leaves Inger's visits of the week (WEEK_DAYS)
unrecorded for the worker to record here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.dates import LOCAL, clock_at, utc_now
from selvvisitation.domain.messages import ThreadParty
from selvvisitation.domain.notifications import Channel, RecipientKind, Topic, topics_for
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    DeclineReason,
    Frequency,
    ServiceCategory,
    StaffRole,
)
from selvvisitation.models import (
    Case,
    Citizen,
    Consent,
    MessageThread,
    Municipality,
    Relative,
    Service,
    StaffUser,
    Visit,
)
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services import message_threads, staff_answers, visit_change_actions
from selvvisitation.services.bookings import Line, book_swap
from selvvisitation.services.case_actions import NewGrant, change_decision
from selvvisitation.services.cases import open_case
from selvvisitation.services.notification_delivery import deliver_due
from selvvisitation.services.notifications import (
    PreferenceChoice,
    save_preference,
)
from selvvisitation.services.reassessment_visits import book_reassessment
from selvvisitation.services.staff_reports import report_change
from selvvisitation.services.transaction import one_transaction

WEEK_DAYS = 7
DAUGHTER, GRANDSON = "Susanne Jensen", "Jonas Jensen"
DAUGHTER_EMAIL = "susanne.jensen@example.org"
GRANDSON_MOBILE = "+4541223344"
# What the family wrote or was told in words, kept out of every notification (the test
# checks): a notification says what kind of news there is, never anybody's own words.
SWAP_DECLINED_TEXT = "Der står opvask fra flere dage; den tager vi i dag."
MOVE_WISH = "Kan I komme en time senere den dag? Hun skal til fodterapeut om morgenen."
TEAM_REPLY = "Det kan vi godt. Vi kommer torsdag mellem kl. 10.30 og 11.00."
REPORT_TEXT = (
    "Inger Jensen kan ikke længere selv gå ned og handle; hun er blevet usikker på benene."
)
FREE_TEXTS = (SWAP_DECLINED_TEXT, MOVE_WISH, TEAM_REPLY, REPORT_TEXT)
DEMO_TRANSPORTS = (
    "NOTIFY_EMAIL_TRANSPORT",
    "NOTIFY_SMS_TRANSPORT",
    "NOTIFY_DIGITAL_POST_TRANSPORT",
)


@dataclass
class DemoWeek:
    citizen: Citizen
    daughter: Relative
    grandson: Relative
    first_day: date
    steps: int


@dataclass
class _Cast:
    citizen: Citizen
    daughter: Relative
    grandson: Relative
    worker: StaffUser
    leader: StaffUser
    visitator: StaffUser


def play_demo_week(session: Session, municipality: Municipality, today: date) -> DemoWeek | None:
    """Play the week before ``today`` through the services; each step commits its own
    transaction. None when the demo has no Inger Jensen with her daughter and grandson."""
    cast = _cast(session, municipality)
    if cast is None:
        return None
    first = today - timedelta(days=WEEK_DAYS)
    state: dict[str, Any] = {}
    steps: list[tuple[datetime, Callable[[], None]]] = [
        (_at(first, -1, 19, 30), lambda: _choose_notifications(session, cast)),
        (_at(first, -1, 15, 10), lambda: _report_shopping(session, cast, state)),
        (_at(first, 0, 11, 0), lambda: _grant_shopping(session, cast, state, today)),
        (_at(first, 1, 10, 15), lambda: _ask_for_swaps(session, cast, state, today)),
        (_at(first, 1, 14, 30), lambda: _answer_swap(session, cast, state, accept=True)),
        (_at(first, 2, 11, 5), lambda: _answer_swap(session, cast, state, accept=False)),
        (_at(first, 2, 19, 20), lambda: _daughter_asks_to_move(session, cast, state, today)),
        (_at(first, 3, 9, 10), lambda: _leader_answers_move(session, cast, state)),
        (_at(first, 3, 13, 20), lambda: _leader_cancels_practical_help(session, cast, today)),
        (_at(first, 4, 15, 0), lambda: _leader_moves_personal_care(session, cast, today)),
        (_at(first, 5, 11, 0), lambda: _open_reassessment(session, cast, state)),
        (_at(first, 5, 11, 15), lambda: _book_reassessment(session, cast, state, today)),
        (_at(first, 5, 13, 40), lambda: _team_replies(session, cast)),
    ]
    for visit in _visits(session, cast.citizen, first, today - timedelta(days=1)):
        ended = _aware(visit.ends_at) + timedelta(minutes=5)
        steps.append((ended, partial(_record, session, cast, visit.id)))
    steps.sort(key=lambda step: step[0])
    for moment, step in steps:
        with clock_at(moment):
            step()
    # The worker sends them by the demo transport, so the Demo-udbakke lists them as shown
    # there. Only when every channel is the demo's: it sends whatever is due, and with a
    # real channel these made-up people would be written to; their rows then wait.
    if all(current_app.config.get(setting) == "demo" for setting in DEMO_TRANSPORTS):
        deliver_due(session, current_app.config)
    return DemoWeek(cast.citizen, cast.daughter, cast.grandson, first, len(steps))


def _at(first: date, days: int, hour: int, minute: int) -> datetime:
    """A Danish wall-clock time on the week's day ``days`` (0: its first day), in UTC."""
    day = first + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@contextmanager
def _acting(actor: Actor) -> Iterator[None]:
    """The step's actor, as a signed-in request would have it (the audit log names them)."""
    before = g.pop("actor", None)
    g.actor = actor
    try:
        yield
    finally:
        g.pop("actor", None)
        if before is not None:
            g.actor = before


def _staff_actor(staff: StaffUser) -> Actor:
    return Actor(kind=ActorKind.STAFF, staff=staff)


def _cast(session: Session, municipality: Municipality) -> _Cast | None:
    citizen = session.scalars(
        select(Citizen).where(Citizen.municipality_id == municipality.id).order_by(Citizen.id)
    ).first()
    if citizen is None or citizen.team_id is None:
        return None
    relatives = {
        consent.relative.name: consent.relative
        for consent in session.scalars(select(Consent).where(Consent.citizen_id == citizen.id))
    }
    staff = {
        person.role: person
        for person in session.scalars(
            select(StaffUser)
            .where(StaffUser.municipality_id == municipality.id)
            .order_by(StaffUser.id.desc())
        )
        if person.role != StaffRole.HOME_CARE_WORKER or person.team_id == citizen.team_id
    }
    needed = (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER, StaffRole.VISITATOR)
    if (
        DAUGHTER not in relatives
        or GRANDSON not in relatives
        or not all(role in staff for role in needed)
    ):
        return None
    return _Cast(
        citizen,
        relatives[DAUGHTER],
        relatives[GRANDSON],
        staff[StaffRole.HOME_CARE_WORKER],
        staff[StaffRole.TEAM_LEADER],
        staff[StaffRole.VISITATOR],
    )


def _visits(session: Session, citizen: Citizen, first: date, last: date) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(
                Visit.citizen_id == citizen.id,
                Visit.day >= first,
                Visit.day <= last,
                Visit.cancelled.is_(False),
            )
            .order_by(Visit.starts_at, Visit.id)
        )
    )


def _coming(session: Session, cast: _Cast, today: date, category: ServiceCategory) -> list[Visit]:
    """Inger's visits after the seeding date whose planned help is all of one category."""
    visits = _visits(session, cast.citizen, today + timedelta(days=1), today + timedelta(days=14))
    return [
        visit
        for visit in visits
        if visit.services
        and all(
            line.service is not None and line.service.category == category
            for line in visit.services
        )
    ]


# --- the steps, in the order of the story ------------------------------------------------


def _choose_notifications(session: Session, cast: _Cast) -> None:
    """The evening before: Susanne by e-mail, everything a relative can choose (the visit
    carried out too); Jonas by SMS, changes to the visits and messages; Inger by Digital
    Post, the usual choice."""
    citizen = cast.citizen
    daughter = Actor(kind=ActorKind.RELATIVE, relative=cast.daughter, subject=citizen)
    grandson = Actor(kind=ActorKind.RELATIVE, relative=cast.grandson, subject=citizen)
    herself = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen)
    choices = [
        (
            cast.daughter.id,
            daughter,
            PreferenceChoice(
                Channel.EMAIL,
                email=DAUGHTER_EMAIL,
                topics=tuple(t.value for t in topics_for(RecipientKind.RELATIVE)),
            ),
        ),
        (
            cast.grandson.id,
            grandson,
            PreferenceChoice(
                Channel.SMS,
                mobile=GRANDSON_MOBILE,
                topics=(Topic.VISIT_CHANGES.value, Topic.MESSAGES.value),
            ),
        ),
        (
            None,
            herself,
            PreferenceChoice(
                Channel.DIGITAL_POST,
                topics=tuple(
                    t.value
                    for t in topics_for(RecipientKind.CITIZEN)
                    if t != Topic.VISIT_CARRIED_OUT
                ),
            ),
        ),
    ]
    for relative_id, actor, choice in choices:
        with _acting(actor):
            save_preference(
                session,
                citizen=citizen,
                relative_id=relative_id,
                has_cpr=relative_id is None,
                choice=choice,
                actor=actor,
            )


def _record(session: Session, cast: _Cast, visit_id: int) -> None:
    with _acting(_staff_actor(cast.worker)):
        staff_answers.record_as_planned(session, visit_id=visit_id, staff=cast.worker)


def _report_shopping(session: Session, cast: _Cast, state: dict[str, Any]) -> None:
    """The team tells the visitation of a change in Inger's need (000, 002, 003)."""
    with _acting(_staff_actor(cast.leader)), one_transaction(session):
        report = report_change(
            session,
            citizen=cast.citizen,
            staff=cast.leader,
            direction="worse",
            text=REPORT_TEXT,
            urgent_event=None,
        )
        session.flush()
        state["report_case_id"] = report.case_id


def _grant_shopping(session: Session, cast: _Cast, state: dict[str, Any], today: date) -> None:
    """The visitator keeps Inger's help and grants shopping once a week from the seeding
    date: a new decision, its letter, and her coming visits re-planned."""
    case = session.get(Case, state["report_case_id"])
    if case is None:
        raise LookupError("The week's report of a change has no case (_report_shopping)")
    shopping = session.scalars(
        select(Service).where(
            Service.municipality_id == cast.citizen.municipality_id, Service.code == "PR-INDKOEB"
        )
    ).one()
    start = today + timedelta(days=1)
    current = cast.citizen.current_decision
    grants = [
        NewGrant(
            g.service_id, g.minutes_per_delivery, g.frequency, g.weekday_tuple, start, g.end_date
        )
        for g in (current.granted_services if current else [])
    ]
    grants.append(NewGrant(shopping.id, 30, Frequency.WEEKLY, (3,), start, None))
    with _acting(_staff_actor(cast.visitator)), one_transaction(session):
        lock_for_write(session)  # no swap is booked into a visit while it is re-planned
        decision, replan = change_decision(
            session,
            case,
            cast.visitator,
            grants=grants,
            valid_from=start,
            reasons="Hjemmeplejen har meldt, at du ikke længere selv kan handle ind. "
            "Du får derfor hjælp til indkøb én gang om ugen.",
            today=today - timedelta(days=WEEK_DAYS),
        )
        audit.record(
            "update",
            citizen=cast.citizen,
            object_type="decision",
            object_id=decision.id,
            purpose="case_handling",
            detail={"action": "decision_changed", "version": decision.version},
        )


def _ask_for_swaps(session: Session, cast: _Cast, state: dict[str, Any], today: date) -> None:
    """Inger asks for two swaps: a walk instead of dusting at her next practical help, and
    help with her post instead of the dishes at a morning visit."""
    services = {
        s.code: s
        for s in session.scalars(
            select(Service).where(Service.municipality_id == cast.citizen.municipality_id)
        )
    }
    practical = _coming(session, cast, today, ServiceCategory.PRACTICAL_HELP)[0]
    personal = _coming(session, cast, today, ServiceCategory.PERSONAL_CARE)[1]
    wishes = [
        ("yes", practical, "FL-GAATUR"),
        ("no", personal, "FL-POST"),
    ]
    herself = Actor(kind=ActorKind.CITIZEN, citizen=cast.citizen, subject=cast.citizen)
    for key, visit, instead in wishes:
        line = visit.services[0]
        with _acting(herself), one_transaction(session):
            lock_for_write(session)
            swap = book_swap(
                session,
                citizen_id=cast.citizen.id,
                visit_id=visit.id,
                drop=[Line(line.planned_minutes, line.service_id)],
                add=[Line(line.planned_minutes, services[instead].id)],
                created_by_kind=ActorKind.CITIZEN,
                acknowledged_at=utc_now(),  # rule 6: ticked on the confirmation
                acknowledged_by_kind=ActorKind.CITIZEN,
            )
            audit.record(
                "create",
                citizen=cast.citizen,
                object_type="SwapRequest",
                object_id=swap.id,
                purpose="own_request",
                actor=herself,
            )
        state[f"swap_{key}"] = swap.id


def _answer_swap(session: Session, cast: _Cast, state: dict[str, Any], *, accept: bool) -> None:
    with _acting(_staff_actor(cast.worker)):
        staff_answers.answer_swap_ahead(
            session,
            swap_id=state["swap_yes" if accept else "swap_no"],
            staff=cast.worker,
            accept=accept,
            reason=None if accept else DeclineReason.HYGIENE,
            reason_text="" if accept else SWAP_DECLINED_TEXT,
        )


def _daughter_asks_to_move(
    session: Session, cast: _Cast, state: dict[str, Any], today: date
) -> None:
    """Susanne asks, for her mother, to move a morning visit: Inger is told."""
    visit = _coming(session, cast, today, ServiceCategory.PERSONAL_CARE)[2]
    daughter = Actor(kind=ActorKind.RELATIVE, relative=cast.daughter, subject=cast.citizen)
    with _acting(daughter):
        request = visit_change_actions.request_move(
            session,
            visit_id=visit.id,
            citizen=cast.citizen,
            actor=daughter,
            wish=MOVE_WISH,
        )
    state["move_request_id"] = request.id
    state["moved_visit_id"] = visit.id


def _leader_answers_move(session: Session, cast: _Cast, state: dict[str, Any]) -> None:
    visit = session.get(Visit, state["moved_visit_id"])
    assert visit is not None
    actor = _staff_actor(cast.leader)
    with _acting(actor):
        visit_change_actions.answer_move(
            session,
            request_id=state["move_request_id"],
            staff=cast.leader,
            actor=actor,
            accept=True,
            new_starts_at=_aware(visit.starts_at) + timedelta(hours=1),
            reason_text="Det er i orden. Vi kommer en time senere.",
        )


def _leader_cancels_practical_help(session: Session, cast: _Cast, today: date) -> None:
    """The provider cancels practical help: a replacement the next day (002: within 1
    week). The first practical visit has Inger's swap; the next one is cancelled."""
    visit = _coming(session, cast, today, ServiceCategory.PRACTICAL_HELP)[1]
    replacement = datetime.combine(visit.day + timedelta(days=1), time(10), tzinfo=LOCAL)
    actor = _staff_actor(cast.leader)
    with _acting(actor):
        visit_change_actions.provider_cancel_visit(
            session,
            visit_id=visit.id,
            staff=cast.leader,
            actor=actor,
            reason_text="Sygdom i teamet",
            replacement_starts_at=replacement.astimezone(UTC),
        )


def _leader_moves_personal_care(session: Session, cast: _Cast, today: date) -> None:
    """A morning visit 45 minutes later: more than 30 minutes, so Inger must be told (002)."""
    visit = _coming(session, cast, today, ServiceCategory.PERSONAL_CARE)[4]
    actor = _staff_actor(cast.leader)
    with _acting(actor):
        visit_change_actions.provider_move_visit(
            session,
            visit_id=visit.id,
            staff=cast.leader,
            actor=actor,
            new_starts_at=_aware(visit.starts_at) + timedelta(minutes=45),
            reason_text="En kollega er syg; ruten er lagt om.",
        )


def _open_reassessment(session: Session, cast: _Cast, state: dict[str, Any]) -> None:
    with _acting(_staff_actor(cast.visitator)), one_transaction(session):
        case = open_case(
            session,
            citizen=cast.citizen,
            kind=CaseKind.REASSESSMENT_REQUEST,
            title="Opfølgning: passer hjælpen stadig?",
            actor_kind=ActorKind.STAFF,
            actor_staff_id=cast.visitator.id,
        )
        session.flush()
        state["reassessment_case_id"] = case.id


def _book_reassessment(session: Session, cast: _Cast, state: dict[str, Any], today: date) -> None:
    case = session.get(Case, state["reassessment_case_id"])
    assert case is not None
    starts = datetime.combine(today + timedelta(days=6), time(10), tzinfo=LOCAL)
    with _acting(_staff_actor(cast.visitator)):
        book_reassessment(
            session,
            case,
            cast.visitator,
            visitator=cast.visitator,
            starts_at=starts.astimezone(UTC),
            note="Opfølgning på den nye afgørelse om indkøb.",
        )


def _team_replies(session: Session, cast: _Cast) -> None:
    """The worker answers the message Inger wrote to her team (demo/messages.py)."""
    thread = session.scalars(
        select(MessageThread).where(
            MessageThread.citizen_id == cast.citizen.id, MessageThread.party == ThreadParty.TEAM
        )
    ).one()
    with _acting(_staff_actor(cast.worker)):
        message_threads.reply(session, staff=cast.worker, thread=thread, text=TEAM_REPLY)
