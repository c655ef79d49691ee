"""One materialisation of a reporting table: extract per database, transform, load, log, check.

1. extract: one aggregation query per source database (sql/reporting/<table>/<db>.sql), run in PostgreSQL;
2. transform: the table's Python function combines them into the table's rows;
3. load: the slice is replaced atomically (genims_assets/mysql_load.py);
4. log: one etl_sync_log row and one data_quality_metrics row, also when the load fails;
5. check: row-count drift, reconciliation against the source, valid measures (returned as check results).
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import psycopg2.extensions

from genims_assets.defs.reporting import pg_copy
from genims_assets.defs.reporting.spec import ReportingTable, Window
from genims_assets.mysql_load import LoadPolicy, LoadResult, replace_slice
from genims_assets.mysql_partitions import ident
from genims_assets.resources import MySQLResource, PostgresSourceResource
from genims_assets.sqlfiles import TableDef, read_sql


class ReportingDataError(ValueError):
    """The transformation produced rows the table cannot take (missing keys, unknown columns)."""


@dataclass(frozen=True)
class Extract:
    frames: dict[str, pd.DataFrame]
    rows: int
    seconds: float


# NUMERIC as float straight from the wire text: building Decimals and converting them cost seconds per million values.
def _numeric_as_float(text: str | None, _cursor) -> float | None:
    return None if text is None else float(text)


_NUMERIC_AS_FLOAT = psycopg2.extensions.new_type(
    psycopg2.extensions.DECIMAL.values, "GENIMS_NUMERIC_AS_FLOAT", _numeric_as_float
)


def run_query(
    resource: PostgresSourceResource, text: str, params: dict, timeout_seconds: int | None = None
) -> pd.DataFrame:
    """Run one source query, read-only, cut off after DATA_SYNC_TIMEOUT; NUMERIC comes back as float.

    The rows travel as COPY text parsed by pandas (`pg_copy`) when every column has a type it reads, as
    tuples otherwise; both give the same frame.
    """
    raw = resource.engine().raw_connection()
    try:
        psycopg2.extensions.register_type(_NUMERIC_AS_FLOAT, raw.driver_connection)
        with raw.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            # Short aggregations: JIT compilation costs more than it saves (40-3000 ms on series estimates).
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL DateStyle = 'ISO, YMD'")  # the dates COPY writes, whatever the server's default
            if timeout_seconds:
                cur.execute("SELECT set_config('statement_timeout', %s, true)", (f"{int(timeout_seconds * 1000)}",))
            codec = psycopg2.extensions.encodings[raw.driver_connection.encoding]  # the client encoding
            query = cur.mogrify(text, params).decode(codec)
            # The result's columns and types without running it: LIMIT 0 stops before the first row is computed.
            cur.execute(f"SELECT * FROM ({query}\n) AS genims_query LIMIT 0")
            names = [d[0] for d in cur.description]
            kinds = pg_copy.copy_kinds(cur.description)
            frame = None
            if kinds is not None:
                buffer = io.BytesIO()
                cur.copy_expert(pg_copy.copy_statement(query), buffer)
                try:
                    frame = pg_copy.frame_from_copy(buffer.getvalue(), names, kinds, codec)
                except ValueError:  # a value the reader cannot convert ('infinity', a BC date): read the tuples
                    frame = None
            if frame is None:
                cur.execute(query)
                frame = pd.DataFrame.from_records(cur.fetchall(), columns=names)
        raw.rollback()
    finally:
        raw.close()
    return frame


def extract(
    spec: ReportingTable, sources: dict[str, PostgresSourceResource], window: Window, timeout_seconds: int | None = None
) -> Extract:
    started = time.perf_counter()
    frames = {
        short: run_query(
            sources[short], read_sql("reporting", spec.name, f"{short}.sql"), window.params(), timeout_seconds
        )
        for short in spec.databases
    }
    return Extract(frames, sum(len(f) for f in frames.values()), time.perf_counter() - started)


def conform(
    spec: ReportingTable,
    table: TableDef,
    frame: pd.DataFrame,
    loaded_at: datetime,
    error_threshold_pct: float = 0.0,
) -> tuple[pd.DataFrame, int]:
    """The transformation's rows in the table's column order, with updated_at, and how many were skipped.

    A row with an empty grain key is malformed (a source row that references nothing): it is skipped
    and counted, and the load fails when more than ETL_ERROR_THRESHOLD percent of the rows are.
    """
    unknown = [c for c in frame.columns if c not in table.column_names]
    if unknown:
        raise ReportingDataError(f"{spec.name}: the transformation produced columns the table lacks: {unknown}")
    missing_keys = [c for c in table.primary_key if c not in frame.columns]
    if missing_keys:
        raise ReportingDataError(f"{spec.name}: the transformation did not produce key columns {missing_keys}")
    malformed = frame[list(table.primary_key)].isna().any(axis=1) if len(frame) else pd.Series(dtype=bool)
    skipped = int(malformed.sum())
    if skipped:
        share = 100.0 * skipped / len(frame)
        if share > error_threshold_pct:
            sample = frame[malformed].head(3).to_dict("records")
            raise ReportingDataError(
                f"{spec.name}: {skipped} of {len(frame)} rows ({share:.2f}%) have an empty grain key "
                f"({', '.join(table.primary_key)}), over ETL_ERROR_THRESHOLD={error_threshold_pct:g}%; "
                f"nothing was loaded. First rows: {sample}. Fix the source rows, or raise the threshold."
            )
        frame = frame[~malformed]
    # In primary-key order: InnoDB then appends pages instead of splitting them (half the load time on big tables).
    frame = frame.sort_values(list(table.primary_key), ignore_index=True)
    frame["updated_at"] = loaded_at
    return frame[[c for c in table.column_names if c in frame.columns]], skipped


def load(
    spec: ReportingTable, table: TableDef, mysql: MySQLResource, frame: pd.DataFrame, window: Window, policy: LoadPolicy
) -> LoadResult:
    low, high = spec.slice_bounds(window)
    return replace_slice(
        lambda local_infile=False: mysql.connect(local_infile=local_infile),
        mysql.database,
        spec.name,
        list(frame.columns),
        frame,
        slice_column=spec.date_column,
        slice_start=low,
        slice_end=high,
        policy=policy,
        stamp_column="updated_at" if spec.date_column else None,  # conform gives every row the load's time
    )


def write_sync_log(
    mysql: MySQLResource,
    spec: ReportingTable,
    *,
    databases: list[str],
    run_id: str,
    partition: str | None,
    window: Window,
    started: datetime,
    finished: datetime,
    extracted: int,
    transformed: int,
    skipped: int,
    result: LoadResult | None,
    status: str,
    error: str | None,
) -> int:
    conn = mysql.connect(autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO etl_sync_log (table_name, asset_key, source_databases, partition_key, run_id, load_mode, "
                "load_method, window_start, window_end, started_at, finished_at, duration_seconds, rows_extracted, "
                "rows_transformed, rows_loaded, rows_skipped, rows_replaced, status, error_message) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (
                    spec.name,
                    f"reporting/{spec.name}",
                    json.dumps(databases),
                    partition,
                    run_id,
                    "partition_replace" if spec.date_column else "table_swap",
                    (result.method if result else None),
                    window.start,
                    window.end,
                    started,
                    finished,
                    round((finished - started).total_seconds(), 3),
                    extracted,
                    transformed,
                    result.rows_loaded if result else 0,
                    skipped,
                    result.rows_deleted if result else 0,
                    status,
                    error,
                ),
            )
            return int(cur.lastrowid)
    finally:
        conn.close()


@dataclass(frozen=True)
class Quality:
    rows: int
    null_count: int
    out_of_range: int
    problems: dict[str, int]

    @property
    def score(self) -> float:
        if not self.rows:
            return 100.0
        return round(100.0 * (1 - min(1.0, (self.null_count + self.out_of_range) / self.rows)), 3)


def measure_quality(spec: ReportingTable, mysql: MySQLResource, window: Window) -> Quality:
    """NULLs in required columns and measures out of range, over the slice just loaded (queried in MySQL)."""
    return scan_target(spec, mysql, window)[0]


def scan_target(spec: ReportingTable, mysql: MySQLResource, window: Window) -> tuple[Quality, dict[str, float]]:
    """One pass over the slice just loaded, in MySQL: its quality counts and its control totals (see target_totals).

    One GROUP BY scan serves both, instead of a scan each: on million-row slices each scan costs seconds.
    """
    low, high = spec.slice_bounds(window)
    conditions: dict[str, str] = {}
    for column in spec.required_columns:
        conditions[f"{column} is NULL"] = f"{ident(column)} IS NULL"
    for column in spec.percent_columns:
        conditions[f"{column} outside 0-100"] = f"({ident(column)} < 0 OR {ident(column)} > 100)"
    for column in spec.nonnegative_columns:
        conditions[f"{column} negative"] = f"{ident(column)} < 0"
    where = f"{ident(spec.date_column)} >= %s AND {ident(spec.date_column)} < %s" if spec.date_column else "1=1"
    params = (low, high) if spec.date_column else ()
    select = [f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conditions.values()]
    control = f"COALESCE(SUM({ident(spec.control.column)}), 0)" if spec.control is not None else "0"
    group = spec.partitioned and spec.date_column
    head = f"{ident(spec.date_column)}, " if group else ""
    tail = f" GROUP BY {ident(spec.date_column)}" if group else ""
    conn = mysql.connect(autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"SELECT {head}COUNT(*), {control}{''.join(', ' + c for c in select)} "
                f"FROM {ident(spec.name)} WHERE {where}{tail}",
                params,
            )
            rows = cur.fetchall()
    finally:
        conn.close()
    offset = 1 if group else 0
    totals = {_key(r[0]) if group else "all": float(r[offset + 1]) for r in rows}
    if not group and not totals:
        totals = {"all": 0.0}
    counts = {name: sum(int(r[offset + 2 + i] or 0) for r in rows) for i, name in enumerate(conditions)}
    nulls = sum(v for k, v in counts.items() if k.endswith("is NULL"))
    quality = Quality(
        sum(int(r[offset]) for r in rows), nulls, sum(counts.values()) - nulls, {k: v for k, v in counts.items() if v}
    )
    return quality, totals


def write_quality(
    mysql: MySQLResource, spec: ReportingTable, quality: Quality, *, run_id: str, partition: str | None, sync_id: int
) -> None:
    conn = mysql.connect(autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO data_quality_metrics (table_name, partition_key, run_id, sync_id, check_name, "
                "rows_checked, null_count, null_pct, duplicate_count, duplicate_pct, out_of_range_count, score, "
                "threshold_score, status, details, measured_at) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (
                    spec.name,
                    partition,
                    run_id,
                    sync_id,
                    "measures_valid",
                    quality.rows,
                    quality.null_count,
                    round(100.0 * quality.null_count / quality.rows, 3) if quality.rows else 0.0,
                    0,
                    0.0,
                    quality.out_of_range,
                    quality.score,
                    100.0,
                    "pass" if quality.score >= 100.0 else "fail",
                    json.dumps(quality.problems),
                    datetime.now(UTC).replace(tzinfo=None),
                ),
            )
    finally:
        conn.close()


def target_totals(spec: ReportingTable, mysql: MySQLResource, window: Window) -> dict[str, float]:
    """SUM(control column) per day (daily), per month (monthly) or in all (snapshots), in MySQL."""
    return scan_target(spec, mysql, window)[1]


def source_totals(spec: ReportingTable, sources: dict[str, PostgresSourceResource], window: Window) -> dict[str, float]:
    frame = run_query(sources[spec.control.source], read_sql("reporting", spec.name, "control.sql"), window.params())
    if frame.shape[1] == 1:
        return {"all": float(frame.iloc[0, 0] or 0.0)} if len(frame) else {"all": 0.0}
    return {_key(k): float(v or 0.0) for k, v in frame.itertuples(index=False, name=None)}


def _key(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)
