"""`flask evaluate-flags`: evaluates every citizen and prints opened, kept and closed."""

from __future__ import annotations

import json

from selvvisitation.demo.seed import build_demo
from selvvisitation.extensions import db


def test_evaluate_flags_prints_what_it_opened_then_what_it_kept(app) -> None:
    """Rule 7 (004 §1.3.3) and 003 on the demo: a second run keeps, opens nothing."""
    demo = build_demo(db.session)
    db.session.commit()
    expected = sum(len(rules) for rules in demo.built_to_be_flagged.values())
    runner = app.test_cli_runner()

    first = runner.invoke(args=["evaluate-flags", "--municipality", "561"])
    second = runner.invoke(args=["evaluate-flags", "--json"])

    assert first.exit_code == 0, first.output
    assert f"opened {expected}, kept 0, closed 0" in first.output
    report = json.loads(second.output)["561"]
    assert report["counts"] == {"opened": 0, "kept": expected, "closed": 0}
    assert {flag["action"] for flag in report["flags"]} == {"kept"}


def test_evaluate_flags_names_an_unknown_municipality(app) -> None:
    result = app.test_cli_runner().invoke(args=["evaluate-flags", "--municipality", "999"])
    assert result.exit_code != 0
    assert "No municipality with code 999" in result.output
