"""The municipality admin: catalogue, rules with preview, providers, teams and users (issue 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.policy import default_legal_references
from selvvisitation.domain.types import StaffRole, SwapWindow, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MunicipalityPolicy, Provider, Service, StaffUser, Team
from selvvisitation.security.passwords import verify_password
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_staff

# The policy preview counts visits weeks back from today (rule 7): a fixed day (tests/clock.py).
pytestmark = pytest.mark.today(MONDAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def errors(response) -> list[str]:
    soup = check_page(response.get_data(as_text=True))
    assert soup.title.get_text().startswith("Fejl: ")
    return [a.get_text(" ", strip=True) for a in soup.select(".alert-error li a")]


@pytest.fixture
def admin(client, factories):
    staff = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN, name="Anders Admin")
    sign_in_staff(client, staff)
    return staff


SERVICE = {
    "code": "PR-NY",
    "name_da": "Vinduespudsning",
    "name_en": "Window cleaning",
    "category": "practical_help",
    "swappable": "y",
    "within_service_level": "y",
    "default_minutes": "30",
    "synonyms_da": "vinduer\nruder, glas",
    "active": "y",
}


def test_an_admin_adds_a_service_to_the_catalogue(page, admin):
    page.post("admin.new_service", SERVICE)
    service = db.session.scalars(select(Service)).one()
    assert (service.municipality_id, service.code, service.swappable, service.flexible_only) == (
        admin.municipality_id,
        "PR-NY",
        True,
        False,
    )
    assert service.synonyms_da == ["vinduer", "ruder", "glas"]
    assert db.session.scalars(select(AuditEntry.action)).all() == ["create"]


def test_an_admin_edits_a_service_and_its_minutes_are_no_longer_placeholders(
    page, admin, factories
):
    service = factories.Service(
        municipality=admin.municipality, code="PR-X", minutes_are_placeholder=True
    )
    page.post(
        "admin.edit_service",
        {**SERVICE, "code": "PR-X", "default_minutes": "25"},
        service_id=service.id,
    )
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert (service.default_minutes, service.minutes_are_placeholder) == (25, False)


def test_the_edit_page_shows_synonyms_one_per_line_and_a_post_without_them_keeps_them(
    client, page, admin, factories
):
    """Found by tests/security/test_bad_input: the lists came into the form as Python lists."""
    service = factories.Service(
        municipality=admin.municipality, code="PR-X", synonyms_da=["vinduer", "ruder"]
    )
    response = client.get(f"/admin/ydelser/{service.id}")
    text = response.get_data(as_text=True)
    assert "vinduer\nruder" in text and "[&#39;vinduer&#39;" not in text
    without = {key: value for key, value in SERVICE.items() if key != "synonyms_da"}
    page.post("admin.edit_service", {**without, "code": "PR-X"}, service_id=service.id)
    db.session.expire_all()
    assert db.session.get(Service, service.id).synonyms_da == ["vinduer", "ruder"]  # unchanged


@pytest.mark.parametrize(
    "change,message",
    [
        ({"code": ""}, "Skriv en kode"),
        ({"name_da": " "}, "Skriv navnet på dansk"),
        ({"name_en": ""}, "Skriv navnet på engelsk"),
        ({"category": ""}, "Vælg en kategori"),
        ({"category": "luxury"}, "Vælg en kategori"),
        ({"default_minutes": ""}, "Skriv antal minutter pr. levering"),
        ({"default_minutes": "tyve"}, "Skriv antal minutter som et helt tal, for eksempel 20"),
        ({"default_minutes": "0"}, "Antal minutter skal være mellem 1 og 480"),
        ({"code": "PR-FINDES"}, "Koden bruges allerede af en anden ydelse"),
        (
            {"flexible_only": "y", "within_service_level": ""},
            "En ydelse i fleksibel hjemmehjælp skal ligge inden for serviceniveauet",
        ),
        ({"name_da": "x" * 161}, "Skriv højst 160 tegn"),
    ],
)
def test_a_service_with_bad_input_is_explained_and_nothing_changes(
    page, admin, factories, change, message
):
    factories.Service(municipality=admin.municipality, code="PR-FINDES")
    response = page.post("admin.new_service", {**SERVICE, **change}, expected_status=400)
    assert message in errors(response)
    assert count(Service) == 1
    assert count(AuditEntry) == 0


def test_an_admin_cannot_see_or_change_another_municipalitys_service(page, admin, factories):
    foreign = factories.Service(code="PR-FREMMED")
    page.get("admin.edit_service", service_id=foreign.id, expected_status=404)
    page.post(
        "admin.edit_service",
        {**SERVICE, "code": "HACK"},
        expected_status=404,
        service_id=foreign.id,
    )
    db.session.expire_all()
    assert db.session.get(Service, foreign.id).code == "PR-FREMMED"


POLICY = {
    "swap_window": "visit",
    "deselection_threshold_count": "3",
    "deselection_threshold_days": "90",
    "deviation_percent": "10",
    "deviation_min_per_delivery": "10",
    "deviation_min_per_week": "20",
    "deviation_sustained_days": "14",
    "case_deadline_working_days": "5",
    "practical_help_start_working_days": "5",
    **{f"legal_{key}": text for key, text in default_legal_references().items()},
}


def deselecting_citizen(factories, municipality, times: int):
    """A citizen who dropped the same granted service at `times` recent visits (rule 7)."""
    citizen = factories.Citizen(municipality=municipality)
    service = factories.Service(municipality=municipality)
    granted = factories.GrantedService(
        decision=factories.Decision(citizen=citizen), service=service
    )
    for n in range(times):
        visit = factories.Visit(citizen=citizen, day=local_today() - timedelta(days=7 * (n + 1)))
        factories.VisitService(
            visit=visit,
            service=service,
            granted_service=granted,
            outcome=VisitServiceOutcome.DROPPED,
            delivered_minutes=0,
        )
    return citizen


def test_the_policy_preview_counts_the_citizens_flagged_and_saves_nothing(page, admin, factories):
    """Rule 7 (004 §1.3.3, 002 §8): fewer deselections before a flag flags more citizens."""
    twice = deselecting_citizen(factories, admin.municipality, 2)
    deselecting_citizen(factories, admin.municipality, 3)
    deselecting_citizen(factories, factories.Municipality(), 5)  # another municipality
    response = page.post(
        "admin.policy",
        {**POLICY, "deselection_threshold_count": "2", "action": "preview"},
        expected_status=200,
    )
    soup = check_page(response.get_data(as_text=True))
    text = " ".join(soup.select_one(".app-preview").get_text(" ", strip=True).split())
    assert "1 med de gældende regler, 2 med de nye regler" in text
    # Issue 12: who the change concerns, by name, not only how many.
    [listed] = soup.select(".app-preview-citizens")
    assert listed.find_previous("h3").get_text(strip=True) == (
        "Flaget med de nye regler, ikke nu (1)"
    )
    assert [li.contents[0].strip() for li in listed.select("li")] == [twice.name]
    db.session.expire_all()
    assert db.session.scalars(select(MunicipalityPolicy.deselection_threshold_count)).all()[0] == 3
    # Nothing saved; the one citizen shown by name is on her "Hvem har kigget" (issue 15).
    assert [
        (a.action, a.citizen_id, a.purpose) for a in db.session.scalars(select(AuditEntry))
    ] == [("read", twice.id, "policy_preview")]
    confirmed = soup.select_one("input[name=confirmed]")["value"]
    page.post(
        "admin.policy",
        {**POLICY, "deselection_threshold_count": "2", "confirmed": confirmed, "action": "save"},
    )
    db.session.expire_all()
    row = db.session.scalars(
        select(MunicipalityPolicy).where(
            MunicipalityPolicy.municipality_id == admin.municipality_id
        )
    ).one()
    assert row.deselection_threshold_count == 2
    assert db.session.scalars(
        select(AuditEntry.object_type).where(AuditEntry.action != "read")
    ).all() == ["municipality_policy"]


def test_saving_values_other_than_the_previewed_ones_shows_the_preview_again(page, admin):
    response = page.post(
        "admin.policy", {**POLICY, "swap_window": "week", "action": "preview"}, expected_status=200
    )
    confirmed = check_page(response.get_data(as_text=True)).select_one("input[name=confirmed]")[
        "value"
    ]
    response = page.post(
        "admin.policy",
        {**POLICY, "swap_window": "two_weeks", "confirmed": confirmed, "action": "save"},
        expected_status=200,
    )
    assert "Virkningen af de nye regler" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(MunicipalityPolicy.swap_window)).all()[0] is SwapWindow.VISIT


@pytest.mark.parametrize(
    "change,message",
    [
        ({"swap_window": "month"}, "Vælg, hvilken periode et bytte skal passe i"),
        ({"deselection_threshold_count": ""}, "Skriv et tal"),
        ({"deselection_threshold_count": "tre"}, "Skriv et helt tal, for eksempel 14"),
        ({"deselection_threshold_count": "0"}, "Tallet skal være mellem 1 og 50"),
        ({"deviation_percent": "101"}, "Tallet skal være mellem 1 og 100"),
        ({"deviation_min_per_week": "4000"}, "Antal minutter skal være mellem 1 og 3360"),
    ],
)
def test_policy_settings_out_of_range_are_explained_and_nothing_changes(
    page, admin, change, message
):
    response = page.post(
        "admin.policy", {**POLICY, **change, "action": "save"}, expected_status=400
    )
    assert message in errors(response)
    db.session.expire_all()
    row = db.session.scalars(select(MunicipalityPolicy)).one()
    assert (row.swap_window, row.deselection_threshold_count, row.deviation_percent) == (
        SwapWindow.VISIT,
        3,
        10,
    )


ELDERLY_ACT = "Ældreloven § 10 (personlig og praktisk hjælp)"


def test_a_changed_legal_reference_is_previewed_then_saved_and_used_in_the_next_letter(
    page, admin, factories
):
    """002 section 6: a decision names its legal basis; the municipality keeps the text current."""
    response = page.post(
        "admin.policy",
        {**POLICY, "legal_home_help": f"  {ELDERLY_ACT} ", "action": "preview"},
        expected_status=200,
    )
    soup = check_page(response.get_data(as_text=True))
    changes = [dd.get_text() for dd in soup.select(".app-reference-changes dd")]
    assert "Tekst nu: “Serviceloven § 83 (personlig og praktisk hjælp)”" in changes
    assert f"Ny tekst: “{ELDERLY_ACT}”" in changes
    # The law's words are Danish on an English page too (WCAG 2.1 SC 3.1.2).
    assert soup.select_one(".app-reference-changes dd [lang='da']").text.startswith("Serviceloven")
    assert "Klagevejledning" not in changes  # only what changes is listed
    db.session.expire_all()
    assert db.session.scalars(select(MunicipalityPolicy.legal_references)).one() == {}

    confirmed = soup.select_one("input[name=confirmed]")["value"]
    page.post(
        "admin.policy",
        {**POLICY, "legal_home_help": ELDERLY_ACT, "confirmed": confirmed, "action": "save"},
    )

    db.session.expire_all()
    row = db.session.scalars(select(MunicipalityPolicy)).one()
    assert row.legal_references == {"home_help": ELDERLY_ACT}  # defaults are not copied
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.detail["changes"]["legal_references.home_help"] == [
        "Serviceloven § 83 (personlig og praktisk hjælp)",
        ELDERLY_ACT,
    ]
    form = page.get("admin.policy")
    assert form.select_one("#legal_home_help").get_text().strip() == ELDERLY_ACT

    from selvvisitation.services.adapters import policy_for

    assert policy_for(admin.municipality).legal_references["home_help"] == ELDERLY_ACT


@pytest.mark.parametrize(
    "change,message",
    [
        ({"legal_complaint": ""}, "Skriv teksten til lovhenvisningen"),
        ({"legal_complaint": "   "}, "Skriv teksten til lovhenvisningen"),
        ({"legal_decision": "x" * 501}, "Skriv højst 500 tegn"),
    ],
)
def test_a_blank_or_too_long_legal_reference_is_explained_and_nothing_changes(
    page, admin, change, message
):
    response = page.post(
        "admin.policy", {**POLICY, **change, "action": "preview"}, expected_status=400
    )
    assert message in errors(response)
    db.session.expire_all()
    assert db.session.scalars(select(MunicipalityPolicy.legal_references)).one() == {}


def test_an_admin_adds_a_provider_and_a_team(page, admin):
    page.post(
        "admin.providers",
        {
            "name": "Omsorg ApS",
            "kind": "private",
            "phone": "11 22 33 44",
            "offers_practical_help": "y",
        },
    )
    provider = db.session.scalars(select(Provider)).one()
    assert (provider.municipality_id, provider.offers_personal_care) == (
        admin.municipality_id,
        False,
    )
    page.post("admin.add_team", {"team_name": "Team Vest"}, provider_id=provider.id)
    assert db.session.scalars(select(Team.name)).all() == ["Team Vest"]


@pytest.mark.parametrize(
    "endpoint,data,message",
    [
        ("admin.providers", {"name": "", "kind": "private"}, "Skriv navnet"),
        (
            "admin.providers",
            {"name": "X", "kind": "state"},
            "Vælg, hvilken slags leverandør det er",
        ),
    ],
)
def test_a_provider_with_bad_input_is_explained(page, admin, endpoint, data, message):
    assert message in errors(page.post(endpoint, data, expected_status=400))
    assert count(Provider) == 0


def test_a_team_without_a_name_is_explained(page, admin, factories):
    provider = factories.Provider(municipality=admin.municipality)
    response = page.post(
        "admin.add_team", {"team_name": " "}, expected_status=400, provider_id=provider.id
    )
    assert "Skriv teamets navn" in errors(response)
    assert count(Team) == 0


def test_another_municipalitys_providers_and_teams_are_out_of_reach(page, admin, factories):
    team = factories.Team()
    page.get("admin.edit_provider", provider_id=team.provider.id, expected_status=404)
    page.post(
        "admin.add_team",
        {"team_name": "Indtrængende"},
        expected_status=404,
        provider_id=team.provider.id,
    )
    page.post("admin.edit_team", {"name": "Hacket"}, expected_status=404, team_id=team.id)
    assert db.session.scalars(select(Team.name)).all() == [team.name]


USER = {
    "username": "ny.hjaelper",
    "name": "Nina Ny",
    "role": "home_care_worker",
    "password": "langt-nok-kodeord-42",
}


def test_an_admin_creates_a_worker_with_an_argon2_password_in_a_team(page, admin, factories):
    team = factories.Team(provider__municipality=admin.municipality)
    page.post("admin.new_user", {**USER, "team_id": str(team.id)})
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == "ny.hjaelper")).one()
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, USER["password"])
    assert (user.team_id, user.provider_id, user.municipality_id) == (
        team.id,
        team.provider_id,
        admin.municipality_id,
    )


@pytest.mark.parametrize(
    "change,message",
    [
        ({"username": ""}, "Skriv et brugernavn"),
        ({"username": "taget"}, "Brugernavnet er allerede i brug"),
        ({"name": ""}, "Skriv det fulde navn"),
        ({"role": "king"}, "Vælg en rolle"),
        ({"team_id": ""}, "Vælg den hjemmehjælpers eller teamleders team"),
        ({"team_id": "FOREIGN"}, "Vælg et team fra listen"),
        # Issue 6 "Bad input": ids no list offers were a 500 (too large for the database's
        # integer; '²' passes str.isdigit() but not int()).
        ({"team_id": "99999999999999999999"}, "Vælg et team fra listen"),
        ({"team_id": "²"}, "Vælg et team fra listen"),
        ({"password": ""}, "Skriv en adgangskode på mindst 12 tegn"),
        ({"password": "kort"}, "Adgangskoden skal være mellem 12 og 200 tegn"),
    ],
)
def test_a_user_with_bad_input_is_explained_and_nobody_is_created(
    page, admin, factories, change, message
):
    team = factories.Team(provider__municipality=admin.municipality)
    foreign = factories.Team()
    factories.StaffUser(municipality=admin.municipality, username="taget")
    before = count(StaffUser)
    data = {**USER, "team_id": str(team.id), **change}
    if data["team_id"] == "FOREIGN":
        data["team_id"] = str(foreign.id)
    assert message in errors(page.post("admin.new_user", data, expected_status=400))
    assert count(StaffUser) == before


def test_deactivating_a_user_asks_first_and_never_deletes(client, page, admin, factories):
    worker = factories.StaffUser(municipality=admin.municipality, name="Bo Hjælper")
    soup = page.get("admin.deactivate_user", staff_id=worker.id)
    assert soup.h1.get_text(strip=True) == "Deaktivér Bo Hjælper?"
    db.session.expire_all()
    assert db.session.get(StaffUser, worker.id).active is True
    page.post("admin.deactivate_user", {}, staff_id=worker.id)
    db.session.expire_all()
    worker = db.session.get(StaffUser, worker.id)
    assert worker.active is False and count(StaffUser) == 2


def _sign_in_with_password(client, username: str):
    from flask import url_for

    from tests.factories import TEST_PASSWORD
    from tests.pages import csrf_token

    return client.post(
        url_for("auth.staff_login"),
        data={"username": username, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)},
    )


def test_a_deactivated_user_cannot_sign_in_and_a_reactivated_one_can(app, page, admin, factories):
    worker = factories.StaffUser(
        municipality=admin.municipality,
        name="Bo Hjælper",
        role=StaffRole.VISITATOR,
        failed_logins=3,
    )
    page.post("admin.deactivate_user", {}, staff_id=worker.id)
    with app.test_client() as other:
        refused = _sign_in_with_password(other, worker.username)
        assert refused.status_code == 200  # the form again, with the one answer for all
        assert "Brugernavn eller adgangskode er ikke rigtig" in refused.get_data(as_text=True)

    soup = page.get("admin.users")
    link = soup.select_one(f"a[href$='/brugere/{worker.id}/genaktiver']")
    assert link.get_text(" ", strip=True) == "Genaktivér Bo Hjælper"
    soup = page.get("admin.reactivate_user", staff_id=worker.id)
    assert soup.h1.get_text(strip=True) == "Genaktivér Bo Hjælper?"
    db.session.expire_all()
    assert db.session.get(StaffUser, worker.id).active is False  # asking changed nothing

    page.post("admin.reactivate_user", {}, staff_id=worker.id)

    db.session.expire_all()
    worker = db.session.get(StaffUser, worker.id)
    assert (worker.active, worker.failed_logins, worker.locked_until) == (True, 0, None)
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "staff_user")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert (entry.action, entry.object_id, entry.detail, entry.actor_staff_id) == (
        "update",
        str(worker.id),
        {"active": True},
        admin.id,
    )
    with app.test_client() as other:
        assert _sign_in_with_password(other, worker.username).status_code == 302


def test_reactivating_an_active_user_changes_nothing(page, admin, factories):
    worker = factories.StaffUser(municipality=admin.municipality, name="Bo Hjælper")
    soup = page.get("admin.reactivate_user", staff_id=worker.id)
    assert "Bo Hjælper er allerede aktiv." in soup.get_text()
    assert soup.select_one("form[action$='/genaktiver']") is None
    before = count(AuditEntry)
    page.post("admin.reactivate_user", {}, staff_id=worker.id, expected_status=200)
    assert count(AuditEntry) == before


def test_another_municipalitys_users_are_out_of_reach(page, admin, factories):
    foreign = factories.StaffUser(name="Fremmed")
    page.get("admin.edit_user", staff_id=foreign.id, expected_status=404)
    page.post("admin.deactivate_user", {}, expected_status=404, staff_id=foreign.id)
    db.session.expire_all()
    assert db.session.get(StaffUser, foreign.id).active is True
    foreign.active = False
    db.session.commit()
    page.get("admin.reactivate_user", staff_id=foreign.id, expected_status=404)
    page.post("admin.reactivate_user", {}, expected_status=404, staff_id=foreign.id)
    db.session.expire_all()
    assert db.session.get(StaffUser, foreign.id).active is False
    soup = page.get("admin.users")
    assert "Fremmed" not in soup.get_text()


@pytest.mark.parametrize(
    "role", [StaffRole.VISITATOR, StaffRole.SUPERVISOR, StaffRole.HOME_CARE_WORKER]
)
def test_only_the_municipality_admin_changes_the_rules(client, factories, role):
    staff = factories.StaffUser(role=role)
    sign_in_staff(client, staff)
    for url in ("/admin/regler", "/admin/brugere", "/admin/ydelser/ny", "/admin/leverandoerer"):
        assert client.get(url).status_code == 403


def test_the_visitations_opening_hours_are_set_on_the_policy_page_and_shown_to_citizens(
    page, admin, client
):
    """Issue 12 item 10: "who to call, with the visitation's opening hours next to the phone
    number"; the municipality writes them on its policy page, previewed then saved."""
    hours = "mandag-fredag kl. 8-12"
    soup = page.get("admin.policy")
    assert soup.select_one("input[name=visitation_opening_hours]")["value"] == ""
    response = page.post(
        "admin.policy",
        {**POLICY, "visitation_opening_hours": f" {hours} ", "action": "preview"},
        expected_status=200,
    )
    confirmed = check_page(response.text).select_one("input[name=confirmed]")["value"]
    page.post(
        "admin.policy",
        {**POLICY, "visitation_opening_hours": hours, "confirmed": confirmed, "action": "save"},
    )
    db.session.expire_all()
    assert db.session.scalars(select(MunicipalityPolicy.visitation_opening_hours)).one() == hours
    assert f'value="{hours}"' in page.client.get("/admin/regler").text

    help_page = page.get("public.help_page")
    call = help_page.select_one("main .app-call").get_text(" ", strip=True)
    assert f"(åbent {hours})" in call
    assert admin.municipality.visitation_phone in call


def test_an_admin_cannot_give_herself_another_role(page, admin):
    """Issue 15, Low 13 (ASVS V4.1.3): nobody gives herself a role she does not hold."""
    data = {"username": admin.username, "name": admin.name, "role": "supervisor", "team_id": ""}
    response = page.post("admin.edit_user", data, staff_id=admin.id, expected_status=400)
    assert "Du kan ikke ændre din egen rolle. Bed en anden administrator." in errors(response)
    db.session.expire_all()
    assert admin.role == StaffRole.MUNICIPALITY_ADMIN
    changes = select(AuditEntry).where(AuditEntry.action == "role_changed")
    assert not db.session.scalars(changes).all()


def test_a_change_of_role_is_logged_and_shown_to_the_other_admins(client, page, admin, factories):
    """Issue 15, Low 13: a role given or changed is logged and listed for every admin of
    the municipality ("Seneste ændringer af roller"); another municipality's are not."""
    worker = factories.StaffUser(
        municipality=admin.municipality, name="Hanne Hjælper", role=StaffRole.VISITATOR
    )
    data = {"username": worker.username, "name": worker.name, "role": "supervisor", "team_id": ""}
    page.post("admin.edit_user", data, staff_id=worker.id)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "role_changed")).one()
    assert entry.detail == {"from": "visitator", "to": "supervisor", "by": admin.username}

    elsewhere = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN)
    sign_in_staff(client, elsewhere)
    page.post("admin.new_user", {**USER, "role": "visitator", "team_id": ""})

    colleague = factories.StaffUser(
        municipality=admin.municipality, role=StaffRole.MUNICIPALITY_ADMIN, name="Karin Kollega"
    )
    sign_in_staff(client, colleague)
    soup = page.get("admin.users")
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in soup.select(".app-role-changes tbody tr")
    ]
    assert [row[1:] for row in rows] == [
        ["Hanne Hjælper", "Visitator", "Tilsynsførende", "Anders Admin"]
    ]
