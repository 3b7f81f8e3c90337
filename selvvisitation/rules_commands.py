"""Command-line tools of the rules engine: flag evaluation, import and export.

Thin: each command calls one service and prints its result. Reports are in English
(the operator's tool; --json keys are English too); every problem that asks the
operator to act is given in English and Danish ("English / Dansk"); texts stored for
the visitators, such as a closed flag's reason, are Danish like the UI.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from flask import Flask
from sqlalchemy import select

from selvvisitation.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(evaluate_flags)
    app.cli.add_command(import_file)
    app.cli.add_command(export_file)


def _municipalities(code: str | None) -> list:
    from selvvisitation.models import Municipality

    stmt = select(Municipality).order_by(Municipality.code)
    if code is not None:
        stmt = stmt.where(Municipality.code == code)
    found = list(db.session.scalars(stmt))
    if code is not None and not found:
        raise click.ClickException(
            f"No municipality with code {code}. / Ingen kommune med kode {code}."
        )
    return found


@click.command("evaluate-flags")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--municipality", "code", help="Only this municipality (its code, e.g. 561).")
def evaluate_flags(as_json: bool, code: str | None) -> None:
    """Evaluate revisitation flags for every citizen; print what was opened, kept and closed."""
    from selvvisitation.domain.dates import local_today
    from selvvisitation.services.flags import evaluate_municipality
    from selvvisitation.services.visit_change_actions import overdue_replacements

    reports = {}
    for municipality in _municipalities(code):
        reports[municipality.code] = evaluate_municipality(db.session(), municipality.id)
    # 002, Praktiske opgaver: a provider's cancellation owes a replacement within 1 week;
    # the team leader's flag opens when the week passed without one delivered.
    replacements = overdue_replacements(db.session(), local_today())
    db.session.commit()
    if replacements and not as_json:
        click.echo(f"{len(replacements)} replacement visit(s) overdue: flagged to the team leader.")
    if as_json:
        payload = {code: report.as_dict() for code, report in reports.items()}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for municipality_code, report in reports.items():
        counts = report.counts()
        click.echo(
            f"Municipality {municipality_code}: {report.citizens_evaluated} citizens evaluated "
            f"on {report.as_of.isoformat()}: opened {counts['opened']}, kept {counts['kept']}, "
            f"closed {counts['closed']}; {len(report.cases_opened)} new case(s)."
        )
        for outcome in report.outcomes:
            line = (
                f"  {outcome.action:<6} flag {outcome.flag_id} citizen {outcome.citizen_id} "
                f"{outcome.rule.value} {outcome.service_code} "
                f"{outcome.period_start.isoformat()}..{outcome.period_end.isoformat()}"
            )
            if outcome.case_id is not None:
                line += f" case {outcome.case_id}"
            click.echo(line)
            if outcome.reason:
                click.echo(f"         {outcome.reason}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--identity",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An age identity file (age-keygen's key.txt) that opens an encrypted FILE.",
)
def import_file(file: Path, identity: Path | None) -> None:
    """Import a municipality from FILE (docs/import-format.md): all of it or nothing.

    The file is read citizen by citizen, never whole, and refused unread when it is larger
    than IMPORT_MAX_BYTES (issue 15, Medium 7). An age-encrypted file needs --identity.
    """
    from flask import current_app

    from selvvisitation.services.interchange import import_source
    from selvvisitation.services.interchange.file import (
        FileSource,
        InterchangeFileError,
        check_size,
        identities_from,
        is_encrypted,
    )

    try:
        check_size(file, current_app.config["IMPORT_MAX_BYTES"])
        identities = identities_from(identity) if identity is not None else None
        encrypted = is_encrypted(file)
        if identities is None and encrypted:
            raise InterchangeFileError(
                f"{file.name} is encrypted (age): give the key with --identity KEYFILE. / "
                f"{file.name} er krypteret (age): angiv nøglen med --identity NØGLEFIL."
            )
    except InterchangeFileError as error:
        db.session.rollback()
        _audit_interchange("import_refused", None, None, file, reason=str(error).split(" / ")[0])
        db.session.commit()
        click.echo(str(error), err=True)
        sys.exit(1)
    with _Progress(file.name) as progress:
        source = FileSource(file, identities if encrypted else None)
        result = import_source(db.session(), source, progress)
    problems = result.problems
    if problems:
        db.session.rollback()
        _audit_interchange(
            "import_refused", result.municipality, result.citizens, file, encrypted=encrypted
        )
        db.session.commit()
        click.echo(
            f"Nothing was imported: {len(problems)} problem(s) in {file.name}. / "
            f"Intet er indlæst: {len(problems)} fejl i {file.name}.",
            err=True,
        )
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    _audit_interchange("import", result.municipality, result.citizens, file, encrypted=encrypted)
    db.session.commit()
    click.echo(f"Imported {file.name}.")
    click.echo("  created: " + _counts(result.created))
    click.echo("  updated: " + _counts(result.updated))


class _Progress:
    """The import's progress on standard error: bytes read, then citizens checked and
    written (issue 15, Medium 7). click shows the bars on a terminal and only their labels
    elsewhere (a log, cron)."""

    LABELS = {
        "read": "Reading {name} / Læser {name}",
        "check": "Checking citizens / Kontrollerer borgere",
        "write": "Importing citizens / Indlæser borgere",
    }

    def __init__(self, name: str) -> None:
        self.name = name
        self.stage: str | None = None
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            self.stage = stage
            label = self.LABELS[stage].format(name=self.name)
            self.bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __exit__(self, *exc: object) -> None:
        self._close()


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {number}" for kind, number in sorted(counts.items())) or "nothing"


@click.command("export")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option(
    "--municipality", "code", help="The municipality's code; needed when there are several."
)
@click.option(
    "--encrypt-to",
    "recipients",
    multiple=True,
    metavar="RECIPIENT",
    help="Encrypt to this age public key (age1…), or to each key in this file (one a line, "
    "as age -R); repeat for several receivers. The clear text never touches the disk.",
)
def export_file(output: Path | None, code: str | None, recipients: tuple[str, ...]) -> None:
    """Export a municipality in the import format, to --output or to standard output.

    Written citizen by citizen as it is read, and encrypted as it is written when there
    are recipients: the document is never whole in memory (issue 15, Medium 7)."""
    from selvvisitation.services.interchange import export_text, open_export
    from selvvisitation.services.interchange.file import (
        InterchangeFileError,
        recipients_from,
        write_export,
    )

    try:
        # Every recipient is checked before anything is read or written.
        keys = recipients_from(recipients)
    except InterchangeFileError as error:
        raise click.ClickException(str(error)) from None
    if keys and output is None and sys.stdout.isatty():
        raise click.ClickException(
            "An encrypted export is binary: give --output FILE or redirect it. / "
            "Et krypteret udtræk er binært: angiv --output FIL, eller send det videre."
        )
    municipalities = _municipalities(code)
    if len(municipalities) != 1:
        raise click.ClickException(
            "Choose a municipality with --municipality CODE. / "
            "Vælg en kommune med --municipality KODE."
        )
    export = open_export(db.session(), municipalities[0])
    db.session.rollback()  # export only reads; the audit entry is its one write
    _audit_interchange(
        "export",
        export.head["municipality"]["code"],
        len(export.citizen_ids),
        output,
        encrypted=bool(keys),
        recipients=[key for key, _recipient in keys],
    )
    db.session.commit()
    click.echo(ENCRYPTED_WARNING if keys else CPR_WARNING, err=True)
    if output is None:
        # "-" is standard output as bytes, left open (get_binary_stream goes in Click 9).
        with click.open_file("-", "wb") as stream:
            write_export(export_text(export), stream, keys)
            stream.flush()
    else:
        with _owner_only(output) as out:
            write_export(export_text(export), out, keys)
        click.echo(f"Exported municipality {municipalities[0].code} to {output}.", err=True)
    db.session.rollback()  # the citizens were only read


CPR_WARNING = (
    "Warning: the export holds CPR numbers in clear. Keep it where only you can read it, "
    "send it only encrypted (--encrypt-to), and delete it when done. / Advarsel: Udtrækket "
    "indeholder CPR-numre i klar tekst. Opbevar det, så kun du kan læse det, send det kun "
    "krypteret (--encrypt-to), og slet det, når du er færdig."
)
ENCRYPTED_WARNING = (
    "Warning: the export holds CPR numbers, encrypted to the recipients given: whoever holds "
    "their key can read them. Delete it when done. / Advarsel: Udtrækket indeholder "
    "CPR-numre, krypteret til de angivne modtagere: den, der har deres nøgle, kan læse dem. "
    "Slet det, når du er færdig."
)


@contextmanager
def _owner_only(path: Path) -> Iterator[IO[bytes]]:
    """The file opened for writing, readable and writable by its owner only (0600), also
    when it existed: the mode is set before the first CPR number goes in (issue 15,
    Medium 6). An export that fails half-way leaves no half file behind."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _audit_interchange(
    action: str,
    municipality: str | None,
    citizens: int | None,
    file: Path | None,
    *,
    encrypted: bool = False,
    recipients: list[str] | None = None,
    reason: str | None = None,
) -> None:
    """Who (the OS user running the command), what, and how many citizens: every export
    and import leaves an entry in the audit log (issue 15, Medium 6), with whether the
    file was encrypted and to which public keys (they open nothing; the receiver's secret
    key does)."""
    from selvvisitation.domain.types import ActorKind
    from selvvisitation.security import audit
    from selvvisitation.security.access import Actor

    detail: dict[str, Any] = {
        "os_user": getpass.getuser(),
        "citizens": citizens or 0,
        "municipality": municipality,
        "file": file.name if file is not None else "<stdout>",
        "encrypted": encrypted,
    }
    if recipients:
        detail["recipients"] = recipients
    if reason:
        detail["reason"] = reason
    audit.record(
        action,
        object_type="municipality",
        object_id=municipality or "",
        purpose="data_interchange",
        detail=detail,
        actor=Actor(kind=ActorKind.SYSTEM),
    )
