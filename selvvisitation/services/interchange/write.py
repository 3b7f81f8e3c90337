"""Writing a checked document: all of it or nothing, matched on natural keys, so importing the
same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.cpr import normalise_cpr
from selvvisitation.models import (
    CareProgramme,
    CareProgrammeElement,
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
    SupersededDecisionError,
    SwapLine,
    SwapRequest,
    Team,
    Visit,
    VisitService,
)
from selvvisitation.services.interchange import ael
from selvvisitation.services.interchange.fields import (
    CITIZEN,
    CONSENT,
    DECISION,
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
    VISIT,
    VISIT_SERVICE,
    Field,
    Problem,
    assign_fields,
    json_path,
    obj_or_empty,
    parse_datetime,
    str_or_none,
)
from selvvisitation.services.interchange.source import (
    _TOO_DEEP,
    DocumentSource,
    Progress,
    Source,
    SourceError,
    _every,
)
from selvvisitation.services.interchange.validate import (
    _check,
)

# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """Either problems (and nothing written) or what was created and updated."""

    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    citizens: int = 0  # how many the file holds (for the audit log), imported or not
    municipality: str | None = None  # its code, when the file gives one

    @property
    def ok(self) -> bool:
        return not self.problems


class _Writer:
    def __init__(self, session: Session, result: ImportResult) -> None:
        self.session = session
        self.result = result
        self.path: list[str | int] = []
        self.services: dict[str, Service] = {}
        self.providers: dict[str, Provider] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.relatives: dict[str, Relative] = {}
        self.programmes: dict[str, CareProgramme] = {}
        self.elements: dict[ael.ElementKey, CareProgrammeElement] = {}
        self.municipality: Municipality | None = None

    def upsert(
        self,
        kind: str,
        existing: Any,
        factory: Callable[[], Any],
        fields: tuple[Field, ...],
        data: Mapping[str, Any],
    ) -> Any:
        """Update the record found by its natural key, or create it; count which."""
        obj = existing if existing is not None else factory()
        assign_fields(obj, fields, data)
        counts = self.result.created
        if existing is None:
            self.session.add(obj)
        elif self.session.is_modified(obj):
            counts = self.result.updated
        else:
            return obj
        counts[kind] = counts.get(kind, 0) + 1
        return obj

    def lines(
        self,
        kind: str,
        existing: list[Any],
        items: list[dict[str, Any]],
        factory: Callable[[], Any],
        fields: tuple[Field, ...],
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        """Upsert child rows by position: the file's order is the rows' order."""
        for n, item in enumerate(items):
            found = existing[n] if n < len(existing) else None
            yield self.upsert(kind, found, factory, fields, item), item

    def stored(
        self, model: Any, key: Callable[[Any], Any], *where: Any, load: Any = ()
    ) -> dict[Any, Any]:
        rows = self.session.scalars(select(model).where(*where).options(*load).order_by(model.id))
        return {key(row): row for row in reversed(rows.all())}  # the oldest wins

    @staticmethod
    def link(
        obj: Any, attr: str, item: Mapping[str, Any], name: str, table: Mapping[Any, Any]
    ) -> None:
        """Set a reference the document gives (null clears it); absent keeps it."""
        if name not in item:
            return
        value = None if item[name] is None else table[item[name]]
        if getattr(obj, attr) is not value:
            setattr(obj, attr, value)

    def write(self, doc: dict[str, Any]) -> None:
        """Write the municipality, its catalogue, providers and relatives (not citizens)."""
        s = self.session
        data = doc["municipality"]
        found = self.stored(Municipality, lambda m: m.code, Municipality.code == data["code"])
        municipality = self.upsert(
            "municipalities", found.get(data["code"]), Municipality, MUNICIPALITY, data
        )
        if municipality.policy is None:
            municipality.policy = MunicipalityPolicy()
        assign_fields(municipality.policy, POLICY, doc.get("policy") or {})
        s.flush()
        mine = (Service.municipality_id == municipality.id,)
        services = self.stored(Service, lambda x: x.code, *mine)
        for item in doc.get("services", []):
            self.services[item["code"]] = self.upsert(
                "services",
                services.get(item["code"]),
                lambda: Service(municipality=municipality),
                SERVICE,
                item,
            )
        ael.write_catalogue(self, doc, municipality)
        providers = self.stored(
            Provider, lambda p: p.name, Provider.municipality_id == municipality.id
        )
        for item in doc.get("providers", []):
            provider = self.upsert(
                "providers",
                providers.get(item["name"]),
                lambda: Provider(municipality=municipality),
                PROVIDER,
                item,
            )
            self.providers[provider.name] = provider
            s.flush()
            teams = self.stored(Team, lambda t: t.name, Team.provider_id == provider.id)
            for team in item.get("teams", []):
                self.teams[(provider.name, team["name"])] = self.upsert(
                    "teams",
                    teams.get(team["name"]),
                    partial(Team, provider=provider),
                    TEAM,
                    team,
                )
        s.flush()
        self._relatives(doc.get("relatives", []), municipality)
        self.municipality = municipality

    def citizen(self, item: dict[str, Any]) -> None:
        """Write one citizen with everything she holds, after ``write``."""
        if self.municipality is None:
            raise RuntimeError("write() the municipality before its citizens")
        self._citizen(item, self.municipality)

    def _relatives(self, items: list[dict[str, Any]], municipality: Municipality) -> None:
        known = (
            self.session.scalars(
                select(Relative)
                .join(Consent, Consent.relative_id == Relative.id)
                .join(Citizen, Citizen.id == Consent.citizen_id)
                .where(Citizen.municipality_id == municipality.id)
                .order_by(Relative.id)
            )
            .unique()
            .all()
        )
        by_identity = {(r.name, r.phone, r.email): r for r in reversed(known) if r.cpr is None}
        for item in items:
            cpr = normalise_cpr(item["cpr"]) if item.get("cpr") else None
            existing = (
                self.session.scalars(select(Relative).where(Relative.cpr == cpr)).first()
                if cpr
                else by_identity.get((item["name"], item.get("phone"), item.get("email")))
            )
            self.relatives[item["ref"]] = self.upsert(
                "relatives", existing, Relative, RELATIVE, item
            )

    def _team(self, obj: Any, item: Mapping[str, Any]) -> None:
        if "team" not in item:
            return
        ref = item["team"]
        team = None if ref is None else self.teams[(ref["provider"], ref["name"])]
        if obj.team is not team:
            obj.team = team

    def _citizen(self, item: dict[str, Any], municipality: Municipality) -> None:
        s = self.session
        cpr = normalise_cpr(item["cpr"])
        citizen = self.upsert(
            "citizens",
            s.scalars(select(Citizen).where(Citizen.cpr == cpr)).first(),
            lambda: Citizen(municipality=municipality),
            CITIZEN,
            item,
        )
        self.link(citizen, "provider", item, "provider", self.providers)
        self._team(citizen, item)
        s.flush()

        consents = self.stored(
            Consent, lambda c: (c.relative_id, c.valid_from), Consent.citizen_id == citizen.id
        )
        for consent in item.get("consents", []):
            relative = self.relatives[consent["relative"]]
            self.upsert(
                "consents",
                consents.get((relative.id, parse_datetime(consent["valid_from"]))),
                partial(Consent, citizen=citizen, relative=relative),
                CONSENT,
                consent,
            )
        grants = self._decisions(citizen, item.get("decisions", []))
        visits = self._visits(citizen, item.get("visits", []))
        swaps = self._swaps(citizen, item.get("swaps", []), visits)
        ael.write_priorities(self, citizen, item.get("priorities", []), visits)
        for visit_item in item.get("visits", []):
            visit = visits[visit_item["external_id"]]
            for line, line_item in self.lines(
                "visit_services",
                list(visit.services),
                visit_item.get("services", []),
                partial(VisitService, visit=visit),
                VISIT_SERVICE,
            ):
                self.link(line, "service", line_item, "service", self.services)
                self.link(line, "swap", line_item, "swap", swaps)
                version = line_item.get("granted_decision_version")
                number = line_item.get("granted_line")
                granted = (
                    grants.get((version, number))
                    if version is not None and number is not None
                    else None
                )
                self.link(
                    line,
                    "granted_service",
                    line_item,
                    "granted_decision_version",
                    {version: granted},
                )

        requests = self.stored(
            ReassessmentRequest,
            lambda r: r.created_at,
            ReassessmentRequest.citizen_id == citizen.id,
        )
        for request in item.get("reassessment_requests", []):
            row = self.upsert(
                # `requests` here is a dict of stored rows, not the HTTP library (bandit B113).
                "reassessment_requests",
                requests.get(parse_datetime(request["created_at"])),  # nosec B113
                lambda: ReassessmentRequest(citizen=citizen),
                REASSESSMENT,
                request,
            )
            relative = request.get("requested_by_relative")
            self.link(
                row,
                "requested_by_relative_id",
                request,
                "requested_by_relative",
                {relative: self.relatives[relative].id if relative else None},
            )

    def _decisions(
        self, citizen: Citizen, items: list[dict[str, Any]]
    ) -> dict[tuple[int, int], GrantedService]:
        stored = self.stored(
            Decision,
            lambda d: d.version,
            Decision.citizen_id == citizen.id,
            load=(selectinload(Decision.granted_services),),
        )
        # A new version is written unsuperseded first: superseded decisions are immutable.
        later_fields = tuple(f for f in DECISION if f.name == "superseded_at")
        first_fields = tuple(f for f in DECISION if f.name != "superseded_at")
        decisions: dict[int, Decision] = {}
        for item in items:
            decision = self.upsert(
                "decisions",
                stored.get(item["version"]),
                lambda: Decision(citizen=citizen),
                first_fields,
                item,
            )
            for grant, line_item in self.lines(
                "granted_services",
                list(decision.granted_services),
                item.get("granted_services", []),
                partial(GrantedService, decision=decision),
                GRANTED,
            ):
                self.link(grant, "service", line_item, "service", self.services)
            ael.write_decision(self, decision, item)
            decisions[decision.version] = decision
        self.session.flush()
        ids = {version: decision.id for version, decision in decisions.items()}
        for item in items:
            decision = decisions[item["version"]]
            assign_fields(decision, later_fields, item)
            self.link(decision, "superseded_by_id", item, "superseded_by_version", ids)
        self.session.flush()
        return {
            (version, n): grant
            for version, decision in decisions.items()
            for n, grant in enumerate(decision.granted_services, start=1)
        }

    def _visits(self, citizen: Citizen, items: list[dict[str, Any]]) -> dict[str, Visit]:
        stored = self.stored(
            Visit,
            lambda v: v.external_id or (v.starts_at, v.time_of_day),
            Visit.citizen_id == citizen.id,
            load=(selectinload(Visit.services), selectinload(Visit.elements)),
        )
        visits: dict[str, Visit] = {}
        for item in items:
            # A visit made in the app has no external id yet: it is matched on its time.
            when = (parse_datetime(item["starts_at"]), item.get("time_of_day", "morning"))
            existing = stored.get(item["external_id"]) or stored.pop(when, None)
            visit = self.upsert("visits", existing, lambda: Visit(citizen=citizen), VISIT, item)
            self._team(visit, item)
            ael.write_visit_elements(self, visit, item)
            visits[item["external_id"]] = visit
        self.session.flush()
        return visits

    def _swaps(
        self, citizen: Citizen, items: list[dict[str, Any]], visits: dict[str, Visit]
    ) -> dict[str, SwapRequest]:
        stored = self.stored(
            SwapRequest,
            lambda x: x.reference,
            SwapRequest.citizen_id == citizen.id,
            load=(selectinload(SwapRequest.lines),),
        )
        swaps: dict[str, SwapRequest] = {}
        for item in items:
            swap = self.upsert(
                "swaps",
                stored.get(item["reference"]),
                lambda: SwapRequest(citizen=citizen),
                SWAP,
                item,
            )
            self.link(swap, "visit", item, "visit", visits)
            self.link(swap, "created_by_relative", item, "created_by_relative", self.relatives)
            for line, line_item in self.lines(
                "swap_lines",
                list(swap.lines),
                item.get("lines", []),
                partial(SwapLine, swap=swap),
                SWAP_LINE,
            ):
                self.link(line, "service", line_item, "service", self.services)
            swaps[swap.reference] = swap
        self.session.flush()
        ids = {reference: swap.id for reference, swap in swaps.items()}
        for item in items:
            self.link(swaps[item["reference"]], "from_standing_id", item, "from_standing", ids)
        return swaps


def import_source(
    session: Session, source: Source, progress: Progress | None = None
) -> ImportResult:
    """Check the whole source, then write all of it or nothing; the caller commits.

    A file is read three times, never held whole (issue 15, Medium 7): its header, its
    citizens one by one to check them, and again to write them, all inside one savepoint
    that is rolled back on any problem, also when the file changed in between. Run twice,
    the second run finds every record by its natural key and creates nothing.
    """
    try:
        header, problems = _check(session, source, progress)
    except SourceError as error:
        return ImportResult(problems=[error.problem])
    except RecursionError:
        return ImportResult(problems=[_TOO_DEEP])
    document = header.document
    code = str_or_none(obj_or_empty(obj_or_empty(document).get("municipality")).get("code"))
    result = ImportResult(citizens=header.citizens, municipality=code)
    if problems:
        result.problems = problems
        return result
    writer = _Writer(session, result)
    savepoint = session.begin_nested()
    try:
        with session.no_autoflush:
            writer.write(document)
            for index, item in enumerate(source.citizens()):
                writer.path = ["citizens", index]
                writer.citizen(item)
                session.flush()
                if progress is not None and _every(index + 1, header.citizens):
                    progress("write", index + 1, header.citizens)
        session.flush()
        if not source.unchanged():
            raise SourceError(_CHANGED)
    except (SQLAlchemyError, SupersededDecisionError, ValueError, KeyError) as error:
        savepoint.rollback()
        result.problems = [_write_problem(writer.path, error)]
        return result
    except SourceError as error:
        savepoint.rollback()
        result.problems = [error.problem]
        return result
    savepoint.commit()
    return result


_CHANGED = Problem(
    "$",
    "The file changed while it was being imported; nothing was imported.",
    "Filen blev ændret under indlæsningen; intet er indlæst.",
)


def import_document(session: Session, document: Any) -> ImportResult:
    """Validate the whole document, then write all of it or nothing; the caller commits."""
    return import_source(session, DocumentSource(document))


def _write_problem(path: list[str | int], error: Exception) -> Problem:
    if isinstance(error, SupersededDecisionError):
        return Problem(
            json_path([*path, "decisions"]),
            "A superseded decision differs from the stored one; "
            "a changed decision must be a new version.",
            "En erstattet afgørelse er forskellig fra den gemte; "
            "en ændret afgørelse skal være en ny version.",
        )
    return Problem(
        json_path(path),
        "Conflicts with what is already stored; nothing was imported.",
        "Passer ikke med det, der allerede er gemt; intet er indlæst.",
    )
