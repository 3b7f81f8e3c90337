"""Links to one object by its id, built once per endpoint and filled in (issue 17).

Flask's url_for walks the URL map, the blueprint's defaults and the request's adapter for
every link, some 40 calls each; the worker's day list links each of its 20 visits two to
five times. A link whose only argument is one integer id is built once with a stand-in
number, split there, and each further link is the two halves around the id: the same
string url_for gives (an int converter writes the number as it is).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g, request, url_for

# No id reaches this: the stand-in the link is built with, then split at.
_STAND_IN = 918273645546372819


def id_url(endpoint: str, **argument: int) -> str:
    """url_for(endpoint, name=id) for an endpoint whose one argument is an integer id."""
    ((name, value),) = argument.items()
    before, after = _halves(endpoint, name)
    return f"{before}{int(value)}{after}"


def id_urls(endpoint: str, name: str) -> Callable[[int], str]:
    """id_url(endpoint, name=id) as a function of the id alone, for a page that links
    many objects the same way: the halves are found once, not for each link (issue 17)."""
    before, after = _halves(endpoint, name)
    return lambda value: f"{before}{int(value)}{after}"


def _halves(endpoint: str, name: str) -> list[str]:
    """The endpoint's link either side of its id, built once per request."""
    patterns = g.setdefault("id_url_patterns", {})
    key = (endpoint, name, request.script_root)
    halves = patterns.get(key)
    if halves is None:
        # Flask types url_for's keywords as its own (_anchor, _method…): a route argument
        # passed by a name it does not know is refused by mypy, not by Flask.
        built = url_for(endpoint, **{name: _STAND_IN})  # type: ignore[arg-type]
        halves = patterns[key] = built.split(str(_STAND_IN))
    return halves


def register(app: Flask) -> None:
    app.jinja_env.globals.update(id_url=id_url)
