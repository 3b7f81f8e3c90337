""" "Mine ønsker og bytter" (issue 12 item 2): the citizen's swaps, wishes and priorities for
coming visits with their status in plain Danish, and "Annullér" for a swap or a wish the
worker has not answered yet, with a confirmation step (GET the question, POST the answer).
The rules and the transaction are in services/citizen_requests.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import DeclineReason, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.formatters import LAPSE_REASONS, long_date
from selvvisitation.forms import BaseForm
from selvvisitation.models import SwapRequest, Wish
from selvvisitation.security.access import (
    CITIZEN_ACT,
    CITIZEN_SEE,
    allow,
    current_actor,
    may_act_for_subject,
)
from selvvisitation.security.acting_for import lands_on
from selvvisitation.services import citizen_requests
from selvvisitation.services.citizen_reads import recent_priorities
from selvvisitation.services.dialogue_context import names_given

# After "declined, because": a subordinate clause in Danish ("fordi det ikke var …").
DECLINE_REASONS = {
    DeclineReason.HYGIENE: _l("it was not safe for hygiene reasons"),
    DeclineReason.WORK_ENVIRONMENT: _l("the working conditions did not allow it"),
}
REFUSALS = {
    # What she can do first, then why (issue 12 item 4).
    "answered": _l(
        "Call us if you want to change it. You cannot cancel it here, because the "
        "home-care worker has answered."
    ),
    "passed": _l(
        "Call us if you want to change it. You cannot cancel it here, because the visit has begun."
    ),
}


def _who_cancelled(row: SwapRequest | Wish) -> str:
    """ "cancelled by you on …", or by the relative, under the name the citizen gave them."""
    when = long_date(row.withdrawn_at) if row.withdrawn_at else ""
    if citizen_requests.by_relative(row):
        name = names_given(row.citizen).get(row.withdrawn_by_relative_id or 0, "")
        return gettext("cancelled by %(name)s on %(date)s", name=name, date=when)
    return gettext("cancelled on %(date)s", date=when)


@blueprint.app_template_filter("swap_status_words")
def swap_status_words(swap: SwapRequest) -> str:
    """Where a swap stands, in plain words; declined and lapsed with the reason."""
    if swap.status == SwapStatus.ACCEPTED:
        return gettext("accepted by the home-care worker")
    if swap.status == SwapStatus.DECLINED:
        if swap.decline_text:  # the worker's own words
            return gettext("declined: %(reason)s", reason=swap.decline_text)
        reason = DECLINE_REASONS.get(swap.decline_reason) if swap.decline_reason else None
        if reason is None:
            return gettext("declined")
        return gettext("declined, because %(reason)s", reason=reason)
    if swap.status == SwapStatus.LAPSED:
        if swap.lapsed_reason is None:
            return gettext("no longer applies")
        return gettext("no longer applies: %(reason)s", reason=LAPSE_REASONS[swap.lapsed_reason])
    if swap.status == SwapStatus.WITHDRAWN:
        return _who_cancelled(swap)
    if swap.seen_by_worker_at is not None:
        return gettext(
            "seen by the home-care worker on %(date)s, waiting for the answer",
            date=long_date(swap.seen_by_worker_at),
        )
    return gettext("sent, waiting for the home-care worker's answer")


@blueprint.app_template_filter("wish_status_words")
def wish_status_words(wish: Wish) -> str:
    if not wish.active:
        return _who_cancelled(wish)
    if wish.seen_by_worker_at is not None:
        return gettext(
            "seen by the home-care worker on %(date)s", date=long_date(wish.seen_by_worker_at)
        )
    return gettext("sent, the staff see it")


@blueprint.route("/mine-oensker")
@allow(CITIZEN_SEE)
def my_requests() -> str:
    actor = current_actor()
    today = local_today()
    found = citizen_requests.my_requests(
        db.session(), actor, today, recent_priorities(db.session(), actor.subject, today)
    )
    return render_template(
        "citizen/my_requests.html",
        citizen=actor.subject,
        found=found,
        now=datetime.now(UTC),
        may_withdraw=citizen_requests.may_withdraw,
        may_act=may_act_for_subject(actor),
        relative_names=names_given(actor.subject),
    )


def _own(model: Any, row_id: int) -> Any:
    row = db.session.get(model, row_id)
    if row is None or row.citizen_id != current_actor().subject.id:
        abort(404)
    return row


class WithdrawForm(BaseForm):
    """Only the CSRF token: the page itself is the question "are you sure?"."""


def _withdraw_page(kind: str, row: Any, form: BaseForm, refused: str | None) -> Any:
    """The question "are you sure?", or why it can no longer be cancelled (nothing written)."""
    if refused is not None and form.is_submitted():
        form.form_errors.append(refused)
        form._errors = None  # recompute the summary with the message just added
    status = 409 if refused and form.is_submitted() else (400 if form.errors else 200)
    return render_template(
        "citizen/withdraw.html", kind=kind, item=row, form=form, refused=refused
    ), status


def _withdraw(
    kind: str,
    model: Any,
    row_id: int,
    may: Callable[[Any], bool],
    withdraw: Callable[..., object],
) -> Any:
    """The confirmation step, then the service; on a refusal nothing is written."""
    row = _own(model, row_id)
    form = WithdrawForm()
    refused = None
    if not may(row):
        refused = str(REFUSALS["answered" if not _still_sent(row) else "passed"])
    elif form.validate_on_submit():
        actor = current_actor()
        try:
            withdraw(db.session(), row.id, citizen=actor.subject, actor=actor)
        except citizen_requests.WithdrawRefused as error:
            refused = str(REFUSALS[error.code])
            row = _own(model, row_id)
        else:
            if row.reference:
                return redirect(url_for("citizen.receipt", reference=row.reference))
            return redirect(url_for("citizen.my_requests"))
    return _withdraw_page(kind, row, form, refused)


def _still_sent(row: SwapRequest | Wish) -> bool:
    return row.status == SwapStatus.REQUESTED if isinstance(row, SwapRequest) else row.active


@blueprint.route("/mine-oensker/bytte/<int:swap_id>/annuller", methods=["GET", "POST"])
@allow(CITIZEN_ACT)
@lands_on("citizen.my_requests")
def withdraw_swap(swap_id: int) -> Any:
    return _withdraw(
        "swap",
        SwapRequest,
        swap_id,
        lambda swap: citizen_requests.may_withdraw(swap, datetime.now(UTC)),
        lambda session, row_id, **who: citizen_requests.withdraw_swap(
            session, swap_id=row_id, **who
        ),
    )


@blueprint.route("/mine-oensker/oenske/<int:wish_id>/annuller", methods=["GET", "POST"])
@allow(CITIZEN_ACT)
@lands_on("citizen.my_requests")
def withdraw_wish(wish_id: int) -> Any:
    return _withdraw(
        "wish",
        Wish,
        wish_id,
        lambda wish: wish.active,
        lambda session, row_id, **who: citizen_requests.withdraw_wish(
            session, wish_id=row_id, **who
        ),
    )
