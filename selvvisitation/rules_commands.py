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
from pathlib import Path
from typing import Any

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
    from selvvisitation.services.visit_changes import overdue_replacements

    reports = {}
    for municipality in _municipalities(code):
        reports[municipality.code] = evaluate_municipality(db.session, municipality.id)
    # 002, Praktiske opgaver: a provider's cancellation owes a replacement within 1 week;
    # the team leader's flag opens when the week passed without one delivered.
    replacements = overdue_replacements(db.session, local_today())
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
def import_file(file: Path) -> None:
    """Import a municipality from FILE (docs/import-format.md): all of it or nothing."""
    from selvvisitation.services.interchange import import_document, parse_json

    document, problems = parse_json(file.read_bytes())
    result = None
    if not problems:
        result = import_document(db.session, document)
        problems = result.problems
    if problems or result is None:
        db.session.rollback()
        _audit_interchange("import_refused", document, file)
        db.session.commit()
        click.echo(
            f"Nothing was imported: {len(problems)} problem(s) in {file.name}. / "
            f"Intet er indlæst: {len(problems)} fejl i {file.name}.",
            err=True,
        )
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    _audit_interchange("import", document, file)
    db.session.commit()
    click.echo(f"Imported {file.name}.")
    click.echo("  created: " + _counts(result.created))
    click.echo("  updated: " + _counts(result.updated))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {number}" for kind, number in sorted(counts.items())) or "nothing"


@click.command("export")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option(
    "--municipality", "code", help="The municipality's code; needed when there are several."
)
def export_file(output: Path | None, code: str | None) -> None:
    """Export a municipality in the import format, to --output or to standard output."""
    from selvvisitation.services.interchange import dumps, export_municipality

    municipalities = _municipalities(code)
    if len(municipalities) != 1:
        raise click.ClickException(
            "Choose a municipality with --municipality CODE. / "
            "Vælg en kommune med --municipality KODE."
        )
    document = export_municipality(db.session, municipalities[0])
    text = dumps(document)
    db.session.rollback()  # export only reads; the audit entry is its one write
    _audit_interchange("export", document, output)
    db.session.commit()
    click.echo(CPR_WARNING, err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_owner_only(output, text)
        click.echo(f"Exported municipality {municipalities[0].code} to {output}.", err=True)


CPR_WARNING = (
    "Warning: the export holds CPR numbers in clear. Keep it where only you can read it, "
    "send it only encrypted, and delete it when done. / Advarsel: Udtrækket indeholder "
    "CPR-numre i klar tekst. Opbevar det, så kun du kan læse det, send det kun krypteret, "
    "og slet det, når du er færdig."
)


def _write_owner_only(path: Path, text: str) -> None:
    """Write the file readable and writable by its owner only (0600), also when it existed:
    the mode is set before the first CPR number goes in (issue 15, Medium 6)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _audit_interchange(action: str, document: Any, file: Path | None) -> None:
    """Who (the OS user running the command), what, and how many citizens: every export
    and import leaves an entry in the audit log (issue 15, Medium 6)."""
    from selvvisitation.domain.types import ActorKind
    from selvvisitation.security import audit
    from selvvisitation.security.access import Actor

    is_document = isinstance(document, dict)
    citizens = document.get("citizens") if is_document else None
    municipality = document.get("municipality") if is_document else None
    audit.record(
        action,
        object_type="municipality",
        object_id=(municipality or {}).get("code", "") if isinstance(municipality, dict) else "",
        purpose="data_interchange",
        detail={
            "os_user": getpass.getuser(),
            "citizens": len(citizens) if isinstance(citizens, list) else 0,
            "municipality": municipality.get("code") if isinstance(municipality, dict) else None,
            "file": file.name if file is not None else "<stdout>",
        },
        actor=Actor(kind=ActorKind.SYSTEM),
    )
