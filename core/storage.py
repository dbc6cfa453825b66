"""Media on S3-compatible object storage: public images, private documents.

``MediaStorage`` is django-storages' S3 backend with two policies in one
bucket. Images (``original_images/``, ``images/``) get plain URLs under
``public_url`` that browsers, Varnish and a CDN may cache; the bucket policy
that ``setup_media_storage`` writes lets anyone read those prefixes and
nothing else. Everything else (documents) gets a signed URL that expires:
Wagtail's serve view checks the reader's rights, then redirects to it.

A storage that is down or has lost its bucket never becomes a 500: every call
that reaches the network raises ``StorageUnavailable`` (an ``OSError``, which
Wagtail's image code already turns into a missing image), the circuit
``STORAGE`` then spares the next calls their timeouts for a few seconds, and
upload forms say so in a field error (``StorageCheckedForm``). Error messages
carry the error's code, never the keys.
"""

from __future__ import annotations

import json
import logging

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage
from django.utils.encoding import filepath_to_uri
from django.utils.functional import empty
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from core.caching.breaker import breaker

logger = logging.getLogger("kmpress.storage")

STORAGE = "media storage"
# Seconds the storage is left alone after a failed call.
REST_SECONDS = 5
# Key prefixes readers fetch without a signature (Wagtail's folders for
# original images and renditions). Documents stay private.
PUBLIC_PREFIXES = ("original_images/", "images/")

UNAVAILABLE_MESSAGE = _(
    "The media storage cannot be reached, so the file was not saved. "
    "Please try again in a few minutes."
)


class StorageUnavailable(OSError):
    """The object storage did not answer, refused us, or has no bucket."""


def is_public(name: str) -> bool:
    return clean_name(name).lstrip("/").startswith(PUBLIC_PREFIXES)


def _describe(error: Exception) -> str:
    """The error's class and S3 code: never its request (which may carry keys)."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "?")
        return f"{type(error).__name__} {code}"
    return type(error).__name__


def _unavailable(error: Exception, action: str) -> StorageUnavailable:
    if breaker.trip(STORAGE, REST_SECONDS):
        logger.warning("Media storage unavailable (%s: %s)", action, _describe(error))
    return StorageUnavailable(f"media storage unavailable ({_describe(error)})")


def _not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}


class MediaStorage(S3Storage):
    """S3 storage: plain URLs for public prefixes, signed ones for the rest."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "public_url": "",
            "timeout": 3.0,
        }

    def __init__(self, **settings):
        super().__init__(**settings)
        if settings.get("client_config") is None:
            # Bounded: a hung storage costs a page one short wait, then the
            # circuit answers at once. botocore's defaults are 60 s and retries.
            self.client_config = Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                retries={"mode": "standard", "total_max_attempts": 2},
                s3={"addressing_style": self.addressing_style},
                signature_version=self.signature_version,
            )

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.public_url and is_public(name) and not parameters:
            key = self._normalize_name(clean_name(name))
            return f"{self.public_url.rstrip('/')}/{filepath_to_uri(key)}"
        return super().url(name, parameters, expire, http_method)

    def _guarded(self, action: str, call, *args):
        if breaker.is_open(STORAGE):
            raise StorageUnavailable("media storage unavailable (resting)")
        try:
            return call(*args)
        except FileNotFoundError:
            raise
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(args[0] if args else "") from error
            raise _unavailable(error, action) from error
        except (BotoCoreError, OSError) as error:
            raise _unavailable(error, action) from error

    def _open(self, name, mode="rb"):
        return self._guarded("open", super()._open, name, mode)

    def _save(self, name, content):
        return self._guarded("save", super()._save, name, content)

    def exists(self, name):
        return self._guarded("exists", super().exists, name)

    def size(self, name):
        return self._guarded("size", super().size, name)

    def delete(self, name):
        """A file left behind in the bucket is harmless; a failed delete is logged."""
        try:
            self._guarded("delete", super().delete, name)
        except (StorageUnavailable, FileNotFoundError):
            logger.warning("Media file %s not deleted: storage unavailable", name)

    def check(self) -> None:
        """Raises ``StorageUnavailable`` unless the bucket answers now."""
        try:
            self._guarded("check", self._head_bucket)
        except FileNotFoundError as missing:
            raise _unavailable(missing, "check: no bucket") from missing

    def _head_bucket(self):
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)

    def public_read_policy(self) -> dict:
        prefix = self._normalize_name("")
        resources = [
            f"arn:aws:s3:::{self.bucket_name}/{prefix}{public}*"
            for public in PUBLIC_PREFIXES
        ]
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicImages",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": resources,
                }
            ],
        }

    def set_up_bucket(self) -> bool:
        """Creates the bucket when missing and lets anyone read the images
        (only the images); True when the bucket was created."""
        client = self.connection.meta.client
        created = False
        try:
            client.head_bucket(Bucket=self.bucket_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in {
                "404",
                "NoSuchBucket",
            }:
                raise
            options = {}
            if self.region_name and self.region_name != "us-east-1":
                options["CreateBucketConfiguration"] = {
                    "LocationConstraint": self.region_name
                }
            client.create_bucket(Bucket=self.bucket_name, **options)
            created = True
        client.put_bucket_policy(
            Bucket=self.bucket_name, Policy=json.dumps(self.public_read_policy())
        )
        breaker.reset(STORAGE)
        return created


class StorageCheckedForm:
    """An upload form that says the storage is down instead of failing on save.

    Wagtail saves the file after the form is valid, in its views, where an
    exception is a 500: a new file is only accepted while the storage answers.
    (A storage that fails between this check and the save is answered by
    ``core.media.StorageUnavailableMiddleware``.) A mixin, ahead of the form.
    """

    def clean(self):
        cleaned_data = super().clean()
        if "file" in self.changed_data and cleaned_data.get("file"):
            try:
                check_default_storage()
            except StorageUnavailable:
                self.add_error("file", UNAVAILABLE_MESSAGE)
        return cleaned_data


def check_default_storage() -> None:
    """Raises ``StorageUnavailable`` when the default storage is S3 and away."""
    if default_storage._wrapped is empty:
        default_storage._setup()
    if isinstance(default_storage._wrapped, MediaStorage):
        default_storage._wrapped.check()
