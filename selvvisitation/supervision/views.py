"""Supervision (tilsyn) of providers: the supervisor's area; visitators may read.

One module per journey: sampling.py (the yearly sample), visits.py (the visit form,
recommendations, follow-up, action plans), report.py (the provider report).
"""

from __future__ import annotations

from typing import Protocol

from flask import Blueprint, abort, render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.supervision_sampling import PickReason, SampleRule
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Provider, SampledCitizen, StaffUser, SupervisionSample
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services import supervision_visits

blueprint = Blueprint("supervision", __name__, url_prefix="/tilsyn")

READERS = (StaffRole.SUPERVISOR, StaffRole.VISITATOR)


def staff() -> StaffUser:
    return current_actor().staff


def may_write() -> bool:
    return staff().role == StaffRole.SUPERVISOR


def provider_or_404(provider_id: int) -> Provider:
    """The provider, in the signed-in person's own municipality, or 404."""
    provider = supervision_visits.provider_in(db.session(), staff().municipality_id, provider_id)
    if provider is None:
        abort(404)
    return provider


class _OfMunicipality(Protocol):
    @property
    def municipality_id(self) -> int: ...


def own_or_404[OwnRow: _OfMunicipality](obj: OwnRow | None) -> OwnRow:
    """Any supervision row by id: 404 unless it belongs to the person's own municipality."""
    if obj is None or obj.municipality_id != staff().municipality_id:
        abort(404)
    return obj


RULE_TEXT = {
    SampleRule.NURSING_HOME: _l(
        "Nursing home: about 10 %% of the residents, at least 3. "
        "%(size)s of %(population)s citizens."
    ),
    SampleRule.MUNICIPAL_HOME_CARE: _l(
        "Municipal home care: 5 to 6 citizens. %(size)s of %(population)s citizens."
    ),
    SampleRule.PRIVATE_PROVIDER: _l(
        "Private provider: at least 3 citizens. %(size)s of %(population)s citizens."
    ),
}
STRATUM_NAMES = {
    1: [_l("All citizens")],
    2: [_l("Less help"), _l("More help")],
    3: [_l("Little help"), _l("Some help"), _l("Much help")],
}


@blueprint.app_template_filter()
def one_decimal(value: float | None) -> str:
    """A rate with one decimal in the reader's locale (Danish: 2,6)."""
    return "–" if value is None else format_decimal(value, format="#,##0.0")


@blueprint.app_template_global()
def sample_rule_text(sample: SupervisionSample) -> str:
    size = min(sample.target_size, sample.population)
    return str(RULE_TEXT[sample.rule]) % {"size": size, "population": sample.population}


@blueprint.app_template_global()
def stratum_name(index: int, count: int) -> str:
    return str(STRATUM_NAMES.get(count, STRATUM_NAMES[3])[index - 1])


@blueprint.app_template_global()
def pick_reason(member: SampledCitizen) -> str:
    if member.reason is PickReason.WHOLE_PROVIDER:
        return _("Every citizen of the provider is visited")
    if member.reason is PickReason.REPLACEMENT and member.replaces is not None:
        return _(
            "Takes the place of %(name)s: %(reason)s",
            name=member.replaces.citizen.name,
            reason=member.replaces.replacement_reason,
        )
    return _("Drawn at random in its group")


@blueprint.route("/")
@allow(*READERS)
def index() -> str:
    year = local_today().year
    providers = supervision_visits.providers_of(db.session(), staff().municipality_id)
    rows = [
        {
            "provider": provider,
            "sample": supervision_visits.sample_for(db.session(), provider, year),
            "last_visit": next(iter(supervision_visits.visits_of(db.session(), provider)), None),
        }
        for provider in providers
    ]
    return render_template("supervision/index.html", rows=rows, year=year, may_write=may_write())


from selvvisitation.supervision import report, sampling, visits  # noqa: E402,F401  (routes)
