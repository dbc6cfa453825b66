"""Readers move between twins; nothing Russian is presented as Kazakh.

The language switcher, hreflang alternates, the ``lang`` attribute, the
sitemap and the Kazakh notice of pages whose translation is not published.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page
from wagtail_localize.operations import translate_object

from tests.factories import NewsPageFactory, SectionPageFactory
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture
def kk(tree) -> Locale:
    return Locale.objects.get(language_code="kk")


@pytest.fixture
def twins(tree, kk):
    """A Russian article and its published Kazakh translation."""
    ru = NewsPageFactory(
        parent=tree.section_ru, title="Новый конвейер", slug="konveyer"
    )
    ru.save_revision().publish()
    translate_object(ru, [kk])
    page = Page.objects.get(translation_key=ru.translation_key, locale=kk).specific
    page.title = "Жаңа конвейер"
    page.save_revision().publish()
    return ru, page


@pytest.fixture
def untranslated(tree, kk):
    """A published Russian article whose Kazakh twin is an untranslated draft."""
    ensure_locale_synchronisation()
    ru = NewsPageFactory(
        parent=tree.section_ru,
        title="Статья без перевода",
        slug="bez-perevoda",
        lead="Русский лид статьи.",
    )
    ru.save_revision().publish()
    translate_object(ru, [kk])
    draft = Page.objects.get(translation_key=ru.translation_key, locale=kk)
    assert not draft.live
    return ru, draft


def links(html: str, rel: str = "alternate") -> dict[str, str]:
    return dict(
        re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)">', html)
    )


def switcher(html: str) -> str:
    return re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group()


# ----------------------------------------------------------------- switcher


def test_the_switcher_leads_to_the_live_twin(client, twins):
    ru, kk_page = twins
    ru_html = client.get(ru.url).content.decode()
    kk_html = client.get(kk_page.url).content.decode()
    assert f'href="{kk_page.url}" hreflang="kk" lang="kk"' in switcher(ru_html)
    assert f'href="{ru.url}" hreflang="ru" lang="ru"' in switcher(kk_html)
    assert "language-switcher__note" not in ru_html + kk_html


def test_without_a_live_twin_the_switcher_leads_to_the_closest_translated_ancestor(
    client, tree, untranslated
):
    ru, _draft = untranslated
    nav = switcher(client.get(ru.url).content.decode())
    assert f'href="{tree.section_kk.url}" hreflang="kk"' in nav
    note = re.search(
        r'<small class="language-switcher__note" lang="kk">(.*?)</small>', nav
    )
    assert note.group(1) == f"Аудармасы әлі жоқ: «{tree.section_kk.title}» ашылады"


def test_the_switcher_names_languages_natively(client, twins):
    ru, kk_page = twins
    assert ">Қазақша</a>" in client.get(ru.url).content.decode()
    assert ">Русский</a>" in client.get(kk_page.url).content.decode()


def test_the_switcher_keeps_the_search_query(client, tree):
    html = client.get("/ru/search/", {"q": "карьер"}).content.decode()
    assert 'href="/kk/search/?q=' in switcher(html)


# ------------------------------------------------------------ hreflang, lang


def test_every_page_lists_its_language_versions_with_x_default(client, tree, twins):
    ru, kk_page = twins
    pairs = [(tree.home_ru, tree.home_kk), (tree.section_ru, tree.section_kk)]
    for ru_page, kk_twin in [*pairs, (ru, kk_page)]:
        for page, lang in ((ru_page, "ru"), (kk_twin, "kk")):
            html = client.get(page.url).content.decode()
            assert f'<html lang="{lang}">' in html
            assert links(html) == {
                "ru": f"http://testserver{ru_page.url}",
                "kk": f"http://testserver{kk_twin.url}",
                "x-default": f"http://testserver{ru_page.url}",
            }


def test_a_kept_sections_language_links_follow_its_twin_and_the_host(
    client, tree, kk, settings
):
    # Fragments on, as in production: home pages' and sections' language
    # links are kept per generation (core.templatetags.site_tags.kept_links).
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    section = SectionPageFactory(parent=tree.home_ru, title="Спорт", slug="sport")
    for _ in range(2):
        html = client.get(section.url).text
        assert f'href="{tree.home_kk.url}" hreflang="kk"' in switcher(html)
        assert set(links(html)) == {"ru", "x-default"}
        assert links(html)["ru"] == f"http://testserver{section.url}"
    other_host = client.get(section.url, HTTP_HOST="news.example").text
    assert links(other_host)["ru"] == f"http://news.example{section.url}"

    translate_object(section, [kk])
    twin = Page.objects.get(translation_key=section.translation_key, locale=kk)
    twin.specific.save_revision().publish()

    html = client.get(section.url).text
    assert f'href="{twin.url}" hreflang="kk"' in switcher(html)
    assert links(html)["kk"] == f"http://testserver{twin.url}"


def test_a_page_without_translation_lists_only_itself(client, tree):
    ru = NewsPageFactory(parent=tree.section_ru, slug="tolko-russkiy")
    html = client.get(ru.url).content.decode()
    assert links(html) == {
        "ru": f"http://testserver{ru.url}",
        "x-default": f"http://testserver{ru.url}",
    }


def test_the_search_page_links_its_other_language(client, tree):
    html = client.get("/kk/search/", {"q": "карьер"}).content.decode()
    assert links(html)["ru"].endswith(
        "/ru/search/?q=%D0%BA%D0%B0%D1%80%D1%8C%D0%B5%D1%80"
    )
    assert links(html)["kk"].startswith("http://testserver/kk/search/")


def test_twin_links_cost_one_query_for_switcher_and_hreflang_then_none(client, twins):
    """Read together once, then kept for the content generation (core.layout)."""
    ru, _kk_page = twins

    def twin_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            client.get(ru.url)
        return [
            query["sql"]
            for query in queries
            if '"translation_key" = ' in query["sql"]
            and '"alias_of_id" IS NULL' in query["sql"]
        ]

    assert len(twin_queries()) == 1
    assert twin_queries() == []


# --------------------------------------------------------- untranslated page


def test_an_untranslated_kazakh_page_shows_a_kazakh_notice_not_a_404(
    client, tree, untranslated
):
    ru, draft = untranslated
    response = client.get(f"{tree.section_kk.url}{draft.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="kk">' in html
    assert "Бұл бет әлі қазақ тіліне аударылмаған" in html
    original = re.search(
        r'<article class="[^"]*" lang="ru">(.*?)</article>', html, re.S
    )
    assert ru.title in original.group(1)
    assert "Русский лид статьи." in original.group(1)
    assert f'href="{ru.url}" hreflang="ru"' in original.group(1)
    # Russian text appears only inside lang="ru".
    body = html.split("<body", 1)[1].replace(original.group(0), "")
    assert ru.title not in body and "Русский лид" not in body


def test_an_untranslated_page_is_no_kazakh_page_for_search_engines(
    client, tree, untranslated
):
    ru, draft = untranslated
    html = client.get(f"{tree.section_kk.url}{draft.slug}/").content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="http://testserver{ru.url}">' in html
    assert "kk" not in links(html)
    assert links(html)["ru"] == f"http://testserver{ru.url}"
    ru_html = client.get(ru.url).content.decode()
    assert "kk" not in links(ru_html)


def test_the_draft_content_of_an_untranslated_page_is_not_shown(
    client, tree, untranslated
):
    _ru, draft = untranslated
    draft = draft.specific
    draft.title = "Жартылай аударылған тақырып"
    draft.save_revision()
    html = client.get(f"{tree.section_kk.url}{draft.slug}/").content.decode()
    assert "Жартылай аударылған" not in html


def test_a_live_alias_of_a_russian_page_shows_the_notice_too(client, tree, kk):
    ru = NewsPageFactory(parent=tree.section_ru, title="Зеркало", slug="zerkalo")
    ru.save_revision().publish()
    alias = ru.copy_for_translation(kk, alias=True)
    assert alias.live
    html = client.get(f"{tree.section_kk.url}zerkalo/").content.decode()
    assert "Бұл бет әлі қазақ тіліне аударылмаған" in html
    assert re.search(r'<article class="[^"]*" lang="ru">', html)


def test_a_kazakh_draft_of_an_unpublished_russian_page_stays_a_404(client, tree, kk):
    ru = NewsPageFactory(parent=tree.section_ru, slug="chernovik", live=False)
    NewsPageFactory(
        parent=tree.section_kk,
        locale=kk,
        slug="chernovik",
        live=False,
        translation_key=ru.translation_key,
    )
    assert client.get(f"{tree.section_kk.url}chernovik/").status_code == 404
    assert client.get(f"{tree.section_ru.url}chernovik/").status_code == 404


def test_untranslated_drafts_stay_out_of_kazakh_listings(client, tree, untranslated):
    ru, _draft = untranslated
    html = client.get(tree.section_kk.url).content.decode()
    assert ru.title not in html


# ------------------------------------------------------------------ sitemap


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    entries = {}
    for url in root.findall("s:url", SITEMAP_NS):
        loc = url.find("s:loc", SITEMAP_NS).text
        entries[loc] = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", SITEMAP_NS)
        }
    return entries


def test_the_sitemap_lists_both_languages_with_alternates(client, tree, twins):
    ru, kk_page = twins
    entries = sitemap(client)
    ru_url, kk_url = f"http://testserver{ru.url}", f"http://testserver{kk_page.url}"
    expected = {"ru": ru_url, "kk": kk_url, "x-default": ru_url}
    assert entries[ru_url] == expected
    assert entries[kk_url] == expected
    assert f"http://testserver{tree.home_kk.url}" in entries
    # Every entry is the page's own address, as Wagtail would give it.
    pages = Page.objects.live().filter(depth__gt=1)
    assert set(entries) == {f"http://testserver{page.url}" for page in pages}


def test_the_sitemap_leaves_out_untranslated_pages(client, tree, untranslated):
    ru, draft = untranslated
    entries = sitemap(client)
    ru_url = f"http://testserver{ru.url}"
    assert entries[ru_url] == {}
    assert not any(draft.slug in loc and "/kk/" in loc for loc in entries)


def test_the_site_languages_have_native_names(kk):
    assert dict(settings.LANGUAGES) == {"ru": "Русский", "kk": "Қазақша"}
    assert dict(settings.WAGTAIL_CONTENT_LANGUAGES) == dict(settings.LANGUAGES)
    assert dict(settings.WAGTAILADMIN_PERMITTED_LANGUAGES) == dict(settings.LANGUAGES)
    assert kk.get_display_name() == "Қазақша"
