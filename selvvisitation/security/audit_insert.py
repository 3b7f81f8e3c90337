"""A page's audit entries in one INSERT: what they share bound once, and of each entry only
the citizen's id and the object's id, as one list.

A day list records one read per citizen shown, all alike but for those two columns. Sent
as rows, each of its 13 values went through its type's conversion in the app and each row
through its own run of PostgreSQL's executor (issue 17: a day list's 22 entries were some
10 % of the app's instructions for the page and a fifth of PostgreSQL's). Here the shared
values are bound once and the rows come from the two lists: PostgreSQL reads them as two
arrays (``unnest``), SQLite as one JSON array of pairs (``json_each``). The entries are
the same; within each set that shares its columns they keep their order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Integer, String, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from selvvisitation.models import AuditEntry

# The columns that differ between the entries of one page; every other is shared.
PER_ENTRY = ("citizen_id", "object_id")


def _table() -> Table:
    return cast("Table", AuditEntry.__table__)


def _shared_names() -> list[str]:
    return [column.name for column in _table().c if column.name not in ("id", *PER_ENTRY)]


@cache
def _statement(dialect: str) -> Insert:
    """The INSERT for this database, built once (composing it costs more than running it)."""
    table = _table()
    shared = [bindparam(name, type_=table.c[name].type) for name in _shared_names()]
    if dialect == "postgresql":
        rows = (
            func.unnest(
                bindparam("citizen_ids", type_=ARRAY(Integer)),
                bindparam("object_ids", type_=ARRAY(String)),
            )
            .table_valued(*PER_ENTRY)
            .render_derived()
        )
        per_entry: list[ColumnElement[Any]] = [rows.c.citizen_id, rows.c.object_id]
    else:
        pairs = func.json_each(bindparam("pairs", type_=String)).table_valued("value")
        per_entry = [
            func.json_extract(pairs.c.value, "$[0]"),
            func.json_extract(pairs.c.value, "$[1]"),
        ]
    return insert(table).from_select([*_shared_names(), *PER_ENTRY], select(*shared, *per_entry))


def insert_entries(session: Session, entries: Iterable[dict[str, Any]]) -> None:
    """Insert the entries (each with every column but the id): one statement for each set
    of entries that share all but PER_ENTRY, a page's reads being one such set."""
    shared_names = _shared_names()
    groups: dict[tuple[Any, ...], tuple[dict[str, Any], list[tuple[int | None, str]]]] = {}
    for entry in entries:
        # detail is a dict: compared by its JSON, the rest by value.
        key = tuple(
            json.dumps(entry[name], sort_keys=True) if name == "detail" else entry[name]
            for name in shared_names
        )
        group = groups.setdefault(key, ({name: entry[name] for name in shared_names}, []))
        group[1].append((entry["citizen_id"], entry["object_id"]))
    dialect = session.get_bind().dialect.name
    statement = _statement(dialect)
    for shared, rows in groups.values():
        if dialect == "postgresql":
            per_entry: dict[str, Any] = {
                "citizen_ids": [citizen_id for citizen_id, _ in rows],
                "object_ids": [object_id for _, object_id in rows],
            }
        else:
            per_entry = {"pairs": json.dumps(rows)}
        session.execute(statement, {**shared, **per_entry})
