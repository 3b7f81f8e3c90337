"""The home-care worker's day list read as plain rows (issue 17).

The list shows of each visit its time, the citizen's name, address, phone and access note,
the planned lines (services with minutes, or an AEL visit's elements) and, rarely, a change
or a move request. It was read as ORM objects with every relationship joined, some 150
objects per team day, costing more than rendering them; here it is one statement of the
columns shown, gathered into small frozen records with the same attribute names the
template and wishes_for / priorities_for read. Changes and move requests are records too,
with the attributes the change's macro (shared with the week's list, which passes ORM
objects) and the move request's line read.

Like every service module: takes the session, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, aliased

from selvvisitation.database import NoIndexOnSQLite
from selvvisitation.domain.types import (
    CancelReason,
    DeclineReason,
    LapseReason,
    MoveRequestStatus,
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
    SwapStatus,
    VisitChangeKind,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    CareProgrammeElement,
    Citizen,
    MoveRequest,
    Relative,
    Service,
    SwapLine,
    SwapRequest,
    Visit,
    VisitChange,
    VisitElement,
    VisitService,
    Wish,
)
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.services.ael_visits import PRIORITIES_SHOWN, priorities_by_visit
from selvvisitation.services.column_reads import read_columns
from selvvisitation.services.for_visits import at_visits_or_standing
from selvvisitation.services.staff_visits import (
    WISHES_SHOWN,
    VisitWishes,
    wishes_bound,
    wishes_by_visit,
)


@dataclass(frozen=True)
class ListedCitizen:
    name: str
    address: str | None
    phone: str | None
    access_note: str | None


@dataclass(frozen=True)
class Named:
    """A service or an element as the list names it (formatters.service_name, or the
    element's name in the user's language)."""

    name_da: str
    name_en: str


@dataclass(frozen=True)
class ListedService:
    service: Named | None  # None: a line in free text
    planned_minutes: int
    outcome: VisitServiceOutcome


@dataclass(frozen=True)
class ListedElement:
    element: Named


@dataclass(frozen=True)
class ListedRelative:
    name: str


@dataclass(frozen=True)
class ListedChange:
    """A cancellation or a move, with what templates/staff/_visit_change.html and the
    cancel_reason filter read."""

    id: int
    kind: VisitChangeKind
    by_provider: bool
    reason: CancelReason | None
    reason_text: str
    old_starts_at: datetime
    notice_due: bool
    created_at: datetime
    created_by_relative_id: int | None
    created_by_relative: ListedRelative | None


@dataclass(frozen=True)
class ListedMoveRequest:
    id: int
    status: MoveRequestStatus
    wish: str


@dataclass
class ListedVisit:
    """One visit as the day list shows it, with what wishes_for and priorities_for read."""

    id: int
    citizen_id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    time_frame_minutes: int
    cancelled: bool
    recorded_at: datetime | None
    planned_staff_id: int | None
    citizen: ListedCitizen
    services: list[ListedService] = field(default_factory=list)
    elements: list[ListedElement] = field(default_factory=list)
    changes: list[ListedChange] = field(default_factory=list)
    move_requests: list[ListedMoveRequest] = field(default_factory=list)

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None


# Who cancelled for the citizen, in the same statement (the change's macro names her).
_CANCELLED_BY = aliased(Relative)


def _leading_fields(record: type, *then: str) -> tuple[str, ...]:
    """The record's fields before ``then``, which must be its last, in that order.

    They are read from its table's columns of the same names and given to the record by
    position, in its own order: as cheap as the statement's positions were, and a field
    moved in the record cannot take another's value unnoticed.
    """
    names = tuple(f.name for f in fields(record))
    if names[len(names) - len(then) :] != then:
        raise TypeError(f"{record.__name__}'s last fields are not {then}")
    return names[: len(names) - len(then)]


def _labelled(model: Any, names: tuple[str, ...], prefix: str = "") -> list[Any]:
    """The model's columns of these names, each labelled with its name after ``prefix``:
    the rows are read by label, never by position."""
    return [getattr(model, name).label(f"{prefix}{name}") for name in names]


_VISIT_COLUMNS = _leading_fields(
    ListedVisit, "citizen", "services", "elements", "changes", "move_requests"
)
_CITIZEN_COLUMNS = _leading_fields(ListedCitizen)
_CHANGE_COLUMNS = _leading_fields(ListedChange, "created_by_relative")
_MOVE_COLUMNS = _leading_fields(ListedMoveRequest)

# Built once: composing a select of 34 columns and 8 joins cost more than running it
# (issue 17); each request binds its team and day. Columns only: an ORM entity among them
# (the change, the move request) made every row go through the ORM's loading, some 0.4 ms
# of a day list's 1.3. Each column is labelled and read by its label (_AT), so two columns
# changing places cannot mix the records' fields.
_DAY_LIST = (
    select(
        *_labelled(Visit, _VISIT_COLUMNS),
        *_labelled(Citizen, _CITIZEN_COLUMNS),
        VisitService.id.label("service_line"),
        VisitService.planned_minutes.label("planned_minutes"),
        VisitService.outcome.label("outcome"),
        Service.name_da.label("service_da"),
        Service.name_en.label("service_en"),
        VisitElement.id.label("element_line"),
        CareProgrammeElement.name_da.label("element_da"),
        CareProgrammeElement.name_en.label("element_en"),
        *_labelled(VisitChange, _CHANGE_COLUMNS, "change_"),
        _CANCELLED_BY.name.label("change_relative"),
        *_labelled(MoveRequest, _MOVE_COLUMNS, "move_"),
    )
    .join(Citizen, Citizen.id == Visit.citizen_id)
    # The lines on their own day too: where visit_service is partitioned by month only
    # that month's partition is read (as team_visits). SQLite, without statistics, picked
    # the day's index for this join and read every line of the municipality's day for each
    # visit; it is kept to the visit id's (issue 17: the statement 0.54 -> 0.26 ms of
    # SQLite's CPU on the demo's 30 visits, and not growing with the municipality's size).
    .outerjoin(
        VisitService,
        and_(VisitService.visit_id == Visit.id, NoIndexOnSQLite(VisitService.day) == Visit.day),
    )
    .outerjoin(Service, Service.id == VisitService.service_id)
    .outerjoin(VisitElement, VisitElement.visit_id == Visit.id)
    .outerjoin(CareProgrammeElement, CareProgrammeElement.id == VisitElement.element_id)
    .outerjoin(VisitChange, VisitChange.visit_id == Visit.id)
    .outerjoin(_CANCELLED_BY, _CANCELLED_BY.id == VisitChange.created_by_relative_id)
    .outerjoin(MoveRequest, MoveRequest.visit_id == Visit.id)
    .where(Visit.team_id == bindparam("team_id"), Visit.day == bindparam("day"))
    .order_by(
        Visit.starts_at,
        Visit.id,
        VisitService.id,
        VisitElement.id,
        VisitChange.created_at,
        VisitChange.id,
        MoveRequest.created_at,
        MoveRequest.id,
    )
)

# Each label's position in _DAY_LIST's rows, found once: indexing the row costs a fraction
# of row._mapping, which builds a mapping for every row (some 0.8 µs on SQLAlchemy 2.1).
_AT = {label: at for at, label in enumerate(_DAY_LIST.selected_columns.keys())}


def _read(*labels: str) -> itemgetter[Any]:
    """The row's values of these labels, in their order."""
    return itemgetter(*(_AT[label] for label in labels))


# What a row gives each record, read by the columns' labels in the record's field order.
_VISIT = _read(*_VISIT_COLUMNS)
_CITIZEN = _read(*_CITIZEN_COLUMNS)
_SERVICE = _read("planned_minutes", "outcome", "service_da", "service_en")
_ELEMENT = _read("element_da", "element_en")
_CHANGE = _read(*(f"change_{name}" for name in _CHANGE_COLUMNS))
_MOVE = _read(*(f"move_{name}" for name in _MOVE_COLUMNS))
_VISIT_ID = _AT["id"]
_SERVICE_LINE = _AT["service_line"]
_ELEMENT_LINE = _AT["element_line"]
_CHANGE_ID = _AT["change_id"]
_CHANGE_RELATIVE = _AT["change_relative"]
_MOVE_ID = _AT["move_id"]


def day_list(session: Session, team_id: int | None, day: date) -> list[ListedVisit]:
    """The team's visits of the day in time order, as services.staff_visits.team_visits
    gives them (lines in their order, changes and move requests oldest first), in one
    statement whatever the team's size."""
    if team_id is None:
        return []
    rows = read_columns(session, _DAY_LIST, {"team_id": team_id, "day": day}).all()
    visits: dict[int, ListedVisit] = {}
    # Each line once: the joins repeat a visit's row for every combination of its lines.
    seen: set[tuple[str, int]] = set()
    for row in rows:
        visit = visits.get(row[_VISIT_ID])
        if visit is None:
            citizen = ListedCitizen(*_CITIZEN(row))
            # Its own fields from the row, in its order (_leading_fields), then the citizen.
            visit = visits[row[_VISIT_ID]] = ListedVisit(*_VISIT(row) + (citizen,))
        _gather(visit, row, seen)
    return list(visits.values())


def _gather(visit: ListedVisit, row: Any, seen: set[tuple[str, int]]) -> None:
    """The row's service line, element, change and move request, each once."""
    service_line = row[_SERVICE_LINE]
    if service_line is not None and ("s", service_line) not in seen:
        seen.add(("s", service_line))
        minutes, outcome, service_da, service_en = _SERVICE(row)
        service = None if service_da is None else Named(service_da, service_en)
        visit.services.append(ListedService(service, planned_minutes=minutes, outcome=outcome))
    element_line = row[_ELEMENT_LINE]
    if element_line is not None and ("e", element_line) not in seen:
        seen.add(("e", element_line))
        element_da, element_en = _ELEMENT(row)
        visit.elements.append(ListedElement(Named(element_da, element_en)))
    change = row[_CHANGE_ID]
    if change is not None and ("c", change) not in seen:
        seen.add(("c", change))
        relative_name = row[_CHANGE_RELATIVE]
        relative = None if relative_name is None else ListedRelative(relative_name)
        visit.changes.append(ListedChange(*_CHANGE(row) + (relative,)))
    move = row[_MOVE_ID]
    if move is not None and ("m", move) not in seen:
        seen.add(("m", move))
        visit.move_requests.append(ListedMoveRequest(*_MOVE(row)))


@dataclass(frozen=True)
class ListedSwapLine:
    service: Named | None  # None: a line in free text
    free_text: str | None
    minutes: int


@dataclass
class ListedSwap:
    """A swap as the list shows it (templates/staff/_wishes.html), with what wishes_by_visit
    groups it by."""

    created_by_relative: ListedRelative | None
    id: int
    reference: str
    citizen_id: int
    visit_id: int | None
    period_start: date | None
    period_end: date | None
    from_standing_id: int | None
    status: SwapStatus
    decline_reason: DeclineReason | None
    decline_text: str
    lapsed_reason: LapseReason | None
    # The swap's lines in their order, as SwapRequest.dropped and .added give them.
    dropped: list[ListedSwapLine] = field(default_factory=list)
    added: list[ListedSwapLine] = field(default_factory=list)


@dataclass(frozen=True)
class ListedWish:
    citizen_id: int
    visit_id: int | None
    kind: str
    text: str


_ASKED_BY = aliased(Relative)

# ListedSwap's fields read from the swap's own columns: the records are built by these
# names from the row, so a column added to the select cannot shift a field.
_SWAP_COLUMNS = tuple(
    name
    for name in (f.name for f in fields(ListedSwap))
    if name not in {"created_by_relative", "dropped", "added"}
)

# staff_visits' swaps shown with visits, as columns (the same rows, in the same order, a
# line per row): the ORM's joined loading of each swap's lines, their services and who
# asked cost twice the statement (issue 17). Built once; each request binds its visits.
_DAY_SWAPS = (
    select(
        *_labelled(SwapRequest, _SWAP_COLUMNS),
        _ASKED_BY.name.label("asked_by"),
        SwapLine.kind.label("line_kind"),
        Service.name_da.label("service_da"),
        Service.name_en.label("service_en"),
        SwapLine.free_text.label("line_free_text"),
        SwapLine.minutes.label("line_minutes"),
    )
    .outerjoin(_ASKED_BY, _ASKED_BY.id == SwapRequest.created_by_relative_id)
    .outerjoin(SwapLine, SwapLine.swap_id == SwapRequest.id)
    .outerjoin(Service, Service.id == SwapLine.service_id)
    .where(
        at_visits_or_standing(SwapRequest, SwapRequest.status == SwapStatus.REQUESTED),
        SwapRequest.status != SwapStatus.WITHDRAWN,
    )
    .order_by(SwapRequest.created_at, SwapRequest.id, SwapLine.id)
)
_DAY_WISHES = WISHES_SHOWN.with_only_columns(Wish.citizen_id, Wish.visit_id, Wish.kind, Wish.text)


def day_list_wishes(session: Session, visits: list[ListedVisit]) -> dict[int, VisitWishes]:
    """staff_visits.wishes_for of the day list's visits, read as records in the same two
    statements: the swaps with their lines, and the citizens' active wishes."""
    if not visits:
        return {}
    bound = wishes_bound(visits)
    swaps: dict[int, ListedSwap] = {}
    for row in read_columns(session, _DAY_SWAPS, bound):
        columns = row._mapping
        swap = swaps.get(columns["id"])
        if swap is None:
            asked_by = columns["asked_by"]
            swap = swaps[columns["id"]] = ListedSwap(
                created_by_relative=None if asked_by is None else ListedRelative(asked_by),
                **{name: columns[name] for name in _SWAP_COLUMNS},
            )
        line_kind = columns["line_kind"]
        if line_kind is not None:
            service_da = columns["service_da"]
            service = None if service_da is None else Named(service_da, columns["service_en"])
            line = ListedSwapLine(service, columns["line_free_text"], columns["line_minutes"])
            if line_kind == "drop":
                swap.dropped.append(line)
            elif line_kind == "add":
                swap.added.append(line)
    wishes = [
        ListedWish(row[0], row[1], row[2], row[3])
        for row in read_columns(session, _DAY_WISHES, {"citizen_ids": bound["citizen_ids"]})
    ]
    return wishes_by_visit(visits, list(swaps.values()), wishes)


@dataclass(frozen=True)
class ListedPriority:
    """An AEL citizen's priority as templates/staff/_priorities.html shows it, with what
    ael_visits.priorities_by_visit groups it by."""

    element: Named | None
    created_by_relative: ListedRelative | None
    id: int
    citizen_id: int
    visit_id: int | None
    standing_priority_id: int | None
    period_start: date | None
    period_end: date | None
    kind: PriorityKind
    text: str
    status: PriorityStatus
    not_met_reason: PriorityNotMetReason | None
    not_met_text: str


_PRIORITY_ASKED_BY = aliased(Relative)

# ListedPriority's fields read from the priority's own columns, by name (as _SWAP_COLUMNS).
_PRIORITY_COLUMNS = tuple(
    name
    for name in (f.name for f in fields(ListedPriority))
    if name not in {"element", "created_by_relative"}
)

# ael_visits.priorities_for's statement as columns (the same rows in the same order): the
# ORM's loading of each priority with its element and who asked cost more than the
# statement (issue 17). Built once; each request binds its visits.
_DAY_PRIORITIES = (
    select(
        *_labelled(VisitPriority, _PRIORITY_COLUMNS),
        CareProgrammeElement.name_da.label("element_da"),
        CareProgrammeElement.name_en.label("element_en"),
        _PRIORITY_ASKED_BY.name.label("asked_by"),
    )
    .outerjoin(CareProgrammeElement, CareProgrammeElement.id == VisitPriority.element_id)
    .outerjoin(_PRIORITY_ASKED_BY, _PRIORITY_ASKED_BY.id == VisitPriority.created_by_relative_id)
    .where(*PRIORITIES_SHOWN)
    .order_by(VisitPriority.created_at, VisitPriority.id)
)


def day_list_priorities(session: Session, visits: list[ListedVisit]) -> dict[int, list[Any]]:
    """ael_visits.priorities_for of the day list's visits, read as records in the same one
    statement."""
    if not visits:
        return {}
    priorities = []
    for row in read_columns(session, _DAY_PRIORITIES, wishes_bound(visits)):
        columns = row._mapping
        element_da, asked_by = columns["element_da"], columns["asked_by"]
        priorities.append(
            ListedPriority(
                element=None if element_da is None else Named(element_da, columns["element_en"]),
                created_by_relative=None if asked_by is None else ListedRelative(asked_by),
                **{name: columns[name] for name in _PRIORITY_COLUMNS},
            )
        )
    return priorities_by_visit(visits, priorities)
