"""gunicorn serves one request at a time per worker on SQLite, more on PostgreSQL
(config.worker_threads; issue 17: on SQLite a worker's threads only wait for the one
writer's turn and take the interpreter's lock from each other; with 2, the day list and
the dialogue turn served 21-22 % of the trivial page's requests, with 1 25-27 %)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from selvvisitation.config import DATABASE_SERVER_THREADS, SQLITE_THREADS, worker_threads

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.mark.parametrize(
    ("url", "threads"),
    [
        (None, SQLITE_THREADS),  # no DATABASE_URL: the SQLite file in the instance folder
        ("", SQLITE_THREADS),
        ("sqlite:////srv/selvvisitation/instance/selvvisitation.db", SQLITE_THREADS),
        ("sqlite+pysqlite:///relative.db", SQLITE_THREADS),
        ("postgresql+psycopg://app@db.kommune.dk:5432/selvvisitation", DATABASE_SERVER_THREADS),
        ("postgres://app@db.kommune.dk/selvvisitation", DATABASE_SERVER_THREADS),
    ],
)
def test_threads_per_worker_follow_the_database(url, threads):
    assert worker_threads(url) == threads


def test_few_threads_on_sqlite_and_more_on_a_database_server():
    # SQLite writes one transaction at a time: a second thread only waits in the way.
    assert SQLITE_THREADS == 1 < DATABASE_SERVER_THREADS


@pytest.mark.parametrize(
    ("url", "threads"),
    [(None, SQLITE_THREADS), ("postgresql+psycopg://root@127.0.0.1/x", DATABASE_SERVER_THREADS)],
)
def test_gunicorn_conf_takes_its_threads_from_the_database_url(monkeypatch, url, threads):
    if url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["threads"] == threads
    assert settings["worker_class"] == "gthread"
