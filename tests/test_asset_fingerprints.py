"""Static files named by their content (selvvisitation/asset_fingerprints.py): a browser may
keep a stylesheet or script for a year, and gets a changed file at once, because a
changed file has a new URL. Pages themselves are never kept: tests/test_pages.py holds that
(issue 15, Low 13)."""

from __future__ import annotations

import os

from bs4 import BeautifulSoup
from flask import url_for

from selvvisitation.asset_fingerprints import FINGERPRINT_LENGTH, AssetFingerprints

KEPT_FOR_A_YEAR = {"public", "max-age=31536000", "immutable"}


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def test_a_fingerprint_follows_the_files_content(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }", encoding="utf-8")
    fingerprints = AssetFingerprints(tmp_path)

    first = fingerprints.of("css/site.css")
    assert first is not None and len(first) == FINGERPRINT_LENGTH
    assert fingerprints.of("css/site.css") == first

    sheet.write_text("body { color: navy; }", encoding="utf-8")
    os.utime(sheet, ns=(1, 1))  # a new time as well: a quick edit may keep the old one
    assert fingerprints.of("css/site.css") not in {None, first}
    assert AssetFingerprints(tmp_path).of("css/site.css") == fingerprints.of("css/site.css")


def test_no_fingerprint_for_a_missing_file_or_a_path_out_of_the_folder(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("not static", encoding="utf-8")
    fingerprints = AssetFingerprints(tmp_path / "static")

    assert fingerprints.of("missing.css") is None
    assert fingerprints.of("../secret.txt") is None
    assert fingerprints.of("") is None


def test_every_stylesheet_script_and_icon_on_a_page_carries_its_fingerprint(client):
    page = BeautifulSoup(client.get("/log-ind/").get_data(as_text=True), "html.parser")
    fingerprints = AssetFingerprints(client.application.static_folder)
    urls = [tag["href"] for tag in page.select("link[href^='/static/']")]
    urls += [tag["src"] for tag in page.select("script[src^='/static/']")]
    assert len(urls) >= 3
    for url in urls:
        path, _, query = url.partition("?")
        assert query == f"v={fingerprints.of(path.removeprefix('/static/'))}", url


def test_a_file_at_its_current_fingerprint_may_be_kept_for_a_year(client):
    url = url_for("static", filename="app/site.css")
    response = client.get(url)
    assert response.status_code == 200
    assert directives(response) == KEPT_FOR_A_YEAR

    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert directives(again) == KEPT_FOR_A_YEAR


def test_a_file_without_its_current_fingerprint_is_asked_for_again_each_time(client):
    """An old page's URL, or a hand-typed one, gets the file as before: not kept unasked."""
    for url in ("/static/app/site.css", "/static/app/site.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert directives(response) == {"no-cache"}, url
