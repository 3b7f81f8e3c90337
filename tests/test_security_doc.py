"""docs/security.md names, for each ASVS row, the test that shows it: every one exists."""

from __future__ import annotations

import ast
import re

from selvvisitation.config import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "security.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def named_tests() -> list[tuple[str, str]]:
    return NAMED.findall(DOC.read_text(encoding="utf-8"))


def test_the_security_list_names_tests():
    assert len(named_tests()) > 40


def test_every_test_the_security_list_names_exists():
    missing = []
    for path, name in named_tests():
        source = PROJECT_ROOT / path
        defined = (
            {
                node.name
                for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
                if isinstance(node, ast.FunctionDef)
            }
            if source.exists()
            else set()
        )
        if name not in defined:
            missing.append(f"{path}::{name}")
    assert missing == []
