import pytest


@pytest.fixture(autouse=True)
def app_context():
    """Domain rules are plain Python: no app, no database."""
    yield
