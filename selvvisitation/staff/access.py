"""Object-level access in the staff area: a worker sees only the own team's visits."""

from __future__ import annotations

from flask import abort

from selvvisitation.extensions import db
from selvvisitation.models import Visit
from selvvisitation.security.access import current_actor, may_see_citizen


def team_visit_or_404(visit_id: int, *, locked: bool = False) -> Visit:
    """The visit, if it belongs to the signed-in worker's team; 404 otherwise (no hint)."""
    if locked:
        from selvvisitation.security.locking import locked_visit

        visit = locked_visit(db.session(), visit_id)
    else:
        visit = db.session.get(Visit, visit_id)
    actor = current_actor()
    staff = actor.staff
    if (
        visit is None
        or staff is None
        or staff.team_id is None
        or visit.team_id != staff.team_id
        or not may_see_citizen(actor, visit.citizen)
    ):
        abort(404)
    return visit
