"""The production shape: compose file, Dockerfile and settings that refuse to guess."""

import os
import re
import subprocess
import sys
from pathlib import Path

import redis
import yaml

from tests.embedded import RedisServer

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env: dict) -> subprocess.CompletedProcess:
    """Imports the production settings in a fresh interpreter with ``env``."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="site_project.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_names_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "postgres", "redis", "elasticsearch"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert services["elasticsearch"]["image"].split(":")[-1].startswith("9.")
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:7")
    web_env = services["web"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
        assert name in web_env


def test_compose_redis_is_bounded_and_evicts_the_least_recently_used():
    """Every cache key is disposable; unbounded, a URL flood fills the memory.

    A real redis-server takes compose's options (CONFIG SET refuses an unknown
    or malformed one) and reports the limit and the policy back.
    """
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][
        "redis"
    ]["command"]
    assert command[0] == "redis-server"
    options = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", part) for part in command[1:]]
    server = RedisServer()
    server.start()
    try:
        client = redis.Redis(port=server.port)
        for name, value in zip(options[::2], options[1::2], strict=True):
            client.config_set(name.removeprefix("--"), value)
        config = client.config_get("maxmemory*")
    finally:
        server.stop()
    assert config["maxmemory-policy"] == "allkeys-lru"
    assert 0 < int(config["maxmemory"]) <= 2**30


def test_dockerfile_serves_with_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "USER kmpress" in dockerfile
    assert "gunicorn" in dockerfile


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_settings({"ALLOWED_HOSTS": "gazeta.example.kz"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = run_settings({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_settings_start_when_both_are_given():
    result = run_settings(
        {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "gazeta.example.kz"}
    )
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_deploy_setting():
    example = (ROOT / ".env.example").read_text()
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
    ):
        assert f"{name}=" in example
