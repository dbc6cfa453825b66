from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "translations"
    verbose_name = _("Translations")

    def ready(self):
        from . import sanitiser, slugs
        from .sync import native_language_names, register_signal_handlers

        register_signal_handlers()
        sanitiser.register_signal_handlers()
        slugs.register_signal_handlers()
        native_language_names()
