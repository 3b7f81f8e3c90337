"""A frozen clock for the visit tests: Monday 2 March 2026, 09:00 in Copenhagen."""

from __future__ import annotations

import pytest
import time_machine

from tests.visits.scene import NOW


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
