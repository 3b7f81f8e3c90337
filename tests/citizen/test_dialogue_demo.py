"""Demo citizens can use the whole dialogue: the demo data needs nothing added for it."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from selvvisitation.demo.seed import build_demo
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, SwapRequest
from tests.citizen.dialogue_helpers import say
from tests.pages import sign_in_citizen


def first_value(page) -> str:
    soup = page.get("citizen.conversation")
    return soup.select("#answer input")[0]["value"]


def test_a_demo_citizen_swaps_at_a_coming_visit(client, page):
    build_demo(db.session)
    db.session.commit()
    citizen = db.session.scalars(select(Citizen).order_by(Citizen.id)).first()
    sign_in_citizen(client, citizen)
    page.get("citizen.conversation")
    say(page, citizen, answer="swap")
    say(page, citizen, answer="visit")
    # Each answer: the first quick reply offered (for the add step: one that fits).
    for _ in range(3):
        say(page, citizen, answer=first_value(page))
    response = client.get("/borger/samtale")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("#current-question").get_text(strip=True) == "Vil du sende byttet?"
    say(page, citizen, acknowledged="y")
    swap = db.session.scalars(
        select(SwapRequest).where(
            SwapRequest.citizen_id == citizen.id, SwapRequest.reference.like("BYT-%")
        )
    )
    assert swap.one().visit_id is not None
