"""The visitators' area: the case queue, case pages and decisions.

One module per journey registers its routes on this blueprint.
"""

from __future__ import annotations

from flask import Blueprint

from selvvisitation.visitation.labels import labels

blueprint = Blueprint("visitation", __name__, url_prefix="/visitation")


@blueprint.context_processor
def _labels() -> dict:
    return labels()


from selvvisitation.visitation import (  # noqa: E402, F401
    actions,
    ael,
    assessment,
    case,
    letter,
    queue,
)
