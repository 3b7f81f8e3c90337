"""Grant a forløb under Ældreloven: the move from Serviceloven, or a new AEL version (issue 11).

Two GET steps, then the existing check-and-confirm pattern: choose the forløb (a GET form,
so it works without JavaScript), fill in what it means for the citizen, check what it
does to her coming visits and swaps, confirm. One service call makes it all
(services/case_actions.change_to_ael).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import LegalBasis, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import utcnow
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services import replanning
from selvvisitation.services.case_actions import (
    NewForlob,
    basis_suggestion,
    choosable_providers,
    lives_in_nursing_home,
    programmes_for,
    save_forlob_decision,
)
from selvvisitation.services.case_reads import is_open
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.actions import decision_saved
from selvvisitation.visitation.forms import ael_decision_form_class, meaning_field
from selvvisitation.visitation.views import blueprint


def _prefill(citizen, programme) -> dict:
    current = citizen.current_decision
    data = {"valid_from": local_today().isoformat()}
    if current is not None and current.legal_basis == LegalBasis.AEL:
        data |= {
            "goals": current.goals,
            "visit_frequency_text": current.visit_frequency_text,
            "provider": str(current.provider_id or ""),
        }
        meanings = {g.element_id: g.meaning for g in current.granted_elements}
        data |= {meaning_field(e.id): meanings.get(e.id, "") for e in programme.elements}
    elif citizen.provider_id is not None:
        data["provider"] = str(citizen.provider_id)
    return data


def _chosen_programme(citizen, programmes) -> tuple[str, object | None]:
    """The forløb asked for, or her current one when "Change the forløb" starts from hers."""
    chosen = request.values.get("forloeb", "")
    choosing = "vaelg" in request.args  # "Choose another forløb"
    current = citizen.current_decision
    if not (chosen or choosing) and current is not None and current.care_programme_id:
        chosen = str(current.care_programme_id)
    return chosen, next((p for p in programmes if str(p.id) == chosen), None)


def _choose_page(case, programmes, chosen: str) -> str:
    # The choose form sends "valgt": sent without a forløb, she is asked to choose one.
    refused = bool(chosen) or "valgt" in request.args
    return render_template(
        "visitation/ael_choose.html",
        case=case,
        programmes=programmes,
        suggestion=basis_suggestion(case.citizen, local_today()),
        current=case.citizen.current_decision,
        error=_("Choose a forløb from the list") if refused else None,
    )


def _grant_from(form, programme, *, nursing_home: bool) -> NewForlob:
    return NewForlob(
        programme_id=programme.id,
        meanings=form.meanings(),
        goals=form.goals.data.strip(),
        visit_frequency_text=form.visit_frequency_text.data.strip(),
        provider_id=None if nursing_home else int(form.provider.data),
        follow_up_date=form.follow_up.day,
        valid_from=form.valid_from.day,
        reasons=form.reasons.data.strip(),
    )


def _confirm_page(case, form, programme, grant: NewForlob, providers) -> str:
    citizen = case.citizen
    return render_template(
        "visitation/ael_confirm.html",
        case=case,
        form=form,
        programme=programme,
        grant=grant,
        provider=next((p for p in providers if p.id == grant.provider_id), None)
        or citizen.provider,
        current=citizen.current_decision,
        replan=replanning.preview_ael(
            db.session(), citizen, programme.elements, valid_from=grant.valid_from, now=utcnow()
        ),
    )


def _decision_page(case, form, programme, *, nursing_home: bool) -> str:
    form.confirmed.data = ""
    return render_template(
        "visitation/ael_decision.html",
        case=case,
        form=form,
        programme=programme,
        nursing_home=nursing_home,
        provider=case.citizen.provider,
        suggestion=basis_suggestion(case.citizen, local_today()),
        meaning_fields=[(e, form[meaning_field(e.id)]) for e in programme.elements],
    )


@blueprint.route("/sager/<int:case_id>/aeldreloven", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def grant_forlob(case_id: int) -> str | Response:
    case = case_or_404(case_id)
    if not is_open(case):
        flash(_("The case is closed."), "error")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    citizen = case.citizen
    programmes = programmes_for(db.session(), citizen.municipality_id)
    chosen, programme = _chosen_programme(citizen, programmes)
    if programme is None:
        return _choose_page(case, programmes, chosen)
    nursing_home = lives_in_nursing_home(citizen)
    providers = choosable_providers(db.session(), citizen)
    form_class = ael_decision_form_class(programme, providers, nursing_home=nursing_home)
    posted = request.method == "POST"
    form = form_class() if posted else form_class(data=_prefill(citizen, programme))
    if posted and "edit" not in request.form and form.validate():
        grant = _grant_from(form, programme, nursing_home=nursing_home)
        if form.confirmed.data != "yes":
            return _confirm_page(case, form, programme, grant, providers)
        staff = current_actor().staff
        decision, replan = save_forlob_decision(
            db.session(), case, staff, grant, today=local_today()
        )
        return decision_saved(decision, replan)
    return _decision_page(case, form, programme, nursing_home=nursing_home)
