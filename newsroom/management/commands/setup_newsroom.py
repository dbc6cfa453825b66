"""Creates the newsroom's groups and workflows; reports drift, fixes it on request.

First synchronises kk from ru (``sync_translations``), so a deploy that runs
this once has a Kazakh counterpart for every Russian page, the Kazakh home
page included, and the roles and workflows of both trees hang on them.
Last, the default site's address follows WAGTAILADMIN_BASE_URL
(``newsroom/site_address.py``), so admin previews reach the public host.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsroom.roles import Newsroom
from newsroom.site_address import sync_site_address


class Command(BaseCommand):
    help = (
        "Synchronise kk from ru (sync_translations), then create the newsroom "
        "groups (Корреспонденты, Выпускающие редакторы, Переводчики, Главный "
        "редактор) and the review workflows of both trees. Existing "
        "groups and workflows that differ (and Wagtail's default groups' page "
        "permissions and root workflow) are reported, and changed only with "
        "--fix. The default site's host and port follow WAGTAILADMIN_BASE_URL "
        "(set while still Wagtail's localhost:80, otherwise reported)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Make existing groups and workflows match the declaration.",
        )

    def handle(self, *args, **options):
        call_command(
            "sync_translations", verbosity=options["verbosity"], stdout=self.stdout
        )
        report = Newsroom().sync(fix=options["fix"])
        sync_site_address(report, fix=options["fix"])
        for note in report.skipped:
            self.stdout.write(self.style.WARNING(note))
        if options["verbosity"] >= 1:
            for item in report.created:
                self.stdout.write(f"Created {item}.")
        self.write_drift(report, options["verbosity"])
        if not report.created and not report.drift:
            if options["verbosity"] >= 1:
                self.stdout.write("Newsroom roles and workflows: no changes.")
        elif report.changed and options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS("Newsroom roles and workflows are set up.")
            )

    def write_drift(self, report, verbosity: int) -> None:
        if not report.drift:
            return
        if report.fixed and report.created:
            # A first set-up: Wagtail's default groups and root workflow are
            # expected to differ; one line, not a block that reads as a repair.
            if verbosity >= 1:
                self.stdout.write(
                    f"Applied the declared roles to Wagtail's defaults "
                    f"({len(report.drift)} changes; -v 2 lists them)."
                )
            if verbosity < 2:
                return
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Fixed these differences (+ added, - removed):"
                    if report.fixed
                    else "Drift from the declared roles (+ missing, - extra); "
                    "nothing changed, run with --fix to apply:"
                )
            )
        for difference in report.drift:
            self.stdout.write(str(difference))
