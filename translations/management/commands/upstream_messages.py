"""List (and merge) what a package upgrade changed in the admin's upstream strings.

    python manage.py upstream_messages            # report; exit 1 if anything to do
    python manage.py upstream_messages --write    # merge into locale_upstream/kk
    python manage.py upstream_messages --language ru

Every message a package uses must be translated: for Kazakh all of them, for
Russian those the packages' own Russian catalogues lack (the other Russian
entries override labels that read badly).

New messages are added untranslated, a changed one keeps its old translation
marked fuzzy (with the previous msgid), dropped ones are removed: translate the
entries the report lists, then run compilemessages.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from translations import admin_catalogues as catalogues


class Command(BaseCommand):
    help = "Compare the packages' admin messages with locale_upstream/ (a PO merge)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write",
            action="store_true",
            help="Merge new and changed messages into the Kazakh catalogues.",
        )
        parser.add_argument("--language", default=catalogues.KAZAKH)

    def handle(self, *args, write: bool, language: str, **options):
        to_do = 0
        for domain in catalogues.DOMAINS:
            path = catalogues.upstream_catalogue(language, domain)
            if not path.exists():
                raise CommandError(f"{path} is missing")
            catalogue = catalogues.read(path)
            known = catalogues.used_messages(domain, language=None)
            used = catalogues.used_messages(domain, language)
            comparison = catalogues.compare(used, known, catalogue)
            lines = list(catalogues.describe(comparison))
            name = path.relative_to(catalogues.UPSTREAM_LOCALE)
            self.stdout.write(f"{name}: {len(lines) or 'up to date'}")
            for line in lines:
                self.stdout.write(f"  {line}")
            to_do += len(lines)
            if write and not comparison.clean:
                catalogues.merge(comparison, catalogue)
                catalogue.save(str(path))
                self.stdout.write(f"merged into {path}")
        if to_do and not write:
            raise CommandError(f"{to_do} messages to translate or review")
