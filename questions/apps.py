from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    """«Проблемная зона»: readers' questions, moderated, answered in public."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "questions"
    verbose_name = _("reader questions")

    def ready(self):
        from . import signals  # noqa: F401
