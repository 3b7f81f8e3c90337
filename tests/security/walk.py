"""Helpers for the tests that post to every POST route: which routes, as whom, what changed.

Shared by test_bad_input (random field names and values) and test_form_properties
(complete, field-aware submissions read from the route's own form). The route
table and the actors come from test_route_roles and world.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Integer, select, text

from selvvisitation.extensions import db
from tests.security.test_route_roles import ACTORS, ADMITS

# Tables a refused request may still write: the audit of who tried and what they read
# (issue 6 "every read of a citizen's case is logged", also on a refused form's page),
# ended sessions (a sign-out is never refused) and failed sign-ins (a refused staff
# sign-in is counted, so guessing is slowed down: tests/security/test_sign_in_throttle.py).
MAY_CHANGE_ON_REFUSAL = frozenset({"audit_entry", "ended_session", "failed_sign_in"})

Rows = dict[str, list[dict[str, Any]]]


def post_routes(app) -> Iterator[Any]:
    """Every POST rule, sorted by endpoint."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "POST" in (rule.methods or set()):
            yield rule


def filled_in(html: str, url: str, answers: dict[str, str] | None = None) -> dict[str, str]:
    """The form on the page that posts to `url`, as a person sends it: its hidden values,
    the choices checked (else the first), some text in empty text fields, then `answers`."""
    from urllib.parse import urlparse

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    forms = [
        form
        for form in soup.find_all("form")
        if (form.get("method") or "").lower() == "post"
        and urlparse(form.get("action") or "").path == urlparse(url).path
    ]
    assert forms, f"no form posts to {url}"
    fields: dict[str, str] = {}
    for tag in forms[0].find_all(["input", "textarea", "select"]):
        name, kind = tag.get("name"), tag.get("type", "text")
        if not name or kind in ("submit", "button"):
            continue
        if kind in ("radio", "checkbox"):
            if tag.has_attr("checked") or name not in fields:
                fields[name] = tag.get("value", "on")
        elif tag.name == "select":
            option = tag.find("option", selected=True) or tag.find("option")
            fields[name] = option.get("value", "") if option else ""
        elif tag.name == "textarea":
            fields[name] = tag.get_text().strip() or "Gerne før kl. 9"
        else:
            fields[name] = tag.get("value") or ("" if kind == "hidden" else "Gerne før kl. 9")
    return {**fields, **(answers or {})}


def first_admitted(rules: frozenset[str]) -> str | None:
    """The first signed-in actor a route's rules let in; anonymous for public routes."""
    for actor in ACTORS:
        if actor != "anonymous" and any(actor in ADMITS[name] for name in rules):
            return actor
    return "anonymous" if rules else None


def table_rows() -> Rows:
    """Every row of every table, in primary-key order: a snapshot to compare or restore."""
    db.session.rollback()
    return {
        table.name: [
            dict(row._mapping)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


def changed_tables(
    before: Rows, after: Rows, allowed: frozenset[str], columns: dict[str, set[str]] | None = None
) -> list[str]:
    """Tables whose rows differ (added, removed or updated), except the allowed tables
    and, in `columns`, the allowed columns of a table."""
    columns = columns or {}

    def kept(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        skip = columns.get(name, set())
        return [{k: v for k, v in row.items() if k not in skip} for row in rows]

    return sorted(
        name
        for name in before
        if name not in allowed and kept(name, before[name]) != kept(name, after[name])
    )


def restore(rows: Rows) -> None:
    """Put the database back to a snapshot (empty the tables, insert the rows, commit).

    Rows keep their ids. PostgreSQL's sequences are set past them, since emptying the
    tables (the test fixture's way, which also empties the append-only audit log) started
    them again at 1.
    """
    from tests.conftest import _clean_tables

    _clean_tables()
    tables = db.metadata.sorted_tables
    for table in tables:
        if rows[table.name]:
            # One multi-row statement, so rows that point at rows after them in the same
            # table pass the foreign-key check at the end of the statement.
            db.session.execute(table.insert().values(rows[table.name]))
    if db.engine.dialect.name == "postgresql":
        for table in tables:
            if "id" in table.c and isinstance(table.c.id.type, Integer) and rows[table.name]:
                db.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :top)"),
                    {"name": f'"{table.name}"', "top": max(r["id"] for r in rows[table.name])},
                )
    db.session.commit()
    db.session.expire_all()
