"""The municipality's forløb catalogue and priority examples (issue 11; DOMAIN.md "Ældreloven").

The forløb are the "få, sammenhængende og rummelige forløb" a visitator grants under ÆL § 10;
their elements carry the FSIII Ældrelovsindsats codes. The examples are what citizens can
pick as "Det vigtigste for mig ved næste besøg".
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selvvisitation.admin.forms import ExamplesForm, ProgrammeForm
from selvvisitation.admin.views import ADMIN, blueprint
from selvvisitation.extensions import db
from selvvisitation.forms import id_from_form
from selvvisitation.models import CareProgramme
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.programmes import (
    PROGRAMME_FIELDS,
    ElementLine,
    ProgrammeError,
    examples_in,
    programme_of,
    programmes_in,
    save_examples,
    save_programme,
)

EXTRA_LINES = 2  # empty element lines to add, without JavaScript

MESSAGES = {
    "code_taken": _l("The code is already used by another forløb"),
    "no_elements": _l("Give the forløb at least one element"),
    "not_elderly_code": _l("Choose an FSIII code from the list"),
    "element_granted": _l(
        "An element that citizens have been granted cannot be taken out. Make a new forløb "
        "instead, and take this one out of use."
    ),
}


def _data(programme: CareProgramme | None) -> dict:
    rows = [
        {
            "element_id": str(e.id),
            "fsiii_code": e.fsiii_code,
            "name_da": e.name_da,
            "name_en": e.name_en,
            "description_da": e.description_da,
            "description_en": e.description_en,
        }
        for e in (programme.elements if programme else [])
    ]
    values = {name: getattr(programme, name) for name in PROGRAMME_FIELDS} if programme else {}
    if programme and programme.indicative_hours_per_week is not None:
        values["indicative_hours_per_week"] = f"{programme.indicative_hours_per_week:g}".replace(
            ".", ","
        )
    return {"active": True, **values, "elements": rows + [{}] * EXTRA_LINES}


def _lines(form: ProgrammeForm) -> list[ElementLine]:
    return [
        ElementLine(
            element_id=id_from_form(row.element_id.data),
            fsiii_code=row.fsiii_code.data,
            name_da=row.name_da.data or "",
            name_en=row.name_en.data or "",
            description_da=row.description_da.data or "",
            description_en=row.description_en.data or "",
        )
        for row in (entry.form for entry in form.elements)
        if row.fsiii_code.data
    ]


def _save(form: ProgrammeForm, programme: CareProgramme | None) -> bool:
    data = {name: form[name].data for name in PROGRAMME_FIELDS}
    data["indicative_hours_per_week"] = form.indicative_hours_per_week.hours
    try:
        save_programme(db.session(), current_actor().staff, programme, data, _lines(form))
    except ProgrammeError as error:
        target = form.code if error.code == "code_taken" else form.elements
        target.errors = [*target.errors, MESSAGES[error.code]]
        return False
    return True


@blueprint.route("/forloeb")
@allow(*ADMIN)
def programmes() -> str:
    municipality_id = current_actor().staff.municipality_id
    return render_template(
        "admin/programmes.html",
        programmes=programmes_in(db.session(), municipality_id),
        examples=[e for e in examples_in(db.session(), municipality_id) if e.active],
    )


@blueprint.route("/forloeb/ny", methods=["GET", "POST"])
@allow(*ADMIN)
def new_programme():
    form = ProgrammeForm() if _submitted() else ProgrammeForm(data=_data(None))
    if form.validate_on_submit():
        if _save(form, None):
            flash(_("The forløb is added to the catalogue."))
            return redirect(url_for("admin.programmes"))
    status = 400 if _submitted() else 200  # a submission that is not saved was refused
    return render_template("admin/programme.html", form=form, programme=None), status


@blueprint.route("/forloeb/<int:programme_id>", methods=["GET", "POST"])
@allow(*ADMIN)
def edit_programme(programme_id: int):
    municipality_id = current_actor().staff.municipality_id
    programme = programme_of(db.session(), municipality_id, programme_id) or abort(404)
    form = ProgrammeForm() if _submitted() else ProgrammeForm(data=_data(programme))
    if form.validate_on_submit() and _save(form, programme):
        flash(_("The forløb is saved."))
        return redirect(url_for("admin.programmes"))
    status = 400 if _submitted() else 200  # a submission that is not saved was refused
    return render_template("admin/programme.html", form=form, programme=programme), status


@blueprint.route("/forloeb/eksempler", methods=["GET", "POST"])
@allow(*ADMIN)
def priority_examples():
    municipality_id = current_actor().staff.municipality_id
    current = [e for e in examples_in(db.session(), municipality_id) if e.active]
    form = (
        ExamplesForm()
        if _submitted()
        else ExamplesForm(
            data={
                "text_da": "\n".join(e.text_da for e in current),
                "text_en": "\n".join(e.text_en for e in current),
            }
        )
    )
    if form.validate_on_submit():
        save_examples(db.session(), current_actor().staff, form.pairs())
        flash(_("The examples are saved."))
        return redirect(url_for("admin.programmes"))
    status = 400 if _submitted() else 200  # a submission that is not saved was refused
    return render_template("admin/priority_examples.html", form=form), status


def _submitted() -> bool:
    return request.method == "POST"
