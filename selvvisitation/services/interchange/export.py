"""Exporting a municipality in the interchange format: the same document the import reads,
so export, import into an empty database, export again gives the same document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.models import (
    Citizen,
    Consent,
    Decision,
    GrantedService,
    Municipality,
    MunicipalityPolicy,
    Provider,
    ReassessmentRequest,
    Relative,
    Service,
    SwapLine,
    SwapRequest,
    Team,
    Visit,
    VisitPriority,
    VisitService,
)
from selvvisitation.security import cpr_vault
from selvvisitation.services.interchange import ael
from selvvisitation.services.interchange.fields import (
    CITIZEN,
    CONSENT,
    DECISION,
    FORMAT,
    GRANTED,
    MUNICIPALITY,
    POLICY,
    PROVIDER,
    REASSESSMENT,
    RELATIVE,
    SERVICE,
    SWAP,
    SWAP_LINE,
    TEAM,
    VERSION,
    VISIT,
    VISIT_SERVICE,
    dump_fields,
)

# --- export ----------------------------------------------------------------------------------


def _ref[V](table: Mapping[int, V], row_id: int | None) -> V | None:
    """What the document calls the row an id points at; None for a null reference."""
    return None if row_id is None else table.get(row_id)


@dataclass
class MunicipalityExport:
    """The municipality's document, read citizen by citizen (issue 15, Medium 7): the head
    (everything but the citizens) at once, each citizen only while it is written, so a
    large municipality never sits whole in memory. The citizens come in CPR order."""

    session: Session
    head: dict[str, Any]
    citizen_ids: list[int]
    refs: dict[int, str]
    catalogue: ael.Catalogue

    def citizens(self) -> Iterator[dict[str, Any]]:
        """Each citizen as exported. Nothing here holds on to the rows read for one: the
        session keeps unchanged rows only while something refers to them."""
        for citizen_id in self.citizen_ids:
            citizen = self.session.get(Citizen, citizen_id)
            if citizen is None:
                raise LookupError(f"Citizen {citizen_id} was deleted while being exported")
            yield _export_citizen(self.session, citizen, self.refs, self.catalogue)


def open_export(session: Session, municipality: Municipality) -> MunicipalityExport:
    """Read the municipality's head, and which citizens follow, in a stable order."""
    s = session
    services = list(
        s.scalars(
            select(Service)
            .where(Service.municipality_id == municipality.id)
            .order_by(Service.code, Service.id)
        )
    )
    providers = list(
        s.scalars(
            select(Provider)
            .where(Provider.municipality_id == municipality.id)
            .order_by(Provider.name, Provider.id)
        )
    )
    # By CPR number, as before they were encrypted (issue #6): the database can only order
    # the ciphertext, so the sort is here, on the ids and numbers alone.
    numbers = s.execute(
        select(Citizen.id, Citizen.cpr_encrypted).where(Citizen.municipality_id == municipality.id)
    ).all()
    citizen_ids = [
        citizen_id
        for citizen_id, _cpr in sorted(
            ((row.id, cpr_vault.decrypt(row.cpr_encrypted)) for row in numbers),
            key=lambda pair: pair[1],
        )
    ]
    relatives = _relatives_of(session, municipality)
    refs = {relative.id: f"R{n}" for n, relative in enumerate(relatives, start=1)}
    catalogue = ael.Catalogue(session, municipality)
    head: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "municipality": dump_fields(municipality, MUNICIPALITY),
        "policy": dump_fields(municipality.policy or MunicipalityPolicy(), POLICY),
        "services": [dump_fields(x, SERVICE) for x in services],
        "care_programmes": catalogue.programmes,
        "priority_examples": catalogue.examples,
        "providers": [
            {
                **dump_fields(p, PROVIDER),
                "teams": [
                    dump_fields(t, TEAM) for t in sorted(p.teams, key=lambda t: (t.name, t.id))
                ],
            }
            for p in providers
        ],
        "relatives": [{"ref": refs[r.id], **dump_fields(r, RELATIVE)} for r in relatives],
    }
    if municipality.policy is None:
        del head["policy"]
    return MunicipalityExport(s, head, citizen_ids, refs, catalogue)


def export_municipality(session: Session, municipality: Municipality) -> dict[str, Any]:
    """Return the municipality as a document in the import format, in a stable order."""
    export = open_export(session, municipality)
    return {**export.head, "citizens": list(export.citizens())}


def export_text(export: MunicipalityExport) -> Iterator[str]:
    """The document's text in pieces, one citizen a piece: the same text as
    dumps(export_municipality(...)), never whole in memory.

    The head is encoded with an empty list of citizens (always its last key), which is
    opened; each citizen is encoded alone and indented as json.dumps indents the list's
    items (a JSON text holds no raw newline but its indentation's: strings escape it).
    """
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    head = encoder.encode({**export.head, "citizens": []})
    if not export.citizen_ids:
        yield head + "\n"
        return
    yield head.removesuffix("[]\n}") + "["
    for n, citizen in enumerate(export.citizens()):
        yield ("," if n else "") + "\n    " + encoder.encode(citizen).replace("\n", "\n    ")
    yield "\n  ]\n}\n"


def _relatives_of(session: Session, municipality: Municipality) -> list[Relative]:
    in_municipality = select(Citizen.id).where(Citizen.municipality_id == municipality.id)
    ids = set(
        session.scalars(select(Consent.relative_id).where(Consent.citizen_id.in_(in_municipality)))
    )
    ids |= set(
        session.scalars(
            select(SwapRequest.created_by_relative_id).where(
                SwapRequest.citizen_id.in_(in_municipality)
            )
        )
    )
    ids |= set(
        session.scalars(
            select(ReassessmentRequest.requested_by_relative_id).where(
                ReassessmentRequest.citizen_id.in_(in_municipality)
            )
        )
    )
    ids |= set(
        session.scalars(
            select(VisitPriority.created_by_relative_id).where(
                VisitPriority.citizen_id.in_(in_municipality)
            )
        )
    )
    ids.discard(None)
    relatives = session.scalars(select(Relative).where(Relative.id.in_(ids))).all()
    return sorted(
        relatives, key=lambda r: (r.name, r.cpr or "", r.phone or "", r.email or "", r.id)
    )


def _team_ref(team: Team | None) -> dict[str, str] | None:
    return None if team is None else {"provider": team.provider.name, "name": team.name}


def _export_citizen(
    session: Session, citizen: Citizen, refs: dict[int, str], catalogue: ael.Catalogue
) -> dict[str, Any]:
    s = session
    decisions = list(
        s.scalars(
            select(Decision)
            .where(Decision.citizen_id == citizen.id)
            .order_by(Decision.version)
            .options(
                selectinload(Decision.granted_services).selectinload(GrantedService.service),
                selectinload(Decision.granted_elements),
                selectinload(Decision.care_programme),
                selectinload(Decision.provider),
            )
        )
    )
    versions = {d.id: d.version for d in decisions}
    lines: dict[int, tuple[int, int]] = {}
    exported_decisions = []
    for decision in decisions:
        grants = []
        for n, grant in enumerate(decision.granted_services, start=1):
            lines[grant.id] = (decision.version, n)
            grants.append({**dump_fields(grant, GRANTED), "service": grant.service.code})
        exported_decisions.append(
            {
                **dump_fields(
                    decision,
                    DECISION,
                    {
                        "superseded_by_version": _ref(versions, decision.superseded_by_id),
                        **ael.decision_refs(decision),
                    },
                ),
                "granted_services": grants,
                "granted_elements": ael.export_granted_elements(decision, catalogue),
            }
        )
    visits = list(
        s.scalars(
            select(Visit)
            .where(Visit.citizen_id == citizen.id)
            .order_by(Visit.day, Visit.starts_at, Visit.id)
            .options(
                selectinload(Visit.services).selectinload(VisitService.service),
                selectinload(Visit.elements),
                selectinload(Visit.team).selectinload(Team.provider),
            )
        )
    )
    swaps = list(
        s.scalars(
            select(SwapRequest)
            .where(SwapRequest.citizen_id == citizen.id)
            .order_by(SwapRequest.reference)
            .options(selectinload(SwapRequest.lines).selectinload(SwapLine.service))
        )
    )
    external = {v.id: v.external_id or f"visit-{v.id}" for v in visits}
    references = {x.id: x.reference for x in swaps}
    consents = sorted(citizen.consents, key=lambda c: (c.valid_from, refs[c.relative_id], c.id))
    requests = s.scalars(
        select(ReassessmentRequest)
        .where(ReassessmentRequest.citizen_id == citizen.id)
        .order_by(ReassessmentRequest.created_at, ReassessmentRequest.id)
    )
    return {
        **dump_fields(citizen, CITIZEN),
        "provider": citizen.provider.name if citizen.provider else None,
        "team": _team_ref(citizen.team),
        "consents": [
            {**dump_fields(c, CONSENT), "relative": refs[c.relative_id]} for c in consents
        ],
        "decisions": exported_decisions,
        "visits": [
            {
                **dump_fields(v, VISIT),
                "external_id": external[v.id],
                "team": _team_ref(v.team),
                "services": [
                    {
                        **dump_fields(line, VISIT_SERVICE),
                        "service": line.service.code if line.service else None,
                        "granted_decision_version": (
                            _ref(lines, line.granted_service_id) or (None, None)
                        )[0],
                        "granted_line": (_ref(lines, line.granted_service_id) or (None, None))[1],
                        "swap": _ref(references, line.swap_id),
                    }
                    for line in v.services
                ],
                "elements": ael.export_visit_elements(v, catalogue),
            }
            for v in visits
        ],
        "swaps": [
            {
                **dump_fields(x, SWAP),
                "visit": _ref(external, x.visit_id),
                "created_by_relative": _ref(refs, x.created_by_relative_id),
                "from_standing": _ref(references, x.from_standing_id),
                "lines": [
                    {
                        **dump_fields(line, SWAP_LINE),
                        "service": line.service.code if line.service else None,
                    }
                    for line in x.lines
                ],
            }
            for x in swaps
        ],
        "priorities": ael.export_priorities(s, citizen, catalogue, external, refs),
        "reassessment_requests": [
            {
                **dump_fields(r, REASSESSMENT),
                "requested_by_relative": _ref(refs, r.requested_by_relative_id),
            }
            for r in requests
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as the file's text: stable, readable, UTF-8 (æøå kept as they are)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
