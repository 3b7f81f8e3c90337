"""Help where she is (issue 12 item 10): a help page, and the municipality's accessibility
statement as a page of ours, both linked from every page."""

from __future__ import annotations

from flask import current_app

from tests.pages import sign_in_citizen


def test_the_help_page_explains_the_help_and_who_to_call(page, factories):
    factories.Municipality(name="Testby Kommune", visitation_phone="70 10 20 30")
    soup = page.get("public.help_page")

    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert headings == [
        "Hvad er fleksibel hjemmehjælp?",
        "Hjælp efter ældreloven (helhedspleje)",
        "Hvad sker der, når du har sendt et bytte eller et ønske?",
        "Hvem kan du ringe til?",
    ]
    call = soup.select_one("main .app-call")
    assert call.select_one("a")["href"] == "tel:70102030"
    assert "åbent" not in call.get_text()  # no opening hours set: the number alone


def test_every_page_links_to_help_and_to_our_accessibility_statement(page, factories):
    citizen = factories.Citizen()
    sign_in_citizen(page.client, citizen)
    soup = page.get("citizen.index")

    assert soup.select_one("header a[href='/hjaelp']").get_text(strip=True) == "Hjælp"
    footer = {a.get_text(strip=True): a["href"] for a in soup.select("footer a")}
    assert footer["Tilgængelighedserklæring"] == "/tilgaengelighed"
    assert footer["Hjælp"] == "/hjaelp"


def test_the_accessibility_statement_is_the_municipalitys_and_links_to_was_tool(page, factories):
    """The law has the statement published through WAS-Tool; its address stays a setting
    (the municipality's own, else ACCESSIBILITY_STATEMENT_URL) and our page links to it."""
    factories.Municipality(
        name="Testby Kommune",
        visitation_phone="70 10 20 30",
        visitation_email="visitation@testby.dk",
        accessibility_statement_url="https://www.was.digst.dk/testby-dk",
    )
    soup = page.get("public.accessibility")

    assert soup.h1.get_text(strip=True) == "Tilgængelighedserklæring"
    assert soup.select_one("main .font-lead").get_text().startswith("Testby Kommune vil gerne")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
    assert links["Læs hele erklæringen i WAS-Tool"] == "https://www.was.digst.dk/testby-dk"
    assert links["visitation@testby.dk"] == "mailto:visitation@testby.dk"
    assert links["70 10 20 30"] == "tel:70102030"


def test_without_its_own_address_the_statement_links_to_the_configured_one(page):
    soup = page.get("public.accessibility")
    link = soup.find("a", string="Læs hele erklæringen i WAS-Tool")
    assert link["href"] == current_app.config["ACCESSIBILITY_STATEMENT_URL"]
