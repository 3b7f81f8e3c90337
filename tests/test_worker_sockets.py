"""Each gunicorn worker listens on a socket of its own, so the kernel spreads connections
between the workers (issue 17: on one shared socket the worker that woke first took up to
15 of 16 connections, and the day list's p99 went to 3-5x its median)."""

from __future__ import annotations

import runpy
from pathlib import Path

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
