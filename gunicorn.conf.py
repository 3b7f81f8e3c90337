"""gunicorn settings for production; gunicorn reads this file from the working directory.

Keep-alive: the server must keep an idle connection open longer than whoever sends on
it (a browser, or the reverse proxy in front) keeps it in its pool. With gunicorn's
default of 2 seconds, the server closes a connection at the moment a client reuses it,
and that request is lost as "Remote end closed connection without response": 27 of them
in one load test run (scripts/load_test.py, 200 users), 0 with this setting. 75 seconds
outlasts the usual proxy idle timeouts (nginx 60 s, cloud load balancers 60 s). Idle
connections wait in the gthread worker's poller, not in a thread, so this costs no threads.
"""

import itertools
import os

from selvvisitation.config import worker_threads

worker_class = "gthread"
# Two on SQLite, more on PostgreSQL: config.worker_threads says why. --threads (or
# GUNICORN_CMD_ARGS) on the command line still decides over this.
threads = worker_threads(os.environ.get("DATABASE_URL"))
keepalive = 75

# Load the app once in the master, before forking: the workers share every page of code and
# data they do not write (copy-on-write), instead of each importing its own copy (issue 17:
# workers at or under 120 MB). gc.freeze() keeps the collector from touching, and so
# copying, the objects loaded before the fork.
preload_app = True


def pre_fork(server, worker):
    import gc

    gc.freeze()


# glibc's mallopt parameter for the number of malloc arenas (malloc.h).
M_ARENA_MAX = -8


# A worker hands the pages freed inside its malloc heap back to the system every so many
# requests: glibc returns only the top of the heap by itself, so a worker otherwise keeps
# the high-water mark of its busiest moment resident (issue 17: about 6 MB of a worker
# after a thousand mixed requests). malloc_trim takes well under a millisecond.
TRIM_EVERY_REQUESTS = 200
_served = itertools.count(1)  # next() on it is atomic in CPython: a worker's threads share it
_malloc_trim = None


def _tune_malloc():
    """glibc gives each thread its own malloc arena, up to 8 per core: with 8 threads a
    worker keeps freed memory in many half-empty arenas. Two arenas cost no measurable
    throughput and about 10 MB of each worker's resident memory (issue 17; the same as
    MALLOC_ARENA_MAX=2 in the environment). It also finds malloc_trim for post_request.
    Elsewhere than glibc this does nothing."""
    import ctypes
    import ctypes.util

    global _malloc_trim
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_ARENA_MAX, 2)
        _malloc_trim = libc.malloc_trim
    except (OSError, AttributeError):
        pass


def post_request(worker, req, environ, resp):
    if _malloc_trim is not None and next(_served) % TRIM_EVERY_REQUESTS == 0:
        _malloc_trim(0)


def post_fork(server, worker):
    """A worker must not use connections the master opened: each gets its own pool.

    A worker that crashes in C code (a segmentation fault) is replaced by the master, and
    gunicorn logs only the signal: faulthandler writes every thread's Python stack to the
    error log first, so the crash can be found."""
    import faulthandler

    faulthandler.enable(all_threads=True)
    _tune_malloc()
    from selvvisitation.extensions import db

    app = worker.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # forget the master's connections, do not close them
