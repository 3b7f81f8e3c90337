"""The visitator's actions: dismiss a case, change the decision (with a check step)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import CaseKind, Frequency, LegalBasis, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Service, utcnow
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services import replanning
from selvvisitation.services.case_actions import (
    NewGrant,
    basis_suggestion,
    dismiss_case,
    save_decision,
    set_case_priority,
)
from selvvisitation.services.case_reads import is_open
from selvvisitation.services.digital_post import send_decision_letter
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.forms import (
    CalledBackForm,
    CasePriorityForm,
    DecisionForm,
    DismissForm,
)
from selvvisitation.visitation.views import blueprint

EXTRA_LINES = 2  # empty lines for services to add, without JavaScript


def replan_summary(replan) -> str:
    """What the new decision does to the coming visits, in one sentence per figure."""
    return " ".join(
        (
            ngettext(
                "%(num)s coming visit is re-planned.",
                "%(num)s coming visits are re-planned.",
                replan.changed_visits,
            ),
            ngettext(
                "%(num)s booked swap lapses.",
                "%(num)s booked swaps lapse.",
                len(replan.lapsed_swaps),
            ),
        )
    )


def decision_saved(decision, replan) -> Response:
    """After a new decision version was committed: tell the visitator, show the letter."""
    flash(_("The new decision is saved. Here is the letter."), "success")
    _post_letter(decision)
    if replan.changed_visits or replan.lapsed_swaps:
        flash(replan_summary(replan), "success")
    return redirect(url_for("visitation.letter", decision_id=decision.id))


def _post_letter(decision) -> None:
    """Send the committed letter through Digital Post's transport, and say where it went.

    After the commit, so a rolled-back decision is never posted; the transport is
    idempotent, so posting the same version again writes nothing new.
    """
    try:
        delivery = send_decision_letter(decision)
    except OSError:
        current_app.logger.exception("Digital Post: decision %s was not posted", decision.id)
        flash(
            _("The letter could not be put in the Digital Post folder. Send it by post."), "error"
        )
        return
    if delivery is not None and delivery.transport == "folder":
        flash(
            _(
                "The letter is in the Digital Post folder. Digital Post itself is not "
                "connected yet (it needs an agreement with KOMBIT), so the letter has not "
                "reached the citizen."
            ),
            "success",
        )


def _open_case_or_back(case_id: int):
    case = case_or_404(case_id)
    if not is_open(case):
        flash(_("The case is closed."), "error")
    return case


@blueprint.route("/sager/<int:case_id>/afslut", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def dismiss(case_id: int) -> str | Response:
    case = _open_case_or_back(case_id)
    if not is_open(case):
        return redirect(url_for("visitation.case_page", case_id=case.id))
    if case.kind == CaseKind.CALL_BACK:
        return _called_back(case)
    form = DismissForm()
    if form.validate_on_submit():
        dismiss_case(
            db.session(),
            case,
            current_actor().staff,
            form.reason.data.strip(),
            citizen_reason=form.citizen_reason.data.strip(),
        )
        flash(_("The case is closed without a change."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/dismiss.html", case=case, form=form)


@blueprint.route("/sager/<int:case_id>/prioritet", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def case_priority(case_id: int) -> str | Response:
    """The visitator decides how urgent the case is; the citizen's words only suggested it."""
    case = _open_case_or_back(case_id)
    if not is_open(case):
        return redirect(url_for("visitation.case_page", case_id=case.id))
    form = CasePriorityForm(data={"priority": str(case.priority)})
    if form.validate_on_submit():
        set_case_priority(db.session(), case, current_actor().staff, int(form.priority.data))
        flash(_("The priority is changed."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/case_priority.html", case=case, form=form)


def _called_back(case) -> str | Response:
    """ "Ringet op" (issue 13): the call-back case closed with a note, as a dismissal is."""
    form = CalledBackForm()
    if form.validate_on_submit():
        dismiss_case(
            db.session(), case, current_actor().staff, form.reason.data.strip(), event="called_back"
        )
        flash(_("The case is closed: the citizen has been called."), "success")
        return redirect(url_for("visitation.case_page", case_id=case.id))
    return render_template("visitation/called_back.html", case=case, form=form)


def _services(case) -> list[Service]:
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.municipality_id == case.municipality_id, Service.active.is_(True))
            .order_by(Service.name_da)
        )
    )


def _prefill(case) -> dict:
    decision = case.citizen.current_decision
    rows = [
        {
            "service": str(g.service_id),
            "minutes": g.minutes_per_delivery,
            "frequency": g.frequency.value,
            "weekdays": [str(d) for d in g.weekday_tuple],
            "end_date": g.end_date.isoformat() if g.end_date else "",
        }
        for g in (decision.granted_services if decision else [])
    ]
    return {
        "grants": rows + [{"frequency": Frequency.WEEKLY.value}] * EXTRA_LINES,
        "valid_from": local_today().isoformat(),
    }


def _grants(form: DecisionForm) -> list[NewGrant]:
    start = form.valid_from.valid_day
    return [
        NewGrant(
            service_id=int(row.service.data),
            minutes=row.minutes.data,
            frequency=Frequency(row.frequency.data),
            weekdays=tuple(sorted(int(d) for d in row.weekdays.data or [])),
            start=start,
            end=row.end_date.day,
        )
        for row in (entry.form for entry in form.grants)
        if row.service.data
    ]


def _decision_confirm_page(case, form, services) -> str:
    return render_template(
        "visitation/decision_confirm.html",
        case=case,
        form=form,
        grants=_grants(form),
        services={str(s.id): s for s in services},
        current=case.citizen.current_decision,
        replan=replanning.preview(
            db.session(), case.citizen, _grants(form), valid_from=form.valid_from.day, now=utcnow()
        ),
    )


def _decision_page(case, form) -> str:
    form.confirmed.data = ""
    suggestion = basis_suggestion(case.citizen, local_today())
    return render_template("visitation/decision.html", case=case, form=form, suggestion=suggestion)


@blueprint.route("/sager/<int:case_id>/afgoerelse", methods=["GET", "POST"])
@allow(StaffRole.VISITATOR)
def change_decision(case_id: int) -> str | Response:
    case = _open_case_or_back(case_id)
    if not is_open(case):
        return redirect(url_for("visitation.case_page", case_id=case.id))
    current = case.citizen.current_decision
    if current is not None and current.legal_basis == LegalBasis.AEL:
        # Ældreloven: the decision grants a forløb; a move back to § 83 is not offered here.
        return redirect(url_for("visitation.grant_forlob", case_id=case.id))
    services = _services(case)
    posted = request.method == "POST"
    form = DecisionForm() if posted else DecisionForm(data=_prefill(case))
    form.set_services(services)
    if not posted or "edit" in request.form or not form.validate():
        return _decision_page(case, form)
    if form.confirmed.data != "yes":
        return _decision_confirm_page(case, form, services)
    decision, replan = save_decision(
        db.session(),
        case,
        current_actor().staff,
        grants=_grants(form),
        valid_from=form.valid_from.valid_day,
        reasons=form.reasons.data.strip(),
        today=local_today(),
    )
    return decision_saved(decision, replan)
