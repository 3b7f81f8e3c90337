"""A release's demo data, written by scripts/snapshot_release_data.py, loaded into a
database at that release's revision and read back after an upgrade.

The rows are loaded with SQL on the tables as the database has them (reflected), not through
today's models, so they load into the release's schema whatever the models have become.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

DATA = Path(__file__).parent / "data"


def read_snapshot(version: str) -> dict[str, Any]:
    return json.loads(gzip.decompress((DATA / f"v{version}-demo.json.gz").read_bytes()))


def _decode(value: Any, kind: str, dialect: str) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    moment = datetime.fromisoformat(value).astimezone(UTC)
    # SQLite keeps UTC without a zone (selvvisitation.models.base.UTCDateTime).
    return moment.replace(tzinfo=None) if dialect == "sqlite" else moment


def _encode(value: Any, kind: str) -> Any:
    """A value read back, written as the snapshot writes it."""
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "datetime":
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat()


def _reflect(connection: sa.Connection) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    return metadata


def load(connection: sa.Connection, snapshot: dict[str, Any]) -> None:
    """Insert every row of the snapshot, parents before children.

    A reference to a row not loaded yet (a decision superseded by a later one) is written
    after all rows are in: foreign keys are checked at once on both databases.
    """
    dialect = connection.dialect.name
    metadata = _reflect(connection)
    tables = snapshot["tables"]
    missing = set(tables) - set(metadata.tables)
    assert not missing, f"the snapshot has tables the database has not: {sorted(missing)}"
    loaded: set[str] = set()
    later: list[tuple[sa.Table, list[str], list[dict[str, Any]]]] = []
    for table in metadata.sorted_tables:
        loaded.add(table.name)
        data = tables.get(table.name)
        if not data or not data["rows"]:
            continue
        columns, kinds = data["columns"], data["kinds"]
        assert set(columns) == {c.name for c in table.columns}, (
            f"{table.name}: the snapshot and the database at its revision differ"
        )
        rows = [
            {
                column: _decode(value, kinds.get(column, "plain"), dialect)
                for column, value in zip(columns, row, strict=True)
            }
            for row in data["rows"]
        ]
        forward = [
            fk.parent.name for fk in table.foreign_keys if fk.column.table.name not in loaded
        ] + [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        if forward:
            later.append((table, forward, [dict(row) for row in rows]))
            for row in rows:
                row.update(dict.fromkeys(forward))
        connection.execute(table.insert(), rows)
    for table, forward, rows in later:
        keys = [c.name for c in table.primary_key.columns]
        statement = (
            table.update()
            .where(*(table.c[k] == sa.bindparam(f"key_{k}") for k in keys))
            .values({c: sa.bindparam(f"value_{c}") for c in forward})
        )
        changes = [
            {**{f"key_{k}": row[k] for k in keys}, **{f"value_{c}": row[c] for c in forward}}
            for row in rows
            if any(row[c] is not None for c in forward)
        ]
        if changes:
            connection.execute(statement, changes)
    if dialect == "postgresql":
        _move_sequences_past_the_loaded_ids(connection, metadata)


def _move_sequences_past_the_loaded_ids(connection: sa.Connection, metadata: sa.MetaData) -> None:
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        key = keys[0].name
        connection.execute(
            sa.text(
                f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX("{key}"), 1), '
                f'MAX("{key}") IS NOT NULL) FROM "{table.name}" '
                "WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
            ),
            {"t": f'"{table.name}"', "c": key},
        )


def read_back(connection: sa.Connection, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's tables and columns as the database holds them now, in its format.

    A column a later revision dropped is left out; a revision that changes data on purpose
    says so in the upgrade test.
    """
    metadata = _reflect(connection)
    tables: dict[str, Any] = {}
    for name, data in snapshot["tables"].items():
        table = metadata.tables.get(name)
        if table is None:
            continue
        columns = [column for column in data["columns"] if column in table.columns]
        order = [table.columns[c.name] for c in table.primary_key.columns] or [
            table.columns[column] for column in columns
        ]
        rows = connection.execute(
            sa.select(*(table.columns[column] for column in columns)).order_by(*order)
        ).all()
        tables[name] = {
            "columns": columns,
            "rows": [
                [
                    _encode(value, data["kinds"].get(column, "plain"))
                    for value, column in zip(row, columns, strict=True)
                ]
                for row in rows
            ],
        }
    return tables


def as_released(snapshot: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """The snapshot cut to the tables and columns that `now` (a read_back) still has."""
    tables: dict[str, Any] = {}
    for name, data in snapshot["tables"].items():
        if name not in now:
            continue
        keep = [data["columns"].index(column) for column in now[name]["columns"]]
        tables[name] = {
            "columns": now[name]["columns"],
            "rows": [[row[i] for i in keep] for row in data["rows"]],
        }
    return tables
