"""Newsroom test set-up: the roles from setup_newsroom, one user per role, form data.

Shared by the roles, permission-matrix, workflow, scheduling and browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from newsroom.roles import CHIEF, EDITORS, MODERATORS, TRANSLATORS

PASSWORD = "newsroom-pass-1"
ROLE_GROUPS = {
    "editor": EDITORS,
    "translator": TRANSLATORS,
    "moderator": MODERATORS,
    "chief": CHIEF,
}


@dataclass
class Staff:
    editor: object
    translator: object
    moderator: object
    chief: object

    def __getitem__(self, role: str):
        return getattr(self, role)


def make_staff(prefix: str = "") -> Staff:
    """setup_newsroom, then one active user in each group (password PASSWORD)."""
    call_command("setup_newsroom", verbosity=0)
    users = {}
    user_model = get_user_model()
    for role, group_name in ROLE_GROUPS.items():
        user = user_model.objects.create_user(
            username=f"{prefix}{role}",
            email=f"{prefix}{role}@example.kz",
            password=PASSWORD,
            first_name=role.capitalize(),
            last_name="Тестов",
        )
        user.groups.add(Group.objects.get(name=group_name))
        users[role] = user
    return Staff(**users)


def local(value: str) -> datetime:
    return timezone.make_aware(datetime.strptime(value, "%Y-%m-%d %H:%M"))


def article_form_data(
    *,
    title: str,
    slug: str,
    lead: str = "Короткое вступление.",
    publication_date: str = "2025-03-01 10:00",
    **extra,
) -> dict:
    """What the admin's NewsPage form posts, with an empty body and no authors."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "publication_date": publication_date,
            "lead": lead,
            "cover_image": "",
            "cover_caption": "",
            "cover_credit": "",
            "body": streamfield([]),
            "tags": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            "comments": inline_formset([]),
            "article_authors": inline_formset([]),
            **extra,
        }
    )


def page_form_data(page, **overrides) -> dict:
    """The edit form data of an existing article, with some fields changed."""
    values = {
        "title": page.title,
        "slug": page.slug,
        "lead": page.lead,
        "publication_date": timezone.localtime(page.publication_date).strftime(
            "%Y-%m-%d %H:%M"
        ),
    }
    values.update(overrides)
    return article_form_data(**values)


def dashboard_panels(user) -> dict[str, str]:
    """Panel id → text of each dashboard panel, as ``user`` sees it."""
    client = Client()
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        section["id"].removesuffix("-section"): section.get_text(" ", strip=True)
        for section in soup.select("section.w-panel[id]")
    }
