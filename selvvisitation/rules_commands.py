"""Command-line tools of the rules engine: flag evaluation, import and export.

Thin: each command calls one service and prints its result. Output is in English
(the operator's tool; --json keys are English too); texts stored for the visitators,
such as a closed flag's reason, are Danish like the UI.
"""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlalchemy import select

from selvvisitation.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(evaluate_flags)


def _municipalities(code: str | None) -> list:
    from selvvisitation.models import Municipality

    stmt = select(Municipality).order_by(Municipality.code)
    if code is not None:
        stmt = stmt.where(Municipality.code == code)
    found = list(db.session.scalars(stmt))
    if code is not None and not found:
        raise click.ClickException(
            f"No municipality with code {code} (ingen kommune med kode {code})."
        )
    return found


@click.command("evaluate-flags")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--municipality", "code", help="Only this municipality (its code, e.g. 561).")
def evaluate_flags(as_json: bool, code: str | None) -> None:
    """Evaluate revisitation flags for every citizen; print what was opened, kept and closed."""
    from selvvisitation.services.flags import evaluate_municipality

    reports = {}
    for municipality in _municipalities(code):
        reports[municipality.code] = evaluate_municipality(db.session, municipality.id)
    db.session.commit()
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
