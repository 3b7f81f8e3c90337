""" "Mine ønsker og bytter" (issue 12 item 2): every swap, wish and priority for the coming
visits with its status in plain Danish, and cancelling one the worker has not answered.

Nothing is deleted: the cancellation is recorded (status, who, when) and audited (seed 002
section 16: what a relative does for the citizen is recorded, and she can see it). Rule 5
(seed 002 §8): the worker's answer on the day stands, so an answered swap cannot be
cancelled here. An irreversible action has a confirmation step (STYLE.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.types import (
    ActorKind,
    ConsentScope,
    DeclineReason,
    LapseReason,
    StaffRole,
    SwapStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, SwapRequest, Wish
from selvvisitation.services import citizen_requests
from selvvisitation.services.staff_visits import open_swaps, wishes_for
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff
from tests.staff.helpers import wished_swap

pytestmark = pytest.mark.today(MONDAY)


def a_swap(household, reference="BYT-AAAA0001", **changes) -> SwapRequest:
    swap = wished_swap(
        household.citizen,
        drop=household.vacuum,
        add=household.walk,
        visit=household.visit,
        minutes=20,
        reference=reference,
    )
    for name, value in changes.items():
        setattr(swap, name, value)
    db.session.commit()
    return swap


def a_wish(household, text="Jeg vil gerne have hjælp før klokken 9") -> Wish:
    wish = Wish(
        citizen=household.citizen,
        reference="ONS-00000001",
        kind="time",
        text=text,
        created_by_kind=ActorKind.CITIZEN,
    )
    db.session.add(wish)
    db.session.commit()
    return wish


def susanne_may_act(household, factories):
    """Her daughter, with consent to act, under the name the citizen gave her."""
    relative = factories.Relative(name="Susanne Jensen")
    factories.Consent(
        citizen=household.citizen,
        relative=relative,
        relative_name="Susanne",
        scope=ConsentScope.ACT,
    )
    return relative


def audits(action: str) -> list[AuditEntry]:
    # In the order written: without ORDER BY, PostgreSQL may return them in any order.
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_the_overview_says_where_each_swap_and_wish_stands(client, page, household, factories):
    relative = susanne_may_act(household, factories)
    now = datetime.now(UTC)
    a_swap(household, "BYT-SENT0001")
    a_swap(household, "BYT-OK000001", status=SwapStatus.ACCEPTED, decided_at=now)
    a_swap(
        household,
        "BYT-NO000001",
        status=SwapStatus.DECLINED,
        decided_at=now,
        decline_reason=DeclineReason.HYGIENE,
    )
    a_swap(
        household,
        "BYT-GONE0001",
        status=SwapStatus.LAPSED,
        lapsed_at=now,
        lapsed_reason=LapseReason.VISIT_CANCELLED,
    )
    a_swap(
        household,
        "BYT-UNDO0001",
        status=SwapStatus.WITHDRAWN,
        withdrawn_at=now,
        withdrawn_by_kind=ActorKind.RELATIVE,
        withdrawn_by_relative_id=relative.id,
    )
    a_swap(household, "BYT-PAST0001", visit=household.past_visit)  # not a coming visit
    a_wish(household)
    sign_in_citizen(client, household.citizen)
    # Reachable from "Min hjælp".
    index = page.get("citizen.index")
    link = index.find("a", string="Mine ønsker og bytter")
    soup = page.get_url(link["href"])
    assert soup.select_one("h1").get_text(strip=True) == "Mine ønsker og bytter"
    lines = [li.get_text(" ", strip=True) for li in soup.select(".app-my-requests li")]
    shown = {
        line.split("Status: ")[0].split("Reference: ")[-1].strip(" ."): line.split("Status: ")[1]
        for line in lines
    }
    assert shown.pop("BYT-SENT0001").startswith("sendt, venter på hjemmehjælperens svar")
    assert shown.pop("BYT-OK000001").startswith("accepteret af hjemmehjælperen")
    assert shown.pop("BYT-NO000001").startswith("afvist, fordi det ikke var hygiejnisk forsvarligt")
    assert shown.pop("BYT-GONE0001").startswith("bortfaldet: besøget er ikke længere planlagt")
    assert shown.pop("BYT-UNDO0001").startswith("annulleret af Susanne den ")
    assert shown.pop("ONS-00000001").startswith("sendt, personalet kan se det")
    assert shown == {}  # the past visit's swap is not listed
    # "Annullér" only for what the worker has not answered: the sent swap and the wish.
    cancel = [a["href"] for a in soup.select(".app-my-requests a.button")]
    sent = db.session.scalars(
        select(SwapRequest).where(SwapRequest.reference == "BYT-SENT0001")
    ).one()
    assert cancel == [f"/borger/mine-oensker/bytte/{sent.id}/annuller", cancel[1]]
    assert cancel[1].startswith("/borger/mine-oensker/oenske/")


def test_a_pending_swap_is_cancelled_after_a_confirmation_step(client, page, household):
    swap = a_swap(household)
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.withdraw_swap", swap_id=swap.id)
    assert soup.select_one("h1").get_text(strip=True) == "Vil du annullere byttet?"
    db.session.expire_all()
    assert swap.status == SwapStatus.REQUESTED and not audits("swap_withdrawn")  # GET asks only
    response = page.post("citizen.withdraw_swap", swap_id=swap.id)
    assert response.headers["Location"].endswith(f"/borger/kvittering/{swap.reference}")
    receipt = page.get_url(response.headers["Location"])
    assert receipt.select_one("h1").get_text(" ", strip=True) == (
        f"Byttet er annulleret Dit referencenummer: {swap.reference}"
    )
    db.session.expire_all()
    assert swap.status == SwapStatus.WITHDRAWN and swap.withdrawn_at is not None
    assert (swap.withdrawn_by_kind, swap.withdrawn_by_relative_id) == (ActorKind.CITIZEN, None)
    [entry] = audits("swap_withdrawn")
    assert (entry.object_id, entry.purpose) == (str(swap.id), "own_request")
    # The worker no longer sees it as waiting for an answer.
    pending = open_swaps(wishes_for(db.session, [household.visit])[household.visit.id])
    assert pending == []


def test_a_swap_the_worker_has_answered_cannot_be_cancelled(client, page, household):
    swap = a_swap(household, status=SwapStatus.ACCEPTED, decided_at=datetime.now(UTC))
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.withdraw_swap", swap_id=swap.id)
    assert (
        soup.select_one(".app-refused")
        .get_text(" ", strip=True)
        .startswith(
            "Ring til os, hvis du vil ændre det. Du kan ikke annullere det her, for "
            "hjemmehjælperen har svaret."
        )
    )
    assert soup.select_one("main form") is None
    response = page.post("citizen.withdraw_swap", swap_id=swap.id, expected_status=409)
    assert "for hjemmehjælperen har svaret" in response.get_data(as_text=True)
    assert 'data-module="error-summary"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert swap.status == SwapStatus.ACCEPTED and swap.withdrawn_at is None
    assert not audits("swap_withdrawn")


def test_the_service_refuses_once_the_visit_has_begun(household, factories):
    swap = a_swap(household)
    citizen = household.citizen
    begun = household.visit.starts_at + timedelta(minutes=1)

    class Citizen:  # the actor as security.access builds it: the citizen, no relative
        subject, relative = citizen, None

    with pytest.raises(citizen_requests.WithdrawRefused) as refused:
        citizen_requests.withdraw_swap(
            db.session, swap_id=swap.id, citizen=citizen, actor=Citizen, now=begun
        )
    assert refused.value.code == "passed"
    db.session.expire_all()
    assert swap.status == SwapStatus.REQUESTED and not audits("swap_withdrawn")


def test_a_relative_cancels_a_wish_and_the_citizen_sees_who(client, page, household, factories):
    wish = a_wish(household)
    relative = susanne_may_act(household, factories)
    sign_in_relative(client, relative, household.citizen)
    overview = page.get("citizen.my_requests")
    assert overview.select_one("h1").get_text(strip=True) == "Inger Jensens ønsker og bytter"
    soup = page.get("citizen.withdraw_wish", wish_id=wish.id)
    assert "Du annullerer det for Inger Jensen" in soup.select_one(".app-on-behalf").get_text()
    response = page.post("citizen.withdraw_wish", wish_id=wish.id)
    receipt = page.get_url(response.headers["Location"])
    assert (
        receipt.select_one("h1")
        .get_text(" ", strip=True)
        .startswith("Inger Jensens ønske er annulleret")
    )
    db.session.expire_all()
    assert not wish.active
    assert (wish.withdrawn_by_kind, wish.withdrawn_by_relative_id) == (
        ActorKind.RELATIVE,
        relative.id,
    )
    [entry] = audits("wish_withdrawn")
    assert (entry.purpose, entry.actor_relative_id) == ("on_behalf_of_citizen", relative.id)
    # The citizen sees that her relative did it, under the name she gave.
    sign_in_citizen(client, household.citizen)
    status = page.get("citizen.my_requests").select_one(".app-my-wishes .app-status")
    assert status.get_text(" ", strip=True).startswith("Status: annulleret af Susanne den ")


def test_a_relative_who_may_only_see_gets_no_cancel_button(client, page, household, factories):
    swap = a_swap(household)
    consent = factories.Consent(citizen=household.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, household.citizen)
    assert page.get("citizen.my_requests").select(".app-my-requests a.button") == []
    page.post("citizen.withdraw_swap", swap_id=swap.id, expected_status=403)
    count = db.session.scalar(
        select(func.count()).select_from(SwapRequest).where(SwapRequest.withdrawn_at.is_not(None))
    )
    assert count == 0


def test_the_overview_says_when_the_worker_has_seen_a_swap_and_a_wish(
    client, page, household, factories
):
    # Issue 12 item 2: the status goes from "sent" to "seen by the worker" before the answer.
    # Opening the visit is the worker seeing it; the swap can still be cancelled until she
    # answers (seed 002 §8: her answer on the day is what stands).
    swap = a_swap(household)
    wish = a_wish(household)
    worker = factories.StaffUser(
        municipality=household.citizen.municipality,
        role=StaffRole.HOME_CARE_WORKER,
        team=household.citizen.team,
        provider=household.citizen.provider,
    )
    db.session.commit()
    sign_in_staff(client, worker)
    assert client.get(f"/personale/besoeg/{household.visit.id}").status_code == 200
    first_seen = swap.seen_by_worker_at
    client.get(f"/personale/besoeg/{household.visit.id}")
    db.session.expire_all()
    assert swap.seen_by_worker_at == first_seen is not None  # the first look counts
    assert wish.seen_by_worker_at is not None

    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.my_requests")

    statuses = [s.get_text(" ", strip=True) for s in soup.select(".app-status")]
    assert statuses[0].startswith("Status: set af hjemmehjælperen ")
    assert statuses[0].endswith(", venter på svaret")
    assert statuses[1].startswith("Status: set af hjemmehjælperen ")
    assert len(soup.select(".app-my-requests a.button")) == 2  # both may still be cancelled
