"""Checking a document to import before anything is written: the JSON Schema, then the
references, CPR numbers, duplicates and plausible values; every problem with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.cpr import CprError, normalise_cpr
from selvvisitation.models import (
    Citizen,
    Municipality,
    SwapRequest,
)
from selvvisitation.security import cpr_vault
from selvvisitation.services.interchange import ael
from selvvisitation.services.interchange.fields import (
    YEARS,
    Field,
    Problem,
    dicts_of,
    json_path,
    newer_than,
    obj_or_empty,
    parse_date,
    parse_datetime,
    str_or_none,
    walk_fields,
)
from selvvisitation.services.interchange.schema import (
    _CITIZEN_VALIDATOR,
    _VALIDATOR,
    _schema_errors,
)
from selvvisitation.services.interchange.source import (
    _TOO_DEEP,
    DocumentSource,
    Header,
    Progress,
    Source,
    SourceError,
    _every,
)

# --- validation ---------------------------------------------------------------------------


class _Checker:
    """The checks the JSON Schema cannot make: values, duplicates, references, the database.

    ``doc`` is the document without its citizens (the catalogue, providers, relatives):
    ``run`` checks it, then ``citizen`` checks one citizen at a time against it, so a
    large file is never held whole (issue 15, Medium 7). What must be unique across
    citizens (CPR numbers, swap and priority references) is remembered as it goes.
    """

    def __init__(self, session: Session, document: dict[str, Any]) -> None:
        self.session = session
        self.doc = document
        self.problems: list[Problem] = []
        self.programmes: dict[str, int] = {}  # forløb code -> number of elements
        self.services: set[str] = set()
        self.providers: dict[str, set[str]] = {}
        self.relatives: set[str] = set()
        self.code = str_or_none(obj_or_empty(document.get("municipality")).get("code"))
        self.cprs: dict[str, int] = {}  # normalised CPR -> index of the citizen
        self.swap_refs: dict[str, tuple[str | int, str, int]] = {}
        self.priority_refs: dict[str, list[str | int]] = {}

    def used_by_another(self, model: Any, reference: str, cpr: str) -> bool:
        """A stored row of ``model`` (a swap, a priority) with this reference belongs to
        another citizen than the one with ``cpr``: a reference is one citizen's."""
        owner = self.session.execute(
            select(Citizen.cpr_lookup)  # the blind index: no need to decrypt (issue #6)
            .join(model, model.citizen_id == Citizen.id)
            .where(model.reference == reference)
        ).scalar()
        return owner is not None and owner != cpr_vault.lookup(cpr)

    def add(self, parts: list[str | int], en: str, da: str) -> None:
        self.problems.append(Problem(json_path(parts), en, da))

    def run(self) -> list[Problem]:
        """Check everything but the citizens; then call ``citizen`` for each of them."""
        self._characters(self.doc, [])
        self._values(walk_fields(self.doc))
        self._newer(newer_than(self.doc, 1))
        services = self.unique(
            self.doc.get("services"), ["services"], "code", "service code", "ydelseskode"
        )
        self.services = set(services)
        self.providers = self._providers()
        self.relatives = set(self._relatives())
        self.programmes = ael.check_catalogue(self, self.doc)
        return self.problems

    def _newer(self, found: Iterator[tuple[list[str | int], int]]) -> None:
        if self.doc.get("version") != 1:
            return
        for where, version in found:
            self.add(
                where,
                f'Is new in version {version} of the format: set "version" to {version}.',
                f'Er ny i version {version} af formatet: sæt "version" til {version}.',
            )

    # every string: no NUL, valid Unicode (databases refuse both)
    def _characters(self, value: Any, parts: list[str | int]) -> None:
        if isinstance(value, str):
            if "\x00" in value or not _encodes(value):
                self.add(
                    parts,
                    "Contains a character that cannot be stored.",
                    "Indeholder et tegn, der ikke kan gemmes.",
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                self._characters(item, [*parts, str(key)])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._characters(item, [*parts, index])

    # dates, times, CPR numbers and addresses that match the schema but are not plausible
    def _values(self, fields: Iterator[tuple[Field, Any, list[str | int]]]) -> None:
        for f, item, where in fields:
            if not isinstance(item, str):
                continue
            year = None
            try:
                if f.kind == "date":
                    year = parse_date(item).year
                elif f.kind == "datetime":
                    parse_datetime(item)
                    year = datetime.fromisoformat(item).year  # the year as written
            except ValueError:
                if f.kind == "date":
                    self.add(where, "Is not a real date.", "Er ikke en rigtig dato.")
                else:
                    self.add(
                        where,
                        "Is not a real time with time zone.",
                        "Er ikke et rigtigt tidspunkt med tidszone.",
                    )
            # Issue 15 (Low 10): a year like 0202 or 20260 is a typing error, not a date we hold.
            if year is not None and not YEARS[0] <= year <= YEARS[1]:
                self.add(
                    where,
                    f"Must be between the years {YEARS[0]} and {YEARS[1]}.",
                    f"Skal ligge mellem år {YEARS[0]} og {YEARS[1]}.",
                )
            if f.name == "accessibility_statement_url" and not _is_https(item):
                # Issue 15 (Low 10): the citizen's pages link to it; only an https: address.
                self.add(
                    where,
                    'Must be a web address that starts with "https://".',
                    'Skal være en webadresse, der begynder med "https://".',
                )
            if f.name == "cpr":
                try:
                    normalise_cpr(item)
                except CprError:
                    self.add(
                        where,
                        "Is not a valid CPR number (10 digits, a real birth date).",
                        "Er ikke et gyldigt CPR-nummer (10 cifre, en rigtig fødselsdato).",
                    )

    def unique(
        self,
        items: Any,
        parts: list[str | int],
        key: str,
        what_en: str,
        what_da: str,
        normalise: Callable[[str], str] = lambda text: text,
    ) -> dict[str, int]:
        """Return key -> index; report every repeat, pointing to the first."""
        seen: dict[str, int] = {}
        for index, item in dicts_of(items):
            value = str_or_none(item.get(key))
            if value is None:
                continue
            try:
                value = normalise(value)
            except ValueError:
                continue
            if value in seen:
                first = json_path([*parts, seen[value]])
                self.add(
                    [*parts, index, key],
                    f"The same {what_en} as {first}.",
                    f"Samme {what_da} som {first}.",
                )
            else:
                seen[value] = index
        return seen

    def _providers(self) -> dict[str, set[str]]:
        providers: dict[str, set[str]] = {}
        self.unique(
            self.doc.get("providers"), ["providers"], "name", "provider name", "leverandørnavn"
        )
        for index, provider in dicts_of(self.doc.get("providers")):
            name = str_or_none(provider.get("name"))
            teams = self.unique(
                provider.get("teams"),
                ["providers", index, "teams"],
                "name",
                "team name",
                "teamnavn",
            )
            if name is not None:
                providers.setdefault(name, set()).update(teams)
        return providers

    def _relatives(self) -> dict[str, int]:
        refs = self.unique(self.doc.get("relatives"), ["relatives"], "ref", "ref", "ref")
        self.unique(
            self.doc.get("relatives"),
            ["relatives"],
            "cpr",
            "CPR number",
            "CPR-nummer",
            normalise_cpr,
        )
        return refs

    def _team(self, team: Any, parts: list[str | int], providers: dict[str, set[str]]) -> None:
        if not isinstance(team, dict):
            return
        provider, name = str_or_none(team.get("provider")), str_or_none(team.get("name"))
        if provider is not None and provider not in providers:
            self.unknown([*parts, "provider"], "provider", "leverandør", provider)
        elif provider is not None and name is not None and name not in providers[provider]:
            self.unknown([*parts, "name"], "team of that provider", "team hos den leverandør", name)

    def unknown(self, parts: list[str | int], what_en: str, what_da: str, value: Any) -> None:
        shown = json.dumps(value, ensure_ascii=False)
        self.add(
            parts,
            f"Unknown {what_en} {shown}: it is not in this file.",
            f"Ukendt {what_da} {shown}: den findes ikke i filen.",
        )

    def ref(
        self,
        item: dict[str, Any],
        name: str,
        known: set[Any],
        parts: list[str | int],
        what_en: str,
        what_da: str,
    ) -> None:
        value = item.get(name)
        if value is not None and isinstance(value, (str, int)) and value not in known:
            self.unknown([*parts, name], what_en, what_da, value)

    def citizen(self, index: int, citizen: Any) -> None:
        """Check the citizen at ``$.citizens[index]``, after ``run``."""
        at: list[str | int] = ["citizens", index]
        self._characters(citizen, at)
        if not isinstance(citizen, dict):
            return  # the schema says what it should be
        self._values(walk_fields(citizen, index))
        self._newer(newer_than(citizen, 1, index))
        self._same_cpr(citizen, index)
        self._citizen(citizen, at)

    def _same_cpr(self, citizen: dict[str, Any], index: int) -> None:
        cpr = str_or_none(citizen.get("cpr"))
        try:
            cpr = normalise_cpr(cpr) if cpr is not None else None
        except CprError:
            return  # reported by _values
        if cpr is None:
            return
        if cpr in self.cprs:
            first = json_path(["citizens", self.cprs[cpr]])
            self.add(
                ["citizens", index, "cpr"],
                f"The same CPR number as {first}.",
                f"Samme CPR-nummer som {first}.",
            )
        else:
            self.cprs[cpr] = index

    def _citizen(self, citizen: dict[str, Any], at: list[str | int]) -> None:
        services, providers, relatives = self.services, self.providers, self.relatives
        self.ref(citizen, "provider", set(providers), at, "provider", "leverandør")
        self._team(citizen.get("team"), [*at, "team"], providers)
        team = citizen.get("team")
        if isinstance(team, dict) and citizen.get("provider") not in (
            None,
            team.get("provider"),
        ):
            self.add(
                [*at, "team", "provider"],
                "The team must belong to the citizen's provider.",
                "Teamet skal høre til borgerens leverandør.",
            )
        self._in_database(citizen, at, self.code)
        for i, consent in dicts_of(citizen.get("consents")):
            self.ref(consent, "relative", relatives, [*at, "consents", i], "relative", "pårørende")
        lines = self._decisions(citizen, at, services)
        for d, decision in dicts_of(citizen.get("decisions")):
            ael.check_decision(
                self,
                decision,
                [*at, "decisions", d],
                self.programmes,
                set(providers),
                self.doc.get("version"),
            )
        swaps = self.unique(
            citizen.get("swaps"),
            [*at, "swaps"],
            "reference",
            "swap reference",
            "bytte-reference",
        )
        for reference, s in swaps.items():
            if reference in self.swap_refs:
                # (citizen, swap): two numbers a swap, not a path, for a file of many swaps
                first = json_path(["citizens", *self.swap_refs[reference], "reference"])
                self.add(
                    [*at, "swaps", s, "reference"],
                    f"The same swap reference as {first}.",
                    f"Samme bytte-reference som {first}.",
                )
            else:
                self.swap_refs[reference] = (at[1], "swaps", s)
        visits = self.unique(
            citizen.get("visits"), [*at, "visits"], "external_id", "visit id", "besøgs-id"
        )
        for v, visit in dicts_of(citizen.get("visits")):
            self._team(visit.get("team"), [*at, "visits", v, "team"], providers)
            self._visit_times(visit, [*at, "visits", v])
            ael.check_visit_elements(self, visit, [*at, "visits", v], self.programmes)
            for s, line in dicts_of(visit.get("services")):
                where = [*at, "visits", v, "services", s]
                self.ref(line, "service", services, where, "service code", "ydelseskode")
                self.ref(line, "swap", set(swaps), where, "swap reference", "bytte-reference")
                self._granted_ref(line, lines, where)
        standing = {
            standing_reference
            for _s, swap in dicts_of(citizen.get("swaps"))
            if swap.get("visit") is None
            and (standing_reference := str_or_none(swap.get("reference"))) is not None
        }
        for s, swap in dicts_of(citizen.get("swaps")):
            where = [*at, "swaps", s]
            self.ref(swap, "visit", set(visits), where, "visit id", "besøgs-id")
            self.ref(swap, "created_by_relative", relatives, where, "relative", "pårørende")
            self.ref(
                swap,
                "from_standing",
                standing,
                where,
                "standing swap (one without a visit) of this citizen",
                "stående bytte (et uden besøg) hos borgeren",
            )
            for n, line in dicts_of(swap.get("lines")):
                self.ref(
                    line,
                    "service",
                    services,
                    [*where, "lines", n],
                    "service code",
                    "ydelseskode",
                )
        ael.check_priorities(
            self,
            citizen,
            at,
            programmes=self.programmes,
            visits=set(visits),
            relatives=relatives,
            seen=self.priority_refs,
        )
        self.unique(
            citizen.get("reassessment_requests"),
            [*at, "reassessment_requests"],
            "created_at",
            "time of request",
            "tidspunkt for anmodning",
        )
        for r, request in dicts_of(citizen.get("reassessment_requests")):
            self.ref(
                request,
                "requested_by_relative",
                relatives,
                [*at, "reassessment_requests", r],
                "relative",
                "pårørende",
            )

    def _visit_times(self, visit: dict[str, Any], where: list[str | int]) -> None:
        """Issue 15 (Low 10): a visit ends after it starts."""
        try:
            starts = parse_datetime(visit["starts_at"])
            ends = parse_datetime(visit["ends_at"])
        except (KeyError, TypeError, ValueError):
            return  # missing or not a time: reported by the schema or _values
        if ends <= starts:
            self.add(
                [*where, "ends_at"],
                "A visit must end after it starts.",
                "Et besøg skal slutte, efter det begynder.",
            )

    def _decisions(
        self, citizen: dict[str, Any], at: list[str | int], services: set[str]
    ) -> dict[int, int]:
        """Check the decisions; return version -> number of granted lines."""
        versions: dict[int, int] = {}
        current: list[int] = []
        for d, decision in dicts_of(citizen.get("decisions")):
            version = decision.get("version")
            where = [*at, "decisions", d]
            if isinstance(version, int) and not isinstance(version, bool):
                if version in versions:
                    self.add(
                        [*where, "version"],
                        "The same decision version twice.",
                        "Samme version af afgørelsen to gange.",
                    )
                versions[version] = len(dicts_of(decision.get("granted_services")))
            if decision.get("superseded_at") is None:
                current.append(d)
            for g, line in dicts_of(decision.get("granted_services")):
                self.ref(
                    line,
                    "service",
                    services,
                    [*where, "granted_services", g],
                    "service code",
                    "ydelseskode",
                )
        for d, decision in dicts_of(citizen.get("decisions")):
            self.ref(
                decision,
                "superseded_by_version",
                set(versions),
                [*at, "decisions", d],
                "decision version",
                "version af afgørelsen",
            )
        for d in current[1:]:
            self.add(
                [*at, "decisions", d, "superseded_at"],
                "Only one version of a decision can be current; "
                "set superseded_at on the older ones.",
                "Kun én version af afgørelsen kan gælde; sæt superseded_at på de ældre.",
            )
        return versions

    def _granted_ref(
        self, line: dict[str, Any], lines: dict[int, int], where: list[str | int]
    ) -> None:
        version, number = line.get("granted_decision_version"), line.get("granted_line")
        if (version is None) != (number is None):
            self.add(
                [*where, "granted_line" if number is None else "granted_decision_version"],
                "Give both granted_decision_version and granted_line, or neither.",
                "Angiv både granted_decision_version og granted_line, eller ingen af dem.",
            )
        elif isinstance(version, int) and isinstance(number, int):
            if version not in lines:
                self.unknown(
                    [*where, "granted_decision_version"],
                    "decision version",
                    "version af afgørelsen",
                    version,
                )
            elif not 1 <= number <= lines[version]:
                self.add(
                    [*where, "granted_line"],
                    f"Decision version {version} has no granted service number {number}.",
                    f"Afgørelsens version {version} har ingen bevilget ydelse nummer {number}.",
                )

    def _in_database(self, citizen: dict[str, Any], at: list[str | int], code: str | None) -> None:
        """A CPR number or swap reference already used in another municipality is a conflict."""
        cpr = str_or_none(citizen.get("cpr"))
        try:
            cpr = normalise_cpr(cpr) if cpr else None
        except CprError:
            return
        if cpr is None:
            return
        other = self.session.execute(
            select(Municipality.code)
            .join(Citizen, Citizen.municipality_id == Municipality.id)
            .where(Citizen.cpr == cpr)
        ).scalar()
        if other is not None and other != code:
            self.add(
                [*at, "cpr"],
                "This citizen already belongs to another municipality.",
                "Borgeren hører allerede til en anden kommune.",
            )
        ael.check_stored(self, citizen, at, cpr)
        for s, swap in dicts_of(citizen.get("swaps")):
            reference = str_or_none(swap.get("reference"))
            if reference is None:
                continue
            if self.used_by_another(SwapRequest, reference, cpr):
                self.add(
                    [*at, "swaps", s, "reference"],
                    "This swap reference is already used for another citizen.",
                    "Bytte-referencen bruges allerede til en anden borger.",
                )


def _is_https(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in text)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(
    session: Session, source: Source, progress: Progress | None
) -> tuple[Header, list[Problem]]:
    header = source.header(progress)
    if header.problems:
        return header, header.problems
    document = header.document
    problems = _schema_errors(_VALIDATOR, document)
    checker = _Checker(session, document) if isinstance(document, dict) else None
    if checker is not None:
        checker.run()
    count = 0
    for index, citizen in enumerate(source.citizens()):
        problems.extend(_schema_errors(_CITIZEN_VALIDATOR, citizen, ("citizens", index)))
        if checker is not None:
            checker.citizen(index, citizen)
        count = index + 1
        if progress is not None and _every(count, header.citizens):
            progress("check", count, header.citizens)
    header.citizens = count
    if checker is not None:
        problems.extend(checker.problems)
    unique: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.path, problem.message_en), problem)
    return header, list(unique.values())


def validate_source(
    session: Session, source: Source, progress: Progress | None = None
) -> list[Problem]:
    """Return every problem of the source, schema and references alike; empty when valid."""
    try:
        return _check(session, source, progress)[1]
    except SourceError as error:
        return [error.problem]
    except RecursionError:
        return [_TOO_DEEP]


def validate_document(session: Session, document: Any) -> list[Problem]:
    """Return every problem of the document, schema and references alike; empty when valid."""
    return validate_source(session, DocumentSource(document))
