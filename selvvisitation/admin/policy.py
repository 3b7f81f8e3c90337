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
)
from selvvisitation.domain.policy_edit import EDITABLE, changed_references, fingerprint
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import LegalBasis, SwapWindow
from selvvisitation.extensions import db
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.admin import preview_policy, save_policy
from selvvisitation.services.policy_preview import PolicyPreview


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


def _form(current: Policy):
    """The rules form: what was sent, or else the current rules."""
    form_class = policy_form_class()
    form = form_class()
    if form.is_submitted():
        return form
    form = form_class(
        data={
            **{name: getattr(current, name) for name in EDITABLE},
            **{legal_field(key): current.legal_references[key] for key in LEGAL_REFERENCE_KEYS},
        }
    )
    form.swap_window.data = current.swap_window.value
    form.default_legal_basis.data = current.default_legal_basis.value
    form.supervision_theme_sets.data = current.supervision_theme_sets.value
    return form


def _page(form, effect: PolicyPreview | None = None, references=None):
    return render_template(
        "admin/policy.html",
        form=form,
        effect=effect,
        ranges=POLICY_RANGES,
        ael_ranges=AEL_POLICY_RANGES,
        visit_ranges=VISIT_POLICY_RANGES,
        message_ranges=MESSAGE_POLICY_RANGES,
        references=references or {},
        legal_fields=[legal_field(k) for k in LEGAL_REFERENCE_KEYS],
        legal_labels=LEGAL_LABELS,
    ), 400 if form.errors else 200


@blueprint.route("/regler", methods=["GET", "POST"])
@allow(*ADMIN)
def policy():
    """Preview a change of the rules; save exactly the values previewed."""
    admin = current_actor().staff
    current = policy_for(admin.municipality)
    form = _form(current)
    if not form.validate_on_submit():
        return _page(form)
    proposed = _proposed(form, current)
    for name, _problem in proposed.validate():
        if name in form:
            form[name].errors.append(_l("Choose a valid setting"))
    if form.errors:
        return _page(form)
    if request.form.get("action") == "save" and form.confirmed.data == fingerprint(proposed):
        save_policy(db.session(), admin, proposed)
        flash(_("The rules are saved."))
        return redirect(url_for("admin.policy"))
    form.confirmed.data = fingerprint(proposed)
    effect = preview_policy(db.session(), admin, current, proposed)
    return _page(form, effect, changed_references(current, proposed))
