"""gunicorn.conf.py collects garbage after each response, not in the middle of a request
(issue 17: a dialogue turn was collected about twice while it ran, each time scanning all
it still held; after the response only its reference cycles are left to find)."""

from __future__ import annotations

import gc
import runpy
import weakref
from pathlib import Path

import pytest

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def settings():
    return runpy.run_path(str(GUNICORN_CONF))


@pytest.fixture
def collections():
    """The generations the collector runs, for as long as the test does."""
    runs: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield runs
    finally:
        gc.callbacks.remove(record)


@pytest.fixture
def threshold():
    kept = gc.get_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*kept)


@pytest.mark.parametrize(
    ("served", "generation"),
    [(1, 0), (9, 0), (10, 1), (11, 0), (990, 1), (999, 0), (1000, 2), (2000, 2), (2010, 1)],
)
def test_the_young_after_each_request_the_older_as_cpython_would(settings, served, generation):
    assert settings["generation_after"](served) == generation


def test_a_worker_collects_by_itself_only_after_very_many_new_objects(settings, threshold):
    gc.set_threshold(700, 10, 10)
    settings["_collect_between_requests"]()
    assert gc.get_threshold() == (settings["YOUNG_OBJECTS_MOST"], 10, 10)
    assert gc.isenabled()


def test_after_a_response_its_reference_cycles_are_freed(settings, threshold, collections):
    settings["_collect_between_requests"]()

    class Node:
        pass

    gc.collect()  # what came before this test is not counted
    collections.clear()
    # As a request leaves its ORM objects' states: only the collector frees a cycle.
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    assert gone() is not None

    settings["post_request"](None, None, None, None)

    assert collections == [0]
    assert gone() is None


def test_every_tenth_response_also_collects_the_middle_generation(settings, collections):
    for _ in range(10):
        settings["post_request"](None, None, None, None)
    assert collections == [0] * 9 + [1]
