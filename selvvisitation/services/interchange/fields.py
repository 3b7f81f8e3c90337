"""The interchange format's field tables, values and paths (docs/import-format.md).

One table per kind of record drives export, import and the JSON Schema alike
(services/interchange/), so the three cannot drift apart. Version 2 adds Ældreloven
(DOMAIN.md "Ældreloven"): the legal basis of a decision, the forløb catalogue with its FSIII
Ældrelovsindsats codes, the granted forløb, priorities, and visits with elements and no
minutes. A version-1 document still reads: it has none of those, and means Serviceloven.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from selvvisitation.domain.cpr import normalise_cpr
from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES
from selvvisitation.domain.policy import AEL_BOOLEAN_FIELDS, AEL_POLICY_RANGES, POLICY_RANGES
from selvvisitation.domain.types import (
    ActorKind,
    ConsentBasis,
    ConsentScope,
    DeclineReason,
    ElementOutcome,
    Frequency,
    LapseReason,
    LegalBasis,
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
    ProviderKind,
    ReassessmentReason,
    RelationKind,
    ServiceCategory,
    SwapStatus,
    SwapWindow,
    VisitServiceOutcome,
)

FORMAT = "selvvisitation-interchange"
# Version 2 (issue 11) adds Ældreloven; a version-1 document still imports and means SEL.
VERSION = 2
VERSIONS = (1, 2)
SCHEMA_ID = "https://selvvisitation.example/import-schema.json"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
# Issue 15 (Low 10): dates and times outside these years are typing errors.
YEARS = (1900, 2100)
MAX_MINUTES = 1440
MAX_TEXT = 20_000


# --- the field tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One JSON field; ``attr`` is the model attribute, None for a reference resolved by hand."""

    name: str
    kind: str  # string, integer, number, boolean, date, datetime, enum, strings, weekdays,
    #            mapping, ref (a name or key in the document), team (a {provider, name} reference)
    required: bool = False
    nullable: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: type[enum.Enum] | tuple[str, ...] | None = None
    attr: str | None = ""  # "" means: the same as name
    description: str = ""
    since: int = 1  # the format version that brought the field (2: Ældreloven)

    @property
    def attribute(self) -> str | None:
        if self.kind in ("ref", "team"):
            return None
        return self.name if self.attr == "" else self.attr


def _s(name: str, length: int, **kw: Any) -> Field:
    return Field(name, "string", max_length=length, **kw)


def _text(name: str) -> Field:
    return Field(name, "string", max_length=MAX_TEXT)


def _i(name: str, low: int, high: int, **kw: Any) -> Field:
    return Field(name, "integer", minimum=low, maximum=high, **kw)


def _b(name: str) -> Field:
    return Field(name, "boolean")


def _e(name: str, choices: type[enum.Enum] | tuple[str, ...], **kw: Any) -> Field:
    return Field(name, "enum", choices=choices, **kw)


def _ref(name: str, **kw: Any) -> Field:
    return Field(name, "ref", **kw)


def _v2(*fields: Field) -> tuple[Field, ...]:
    """Fields version 2 of the format brought (Ældreloven); a version-1 document has none."""
    return tuple(replace(f, since=2) for f in fields)


def _element(name: str = "element", **kw: Any) -> Field:
    """An element of a forløb: its number in the forløb's ``elements`` (1 = the first)."""
    return Field(name, "ref", minimum=1, maximum=1000, **kw)


MUNICIPALITY = (
    _s("code", 10, required=True, description="Kommunenummer, e.g. 561 (natural key)."),
    _s("name", 120, required=True),
    _s("visitation_phone", 40, required=True),
    _s("visitation_email", 200, nullable=True),
    _s("accessibility_statement_url", 500, nullable=True),
)
POLICY = (
    _e("swap_window", SwapWindow),
    _b("outside_service_level_allowed"),
    _b("flexible_only_any_category"),
    *(_i(name, low, high) for name, (low, high) in POLICY_RANGES.items()),
    _b("optional_holidays_are_working_days"),
    _b("show_staff_names_in_access_log"),
    _s("visitation_opening_hours", 200),
    Field("legal_references", "mapping"),
    # Ældreloven (DOMAIN.md "Ældreloven"): the basis a new decision gets, the AEL age, the flags.
    *_v2(
        _e("default_legal_basis", LegalBasis),
        *(_i(name, low, high) for name, (low, high) in AEL_POLICY_RANGES.items()),
        *(_b(name) for name in AEL_BOOLEAN_FIELDS),
    ),
)
SERVICE = (
    _s("code", 40, required=True, description="The municipality's service code (natural key)."),
    _s("fsiii_code", 20, nullable=True, description="Fælles Sprog III code, e.g. H1.1."),
    _s("name_da", 160, required=True),
    _s("name_en", 160, required=True),
    _e("category", ServiceCategory, required=True),
    _b("swappable"),
    _b("flexible_only"),
    _b("within_service_level"),
    _i("default_minutes", 0, MAX_MINUTES),
    _b("minutes_are_placeholder"),
    _text("description_da"),
    _text("description_en"),
    Field("synonyms_da", "strings"),
    Field("synonyms_en", "strings"),
    _s("quality_standard", 200),
    _text("swap_rule_text"),
    _b("active"),
)
TEAM = (_s("name", 160, required=True),)
PROVIDER = (
    _s("name", 160, required=True, description="Natural key within the municipality."),
    _e("kind", ProviderKind, required=True),
    _s("phone", 40, nullable=True),
    _b("offers_personal_care"),
    _b("offers_practical_help"),
    _b("is_nursing_home"),
)
RELATIVE = (
    _s("ref", 40, required=True, attr=None, description="Key of the relative in this document."),
    _s("name", 160, required=True),
    _s("phone", 40, nullable=True),
    _s("email", 200, nullable=True),
    _s("cpr", 11, nullable=True),
)
CITIZEN = (
    _s("cpr", 11, required=True, description="CPR number, 10 digits (natural key)."),
    _s("name", 160, required=True),
    _s("address", 250, nullable=True),
    _s("phone", 40, nullable=True),
    _s("email", 200, nullable=True),
    _s(
        "access_note",
        200,
        nullable=True,
        description="How home care gets in, e.g. where the key box is; never a code.",
    ),
    _e("preferred_language", ("da", "en")),
    _ref("provider", nullable=True, description="A provider's name."),
    Field("team", "team", nullable=True),
)
CONSENT = (
    _ref("relative", required=True, description="A relative's ref."),
    _e("relation", RelationKind, description="How the relative is related to the citizen."),
    _s("relation_text", 80, description='With relation "other": how, in words.'),
    _e("scope", ConsentScope, required=True),
    _e("basis", ConsentBasis, required=True),
    Field("valid_from", "datetime", required=True),
    Field("valid_to", "datetime", nullable=True),
    Field("revoked_at", "datetime", nullable=True),
    Field("recorded_at", "datetime"),
)
DECISION = (
    _i("version", 1, 10_000, required=True, description="Natural key per citizen."),
    Field("valid_from", "date", required=True),
    Field("decided_at", "datetime"),
    _text("reasons"),
    _text("letter_text"),
    Field("superseded_at", "datetime", nullable=True),
    Field("superseded_by_version", "ref", nullable=True, minimum=1, maximum=10_000),
    *_v2(
        _e(
            "legal_basis",
            LegalBasis,
            description="sel: Serviceloven § 83 with § 94 a (granted_services); "
            "ael: Ældreloven § 10 (a forløb, granted_elements). Absent in a new "
            "decision, and always in a version-1 document: sel.",
        ),
        _ref("care_programme", nullable=True, description="ael: the granted forløb's code."),
        _text("goals"),
        _s("visit_frequency_text", 200),
        _ref("provider", nullable=True, description="ael: the chosen provider's name."),
        Field("follow_up_date", "date", nullable=True),
    ),
)
GRANTED = (
    _ref("service", required=True, description="A service code."),
    _i("minutes_per_delivery", 0, MAX_MINUTES, required=True),
    _e("frequency", Frequency, required=True),
    Field("weekdays", "weekdays"),
    _s("time_of_day", 20),
    _s("legal_basis", 120),
    Field("start_date", "date", required=True, attr="start_date"),
    Field("end_date", "date", nullable=True),
)
VISIT = (
    _s("external_id", 64, required=True, description="The visit's id (natural key)."),
    Field("day", "date", required=True),
    Field("starts_at", "datetime", required=True),
    Field("ends_at", "datetime", required=True),
    _s("time_of_day", 20),
    _i("time_frame_minutes", 0, MAX_MINUTES),
    Field("recorded_at", "datetime", nullable=True),
    _text("note"),
    _b("cancelled"),
    Field("team", "team", nullable=True),
    *_v2(
        _i(
            "recorded_minutes",
            0,
            MAX_MINUTES,
            nullable=True,
            description="ael: only where the municipality allows optional time.",
        ),
    ),
)
VISIT_SERVICE = (
    _ref("service", nullable=True, description="A service code; null for help outside it."),
    _s("free_text", 200, nullable=True),
    Field("granted_decision_version", "ref", nullable=True, minimum=1, maximum=10_000),
    Field("granted_line", "ref", nullable=True, minimum=1, maximum=1000),
    _i("planned_minutes", 0, MAX_MINUTES),
    _i("delivered_minutes", 0, MAX_MINUTES, nullable=True),
    _e("outcome", VisitServiceOutcome),
    _ref("swap", nullable=True, description="A swap's reference."),
)
SWAP = (
    _s("reference", 20, required=True, description="The receipt reference (natural key)."),
    _ref("visit", nullable=True, description="A visit's external_id."),
    Field("period_start", "date", nullable=True),
    Field("period_end", "date", nullable=True),
    _e("status", SwapStatus),
    Field("created_at", "datetime"),
    _e("created_by_kind", ActorKind, required=True),
    _ref("created_by_relative", nullable=True, description="A relative's ref."),
    Field("acknowledged_cannot_demand_at", "datetime", nullable=True),
    _e("acknowledged_by_kind", ActorKind, nullable=True),
    Field("decided_at", "datetime", nullable=True),
    _e("decline_reason", DeclineReason, nullable=True),
    _text("decline_text"),
    Field("lapsed_at", "datetime", nullable=True),
    _e("lapsed_reason", LapseReason, nullable=True),
    *_v2(
        _ref(
            "from_standing",
            nullable=True,
            description="The reference of the standing swap this visit's answer is to.",
        ),
    ),
)
SWAP_LINE = (
    _e("kind", ("drop", "add"), required=True),
    _ref("service", nullable=True, description="A service code."),
    _s("free_text", 200, nullable=True),
    _i("minutes", 0, MAX_MINUTES, required=True),
)
# Version 2, Ældreloven (DOMAIN.md "Ældreloven"): the forløb catalogue, the priority examples,
# the granted forløb, the visits' elements and the priorities.
CARE_PROGRAMME = _v2(
    _s("code", 40, required=True, description="The forløb's code (natural key)."),
    _s("name_da", 160, required=True),
    _s("name_en", 160, required=True),
    _text("description_da"),
    _text("description_en"),
    Field("indicative_hours_per_week", "number", nullable=True, minimum=0, maximum=168),
    _b("is_placeholder"),
    _b("active"),
)
PROGRAMME_ELEMENT = _v2(
    _e(
        "fsiii_code",
        tuple(code.code for code in ELDERLY_CODES),
        required=True,
        description="FSIII Ældrelovsindsats code (KL, kl.dk.fhir.term 2.3.0).",
    ),
    _s("name_da", 160, required=True),
    _s("name_en", 160, required=True),
    _text("description_da"),
    _text("description_en"),
)
PRIORITY_EXAMPLE = _v2(
    _s("text_da", 200, required=True),
    _s("text_en", 200, required=True),
    _b("active"),
)
GRANTED_ELEMENT = _v2(
    _element(required=True, description="The element's number in the decision's forløb."),
    _text("meaning"),
)
VISIT_ELEMENT = _v2(
    _ref("programme", required=True, description="A forløb's code."),
    _element(required=True, description="The element's number in that forløb."),
    _e("outcome", ElementOutcome),
    _text("note"),
)
PRIORITY = _v2(
    _s("reference", 20, required=True, description="The receipt reference (natural key)."),
    _ref("visit", nullable=True, description="A visit's external_id; null when standing."),
    Field("period_start", "date", nullable=True),
    Field("period_end", "date", nullable=True),
    _ref("programme", nullable=True, description="With element: a forløb's code."),
    _element(nullable=True, description="The element's number in that forløb."),
    _e("kind", PriorityKind, required=True),
    _text("text"),
    _e("status", PriorityStatus),
    _e("not_met_reason", PriorityNotMetReason, nullable=True),
    _text("not_met_text"),
    Field("created_at", "datetime"),
    _ref("created_by_relative", nullable=True, description="A relative's ref."),
    Field("answered_at", "datetime", nullable=True),
    _e("lapse_reason", LapseReason, nullable=True),
    _ref(
        "standing_priority",
        nullable=True,
        description="The reference of the standing priority this visit's answer is to.",
    ),
)
REASSESSMENT = (
    Field("created_at", "datetime", required=True, description="Natural key per citizen."),
    _e("reason", ReassessmentReason, required=True),
    _text("text"),
    _b("relative_participates"),
    _s("preferred_time", 200),
    _s("fsiii_code", 10, nullable=True, description="FSIII, e.g. A2 relative, A4 home care."),
    _e("requested_by_kind", ActorKind, required=True),
    _ref("requested_by_relative", nullable=True, description="A relative's ref."),
)


# --- problems, in plain words ------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the document: where (a JSON path) and what, in English and Danish."""

    path: str
    message_en: str
    message_da: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message_en} / {self.message_da}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message_en": self.message_en, "message_da": self.message_da}


def json_path(parts: Iterator[str | int] | list[str | int] | tuple[str | int, ...]) -> str:
    """Return a JSONPath like $.citizens[3].cpr."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


# --- reading and writing values ----------------------------------------------------------


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive")
    return moment.astimezone(UTC)


def to_model(f: Field, raw: Any) -> Any:
    if raw is None:
        return None
    if f.kind == "number":
        return float(raw)
    if f.kind == "date":
        return parse_date(raw)
    if f.kind == "datetime":
        return parse_datetime(raw)
    if f.kind == "enum" and not isinstance(f.choices, tuple):
        assert f.choices is not None
        return f.choices(raw)
    if f.kind == "weekdays":
        return ",".join(str(day) for day in raw)
    if f.kind in ("strings",):
        return list(raw)
    if f.kind == "mapping":
        return dict(raw)
    return raw


def to_json(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.kind == "date":
        return value.isoformat()
    if f.kind == "datetime":
        return value.astimezone(UTC).isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if f.kind == "weekdays":
        return [int(day) for day in value.split(",") if day.strip()]
    if f.kind in ("strings",):
        return list(value or [])
    if f.kind == "mapping":
        return dict(value or {})
    return value


def dump_fields(
    obj: Any, fields: tuple[Field, ...], refs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The object's fields in the table's order; references (no attribute) come from ``refs``."""
    given = refs or {}
    dumped: dict[str, Any] = {}
    for f in fields:
        if f.name in given:
            dumped[f.name] = given[f.name]
        elif f.attribute:
            dumped[f.name] = to_json(f, getattr(obj, f.attribute))
    return dumped


def assign_fields(obj: Any, fields: tuple[Field, ...], data: Mapping[str, Any]) -> None:
    """Set the fields the document gives; absent fields keep their value (or the default)."""
    for f in fields:
        if f.attribute and f.name in data:
            value = to_model(f, data[f.name])
            if f.name == "cpr" and value is not None:
                value = normalise_cpr(value)
            if getattr(obj, f.attribute) != value:
                setattr(obj, f.attribute, value)


def dicts_of(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a list, with their index; anything malformed is skipped (the schema tells)."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def obj_or_empty(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# The document's shape: each part's fields and the lists it holds. "municipality" and "policy"
# are one object each; every other part is a list of objects.
TREE: dict[str, tuple[tuple[Field, ...], dict[str, Any]]] = {
    "municipality": (MUNICIPALITY, {}),
    "policy": (POLICY, {}),
    "services": (SERVICE, {}),
    "care_programmes": (CARE_PROGRAMME, {"elements": (PROGRAMME_ELEMENT, {})}),
    "priority_examples": (PRIORITY_EXAMPLE, {}),
    "providers": (PROVIDER, {"teams": (TEAM, {})}),
    "relatives": (RELATIVE, {}),
    "citizens": (
        CITIZEN,
        {
            "consents": (CONSENT, {}),
            "decisions": (
                DECISION,
                {"granted_services": (GRANTED, {}), "granted_elements": (GRANTED_ELEMENT, {})},
            ),
            "visits": (
                VISIT,
                {"services": (VISIT_SERVICE, {}), "elements": (VISIT_ELEMENT, {})},
            ),
            "swaps": (SWAP, {"lines": (SWAP_LINE, {})}),
            "priorities": (PRIORITY, {}),
            "reassessment_requests": (REASSESSMENT, {}),
        },
    ),
}
SINGLE_OBJECTS = ("municipality", "policy")


def since(fields: tuple[Field, ...]) -> int:
    """The format version that brought a list: that of its fields (all alike in a new list)."""
    return min(f.since for f in fields)


def _objects(
    value: Any, where: list[str | int], fields: tuple[Field, ...], children: dict[str, Any]
) -> Iterator[tuple[list[str | int], dict[str, Any], tuple[Field, ...], dict[str, Any]]]:
    items = (
        [(where, value)]
        if isinstance(value, dict)
        else [([*where, index], item) for index, item in dicts_of(value)]
    )
    for at, item in items:
        yield at, item, fields, children
        for name, (child_fields, grandchildren) in children.items():
            yield from _objects(item.get(name), [*at, name], child_fields, grandchildren)


def walk_objects(
    document: Any, citizen: int | None = None
) -> Iterator[tuple[list[str | int], dict[str, Any], tuple[Field, ...], dict[str, Any]]]:
    """Yield (path, object, its fields, its lists) for every object the document holds.

    With ``citizen``, ``document`` is that citizen alone (``$.citizens[citizen]``): the
    import reads a file citizen by citizen (issue 15, Medium 7).
    """
    if citizen is not None:
        fields, children = TREE["citizens"]
        if isinstance(document, dict):
            yield from _objects(document, ["citizens", citizen], fields, children)
        return
    top = obj_or_empty(document)
    for name, (fields, children) in TREE.items():
        yield from _objects(top.get(name), [name], fields, children)


def walk_fields(
    document: Any, citizen: int | None = None
) -> Iterator[tuple[Field, Any, list[str | int]]]:
    """Yield (field, value, path) for every field of every object the document holds."""
    for at, item, fields, _children in walk_objects(document, citizen):
        for f in fields:
            if f.name in item:
                yield f, item[f.name], [*at, f.name]


def newer_than(
    document: Any, version: int, citizen: int | None = None
) -> Iterator[tuple[list[str | int], int]]:
    """Yield (path, version) for every field and list the document's version does not have."""
    top = obj_or_empty(document) if citizen is None else {}
    for name, (fields, _children) in TREE.items():
        if name in top and since(fields) > version:
            yield [name], since(fields)
    for at, item, fields, children in walk_objects(document, citizen):
        for f in fields:
            if f.name in item and f.since > version and since(fields) <= version:
                yield [*at, f.name], f.since
        for name, (child_fields, _grandchildren) in children.items():
            if name in item and since(child_fields) > version and since(fields) <= version:
                yield [*at, name], since(child_fields)
