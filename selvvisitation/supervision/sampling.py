"""The yearly sample of citizens for the supervision visits (seed 000, "Tilsynsbesøg")."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.formatters import minutes as format_minutes
from selvvisitation.models import SampledCitizen, SupervisionSample
from selvvisitation.security import audit
from selvvisitation.security.access import allow
from selvvisitation.services import supervision_visits
from selvvisitation.supervision.forms import DrawSampleForm, ReplaceForm
from selvvisitation.supervision.views import (
    READERS,
    blueprint,
    may_write,
    own_or_404,
    provider_or_404,
    staff,
)


def error_message(code: str) -> str:
    return {
        "already_drawn": _("The sample for this year has already been drawn. It is kept as it is."),
        "no_citizens": _("The provider has no citizens with granted help to draw from."),
        "not_picked": _("This citizen is no longer in the sample."),
        "already_picked": _("This citizen is already in the sample."),
        "other_stratum": _("Choose a citizen with about the same amount of help."),
    }.get(code, _("The change could not be saved."))


@blueprint.route("/leverandoer/<int:provider_id>/stikproeve", methods=["GET"])
@allow(*READERS)
def sample(provider_id: int, form: DrawSampleForm | None = None) -> str:
    provider = provider_or_404(provider_id)
    year = request.args.get("aar", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    drawn = supervision_visits.sample_for(db.session(), provider, year)
    if drawn is not None:
        supervision_visits.sample_shown(db.session(), drawn)
    form = form or DrawSampleForm(year=year)
    return render_template(
        "supervision/sample.html",
        provider=provider,
        sample=drawn,
        year=year,
        form=form,
        may_write=may_write(),
    )


@blueprint.route("/leverandoer/<int:provider_id>/stikproeve", methods=["POST"])
@allow(StaffRole.SUPERVISOR)
def draw(provider_id: int) -> Response | str | tuple[str, int]:
    provider = provider_or_404(provider_id)
    form = DrawSampleForm()
    if not form.validate_on_submit():
        return sample(provider_id, form=form), 400
    try:
        drawn = supervision_visits.draw_year_sample(
            db.session(), provider, form.year.data, staff=staff(), on=local_today()
        )
    except supervision_visits.SupervisionError as error:
        if error.code == "already_drawn":
            flash(error_message(error.code), "error")
            return redirect(url_for(".sample", provider_id=provider.id, aar=form.year.data))
        form.year.errors = [error_message(error.code)]
        return sample(provider_id, form=form), 400
    flash(_("The sample is drawn. Its seed is recorded, so it can be drawn again to check it."))
    return redirect(url_for(".sample", provider_id=provider.id, aar=drawn.year))


def _replacement_choices(options) -> list[SelectChoice]:
    return [
        SelectChoice(
            c.id,
            _(
                "%(name)s (%(cpr)s), %(minutes)s a week",
                name=c.name,
                cpr=c.masked_cpr,
                minutes=format_minutes(minutes),
            ),
        )
        for c, minutes in options
    ]


def _audit_candidates(member, options) -> None:
    # The candidates are listed by name and masked CPR number: each one's read is logged
    # for them to see (issue 15, Medium 8), with the sampled citizen's.
    for citizen in [member.citizen, *(c for c, _minutes in options)]:
        audit.record(
            "read", citizen=citizen, object_type="supervision_replacement", purpose="tilsyn"
        )


def _swapped(member, form) -> bool:
    """Swap the member for the chosen citizen; a refusal goes onto the form's field."""
    try:
        reason = form.reason.data.strip()
        supervision_visits.swap_sample_member(
            db.session(), member, form.replacement.data, reason=reason, staff=staff()
        )
    except supervision_visits.SupervisionError as error:
        form.replacement.errors = [error_message(error.code)]
        return False
    return True


@blueprint.route("/stikproeve/<int:sample_id>/udskift/<int:member_id>", methods=["GET", "POST"])
@allow(StaffRole.SUPERVISOR)
def replace(sample_id: int, member_id: int) -> Response | str | tuple[str, int]:
    drawn: SupervisionSample = own_or_404(db.session.get(SupervisionSample, sample_id))
    member = db.session.get(SampledCitizen, member_id)
    if member is None or member.sample_id != drawn.id or member.replaced_at is not None:
        abort(404)
    picked = [m.citizen_id for m in drawn.active_members]
    options = supervision_visits.replacement_options(db.session(), drawn, member, picked)
    form = ReplaceForm()
    form.replacement.choices = _replacement_choices(options)
    if form.validate_on_submit() and _swapped(member, form):
        flash(_("%(name)s is swapped. The reason is recorded.", name=member.citizen.name))
        return redirect(url_for(".sample", provider_id=drawn.provider_id, aar=drawn.year))
    _audit_candidates(member, options)
    status = 400 if form.errors else 200
    return render_template(
        "supervision/replace.html", sample=drawn, member=member, form=form, options=options
    ), status
