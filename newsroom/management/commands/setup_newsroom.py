"""Creates the newsroom's groups and workflows; reports drift, fixes it on request."""

from django.core.management.base import BaseCommand

from newsroom.roles import Newsroom


class Command(BaseCommand):
    help = (
        "Create the newsroom groups (Корреспонденты, Выпускающие редакторы, "
        "Переводчики, Главный редактор) and the review workflows of both "
        "trees. Existing groups and workflows that differ are reported, and "
        "changed only with --fix."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Make existing groups and workflows match the declaration.",
        )

    def handle(self, *args, **options):
        report = Newsroom().sync(fix=options["fix"])
        for note in report.skipped:
            self.stdout.write(self.style.WARNING(note))
        if options["verbosity"] >= 1:
            for item in report.created:
                self.stdout.write(f"Created {item}.")
        if report.drift:
            heading = (
                "Fixed these differences (+ added, - removed):"
                if report.fixed
                else "Drift from the declared roles (+ missing, - extra); "
                "nothing changed, run with --fix to apply:"
            )
            self.stdout.write(self.style.WARNING(heading))
            for difference in report.drift:
                self.stdout.write(str(difference))
        if not report.created and not report.drift:
            if options["verbosity"] >= 1:
                self.stdout.write("Newsroom roles and workflows: no changes.")
        elif report.changed and options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS("Newsroom roles and workflows are set up.")
            )
