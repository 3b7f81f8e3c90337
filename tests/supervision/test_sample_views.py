"""The supervisor draws the yearly sample (seed 000, "Tilsynsbesøg") and swaps a citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.supervision_sampling import PickReason, draw_sample
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, SampledCitizen, SupervisionSample
from selvvisitation.services import supervision_visits
from tests.clock import MONDAY, NEW_YEARS_EVE
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)

YEAR = local_today(MONDAY).year


def rows(soup, caption: str) -> list[list[str]]:
    table = next(t for t in soup.select("table") if t.caption.get_text(strip=True) == caption)
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]


def errors(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".alert-error li a")]


def draw(world, provider=None, seed=None) -> SupervisionSample:
    sample = supervision_visits.draw_for_provider(
        db.session,
        provider or world.provider,
        YEAR,
        staff=world.supervisor,
        on=local_today(),
        seed=seed,
    )
    db.session.commit()
    return sample


def test_the_supervisor_sees_every_provider_of_the_own_municipality_only(client, page, world):
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.index")
    providers = [row[0] for row in rows(soup, f"Leverandører og deres tilsyn i {YEAR}")]
    assert providers == ["Hjemmeplejen Syd", "Lille Rengøring ApS"]


@pytest.mark.parametrize(
    "year",
    [
        # 23:30 on New Year's Eve in Denmark (22:30 UTC): still this year's sample.
        pytest.param(2026, marks=pytest.mark.today(NEW_YEARS_EVE), id="23:30"),
        # 00:30 on New Year's Day in Denmark while the server's date is still 31 December.
        pytest.param(
            2027,
            marks=pytest.mark.today(NEW_YEARS_EVE + timedelta(hours=1)),
            id="00:30",
        ),
    ],
)
def test_the_supervision_year_turns_at_midnight_in_denmark_not_on_the_server(
    client, page, world, year
):
    # The sample is yearly (seed 000, "Tilsynsbesøg"); the year is Denmark's (domain/dates.py).
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.index")
    assert rows(soup, f"Leverandører og deres tilsyn i {year}")


def test_the_menu_offers_supervision_to_the_supervisor(client, page, world):
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.index")
    assert "Tilsyn" in [a.get_text(strip=True) for a in soup.select(".app-nav-list a")]


def test_drawing_the_sample_of_municipal_home_care_picks_six_spread_over_three_groups(
    client, page, world
):
    # Seed 000 "Tilsynsbesøg": 5-6 borgere i den kommunale hjemmepleje, spread over the help.
    sign_in_staff(client, world.supervisor)
    response = page.post("supervision.draw", {"year": str(YEAR)}, provider_id=world.provider.id)
    expected = f"/tilsyn/leverandoer/{world.provider.id}/stikproeve?aar={YEAR}"
    assert response.location.endswith(expected)
    soup = page.get("supervision.sample", provider_id=world.provider.id, aar=YEAR)
    picked = rows(soup, "Borgere i stikprøven")
    assert len(picked) == 6
    groups = ["Lidt hjælp", "Noget hjælp", "Meget hjælp"] * 2
    assert sorted(row[2] for row in picked) == sorted(groups)
    assert {row[3] for row in picked} == {"Udtrukket tilfældigt i sin gruppe"}
    assert "6 af 12 borgere" in soup.select_one("main").get_text()
    sample = SupervisionSample.query.one()
    assert sample.seed in soup.select_one("dl code").get_text()


def test_drawing_the_sample_and_showing_it_are_in_the_audit_log(client, page, world):
    sign_in_staff(client, world.supervisor)
    page.post("supervision.draw", {"year": str(YEAR)}, provider_id=world.provider.id)
    page.get("supervision.sample", provider_id=world.provider.id, aar=YEAR)
    actions = [e.action for e in AuditEntry.query.filter_by(actor_staff_id=world.supervisor.id)]
    assert actions.count("supervision_sample_drawn") == 6
    assert actions.count("supervision_sample_viewed") == 6


def test_a_provider_with_two_citizens_is_visited_in_full_and_the_page_says_so(client, page, world):
    # Seed 000: at least 3 per private provider; with only 2 citizens, both are seen.
    sign_in_staff(client, world.supervisor)
    page.post("supervision.draw", {"year": str(YEAR)}, provider_id=world.small.id)
    soup = page.get("supervision.sample", provider_id=world.small.id, aar=YEAR)
    picked = rows(soup, "Borgere i stikprøven")
    assert [row[0].split(" (")[0] for row in picked] == ["Borger 01", "Borger 02"]
    assert {row[3] for row in picked} == {"Alle leverandørens borgere besøges"}
    assert "Leverandøren har kun 2 borgere" in soup.select_one(".alert-info").get_text()


def test_the_recorded_seed_draws_the_same_sample_again(world):
    sample = draw(world)
    again = draw_sample(
        supervision_visits.profile_of(world.provider),
        supervision_visits.candidates_for(db.session, world.provider, local_today()),
        sample.seed,
    )
    assert sorted(again.picked_ids) == sorted(m.citizen_id for m in sample.members)
    assert [p.stratum for p in sorted(again.picks, key=lambda p: p.citizen_id)] == [
        m.stratum for m in sorted(sample.members, key=lambda m: m.citizen_id)
    ]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Skriv årstallet for tilsynet"),
        ("næste år", "Skriv årstallet for tilsynet"),
        ("1999", "Skriv et årstal mellem 2000 og 2100"),
        ("20261", "Skriv et årstal mellem 2000 og 2100"),
    ],
)
def test_a_bad_year_is_refused_with_a_plain_message(client, page, world, year, message):
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.draw", {"year": year}, provider_id=world.provider.id, expected_status=400
    )
    soup = page_soup(response)
    assert errors(soup) == [message]
    assert soup.title.get_text().startswith("Fejl: ")
    assert SupervisionSample.query.count() == 0


def test_a_year_is_drawn_once_and_then_kept(client, page, world):
    first = draw(world)
    sign_in_staff(client, world.supervisor)
    page.post("supervision.draw", {"year": str(YEAR)}, provider_id=world.provider.id)
    soup = page.get("supervision.sample", provider_id=world.provider.id, aar=YEAR)
    assert soup.select_one(".app-flash .alert-error").get_text(strip=True) == (
        "Stikprøven for dette år er allerede udtrukket. Den bevares, som den er."
    )
    assert [s.id for s in SupervisionSample.query.all()] == [first.id]


def test_swapping_a_citizen_takes_one_from_the_same_group_and_keeps_the_reason(client, page, world):
    sample = draw(world)
    out = sample.members[0]
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.replace", sample_id=sample.id, member_id=out.id)
    options = [int(i["value"]) for i in soup.select("input[name=replacement]")]
    stratum = next(s for s in sample.strata if s["index"] == out.stratum)
    assert options and set(options) <= set(stratum["citizen_ids"])
    page.post(
        "supervision.replace",
        {"replacement": str(options[0]), "reason": "Indlagt på sygehus"},
        sample_id=sample.id,
        member_id=out.id,
    )
    db.session.expire_all()
    newcomer = SampledCitizen.query.filter_by(citizen_id=options[0]).one()
    assert newcomer.reason is PickReason.REPLACEMENT and newcomer.stratum == out.stratum
    assert newcomer.replaces_id == out.id
    swapped = db.session.get(SampledCitizen, out.id)
    assert swapped.replaced_at is not None
    assert swapped.replacement_reason == "Indlagt på sygehus"
    soup = page.get("supervision.sample", provider_id=world.provider.id, aar=YEAR)
    reasons = [row[3] for row in rows(soup, "Borgere i stikprøven")]
    assert f"Tager pladsen efter {out.citizen.name}: Indlagt på sygehus" in reasons
    assert "Indlagt på sygehus" in soup.select_one("main ul").get_text()


def test_a_swap_to_a_citizen_of_another_group_is_refused(client, page, world):
    sample = draw(world)
    out = sample.members[0]
    other = next(s for s in sample.strata if s["index"] != out.stratum)
    picked = {m.citizen_id for m in sample.members}
    outsider = next(c for c in other["citizen_ids"] if c not in picked)
    sign_in_staff(client, world.supervisor)
    response = page.post(
        "supervision.replace",
        {"replacement": str(outsider), "reason": "Ferie"},
        sample_id=sample.id,
        member_id=out.id,
        expected_status=400,
    )
    assert errors(page_soup(response)) == ["Vælg, hvem der tager pladsen"]
    assert SampledCitizen.query.count() == 6


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Ferie"}, "Vælg, hvem der tager pladsen"),
        ({"replacement": "abc", "reason": "Ferie"}, "Vælg, hvem der tager pladsen"),
        ({"replacement": "FIRST"}, "Skriv, hvorfor borgeren skiftes ud"),
        ({"replacement": "FIRST", "reason": "   "}, "Skriv, hvorfor borgeren skiftes ud"),
        ({"replacement": "FIRST", "reason": "x" * 1001}, "Skriv højst 1000 tegn"),
    ],
)
def test_a_swap_with_bad_input_is_refused_with_a_plain_message(client, page, world, data, message):
    sample = draw(world)
    out = sample.members[0]
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.replace", sample_id=sample.id, member_id=out.id)
    first = soup.select_one("input[name=replacement]")["value"]
    data = {k: (first if v == "FIRST" else v) for k, v in data.items()}
    response = page.post(
        "supervision.replace", data, sample_id=sample.id, member_id=out.id, expected_status=400
    )
    assert errors(page_soup(response)) == [message]
    assert SampledCitizen.query.filter(SampledCitizen.replaced_at.isnot(None)).count() == 0


def test_a_member_already_swapped_out_cannot_be_swapped_again(client, page, world):
    sample = draw(world)
    out = sample.members[0]
    options = supervision_visits.replacement_options(
        db.session, sample, out, [m.citizen_id for m in sample.members]
    )
    supervision_visits.replace_member(
        db.session, out, options[0][0].id, reason="Syg", staff=world.supervisor
    )
    db.session.commit()
    sign_in_staff(client, world.supervisor)
    page.get("supervision.replace", sample_id=sample.id, member_id=out.id, expected_status=404)


def test_another_municipalitys_provider_and_sample_are_not_found(client, page, world):
    foreign_sample = draw(world, provider=world.foreign)
    sign_in_staff(client, world.supervisor)
    page.get("supervision.sample", provider_id=world.foreign.id, expected_status=404)
    page.post(
        "supervision.draw", {"year": str(YEAR)}, provider_id=world.foreign.id, expected_status=404
    )
    member = foreign_sample.members[0]
    page.get(
        "supervision.replace", sample_id=foreign_sample.id, member_id=member.id, expected_status=404
    )


def test_a_member_of_another_sample_is_not_found(client, page, world):
    sample = draw(world)
    small = draw(world, provider=world.small)
    sign_in_staff(client, world.supervisor)
    page.get(
        "supervision.replace",
        sample_id=sample.id,
        member_id=small.members[0].id,
        expected_status=404,
    )


def test_a_visitator_may_read_the_sample_but_not_draw_or_swap(client, page, world):
    sample = draw(world)
    sign_in_staff(client, world.visitator)
    soup = page.get("supervision.sample", provider_id=world.provider.id, aar=YEAR)
    assert len(rows(soup, "Borgere i stikprøven")) == 6
    assert not soup.select("a[href*=udskift]")
    page.post(
        "supervision.draw",
        {"year": str(YEAR + 1)},
        provider_id=world.provider.id,
        expected_status=403,
    )
    page.get(
        "supervision.replace",
        sample_id=sample.id,
        member_id=sample.members[0].id,
        expected_status=403,
    )


@pytest.mark.parametrize("role", ["worker", "foreign_supervisor"])
def test_other_roles_and_municipalities_cannot_use_the_sample(client, page, world, role):
    sign_in_staff(client, getattr(world, role))
    expected = 403 if role == "worker" else 404
    page.get("supervision.sample", provider_id=world.provider.id, expected_status=expected)
    page.post(
        "supervision.draw",
        {"year": str(YEAR)},
        provider_id=world.provider.id,
        expected_status=expected,
    )
    assert SupervisionSample.query.count() == 0


def test_a_citizen_cannot_open_the_supervision_pages(client, page, world):
    from tests.pages import sign_in_citizen

    sign_in_citizen(client, world.citizens[0])
    page.get("supervision.index", expected_status=403)


def page_soup(response):
    from tests.pages import check_page

    return check_page(response.get_data(as_text=True))


def test_the_replacement_page_logs_a_read_of_every_candidate_it_lists(client, page, world):
    """Issue 15, Medium 8: the candidates are shown by name and masked CPR number."""
    from selvvisitation.models import AuditEntry

    sample = draw(world)
    out = sample.members[0]
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.replace", sample_id=sample.id, member_id=out.id)
    listed = {int(i["value"]) for i in soup.select("input[name=replacement]")}
    db.session.expire_all()
    logged = db.session.scalars(
        select(AuditEntry.citizen_id).where(
            AuditEntry.object_type == "supervision_replacement", AuditEntry.action == "read"
        )
    ).all()
    assert listed and sorted(logged) == sorted(listed | {out.citizen_id})
