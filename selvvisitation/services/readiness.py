"""Whether this instance can serve: the question /sundhed answers for the load balancer.

Read-only: it asks the database for nothing (``SELECT 1``). A database out of reach
leaves the session in a failed transaction; it is rolled back here, so the rest of the
request (its error page, its after-request hooks) finds a usable session (issue 15, Low 11).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session


def database_answers(session: Session) -> bool:
    """True when the database answers a trivial query."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return False
    return True
