"""The municipality admin's forms: catalogue, rules, providers, teams and staff users."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, Optional, StopValidation

from selvvisitation.domain.policy import (
    AEL_POLICY_RANGES,
    CONTACT_TEXT_FIELDS,
    LEGAL_REFERENCE_KEYS,
    MESSAGE_POLICY_RANGES,
    POLICY_RANGES,
    VISIT_POLICY_RANGES,
)
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import (
    LegalBasis,
    ProviderKind,
    ServiceCategory,
    StaffRole,
    SwapWindow,
)
from selvvisitation.forms import (
    BaseForm,
    MinutesField,
    NumberRequired,
    Required,
    WholeNumberField,
    choice_field,
    choice_values,
    max_length,
    minutes_between,
)
from selvvisitation.supervision.labels import THEME_SETTING_LABELS

CATEGORY_CHOICES = [
    SelectChoice(ServiceCategory.PERSONAL_CARE.value, _l("Personal care")),
    SelectChoice(ServiceCategory.PRACTICAL_HELP.value, _l("Practical help")),
    SelectChoice(ServiceCategory.MEALS.value, _l("Meals")),
    SelectChoice(ServiceCategory.OTHER.value, _l("Other")),
]
ROLE_CHOICES = [
    SelectChoice(StaffRole.HOME_CARE_WORKER.value, _l("Home-care worker")),
    SelectChoice(StaffRole.TEAM_LEADER.value, _l("Team leader")),
    SelectChoice(StaffRole.VISITATOR.value, _l("Visitator")),
    SelectChoice(StaffRole.MUNICIPALITY_ADMIN.value, _l("Municipality admin")),
    SelectChoice(StaffRole.SUPERVISOR.value, _l("Supervisor")),
]
TEAM_ROLES = {StaffRole.HOME_CARE_WORKER.value, StaffRole.TEAM_LEADER.value}


class ServiceForm(BaseForm):
    code = StringField(_l("Code"), validators=[Required(_l("Write a code")), max_length(40)])
    fsiii_code = StringField(_l("FSIII code (optional)"), validators=[max_length(20)])
    name_da = StringField(
        _l("Name in Danish"), validators=[Required(_l("Write the name in Danish")), max_length(160)]
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[Required(_l("Write the name in English")), max_length(160)],
    )
    category = choice_field(_l("Category"), CATEGORY_CHOICES, _l("Choose a category"))
    swappable = BooleanField(_l("Can be swapped"))
    flexible_only = BooleanField(_l("Offered only through flexible home help"))
    within_service_level = BooleanField(_l("Within the municipality's service level"))
    default_minutes = MinutesField(
        _l("Minutes per delivery"),
        validators=[NumberRequired(_l("Write the minutes per delivery")), minutes_between(1, 480)],
    )
    description_da = TextAreaField(_l("Description in Danish"), validators=[max_length(4000)])
    description_en = TextAreaField(_l("Description in English"), validators=[max_length(4000)])
    synonyms_da = TextAreaField(
        _l("Other words for it in Danish, one per line"), validators=[max_length(2000)]
    )
    synonyms_en = TextAreaField(
        _l("Other words for it in English, one per line"), validators=[max_length(2000)]
    )
    active = BooleanField(_l("In use"), default=True)


def policy_form_class() -> type:
    """One field per setting; the ranges come from domain.policy.POLICY_RANGES."""

    class PolicyForm(BaseForm):
        swap_window = choice_field(
            _l("A swap must fit in the time frame of"),
            [
                SelectChoice(SwapWindow.VISIT.value, _l("the visit")),
                SelectChoice(SwapWindow.WEEK.value, _l("the week")),
                SelectChoice(SwapWindow.TWO_WEEKS.value, _l("two weeks")),
            ],
            _l("Choose the window a swap must fit in"),
        )
        outside_service_level_allowed = BooleanField(
            _l("Citizens may swap to help outside the service level")
        )
        flexible_only_any_category = BooleanField(
            _l("Tasks offered only through flexible home help may be chosen from either category")
        )
        optional_holidays_are_working_days = BooleanField(
            _l("Constitution Day, 24 and 31 December count as working days")
        )
        show_staff_names_in_access_log = BooleanField(
            _l("Citizens see the names of the staff who read their case")
        )
        confirmed = HiddenField()

    for name, (low, high) in POLICY_RANGES.items():
        setattr(
            PolicyForm,
            name,
            WholeNumberField(
                POLICY_LABELS[name],
                validators=[
                    NumberRequired(_l("Write a number")),
                    minutes_between(low, high) if "min" in name else number_between(low, high),
                ],
            ),
        )
    _add_ael_fields(PolicyForm)
    _add_visit_fields(PolicyForm)
    for name, length in CONTACT_TEXT_FIELDS.items():
        setattr(
            PolicyForm,
            name,
            StringField(CONTACT_LABELS[name], validators=[KeepWhenAbsent(), max_length(length)]),
        )
    for key in LEGAL_REFERENCE_KEYS:
        setattr(
            PolicyForm,
            legal_field(key),
            TextAreaField(
                LEGAL_LABELS[key],
                validators=[
                    Required(_l("Write the text of the legal reference")),
                    max_length(LEGAL_REFERENCE_MAX),
                ],
                render_kw={"lang": "da"},
            ),
        )  # the law's Danish words (WCAG 3.1.2)
    return PolicyForm


class KeepWhenAbsent:
    """A setting the form did not send at all keeps its value (a form from before it existed);
    one sent empty is checked as usual."""

    def __call__(self, form, field) -> None:
        if not field.raw_data:
            field.errors[:] = []
            raise StopValidation()


AEL_LABELS = {
    "ael_suggest_from_age": _l("Suggest the Act on the Elderly from this age"),
    "element_decline_threshold_count": _l(
        "Flag after the citizen says no to an element this many times"
    ),
    "element_decline_threshold_days": _l("… within this many days"),
    "priorities_not_met_threshold_count": _l("Flag after this many priorities not met"),
    "priorities_not_met_threshold_days": _l("… within this many days"),
}


def _add_ael_fields(form_class: type[Any]) -> None:
    """Ældreloven settings (DOMAIN.md "Ældreloven"): default basis, the AEL age, the two AEL
    flags' thresholds and optional minutes."""
    form_class.default_legal_basis = RadioField(
        _l("New decisions are made under"),
        choices=[
            SelectChoice(LegalBasis.SEL.value, _l("the Social Services Act (§ 83 with § 94 a)")),
            SelectChoice(LegalBasis.AEL.value, _l("the Act on the Elderly (§ 10, helhedspleje)")),
        ],
        validators=[KeepWhenAbsent(), Required(_l("Choose the law for new decisions"))],
        invalid_choice_message=_l("Choose the law for new decisions"),
    )
    for name, (low, high) in AEL_POLICY_RANGES.items():
        setattr(
            form_class,
            name,
            WholeNumberField(
                AEL_LABELS[name],
                validators=[
                    KeepWhenAbsent(),
                    NumberRequired(_l("Write a number")),
                    number_between(low, high),
                ],
            ),
        )
    form_class.ael_optional_minutes = BooleanField(
        _l("Workers may record minutes for citizens under the Act on the Elderly (optional)")
    )
    # Issue 11: Thisted's five themes (seed 000) or the Ældretilsyn's three values
    # (Ældretilsynsloven § 7 stk. 3), or both.
    form_class.supervision_theme_sets = RadioField(
        _l("Themes of a supervision visit"),
        choices=[SelectChoice(s.value, THEME_SETTING_LABELS[s]) for s in ThemeSet],
        validators=[KeepWhenAbsent(), Required(_l("Choose the themes of a supervision visit"))],
        invalid_choice_message=_l("Choose the themes of a supervision visit"),
    )


VISIT_LABELS = {
    "citizen_cancel_deadline_minutes": _l(
        "A citizen can cancel a visit until this many minutes before it "
        "(meals: 12:00 the day before)"
    ),
    "message_reply_working_days": _l("Staff answer a message within (working days)"),
    "call_back_working_days": _l("The visitation calls back within (working days)"),
}


# What the citizen reads about reaching the visitation (issue 12 item 10).
CONTACT_LABELS = {
    "visitation_opening_hours": _l("When the visitation answers the phone"),
}


def _add_visit_fields(form_class: type[Any]) -> None:
    """The visit calendar's and the messages' settings (issue 14): the cancellation deadline,
    whether a citizen's cancellations count towards repeated deselection (rule 7), and the
    staff's reply deadline for messages."""
    for name, (low, high) in {**VISIT_POLICY_RANGES, **MESSAGE_POLICY_RANGES}.items():
        setattr(
            form_class,
            name,
            WholeNumberField(
                VISIT_LABELS[name],
                validators=[
                    KeepWhenAbsent(),
                    NumberRequired(_l("Write a number")),
                    number_between(low, high),
                ],
            ),
        )
    form_class.citizen_cancellations_count_as_deselection = BooleanField(
        _l(
            "A citizen's cancelled visits count as deselections of the granted services "
            "(rule 7), or under the Act on the Elderly as declines of the visit's elements"
        )
    )


LEGAL_REFERENCE_MAX = 500
# The texts citizens read in decision letters and the dialogue (domain.policy holds them).
LEGAL_LABELS = {
    "home_help": _l("Legal basis of the help (in decision letters)"),
    "decision": _l("Rules for the written decision (in decision letters)"),
    "complaint": _l("Complaint guidance: deadline and how (in decision letters)"),
    "flexible_home_help": _l("The right to swap (in the dialogue)"),
    "cannot_demand_later": _l(
        "A deselected service cannot be demanded later (before a swap is confirmed)"
    ),
    "deselection_rule_source": _l(
        "Your document on repeated deselections (shown to the visitator beside a flag)"
    ),
    "deviation_rule_source": _l(
        "Your document on delivered time that deviates (shown to the visitator beside a flag)"
    ),
}


def legal_field(key: str) -> str:
    """The policy form's field for one legal reference."""
    return f"legal_{key}"


def number_between(low: int, high: int):
    from wtforms.validators import NumberRange

    return NumberRange(
        min=low,
        max=high,
        message=_l("The number must be between %(low)d and %(high)d", low=low, high=high),
    )


POLICY_LABELS = {
    "deselection_threshold_count": _l("Flag after this many deselections of a service"),
    "deselection_threshold_days": _l("… within this many days"),
    "deviation_percent": _l("Flag a time deviation above this percentage"),
    "deviation_min_per_delivery": _l("… unless the change per delivery is under (minutes)"),
    "deviation_min_per_week": _l("… and the change per week is under (minutes)"),
    "deviation_sustained_days": _l("… and it has lasted more than this many days"),
    "case_deadline_working_days": _l("Case processing time (working days)"),
    "practical_help_start_working_days": _l("Practical help starts within (working days)"),
}


class ProviderForm(BaseForm):
    name = StringField(_l("Name"), validators=[Required(_l("Write the name")), max_length(160)])
    kind = choice_field(
        _l("Kind"),
        [
            SelectChoice(ProviderKind.MUNICIPAL.value, _l("Municipal home care")),
            SelectChoice(ProviderKind.PRIVATE.value, _l("Private provider")),
        ],
        _l("Choose the kind of provider"),
    )
    phone = StringField(_l("Phone (optional)"), validators=[max_length(40)])
    offers_personal_care = BooleanField(_l("Offers personal care"))
    offers_practical_help = BooleanField(_l("Offers practical help"))


class TeamForm(BaseForm):
    name = StringField(
        _l("Team name"), validators=[Required(_l("Write the team's name")), max_length(160)]
    )
    # Given on the citizens' message pages for what cannot wait (issue 14; seed 000).
    phone = StringField(_l("Phone (optional)"), validators=[max_length(40)])


class AddTeamForm(BaseForm):
    team_name = StringField(
        _l("Team name"), validators=[Required(_l("Write the team's name")), max_length(160)]
    )


class StaffUserForm(BaseForm):
    username = StringField(
        _l("Username"), validators=[Required(_l("Write a username")), max_length(80)]
    )
    name = StringField(
        _l("Full name"), validators=[Required(_l("Write the full name")), max_length(160)]
    )
    role = choice_field(_l("Role"), ROLE_CHOICES, _l("Choose a role"))
    # Only a team the list offers (the view fills it with the own municipality's teams):
    # any other value, e.g. an id too large for the database, is this plain message.
    team_id = SelectField(
        _l("Team"), choices=[], invalid_choice_message=_l("Choose a team from the list")
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(
                min=12, max=200, message=_l("The password must be between 12 and 200 characters")
            ),
        ],
    )


# --- the forløb catalogue and priority examples (issue 11; DOMAIN.md "Ældreloven") --------

from wtforms import FieldList, FormField  # noqa: E402
from wtforms import Form as PlainForm  # noqa: E402

from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES  # noqa: E402


class HoursField(StringField):
    """Hours a week, with a comma or a point: "7,5"; empty is none. ``.hours`` holds it."""

    hours: float | None = None

    def pre_validate(self, form) -> None:
        text = (self.data or "").strip().replace(",", ".")
        self.hours = None
        if not text:
            return
        try:
            value = float(text)
        except ValueError:
            raise StopValidation(_l("Write the hours as a number, for example 7,5")) from None
        if not 0 < value <= 168:
            raise StopValidation(_l("The hours must be between 0 and 168"))
        self.hours = value


class ElementLineForm(PlainForm):
    """One element of a forløb; a line without an FSIII code is left out."""

    element_id = HiddenField()
    fsiii_code = SelectField(
        _l("FSIII Ældrelovsindsats"),
        choices=[SelectChoice("", _l("No element (leave out)"))]
        + [SelectChoice(c.code, c.name_da) for c in ELDERLY_CODES],
        default="",
        validate_choice=False,
    )
    name_da = StringField(_l("Name in Danish"), validators=[max_length(160)])
    name_en = StringField(_l("Name in English"), validators=[max_length(160)])
    description_da = TextAreaField(_l("What it covers, in Danish"), validators=[max_length(2000)])
    description_en = TextAreaField(_l("What it covers, in English"), validators=[max_length(2000)])


class ProgrammeForm(BaseForm):
    code = StringField(_l("Code"), validators=[Required(_l("Write a code")), max_length(40)])
    name_da = StringField(
        _l("Name in Danish"), validators=[Required(_l("Write the name in Danish")), max_length(160)]
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[Required(_l("Write the name in English")), max_length(160)],
    )
    description_da = TextAreaField(
        _l("Description in Danish, in plain words"),
        validators=[Required(_l("Write the description in Danish")), max_length(4000)],
    )
    description_en = TextAreaField(_l("Description in English"), validators=[max_length(4000)])
    indicative_hours_per_week = HoursField(_l("Indicative frame, hours a week (optional)"))
    active = BooleanField(_l("In use"), default=True)
    elements = FieldList(FormField(ElementLineForm), min_entries=1)

    def validate_elements(self, field) -> None:
        chosen = 0
        for entry in field:
            row = entry.form
            if not row.fsiii_code.data:
                continue
            chosen += 1
            if row.fsiii_code.data not in choice_values(row.fsiii_code):
                row.fsiii_code.errors = [_l("Choose an FSIII code from the list")]
            if not (row.name_da.data or "").strip():
                row.name_da.errors = [_l("Write the element's name in Danish")]
            if not (row.name_en.data or "").strip():
                row.name_en.errors = [_l("Write the element's name in English")]
        if any(f.errors for entry in field for f in entry.form):
            raise StopValidation(_l("Check the elements of the forløb"))
        if chosen == 0:
            raise StopValidation(_l("Give the forløb at least one element"))

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, the element lines included."""
        result = []
        for field in self:
            if field.name == "elements":
                for number, entry in enumerate(field, start=1):
                    for sub in entry.form:
                        for error in sub.errors[:1]:
                            result.append((sub.id, f"{_l('Element')} {number}: {error}"))
                strings = [e for e in field.errors if not isinstance(e, (dict, list))]
                if strings:
                    result.append((field[0].form.fsiii_code.id, strings[0]))
            elif field.errors and not isinstance(field.errors[0], (dict, list)):
                result.append((field.id, field.errors[0]))
        return result


class ExamplesForm(BaseForm):
    text_da = TextAreaField(
        _l("The examples in Danish, one per line"), validators=[max_length(4000)]
    )
    text_en = TextAreaField(
        _l("The same examples in English, one per line, in the same order"),
        validators=[max_length(4000)],
    )

    def pairs(self) -> list[tuple[str, str]]:
        da = [line.strip() for line in (self.text_da.data or "").splitlines() if line.strip()]
        en = [line.strip() for line in (self.text_en.data or "").splitlines() if line.strip()]
        return list(zip(da, en, strict=False))

    def validate_text_en(self, field) -> None:
        da = [line for line in (self.text_da.data or "").splitlines() if line.strip()]
        en = [line for line in (field.data or "").splitlines() if line.strip()]
        if len(da) != len(en):
            raise StopValidation(
                _l("Write as many examples in English as in Danish, in the same order")
            )
        if any(len(line.strip()) > 200 for line in da + en):
            raise StopValidation(_l("Write each example in at most 200 characters"))


class SecondFactorRolesForm(BaseForm):
    """The roles that must sign in with a code (issue 15, High 2); none ticked is allowed."""

    roles = SelectMultipleField(
        _l("Roles that must sign in with a code from an app"),
        choices=ROLE_CHOICES,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        invalid_choice_message=_l("Choose roles from the list"),
    )
    confirmed = HiddenField()
