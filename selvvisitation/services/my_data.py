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


def citizen_data(session: Session, citizen: Citizen) -> dict[str, list[dict[str, Any]]]:
    """Table name -> rows held about this citizen (and rows hanging off those)."""
    tables = db.metadata.sorted_tables
    citizens = db.metadata.tables[Citizen.__tablename__]  # Citizen.__table__, as a Table
    held: dict[str, list[dict[str, Any]]] = {
        "citizen": _rows(session, citizens, citizens.c.id == citizen.id)
    }
    ids: dict[str, list[Any]] = {"citizen": [citizen.id]}
    for table in tables:
        if table.name != "citizen" and "citizen_id" in table.columns:
            held[table.name] = _rows(session, table, table.c.citizen_id == citizen.id)
            if "id" in table.columns:
                ids[table.name] = [row["id"] for row in held[table.name]]
    for table in tables:
        if table.name in held:
            continue
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if parent in ids and parent != "citizen" and ids[parent]:
                rows = _rows(session, table, fk.parent.in_(ids[parent]))
                if rows:
                    held.setdefault(table.name, []).extend(rows)
    return {name: rows for name, rows in held.items() if rows}


def export_citizen_data(session: Session, citizen: Citizen) -> dict[str, list[dict[str, Any]]]:
    """What is held about the citizen, for her to download, with the audit entry that says
    she took a copy: both in one transaction, so there is no file without its entry."""
    with one_transaction(session):
        held = citizen_data(session, citizen)
        audit.record("read", citizen=citizen, object_type="data_export", purpose="data_export")
    return held
