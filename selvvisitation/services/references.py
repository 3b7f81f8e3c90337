"""The references a citizen is given on a confirmation page (issue 12): a prefix and eight
random digits, unique in their table. "PRI-" for a priority, "ONS-" for a wish, "REV-" for a
reassessment request; a swap keeps its "BYT-" from bookings.book_swap. No Flask."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session


def new_reference(session: Session, column: InstrumentedAttribute[Any], prefix: str) -> str:
    """A reference not yet in ``column``: ``prefix`` and eight random digits."""
    while True:
        reference = f"{prefix}-{secrets.randbelow(10**8):08d}"
        if session.scalars(select(column).where(column == reference)).first() is None:
            return reference
