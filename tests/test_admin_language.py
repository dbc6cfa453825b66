"""The admin speaks each person's own language: messages, e-mails, dates, labels.

Wagtail renders a view in the user's preferred admin language, but not what
happens around the view; the review e-mails must follow each recipient's
language, not the sender's; "N minutes ago" and the labels that the browser
builds (translations/admin_language.py) must be Kazakh for a Kazakh editor.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from tests.factories import AuthorFactory, NewsPageFactory, locale
from tests.newsroom_support import make_staff, page_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    return make_staff()


def speaks(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def messages_of(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select(".messages li")]


def test_a_refusal_reaches_a_kazakh_editor_in_kazakh(client, staff):
    """Wagtail's permission_denied runs after its language override has ended."""
    client.force_login(speaks(staff.editor, "kk"))
    response = client.get(reverse("wagtailadmin_reports:locked_pages"), follow=True)
    assert "Кешіріңіз, бұл бөлімге кіруге рұқсатыңыз жоқ." in messages_of(response)[0]


def test_a_refusal_reaches_a_russian_editor_in_russian(client, staff):
    client.force_login(speaks(staff.editor, "ru"))
    response = client.get(reverse("wagtailadmin_reports:locked_pages"), follow=True)
    assert "Извините, но у вас нет доступа в эту область." in messages_of(response)[0]


def test_review_emails_go_out_in_each_recipients_language(client, tree, staff):
    speaks(staff.moderator, "kk")
    speaks(staff.chief, "ru")
    client.force_login(speaks(staff.editor, "kk"))
    page = NewsPageFactory(parent=tree.section_ru, title="Новый конвейер")
    page.save_revision(user=staff.editor)
    mail.outbox.clear()

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form_data(page), "action-submit": "on"},
    )

    assert response.status_code == 302
    by_recipient = {message.to[0]: message for message in mail.outbox}
    kazakh = by_recipient[staff.moderator.email]
    russian = by_recipient[staff.chief.email]
    assert "«Новый конвейер» беті" in kazakh.subject
    assert "мақұлдауға жіберілді" in kazakh.subject
    assert "Сәлеметсіз бе," in kazakh.body
    assert russian.subject.startswith('Страница "Новый конвейер" отправлена')
    assert "Сәлеметсіз" not in russian.body


def test_time_ago_and_dates_read_in_kazakh(client, tree, staff):
    client.force_login(speaks(staff.chief, "kk"))
    page = NewsPageFactory(parent=tree.section_ru, title="Новый конвейер")
    revision = page.save_revision(user=staff.chief)
    five_minutes_ago = timezone.now() - timedelta(minutes=5)
    type(revision).objects.filter(pk=revision.pk).update(created_at=five_minutes_ago)
    type(page).objects.filter(pk=page.pk).update(
        latest_revision_created_at=five_minutes_ago
    )

    response = client.get(reverse("wagtailadmin_explore", args=[tree.section_ru.pk]))

    # Whitespace collapsed: Wagtail joins number and unit with a no-break space.
    text = " ".join(
        BeautifulSoup(response.content, "html.parser").get_text(" ").split()
    )
    assert "5 минут бұрын" in text
    assert "ago" not in text and "назад" not in text


def admin_labels(client) -> dict:
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    return json.loads(soup.find(id="kmpress-admin-labels").string)


def test_the_browser_gets_kazakh_labels_for_what_no_catalogue_reaches(client, staff):
    client.force_login(speaks(staff.translator, "kk"))
    labels = admin_labels(client)
    assert labels["exact"] == {"More actions": "Басқа әрекеттер"}
    assert labels["pair"] == "Аударма: %(source)s → %(target)s"
    assert labels["months"]["December"] == "желтоқсан"
    assert labels["zones"]["Asia/Qostanay"] == "Қазақстан уақыты"


def test_the_browser_gets_russian_labels_and_genitive_months(client, staff):
    client.force_login(speaks(staff.translator, "ru"))
    labels = admin_labels(client)
    assert labels["exact"] == {"More actions": "Другие действия"}
    assert labels["months"]["December"] == "декабря"


def test_a_kazakh_moderator_is_told_in_kazakh_that_the_page_is_live(
    client, tree, staff
):
    client.force_login(speaks(staff.moderator, "kk"))
    page = NewsPageFactory(parent=tree.section_ru, title="Новый конвейер")
    page.save_revision(user=staff.editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form_data(page), "action-publish": "on"},
        follow=True,
    )

    assert "'Новый конвейер' беті жарияланды." in messages_of(response)[0]


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("ru", "Вы действительно хотите удалить объекты (2): авторы?"),
        ("kk", "2 авторлар нысанын шынымен жойғыңыз келе ме?"),
    ],
)
def test_bulk_deleting_authors_is_titled_with_a_grammatical_question(
    client, staff, language, question
):
    """Wagtail titles the page "2 Авторы": a number before a plural name."""
    authors = AuthorFactory.create_batch(2, locale=locale("ru"))
    client.force_login(speaks(staff.chief, language))
    ids = "&".join(f"id={author.pk}" for author in authors)
    response = client.get(f"/admin/bulk/news/author/delete/?{ids}")
    assert response.status_code == 200
    title = BeautifulSoup(response.content, "html.parser").title.get_text(" ")
    assert question in " ".join(title.split())
