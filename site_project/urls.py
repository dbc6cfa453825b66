from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import media, router, sitemaps
from news.feeds import ArticlesFeed
from newsroom.login_guard import UnlockingPasswordResetConfirmView
from seo import views as seo_views

# A database outage is a 503 with Retry-After, other errors Django's 500.
handler500 = "site_project.errors.server_error"

urlpatterns = [
    # Ahead of Wagtail's own view on the same path (see newsroom.login_guard).
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        UnlockingPasswordResetConfirmView.as_view(),
        name="newsroom_password_reset_confirm",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view, marked uncacheable (core.media.serve_document).
    re_path(r"^documents/(\d+)/(.*)$", media.serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("news-sitemap.xml", seo_views.news_sitemap, name="news_sitemap"),
    path("robots.txt", seo_views.robots_txt, name="robots_txt"),
    path("manifest.webmanifest", seo_views.web_manifest, name="web_manifest"),
    path("favicon.ico", seo_views.favicon, name="favicon"),
]

# One machine without object storage: public media from MEDIA_ROOT, in
# production as in development (core.media; a 404 when media are on S3).
urlpatterns.append(re_path(r"^media/(?P<path>.*)$", media.serve, name="media"))

urlpatterns += i18n_patterns(
    path("search/", include("search.urls")),
    path("questions/", include("questions.urls")),
    path("feed/", ArticlesFeed(), name="feed"),
    path("feed/<str:section>/", ArticlesFeed(), name="section_feed"),
    # Wagtail's own _util/ views (page passwords, front-end login) come next.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", router.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
