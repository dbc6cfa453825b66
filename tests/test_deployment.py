"""The production shape: compose file, Dockerfile and settings that refuse to guess."""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import botocore.exceptions
import pytest
import redis
import yaml
from django.conf import settings
from django.core.management import get_commands

from tests.embedded import (
    HungPort,
    RedisServer,
    database_url,
    free_port,
    wait_until_listening,
    without_services,
)

ROOT = Path(__file__).resolve().parent.parent
WSGI_APPS = {"site_project.wsgi", "site_project.wsgi:application"}
SHELL_OPERATORS = {"&&", "||", ";", "&", "|"}


def run_settings(env: dict) -> subprocess.CompletedProcess:
    """Imports the production settings in a fresh interpreter with ``env``."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="site_project.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        check=False,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


APP_SERVICES = ("web1", "web2", "worker", "migrate")
WEB_NODES = ("web1", "web2")
SERVICE_HOSTS = {
    "DATABASE_URL": "postgres",
    "REDIS_URL": "redis",
    "ELASTICSEARCH_URL": "elasticsearch",
    "S3_ENDPOINT_URL": "seaweedfs",
    "VARNISH_URLS": "varnish",
}


def compose_cli() -> list[str]:
    """A compose CLI (`config` parses and resolves without a Docker daemon)."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    pytest.fail("No compose CLI: run `make compose-cli` (Debian's docker-compose).")


@pytest.fixture(scope="module")
def compose(tmp_path_factory) -> dict:
    """docker-compose.yml as a compose CLI resolves it, with .env.example as .env
    (what the README tells an operator to do first)."""
    project = tmp_path_factory.mktemp("compose")
    shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", project / ".env")
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("S3_", "COMPOSE_"))
    }
    result = subprocess.run(
        [*compose_cli(), "config"],
        cwd=project,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_config_parses_the_file_with_every_production_service(compose):
    assert set(compose["services"]) >= {
        *APP_SERVICES,
        "varnish",
        "postgres",
        "redis",
        "elasticsearch",
        "seaweedfs",
    }
    services = compose["services"]
    assert services["elasticsearch"]["image"].split(":")[-1].startswith("9.")
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:7")
    assert re.fullmatch(r"varnish:7(\.\d+)*", services["varnish"]["image"])
    assert services["seaweedfs"]["image"].startswith("chrislusf/seaweedfs:")


def test_two_web_nodes_serve_with_gunicorn_behind_varnish_only(compose):
    services = compose["services"]
    for node in WEB_NODES:
        command = services[node]["command"]
        argv = command if isinstance(command, list) else shlex.split(command)
        assert gunicorn_problems(argv) == []
        assert "0.0.0.0:8000" in argv
        # Readers reach the nodes through Varnish only.
        assert not services[node].get("ports"), node
    assert [
        str(p["target"]) if isinstance(p, dict) else p.split(":")[-1]
        for p in services["varnish"]["ports"]
    ] == ["80"]


def test_varnish_loads_the_repositorys_vcl_naming_both_web_nodes(compose):
    mounts = compose["services"]["varnish"]["volumes"]
    vcl = [
        mount
        for mount in mounts
        if str(mount).split(":")[1 if isinstance(mount, str) else 0]
        == "/etc/varnish/default.vcl"
        or (isinstance(mount, dict) and mount["target"] == "/etc/varnish/default.vcl")
    ]
    assert len(vcl) == 1, mounts
    mount = vcl[0]
    source = Path(mount["source"] if isinstance(mount, dict) else mount.split(":")[0])
    assert source.name == "default.vcl" and source.parent.name == "varnish"
    # The file the mount names is the one in the repository (deploy/varnish).
    text = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    for node in WEB_NODES:
        assert re.search(
            rf'backend {node} {{[^}}]*\.host = "{node}";[^}}]*\.port = "8000";', text
        ), f"the VCL has no backend {node}:8000"
    assert '.url = "/healthz"' in text


def bind_mount_sources(compose: dict) -> list[Path]:
    """Host paths of every bind mount, relative to the project directory."""
    sources = []
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            source = mount["source"] if isinstance(mount, dict) else mount.split(":")[0]
            if source.startswith(("/", ".")):
                sources.append(Path(source))
    return sources


def test_every_bind_mount_names_a_file_in_the_repository():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    sources = bind_mount_sources(compose)
    assert sources, "varnish mounts its VCL"
    for source in sources:
        assert (ROOT / source).is_file(), f"{source} is not in the repository"


def test_every_long_running_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            continue
        assert service.get("healthcheck", {}).get("test"), name
        assert not service["healthcheck"].get("disable"), name
    for node in WEB_NODES:
        assert "/healthz" in " ".join(compose["services"][node]["healthcheck"]["test"])


def test_web_nodes_and_the_worker_wait_for_the_one_shot_migration(compose):
    services = compose["services"]
    for name in (*WEB_NODES, "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    for node in WEB_NODES:
        assert services["varnish"]["depends_on"][node]["condition"] == (
            "service_healthy"
        )
    migrate = services["migrate"]
    assert migrate.get("restart", "no") == "no"
    script = " ".join(migrate["command"])
    steps = re.findall(r"manage\.py (\w+)", script)
    assert steps[:2] == ["migrate", "setup_newsroom"]
    # update_index after a bounded wait for Elasticsearch (tests/test_compose_stack.py).
    assert steps[-1] == "prepare_search_index"
    # Every step is a command this repository has (the job fails otherwise).
    missing = [step for step in steps if step not in get_commands()]
    assert missing == []
    for name, condition in migrate["depends_on"].items():
        expected = (
            "service_completed_successfully" if "certs" in name else ("service_healthy")
        )
        assert condition == {"condition": expected}, name


def test_every_app_service_gets_the_service_addresses_of_the_stack(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        for variable, host in SERVICE_HOSTS.items():
            assert urlsplit(env[variable]).hostname == host, (name, variable)
        assert env["VARNISH_URLS"] == "http://varnish:80"
        for variable in (
            "S3_BUCKET",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
            "S3_PUBLIC_URL",
        ):
            assert env[variable], (name, variable)
        assert env["DJANGO_SETTINGS_MODULE"] == "site_project.settings.production"
    # seaweedfs accepts exactly the keys the app signs with.
    weed = services["seaweedfs"]["environment"]
    app = services["web1"]["environment"]
    for variable in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        assert weed[variable] == app[variable]
    assert "-s3" in " ".join(services["seaweedfs"]["command"])


def test_compose_speaks_plain_http_and_its_settings_pass_the_deploy_check(
    compose, tmp_path
):
    """The web node's resolved environment (only a real secret key added, and
    Elasticsearch's CA, which compose mounts, as a file here) starts production
    settings with no HTTPS redirect and a clean `check --deploy`."""
    env = {k: str(v) for k, v in compose["services"]["web1"]["environment"].items()}
    assert env.get("TLS_IN_FRONT", "false").lower() in {"", "0", "false", "no", "off"}
    env["SECRET_KEY"] = STRONG_KEY
    if env.get("ELASTICSEARCH_CA_CERTS"):
        (tmp_path / "ca.crt").write_text("the CA compose mounts")
        env["ELASTICSEARCH_CA_CERTS"] = str(tmp_path / "ca.crt")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        check=False,
        cwd=ROOT,
        env=production_env(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert production_value(env, "settings.SECURE_SSL_REDIRECT") is False


def test_one_redis_holds_only_what_may_be_evicted(compose):
    """Sessions, the page-cache debt, the search retry queue and sign-in
    lockouts live in PostgreSQL; tasks run in the process: nothing in Redis
    must survive, so one bounded Redis is enough."""
    redis_services = [
        name
        for name, service in compose["services"].items()
        if service.get("image", "").startswith("redis:")
    ]
    assert redis_services == ["redis"]
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert getattr(
        settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler"
    ) == ("axes.handlers.database.AxesDatabaseHandler")
    tasks = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    assert "redis" not in tasks.lower() and "rq" not in tasks.lower()


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


# --- what the image runs ---------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, as Docker reads them: comment lines
    dropped (inside a continued instruction too), backslash continuations joined."""
    instructions, pending = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        instruction = (pending + line).strip()
        pending = ""
        if instruction:
            keyword, _, arguments = instruction.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def command_argv(arguments: str) -> list[str]:
    """A CMD or ENTRYPOINT as an argv: the JSON (exec) form as written, anything
    else (the shell form, or JSON Docker cannot read) run by ``/bin/sh -c``."""
    if arguments.startswith("["):
        try:
            argv = json.loads(arguments)
        except json.JSONDecodeError:
            argv = None
        if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
            return argv
    return ["/bin/sh", "-c", arguments]


def image_command(dockerfile: str) -> tuple[list[str], str | None, dict[str, str]]:
    """The argv a container of the final stage runs, its user and its ENV."""
    entrypoint: list[str] = []
    cmd: list[str] = []
    user, env = None, {}
    for instruction, arguments in dockerfile_instructions(dockerfile):
        if instruction == "FROM":  # a new stage starts from nothing of ours
            entrypoint, cmd, user, env = [], [], None, {}
        elif instruction == "ENTRYPOINT":
            entrypoint = command_argv(arguments)
        elif instruction == "CMD":
            cmd = command_argv(arguments)
        elif instruction == "USER":
            user = arguments.split(":")[0]
        elif instruction == "ENV":
            env |= dict(part.split("=", 1) for part in shlex.split(arguments))
    return entrypoint + cmd, user, env


def server_argv(argv: list[str]) -> list[str]:
    """The long-running program of a command: the last step of an ``sh -c``
    script (after ``&&``, ``;``…), without ``exec``; otherwise the argv itself."""
    if len(argv) >= 3 and Path(argv[0]).name in {"sh", "bash"} and argv[1] == "-c":
        lexer = shlex.shlex(argv[2], posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        steps: list[list[str]] = [[]]
        for token in lexer:
            if token in SHELL_OPERATORS:
                steps.append([])
            else:
                steps[-1].append(token)
        argv = next((step for step in reversed(steps) if step), [])
    return argv[1:] if argv[:1] == ["exec"] else argv


def gunicorn_problems(argv: list[str]) -> list[str]:
    """Why ``argv`` does not serve site_project.wsgi with gunicorn (empty: it does)."""
    server = server_argv(argv)
    if server[:3] in (["python", "-m", "gunicorn"], ["python3", "-m", "gunicorn"]):
        server = ["gunicorn", *server[3:]]
    if not server or Path(server[0]).name != "gunicorn":
        return [f"the command runs {server[:1] or 'nothing'}, not gunicorn: {argv}"]
    if not WSGI_APPS & set(server[1:]):
        return [f"gunicorn does not serve site_project.wsgi: {server}"]
    return []


def dockerfile_problems(dockerfile: str) -> list[str]:
    argv, user, _env = image_command(dockerfile)
    problems = gunicorn_problems(argv)
    if user != "kmpress":
        problems.append(f"the container runs as {user or 'root'}, not kmpress")
    return problems


GOOD_DOCKERFILE = """FROM python:3.11-slim
RUN useradd kmpress
USER kmpress
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD_DOCKERFILE + 'CMD ["gunicorn", "site_project.wsgi:application"]', ""),
        (GOOD_DOCKERFILE + "CMD exec gunicorn site_project.wsgi -b :8000", ""),
        (
            GOOD_DOCKERFILE + "# gunicorn site_project.wsgi\nCMD python -m http.server",
            "not gunicorn",
        ),
        (
            GOOD_DOCKERFILE + "CMD python manage.py runserver  # not gunicorn",
            "not gunicorn",
        ),
        (GOOD_DOCKERFILE + 'CMD ["gunicorn", "other.wsgi"]', "does not serve"),
        (
            GOOD_DOCKERFILE + 'CMD ["gunicorn", "site_project.wsgi"]\nUSER root',
            "as root",
        ),
        (
            'FROM x\nCMD ["gunicorn", "site_project.wsgi"]\nUSER kmpress\nFROM y',
            "not gunicorn",
        ),
        ('FROM x\nCMD ["gunicorn", "site_project.wsgi"]', "as root"),
    ],
    ids=[
        "exec-form",
        "shell-form",
        "gunicorn-only-in-a-comment",
        "gunicorn-only-in-a-trailing-comment",
        "another-app",
        "root-after-cmd",
        "gunicorn-in-an-earlier-stage",
        "no-user",
    ],
)
def test_the_dockerfile_check_refuses_what_does_not_serve_with_gunicorn(text, problem):
    problems = dockerfile_problems(text)
    if problem:
        assert any(problem in found for found in problems), problems
    else:
        assert problems == []


def test_dockerfile_serves_with_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert dockerfile_problems(dockerfile) == []


@contextmanager
def container_command(tmp_path: Path, **environment: str) -> Iterator[str]:
    """The image's own command, run from .venv on a loopback port.

    The Dockerfile's ENV, production's required variables, a collectstatic
    into tmp_path as the image build does, and the test run's database.
    """
    argv, _user, image_env = image_command((ROOT / "Dockerfile").read_text())
    server = server_argv(argv)
    port = free_port()
    # The image's command line; the address and the worker count are this machine's.
    server[server.index("--bind") + 1] = f"127.0.0.1:{port}"
    server[server.index("--workers") + 1] = "1"
    server[0] = str(Path(sys.executable).parent / "gunicorn")
    env = without_services() | {
        "DJANGO_SETTINGS_MODULE": image_env["DJANGO_SETTINGS_MODULE"],
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "STATIC_ROOT": str(tmp_path / "static"),
        # Its own file caches: the default (named after the database) outlives
        # the run, and another run's pages are not this tree's.
        "CACHE_DIR": str(tmp_path / "cache"),
        **environment,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            server, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        try:
            wait_until_listening(port, process)
        except RuntimeError as error:
            raise AssertionError(f"{error}:\n{log.read_text()}") from None
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, **headers: str) -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_the_dockerfiles_command_serves_pages_with_the_production_settings(
    tree, tmp_path
):
    """The tree is committed so that gunicorn's workers see it."""
    with container_command(tmp_path) as base:
        status, headers, html = get(base + "/ru/")
        # A client cannot claim HTTPS while no TLS proxy is declared.
        claimed = get(base + "/ru/", **{"X-Forwarded-Proto": "https"})
        # Probes come by address, whatever ALLOWED_HOSTS says.
        live = get(base + "/healthz", Host="10.0.0.9:8000")
        ready = get(base + "/readyz", Host="10.0.0.9:8000")
    # Plain HTTP by default (TLS_IN_FRONT unset): served, no redirect, no HSTS.
    assert status == 200
    assert "Strict-Transport-Security" not in headers
    assert tree.home_ru.title in html
    assert claimed[0] == 200
    assert "Strict-Transport-Security" not in claimed[1]
    # A hashed name: production's manifest storage found the file.
    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', html)
    assert (live[0], json.loads(live[2])) == (200, {"status": "ok"})
    assert ready[0] == 200
    assert json.loads(ready[2])["checks"]["database"] == "ok"


def test_a_hung_database_leaves_a_node_live_but_not_ready(tmp_path):
    """gunicorn with its database on a port that never answers: /healthz
    still says alive at once, /readyz says 503 within its budget."""
    hung = HungPort()
    try:
        database = f"postgres://kmpress@127.0.0.1:{hung.port}/kmpress"
        with container_command(tmp_path, DATABASE_URL=database) as base:
            live = get(base + "/healthz")
            status, headers, body = get(base + "/readyz")
    finally:
        hung.close()
    assert live[0] == 200
    assert status == 503
    assert headers["Cache-Control"] == "no-store"
    report = json.loads(body)
    assert report["checks"]["database"] in ("down", "timeout")
    assert report["seconds"] <= 2
    assert str(hung.port) not in body


STRONG_KEY = "kmpress-deploy-check-" + "Zq9!x7#pLm2$" * 5


def production_value(env: dict, expression: str):
    """``expression`` on django.conf.settings, in a fresh production process."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            f"print(json.dumps({expression}))",
        ],
        check=False,
        cwd=ROOT,
        env=production_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_env(env: dict) -> dict:
    clean = {
        k: v
        for k, v in without_services().items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "TLS_IN_FRONT"}
    }
    return clean | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "gazeta.example.kz",
        **env,
    }


TLS_SETTINGS = (
    "[settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS > 0, "
    "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
    "settings.SECURE_PROXY_SSL_HEADER]"
)


def test_production_speaks_plain_http_unless_tls_is_declared_in_front():
    assert production_value({}, TLS_SETTINGS) == [False, False, False, False, None]
    assert production_value({"TLS_IN_FRONT": "false"}, TLS_SETTINGS)[0] is False


def test_tls_in_front_turns_on_the_redirect_hsts_secure_cookies_and_the_proxy_header():
    assert production_value({"TLS_IN_FRONT": "true"}, TLS_SETTINGS) == [
        True,
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]


@pytest.mark.parametrize("tls", ["", "true"], ids=["plain-http", "tls-in-front"])
def test_the_deploy_check_is_clean_with_production_settings(tls):
    """Every warning left is silenced in production.py with the reason."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        check=False,
        cwd=ROOT,
        env=production_env({"TLS_IN_FRONT": tls}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_env_example_does_not_turn_on_a_redirect_to_https():
    example = (ROOT / ".env.example").read_text()
    assert not re.search(r"^SECURE_SSL_REDIRECT=", example, re.MULTILINE)
    assert not re.search(
        r"^TLS_IN_FRONT=\s*(1|true|yes|on)", example, re.MULTILINE | re.I
    )
    assert "TLS_IN_FRONT" in example


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
        "TLS_IN_FRONT",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
        "ELASTICSEARCH_USERNAME",
        "ELASTICSEARCH_PASSWORD",
        "ELASTICSEARCH_API_KEY",
        "ELASTICSEARCH_CA_CERTS",
        "ELASTICSEARCH_VERIFY_CERTS",
        "ELASTICSEARCH_REPLICAS",
        "POSTGRES_PASSWORD",
        "ELASTIC_PASSWORD",
    ):
        assert f"{name}=" in example


WEED = Path(sys.executable).with_name("weed")


def wait_for_weed_s3(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until weed's S3 port says healthy (bounded); its log if it dies first."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            status = get(f"http://127.0.0.1:{port}/healthz")[0]
        except OSError:
            status = None
        if status == 200:
            return
        time.sleep(0.5)
    pytest.fail(f"compose's weed command did not serve S3:\n{log.read_text()[-3000:]}")


def test_compose_seaweedfs_command_serves_s3_with_the_apps_keys(compose, tmp_path):
    """compose's own seaweedfs script (its keys file written by printf, its
    flags), run with the weed binary the tests use; only ports, paths and the
    bind address (loopback) are this machine's."""
    if not WEED.exists():
        pytest.fail("SeaweedFS's weed is missing: run `make install-dev`.")
    service = compose["services"]["seaweedfs"]
    script = service["command"][0].replace("$$", "$")
    # Every listener on a free port: weed's default gRPC port is port + 10000.
    ports = {
        name: free_port()
        for name in (
            "master",
            "master.port.grpc",
            "volume",
            "volume.port.grpc",
            "filer",
            "filer.port.grpc",
            "s3",
            "s3.port.grpc",
        )
    }
    script = (
        script.replace("exec weed server", f"exec {WEED} server")
        .replace("-dir=/data", f"-dir={tmp_path / 'data'}")
        .replace("/tmp/s3.json", str(tmp_path / "s3.json"))  # noqa: S108 - compose's path
        .replace("-ip.bind=0.0.0.0", "-ip=127.0.0.1 -ip.bind=127.0.0.1")
        .replace("-s3.port=8333", f"-s3.port={ports['s3']}")
    )
    assert script.count(str(WEED)) == 1 and str(tmp_path / "s3.json") in script
    listeners = " ".join(
        f"-{name}={port}" if "." in name else f"-{name}.port={port}"
        for name, port in ports.items()
        if name != "s3"
    )
    script += (
        f" {listeners} -s3.port.iceberg=0 -s3.port.lance=0"
        f" -filer.localSocket={tmp_path / 'filer.sock'}"
        f" -s3.localSocket={tmp_path / 's3.sock'}"
        " -master.telemetry=false -volume.preStopSeconds=0"
    )
    (tmp_path / "data").mkdir()
    env = {"PATH": os.environ["PATH"], **service["environment"]}
    log = tmp_path / "weed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*service["entrypoint"], script],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_weed_s3(ports["s3"], process, log)
        endpoint = f"http://127.0.0.1:{ports['s3']}"
        app = compose["services"]["web1"]["environment"]
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=app["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=app["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=app["S3_BUCKET"])
        client.put_object(Bucket=app["S3_BUCKET"], Key="probe.txt", Body=b"kmpress")
        body = client.get_object(Bucket=app["S3_BUCKET"], Key="probe.txt")["Body"]
        assert body.read() == b"kmpress"
        stranger = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=app["S3_ACCESS_KEY_ID"],
            aws_secret_access_key="not-the-secret",
            region_name="us-east-1",
        )
        with pytest.raises(botocore.exceptions.ClientError):
            stranger.put_object(Bucket=app["S3_BUCKET"], Key="x.txt", Body=b"x")
    finally:
        # weed's graceful stop waits for idle keep-alives (~15 s); its data is
        # thrown away anyway.
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
