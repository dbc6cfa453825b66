"""Images and documents: who may upload, choose, edit and delete.

roles.py grants deletion (``delete_image``, ``delete_document``) to the
moderators and the chief editor only; Wagtail's ownership policy would let
anyone who may edit, or who uploaded the file, delete it. The permission
matrix covers deleting others' files by every role and every URL; here the
uploader's own file, and that uploading and choosing still work.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def upload_image(client, title: str):
    png = get_test_image_file().file.getvalue()
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("photo.png", png, "image/png"),
            "collection": 1,
        },
    )


@pytest.mark.parametrize("role", ["editor", "translator"])
def test_correspondents_and_translators_upload_and_choose_images(client, staff, role):
    client.force_login(staff[role])
    assert upload_image(client, "Карьер").status_code == 302
    image = get_image_model().objects.get(title="Карьер")
    assert image.uploaded_by_user == staff[role]
    chooser = client.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    assert "Карьер" in chooser.json()["html"]


@pytest.mark.parametrize("role", ["editor", "translator"])
def test_correspondents_and_translators_upload_documents(client, staff, role):
    client.force_login(staff[role])
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Приказ",
            "file": SimpleUploadedFile("prikaz.txt", b"text"),
            "collection": 1,
        },
    )
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="Приказ").exists()


def test_an_uploader_without_the_delete_permission_cannot_delete_their_own_image(
    client, staff
):
    """An upload may already be an article's cover: deleting is a moderator's call."""
    client.force_login(staff.editor)
    upload_image(client, "Своё фото")
    image = get_image_model().objects.get(title="Своё фото")
    for name in ("wagtailimages:delete", "wagtailimages:delete_multiple"):
        response = client.post(reverse(name, args=[image.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert get_image_model().objects.filter(pk=image.pk).exists()


def test_the_edit_page_offers_delete_only_to_those_who_may(client, staff):
    client.force_login(staff.editor)
    upload_image(client, "Фото")
    image = get_image_model().objects.get(title="Фото")
    delete_url = reverse("wagtailimages:delete", args=[image.pk])
    edit_url = reverse("wagtailimages:edit", args=[image.pk])
    editor_page = client.get(edit_url)
    assert editor_page.status_code == 200
    assert delete_url not in editor_page.content.decode()
    client.force_login(staff.moderator)
    assert delete_url in client.get(edit_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not get_image_model().objects.filter(pk=image.pk).exists()
