"""Run work in many threads released at the same moment, each with its own session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from sqlalchemy.orm import Session

from selvvisitation.extensions import db


def at_once[T](count: int, work: Callable[[int, Session], T]) -> list[T]:
    """Run ``work(i, session)`` in ``count`` threads that start together; its results.

    Each thread has its own database connection and session, as gunicorn's threads do.
    """
    app = current_app._get_current_object()
    engine = db.engine
    barrier = threading.Barrier(count)

    def run(i: int) -> T:
        with app.app_context(), Session(engine) as session:
            barrier.wait()
            return work(i, session)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
