"""An article's way from Russian to Kazakh, through the real admin views.

The acceptance story of issue 4: an editor writes a Russian article and a
moderator publishes it; its Kazakh counterpart appears in the kk tree by
itself (kk is synchronised from ru) as an untranslated draft; a translator,
who may work in the kk tree only, translates its segments in wagtail-localize's
editor and submits it for review; a moderator publishes it; readers find both
languages linked. Then the Russian article changes: the dashboard says the
translation is out of date, and the translator brings it up to date without
losing the strings already translated.

Publishing runs work on commit (wagtail-localize, the page cache), so the
story runs inside ``captureOnCommitCallbacks(execute=True)``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.translation_support import (
    approve,
    article_with_body,
    create_in_admin,
    newsroom_staff,
    translate_strings,
    translation_for,
)
from translations.status import (
    IN_REVIEW,
    OUTDATED,
    PUBLISHED,
    UNTRANSLATED,
    translation_status,
)

pytestmark = pytest.mark.django_db

TITLE_RU = "На фабрике запустили новый конвейер"
LEAD_RU = "Руда идёт на фабрику без перегрузок."
TEXT_RU = "Бригада закончила монтаж за три недели."
TITLE_KK = "Фабрикада жаңа конвейер іске қосылды"
LEAD_KK = "Кен фабрикаға қайта тиеусіз жетеді."
TEXT_KK = "Бригада монтажды үш аптада аяқтады."
NEW_LEAD_RU = "Руда идёт на фабрику без перегрузок и простоев."
NEW_LEAD_KK = "Кен фабрикаға қайта тиеусіз және тоқтаусыз жетеді."


def dashboard_status(client, article) -> str:
    kk = Locale.objects.get(language_code="kk")
    response = client.get(reverse("translations_status"))
    assert response.status_code == 200
    assert f'data-article="{article.pk}"' in response.content.decode()
    return translation_status(target=kk).get(pk=article.pk).status


def test_an_article_travels_from_russian_to_kazakh_and_stays_in_step(
    client, tree, django_capture_on_commit_callbacks
):
    staff = newsroom_staff()
    kk = Locale.objects.get(language_code="kk")

    with django_capture_on_commit_callbacks(execute=True):
        # An editor writes the Russian article and submits it for review.
        client.force_login(staff.editor)
        create_in_admin(
            client,
            tree.section_ru,
            article_with_body(title=TITLE_RU, lead=LEAD_RU, paragraph=TEXT_RU)
            | {"action-submit": "1"},
        )
        article = NewsPage.objects.get(locale__language_code="ru", title=TITLE_RU)
        assert not article.live
        # wagtail-localize mirrors it in the kk tree at once, invisibly.
        mirror = Page.objects.get(translation_key=article.translation_key, locale=kk)
        assert mirror.alias_of_id == article.pk
        assert not mirror.live

        # A moderator approves: it is published, and the Kazakh counterpart
        # becomes an untranslated draft, not live Russian text.
        client.force_login(staff.moderator)
        approve(client, article)
        article.refresh_from_db()
        assert article.live
        draft = Page.objects.get(translation_key=article.translation_key, locale=kk)
        assert draft.alias_of_id is None
        assert not draft.live
        translation = translation_for(article, kk)
        assert dashboard_status(client, article) == UNTRANSLATED

        # Readers at the Kazakh address meet a Kazakh notice, not a 404.
        client.logout()
        kk_url = f"{tree.section_kk.url}{draft.slug}/"
        notice = client.get(kk_url)
        assert notice.status_code == 200
        assert "әлі қазақ тіліне аударылмаған" in notice.content.decode()
        assert '<article class="teaser untranslated-notice__original" lang="ru">' in (
            notice.content.decode()
        )

        # The translator translates segment by segment in wagtail-localize's editor.
        client.force_login(staff.translator)
        editor = client.get(reverse("wagtailadmin_pages:edit", args=(draft.pk,)))
        assert editor.status_code == 200
        assert "translation-editor" in editor.content.decode()
        denied = client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
        assert denied.status_code == 302  # the ru tree is not theirs
        assert translate_strings(
            client,
            translation,
            {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK, f"{TEXT_RU}": TEXT_KK},
        )
        # … and submits it for review.
        response = client.post(reverse("translations_submit", args=(translation.pk,)))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert not draft.live
        assert draft.current_workflow_state.workflow.name == "Проверка перевода"
        assert dashboard_status(client, article) == IN_REVIEW

        # The moderator publishes the Kazakh translation.
        client.force_login(staff.moderator)
        approve(client, draft)

    kk_page = NewsPage.objects.get(pk=draft.pk)
    assert kk_page.live
    assert kk_page.title == TITLE_KK
    assert kk_page.lead == LEAD_KK
    client.logout()
    kk_response = client.get(kk_page.url)
    ru_response = client.get(article.url)
    assert kk_response.status_code == ru_response.status_code == 200
    kk_html, ru_html = kk_response.content.decode(), ru_response.content.decode()
    assert '<html lang="kk">' in kk_html
    assert TITLE_KK in kk_html and TEXT_KK in kk_html
    assert "untranslated-notice" not in kk_html
    # Both pages point at each other: the switcher and hreflang.
    assert f'href="{kk_page.url}" hreflang="kk"' in ru_html
    assert f'href="{article.url}" hreflang="ru"' in kk_html
    for html in (kk_html, ru_html):
        assert f'hreflang="kk" href="http://testserver{kk_page.url}"' in html
        assert f'hreflang="ru" href="http://testserver{article.url}"' in html
        assert f'hreflang="x-default" href="http://testserver{article.url}"' in html

    # The Russian article changes: a moderator edits and publishes it.
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(staff.moderator)
        article = NewsPage.objects.get(pk=article.pk)
        data = article_with_body(
            title=TITLE_RU,
            slug=article.slug,
            lead=NEW_LEAD_RU,
            paragraph=TEXT_RU,
            page=article,
        )
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=(article.pk,)),
            data | {"action-publish": "1"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
        assert article.lead == NEW_LEAD_RU
    client.force_login(staff.translator)
    # … so the dashboard says the translation is out of date.
    assert dashboard_status(client, article) == OUTDATED

    with django_capture_on_commit_callbacks(execute=True):
        # The translator syncs it: strings already translated are kept.
        response = client.post(
            reverse(
                "wagtail_localize:update_translations", args=(translation.source_id,)
            )
        )
        assert response.status_code == 302
        translation.source.refresh_from_db()
        sources = set(
            StringSegment.objects.filter(source=translation.source).values_list(
                "string__data", flat=True
            )
        )
        assert NEW_LEAD_RU in sources and LEAD_RU not in sources
        kept = set(
            StringTranslation.objects.filter(
                locale=kk, translation_of__segments__source=translation.source
            ).values_list("data", flat=True)
        )
        assert {TITLE_KK, TEXT_KK} <= kept
        assert NEW_LEAD_KK not in kept
        translate_strings(client, translation, {NEW_LEAD_RU: NEW_LEAD_KK})
        client.post(reverse("translations_submit", args=(translation.pk,)))
        # Still the old translation for readers until the moderator publishes.
        assert NewsPage.objects.get(pk=draft.pk).lead == LEAD_KK
        client.force_login(staff.moderator)
        approve(client, kk_page)

    kk_page.refresh_from_db()
    assert kk_page.lead == NEW_LEAD_KK
    assert kk_page.title == TITLE_KK
    assert dashboard_status(client, article) == PUBLISHED
    assert not WorkflowState.objects.active().filter(object_id=str(kk_page.pk)).exists()


def test_only_people_who_may_edit_the_kazakh_page_submit_it_for_review(client, tree):
    staff = newsroom_staff()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPage(title=TITLE_RU, slug="konveyer", lead=LEAD_RU)
    tree.section_ru.add_child(instance=article)
    article.save_revision().publish()
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    url = reverse("translations_submit", args=(translation.pk,))

    client.force_login(staff.editor)  # the ru tree only
    response = client.post(url)
    assert response.status_code in (302, 403)
    assert not WorkflowState.objects.exists()
    client.force_login(staff.translator)
    assert client.get(url).status_code == 405
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    assert client.post(url).status_code == 302
    assert WorkflowState.objects.get().workflow.name == "Проверка перевода"
