"""gunicorn settings for production; gunicorn reads this file from the working directory.

Keep-alive: the server must keep an idle connection open longer than whoever sends on
it (a browser, or the reverse proxy in front) keeps it in its pool. With gunicorn's
default of 2 seconds, the server closes a connection at the moment a client reuses it,
and that request is lost as "Remote end closed connection without response": 27 of them
in one load test run (scripts/load_test.py, 200 users), 0 with this setting. 75 seconds
outlasts the usual proxy idle timeouts (nginx 60 s, cloud load balancers 60 s). Idle
connections wait in the gthread worker's poller, not in a thread, so this costs no threads.
"""

import gc
import itertools
import os

from selvvisitation.config import worker_threads

worker_class = "gthread"
# One on SQLite, more on PostgreSQL: config.worker_threads says why. --threads (or
# GUNICORN_CMD_ARGS) on the command line still decides over this.
threads = worker_threads(os.environ.get("DATABASE_URL"))
keepalive = 75

# Each worker listens on a socket of its own, and the kernel spreads new connections
# between them (SO_REUSEPORT). On one shared socket the worker that woke first took most
# of a burst, up to 15 of wrk's 16 connections; a connection stays with its worker
# (keep-alive), so their requests queued behind each other on one core while the other
# worker idled, and the day list's p99 was 3-5x its median in those slices against
# 1.2-2 where the split was even (issue 17). On Linux 5.14 and newer,
# net.ipv4.tcp_migrate_req = 1 (deploy/sysctl) hands the connections still waiting on a
# stopping worker's socket to another worker instead of resetting them. (macOS spreads
# nothing: there one worker gets every connection, which serves a demo as well.)
reuse_port = True


def on_starting(server):
    """Refuse a port another server listens on, as gunicorn does on a shared socket: with
    reuse_port a second server of ours (an old `make run`) would bind it beside the first
    and answer half of its requests."""
    refuse_ports_in_use(server.cfg.address)


def refuse_ports_in_use(addresses):
    """Stop with a message when one of ``addresses`` (host, port) has a listener. Any other
    failure to bind (a port below 1024, an address not on this machine) is left to the
    workers, which report it as gunicorn always has."""
    import errno
    import socket

    for address in addresses:
        if not isinstance(address, tuple) or not address[1]:
            continue  # a Unix socket or port 0: nothing another server could share
        host, port = address
        probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        # Without SO_REUSEPORT the probe cannot bind beside a listener; SO_REUSEADDR lets it
        # bind beside the closed connections a stopped server leaves for a minute.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                message = f"{host}:{port} is in use by another server ({error.strerror})"
                raise SystemExit(message) from error
        finally:
            probe.close()


# Load the app once in the master, before forking: the workers share every page of code and
# data they do not write (copy-on-write), instead of each importing its own copy (issue 17:
# workers at or under 120 MB). gc.freeze() keeps the collector from touching, and so
# copying, the objects loaded before the fork.
preload_app = True


def pre_fork(server, worker):
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


# Garbage is collected between requests, not in the middle of them (out of band, as
# Unicorn's OobGC does). CPython collects its youngest objects every 700 new ones: a
# dialogue turn was collected about twice while it ran, each time scanning all the request
# still held (its rows, ORM objects and template contexts) and moving it to an older
# generation, to be scanned again there. After the response is sent only the request's
# reference cycles are left to find (Werkzeug's request and its environ, a WTForms form and
# its fields, Jinja's macros imported with context, SQLAlchemy's instance states): about
# 1,100 objects a turn. In one process (scripts/benchmark_requests.py's pages, 2,000 each): a
# turn's collections took 1.19 ms, now 0.68; the day list's 0.68 ms, now 0.31; the trivial
# page's 0.03 ms, now 0.05. The collector still runs by itself, after this many new objects,
# for a request that makes very many (an export, an import).
YOUNG_OBJECTS_MOST = 100_000
MIDDLE_EVERY_REQUESTS = 10  # the middle generation every 10th time, as CPython does
OLDEST_EVERY_REQUESTS = 1_000  # and all of them now and then (gc.freeze keeps the app out)


def generation_after(served: int) -> int:
    """The generation collected after a worker's ``served``-th request."""
    if served % OLDEST_EVERY_REQUESTS == 0:
        return 2
    return 1 if served % MIDDLE_EVERY_REQUESTS == 0 else 0


def _collect_between_requests():
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_MOST, middle, oldest)


def post_request(worker, req, environ, resp):
    served = next(_served)
    gc.collect(generation_after(served))
    if _malloc_trim is not None and served % TRIM_EVERY_REQUESTS == 0:
        _malloc_trim(0)


def post_fork(server, worker):
    """A worker must not use connections the master opened: each gets its own pool.

    A worker that crashes in C code (a segmentation fault) is replaced by the master, and
    gunicorn logs only the signal: faulthandler writes every thread's Python stack to the
    error log first, so the crash can be found."""
    import faulthandler

    faulthandler.enable(all_threads=True)
    _tune_malloc()
    _collect_between_requests()
    from selvvisitation.extensions import db

    app = worker.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # forget the master's connections, do not close them
