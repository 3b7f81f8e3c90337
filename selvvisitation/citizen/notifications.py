"""Underretninger: how the citizen, and each relative with consent, wants to hear news (issue 14).

Each person sets her own: the citizen her own, a relative hers (never the citizen's, never
another relative's). One channel (none, e-mail, SMS, Digital Post), the address or number it
needs, and which kinds of news. Bad input gets a plain Danish message and nothing is saved.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectMultipleField, StringField, widgets

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.notifications import Channel, RecipientKind, Topic, topics_for
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, choice_field, max_length
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services.notifications import (
    PreferenceChoice,
    PreferenceError,
    channels_for,
    default_topics,
    preference_for,
    save_preference,
)

CHANNEL_LABELS = {
    Channel.NONE: _l("Do not send me anything"),
    Channel.EMAIL: _l("E-mail"),
    Channel.SMS: _l("Text message (SMS)"),
    Channel.DIGITAL_POST: _l("Digital Post"),
}
TOPIC_LABELS = {
    Topic.ANSWERS: _l(
        "A wish to swap or to move a visit, or what you asked for at a visit, was answered"
    ),
    Topic.VISIT_CHANGES: _l("The home care cancels, moves or is late for a visit"),
    Topic.MESSAGES: _l("A new message"),
    Topic.LETTERS: _l("A decision or a letter"),
    Topic.REASSESSMENT: _l("The visitation books a visit to look at the help again"),
    Topic.RELATIVE_ACTED: _l("A relative did something for you"),
    Topic.VISIT_CARRIED_OUT: _l("A visit has been made"),
}
ERRORS = {
    ("channel", "unavailable"): _l("Choose how you want to be told"),
    ("email", "missing"): _l("Write your e-mail address"),
    ("email", "invalid"): _l("Write the e-mail address like this: navn@eksempel.dk"),
    ("mobile", "missing"): _l("Write your mobile number"),
    ("mobile", "invalid"): _l(
        "Write a Danish mobile number with 8 digits, for example 20 30 40 50"
    ),
    ("topics", "missing"): _l("Choose at least one kind of news"),
}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NotificationForm(BaseForm):
    channel = choice_field(
        _l("How do you want to be told?"), [], _l("Choose how you want to be told")
    )
    email = StringField(_l("E-mail address"), validators=[max_length(200)])
    mobile = StringField(_l("Mobile number"), validators=[max_length(20)])
    topics = CheckboxesField(
        _l("What do you want to hear about?"), choices=[], validate_choice=False
    )

    def __init__(self, *args, kind: RecipientKind, has_cpr: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = [
            SelectChoice(c.value, CHANNEL_LABELS[c]) for c in channels_for(kind, has_cpr)
        ]
        self.topics.choices = [SelectChoice(t.value, TOPIC_LABELS[t]) for t in topics_for(kind)]

    def validate_topics(self, field) -> None:
        field.data = [value for value in field.data or [] if value in {t.value for t in Topic}]


def _person(actor):
    """The person whose own settings these are: the citizen, or the signed-in relative."""
    if actor.relative is not None:
        return RecipientKind.RELATIVE, actor.relative
    return RecipientKind.CITIZEN, actor.subject


@blueprint.route("/underretninger", methods=["GET", "POST"])
@allow(CITIZEN_SEE)
@lands_on("citizen.notifications")
def notifications() -> str | Response:
    actor = current_actor()
    citizen = actor.subject
    kind, person = _person(actor)
    relative_id = person.id if kind == RecipientKind.RELATIVE else None
    has_cpr = person.cpr_encrypted is not None
    saved = preference_for(db.session(), citizen, relative_id)
    form = NotificationForm(kind=kind, has_cpr=has_cpr)
    if request.method == "GET":
        form.channel.data = saved.channel.value if saved else Channel.NONE.value
        form.email.data = (saved.email if saved else "") or person.email or ""
        form.mobile.data = (saved.mobile if saved else "") or person.phone or ""
        form.topics.data = list(saved.topics) if saved else default_topics(kind)
    if form.validate_on_submit():
        choice = PreferenceChoice(
            channel=Channel(form.channel.data),
            email=form.email.data or "",
            mobile=form.mobile.data or "",
            topics=tuple(form.topics.data or ()),
            language=str(get_locale() or "da")[:2],
        )
        try:
            save_preference(
                db.session(),
                citizen=citizen,
                relative_id=relative_id,
                has_cpr=has_cpr,
                choice=choice,
            )
        except PreferenceError as error:
            form[error.field].errors = [*form[error.field].errors, ERRORS[error.field, error.code]]
            form._errors = None  # the summary and the title see the new error
        else:
            flash(_("Your choices are saved."))
            return redirect(url_for("citizen.notifications"))
    elif actor.relative is not None and request.method == "GET":
        audit.record(
            "read", citizen=citizen, object_type="notification_preference", purpose="relative_view"
        )
    return render_template("citizen/notifications.html", citizen=citizen, form=form, kind=kind)
