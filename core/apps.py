from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site core")

    def ready(self):
        from django.core import checks

        from .caching.frontend import check_frontend_caches
        from .caching.signals import register_signal_handlers

        register_signal_handlers()
        checks.register(check_frontend_caches)
