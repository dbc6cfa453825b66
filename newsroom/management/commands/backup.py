"""``manage.py backup``: the database and the media in one archive (newsroom.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from newsroom.backup import create_backup, default_output


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) holding the database (pg_dump, or a copy of "
        "the SQLite file), every file of the media storage and a manifest with "
        "their checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: kmpress-backup-<UTC time>.tar.gz here).",
        )

    def handle(self, *args, **options):
        create_backup(options["output"] or default_output(), self.stdout.write)
