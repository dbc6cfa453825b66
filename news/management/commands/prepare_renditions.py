"""Draws the renditions reader pages will ask of articles' covers.

The worker runs it every tick (``--limit`` images at most, newest first), so
a cover uploaded while an article is written is ready when it is published;
run it by hand after importing many images (without ``--limit``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from news.renditions import COVER_IMAGE_SPECS, covers_missing_renditions, prepare


class Command(BaseCommand):
    help = (
        "Draw the renditions of articles' cover images that reader pages ask for "
        f"({len(COVER_IMAGE_SPECS)} each), newest first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=0,
            metavar="N",
            help="At most N images this run (default: all that lack one).",
        )

    def handle(self, *args, limit: int = 0, **options):
        if limit < 0:
            raise CommandError("--limit cannot be negative.")
        missing = covers_missing_renditions()
        waiting = missing.count()
        images = missing[:limit] if limit else missing
        started = time.monotonic()
        done = failed = drawn = 0
        for image, result in prepare(images):
            if isinstance(result, Exception):
                failed += 1
                self.stderr.write(
                    f"Image {image.pk} «{image.title}»: original unreadable "
                    f"({result.__class__.__name__}: {result}); skipped."
                )
                continue
            done += 1
            drawn += result
            if options["verbosity"] >= 2:
                self.stdout.write(f"Image {image.pk} «{image.title}»: {result} drawn.")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Covers: {done} prepared ({drawn} renditions) in {seconds:.1f} s, "
            f"{failed} unreadable, {max(waiting - done - failed, 0)} left for later."
        )
