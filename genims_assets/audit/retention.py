"""Audit retention: archive, verify, then drop monthly partitions older than BACKUP_AUDIT_RETENTION_DAYS.

Why it is built this way:

- Rows leave the audit database only as whole partitions, under the retention
  account (MYSQL_AUDIT_RETENTION_*), which has no DROP or ALTER of its own: it
  splits and drops partitions through the two procedures of partition_guard.py,
  which refuse a drop that is not expired, archived and unheld. The shipper
  has no such rights, and the append-only triggers refuse row deletes. A
  partition is dropped only when its whole range ends before the cutoff (its
  upper bound <= now - retention), never pmax.
- Before a drop: the partition's rows are exported in sequence order to a
  gzipped JSON-lines file (one object per row, values in the store's
  normalised form, so each row_hash can be recomputed), uploaded under
  `archive/<db>/<table>/`, read back (SHA-256, row count, first and last
  sequence), and recorded in archive_manifest with the last row_hash, which
  links the hash chain across the purged range; the manifest is shipped to
  MySQL before the drop, so the verifier never sees a gap without its anchor. The drop then runs under
  LOCK TABLES ... WRITE after re-counting the partition: a row that arrived
  after the export stops the drop (the next run archives again) instead of
  being lost. Without the LOCK TABLES privilege the re-count still runs, just
  unlocked.
- Legal holds are checked first (MySQL and the outbox, see legal_hold.py): a
  covered partition is skipped with status blocked_by_hold.
- The oldest partition has no lower bound, so it also holds anything older
  than its own month (setup starts the monthly partitions one month back).
  Before planning, that partition is reorganised so that every older month
  holding rows gets its own partition (pYYYYMM, bounded at the next month);
  months between them stay in the partition of the next month with data, so
  the reorganisation never creates empty partitions. --dry-run plans on the
  same split without performing it.
- Future partitions (12 months ahead) are pre-created on every run.
- Every action (archive, purge, skip, dry_run) is a retention_policy_log row
  (legal_hold_checked = 1, the blocking holds), written through the outbox.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
import pymysql

from genims_assets.audit.blob import BlobStore, BlobStoreError, file_sha256
from genims_assets.audit.legal_hold import Hold, blocking_holds, load_holds, ship_now
from genims_assets.audit.outbox import record
from genims_assets.audit.partition_guard import drop_partition, split_partition
from genims_assets.audit.store import ColumnSpec, from_database, table_specs
from genims_assets.audit.tables import AuditTable, audit_table, audit_tables
from genims_assets.connections import ConnectionFailed, mysql_connect
from genims_assets.mysql_partitions import (
    AUDIT_MONTHS_AHEAD,
    AUDIT_MONTHS_BACK,
    CATCH_ALL,
    add_months,
    ident,
    month_start,
    months_to_add,
    partition_name,
    partitions,
)
from genims_assets.settings import MySQLTarget, Settings, load_settings

PRODUCER = "retention"
ARCHIVE_FORMAT = "jsonl_gz"
# Access denied to a database, a table, a routine (1370), or a missing procedure (1305: setup has not run since).
_NO_PRIVILEGE = {1044, 1142, 1227, 1305, 1370}
# What the drop procedure reads besides the table (partition_guard.py), locked with it.
_DROP_READS = ("archive_manifest", "legal_hold_tracking")


class RetentionError(RuntimeError):
    """Retention cannot run or a step failed; the message names the cause and the fix."""


def retention_account(settings: Settings) -> MySQLTarget:
    """The audit database as the retention account (MYSQL_AUDIT_RETENTION_*), which may drop partitions."""
    account = settings.audit_retention
    return dataclasses.replace(settings.audit.as_account(account), env_prefix=account.env_prefix)


def policy_name(days: int) -> str:
    return "audit_7_years" if days == 2555 else f"audit_{days}_days"


@dataclass(frozen=True)
class Segment:
    """A partition, or (dry run) a month that the first partition's split would give its own partition."""

    partition: str
    range_from: datetime | None
    range_to: datetime | None  # None: MAXVALUE
    rows: int | None = None


@dataclass(frozen=True)
class RetentionAction:
    table: str
    partition: str
    action: str  # archive, purge, skip, dry_run
    status: str  # done, blocked_by_hold, failed, skipped
    rows: int | None
    range_from: datetime | None
    range_to: datetime | None
    archive_id: str | None = None
    location: str | None = None
    blocking_holds: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    actions: list[RetentionAction] = field(default_factory=list)
    partitions_split: dict[str, list[str]] = field(default_factory=dict)
    partitions_added: dict[str, list[str]] = field(default_factory=dict)
    lock_tables: bool = True
    shipping_error: str | None = None

    @property
    def ok(self) -> bool:
        return not any(a.status == "failed" for a in self.actions)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _bound(description: str) -> datetime | None:
    text = description.strip().strip("'")
    return None if text.upper() == "MAXVALUE" else datetime.fromisoformat(text)


def _bounds(cur, database: str, table: str) -> list[tuple[str, datetime | None]]:
    return [(p.name, _bound(p.bound)) for p in partitions(cur, database, table)]


def _months(cur, table: AuditTable, partition: str) -> list[tuple[date, int]]:
    ts = ident(table.timestamp_column)
    cur.execute(
        f"SELECT YEAR({ts}), MONTH({ts}), COUNT(*) FROM {ident(table.name)} PARTITION ({ident(partition)}) "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(date(int(y), int(m), 1), int(n)) for y, m, n in cur.fetchall()]


def _older_months(bound: datetime | None, months: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Months with rows in the first partition that lie before that partition's own month."""
    if bound is None:
        return []
    own = month_start((bound - timedelta(microseconds=1)).date())
    return [(m, n) for m, n in months if m < own]


def plan_segments(bounds: list[tuple[str, datetime | None]], first_months: list[tuple[date, int]]) -> list[Segment]:
    """Partitions as ranges; the first one cut into its older months with rows (what the split makes)."""
    segments: list[Segment] = []
    previous: datetime | None = None
    for index, (name, bound) in enumerate(bounds):
        if index == 0:
            for month, count in _older_months(bound, first_months):
                upper = datetime.combine(add_months(month, 1), datetime.min.time())
                segments.append(Segment(partition_name(month), previous, upper, count))
                previous = upper
        segments.append(Segment(name, previous, bound))
        previous = bound
    return segments


def split_first_partition(cur, database: str, table: AuditTable) -> list[str]:
    """Give every month older than the first partition's own month that holds rows its own partition."""
    bounds = _bounds(cur, database, table.name)
    first, bound = bounds[0]
    older = _older_months(bound, _months(cur, table, first))
    for month, _ in older:  # oldest first: each split leaves the later months in `first`
        split_partition(cur, table.name, first, partition_name(month), add_months(month, 1))
    return [partition_name(m) for m, _ in older]


def add_future_months(cur, database: str, table: str, first: date, last: date) -> list[str]:
    """Split monthly partitions out of pmax up to `last` (what ensure_monthly_partitions does, one month per call
    of the split procedure, as the retention account may)."""
    added = []
    for month in months_to_add(partitions(cur, database, table), f"{database}.{table}", first, last):
        split_partition(cur, table, CATCH_ALL, partition_name(month), add_months(month, 1))
        added.append(partition_name(month))
    return added


def _partition_stats(cur, table: AuditTable, partition: str) -> tuple[int, int | None, int | None, datetime | None]:
    seq, ts = ident(table.sequence_column), ident(table.timestamp_column)
    cur.execute(
        f"SELECT COUNT(*), MIN({seq}), MAX({seq}), MIN({ts}) FROM {ident(table.name)} PARTITION ({ident(partition)})"
    )
    count, first, last, oldest = cur.fetchone()
    return int(count), first, last, oldest


def _oldest(cur, table: AuditTable, partition: str, before: datetime) -> datetime | None:
    ts = ident(table.timestamp_column)
    cur.execute(f"SELECT MIN({ts}) FROM {ident(table.name)} PARTITION ({ident(partition)}) WHERE {ts} < %s", (before,))
    return cur.fetchone()[0]


def _archived_value(spec: ColumnSpec | None, value):
    """A value as the archive keeps it: the store's normalised form (what row_hash was computed over)."""
    if spec is not None:
        return from_database(spec, value)
    return value.isoformat(sep=" ", timespec="microseconds") if isinstance(value, datetime) else value


@dataclass(frozen=True)
class ArchiveFile:
    path: Path
    rows: int
    first_sequence: int | None
    last_sequence: int | None
    last_row_hash: str | None
    size: int
    sha256: str


def export_partition(conn, table: AuditTable, partition: str, path: Path) -> ArchiveFile:
    """Write the partition's rows in sequence order as gzipped JSON lines (all columns, schema order)."""
    columns = table.definition.column_names
    specs = {spec.name: spec for spec in table_specs(table.name)}
    converters = [specs.get(column) for column in columns]
    rows, first, last, last_hash = 0, None, None, None
    with conn.cursor(pymysql.cursors.SSCursor) as cur, gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        cur.execute(
            f"SELECT {', '.join(ident(c) for c in columns)} FROM {ident(table.name)} PARTITION ({ident(partition)}) "
            f"ORDER BY {ident(table.sequence_column)}"
        )
        for row in cur:
            item = dict(zip(columns, map(_archived_value, converters, row), strict=True))
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            rows += 1
            first = item[table.sequence_column] if first is None else first
            last, last_hash = item[table.sequence_column], item["row_hash"]
    return ArchiveFile(path, rows, first, last, last_hash, path.stat().st_size, file_sha256(path))


def verify_archive(store: BlobStore, name: str, archive: ArchiveFile, table: AuditTable, folder: Path) -> None:
    """Download the archive: checksum, row count and first/last sequence must match, else RetentionError."""
    copy = folder / "readback.jsonl.gz"
    size, sha256 = store.download_to(name, copy)
    if size != archive.size or sha256 != archive.sha256:
        raise RetentionError(f"archive {name} read back as {size} bytes, sha256 {sha256}: expected {archive.sha256}")
    count, first, last = 0, None, None
    with gzip.open(copy, "rt", encoding="utf-8") as handle:
        for line in handle:
            sequence = json.loads(line)[table.sequence_column]
            first = sequence if first is None else first
            last, count = sequence, count + 1
    if (count, first, last) != (archive.rows, archive.first_sequence, archive.last_sequence):
        raise RetentionError(
            f"archive {name} holds {count} rows ({first}..{last}), expected {archive.rows} "
            f"({archive.first_sequence}..{archive.last_sequence})"
        )


def _drop_partition(
    conn, table: AuditTable, partition: str, archive: ArchiveFile | None, archive_id: str | None, report
) -> None:
    """Drop the partition if it still holds exactly the archived rows (under LOCK TABLES when allowed; the tables
    the drop procedure reads are locked too, as LOCK TABLES requires)."""
    with conn.cursor() as cur:
        locked = False
        if report.lock_tables:
            try:
                reads = [t for t in _DROP_READS if t != table.name]
                cur.execute(f"LOCK TABLES {ident(table.name)} WRITE" + "".join(f", {ident(t)} READ" for t in reads))
                locked = True
            except pymysql.err.OperationalError as error:
                if error.args[0] not in _NO_PRIVILEGE:
                    raise
                report.lock_tables = False
        try:
            count, first, last, _ = _partition_stats(cur, table, partition)
            expected = (archive.rows, archive.first_sequence, archive.last_sequence) if archive else (0, None, None)
            if (count, first, last) != expected:
                raise RetentionError(
                    f"{table.name} {partition} changed since it was archived ({count} rows {first}..{last}, archived "
                    f"{expected[0]} rows {expected[1]}..{expected[2]}): nothing dropped; the next run archives it again"
                )
            drop_partition(cur, table.name, partition, archive_id)
        finally:
            if locked:
                cur.execute("UNLOCK TABLES")


class _Run:
    """One retention run: its settings, connections and the rows it records."""

    def __init__(self, settings: Settings, report: RetentionReport, run_id: str | None, executed_by: str) -> None:
        self.settings, self.report, self.run_id, self.executed_by = settings, report, run_id, executed_by
        self.database = settings.audit.database
        self.days = settings.backup_audit_retention_days

    def log(self, table: str, segment: Segment, action: str, status: str, rows, holds: Iterable[Hold] = (), **extra):
        holds = tuple(h.hold_id for h in holds)
        entry = RetentionAction(
            table, segment.partition, action, status, rows, segment.range_from, segment.range_to,
            blocking_holds=holds, **extra,
        )  # fmt: skip
        self.report.actions.append(entry)
        row = {
            "action_timestamp": _now(),
            "action": action,
            "database_name": self.database,
            "table_name": table,
            "partition_name": segment.partition or None,
            "range_from": segment.range_from,
            "range_to": segment.range_to,
            "rows_affected": rows,
            "policy_name": policy_name(self.days),
            "retention_days": self.days,
            "legal_hold_checked": 1,
            "blocking_holds": list(holds),
            "archive_id": entry.archive_id,
            "status": status,
            "executed_by": self.executed_by,
            "run_id": self.run_id,
            "error_message": entry.error,
        }
        record(
            self.settings, "retention_policy_log", [{k: v for k, v in row.items() if v is not None}], producer=PRODUCER
        )

    def archive(self, conn, store: BlobStore, table: AuditTable, segment: Segment) -> tuple[ArchiveFile, str]:
        """Export, upload, read back and record one partition; returns the archive and its archive_id."""
        archive_id = f"AR-{uuid.uuid4().hex}"
        name = f"archive/{self.database}/{table.name}/{segment.partition}-{archive_id}.jsonl.gz"
        with tempfile.TemporaryDirectory(prefix="genims_archive_") as folder:
            archive = export_partition(conn, table, segment.partition, Path(folder) / "export.jsonl.gz")
            store.upload_file(
                archive.path, name,
                {"sha256": archive.sha256, "rows": str(archive.rows), "table": table.name,
                 "partition": segment.partition, "archive_id": archive_id, "format": ARCHIVE_FORMAT},
            )  # fmt: skip
            verify_archive(store, name, archive, table, Path(folder))
        verified = _now()
        record(
            self.settings, "archive_manifest",
            [{
                "archive_timestamp": verified, "archive_id": archive_id, "database_name": self.database,
                "table_name": table.name, "partition_name": segment.partition, "range_from": segment.range_from,
                "range_to": segment.range_to, "rows_archived": archive.rows, "first_sequence": archive.first_sequence,
                "last_sequence": archive.last_sequence, "last_row_hash": archive.last_row_hash,
                "storage_location": store.url(name), "file_format": ARCHIVE_FORMAT, "size_bytes": archive.size,
                "checksum_sha256": archive.sha256, "verified": 1, "verified_at": verified,
                "archived_by": self.executed_by, "run_id": self.run_id,
            }],
            producer=PRODUCER,
        )  # fmt: skip
        # The manifest anchors the hash chain across the purged range: it must be in MySQL before the drop.
        problem = ship_now(self.settings, ["archive_manifest"])
        if problem:
            raise RetentionError(f"archive {archive_id} is verified but its manifest is not in MySQL: {problem}")
        self.log(table.name, segment, "archive", "done", archive.rows, archive_id=archive_id, location=store.url(name))
        return archive, archive_id

    def purge(self, conn, store: BlobStore, table: AuditTable, segment: Segment, holds: dict[str, Hold]) -> None:
        blocking = blocking_holds(holds.values(), self.database, table.name, segment.range_from, segment.range_to)
        with conn.cursor() as cur:
            rows = _partition_stats(cur, table, segment.partition)[0]
        if blocking:
            self.log(table.name, segment, "skip", "blocked_by_hold", rows, blocking)
            return
        archive, archive_id = None, None
        try:
            if rows:
                archive, archive_id = self.archive(conn, store, table, segment)
            _drop_partition(conn, table, segment.partition, archive, archive_id, self.report)
        except (RetentionError, BlobStoreError, pymysql.err.MySQLError, OSError) as error:
            message = str(error) if not isinstance(error, pymysql.err.MySQLError) else f"MySQL error: {error}"
            self.log(table.name, segment, "purge", "failed", rows, archive_id=archive_id, error=message)
            return
        self.log(table.name, segment, "purge", "done", rows, archive_id=archive_id)


def run_retention(
    settings: Settings,
    *,
    dry_run: bool = False,
    tables: Sequence[str] = (),
    run_id: str | None = None,
    now: datetime | None = None,
) -> RetentionReport:
    """Archive and drop the audit partitions whose range ended before the cutoff, unless a legal hold covers them.

    With dry_run nothing is changed (no split, no archive, no drop, no new
    partitions); each partition that would be acted on gets a dry_run row.
    """
    now = now or _now()
    chosen = [audit_table(name) for name in tables] if tables else list(audit_tables().values())
    report = RetentionReport(cutoff=now - timedelta(days=settings.backup_audit_retention_days), dry_run=dry_run)
    holds = load_holds(settings)
    account = settings.audit if dry_run else retention_account(settings)
    store = None if dry_run else BlobStore.from_settings(settings)
    if store is not None:
        store.ensure_container()
    run = _Run(settings, report, run_id, account.user)
    conn = mysql_connect(account, autocommit=True)
    lock = f"genims_retention:{settings.audit.database}"
    try:
        with conn.cursor() as cur:
            if not dry_run:
                cur.execute("SELECT GET_LOCK(%s, 0)", (lock,))
                if cur.fetchone()[0] != 1:
                    raise RetentionError("another audit retention run is in progress (MySQL lock " + lock + ")")
            for table in chosen:
                try:
                    _retain_table(run, conn, cur, store, table, holds, now)
                except pymysql.err.MySQLError as error:
                    if error.args and error.args[0] in _NO_PRIVILEGE:
                        raise
                    # One table's partition maintenance failed: say so and go on with the others.
                    run.log(table.name, Segment("", None, None), "skip", "failed", None, error=f"MySQL error: {error}")
            if not dry_run:
                cur.execute("SELECT RELEASE_LOCK(%s)", (lock,))
    except pymysql.err.MySQLError as error:
        if error.args and error.args[0] in _NO_PRIVILEGE:
            raise RetentionError(
                f"{account.describe()} may not alter audit partitions ({error.args[1]}): set "
                "MYSQL_AUDIT_RETENTION_USER/_PASSWORD to the retention account `genims setup` creates "
                "(SELECT and LOCK TABLES on the audit database, EXECUTE on its partition procedures); if the "
                "procedures are missing, run `genims setup`"
            ) from None
        raise
    finally:
        conn.close()
    report.shipping_error = ship_now(settings, ["archive_manifest", "retention_policy_log"])
    return report


def _retain_table(run: _Run, conn, cur, store, table: AuditTable, holds: dict[str, Hold], now: datetime) -> None:
    database, report = run.database, run.report
    if not run.report.dry_run:
        this_month = month_start(now.date())
        added = add_future_months(
            cur, database, table.name, add_months(this_month, -AUDIT_MONTHS_BACK),
            add_months(this_month, AUDIT_MONTHS_AHEAD),
        )  # fmt: skip
        if added:
            report.partitions_added[table.name] = added
        split = split_first_partition(cur, database, table)
        if split:
            report.partitions_split[table.name] = split
    bounds = _bounds(cur, database, table.name)
    first_months = _months(cur, table, bounds[0][0]) if report.dry_run else []
    for segment in plan_segments(bounds, first_months):
        if segment.range_to is None or segment.range_to > report.cutoff:
            continue
        if segment.range_from is None:  # the oldest partition has no lower bound: its range starts at its oldest row
            segment = dataclasses.replace(segment, range_from=_oldest(cur, table, bounds[0][0], segment.range_to))
        if report.dry_run:
            rows = segment.rows if segment.rows is not None else _partition_stats(cur, table, segment.partition)[0]
            blocking = blocking_holds(holds.values(), database, table.name, segment.range_from, segment.range_to)
            run.log(table.name, segment, "dry_run", "blocked_by_hold" if blocking else "skipped", rows, blocking)
        else:
            run.purge(conn, store, table, segment, holds)


@click.command("archive")
@click.option("--dry-run", is_flag=True, help="Change nothing; log what would be archived and dropped (dry_run rows).")
@click.option("--table", "tables", multiple=True, help="Only this audit table (repeatable). Default: all 29.")
def archive_command(dry_run: bool, tables: tuple[str, ...]) -> None:
    """Archive and drop audit partitions older than BACKUP_AUDIT_RETENTION_DAYS, unless a legal hold covers them."""
    try:
        settings = load_settings()
        for name in tables:
            audit_table(name)
        report = run_retention(settings, dry_run=dry_run, tables=tables)
    except (ValueError, RetentionError, BlobStoreError, ConnectionFailed) as error:  # ValueError: settings, table
        raise click.ClickException(str(error)) from None
    except pymysql.err.MySQLError as error:
        raise click.ClickException(f"MySQL error on {settings.audit.address}: {error}") from None
    for a in report.actions:
        span = f"[{a.range_from or '...'} .. {a.range_to})"
        holds = f" held by {', '.join(a.blocking_holds)}" if a.blocking_holds else ""
        where = f" -> {a.location}" if a.location else ""
        error = f": {a.error}" if a.error else ""
        click.echo(f"{a.table} {a.partition} {span}: {a.action} {a.status}, {a.rows} rows{holds}{where}{error}")
    for table, names in report.partitions_split.items():
        click.echo(f"{table}: older months split into {', '.join(names)}")
    added = sum(len(v) for v in report.partitions_added.values())
    if added:
        click.echo(f"pre-created {added} future partitions")
    if not report.lock_tables:
        click.echo("note: the retention account lacks LOCK TABLES; partitions were re-counted unlocked", err=True)
    if report.shipping_error:
        click.echo(f"note: retention rows wait in the outbox: {report.shipping_error}", err=True)
    mode = "dry run" if dry_run else "retention"
    click.echo(f"{mode}: cutoff {report.cutoff:%Y-%m-%d %H:%M} UTC, {len(report.actions)} action(s)")
    if not report.ok:
        raise SystemExit(1)
