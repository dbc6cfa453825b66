"""What search engines and social networks read: canonical, OpenGraph, Twitter
card, JSON-LD checked against schema.org's types, robots.txt, the manifest and
the news sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from wagtail.models import PageViewRestriction

from tests.cache_support import commit_set_up, real_fragment_cache, verdict
from tests.factories import (
    AuthorFactory,
    HistoryPageFactory,
    ImageFactory,
    InterviewPageFactory,
    NewsPageFactory,
    SiteSettingsFactory,
    locale,
)

pytestmark = pytest.mark.django_db

ABSOLUTE = re.compile(r"^https?://[^/\s]+/")
LOCAL_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00$")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

# schema.org types we emit and the properties each needs (Google's required
# and recommended ones for news, the SearchAction's for the sitelinks box).
REQUIRED = {
    "WebSite": {"url", "name", "inLanguage", "potentialAction"},
    "SearchAction": {"target", "query-input"},
    "EntryPoint": {"urlTemplate"},
    "NewsMediaOrganization": {"name", "url", "logo"},
    "ImageObject": {"url"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
    "NewsArticle": {
        "headline",
        "datePublished",
        "dateModified",
        "author",
        "image",
        "publisher",
        "inLanguage",
        "isPartOf",
        "mainEntityOfPage",
    },
    "Person": {"name"},
    "CollectionPage": {"url", "name"},
}
URL_KEYS = {"url", "item", "@id", "urlTemplate", "mainEntityOfPage", "image"}
DATE_KEYS = {"datePublished", "dateModified"}


class Head(HTMLParser):
    """The <head>'s links, metas and JSON-LD scripts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.json_ld: list[dict] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def og(self, name: str) -> list[str]:
        return [m["content"] for m in self.metas if m.get("property") == name]

    def named(self, name: str) -> list[str]:
        return [m["content"] for m in self.metas if m.get("name") == name]

    def canonical(self) -> str:
        (link,) = [link for link in self.links if link.get("rel") == "canonical"]
        return link["href"]

    def graph(self) -> list[dict]:
        (document,) = self.json_ld
        assert document["@context"] == "https://schema.org"
        return document["@graph"]

    def of_type(self, kind: str) -> list[dict]:
        return [node for node in self.graph() if node.get("@type") == kind]


def validate(node, path="$"):
    """Every typed node has its type's properties; URLs absolute; dates +05:00."""
    if isinstance(node, list):
        for number, item in enumerate(node):
            validate(item, f"{path}[{number}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    if kind is not None:
        assert kind in REQUIRED, f"{path}: unexpected type {kind}"
        missing = REQUIRED[kind] - node.keys()
        assert not missing, f"{path} ({kind}) lacks {missing}"
    for key, value in node.items():
        where = f"{path}.{key}"
        if key in URL_KEYS:
            for url in value if isinstance(value, list) else [value]:
                if isinstance(url, str):
                    assert ABSOLUTE.match(url), f"{where}: {url} is not absolute"
        if key in DATE_KEYS:
            assert LOCAL_DATE.match(value), f"{where}: {value}"
        validate(value, where)


def head(client, url: str, **params) -> Head:
    response = client.get(url, params)
    assert response.status_code == 200, url
    parsed = Head(response.content.decode())
    validate(parsed.graph())
    return parsed


def test_home_page_has_canonical_social_card_and_a_website_with_search(client, tree):
    page = head(client, "/ru/")

    assert page.canonical() == "http://testserver/ru/"
    assert page.og("og:url") == ["http://testserver/ru/"]
    assert page.og("og:type") == ["website"]
    assert page.og("og:title") == [tree.home_ru.title]
    assert page.og("og:description")[0]
    assert page.og("og:image") == [
        "http://testserver/static/core/metadata/og-default.png"
    ]
    assert page.og("og:locale") == ["ru_RU"]
    assert page.og("og:locale:alternate") == ["kk_KZ"]
    assert page.named("twitter:card") == ["summary_large_image"]
    assert page.named("twitter:image") == page.og("og:image")
    (website,) = page.of_type("WebSite")
    assert website["inLanguage"] == "ru"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == (
        "http://testserver/ru/search/?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"
    assert not page.of_type("BreadcrumbList")
    assert not page.of_type("NewsArticle")


def test_kazakh_home_page_describes_the_kazakh_site(client, tree):
    page = head(client, "/kk/")

    assert page.og("og:locale") == ["kk_KZ"]
    assert page.og("og:locale:alternate") == ["ru_RU"]
    assert page.og("og:site_name") == ["Қостанай минералдары"]
    (website,) = page.of_type("WebSite")
    assert website["inLanguage"] == "kk"
    assert website["name"] == "Қостанай минералдары"
    assert "/kk/search/" in website["potentialAction"]["target"]["urlTemplate"]


def test_section_page_has_breadcrumbs_from_the_home_page(client, tree):
    page = head(client, tree.section_ru.url)

    assert page.canonical() == f"http://testserver{tree.section_ru.url}"
    assert page.og("og:type") == ["website"]
    (trail,) = page.of_type("BreadcrumbList")
    assert [(i["position"], i["name"]) for i in trail["itemListElement"]] == [
        (1, tree.home_ru.title),
        (2, "Новости"),
    ]


def test_a_listing_page_number_stays_in_the_canonical_url(client, tree):
    page = head(client, tree.section_ru.url, page="2", utm_source="x")

    assert page.canonical() == f"http://testserver{tree.section_ru.url}?page=2"


@pytest.mark.parametrize(
    "factory", [NewsPageFactory, InterviewPageFactory, HistoryPageFactory]
)
def test_every_kind_of_article_is_a_news_article_with_dates_in_kostanay_time(
    client, tree, factory
):
    author = AuthorFactory(name="Асель Нурланова")
    article = factory(
        parent=tree.section_ru,
        title="Карьер выполнил план",
        lead="Горняки <b>перевыполнили</b> план &amp; отметили это.",
        cover_image=ImageFactory(),
        publication_date=timezone.now() - timedelta(hours=3),
    )
    article.article_authors.create(author=author)
    article.save_revision().publish()

    page = head(client, article.url)

    url = f"http://testserver{article.url}"
    assert page.canonical() == url
    assert page.og("og:type") == ["article"]
    assert page.og("og:description") == ["Горняки перевыполнили план & отметили это."]
    (image,) = page.og("og:image")
    assert image.startswith("http://testserver/media/images/")
    (news,) = page.of_type("NewsArticle")
    assert news["headline"] == "Карьер выполнил план"
    assert news["mainEntityOfPage"] == url
    assert news["inLanguage"] == "ru"
    assert news["image"] == [image]
    assert news["author"] == [{"@type": "Person", "name": "Асель Нурланова"}]
    assert news["isPartOf"]["name"] == "Новости"
    assert news["isPartOf"]["url"] == f"http://testserver{tree.section_ru.url}"
    assert news["datePublished"].endswith("+05:00")
    assert news["dateModified"] >= news["datePublished"]
    (publisher,) = page.of_type("NewsMediaOrganization")
    assert news["publisher"] == {"@id": publisher["@id"]}
    assert publisher["logo"]["url"].endswith("/static/core/metadata/logo.png")
    (trail,) = page.of_type("BreadcrumbList")
    assert [i["item"] for i in trail["itemListElement"]] == [
        f"http://testserver{tree.home_ru.url}",
        f"http://testserver{tree.section_ru.url}",
        url,
    ]


def test_an_article_without_cover_or_twin_has_the_fallback_image_and_no_alternate(
    client, tree
):
    article = NewsPageFactory(parent=tree.section_ru)

    page = head(client, article.url)

    fallback = "http://testserver/static/core/metadata/og-default.png"
    assert page.og("og:image") == [fallback]
    assert page.og("og:image:width") == ["1200"]
    assert page.og("og:locale:alternate") == []
    (news,) = page.of_type("NewsArticle")
    assert news["image"] == [fallback]
    assert news["author"] == [{"@id": "http://testserver/ru/#publisher"}]


def test_a_kazakh_article_is_in_kazakh_and_part_of_the_kazakh_section(client, tree):
    article = NewsPageFactory(
        parent=tree.section_kk, locale=locale("kk"), title="Жаңа конвейер"
    )

    page = head(client, article.url)

    (news,) = page.of_type("NewsArticle")
    assert news["inLanguage"] == "kk"
    assert news["isPartOf"]["name"] == "Жаңалықтар"
    assert page.og("og:locale") == ["kk_KZ"]


def test_a_title_cannot_close_the_json_ld_script(client, tree):
    article = NewsPageFactory(parent=tree.section_ru, title="</script><b>x</b> & y")

    html = client.get(article.url).content.decode()

    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert "<" not in script
    assert Head(html).of_type("NewsArticle")[0]["headline"] == "</script><b>x</b> & y"


def test_tag_listing_has_its_own_canonical_title_and_no_article(client, tree):
    article = NewsPageFactory(parent=tree.section_ru)
    article.tags.add("конвейер")
    article.save_revision().publish()
    url = f"{tree.home_ru.url}tags/{article.tags.first().slug}/"

    page = head(client, url)

    # Cyrillic in a path is percent-encoded, as in hreflang links.
    assert page.canonical() == f"http://testserver{iri_to_uri(url)}"
    assert page.og("og:title") == ["Тег: конвейер"]
    assert page.og("og:type") == ["website"]
    assert page.og("og:locale:alternate") == []
    assert not page.of_type("NewsArticle")
    assert page.named("robots") == ["noindex, follow"]


def test_search_page_has_social_card_and_canonical_without_the_query(client, tree):
    page = head(client, "/kk/search/", q="конвейер")

    assert page.canonical() == "http://testserver/kk/search/"
    assert page.og("og:locale") == ["kk_KZ"]
    assert page.og("og:locale:alternate") == ["ru_RU"]
    assert page.og("og:title")[0].endswith("конвейер")
    assert page.of_type("WebSite")[0]["inLanguage"] == "kk"


def test_pages_link_the_favicon_and_the_manifest(client, tree):
    page = head(client, "/ru/")

    rels = {link.get("rel"): link.get("href") for link in page.links}
    assert rels["manifest"] == "/manifest.webmanifest"
    assert rels["icon"].endswith("favicon.svg")
    assert rels["apple-touch-icon"].endswith("icon-180.png")
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/static/core/metadata/icon-192.png")


def test_robots_txt_names_both_sitemaps_with_absolute_urls(client, tree):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_web_manifest_is_json_with_name_start_page_and_icons(client, tree):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert (
        manifest["name"]
        == client.get("/ru/feed/").content.decode().split("<title>")[1].split("<")[0]
    )
    assert manifest["start_url"] == tree.home_ru.url
    assert manifest["lang"] == "ru"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")


def news_entries(client) -> dict[str, ET.Element]:
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    return {
        url.findtext(f"{{{SITEMAP_NS}}}loc"): url.find(f"{{{NEWS_NS}}}news")
        for url in root.findall(f"{{{SITEMAP_NS}}}url")
    }


def test_news_sitemap_lists_the_last_two_days_of_both_languages(client, tree):
    now = timezone.now()
    fresh_ru = NewsPageFactory(
        parent=tree.section_ru,
        title="Свежая",
        publication_date=now - timedelta(hours=5),
    )
    fresh_kk = NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Жаңа",
        publication_date=now - timedelta(days=1),
    )
    NewsPageFactory(
        parent=tree.section_ru, title="Старая", publication_date=now - timedelta(days=3)
    )

    entries = news_entries(client)

    assert set(entries) == {
        f"http://testserver{fresh_ru.url}",
        f"http://testserver{fresh_kk.url}",
    }
    kk = entries[f"http://testserver{fresh_kk.url}"]
    publication = kk.find(f"{{{NEWS_NS}}}publication")
    assert publication.findtext(f"{{{NEWS_NS}}}name") == "Қостанай минералдары"
    assert publication.findtext(f"{{{NEWS_NS}}}language") == "kk"
    assert kk.findtext(f"{{{NEWS_NS}}}title") == "Жаңа"
    assert LOCAL_DATE.match(kk.findtext(f"{{{NEWS_NS}}}publication_date"))


def test_news_sitemap_leaves_out_private_and_unpublished_articles(client, tree):
    now = timezone.now() - timedelta(hours=1)
    public = NewsPageFactory(parent=tree.section_ru, publication_date=now)
    private = NewsPageFactory(parent=tree.section_ru, publication_date=now)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    draft = NewsPageFactory(parent=tree.section_ru, publication_date=now)
    draft.unpublish()

    entries = news_entries(client)

    assert list(entries) == [f"http://testserver{public.url}"]


def test_a_cached_page_keeps_its_metadata_and_a_settings_change_reaches_it(
    client, tree, page_cache, settings, django_capture_on_commit_callbacks
):
    real_fragment_cache(settings)  # the site's graphs are kept with fragments
    article = NewsPageFactory(parent=tree.section_ru)
    commit_set_up()
    first = client.get(article.url)
    again = client.get(article.url)
    assert verdict(again) == "hit"
    assert again.content == first.content

    settings_ = SiteSettingsFactory._meta.model.objects.get(locale=locale("ru"))
    with django_capture_on_commit_callbacks(execute=True):
        settings_.newspaper_name = "Новое имя газеты"
        settings_.save()

    page = head(client, article.url)
    assert page.og("og:site_name") == ["Новое имя газеты"]
    (publisher,) = page.of_type("NewsMediaOrganization")
    assert publisher["name"] == "Новое имя газеты"


def test_an_untranslated_placeholder_points_at_its_original_and_is_no_article(
    client, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        original = NewsPageFactory(parent=tree.section_ru, title="Только по-русски")
        original.save_revision().publish()
        alias = original.copy_for_translation(locale("kk"), alias=True)

    page = head(client, alias.url)

    (canonical,) = [link for link in page.links if link.get("rel") == "canonical"]
    assert canonical["href"] == f"http://testserver{original.url}"
    assert page.og("og:url") == [canonical["href"]]
    # No Russian words presented as Kazakh, in the card either.
    assert page.og("og:title") == ["Әлі аударылмаған"]
    assert "Только по-русски" not in str(page.metas)
    assert not page.of_type("NewsArticle")
    assert not page.of_type("BreadcrumbList")


def test_a_missing_page_has_no_canonical_address(client, tree):
    response = client.get("/ru/no-such-page/")

    assert response.status_code == 404
    page = Head(response.content.decode())
    assert not [link for link in page.links if link.get("rel") == "canonical"]
    assert page.og("og:url") == []
    assert page.og("og:locale:alternate") == []
    validate(page.graph())


def test_the_kept_site_graphs_name_the_host_each_reader_asked(client, tree, settings):
    """The newspaper's WebSite and publisher graphs are kept per language and
    host (seo.metadata.site_graphs): a second host never gets the first's."""
    real_fragment_cache(settings)
    settings.ALLOWED_HOSTS = ["testserver", "gazeta.example.kz"]
    hosts = ["testserver", "gazeta.example.kz", "testserver"]
    for host in hosts:
        response = client.get("/ru/", HTTP_HOST=host)
        assert response.status_code == 200
        (website,) = Head(response.content.decode()).of_type("WebSite")
        assert website["url"] == f"http://{host}/ru/"
