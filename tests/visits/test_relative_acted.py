"""A relative with "act" consent cancels a visit or asks to move one for the citizen (issue 14:
"your relative acted for you", which goes to the citizen): the citizen is told by her chosen
channel, in the same transaction as the change, and her calendar says who did it; the team's
week view says who cancelled, when and why, in the citizen's words."""

from __future__ import annotations

from sqlalchemy import select

from selvvisitation.domain.notifications import Channel, NotificationEvent
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import Notification, NotificationPreference
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff
from tests.visits.scene import visit_scene


def texts(soup, selector):
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def _family(factories):
    scene = visit_scene(factories)
    consent = factories.Consent(
        citizen=scene.citizen,
        scope=ConsentScope.ACT,
        relative__name="Hanne Jensen",
        relative_name="Hanne Jensen",
    )
    db.session.add(
        NotificationPreference(
            citizen_id=scene.citizen.id,
            channel=Channel.EMAIL,
            email="inger@example.dk",
            topics=["relative_acted"],
        )
    )
    db.session.commit()
    return scene, consent.relative


def _told() -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_a_relative_s_cancellation_tells_the_citizen_and_both_calendars_say_who(
    client, page, factories, clock
):
    scene, relative = _family(factories)
    sign_in_relative(client, relative, scene.citizen)
    page.post(
        "citizen.cancel_visit",
        {"reason": "hospital", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    (notice,) = _told()
    assert (notice.event, notice.relative_id) == (NotificationEvent.RELATIVE_ACTED, None)
    assert notice.body.startswith("En pårørende har aflyst et besøg for dig.")
    assert notice.link == "https://selvvisitation.test/borger/besoeg"
    (line,) = texts(page.get("citizen.calendar"), ".app-visit-change")
    assert line.startswith("Du har aflyst dette besøg for Inger Jensen. Aflyst mandag 2. marts")
    sign_in_citizen(client, scene.citizen)
    (line,) = texts(page.get("citizen.calendar"), ".app-visit-change")
    assert line == (
        "Hanne Jensen har aflyst dette besøg for dig. Aflyst mandag 2. marts 2026 kl. 09:00. "
        "Årsag: Jeg er på hospitalet."
    )


def test_the_citizen_s_own_cancellation_tells_nobody(client, page, factories, clock):
    scene, _relative = _family(factories)
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit", {"reason": "away", "confirmed": "yes"}, visit_id=scene.practical.id
    )
    assert _told() == []


def test_a_relative_s_move_request_tells_the_citizen_who_asked(client, page, factories, clock):
    scene, relative = _family(factories)
    sign_in_relative(client, relative, scene.citizen)
    response = page.post(
        "citizen.move_visit", {"wish": "Om eftermiddagen"}, visit_id=scene.practical.id
    )
    receipt = page.get_url(response.headers["Location"])
    assert "Inger Jensen kan se under besøgene, at du har spurgt" in receipt.get_text()
    (notice,) = _told()
    assert notice.event == NotificationEvent.RELATIVE_ACTED
    assert notice.body.startswith("En pårørende har bedt om at flytte et besøg for dig.")
    sign_in_citizen(client, scene.citizen)
    assert texts(page.get("citizen.calendar"), ".app-move-answer") == [
        'Hanne Jensen har bedt om at flytte besøget for dig: "Om eftermiddagen". '
        "Hjemmeplejen har ikke svaret endnu."
    ]


def test_the_week_view_says_who_cancelled_when_and_why(client, page, factories, clock):
    scene, relative = _family(factories)
    sign_in_relative(client, relative, scene.citizen)
    page.post(
        "citizen.cancel_visit",
        {"reason": "other", "reason_text": "Tandlæge", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.week", uge=scene.practical.day.isoformat())
    cancelled = [li for li in soup.select(".app-week-visit") if li.select(".app-visit-cancelled")]
    (visit,) = cancelled
    assert "Aflyst" in texts(visit, "strong")
    assert texts(visit, ".app-visit-cancelled") == [
        "Den pårørende Hanne Jensen har aflyst for borgeren: Noget andet: Tandlæge "
        "(2. mar. 2026 kl. 09:00)"
    ]
