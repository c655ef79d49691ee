"""The source change queues seen from outside the shipping loop: what is pending, and pruning what was shipped.

Why it is built this way (contract: genims_assets/audit/README.md section 1):
- The poll (`pending_by_day`) reads counts and ids only, through the queue's
  partial index on pending rows: cheap enough for a sensor every minute.
- Shipped queue rows are kept SHIPPED_RETENTION (7 days) so that the verifier
  can compare the queue with MySQL over a week, then pruned, each after its
  presence in MySQL is confirmed.
- ship.py (the shipping loop) imports its queue name, errors and source list
  from here and offers all of this under its own name as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from psycopg2 import sql

from genims_assets.audit.store import connect_store
from genims_assets.connections import ConnectionFailed, postgres_connect
from genims_assets.mysql_partitions import ident
from genims_assets.settings import SOURCE_DATABASES, Settings

QUEUE = "genims_audit.change_queue"
SHIPPED_RETENTION = timedelta(days=7)
EVIDENCE_TABLES = ("system_audit_log", "bulk_operation_audit", "database_changes", "permission_changes")
POLL_TIMEOUT_MS = 15_000


class ShipError(RuntimeError):
    """A shipment could not start or finish; the message names the database and the fix."""


def has_queue(cur) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (QUEUE,))
    return bool(cur.fetchone()[0])


def source_shorts(settings: Settings, shorts: Iterable[str] | None) -> list[str]:
    chosen = list(settings.postgres.databases) if not shorts else list(dict.fromkeys(shorts))
    unknown = [s for s in chosen if s not in settings.postgres.databases]
    if unknown:
        raise ShipError(
            f"unknown source database(s) {', '.join(unknown)}: use the short names {', '.join(SOURCE_DATABASES)}"
        )
    return chosen


# ---------------------------------------------------------------- polling (sensor, status)


@dataclass(frozen=True)
class PendingDay:
    day: date
    events: int
    max_event_id: int
    oldest: datetime


_PENDING_SQL = (
    "SELECT (event_time AT TIME ZONE 'UTC')::date, count(*), max(event_id), min(event_time) FROM {} "
    "WHERE shipped_at IS NULL GROUP BY 1 ORDER BY 1"
)


def _pending(settings: Settings, database: str, table: str) -> list[PendingDay] | None:
    """Pending events per UTC day of one queue; None when the queue does not exist."""
    conn = postgres_connect(settings.postgres, database, timeout_seconds=5)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('statement_timeout', %s, false)", (f"{POLL_TIMEOUT_MS}ms",))
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if not cur.fetchone()[0]:
                return None
            schema, name = table.split(".")
            cur.execute(sql.SQL(_PENDING_SQL).format(sql.Identifier(schema, name)))
            return [PendingDay(d, int(n), int(m), t) for d, n, m, t in cur.fetchall()]
    finally:
        conn.close()


OUTBOX = "outbox"


def pending_by_day(settings: Settings, shorts: Iterable[str] | None = None, with_outbox: bool = True) -> dict:
    """short (or "outbox") -> pending events per day, None without a queue, or an error text. Counts and ids only."""
    result: dict[str, list[PendingDay] | None | str] = {}
    for short in source_shorts(settings, shorts):
        try:
            result[short] = _pending(settings, settings.postgres.databases[short], QUEUE)
        except Exception as error:  # noqa: BLE001 - one unreachable database must not hide the others
            result[short] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    if with_outbox:
        try:
            result[OUTBOX] = _pending(settings, settings.dagster_database, "genims_audit.platform_outbox")
        except Exception as error:  # noqa: BLE001
            result[OUTBOX] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return result


def last_shipped(settings: Settings, database: str, table: str = QUEUE) -> datetime | None:
    conn = postgres_connect(settings.postgres, database, timeout_seconds=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if not cur.fetchone()[0]:
                return None
            schema, name = table.split(".")
            cur.execute(sql.SQL("SELECT max(shipped_at) FROM {}").format(sql.Identifier(schema, name)))
            return cur.fetchone()[0]
    finally:
        conn.close()


# ---------------------------------------------------------------- pruning


@dataclass
class PruneResult:
    database: str
    deleted: int = 0
    unconfirmed: list[int] = field(default_factory=list)  # shipped events NOT found in MySQL: kept, investigate
    error: str | None = None


def _confirmed(mysql, database: str, first: int, last: int) -> set[int]:
    found: set[int] = set()
    with mysql.cursor() as cur:
        for table in EVIDENCE_TABLES:
            cur.execute(
                f"SELECT DISTINCT source_event_id FROM {ident(table)} "
                "WHERE source_database = %s AND source_event_id BETWEEN %s AND %s",
                (database, first, last),
            )
            found.update(int(r[0]) for r in cur.fetchall())
    mysql.rollback()
    return found


def prune_shipped(
    settings: Settings,
    older_than: timedelta = SHIPPED_RETENTION,
    shorts: Iterable[str] | None = None,
    batch: int = 10_000,
) -> dict[str, PruneResult]:
    """Delete queue rows shipped more than `older_than` ago, each only once its presence in MySQL is confirmed."""
    results: dict[str, PruneResult] = {}
    mysql = connect_store(settings)
    try:
        for short in source_shorts(settings, shorts):
            database = settings.postgres.databases[short]
            result = results[short] = PruneResult(database)
            try:
                pg = postgres_connect(settings.postgres, database)
            except ConnectionFailed as error:
                result.error = str(error)
                continue
            try:
                with pg.cursor() as cur:
                    queue = has_queue(cur)
                pg.rollback()
                after = 0
                while queue:
                    with pg.cursor() as cur:
                        cur.execute(
                            "SELECT event_id FROM genims_audit.change_queue WHERE shipped_at IS NOT NULL "
                            "AND shipped_at < clock_timestamp() - %s AND event_id > %s ORDER BY event_id LIMIT %s "
                            "FOR UPDATE SKIP LOCKED",
                            (older_than, after, batch),
                        )
                        ids = [int(r[0]) for r in cur.fetchall()]
                        if not ids:
                            pg.rollback()
                            break
                        found = _confirmed(mysql, database, ids[0], ids[-1])
                        keep = [i for i in ids if i not in found]
                        cur.execute(
                            "DELETE FROM genims_audit.change_queue WHERE event_id = ANY(%s::bigint[]) "
                            "AND shipped_at IS NOT NULL",
                            ([i for i in ids if i in found],),
                        )
                        result.deleted += cur.rowcount
                    pg.commit()
                    result.unconfirmed += keep
                    after = ids[-1]
            finally:
                pg.close()
    finally:
        mysql.close()
    return results
