"""Prepares the media bucket: created when missing, images readable by anyone.

Idempotent; the deploy's one-shot job runs it after ``migrate``. Without
S3 settings it says so and does nothing (media stay in MEDIA_ROOT).
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from core.storage import PUBLIC_PREFIXES, MediaStorage


class Command(BaseCommand):
    help = "Create the S3 media bucket if needed and make its images public-read."

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, MediaStorage):
            self.stdout.write("No S3 media storage configured: media stay on disk.")
            return
        try:
            created = storage.set_up_bucket()
        except (BotoCoreError, ClientError) as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
            raise CommandError(
                f"Media bucket {storage.bucket_name!r} could not be set up: "
                f"{type(error).__name__} {code}".strip()
            ) from error
        verb = "created" if created else "found"
        self.stdout.write(
            f"Media bucket {storage.bucket_name!r} {verb}; public read: "
            + ", ".join(PUBLIC_PREFIXES)
        )
