"""Oversized images are refused at upload with Wagtail's message, never a 500.

A 20000×20000 PNG of a few kilobytes made Pillow raise its decompression-bomb
error inside Wagtail's form (500), and an 11000×11000 one passed Wagtail's
default limit and cost over a gigabyte to render. Every upload path of the
admin (image add, multiple upload, the chooser's upload tab) says how many
pixels the file has and how many are allowed, in the editor's language.
"""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db

MESSAGES = {
    "ru": "В этом файле слишком много пикселей (400000000). "
    "Максимум пикселей 40000000.",
    "kk": "Бұл файлда пиксель тым көп (400000000). Ең көбі 40000000 пиксель.",
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def blank_png(width: int, height: int) -> bytes:
    """A black 1-bit PNG, compressed row by row: kilobytes on disk, any size."""
    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return blank_png(20000, 20000)


@pytest.fixture
def editor(admin_user, request):
    """The superuser, reading the admin in the language the test names."""
    language = getattr(request, "param", "ru")
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    return admin_user, language


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_decompression_bomb_is_small_on_disk(bomb):
    assert len(bomb) < 200_000


@pytest.mark.parametrize("editor", ["ru", "kk"], indirect=True)
def test_the_image_form_refuses_a_decompression_bomb_in_the_editors_language(
    client, editor, bomb
):
    user, language = editor
    client.force_login(user)
    started = time.monotonic()
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Бомба", "file": upload("bomb.png", bomb)},
    )
    assert response.status_code == 200
    assert MESSAGES[language] in response.content.decode()
    assert time.monotonic() - started < 5
    assert not get_image_model().objects.exists()


def test_the_image_form_refuses_what_renders_in_a_gigabyte(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "Панорама", "file": upload("wide.png", blank_png(11000, 11000))},
    )
    assert response.status_code == 200
    assert "слишком много пикселей (121000000)" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_answers_the_bomb_with_the_message(admin_client, bomb):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("bomb.png", bomb)},
    )
    assert response.status_code == 200
    assert response.json() == {"success": False, "error_message": MESSAGES["ru"]}
    assert not get_image_model().objects.exists()


def test_the_choosers_upload_tab_answers_the_bomb_with_the_message(admin_client, bomb):
    response = admin_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Бомба",
            "image-chooser-upload-file": upload("bomb.png", bomb),
        },
    )
    assert response.status_code == 200
    assert MESSAGES["ru"] in response.json()["htmlFragment"]
    assert not get_image_model().objects.exists()


def test_an_ordinary_photo_still_uploads(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("photo.png", small_png())},
    )
    assert response.json()["success"] is True
    assert get_image_model().objects.get().width == 640
