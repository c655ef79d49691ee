"""Shipping the source databases' change queues into genims_audit_db: exactly once, nothing skipped.

Why it is built this way (contract: genims_assets/audit/README.md sections 1 and 3):
- Pending events are the queue rows with `shipped_at IS NULL`, never "event_id
  > last shipped": an event id is taken when the row is inserted, not when its
  transaction commits, so a long transaction can commit a lower id after higher
  ones were shipped; selecting by mark ships it on the next pass.
- Per source database, a batch of DATA_SYNC_BATCH_SIZE pending events is read
  oldest first and locked FOR UPDATE SKIP LOCKED in a PostgreSQL transaction
  that stays open. "Oldest" is (event_time, event_id), the order of the
  queue's partial index of pending rows: ordering by event_id alone walks the
  primary key through every shipped row still kept (7 days of them), measured
  at 0.7 s per batch with 700k kept rows, against 0.03 s by the index. The
  order decides which events go first, never whether one goes.
- The events are classified (classify.py) and written through the store
  (`store_batch`: ONE MySQL transaction with gapless sequences and the hash
  chain, then the chain heads kept outside MySQL); only after the MySQL
  commit are they marked shipped and PostgreSQL commits. A run
  that dies between the two commits leaves them pending; the replay finds
  their (source_database, source_event_id) keys stored and inserts nothing:
  no duplicate, no gap. Two shippers never take the same events (SKIP LOCKED)
  and neither waits for the other.
- Each batch also writes one audit_etl_sync_log row per target table, in the
  same MySQL transaction as the batch (`store_batch(..., then=...,
  then_tables=("audit_etl_sync_log",))`): the log row and the data commit or
  roll back together; a replay logs itself (rows inserted 0, duplicates n).
- A malformed event is shipped to system_audit_log as `malformed` (see
  classify.py) and raised as a security event through the platform outbox,
  once per event (looked up before recording), before it is acknowledged.
- One shipper overlaps its three servers: while batch n is written to MySQL
  and acknowledged, a thread claims batch n+1 on a second PostgreSQL
  connection (SKIP LOCKED passes over batch n, still locked), classifies it
  and has the store validate and serialise it (`store.prepare_batch`), so the
  MySQL transaction is left with numbering, chaining and loading. Batches
  still commit in MySQL one after the other, each acknowledged only after its
  own commit; a failure rolls back the batch claimed beside it.
- Polling the queues (`pending_by_day`, for the sensor) and pruning shipped
  rows live in queues.py and are importable from here.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import click
from psycopg2 import sql

from genims_assets.audit import outbox
from genims_assets.audit.capture import QUEUE_COLUMNS
from genims_assets.audit.classify import MalformedEvent, classify_events
from genims_assets.audit.outbox_ship import ship_outbox, store_batch
from genims_assets.audit.queues import OUTBOX as OUTBOX
from genims_assets.audit.queues import POLL_TIMEOUT_MS as POLL_TIMEOUT_MS
from genims_assets.audit.queues import QUEUE as QUEUE
from genims_assets.audit.queues import SHIPPED_RETENTION as SHIPPED_RETENTION
from genims_assets.audit.queues import PendingDay as PendingDay
from genims_assets.audit.queues import PruneResult as PruneResult
from genims_assets.audit.queues import ShipError as ShipError
from genims_assets.audit.queues import has_queue as has_queue
from genims_assets.audit.queues import last_shipped as last_shipped
from genims_assets.audit.queues import pending_by_day as pending_by_day
from genims_assets.audit.queues import prune_shipped as prune_shipped
from genims_assets.audit.queues import source_shorts as source_shorts
from genims_assets.audit.store import StoreError, TableWrite, connect_store, prepare_batch
from genims_assets.connections import ConnectionFailed, postgres_connect
from genims_assets.settings import Settings, SettingsError, load_settings

WRITER = "audit_shipper"
_JSONB = {"old_row", "new_row", "sample_rows"}
_READ_COLUMNS = tuple(c for c in QUEUE_COLUMNS if c != "shipped_at")
_SELECT = sql.SQL(", ").join(
    sql.SQL("{}::text").format(sql.Identifier(c)) if c in _JSONB else sql.Identifier(c) for c in _READ_COLUMNS
)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, clock(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- reports


def merge_writes(into: dict[str, TableWrite], writes: Mapping[str, TableWrite]) -> None:
    """Accumulate the per-table results of several store calls, sequential or concurrent: counts add up, the
    sequence range spans them all, the chain head is the furthest one."""
    for name, w in writes.items():
        old = into.get(name)
        if old is None:
            into[name] = w
            continue
        froms = [s for s in (old.sequence_from, w.sequence_from) if s is not None]
        tos = [s for s in (old.sequence_to, w.sequence_to) if s is not None]
        head = w if w.last_sequence >= old.last_sequence else old
        into[name] = TableWrite(
            name,
            old.inserted + w.inserted,
            old.duplicates + w.duplicates,
            min(froms) if froms else None,
            max(tos) if tos else None,
            head.last_sequence,
            head.last_row_hash,
            w.method if w.method != "none" else old.method,
        )


@dataclass
class DatabaseShipment:
    short: str
    database: str
    events_shipped: int = 0
    batches: int = 0
    tables: dict[str, TableWrite] = field(default_factory=dict)
    malformed: list[str] = field(default_factory=list)
    error: str | None = None
    has_queue: bool = True
    seconds: float = 0.0


@dataclass
class ShipmentReport:
    """What one ship_changes call did, per source database and merged per audit table."""

    day: date | None
    run_id: str | None
    databases: dict[str, DatabaseShipment] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def tables(self) -> dict[str, TableWrite]:
        merged: dict[str, TableWrite] = {}
        for shipment in self.databases.values():
            merge_writes(merged, shipment.tables)
        return merged

    @property
    def events_shipped(self) -> int:
        return sum(d.events_shipped for d in self.databases.values())

    @property
    def malformed(self) -> list[str]:
        return [f"{d.database} {p}" for d in self.databases.values() for p in d.malformed]

    @property
    def errors(self) -> list[str]:
        return [f"{d.database}: {d.error}" for d in self.databases.values() if d.error]


# ---------------------------------------------------------------- the pieces of one batch


def claim_events(cur, database: str, day: date | None, limit: int) -> list[dict]:
    """Lock up to `limit` pending events (oldest first), skipping those another shipper holds."""
    where, params = [sql.SQL("shipped_at IS NULL")], []
    if day is not None:
        where.append(sql.SQL("event_time >= %s AND event_time < %s"))
        params += list(day_bounds(day))
    query = sql.SQL(
        "SELECT {} FROM genims_audit.change_queue WHERE {} ORDER BY event_time, event_id LIMIT %s "
        "FOR UPDATE SKIP LOCKED"
    )
    cur.execute(query.format(_SELECT, sql.SQL(" AND ").join(where)), [*params, limit])
    events = []
    for values in cur.fetchall():
        event = dict(zip(_READ_COLUMNS, values, strict=True))
        event["source_database"] = database
        events.append(event)
    return events


def sync_log_rows(
    batch_id: str,
    database: str,
    events: Sequence[Mapping],
    writes: Mapping[str, TableWrite],
    started: datetime,
    run_id: str | None,
    problems: Mapping[int, str],
    failure: str | None = None,
) -> list[dict]:
    """One audit_etl_sync_log row per target table of a batch; one `(batch)` row when the batch failed."""
    finished = utc_now()
    ids = [e["event_id"] for e in events]
    if failure is not None:
        status, error, targets = "failed", failure, {"(batch)": None}
    else:
        status, error, targets = "success", None, writes
        if problems:
            status = "partial"
            error = f"{len(problems)} malformed event(s) kept as status malformed: " + "; ".join(
                list(problems.values())[:5]
            )
    return [
        {
            "shipment_timestamp": finished,
            "batch_id": batch_id,
            "source_database": database,
            "source_queue_table": QUEUE,
            "target_table": table,
            "source_event_id_from": min(ids),
            "source_event_id_to": max(ids),
            "rows_read": len(events),
            "rows_inserted": w.inserted if w else 0,
            "rows_duplicate": w.duplicates if w else 0,
            "sequence_from": w.sequence_from if w else None,
            "sequence_to": w.sequence_to if w else None,
            "started_at": started,
            "finished_at": finished,
            "duration_seconds": round((finished - started).total_seconds(), 3),
            "load_method": w.method if w else None,
            "status": status,
            "error_message": error[:60000] if error else None,
            "run_id": run_id,
        }
        for table, w in sorted(targets.items())
    ]


def raise_security_events(
    settings: Settings, database: str, events: Sequence[Mapping], problems: Mapping[int, str]
) -> list[int]:
    """One security_events row per malformed event (id -> problem), through the outbox, unless already recorded."""
    if not problems:
        return []
    tables = {e["event_id"]: e.get("table_name") for e in events}
    outbox.ensure_outbox(settings)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"genims_audit.malformed:{database}",))
            cur.execute(
                "SELECT (payload->'details'->>'source_event_id')::bigint FROM genims_audit.platform_outbox "
                "WHERE target_table = 'security_events' AND producer = %s "
                "AND payload->'details'->>'source_database' = %s "
                "AND (payload->'details'->>'source_event_id')::bigint = ANY(%s)",
                (WRITER, database, sorted(problems)),
            )
            known = {r[0] for r in cur.fetchall()}
            rows = [
                {
                    "event_timestamp": utc_now(),
                    "event_type": "malformed_audit_event",
                    "severity": "high",
                    "source_component": "shipper",
                    "database_name": database,
                    "table_name": (str(tables.get(i)) if tables.get(i) else None),
                    "status": "open",
                    "detected_by": WRITER,
                    "description": f"{database} {problem}. The event was kept in system_audit_log with status "
                    "malformed and its content as received; fix the capture that produced it.",
                    "details": {"source_database": database, "source_event_id": i, "audit_table": "system_audit_log"},
                }
                for i, problem in sorted(problems.items())
                if i not in known
            ]
            return outbox.record(settings, "security_events", rows, producer=WRITER, cursor=cur) if rows else []
    finally:
        conn.close()


def acknowledge(cur, event_ids: Sequence[int]) -> None:
    """Mark events shipped (after their MySQL commit); the caller commits PostgreSQL."""
    cur.execute(
        "UPDATE genims_audit.change_queue SET shipped_at = clock_timestamp() "
        "WHERE event_id = ANY(%s::bigint[]) AND shipped_at IS NULL",
        (list(event_ids),),
    )


# ---------------------------------------------------------------- shipping


@dataclass
class _Claim:
    """A claimed and classified batch; its PostgreSQL transaction holds the events' row locks until acknowledged."""

    pg: object  # the psycopg2 connection whose open transaction claimed the events
    events: list[dict]
    rows: dict  # table -> rows, prepared by store.prepare_batch
    problems: dict[int, str]
    started: datetime
    batch_id: str


def _claim(settings: Settings, pg, database: str, short: str, day, limit: int) -> _Claim | None:
    """Claim the next batch on `pg` (its transaction stays open) and classify it; None when nothing is pending."""
    with pg.cursor() as cur:
        cur.execute("SELECT set_config('statement_timeout', %s, true)", (f"{settings.sync_timeout_seconds}s",))
        events = claim_events(cur, database, day, limit)
    if not events:
        pg.rollback()
        return None
    started, batch_id = utc_now(), uuid.uuid4().hex
    try:
        rows, problems = classify_events(events, short)
    except MalformedEvent as error:
        raise ShipError(f"{database}: {error}") from error
    try:
        rows = prepare_batch(rows)  # validated and serialised here, beside the write of the batch before
    except ValueError:
        pass  # write_batch raises it again, and the batch fails as any refused batch (logged, left pending)
    return _Claim(pg, events, rows, problems, started, batch_id)


def _store_and_acknowledge(settings: Settings, claim: _Claim, result: DatabaseShipment, run_id, mysql) -> None:
    """Write one claimed batch in one MySQL transaction, then acknowledge it and commit PostgreSQL."""
    database, events, problems = result.database, claim.events, claim.problems
    try:
        writes = store_batch(
            settings,
            claim.rows,
            WRITER,
            conn=mysql,
            then=lambda done: {
                "audit_etl_sync_log": sync_log_rows(
                    claim.batch_id, database, events, done, claim.started, run_id, problems
                )
            },
            then_tables=("audit_etl_sync_log",),
        )  # the batch and its sync-log rows commit together
    except (StoreError, ValueError) as error:
        message = f"{type(error).__name__}: {error}"
        try:
            failed = sync_log_rows(claim.batch_id, database, events, {}, claim.started, run_id, {}, message)
            store_batch(settings, {"audit_etl_sync_log": failed}, WRITER, mysql)
        except Exception:  # noqa: BLE001 - the original error is what the caller must see
            pass
        raise ShipError(
            f"{database}: batch of events {events[0]['event_id']}..{events[-1]['event_id']} was not "
            f"shipped (they stay pending): {message}"
        ) from error
    raise_security_events(settings, database, events, problems)
    with claim.pg.cursor() as cur:
        acknowledge(cur, [e["event_id"] for e in events])
    claim.pg.commit()
    result.batches += 1
    result.events_shipped += len(events)
    result.malformed += list(problems.values())
    merge_writes(result.tables, writes)


# While the claim thread classifies the next batch, the thread that talks to MySQL and PostgreSQL waits for the GIL
# after each answer from a server, up to Python's switch interval (5 ms): over a batch's round trips (per table:
# counter lock, key check, LOAD DATA chunks, counter update) that was a quarter of the store's time (100k events,
# 1 worker: 13.6 s in the store, 9.9 s at 0.2 ms). The shipper
# lowers it while it ships and puts it back when the last shipper of the process (threads may ship side by side)
# is done.
SHIPPING_SWITCH_INTERVAL = 0.0005
_handover_lock = threading.Lock()
_handover = {"shippers": 0, "before": 0.0}


@contextmanager
def _quick_gil_handover() -> Iterator[None]:
    with _handover_lock:
        if _handover["shippers"] == 0:
            _handover["before"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_handover["before"], SHIPPING_SWITCH_INTERVAL))
        _handover["shippers"] += 1
    try:
        yield
    finally:
        with _handover_lock:
            _handover["shippers"] -= 1
            if _handover["shippers"] == 0:
                sys.setswitchinterval(_handover["before"])


def _ship_database(settings: Settings, result: DatabaseShipment, day, limit: int, run_id, mysql) -> None:
    """Ship one database's pending events batch by batch into `result`; ShipError when a batch fails.

    While batch n is written to MySQL and acknowledged, a thread claims (on a second connection, SKIP LOCKED
    passes over batch n's locked rows) and classifies batch n+1, so that PostgreSQL, classification and MySQL
    overlap. Each batch is still acknowledged only after its own MySQL commit, and batches commit in order.
    """
    short, database = result.short, result.database
    started_all = time.perf_counter()
    connections = [postgres_connect(settings.postgres, database)]
    ahead: Future | None = None
    pool: ThreadPoolExecutor | None = None
    try:
        with connections[0].cursor() as cur:
            result.has_queue = has_queue(cur)
        connections[0].rollback()
        claim = _claim(settings, connections[0], database, short, day, limit) if result.has_queue else None
        while claim is not None:
            if len(claim.events) == limit:  # more may be pending: claim the next batch meanwhile
                if len(connections) == 1:
                    connections.append(postgres_connect(settings.postgres, database))
                    pool = ThreadPoolExecutor(1, thread_name_prefix="audit-claim")
                free = connections[1] if claim.pg is connections[0] else connections[0]
                ahead = pool.submit(_claim, settings, free, database, short, day, limit)
            _store_and_acknowledge(settings, claim, result, run_id, mysql)
            following, ahead = ahead, None
            claim = following.result() if following is not None else None
    except BaseException:
        if ahead is not None:
            ahead.exception()  # let the claim in flight finish before its connection is rolled back
        for pg in connections:
            try:
                pg.rollback()
            except Exception:  # noqa: BLE001 - a dead connection has rolled back already; the first error counts
                pass
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        for pg in connections:
            pg.close()
        result.seconds = time.perf_counter() - started_all


def ship_changes(
    settings: Settings,
    day: date | None = None,
    shorts: Iterable[str] | None = None,
    batch_size: int | None = None,
    run_id: str | None = None,
    workers: int = 1,
) -> ShipmentReport:
    """Ship the pending events of the source queues (of `day`, UTC, when given) into genims_audit_db.

    Per database, batch after batch until nothing pending is left (events that commit meanwhile are taken
    too). Guarantees: every event is acknowledged only after its rows are committed in MySQL; a replay
    inserts nothing twice and leaves no sequence gap. A database that cannot be reached or whose batch
    fails is reported in `ShipmentReport.errors` (its events stay pending) and the others still ship;
    MySQL that cannot be reached raises ConnectionFailed at once. `workers` > 1 ships with that many
    processes at once (for a backlog: they share the queues through SKIP LOCKED, the store serialises
    each table's writes).
    """
    started = time.perf_counter()
    limit = batch_size or settings.batch_size
    chosen = source_shorts(settings, shorts)
    if workers > 1:
        return _ship_in_parallel(settings, day, chosen, limit, run_id, workers, started)
    report = ShipmentReport(day, run_id)
    mysql = connect_store(settings)
    try:
        with _quick_gil_handover():
            for short in chosen:
                result = report.databases[short] = DatabaseShipment(short, settings.postgres.databases[short])
                try:
                    _ship_database(settings, result, day, limit, run_id, mysql)
                except (ConnectionFailed, ShipError) as error:
                    result.error = str(error)  # the batches before it stay shipped and counted
                    if not mysql.open:
                        mysql = connect_store(settings)
    finally:
        mysql.close()
    report.seconds = time.perf_counter() - started
    return report


def workers_for(backlog: int, batch_size: int) -> int:
    """Shipper processes for a backlog: one, or two (CPUs allowing) beyond 20 batches (measured 1.5x on 2 cores)."""
    return 1 if backlog <= 20 * batch_size else max(1, min(2, os.cpu_count() or 1))


def _ship_in_parallel(settings: Settings, day, shorts, limit: int, run_id, workers: int, started) -> ShipmentReport:
    context = multiprocessing.get_context("spawn")  # no connection or lock is inherited by a worker
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(ship_changes, settings, day, shorts, limit, run_id) for _ in range(workers)]
        parts = [f.result() for f in futures]
    report = ShipmentReport(day, run_id)
    for part in parts:
        for short, shipment in part.databases.items():
            into = report.databases.setdefault(short, DatabaseShipment(short, shipment.database))
            into.has_queue = shipment.has_queue
            into.events_shipped += shipment.events_shipped
            into.batches += shipment.batches
            into.malformed += shipment.malformed
            into.seconds = max(into.seconds, shipment.seconds)
            into.error = into.error or shipment.error
            merge_writes(into.tables, shipment.tables)
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- commands


def _day_option(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, for example 2026-11-24") from None


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def describe_writes(tables: Mapping[str, TableWrite]) -> list[str]:
    lines = []
    for name, w in sorted(tables.items()):
        span = f"sequences {w.sequence_from}..{w.sequence_to}" if w.sequence_from is not None else "no new sequence"
        lines.append(f"  {name:<28} inserted {w.inserted:>9,}  duplicates {w.duplicates:>7,}  {span}")
    return lines


@click.command("ship")
@click.option("--day", callback=_day_option, default=None, help="Only events of this UTC day (YYYY-MM-DD).")
@click.option("--database", "databases", multiple=True, metavar="SHORT", help="Only this source database (repeatable).")
@click.option(
    "--workers", type=click.IntRange(1, 16), default=1, show_default=True, help="Processes shipping at once (backlogs)."
)
def ship_command(day: date | None, databases: tuple[str, ...], workers: int) -> None:
    """Ship pending audit events now: the source databases' change queues, then the platform outbox.

    Exits non-zero when a database or batch could not be shipped (its events stay pending).
    """
    settings = _settings()
    try:
        report = ship_changes(settings, day=day, shorts=databases or None, workers=workers)
        platform = ship_outbox(settings, day=day)
    except (ConnectionFailed, ShipError) as error:
        raise click.ClickException(str(error)) from None
    for shipment in report.databases.values():
        if shipment.error:
            state = f"FAILED: {shipment.error}"
        elif not shipment.has_queue:
            state = "no capture installed (genims audit install)"
        else:
            state = f"{shipment.events_shipped:,} events in {shipment.batches} batches ({shipment.seconds:.1f}s)"
        click.echo(f"{shipment.database:<32} {state}")
    click.echo(f"platform outbox                  {platform.events_shipped:,} events in {platform.batches} batches")
    for line in describe_writes({**report.tables, **platform.tables}):
        click.echo(line)
    for problem in report.malformed:
        click.echo(f"warning: malformed event kept and raised as a security event: {problem}", err=True)
    for event_id, why in sorted(platform.rejected.items()):
        click.echo(f"warning: outbox event {event_id} stays pending: {why}", err=True)
    if report.errors:
        click.echo(f"genims audit ship: {len(report.errors)} database(s) failed; their events stay pending", err=True)
        sys.exit(1)


@click.command("status")
def status_command() -> None:
    """Pending audit events per source database and day, the oldest pending age, and the last shipment."""
    settings = _settings()
    now = utc_now()
    pending = pending_by_day(settings)
    total = 0
    for short, days in pending.items():
        name = (
            settings.dagster_database + " (platform outbox)" if short == OUTBOX else settings.postgres.databases[short]
        )
        if isinstance(days, str):
            click.echo(f"{name:<40} unreachable: {days}")
            continue
        if days is None:
            click.echo(f"{name:<40} no audit queue (genims audit install / genims setup)")
            continue
        table = "genims_audit.platform_outbox" if short == OUTBOX else QUEUE
        last = last_shipped(settings, settings.dagster_database if short == OUTBOX else name, table)
        shipped = f"last shipment {last:%Y-%m-%d %H:%M:%S} UTC" if last else "never shipped"
        if not days:
            click.echo(f"{name:<40} nothing pending; {shipped}")
            continue
        oldest = min(d.oldest for d in days)
        count = sum(d.events for d in days)
        total += count
        click.echo(f"{name:<40} {count:,} pending, oldest {(now - oldest).total_seconds():,.0f}s ago; {shipped}")
        for d in days:
            click.echo(f"    {d.day}  {d.events:>9,} events  (max event id {d.max_event_id})")
    click.echo(f"total pending: {total:,}")
