"""The dialogue's radio buttons and checkboxes, written without WTForms' option widgets
(forms.choice_options and the choice_input macro; issue 17), are the markup WTForms writes.

A citizen's answer is read by the field's name and value, and her label is tied to its
input by the id (WCAG 2.1 1.3.1, 4.1.2): if the two ways of writing an option drift apart,
a label stops naming its button or an answer is read as another. So each option is
compared with what WTForms' own widget writes for it, byte for byte.
"""

from __future__ import annotations

import pytest
from wtforms import Form, RadioField, SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from selvvisitation.forms import choice_options

# Values and labels a catalogue could hold: quotes, ampersands, angle brackets, Danish letters.
CHOICES = [
    SelectChoice("bath", "Bad"),
    SelectChoice('say "hi" & <go>', 'Sig "hej" & <gå> til Åse'),
    SelectChoice("øl", ""),  # no label: WTForms shows the value
]


class _Radios(Form):
    answer = RadioField("Hvad vil du?", choices=CHOICES, validate_choice=False)


class _Boxes(Form):
    answer = SelectMultipleField(
        "Hvad vil du?",
        choices=CHOICES,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


@pytest.fixture
def choice_input(app):
    with app.test_request_context():
        yield app.jinja_env.get_template("macros/forms.html").module.choice_input


@pytest.mark.parametrize("chosen", [None, "bath", 'say "hi" & <go>', "øl"])
def test_a_radio_button_is_written_as_wtforms_writes_it(choice_input, chosen):
    field = _Radios(data={"answer": chosen}).answer
    ours = [
        str(choice_input(field, o, "radio", "form-radio radio-large"))
        for o in choice_options(field)
    ]
    theirs = [str(option(class_="form-radio radio-large")) for option in field]
    assert ours == theirs
    assert [o.label for o in choice_options(field)] == [o.label.text for o in field]
    assert sum(" checked " in html for html in ours) == (chosen is not None)


@pytest.mark.parametrize("chosen", [[], ["bath"], ['say "hi" & <go>', "øl"]])
@pytest.mark.parametrize("minutes", [0, 15])
def test_a_checkbox_is_written_as_wtforms_writes_it(choice_input, chosen, minutes):
    field = _Boxes(data={"answer": chosen}).answer
    ours = [
        str(choice_input(field, o, "checkbox", "form-checkbox checkbox-large", minutes))
        for o in choice_options(field)
    ]
    theirs = [
        str(option(class_="form-checkbox checkbox-large", **{"data-minutes": minutes}))
        for option in field
    ]
    assert ours == theirs
    assert sum(" checked " in html for html in ours) == len(chosen)
