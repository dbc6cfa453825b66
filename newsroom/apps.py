from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from . import translation_sanitiser
        from .translation_sync import native_language_names, register_signal_handlers

        register_signal_handlers()
        translation_sanitiser.register_signal_handlers()
        native_language_names()
