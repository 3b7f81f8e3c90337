"""The admin sets the cancellation deadline and whether citizens' cancellations count
towards repeated deselection (issue 14), previewed then saved like every other rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.extensions import db
from selvvisitation.models import MunicipalityPolicy
from tests.admin.test_admin import POLICY, admin, errors  # noqa: F401  (fixture)
from tests.pages import check_page

VISITS = {
    "citizen_cancel_deadline_minutes": "240",
    "citizen_cancellations_count_as_deselection": "y",
}


def _row() -> MunicipalityPolicy:
    db.session.expire_all()
    return db.session.scalars(select(MunicipalityPolicy)).one()


def test_the_visit_settings_default_to_two_hours_and_off_then_are_saved(page, admin):  # noqa: F811
    soup = page.get("admin.policy")
    fieldset = soup.select_one("fieldset.app-visit-settings")
    assert fieldset.select_one("legend").get_text(strip=True) == "Aflysning af besøg"
    assert fieldset.select_one("#citizen_cancel_deadline_minutes")["value"] == "120"
    assert not fieldset.select_one("#citizen_cancellations_count_as_deselection").has_attr(
        "checked"
    )
    response = page.post(
        "admin.policy", {**POLICY, **VISITS, "action": "preview"}, expected_status=200
    )
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")
    assert _row().citizen_cancel_deadline_minutes == 120  # nothing saved by the preview
    page.post(
        "admin.policy",
        {**POLICY, **VISITS, "confirmed": confirmed["value"], "action": "save"},
    )
    row = _row()
    assert row.citizen_cancel_deadline_minutes == 240
    assert row.citizen_cancellations_count_as_deselection is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Skriv et tal"),
        ("-5", "Tallet skal være mellem 0 og 2880"),
        ("3000", "Tallet skal være mellem 0 og 2880"),
    ],
)
def test_a_bad_deadline_is_explained_and_nothing_changes(page, admin, value, message):  # noqa: F811
    response = page.post(
        "admin.policy",
        {**POLICY, **VISITS, "citizen_cancel_deadline_minutes": value, "action": "save"},
        expected_status=400,
    )
    assert message in errors(response)
    assert _row().citizen_cancel_deadline_minutes == 120


def test_the_reply_deadline_for_messages_defaults_to_one_working_day_then_is_saved(
    page,
    admin,  # noqa: F811
):
    """Issue 14: staff answer within a per-municipality number of working days, default 1."""
    fieldset = page.get("admin.policy").select_one("fieldset.app-message-settings")
    assert fieldset.select_one("legend").get_text(strip=True) == "Beskeder"
    assert fieldset.select_one("#message_reply_working_days")["value"] == "1"
    settings = {**POLICY, "message_reply_working_days": "3"}
    response = page.post("admin.policy", {**settings, "action": "preview"}, expected_status=200)
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")
    assert _row().message_reply_working_days == 1  # nothing saved by the preview
    page.post("admin.policy", {**settings, "confirmed": confirmed["value"], "action": "save"})
    assert _row().message_reply_working_days == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Skriv et tal"),
        ("0", "Tallet skal være mellem 1 og 10"),
        ("11", "Tallet skal være mellem 1 og 10"),
        ("en", "Skriv et helt tal, for eksempel 14"),
    ],
)
def test_a_bad_reply_deadline_is_explained_beside_the_field_and_nothing_changes(
    page,
    admin,  # noqa: F811
    value,
    message,
):
    response = page.post(
        "admin.policy",
        {**POLICY, "message_reply_working_days": value, "action": "save"},
        expected_status=400,
    )
    assert message in errors(response)
    field = (
        check_page(response.get_data(as_text=True))
        .select_one("#message_reply_working_days")
        .find_parent(class_="form-group")
    )
    assert message in field.get_text(" ", strip=True)
    assert _row().message_reply_working_days == 1
