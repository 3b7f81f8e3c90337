"""The provider report: the system's figures for one provider and period, with charts, printable."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from selvvisitation.domain.dates import local_today
from selvvisitation.forms import BaseForm
from selvvisitation.replica import report_session
from selvvisitation.security.access import allow
from selvvisitation.services.supervision_report import Period, provider_report
from selvvisitation.supervision.forms import DATE_MESSAGE, DateText
from selvvisitation.supervision.report_page import ProviderReportPage
from selvvisitation.supervision.views import READERS, blueprint, provider_or_404


class ReportPeriodForm(BaseForm):
    """The period of the report; a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    fra = StringField(_l("From"), validators=[DateText(DATE_MESSAGE)])
    til = StringField(_l("To"), validators=[DateText(DATE_MESSAGE)])

    def validate_til(self, field: Field) -> None:
        start = getattr(self.fra, "date", None)
        if start is not None and field.date is not None and field.date < start:
            raise ValidationError(_l("The end date must be the same as or after the start date"))


@blueprint.route("/leverandoer/<int:provider_id>/rapport")
@allow(*READERS)
def report(provider_id: int) -> str | tuple[str, int]:
    provider = provider_or_404(provider_id)
    today = local_today()
    args = request.args.to_dict()
    args.setdefault("fra", (today - timedelta(days=364)).strftime("%d.%m.%Y"))
    args.setdefault("til", today.strftime("%d.%m.%Y"))
    form = ReportPeriodForm(formdata=MultiDict(args))
    if not form.validate():
        return render_template(
            "supervision/report.html", provider=provider, form=form, page=None
        ), 400
    data = provider_report(report_session(), provider, Period(form.fra.date, form.til.date))
    page = ProviderReportPage(data, str(get_locale()))
    return render_template("supervision/report.html", provider=provider, form=form, page=page)
