"""Translating a section with its subtree leaves a sound Kazakh tree (upstream #773).

wagtail-localize's "include subtree" submission, with live status synced, publishes
each new Kazakh page in an on-commit callback from a stale copy of its parent:
the parent keeps ``numchild`` 0, its children 404 and the next page added under
it fails with "Path already exists". ``WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE
= False`` avoids it. A plain TestCase never runs on-commit callbacks and hides
the bug, so every submission here runs inside captureOnCommitCallbacks.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Locale, Page

from tests.factories import NewsPageFactory, SectionPageFactory
from translations.sync import ensure_locale_synchronisation, synchronise_trees

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_with_articles(tree):
    section = SectionPageFactory(
        parent=tree.home_ru, title="Инновации", slug="innovatsii"
    )
    section.save_revision().publish()
    for number in range(3):
        article = NewsPageFactory(parent=section, slug=f"statya-{number}")
        article.save_revision().publish()
    return section


def submit_subtree(client, section, django_capture_on_commit_callbacks):
    admin = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    client.force_login(admin)
    kk = Locale.objects.get(language_code="kk")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=(section.pk,)),
            {"locales": [kk.pk], "include_subtree": "on"},
        )
    assert response.status_code == 302
    return Page.objects.get(
        translation_key=section.translation_key, locale=kk
    ), callbacks


def test_the_setting_that_avoids_the_stale_numchild_is_on():
    assert settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is False


def test_a_translated_subtree_keeps_an_accurate_numchild(
    client, section_with_articles, django_capture_on_commit_callbacks
):
    kk_section, _callbacks = submit_subtree(
        client, section_with_articles, django_capture_on_commit_callbacks
    )
    kk_section.refresh_from_db()
    assert kk_section.get_children().count() == 3
    assert kk_section.numchild == 3


def test_every_translated_child_answers_instead_of_404(
    client, tree, section_with_articles, django_capture_on_commit_callbacks
):
    kk_section, _callbacks = submit_subtree(
        client, section_with_articles, django_capture_on_commit_callbacks
    )
    client.logout()
    kk_section.refresh_from_db()
    # The section was never published in Kazakh: a notice, like its children.
    assert client.get(f"/kk/{kk_section.slug}/").status_code == 200
    for child in kk_section.get_children():
        response = client.get(f"/kk/{kk_section.slug}/{child.slug}/")
        assert response.status_code == 200, child.slug
        assert not child.live  # drafts: never live with Russian text


def test_pages_added_later_sync_into_the_translated_subtree(
    client, section_with_articles, django_capture_on_commit_callbacks
):
    kk_section, _callbacks = submit_subtree(
        client, section_with_articles, django_capture_on_commit_callbacks
    )
    ensure_locale_synchronisation()
    with django_capture_on_commit_callbacks(execute=True):
        later = NewsPageFactory(parent=section_with_articles, slug="pozzhe")
        later.save_revision().publish()
        synchronise_trees()
    kk_section.refresh_from_db()
    assert kk_section.numchild == kk_section.get_children().count() == 4
    kk_later = Page.objects.get(
        translation_key=later.translation_key, locale=kk_section.locale
    )
    assert kk_later.get_parent().pk == kk_section.pk
    # and a page added by hand under the Kazakh section finds a free path
    NewsPageFactory(parent=kk_section, locale=kk_section.locale, slug="qolmen")
    assert Page.objects.get(pk=kk_section.pk).numchild == 5


@override_settings(WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE=True)
def test_with_live_status_synced_the_upstream_bug_would_show(
    client, section_with_articles, django_capture_on_commit_callbacks
):
    """Documents why the setting is off: the Kazakh subtree comes out broken."""
    kk_section, callbacks = submit_subtree(
        client, section_with_articles, django_capture_on_commit_callbacks
    )
    kk_section.refresh_from_db()
    assert callbacks, "publishing was deferred to on-commit callbacks"
    sound = kk_section.numchild == kk_section.get_children().count() == 3
    assert not sound, "fixed upstream? then the setting may be reconsidered"
