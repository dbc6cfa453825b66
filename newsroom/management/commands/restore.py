"""``manage.py restore``: an archive of ``manage.py backup`` into this stack."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from core.caching.invalidation import content_changed
from newsroom.backup import pending_migrations, restore_backup


class Command(BaseCommand):
    help = (
        "Check every file of a `manage.py backup` archive against its manifest, "
        "then restore its database into DATABASE_URL and its media into the "
        "media storage, and empty the caches. Refuses a target that holds "
        "content unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database and media storage that already hold content.",
        )
        parser.add_argument(
            "--update-index",
            action="store_true",
            help="Rebuild the search index afterwards (update_index).",
        )

    def handle(self, *args, **options):
        manifest = restore_backup(
            options["archive"], self.stdout.write, force=options["force"]
        )
        # Pages, fragments and layouts cached before the restore show another
        # site: the one invalidation point empties them all (Varnish included).
        content_changed()
        self.stdout.write("Caches emptied.")
        pending = pending_migrations(connection)
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The archive ({manifest['created_at']}) predates {len(pending)} "
                    "migrations of this code: run `manage.py migrate`."
                )
            )
        if options["update_index"]:
            call_command("update_index", verbosity=options["verbosity"])
        else:
            self.stdout.write(
                "Run `manage.py update_index` to rebuild the search index "
                "(Elasticsearch holds nothing of the archive)."
            )
        self.stdout.write(self.style.SUCCESS(f"Restored {options['archive']}."))
