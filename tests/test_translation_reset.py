"""No one wipes a Kazakh translation without review (issue 12, item 4).

wagtail-localize's "convert to alias" replaced a live Kazakh article with its
Russian original at once; deleting a Kazakh page or stopping its synchronised
translation must not put Russian text on the Kazakh site either. Here the
moderator and the chief editor (the people who may use these actions) work
through the admin's own views: they are asked to confirm, the Kazakh page goes
to the "not yet translated" notice, and its Kazakh revisions stay restorable.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, Revision
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.factories import NewsPageFactory
from tests.newsroom_support import page_form_data
from tests.translation_support import (
    body_form_data,
    form_errors,
    newsroom_staff,
    translation_for,
)

pytestmark = pytest.mark.django_db

TITLE_RU = "Обогатительная фабрика сменила дробилки"
BODY_RU = "Новые дробилки работают тише прежних."
TITLE_KK = "Байыту фабрикасы ұсатқыштарды ауыстырды"
LEAD_KK = "Жаңа ұсатқыштар бұрынғыдан тыныш жұмыс істейді."
BODY_KK = "Жаңа ұсатқыштарды орнату екі аптаға созылды."
NOTICE = "әлі қазақ тіліне аударылмаған"


@pytest.fixture
def staff(tree):
    return newsroom_staff()


def published_with_translation(tree) -> NewsPage:
    """A live ru article whose Kazakh translation has just been created."""
    ru = NewsPageFactory(
        parent=tree.section_ru,
        title=TITLE_RU,
        slug="drobilki",
        body=[("paragraph", f"<p>{BODY_RU}</p>")],
    )
    ru.save_revision().publish()
    translate_object(ru, [tree.home_kk.locale])
    return ru


@pytest.fixture
def translated(tree, staff, django_capture_on_commit_callbacks):
    """A live ru article and its live Kazakh translation, with Kazakh text."""
    with django_capture_on_commit_callbacks(execute=True):
        ru = published_with_translation(tree)
        kk = NewsPage.objects.get(
            translation_key=ru.translation_key, locale=tree.home_kk.locale
        )
        kk.title, kk.lead = TITLE_KK, LEAD_KK
        kk.body = [("paragraph", f"<p>{BODY_KK}</p>")]
        kk.save_revision(user=staff.translator).publish(user=staff.moderator)
    return ru, Page.objects.get(pk=kk.pk)


def kk_address(tree, page) -> str:
    return f"{tree.section_kk.url}{page.slug}/"


def assert_kazakh_side_shows_no_russian(client, tree, address: str) -> None:
    """The kk address is the notice; no kk listing shows the Russian article."""
    client.logout()
    response = client.get(address)
    html = response.content.decode()
    assert response.status_code == 200 and NOTICE in html, address
    assert BODY_RU not in html and BODY_KK not in html
    for url in ("/kk/", tree.section_kk.url, "/kk/feed/"):
        listing = client.get(url).content.decode()
        assert TITLE_RU not in listing and TITLE_KK not in listing, url


def convert(client, user, page, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:convert_to_alias", args=[page.pk])
        )
    assert response.status_code == 302, form_errors(response)
    return response


# ------------------------------------------------------------ convert to alias


@pytest.mark.parametrize("role", ["moderator", "chief"])
def test_convert_to_alias_asks_for_confirmation_first(client, staff, translated, role):
    _ru, kk = translated
    client.force_login(staff[role])
    response = client.get(reverse("wagtail_localize:convert_to_alias", args=[kk.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="POST"' in html
    # What converting does here, not upstream's "overwrite with the original".
    assert "Переведённая страница уходит с сайта" in html
    page = Page.objects.get(pk=kk.pk)
    assert page.live and page.alias_of_id is None and page.title == TITLE_KK


@pytest.mark.parametrize("role", ["moderator", "chief"])
def test_convert_to_alias_leaves_the_notice_not_russian_text(
    client, tree, staff, translated, role, django_capture_on_commit_callbacks
):
    _ru, kk = translated
    convert(client, staff[role], kk, django_capture_on_commit_callbacks)
    page = Page.objects.get(pk=kk.pk)
    assert not page.live
    assert page.alias_of_id is None  # our untranslated draft, not a live alias
    assert translation_for(_ru, tree.home_kk.locale).enabled
    assert_kazakh_side_shows_no_russian(client, tree, kk_address(tree, kk))


def test_the_kazakh_text_survives_convert_to_alias_and_can_be_restored(
    client, tree, staff, translated, django_capture_on_commit_callbacks
):
    _ru, kk = translated
    kazakh_revision = Page.objects.get(pk=kk.pk).live_revision
    convert(client, staff.chief, kk, django_capture_on_commit_callbacks)
    assert Revision.page_revisions.filter(pk=kazakh_revision.pk).exists()

    # The chief editor restores it from the page's history, as the admin does.
    client.force_login(staff.chief)
    url = reverse(
        "wagtailadmin_pages:revisions_revert", args=[kk.pk, kazakh_revision.pk]
    )
    form = client.get(url)
    assert form.status_code == 200
    assert "translation-editor" not in form.content.decode()
    assert LEAD_KK in form.content.decode()
    old = kazakh_revision.as_object()
    data = page_form_data(
        old,
        body=body_form_data([("paragraph", f"<p>{BODY_KK}</p>", old.body[0].id)]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data | {"action-publish": "on"})
    assert response.status_code == 302, form_errors(response)

    client.logout()
    restored = client.get(kk_address(tree, kk))
    assert restored.status_code == 200
    assert BODY_KK in restored.content.decode()
    assert TITLE_KK in client.get("/kk/").content.decode()


def test_a_translator_may_not_convert_to_alias(
    client, tree, staff, translated, django_capture_on_commit_callbacks
):
    _ru, kk = translated
    client.force_login(staff.translator)
    response = client.post(reverse("wagtail_localize:convert_to_alias", args=[kk.pk]))
    assert response.status_code in (302, 403)
    page = Page.objects.get(pk=kk.pk)
    assert page.live and page.title == TITLE_KK


# ------------------------------------------------------------------- delete


def test_deleting_a_kazakh_translation_leaves_the_notice_not_russian_text(
    client, tree, staff, translated, django_capture_on_commit_callbacks
):
    ru, kk = translated
    address = kk_address(tree, kk)
    client.force_login(staff.chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:delete", args=[kk.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=kk.pk).exists()
    twin = Page.objects.get(translation_key=ru.translation_key, locale=kk.locale)
    assert not twin.live and twin.alias_of_id is None
    assert_kazakh_side_shows_no_russian(client, tree, address)

    # Publishing the Russian article again changes nothing on the Kazakh side.
    with django_capture_on_commit_callbacks(execute=True):
        ru.save_revision().publish()
    assert_kazakh_side_shows_no_russian(client, tree, address)


# -------------------------------------------------------- stop synchronising


def test_stopping_the_synchronised_translation_puts_no_russian_text_live(
    client, tree, staff, django_capture_on_commit_callbacks
):
    """Stopping an untranslated draft's translation leaves it a draft."""
    with django_capture_on_commit_callbacks(execute=True):
        ru = published_with_translation(tree)
    translation = translation_for(ru, tree.home_kk.locale)
    twin = translation.get_target_instance()
    client.force_login(staff.chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:stop_translation", args=[translation.pk]),
            {"next": reverse("wagtailadmin_pages:edit", args=[twin.pk])},
        )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        ru.save_revision().publish()
    assert not Page.objects.get(pk=twin.pk).live
    assert_kazakh_side_shows_no_russian(client, tree, kk_address(tree, twin))
