"""Views do not own transactions: services do (issue 16; cosmicpython's unit of work).

A module of the web layer (the blueprints' packages) that calls ``commit()`` or ``rollback()`` fails
this test, except the modules listed in ``NOT_YET_MOVED`` with the number of calls they
still make. The list only shrinks: moving a module's writes into a service means lowering
its number here (to zero: removing it), and a new view that commits fails at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "selvvisitation"

# Modules of the web layer that still roll back themselves, and how many times. No view
# does (issue 16, session 10): these two are the request's recovery after a failed read,
# not an action's transaction. The 500 page drops whatever the failed request left half
# written; the layout, finding the database out of reach, rolls back so the error page
# can still render (issue 15, Low 11).
NOT_YET_MOVED = {
    "public/errors.py": 1,
    "public/layout.py": 1,
}


# The web layer: one package per area of the product, each a blueprint.
VIEW_PACKAGES = ("admin", "api", "auth", "citizen", "public", "staff", "supervision", "visitation")


def _transaction_calls(tree: ast.Module) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    )


def _view_modules_ending_transactions() -> dict[str, int]:
    found = {}
    for package in VIEW_PACKAGES:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if calls := _transaction_calls(tree):
                found[path.relative_to(PACKAGE).as_posix()] = calls
    return found


def test_no_view_commits_or_rolls_back_beyond_the_modules_not_yet_moved():
    found = _view_modules_ending_transactions()
    grown = {m: n for m, n in found.items() if n > NOT_YET_MOVED.get(m, 0)}
    assert not grown, f"views that commit or roll back; call a service instead: {grown}"


def test_the_list_of_modules_not_yet_moved_only_shrinks():
    found = _view_modules_ending_transactions()
    shrunk = {m: (n, found.get(m, 0)) for m, n in NOT_YET_MOVED.items() if found.get(m, 0) < n}
    assert not shrunk, f"lower these numbers in NOT_YET_MOVED (listed, found): {shrunk}"


def test_the_conversation_page_leaves_the_transaction_to_its_service():
    """The dialogue's answer committed 4 times and rolled back twice (issue 16)."""
    assert "citizen/dialogue_views.py" not in _view_modules_ending_transactions()


def test_the_admin_area_leaves_the_transaction_to_its_services():
    """Each admin action is one service function (services.admin, services.programmes)."""
    assert not [m for m in _view_modules_ending_transactions() if m.startswith("admin/")]


def test_the_check_finds_a_view_that_commits():
    tree = ast.parse(
        "@blueprint.route('/x', methods=['POST'])\ndef x():\n    db.session.commit()\n"
    )
    assert _transaction_calls(tree) == 1
