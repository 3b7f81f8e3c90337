"""The dialogue's effects: the requests a confirmed answer writes.

A swap, a priority, a wish, a reassessment, a call back, a consent changed or a relative
added: each is stored with its audit entry (and the citizen told when a relative acted),
in the caller's transaction under its write lock. An effect that can no longer be done
raises EffectRefused and the caller rolls back: nothing changes. The same confirmation
sent twice is one request (its submission token).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selvvisitation.domain import dialogue_steps
from selvvisitation.domain.cpr import normalise_cpr
from selvvisitation.domain.dates import LOCAL
from selvvisitation.domain.dialogue_steps.call_back import (
    MAX_CALL_TEXT,
    PHONE_PROBLEMS,
    danish_phone,
)
from selvvisitation.domain.dialogue_steps.priority import draft_of, problems_of, refusal
from selvvisitation.domain.dialogue_steps.swap import run_check
from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    ConsentBasis,
    ConsentScope,
    PriorityKind,
    PriorityStatus,
    ReassessmentReason,
    RelationKind,
)
from selvvisitation.models import (
    CallBackRequest,
    Citizen,
    Consent,
    Conversation,
    ReassessmentRequest,
    Relative,
    SwapRequest,
    Wish,
)
from selvvisitation.models.base import utcnow
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.security import audit
from selvvisitation.services.ael_visits import new_priority_reference
from selvvisitation.services.bookings import FrameExceeded, Line, VisitUnavailable, book_swap
from selvvisitation.services.cases import call_back_deadline, open_case
from selvvisitation.services.dialogue_context import consent_ended, services_for, swaps_at_visit
from selvvisitation.services.notifications import tell_relative_acted
from selvvisitation.services.references import new_reference

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


def _who(actor: Any) -> dict[str, Any]:
    relative = getattr(actor, "relative", None)
    return {
        "kind": ActorKind.RELATIVE if relative is not None else ActorKind.CITIZEN,
        "relative_id": relative.id if relative is not None else None,
    }


def _record(session: Session, action: str, citizen: Citizen, obj: Any, actor: Any) -> None:
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
            session,
            citizen_id=citizen.id,
            params={"action": action, "object": type(obj).__name__, "id": obj.id},
        )


def _add_and_record(session: Session, action: str, citizen: Citizen, obj: Any, actor: Any) -> None:
    """Store a new row (flushed, so it has its id and reference) and _record it."""
    session.add(obj)
    session.flush()
    _record(session, action, citizen, obj, actor)


def _sent_before[Request: SwapRequest | ReassessmentRequest | CallBackRequest](
    session: Session, model: type[Request], conversation: Conversation
) -> tuple[str, Request | None]:
    """The token a confirmation stores its request under (the conversation and its turn),
    and the request already stored under it: the same confirmation sent twice (a double
    click, a second tab) is one request, not two."""
    token = f"c{conversation.id}-t{conversation.turn}"
    return token, session.scalars(select(model).where(model.submission_token == token)).first()


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
    token, existing = _sent_before(session, SwapRequest, conversation)
    if existing is not None:  # the same confirmation twice: one swap
        return {"reference": existing.reference}
    citizen = conversation.citizen
    visit_id = data.get("visit_id")
    period = (
        None
        if visit_id is not None
        else (date.fromisoformat(data["period"][0]), date.fromisoformat(data["period"][1]))
    )
    services = services_for(session, citizen.municipality_id)
    who = _who(actor)
    try:
        swap = book_swap(
            session,
            citizen_id=citizen.id,
            visit_id=visit_id,
            period=period,
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
    _record(session, "swap_requested", citizen, swap, actor)
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
    _add_and_record(session, "priority_requested", citizen, priority, actor)
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
    _add_and_record(session, "wish_saved", conversation.citizen, wish, actor)
    return {"reference": wish.reference}


def submit_reassessment(
    session: Session,
    conversation: Conversation,
    ctx: dialogue_steps.Context,
    data: Mapping[str, Any],
    actor: Any,
) -> dict[str, Any]:
    token, existing = _sent_before(session, ReassessmentRequest, conversation)
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
    _add_and_record(session, "reassessment_requested", citizen, request, actor)
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
    token, existing = _sent_before(session, CallBackRequest, conversation)
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
    _add_and_record(session, "call_back_requested", citizen, request, actor)
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
    current = not consent_ended(consent, now)
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
        _add_and_record(session, "consent_given", citizen, fresh, actor)
        return {"changed_consent_id": fresh.id}
    _record(session, "consent_withdrawn", citizen, consent, actor)
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
    else created; MitID finds them by it when they sign in (services/mitid_sign_in.py).
    Whether the number was known never shows: the citizen sees the name she typed (kept on
    the consent), and the same answer either way (issue 15, High 1).
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
            _record(session, "relative_added", citizen, relative, actor)
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
    _add_and_record(session, "consent_given", citizen, consent, actor)
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
