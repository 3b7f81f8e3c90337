"""The home-care workers' and team leaders' area: the day's visits and their records.

One module per journey: visit_list (day and week), record (a visit as it went),
reports (a change in the citizen's need), team (the team leader's overview).
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("staff", __name__, url_prefix="/personale")

# The journey modules register their routes on the blueprint above.
from selvvisitation.staff import (  # noqa: E402,F401
    answers,
    inbox,
    outbox,
    record,
    reports,
    team,
    visit_changes,
    visit_list,
)
