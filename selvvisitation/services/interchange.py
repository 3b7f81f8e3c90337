"""Import and export of a municipality as one JSON document (docs/import-format.md).

The way a municipality brings its catalogue, citizens, decisions and visits in from its
care record system (services and requests may carry Fælles Sprog III codes so records
match Nexus or Cura) and takes everything out again. Import validates the whole document
first (JSON Schema, then references, CPR numbers, duplicates) and reports every problem
with its JSON path; only a document without problems is written, all of it or nothing.
Records are matched on natural keys, so importing the same file twice changes nothing.
Export writes the same format: export, import into an empty database, export again
gives the same document.

The field tables below drive export, import and the JSON Schema alike, so the three
cannot drift apart. No Flask here: the commands in rules_commands.py are thin.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.cpr import CprError, normalise_cpr
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
    VisitPriority,
    VisitService,
)
from selvvisitation.security import cpr_vault
from selvvisitation.services import interchange_ael as ael
from selvvisitation.services.interchange_fields import (
    CITIZEN,
    CONSENT,
    DATE_PATTERN,
    DATETIME_PATTERN,
    DECISION,
    FORMAT,
    GRANTED,
    MUNICIPALITY,
    POLICY,
    PROVIDER,
    REASSESSMENT,
    RELATIVE,
    SCHEMA_ID,
    SERVICE,
    SINGLE_OBJECTS,
    SWAP,
    SWAP_LINE,
    TEAM,
    TREE,
    VERSION,
    VERSIONS,
    VISIT,
    VISIT_SERVICE,
    YEARS,
    Field,
    Problem,
    assign_fields,
    dicts_of,
    dump_fields,
    json_path,
    newer_than,
    obj_or_empty,
    parse_date,
    parse_datetime,
    since,
    str_or_none,
    walk_fields,
)

# --- the JSON Schema, built from the tables ------------------------------------------------


def _choices(f: Field) -> list[str]:
    if isinstance(f.choices, tuple):
        return list(f.choices)
    assert f.choices is not None
    return [member.value for member in f.choices]


def _field_schema(f: Field, base: int = 1) -> dict[str, Any]:
    """The field's schema; ``base`` is the version of its object (a newer field says so)."""
    schema: dict[str, Any]
    if f.kind == "string" or (f.kind == "ref" and f.minimum is None):
        schema = {"type": "string"}
        if f.max_length:
            schema["maxLength"] = f.max_length
        if f.required or f.kind == "ref":
            schema["minLength"] = 1
    elif f.kind in ("integer", "ref"):
        schema = {"type": "integer", "minimum": f.minimum, "maximum": f.maximum}
    elif f.kind == "number":
        schema = {"type": "number", "minimum": f.minimum, "maximum": f.maximum}
    elif f.kind == "boolean":
        schema = {"type": "boolean"}
    elif f.kind == "date":
        schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    elif f.kind == "datetime":
        schema = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}
    elif f.kind == "enum":
        schema = {"type": "string", "enum": _choices(f)}
    elif f.kind == "strings":
        schema = {"type": "array", "items": {"type": "string", "maxLength": 200}}
    elif f.kind == "weekdays":
        schema = {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 6},
            "description": "0 = Monday; for weekly grants one entry per delivery.",
        }
    elif f.kind == "mapping":
        schema = {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2000}}
    else:  # team
        schema = {
            "type": "object",
            "properties": {
                "provider": {"type": "string", "minLength": 1, "maxLength": 160},
                "name": {"type": "string", "minLength": 1, "maxLength": 160},
            },
            "required": ["provider", "name"],
            "additionalProperties": False,
        }
    if f.nullable:
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        schema["type"] = [schema["type"], "null"]
    newer = f"Version {f.since}." if f.since > base else ""
    if f.description or newer:
        schema["description"] = " ".join(text for text in (f.description, newer) if text)
    return schema


def _object_schema(fields: tuple[Field, ...], children: dict[str, Any]) -> dict[str, Any]:
    """The schema of one kind of object and the lists it holds, from the field tables."""
    properties = {f.name: _field_schema(f, since(fields)) for f in fields}
    for name, (child_fields, grandchildren) in children.items():
        properties[name] = {"type": "array", "items": _object_schema(child_fields, grandchildren)}
        if since(child_fields) > since(fields):
            properties[name]["description"] = f"Version {since(child_fields)}."
    return {
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the document; docs/import-schema.json."""
    properties: dict[str, Any] = {
        "format": {"const": FORMAT},
        "version": {
            "enum": list(VERSIONS),
            "description": "Export writes the newest. Version 1 has no Ældreloven parts: "
            "every decision in it is under Serviceloven (sel).",
        },
    }
    for name, (fields, children) in TREE.items():
        schema = _object_schema(fields, children)
        if name not in SINGLE_OBJECTS:
            schema = {"type": "array", "items": schema}
            if since(fields) > 1:
                schema["description"] = f"Version {since(fields)}."
        properties[name] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "selvvisitation: a municipality's catalogue, citizens, decisions and visits",
        "type": "object",
        "properties": properties,
        "required": ["format", "version", "municipality"],
        "additionalProperties": False,
    }


_TYPES = {
    "string": ("text", "tekst"),
    "integer": ("a whole number", "et helt tal"),
    "number": ("a number", "et tal"),
    "boolean": ("true or false", "true eller false"),
    "object": ("an object {...}", "et objekt {...}"),
    "array": ("a list [...]", "en liste [...]"),
    "null": ("null", "null"),
}


def _schema_problems(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    parts = [*prefix, *error.absolute_path]
    here = json_path(parts)
    kind, value = error.validator, error.validator_value
    if kind == "required":
        names = [name for name in value if name not in error.instance]
        return [
            Problem(
                json_path([*parts, name]),
                f'The field "{name}" is missing.',
                f'Feltet "{name}" mangler.',
            )
            for name in names
        ]
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        return [
            Problem(
                json_path([*parts, name]),
                f'Unknown field "{name}"; check the spelling.',
                f'Ukendt felt "{name}"; tjek stavemåden.',
            )
            for name in error.instance
            if name not in known
        ]
    if kind == "type":
        wanted = value if isinstance(value, list) else [value]
        en = " or ".join(_TYPES[t][0] for t in wanted)
        da = " eller ".join(_TYPES[t][1] for t in wanted)
        return [Problem(here, f"Must be {en}.", f"Skal være {da}.")]
    if kind in ("enum", "const"):
        options = value if kind == "enum" else [value]
        listed = ", ".join(json.dumps(option, ensure_ascii=False) for option in options)
        return [Problem(here, f"Must be one of: {listed}.", f"Skal være en af: {listed}.")]
    if kind == "minimum":
        return [Problem(here, f"Must be at least {value}.", f"Skal være mindst {value}.")]
    if kind == "maximum":
        return [Problem(here, f"Must be at most {value}.", f"Må højst være {value}.")]
    if kind == "minLength":
        return [Problem(here, "Must not be empty.", "Må ikke være tom.")]
    if kind == "maxLength":
        return [
            Problem(
                here,
                f"Must be at most {value} characters.",
                f"Må højst være {value} tegn.",
            )
        ]
    if kind == "pattern" and value == DATE_PATTERN:
        return [
            Problem(here, "Must be a date like 2026-06-30.", "Skal være en dato som 2026-06-30.")
        ]
    if kind == "pattern" and value == DATETIME_PATTERN:
        return [
            Problem(
                here,
                "Must be a time with time zone like 2026-06-30T08:00:00+02:00.",
                "Skal være et tidspunkt med tidszone som 2026-06-30T08:00:00+02:00.",
            )
        ]
    return [Problem(here, "Is not valid here.", "Er ikke gyldig her.")]


_VALIDATOR = Draft202012Validator(json_schema())
# One citizen at a time (issue 15, Medium 7): the schema of an item of "citizens".
_CITIZEN_VALIDATOR = Draft202012Validator(json_schema()["properties"]["citizens"]["items"])


def _schema_errors(
    validator: Draft202012Validator, value: Any, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        problems.extend(_schema_problems(error, prefix))
    return problems


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
            reference
            for _s, swap in dicts_of(citizen.get("swaps"))
            if swap.get("visit") is None
            and (reference := str_or_none(swap.get("reference"))) is not None
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


# --- reading: a document in memory, or a file citizen by citizen ---------------------------

# (stage, done, total): "read" counts bytes of the file, "check" and "write" count citizens.
Progress = Callable[[str, int, int], None]


_TOO_DEEP = Problem("$", "The file nests too deeply.", "Filen er indlejret for dybt.")


class SourceError(Exception):
    """The source cannot be read (not JSON, not decrypted, changed while read)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Header:
    """The document without its citizens, how many citizens it holds, and what kept it from
    being read (a file that is not JSON)."""

    document: Any
    citizens: int = 0
    problems: list[Problem] = field(default_factory=list)


class Source(Protocol):
    """A document to import: its header first, then its citizens one at a time, once to
    check them and once more to write them (services/interchange_file.py reads a file)."""

    def header(self, progress: Progress | None = None) -> Header: ...

    def citizens(self) -> Iterator[Any]: ...

    def unchanged(self) -> bool: ...


class DocumentSource:
    """A document already in memory (the tests, export → import)."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def _list(self) -> list[Any] | None:
        citizens = obj_or_empty(self.document).get("citizens")
        return citizens if isinstance(citizens, list) else None

    def header(self, progress: Progress | None = None) -> Header:
        citizens = self._list()
        if citizens is None:  # not a list (the schema says so), or no citizens at all
            return Header(self.document)
        rest = {key: value for key, value in self.document.items() if key != "citizens"}
        return Header(rest, len(citizens))

    def citizens(self) -> Iterator[Any]:
        return iter(self._list() or [])

    def unchanged(self) -> bool:
        return True


def _every(done: int, total: int) -> bool:
    """Report progress now and then (every 50 citizens) and at the end, not every citizen."""
    return done % 50 == 0 or done == total


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


def parse_json(text: str | bytes) -> tuple[Any, list[Problem]]:
    """Parse the file's text; a syntax error becomes a problem with its line and column."""
    try:
        return json.loads(text), []
    except UnicodeDecodeError:
        return None, [Problem("$", "The file is not UTF-8 text.", "Filen er ikke UTF-8-tekst.")]
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                "$",
                f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                f"Ikke gyldig JSON: fejl i linje {error.lineno}, kolonne {error.colno} "
                f"({error.msg}).",
            )
        ]
    except RecursionError:
        return None, [_TOO_DEEP]


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

    def stored(self, model: Any, key: Callable[[Any], Any], *where: Any, load: Any = ()) -> dict:
        rows = self.session.scalars(select(model).where(*where).options(*load).order_by(model.id))
        return {key(row): row for row in reversed(rows.all())}  # the oldest wins

    @staticmethod
    def link(obj: Any, attr: str, item: Mapping[str, Any], name: str, table: Mapping) -> None:
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
                    lambda p=provider: Team(provider=p),
                    TEAM,
                    team,
                )
        s.flush()
        self._relatives(doc.get("relatives", []), municipality)
        self.municipality = municipality

    def citizen(self, item: dict[str, Any]) -> None:
        """Write one citizen with everything she holds, after ``write``."""
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
                lambda r=relative: Consent(citizen=citizen, relative=r),
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
                lambda vv=visit: VisitService(visit=vv),
                VISIT_SERVICE,
            ):
                self.link(line, "service", line_item, "service", self.services)
                self.link(line, "swap", line_item, "swap", swaps)
                version = line_item.get("granted_decision_version")
                self.link(
                    line,
                    "granted_service",
                    line_item,
                    "granted_decision_version",
                    {version: grants.get((version, line_item.get("granted_line")))},
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
                lambda d=decision: GrantedService(decision=d),
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
                lambda sw=swap: SwapLine(swap=sw),
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


# --- export ----------------------------------------------------------------------------------


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
                        "superseded_by_version": versions.get(decision.superseded_by_id),
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
                        "granted_decision_version": lines.get(
                            line.granted_service_id, (None, None)
                        )[0],
                        "granted_line": lines.get(line.granted_service_id, (None, None))[1],
                        "swap": references.get(line.swap_id),
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
                "visit": external.get(x.visit_id),
                "created_by_relative": refs.get(x.created_by_relative_id),
                "from_standing": references.get(x.from_standing_id or 0),
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
                "requested_by_relative": refs.get(r.requested_by_relative_id),
            }
            for r in requests
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as the file's text: stable, readable, UTF-8 (æøå kept as they are)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
