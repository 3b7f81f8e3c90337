"""Edit the service catalogue (the municipality's kvalitetsstandarder, seed 002)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selvvisitation.admin.forms import ServiceForm
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.extensions import db
from selvvisitation.models import Service
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.admin import SERVICE_FIELDS, code_taken, save_service, service_of


def _form_data(service: Service) -> dict:
    return {
        "synonyms_da": "\n".join(service.synonyms_da or []),
        "synonyms_en": "\n".join(service.synonyms_en or []),
    }


def _save(form: ServiceForm, service: Service | None, municipality_id: int) -> bool:
    """Check what the form alone cannot (a unique code, rule 10's meaning) and save."""
    if code_taken(
        db.session(), municipality_id, form.code.data.strip(), but=service.id if service else None
    ):
        form.code.errors.append(_l("The code is already used by another service"))
    if form.flexible_only.data and not form.within_service_level.data:
        form.flexible_only.errors.append(
            _l("A service offered through flexible home help must be within the service level")
        )
    if form.errors:
        return False
    data = {name: field.data for name, field in form._fields.items()}
    save_service(db.session(), current_actor().staff, service, data)
    return True


@blueprint.route("/ydelser/ny", methods=["GET", "POST"])
@allow(*ADMIN)
def new_service():
    municipality_id = current_actor().staff.municipality_id
    form = ServiceForm()
    if not form.is_submitted():
        form.within_service_level.data = True
        form.swappable.data = True
        form.active.data = True
    if form.validate_on_submit():
        if _save(form, None, municipality_id):
            flash(_("The service is added to the catalogue."))
            return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template("admin/service.html", form=form, service=None), status


@blueprint.route("/ydelser/<int:service_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit_service(service_id: int):
    municipality_id = current_actor().staff.municipality_id
    service = service_of(db.session(), municipality_id, service_id) or abort(404)
    # Not obj=service: WTForms lets obj win over data, and the synonyms are lists there.
    form = ServiceForm(
        data={**{name: getattr(service, name) for name in SERVICE_FIELDS}, **_form_data(service)}
    )
    if form.validate_on_submit() and _save(form, service, municipality_id):
        flash(_("The service is saved."))
        return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template("admin/service.html", form=form, service=service), status
