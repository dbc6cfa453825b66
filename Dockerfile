# Production image: gunicorn serving Django/Wagtail, static files via whitenoise.
# Two stages: the build stage installs the locked dependencies (bytecode
# compiled), compiles the catalogues and collects static files; the runtime
# stage copies /venv and /app, owned by root so the app (uid 1000) cannot
# rewrite its own code. .dockerignore keeps .env, databases, .git and caches out.

FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/venv \
    PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=site_project.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# collectstatic needs a key and hosts only to import settings; none is baked in.
# The app's own bytecode too: the runtime user cannot write __pycache__.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages --ignore=/venv -v0 \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q -j 0 -x '/app/staticfiles/' /app

FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=site_project.settings.production

# postgresql-client: pg_dump/pg_restore for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 kmpress

# Root-owned: code, dependencies and collected static files are read-only to the app.
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
# Uploads (until media live in object storage): the named volume mounted here
# takes this directory's owner, so it must exist and belong to the app user.
RUN mkdir -p /app/media && chown kmpress:kmpress /app/media

USER kmpress
EXPOSE 8000
# Liveness only (no I/O, core.health); /readyz reports the services.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "site_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
