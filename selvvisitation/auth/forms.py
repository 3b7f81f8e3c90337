from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField

from selvvisitation.forms import BaseForm, Required, max_length


class StaffLoginForm(BaseForm):
    username = StringField(
        _l("Username"), validators=[Required(_l("Enter your username")), max_length(80)]
    )
    password = PasswordField(
        _l("Password"), validators=[Required(_l("Enter your password")), max_length(200)]
    )
    # Usernames are unique per municipality (issue 15, Low 12). Offered only where the
    # installation serves more than one; needed only when the name is in use in several.
    municipality = SelectField(_l("Municipality"), choices=[], validate_choice=False, default="")
    next = HiddenField()


class DemoSignInForm(BaseForm):
    person = HiddenField(validators=[Required(_l("Choose a person"))])


class SecondFactorForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[Required(_l("Write the code from your authenticator app")), max_length(40)],
    )
