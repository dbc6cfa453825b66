"""The footer: the «Информация» links menu, the about line and the contacts,
each language its own, fresh on cached pages after an edit (issue 16, item 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from core.models import FooterLink
from home.models import HomePage
from tests.cache_support import verdict
from tests.factories import StandardPageFactory, locale


def footer_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def link(title, *, language="ru", order=0, **target) -> FooterLink:
    return FooterLink.objects.create(
        title=title, locale=locale(language), sort_order=order, **target
    )


@pytest.mark.django_db
def test_the_footer_lists_the_information_links_of_the_page_language_in_order(
    client, tree
):
    contacts = StandardPageFactory(
        parent=tree.home_ru, title="Контакты", slug="kontakty"
    )
    link("Контакты", order=2, link_page=contacts)
    link("Проблемная зона", order=1, link_page=tree.section_ru)
    link("Байланыс", language="kk", link_page=tree.section_kk)

    ru = footer_of(client.get(tree.home_ru.url))
    assert "Информация" in ru
    assert ru.index("Проблемная зона") < ru.index("Контакты</a>")
    assert f'href="{tree.section_ru.url}"' in ru
    assert "Байланыс" not in ru
    kk = footer_of(client.get(tree.home_kk.url))
    assert "Ақпарат" in kk
    assert "Байланыс" in kk and "Проблемная зона" not in kk


@pytest.mark.django_db
def test_a_footer_link_may_lead_off_the_site(client, tree):
    link("Сайт комбината", link_url="https://example.kz/")
    assert 'href="https://example.kz/"' in footer_of(client.get(tree.home_ru.url))


@pytest.mark.django_db
def test_a_link_to_a_page_not_live_is_left_out_of_the_footer(client, tree):
    draft = StandardPageFactory(parent=tree.home_ru, title="Черновик", slug="chernovik")
    draft.unpublish()
    link("Черновик", link_page=draft)
    assert "Черновик" not in footer_of(client.get(tree.home_ru.url))


@pytest.mark.django_db
def test_without_links_the_footer_has_no_empty_information_menu(client, tree):
    assert "Информация" not in footer_of(client.get(tree.home_ru.url))


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["neither", "both"])
def test_a_link_needs_a_page_or_an_address_but_not_both(tree, target):
    row = FooterLink(title="Ссылка", locale=locale("ru"))
    if target == "both":
        row.link_page, row.link_url = tree.section_ru, "https://example.kz/"
    with pytest.raises(ValidationError, match="что-то одно"):
        row.full_clean()


@pytest.mark.django_db
def test_the_admin_form_reports_a_link_without_target_clearly(admin_client, tree):
    response = admin_client.post(
        reverse("wagtailsnippets_core_footerlink:add") + "?locale=ru",
        {"title": "Пустая", "link_url": "", "sort_order": "0"},
    )
    assert response.status_code == 200
    assert "что-то одно" in response.content.decode()
    assert not FooterLink.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edited_link_reaches_pages_already_in_the_page_cache(
    client, tree, page_cache, admin_client
):
    row = link("Проблемная зона", link_page=tree.section_ru)
    url = tree.home_ru.url
    client.get(url)
    assert verdict(client.get(url)) == "hit"

    response = admin_client.post(
        reverse("wagtailsnippets_core_footerlink:edit", args=[row.pk]),
        {
            "title": "Вопросы читателей",
            "link_page": tree.section_ru.pk,
            "sort_order": "0",
        },
    )
    assert response.status_code == 302

    fresh = client.get(url)
    assert verdict(fresh) in ("miss", "skip")
    assert "Вопросы читателей" in footer_of(fresh)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deleted_link_leaves_cached_pages(client, tree, page_cache):
    row = link("Проблемная зона", link_page=tree.section_ru)
    url = tree.home_ru.url
    client.get(url)
    assert verdict(client.get(url)) == "hit"
    row.delete()
    assert "Проблемная зона" not in footer_of(client.get(url))


class DemoFooterTests(TestCase):
    """The demo carries the newspaper's public contacts and the old site's menu."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0)

    def footer(self, language: str) -> str:
        home = HomePage.objects.get(locale__language_code=language)
        return footer_of(self.client.get(home.url))

    def test_both_languages_show_the_public_phone_and_address(self):
        for language in ("ru", "kk"):
            footer = self.footer(language)
            assert "+7 7143 52-25-99" in footer, language
            assert 'href="tel:+77143522599"' in footer, language
            assert "mailto:editor@km.kz" in footer, language

    def test_the_information_menu_leads_to_problems_and_contacts(self):
        ru, kk = self.footer("ru"), self.footer("kk")
        assert "Проблемная зона" in ru and "Контакты" in ru
        assert "Проблемалық аймақ" in kk and "Байланыс" in kk

    def test_the_kazakh_links_are_translations_of_the_russian_ones(self):
        for row in FooterLink.objects.filter(locale__language_code="kk"):
            source = row.get_translation(locale("ru"))
            assert row.link_page.translation_key == source.link_page.translation_key


@pytest.mark.django_db
def test_the_chief_editor_manages_the_footer_links_and_correspondents_do_not():
    call_command("setup_newsroom", fix=True, verbosity=0)
    chief = Group.objects.get(name="Главный редактор")
    editors = Group.objects.get(name="Корреспонденты")
    codenames = {"add_footerlink", "change_footerlink", "delete_footerlink"}
    assert codenames <= set(chief.permissions.values_list("codename", flat=True))
    assert not codenames & set(editors.permissions.values_list("codename", flat=True))
