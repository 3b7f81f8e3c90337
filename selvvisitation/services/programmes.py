"""The municipality's forløb catalogue and priority examples (issue 11; DOMAIN.md "Ældreloven").

Each save is one transaction with its audit entry (issue 16; services.transaction): the
change and the entry are committed together, and a refused change (ProgrammeError) or a
failure leaves nothing written. An element already granted to a citizen stays: a decision
is what she was told, so it cannot lose the element it names (its text may still be
corrected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.fsiii_elderly import is_elderly_code
from selvvisitation.models import (
    CareProgramme,
    CareProgrammeElement,
    GrantedElement,
    PriorityExample,
    StaffUser,
)
from selvvisitation.services.admin import record_by
from selvvisitation.services.transaction import one_transaction

PROGRAMME_FIELDS = (
    "code",
    "name_da",
    "name_en",
    "description_da",
    "description_en",
    "indicative_hours_per_week",
    "active",
)
ELEMENT_FIELDS = ("fsiii_code", "name_da", "name_en", "description_da", "description_en")


class ProgrammeError(ValueError):
    """The catalogue change breaks a rule; ``code`` names which, ``index`` the element line."""

    def __init__(self, code: str, index: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.index = index


@dataclass(frozen=True)
class ElementLine:
    """One element line of the form: ``element_id`` for an element already there."""

    element_id: int | None
    fsiii_code: str
    name_da: str
    name_en: str
    description_da: str = ""
    description_en: str = ""


def programmes_in(session: Session, municipality_id: int) -> list[CareProgramme]:
    return list(
        session.scalars(
            select(CareProgramme)
            .where(CareProgramme.municipality_id == municipality_id)
            .order_by(CareProgramme.name_da)
        )
    )


def programme_of(session: Session, municipality_id: int, programme_id: int) -> CareProgramme | None:
    programme = session.get(CareProgramme, programme_id)
    return programme if programme and programme.municipality_id == municipality_id else None


def _granted(session: Session, element_ids: Sequence[int]) -> set[int]:
    if not element_ids:
        return set()
    return set(
        session.scalars(
            select(GrantedElement.element_id)
            .where(GrantedElement.element_id.in_(element_ids))
            .group_by(GrantedElement.element_id)
        )
    )


def save_programme(
    session: Session,
    admin: StaffUser,
    programme: CareProgramme | None,
    data: dict[str, Any],
    lines: Sequence[ElementLine],
) -> CareProgramme:
    """Add a forløb to the admin's catalogue (``programme`` None) or change one, with its
    elements and the audit entry of what changed; one transaction.

    Raises ProgrammeError, and writes nothing: "code_taken", "no_elements",
    "not_elderly_code" (the line's FSIII code is not one of the nine Ældrelovsindsats),
    "element_granted" (an element a citizen has been granted cannot be taken out).
    """
    action = "create" if programme is None else "update"
    if programme is None:
        programme = CareProgramme(municipality_id=admin.municipality_id)
    with one_transaction(session):
        changes = _apply_programme(session, programme, data, lines)
        record_by(admin, action, "care_programme", programme.id, "catalogue", changes=changes)
    return programme


def _apply_programme(
    session: Session,
    programme: CareProgramme,
    data: dict[str, Any],
    lines: Sequence[ElementLine],
) -> dict[str, Any]:
    """Set the forløb and its elements from the form; return what changed, for the audit log."""
    code = data["code"].strip()
    taken = session.scalar(
        select(func.count())
        .select_from(CareProgramme)
        .where(
            CareProgramme.municipality_id == programme.municipality_id,
            CareProgramme.code == code,
            CareProgramme.id != (programme.id or 0),
        )
    )
    if taken:
        raise ProgrammeError("code_taken")
    if not lines:
        raise ProgrammeError("no_elements")
    for index, line in enumerate(lines):
        if not is_elderly_code(line.fsiii_code):
            raise ProgrammeError("not_elderly_code", index)
    existing = {e.id: e for e in programme.elements}
    kept = {line.element_id for line in lines if line.element_id in existing}
    removed = [e for e in programme.elements if e.id not in kept]
    if _granted(session, [e.id for e in removed]):
        raise ProgrammeError("element_granted")

    changes: dict[str, Any] = {}
    values = {name: data[name] for name in PROGRAMME_FIELDS} | {"code": code}
    for name, value in values.items():
        if getattr(programme, name, None) != value:
            changes[name] = [str(getattr(programme, name, None)), str(value)]
            setattr(programme, name, value)
    if changes:
        programme.is_placeholder = False  # the municipality's own words now
    for gone in removed:
        programme.elements.remove(gone)
        changes[f"element.{gone.id}"] = [gone.name_da, "removed"]
    for position, line in enumerate(lines, start=1):
        element = existing.get(line.element_id) if line.element_id else None
        if element is None:
            element = CareProgrammeElement()
            programme.elements.append(element)
            changes[f"element.new.{position}"] = ["", line.name_da]
        for name in ELEMENT_FIELDS:
            value = getattr(line, name).strip()
            if getattr(element, name, None) != value:
                setattr(element, name, value)
        element.position = position
    session.add(programme)
    session.flush()
    return changes


def examples_in(session: Session, municipality_id: int) -> list[PriorityExample]:
    return list(
        session.scalars(
            select(PriorityExample)
            .where(PriorityExample.municipality_id == municipality_id)
            .order_by(PriorityExample.active.desc(), PriorityExample.position)
        )
    )


def save_examples(
    session: Session, admin: StaffUser, pairs: Sequence[tuple[str, str]]
) -> list[PriorityExample]:
    """The admin's municipality's priority examples, in order: (Danish, English), with the
    audit entry; one transaction."""
    with one_transaction(session):
        result = _apply_examples(session, admin.municipality_id, pairs)
        examples = [da for da, _en in pairs]
        record_by(
            admin,
            "update",
            "priority_example",
            admin.municipality_id,
            "catalogue",
            examples=examples,
        )
    return result


def _apply_examples(
    session: Session, municipality_id: int, pairs: Sequence[tuple[str, str]]
) -> list[PriorityExample]:
    """Rows are reused by position; examples left over are kept but no longer offered (a
    citizen's priority keeps its own words)."""
    rows = [e for e in examples_in(session, municipality_id)]
    rows.sort(key=lambda e: e.position)
    result = []
    for position, (text_da, text_en) in enumerate(pairs, start=1):
        row = rows[position - 1] if position <= len(rows) else None
        if row is None:
            row = PriorityExample(municipality_id=municipality_id)
            session.add(row)
        row.text_da, row.text_en, row.position, row.active = text_da, text_en, position, True
        result.append(row)
    for row in rows[len(pairs) :]:
        row.active = False
    session.flush()
    return result
