"""No translation control is offered that then answers "no access" (issue 12, item 6).

wagtail-localize offers "Translate this page", "Sync translated pages" and
"Convert to alias page" on its own, looser checks; the views behind them are
guarded (translations/guards.py). Each role opens the admin pages that carry
these controls; a control is offered exactly when its view lets that role in,
and every offered control opens (translations/controls.py).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import Page
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.translation_support import newsroom_staff, synchronised_kk, translation_for

pytestmark = pytest.mark.django_db

ROLES = ("editor", "translator", "moderator", "chief")
CONVERT = re.compile(r"/admin/localize/page/(\d+)/convert_to_alias/")
LOCALIZE_BUTTONS = re.compile(
    r"/admin/localize/(?:submit/page/\d+|update/\d+)/(?:\?[^\"'\s]*)?"
)


@pytest.fixture
def newsroom(tree):
    """An untranslated Russian article (its kk alias) and a translated one."""
    staff = newsroom_staff()
    kk = synchronised_kk()
    articles = {}
    for slug in ("netronutaya", "perevedennaya"):
        article = NewsPage(title=f"Статья {slug}", slug=slug, lead="Лид.")
        tree.section_ru.add_child(instance=article)
        article.save_revision().publish()
        articles[slug] = article
    # Synchronisation leaves an alias in the kk tree until someone translates.
    articles["netronutaya"].copy_for_translation(kk, alias=True)
    translate_object(articles["perevedennaya"], [kk])
    translation = translation_for(articles["perevedennaya"], kk)
    return staff, articles["netronutaya"], translation


def opens(client, url: str) -> bool:
    """The control's view answers with a page or a redirect, not "no access".

    Wagtail answers a refusal with a redirect to the admin home page.
    """
    response = client.get(url.replace("&amp;", "&"))
    if response.status_code == 302:
        return response.url != reverse("wagtailadmin_home")
    return response.status_code == 200


def offered_buttons(html: str) -> set[str]:
    return set(LOCALIZE_BUTTONS.findall(html))


@pytest.mark.parametrize("role", ("translator", "moderator", "chief"))
def test_the_translation_editor_offers_convert_to_alias_only_to_publishers(
    client, newsroom, role
):
    staff, _, translation = newsroom
    kk_page = translation.get_target_instance()
    client.force_login(staff[role])
    response = client.get(reverse("wagtailadmin_pages:edit", args=(kk_page.pk,)))
    assert response.status_code == 200
    offered = CONVERT.search(response.content.decode()) is not None
    may = kk_page.permissions_for_user(staff[role]).can_publish()
    assert offered == may
    convert = reverse("wagtail_localize:convert_to_alias", args=(kk_page.pk,))
    assert opens(client, convert) == may


def test_a_translator_is_not_offered_convert_to_alias_in_the_translation_editor(
    client, newsroom
):
    staff, _, translation = newsroom
    client.force_login(staff.translator)
    kk_page = translation.get_target_instance()
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=(kk_page.pk,))
    ).content.decode()
    assert "js-translation-editor" in html
    assert CONVERT.search(html) is None


@pytest.mark.parametrize(("role", "offered"), [("translator", False), ("chief", True)])
def test_the_page_editor_footer_offers_convert_to_alias_only_to_those_who_may_publish(
    client, newsroom, role, offered
):
    staff, _, translation = newsroom
    translation.enabled = False  # "Stop Synced translation": Wagtail's own editor
    translation.save(update_fields=["enabled"])
    kk_page = translation.get_target_instance()
    client.force_login(staff[role])
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=(kk_page.pk,))
    ).content.decode()
    assert "js-translation-editor" not in html
    assert ('name="localize-convert-to-alias"' in html) == offered


def test_the_translation_editor_links_the_original_only_for_its_editors(
    client, newsroom
):
    staff, _, translation = newsroom
    kk_page = translation.get_target_instance()
    ru_edit = reverse(
        "wagtailadmin_pages:edit",
        args=(translation.source.get_source_instance().pk,),
    )
    editor = reverse("wagtailadmin_pages:edit", args=(kk_page.pk,))
    for role, linked in (("translator", False), ("moderator", True), ("chief", True)):
        client.force_login(staff[role])
        html = client.get(editor).content.decode()
        assert (f'href="{ru_edit}"' in html) == linked, role
        if linked:
            assert client.get(ru_edit).status_code == 200, role


def listings(tree, untranslated, translation) -> list[str]:
    """The admin pages that carry wagtail-localize's page buttons."""
    kk_alias = untranslated.get_translation(translation.target_locale)
    return [
        reverse("wagtailadmin_explore", args=(tree.section_ru.pk,)),
        reverse("wagtailadmin_explore", args=(tree.section_kk.pk,)),
        reverse("wagtailadmin_pages:edit", args=(untranslated.pk,)),
        reverse(
            "wagtailadmin_pages:edit",
            args=(translation.source.get_source_instance().pk,),
        ),
        reverse("wagtailadmin_pages:edit", args=(kk_alias.pk,)),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_translate_and_sync_button_a_role_is_offered_opens_for_it(
    client, tree, newsroom, role
):
    staff, untranslated, translation = newsroom
    client.force_login(staff[role])
    for url in listings(tree, untranslated, translation):
        response = client.get(url)
        if response.status_code != 200:
            continue
        for button in offered_buttons(response.content.decode()):
            assert opens(client, button), (role, url, button)


def test_a_translator_is_offered_translate_and_sync_where_the_guards_let_them(
    client, tree, newsroom
):
    staff, untranslated, translation = newsroom
    client.force_login(staff.translator)
    html = client.get(
        reverse("wagtailadmin_explore", args=(tree.section_kk.pk,))
    ).content.decode()
    translate = reverse(
        "wagtail_localize:submit_page_translation", args=(untranslated.pk,)
    )
    assert translate in html
    assert opens(client, translate)


def test_a_correspondent_with_the_translation_permission_gets_no_translate_or_sync(
    client, tree, newsroom
):
    """wagtail-localize offers its buttons on ``submit_translation`` alone; a
    correspondent holding it still may not add or edit Kazakh pages, which the
    guards require, so neither button shows."""
    staff, untranslated, translation = newsroom
    editor = staff.editor
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtail_localize", codename="submit_translation"
        )
    )
    client.force_login(editor)
    source = translation.source.get_source_instance()
    for url in (
        reverse("wagtailadmin_explore", args=(tree.section_ru.pk,)),
        reverse("wagtailadmin_pages:edit", args=(untranslated.pk,)),
        reverse("wagtailadmin_pages:edit", args=(source.pk,)),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert offered_buttons(response.content.decode()) == set(), url


@pytest.mark.parametrize(
    ("role", "translate", "original"),
    [("translator", True, False), ("moderator", False, True), ("chief", True, True)],
)
def test_the_untranslated_page_editor_links_only_what_opens_for_the_role(
    client, newsroom, role, translate, original
):
    staff, untranslated, translation = newsroom
    alias = Page.objects.get(alias_of=untranslated, locale=translation.target_locale)
    client.force_login(staff[role])
    html = client.get(reverse("wagtailadmin_pages:edit", args=(alias.pk,))).content
    html = html.decode()
    submit = reverse(
        "wagtail_localize:submit_page_translation", args=(untranslated.pk,)
    )
    original_edit = reverse("wagtailadmin_pages:edit", args=(untranslated.pk,))
    assert (f'href="{submit}?' in html) == translate
    assert (f'href="{original_edit}"' in html) == original
    assert (client.get(original_edit).status_code == 200) == original
