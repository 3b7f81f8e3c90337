"""Translations: Danish by default, English on request, and no string left untranslated."""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def _entries(lang: str) -> list[polib.POEntry]:
    return [
        e
        for e in polib.pofile(str(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"))
        if not e.obsolete
    ]


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_the_start_page_is_danish_by_default(page):
    soup = page.get("public.index")
    assert soup.html["lang"] == "da"
    assert soup.h1.get_text(strip=True) == "Fleksibel hjemmehjælp"
    assert soup.select_one(".skipnav").get_text(strip=True) == "Gå til indholdet"


def test_the_language_switch_gives_english_and_back(page, client):
    page.post("public.set_language", {"lang": "en", "next": "/"})
    soup = page.get("public.index")
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text(strip=True) == "Flexible home help"
    page.post("public.set_language", {"lang": "da", "next": "/"})
    assert page.get("public.index").html["lang"] == "da"


def test_an_unknown_language_is_ignored(page):
    page.post("public.set_language", {"lang": "xx", "next": "/"})
    assert page.get("public.index").html["lang"] == "da"


def test_the_language_switch_never_redirects_off_site(page):
    response = page.post("public.set_language", {"lang": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_every_marked_string_has_a_danish_and_an_english_translation():
    for lang in ("da", "en"):
        missing = [e.msgid for e in _entries(lang) if not _translated(e) or "fuzzy" in e.flags]
        assert not missing, f"{lang} catalogue lacks translations: {missing[:20]}"


def test_the_catalogues_hold_every_string_marked_in_the_code(tmp_path):
    """A stale catalogue means a new string would show in English in the Danish UI."""
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            "selvvisitation",
            "templates",
        ],
        check=True,
        cwd=ROOT,
    )
    marked = {e.msgid for e in polib.pofile(str(pot)) if e.msgid}
    for lang in ("da", "en"):
        known = {e.msgid for e in _entries(lang)}
        assert not marked - known, f"{lang} catalogue misses: {sorted(marked - known)[:20]}"


def test_a_value_in_a_translated_template_string_is_escaped(app):
    """The templates' own _() (selvvisitation.i18n, issue 17) marks the catalogue's text
    safe, as jinja2.ext does, and escapes every value put into it (bandit B704)."""
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            '{{ _("%(owner)s help", owner=name) }}', name='<script>alert("x")</script>'
        )
    assert "<script>" not in html
    assert html == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; hjælp"
