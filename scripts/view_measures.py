"""How thin the views are (issue 16): sizes, and which views touch the database session.

    .venv/bin/python scripts/view_measures.py            # the figures
    .venv/bin/python scripts/view_measures.py --list     # and every view that writes

A view is a function decorated with a blueprint's `route`. It is measured from its `def`
to its last line, decorators left out. A view *touches the session* when its own body
calls a method on `db.session` (get, scalars, execute, commit…); handing the session to a
service is not touching it, since the service owns the work. It *writes* when it calls
commit, flush, add, delete or rollback on it (the goal: only services write; views read
and render). The largest
modules are listed too, since a module past about 600 lines has usually grown a second idea
(STYLE.md).
"""

from __future__ import annotations

import argparse
import ast
import statistics
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "selvvisitation"
WRITES = {"commit", "flush", "add", "add_all", "delete", "rollback"}


@dataclass(frozen=True)
class View:
    module: str
    name: str
    lines: int
    touches_session: bool
    writes: bool


def _is_route(decorator: ast.expr) -> bool:
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    return isinstance(target, ast.Attribute) and target.attr == "route"


def _views(path: Path) -> list[View]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_is_route(d) for d in node.decorator_list):
            continue
        touches = writes = False
        for inner in ast.walk(node):
            if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)):
                continue
            # A call on the session itself (db.session.get, .scalars, .commit): passing the
            # session to a service, which owns the work, is not the view touching it.
            if _on_session(inner.func.value):
                touches = True
                writes = writes or inner.func.attr in WRITES
        found.append(
            View(
                str(path.relative_to(ROOT)),
                node.name,
                node.end_lineno - node.lineno + 1,
                touches,
                writes,
            )
        )
    return found


def _on_session(value: ast.expr) -> bool:
    """`db.session.commit()`, `session.commit()`: a call on something named session."""
    return (isinstance(value, ast.Attribute) and value.attr == "session") or (
        isinstance(value, ast.Name) and value.id == "session"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list every view that writes")
    args = parser.parse_args()
    views = [view for path in sorted(PACKAGE.rglob("*.py")) for view in _views(path)]
    sizes = sorted(view.lines for view in views)
    deciles = statistics.quantiles(sizes, n=10)
    touching = [view for view in views if view.touches_session]
    writing = [view for view in views if view.writes]
    modules = sorted(
        (
            (len(path.read_text().splitlines()), path.relative_to(ROOT))
            for path in PACKAGE.rglob("*.py")
        ),
        reverse=True,
    )
    print(f"views: {len(views)}")
    print(
        f"lines per view: median {statistics.median(sizes):.0f}, p90 {deciles[8]:.0f}, "
        f"largest {sizes[-1]}"
    )
    print(
        f"views touching the session: {len(touching)}; writing (commit/flush/add): {len(writing)}"
    )
    print("largest modules:")
    for lines, path in modules[:8]:
        print(f"  {lines:>5}  {path}")
    if args.list:
        print("views that write:")
        for view in writing:
            print(f"  {view.module}:{view.name} ({view.lines} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
