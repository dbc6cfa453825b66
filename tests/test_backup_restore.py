"""manage.py backup and restore: a seeded site comes back whole in an empty stack.

The backup dumps the test run's own database (committed data: transactional
tests); the restore runs as an operator would, in its own process, with
DATABASE_URL pointing at a fresh database and MEDIA_ROOT at a fresh folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql
from wagtail.models import Page, Revision
from wagtail.rich_text import RichText
from wagtail_factories import DocumentFactory

from newsroom.backup import storage_files, target_contents
from tests.cache_support import verdict
from tests.embedded import ROOT, database_url, free_port, without_services
from tests.factories import (
    HomePageFactory,
    ImageFactory,
    InterviewPageFactory,
    NewsPageFactory,
)
from tests.seaweed_support import s3_media, seaweed

__all__ = ["s3_media", "seaweed"]  # fixtures

FIRST_TEXT = "Комбинат выполнил план первого квартала."
SECOND_TEXT = "Обогатительная фабрика перевыполнила план на 12 процентов."


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A new, never-migrated database of the test run's vendor; dropped after."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"test_backup_restore_{uuid.uuid4().hex[:10]}"
    server = {
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url().rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


def stack_env(database: str, media: Path, **extra: str) -> dict[str, str]:
    """An operator's shell: the development settings on ``database`` and ``media``.

    Its caches are its own (a folder beside the media): the embedded default's
    folder is named after the database, which other tests' stacks share.
    """
    return without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.dev",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
        "CACHE_DIR": f"{media}-caches",
        **extra,
    }


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


PROBE = """
import json, os
from django.test import Client
from wagtail.models import Page, Revision
response = Client().get(os.environ["PROBE_URL"], HTTP_HOST="localhost")
print(json.dumps({
    "pages": Page.objects.count(),
    "revisions": Revision.objects.count(),
    "live": sorted(Page.objects.live().values_list("url_path", flat=True)),
    "status": response.status_code,
    "html": response.content.decode(),
}))
"""


def probe(env: dict, url: str) -> dict:
    """Counts and the rendered ``url``, as a process on that stack sees them."""
    result = manage(env | {"PROBE_URL": url}, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def article_element(html: str) -> str:
    match = re.search(r"<article class=\"article\".*?</article>", html, re.S)
    assert match, html[:2000]
    return match.group(0)


def digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """The default storage in a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded_site(tree, media):
    return seed_site(tree)


def seed_site(tree):
    """Articles with a cover, an image and a document in the body; one
    published twice (two revisions); committed, so pg_dump sees them."""
    cover = ImageFactory(file__color="red", title="Карьер")
    figure = ImageFactory(file__color="blue", title="Фабрика")
    document = DocumentFactory(title="Годовой отчёт")
    article = NewsPageFactory(
        parent=tree.section_ru,
        title="План выполнен",
        slug="plan-vypolnen",
        cover_image=cover,
        body=[("paragraph", RichText(f"<p>{FIRST_TEXT}</p>"))],
    )
    article.save_revision().publish()
    article.body = [
        ("paragraph", RichText(f"<p>{SECOND_TEXT}</p>")),
        ("image", {"image": figure, "caption": "Цех", "credit": "Редакция"}),
        ("document", {"document": document, "title": "Отчёт за год"}),
    ]
    article.save_revision().publish()
    interview = InterviewPageFactory(parent=tree.section_ru, cover_image=figure)
    interview.save_revision().publish()
    article.refresh_from_db()
    return article


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_a_restored_site_has_the_same_pages_revisions_media_and_article(
    seeded_site, media, tmp_path
):
    url = seeded_site.url
    # Rendered before the backup: its renditions are part of the site.
    original = probe(stack_env(database_url(), media), url)
    assert original["status"] == 200
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    restored_media = tmp_path / "restored-media"
    with fresh_database(tmp_path) as restored_db:
        env = stack_env(restored_db, restored_media)
        result = manage(env, "restore", str(archive))
        assert result.returncode == 0, result.stderr
        restored = probe(env, url)

    assert "update_index" in result.stdout
    for key in ("pages", "revisions", "live", "status"):
        assert restored[key] == original[key], key
    assert original["revisions"] == 3  # the article twice, the interview once
    assert digests(restored_media) == digests(media)
    assert any(name.startswith("original_images/") for name in digests(media))
    assert any(name.startswith("documents/") for name in digests(media))
    assert any(name.startswith("images/") for name in digests(media)), "renditions"
    article = article_element(restored["html"])
    assert article == article_element(original["html"])
    assert SECOND_TEXT in article and FIRST_TEXT not in article


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_the_manifest_lists_versions_vendor_migrations_and_every_files_checksum(
    seeded_site, media, tmp_path
):
    archive = tmp_path / "site.tar.gz"
    output = io.StringIO()
    call_command("backup", output=archive, stdout=output)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        member_digests = {
            name: hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            for name in names
            if name != "manifest.json"
        }
    assert names[-1] == "manifest.json"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["wagtailcore"].startswith("0")
    assert "news" in manifest["migrations"]
    assert manifest["django"] and manifest["wagtail"]
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == (
        member_digests
    )
    media_members = {
        name.removeprefix("media/"): digest
        for name, digest in member_digests.items()
        if name.startswith("media/")
    }
    assert media_members == digests(media)
    assert "media: 3 files" in output.getvalue()


def rewrite_archive(source: Path, target: Path, change) -> None:
    """Copies ``source`` to ``target``, each member's bytes through ``change``."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


@pytest.fixture
def archive(seeded_site, tmp_path) -> Path:
    path = tmp_path / "site.tar.gz"
    call_command("backup", output=path, stdout=io.StringIO())
    return path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_restore_refuses_an_archive_with_a_changed_file_and_names_the_file(
    archive, media, tmp_path
):
    image = next(name for name in digests(media) if "original_images" in name)
    tampered = tmp_path / "tampered.tar.gz"

    def change(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name == f"media/{image}" else data

    rewrite_archive(archive, tampered, change)
    pages = Page.objects.count()
    with pytest.raises(CommandError, match=re.escape(f"media/{image} does not match")):
        call_command("restore", str(tampered), force=True, stdout=io.StringIO())
    assert Page.objects.count() == pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_restore_refuses_a_target_that_holds_content_unless_forced(archive):
    revisions = Revision.objects.count()
    with pytest.raises(CommandError, match=r"not empty \(\d+ pages.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Revision.objects.count() == revisions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_restore_refuses_an_archive_of_another_database_vendor(archive, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    foreign = tmp_path / "foreign.tar.gz"

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    rewrite_archive(archive, foreign, change)
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(foreign), force=True, stdout=io.StringIO())


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path, db):
    path = tmp_path / "notes.tar.gz"
    path.write_text("not a tar")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(path), stdout=io.StringIO())


def test_a_migrated_stack_without_content_counts_as_empty(db, media):
    """Wagtail's root and welcome page (and groups, workflows) are no content."""
    assert Page.objects.exists()
    assert target_contents(connection, default_storage) == []


def test_a_page_an_image_or_a_media_file_is_content(db, media):
    HomePageFactory(parent=Page.get_first_root_node())
    ImageFactory()
    assert target_contents(connection, default_storage) == [
        "1 pages",
        "1 images",
        "1 media files",
    ]


def test_backup_without_pg_dump_says_so_and_leaves_no_archive(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    env = stack_env(
        f"postgres://postgres@127.0.0.1:{free_port()}/kmpress",
        tmp_path / "media",
        PATH=str(empty_bin),
    )
    result = manage(env, "backup", "--output", str(out / "site.tar.gz"))
    assert result.returncode != 0
    assert "pg_dump was not found on PATH" in result.stderr
    assert list(out.iterdir()) == []


def test_backup_of_an_unreachable_database_says_so_and_leaves_no_archive(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    port = free_port()
    env = stack_env(f"postgres://postgres@127.0.0.1:{port}/kmpress", tmp_path / "m")
    result = manage(env, "backup", "--output", str(out / "site.tar.gz"))
    assert result.returncode != 0
    assert f"kmpress on 127.0.0.1:{port} is unreachable" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []


def test_storage_files_walks_every_folder(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("1")
    (tmp_path / "a" / "b" / "deep.txt").write_text("2")
    assert list(storage_files(default_storage)) == ["top.txt", "a/b/deep.txt"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_readers_get_the_restored_article_not_the_cached_one(
    archive, seeded_site, page_cache, client
):
    """Restoring over a running stack (--force) empties the page cache through
    the one invalidation point."""
    seeded_site.body = [("paragraph", RichText("<p>Текст после резервной копии.</p>"))]
    seeded_site.save_revision().publish()
    client.get(seeded_site.url)
    cached = client.get(seeded_site.url)
    assert verdict(cached) == "hit"
    assert "Текст после резервной копии." in cached.content.decode()

    call_command("restore", str(archive), force=True, stdout=io.StringIO())

    response = client.get(seeded_site.url)
    assert verdict(response) != "hit"
    assert SECOND_TEXT in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_media_that_cannot_be_read_end_the_backup_and_leave_no_archive(
    seeded_site, media, tmp_path
):
    """The database is already in the archive when the media are read."""
    (media / "documents" / "loop-a").symlink_to(media / "documents" / "loop-b")
    (media / "documents" / "loop-b").symlink_to(media / "documents" / "loop-a")
    out = tmp_path / "out"
    with pytest.raises(
        CommandError,
        match="Could not list the media storage at 'documents': .*symbolic links",
    ):
        call_command("backup", output=out / "site.tar.gz", stdout=io.StringIO())
    assert list(out.iterdir()) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_a_media_file_deleted_while_the_backup_runs_is_left_out(
    seeded_site, media, tmp_path
):
    (media / "gone.jpg").symlink_to(media / "deleted.jpg")
    output = io.StringIO()
    call_command("backup", output=tmp_path / "site.tar.gz", stdout=output)
    with tarfile.open(tmp_path / "site.tar.gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "skipped gone.jpg" in output.getvalue()
    assert "media/gone.jpg" not in manifest["files"]
    assert any(name.startswith("media/original_images/") for name in manifest["files"])


def test_the_image_has_the_postgresql_client_that_backup_and_restore_run():
    """Bookworm's postgresql-client is 15, compose's server's major version."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"apt-get install[^\n]*\bpostgresql-client\b", dockerfile)
    assert "FROM python:3.11-slim-bookworm" in dockerfile


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_rows_left_behind")
def test_a_site_on_object_storage_comes_back_in_a_fresh_bucket(
    tree, seaweed, s3_media, tmp_path
):
    """The same commands on S3 (SeaweedFS): media go bucket → archive → a new
    bucket through the storage API."""
    url = seed_site(tree).url
    original = probe(on_bucket(database_url(), seaweed, s3_media, tmp_path), url)
    assert original["status"] == 200
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    bucket = seaweed.bucket_name()
    try:
        with fresh_database(tmp_path) as restored_db:
            env = on_bucket(restored_db, seaweed, bucket, tmp_path)
            for command in (["setup_media_storage"], ["restore", str(archive)]):
                result = manage(env, *command)
                assert result.returncode == 0, result.stderr
            restored = probe(env, url)
        restored_media = bucket_digests(seaweed, bucket)
    finally:
        seaweed.drop(bucket)

    assert restored_media == bucket_digests(seaweed, s3_media)
    assert any(key.startswith("original_images/") for key in restored_media)
    assert any(key.startswith("images/") for key in restored_media), "renditions"
    assert any(key.startswith("documents/") for key in restored_media)
    for key in ("pages", "revisions", "live", "status"):
        assert restored[key] == original[key], key
    # Image addresses name their bucket; the rest of the article is the same.
    assert article_element(restored["html"]).replace(bucket, s3_media) == (
        article_element(original["html"])
    )


def on_bucket(database: str, weed, bucket: str, tmp_path: Path) -> dict[str, str]:
    return stack_env(database, tmp_path / "no-media-folder") | weed.env(bucket)


def bucket_digests(weed, bucket: str) -> dict[str, str]:
    return {
        key: hashlib.sha256(weed.read(bucket, key)).hexdigest()
        for key in sorted(weed.keys(bucket))
    }
