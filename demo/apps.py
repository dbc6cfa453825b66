from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newspaper and its ``seed_demo`` command; nothing imports it."""

    name = "demo"
