"""security.audit_insert: a page's audit entries in one INSERT, shared columns bound once
(issue 17), on SQLite as on PostgreSQL. The entries are what record() and record_reads()
describe (ASVS 7.1.3 / 7.2, docs/security.md): one per citizen, in their order."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from selvvisitation.security.audit_insert import insert_entries
from tests.statements import counted_statements

AT = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)


def _entry(citizen_id: int | None, object_id: str, **changed) -> dict:
    return {
        "at": AT,
        "actor_kind": ActorKind.STAFF,
        "actor_staff_id": 7,
        "actor_relative_id": None,
        "actor_citizen_id": None,
        "actor_role": "home_care_worker",
        "organisation": "Hjemmeplejen Nord",
        "citizen_id": citizen_id,
        "action": "read",
        "object_type": "visit_list",
        "object_id": object_id,
        "purpose": "team_day_visits",
        "detail": {},
        **changed,
    }


def _written() -> list[dict]:
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    return [{column: getattr(row, column) for column in _entry(None, "")} for row in rows]


def test_a_page_s_reads_are_one_statement_and_each_entry_is_whole(app):
    entries = [_entry(citizen_id, f"2026-12-0{citizen_id}") for citizen_id in (3, 1, 2)]

    with counted_statements() as statements:
        insert_entries(db.session(), entries)

    assert len(statements) == 1
    assert _written() == entries  # in their order, every column as given


def test_entries_that_differ_in_more_are_written_apart_and_kept_in_order(app):
    entries = [
        _entry(1, "a"),
        _entry(2, "b", detail={"grund": "Ændret tid – «ønske»"}),
        _entry(None, ""),  # no citizen: a read of no one's information
        _entry(3, "c", actor_kind=ActorKind.SYSTEM, actor_staff_id=None, actor_role=""),
        _entry(4, "d"),
    ]

    with counted_statements() as statements:
        insert_entries(db.session(), entries)

    assert len(statements) == 3  # the first set (1, None, 4), the detail's, the system's
    written = _written()
    assert sorted(written, key=lambda e: (e["citizen_id"] or 0, e["object_id"])) == sorted(
        entries, key=lambda e: (e["citizen_id"] or 0, e["object_id"])
    )
    first_set = [e["citizen_id"] for e in written if e["detail"] == {} and e["actor_staff_id"]]
    assert first_set == [1, None, 4]


def test_an_object_id_that_looks_like_a_number_stays_text(app):
    insert_entries(db.session(), [_entry(1, "0042"), _entry(2, "[1, 2]")])

    assert [e["object_id"] for e in _written()] == ["0042", "[1, 2]"]


def test_the_statement_reads_the_same_for_one_entry_and_for_forty(app):
    with counted_statements() as one:
        insert_entries(db.session(), [_entry(1, "a")])
    with counted_statements() as many:
        insert_entries(db.session(), [_entry(n, str(n)) for n in range(40)])

    assert one == many
