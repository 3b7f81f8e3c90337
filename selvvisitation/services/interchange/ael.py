"""Format version 2's Ældreloven parts: check, write and export them (docs/import-format.md).

DOMAIN.md "Ældreloven": a decision under ÆL § 10 grants a forløb from the municipality's
catalogue, whose elements carry FSIII Ældrelovsindsats codes, not services with minutes; the
citizen sets priorities instead of swapping (§ 94 a falls away, Serviceloven § 2 stk. 5);
a visit records the elements done and, by our reading, no minutes. services/interchange/
calls these at its seams (the checker, the writer, the export); the field tables are in
fields.py. No Flask.

A forløb's elements are numbered by their place in its ``elements`` (1 = the first), and
everything that names an element (a granted element, a visit's element line, a priority)
gives the forløb's code and that number, as a visit line names its grant.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.types import LegalBasis
from selvvisitation.models import (
    CareProgramme,
    CareProgrammeElement,
    Citizen,
    Decision,
    GrantedElement,
    Municipality,
    PriorityExample,
    Visit,
    VisitElement,
    VisitPriority,
)
from selvvisitation.services.interchange.fields import (
    CARE_PROGRAMME,
    GRANTED_ELEMENT,
    PRIORITY,
    PRIORITY_EXAMPLE,
    PROGRAMME_ELEMENT,
    VISIT_ELEMENT,
    dicts_of,
    dump_fields,
    json_path,
    parse_date,
    str_or_none,
)

if TYPE_CHECKING:
    from selvvisitation.services.interchange.validate import _Checker
    from selvvisitation.services.interchange.write import _Writer

# An element of the catalogue, as the document names it: (forløb code, number from 1).
ElementKey = tuple[str, int]


# --- checking ------------------------------------------------------------------------------


def check_catalogue(checker: _Checker, document: dict[str, Any]) -> dict[str, int]:
    """Check the forløb catalogue; return each forløb's code with its number of elements."""
    checker.unique(
        document.get("care_programmes"), ["care_programmes"], "code", "forløb code", "forløbskode"
    )
    sizes: dict[str, int] = {}
    for _index, programme in dicts_of(document.get("care_programmes")):
        code = str_or_none(programme.get("code"))
        if code is not None:
            sizes.setdefault(code, len(dicts_of(programme.get("elements"))))
    return sizes


def _element_ref(
    checker: _Checker,
    item: dict[str, Any],
    where: list[str | int],
    programmes: dict[str, int],
    programme: Any = None,
) -> None:
    """The forløb (``programme`` or the item's own) must be in the file, with that element."""
    code = item.get("programme") if programme is None else programme
    number = item.get("element")
    if programme is None and (code is None) != (number is None):
        checker.add(
            [*where, "element" if number is None else "programme"],
            "Give both programme and element, or neither.",
            "Angiv både programme og element, eller ingen af dem.",
        )
        return
    if not isinstance(code, str) or not isinstance(number, int) or isinstance(number, bool):
        return
    if code not in programmes:
        if programme is None:
            checker.unknown([*where, "programme"], "forløb code", "forløbskode", code)
    elif not 1 <= number <= programmes[code]:
        checker.add(
            [*where, "element"],
            f'The forløb "{code}" has no element number {number}.',
            f'Forløbet "{code}" har intet element nummer {number}.',
        )


def check_decision(
    checker: _Checker,
    decision: dict[str, Any],
    where: list[str | int],
    programmes: dict[str, int],
    providers: set[str],
    version: Any,
) -> None:
    """The decision's forløb, provider and elements; and what its legal basis allows.

    DOMAIN.md "Ældreloven" (law): an ÆL decision grants a forløb (§ 10), not services with
    minutes; help under ÆL excludes help under Serviceloven § 83 (SEL § 2 stk. 5).
    """
    checker.ref(decision, "care_programme", set(programmes), where, "forløb code", "forløbskode")
    checker.ref(decision, "provider", providers, where, "provider", "leverandør")
    elements = dicts_of(decision.get("granted_elements"))
    programme = decision.get("care_programme")
    if elements and programme is None:
        checker.add(
            [*where, "care_programme"],
            "A decision with granted_elements names its forløb in care_programme.",
            "En afgørelse med granted_elements angiver sit forløb i care_programme.",
        )
    for g, line in elements:
        _element_ref(checker, line, [*where, "granted_elements", g], programmes, programme or "")
    basis = decision.get("legal_basis", "sel" if version == 1 else None)
    if basis == LegalBasis.SEL and (programme is not None or elements):
        checker.add(
            [*where, "legal_basis"],
            'A decision under Serviceloven ("sel") grants services, not a forløb: '
            'leave out care_programme and granted_elements, or set legal_basis to "ael".',
            'En afgørelse efter serviceloven ("sel") bevilger ydelser, ikke et forløb: '
            'udelad care_programme og granted_elements, eller sæt legal_basis til "ael".',
        )
    if basis == LegalBasis.AEL and dicts_of(decision.get("granted_services")):
        checker.add(
            [*where, "granted_services"],
            'A decision under Ældreloven ("ael") grants a forløb, not services with minutes: '
            "leave out granted_services.",
            'En afgørelse efter ældreloven ("ael") bevilger et forløb, ikke ydelser med '
            "minutter: udelad granted_services.",
        )


def check_visit_elements(
    checker: _Checker, visit: dict[str, Any], where: list[str | int], programmes: dict[str, int]
) -> None:
    for e, line in dicts_of(visit.get("elements")):
        _element_ref(checker, line, [*where, "elements", e], programmes)


def check_priorities(
    checker: _Checker,
    citizen: dict[str, Any],
    at: list[str | int],
    *,
    programmes: dict[str, int],
    visits: set[str],
    relatives: set[str],
    seen: dict[str, list[str | int]],
) -> None:
    """References, periods and the standing priority an answer belongs to.

    ``seen`` holds every priority reference of the file so far: a reference is one
    priority's receipt, for one citizen.
    """
    items = dicts_of(citizen.get("priorities"))
    references = checker.unique(
        citizen.get("priorities"),
        [*at, "priorities"],
        "reference",
        "priority reference",
        "prioritets-reference",
    )
    for reference, index in references.items():
        here: list[str | int] = [*at, "priorities", index, "reference"]
        if reference in seen:
            checker.add(
                here,
                f"The same priority reference as {json_path(seen[reference])}.",
                f"Samme prioritets-reference som {json_path(seen[reference])}.",
            )
        seen.setdefault(reference, here)
    standing = {
        standing_reference
        for _p, priority in items
        if priority.get("visit") is None
        and (standing_reference := str_or_none(priority.get("reference"))) is not None
    }
    for p, priority in items:
        where = [*at, "priorities", p]
        checker.ref(priority, "visit", visits, where, "visit id", "besøgs-id")
        checker.ref(priority, "created_by_relative", relatives, where, "relative", "pårørende")
        checker.ref(
            priority,
            "standing_priority",
            standing,
            where,
            "standing priority (one without a visit) of this citizen",
            "stående prioritet (en uden besøg) hos borgeren",
        )
        _element_ref(checker, priority, where, programmes)
        start, end = priority.get("period_start"), priority.get("period_end")
        try:
            backwards = (
                isinstance(start, str)
                and isinstance(end, str)
                and parse_date(end) < parse_date(start)
            )
        except ValueError:
            backwards = False  # reported as not a real date
        if backwards:
            checker.add(
                [*where, "period_end"],
                "The period must not end before it starts.",
                "Perioden må ikke slutte, før den begynder.",
            )


def check_stored(checker: _Checker, citizen: dict[str, Any], at: list[str | int], cpr: str) -> None:
    """What the database already holds: a decision version's legal basis, priority references.

    A decision version keeps the basis it was made under, as it keeps everything it says
    (002 section 17): moving to Ældreloven is a new version (docs/aeldreloven.md). A
    version-1 file means Serviceloven, so it cannot carry a version stored under Ældreloven.
    """
    version = checker.doc.get("version")
    stored = dict(
        checker.session.execute(
            select(Decision.version, Decision.legal_basis)
            .join(Citizen, Citizen.id == Decision.citizen_id)
            .where(Citizen.cpr == cpr)
        ).all()
    )
    for d, decision in dicts_of(citizen.get("decisions")):
        basis = decision.get("legal_basis", "sel" if version == 1 else None)
        number = decision.get("version")
        if basis is None or not isinstance(number, int) or number not in stored:
            continue
        if basis in tuple(LegalBasis) and stored[number] != basis:
            checker.add(
                [*at, "decisions", d, "legal_basis" if "legal_basis" in decision else "version"],
                f'Version {number} of this decision is stored under "{stored[number].value}"; '
                "a decision version keeps its legal basis: a changed decision is a new version"
                + (" (a version-1 file means Serviceloven)." if version == 1 else "."),
                f'Version {number} af afgørelsen er gemt efter "{stored[number].value}"; '
                "en version af en afgørelse beholder sit lovgrundlag: en ændret afgørelse er "
                "en ny version"
                + (" (en fil i version 1 betyder serviceloven)." if version == 1 else "."),
            )
    for p, priority in dicts_of(citizen.get("priorities")):
        reference = str_or_none(priority.get("reference"))
        if reference is None:
            continue
        if checker.used_by_another(VisitPriority, reference, cpr):
            checker.add(
                [*at, "priorities", p, "reference"],
                "This priority reference is already used for another citizen.",
                "Prioritets-referencen bruges allerede til en anden borger.",
            )


# --- writing -------------------------------------------------------------------------------


def write_catalogue(writer: _Writer, document: dict[str, Any], municipality: Municipality) -> None:
    """The forløb catalogue (elements in the file's order) and the priority examples."""
    stored = writer.stored(
        CareProgramme,
        lambda p: p.code,
        CareProgramme.municipality_id == municipality.id,
        load=(selectinload(CareProgramme.elements),),
    )
    for item in document.get("care_programmes", []):
        programme = writer.upsert(
            "care_programmes",
            stored.get(item["code"]),
            lambda: CareProgramme(municipality=municipality),
            CARE_PROGRAMME,
            item,
        )
        writer.programmes[item["code"]] = programme
        existing = sorted(programme.elements, key=lambda e: (e.position, e.id or 0))
        for n, (element, _line) in enumerate(
            writer.lines(
                "care_programme_elements",
                existing,
                item.get("elements", []),
                partial(CareProgrammeElement, programme=programme),
                PROGRAMME_ELEMENT,
            ),
            start=1,
        ):
            if element.position != n:
                element.position = n
            writer.elements[(item["code"], n)] = element
    examples = list(
        writer.session.scalars(
            select(PriorityExample)
            .where(PriorityExample.municipality_id == municipality.id)
            .order_by(PriorityExample.position, PriorityExample.id)
        )
    )
    for n, (example, _line) in enumerate(
        writer.lines(
            "priority_examples",
            examples,
            document.get("priority_examples", []),
            lambda: PriorityExample(municipality=municipality),
            PRIORITY_EXAMPLE,
        ),
        start=1,
    ):
        if example.position != n:
            example.position = n
    writer.session.flush()


def _element_of(writer: _Writer, item: dict[str, Any], programme: str | None) -> dict[Any, Any]:
    """The link table for an item's ``element``: its number -> the catalogue's element."""
    number = item.get("element")
    if number is None:
        return {None: None}
    # The checks made sure an element comes with its forløb (_element_ref).
    code = programme if programme is not None else item["programme"]
    return {number: writer.elements[(code, number)]}


def write_decision(writer: _Writer, decision: Decision, item: dict[str, Any]) -> None:
    """The granted forløb: its code, the provider chosen, and the elements with their meaning."""
    writer.link(decision, "care_programme", item, "care_programme", writer.programmes)
    writer.link(decision, "provider", item, "provider", writer.providers)
    for grant, line in writer.lines(
        "granted_elements",
        list(decision.granted_elements),
        item.get("granted_elements", []),
        partial(GrantedElement, decision=decision),
        GRANTED_ELEMENT,
    ):
        table = _element_of(writer, line, item.get("care_programme"))
        writer.link(grant, "element", line, "element", table)


def write_visit_elements(writer: _Writer, visit: Visit, item: dict[str, Any]) -> None:
    for line, line_item in writer.lines(
        "visit_elements",
        list(visit.elements),
        item.get("elements", []),
        partial(VisitElement, visit=visit),
        VISIT_ELEMENT,
    ):
        writer.link(line, "element", line_item, "element", _element_of(writer, line_item, None))


def write_priorities(
    writer: _Writer, citizen: Citizen, items: list[dict[str, Any]], visits: dict[str, Visit]
) -> None:
    stored = writer.stored(
        VisitPriority, lambda p: p.reference, VisitPriority.citizen_id == citizen.id
    )
    rows: dict[str, VisitPriority] = {}
    for item in items:
        row = writer.upsert(
            "priorities",
            stored.get(item["reference"]),
            lambda: VisitPriority(citizen=citizen),
            PRIORITY,
            item,
        )
        writer.link(row, "visit", item, "visit", visits)
        writer.link(row, "created_by_relative", item, "created_by_relative", writer.relatives)
        writer.link(row, "element", item, "element", _element_of(writer, item, None))
        rows[item["reference"]] = row
    writer.session.flush()
    ids = {reference: row.id for reference, row in rows.items()}
    for item in items:
        writer.link(rows[item["reference"]], "standing_priority_id", item, "standing_priority", ids)


# --- export --------------------------------------------------------------------------------


class Catalogue:
    """The municipality's forløb catalogue as exported, and each element's (code, number)."""

    def __init__(self, session: Session, municipality: Municipality) -> None:
        programmes = session.scalars(
            select(CareProgramme)
            .where(CareProgramme.municipality_id == municipality.id)
            .order_by(CareProgramme.code, CareProgramme.id)
            .options(selectinload(CareProgramme.elements))
        ).all()
        self.keys: dict[int, ElementKey] = {}
        self.programmes: list[dict[str, Any]] = []
        for programme in programmes:
            elements = sorted(programme.elements, key=lambda e: (e.position, e.id))
            for n, element in enumerate(elements, start=1):
                self.keys[element.id] = (programme.code, n)
            self.programmes.append(
                {
                    **dump_fields(programme, CARE_PROGRAMME),
                    "elements": [dump_fields(e, PROGRAMME_ELEMENT) for e in elements],
                }
            )
        self.examples = [
            dump_fields(example, PRIORITY_EXAMPLE)
            for example in session.scalars(
                select(PriorityExample)
                .where(PriorityExample.municipality_id == municipality.id)
                .order_by(PriorityExample.position, PriorityExample.id)
            )
        ]

    def element(self, element_id: int | None) -> dict[str, Any]:
        code, number = self.keys[element_id] if element_id is not None else (None, None)
        return {"programme": code, "element": number}


def decision_refs(decision: Decision) -> dict[str, Any]:
    """The granted forløb and the chosen provider, by their keys in the document."""
    return {
        "care_programme": decision.care_programme.code if decision.care_programme else None,
        "provider": decision.provider.name if decision.provider else None,
    }


def export_granted_elements(decision: Decision, catalogue: Catalogue) -> list[dict[str, Any]]:
    return [
        dump_fields(
            grant, GRANTED_ELEMENT, {"element": catalogue.element(grant.element_id)["element"]}
        )
        for grant in decision.granted_elements
    ]


def export_visit_elements(visit: Visit, catalogue: Catalogue) -> list[dict[str, Any]]:
    return [
        dump_fields(line, VISIT_ELEMENT, catalogue.element(line.element_id))
        for line in visit.elements
    ]


def export_priorities(
    session: Session,
    citizen: Citizen,
    catalogue: Catalogue,
    visits: dict[int, str],
    relatives: dict[int, str],
) -> list[dict[str, Any]]:
    rows = list(
        session.scalars(
            select(VisitPriority)
            .where(VisitPriority.citizen_id == citizen.id)
            .order_by(VisitPriority.reference)
        )
    )
    references = {row.id: row.reference for row in rows}
    return [
        dump_fields(
            row,
            PRIORITY,
            {
                "visit": visits.get(row.visit_id) if row.visit_id is not None else None,
                **catalogue.element(row.element_id),
                "created_by_relative": relatives.get(row.created_by_relative_id or 0),
                "standing_priority": references.get(row.standing_priority_id or 0),
            },
        )
        for row in rows
    ]
