"""The one bulk-load path into MySQL: replace a slice of a table without an empty window.

- A slice (one partition's dates) is replaced in ONE transaction: DELETE the
  slice, insert the new rows, COMMIT. Readers see the old rows until the
  commit and the new ones after it, never an empty or partial slice.
  When the rows carry a load stamp (the reporting tables' updated_at, one
  value per load), the transaction instead writes them over the old ones
  (REPLACE: a row whose key is there is updated in place, its secondary index
  entries untouched when their columns did not change) and then deletes the
  slice's rows that do not carry the stamp. An hourly refresh rewrites the
  same keys with mostly the same values: MariaDB spent 1.8-2.0 CPU seconds
  deleting and re-inserting the three dense stock tables' two days (126k
  rows, purge included) and 0.9-1.1 writing them over.
- A whole table (snapshots) is rebuilt in a shadow table and swapped in with
  one atomic RENAME TABLE. So is a slice that holds most of its table (a
  backfill of the whole window): the rows outside the slice are copied into
  the shadow server-side, which costs far less than deleting the slice row by
  row (a 700k-row DELETE took longer than loading the rows back).
- Rows go in with LOAD DATA LOCAL INFILE (~300k rows/s here), in batches of
  DATA_SYNC_BATCH_SIZE; when the server refuses LOCAL INFILE, with batched
  executemany INSERTs instead (~90k rows/s), in the same transaction.
- Rows come as a pandas DataFrame (the reporting path) or as tuples. A frame is
  encoded for LOAD DATA column by column with vectorised string operations: a
  per-value Python loop cost more than the load itself on million-row tables.
- Two loads of the same table never interleave: each holds the MySQL named
  lock `genims_load:<db>.<table>` for its whole duration.
- Transient failures (deadlock, lock wait time-out, lost connection) retry the
  whole transaction DATA_SYNC_RETRY_COUNT times, DATA_SYNC_RETRY_DELAY apart.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pymysql

from genims_assets.mysql_partitions import ident

TRANSIENT_ERRORS = {1205, 1213, 2006, 2013, 2003}
# MySQL 1148/3948, client 2068, MariaDB 4166: LOCAL INFILE disabled on one side.
LOCAL_INFILE_REFUSED = {1148, 2068, 3948, 4166}
LOCK_TIMEOUT_SECONDS = 600


class LoadError(RuntimeError):
    """A load failed after its retries; nothing of it was committed."""


@dataclass(frozen=True)
class LoadResult:
    rows_deleted: int
    rows_loaded: int
    method: str  # "load_data" or "executemany"
    attempts: int
    seconds: float


@dataclass(frozen=True)
class LoadPolicy:
    batch_size: int = 10_000
    retry_count: int = 3
    retry_delay_seconds: float = 5.0


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def _field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, float):
        return "\\N" if math.isnan(value) or math.isinf(value) else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (date, Decimal, int)):
        return str(value)
    return str(value).translate(_ESCAPES)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


_NULL = "\\N"
_SPECIAL = r"[\\\t\n\r\x00]"


def _tsv_column(series: pd.Series) -> pd.Series:
    """One column as LOAD DATA text (tab-separated, backslash-escaped, \\N for NULL), vectorised where it can be."""
    kind = series.dtype.kind
    if kind == "b":  # bool, or the nullable boolean dtype (with NA)
        return series.map({True: "1", False: "0"}).astype(object).where(series.notna(), _NULL)
    if kind in "iufM":
        # Report columns repeat values a lot (zero movements, a stock level held for days, one load time):
        # format each distinct value once and index the texts by the codes.
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return pd.Series(_distinct_texts(kind, uniques)[codes], index=series.index, dtype=object)
    present = series.notna()
    inferred = pd.api.types.infer_dtype(series, skipna=True)  # C code: 'string', 'date', 'decimal', 'mixed' ...
    if inferred == "string":
        if series[present].str.contains(_SPECIAL, regex=True).any():
            series = series.map(lambda v: v.translate(_ESCAPES) if isinstance(v, str) else v)
        # After escaping, no value can read as \N: a literal backslash became a double one.
        return series.astype(object).where(present, _NULL)
    # Anything else (dates, Decimals, mixed): format each distinct value once; report columns repeat a lot.
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    formatted = np.array([_field(v) for v in uniques] + [_NULL], dtype=object)
    return pd.Series(formatted[codes], index=series.index, dtype=object)


def _distinct_texts(kind: str, uniques) -> np.ndarray:
    """The LOAD DATA text of each distinct value of a numeric or datetime column, then \\N (code -1: missing)."""
    if kind == "M":
        texts = pd.DatetimeIndex(uniques).strftime("%Y-%m-%d %H:%M:%S.%f").to_numpy(dtype=object)
    elif kind == "f":
        values = np.asarray(uniques, dtype="float64")
        texts = np.where(np.isfinite(values), values.astype(str), _NULL).astype(object)
    else:  # integers, nullable ones included (their missing values are already code -1)
        texts = np.asarray(uniques).astype(str).astype(object)
    return np.append(texts, np.array([_NULL], dtype=object))


def _frame_tsv(frame: pd.DataFrame) -> str:
    columns = [_tsv_column(frame[c]).tolist() for c in frame.columns]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def frame_records(frame: pd.DataFrame) -> list[tuple]:
    """Rows of a frame as Python tuples for executemany: NaN/inf/NaT/NA become None, Timestamps datetimes."""
    out = []
    for row in frame.astype(object).itertuples(index=False, name=None):
        out.append(
            tuple(
                None
                if (v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)))
                else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                for v in row
            )
        )
    return out


def _write_batch(rows: Sequence[Sequence] | pd.DataFrame, path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        if isinstance(rows, pd.DataFrame):
            handle.write(_frame_tsv(rows))
            return
        for row in rows:
            handle.write("\t".join(_field(v) for v in row))
            handle.write("\n")


def _batches(rows: Sequence[Sequence] | pd.DataFrame, batch_size: int):
    for start in range(0, len(rows), batch_size):
        yield (
            rows.iloc[start : start + batch_size]
            if isinstance(rows, pd.DataFrame)
            else rows[start : start + batch_size]
        )


def _insert_load_data(
    cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence], batch_size: int, replace: bool = False
) -> int:
    """LOAD DATA batch by batch; a helper thread encodes the next batch while the server loads this one.
    replace=True writes a row whose key is already there over it (LOAD DATA ... REPLACE)."""
    column_list = ", ".join(ident(c) for c in columns)
    statement = (
        f"LOAD DATA LOCAL INFILE %s {'REPLACE ' if replace else ''}INTO TABLE {ident(table)} CHARACTER SET utf8mb4 "
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
        f"({column_list})"
    )
    paths = []
    for _ in range(2):  # two files, alternating: one being loaded, one being written
        fd, path = tempfile.mkstemp(prefix="genims_load_", suffix=".tsv")
        os.close(fd)
        paths.append(path)
    loaded = 0

    def load(written: _Written) -> int:
        affected = cursor.execute(statement, (written.result(),))
        # A row written over counts twice in the affected rows (deleted and inserted) when it changed, once when
        # it did not: the rows of a REPLACE load are the batch's.
        return written.rows if replace else affected

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="genims-encode") as encoder:
            pending = None
            for index, batch in enumerate(_batches(rows, batch_size)):
                written = encoder.submit(_write_batch, batch, paths[index % 2])
                if pending is not None:
                    loaded += load(pending)
                pending = _Written(written, paths[index % 2], len(batch))
            if pending is not None:
                loaded += load(pending)
    finally:
        for path in paths:
            os.unlink(path)
    return loaded


@dataclass
class _Written:
    """A batch file being written by the encoder thread; result() waits for it and gives its path."""

    future: Future
    path: str
    rows: int

    def result(self) -> str:
        self.future.result()
        return self.path


def _insert_executemany(
    cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence], batch_size: int, replace: bool = False
) -> int:
    statement = (
        f"{'REPLACE' if replace else 'INSERT'} INTO {ident(table)} ({', '.join(ident(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    loaded = 0
    for part in _batches(rows, batch_size):
        batch = (
            frame_records(part) if isinstance(part, pd.DataFrame) else [tuple(_clean(v) for v in row) for row in part]
        )
        cursor.executemany(statement, batch)
        loaded += len(batch)
    return loaded


class TableLock:
    """MySQL named lock that serialises every load of one table (across processes and runs)."""

    def __init__(self, connection, database: str, table: str, timeout_seconds: int = LOCK_TIMEOUT_SECONDS):
        self.connection, self.name, self.timeout = connection, f"genims_load:{database}.{table}", timeout_seconds

    def __enter__(self) -> TableLock:
        with self.connection.cursor() as cur:
            cur.execute("SELECT GET_LOCK(%s, %s)", (self.name, self.timeout))
            if cur.fetchone()[0] != 1:
                raise LoadError(f"another load of {self.name} held its lock for over {self.timeout}s")
        return self

    def __exit__(self, *exc) -> None:
        try:
            with self.connection.cursor() as cur:
                cur.execute("SELECT RELEASE_LOCK(%s)", (self.name,))
        except pymysql.err.MySQLError:
            pass  # the lock dies with the session anyway


def _error_code(error: Exception) -> int | None:
    return error.args[0] if getattr(error, "args", None) and isinstance(error.args[0], int) else None


def replace_slice(
    connect: Callable[..., object],
    database: str,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence] | pd.DataFrame,
    *,
    slice_column: str | None,
    slice_start: date | None = None,
    slice_end: date | None = None,
    policy: LoadPolicy = LoadPolicy(),
    prefer_load_data: bool = True,
    stamp_column: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> LoadResult:
    """Replace the rows of `table` with slice_start <= slice_column < slice_end by `rows`, atomically.

    slice_column=None replaces the whole table by a shadow-table swap.
    `connect(local_infile=...)` returns a new PyMySQL connection to `database`.
    stamp_column: a column of `rows` (a DataFrame) that holds one value for the whole load, this load's stamp;
    the slice is then written over rather than deleted and re-inserted (see the module's docstring).
    """
    started = time.perf_counter()
    if isinstance(rows, pd.DataFrame):
        rows = rows[list(columns)]
    stamp = _load_stamp(rows, stamp_column, slice_column, slice_start, slice_end) if stamp_column else None
    use_load_data = prefer_load_data
    attempt = 0
    while True:
        attempt += 1
        conn = connect(local_infile=use_load_data)
        try:
            with TableLock(conn, database, table):
                if slice_column is None:
                    deleted, loaded = _swap_table(conn, table, columns, rows, policy.batch_size, use_load_data)
                elif _slice_is_most_of_table(conn, database, table, len(rows)):
                    deleted, loaded = _swap_table(
                        conn,
                        table,
                        columns,
                        rows,
                        policy.batch_size,
                        use_load_data,
                        keep_outside=(slice_column, slice_start, slice_end),
                    )
                else:
                    deleted, loaded = _replace_in_transaction(
                        conn,
                        table,
                        columns,
                        rows,
                        slice_column,
                        slice_start,
                        slice_end,
                        policy.batch_size,
                        use_load_data,
                        stamp=(stamp_column, stamp) if stamp_column else None,
                    )
            return LoadResult(
                deleted, loaded, "load_data" if use_load_data else "executemany", attempt, time.perf_counter() - started
            )
        except pymysql.err.MySQLError as error:
            _rollback(conn)
            code = _error_code(error)
            if use_load_data and code in LOCAL_INFILE_REFUSED:
                use_load_data = False  # the working fallback; not counted as a retry
                attempt -= 1
                continue
            if code in TRANSIENT_ERRORS and attempt <= policy.retry_count:
                sleep(policy.retry_delay_seconds)
                continue
            raise LoadError(f"loading {database}.{table} failed after {attempt} attempt(s): {error}") from error
        finally:
            _close(conn)


def _load_stamp(rows, stamp_column: str, slice_column: str | None, start, end):
    """The one stamp value of a load's rows; refuses rows outside the slice, which a write-over would reach."""
    if not isinstance(rows, pd.DataFrame) or stamp_column not in rows.columns:
        raise ValueError(f"a stamped load needs a DataFrame with the stamp column {stamp_column!r}")
    if slice_column is None or start is None or end is None:
        raise ValueError("a stamped load replaces a slice: give slice_column, slice_start and slice_end")
    if not len(rows):
        return None
    stamps = rows[stamp_column].unique()
    if len(stamps) != 1 or pd.isna(stamps[0]):
        raise ValueError(f"a stamped load needs one {stamp_column} value for all its rows, not {stamps[:3]!r}")
    days = pd.to_datetime(rows[slice_column])
    low, high = pd.Timestamp(start), pd.Timestamp(end)
    if days.isna().any() or days.min() < low or days.max() >= high:
        raise ValueError(f"rows with {slice_column} outside the slice [{start}, {end}) (from {days.min()} to "
                         f"{days.max()}): the transformation must only produce the days it was asked for")
    stamp = stamps[0]
    return pd.Timestamp(stamp).to_pydatetime() if isinstance(stamp, (pd.Timestamp, np.datetime64)) else stamp


def _replace_in_transaction(conn, table, columns, rows, slice_column, start, end, batch_size, use_load_data,
                            stamp=None):
    """stamp=(column, value): write the rows over the slice and delete the slice's rows without the value; the
    plain DELETE and insert when None, when there are no rows, or when the slice already holds the value (a load
    with the same stamp before: its rows must not be mistaken for this one's)."""
    if start is None or end is None:
        raise ValueError("a slice load needs slice_start and slice_end")
    conn.begin()
    insert = _insert_load_data if use_load_data else _insert_executemany
    where = f"{ident(slice_column)} >= %s AND {ident(slice_column)} < %s"
    with conn.cursor() as cur:
        if stamp is not None and stamp[1] is not None:
            column, value = stamp
            cur.execute(f"SELECT COUNT(*), COALESCE(SUM({ident(column)} <=> %s), 0) FROM {ident(table)} WHERE {where}",
                        (value, start, end))
            held, stamped = (int(v) for v in cur.fetchone())
            if not stamped:
                loaded = insert(cur, table, columns, rows, batch_size, replace=True)
                cur.execute(f"DELETE FROM {ident(table)} WHERE {where} AND NOT ({ident(column)} <=> %s)",
                            (start, end, value))
                conn.commit()
                return held, loaded
        deleted = cur.execute(f"DELETE FROM {ident(table)} WHERE {where}", (start, end))
        loaded = insert(cur, table, columns, rows, batch_size) if len(rows) else 0
    conn.commit()
    return deleted, loaded


# A slice this large, holding at least half of its table's rows, is swapped in rather than deleted and reloaded.
SWAP_MIN_ROWS = 50_000


def _slice_is_most_of_table(conn, database: str, table: str, new_rows: int) -> bool:
    if new_rows < SWAP_MIN_ROWS:
        return False
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_rows FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            (database, table),
        )
        row = cur.fetchone()
    estimate = int(row[0] or 0) if row else 0  # InnoDB's estimate: good enough to choose a method
    return estimate - new_rows < new_rows


def _swap_table(conn, table, columns, rows, batch_size, use_load_data, keep_outside=None):
    """Build the table anew in a shadow copy and RENAME it in; keep_outside=(column, start, end) keeps the rows
    outside [start, end) (copied server-side), so the swap replaces that slice only."""
    shadow, retired = f"{table}__new", f"{table}__old"
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {ident(shadow)}")
        cur.execute(f"DROP TABLE IF EXISTS {ident(retired)}")
        cur.execute(f"CREATE TABLE {ident(shadow)} LIKE {ident(table)}")
        conn.begin()
        outside = ""
        params: tuple = ()
        if keep_outside is not None:
            column, start, end = keep_outside
            outside = f" WHERE {ident(column)} >= %s AND {ident(column)} < %s"
            params = (start, end)
            cur.execute(
                f"INSERT INTO {ident(shadow)} SELECT * FROM {ident(table)} "
                f"WHERE {ident(column)} < %s OR {ident(column)} >= %s",
                params,
            )
        insert = _insert_load_data if use_load_data else _insert_executemany
        loaded = insert(cur, shadow, columns, rows, batch_size) if len(rows) else 0
        conn.commit()
        cur.execute(f"SELECT COUNT(*) FROM {ident(table)}{outside}", params)
        previous = int(cur.fetchone()[0])
        # RENAME waits behind open read transactions: a short lock wait, retried by the caller.
        cur.execute("SET SESSION lock_wait_timeout = 10")
        cur.execute(f"RENAME TABLE {ident(table)} TO {ident(retired)}, {ident(shadow)} TO {ident(table)}")
        cur.execute(f"DROP TABLE {ident(retired)}")
    return previous, loaded


def _rollback(conn) -> None:
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 - the connection may already be gone; the transaction is then void
        pass


def _close(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001
        pass
