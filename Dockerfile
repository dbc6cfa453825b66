# Production image: gunicorn serving Django/Wagtail, static files via whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/venv \
    PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=site_project.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libjpeg62-turbo zlib1g postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 1000 kmpress

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY --chown=kmpress:kmpress . .
# collectstatic needs a key and hosts only to import settings; none is baked in.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages --ignore=/venv -v0 \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0

USER kmpress
EXPOSE 8000
CMD ["gunicorn", "site_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
