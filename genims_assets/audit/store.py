"""The one write path into genims_audit_db: gapless sequences, a hash chain, idempotent replays.

Why it is built this way (contract: genims_assets/audit/README.md section 3):
- Every audit row reaches MySQL through `write_batch`, in ONE MySQL transaction
  per call. Per table, in sorted order (no deadlock between two writers), the
  table's `audit_sequence_manager` row is locked with SELECT ... FOR UPDATE, so
  the writers of one table queue up; under that lock the rows whose idempotency
  key (`AuditTable.unique_key`) is already stored are dropped (one range query
  per batch, READ COMMITTED so that it sees what the previous holder of the lock
  committed), the rest get `last + 1 ..` and `row_hash = sha256(prev_hex +
  canonical(row))`, go in with LOAD DATA LOCAL INFILE (executemany INSERT when
  the server refuses it), and the counter row moves to the new head. A replayed
  batch therefore inserts nothing and leaves no gap, and a failure anywhere rolls
  the whole call back.
- LOAD DATA LOCAL treats duplicate keys and bad values as warnings (it cannot
  stop the client's file), so every value is validated here against the column
  types of sql/mysql/audit_schema.sql first, and a load whose row count or
  warning count is off is rolled back: a sequence is never skipped in silence.
- The canonical row (canonical.py, shared with the verifier) is built from the
  same normalised values MySQL hands back, so the verifier recomputes the hash
  from what it reads. A batch is loaded in chunks by a worker thread while the
  next chunk is validated, hashed and serialised, so Python's work overlaps the
  server's; the canonical text and the LOAD DATA line of a row are made in one
  pass over its values.
- The chain head is also kept outside MySQL (`genims_audit.chain_heads` in the
  Dagster database): `outbox_ship.store_batch` moves it forward after the
  MySQL commit. This module touches MySQL only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pymysql

from genims_assets.audit.canonical import (
    ZERO_HASH,
    ColumnSpec,
    _Prepared,
    canonical_rows,
    canonical_tails,
    chain,
    from_database,
    from_database_column,
    prepare_rows,
    row_hash,
    table_specs,
)
from genims_assets.audit.canonical_json import CanonicalJson, canonical_json, canonical_json_text
from genims_assets.audit.tables import SEQUENCE_MANAGER, AuditTable, audit_table
from genims_assets.connections import mysql_connect
from genims_assets.mysql_load import LOCAL_INFILE_REFUSED
from genims_assets.mysql_partitions import ident
from genims_assets.settings import Settings

# Imported from here by the rest of the audit layer (the store's public face); defined in canonical*.py.
__all__ = [
    "SEQUENCE_MANAGER",
    "ZERO_HASH",
    "CanonicalJson",
    "ColumnSpec",
    "StoreError",
    "TableWrite",
    "canonical_json",
    "canonical_json_text",
    "canonical_rows",
    "chain",
    "connect_store",
    "prepare_batch",
    "from_database",
    "from_database_column",
    "prepare_rows",
    "row_hash",
    "stored_keys",
    "table_specs",
    "write_batch",
]

SESSION_SQL_MODE = "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
# A key column with more distinct values than this is bounded by the timestamp range only.
IN_LIST_LIMIT = 1000
# Rows per LOAD DATA statement: big enough to amortise a round trip, small enough to overlap Python and MySQL.
LOAD_CHUNK_ROWS = 10_000
_TEMP_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})
_SPECIAL = ("\\", "\t", "\n", "\r", "\0")  # what LOAD DATA ... ESCAPED BY '\\' needs escaped


class StoreError(RuntimeError):
    """MySQL refused or would have altered part of a batch; nothing of the call was committed."""


@dataclass(frozen=True)
class TableWrite:
    """What one write did to one audit table; last_sequence/last_row_hash are the chain head after it."""

    table: str
    inserted: int
    duplicates: int
    sequence_from: int | None
    sequence_to: int | None
    last_sequence: int
    last_row_hash: str
    method: str  # load_data, executemany or none


# ---------------------------------------------------------------- idempotency keys


def _drop_batch_duplicates(prepared: _Prepared) -> tuple[list[int], list[tuple]]:
    """Indexes of the first row of each idempotency key (rows with a NULL key part always stay), and their keys."""
    names = [s.name for s in prepared.specs[1:]]
    positions = [names.index(c) for c in prepared.table.unique_key or ()]
    if not positions:
        return list(range(prepared.size)), []
    keys = list(zip(*(prepared.columns[p] for p in positions), strict=True))
    seen: set[tuple] = set()
    keep = []
    for index, key in enumerate(keys):
        if None in key:
            keep.append(index)
        elif key not in seen:
            seen.add(key)
            keep.append(index)
    return keep, keys


def stored_keys(cur, prepared: _Prepared, keys: Sequence[tuple]) -> set[tuple]:
    """Those of `keys` (idempotency keys of `prepared`) already stored: one query bounded by the key columns'
    ranges (numbers, times) or value lists (text), compared exactly in Python."""
    candidates = [k for k in keys if None not in k]
    if not candidates:
        return set()
    key = prepared.table.unique_key or ()
    by_name = {s.name: s for s in prepared.specs}
    where, params = [], []
    for position, column in enumerate(key):
        values = {k[position] for k in candidates}
        spec = by_name[column]
        if spec.kind in ("int", "datetime", "date", "decimal"):
            ordered = sorted(values, key=Decimal if spec.kind == "decimal" else None)
            where.append(f"{ident(column)} BETWEEN %s AND %s")
            params += [ordered[0], ordered[-1]]
        elif len(values) <= IN_LIST_LIMIT:
            where.append(f"{ident(column)} IN ({', '.join(['%s'] * len(values))})")
            params += sorted(values)
    cur.execute(
        f"SELECT {', '.join(ident(c) for c in key)} FROM {ident(prepared.table.name)} WHERE {' AND '.join(where)}",
        params,
    )
    specs = [by_name[c] for c in key]
    return {tuple(from_database(s, v) for s, v in zip(specs, row, strict=True)) for row in cur.fetchall()}


# ---------------------------------------------------------------- the MySQL transaction


def _start(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(f"SET SESSION time_zone = '+00:00', SESSION sql_mode = '{SESSION_SQL_MODE}'")
        try:
            cur.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        except pymysql.err.OperationalError as error:
            if error.args and error.args[0] == 1568:
                raise StoreError(
                    "write_batch needs a connection without an open transaction: commit or roll back first "
                    "(the audit write must be its own transaction)"
                ) from None
            raise
    conn.begin()


def _lock_counter(cur, table: AuditTable) -> tuple[int, str]:
    query = (
        f"SELECT last_sequence, last_row_hash, sequence_column, timestamp_column FROM {ident(SEQUENCE_MANAGER)} "
        "WHERE table_name = %s FOR UPDATE"
    )
    cur.execute(query, (table.name,))
    row = cur.fetchone()
    if row is None:
        cur.execute(
            f"INSERT IGNORE INTO {ident(SEQUENCE_MANAGER)} (table_name, sequence_column, timestamp_column) "
            "VALUES (%s, %s, %s)",
            (table.name, table.sequence_column, table.timestamp_column),
        )
        cur.execute(query, (table.name,))
        row = cur.fetchone()
    last, head, sequence_column, timestamp_column = int(row[0]), row[1], row[2], row[3]
    if (sequence_column, timestamp_column) != (table.sequence_column, table.timestamp_column):
        raise StoreError(
            f"{SEQUENCE_MANAGER} row of {table.name} names ({sequence_column}, {timestamp_column}), the schema "
            f"({table.sequence_column}, {table.timestamp_column}): the control table was altered; run "
            "`genims audit verify` and restore it from the audit table"
        )
    cur.execute(f"SELECT MAX({ident(table.sequence_column)}) FROM {ident(table.name)}")
    stored = cur.fetchone()[0]
    if stored is not None and int(stored) > last:
        raise StoreError(
            f"{table.name} holds sequence {stored} but {SEQUENCE_MANAGER} says {last}: the counter was moved back. "
            "Nothing was written; run `genims audit verify`"
        )
    return last, head


def _warnings(cur, counted: bool = False) -> str | None:
    """The first warnings of the last statement. `counted`: the statement was one (LOAD DATA) whose OK packet
    counts its warnings, so none means no SHOW WARNINGS round trip."""
    if counted and not cur.warning_count:
        return None
    cur.execute("SHOW WARNINGS LIMIT 3")
    rows = cur.fetchall()
    return "; ".join(f"{r[1]}: {r[2]}" for r in rows) if rows else None


def _load_data(cur, table: str, columns: Sequence[str], lines: list[str]) -> int:
    fd, path = tempfile.mkstemp(prefix="genims_audit_", suffix=".tsv", dir=_TEMP_DIR)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines))
            handle.write("\n")
        return cur.execute(
            f"LOAD DATA LOCAL INFILE %s INTO TABLE {ident(table)} CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
            f"({', '.join(ident(c) for c in columns)})",
            (path,),
        )
    finally:
        os.unlink(path)


def _tsv_fields(spec: ColumnSpec, values: Sequence) -> list[str]:
    has_null = None in values
    if spec.kind == "int":
        return ["\\N" if v is None else str(v) for v in values] if has_null else list(map(str, values))
    if spec.kind in ("text", "json"):
        joined = "".join([v for v in values if v is not None] if has_null else values)
        if any(special in joined for special in _SPECIAL):  # a substring search per character: memchr speed
            return ["\\N" if v is None else v.translate(_ESCAPES) for v in values]
    return ["\\N" if v is None else v for v in values] if has_null else list(values)


class _Loader:
    """Loads the chunks of one write_batch call, table after table: the caller validates, chains and serialises
    chunk n+1 (of this table or the next) while a worker thread has MySQL ingest chunk n (PyMySQL waits on the
    socket without the GIL). If the server refuses LOCAL INFILE, executemany INSERTs take that chunk and the
    rest. Each statement's row and warning counts are checked."""

    def __init__(self, cur) -> None:
        self.cur = cur
        self.local_infile = True
        self.methods: dict[str, str] = {}  # table -> how its rows went in
        self.pool: ThreadPoolExecutor | None = None
        self.pending: tuple[Future, tuple] | None = None

    def add(
        self, table: str, specs: Sequence[ColumnSpec], sequences: list[int], columns: list[list], hashes: list[str]
    ):
        parts = (table, [s.name for s in specs] + ["row_hash"], sequences, columns, hashes)
        if not self.local_infile:
            self._check(table, self._executemany(parts))
            return
        fields = [_tsv_fields(s, c) for s, c in zip(specs[1:], columns, strict=True)]
        self.submit(["\t".join(row) for row in zip(map(str, sequences), *fields, hashes, strict=True)], parts)

    def submit(self, lines: list[str], parts: tuple) -> None:
        """Load ready LOAD DATA lines; `parts` (table, columns, sequences, values per column, hashes) are the
        same rows for the executemany fallback."""
        self.wait()  # first: it may find LOCAL INFILE refused, and this chunk must then go the same way
        if not self.local_infile:
            self._check(parts[0], self._executemany(parts))
            return
        table, names = parts[0], parts[1]
        self.pool = self.pool or ThreadPoolExecutor(1, thread_name_prefix="audit-load")
        self.pending = (self.pool.submit(self._load, table, names, lines), parts)

    def _load(self, table: str, names: list[str], lines: list[str]) -> tuple[int, int, str | None]:
        return _load_data(self.cur, table, names, lines), len(lines), _warnings(self.cur, counted=True)

    def _executemany(self, parts: tuple) -> tuple[int, int, str | None]:
        table, names, sequences, columns, hashes = parts
        rows = list(zip(sequences, *columns, hashes, strict=True))
        columns_sql = ", ".join(ident(c) for c in names)
        placeholders = ", ".join(["%s"] * len(names))
        self.cur.executemany(f"INSERT INTO {ident(table)} ({columns_sql}) VALUES ({placeholders})", rows)
        return len(rows), len(rows), _warnings(self.cur)

    def _check(self, table: str, outcome: tuple[int, int, str | None]) -> None:
        loaded, expected, problem = outcome
        if loaded != expected or problem:
            raise StoreError(
                f"{table}: MySQL took {loaded} of {expected} rows ({problem or 'no warning'}); nothing was "
                "committed. A key that differs only in case or accents from a stored one is a duplicate for MySQL: "
                "fix the producer's key"
            )
        self.methods[table] = "load_data" if self.local_infile else "executemany"

    def wait(self) -> None:
        """Wait for the chunk in flight and check it (the fallback takes it when LOCAL INFILE was refused)."""
        if self.pending is None:
            return
        future, parts = self.pending
        self.pending = None
        try:
            outcome = future.result()
        except pymysql.err.MySQLError as error:
            if not (error.args and error.args[0] in LOCAL_INFILE_REFUSED):
                raise
            self.local_infile = False
            outcome = self._executemany(parts)
        self._check(parts[0], outcome)

    def close(self) -> None:
        """Wait for a load in flight (the connection must be idle before a rollback), then stop the thread."""
        if self.pending is not None:
            try:
                self.pending[0].result()
            except Exception:  # noqa: BLE001 - the caller is already handling the first error
                pass
            self.pending = None
        if self.pool is not None:
            self.pool.shutdown(wait=True)


@dataclass
class _Plan:
    """One table of a write_batch call once its counter is locked: the rows to insert and their sequences."""

    prepared: _Prepared
    head: str
    first: int
    count: int
    duplicates: int
    last_hash: str = ""


def _plan_table(cur, prepared: _Prepared) -> _Plan | TableWrite:
    """Lock the table's counter and drop the rows already stored or repeated: a plan, or the TableWrite of a
    call that inserts nothing."""
    table = prepared.table
    last, head = _lock_counter(cur, table)
    keep, keys = _drop_batch_duplicates(prepared)
    existing = stored_keys(cur, prepared, [keys[i] for i in keep]) if keys else set()
    if existing:
        keep = [i for i in keep if keys[i] not in existing]
    duplicates = prepared.size - len(keep)
    if not keep:
        return TableWrite(table.name, 0, duplicates, None, None, last, head, "none")
    if len(keep) < prepared.size:
        prepared = prepared.selected(keep)
    return _Plan(prepared, head, last + 1, len(keep), duplicates)


def _send_table(loader: _Loader, plan: _Plan) -> None:
    """Validate, chain and serialise a planned table chunk by chunk into the loader."""
    prepared, previous = plan.prepared, plan.head
    sequences = range(plan.first, plan.first + plan.count)
    names = [s.name for s in prepared.specs] + ["row_hash"]
    for start in range(0, plan.count, LOAD_CHUNK_ROWS):
        part = slice(start, start + LOAD_CHUNK_ROWS)
        chunk_sequences, chunk_columns = list(sequences[part]), prepared.chunk(part)
        if prepared.canonical_tails is None:
            hashes = chain(previous, canonical_rows(prepared.specs, [chunk_sequences, *chunk_columns]))
            loader.add(prepared.table.name, prepared.specs, chunk_sequences, chunk_columns, hashes)
        else:  # prepare_batch made each row's text but for its sequence and hash
            numbers = list(map(str, chunk_sequences))
            tails = prepared.canonical_tails[part]
            hashes = chain(previous, [f"[{n},{t}]" for n, t in zip(numbers, tails, strict=True)])
            lines = [f"{n}\t{t}\t{h}" for n, t, h in zip(numbers, prepared.load_tails[part], hashes, strict=True)]
            loader.submit(lines, (prepared.table.name, names, chunk_sequences, chunk_columns, hashes))
        previous = hashes[-1]
    plan.last_hash = previous


def _write_tables(cur, prepared: Mapping[str, _Prepared], writer: str, results: dict[str, TableWrite]) -> None:
    """Write the batches of several tables in the caller's transaction: every counter locked first (sorted order),
    then one stream of LOAD DATA chunks across the tables, then the counters moved to their new heads."""
    plans: dict[str, _Plan] = {}
    for name in sorted(prepared):
        if prepared[name].size == 0:
            last, head = _read_head(cur, prepared[name].table)
            results[name] = TableWrite(name, 0, 0, None, None, last, head, "none")
            continue
        planned = _plan_table(cur, prepared[name])
        if isinstance(planned, TableWrite):
            results[name] = planned
        else:
            plans[name] = planned
    loader = _Loader(cur)
    try:
        for plan in plans.values():
            _send_table(loader, plan)
        loader.wait()
    finally:
        loader.close()
    for name, plan in plans.items():
        table, last = plan.prepared.table, plan.first + plan.count - 1
        timestamps = plan.prepared.columns[[s.name for s in plan.prepared.specs[1:]].index(table.timestamp_column)]
        cur.execute(
            f"UPDATE {ident(SEQUENCE_MANAGER)} SET last_sequence = %s, last_row_hash = %s, "
            "last_event_timestamp = %s, last_assigned_by = %s WHERE table_name = %s",
            (last, plan.last_hash, timestamps[-1], writer[:128], table.name),
        )
        results[name] = TableWrite(
            name, plan.count, plan.duplicates, plan.first, last, last, plan.last_hash, loader.methods[name]
        )


def _read_head(cur, table: AuditTable) -> tuple[int, str]:
    cur.execute(
        f"SELECT last_sequence, last_row_hash FROM {ident(SEQUENCE_MANAGER)} WHERE table_name = %s", (table.name,)
    )
    row = cur.fetchone()
    return (int(row[0]), row[1]) if row else (0, ZERO_HASH)


def _merge(first: TableWrite, second: TableWrite) -> TableWrite:
    """One table written by both passes of a call: its totals, the range across both, the head after the second."""
    return TableWrite(
        first.table,
        first.inserted + second.inserted,
        first.duplicates + second.duplicates,
        first.sequence_from if first.sequence_from is not None else second.sequence_from,
        second.sequence_to if second.sequence_to is not None else first.sequence_to,
        second.last_sequence,
        second.last_row_hash,
        second.method if second.method != "none" else first.method,
    )


def prepare_batch(rows_by_table: Mapping[str, Sequence[Mapping]]) -> dict[str, _Prepared]:
    """What write_batch does with its rows before it locks anything, done ahead of the call: every value checked
    and normalised, and each row's canonical text and LOAD DATA line made but for its sequence and hash.

    The shipper calls it in the thread that claims the next batch, so that this work overlaps the MySQL write of
    the batch before, and the counters stay locked only for numbering, chaining and loading. Pass the result to
    write_batch (or store_batch) in place of the rows; ValueError as write_batch.
    """
    prepared = {}
    for name, rows in rows_by_table.items():
        table = prepare_rows(name, list(rows), complete=True)
        table.canonical_tails = canonical_tails(table.specs, table.columns)
        fields = [_tsv_fields(s, c) for s, c in zip(table.specs[1:], table.columns, strict=True)]
        table.load_tails = list(map("\t".join, zip(*fields, strict=True)))
        prepared[name] = table
    return prepared


def _prepared(name: str, rows) -> _Prepared:
    if isinstance(rows, _Prepared):
        if rows.table.name != audit_table(name).name:
            raise ValueError(f"write_batch: rows prepared for {rows.table.name} were given as {name}")
        return rows
    return prepare_rows(name, list(rows), complete=False)


def write_batch(
    conn,
    rows_by_table: Mapping[str, Sequence[Mapping] | _Prepared],
    writer: str,
    *,
    then: Callable[[dict[str, TableWrite]], Mapping[str, Sequence[Mapping]]] | None = None,
    then_tables: Collection[str] = (),
) -> dict[str, TableWrite]:
    """Insert audit rows, numbered and chained, in ONE MySQL transaction; the only insert path of the audit tables.

    `conn`: a PyMySQL connection to genims_audit_db (mysql_connect(..., local_infile=True), autocommit off)
    without an open transaction; its session gets time_zone +00:00 and a strict sql_mode. Rows are
    column -> value without the sequence, row_hash and created_at, or a table of prepare_batch's result (already
    validated and serialised but for sequence and hash). Guarantees: every value is validated
    against its column (ValueError naming table, row, column; nothing of the call is written: key columns are
    checked before the transaction, the others chunk by chunk inside it); rows whose idempotency key is stored,
    or repeated in the batch, are skipped and counted as duplicates; the others get the next gapless sequences
    and hash-chain links; on any error the transaction is rolled back (StoreError when MySQL would have altered
    the batch).

    `then`: called with the writes of `rows_by_table` before COMMIT; the rows it returns (only tables named in
    `then_tables`, whose counters are locked up front with the others, in sorted order) are written in the same
    transaction with their own sequences and chain links, so they commit or roll back with the batch. A table
    in both passes gets one merged TableWrite.
    """
    prepared = {name: _prepared(name, rows) for name, rows in rows_by_table.items()}
    follow = {audit_table(name).name for name in then_tables}
    if follow and then is None:
        raise ValueError("write_batch: then_tables names tables but no `then` callable was given")
    results: dict[str, TableWrite] = {}
    _start(conn)
    try:
        with conn.cursor() as cur:
            if follow:
                for name in sorted(follow | {n for n, p in prepared.items() if p.size}):
                    _lock_counter(cur, audit_table(name))  # one lock order for both passes: no deadlock
            _write_tables(cur, prepared, writer, results)
            if then is not None:
                extra = then(dict(results))
                unknown = sorted(set(extra) - follow)
                if unknown:
                    raise StoreError(
                        f"write_batch: `then` returned rows for {', '.join(unknown)}, not named in then_tables "
                        "(their counters must be locked before the batch); nothing was committed"
                    )
                second: dict[str, TableWrite] = {}
                later = {name: _prepared(name, rows) for name, rows in extra.items()}
                _write_tables(cur, later, writer, second)
                for name, write in second.items():
                    results[name] = _merge(results[name], write) if name in results else write
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except Exception:  # noqa: BLE001 - a dead connection has rolled back already
            pass
        raise
    return results


def connect_store(settings: Settings):
    """A connection for write_batch: the audit database as the shipper account, LOCAL INFILE on."""
    return mysql_connect(settings.audit, local_infile=True)
