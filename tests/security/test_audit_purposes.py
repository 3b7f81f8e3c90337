"""Every audit purpose the code records has a text the citizen reads, in Danish and
English (issue 15, Medium 8): "Hvem har kigget på mine oplysninger" never shows a bare
code or falls back to "Looked at your information" for a purpose the code names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from selvvisitation.config import PROJECT_ROOT
from selvvisitation.security import audit

PACKAGE = PROJECT_ROOT / "selvvisitation"


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def purposes_in_the_code() -> set[str]:
    """Every string given as `purpose=` to a call, or as the purpose of `audit_reads`."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "purpose":
                    found |= _strings(keyword.value)
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "audit_reads" and len(node.args) > 1:
                found |= _strings(node.args[1])
    return found | set(audit.DEFAULT_READ_PURPOSE.values())


def test_the_scan_finds_the_purposes_it_should():
    found = purposes_in_the_code()
    assert {"team_day_visits", "visitation_queue", "own_request", "on_behalf_of_citizen"} <= found


@pytest.mark.parametrize("purpose", sorted(purposes_in_the_code()))
def test_every_audit_purpose_in_the_code_has_a_text(purpose):
    assert purpose in audit.PURPOSES, f"audit purpose {purpose!r} has no text in PURPOSES"


@pytest.mark.parametrize("purpose", sorted(audit.PURPOSES))
def test_every_purpose_text_is_translated(purpose):
    with force_locale("da"):
        danish = audit.describe_purpose(purpose, "read")
    with force_locale("en"):
        english = audit.describe_purpose(purpose, "read")
    assert danish and english and danish != english
