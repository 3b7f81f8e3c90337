"""The interchange format's JSON Schema, built from the field tables (fields.py), and its
errors as problems with a JSON path and words in English and Danish.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from selvvisitation.services.interchange.fields import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    FORMAT,
    SCHEMA_ID,
    SINGLE_OBJECTS,
    TREE,
    VERSIONS,
    Field,
    Problem,
    json_path,
    since,
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
