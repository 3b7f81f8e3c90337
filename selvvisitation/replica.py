"""Read-only reports read from a replica, when one is configured (issue 16).

One PostgreSQL primary takes every write. The heavy read-only aggregations, the provider
report of supervision that supervisors and visitators read, may be read from a streaming
replica instead, so a year's figures for a large municipality do not compete with the
day's recording on the primary. ``DATABASE_REPLICA_URL`` names the replica; the config
turns it into the ``replica`` bind of Flask-SQLAlchemy (config.replica_binds), and
``report_session()`` is a session on that bind for the app context, or the app context's
session on the primary (``db.session()``) when no replica is configured (the SQLite demo,
and most municipalities).

Only what may be a little stale reads there: a replica is behind the primary by its
replication lag (docs/deployment.md, "A read replica"). Nothing that decides, checks a
rule or writes may read from it, and its connections are read only.
"""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from selvvisitation.database import configure_replica_engine
from selvvisitation.extensions import db

REPLICA = "replica"


def has_replica() -> bool:
    return REPLICA in db.engines


def report_session() -> Session:
    """The session the read-only reports read with: the replica's, or the primary's."""
    if not has_replica():
        return db.session()
    session = g.get("replica_session")
    if session is None:
        session = g.replica_session = Session(bind=db.engines[REPLICA], autoflush=False)
    return session


def init_app(app: Flask) -> None:
    """Make the replica's engine read only, and close its session with the app context."""
    with app.app_context():
        if has_replica():
            configure_replica_engine(db.engines[REPLICA])

    @app.teardown_appcontext
    def _close_replica_session(_error: BaseException | None) -> None:
        session = g.pop("replica_session", None)
        if session is not None:
            session.close()
