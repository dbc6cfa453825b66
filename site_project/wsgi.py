import os

from django.core.wsgi import get_wsgi_application

from site_project.statement_timeout import serve_web

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_project.settings.production")

# Web requests only get a statement timeout: commands never import this module.
serve_web()
application = get_wsgi_application()
