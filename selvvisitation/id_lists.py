"""A list of ids bound as one parameter: ``column IN`` the list, in the same SQL text
whatever the list's length.

An expanding ``IN`` (``bindparam(..., expanding=True)``) writes one placeholder per id
into the statement at every execution: for a team's day list, some 6 % of the app's
instructions for the page on PostgreSQL and 2 % on SQLite (issue 17). And each length of
list was a statement of its own to PostgreSQL, planned anew. Bound as one value, the text
never changes, the app renders it once, and PostgreSQL keeps one plan for it. PostgreSQL
reads the ids as an array (``= ANY``), SQLite as a JSON array (``json_each``); both look
each id up by the column's index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Integer, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine


class IdList(TypeDecorator[list[int]]):
    """Integer ids as one value: an INTEGER[] on PostgreSQL, a JSON text elsewhere."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Iterable[int] | None, dialect: Dialect) -> Any:
        ids = [int(id_) for id_ in value or ()]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class InIdList(FunctionElement[bool]):
    """``column`` is one of the ids bound as ``ids`` (an IdList)."""

    type = Boolean()
    inherit_cache = True
    # A condition in itself: without this SQLite got "(… IN …) = 1", which its planner
    # cannot look up by the column's index.
    _is_implicitly_boolean = True


@compiles(InIdList)
def _any_of_array(element: InIdList, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = element.clauses
    return compiler.process(column == any_(ids), **kw)


@compiles(InIdList, "sqlite")
def _in_json_array(element: InIdList, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = element.clauses
    each = func.json_each(ids).table_valued("value")
    return compiler.process(column.in_(select(each.c.value)), **kw)


def in_id_list(column: Any, name: str) -> ColumnElement[bool]:
    """``column IN`` the ids bound by ``name``, a list of ints (empty: no row)."""
    return InIdList(column, bindparam(name, type_=IdList()))
