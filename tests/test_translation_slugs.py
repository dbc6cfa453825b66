"""Slugs keep Kazakh letters, whether the browser or the server writes them.

The rule is ``linguistics.slugify`` (tested letter by letter in
test_transliteration.py); here: the admin gets it, pages get it when the slug
is left empty or came out lossy, and live addresses never change behind
readers' backs. tests/e2e/test_translator_journey.py runs the admin's
JavaScript in Chromium against the same titles.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import slugify as django_slugify

from core.slugs import needs_readable_slug, slug_rules
from linguistics import TABLE, slugify
from news.models import NewsPage
from tests.factories import NewsPageFactory
from tests.newsroom_support import article_form_data

pytestmark = pytest.mark.django_db

#: Titles with every Kazakh-specific letter, in both cases, and their slugs.
KAZAKH_TITLES = {
    "Әлемдік рекорд": "aelemdik-rekord",
    "Ғалымдар ғимараты": "ghalymdar-ghimaraty",
    "Қазақстан қаласы": "qazaqstan-qalasy",
    "Таң шапағы мен ең жақсы күн": "tang-shapaghy-men-eng-zhaqsy-kuen",
    "Өндіріс пен өнер": "oendiris-pen-oener",
    "Ұлттық ұжым": "ulttyq-uzhym",
    "Үздік үш маман": "uezdik-uesh-maman",
    "Һ әрпі: һижра": "h-aerpi-hizhra",
    "Іскер әріптестер": "isker-aeriptester",
}
EVERY_LETTER = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


@pytest.mark.parametrize(("title", "slug"), KAZAKH_TITLES.items())
def test_kazakh_titles_keep_every_letter_in_their_slug(title, slug):
    assert slugify(title) == slug
    assert django_slugify(title) != slug  # what Django alone would have made


def test_no_kazakh_letter_is_ever_dropped():
    for letter in EVERY_LETTER:
        assert slugify(f"а{letter}а") not in ("aa", "a-a"), letter
        assert len(slugify(f"а{letter}а")) >= 3


def test_the_admin_javascript_gets_the_python_tables():
    rules = slug_rules()
    assert rules["table"] == TABLE
    assert {letter.lower() for letter in EVERY_LETTER} <= rules["table"].keys()
    json.dumps(rules)  # what the page embeds must be plain JSON


def test_the_page_editor_loads_the_kazakh_slug_javascript(client, tree):
    admin = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    client.force_login(admin)
    response = client.get(
        reverse("wagtailadmin_pages:add", args=("news", "newspage", tree.section_ru.pk))
    )
    html = response.content.decode()
    assert '<script id="kmpress-slug-rules" type="application/json">' in html
    assert re.search(
        r'<script src="/static/core/js/kk-slugify\.js[^"]*"></script>', html
    )
    embedded = re.search(
        r'<script id="kmpress-slug-rules" type="application/json">(.*?)</script>',
        html,
        re.S,
    ).group(1)
    assert json.loads(embedded)["table"]["қ"] == "q"


def test_an_empty_slug_is_made_from_the_title_with_kazakh_letters(client, tree):
    admin = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    client.force_login(admin)
    data = article_form_data(title="Қазақ әліпбиі өзгерді", slug="")
    data["action-publish"] = "1"
    response = client.post(
        reverse(
            "wagtailadmin_pages:add", args=("news", "newspage", tree.section_kk.pk)
        ),
        data,
    )
    assert response.status_code == 302
    page = NewsPage.objects.get(title="Қазақ әліпбиі өзгерді")
    assert page.slug == "qazaq-aelipbii-oezgerdi"
    assert page.live


def test_two_pages_with_the_same_title_get_distinct_slugs(client, tree):
    admin = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    client.force_login(admin)
    url = reverse(
        "wagtailadmin_pages:add", args=("news", "newspage", tree.section_kk.pk)
    )
    for _ in range(2):
        data = article_form_data(title="Өндіріс жаңалығы", slug="")
        assert client.post(url, data).status_code == 302
    slugs = sorted(NewsPage.objects.values_list("slug", flat=True))
    assert slugs == ["oendiris-zhangalyghy", "oendiris-zhangalyghy-2"]


def test_a_unicode_slug_from_a_browser_without_javascript_is_transliterated(tree):
    page = NewsPageFactory.build(title="Жаңалық", slug="жаңа-бет", live=False)
    tree.section_kk.add_child(instance=page)
    page.refresh_from_db()
    assert page.slug == "zhanga-bet"


def test_a_slug_django_made_by_dropping_letters_is_replaced(tree):
    title = "Қыс 2025"
    assert django_slugify(title) == "2025"
    assert needs_readable_slug("2025", title)
    page = NewsPageFactory.build(title=title, slug="2025", live=False)
    tree.section_kk.add_child(instance=page)
    page.refresh_from_db()
    assert page.slug == "qys-2025"


def test_a_slug_the_editor_chose_is_kept(tree):
    page = NewsPageFactory.build(title="Қыс келді", slug="winter", live=False)
    tree.section_kk.add_child(instance=page)
    page.refresh_from_db()
    assert page.slug == "winter"
    assert not needs_readable_slug("winter", "Қыс келді")


def test_a_live_page_keeps_its_address(tree):
    page = NewsPageFactory(parent=tree.section_kk, title="Қыс 2025")
    NewsPage.objects.filter(pk=page.pk).update(slug="2025")  # an older page
    page.refresh_from_db()
    page.title = "Қыс 2026"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "2025"
