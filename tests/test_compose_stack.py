"""The compose stack around search, as an operator deploys it: the init job,
Elasticsearch (security on, healthy only when not red, no replicas on one
node), secrets only from .env, programs as PID 1, the image and what never
goes into it.

Docker cannot run here: `docker-compose config` (Debian's compose, `make
compose-cli`) resolves the file with .env.example as .env, the
Elasticsearch healthcheck's own command runs against ElasticsearchStandIn, the
Dockerfile is read instruction by instruction and .dockerignore's patterns are
evaluated as Docker evaluates them.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import ssl
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from django.core.management import get_commands

from site_project.settings.elasticsearch import elasticsearch_connection
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.test_deployment import (
    compose_cli,
    dockerfile_instructions,
    gunicorn_problems,
    server_argv,
)
from tests.tls_support import make_certificates

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web1", "web2", "worker")
LONG_RUNNING_APPS = ("web1", "web2", "worker")
JOBS = ("migrate", "elasticsearch-certs")
SERVICE_URLS = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY|TOKEN", re.I)
REQUIRED = re.compile(r"^\$\{(?P<name>\w+):\?[^}]+\}$")


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def resolve(tmp_path: Path, **env: str | None) -> subprocess.CompletedProcess:
    """`compose config` with .env.example as .env, ``env`` changed (None: removed)."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    values = env_example()
    for name, value in env.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("S3_", "COMPOSE_", "ELASTIC", "POSTGRES_"))
        and k not in {*SERVICE_URLS, "VARNISH_URLS", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [*compose_cli(), "config"],
        cwd=project,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> dict:
    result = resolve(tmp_path_factory.mktemp("stack"))
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


@pytest.fixture(scope="module")
def written() -> dict:
    """docker-compose.yml as written (anchors and merge keys applied)."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, str]:
    return make_certificates(tmp_path_factory.mktemp("compose-tls"))


def argv_of(command) -> list[str]:
    return command if isinstance(command, list) else shlex.split(command)


def shell_steps(script: str) -> list[list[str]]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    steps: list[list[str]] = [[]]
    for token in lexer:
        if token in {"&&", "||", ";", "&", "|"}:
            steps.append([])
        else:
            steps[-1].append(token)
    return [step for step in steps if step]


def is_shell(argv: list[str]) -> bool:
    return Path(argv[0]).name in {"sh", "bash"} and any(
        a.startswith("-") and "c" in a for a in argv[1:2]
    )


# --- who waits for whom -------------------------------------------------------


def test_web_nodes_the_worker_and_the_init_job_never_wait_for_elasticsearch(stack):
    """The app answers without search; a slow or red cluster must not keep
    the site down."""
    for name in APP_SERVICES:
        assert "elasticsearch" not in stack[name].get("depends_on", {}), name
    for name in LONG_RUNNING_APPS:
        assert stack[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_the_init_job_waits_for_search_itself_for_a_bounded_time(stack):
    argv = argv_of(stack["migrate"]["command"])
    assert is_shell(argv)
    steps = shell_steps(argv[2])
    last = steps[-1]
    assert last[:4] == ["exec", "python", "manage.py", "prepare_search_index"]
    assert "prepare_search_index" in get_commands()
    wait = float(last[last.index("--wait") + 1])
    assert 0 < wait <= 600
    run = [step[step.index("manage.py") + 1] for step in steps]
    assert run[:2] == ["migrate", "setup_newsroom"]
    assert set(run) <= set(get_commands())


def test_every_app_program_runs_as_pid_1_and_only_the_init_job_migrates(stack):
    """gunicorn and the worker get SIGTERM themselves (exec form, or `exec`
    where a shell is unavoidable), and a second web node never races a migration."""
    for name in APP_SERVICES:
        argv = argv_of(stack[name]["command"])
        if is_shell(argv):
            steps = shell_steps(argv[2])
            assert steps[-1][0] == "exec", (name, steps[-1])
            assert not any("gunicorn" in step for step in steps), name
            programs = steps
        else:
            programs = [argv]
        migrates = any(
            "manage.py" in step and step[step.index("manage.py") + 1] == "migrate"
            for step in programs
        )
        assert migrates == (name == "migrate"), name
    for node in ("web1", "web2"):
        assert gunicorn_problems(argv_of(stack[node]["command"])) == []
        assert not is_shell(argv_of(stack[node]["command"]))


def test_servers_restart_unless_stopped_and_jobs_never(stack):
    for name, service in stack.items():
        expected = "no" if name in JOBS else "unless-stopped"
        assert service.get("restart", "no") == expected, name


def test_jobs_declare_no_healthcheck_and_servers_have_one(stack):
    for name, service in stack.items():
        if name in JOBS:
            # compose resolves `disable: true` to test NONE.
            check = service["healthcheck"]
            assert check.get("disable") or check["test"] == ["NONE"], name
        else:
            assert service["healthcheck"]["test"], name


# --- secrets and values come from .env ----------------------------------------


def test_no_secret_is_written_in_the_compose_file(written):
    """App services get secrets from .env (env_file); the other services'
    secrets are ${NAME:?…}: required from .env, no default to fall back on."""
    for name, service in written.items():
        for variable, value in (service.get("environment") or {}).items():
            if name in APP_SERVICES:
                assert not SECRET_NAME.search(variable), (name, variable)
                assert variable not in SERVICE_URLS, (name, variable)
            if SECRET_NAME.search(variable):
                match = REQUIRED.match(str(value))
                assert match and match["name"] == variable, (name, variable, value)
    for name in APP_SERVICES:
        assert written[name]["env_file"] in (".env", [".env"])


def test_env_values_win_over_the_compose_file(tmp_path):
    """What .env says is what the app gets: the compose file's entries are
    ${SAME_NAME:-default}, never a value that silently overrides .env."""
    mine = {
        "DATABASE_URL": "postgres://news:pw@db.example.kz:5432/news",
        "REDIS_URL": "redis://cache.example.kz:6379/3",
        "ELASTICSEARCH_URL": "https://search.example.kz:9200",
        "S3_ENDPOINT_URL": "https://s3.example.kz",
        "S3_BUCKET": "gazeta-media",
        "VARNISH_URLS": "http://edge.example.kz:80",
        "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
    }
    result = resolve(tmp_path, **mine)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        for variable, value in mine.items():
            assert environment[variable] == value, (name, variable)


@pytest.mark.parametrize(
    "secret", ["POSTGRES_PASSWORD", "ELASTIC_PASSWORD", "S3_SECRET_ACCESS_KEY"]
)
def test_compose_refuses_to_start_without_a_secret_in_env(secret, tmp_path):
    result = resolve(tmp_path, **{secret: None})
    assert result.returncode != 0
    assert secret in result.stderr


def test_the_env_example_repeats_each_password_where_the_app_needs_it():
    """postgres and Elasticsearch take their password from one variable, the
    app from its URL or user: .env.example shows them agreeing."""
    example = env_example()
    database = urlsplit(example["DATABASE_URL"])
    assert unquote(database.password) == example["POSTGRES_PASSWORD"]
    assert example["ELASTICSEARCH_PASSWORD"] == example["ELASTIC_PASSWORD"]
    assert example["ELASTICSEARCH_USERNAME"] == "elastic"


# --- Elasticsearch: security on, honest health, no replicas on one node --------


def mount(service: dict, target: str) -> dict:
    for entry in service.get("volumes", []):
        volume = entry
        if isinstance(entry, str):
            source, _, rest = entry.partition(":")
            volume = {
                "source": source,
                "target": rest.split(":")[0],
                "read_only": rest.endswith(":ro"),
            }
        if volume["target"] == target:
            return volume
    raise AssertionError(f"nothing mounted at {target}")


def test_elasticsearch_runs_with_security_and_tls_from_the_certs_job(stack):
    es = stack["elasticsearch"]["environment"]
    assert es["xpack.security.enabled"] == "true"
    assert es["xpack.security.http.ssl.enabled"] == "true"
    assert es["ELASTIC_PASSWORD"] == env_example()["ELASTIC_PASSWORD"]
    certs = mount(stack["elasticsearch"], "/usr/share/elasticsearch/config/certs")
    job = stack["elasticsearch-certs"]
    assert (
        mount(job, "/usr/share/elasticsearch/config/certs")["source"]
        == (certs["source"])
    )
    script = job["command"][2]
    assert es["xpack.security.http.ssl.certificate_authorities"] == "certs/ca/ca.crt"
    assert "config/certs/ca/ca.crt" in script
    # certutil names a certificate's directory and files after its instance.
    for setting, suffix in (("key", ".key"), ("certificate", ".crt")):
        folder, file = PurePosixPath(es[f"xpack.security.http.ssl.{setting}"]).parts[1:]
        assert file == folder + suffix
        assert f"name: {folder}" in script
    assert "dns: [elasticsearch, localhost]" in script
    assert stack["elasticsearch"]["depends_on"]["elasticsearch-certs"] == {
        "condition": "service_completed_successfully"
    }
    # The app: https, the CA the job copied (read-only), the elastic user.
    ca_volume = mount(job, "/ca")["source"]
    for name in APP_SERVICES:
        environment = stack[name]["environment"]
        assert environment["ELASTICSEARCH_URL"].startswith("https://elasticsearch:")
        ca_path = PurePosixPath(environment["ELASTICSEARCH_CA_CERTS"])
        ca_mount = mount(stack[name], str(ca_path.parent))
        assert ca_mount["source"] == ca_volume and ca_mount["read_only"], name
        assert "/ca/" + ca_path.name in job["command"][2]
        assert environment["ELASTICSEARCH_PASSWORD"] == es["ELASTIC_PASSWORD"]


def healthcheck_against(stack: dict, es: ElasticsearchStandIn, ca: str, password):
    """The compose healthcheck's own shell command, run here: only the
    address and the CA's path are this machine's."""
    test = stack["elasticsearch"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    script = (
        test[1]
        .replace("$$", "$")
        .replace("https://localhost:9200", es.url.replace("127.0.0.1", "localhost"))
        .replace("config/certs/ca/ca.crt", ca)
    )
    assert es.url.split(":")[-1] in script and ca in script
    env = {"PATH": os.environ["PATH"], "ELASTIC_PASSWORD": password}
    return subprocess.run(
        ["sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_elasticsearch_healthcheck_fails_on_a_red_cluster(stack, certificates):
    password = env_example()["ELASTIC_PASSWORD"]
    with ElasticsearchStandIn(
        basic_auth=("elastic", password),
        certfile=certificates["server"],
        keyfile=certificates["key"],
    ) as es:
        healthy = healthcheck_against(stack, es, certificates["ca"], password)
        es.health = "red"
        red = healthcheck_against(stack, es, certificates["ca"], password)
        es.health = None
        refused = healthcheck_against(stack, es, certificates["ca"], "not-it")
        asked = [r for r in es.requests if r.path == "/_cluster/health"]
    assert healthy.returncode == 0, healthy.stderr
    assert red.returncode != 0
    assert refused.returncode != 0
    assert all(r.query["wait_for_status"] == "yellow" for r in asked)
    # The password travels on curl's stdin, not its command line.
    assert password not in stack["elasticsearch"]["healthcheck"]["test"][1]
    health = stack["elasticsearch"]["healthcheck"]
    assert health["start_period"] and health["retries"]


def test_a_single_node_stack_asks_for_no_replicas(stack, tmp_path):
    """number_of_replicas 0 reaches the index settings, so one node is green."""
    ca = tmp_path / "ca.crt"
    ca.write_text("a CA")
    environment = dict(stack["web1"]["environment"], ELASTICSEARCH_CA_CERTS=str(ca))
    assert "ELASTICSEARCH_REPLICAS" not in environment  # the default serves
    connection = elasticsearch_connection(environment)
    assert connection["INDEX_SETTINGS"]["settings"]["index"] == {
        "number_of_replicas": 0
    }
    assert connection["OPTIONS"]["basic_auth"] == (
        "elastic",
        env_example()["ELASTIC_PASSWORD"],
    )
    assert connection["OPTIONS"]["ca_certs"] == str(ca)


# --- the image ------------------------------------------------------------------


def stages(dockerfile: str) -> list[dict]:
    """Each FROM's name and its instructions."""
    found: list[dict] = []
    for instruction, arguments in dockerfile_instructions(dockerfile):
        if instruction == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found.append({"name": name, "base": words[0], "steps": []})
        else:
            found[-1]["steps"].append((instruction, arguments))
    return found


def joined(stage: dict, instruction: str) -> str:
    return "\n".join(a for i, a in stage["steps"] if i == instruction)


def test_the_image_is_built_in_one_stage_and_runs_from_another():
    build, runtime = stages((ROOT / "Dockerfile").read_text())[-2:]
    assert build["name"]
    # Build: locked dependencies, their bytecode compiled, catalogues compiled.
    assert "uv sync --frozen --no-dev" in joined(build, "RUN")
    assert re.search(r"\bUV_COMPILE_BYTECODE=1\b", joined(build, "ENV"))
    assert "compilemessages" in joined(build, "RUN")
    # Runtime: no uv, no compilers; it copies /venv and the app from the build.
    copies = [a.split() for i, a in runtime["steps"] if i == "COPY"]
    sources = {tuple(c[-2:]) for c in copies if f"--from={build['name']}" in c}
    assert ("/venv", "/venv") in sources
    assert any(target in {"/app", "."} for _, target in sources)
    assert "uv sync" not in joined(runtime, "RUN")
    assert "gettext" not in joined(runtime, "RUN")


def test_the_code_belongs_to_root_and_only_media_to_the_app_user():
    runtime = stages((ROOT / "Dockerfile").read_text())[-1]
    run = joined(runtime, "RUN")
    assert re.search(r"useradd\b[^&]*--uid 1000 kmpress", run)
    for instruction, arguments in runtime["steps"]:
        if instruction in {"COPY", "ADD"}:
            assert "--chown" not in arguments and "--chmod" not in arguments
    assert re.search(r"mkdir -p /app/media\b", run)
    assert re.search(r"chown (-R )?kmpress(:kmpress)? /app/media\b", run)
    users = [a for i, a in runtime["steps"] if i == "USER"]
    assert users[-1] == "kmpress"
    # Nothing after USER writes into the image as the app user.
    after = runtime["steps"][[i for i, _ in runtime["steps"]].index("USER") :]
    assert not [a for i, a in after if i in {"RUN", "COPY", "ADD"}]


def test_the_image_checks_its_own_health_on_healthz():
    runtime = stages((ROOT / "Dockerfile").read_text())[-1]
    (check,) = [a for i, a in runtime["steps"] if i == "HEALTHCHECK"]
    options, _, command = check.partition("CMD ")
    assert "/healthz" in command
    assert command.strip().startswith("[")  # exec form: no shell needed
    assert "--start-period" in options
    cmd = [a for i, a in runtime["steps"] if i == "CMD"][-1]
    assert cmd.startswith("[")
    assert gunicorn_problems(server_argv(yaml.safe_load(cmd))) == []


# --- .dockerignore ---------------------------------------------------------------


def pattern_regex(pattern: str) -> re.Pattern:
    """Docker's (moby/patternmatcher) pattern as a regex: ``*`` and ``?`` stop
    at ``/``, ``**`` crosses directories, anchored at the context root."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out += "(.*/)?"
                i += 1
            else:
                out += ".*"
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.index("]", i)
            out += "[" + pattern[i + 1 : end].replace("!", "^", 1) + "]"
            i = end
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + "$")


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((negated, pattern_regex(pattern)))
    return rules


def ignored(rules: list[tuple[bool, re.Pattern]], path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent
    directories decides."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for negated, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        ("*.pyc", "a.pyc", True),
        ("*.pyc", "core/a.pyc", False),  # anchored at the root, unlike .gitignore
        ("**/*.pyc", "core/sub/a.pyc", True),
        ("media", "media/photos/a.jpg", True),
        ("media/", "media/a.jpg", True),
        (".env*\n!.env.example", ".env.example", False),
        (".env*\n!.env.example", ".env.local", True),
        ("db.sqlite3*", "db.sqlite3-wal", True),
        ("tests/artifacts", "tests/artifacts/trace.zip", True),
        ("/.git", ".git/config", True),
    ],
)
def test_the_dockerignore_evaluator_reads_patterns_as_docker_does(
    patterns, path, expected
):
    assert ignored(dockerignore_rules(patterns), path) is expected


NEVER_SHIPPED = [
    ".env",
    "deploy/.env",
    ".env.production",
    "db.sqlite3",
    "db.sqlite3-journal",
    "db.sqlite3-wal",
    "db.sqlite3-cache/default/x.djcache",
    "tests/.test_db.sqlite3",
    "tests/.test_db.sqlite3-shm",
    ".git/HEAD",
    ".git/objects/ab/cdef",
    ".venv/bin/python",
    ".tools/bin/uv",
    "media/original_images/photo.jpg",
    "staticfiles/staticfiles.json",
    "core/__pycache__/models.cpython-311.pyc",
    "news/templatetags/x.pyc",
    ".pytest_cache/v/cache/nodeids",
    ".ruff_cache/0.1/x",
    ".coverage",
    "htmlcov/index.html",
    "tests/.media/gw0/img.jpg",
    "tests/artifacts/trace.zip",
    "tests/bench/results/pages.json",
    "kmpress-backup-20261203-0400.tar.gz",
    "backups/kmpress-backup-1.tar.gz",
    "locale/ru/LC_MESSAGES/django.mo",
    "server.key",
]
SHIPPED = [
    "manage.py",
    "pyproject.toml",
    "uv.lock",
    ".env.example",
    "site_project/settings/base.py",
    "site_project/wsgi.py",
    "core/models.py",
    "search/management/commands/prepare_search_index.py",
    "locale/ru/LC_MESSAGES/django.po",
    "locale/kk/LC_MESSAGES/django.po",
    "search/templates/search/search.html",
]


def test_dockerignore_keeps_secrets_state_and_caches_out_of_the_image():
    rules = dockerignore_rules((ROOT / ".dockerignore").read_text())
    assert [path for path in NEVER_SHIPPED if not ignored(rules, path)] == []
    assert [path for path in SHIPPED if ignored(rules, path)] == []


def test_dockerignore_ships_every_file_the_build_needs():
    """Every tracked source file the image builds from stays in the context."""
    rules = dockerignore_rules((ROOT / ".dockerignore").read_text())
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    needed = [
        path
        for path in tracked
        if path.endswith((".py", ".po", ".html", ".css", ".js", ".txt"))
        or path in {"pyproject.toml", "uv.lock", "manage.py"}
    ]
    assert needed
    assert [path for path in needed if ignored(rules, path)] == []


# --- the certificates job -------------------------------------------------------

#: elasticsearch-certutil's PEM mode as documented (a zip of ``ca/ca.crt`` and
#: ``ca/ca.key``; per instance ``NAME/NAME.crt`` and ``NAME/NAME.key`` with its
#: dns and ip as subjectAltName), made with openssl: the ES image is not here.
FAKE_CERTUTIL = """#!{python}
import pathlib, subprocess, sys, tempfile, zipfile
import yaml

args = sys.argv[1:]
option = lambda name: str(pathlib.Path(args[args.index(name) + 1]).resolve())
with open({log!r}, "a") as log:
    log.write(args[0] + "\\n")
work = pathlib.Path(tempfile.mkdtemp())
def openssl(*a):
    subprocess.run(["openssl", *a], cwd=work, check=True, capture_output=True)
with zipfile.ZipFile(option("--out"), "w") as out:
    if args[0] == "ca":
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=Elastic Certificate Tool Autogenerated CA",
                "-keyout", "ca.key", "-out", "ca.crt")
        out.write(work / "ca.crt", "ca/ca.crt")
        out.write(work / "ca.key", "ca/ca.key")
    else:
        for instance in yaml.safe_load(open(option("--in")))["instances"]:
            name = instance["name"]
            sans = [f"DNS:{{d}}" for d in instance.get("dns", [])]
            sans += [f"IP:{{i}}" for i in instance.get("ip", [])]
            (work / "san.ext").write_text("subjectAltName=" + ",".join(sans))
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={{name}}",
                    "-keyout", "k.key", "-out", "k.csr")
            openssl("x509", "-req", "-in", "k.csr", "-CA", option("--ca-cert"),
                    "-CAkey", option("--ca-key"), "-CAcreateserial", "-days", "2",
                    "-extfile", "san.ext", "-out", "k.crt")
            out.write(work / "k.crt", f"{{name}}/{{name}}.crt")
            out.write(work / "k.key", f"{{name}}/{{name}}.key")
"""


def test_the_certs_job_makes_what_elasticsearch_and_the_app_read(stack, tmp_path):
    """The job's own script, run twice (every `up` runs it): the files
    Elasticsearch's settings name, readable by its group (ES runs as uid 1000,
    gid 0) and nobody else; the CA's certificate alone, world-readable, for the
    app; a certificate that serves https://localhost and is trusted by that CA."""
    job = stack["elasticsearch-certs"]
    assert job["user"] == "0"
    home = Path(tmp_path / "usr-share-elasticsearch")
    (home / "bin").mkdir(parents=True)
    (home / "config" / "certs").mkdir(parents=True)
    ca_volume = tmp_path / "ca"
    ca_volume.mkdir()
    log = tmp_path / "certutil.log"
    certutil = home / "bin" / "elasticsearch-certutil"
    certutil.write_text(FAKE_CERTUTIL.format(python=sys.executable, log=str(log)))
    certutil.chmod(0o755)
    script = job["command"][2].replace(" /ca/", f" {ca_volume}/")
    assert str(ca_volume) in script
    for _ in range(2):
        run = subprocess.run(
            [job["command"][0], job["command"][1], script],
            cwd=home,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
    assert log.read_text().split() == ["ca", "cert"]  # the second run kept them
    config = home / "config"
    es = stack["elasticsearch"]["environment"]
    for setting in ("key", "certificate", "certificate_authorities"):
        path = config / es[f"xpack.security.http.ssl.{setting}"]
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & stat.S_IRGRP and not mode & stat.S_IROTH, (path, oct(mode))
    assert not list((config / "certs").glob("*.zip"))
    ca = ca_volume / "ca.crt"
    assert stat.S_IMODE(ca.stat().st_mode) == 0o644
    assert [p.name for p in ca_volume.iterdir()] == ["ca.crt"]  # never the CA's key
    with ElasticsearchStandIn(
        certfile=str(config / es["xpack.security.http.ssl.certificate"]),
        keyfile=str(config / es["xpack.security.http.ssl.key"]),
    ) as server:
        context = ssl.create_default_context(cafile=str(ca))
        url = server.url.replace("127.0.0.1", "localhost") + "/_cluster/health"
        with urllib.request.urlopen(url, context=context, timeout=10) as answer:
            assert answer.status == 200


def test_elasticsearch_never_auto_creates_the_apps_indices(stack):
    """ES takes the first pattern that matches a name (``action.auto_create_index``)."""
    patterns = stack["elasticsearch"]["environment"]["action.auto_create_index"]
    prefix = env_example()["ELASTICSEARCH_INDEX"]

    def allowed(name: str) -> bool:
        for pattern in patterns.split(","):
            if fnmatch.fnmatchcase(name, pattern[1:]):
                return pattern[0] == "+"
        return False

    assert not allowed(f"{prefix}_wagtailcore_page")
    assert not allowed(f"{prefix}_wagtailimages_image")
    assert allowed(".security-7") and allowed("another_app")
