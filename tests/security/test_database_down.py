"""With the database out of reach (issue 15, Low 11; ASVS 4.0.3 V7.4.1, V11.1.x): `/sundhed`
answers 503 so the load balancer takes the instance out, and an error page still renders
in our look, with our headers, without the database.

The app is pointed at a port nobody listens on: the OS hands out a free port, and the
socket is closed again before the app tries it.
"""

from __future__ import annotations

import socket

import pytest
from bs4 import BeautifulSoup

from selvvisitation import create_app


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable(monkeypatch):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/gone?connect_timeout=2"
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    app = create_app("test")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not a raise
    return app.test_client()


def test_the_health_check_answers_503_when_the_database_is_unreachable(unreachable):
    response = unreachable.get("/sundhed")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unreachable"}


def test_the_health_check_answers_200_when_the_database_answers(client):
    response = client.get("/sundhed")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_an_error_page_renders_in_our_look_without_the_database(unreachable):
    response = unreachable.get("/log-ind/")  # the demo sign-in lists people: needs the database
    assert response.status_code == 500
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.html["lang"] == "da"
    assert page.h1.get_text(strip=True) == "Beklager, der er et problem med løsningen"
    assert page.select_one("footer") is not None  # the whole layout, not a bare message
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_without_the_database_renders_as_usual(unreachable):
    response = unreachable.get("/")
    assert response.status_code == 200
