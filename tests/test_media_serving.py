"""One machine without object storage: /media/ served by Django, cacheable.

With ``DEBUG`` off nothing else serves MEDIA_ROOT (core.media.serve): public
media (original images and renditions) come with cache headers, conditional
GET and byte ranges; documents never (Wagtail's serve view checks rights), and
no path reaches outside MEDIA_ROOT.
"""

from __future__ import annotations

import os

import pytest
from django.utils.http import http_date

pytestmark = pytest.mark.django_db

PICTURE = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    (root / "images").mkdir(parents=True)
    (root / "original_images").mkdir()
    (root / "documents").mkdir()
    (root / "images" / "photo.width-600.jpg").write_bytes(PICTURE)
    (root / "original_images" / "photo.jpg").write_bytes(PICTURE)
    (root / "documents" / "salaries.pdf").write_bytes(b"%PDF private")
    (tmp_path / "secret.txt").write_text("outside MEDIA_ROOT")
    settings.MEDIA_ROOT = root
    settings.MEDIA_CACHE_SECONDS = 86400
    return root


def test_debug_is_off_in_these_tests(settings):
    assert settings.DEBUG is False


def test_a_rendition_is_served_with_cache_headers(client, media_root):
    response = client.get("/media/images/photo.width-600.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PICTURE
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(PICTURE))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=86400"}
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert response["Accept-Ranges"] == "bytes"


def test_an_original_image_is_served_too(client, media_root):
    response = client.get("/media/original_images/photo.jpg")
    assert response.status_code == 200


def test_a_matching_etag_gets_304_with_no_body(client, media_root):
    etag = client.get("/media/images/photo.width-600.jpg")["ETag"]
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"if-none-match": etag}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "max-age=86400" in response["Cache-Control"]


def test_an_unchanged_file_since_a_date_gets_304(client, media_root):
    mtime = os.stat(media_root / "images" / "photo.width-600.jpg").st_mtime
    response = client.get(
        "/media/images/photo.width-600.jpg",
        headers={"if-modified-since": http_date(mtime + 1)},
    )
    assert response.status_code == 304


def test_a_changed_file_is_sent_again(client, media_root):
    path = media_root / "images" / "photo.width-600.jpg"
    etag = client.get("/media/images/photo.width-600.jpg")["ETag"]
    path.write_bytes(PICTURE[:100])
    os.utime(path, (1_900_000_000, 1_900_000_000))
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"if-none-match": etag}
    )
    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023), ("bytes=-4", 1020, 1023)],
)
def test_a_byte_range_gets_206_with_those_bytes(
    client, media_root, header, first, last
):
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"range": header}
    )
    assert response.status_code == 206
    assert response.content == PICTURE[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(PICTURE)}"


def test_a_range_past_the_end_is_clamped_to_the_file(client, media_root):
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"range": "bytes=1000-99999"}
    )
    assert response.status_code == 206
    assert response.content == PICTURE[1000:]


@pytest.mark.parametrize(
    "header",
    ["bytes=1024-", "bytes=99999999999999999999999999999-", "bytes=9-2", "bytes=-0"],
)
def test_an_unsatisfiable_range_is_416(client, media_root, header):
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"range": header}
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PICTURE)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "lines=1-2", "bytes=abc"])
def test_a_range_we_do_not_serve_gets_the_whole_file(client, media_root, header):
    response = client.get(
        "/media/images/photo.width-600.jpg", headers={"range": header}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PICTURE


def test_a_range_for_an_older_version_gets_the_whole_file(client, media_root):
    response = client.get(
        "/media/images/photo.width-600.jpg",
        headers={"range": "bytes=0-9", "if-range": '"not-this-one"'},
    )
    assert response.status_code == 200


def test_documents_are_never_served_from_media(client, media_root):
    """Only Wagtail's document view, after its privacy checks, serves them."""
    assert client.get("/media/documents/salaries.pdf").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/../documents/salaries.pdf",
        "/media/images/../../secret.txt",
        "/media/images/%2e%2e/%2e%2e/secret.txt",
        "/media/images%2f..%2f..%2fsecret.txt",
        "/media//etc/passwd",
        "/media/images//etc/passwd",
        "/media/images/%00photo.jpg",
        "/media/images\\..\\..\\secret.txt",
        "/media/images/",
        "/media/images",
        "/media/",
        "/media/images/missing.jpg",
    ],
)
def test_hostile_or_missing_paths_are_404(client, media_root, path):
    assert client.get(path).status_code == 404


def test_a_symlink_out_of_media_root_is_404(client, media_root):
    (media_root / "images" / "link.jpg").symlink_to(media_root.parent / "secret.txt")
    assert client.get("/media/images/link.jpg").status_code == 404


def test_writing_to_media_is_not_allowed(client, media_root):
    assert client.post("/media/images/photo.width-600.jpg").status_code == 405
