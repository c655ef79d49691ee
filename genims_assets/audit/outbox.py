"""The platform outbox: audit records the platform produces, kept in PostgreSQL until shipped.

A producer (a job-run sensor, the backup job, the verifier, a compliance command)
calls `record(settings, table, rows, producer=...)`. The rows are stored in
`<DAGSTER_PG_DB>.genims_audit.platform_outbox` in one transaction; the audit
shipper later writes them to genims_audit_db through `store.write_batch`, which
gives them their gapless sequence and hash-chain link, and marks them shipped.
Nothing is lost when MySQL is down: the rows wait here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from genims_assets.audit.tables import audit_table
from genims_assets.connections import postgres_connect
from genims_assets.settings import Settings
from genims_assets.sqlfiles import read_sql, split_statements

_READY: set[tuple[str, str]] = set()


class OutboxError(ValueError):
    """A record that cannot be kept (unknown table, unknown or missing column)."""


def ensure_outbox(settings: Settings) -> None:
    """Create the outbox schema and table in the Dagster database if missing (idempotent, once per process)."""
    key = (settings.postgres.address, settings.dagster_database)
    if key in _READY:
        return
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('genims_audit.schema'))")
            for statement in split_statements(read_sql("postgres", "platform_outbox.sql")):
                cur.execute(statement)
    finally:
        conn.close()
    _READY.add(key)


def _json_value(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _event_time(table_name: str, column: str, row: Mapping) -> datetime:
    value = row.get(column)
    if not isinstance(value, datetime):
        raise OutboxError(f"{table_name} row needs {column} as a datetime (UTC), got {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def prepare(table_name: str, rows: Iterable[Mapping]) -> list[tuple[datetime, str]]:
    """Check rows against the table's columns; (event_time, payload json) for each, or OutboxError."""
    table = audit_table(table_name)
    allowed = set(table.payload_columns) - {"outbox_event_id"}
    prepared = []
    for row in rows:
        unknown = set(row) - allowed
        if unknown:
            raise OutboxError(f"{table_name} has no column(s) {', '.join(sorted(unknown))}")
        when = _event_time(table_name, table.timestamp_column, row)
        payload = json.dumps({k: _json_value(v) for k, v in row.items()}, sort_keys=True, default=str)
        prepared.append((when, payload))
    return prepared


def record(settings: Settings, table_name: str, rows: Iterable[Mapping], *, producer: str, cursor=None) -> list[int]:
    """Keep audit rows for `table_name` in the outbox; returns their outbox event ids.

    With `cursor` (a psycopg2 cursor on the Dagster database) the rows join the
    caller's transaction; otherwise they are committed here.
    """
    prepared = prepare(table_name, rows)
    if not prepared:
        return []
    ensure_outbox(settings)
    sql = (
        "INSERT INTO genims_audit.platform_outbox (event_time, target_table, payload, producer) "
        "VALUES (%s, %s, %s::jsonb, %s) RETURNING event_id"
    )

    def insert(cur) -> list[int]:
        ids = []
        for when, payload in prepared:
            cur.execute(sql, (when, table_name, payload, producer))
            ids.append(cur.fetchone()[0])
        return ids

    if cursor is not None:
        return insert(cursor)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            return insert(cur)
    finally:
        conn.close()
