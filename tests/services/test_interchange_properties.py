"""Random and nearly right import files: a plain problem naming the field, never a traceback,
never a partial write (issue 6 "Bad input"; docs/import-format.md).

The documents come from the published schema (docs/import-schema.json, through
tests/schema_strategies.py): whole documents the schema accepts, whose references
between parts need not hold, and the documented example with one field removed,
given a value of the wrong type, or given another value its schema allows. Each
runs against an empty database and against one that already holds the example
(the second run of an import updates). The suite runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selvvisitation.extensions import db
from selvvisitation.services.interchange import import_document, json_schema
from selvvisitation.services.interchange.fields import json_path
from tests.conftest import _clean_tables
from tests.schema_strategies import at, valid, wrong_type
from tests.services.test_interchange import _DELETE, _paths, _set, example, row_counts
from tests.services.test_interchange_ael import example_v2

SCHEMA = json_schema()
# Both documented examples: version 1 (Serviceloven) and version 2 (Ældreloven, issue 11).
EXAMPLES = {"version 1": example(), "version 2": example_v2()}
# Every named field of each example (a key of an object, at any depth).
FIELDS = [
    (name, path)
    for name, document in EXAMPLES.items()
    for path in _paths(document)
    if isinstance(path[-1], str)
]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _required(path: tuple[Any, ...]) -> bool:
    return path[-1] in at(SCHEMA, path[:-1]).get("required", [])


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """An example with one field removed, of the wrong type, or another value of its schema."""
    name, path = draw(st.sampled_from(FIELDS))
    how = draw(st.sampled_from(["remove", "wrong type", "other value"]))
    field_schema = at(SCHEMA, path)
    value = {
        "remove": st.just(_DELETE),
        "wrong type": wrong_type(field_schema),
        "other value": valid(field_schema),
    }[how]
    document = copy.deepcopy(EXAMPLES[name])
    _set(document, path, draw(value))
    return how, path, document


@pytest.fixture(params=["empty", "holding the example"])
def stored(request) -> str:
    """Every property runs on an empty database and on one the example was imported into."""
    if request.param != "empty":
        assert import_document(db.session, example()).ok
        db.session.commit()
    return request.param


def _import(document: Any) -> list[Any]:
    """Import; on problems nothing may be written and each problem must say where and what."""
    before = row_counts()
    result = import_document(db.session, document)  # never raises: problems come back
    if not result.ok:
        for problem in result.problems:
            assert problem.path.startswith("$"), problem
            assert problem.message_da.strip() and problem.message_en.strip(), problem
        assert row_counts() == before, [str(p) for p in result.problems[:3]]
    db.session.rollback()
    return result.problems


def _named(problems: list[Any], how: str, path: tuple[Any, ...]) -> None:
    """A removed required field, or a field of the wrong type, is named by its JSON path."""
    where = json_path(path)
    if how == "wrong type" or (how == "remove" and _required(path)):
        assert where in {problem.path for problem in problems}, (where, problems[:5])
    if how == "remove" and _required(path):
        said = [p.message_da for p in problems if p.path == where]
        assert any(f'Feltet "{path[-1]}" mangler' in message for message in said), said


@SETTINGS
@given(document=valid(SCHEMA))
def test_any_document_the_schema_accepts_imports_or_gives_problems(stored, document) -> None:
    _import(document)


@SETTINGS
@given(case=damaged())
def test_a_nearly_right_document_names_the_field_and_writes_nothing(stored, case) -> None:
    how, path, document = case
    _named(_import(document), how, path)


def test_the_properties_reach_every_field_of_the_example() -> None:
    """The damaged documents draw from every field the example has (so none is left out)."""
    names = {path[-1] for _name, path in FIELDS}
    assert {"cpr", "starts_at", "granted_line", "minutes", "superseded_at", "status"} <= names
    assert {"legal_basis", "care_programme", "fsiii_code", "standing_priority"} <= names
    for _name, path in FIELDS:
        at(SCHEMA, path)  # the schema describes it (else KeyError)


@settings(SETTINGS, max_examples=15)
@given(case=damaged())
def test_the_import_command_answers_a_nearly_right_file_plainly(app, tmp_path: Path, case):
    how, path, document = case
    source = tmp_path / "kommune.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = row_counts()

    result = app.test_cli_runner().invoke(args=["import", str(source)])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "Intet er indlæst" in result.output
        # Nothing imported; the refused attempt itself is audited (issue 15, Medium 6).
        after = row_counts()
        assert after.pop("audit_entry") == before.pop("audit_entry") + 1
        assert after == before
        if how == "wrong type" or (how == "remove" and _required(path)):
            assert f"{json_path(path)}:" in result.output
    else:
        assert how != "wrong type"
    _clean_tables()  # a file that imported is committed; the next example starts empty
