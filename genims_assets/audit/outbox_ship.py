"""The PostgreSQL side of the audit store: shipping the platform outbox, and the chain heads kept outside MySQL.

Why it is built this way (contract: genims_assets/audit/README.md sections 2 and 3):
- `ship_outbox` moves pending rows of `<DAGSTER_PG_DB>.genims_audit.platform_outbox`
  into MySQL in batches. Each batch is claimed with FOR UPDATE SKIP LOCKED (two
  shippers never take the same rows, and neither waits for the other), written
  through `store.write_batch` (one MySQL transaction), and only then marked
  `shipped_at` in the PostgreSQL transaction that holds the claim. A crash
  between the two commits leaves the rows pending; the next run sends them
  again and the idempotency keys (`outbox_event_id` = the outbox event id, or
  the table's natural key) make that replay insert nothing: no duplicate, no gap.
  Pending rows are selected by mark, never by "id > last shipped", so a producer
  transaction that commits late is still shipped.
- A payload that does not fit its table (a producer bug) is set aside and
  reported in `OutboxShipment.rejected` with the reason; it stays pending (lost
  nothing) while the rest of the outbox flows.
- The external chain head (`genims_audit.chain_heads`, same database) moves
  forward after every MySQL commit, in the acknowledging transaction for the
  outbox and through `store_batch` for the other shippers; it only moves
  forward, so a replayed or late update never winds it back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from genims_assets.audit.outbox import ensure_outbox
from genims_assets.audit.store import TableWrite, connect_store, prepare_rows, write_batch
from genims_assets.audit.tables import audit_table, audit_tables
from genims_assets.connections import postgres_connect
from genims_assets.settings import Settings
from genims_assets.sqlfiles import read_sql, split_statements

OUTBOX_WRITER = "outbox_shipper"
_HEADS_READY: set[tuple[str, str]] = set()


# ---------------------------------------------------------------- the chain heads outside MySQL


def ensure_chain_heads(settings: Settings, cursor=None) -> None:
    """Create genims_audit.chain_heads in the Dagster database if missing (idempotent, once per process)."""
    key = (settings.postgres.address, settings.dagster_database)
    if key in _HEADS_READY:
        return

    def create(cur) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('genims_audit.schema'))")
        for statement in split_statements(read_sql("postgres", "audit_chain_heads.sql")):
            cur.execute(statement)

    if cursor is not None:
        create(cursor)
    else:
        conn = postgres_connect(settings.postgres, settings.dagster_database)
        try:
            with conn, conn.cursor() as cur:
                create(cur)
        finally:
            conn.close()
    _HEADS_READY.add(key)


_UPSERT_HEAD = (
    "INSERT INTO genims_audit.chain_heads AS h (table_name, last_sequence, last_row_hash, updated_at) "
    "VALUES (%s, %s, %s, clock_timestamp()) ON CONFLICT (table_name) DO UPDATE SET "
    "last_sequence = EXCLUDED.last_sequence, last_row_hash = EXCLUDED.last_row_hash, "
    "updated_at = EXCLUDED.updated_at WHERE h.last_sequence < EXCLUDED.last_sequence"
)


def update_chain_heads(settings: Settings, writes: Mapping[str, TableWrite], cursor=None) -> None:
    """Move the external chain heads forward to the heads after `writes` (never back).

    With `cursor` (psycopg2, on the Dagster database) the update joins the caller's transaction.
    """
    heads = sorted((w.table, w.last_sequence, w.last_row_hash) for w in writes.values() if w.last_sequence > 0)
    if not heads:
        return
    if cursor is not None:
        ensure_chain_heads(settings, cursor)
        cursor.executemany(_UPSERT_HEAD, heads)
        return
    ensure_chain_heads(settings)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.executemany(_UPSERT_HEAD, heads)
    finally:
        conn.close()


def external_heads(settings: Settings) -> dict[str, tuple[int, str]]:
    """table -> (last_sequence, last_row_hash) as kept outside the audit database."""
    ensure_chain_heads(settings)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT table_name, last_sequence, last_row_hash FROM genims_audit.chain_heads")
            return {t: (int(s), h) for t, s, h in cur.fetchall()}
    finally:
        conn.close()


def store_batch(
    settings: Settings,
    rows_by_table: Mapping[str, Sequence[Mapping]],
    writer: str,
    conn=None,
    *,
    then: Callable[[dict[str, TableWrite]], Mapping[str, Sequence[Mapping]]] | None = None,
    then_tables: Collection[str] = (),
) -> dict[str, TableWrite]:
    """write_batch (as the shipper account unless `conn` is given), then the external chain heads.

    What a shipper calls before it acknowledges its source events. `then`/`then_tables`: rows derived from the
    batch's writes (a shipment's audit_etl_sync_log rows) committed in the same MySQL transaction (write_batch).
    """
    own = conn is None
    conn = connect_store(settings) if own else conn
    try:
        writes = write_batch(conn, rows_by_table, writer, then=then, then_tables=then_tables)
    finally:
        if own:
            conn.close()
    update_chain_heads(settings, writes)
    return writes


# ---------------------------------------------------------------- the outbox


@dataclass(frozen=True)
class OutboxEvent:
    event_id: int
    event_time: datetime
    target_table: str
    payload: Mapping


@dataclass
class OutboxShipment:
    """What one ship_outbox call did."""

    events_read: int = 0
    events_shipped: int = 0
    batches: int = 0
    tables: dict[str, TableWrite] = field(default_factory=dict)
    rejected: dict[int, str] = field(default_factory=dict)  # outbox event id -> why it stays pending
    seconds: float = 0.0

    @property
    def inserted(self) -> int:
        return sum(w.inserted for w in self.tables.values())

    @property
    def duplicates(self) -> int:
        return sum(w.duplicates for w in self.tables.values())

    def add(self, writes: Mapping[str, TableWrite]) -> None:
        for name, w in writes.items():
            old = self.tables.get(name)
            if old is None:
                self.tables[name] = w
                continue
            self.tables[name] = TableWrite(
                name,
                old.inserted + w.inserted,
                old.duplicates + w.duplicates,
                old.sequence_from if old.sequence_from is not None else w.sequence_from,
                w.sequence_to if w.sequence_to is not None else old.sequence_to,
                w.last_sequence,
                w.last_row_hash,
                w.method if w.method != "none" else old.method,
            )


def claim_pending(
    cur, tables: Collection[str] | None, day: date | None, limit: int, exclude: Collection[int] = ()
) -> list[OutboxEvent]:
    """Lock up to `limit` pending outbox rows (oldest id first), skipping rows another shipper holds."""
    where, params = ["shipped_at IS NULL", "NOT (event_id = ANY(%s::bigint[]))"], [sorted(exclude)]
    if tables is not None:
        where.append("target_table = ANY(%s::text[])")
        params.append(sorted(tables))
    if day is not None:
        start = datetime.combine(day, clock(), tzinfo=UTC)
        where.append("event_time >= %s AND event_time < %s")
        params += [start, start + timedelta(days=1)]
    cur.execute(
        "SELECT event_id, event_time, target_table, payload FROM genims_audit.platform_outbox "
        f"WHERE {' AND '.join(where)} ORDER BY event_id LIMIT %s FOR UPDATE SKIP LOCKED",
        [*params, limit],
    )
    return [OutboxEvent(int(r[0]), r[1], r[2], r[3]) for r in cur.fetchall()]


def outbox_rows(
    events: Sequence[OutboxEvent], *, check: bool = True
) -> tuple[dict[str, list[dict]], list[int], dict[int, str]]:
    """Audit rows by table for the events, the ids they come from, and the events set aside (id -> reason).

    check=False skips the row validation (write_batch validates again anyway); ship_outbox checks only when
    write_batch refused a batch, to find the events to set aside.
    """
    rows: dict[str, list[dict]] = {}
    ids: dict[str, list[int]] = {}
    rejected: dict[int, str] = {}
    keyed: dict[str, bool] = {}  # table -> has outbox_event_id
    for event in events:
        if event.target_table not in audit_tables():
            rejected[event.event_id] = f"target table {event.target_table!r} is not an audit table"
            continue
        if not isinstance(event.payload, Mapping):
            rejected[event.event_id] = "payload is not a JSON object"
            continue
        row = dict(event.payload)
        if event.target_table not in keyed:
            keyed[event.target_table] = "outbox_event_id" in audit_table(event.target_table).payload_columns
        if keyed[event.target_table]:
            row["outbox_event_id"] = event.event_id
        rows.setdefault(event.target_table, []).append(row)
        ids.setdefault(event.target_table, []).append(event.event_id)
    for table in list(rows) if check else ():
        try:
            prepare_rows(table, rows[table])
        except ValueError:
            keep_rows, keep_ids = [], []
            for row, event_id in zip(rows[table], ids[table], strict=True):
                try:
                    prepare_rows(table, [row])
                except ValueError as error:
                    rejected[event_id] = str(error).replace(" row 0:", f" (outbox event {event_id}):")
                    continue
                keep_rows.append(row)
                keep_ids.append(event_id)
            rows[table], ids[table] = keep_rows, keep_ids
    shipped = sorted(i for table_ids in ids.values() for i in table_ids)
    return {t: r for t, r in rows.items() if r}, shipped, rejected


def acknowledge(settings: Settings, cur, event_ids: Sequence[int], writes: Mapping[str, TableWrite]) -> None:
    """After the MySQL commit: move the chain heads and mark the events shipped (the caller commits)."""
    update_chain_heads(settings, writes, cursor=cur)
    if event_ids:
        cur.execute(
            "UPDATE genims_audit.platform_outbox SET shipped_at = clock_timestamp() "
            "WHERE event_id = ANY(%s::bigint[]) AND shipped_at IS NULL",
            (list(event_ids),),
        )


def ship_outbox(
    settings: Settings,
    tables: Collection[str] | None = None,
    day: date | None = None,
    batch_size: int | None = None,
    *,
    writer: str = OUTBOX_WRITER,
) -> OutboxShipment:
    """Move pending outbox rows (optionally only of `tables`, or with event_time on the UTC `day`) into MySQL.

    Loops over batches of `batch_size` (default DATA_SYNC_BATCH_SIZE) until none is pending. Each batch: claim,
    write_batch (MySQL commit), then mark shipped and move the external chain heads (PostgreSQL commit).
    Rejected payloads stay pending and are listed in the result.
    """
    for name in tables or ():
        audit_table(name)
    limit = batch_size or settings.batch_size
    started = time.perf_counter()
    shipment = OutboxShipment()
    ensure_outbox(settings)
    ensure_chain_heads(settings)
    pg = postgres_connect(settings.postgres, settings.dagster_database)
    mysql = None
    try:
        while True:
            with pg.cursor() as cur:
                events = claim_pending(cur, None if tables is None else list(tables), day, limit, shipment.rejected)
                if not events:
                    pg.rollback()
                    break
                rows, event_ids, rejected = outbox_rows(events, check=False)
                writes: dict[str, TableWrite] = {}
                if rows:
                    mysql = mysql or connect_store(settings)
                    try:
                        writes = write_batch(mysql, rows, writer)
                    except ValueError:  # a payload that does not fit: set it aside, ship the others
                        rows, event_ids, rejected = outbox_rows(events)
                        writes = write_batch(mysql, rows, writer) if rows else {}
                shipment.rejected.update(rejected)
                acknowledge(settings, cur, event_ids, writes)
            pg.commit()
            shipment.batches += 1
            shipment.events_read += len(events)
            shipment.events_shipped += len(event_ids)
            shipment.add(writes)
            if len(events) < limit:
                break
    except BaseException:
        pg.rollback()
        raise
    finally:
        pg.close()
        if mysql is not None:
            mysql.close()
    shipment.seconds = time.perf_counter() - started
    return shipment
