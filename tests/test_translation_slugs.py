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
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import slugify as django_slugify
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import translate_object

from core.slugs import needs_readable_slug, slug_rules
from linguistics import TABLE, slugify
from news.models import NewsPage
from tests.factories import NewsPageFactory
from tests.newsroom_support import Staff, article_form_data
from tests.translation_support import (
    approve,
    complete_the_text,
    download,
    newsroom_staff,
    translate_strings,
    translation_for,
    upload,
)

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


# ------------------------------------------------- the addresses of translations
#
# Every way a Kazakh translation reaches its page (review approval, direct
# publish from the translation editor, "Update translations", PO import,
# machine translation) keeps the address of a live page, and gives a page
# going live for the first time the Kazakh slug the translator wrote, never
# Django's slugify of it ("no2").

RU_TITLE = "Обогатительная фабрика №2 вышла на проектную мощность"
RU_SLUG = "obogatitelnaya-fabrika-no2-vyshla-na-proektnuyu-moshchnost"
RU_LEAD = "Фабрика работает в три смены."
KK_TITLE = "Екінші байыту фабрикасы жобалық қуатына шықты"
#: What a translator types in the slug segment; Django's slugify leaves "no2".
KK_SLUG_TEXT = "байыту-фабрикасы-no2-жобалық-қуатына-шықты"
KK_SLUG = "bayytu-fabrikasy-no2-zhobalyq-quatyna-shyqty"
NEW_RU_TITLE = "Обогатительная фабрика №2 перевыполнила план"
NEW_RU_SLUG = "fabrika-no2-perevypolnila-plan"
NEW_KK_TITLE = "Екінші байыту фабрикасы жоспарды асыра орындады"
NEW_KK_SLUG_TEXT = "фабрика-жоспарды-асырды"


@dataclass
class Story:
    """A published Russian article, its untranslated Kazakh draft, the newsroom."""

    staff: Staff
    article: NewsPage
    translation: Translation

    def kk_page(self) -> NewsPage:
        return NewsPage.objects.get(
            translation_key=self.article.translation_key,
            locale=self.translation.target_locale,
        )


@pytest.fixture
def story(tree) -> Story:
    staff = newsroom_staff()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=tree.section_ru, title=RU_TITLE, slug=RU_SLUG, lead=RU_LEAD
    )
    article.save_revision().publish()
    translate_object(article, [kk])
    return Story(staff, article, translation_for(article, kk))


def translate_in_editor(client, story, strings):
    client.force_login(story.staff.translator)
    assert translate_strings(client, story.translation, strings)


def translate_offline(client, story, strings):
    """The translator downloads the PO file, translates it and uploads it."""
    client.force_login(story.staff.translator)
    po = download(client, story.translation)
    for entry in po:
        entry.msgstr = strings.get(entry.msgid, "")
    upload(client, story.translation, po)


def translate_by_machine(client, story, strings):
    """The machine fills every missing string; the translator corrects some."""
    client.force_login(story.staff.translator)
    response = client.post(
        reverse("wagtail_localize:machine_translate", args=(story.translation.pk,)),
        {"next": "/admin/"},
    )
    assert response.status_code == 302
    if strings:
        assert translate_strings(client, story.translation, strings)


def publish_after_review(client, story):
    complete_the_text(story.translation)  # only complete translations go to review
    client.force_login(story.staff.translator)
    response = client.post(reverse("translations_submit", args=(story.translation.pk,)))
    assert response.status_code == 302
    client.force_login(story.staff.moderator)
    approve(client, story.kk_page())


def publish_in_editor(client, story):
    """The moderator's "Publish in Қазақша" in the translation editor."""
    complete_the_text(story.translation)  # only complete translations are published
    client.force_login(story.staff.moderator)
    url = reverse("wagtailadmin_pages:edit", args=(story.kk_page().pk,))
    assert client.post(url, {"action": "publish"}).status_code == 302


def publish_with_sync(client, story):
    """The chief editor's "Update translations" with "Publish immediately"."""
    complete_the_text(story.translation)  # only complete translations are published
    client.force_login(story.staff.chief)
    response = client.post(
        reverse(
            "wagtail_localize:update_translations",
            args=(story.translation.source_id,),
        ),
        {"publish_translations": "on"},
    )
    assert response.status_code == 302


PATHS = {
    "review approval": (translate_in_editor, publish_after_review),
    "direct publish": (translate_in_editor, publish_in_editor),
    "sync": (translate_in_editor, publish_with_sync),
    "PO import": (translate_offline, publish_in_editor),
    "machine translation": (translate_by_machine, publish_in_editor),
}


def rename_russian_original(client, story):
    """The Russian editor gives the original a new title and address; the
    translator brings the change into the translation (without publishing)."""
    article = NewsPage.objects.get(pk=story.article.pk)
    article.title, article.slug = NEW_RU_TITLE, NEW_RU_SLUG
    article.save_revision().publish()
    client.force_login(story.staff.translator)
    response = client.post(
        reverse(
            "wagtail_localize:update_translations",
            args=(story.translation.source_id,),
        )
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", PATHS)
def test_a_first_publication_goes_live_at_the_translators_kazakh_slug(
    path, client, story, django_capture_on_commit_callbacks
):
    translate, publish = PATHS[path]
    with django_capture_on_commit_callbacks(execute=True):
        translate(client, story, {RU_TITLE: KK_TITLE, RU_SLUG: KK_SLUG_TEXT})
        publish(client, story)
    page = story.kk_page()
    assert page.live
    assert (page.title, page.slug) == (KK_TITLE, KK_SLUG)
    assert page.url == f"/kk/zhanalyqtar/{KK_SLUG}/"
    assert KK_TITLE in client.get(page.url).content.decode()


@pytest.mark.parametrize("path", PATHS)
def test_a_live_kazakh_address_never_changes_by_itself(
    path, client, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        translate_in_editor(client, story, {RU_TITLE: KK_TITLE, RU_SLUG: KK_SLUG_TEXT})
        publish_after_review(client, story)
    first = story.kk_page()

    translate, publish = PATHS[path]
    with django_capture_on_commit_callbacks(execute=True):
        rename_russian_original(client, story)
        translate(
            client,
            story,
            {NEW_RU_TITLE: NEW_KK_TITLE, NEW_RU_SLUG: NEW_KK_SLUG_TEXT},
        )
        publish(client, story)
    page = story.kk_page()
    assert page.title == NEW_KK_TITLE  # the update went live …
    assert (page.slug, page.url) == (first.slug, first.url)  # … at the same address
    assert page.get_latest_revision().as_object().slug == first.slug
    client.logout()
    assert NEW_KK_TITLE in client.get(first.url).content.decode()


def test_renaming_the_russian_original_never_moves_the_kazakh_page(
    client, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        translate_in_editor(client, story, {RU_TITLE: KK_TITLE, RU_SLUG: KK_SLUG_TEXT})
        publish_after_review(client, story)
    first = story.kk_page()
    with django_capture_on_commit_callbacks(execute=True):
        rename_russian_original(client, story)
        publish_with_sync(client, story)
    assert story.kk_page().url == first.url
    assert client.get(first.url).status_code == 200


def test_a_slug_left_to_the_machine_gives_way_to_the_kazakh_title(
    client, story, django_capture_on_commit_callbacks
):
    """The machine returns the Russian slug as it is: the translated title speaks."""
    with django_capture_on_commit_callbacks(execute=True):
        translate_by_machine(client, story, {RU_TITLE: KK_TITLE})
        publish_in_editor(client, story)
    assert StringTranslation.objects.get(translation_of__data=RU_SLUG).data == RU_SLUG
    assert story.kk_page().slug == slugify(KK_TITLE)


def test_a_slug_segment_without_letters_gives_way_to_the_kazakh_title(
    client, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        translate_offline(client, story, {RU_TITLE: KK_TITLE, RU_SLUG: "— ! ?"})
        publish_in_editor(client, story)
    page = story.kk_page()
    assert page.live
    assert page.slug == slugify(KK_TITLE)


@pytest.mark.parametrize("path", ["review approval", "direct publish"])
def test_a_kazakh_slug_a_sibling_already_has_gets_a_suffix(
    path, client, story, tree, django_capture_on_commit_callbacks
):
    NewsPageFactory(parent=tree.section_kk, title="Басқа мақала", slug=KK_SLUG)
    translate, publish = PATHS[path]
    with django_capture_on_commit_callbacks(execute=True):
        translate(client, story, {RU_TITLE: KK_TITLE, RU_SLUG: KK_SLUG_TEXT})
        publish(client, story)
    page = story.kk_page()
    assert page.live
    assert page.slug == f"{KK_SLUG}-2"
