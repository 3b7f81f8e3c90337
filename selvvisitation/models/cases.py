"""Flags, cases for the visitators, reassessment requests and staff reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    CaseStatus,
    FlagRule,
    FlagStatus,
    ReassessmentReason,
)
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow
from selvvisitation.models.citizen import Citizen
from selvvisitation.models.organisation import Provider, Team

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service
    from selvvisitation.models.users import StaffUser


def _open_queue_index(name: str, *filtered_by: str) -> sa.Index:
    return sa.Index(
        name,
        "municipality_id",
        *filtered_by,
        "priority",
        "deadline",
        "id",
        sqlite_where=sa.text("status <> 'closed'"),
        postgresql_where=sa.text("status <> 'closed'"),
    )


class Case(Model):
    __tablename__ = "case"
    __table_args__ = (
        # The visitators' work queue: open cases in queue order (priority, deadline, id),
        # read page by page with keyset paging, so the first and the hundredth page cost
        # the same (issue 5: fast with 100,000 citizens). One index per filter the queue
        # offers, each in queue order, so a filtered page is read straight off its index
        # too; the count of a filter is an index-only scan of its open cases.
        _open_queue_index("ix_case_open_queue"),
        _open_queue_index("ix_case_open_team", "team_id"),
        _open_queue_index("ix_case_open_provider", "provider_id"),
        _open_queue_index("ix_case_open_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"))
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.OPEN)
    priority: Mapped[int] = mapped_column(default=2)  # 1 high, 2 normal, 3 low
    # The citizen's own words that made it high ("faldet", "hospital"; domain/urgency.py),
    # shown in the queue; the visitator may change the priority.
    priority_words: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Counted in working days (hverdage); every case has one (services.cases.open_case), and
    # the queue's keyset paging compares (priority, deadline, id) as one row.
    deadline: Mapped[date]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    # What the citizen is told under "Dine sager", written for her by the visitator; the
    # outcome above is the staff's reason and never shown to her (issue 12, 7).
    outcome_for_citizen: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_to_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    # The citizen's team and provider, copied so the queue filters read one index instead
    # of joining every open case to its citizen. Kept equal to the citizen's on every open
    # case by _place_cases below (set on opening, moved with the citizen); a closed case
    # keeps the team and provider it was closed under.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"))
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"))

    citizen: Mapped[Citizen] = relationship()
    team: Mapped[Team | None] = relationship()
    provider: Mapped[Provider | None] = relationship()
    assigned_to: Mapped[StaffUser | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all", order_by="CaseEvent.at"
    )
    flags: Mapped[list[Flag]] = relationship(back_populates="case")


_PLACEMENT = (("team", Team), ("provider", Provider))


def _placement_changed(citizen: Citizen) -> bool:
    attrs = inspect(citizen).attrs
    return any(
        attrs[name].history.has_changes() or attrs[f"{name}_id"].history.has_changes()
        for name, _model in _PLACEMENT
    )


def _placed(session: Session, citizen: Citizen, name: str, model: type) -> Any:
    """The citizen's team (or provider) as this flush will write it.

    Set by object (``citizen.team = t``; t may not have an id yet), that object; else
    the key, which is right even where a loaded ``citizen.team`` went stale because
    ``citizen.team_id`` was set (in this flush or an earlier one).
    """
    if inspect(citizen).attrs[name].history.has_changes():
        return getattr(citizen, name)
    key = getattr(citizen, f"{name}_id")
    return None if key is None else session.get(model, key)


def _place(session: Session, case: Case, citizen: Citizen) -> None:
    for name, model in _PLACEMENT:
        value = _placed(session, citizen, name, model)
        if getattr(case, name) is not value:
            setattr(case, name, value)


@event.listens_for(Session, "before_flush")
def _place_cases(session: Session, _ctx: Any, _instances: Any) -> None:
    """Keep every open case's team and provider equal to its citizen's.

    A new case takes the citizen's; a citizen who moves to another team or provider
    (the import, an admin, a test) takes their open cases along. Whatever path changes
    the citizen, the queue's team and provider filters stay right.
    """
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Case):
                citizen = obj.citizen or (
                    session.get(Citizen, obj.citizen_id) if obj.citizen_id else None
                )
                if citizen is not None:
                    _place(session, obj, citizen)
        moved = {
            obj.id: obj
            for obj in session.dirty
            if isinstance(obj, Citizen) and obj not in session.deleted and _placement_changed(obj)
        }
        if not moved:
            return
        open_cases = session.scalars(
            select(Case).where(Case.citizen_id.in_(list(moved)), Case.status != CaseStatus.CLOSED)
        )
        for case in open_cases:
            if case.status != CaseStatus.CLOSED:  # not closed in this flush either
                _place(session, case, moved[case.citizen_id])


class CaseEvent(Model):
    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    actor_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    actor_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))  # opened, dismissed, decision_changed, …
    text: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Flag(Model):
    """A reason to look again at a citizen's decision (rule 7; seed 003).

    Never deleted: a flag that no longer holds is closed with its reason; one a
    visitator dismissed stays dismissed, and only later evidence raises it again.
    """

    __tablename__ = "flag"
    __table_args__ = (
        # At most one open flag per citizen and finding key: evaluation is idempotent.
        sa.Index(
            "uq_flag_open_key",
            "citizen_id",
            "key",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    rule: Mapped[FlagRule] = mapped_column(enum_column(FlagRule))
    key: Mapped[str] = mapped_column(sa.String(120))
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus), default=FlagStatus.OPEN)
    period_start: Mapped[date]
    period_end: Mapped[date]
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    dismissed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)

    citizen: Mapped[Citizen] = relationship()
    service: Mapped[Service | None] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="flags")


class ReassessmentRequest(Model):
    """A request for revisitation from the citizen, a relative (FSIII A2) or home care (A4)."""

    __tablename__ = "reassessment_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shown on the citizen's confirmation page (issue 12): "REV-" and eight digits.
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    reason: Mapped[ReassessmentReason] = mapped_column(enum_column(ReassessmentReason))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    relative_participates: Mapped[bool] = mapped_column(default=False)
    preferred_time: Mapped[str] = mapped_column(sa.String(200), default="")
    fsiii_code: Mapped[str | None] = mapped_column(sa.String(10))
    requested_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    requested_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    requested_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    citizen: Mapped[Citizen] = relationship()
    case: Mapped[Case | None] = relationship()


class CallBackRequest(Model):
    """ "Ring mig op" (issue 13): the number to call, a good time and what it is about.

    Opens a case for the visitation with its deadline in working days (the municipality's
    ``call_back_working_days``, default the next working day). A relative with consent to
    act may ask; then the relative's own number is called (services.dialogue_effects).
    """

    __tablename__ = "call_back_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shown on the citizen's confirmation page (issue 12): "OPK-" and eight digits.
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40))
    good_time: Mapped[str] = mapped_column(sa.String(20))  # dialogue_steps.primitives.GOOD_TIMES
    text: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    requested_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    citizen: Mapped[Citizen] = relationship()
    case: Mapped[Case] = relationship()


class StaffReport(Model):
    """A provider's report of changed need (000, 002, 003): worse or better."""

    __tablename__ = "staff_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))  # worse / better
    # Events to phone in at once (000): serious_failure, abuse, hospital, accident.
    urgent_event: Mapped[str | None] = mapped_column(sa.String(30))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    citizen: Mapped[Citizen] = relationship()
    case: Mapped[Case | None] = relationship()
