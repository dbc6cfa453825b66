"""Media on S3-compatible object storage, against a real SeaweedFS.

Originals, renditions and documents go to the bucket; images are public
(plain URLs anyone may fetch and cache), documents private (Wagtail's serve
view checks rights, then redirects to a signed URL that expires). A storage
that is down or has no bucket is an admin error message on upload and never
breaks a reader's page.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from core.storage import MediaStorage
from tests.factories import ImageFactory, NewsPageFactory
from tests.newsroom_support import make_staff
from tests.seaweed_support import running_weed, s3_media, seaweed, use_bucket

__all__ = ["s3_media", "seaweed"]  # fixtures

pytestmark = pytest.mark.django_db

# The admin speaks Russian by default (core.storage.UNAVAILABLE_MESSAGE).
UNAVAILABLE = "Хранилище медиафайлов недоступно"


@pytest.fixture
def staff():
    return make_staff()


def fetch(url: str) -> tuple[int, bytes]:
    """An anonymous HTTP GET, as a reader's browser would make it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def upload_image(client, title: str):
    png = get_test_image_file().file.getvalue()
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("karer.png", png, "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    return response, png


def upload_document(client, title: str, body: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("prikaz.txt", body, "text/plain"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def cover_src(html: str) -> str | None:
    img = BeautifulSoup(html, "html.parser").select_one(".article__cover img")
    return img["src"] if img else None


def test_the_default_storage_is_the_bucket(s3_media):
    assert default_storage.bucket_name == s3_media
    assert isinstance(default_storage._wrapped, MediaStorage)


def test_an_image_uploaded_in_the_admin_is_stored_in_the_bucket(
    client, staff, s3_media, seaweed
):
    client.force_login(staff.moderator)
    response, png = upload_image(client, "Карьер")
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Карьер")
    assert image.file.name.startswith("original_images/")
    assert image.file.name in seaweed.keys(s3_media)
    assert seaweed.read(s3_media, image.file.name) == png
    assert not (django_settings.MEDIA_ROOT / image.file.name).exists()


def test_a_page_renders_a_rendition_from_the_bucket_that_anyone_can_fetch(
    client, tree, s3_media, seaweed
):
    image = ImageFactory()
    article = NewsPageFactory(parent=tree.section_ru, cover_image=image)
    response = client.get(article.url)
    assert response.status_code == 200
    src = cover_src(response.content.decode())
    assert src.startswith(f"{seaweed.endpoint}/{s3_media}/images/")
    assert "X-Amz-Signature" not in src
    rendition = next(r for r in image.renditions.all() if src.endswith(r.file.name))
    assert rendition.file.name in seaweed.keys(s3_media)
    status, body = fetch(src)
    assert status == 200
    assert body == seaweed.read(s3_media, rendition.file.name)


def test_the_page_allows_images_from_the_bucket_in_its_csp(client, tree, s3_media):
    response = client.get(tree.home_ru.url)
    assert (
        seaweed_origin(django_settings.MEDIA_URL) in response["Content-Security-Policy"]
    )


def seaweed_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_the_article_shares_the_bucket_url_of_its_cover(client, tree, s3_media):
    article = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    html = client.get(article.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    og = soup.select_one('meta[property="og:image"]')
    cover = soup.select_one(".article__cover img")
    # The largest JPEG the page's <picture> offers (news.models.COVER_RENDITION).
    assert og["content"] == cover["srcset"].split(", ")[-1].split(" ")[0]
    assert og["content"].startswith(cover_src(html).split("/images/")[0])


def test_a_document_is_stored_privately_and_served_through_a_signed_url(
    client, staff, s3_media, seaweed
):
    client.force_login(staff.moderator)
    assert upload_document(client, "Приказ", b"confidential order").status_code == 302
    document = get_document_model().objects.get(title="Приказ")
    assert document.file.name in seaweed.keys(s3_media)
    client.logout()

    served = client.get(document.url)
    assert served.status_code == 302
    assert "no-store" in served["Cache-Control"]
    signed = served["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    assert fetch(signed) == (200, b"confidential order")

    unsigned = signed.split("?")[0]
    assert fetch(unsigned)[0] == 403
    tampered = signed.replace(
        query["X-Amz-Signature"][0], "0" * len(query["X-Amz-Signature"][0])
    )
    assert fetch(tampered)[0] == 403


def test_an_expired_document_url_is_refused(client, staff, s3_media):
    client.force_login(staff.moderator)
    upload_document(client, "Приказ", b"confidential order")
    document = get_document_model().objects.get(title="Приказ")
    short_lived = default_storage.url(document.file.name, expire=1)
    time.sleep(2.5)
    status, body = fetch(short_lived)
    assert status == 403
    assert b"expired" in body.lower()


def test_a_restricted_document_sends_a_reader_to_log_in_not_to_the_bucket(
    client, staff, s3_media
):
    """Wagtail's privacy check runs before the redirect to the signed URL."""
    root = Collection.get_first_root_node()
    private = root.add_child(name="Бухгалтерия")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model().objects.create(
        title="Зарплаты",
        collection=private,
        file=SimpleUploadedFile("zarplaty.txt", b"salaries"),
    )
    served = client.get(document.url)
    assert served.status_code == 302
    assert "X-Amz-Signature" not in served["Location"]
    assert s3_media not in served["Location"]


def test_nothing_is_served_from_media_root_while_media_are_on_s3(
    client, settings, tmp_path, s3_media
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "left-behind.jpg").write_bytes(b"old")
    assert client.get("/media/images/left-behind.jpg").status_code == 404


def test_setting_up_the_bucket_twice_is_harmless(s3_media, seaweed):
    call_command("setup_media_storage", verbosity=0)
    assert seaweed.client().head_bucket(Bucket=s3_media)


# Storage away: a server of the test's own, really stopped.


@pytest.fixture
def stoppable_weed(tmp_path):
    with running_weed(tmp_path / "weed") as weed:
        yield weed


@pytest.fixture
def stoppable_media(settings, monkeypatch, stoppable_weed):
    bucket = stoppable_weed.bucket_name()
    use_bucket(settings, monkeypatch, stoppable_weed, bucket)
    return bucket


def test_an_upload_while_the_storage_is_stopped_is_a_form_error(
    client, staff, stoppable_weed, stoppable_media
):
    client.force_login(staff.moderator)
    stoppable_weed.stop()
    response, _png = upload_image(client, "Карьер")
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    assert not get_image_model().objects.filter(title="Карьер").exists()
    response = upload_document(client, "Приказ", b"order")
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()


def test_an_upload_to_a_missing_bucket_is_a_form_error(
    client, staff, s3_media, seaweed
):
    client.force_login(staff.moderator)
    seaweed.client().delete_bucket(Bucket=s3_media)
    response, _png = upload_image(client, "Карьер")
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()


def test_a_storage_that_refuses_the_write_itself_is_a_message_not_a_500(
    client, staff, settings, s3_media, seaweed
):
    """The form's check passes (the bucket answers), the save is refused."""
    reader, secret = seaweed.reader_keys
    options = {**settings.STORAGES["default"]["OPTIONS"]}
    options.update(access_key=reader, secret_key=secret)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": options},
    }
    client.force_login(staff.moderator)
    response, _png = upload_image(client, "Карьер")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailimages:add")
    shown = client.get(response["Location"]).content.decode()
    assert UNAVAILABLE in shown
    assert not get_image_model().objects.filter(title="Карьер").exists()
    assert seaweed.keys(s3_media) == []


def test_the_multiple_upload_says_the_storage_is_down(
    client, staff, stoppable_weed, stoppable_media
):
    client.force_login(staff.moderator)
    stoppable_weed.stop()
    png = get_test_image_file().file.getvalue()
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("karer.png", png, "image/png")},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert UNAVAILABLE in response.json()["error_message"]


def test_reader_pages_stay_up_while_the_storage_is_stopped(
    client, tree, stoppable_weed, stoppable_media
):
    """A rendition made before: its URL still; one never made: no cover."""
    rendered = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    before = cover_src(client.get(rendered.url).content.decode())
    never_rendered = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    stoppable_weed.stop()

    again = client.get(rendered.url)
    assert again.status_code == 200
    assert cover_src(again.content.decode()) == before
    response = client.get(never_rendered.url)
    assert response.status_code == 200
    assert cover_src(response.content.decode()) is None
    for page in (tree.home_ru, tree.section_ru):
        assert client.get(page.url).status_code == 200
