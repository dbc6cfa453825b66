from wagtail import hooks

from .media_guards import guard_bulk_delete, media_urls
from .panels import construct_panels
from .review_comparison import offer_comparison


@hooks.register("register_admin_urls", order=-100)
def register_media_guards():
    """Image and document deletion as roles.py declares it (see media_guards)."""
    return media_urls()


hooks.register("before_bulk_action", guard_bulk_delete)


@hooks.register("construct_homepage_panels")
def add_newsroom_panels(request, panels):
    construct_panels(request, panels)


hooks.register("before_edit_page", offer_comparison)
