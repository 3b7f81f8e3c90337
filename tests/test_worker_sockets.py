"""Each gunicorn worker listens on a socket of its own, so the kernel spreads connections
between the workers (issue 17: on one shared socket the worker that woke first took up to
15 of 16 connections, and the day list's p99 went to 3-5x its median)."""

from __future__ import annotations

import runpy
import socket
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_gives_each_worker_its_own_listening_socket():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    # gunicorn reads only the names it knows from the file: a misspelt one would do nothing.
    config.set("reuse_port", settings["reuse_port"])
    assert config.reuse_port is True


def test_the_sample_sysctl_hands_a_stopping_worker_s_connections_to_another():
    """deploy/sysctl/90-selvvisitation.conf, which docs/deployment.md installs."""
    lines = (ROOT / "deploy/sysctl/90-selvvisitation.conf").read_text().splitlines()
    assert "net.ipv4.tcp_migrate_req = 1" in lines
    assert "deploy/sysctl/90-selvvisitation.conf" in (ROOT / "docs/deployment.md").read_text()


def test_a_second_server_on_a_port_in_use_is_refused_not_let_share_it():
    """With reuse_port a second server of ours could bind beside the first and answer half
    its requests (an old `make run` still running): gunicorn.conf.py refuses it first."""
    refuse_ports_in_use = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["refuse_ports_in_use"]
    # The port is held from first to last, so no other process can take it meanwhile: bound
    # but not yet listening, it is free to serve on; listening (as a worker of ours, with
    # SO_REUSEPORT), it is another server's.
    first = socket.socket()
    first.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    first.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    first.bind(("127.0.0.1", 0))
    port = first.getsockname()[1]
    try:
        refuse_ports_in_use([("127.0.0.1", port), "/run/selvvisitation.sock"])
        first.listen()
        with pytest.raises(SystemExit, match=f"127.0.0.1:{port} is in use by another server"):
            refuse_ports_in_use([("127.0.0.1", port)])
    finally:
        first.close()


def test_a_port_that_cannot_be_bound_for_another_reason_is_left_to_gunicorn_s_own_report():
    """Only a listener is refused here; an address not on this machine is the workers' to
    report, as gunicorn always has, not called "in use"."""
    refuse_ports_in_use = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["refuse_ports_in_use"]
    refuse_ports_in_use([("192.0.2.1", 8000)])  # TEST-NET-1: never an address of this machine
