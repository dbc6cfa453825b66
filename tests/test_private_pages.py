"""Private pages stay private in both languages (core.privacy).

A password, log-in or group restriction on a Russian page or section used to
bind one tree only: the Kazakh twin, or the Kazakh "not yet translated"
notice showing the Russian title and lead, answered everyone and was cached,
and feeds, the sitemap, search, promotions and tag pages listed it. Readers
are anonymous here, through the real URLs with the page cache on.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, PageViewRestriction

from tests.cache_support import commit_set_up, verdict
from tests.factories import NewsPageFactory, SectionPageFactory, locale
from translations.sync import ensure_locale_synchronisation, synchronise_trees

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PASSWORD = "кен-орны-42"
TITLE_RU, LEAD_RU = "Закрытое совещание цеха", "Только для сотрудников комбината."
TITLE_KK, LEAD_KK = "Жабық жиналыс цехы", "Тек комбинат қызметкерлеріне."
OPEN_RU, OPEN_KK = "Открытое совещание цеха", "Ашық жиналыс цехы"
PRIVATE_TAG, OPEN_TAG = "секретный-тег", "открытый-тег"
KINDS = ("password", "login", "groups")
SECRETS = (TITLE_RU, LEAD_RU, TITLE_KK, LEAD_KK)


@dataclass
class Twins:
    ru: Page
    kk: Page

    @property
    def kk_url(self) -> str:
        return f"{self.kk.get_parent().url}{self.kk.slug}/"


def article_twins(
    ru_section, kk_section, *, translated: bool, titles=(TITLE_RU, TITLE_KK)
):
    """A Russian article and its Kazakh twin: published, or an untranslated draft."""
    tag = PRIVATE_TAG if titles[0] == TITLE_RU else OPEN_TAG
    ru = NewsPageFactory(parent=ru_section, title=titles[0], lead=LEAD_RU)
    kk = NewsPageFactory(
        parent=kk_section,
        locale=locale("kk"),
        translation_key=ru.translation_key,
        title=titles[1] if translated else titles[0],
        lead=LEAD_KK if translated else LEAD_RU,
        live=translated,
    )
    for page in (ru, kk):
        page.tags.add(tag)
        page.save_revision().publish() if page.live else page.save_revision()
    return Twins(ru, Page.objects.get(pk=kk.pk).specific)


def restrict(page: Page, kind: str, *, mirrored: bool = True) -> PageViewRestriction:
    """A restriction as the admin makes it, or one that existed before the mirror
    (written without signals, so only the binding at serve time can help)."""
    restriction = PageViewRestriction(
        page=page,
        restriction_type=kind,
        password=PASSWORD if kind == "password" else "",
    )
    if mirrored:
        restriction.save()
    else:
        PageViewRestriction.objects.bulk_create([restriction])
        restriction = PageViewRestriction.objects.get(page=page)
    if kind == "groups":
        restriction.groups.set([Group.objects.get_or_create(name="Сотрудники")[0]])
    return restriction


def assert_refused(response, kind: str) -> str:
    """The password form, or a redirect to log in; never the page, never cached."""
    html = response.content.decode()
    if kind == "password":
        assert response.status_code == 200
        assert 'name="password"' in html
    else:
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert verdict(response) != "hit"
    assert "private" in response.get("Cache-Control", "")
    for secret in SECRETS:
        assert secret not in html
    return html


# ------------------------------------------------------------ at the address


@pytest.mark.parametrize("mirrored", [True, False], ids=["made-now", "pre-existing"])
@pytest.mark.parametrize("target", ["page", "section"])
@pytest.mark.parametrize("translated", [False, True], ids=["notice", "translated"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_kazakh_twin_of_a_private_russian_page_shows_nothing_of_it(
    client, tree, kind, translated, target, mirrored
):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=translated)
    restrict(twins.ru if target == "page" else tree.section_ru, kind, mirrored=mirrored)
    for _attempt in range(2):  # the first answer was not cached either
        html = assert_refused(client.get(twins.kk_url), kind)
        assert twins.ru.url not in html  # no notice link, hreflang or switcher
    if target == "section":
        assert_refused(client.get(tree.section_kk.url), kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_restriction_on_the_kazakh_twin_binds_the_russian_page(client, tree, kind):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=True)
    restrict(twins.kk, kind, mirrored=False)
    assert_refused(client.get(twins.ru.url), kind)


def test_a_reader_types_the_password_once_for_both_twins(client, tree):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=True)
    restrict(twins.ru, "password")
    form = assert_refused(client.get(twins.kk_url), "password")
    action = re.search(r'<form action="([^"]+)"', form).group(1)
    response = client.post(action, {"password": PASSWORD, "return_url": twins.kk_url})
    assert response.status_code == 302
    assert TITLE_KK in client.get(twins.kk_url).content.decode()
    assert TITLE_RU in client.get(twins.ru.url).content.decode()


# ------------------------------------------------------------------ the admin


def privacy_form(kind: str) -> dict:
    data = {"restriction_type": kind}
    if kind == "password":
        data["password"] = PASSWORD
    if kind == "groups":
        data["groups"] = [Group.objects.get_or_create(name="Сотрудники")[0].pk]
    return data


def restrictions_of(page: Page) -> list[tuple]:
    return [
        (
            each.restriction_type,
            each.password,
            sorted(g.name for g in each.groups.all()),
        )
        for each in PageViewRestriction.objects.filter(page=page)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_privacy_set_in_the_admin_is_mirrored_on_the_twin_and_binds_it(
    client, admin_client, tree, committed, kind
):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=True)
    commit_set_up()
    assert TITLE_KK in client.get(twins.kk_url).content.decode()
    assert verdict(client.get(twins.kk_url)) == "hit"
    privacy = reverse("wagtailadmin_pages:set_privacy", args=(twins.ru.pk,))
    with committed():
        response = admin_client.post(privacy, privacy_form(kind))
    assert response.status_code == 200
    assert restrictions_of(twins.kk) == restrictions_of(twins.ru) != []
    assert_refused(client.get(twins.kk_url), kind)

    with committed():
        admin_client.post(privacy, {"restriction_type": "none"})
    assert not PageViewRestriction.objects.exists()
    assert TITLE_KK in client.get(twins.kk_url).content.decode()


def test_deleting_a_kazakh_page_leaves_its_russian_twin_private(tree, committed):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=True)
    with committed():
        restrict(twins.ru, "login")
    with committed():
        twins.kk.delete()
    assert restrictions_of(twins.ru) == [("login", "", [])]


def test_a_new_kazakh_twin_of_a_private_page_gets_its_restriction(tree, committed):
    """wagtail-localize copies it when it makes the translation
    (``sync_view_restrictions``); a guard that nothing of ours undoes that."""
    ru = NewsPageFactory(parent=tree.section_ru, title=TITLE_RU)
    ru.save_revision().publish()
    restrict(tree.section_kk, "login", mirrored=False)
    restrict(ru, "password")
    ensure_locale_synchronisation()
    with committed():
        synchronise_trees()
    kk = Page.objects.get(translation_key=ru.translation_key, locale=locale("kk"))
    assert ("password", PASSWORD, []) in restrictions_of(kk)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_restricting_a_twin_later_takes_the_cached_pages_and_feed_down(
    client, tree, committed, language
):
    twins = article_twins(tree.section_ru, tree.section_kk, translated=True)
    commit_set_up()
    urls = (twins.kk_url, "/kk/feed/", twins.ru.url, "/ru/feed/")
    for url in urls * 2:
        client.get(url)  # the page cache and the process memo are warm
    with committed():
        restriction = restrict(twins.ru if language == "ru" else twins.kk, "login")
    assert_refused(client.get(twins.kk_url), "login")
    assert_refused(client.get(twins.ru.url), "login")
    for feed in ("/kk/feed/", "/ru/feed/"):
        assert TITLE_KK not in client.get(feed).content.decode()
        assert TITLE_RU not in client.get(feed).content.decode()
    with committed():
        restriction.delete()
    assert TITLE_KK in client.get(twins.kk_url).content.decode()
    assert TITLE_KK in client.get("/kk/feed/").content.decode()


# ------------------------------------------------------------ lists and tags


@pytest.fixture
def newspaper(tree, committed):
    """Private twins in the tree's section; public twins in a second section."""
    with committed():
        open_ru = SectionPageFactory(parent=tree.home_ru, title="Производство")
        open_kk = SectionPageFactory(
            parent=tree.home_kk,
            locale=locale("kk"),
            title="Өндіріс",
            translation_key=open_ru.translation_key,
        )
        private = article_twins(tree.section_ru, tree.section_kk, translated=True)
        article_twins(open_ru, open_kk, translated=True, titles=(OPEN_RU, OPEN_KK))
        for text, page in (("совещание", private.ru), ("жиналыс", private.kk)):
            SearchPromotion.objects.create(
                query=Query.get(text), page=page, sort_order=0
            )
    return private


def suggested(client, url: str, text: str) -> str:
    found = client.get(url, {"q": text}).json()["suggestions"]
    return " ".join(f"{each['title']} {each['url']}" for each in found)


def reader_lists(client, tree) -> dict[str, str]:
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - ours
    return {
        "feed_ru": client.get("/ru/feed/").content.decode(),
        "feed_kk": client.get("/kk/feed/").content.decode(),
        "home_ru": client.get(tree.home_ru.url).content.decode(),
        "home_kk": client.get(tree.home_kk.url).content.decode(),
        "search_ru": client.get("/ru/search/", {"q": "совещание"}).content.decode(),
        "search_kk": client.get("/kk/search/", {"q": "жиналыс"}).content.decode(),
        "suggest_ru": suggested(client, "/ru/search/suggest/", "совещ"),
        "suggest_kk": suggested(client, "/kk/search/suggest/", "жинал"),
        "sitemap": " ".join(node.text or "" for node in sitemap.iter()),
    }


@pytest.mark.parametrize("mirrored", [True, False], ids=["made-now", "pre-existing"])
@pytest.mark.parametrize("target", ["page", "section"])
def test_private_twins_stay_out_of_feeds_sitemap_search_promotions_and_listings(
    client, tree, newspaper, committed, target, mirrored
):
    with committed():
        restrict(
            newspaper.ru if target == "page" else tree.section_ru,
            "password",
            mirrored=mirrored,
        )
    lists = reader_lists(client, tree)
    secrets = (TITLE_RU, TITLE_KK, newspaper.ru.url, newspaper.kk.url)
    leaks = [
        (name, secret)
        for name, text in lists.items()
        for secret in secrets
        if secret in text
    ]
    assert leaks == [], sorted({name for name, _secret in leaks})
    for name, text in lists.items():
        if name != "sitemap":
            assert (OPEN_KK if name.endswith("kk") else OPEN_RU) in text, name
    if target == "section":
        assert client.get(f"/kk/feed/{tree.section_kk.slug}/").status_code == 404


def test_before_any_restriction_the_lists_show_both_twins(client, tree, newspaper):
    """The counterpart of the test above: what it looks for is really there."""
    lists = reader_lists(client, tree)
    assert TITLE_RU in lists["feed_ru"] and TITLE_KK in lists["feed_kk"]
    assert TITLE_RU in lists["search_ru"] and TITLE_KK in lists["search_kk"]
    assert newspaper.kk.url in lists["sitemap"]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_tag_carried_only_by_private_articles_has_no_page(
    client, tree, newspaper, committed, language
):
    slug = Tag.objects.get(name=PRIVATE_TAG).slug
    home = tree.home_ru if language == "ru" else tree.home_kk
    commit_set_up()
    assert client.get(f"{home.url}tags/{slug}/").status_code == 200
    with committed():
        restrict(newspaper.ru, "login")
    assert client.get(f"{home.url}tags/{slug}/").status_code == 404
