"""Write the demo data of a release, for the upgrade test (tests/migrations/).

Run once, when a release is made and its last revision is the head (docs/deployment.md,
"Releasing"):

    .venv/bin/python scripts/snapshot_release_data.py 1.0.0

It builds a scratch SQLite database at the head revision, runs `seed-demo` in the demo
configuration as of 10:00 on the release day in Denmark, and writes every row of every table
to tests/migrations/data/v<version>-demo.json.gz (gzip without a timestamp, so the same data
give the same file). The upgrade test loads those rows into a database at the release's
revision, whatever the models have since become, and upgrades it to head. The file is
released with the migrations: migrations/released.json holds its hash.
"""

from __future__ import annotations

import argparse
import base64
import enum
import gzip
import json
import os
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "migrations" / "data"


def kind_of(column: sa.Column[Any]) -> str:
    """How a column's values are written in the file: JSON has no dates or bytes."""
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.DateTime):
        return "datetime"
    if isinstance(column_type, sa.Date):
        return "date"
    if isinstance(column_type, sa.Time):
        return "time"
    if isinstance(column_type, sa.LargeBinary):
        return "bytes"
    if isinstance(column_type, sa.JSON):
        return "json"
    return "plain"


def encode(value: Any, kind: str) -> Any:
    if isinstance(value, enum.Enum):
        return value.value  # as the column holds it (models.base.enum_column)
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value.isoformat()


def dump(connection: sa.Connection, metadata: sa.MetaData, revision: str) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in metadata.sorted_tables:
        columns = list(table.columns)
        kinds = {column.name: kind_of(column) for column in columns}
        order = list(table.primary_key.columns) or columns
        rows = connection.execute(sa.select(*columns).order_by(*order)).all()
        tables[table.name] = {
            "columns": [column.name for column in columns],
            "kinds": {name: kind for name, kind in kinds.items() if kind != "plain"},
            "rows": [
                [
                    encode(value, kinds[column.name])
                    for value, column in zip(row, columns, strict=True)
                ]
                for row in rows
            ],
        }
    return {"revision": revision, "tables": tables}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help="the release, e.g. 1.0.0")
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        default=None,
        help="the demo's today (default: the real today)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="selvvisitation-snapshot-"))
    os.environ["SELVVISITATION_INSTANCE_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'demo.db'}"
    import time_machine
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade

    from selvvisitation import create_app
    from selvvisitation.config import PROJECT_ROOT
    from selvvisitation.extensions import db

    head = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
    assert head is not None
    day = args.day or datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    app = create_app("demo")
    with app.app_context():
        upgrade()
        start = datetime.combine(day, time(10), ZoneInfo("Europe/Copenhagen"))
        with time_machine.travel(start, tick=True):
            result = app.test_cli_runner().invoke(args=["seed-demo"])
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        with db.engine.connect() as connection:
            data = dump(connection, db.metadata, head)
    data["demo_day"] = day.isoformat()
    DATA.mkdir(parents=True, exist_ok=True)
    target = DATA / f"v{args.version}-demo.json.gz"
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    target.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    rows = sum(len(table["rows"]) for table in data["tables"].values())
    print(f"{target.relative_to(ROOT)}: {rows} rows in {len(data['tables'])} tables at {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
