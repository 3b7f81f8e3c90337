"""One transaction per service function (the services own their transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def one_transaction(session: Session) -> Iterator[None]:
    """Commit what the block wrote; on any error (a refusal too) roll it all back and re-raise,
    so a refused or failed action leaves nothing written."""
    try:
        yield
        # Inside the try: a commit the database refuses (its flush fails) is rolled back too,
        # so the session is usable again and nothing of the block stays pending.
        session.commit()
    except BaseException:
        session.rollback()
        raise
