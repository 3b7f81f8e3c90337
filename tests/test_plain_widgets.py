"""The dialogue's hidden turn and its text boxes, written by plain_html_params (issue 17),
are the markup WTForms writes.

The turn field is how an answer to an old question is refused (security.acting_for,
issue 15), and a text box is tied to its label and hint by its id and aria-describedby
(WCAG 2.1 1.3.1, 4.1.2): the two ways of writing a field must not drift apart. So each is
compared with what WTForms' own widget writes, byte for byte, for any value and any set
of attributes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import html_params

from selvvisitation.forms import (
    PlainHiddenInput,
    PlainTextArea,
    PlainTextInput,
    plain_html_params,
)

# Attribute names as templates pass them: a trailing underscore, data_ and aria_ words.
NAMES = st.sampled_from(
    ["class_", "id", "rows", "autocomplete", "data_minutes", "aria_describedby", "for_", "x"]
)
VALUES = st.one_of(st.booleans(), st.integers(), st.text())


@given(st.dictionaries(NAMES, VALUES))
def test_the_attributes_are_wtforms_own(attributes):
    assert plain_html_params(**attributes) == html_params(**attributes)


class _WTForms(Form):
    turn = HiddenField()
    line = StringField(validators=[InputRequired(), Length(max=40)])
    text = TextAreaField(validators=[Length(min=0, max=4000)])


class _Plain(Form):
    turn = HiddenField(widget=PlainHiddenInput())
    line = StringField(widget=PlainTextInput(), validators=[InputRequired(), Length(max=40)])
    text = TextAreaField(widget=PlainTextArea(), validators=[Length(min=0, max=4000)])


# As the dialogue's question writes them (templates/citizen/_dialogue_question.html).
AS_ASKED = [
    {},
    {"class_": "form-input", "autocomplete": "off", "aria-describedby": False},
    {"class_": "form-input", "rows": 3, "aria-describedby": "text-hint", "aria-invalid": "true"},
    {"inputmode": "numeric", "aria-invalid": False},
]


@pytest.mark.parametrize("field", ["turn", "line", "text"])
@pytest.mark.parametrize("attributes", AS_ASKED)
@given(st.text())
def test_each_field_is_written_as_wtforms_writes_it(field, attributes, typed):
    sent = MultiDict({"turn": typed, "line": typed, "text": typed})
    wtforms, plain = _WTForms(sent), _Plain(sent)
    wtforms.validate(), plain.validate()

    assert plain[field](**attributes) == wtforms[field](**attributes)
