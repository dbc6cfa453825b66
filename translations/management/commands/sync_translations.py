"""Keeps the Kazakh tree complete: kk synchronised from ru, nothing missing.

Idempotent. Sets up wagtail-localize's locale synchronisation (kk from ru),
gives every Russian page without a Kazakh counterpart one, and turns aliases
that mirror live Russian pages into untranslated drafts (see
translations.sync). setup_newsroom (and so seed_demo) runs it first.
"""

from django.core.management.base import BaseCommand

from translations.sync import ensure_locale_synchronisation, synchronise_trees


class Command(BaseCommand):
    help = "Synchronise kk from ru: every page gets a Kazakh counterpart (idempotent)."

    def handle(self, *args, **options):
        for change in ensure_locale_synchronisation():
            self.stdout.write(f"Set up: {change}")
        converted = synchronise_trees()
        if converted:
            self.stdout.write(
                self.style.SUCCESS(f"{converted} untranslated drafts created.")
            )
        elif options["verbosity"] > 1:
            self.stdout.write("Every page already has its Kazakh counterpart.")
