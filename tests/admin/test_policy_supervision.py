"""The admin chooses the themes of a supervision visit (issue 11): seed 000's five (the
default), the Ældretilsyn's three values (Ældretilsynsloven § 7 stk. 3), or both."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.extensions import db
from selvvisitation.models import MunicipalityPolicy
from tests.admin.test_admin import POLICY, admin, errors  # noqa: F401  (fixture)
from tests.pages import check_page


def _row() -> MunicipalityPolicy:
    db.session.expire_all()
    return db.session.scalars(select(MunicipalityPolicy)).one()


def test_the_theme_setting_starts_at_the_five_themes_and_is_previewed_then_saved(
    page,
    admin,  # noqa: F811
):
    soup = page.get("admin.policy")
    fieldset = soup.select_one("fieldset.app-supervision-settings")
    assert "Ældretilsynet vurderer ældrelovens tre værdier" in fieldset.text
    assert fieldset.select_one("input[value=thisted]").has_attr("checked")
    assert [label.get_text(strip=True) for label in fieldset.select("label")] == [
        "Fem temaer: funktionsevne, livskvalitet, sammenhæng, hygiejne og opfølgning",
        "Ældretilsynets tre værdier: selvbestemmelse, tillid og samspil med pårørende og "
        "civilsamfund",
        "Begge: den tilsynsførende vælger ved hvert besøg",
    ]
    chosen = {**POLICY, "supervision_theme_sets": "aeldretilsyn"}
    response = page.post("admin.policy", {**chosen, "action": "preview"}, expected_status=200)
    assert _row().supervision_theme_sets is ThemeSet.THISTED  # nothing saved before the preview
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")
    page.post("admin.policy", {**chosen, "confirmed": confirmed["value"], "action": "save"})
    assert _row().supervision_theme_sets is ThemeSet.AELDRETILSYN


def test_a_form_without_the_setting_keeps_it(page, admin):  # noqa: F811
    row = _row()
    row.supervision_theme_sets = ThemeSet.BOTH
    db.session.commit()
    response = page.post("admin.policy", {**POLICY, "action": "preview"}, expected_status=200)
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")
    page.post("admin.policy", {**POLICY, "confirmed": confirmed["value"], "action": "save"})
    assert _row().supervision_theme_sets is ThemeSet.BOTH


@pytest.mark.parametrize("value", ["", "alle"])
def test_an_unknown_theme_setting_is_explained_and_nothing_changes(
    page,
    admin,  # noqa: F811
    value,
):
    response = page.post(
        "admin.policy",
        {**POLICY, "supervision_theme_sets": value, "action": "save"},
        expected_status=400,
    )
    assert "Vælg temaerne for et tilsynsbesøg" in errors(response)
    assert _row().supervision_theme_sets is ThemeSet.THISTED
