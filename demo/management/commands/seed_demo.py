"""Loads the bilingual demo newspaper; safe to run again and again.

The content comes from the JSON files in ``demo/data`` (``demo.content``).
Every demo object carries a deterministic ``translation_key`` (a UUID derived
from its key there), so a second run finds what the first
one made and changes nothing, and each Kazakh page is the twin of its Russian
page. ``--articles N`` adds N synthetic articles per language for benchmarks.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText

from core.models import FooterLink
from demo.content import (
    ARTICLE_TYPES,
    DATA_DIR,
    DATE_FORMAT,
    LANGUAGES,
    DemoDataError,
    load,
)
from demo.editions import seed_editions
from demo.images import PALETTES, draw_cover
from demo.questions import seed_questions
from home.models import HomePage, SiteSettings, StandardPage
from linguistics import slugify
from news.models import ArticleAuthor, ArticlePage, ArticleReads, Author, SectionPage

from ._synthetic import SyntheticArticles, analyze
from ._translations import link_demo_translations, link_tag_translations

DEMO_NAMESPACE = uuid.UUID("6f1c2b7e-5d0a-4f51-9a3e-2c8d4b7e9f10")
DEV_ADMIN = ("admin", "changeme")


def demo_key(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


def local_datetime(value: str) -> datetime:
    return timezone.make_aware(datetime.strptime(value, DATE_FORMAT))


class Command(BaseCommand):
    help = "Create the bilingual demo newspaper (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also add N synthetic articles per language (for benchmarks).",
        )
        parser.add_argument(
            "--admin",
            action="store_true",
            help=f"Create the development superuser {DEV_ADMIN[0]!r} if missing.",
        )
        parser.add_argument(
            "--data",
            type=Path,
            default=DATA_DIR,
            metavar="DIR",
            help="Read the demo content from DIR (default: the demo app's data/).",
        )

    def handle(self, *args, **options):
        if options["articles"] < 0:
            raise CommandError("--articles must be zero or a positive number.")
        try:
            self.content = load(options["data"])
        except DemoDataError as error:
            raise CommandError(f"Bad demo data: {error}") from error
        self.created = 0
        with transaction.atomic():
            self.locales = {
                code: Locale.objects.get_or_create(language_code=code)[0]
                for code in LANGUAGES
            }
            self.images = self.seed_images()
            self.seed_site_settings()
            self.authors = self.seed_authors()
            homes = self.seed_homes()
            sections = self.seed_sections(homes)
            self.seed_contacts(homes)
            self.seed_footer_links(sections)
            self.seed_articles(sections)
            seed_editions(
                homes, key=demo_key, publish=self.publish, existing=self.existing
            )
            self.created += seed_questions(sections)
            # The Kazakh twins as wagtail-localize translations (_translations).
            link_demo_translations(
                keys=self.translation_keys(),
                of_models=(Page, SiteSettings, Author, FooterLink),
                source=self.locales["ru"],
                target=self.locales["kk"],
            )
            self.link_demo_tags()
            self.seed_readings()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready: {self.created} objects created.")
            if self.created
            else "Demo content already present: nothing to do."
        )
        if options["admin"]:
            self.ensure_admin()
        # kk synchronised from ru, then the newsroom's roles and review
        # workflows (idempotent). A database this run has just filled gets
        # them exactly as declared (Wagtail's default groups lose their page
        # permissions); on an existing one differences are only reported.
        # It reads every page one by one (wagtail-localize's tree index), so
        # it runs before synthetic articles (twins already, nothing to
        # synchronise) and not at all when a run only adds them: at 10,000
        # articles it alone would take minutes.
        if self.created or not options["articles"]:
            call_command(
                "setup_newsroom",
                fix=bool(self.created),
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
        if options["articles"]:
            SyntheticArticles(
                sections=sections, images=list(self.images.values()), stdout=self.stdout
            ).create(options["articles"])
        elif self.created:
            analyze()  # the synthetic articles' load ends with its own

    # Helpers -----------------------------------------------------------------

    def translation_keys(self) -> list[uuid.UUID]:
        """Every demo object that exists in both languages."""
        keys = ["home", "contacts", "site-settings"]
        keys += [f"section:{entry['key']}" for entry in self.content.sections]
        keys += [f"author:{entry['key']}" for entry in self.content.authors]
        keys += [f"article:{entry['key']}" for entry in self.content.articles]
        keys += [f"footer:{entry['key']}" for entry in self.content.footer_links]
        return [demo_key(key) for key in keys]

    def existing(self, model, key: uuid.UUID, code: str):
        """The ``model`` object under ``key`` in language ``code``, if seeded."""
        return model.objects.filter(
            translation_key=key, locale=self.locales[code]
        ).first()

    def seed_images(self) -> dict:
        image_model = get_image_model()
        collection = Collection.get_first_root_node()
        images = {}
        for motif in PALETTES:
            title = f"kmpress demo: {motif}"
            image = image_model.objects.filter(title=title).first()
            if image is None:
                image = image_model(title=title, collection=collection)
                image.file = ImageFile(
                    _named_bytes(draw_cover(motif), f"demo-{motif}.jpg")
                )
                image.save()
                self.created += 1
            images[motif] = image
        return images

    def seed_site_settings(self) -> None:
        key = demo_key("site-settings")
        for code, values in self.content.site_settings.items():
            locale = self.locales[code]
            if SiteSettings.objects.filter(locale=locale).exists():
                continue
            SiteSettings.objects.create(locale=locale, translation_key=key, **values)
            self.created += 1

    def seed_authors(self) -> dict:
        authors = {}
        for entry in self.content.authors:
            key = demo_key(f"author:{entry['key']}")
            for code in LANGUAGES:
                author = self.existing(Author, key, code)
                if author is None:
                    author = Author.objects.create(
                        translation_key=key, locale=self.locales[code], **entry[code]
                    )
                    self.created += 1
                authors[(entry["key"], code)] = author
        return authors

    def seed_homes(self) -> dict:
        key = demo_key("home")
        root = Page.get_first_root_node()
        homes = {}
        for code in LANGUAGES:
            home = self.existing(HomePage, key, code)
            if home is None:
                values = self.content.home[code]
                home = HomePage(
                    title=values["title"],
                    intro=values["intro"],
                    slug=f"home-{code}",
                    locale=self.locales[code],
                    translation_key=key,
                )
                self.publish(root, home)
            homes[code] = home
        self.point_site_at(homes["ru"])
        return homes

    def point_site_at(self, home: HomePage) -> None:
        """Makes the ru home the site root and removes Wagtail's welcome page."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="kmpress",
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = site.site_name or "kmpress"
            site.save()
        for welcome in Page.objects.filter(depth=2, content_type__model="page"):
            welcome.delete()

    def seed_sections(self, homes: dict) -> dict:
        sections = {}
        for entry in self.content.sections:
            key = demo_key(f"section:{entry['key']}")
            for code in LANGUAGES:
                section = self.existing(SectionPage, key, code)
                if section is None:
                    values = entry[code]
                    section = SectionPage(
                        title=values["title"],
                        intro=values.get("intro", ""),
                        slug=slugify(values["title"]),
                        show_in_menus=True,
                        locale=self.locales[code],
                        translation_key=key,
                    )
                    self.publish(homes[code], section)
                sections[(entry["key"], code)] = section
        return sections

    def seed_contacts(self, homes: dict) -> None:
        key = demo_key("contacts")
        for code in LANGUAGES:
            if self.existing(StandardPage, key, code):
                continue
            values = self.content.contacts[code]
            page = StandardPage(
                title=values["title"],
                intro=values["intro"],
                body=self.stream(values["body"]),
                slug=slugify(values["title"]),
                show_contacts=True,
                show_in_menus=True,
                locale=self.locales[code],
                translation_key=key,
            )
            self.publish(homes[code], page)

    def untranslated_twin(self, key: uuid.UUID, code: str) -> None:
        """A Russian-only article's place in the ``code`` tree: an alias of
        the original, which readers see as the "not translated yet" notice
        (core.twins), as wagtail-localize's synchronised tree makes it."""
        original = self.existing(ArticlePage, key, "ru")
        original.copy_for_translation(self.locales[code], alias=True)
        self.created += 1

    def seed_footer_links(self, sections: dict) -> None:
        """The footer's «Информация» menu: a section or the contacts page."""
        contacts = demo_key("contacts")
        for order, entry in enumerate(self.content.footer_links):
            key = demo_key(f"footer:{entry['key']}")
            for code in LANGUAGES:
                if self.existing(FooterLink, key, code):
                    continue
                page = sections.get((entry["key"], code)) or self.existing(
                    StandardPage, contacts, code
                )
                FooterLink.objects.create(
                    title=entry[code]["title"],
                    link_page=page,
                    sort_order=order,
                    locale=self.locales[code],
                    translation_key=key,
                )
                self.created += 1

    def seed_articles(self, sections: dict) -> None:
        for entry in self.content.articles:
            key = demo_key(f"article:{entry['key']}")
            model = ARTICLE_TYPES[entry["type"]]
            for code in LANGUAGES:
                if self.existing(ArticlePage, key, code):
                    continue
                if code not in entry:
                    self.untranslated_twin(key, code)
                    continue
                values = dict(entry[code])
                tags = values.pop("tags", [])
                date = local_datetime(entry["date"])
                page = model(
                    title=values.pop("title"),
                    slug=slugify(entry[code]["title"]),
                    lead=values.pop("lead"),
                    body=self.stream(values.pop("body")),
                    publication_date=date,
                    first_published_at=date,
                    featured=entry.get("featured", False),
                    cover_image=self.images[entry["image"]],
                    locale=self.locales[code],
                    translation_key=key,
                    **values,
                )
                page.tags.set(tags)
                # Each link is its Russian link's translation: one key for both.
                page.article_authors = [
                    ArticleAuthor(
                        author=self.authors[(author, code)],
                        translation_key=demo_key(f"{entry['key']}:author:{author}"),
                    )
                    for author in entry["authors"]
                ]
                self.publish(sections[(entry["section"], code)], page)

    def link_demo_tags(self) -> None:
        """Each Kazakh demo tag as the translation of its Russian counterpart."""
        for entry in self.content.articles:
            article = ArticlePage.objects.filter(
                translation_key=demo_key(f"article:{entry['key']}"),
                locale=self.locales["ru"],
            ).first()
            if article is not None and "kk" in entry:
                names = dict(zip(entry["ru"]["tags"], entry["kk"]["tags"], strict=True))
                link_tag_translations(
                    article.specific, names, target=self.locales["kk"]
                )

    def seed_readings(self) -> None:
        """Readings of the demo articles over the last days, so that «Most
        read» shows in both languages (news.most_read). Not content: they do
        not count as created objects, and a later run tops up its own days."""
        today = timezone.localdate()
        articles = ArticlePage.objects.filter(
            translation_key__in=self.translation_keys()
        ).order_by("locale_id", "path")
        for number, article in enumerate(articles.values_list("pk", flat=True)):
            for days_ago in range(3):
                ArticleReads.objects.get_or_create(
                    page_id=article,
                    day=today - timedelta(days=days_ago),
                    defaults={"count": (number * 37) % 90 + 5},
                )

    def stream(self, blocks: list) -> list:
        """Demo body tuples → StreamField data, resolving image keys to images."""
        return [
            (block_type, self.block_value(block_type, value))
            for block_type, value in blocks
        ]

    def block_value(self, block_type: str, value):
        if block_type == "paragraph":
            return RichText(value)
        if block_type == "question_answer":
            return {**value, "answer": RichText(value["answer"])}
        if block_type == "image":
            return {**value, "image": self.images[value["image"]]}
        return value

    def publish(self, parent: Page, page: Page) -> None:
        parent.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)
        self.created += 1

    def ensure_admin(self) -> None:
        username, password = DEV_ADMIN
        user_model = get_user_model()
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username, "admin@example.com", password)
            self.stdout.write(f"Created superuser {username!r}.")


def _named_bytes(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer
