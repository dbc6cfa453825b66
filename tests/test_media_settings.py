"""Where media live: MEDIA_ROOT unset, an S3 bucket when S3_* (or AWS_*) name one."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.storage import MediaStorage
from tests.settings_support import base_settings_reloader

S3_NAMES = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION",
    "S3_PUBLIC_URL",
    "S3_ADDRESSING",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_REGION_NAME",
    "AWS_DEFAULT_REGION",
    "AWS_S3_ADDRESSING_STYLE",
)


@pytest.fixture
def reload_base(monkeypatch):
    with base_settings_reloader(monkeypatch, S3_NAMES) as reload:
        yield reload


SEAWEED = {
    "S3_BUCKET": "media",
    "S3_ENDPOINT_URL": "http://seaweedfs:8333",
    "S3_ACCESS_KEY_ID": "kmpress-access",
    "S3_SECRET_ACCESS_KEY": "kmpress-very-secret",
}


def test_without_a_bucket_media_stay_on_disk_and_documents_stream(reload_base):
    settings = reload_base()
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert settings.MEDIA_URL == "/media/"
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_a_bucket_puts_every_media_file_on_s3_and_documents_behind_a_redirect(
    reload_base,
):
    settings = reload_base(**SEAWEED)
    storage = settings.STORAGES["default"]
    assert storage["BACKEND"] == "core.storage.MediaStorage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "media"
    assert options["endpoint_url"] == "http://seaweedfs:8333"
    assert options["region_name"] == "us-east-1"
    assert options["addressing_style"] == "path"
    assert options["public_url"] == "http://seaweedfs:8333/media/"
    assert options["file_overwrite"] is False
    # The page's CSP allows images from there (site_project.security_headers).
    assert settings.MEDIA_URL == "http://seaweedfs:8333/media/"
    assert settings.WAGTAILDOCS_SERVE_METHOD == "redirect"
    assert isinstance(MediaStorage(**options), MediaStorage)


def test_a_public_url_puts_images_behind_a_cdn(reload_base):
    settings = reload_base(**SEAWEED, S3_PUBLIC_URL="https://media.kmpress.example")
    options = settings.STORAGES["default"]["OPTIONS"]
    assert options["public_url"] == "https://media.kmpress.example/"
    storage = MediaStorage(**options)
    assert storage.url("images/photo.width-600.jpg") == (
        "https://media.kmpress.example/images/photo.width-600.jpg"
    )
    signed = storage.url("documents/prikaz.pdf")
    assert signed.startswith("http://seaweedfs:8333/media/documents/prikaz.pdf?")
    assert "X-Amz-Signature=" in signed


def test_aws_names_are_accepted_and_aws_gets_its_own_bucket_url(reload_base):
    settings = reload_base(
        AWS_STORAGE_BUCKET_NAME="kmpress-media",
        AWS_ACCESS_KEY_ID="aws-access",
        AWS_SECRET_ACCESS_KEY="aws-secret",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_S3_ADDRESSING_STYLE="virtual",
    )
    options = settings.STORAGES["default"]["OPTIONS"]
    assert options["bucket_name"] == "kmpress-media"
    assert options["access_key"] == "aws-access"
    assert options["endpoint_url"] is None
    assert options["public_url"] == (
        "https://kmpress-media.s3.eu-central-1.amazonaws.com/"
    )


def test_virtual_addressing_on_an_endpoint_puts_the_bucket_in_the_host(reload_base):
    settings = reload_base(**SEAWEED, S3_ADDRESSING="virtual")
    options = settings.STORAGES["default"]["OPTIONS"]
    assert options["public_url"] == "http://media.seaweedfs:8333/"


def test_an_unknown_addressing_style_is_refused_without_printing_the_keys(
    reload_base,
):
    with pytest.raises(ImproperlyConfigured) as refused:
        reload_base(**SEAWEED, S3_ADDRESSING="sideways")
    assert "S3_ADDRESSING" in str(refused.value)
    assert "kmpress-very-secret" not in str(refused.value)
    assert "kmpress-access" not in str(refused.value)
