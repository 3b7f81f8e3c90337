"""The visitators' forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from selvvisitation.forms import BaseForm


class QueueFilterForm(BaseForm):
    """The queue's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    team = SelectField(_l("Team"), coerce=str, default="", validate_choice=False)
    provider = SelectField(_l("Provider"), coerce=str, default="", validate_choice=False)
    kind = SelectField(_l("Reason"), coerce=str, default="", validate_choice=False)

    def __init__(self, *args, teams=(), providers=(), kinds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [("", _l("All teams"))] + [(str(t.id), t.name) for t in teams]
        self.provider.choices = [("", _l("All providers"))] + [
            (str(p.id), p.name) for p in providers
        ]
        self.kind.choices = [("", _l("All reasons"))] + list(kinds)
        for field, message in (
            (self.team, _l("Choose a team from the list")),
            (self.provider, _l("Choose a provider from the list")),
            (self.kind, _l("Choose a reason from the list")),
        ):
            field.validators = [_ChoiceMessage(message)]

    @staticmethod
    def as_int(value: str) -> int | None:
        return int(value) if value else None


class _ChoiceMessage:
    """Replace WTForms' "Not a valid choice" with our own plain message."""

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            from wtforms.validators import StopValidation

            raise StopValidation(self.message)
