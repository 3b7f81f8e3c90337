"""Edit the rules engine's settings, with the effect shown before anything is saved."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selvvisitation.admin.forms import LEGAL_LABELS, legal_field, policy_form_class
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.domain.policy import (
    AEL_BOOLEAN_FIELDS,
    AEL_POLICY_RANGES,
    BOOLEAN_FIELDS,
    CONTACT_TEXT_FIELDS,
    LEGAL_REFERENCE_KEYS,
    MESSAGE_POLICY_RANGES,
    POLICY_RANGES,
    VISIT_BOOLEAN_FIELDS,
    VISIT_POLICY_RANGES,
    Policy,
    default_legal_references,
)
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import LegalBasis, SwapWindow
from selvvisitation.extensions import db
from selvvisitation.models import MunicipalityPolicy
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.policy_preview import preview

AEL_EDITABLE = (
    "default_legal_basis",
    *AEL_BOOLEAN_FIELDS,
    *AEL_POLICY_RANGES,
    "supervision_theme_sets",
)
VISIT_EDITABLE = (*VISIT_POLICY_RANGES, *VISIT_BOOLEAN_FIELDS, *MESSAGE_POLICY_RANGES)
EDITABLE = (
    "swap_window",
    *BOOLEAN_FIELDS,
    *POLICY_RANGES,
    *AEL_EDITABLE,
    *VISIT_EDITABLE,
    *CONTACT_TEXT_FIELDS,
)


def _proposed(form, current: Policy) -> Policy:
    values = {name: form[name].data for name in EDITABLE}
    values["swap_window"] = SwapWindow(values["swap_window"])
    values.update(
        {
            name: bool(values[name])
            for name in (*BOOLEAN_FIELDS, *AEL_BOOLEAN_FIELDS, *VISIT_BOOLEAN_FIELDS)
        }
    )
    # A form that did not send an Ældreloven or visit setting keeps it (admin/forms.KeepWhenAbsent).
    for name in (
        "default_legal_basis",
        "supervision_theme_sets",
        *AEL_POLICY_RANGES,
        *VISIT_POLICY_RANGES,
        *MESSAGE_POLICY_RANGES,
        *CONTACT_TEXT_FIELDS,
    ):
        if not form[name].raw_data:
            values[name] = getattr(current, name)
    values["default_legal_basis"] = LegalBasis(values["default_legal_basis"])
    values["supervision_theme_sets"] = ThemeSet(values["supervision_theme_sets"])
    values.update({name: (values[name] or "").strip() for name in CONTACT_TEXT_FIELDS})
    references = dict(current.legal_references)
    references.update({key: form[legal_field(key)].data.strip() for key in LEGAL_REFERENCE_KEYS})
    return replace(current, legal_references=references, **values)


def _fingerprint(policy: Policy) -> str:
    """The previewed settings: saving needs a preview of exactly these values."""
    return "|".join(
        [str(getattr(policy, name)) for name in EDITABLE]
        + [policy.legal_references[key] for key in LEGAL_REFERENCE_KEYS]
    )


def _changed_references(current: Policy, proposed: Policy) -> dict[str, list[str]]:
    return {
        key: [current.legal_references[key], proposed.legal_references[key]]
        for key in LEGAL_REFERENCE_KEYS
        if current.legal_references[key] != proposed.legal_references[key]
    }


def _overrides(references: dict[str, str]) -> dict[str, str]:
    """Only the texts that differ from the defaults are stored: new defaults still reach
    a municipality that never changed a text."""
    defaults = default_legal_references()
    return {key: text for key, text in references.items() if defaults.get(key) != text}


@blueprint.route("/regler", methods=["GET", "POST"])
@allow(*ADMIN)
def policy():
    municipality = current_actor().staff.municipality
    current = policy_for(municipality)
    form_class = policy_form_class()
    form = form_class()
    if not form.is_submitted():
        form = form_class(
            data={
                **{name: getattr(current, name) for name in EDITABLE},
                **{legal_field(key): current.legal_references[key] for key in LEGAL_REFERENCE_KEYS},
            }
        )
        form.swap_window.data = current.swap_window.value
        form.default_legal_basis.data = current.default_legal_basis.value
        form.supervision_theme_sets.data = current.supervision_theme_sets.value
    effect = None
    references: dict[str, list[str]] = {}
    if form.validate_on_submit():
        proposed = _proposed(form, current)
        for name, _problem in proposed.validate():
            if name in form:
                form[name].errors.append(_l("Choose a valid setting"))
        if not form.errors:
            fingerprint = _fingerprint(proposed)
            if request.form.get("action") == "save" and form.confirmed.data == fingerprint:
                row = municipality.policy or MunicipalityPolicy(municipality=municipality)
                changes = {
                    name: [str(getattr(current, name)), str(getattr(proposed, name))]
                    for name in EDITABLE
                    if getattr(current, name) != getattr(proposed, name)
                }
                for name in EDITABLE:
                    setattr(row, name, getattr(proposed, name))
                row.legal_references = _overrides(dict(proposed.legal_references))
                changes.update(
                    {
                        f"legal_references.{k}": v
                        for k, v in _changed_references(current, proposed).items()
                    }
                )
                db.session.add(row)
                audit.record(
                    "update",
                    object_type="municipality_policy",
                    object_id=municipality.id,
                    purpose="policy",
                    detail={"changes": changes},
                )
                db.session.commit()
                flash(_("The rules are saved."))
                return redirect(url_for("admin.policy"))
            effect = preview(db.session, municipality, current, proposed)
            # Names are shown: one read entry per citizen listed ("Hvem har kigget", issue 15).
            for citizen in (*effect.newly_flagged, *effect.no_longer_flagged):
                audit.record(
                    "read", citizen=citizen, object_type="policy_preview", purpose="policy_preview"
                )
            references = _changed_references(current, proposed)
            form.confirmed.data = fingerprint
    status = 400 if form.errors else 200
    return render_template(
        "admin/policy.html",
        form=form,
        effect=effect,
        ranges=POLICY_RANGES,
        ael_ranges=AEL_POLICY_RANGES,
        visit_ranges=VISIT_POLICY_RANGES,
        message_ranges=MESSAGE_POLICY_RANGES,
        references=references,
        legal_fields=[legal_field(k) for k in LEGAL_REFERENCE_KEYS],
        legal_labels=LEGAL_LABELS,
    ), status
