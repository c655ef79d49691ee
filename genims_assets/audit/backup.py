"""Daily backups of genims_reporting_db and genims_audit_db to Azure Blob Storage, and restores.

Why it is built this way:

- The dump is `mariadb-dump`/`mysqldump --single-transaction`, not a Python
  export: the client takes one consistent InnoDB snapshot without locking
  writers, writes every MySQL type, partition definition and character set
  correctly, and streams at C speed; a home-grown exporter would be a second,
  less tested SQL serialiser. The restore uses the matching `mariadb`/`mysql`
  client. When neither client is installed the backup fails with the package to
  install. The dump runs with each database's own account (SELECT is enough:
  no LOCK TABLES, `--no-tablespaces`) and leaves triggers out (`--skip-triggers`):
  the append-only triggers, the retention procedures (not dumped: no
  `--routines`) and the accounts belong to `genims setup`, which re-creates them
  on a restored database, and reading trigger definitions would need the
  TRIGGER privilege, which also allows dropping them.
- Each dump is gzipped while it streams, hashed, uploaded once as
  `<db>/<YYYY>/<MM>/<DD>/<timestamp>.sql.gz` (metadata: sha256, database,
  operation id, tool), then read back and compared (size and SHA-256) before the
  backup counts as done.
- The audit backup also uploads the chain heads (last sequence and row_hash of
  every audit table, read just before the dump, so the dump contains them) as
  `<timestamp>.chain_heads.json` beside it: the copy of the chain head kept
  outside the audit database, which `latest_chain_heads` hands to the verifier.
- Every backup, restore and prune is recorded in backup_recovery through the
  platform outbox (a `started` row, then `success` or `failed`), so the record
  survives even when MySQL is what failed.
- Passwords reach the clients through a 0600 option file in a private
  temporary folder, never the command line or the environment.
"""

from __future__ import annotations

import getpass
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pymysql

from genims_assets.audit.blob import BlobStore, BlobStoreError, StoredBlob, file_sha256
from genims_assets.audit.legal_hold import ship_now
from genims_assets.audit.outbox import record
from genims_assets.audit.tables import SEQUENCE_MANAGER
from genims_assets.connections import ConnectionFailed, mysql_connect
from genims_assets.mysql_partitions import ident
from genims_assets.settings import MySQLTarget, SettingsError, load_settings

PRODUCER = "backup"
DUMP_CLIENTS = ("mariadb-dump", "mysqldump")
LOAD_CLIENTS = ("mariadb", "mysql")
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_DUMP_NAME = re.compile(r"^(?P<db>[A-Za-z0-9_]+)/\d{4}/\d{2}/\d{2}/(?P<stamp>\d{8}T\d{6}\.\d{6}Z)\.sql\.gz$")
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class BackupError(RuntimeError):
    """A dump, upload, check or restore failed; the message says which step and what to do."""


@dataclass(frozen=True)
class BackupResult:
    database: str
    operation_id: str
    status: str  # success or failed
    blob_name: str | None = None
    location: str | None = None
    size_bytes: int | None = None
    checksum_sha256: str | None = None
    chain_heads_location: str | None = None
    duration_seconds: float = 0.0
    error: str | None = None


@dataclass(frozen=True)
class PruneResult:
    database: str
    blob_name: str
    taken_at: datetime
    status: str  # success or failed
    error: str | None = None


@dataclass
class BackupReport:
    results: list[BackupResult] = field(default_factory=list)
    pruned: list[PruneResult] = field(default_factory=list)
    shipping_error: str | None = None

    @property
    def ok(self) -> bool:
        return all(r.status == "success" for r in self.results) and all(p.status == "success" for p in self.pruned)


@dataclass(frozen=True)
class RestoreResult:
    operation_id: str
    location: str
    target_database: str
    checksum_sha256: str
    row_counts: dict[str, int]
    duration_seconds: float


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _stamp_time(name: str) -> datetime | None:
    match = _DUMP_NAME.match(name)
    return datetime.strptime(match.group("stamp"), _STAMP) if match else None


def dump_blob_name(database: str, at: datetime) -> str:
    return f"{database}/{at:%Y}/{at:%m}/{at:%d}/{at.strftime(_STAMP)}.sql.gz"


def heads_blob_name(dump_name: str) -> str:
    return dump_name.removesuffix(".sql.gz") + ".chain_heads.json"


def _client(candidates: tuple[str, ...]) -> str:
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    raise BackupError(
        f"none of {', '.join(candidates)} is installed: install the MariaDB or MySQL client "
        "(Debian: apt-get install -y mariadb-client)"
    )


def _option_file(folder: Path, target: MySQLTarget, client: str) -> Path:
    """A [client] option file (mode 0600) holding the connection and password for a client."""

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[client]", f"host={target.host}", f"port={target.port}", f"user={quoted(target.user)}"]
    if target.password:
        lines.append(f"password={quoted(target.password.reveal())}")
    if target.ssl_ca:
        lines.append(f"ssl-ca={quoted(str(target.ssl_ca))}")
    elif target.ssl_required:
        lines.append("ssl" if "mariadb" in Path(client).name else "ssl-mode=REQUIRED")
    path = folder / "client.cnf"
    path.touch(mode=0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stderr_summary(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return " / ".join(lines[-3:]) if lines else "no message"


def dump_database(target: MySQLTarget, folder: Path) -> tuple[Path, int, str, str]:
    """Dump one database to folder/<db>.sql.gz; returns (path, size, sha256 hex, tool version)."""
    client = _client(DUMP_CLIENTS)
    version = subprocess.run([client, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    options = _option_file(folder, target, client)
    command = [
        client,
        f"--defaults-extra-file={options}",
        "--single-transaction",
        "--quick",
        "--skip-lock-tables",
        "--no-tablespaces",
        "--skip-triggers",
        "--hex-blob",
        "--tz-utc",
        "--default-character-set=utf8mb4",
    ]
    if "MariaDB" not in version:
        command.append("--set-gtid-purged=OFF")  # MySQL 8 client: restorable on a server with GTIDs on
    command.append(target.database)
    out_path, err_path = folder / f"{target.database}.sql.gz", folder / "dump.err"
    with open(out_path, "wb") as raw, open(err_path, "wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
        try:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
                for chunk in iter(lambda: process.stdout.read(1024 * 1024), b""):
                    gz.write(chunk)
        finally:
            process.stdout.close()  # after a local failure the client stops on a broken pipe
            code = process.wait()
    if code != 0:
        raise BackupError(
            f"{Path(client).name} of {target.describe()} failed (exit {code}): {_stderr_summary(err_path)}. "
            f"Fix: check that {target.env_prefix}_USER may SELECT every table of {target.database}"
        )
    return out_path, out_path.stat().st_size, file_sha256(out_path), version


def read_chain_heads(target: MySQLTarget) -> dict[str, dict]:
    """Last sequence and row_hash of every audit table, from audit_sequence_manager."""
    conn = mysql_connect(target)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name, sequence_column, last_sequence, last_row_hash, last_event_timestamp "
                f"FROM {ident(SEQUENCE_MANAGER)} ORDER BY table_name"
            )
            rows = cur.fetchall()
        conn.rollback()
    finally:
        conn.close()
    return {
        table: {
            "sequence_column": column,
            "last_sequence": int(sequence),
            "last_row_hash": row_hash,
            "last_event_timestamp": stamp.isoformat(sep=" ", timespec="microseconds") if stamp else None,
        }
        for table, column, sequence, row_hash, stamp in rows
    }


def _failure(error: Exception) -> str:
    """An error as text for records and output (a MySQL error by its code and message, never its arguments)."""
    if isinstance(error, pymysql.err.MySQLError) and len(error.args) > 1:
        return f"MySQL error {error.args[0]}: {error.args[1]}"
    return str(error)


class _Operation:
    """One backup, restore or prune: its backup_recovery rows, `started` then `success` or `failed`."""

    def __init__(self, settings, operation: str, target: str, run_id: str | None, performed_by: str, **common):
        self.settings, self.operation, self.target = settings, operation, target
        self.id, self.started = uuid.uuid4().hex, _now()
        self.common = {"run_id": run_id, "performed_by": performed_by, **common}

    def _record(self, status: str, at: datetime, values: dict) -> None:
        row = {
            "operation_timestamp": at,
            "operation_id": self.id,
            "operation": self.operation,
            "backup_type": "logical",
            "target": self.target,
            "status": status,
            "started_at": self.started,
            **self.common,
            **values,
        }
        record(self.settings, "backup_recovery", [{k: v for k, v in row.items() if v is not None}], producer=PRODUCER)

    def start(self) -> _Operation:
        self._record("started", self.started, {})
        return self

    def finish(self, status: str, **values) -> float:
        """Record the outcome; returns the duration in seconds."""
        finished = _now()
        duration = round((finished - self.started).total_seconds(), 3)
        self._record(status, finished, {"finished_at": finished, "duration_seconds": duration, **values})
        return duration


_EXPECTED = (BackupError, BlobStoreError, ConnectionFailed, pymysql.err.MySQLError, OSError)


def _backup_one(settings, store: BlobStore | None, target: MySQLTarget, audit: bool, run_id, performed_by):
    operation = _Operation(settings, "backup", target.database, run_id, performed_by).start()
    started = operation.started
    try:
        if store is None:
            store = BlobStore.from_settings(settings)  # raises the clear configuration error
        store.ensure_container()
        heads = read_chain_heads(settings.audit) if audit else None
        name = dump_blob_name(target.database, started)
        with tempfile.TemporaryDirectory(prefix="genims_backup_") as folder:
            path, size, checksum, tool = dump_database(target, Path(folder))
            metadata = {"sha256": checksum, "database": target.database, "operation_id": operation.id}
            metadata.update(kind="logical_dump", tool=tool[:200], taken_at=started.isoformat(timespec="microseconds"))
            store.upload_file(path, name, metadata)
        store.verify(name, size, checksum)
        heads_location = None
        if heads is not None:
            document = {"database": target.database, "taken_at": started.isoformat(timespec="microseconds")}
            document.update(backup_blob=name, backup_sha256=checksum, tables=heads)
            data = json.dumps(document, sort_keys=True, indent=1).encode()
            heads_sha = hashlib.sha256(data).hexdigest()
            store.upload_bytes(data, heads_blob_name(name), {"sha256": heads_sha, "kind": "chain_heads"})
            heads_location = store.verify(heads_blob_name(name), len(data), heads_sha).url
    except _EXPECTED as error:
        duration = operation.finish("failed", error_message=_failure(error))
        return BackupResult(target.database, operation.id, "failed", error=_failure(error), duration_seconds=duration)
    location = store.url(name)
    duration = operation.finish(
        "success", location=location, size_bytes=size, checksum_sha256=checksum, chain_heads=heads
    )
    return BackupResult(
        target.database, operation.id, "success", name, location, size, checksum, heads_location, duration
    )


def run_backup(
    settings,
    run_id: str | None = None,
    *,
    databases: Iterable[str] = ("reporting", "audit"),
    performed_by: str | None = None,
    now: datetime | None = None,
) -> BackupReport:
    """Back up the reporting and/or audit database, verify each upload, prune old backups.

    Never raises for a failed backup: each failure is a `failed` result (and a
    failed backup_recovery row) naming the cause; `report.ok` says whether all
    went well.
    """
    targets = {"reporting": (settings.reporting, False), "audit": (settings.audit, True)}
    unknown = set(databases) - set(targets)
    if unknown:
        raise BackupError(f"unknown database(s) {', '.join(sorted(unknown))}: choose reporting and/or audit")
    performed_by = performed_by or f"genims backup ({getpass.getuser()})"
    report = BackupReport()
    try:
        store = BlobStore.from_settings(settings)
    except BlobStoreError:
        store = None  # each backup records the configuration error as its failure
    for kind in databases:
        target, audit = targets[kind]
        report.results.append(_backup_one(settings, store, target, audit, run_id, performed_by))
    if store is not None and any(r.status == "success" for r in report.results):
        report.pruned = prune_backups(settings, store, now=now or _now(), run_id=run_id, performed_by=performed_by)
    report.shipping_error = ship_now(settings, ["backup_recovery"])
    return report


def list_backups(settings, store: BlobStore | None = None, database: str | None = None) -> list[StoredBlob]:
    """The dumps in the container (newest first), optionally of one database."""
    store = store or BlobStore.from_settings(settings)
    prefix = f"{database}/" if database else ""
    dumps = [b for b in store.list(prefix) if _DUMP_NAME.match(b.name)]
    return sorted(dumps, key=lambda b: _stamp_time(b.name), reverse=True)


def prune_backups(settings, store: BlobStore, *, now: datetime, run_id=None, performed_by=None) -> list[PruneResult]:
    """Delete dumps (and their chain heads) older than their retention; the newest of each database stays.

    Reporting dumps are kept BACKUP_RETENTION_DAYS, audit dumps
    BACKUP_AUDIT_RETENTION_DAYS. Each deletion is a backup_recovery row with
    operation 'prune'. Backups are copies, not the record: data under a legal
    hold stays in the audit database and its archives, whose purge checks holds.
    """
    results = []
    policies = (
        (settings.reporting.database, settings.backup_retention_days),
        (settings.audit.database, settings.backup_audit_retention_days),
    )
    for database, days in policies:
        dumps = list_backups(settings, store, database)
        cutoff = now - timedelta(days=days)
        for blob in dumps[1:]:
            taken = _stamp_time(blob.name)
            if taken is None or taken >= cutoff:
                continue
            operation = _Operation(settings, "prune", database, run_id, performed_by, location=blob.url).start()
            try:
                store.delete(heads_blob_name(blob.name))
                store.delete(blob.name)
                status, error = "success", None
            except BlobStoreError as failure:
                status, error = "failed", str(failure)
            operation.finish(status, size_bytes=blob.size, checksum_sha256=blob.sha256, error_message=error)
            results.append(PruneResult(database, blob.name, taken, status, error))
    return results


def latest_chain_heads(settings, store: BlobStore | None = None) -> dict | None:
    """The newest chain-heads document kept beside the audit backups, or None when there is none."""
    store = store or BlobStore.from_settings(settings)
    heads = [b for b in store.list(f"{settings.audit.database}/") if b.name.endswith(".chain_heads.json")]
    if not heads:
        return None
    newest = max(heads, key=lambda b: b.name)
    data = store.download_bytes(newest.name)
    if newest.sha256 and hashlib.sha256(data).hexdigest() != newest.sha256:
        raise BlobStoreError(f"chain heads {newest.name} do not match their recorded sha256: the copy was altered")
    return {**json.loads(data), "location": newest.url}


def _recorded_checksum(settings, location: str) -> str | None:
    """The checksum backup_recovery recorded for this backup, when the audit database can tell."""
    try:
        conn = mysql_connect(settings.audit)
    except ConnectionFailed:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT checksum_sha256 FROM backup_recovery WHERE location = %s AND operation = 'backup' "
                "AND status = 'success' ORDER BY backup_sequence DESC LIMIT 1",
                (location,),
            )
            row = cur.fetchone()
        return row[0] if row else None
    except pymysql.err.MySQLError:
        return None
    finally:
        conn.close()


def _existing_tables(cur, database: str) -> int | None:
    cur.execute("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = %s", (database,))
    if not cur.fetchone()[0]:
        return None
    cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s", (database,))
    return int(cur.fetchone()[0])


def restore_backup(
    settings, location: str, target_database: str, force: bool = False, run_id: str | None = None
) -> RestoreResult:
    """Download a dump, check its SHA-256, and restore it into `target_database`.

    Refuses a target that exists with tables unless `force` (which drops and
    re-creates it), and always refuses to overwrite the live audit database.
    Returns exact row counts of the restored tables.
    """
    if not _DATABASE_NAME.fullmatch(target_database):
        raise BackupError(f"{target_database!r} is not a valid database name: use letters, digits and underscores")
    store = BlobStore.from_settings(settings)
    name = store.name_from_location(location)
    if not _DUMP_NAME.match(name):
        raise BackupError(f"{name} is not a backup of this platform: use a location shown by `genims backup list`")
    blob = store.properties(name)
    kind = "reporting" if blob.metadata.get("database") == settings.reporting.database else "audit"
    admin = settings.admin_target(settings.reporting if kind == "reporting" else settings.audit)
    performed_by = f"genims backup restore ({admin.user})"
    operation = _Operation(settings, "restore", target_database, run_id, performed_by, location=blob.url).start()
    try:
        result = _restore(settings, store, blob, admin, target_database, force, operation)
    except _EXPECTED as error:
        operation.finish("failed", error_message=_failure(error))
        ship_now(settings, ["backup_recovery"])
        raise BackupError(_failure(error)) from None
    operation.finish("success", size_bytes=blob.size, checksum_sha256=result.checksum_sha256)
    ship_now(settings, ["backup_recovery"])
    return result


def _restore(settings, store, blob, admin, target_database, force, operation: _Operation) -> RestoreResult:
    conn = mysql_connect(admin, database=None, autocommit=True)
    try:
        with conn.cursor() as cur:
            tables = _existing_tables(cur, target_database)
            if tables:
                if target_database == settings.audit.database:
                    raise BackupError(
                        f"{target_database} is the live audit database and holds {tables} tables: it is never "
                        "overwritten; restore into a new database and compare"
                    )
                if not force:
                    raise BackupError(
                        f"{target_database} already exists with {tables} tables: restore into a new database "
                        "name, or pass --force to drop and replace it"
                    )
        with tempfile.TemporaryDirectory(prefix="genims_restore_") as folder:
            path = Path(folder) / "dump.sql.gz"
            size, checksum = store.download_to(blob.name, path)
            expected = {c for c in (blob.sha256, _recorded_checksum(settings, blob.url)) if c}
            if not expected:
                raise BackupError(f"{blob.name} carries no sha256: it was not written by `genims backup run`")
            if size != blob.size or expected != {checksum}:
                raise BackupError(
                    f"{blob.name} failed its checksum: expected sha256 {', '.join(sorted(expected))}, downloaded "
                    f"{size} bytes with sha256 {checksum}; the backup is damaged or was altered, nothing was restored"
                )
            with conn.cursor() as cur:
                if tables:
                    cur.execute(f"DROP DATABASE {ident(target_database)}")
                cur.execute(
                    f"CREATE DATABASE IF NOT EXISTS {ident(target_database)} "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
            _load_dump(admin, path, target_database, Path(folder))
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_type = 'BASE TABLE' ORDER BY table_name",
                (target_database,),
            )
            names = [r[0] for r in cur.fetchall()]
            counts = {}
            for table in names:
                cur.execute(f"SELECT COUNT(*) FROM {ident(target_database)}.{ident(table)}")
                counts[table] = int(cur.fetchone()[0])
    finally:
        conn.close()
    seconds = (_now() - operation.started).total_seconds()
    return RestoreResult(operation.id, blob.url, target_database, checksum, counts, seconds)


def _load_dump(admin: MySQLTarget, path: Path, database: str, folder: Path) -> None:
    client = _client(LOAD_CLIENTS)
    options = _option_file(folder, admin, client)
    err_path = folder / "load.err"
    command = [client, f"--defaults-extra-file={options}", "--batch", "--default-character-set=utf8mb4", database]
    with open(err_path, "wb") as err, gzip.open(path, "rb") as dump:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        try:
            for chunk in iter(lambda: dump.read(1024 * 1024), b""):
                process.stdin.write(chunk)
        except BrokenPipeError:
            pass  # the client stopped early: its exit code and message say why
        finally:
            process.stdin.close()
        code = process.wait()
    if code != 0:
        raise BackupError(f"restoring into {database} failed (exit {code}): {_stderr_summary(err_path)}")


# -- commands -----------------------------------------------------------------------------------
def _settings():
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@click.command("run")
@click.option(
    "--database",
    "databases",
    type=click.Choice(["reporting", "audit"]),
    multiple=True,
    help="Back up only this database (repeatable). Default: both.",
)
def backup_run_command(databases: tuple[str, ...]) -> None:
    """Dump, compress, upload and read back the reporting and audit databases; prune old backups."""
    settings = _settings()
    started = time.perf_counter()
    try:
        report = run_backup(settings, databases=databases or ("reporting", "audit"))
    except ConnectionFailed as error:  # the outbox (PostgreSQL) is down: no backup without its record
        raise click.ClickException(str(error)) from None
    for result in report.results:
        if result.status == "success":
            click.echo(
                f"backup {result.database}: {result.size_bytes} bytes, sha256 {result.checksum_sha256}, "
                f"verified, {result.location}"
                + (f" (chain heads {result.chain_heads_location})" if result.chain_heads_location else "")
            )
        else:
            click.echo(f"backup {result.database}: FAILED: {result.error}", err=True)
    for pruned in report.pruned:
        click.echo(f"pruned {pruned.blob_name} (taken {pruned.taken_at:%Y-%m-%d}): {pruned.status}")
    if report.shipping_error:
        click.echo(f"note: backup_recovery rows wait in the outbox: {report.shipping_error}", err=True)
    click.echo(f"backup: {'ok' if report.ok else 'FAILED'} in {time.perf_counter() - started:.1f}s")
    if not report.ok:
        raise SystemExit(1)


@click.command("list")
@click.option("--database", help="Only backups of this database (its MySQL name).")
def backup_list_command(database: str | None) -> None:
    """List the backups in the container, newest first."""
    settings = _settings()
    if database and not _DATABASE_NAME.fullmatch(database):
        raise click.BadParameter(f"{database!r} is not a database name", param_hint="--database")
    try:
        dumps = list_backups(settings, database=database)
    except BlobStoreError as error:
        raise click.ClickException(str(error)) from None
    for blob in dumps:
        taken = _stamp_time(blob.name)
        click.echo(f"{taken:%Y-%m-%d %H:%M:%S}  {blob.size:>12}  {blob.sha256 or '-':64}  {blob.name}")
    click.echo(f"{len(dumps)} backup(s) in container {settings.backup_azure_container}")


@click.command("restore")
@click.argument("location")
@click.option("--target-database", required=True, help="Database to restore into (created; must not hold tables).")
@click.option("--force", is_flag=True, help="Drop and replace the target database if it already holds tables.")
def backup_restore_command(location: str, target_database: str, force: bool) -> None:
    """Restore the backup at LOCATION (blob name or URL from `genims backup list`) into a database."""
    settings = _settings()
    try:
        result = restore_backup(settings, location, target_database, force=force)
    except (BackupError, BlobStoreError, ConnectionFailed, SettingsError) as error:
        raise click.ClickException(str(error)) from None
    for table, count in result.row_counts.items():
        click.echo(f"{table:40} {count:>12}")
    click.echo(
        f"restored {result.location} (sha256 {result.checksum_sha256}, checked) into {result.target_database}: "
        f"{len(result.row_counts)} tables, {sum(result.row_counts.values())} rows in {result.duration_seconds:.1f}s"
    )
