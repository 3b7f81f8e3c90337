"""The admin edits the Ældreloven settings on the policy page (issue 11; DOMAIN.md
"Ældreloven", reading: where municipalities may differ, it is a setting)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.domain.types import LegalBasis
from selvvisitation.extensions import db
from selvvisitation.models import MunicipalityPolicy
from tests.admin.test_admin import POLICY, admin, errors  # noqa: F401  (fixture)
from tests.pages import check_page

AEL = {
    "default_legal_basis": "ael",
    "ael_suggest_from_age": "65",
    "element_decline_threshold_count": "4",
    "element_decline_threshold_days": "60",
    "priorities_not_met_threshold_count": "2",
    "priorities_not_met_threshold_days": "14",
    "ael_optional_minutes": "y",
}


def _row() -> MunicipalityPolicy:
    db.session.expire_all()
    return db.session.scalars(select(MunicipalityPolicy)).one()


def test_the_default_basis_and_ael_age_are_previewed_then_saved(page, admin):  # noqa: F811
    soup = page.get("admin.policy")
    fieldset = soup.select_one("fieldset.app-ael-settings")
    assert "Nye afgørelser træffes efter" in fieldset.text
    assert fieldset.select_one("input[name=default_legal_basis][value=sel]").has_attr("checked")
    assert fieldset.select_one("#ael_suggest_from_age")["value"] == "67"

    response = page.post(
        "admin.policy", {**POLICY, **AEL, "action": "preview"}, expected_status=200
    )
    preview = check_page(response.get_data(as_text=True)).select_one(".app-preview")
    assert "Gentagne nej til et element (ældreloven)" in preview.text
    assert _row().default_legal_basis == LegalBasis.SEL
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")[
        "value"
    ]

    page.post("admin.policy", {**POLICY, **AEL, "confirmed": confirmed, "action": "save"})
    row = _row()
    assert (
        row.default_legal_basis,
        row.ael_suggest_from_age,
        row.element_decline_threshold_count,
        row.element_decline_threshold_days,
        row.priorities_not_met_threshold_count,
        row.priorities_not_met_threshold_days,
        row.ael_optional_minutes,
    ) == (LegalBasis.AEL, 65, 4, 60, 2, 14, True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"default_legal_basis": "dk"}, "Vælg, hvilken lov nye afgørelser træffes efter"),
        ({"ael_suggest_from_age": ""}, "Skriv et tal"),
        ({"ael_suggest_from_age": "12"}, "Tallet skal være mellem 18 og 120"),
        ({"priorities_not_met_threshold_days": "400"}, "Tallet skal være mellem 1 og 365"),
    ],
)
def test_bad_ael_settings_are_explained_and_nothing_changes(
    page,
    admin,  # noqa: F811
    change,
    message,
):
    response = page.post(
        "admin.policy", {**POLICY, **AEL, **change, "action": "save"}, expected_status=400
    )
    assert message in errors(response)
    row = _row()
    assert (row.default_legal_basis, row.ael_suggest_from_age) == (LegalBasis.SEL, 67)
