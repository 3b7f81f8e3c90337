"""The guided dialogue against the database: context, stored conversation, and effects.

The steps live in domain/dialogue_steps/; here the citizen's rows become its plain
Context, answers become stored messages, and the named effects (send a swap, save a
wish, ask for a reassessment, change a consent) are carried out in the caller's
transaction. An effect that can no longer be done raises EffectRefused and the caller
rolls back: nothing changes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session, scoped_session, selectinload

from selvvisitation.domain import dialogue_steps, priority_rules
from selvvisitation.domain.cpr import normalise_cpr
from selvvisitation.domain.dates import LOCAL, local_day, local_today
from selvvisitation.domain.dialogue_steps.call_back import (
    MAX_CALL_TEXT,
    PHONE_PROBLEMS,
    danish_phone,
)
from selvvisitation.domain.dialogue_steps.priority import draft_of, problems_of, refusal
from selvvisitation.domain.dialogue_steps.swap import run_check
from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    ConsentBasis,
    ConsentScope,
    ElementOutcome,
    LegalBasis,
    PriorityKind,
    PriorityStatus,
    ReassessmentReason,
    RelationKind,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.domain.understanding import MatchableService
from selvvisitation.models import (
    AuditEntry,
    CallBackRequest,
    Citizen,
    Consent,
    Conversation,
    ConversationMessage,
    Decision,
    Municipality,
    ReassessmentRequest,
    Relative,
    Service,
    SwapLine,
    SwapRequest,
    Visit,
    VisitService,
    Wish,
)
from selvvisitation.models.base import utcnow
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.programme import PriorityExample
from selvvisitation.models.visits import VisitElement
from selvvisitation.security import audit
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.adapters import catalogue_entry, granted_for, policy_for
from selvvisitation.services.ael_visits import new_priority_reference
from selvvisitation.services.bookings import (
    HOLDING,
    FrameExceeded,
    Line,
    VisitUnavailable,
    book_swap,
)
from selvvisitation.services.cases import call_back_deadline, open_case
from selvvisitation.services.notifications import tell_relative_acted
from selvvisitation.services.references import new_reference
from selvvisitation.services.replacement_history import choice_history_for

ACTIVE_SWAP = HOLDING  # swaps that hold minutes in a visit: asked for, or accepted
PLAN_DAYS = 21  # how far ahead coming visits are offered
# Stored for the visitators, who read Danish.
GOOD_TIME_DA = {
    "morning": "Om formiddagen",
    "afternoon": "Om eftermiddagen",
    "any_time": "Når som helst",
}


class EffectRefused(Exception):
    """An effect cannot be carried out; ``message`` is a message id for the user."""

    def __init__(self, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params = dict(params or {})


# --- Context ----------------------------------------------------------------------------


def services_for(session: Session, municipality_id: int) -> dict[str, Service]:
    """The municipality's catalogue, read once per transaction: a turn's context, its
    catalogue and its texts share one read (issue 17: the catalogue was read up to 7 times
    a turn). A commit or a rollback ends the transaction; the next one reads it anew, so an
    administrator's change is seen by the next request."""
    if isinstance(session, scoped_session):
        session = session()  # the request's own session (db.session is its registry)
    key = ("services_for", municipality_id)
    transaction = session.get_transaction()
    kept = session.info.get(key)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return dict(kept[1])
    rows = session.scalars(select(Service).where(Service.municipality_id == municipality_id))
    services = {service.code: service for service in rows}
    session.info[key] = (session.get_transaction(), services)
    return dict(services)


def matchable(services: Sequence[Service]) -> tuple[MatchableService, ...]:
    """The catalogue rows as the free-text matcher sees them (names and synonyms)."""
    return tuple(
        MatchableService(
            code=s.code,
            names=(s.name_da, s.name_en),
            synonyms=(*(s.synonyms_da or ()), *(s.synonyms_en or ())),
        )
        for s in services
        if s.active
    )


def swaps_at_visit(session: Session, visit_id: int) -> list[SwapRequest]:
    return swaps_at_visits(session, [visit_id])[visit_id]


def swaps_at_visits(session: Session, visit_ids: list[int]) -> dict[int, list[SwapRequest]]:
    """The active swaps at each visit, in one query for all of them."""
    found: dict[int, list[SwapRequest]] = {visit_id: [] for visit_id in visit_ids}
    if visit_ids:
        for swap in session.scalars(
            select(SwapRequest)
            .where(SwapRequest.visit_id.in_(visit_ids), SwapRequest.status.in_(ACTIVE_SWAP))
            .options(selectinload(SwapRequest.lines).selectinload(SwapLine.service))
            .order_by(SwapRequest.id)
        ):
            found[swap.visit_id].append(swap)
    return found


def _citizens_swaps(
    session: Session, citizen: Citizen, visit_ids: list[int]
) -> tuple[dict[int, list[SwapRequest]], list[SwapRequest]]:
    """swaps_at_visits for the citizen's coming visits, and her swaps still waiting for an
    answer (My help), in one statement with their lines (issue 17)."""
    rows = session.scalars(
        select(SwapRequest)
        .where(
            SwapRequest.citizen_id == citizen.id,
            or_(
                SwapRequest.status == SwapStatus.REQUESTED,
                and_(SwapRequest.visit_id.in_(visit_ids), SwapRequest.status.in_(ACTIVE_SWAP)),
            ),
        )
        .options(joinedload(SwapRequest.lines).joinedload(SwapLine.service))
        .order_by(SwapRequest.id)
    ).unique()
    at_visits: dict[int, list[SwapRequest]] = {visit_id: [] for visit_id in visit_ids}
    waiting = []
    for swap in rows:
        if swap.visit_id in at_visits and swap.status in ACTIVE_SWAP:
            at_visits[swap.visit_id].append(swap)
        if swap.status == SwapStatus.REQUESTED:
            waiting.append(swap)
    return at_visits, sorted(waiting, key=lambda swap: (swap.created_at, swap.id))


def coming_visits(session: Session, citizen: Citizen, today: date) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(
                Visit.citizen_id == citizen.id,
                Visit.day >= today,
                Visit.day <= today + timedelta(days=PLAN_DAYS),
                Visit.cancelled.is_(False),
                Visit.recorded_at.is_(None),
            )
            # Joined: the coming visits with their lines in one statement (issue 17).
            .options(
                joinedload(Visit.services).joinedload(VisitService.service),
                joinedload(Visit.elements).joinedload(VisitElement.element),
            )
            .order_by(Visit.starts_at)
        ).unique()
    )


def _visit_info(visit: Visit, swaps: list[SwapRequest]) -> dialogue_steps.VisitInfo:
    dropped = [
        line.service.code for swap in swaps for line in swap.dropped if line.service is not None
    ]
    return dialogue_steps.VisitInfo(
        id=visit.id,
        day=visit.day,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        time_frame_minutes=visit.time_frame_minutes,
        services=tuple(
            (item.service.code, item.planned_minutes)
            for item in visit.services
            if item.service is not None
            and item.granted_service_id is not None
            and item.outcome == VisitServiceOutcome.PLANNED
        ),
        already_dropped=tuple(dropped),
        # As bookings.booked_minutes counts them: what book_swap keeps within the frame.
        booked_minutes=sum(line.minutes for swap in swaps for line in swap.added),
        elements=tuple(e.element_id for e in visit.elements if e.outcome == ElementOutcome.PLANNED),
    )


def _my_help(citizen: Citizen, visits: list[Visit], pending: list[SwapRequest]) -> dict[str, Any]:
    decision = citizen.current_decision
    granted = [
        {
            "service": g.service.code,
            "minutes": g.minutes_per_delivery,
            "frequency": g.frequency.value,
            "weekdays": list(g.weekday_tuple),
            "end": g.end_date.isoformat() if g.end_date else None,
        }
        for g in (decision.granted_services if decision else [])
    ]
    return {
        "granted": granted,
        "visits": [
            {
                "start": v.starts_at.isoformat(),
                "end": v.ends_at.isoformat(),
                "frame": v.time_frame_minutes,
                "services": [i.service.code for i in v.services if i.service is not None],
            }
            for v in visits[:5]
        ],
        "provider": citizen.provider.name if citizen.provider else "",
        "provider_phone": (citizen.provider.phone or "") if citizen.provider else "",
        "swaps": [{"reference": s.reference} for s in pending],
    }


def _reassessments(session: Session, citizen: Citizen) -> tuple[dict[str, Any], ...]:
    rows = session.scalars(
        select(ReassessmentRequest)
        .where(ReassessmentRequest.citizen_id == citizen.id)
        .order_by(ReassessmentRequest.created_at.desc())
        .limit(5)
    )
    return tuple(
        {
            "reason": r.reason.value,
            "created": local_day(r.created_at).isoformat(),
            "status": r.case.status.value if r.case else "open",
            "deadline": r.case.deadline.isoformat() if r.case and r.case.deadline else None,
        }
        for r in rows
    )


RELATIVE_ACTIONS = (
    "swap_requested",
    "wish_saved",
    "reassessment_requested",
    "priority_requested",
    "swap_withdrawn",  # services/citizen_requests.py: cancelled before the worker answered
    "wish_withdrawn",
    "call_back_requested",  # "Ring mig op" (issue 13)
)


def names_given(citizen: Citizen) -> dict[int, str]:
    """Relative id -> the name the citizen gave that relative (her latest consent's).

    What she is shown: Relative.name may be another citizen's words (issue 15, High 1).
    """
    return {c.relative_id: c.relative_name for c in sorted(citizen.consents, key=lambda c: c.id)}


def _relative_actions(session: Session, citizen: Citizen) -> tuple[dict[str, Any], ...]:
    """What relatives did on the citizen's behalf: shown to the citizen (002 section 16)."""
    names = names_given(citizen)
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.citizen_id == citizen.id,
            AuditEntry.action.in_(RELATIVE_ACTIONS),
            AuditEntry.actor_relative_id.is_not(None),
        )
        .order_by(AuditEntry.at.desc())
        .limit(10)
    )
    return tuple(
        {
            "at": entry.at.isoformat(),
            "name": names.get(entry.actor_relative_id or 0, ""),
            "action": entry.action,
        }
        for entry in rows
    )


def _ended(consent: Consent, now: datetime) -> bool:
    """Withdrawn or expired; a consent from a coming day has not ended."""
    return (consent.revoked_at is not None and consent.revoked_at <= now) or (
        consent.valid_to is not None and consent.valid_to <= now
    )


def _period_of(consent: Consent) -> dict[str, str | None]:
    """The consent's coming first day and its last day, as local ISO dates, while current."""
    now = utcnow()
    if _ended(consent, now):
        return {"starts": None, "ends": None}
    starts = consent.valid_from.astimezone(LOCAL).date() if consent.valid_from > now else None
    # valid_to is the start of the day after the last one (see add_relative).
    ends = (
        (consent.valid_to.astimezone(LOCAL) - timedelta(seconds=1)).date()
        if consent.valid_to is not None
        else None
    )
    return {
        "starts": starts.isoformat() if starts else None,
        "ends": ends.isoformat() if ends else None,
    }


# --- Ældreloven: the forløb, the examples and the priorities (DOMAIN.md "Ældreloven") -------


def _name(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def requested_priorities(session: Session, citizen: Citizen) -> list[VisitPriority]:
    return list(
        session.scalars(
            select(VisitPriority)
            .where(
                VisitPriority.citizen_id == citizen.id,
                VisitPriority.status == PriorityStatus.REQUESTED,
            )
            .order_by(VisitPriority.created_at, VisitPriority.id)
        )
    )


def _my_forlob(
    citizen: Citizen, visits: list[Visit], pending: list[VisitPriority]
) -> dict[str, Any]:
    """The forløb in plain words for "Min hjælp": no minutes (DOMAIN.md "Ældreloven")."""
    decision = citizen.current_decision
    programme = decision.care_programme if decision else None
    provider = (decision.provider if decision else None) or citizen.provider
    return {
        "programme": _name(programme.name_da, programme.name_en) if programme else None,
        "description": _name(programme.description_da, programme.description_en)
        if programme
        else None,
        "elements": [
            {"name": _name(g.element.name_da, g.element.name_en), "meaning": g.meaning}
            for g in (decision.granted_elements if decision else [])
        ],
        "goals": decision.goals if decision else "",
        "often": decision.visit_frequency_text if decision else "",
        "follow_up": decision.follow_up_date.isoformat()
        if decision and decision.follow_up_date
        else None,
        "provider": provider.name if provider else "",
        "provider_phone": (provider.phone or "") if provider else "",
        "visits": [
            {
                "start": v.starts_at.isoformat(),
                "end": v.ends_at.isoformat(),
                "elements": [_name(e.element.name_da, e.element.name_en) for e in v.elements],
            }
            for v in visits[:5]
        ],
        "priorities": [{"reference": p.reference} for p in pending],
    }


def _ael_context(session: Session, citizen: Citizen) -> dict[str, Any]:
    """The Context fields of an AEL citizen: her forløb's elements, examples and priorities."""
    decision = citizen.current_decision
    elements = tuple(
        priority_rules.ElementInfo(
            g.element.id, g.element.fsiii_code, g.element.name_da, g.element.name_en
        )
        for g in (decision.granted_elements if decision else [])
    )
    examples = session.scalars(
        select(PriorityExample)
        .where(PriorityExample.municipality_id == citizen.municipality_id, PriorityExample.active)
        .order_by(PriorityExample.position, PriorityExample.id)
    )
    covered, not_covered = priority_rules.wish_matchables(
        elements, {c.code: (c.name_da, c.name_en) for c in ELDERLY_CODES}
    )
    return {
        "legal_basis": LegalBasis.AEL,
        "elements": elements,
        "examples": tuple((e.text_da, e.text_en) for e in examples),
        "priorities": tuple(
            priority_rules.ExistingPriority(
                p.visit_id,
                (p.period_start, p.period_end) if p.period_start and p.period_end else None,
                p.element_id,
                p.kind,
            )
            for p in requested_priorities(session, citizen)
        ),
        "wish_covered": covered,
        "wish_not_covered": not_covered,
    }


def is_ael(citizen: Citizen) -> bool:
    decision = citizen.current_decision
    return decision is not None and decision.legal_basis == LegalBasis.AEL


def build_context(
    session: Session,
    citizen: Citizen,
    *,
    relative_id: int | None,
    may_act: bool,
    language: str,
    today: date | None = None,
) -> dialogue_steps.Context:
    today = today or local_today()
    services = services_for(session, citizen.municipality_id)
    visits = coming_visits(session, citizen, today)
    swaps, waiting_swaps = _citizens_swaps(session, citizen, [v.id for v in visits])
    is_citizen = relative_id is None
    ael = is_ael(citizen)
    # A relative sees only their own consent; the citizen sees all of them.
    consents = sorted(
        (c for c in citizen.consents if is_citizen or c.relative_id == relative_id),
        key=lambda c: c.id,
    )
    return dialogue_steps.Context(
        today=today,
        language=language,
        is_citizen=is_citizen,
        citizen_name=citizen.name,
        citizen_cpr=citizen.cpr if is_citizen else "",
        may_act=may_act,
        policy=policy_for(citizen.municipality),
        granted=tuple(granted_for(citizen.current_decision)),
        # catalogue_for's entries, from the catalogue read above.
        catalogue={code: catalogue_entry(s) for code, s in services.items() if s.active},
        visits=tuple(_visit_info(v, swaps[v.id]) for v in visits),
        services=matchable(list(services.values())),
        consents=tuple(
            dialogue_steps.ConsentInfo(
                c.id,
                c.relative_name,  # as she wrote it: never another citizen's (High 1)
                c.relation.value,
                c.scope.value,
                c.is_active(),
                c.relative.cpr if is_citizen else None,
                relation_text=c.relation_text,
                **_period_of(c),
            )
            for c in consents
            if c.is_active()
            or not any(o.relative_id == c.relative_id and o.id > c.id for o in consents)
        ),
        my_help=_my_forlob(citizen, visits, requested_priorities(session, citizen))
        if ael
        else _my_help(citizen, visits, waiting_swaps),
        reassessments=_reassessments(session, citizen),
        relative_actions=_relative_actions(session, citizen) if is_citizen else (),
        phones={
            "citizen": citizen.phone or "",
            "visitation": citizen.municipality.visitation_phone or "",
            **({} if is_citizen else {"relative": _relative_phone(session, relative_id)}),
        },
        call_back_by=call_back_deadline(citizen, today),
        # Read once, and only when the short list of replacements is shown (issue 12, 3).
        choice_history=functools.cache(functools.partial(choice_history_for, session, citizen)),
        **(_ael_context(session, citizen) if ael else {}),
    )


def _relative_phone(session: Session, relative_id: int | None) -> str:
    relative = session.get(Relative, relative_id) if relative_id is not None else None
    return (relative.phone or "") if relative is not None else ""


# --- The stored conversation --------------------------------------------------------------


def open_conversation(session: Session, citizen: Citizen) -> Conversation | None:
    return session.scalars(
        select(Conversation)
        .where(Conversation.citizen_id == citizen.id, Conversation.closed_at.is_(None))
        .order_by(Conversation.id.desc())
    ).first()


def _speaker(actor: Any) -> dict[str, Any]:
    if getattr(actor, "relative", None) is not None:
        return {
            "speaker": "relative",
            "speaker_kind": ActorKind.RELATIVE,
            "relative_id": actor.relative.id,
        }
    return {"speaker": "citizen", "speaker_kind": ActorKind.CITIZEN, "relative_id": None}


def _add(
    conversation: Conversation,
    messages: Sequence[dialogue_steps.Message],
    *,
    step: str,
    user: dialogue_steps.Message | None = None,
    actor: Any = None,
) -> None:
    # Every row has the same columns, so they go in one statement (see _insert_messages).
    assistant = {"speaker": "assistant", "speaker_kind": None, "relative_id": None}
    said = [(user, _speaker(actor))] if user is not None else []
    said += [(message, assistant) for message in messages]
    rows = [
        {
            "turn": conversation.turn,
            "step": step,
            "kind": message.kind,
            "text": message.text,
            "params": dict(message.params),
            **speaker,
        }
        for message, speaker in said
    ]
    _insert_messages(conversation, rows)


def _insert_messages(conversation: Conversation, rows: list[dict[str, Any]]) -> None:
    """Add messages without reading the history above it (issue 17: a turn loaded every
    earlier message to append one), in one INSERT: the ORM inserts row by row on SQLite,
    where it cannot get new ids back in order, and nothing here needs them (the answer
    reads what is new with messages_after). A conversation not yet stored has no history
    to read; one whose history this request has read already gets the messages in that
    list too."""
    session = object_session(conversation)
    if session is None or conversation.id is None or "messages" in conversation.__dict__:
        conversation.messages.extend(ConversationMessage(**row) for row in rows)
        return
    if rows:
        at = utcnow()
        # The table, not the class: the ORM's bulk insert leaves out None values and so
        # splits a citizen's answer from the assistant's messages into two statements.
        # Not flushed first: the conversation's row exists, and its one UPDATE (turn, step
        # and state together) goes with the commit instead of being split in two.
        with session.no_autoflush:
            session.execute(
                sa.insert(ConversationMessage.__table__),
                [{"conversation_id": conversation.id, "at": at, **row} for row in rows],
            )


def _save(conversation: Conversation, state: dialogue_steps.State) -> None:
    conversation.step = state.step
    conversation.state = state.to_json()  # a new dict: JSON columns track assignment only
    conversation.updated_at = utcnow()


def start_conversation(
    session: Session, citizen: Citizen, ctx: dialogue_steps.Context
) -> Conversation:
    state, messages = dialogue_steps.start(ctx)
    conversation = Conversation(citizen=citizen, step=state.step, state=state.to_json())
    session.add(conversation)
    _add(conversation, messages, step=state.step)
    return conversation


def current_conversation(
    session: Session, citizen: Citizen, ctx: dialogue_steps.Context
) -> Conversation:
    return open_conversation(session, citizen) or start_conversation(session, citizen, ctx)


def state_of(conversation: Conversation) -> dialogue_steps.State:
    state = dialogue_steps.State.from_json(conversation.step, conversation.state)
    if state.step not in dialogue_steps.STEPS:
        state = dialogue_steps.State(dialogue_steps.START, {}, [])
    return state


def answer(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None = None,
) -> dialogue_steps.Invalid | None:
    """Apply one answer; return the problem, or None when the conversation moved on."""
    return _apply(session, conversation, ctx, given, actor, relative_limits)[0]


def _apply(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None,
) -> tuple[dialogue_steps.Invalid | None, bool]:
    """The answer's problem, and whether an effect changed what the context shows."""
    before = state_of(conversation)
    outcome = dialogue_steps.answer(ctx, before, given)
    if outcome.error is not None:
        return outcome.error, False
    echo, *said = outcome.messages
    state = outcome.state
    if outcome.effect is not None:
        if outcome.effect == "add_relative":
            updates = add_relative(session, conversation, ctx, state.data, actor, relative_limits)
        else:
            updates = EFFECTS[outcome.effect](session, conversation, ctx, state.data, actor)
        state, entering = dialogue_steps.after_effect(ctx, state, updates)
    else:
        entering = dialogue_steps.entering(ctx, state.step, state.data)
    conversation.turn += 1
    _add(conversation, [*said, *entering], step=state.step, user=echo, actor=actor)
    _save(conversation, state)
    return None, outcome.effect is not None


# --- One request's turn: the unit of work of the conversation page (issue 16) --------------


@dataclass(frozen=True)
class Viewer:
    """Whose conversation a request works on, and as whom: what the context is built from."""

    citizen: Citizen
    relative_id: int | None
    may_act: bool
    language: str

    def context(self, session: Session) -> dialogue_steps.Context:
        return build_context(
            session,
            self.citizen,
            relative_id=self.relative_id,
            may_act=self.may_act,
            language=self.language,
        )


@dataclass(frozen=True)
class Turn:
    """The conversation, the context it was answered in, and the problem, if refused."""

    conversation: Conversation
    ctx: dialogue_steps.Context
    viewer: Viewer
    problem: dialogue_steps.Invalid | None = None


def show_conversation(
    session: Session, viewer: Viewer, idle_since: datetime
) -> tuple[Conversation | None, dialogue_steps.Context]:
    """The conversation page as it opens: the open conversation (a new one for someone who
    may act), without a CPR number left in it since ``idle_since``; a relative's look is
    audited. No conversation for a relative who may only see, where none is open.
    """
    ctx = viewer.context(session)
    conversation = open_conversation(session, viewer.citizen)
    if conversation is not None and holds_stale_cpr(conversation, idle_since):
        lock_for_write(session)  # read again under the lock: one request drops it, once
        conversation = open_conversation(session, viewer.citizen)
        if conversation is not None and forget_stale_cpr(conversation, ctx, idle_since):
            session.commit()
    if conversation is None and ctx.may_act:
        conversation = start_conversation(session, viewer.citizen, ctx)
        session.commit()
    if viewer.relative_id is not None:
        audit.record(
            "read", citizen=viewer.citizen, object_type="conversation", purpose="relative_view"
        )
        session.commit()
    return conversation, ctx


def _read_again(session: Session, citizen_id: int) -> None:
    """The citizen, read again under the lock (lock_for_write let go of what was read
    before it) with what her context reads of her: municipality and policy, provider,
    decisions with their grants, consents with their relatives. One statement, not one
    each on first use (issue 17); a citizen has few decisions and few consents."""
    session.execute(
        select(Citizen)
        .where(Citizen.id == citizen_id)
        .options(
            joinedload(Citizen.municipality).joinedload(Municipality.policy),
            joinedload(Citizen.provider),
            joinedload(Citizen.decisions).joinedload(Decision.granted_services),
            joinedload(Citizen.consents).joinedload(Consent.relative),
        )
    ).unique().first()


def begin_turn(session: Session, viewer: Viewer, idle_since: datetime) -> Turn:
    """Take the write lock and read the conversation and its context once, for the answer.

    Rule 4 under concurrency: the lock comes before the first read (security/locking.py).
    A CPR number left since ``idle_since`` is dropped and committed at once: it is kept
    dropped even when the answer is refused (the form's turn is old then).
    """
    citizen_id = viewer.citizen.id  # read before the lock lets go of it
    lock_for_write(session)
    _read_again(session, citizen_id)
    ctx = viewer.context(session)
    conversation = current_conversation(session, viewer.citizen, ctx)
    if forget_stale_cpr(conversation, ctx, idle_since):
        session.commit()
        lock_for_write(session)
    return Turn(conversation, ctx, viewer)


def take_turn(
    session: Session,
    turn: Turn,
    given: dialogue_steps.Answer,
    actor: Any,
    relative_limits: RelativeLimits | None = None,
) -> Turn:
    """Answer the question asked now: everything is stored, or nothing is.

    The context is read again only when an effect changed what it shows (a swap sent, a
    consent given); an answer that only moves the conversation on keeps the one it was
    answered in.
    """
    try:
        problem, effect = _apply(
            session, turn.conversation, turn.ctx, given, actor, relative_limits
        )
    except EffectRefused as refused:
        session.rollback()
        ctx = turn.viewer.context(session)
        return Turn(
            current_conversation(session, turn.viewer.citizen, ctx),
            ctx,
            turn.viewer,
            dialogue_steps.Invalid("answer", refused.message, refused.params),
        )
    if problem is not None:
        session.rollback()
        return replace(turn, problem=problem)
    if effect:
        session.commit()
        return replace(turn, ctx=turn.viewer.context(session))
    _commit_keeping_what_was_read(session)
    return turn


def _commit_keeping_what_was_read(session: Session) -> None:
    """Commit, and answer from what this transaction read and wrote: exactly what it
    committed, under the write lock. Without this, the answer read the conversation, the
    citizen, her consents, her municipality and its policy again (issue 17). The next
    request reads afresh: its session is a new one, or lock_for_write lets go of these."""
    own = session() if isinstance(session, scoped_session) else session
    own.expire_on_commit = False
    try:
        own.commit()
    finally:
        own.expire_on_commit = True


def take_control(
    session: Session, turn: Turn, action: str, actor: Any, to: str | None = None
) -> Turn:
    """ "Back" (to the step before, or ``to`` a step a summary line changes) or "Start over",
    stored at once. Back to a step that cannot be changed now changes nothing."""
    if action == "back":
        go_back(turn.conversation, turn.ctx, actor, to)
        conversation = turn.conversation
    elif action == "call_back":
        call_me(turn.conversation, turn.ctx, actor)
        conversation = turn.conversation
    else:
        conversation = start_over(session, turn.conversation, turn.ctx, actor)
    session.commit()
    return replace(turn, conversation=conversation)


def discard_turn(session: Session) -> None:
    """Nothing of this request is stored (a conversation started by it included)."""
    session.rollback()


def messages_after(
    session: Session, conversation: Conversation, since: int
) -> list[ConversationMessage]:
    """The conversation's messages newer than the one with id ``since``, oldest first."""
    return list(
        session.scalars(
            select(ConversationMessage)
            .where(
                ConversationMessage.conversation_id == conversation.id,
                ConversationMessage.id > since,
            )
            .order_by(ConversationMessage.id)
        )
    )


SUMMARY_KINDS = (
    "summary",
    "reassessment_summary",
    "call_back_summary",
    "priority_summary",
    "relative_summary",
)


def latest_summary_id(session: Session, conversation: Conversation) -> int | None:
    """The id of the conversation's latest summary message: the one "Ændr" belongs to."""
    return session.scalar(
        select(sa.func.max(ConversationMessage.id)).where(
            ConversationMessage.conversation_id == conversation.id,
            ConversationMessage.kind.in_(SUMMARY_KINDS),
        )
    )


def go_back(
    conversation: Conversation, ctx: dialogue_steps.Context, actor: Any, to: str | None = None
) -> None:
    state = state_of(conversation)
    if to is not None and to not in dialogue_steps.changeable(state).values():
        return
    state, messages = (
        dialogue_steps.back_to(ctx, state, to) if to else dialogue_steps.back(ctx, state)
    )
    conversation.turn += 1
    _add(conversation, messages[1:], step=state.step, user=messages[0], actor=actor)
    _save(conversation, state)


def call_me(conversation: Conversation, ctx: dialogue_steps.Context, actor: Any) -> None:
    """ "Ring mig op" from wherever the conversation is (issue 13): the call-me-back path."""
    state, messages = dialogue_steps.call_me(ctx, state_of(conversation))
    conversation.turn += 1
    _add(conversation, messages[1:], step=state.step, user=messages[0], actor=actor)
    _save(conversation, state)


def start_over(
    session: Session, conversation: Conversation, ctx: dialogue_steps.Context, actor: Any
) -> Conversation:
    """Close the conversation (kept, never deleted, without a CPR number) and open a new one."""
    conversation.turn += 1
    _add(
        conversation,
        [],
        step=conversation.step,
        user=dialogue_steps.Message("answer", dialogue_steps.N_("Start over")),
        actor=actor,
    )
    state, _ = dialogue_steps.forget_cpr(state_of(conversation))
    _save(conversation, state)
    conversation.closed_at = utcnow()
    return start_conversation(session, conversation.citizen, ctx)


# --- A CPR number typed for a new relative is not kept in a conversation left unfinished ---


def holds_stale_cpr(conversation: Conversation, idle_since: datetime) -> bool:
    """Whether the conversation, untouched since ``idle_since``, still holds a CPR number."""
    updated = conversation.updated_at  # None: a conversation started in this request
    return (
        updated is not None
        and updated <= idle_since
        and dialogue_steps.holds_cpr(state_of(conversation))
    )


def forget_stale_cpr(
    conversation: Conversation, ctx: dialogue_steps.Context | None, idle_since: datetime
) -> bool:
    """Drop a CPR number from a conversation left since ``idle_since``; where it is still
    needed the citizen is asked (``ctx``: hers; None for a closed conversation) to write
    it again. Return whether anything was dropped."""
    if not holds_stale_cpr(conversation, idle_since):
        return False
    state, again = dialogue_steps.forget_cpr(state_of(conversation))
    if again and conversation.closed_at is None and ctx is not None:
        conversation.turn += 1  # the question asked now has changed: older forms are stale
        _add(conversation, dialogue_steps.type_cpr_again(ctx, state), step=state.step)
    _save(conversation, state)
    return True


def forget_stale_cprs(session: Session, idle_since: datetime, language: str = "da") -> int:
    """Drop the CPR numbers of every conversation left since ``idle_since`` (open or
    closed); for the scheduled job. Return how many conversations held one."""
    candidates = session.scalars(
        select(Conversation)
        .where(
            Conversation.updated_at <= idle_since,
            # Only states that name the key or the step can hold a number; checked below.
            sa.cast(Conversation.state, sa.Text).like(f"%{dialogue_steps.CPR}%"),
        )
        .order_by(Conversation.id)
    )
    dropped = 0
    for conversation in candidates:
        if not holds_stale_cpr(conversation, idle_since):
            continue
        # The citizen's own context: she is the one asked to write the number again.
        ctx = (
            build_context(
                session, conversation.citizen, relative_id=None, may_act=True, language=language
            )
            if conversation.closed_at is None
            else None
        )
        dropped += forget_stale_cpr(conversation, ctx, idle_since)
    return dropped


# --- Effects ---------------------------------------------------------------------------------


def _who(actor: Any) -> dict[str, Any]:
    relative = getattr(actor, "relative", None)
    return {
        "kind": ActorKind.RELATIVE if relative is not None else ActorKind.CITIZEN,
        "relative_id": relative.id if relative is not None else None,
    }


def _record(action: str, citizen: Citizen, obj: Any, actor: Any) -> None:
    on_behalf = getattr(actor, "relative", None) is not None
    audit.record(
        action,
        citizen=citizen,
        object_type=type(obj).__name__,
        object_id=obj.id,
        purpose="on_behalf_of_citizen" if on_behalf else "own_request",
        actor=actor,
    )
    if on_behalf:
        tell_relative_acted(
            object_session(citizen),
            citizen_id=citizen.id,
            params={"action": action, "object": type(obj).__name__, "id": obj.id},
        )


def submit_swap(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    """Store the swap for the worker's visit list; the caller holds the write lock.

    Booked through bookings.book_swap, the one place that locks the visit and keeps all
    swaps at it within its time frame (rule 4); what else the rules say was shown from
    domain.swaps.check_swap and is checked once more here, under the same lock.
    """
    token = f"c{conversation.id}-t{conversation.turn}"
    existing = session.scalars(
        select(SwapRequest).where(SwapRequest.submission_token == token)
    ).first()
    if existing is not None:  # the same confirmation twice: one swap
        return {"reference": existing.reference}
    citizen = conversation.citizen
    visit_id = data.get("visit_id")
    period = data.get("period")
    services = services_for(session, citizen.municipality_id)
    who = _who(actor)
    try:
        swap = book_swap(
            session,
            citizen_id=citizen.id,
            visit_id=visit_id,
            period=None
            if visit_id is not None
            else (date.fromisoformat(period[0]), date.fromisoformat(period[1])),
            not_before=ctx.today + timedelta(days=1),  # a swap is for a visit from tomorrow on
            drop=[
                Line(int(line["minutes"]), services[line["code"]].id)
                for line in data.get("drop") or ()
            ],
            add=[
                Line(
                    int(line["minutes"]),
                    services[line["code"]].id if line.get("code") in services else None,
                    line.get("text"),
                )
                for line in data.get("add") or ()
            ],
            created_by_kind=who["kind"],
            created_by_relative_id=who["relative_id"],
            submission_token=token,
            acknowledged_at=utcnow(),  # rule 6: ticked on the confirmation
            acknowledged_by_kind=who["kind"],
        )
    except VisitUnavailable:
        raise EffectRefused(
            dialogue_steps.N_(
                "That visit can no longer be swapped. Go back and choose another visit"
            )
        ) from None
    except FrameExceeded as full:
        # Rule 4: all swaps at one visit together stay within its time frame.
        raise EffectRefused(
            dialogue_steps.N_(
                "Something else has just been booked at this visit, so "
                "only %(free_minutes)s of its time are still free. "
                "Go back and choose again"
            ),
            {"free_minutes": full.free_minutes},
        ) from None
    if visit_id is not None:
        others = [s for s in swaps_at_visit(session, visit_id) if s.id != swap.id]
        taken = {line.service.code for s in others for line in s.dropped if line.service}
        if taken & {line["code"] for line in data.get("drop") or ()}:
            raise EffectRefused(
                dialogue_steps.N_(
                    "Someone has just swapped that service at this visit. Go back and choose again"
                )
            )
    if not run_check(ctx, data)["allowed"]:
        raise EffectRefused(
            dialogue_steps.N_("The swap no longer keeps to the rules. Go back and choose again")
        )
    _record("swap_requested", citizen, swap, actor)
    return {"reference": swap.reference}


def submit_priority(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    """Store what matters most to her for the worker's visit list; the caller holds the lock.

    The rules (domain.priority_rules.check_priority) are checked once more here, against the
    priorities and visits read under the same lock.
    """
    citizen = conversation.citizen
    if not ctx.is_ael:
        raise EffectRefused(dialogue_steps.N_("Your help has changed. Please start over"))
    problems = problems_of(ctx, data)
    if problems:
        refused = refusal(problems)
        raise EffectRefused(refused.message, refused.params)
    draft = draft_of(data)
    who = _who(actor)
    priority = VisitPriority(
        citizen=citizen,
        reference=new_priority_reference(session),
        visit_id=draft.visit_id,
        period_start=draft.period[0] if draft.period else None,
        period_end=draft.period[1] if draft.period else None,
        element_id=draft.element_id,
        kind=PriorityKind(draft.kind),
        text=" ".join(draft.text.split()),
        status=PriorityStatus.REQUESTED,
        created_by_relative_id=who["relative_id"],
    )
    session.add(priority)
    session.flush()
    _record("priority_requested", citizen, priority, actor)
    return {"reference": priority.reference}


def save_wish(
    session: Session,
    conversation: Conversation,
    _ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    who = _who(actor)
    wish = Wish(
        reference=new_reference(session, Wish.reference, "ONS"),
        citizen=conversation.citizen,
        kind=data["wish_kind"],
        text=data["wish_text"],
        created_by_kind=who["kind"],
        created_by_relative_id=who["relative_id"],
    )
    session.add(wish)
    session.flush()
    _record("wish_saved", conversation.citizen, wish, actor)
    return {"reference": wish.reference}


def submit_reassessment(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    token = f"c{conversation.id}-t{conversation.turn}"
    existing = session.scalars(
        select(ReassessmentRequest).where(ReassessmentRequest.submission_token == token)
    ).first()
    if existing is not None:
        return {
            "reference": existing.reference,
            "deadline": existing.case.deadline.isoformat() if existing.case else None,
        }
    citizen = conversation.citizen
    who = _who(actor)
    time = data.get("time") or ""
    reason = ReassessmentReason(data["reason"])
    case = open_case(
        session,
        citizen=citizen,
        kind=CaseKind.REASSESSMENT_REQUEST,
        title="Borgeren beder om revurdering"
        if who["relative_id"] is None
        else "Pårørende beder om revurdering",
        actor_kind=who["kind"],
        actor_relative_id=who["relative_id"],
        text=data.get("text", ""),
        data={"reason": reason.value},
        opened_on=ctx.today,
    )
    request = ReassessmentRequest(
        reference=new_reference(session, ReassessmentRequest.reference, "REV"),
        citizen=citizen,
        case=case,
        reason=reason,
        text=data.get("text", ""),
        relative_participates=bool(data.get("relative")),
        preferred_time=GOOD_TIME_DA.get(time, time),
        # FSIII: A2 when a relative asks on the citizen's behalf.
        fsiii_code="A2" if who["relative_id"] is not None else None,
        requested_by_kind=who["kind"],
        requested_by_relative_id=who["relative_id"],
        submission_token=token,
    )
    session.add(request)
    session.flush()
    _record("reassessment_requested", citizen, request, actor)
    return {
        "reference": request.reference,
        "deadline": case.deadline.isoformat() if case.deadline else None,
    }


def request_call_back(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    """ "Ring mig op" (issue 13): a case for the visitation, due in working days, with the
    number, the good time and her words; audited, and the citizen told when a relative asked.
    The caller holds the write lock and commits; the same confirmation twice is one request."""
    token = f"c{conversation.id}-t{conversation.turn}"
    existing = session.scalars(
        select(CallBackRequest).where(CallBackRequest.submission_token == token)
    ).first()
    if existing is not None:
        return {"reference": existing.reference, "deadline": existing.case.deadline.isoformat()}
    phone = danish_phone(data.get("call_phone") or "")
    if phone is None:  # the engine checked it; a stored state from elsewhere is not trusted
        raise EffectRefused(PHONE_PROBLEMS["format"])
    citizen = conversation.citizen
    who = _who(actor)
    time = data.get("call_time") or "any_time"
    text = " ".join(str(data.get("call_text") or "").split())[:MAX_CALL_TEXT]
    when = GOOD_TIME_DA.get(time, GOOD_TIME_DA["any_time"]).lower()
    # The queue shows the title: the number and the time at a glance (Danish: for staff).
    title = f"Ring op på {phone}, {when}" + (" (pårørende)" if who["relative_id"] else "")
    case = open_case(
        session,
        citizen=citizen,
        kind=CaseKind.CALL_BACK,
        title=f"{title}: {text}"[:200] if text else title,
        actor_kind=who["kind"],
        actor_relative_id=who["relative_id"],
        text=text,
        data={"phone": phone, "time": time},
        opened_on=ctx.today,
        deadline=call_back_deadline(citizen, ctx.today),
    )
    request = CallBackRequest(
        reference=new_reference(session, CallBackRequest.reference, "OPK"),
        citizen=citizen,
        case=case,
        phone=phone,
        good_time=time,
        text=text,
        requested_by_kind=who["kind"],
        requested_by_relative_id=who["relative_id"],
        submission_token=token,
    )
    session.add(request)
    session.flush()
    _record("call_back_requested", citizen, request, actor)
    return {"reference": request.reference, "deadline": case.deadline.isoformat()}


def change_consent(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    """Withdraw or give a consent; a consent is never deleted, only revoked."""
    citizen = conversation.citizen
    consent = session.get(Consent, data.get("consent_id"))
    if not ctx.is_citizen or consent is None or consent.citizen_id != citizen.id:
        raise EffectRefused(dialogue_steps.N_("Only you can change who may see your help"))
    now = utcnow()
    action = data.get("consent_action")
    current = not _ended(consent, now)
    if current:
        consent.revoked_at = now  # also a consent that was to start on a coming day
    if action in ("see", "act"):
        # A new scope keeps the consent's period; a consent given again starts now.
        fresh = Consent(
            citizen=citizen,
            relative=consent.relative,
            relative_name=consent.relative_name,
            relation=consent.relation,
            relation_text=consent.relation_text,
            scope=ConsentScope(action),
            basis=ConsentBasis.WRITTEN,
            valid_from=max(consent.valid_from, now) if current else now,
            valid_to=consent.valid_to if current else None,
        )
        session.add(fresh)
        session.flush()
        _record("consent_given", citizen, fresh, actor)
        return {"changed_consent_id": fresh.id}
    _record("consent_withdrawn", citizen, consent, actor)
    return {"changed_consent_id": consent.id}


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)


@dataclass(frozen=True)
class RelativeLimits:
    """How many relatives may be added through the dialogue within ``window``: per session
    and per citizen (issue 15, High 1; ASVS V8.3: no bulk guessing of CPR numbers)."""

    per_session: int = 3
    per_citizen: int = 5
    window: timedelta = timedelta(hours=24)


def session_key(sid: str) -> str:
    """The stored form of a session id: a hash, so the table holds no live session id."""
    return hashlib.sha256(sid.encode()).hexdigest()


def _within_limits(
    session: Session, citizen: Citizen, sid: str, limits: RelativeLimits, now: datetime
) -> bool:
    since = now - limits.window
    added = (
        Consent.citizen_id == citizen.id,
        Consent.added_in_session.is_not(None),
        Consent.recorded_at > since,
    )
    by_citizen = session.scalar(select(sa.func.count(Consent.id)).where(*added)) or 0
    by_session = (
        session.scalar(
            select(sa.func.count(Consent.id)).where(
                *added, Consent.added_in_session == session_key(sid)
            )
        )
        or 0
    )
    return by_citizen < limits.per_citizen and by_session < limits.per_session


def add_relative(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
    limits: RelativeLimits | None = None,
) -> dict[str, Any]:
    """Give consent to a relative not on the citizen's list yet (002 sections 10 and 16).

    Only the citizen herself: a relative acting on her behalf cannot give others consent.
    The relative is found by CPR number when they exist (another citizen's relative, say),
    else created; MitID finds them by it when they sign in (auth/oidc.person_for). Whether
    the number was known never shows: the citizen sees the name she typed (kept on the
    consent), and the same answer either way (issue 15, High 1).
    """
    citizen = conversation.citizen
    if getattr(actor, "relative", None) is not None or not ctx.is_citizen:
        raise EffectRefused(dialogue_steps.N_("Only the citizen can give or change a consent"))
    sid = getattr(actor, "session_id", "") or ""
    # Before the number is looked up, so the refusal says nothing about it.
    if not sid or not _within_limits(session, citizen, sid, limits or RelativeLimits(), utcnow()):
        raise EffectRefused(
            dialogue_steps.N_(
                "You have added many relatives in a short time. "
                "Try again tomorrow, or call the municipality"
            )
        )
    cpr = normalise_cpr(data["relative_cpr"])
    if cpr == citizen.cpr:
        raise EffectRefused(dialogue_steps.N_("That is your own CPR number. Write your relative's"))
    relative = session.scalars(select(Relative).where(Relative.cpr == cpr)).first()
    mine = (
        [c for c in relative.consents if c.citizen_id == citizen.id] if relative is not None else []
    )
    if mine:
        raise EffectRefused(
            dialogue_steps.N_(
                "%(name)s is already on your list of relatives. You can "
                'change the consent under "Relatives and consent"'
            ),
            {"name": mine[-1].relative_name},  # the name she gave, never another's
        )
    if relative is None:
        # The name stays the first writer's: another citizen cannot rename this person.
        relative = Relative(name=data["relative_name"], cpr=cpr)
        try:
            with session.begin_nested():  # another citizen may add the same person right now
                session.add(relative)
        except IntegrityError:
            relative = session.scalars(select(Relative).where(Relative.cpr == cpr)).one()
        else:
            _record("relative_added", citizen, relative, actor)
    first = date.fromisoformat(data["relative_from"])
    last = data.get("relative_until")
    relation = RelationKind(data.get("relative_relation") or RelationKind.OTHER)
    consent = Consent(
        citizen=citizen,
        relative=relative,
        relative_name=data["relative_name"],
        added_in_session=session_key(sid),
        relation=relation,
        relation_text=(data.get("relative_relation_text") or "")
        if relation is RelationKind.OTHER
        else "",
        scope=ConsentScope(data["relative_scope"]),
        basis=ConsentBasis.WRITTEN,
        valid_from=utcnow() if first <= ctx.today else _local_midnight(first),
        # The last day counts in full: the consent ends when the next day begins.
        valid_to=_local_midnight(date.fromisoformat(last) + timedelta(days=1)) if last else None,
    )
    session.add(consent)
    session.flush()
    _record("consent_given", citizen, consent, actor)
    return {}  # the engine drops the CPR number from the conversation after this effect


EFFECTS = {
    "submit_swap": submit_swap,
    "submit_priority": submit_priority,
    "save_wish": save_wish,
    "submit_reassessment": submit_reassessment,
    "request_call_back": request_call_back,
    "change_consent": change_consent,
    "add_relative": add_relative,
}
