"""Everything held about one citizen, for the GDPR right of access (art. 15).

Generic on purpose: every table with a `citizen_id` column is included, and
every table that points at one of those rows (a visit's services, a swap's
lines, a case's events), so a table another area adds later is in the export
without anyone remembering to add it here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from selvvisitation.extensions import db
from selvvisitation.models import Citizen
from selvvisitation.security import audit, cpr_vault
from selvvisitation.services.transaction import one_transaction

# Columns that say nothing about the citizen and only help an attacker. The CPR number's
# ciphertext and blind index are among them; the number itself is given readable (_row).
_LEFT_OUT = {
    "password_hash",
    "session_nonce",
    "submission_token",
    "oidc_subject",
    "cpr_lookup",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(mapping: Any) -> dict[str, Any]:
    """One row as JSON-ready values; a CPR number readable as "cpr" (stored encrypted)."""
    row: dict[str, Any] = {}
    for key, value in mapping.items():
        if key == "cpr_encrypted":
            row["cpr"] = None if value is None else cpr_vault.decrypt(value)
        else:
            row[key] = _plain(value)
    return row


def _rows(session: Session, table: sa.Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in _LEFT_OUT]
    result = session.execute(sa.select(*columns).where(where).order_by(*table.primary_key.columns))
    return [_row(row._mapping) for row in result]


def _held(citizen_id: Any) -> list[tuple[sa.Table, Any]]:
    """Where the rows about one citizen are: (table, condition), in the order they are shown.

    The citizen's own row; every table with a ``citizen_id``; then every table that points
    at one of those rows (a visit's services, a conversation's messages), with one
    condition for all its foreign keys to them: a row that points at two of her rows (a
    visit's service added by her swap) is hers once, not once per key. Both the file
    (citizen_data) and the page's counts (citizen_counts) read this one list, so the page
    counts exactly the rows the file holds (issue 17).
    """
    tables = db.metadata.sorted_tables
    citizens = db.metadata.tables[Citizen.__tablename__]  # Citizen.__table__, as a Table
    direct = [t for t in tables if t.name != citizens.name and "citizen_id" in t.columns]
    held: list[tuple[sa.Table, Any]] = [(citizens, citizens.c.id == citizen_id)]
    held += [(table, table.c.citizen_id == citizen_id) for table in direct]
    parents = {t.name: t for t in direct if "id" in t.columns}
    for table in tables:
        if table.name == citizens.name or "citizen_id" in table.columns:
            continue
        pointing = [
            fk.parent.in_(sa.select(parent.c.id).where(parent.c.citizen_id == citizen_id))
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
            if (parent := parents.get(fk.column.table.name)) is not None
        ]
        if pointing:
            held.append((table, sa.or_(*pointing)))
    return held


def tables_held() -> set[str]:
    """The name of every table a citizen's file can hold rows from."""
    return {table.name for table, _ in _held(None)}


def citizen_data(session: Session, citizen: Citizen) -> dict[str, list[dict[str, Any]]]:
    """Table name -> rows held about this citizen (and rows hanging off those): all of
    them, for the file she downloads (GDPR art. 15)."""
    held: dict[str, list[dict[str, Any]]] = {}
    for table, where in _held(citizen.id):
        rows = _rows(session, table, where)
        if rows:
            held[table.name] = rows
    return held


def citizen_counts(session: Session, citizen: Citizen) -> dict[str, int]:
    """Table name -> how many rows citizen_data gives, in the same order, without reading
    them: one statement of counts, whatever the length of her history (issue 17)."""
    held = _held(citizen.id)
    counts = session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(table).where(where).scalar_subquery()
                for table, where in held
            )
        )
    ).one()
    return {table.name: count for (table, _), count in zip(held, counts, strict=True) if count}


def export_citizen_data(session: Session, citizen: Citizen) -> dict[str, list[dict[str, Any]]]:
    """What is held about the citizen, for her to download, with the audit entry that says
    she took a copy: both in one transaction, so there is no file without its entry."""
    with one_transaction(session):
        held = citizen_data(session, citizen)
        audit.record("read", citizen=citizen, object_type="data_export", purpose="data_export")
    return held
