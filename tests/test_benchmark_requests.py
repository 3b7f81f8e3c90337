"""scripts/benchmark_requests.py's throughput ratios (issue 17, "fast where people wait": a
page's throughput as a share of the trivial page's). The machine is shared, so the script
runs each page slice between two slices of the trivial page and takes the page's ratio
against their mean, round after round; these check that arithmetic, not any timing."""

from __future__ import annotations

import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmark_requests")


def test_a_page_is_measured_against_the_trivial_slices_either_side(benchmark):
    assert benchmark.sandwich_ratios([100.0, 200.0, 100.0], [30.0, 60.0]) == [0.2, 0.4]


def test_a_steady_change_of_the_machines_load_cancels_out(benchmark):
    # The trivial page falls from 400 to 100 req/s as the machine fills up; each page slice
    # runs at a fifth of what / does at its moment. Against the slice before it alone, the
    # first page would seem to run at 70/400.
    trivial = [400.0, 300.0, 200.0, 100.0]
    pages = [70.0, 50.0, 30.0]
    assert benchmark.sandwich_ratios(trivial, pages) == pytest.approx([0.2, 0.2, 0.2])


def test_every_page_slice_needs_a_trivial_slice_after_it(benchmark):
    with pytest.raises(ValueError):
        benchmark.sandwich_ratios([100.0, 100.0], [20.0, 20.0])


def test_each_page_gets_its_ratio_of_each_round(benchmark):
    # Run order: /, turn, /, queue, / (round 1), turn, /, queue, / (round 2).
    trivial = [100.0, 100.0, 200.0, 200.0, 100.0]
    rounds = [{"turn": 15.0, "queue": 30.0}, {"turn": 40.0, "queue": 15.0}]
    assert benchmark.round_ratios(trivial, rounds) == {
        "turn": pytest.approx([0.15, 0.2]),
        "queue": pytest.approx([0.2, 0.1]),
    }


def test_the_median_and_the_spread_of_the_rounds(benchmark):
    assert benchmark.median_and_range([0.17, 0.13, 0.22, 0.15, 0.16]) == (0.16, 0.13, 0.22)
