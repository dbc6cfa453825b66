"""First paint: the lead image first, the rest when scrolled to; responsive
covers; few, preloaded, swapping fonts; a minified stylesheet.

Lighthouse's scores are measured by ``make bench BENCH=lighthouse``; these
tests pin the markup and files those scores rest on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles.finders import find
from django.core.files.storage import FileSystemStorage
from django.test import Client
from fontTools.ttLib import TTFont

from site_project.static_build import MinifiedStaticFilesStorage
from tests.factories import ImageFactory, NewsPageFactory, SectionPageFactory

pytestmark = pytest.mark.django_db

STYLESHEET = find("css/site.css")
FONT_URL = re.compile(r"url\(\s*[\"']?([^\"')]+\.woff2)")
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
PUNCTUATION = "«»„“—–…№ "


@pytest.fixture
def newspaper(tree):
    """Two sections of articles with covers, three of them featured."""
    second = SectionPageFactory(parent=tree.home_ru, title="Производство")
    articles = [
        NewsPageFactory(
            parent=(tree.section_ru, second)[number % 2],
            cover_image=ImageFactory(),
            featured=number < 3,
        )
        for number in range(6)
    ]
    return articles


def page(url: str) -> BeautifulSoup:
    response = Client().get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def lead_and_others(soup: BeautifulSoup, lead_selector: str):
    lead = soup.select_one(lead_selector)
    assert lead is not None, lead_selector
    return lead, [img for img in soup.select("main img") if img is not lead]


def assert_eager_lead_and_lazy_rest(soup: BeautifulSoup, lead_selector: str):
    lead, others = lead_and_others(soup, lead_selector)
    assert lead.get("loading") != "lazy"
    assert lead.get("fetchpriority") == "high"
    assert others, "the page should show more images than its lead"
    for img in others:
        assert img.get("loading") == "lazy", img
        assert img.get("fetchpriority") is None, img


def test_an_articles_cover_loads_at_once_with_high_priority(newspaper):
    soup = page(newspaper[0].url)
    cover = soup.select_one(".article__cover img")
    assert cover.get("loading") != "lazy"
    assert cover.get("fetchpriority") == "high"


def test_the_home_pages_lead_card_loads_at_once_and_every_other_image_lazily(
    tree, newspaper
):
    assert_eager_lead_and_lazy_rest(
        page(tree.home_ru.url), ".featured .teaser:first-child img"
    )


def test_a_sections_first_card_loads_at_once_and_every_other_image_lazily(
    tree, newspaper
):
    assert_eager_lead_and_lazy_rest(
        page(tree.section_ru.url), ".listing .teaser:first-of-type img"
    )


def test_every_image_on_article_home_and_section_has_its_size(tree, newspaper):
    for url in (newspaper[0].url, tree.home_ru.url, tree.section_ru.url):
        for img in page(url).select("img"):
            assert int(img["width"]) > 0 and int(img["height"]) > 0, (url, img)


def assert_responsive_picture(img):
    picture = img.find_parent("picture")
    assert picture is not None, img
    types = [source["type"] for source in picture.find_all("source")]
    assert types == ["image/avif", "image/webp"]
    for source in picture.find_all("source"):
        assert re.search(r"\.avif \d+w|\.webp \d+w", source["srcset"])
        assert source["sizes"]
    assert img["src"].endswith(".jpg")
    assert len(img["srcset"].split(",")) >= 2
    assert img["sizes"]


def test_covers_and_cards_offer_avif_and_webp_with_a_jpeg_fallback(tree, newspaper):
    assert_responsive_picture(page(newspaper[0].url).select_one(".article__cover img"))
    for url in (tree.home_ru.url, tree.section_ru.url):
        images = page(url).select(".teaser__image img")
        assert images
        for img in images:
            assert_responsive_picture(img)


def font_files() -> set[str]:
    with open(STYLESHEET, encoding="utf-8") as stylesheet:
        return set(FONT_URL.findall(stylesheet.read()))


def test_the_stylesheet_uses_at_most_four_font_files():
    assert 0 < len(font_files()) <= 4


def test_every_font_face_swaps_to_the_web_font_when_it_arrives():
    with open(STYLESHEET, encoding="utf-8") as stylesheet:
        faces = re.findall(r"@font-face\s*{([^}]*)}", stylesheet.read())
    assert faces
    for face in faces:
        assert re.search(r"font-display:\s*swap", face), face


def test_every_font_file_is_preloaded_on_every_page_type(tree, newspaper):
    names = {url.rsplit("/", 1)[-1] for url in font_files()}
    for url in (newspaper[0].url, tree.home_ru.url, tree.section_ru.url):
        preloads = page(url).select('link[rel="preload"][as="font"]')
        assert {link["href"].rsplit("/", 1)[-1] for link in preloads} == names
        for link in preloads:
            assert link["type"] == "font/woff2"
            assert link.has_attr("crossorigin")


@pytest.mark.parametrize("url", sorted(font_files()))
def test_each_font_file_draws_russian_and_kazakh_text(url):
    path = find(url.removeprefix("../"))
    characters = TTFont(path).getBestCmap()
    missing = [c for c in RUSSIAN + KAZAKH + PUNCTUATION if ord(c) not in characters]
    assert missing == []


def test_production_collects_static_files_through_the_minifying_storage():
    # In its own process: the test settings replace the storage in the dict
    # that production's settings share with them.
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from site_project.settings import production as p;"
            "print(p.STORAGES['staticfiles']['BACKEND'])",
        ],
        env={**os.environ, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "localhost"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == "site_project.static_build.MinifiedStaticFilesStorage"


def collect(storage, source, names):
    """What ``collectstatic`` does with ``names`` of ``source``."""
    paths = {}
    for name in names:
        with source.open(name) as original:
            storage.save(name, original)
        paths[name] = (source, name)
    for _name, _hashed, processed in storage.post_process(paths):
        assert not isinstance(processed, Exception), processed


def test_collected_stylesheet_is_minified_and_matches_its_source(tmp_path):
    """What ``collectstatic`` writes for production: hashed, minified,
    compressed; drawn from the current source, so never stale."""
    source_root = STYLESHEET.rsplit("/css/", 1)[0]
    shutil.copytree(source_root, tmp_path / "source")
    storage = MinifiedStaticFilesStorage(location=tmp_path / "static")
    source = FileSystemStorage(location=tmp_path / "source")
    fonts = [url.removeprefix("../") for url in font_files()]
    collect(storage, source, ["css/site.css", *fonts])
    collected = (tmp_path / "static" / storage.stored_name("css/site.css")).read_text()
    original = (tmp_path / "source/css/site.css").read_text()
    assert "/*" not in collected
    assert "\n" not in collected.strip()
    assert len(collected) < 0.8 * len(original)
    assert collected.count("@font-face") == original.count("@font-face")
    assert (
        tmp_path / "static" / (storage.stored_name("css/site.css") + ".gz")
    ).exists()


@pytest.fixture
def script(tmp_path, settings):
    """``app.js`` collected by production's storage, names hashed (no DEBUG):
    the storage, its source storage and the source file."""
    settings.DEBUG = False
    (tmp_path / "source").mkdir()
    script = tmp_path / "source/app.js"
    script.write_text("one()")
    source = FileSystemStorage(location=tmp_path / "source")
    storage = MinifiedStaticFilesStorage(location=tmp_path / "static")
    collect(storage, source, ["app.js"])
    return storage, source, script


def test_a_static_files_url_is_found_in_the_manifest_once_per_process(script):
    """``{% static %}`` asked the manifest on every call, nine times a page
    (site_project.static_build.RememberedUrls)."""
    storage, _source, _file = script
    first = storage.url("app.js")
    with mock.patch.object(storage, "stored_name", wraps=storage.stored_name) as look:
        assert storage.url("app.js") == first
    assert look.call_count == 0
    assert re.fullmatch(r"/static/app\.[0-9a-f]{12}\.js", first)


def test_collecting_again_forgets_the_remembered_urls(script, settings):
    storage, source, file = script
    first = storage.url("app.js")
    file.write_text("two()")
    collect(storage, source, ["app.js"])
    assert storage.url("app.js") not in ("", first)
    settings.DEBUG = True
    assert storage.url("app.js") == "/static/app.js"  # unhashed, as Django does
