"""Writes the beacon's counts to the database and refreshes «Most read».

The worker runs it every ``KMPRESS_MOST_READ_FLUSH_SECONDS`` (news.most_read).
"""

from django.core.management.base import BaseCommand

from news import most_read


class Command(BaseCommand):
    help = (
        "Write yesterday's and today's reading counts from the cache to the database."
    )

    def handle(self, *args, **options):
        written = most_read.flush()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reading counts written: {written}.")
