"""Hypothesis strategies built from a JSON Schema: values it accepts, and values of the wrong type.

hypothesis-jsonschema would be the library for this, but its last release (0.23.1)
fails on current Hypothesis ("'many' object has no attribute 'more'"); the import
schema (docs/import-schema.json) uses only a handful of keywords, so these few
lines cover it: type (one or a list), const, enum, properties, required,
additionalProperties, items, minimum, maximum, minLength, maxLength, pattern and
format date / date-time. An unknown keyword fails loudly rather than being skipped.
"""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

HANDLED = {
    "type", "const", "enum", "properties", "required", "additionalProperties", "items",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "format",
    "description", "title", "$schema", "$id",
}  # fmt: skip

JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")

_OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=2))])


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return list(JSON_TYPES)
    return kind if isinstance(kind, list) else [kind]


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
    if schema.get("format") == "date":
        return st.one_of(
            st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10),
            st.from_regex(schema["pattern"], fullmatch=True),  # 2026-13-45 too
        )
    if schema.get("format") == "date-time":
        return st.one_of(
            st.datetimes(timezones=_OFFSETS)
            .map(lambda d: d.isoformat())
            .filter(lambda s: len(s) >= 19 and s[4] == "-"),
            st.from_regex(schema["pattern"], fullmatch=True),
        )
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda s: low <= len(s) <= high
        )
    return st.text(min_size=low, max_size=min(high, 40))


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema accepts (references between parts of a document are not its business)."""
    unknown = set(schema) - HANDLED
    if unknown:
        raise NotImplementedError(f"schema keywords not handled: {sorted(unknown)}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    options = []
    for kind in _types(schema):
        if kind == "null":
            options.append(st.none())
        elif kind == "boolean":
            options.append(st.booleans())
        elif kind == "integer":
            options.append(
                st.integers(schema.get("minimum", -(2**40)), schema.get("maximum", 2**40))
            )
        elif kind == "number":
            options.append(st.floats(allow_nan=False, allow_infinity=False))
        elif kind == "string":
            options.append(_string(schema))
        elif kind == "array":
            options.append(st.lists(valid(schema.get("items", {})), max_size=2))
        elif kind == "object":
            options.append(_object(schema))
    return st.one_of(options)


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    extra = schema.get("additionalProperties", True)
    fixed = st.fixed_dictionaries(
        {name: valid(properties[name]) for name in properties if name in required},
        optional={name: valid(sub) for name, sub in properties.items() if name not in required},
    )
    if isinstance(extra, dict):
        more = st.dictionaries(st.text(max_size=12), valid(extra), max_size=3)
        return st.builds(lambda a, b: {**b, **a}, fixed, more)
    return fixed


def _any_of_type(kind: str) -> st.SearchStrategy[Any]:
    return {
        "null": st.none(),
        "boolean": st.booleans(),
        "integer": st.integers(-(10**6), 10**6),
        "number": st.floats(allow_nan=False, allow_infinity=False).filter(
            lambda x: not x.is_integer()
        ),
        "string": st.text(max_size=20),
        "array": st.lists(st.integers() | st.text(max_size=5), max_size=3),
        "object": st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    }[kind]


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


def wrong_type(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of a JSON type the schema does not allow (booleans are not integers here)."""
    allowed = set(_types(schema))
    if "type" not in schema and ("const" in schema or "enum" in schema):
        allowed = {_type_of(value) for value in schema.get("enum", [schema.get("const")])}
    wrong = [kind for kind in JSON_TYPES if kind not in allowed]
    return st.sampled_from(wrong).flatmap(_any_of_type)


def at(schema: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """The part of the schema that describes the value at `path` in a document."""
    for part in path:
        if isinstance(part, int):
            schema = schema["items"]
        elif part in schema.get("properties", {}):
            schema = schema["properties"][part]
        else:
            schema = schema["additionalProperties"]
    return schema
