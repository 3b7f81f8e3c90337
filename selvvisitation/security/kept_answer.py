"""The answer a citizen was sending when her session timed out, kept until she signs in
again (issue 12 item 9; WCAG 2.2.1 "Timing Adjustable").

Without JavaScript no warning can reach her before the 30-minute idle timeout: she types
an answer, sends it, and the session has ended. The form she sent is kept in her own
session cookie; she is sent to sign in, then back to the page she wrote it on, where the
form shows what she wrote. Only she gets it back: the kept answer names who wrote it,
and anyone else signing in on that browser drops it.

What is kept, and what is not:
- only the citizen's and a relative's forms (a staff form can hold other people's data,
  and a shared office PC keeps the cookie);
- never a CPR number (a field named for one, or any value holding one), nor the CSRF
  token; at most KEEP_LIMIT characters (the cookie holds 4 kB);
- for at most the session's lifetime: the cookie then expires, and an older one is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, request, session
from werkzeug.datastructures import MultiDict

from selvvisitation.domain.types import ActorKind
from selvvisitation.i18n import safe_next_url

KEPT_ANSWER = "kept_answer"
KEEP_LIMIT = 2000  # characters over all fields
KEPT_FOR = (ActorKind.CITIZEN.value, ActorKind.RELATIVE.value)
_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")
# The CSRF token, and where a form leads (the keep-alive and language forms): not words.
_NOT_KEPT = {"csrf_token", "next"}


def _who(kind: Any, actor_id: Any, subject_id: Any) -> list[Any]:
    return [kind, actor_id, subject_id]


def keep_unsent_answer(kind: Any, actor_id: Any, subject_id: Any, timeout: float) -> str | None:
    """Keep the form this timed-out request sent; return the page to come back to.

    Call when the request is refused because the session has ended (security.access).
    None when nothing is kept (not a form post, not the citizen's side, nothing written,
    or too long for the cookie).
    """
    if request.method != "POST" or kind not in KEPT_FOR:
        return None
    fields = [
        [name, values]
        for name, values in request.form.lists()
        if name not in _NOT_KEPT
        and "cpr" not in name.lower()
        and not any(_CPR.search(value) for value in values)
    ]
    written = sum(len(value) for _name, values in fields for value in values)
    # Something she wrote or chose: a form of ids alone (a "back" button's) is not kept.
    if not any(ch.isalpha() for _name, values in fields for value in values for ch in value):
        return None
    if written > KEEP_LIMIT:
        return None
    back = _page_it_was_written_on()
    session[KEPT_ANSWER] = {
        "who": _who(kind, actor_id, subject_id),
        "page": back,
        "fields": fields,
        "until": datetime.now(UTC).timestamp() + timeout,
    }
    session.permanent = True  # the cookie itself expires with the session's lifetime
    return back


def _page_it_was_written_on() -> str:
    """The page that showed the form (the browser sends it as the referrer within the site;
    headers.py sets Referrer-Policy: same-origin); else this address if it can be opened."""
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if safe_next_url(path):
                return path
    adapter = current_app.url_map.bind_to_environ(request.environ)
    if adapter.test(request.path, method="GET"):
        return request.path
    return "/"


def carry_over() -> Mapping[str, Any] | None:
    """The kept answer, to put back after sign_in empties the session."""
    kept = session.get(KEPT_ANSWER)
    return kept if isinstance(kept, Mapping) else None


def claim(kind: Any, actor_id: Any, subject_id: Any) -> None:
    """At the start of a request by someone signed in: drop a kept answer that is not
    hers or too old; on the page she wrote it on, hand it to the forms (kept_formdata)."""
    kept = carry_over()
    if kept is None:
        session.pop(KEPT_ANSWER, None)
        return
    mine = list(kept.get("who") or []) == _who(kind, actor_id, subject_id)
    fresh = float(kept.get("until") or 0) > datetime.now(UTC).timestamp()
    relative_choosing = kind == ActorKind.RELATIVE.value and subject_id is None
    if relative_choosing and fresh and (kept.get("who") or [None, None])[:2] == [kind, actor_id]:
        return  # a relative picks the citizen first; the answer waits for that
    if not (mine and fresh):
        session.pop(KEPT_ANSWER)
        return
    if request.method == "GET" and request.full_path.rstrip("?") == kept.get("page"):
        session.pop(KEPT_ANSWER)
        g.kept_answer = MultiDict([(n, v) for n, values in kept["fields"] for v in values])


def return_page(kind: Any, actor_id: Any, subject_id: Any = None) -> str | None:
    """Where someone just signed in goes: back to her kept answer, when she has one."""
    kept = carry_over()
    if kept is None or list(kept.get("who") or []) != _who(kind, actor_id, subject_id):
        return None
    if float(kept.get("until") or 0) <= datetime.now(UTC).timestamp():
        return None
    return safe_next_url(str(kept.get("page") or ""))


def kept_formdata() -> MultiDict | None:
    """What she wrote, for the forms of the page she is brought back to; else None."""
    return g.get("kept_answer")


def waiting_page() -> str | None:
    """The page with her kept answer, while she is elsewhere (the layout links to it)."""
    kept = carry_over()
    return str(kept["page"]) if kept is not None and "page" in kept else None
