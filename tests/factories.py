"""Factories for the page tree and snippets; tests build only what they need."""

from __future__ import annotations

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Locale

from home.models import HomePage, SiteSettings, StandardPage
from news.models import Author, HistoryPage, InterviewPage, NewsPage, SectionPage


def locale(code: str) -> Locale:
    return Locale.objects.get_or_create(language_code=code)[0]


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Главная"
    slug = factory.Sequence(lambda n: f"home-{n}")
    intro = "Корпоративная газета"

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = "Контакты"
    slug = factory.Sequence(lambda n: f"page-{n}")
    show_in_menus = True

    class Meta:
        model = StandardPage


class SectionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Раздел {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    show_in_menus = True

    class Meta:
        model = SectionPage


class ArticleFactoryMixin(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Статья номер {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lead = "Короткое вступление к статье."
    publication_date = factory.LazyFunction(timezone.now)


class NewsPageFactory(ArticleFactoryMixin, wagtail_factories.PageFactory):
    class Meta:
        model = NewsPage


class InterviewPageFactory(ArticleFactoryMixin, wagtail_factories.PageFactory):
    interviewee = "Айгүл Сейітова"
    interviewee_role = "машинист экскаватора"

    class Meta:
        model = InterviewPage


class HistoryPageFactory(ArticleFactoryMixin, wagtail_factories.PageFactory):
    period = "1965–1975"
    archival_source = "Архив комбината"

    class Meta:
        model = HistoryPage


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Автор {n}")
    position = "корреспондент"
    locale = factory.LazyFunction(lambda: locale("ru"))

    class Meta:
        model = Author


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    newspaper_name = "Костанайские минералы"
    about = "Газета выходит с 2012 года."
    phone = "+7 7143 00-00-00"
    email = "editor@example.kz"
    copyright_holder = "АО «Костанайские минералы»"
    locale = factory.LazyFunction(lambda: locale("ru"))

    class Meta:
        model = SiteSettings


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Фото {n}")
