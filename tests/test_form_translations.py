"""WTForms' own messages come in the request's language from a catalogue read once (issue 17).

Flask-WTF looked for WTForms' catalogue on disk, and read it, in every request that made a
form: 1-2 % of a dialogue turn in the server. forms.BaseForm finds it once per process and
language, and gives the same messages Flask-WTF found (STYLE.md: every message a user
sees is translated; Danish is the default).
"""

from __future__ import annotations

import pytest
from babel.support import Translations
from flask import session
from flask_babel import refresh
from wtforms import IntegerField

from selvvisitation import forms


class _Minutes(forms.BaseForm):
    class Meta:
        csrf = False

    minutes = IntegerField("Minutes")


def _translations_in(app, language: str):
    with app.test_request_context("/"):
        session["lang"] = language
        refresh()
        form = _Minutes(formdata=None)
        translations = form.meta.get_translations(form)
        if translations is not None:
            translations.gettext("Not a valid integer value.")  # as a refused field asks
        return translations


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_catalogue_is_read_once_per_language(app, monkeypatch, language):
    forms._wtforms_messages.cache_clear()
    loads = []
    real = Translations.load
    monkeypatch.setattr(
        Translations, "load", classmethod(lambda cls, *a, **k: loads.append(a) or real(*a, **k))
    )

    first = _translations_in(app, language)
    second = _translations_in(app, language)

    assert len(loads) == 1 and loads[0][1] == [language]  # not again in the second request
    assert first is second


def test_the_messages_are_flask_wtfs_in_the_requests_language(app):
    from flask_wtf.i18n import translations as flask_wtf_messages

    forms._wtforms_messages.cache_clear()
    for language in ("da", "en"):
        with app.test_request_context("/"):
            session["lang"] = language
            refresh()
            form = _Minutes(formdata=None)
            ours = form.meta.get_translations(form)
            # WTForms ships English and no Danish catalogue: both say the same in each.
            for text in ("Not a valid integer value.", "This field is required."):
                assert ours.gettext(text) == flask_wtf_messages.gettext(text)


def test_without_i18n_wtforms_own_default_is_kept(app):
    app.config["WTF_I18N_ENABLED"] = False
    try:
        assert _translations_in(app, "da") is None
    finally:
        app.config["WTF_I18N_ENABLED"] = True
