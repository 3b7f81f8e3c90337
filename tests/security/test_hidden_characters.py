"""Free text staff read holds no characters nobody sees (issue 15, Low 13).

A right-to-left override in a citizen's message makes the staff member reading it see
other words than were stored ("Trojan Source", CVE-2021-42574); a zero-width space makes
two equal-looking texts differ. Every form cleans typed text once, in forms.BaseForm,
before any check: the citizen's messages and wishes, the dialogue's free text, the
visitator's reasons.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from wtforms import PasswordField, StringField, TextAreaField

from selvvisitation.domain.hidden_characters import without_hidden_characters
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm
from selvvisitation.models import ThreadMessage
from tests.messages.helpers import message_scene
from tests.pages import sign_in_citizen

STRIPPED = {
    "right-to-left override": "\u202e",
    "left-to-right override": "\u202d",
    "right-to-left embedding": "\u202b",
    "pop directional formatting": "\u202c",
    "right-to-left isolate": "\u2067",
    "first strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "right-to-left mark": "\u200f",
    "arabic letter mark": "\u061c",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "next line (C1)": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "private use": "\ue000",
}


@pytest.mark.parametrize("character", STRIPPED.values(), ids=STRIPPED.keys())
def test_a_hidden_character_is_taken_out_of_typed_text(character):
    assert without_hidden_characters(f"Bad{character} i morgen") == "Bad i morgen"


@pytest.mark.parametrize(
    "text",
    [
        "Støvsugning hver 14. dag",
        "To linjer\nmed tab\tog CR LF\r\n",
        "Arabisk: مرحبا, hebraisk: שלום",  # right-to-left letters are text, not overrides
        "Ikke-brydende\u00a0mellemrum og tankestreg –",
        "👍 tak",
        "",
    ],
)
def test_text_people_write_is_kept_as_it_is(text):
    assert without_hidden_characters(text) == text


def test_a_citizens_message_reaches_the_staff_without_an_override(client, page, factories):
    """The override would show the visitator 'bad ikke' reversed; stored, it is gone."""
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    typed = "Jeg vil \u202egerne\u202c have bad\u200b i morgen\x1b"
    page.post("citizen.write", {"text": typed}, party="visitation", expected_status=302)
    stored = db.session.scalars(select(ThreadMessage.text)).one()
    assert stored == "Jeg vil gerne have bad i morgen"


def test_every_form_cleans_typed_text_but_never_a_password(app):
    """The one place, forms.BaseForm, covers every form, staff's reasons too; a password
    must match what was set, so it is left as typed."""

    class Probe(BaseForm):
        text = TextAreaField()
        line = StringField()
        password = PasswordField()

    data = {"text": "Ferie\u2066 uge 7\u2069", "line": "Anna\u200b", "password": "hemme\u200blig"}
    with app.test_request_context(method="POST", data=data):
        form = Probe(meta={"csrf": False})
        assert form.validate()
        assert (form.text.data, form.line.data) == ("Ferie uge 7", "Anna")
        assert form.password.data == "hemme\u200blig"
