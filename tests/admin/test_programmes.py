"""The admin keeps the forløb catalogue and the priority examples (issue 11; DOMAIN.md
"Ældreloven", law: the municipality grants a forløb, ÆL § 10; elements carry the FSIII
Ældrelovsindsats codes)."""

from __future__ import annotations

from sqlalchemy import select

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, CareProgramme, PriorityExample
from tests.admin.test_admin import admin, errors  # noqa: F401  (fixture)
from tests.pages import check_page


def _form(**overrides) -> dict:
    data = {
        "code": "PLEJE",
        "name_da": "Pleje og omsorg",
        "name_en": "Care and support",
        "description_da": "Hjælp til personlig pleje og til hjemmet.",
        "description_en": "Help with personal care and the home.",
        "indicative_hours_per_week": "7,5",
        "active": "y",
        "elements-0-fsiii_code": fsiii.PERSONAL_CARE,
        "elements-0-name_da": "Personlig pleje",
        "elements-0-name_en": "Personal care",
        "elements-1-fsiii_code": fsiii.PRACTICAL_HELP,
        "elements-1-name_da": "Praktisk hjælp",
        "elements-1-name_en": "Practical help",
        "elements-2-fsiii_code": "",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_forlob_with_elements_carrying_fsiii_codes(page, admin):  # noqa: F811
    empty = page.get("admin.new_programme")
    codes = [o["value"] for o in empty.select("#elements-0-fsiii_code option")]
    assert codes == ["", *(c.code for c in fsiii.ELDERLY_CODES)]

    page.post("admin.new_programme", _form())

    programme = db.session.scalars(select(CareProgramme)).one()
    assert (programme.name_da, programme.indicative_hours_per_week) == ("Pleje og omsorg", 7.5)
    assert not programme.is_placeholder
    assert [(e.fsiii_code, e.position) for e in programme.elements] == [
        (fsiii.PERSONAL_CARE, 1),
        (fsiii.PRACTICAL_HELP, 2),
    ]
    assert db.session.scalars(select(AuditEntry.object_type)).all() == ["care_programme"]
    listing = page.get("admin.programmes")
    assert "Personlig pleje, Praktisk hjælp" in listing.select_one("table").text


def test_bad_input_is_explained_and_nothing_is_saved(page, admin):  # noqa: F811
    response = page.post(
        "admin.new_programme",
        _form(
            name_da="",
            indicative_hours_per_week="mange",
            **{"elements-0-fsiii_code": "H1.1", "elements-1-name_en": ""},
        ),
        expected_status=400,
    )
    text = " ".join(
        check_page(response.get_data(as_text=True)).select_one(".alert-error").text.split()
    )
    assert "Skriv navnet på dansk" in text
    assert "Skriv timerne som et tal, for eksempel 7,5" in text
    assert "Element 1: Vælg en FSIII-kode på listen" in text
    assert "Element 2: Skriv elementets navn på engelsk" in text
    assert db.session.scalars(select(CareProgramme)).all() == []

    response = page.post(
        "admin.new_programme",
        _form(**{"elements-0-fsiii_code": "", "elements-1-fsiii_code": ""}),
        expected_status=400,
    )
    assert "Giv forløbet mindst ét element" in " ".join(errors(response))


def test_a_nul_character_in_an_element_line_is_refused_not_a_500(page, admin):  # noqa: F811
    """The form walk found it on PostgreSQL (text columns cannot hold NUL): the NUL check of
    every form now reaches the fields inside a forløb's element lines too."""
    response = page.post(
        "admin.new_programme",
        _form(**{"elements-0-description_da": "\x00"}),
        expected_status=400,
    )

    assert "Element 1: Fjern det ugyldige tegn" in " ".join(errors(response))
    assert db.session.scalars(select(CareProgramme)).all() == []


def test_editing_keeps_the_elements_and_refuses_to_take_out_a_granted_one(
    page,
    admin,  # noqa: F811
    factories,
):
    granted = factories.GrantedElement(
        decision__citizen__municipality=admin.municipality,
        element__fsiii_code=fsiii.PERSONAL_CARE,
        element__name_da="Personlig pleje",
    )
    programme = granted.element.programme
    form = page.get("admin.edit_programme", programme_id=programme.id)
    element_id = form.select_one("input[name='elements-0-element_id']")["value"]
    assert element_id == str(granted.element_id)

    page.post(
        "admin.edit_programme",
        _form(
            code=programme.code,
            **{"elements-0-element_id": element_id, "elements-0-name_da": "Personlig hjælp"},
        ),
        programme_id=programme.id,
    )
    db.session.expire_all()
    assert [e.name_da for e in programme.elements] == ["Personlig hjælp", "Praktisk hjælp"]
    assert programme.elements[0].id == granted.element_id  # the same element, renamed

    response = page.post(
        "admin.edit_programme",
        _form(
            code=programme.code,
            **{"elements-0-fsiii_code": fsiii.MEALS, "elements-0-name_da": "Mad"},
        ),  # the granted element's line is gone: a new element instead
        programme_id=programme.id,
        expected_status=400,
    )
    assert "kan ikke tages ud" in " ".join(errors(response))
    db.session.expire_all()
    assert granted.element_id in [e.id for e in programme.elements]


def test_a_code_is_unique_in_the_municipality(page, admin, factories):  # noqa: F811
    factories.CareProgramme(municipality=admin.municipality, code="PLEJE")
    response = page.post("admin.new_programme", _form(), expected_status=400)
    assert "Koden bruges allerede af et andet forløb" in " ".join(errors(response))


def test_the_admin_edits_the_priority_examples(page, admin, factories):  # noqa: F811
    factories.PriorityExample(municipality=admin.municipality, text_da="En gåtur", text_en="A walk")
    form = page.get("admin.priority_examples")
    assert form.select_one("#text_da").text.strip() == "En gåtur"

    response = page.post(
        "admin.priority_examples",
        {"text_da": "Flyt baddagen\nEn kop kaffe", "text_en": "Move the bath day"},
        expected_status=400,
    )
    assert "Skriv lige så mange eksempler på engelsk som på dansk" in " ".join(errors(response))

    page.post(
        "admin.priority_examples",
        {"text_da": "Flyt baddagen\nEn kop kaffe", "text_en": "Move the bath day\nA coffee"},
    )
    rows = db.session.scalars(
        select(PriorityExample)
        .where(PriorityExample.active.is_(True))
        .order_by(PriorityExample.position)
    ).all()
    assert [(r.text_da, r.text_en) for r in rows] == [
        ("Flyt baddagen", "Move the bath day"),
        ("En kop kaffe", "A coffee"),
    ]
    assert "Flyt baddagen" in page.get("admin.programmes").text
