from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def article_moved(sender, instance, **kwargs):
    """Wagtail saves a moved page as a plain ``Page`` (MovePageAction): the
    section an article is listed under follows its new path here."""
    from .models import ArticlePage, section_of

    if not issubclass(sender, ArticlePage):
        return
    ArticlePage.objects.filter(pk=instance.pk).update(
        section_id=section_of(instance.path)
    )


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from wagtail.signals import post_page_move

        from core.caching.signals import watch

        from .models import Author

        watch(Author)
        post_page_move.connect(article_moved, dispatch_uid="news-article-moved")
