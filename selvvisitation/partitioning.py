"""Partitioning the visit lines by month on PostgreSQL: `flask partition-visit-lines`.

Runs deploy/postgresql/partition_visit_service.sql with psql in one transaction, as
docs/deployment.md ("Partitioning the visit lines by month") describes. Deliberately not a
migration: SQLite cannot partition, and most deployments never need it.
"""

from __future__ import annotations

import shutil

from sqlalchemy.engine import make_url

from selvvisitation.backup_drill import _libpq_arguments, run_client_tool
from selvvisitation.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "deploy" / "postgresql" / "partition_visit_service.sql"


class PartitioningError(Exception):
    pass


def partition_visit_lines(database_url: str) -> str:
    """Partition visit_service by month; return what psql said. Raises PartitioningError,
    with psql's words, when it refuses (nothing is changed then)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise PartitioningError("Only PostgreSQL (12 or later) can partition a table.")
    psql = shutil.which("psql")
    if psql is None:
        raise PartitioningError("psql is not installed (Debian: postgresql-client)")
    command = [
        psql,
        "--no-psqlrc",
        "--single-transaction",
        "--quiet",
        "-v",
        "ON_ERROR_STOP=1",
        *_libpq_arguments(url),
        "--dbname",
        str(url.database),
        "--file",
        str(SCRIPT),
    ]
    done = run_client_tool(command, url.password)
    if done.returncode != 0:
        raise PartitioningError(done.stderr.strip()[-1000:])
    return done.stdout
