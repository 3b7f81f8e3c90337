"""The backup and restore drill (`flask backup-drill`): pg_dump, restore, sign a citizen in.

A dump restores only half of what the app needs: the CPR numbers in it are encrypted and
indexed with keys kept apart from the database (README, "CPR numbers are stored encrypted").
So the drill restores the dump into a new database and signs a citizen in by her CPR number
there, as MitID sign-in does: that works only when the dump and the keys belong together.
"""

from __future__ import annotations

import os
import secrets
import shutil

# pg_dump and pg_restore run with an argument list we build, never through a shell.
import subprocess  # nosec B404
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, select, text
from sqlalchemy.orm import Session

from selvvisitation.models import Citizen
from selvvisitation.security.cpr_vault import CprDecryptionError
from selvvisitation.services.mitid_sign_in import person_for


class BackupDrillError(RuntimeError):
    """The drill failed; the message says what it means for a real restore."""


@dataclass(frozen=True)
class DrillResult:
    dump_bytes: int
    citizens: int
    citizen_id: int


def _libpq_arguments(url: URL) -> list[str]:
    arguments = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        arguments += ["--username", url.username]
    return arguments


def run_client_tool(command: list[str], password: str | None) -> subprocess.CompletedProcess:
    """A PostgreSQL client tool (pg_dump, psql ...) with only PATH and the password."""
    env = {"PGPASSWORD": password} if password else {}
    return subprocess.run(  # noqa: S603  # nosec B603
        command,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
    )


def _run(command: list[str], password: str | None) -> None:
    done = run_client_tool(command, password)
    if done.returncode != 0:
        raise BackupDrillError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupDrillError(f"{name} is not installed (Debian: postgresql-client)")
    return found


@contextmanager
def _restored_copy(source: URL, dump: Path) -> Iterator[URL]:
    """A new database on the same server holding the dump; dropped afterwards."""
    name = f"{source.database}_restore_drill_{secrets.token_hex(4)}"
    admin = create_engine(source, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            _run(
                [
                    _tool("pg_restore"),
                    *_libpq_arguments(source),
                    "--no-owner",
                    "--dbname",
                    name,
                    str(dump),
                ],
                source.password,
            )
            yield source.set(database=name)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _sign_in_by_cpr(restored: URL) -> tuple[int, int]:
    """(citizens in the copy, the id of the citizen found by her CPR number)."""
    engine = create_engine(restored)
    try:
        with Session(engine) as session:
            citizens = session.scalars(select(Citizen).order_by(Citizen.id)).all()
            if not citizens:
                raise BackupDrillError("The restored copy holds no citizens: nothing to check.")
            first = citizens[0]
            try:
                number = first.cpr  # decrypting proves CPR_ENCRYPTION_KEYS fit the dump
            except CprDecryptionError as error:
                raise BackupDrillError(
                    "The CPR numbers in the dump cannot be decrypted with CPR_ENCRYPTION_KEYS: "
                    "with these keys a restore loses every CPR number."
                ) from error
            found = person_for(session, {"cpr": number})  # as MitID sign-in looks her up
            if found is None or found[1].id != first.id:
                raise BackupDrillError(
                    "A citizen cannot be found by her CPR number in the restored copy: "
                    "CPR_LOOKUP_KEY does not belong to this dump, so nobody could sign in."
                )
            return len(citizens), first.id
    finally:
        engine.dispose()


def run_backup_drill(database_url: str) -> DrillResult:
    """Dump the database, restore it into a new one, sign a citizen in there, drop it."""
    source = make_url(database_url)
    if not source.drivername.startswith("postgresql"):
        raise BackupDrillError("The drill is for PostgreSQL (pg_dump); this database is not.")
    with tempfile.TemporaryDirectory(prefix="selvvisitation-drill-") as folder:
        dump = Path(folder) / "drill.dump"  # the folder is the owner's only (0700)
        _run(
            [
                _tool("pg_dump"),
                *_libpq_arguments(source),
                "--format",
                "custom",
                "--file",
                str(dump),
                str(source.database),
            ],
            source.password,
        )
        with _restored_copy(source, dump) as restored:
            citizens, citizen_id = _sign_in_by_cpr(restored)
        return DrillResult(dump.stat().st_size, citizens, citizen_id)
