"""The CPR number is typed as digits: a phone shows its number keys (issue 12 item 10).

The dialogue's question carries inputmode="numeric" (domain.dialogue_steps.Question); the field
stays type="text" (GOV.UK: a CPR number is not a quantity, and type="number" drops the
leading zero and the dash)."""

from __future__ import annotations

from selvvisitation.domain import dialogue_steps as d
from tests.domain.test_dialogue import FILLED, context


def test_the_cpr_question_asks_for_the_number_keys():
    asked = d.question(context(), d.State("relative_cpr", dict(FILLED), []))
    assert (asked.input, asked.inputmode) == ("line", "numeric")


def test_no_other_line_asks_for_numbers():
    """A name is written in letters: only the CPR number gets the number keys."""
    asked = d.question(context(), d.State("relative_name", dict(FILLED), []))
    assert (asked.input, asked.inputmode) == ("line", "")
