"""Backup and restore of a whole site: the database and the media, one archive.

An archive is a gzip'd tar holding

* ``database/postgresql.dump`` (``pg_dump --format=custom``) or
  ``database/sqlite3.db`` (a consistent copy made with SQLite's backup API);
* ``media/<name>`` for every file of the default storage (originals,
  renditions, documents), read through Django's storage API so that a
  folder and an S3 bucket are backed up alike;
* ``manifest.json``, written last: format version, creation time, Django and
  Wagtail versions, database vendor, the last applied migration of every app,
  and the SHA-256 and size of every other file.

A restore reads the archive twice: first it checks every file against the
manifest (nothing is touched when one differs), then it restores. The
manifest itself carries no signature: it guards against corruption and
edits of the data, not against someone who rewrites the manifest too.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import django
import wagtail
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {
    "postgresql": "database/postgresql.dump",
    "sqlite": "database/sqlite3.db",
}
CHUNK = 1024 * 1024
#: A restored media file larger than this goes through a temporary file on disk.
SPOOL_BYTES = 16 * CHUNK
#: libpq reads these from the environment; the password never reaches argv (ps).
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}

Report = Callable[[str], None]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


# --- the database -------------------------------------------------------------


def database_connection(alias: str = "default"):
    """The configured connection, known to answer (a clear error otherwise)."""
    connection = connections[alias]
    if connection.vendor not in DATABASE_MEMBERS:
        raise CommandError(
            f"Backups support PostgreSQL and SQLite, not {connection.vendor}."
        )
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError("An in-memory SQLite database cannot be backed up.")
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise CommandError(
            f"The database {describe(connection)} is unreachable: {error}".strip()
        ) from error
    return connection


def describe(connection) -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db['NAME']} on {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


def postgres_client(program: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``, or a clear error."""
    path = shutil.which(program)
    if path is None:
        raise CommandError(
            f"{program} was not found on PATH. Install the PostgreSQL client "
            f"programs of the server's major version (Debian: apt-get install "
            f"postgresql-client) and run the command again."
        )
    return path


def libpq_env(settings_dict: dict) -> dict[str, str]:
    """The connection as libpq environment variables: PGPASSWORD, not argv."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    values.update({var: options.get(key) for key, var in LIBPQ_OPTIONS.items()})
    for var, value in values.items():
        env.pop(var, None)
        if value not in (None, ""):
            env[var] = str(value)
    return env


def run_postgres_client(argv: list[str], settings_dict: dict) -> None:
    # argv is ours: a program found by shutil.which and our own options.
    result = subprocess.run(  # noqa: S603
        argv,
        env=libpq_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        program = Path(argv[0]).name
        raise CommandError(
            f"{program} failed (exit {result.returncode}): {result.stderr.strip()}"
        )


def dump_database(connection, target: Path) -> None:
    """A consistent copy of the database in ``target``."""
    if connection.vendor == "postgresql":
        pg_dump = postgres_client("pg_dump")
        run_postgres_client(
            [pg_dump, "--format=custom", "--no-password", f"--file={target}"],
            connection.settings_dict,
        )
        return
    source = sqlite3.connect(
        f"file:{connection.settings_dict['NAME']}?mode=ro", uri=True
    )
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def load_database(connection, dump: Path) -> None:
    """Replaces the configured database's contents with ``dump``'s.

    PostgreSQL: one transaction, so a failed restore leaves the database as it
    was. SQLite: the backup API writes the whole file, journal included.
    """
    settings_dict = connection.settings_dict
    connections.close_all()
    if connection.vendor == "postgresql":
        pg_restore = postgres_client("pg_restore")
        run_postgres_client(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
                str(dump),
            ],
            settings_dict,
        )
        return
    name = Path(settings_dict["NAME"])
    name.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    target = sqlite3.connect(name)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def migration_state(connection) -> dict[str, str]:
    """The last applied migration of every app (Django numbers them in order)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    state: dict[str, str] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state[app] = max(state.get(app, name), name)
    return state


# --- media --------------------------------------------------------------------


def storage_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (recursively, sorted); none when its root
    does not exist yet."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    except Exception as error:
        raise CommandError(
            f"Could not list the media storage at '{path}': {error}"
        ) from error
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from storage_files(
            storage, posixpath.join(path, directory) if path else directory
        )


def media_name(member: str) -> str:
    """The storage name of an archive member under media/, refused when it
    could leave the storage's root."""
    name = member.removeprefix(MEDIA_PREFIX)
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
        or "\\" in name
    ):
        raise CommandError(f"The archive holds a file with an unsafe name: {member}")
    return name


# --- the archive --------------------------------------------------------------


class HashingReader:
    """Reads ``source`` for tarfile, counting bytes and their SHA-256."""

    def __init__(self, source):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


@dataclass
class ArchiveWriter:
    """Adds files to an open tar, noting each one's checksum for the manifest."""

    tar: tarfile.TarFile
    files: dict[str, dict] = field(default_factory=dict)

    def add(self, name: str, source, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(datetime.now(UTC).timestamp())
        info.mode = 0o644
        reader = HashingReader(source)
        self.tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(f"kmpress-backup-{stamp}.tar.gz")


def create_backup(output: Path, report: Report, storage: Storage | None = None) -> dict:
    """Writes the archive at ``output``; returns its manifest.

    The archive is written next to ``output`` under a temporary name and moved
    into place only when complete: a failure leaves no archive behind.
    """
    storage = storage or default_storage
    if connections["default"].vendor == "postgresql":
        postgres_client("pg_dump")  # before anything is written or connected
    connection = database_connection()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
            dump = Path(scratch) / "database"
            report(
                f"Dumping the database ({connection.vendor}, {describe(connection)})…"
            )
            dump_database(connection, dump)
            with tarfile.open(partial, "w:gz") as tar:
                writer = ArchiveWriter(tar)
                with dump.open("rb") as source:
                    writer.add(
                        DATABASE_MEMBERS[connection.vendor], source, dump.stat().st_size
                    )
                report(f"  database: {human_size(dump.stat().st_size)}")
                count, total = add_media(writer, storage, report)
                report(f"  media: {count} files, {human_size(total)}")
                manifest = build_manifest(connection, writer.files)
                writer.add_bytes(
                    MANIFEST,
                    json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
                )
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report(f"Wrote {output} ({human_size(output.stat().st_size)}).")
    return manifest


def add_media(
    writer: ArchiveWriter, storage: Storage, report: Report
) -> tuple[int, int]:
    """Copies every file of ``storage``; a file deleted since the listing (an
    image deleted while the backup runs) is skipped, any other failure ends
    the backup naming the file."""
    count = total = 0
    for name in storage_files(storage):
        try:
            size = storage.size(name)
            source = storage.open(name, "rb")
        except FileNotFoundError:
            report(f"  skipped {name}: deleted while the backup ran")
            continue
        except Exception as error:
            raise CommandError(f"Could not read media file {name}: {error}") from error
        try:
            with source:
                writer.add(MEDIA_PREFIX + name, source, size)
        except OSError as error:  # changed while read, or the disk is full
            raise CommandError(f"Could not copy media file {name}: {error}") from error
        count += 1
        total += size
        if count % 100 == 0:
            report(f"  media: {count} files, {human_size(total)} so far…")
    return count, total


def build_manifest(connection, files: dict[str, dict]) -> dict:
    return {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": {
            "vendor": connection.vendor,
            "file": DATABASE_MEMBERS[connection.vendor],
        },
        "migrations": migration_state(connection),
        "files": files,
    }


# --- reading an archive back --------------------------------------------------


def open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise CommandError(f"No archive at {path}.")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise CommandError(f"{path} is not a backup archive: {error}") from error


def file_members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The archive's members; anything but a regular file is refused."""
    for member in tar:
        if not member.isfile():
            raise CommandError(
                f"The archive holds {member.name}, which is not a regular file."
            )
        yield member


def sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def verify_archive(path: Path) -> dict:
    """The manifest, once every file was found to match it; a clear error naming
    the first file that does not (changed, missing or unexpected)."""
    found: dict[str, tuple[str, int]] = {}
    manifest_bytes = None
    try:
        with open_archive(path) as tar:
            for member in file_members(tar):
                stream = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = stream.read()
                else:
                    found[member.name] = sha256_of(stream)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise CommandError(f"{path} is damaged or truncated: {error}") from error
    manifest = parse_manifest(manifest_bytes, path)
    expected = manifest["files"]
    for name, (digest, size) in found.items():
        if name not in expected:
            raise CommandError(
                f"The archive holds {name}, which its manifest does not list."
            )
        if expected[name].get("sha256") != digest or expected[name].get("size") != size:
            raise CommandError(
                f"{name} does not match the manifest's checksum: the archive was "
                "changed or damaged after it was written. Nothing was restored."
            )
    missing = sorted(set(expected) - set(found))
    if missing:
        raise CommandError(f"The archive lacks {missing[0]}, which its manifest lists.")
    return manifest


def parse_manifest(data: bytes | None, path: Path) -> dict:
    if data is None:
        raise CommandError(f"{path} has no {MANIFEST}: it is not a kmpress backup.")
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise CommandError(f"{MANIFEST} in {path} is not JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise CommandError(
            f"{path} is not a kmpress backup of format {FORMAT_VERSION}: this code "
            "cannot read it."
        )
    vendor = (manifest.get("database") or {}).get("vendor")
    if vendor not in DATABASE_MEMBERS or not isinstance(manifest.get("files"), dict):
        raise CommandError(f"{MANIFEST} in {path} is incomplete.")
    return manifest


# --- restoring ----------------------------------------------------------------


def target_contents(connection, storage: Storage) -> list[str]:
    """What the target stack already holds; empty means a restore may proceed.

    "Empty" is a stack that was never migrated, or one that was migrated (and
    set up: groups, workflows) but holds no content: every page is Wagtail's
    own (the root and the welcome page its migrations create), no images, no
    documents, and no file in the media storage.
    """
    held = []
    if "wagtailcore_page" in connection.introspection.table_names():
        pages = Page.objects.exclude(
            content_type__app_label="wagtailcore", content_type__model="page"
        ).count()
        images = get_image_model().objects.count()
        documents = get_document_model().objects.count()
        for count, what in (
            (pages, "pages"),
            (images, "images"),
            (documents, "documents"),
        ):
            if count:
                held.append(f"{count} {what}")
    files = sum(1 for _ in storage_files(storage))
    if files:
        held.append(f"{files} media files")
    return held


def restore_backup(
    path: Path, report: Report, *, force: bool = False, storage: Storage | None = None
) -> dict:
    """Checks the archive, then puts its database and media in place."""
    storage = storage or default_storage
    report(f"Checking {path}…")
    manifest = verify_archive(path)
    report(f"  {len(manifest['files'])} files match the manifest.")
    connection = connections["default"]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise CommandError(
            f"The archive holds a {vendor} database, but the configured database "
            f"(DATABASE_URL) is {connection.vendor}: restore it into a {vendor} "
            "database."
        )
    if vendor == "postgresql":
        postgres_client("pg_restore")
    connection = database_connection()
    held = target_contents(connection, storage)
    if held and not force:
        raise CommandError(
            f"The target is not empty ({', '.join(held)}): a restore replaces its "
            "database. Restore into an empty stack, or pass --force to overwrite it."
        )
    with open_archive(path) as tar, tempfile.TemporaryDirectory() as scratch:
        for member in file_members(tar):
            if member.name == manifest["database"]["file"]:
                dump = Path(scratch) / "database"
                with tar.extractfile(member) as source, dump.open("wb") as target:
                    shutil.copyfileobj(source, target, CHUNK)
                report(f"Restoring the database into {describe(connection)}…")
                load_database(connection, dump)
                dump.unlink()
            elif member.name.startswith(MEDIA_PREFIX):
                put_media(storage, media_name(member.name), tar.extractfile(member))
    media = [name for name in manifest["files"] if name.startswith(MEDIA_PREFIX)]
    report(f"  media: {len(media)} files restored.")
    return manifest


def put_media(storage: Storage, name: str, source) -> None:
    """Writes ``name`` with the archive's bytes, replacing a file of that name.

    Copied out of the tar first: backends seek (to 0, to the end) to learn a
    file's size, and seeking back in a gzip stream decompresses the archive
    again from its start, once per file.
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        shutil.copyfileobj(source, copy, CHUNK)
        size = copy.tell()
        copy.seek(0)
        content = File(copy, name=posixpath.basename(name))
        content.size = size
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, content)
    if saved != name:
        raise CommandError(
            f"The media storage saved {name} as {saved}; restore into an empty storage."
        )


def pending_migrations(connection) -> list[str]:
    """Migrations of this code that the restored database lacks."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
