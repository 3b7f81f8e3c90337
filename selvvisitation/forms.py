"""Shared form base and validators: one message pattern, built from the thing asked for.

As in GOV.UK Notify: "Enter your username", "Choose a service", "Minutes must be
between 5 and 120". Forms render `novalidate` so the server's plain message is
the one the user sees.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectFieldBase,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation
from wtforms.widgets import HiddenInput, TextArea, TextInput
from wtforms.widgets.core import clean_key

from selvvisitation.domain.hidden_characters import without_hidden_characters
from selvvisitation.security.kept_answer import kept_formdata

# No text field takes more than this, whatever its own limit (issue 15; ASVS V5.1.4):
# the longest any field here allows is 4,000 characters.
FIELD_LIMIT = 10_000


class BaseForm(FlaskForm):
    """All our forms: CSRF-protected; error texts are plain, translated sentences."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))

    def __init__(self, formdata: Any = _Auto, **kwargs: Any) -> None:
        """On the page a citizen is brought back to after her session timed out, every
        form shows what she had written (security.kept_answer; issue 12 item 9)."""
        if formdata is _Auto or formdata is None:
            kept = kept_formdata() if has_request_context() else None
            if kept is not None and request.method == "GET":
                formdata = kept
        super().__init__(formdata=formdata, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        """Also refuse text with a NUL character: no one types it, and PostgreSQL cannot
        store it in a text column (it was a 500 there, saved on SQLite). And text longer
        than FIELD_LIMIT in any field, also one without a limit of its own.

        Before any check, typed text loses the characters nobody sees (bidirectional
        overrides, zero-width and other control characters; domain.hidden_characters):
        the one place every free text staff read passes (issue 15, Low 13)."""
        _clean_typed_text(self)
        valid = super().validate(extra_validators)
        for field in _leaf_fields(self):
            if not isinstance(field.data, str):
                continue
            if "\x00" in field.data:
                field.errors = [*field.errors, _l("Remove the invalid character")]
                valid = False
            if len(field.data) > FIELD_LIMIT:
                field.errors = [
                    *field.errors,
                    _l("Write at most %(max)d characters", max=FIELD_LIMIT),
                ]
                valid = False
        _refresh_errors(self)
        return valid


@functools.cache
def _wtforms_messages(locale: str) -> NullTranslations:
    """WTForms' own messages in ``locale``, as Flask-WTF finds them, read once per process
    and language: Flask-WTF read the catalogue from disk on every request that made a form,
    1-2 % of a dialogue turn (issue 17). The catalogues are installed files; they do not
    change while the app runs."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


def _clean_typed_text(form: Any) -> None:
    """Strip hidden characters from what people type. Not from a password (it must match
    what was set) nor a hidden field (ids and addresses, refused by their own checks)."""
    for field in _leaf_fields(form):
        typed = isinstance(field, StringField) and not isinstance(
            field, PasswordField | HiddenField
        )
        if typed and isinstance(field.data, str):
            field.data = without_hidden_characters(field.data)


def _refresh_errors(form: Any) -> None:
    """Recompute the errors WTForms cached during validation, so errors added afterwards
    to a field inside an element line reach the summary and the page title too."""
    form._errors = None
    for field in form:
        if isinstance(field, FormField):
            _refresh_errors(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _refresh_errors(entry.form)
            own = [e for e in field.errors if not isinstance(e, dict | list)]
            lines = [entry.errors for entry in field.entries]
            field.errors = [*lines, *own] if any(lines) else own


def _leaf_fields(form: Any) -> Any:
    """Every field that holds a value, also inside a FieldList or FormField (the element
    lines of a forløb): their text reached PostgreSQL with a NUL in it, a 500."""
    for field in form:
        entries = field.entries if isinstance(field, FieldList) else [field]
        for entry in entries:
            if isinstance(entry, FormField):
                yield from _leaf_fields(entry.form)
            else:
                yield entry


class Required(InputRequired):
    """Stop with the given message when nothing was entered or chosen."""

    def __init__(self, message: Any) -> None:
        super().__init__(message=message)

    def __call__(self, form: Form, field: Field) -> None:
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            field.errors[:] = []
            raise StopValidation(self.message)


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("Write at most %(max)d characters", max=limit))


def minutes_between(low: int, high: int) -> NumberRange:
    return NumberRange(
        min=low,
        max=high,
        message=_l("Minutes must be between %(low)d and %(high)d", low=low, high=high),
    )


class WholeNumberField(IntegerField):
    """A whole number; anything else gets a plain message instead of WTForms' English one."""

    not_a_number = _l("Write a whole number, for example 14")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Phones show the number keys; the input stays type="text" (GOV.UK: inputmode
        # numeric, not type number), so the server's plain message is the one shown.
        kwargs["render_kw"] = {"inputmode": "numeric", **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(self.not_a_number) from None


class NumberRequired(Required):
    """Required for a WholeNumberField: text that is not a number keeps its own message."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()  # "Write a whole number, for example 14" stays
        super().__call__(form, field)


class MinutesField(WholeNumberField):
    not_a_number = _l("Write the minutes as a whole number, for example 20")


# Ids are the database's integer (32 bits in PostgreSQL): a larger number is no one's id.
MAX_ID = 2**31 - 1


def id_from_form(text: str | None) -> int | None:
    """The id a form sent, or None when it cannot be one.

    ASCII digits only ('²' passes str.isdigit() but int() refuses it) and within the
    database's integer (SQLite cannot even bind a larger one): a 500 either way before.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def choice_values(field: Field) -> set[str]:
    """The values a choice field offers (its SelectChoice options)."""
    return {choice.value for choice in field.choices or []}


@dataclass(frozen=True, slots=True)
class ChoiceOption:
    """One radio button or checkbox of a choice field, as a template renders it."""

    id: str
    value: str
    label: str
    checked: bool


def choice_options(field: SelectFieldBase) -> list[ChoiceOption]:
    """What `{% for option in field %}` gives a template, as plain records.

    WTForms builds a field and a widget for each option, and its widget looks up the
    field's flags with dir() for every one: writing the options from these instead took
    16 % of a dialogue turn's Python calls away (issue 17). The values are WTForms' own
    (`iter_choices`, the ids `<field id>-<n>`); a template that renders these writes the
    same markup.
    """
    return [
        ChoiceOption(
            f"{field.id}-{number}", str(choice.value), choice.label or choice.value, choice.selected
        )
        for number, choice in enumerate(field.iter_choices())
    ]


def plain_html_params(**kwargs: Any) -> Markup:
    """wtforms.widgets.html_params: the same attributes, written without a Markup.format
    for each. markupsafe's formatter is Python: a hidden field's four attributes took 38 µs
    that way and take 7 µs this way (measured), and a dialogue turn writes two fields
    (2.5 % of its instructions, issue 17). Escaping leaves no '"' for html_params' own
    replace to find."""
    written = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            written.append(str(escape(clean_key(key))))
        elif value is not False:
            written.append(f'{escape(clean_key(key))}="{escape(value)}"')
    # Every name and value above is escaped; joining Markup objects instead cost three
    # times as much (each + escapes its operand again).
    return Markup(" ".join(written))  # noqa: S704  # nosec B704


class PlainHiddenInput(HiddenInput):
    html_params = staticmethod(plain_html_params)


class PlainTextInput(TextInput):
    html_params = staticmethod(plain_html_params)


class PlainTextArea(TextArea):
    """WTForms' TextArea, its attributes written by plain_html_params."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        # The flags set on the field (its validators'), as TextArea finds them with dir().
        flags = vars(field.flags) if hasattr(field, "flags") else {}
        for key in self.validation_attrs:
            if key in flags and key not in kwargs:
                kwargs[key] = flags[key]
        params = plain_html_params(name=field.name, **kwargs)
        text = escape(field._value())
        return Markup(f"<textarea {params}>\r\n{text}</textarea>")  # noqa: S704  # nosec B704


def choice_field(label: Any, choices: list[SelectChoice], message: Any, **kwargs: Any) -> Any:
    """Radio buttons whose missing and unknown answers both get the same plain message."""
    return RadioField(
        label,
        choices=choices,
        validators=[Required(message)],
        invalid_choice_message=message,
        **kwargs,
    )


def _unify_line_breaks(value: Any) -> Any:
    """Count a line break as one character, as the reader sees it (browsers send CR LF)."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class MessageForm(BaseForm):
    """A message to or from the citizen's side (issue 14): plain text, no attachments."""

    text = TextAreaField(
        _l("Your message"),
        filters=[_unify_line_breaks],
        validators=[Required(_l("Write your message")), max_length(2000)],
    )


class HandoverForm(BaseForm):
    """A thread handed to the other party, with a note for them (issue 14)."""

    note = TextAreaField(
        _l("Note for the recipient"),
        filters=[_unify_line_breaks],
        validators=[Required(_l("Write a note for the recipient")), max_length(500)],
    )
