"""The views stay thin (issue 16, "Services own the transaction"; Notify's views are form →
one call → redirect or render): at most 25 lines at the 90th percentile, and no view writes
to the session. scripts/view_measures.py prints the figures."""

from __future__ import annotations

import statistics

from tests.scripts import load_script

# A view reads, hands the session to one service and renders: the service writes and owns
# the transaction. The last writing views (sign-in and sign-out, the second factor's two
# steps, the OIDC callback, the data download, the worker's visit page, /sundhed) moved
# into services in session 10 (issue 16); none may come back.
MOST_WRITING_VIEWS = 0


def _measures():
    module = load_script("view_measures")
    return [view for path in sorted(module.PACKAGE.rglob("*.py")) for view in module._views(path)]


def test_views_are_at_most_25_lines_at_the_90th_percentile():
    views = _measures()
    assert len(views) > 100, "the measure found the views"
    p90 = statistics.quantiles(sorted(view.lines for view in views), n=10)[8]
    longest = sorted(views, key=lambda view: -view.lines)[:12]
    assert p90 <= 25, f"p90 is {p90:.0f} lines; the longest: " + ", ".join(
        f"{view.module}:{view.name} ({view.lines})" for view in longest
    )


def test_no_view_writes_to_the_session():
    writing = [f"{view.module}:{view.name}" for view in _measures() if view.writes]
    assert len(writing) <= MOST_WRITING_VIEWS, f"call a service instead: {writing}"
