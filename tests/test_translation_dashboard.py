"""The translation status dashboard: each article's Kazakh status, bounded queries."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page, Workflow
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource
from wagtail_localize.operations import translate_object

from tests.factories import NewsPageFactory, SectionPageFactory
from tests.newsroom_support import ROLE_GROUPS
from tests.translation_support import newsroom_staff, synchronised_kk
from translations.status import (
    IN_PROGRESS,
    IN_REVIEW,
    MISSING,
    OUTDATED,
    PUBLISHED,
    UNTRANSLATED,
    status_counts,
    translation_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk(tree) -> Locale:
    return synchronised_kk()


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")


def published_article(section, user=None, **kwargs):
    article = NewsPageFactory(parent=section, **kwargs)
    article.save_revision(user=user).publish(user=user)
    return article


EVERY_STRING = 1000


def translate(article, kk, *, strings: int = 0):
    """A wagtail-localize translation of ``article``: an untranslated draft.

    ``strings`` text segments get a translation (``EVERY_STRING``: all of
    them); the slug is an address, not text (``newsroom.models``).
    """
    translate_object(article, [kk])
    page = Page.objects.get(translation_key=article.translation_key, locale=kk)
    segments = (
        StringSegment.objects.filter(source__object_id=article.translation_key)
        .exclude(context__path="slug")
        .select_related("string", "context")[:strings]
    )
    for segment in segments:
        StringTranslation.objects.create(
            translation_of=segment.string,
            context=segment.context,
            locale=kk,
            data=f"аударма {segment.pk}",
            translation_type="manual",
        )
    return page.specific


def status_of(article, kk) -> str:
    return translation_status(target=kk).get(pk=article.pk).status


def test_each_status_is_told_apart(tree, kk, admin):
    missing = published_article(tree.section_ru, title="Нет перевода")
    untranslated = published_article(tree.section_ru, title="Черновик")
    translate(untranslated, kk)
    in_progress = published_article(tree.section_ru, title="В работе")
    translate(in_progress, kk, strings=1)
    in_review = published_article(tree.section_ru, title="На проверке")
    Workflow.objects.get(name="Moderators approval").start(
        translate(in_review, kk, strings=2), admin
    )
    published = published_article(tree.section_ru, title="Опубликован")
    translate(published, kk, strings=EVERY_STRING).save_revision().publish()
    outdated = published_article(tree.section_ru, title="Устарел")
    translate(outdated, kk, strings=EVERY_STRING).save_revision().publish()
    outdated.save_revision().publish()

    assert status_of(missing, kk) == MISSING
    assert status_of(untranslated, kk) == UNTRANSLATED
    assert status_of(in_progress, kk) == IN_PROGRESS
    assert status_of(in_review, kk) == IN_REVIEW
    assert status_of(published, kk) == PUBLISHED
    assert status_of(outdated, kk) == OUTDATED
    assert status_counts(target=kk) == {
        MISSING: 1,
        UNTRANSLATED: 1,
        IN_PROGRESS: 1,
        IN_REVIEW: 1,
        PUBLISHED: 1,
        OUTDATED: 1,
    }


def test_progress_is_the_share_of_translated_segments(tree, kk):
    article = published_article(tree.section_ru)
    translate(article, kk, strings=1)
    row = translation_status(target=kk).get(pk=article.pk)
    total = (
        StringSegment.objects.filter(source__object_id=article.translation_key)
        .exclude(context__path="slug")
        .count()
    )
    assert total > 1
    assert (row.translated, row.segments) == (1, total)
    assert row.percent == 100 // total


def test_syncing_an_outdated_translation_shows_the_changed_segment_as_pending(tree, kk):
    article = published_article(tree.section_ru)
    translate(article, kk, strings=EVERY_STRING).save_revision().publish()
    assert status_of(article, kk) == PUBLISHED
    article.lead = "Новый лид"
    article.save_revision().publish()
    assert status_of(article, kk) == OUTDATED
    TranslationSource.objects.get(object_id=article.translation_key).update_from_db()
    row = translation_status(target=kk).get(pk=article.pk)
    assert row.status == IN_PROGRESS
    assert row.translated == row.segments - 1


def test_drafts_and_kazakh_only_pages_are_not_listed(tree, kk):
    draft = NewsPageFactory(parent=tree.section_ru, live=False)
    kazakh_only = NewsPageFactory(parent=tree.section_kk, locale=kk)
    listed = set(translation_status(target=kk).values_list("pk", flat=True))
    assert draft.pk not in listed
    assert kazakh_only.pk not in listed


def test_the_dashboard_filters_by_section_and_status_and_sorts_by_date(
    client, tree, kk, admin
):
    other = SectionPageFactory(parent=tree.home_ru, title="Интервью")
    now = timezone.now()
    old = published_article(tree.section_ru, publication_date=now - timedelta(days=9))
    new = published_article(tree.section_ru, publication_date=now)
    elsewhere = published_article(other, publication_date=now - timedelta(days=1))
    translate(elsewhere, kk)
    client.force_login(admin)
    url = reverse("translations_status")

    def listed(**params) -> list[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return [row.pk for row in response.context["rows"]]

    assert listed() == [new.pk, elsewhere.pk, old.pk]
    assert listed(order="date") == [old.pk, elsewhere.pk, new.pk]
    assert listed(section=other.pk) == [elsewhere.pk]
    assert listed(status=UNTRANSLATED) == [elsewhere.pk]
    assert listed(status=MISSING, order="date") == [old.pk, new.pk]
    # Values nobody offered are ignored, not a server error.
    assert listed(status="nonsense", section="x", order="?", p="999") == [
        new.pk,
        elsewhere.pk,
        old.pk,
    ]


def test_the_dashboard_pages_through_the_articles(client, tree, kk, admin):
    for _ in range(53):
        published_article(tree.section_ru)
    client.force_login(admin)
    first = client.get(reverse("translations_status"))
    second = client.get(reverse("translations_status"), {"p": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 3
    assert "p=2" in first.content.decode()


def fill(section, kk, count: int) -> None:
    """``count`` articles in a mix of every status."""
    for number in range(count):
        article = published_article(section)
        if number % 3:
            page = translate(article, kk, strings=number % 4)
            if number % 3 == 2:
                page.save_revision().publish()


def dashboard_queries(client, django_assert_max_num_queries, budget: int) -> int:
    url = reverse("translations_status")
    client.get(url)  # session, permissions and admin caches are not the point
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url, {"status": "", "order": "-date"})
    assert response.status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_for_30_and_120_articles(
    client, tree, kk, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    fill(tree.section_ru, kk, 30)
    small = dashboard_queries(client, django_assert_max_num_queries, 25)
    fill(tree.section_ru, kk, 90)
    large = dashboard_queries(client, django_assert_max_num_queries, 25)
    assert small == large


def test_the_translators_dashboard_panel_counts_each_status(client, tree, kk):
    staff = newsroom_staff()
    published_article(tree.section_ru, user=staff.moderator)
    client.force_login(staff.translator)
    response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert 'id="translations-status"' in html or "translations-status" in html
    assert 'data-status="missing"' in html
    client.force_login(staff.editor)
    assert (
        "translations-status"
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_the_dashboard_exports_the_filtered_rows_as_a_spreadsheet(
    client, tree, kk, admin
):
    missing = published_article(tree.section_ru, title="Нет перевода")
    translate(published_article(tree.section_ru, title="Черновик"), kk)
    client.force_login(admin)
    url = reverse("translations_status")
    response = client.get(url, {"status": MISSING, "export": "csv"})
    assert response.status_code == 200
    heading, *rows = b"".join(response.streaming_content).decode().splitlines()
    assert (
        heading == "Статья,Рубрика,Опубликовано,Статус,Переведено сегментов,Сегментов"
    )
    published = timezone.localtime(missing.publication_date).strftime("%Y-%m-%d %H:%M")
    assert rows == [
        f"Нет перевода,{tree.section_ru.title},{published},Нет страницы,0,0"
    ]
    workbook = client.get(url, {"export": "xlsx"})
    assert workbook["Content-Type"].endswith("spreadsheetml.sheet")
    assert 'filename="translations.xlsx"' in workbook["Content-Disposition"]


def test_the_filters_refresh_the_rows_without_the_page_around_them(
    client, tree, kk, admin
):
    missing = published_article(tree.section_ru)
    draft = published_article(tree.section_ru)
    translate(draft, kk)
    client.force_login(admin)
    response = client.get(
        reverse("translations_status_results"),
        {"status": UNTRANSLATED, "_w_filter_fragment": "1"},
    )
    html = response.content.decode()
    assert [row.pk for row in response.context["rows"]] == [draft.pk]
    assert f'data-article="{draft.pk}"' in html
    assert f'data-article="{missing.pk}"' not in html
    assert "<html" not in html
    # A submission from the refreshed rows returns to the dashboard, not here.
    assert 'name="next" value="/admin/translations/?status=untranslated"' in html


def menu_labels(html: str) -> list[str]:
    """Every label of the admin's sidebar menu, submenus included."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
    )
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("_type", "")).endswith("MenuItem"):
                labels.append(node["_args"][0]["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return labels


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_role_sees_one_translations_item_in_the_menu(client, tree, kk, language):
    """wagtail-localize's own "Translations" report is hidden: ours is the one."""
    staff = newsroom_staff()
    root = get_user_model().objects.create_superuser("root", "r@example.kz", "pw")
    people = {role: staff[role] for role in ROLE_GROUPS} | {"superuser": root}
    with translation.override(language):
        label = translation.gettext("Translations")
    for role, user in people.items():
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        client.force_login(user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert menu_labels(html).count(label) == 1, role
        assert reverse("wagtail_localize:translations_report") not in html, role
