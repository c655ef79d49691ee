"""Reporting retention: drop monthly partitions older than 12 months, and pre-create future ones.

Whole months go with ALTER TABLE ... DROP PARTITION (no row deletes); each
table's action is recorded in etl_sync_log (load_mode 'retention').
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import dagster as dg

from genims_assets.mysql_partitions import (
    REPORTING_MONTHS_AHEAD,
    REPORTING_MONTHS_BACK,
    add_months,
    ensure_monthly_partitions,
    ident,
    month_start,
    partition_month,
    partitions,
)
from genims_assets.platform_setup.mysql_schema import REPORTING


def expired_partitions(names: list[str], today: date, months_back: int = REPORTING_MONTHS_BACK) -> list[str]:
    """Monthly partitions whose whole month lies before the retention window (never pmax).

    Called after the window's own months exist, so dropping every expired one still leaves the table partitioned
    from the cutoff month on (that first partition has no lower bound: a late row older than the window lands there
    and goes with it a month later).
    """
    cutoff = add_months(month_start(today), -months_back)
    return sorted(n for n in names if (month := partition_month(n)) is not None and month < cutoff)


def apply_retention(connection, database: str, today: date) -> dict[str, dict]:
    """Drop expired partitions and add future ones on every partitioned reporting table."""
    actions = {}
    with connection.cursor() as cur:
        for name, table in REPORTING.tables().items():
            if not table.partition_column:
                continue
            # Future months first: a table not maintained for a year still keeps its window partitioned.
            added = ensure_monthly_partitions(
                cur,
                database,
                name,
                add_months(month_start(today), -REPORTING_MONTHS_BACK),
                add_months(month_start(today), REPORTING_MONTHS_AHEAD),
            )
            existing = partitions(cur, database, name)
            expired = expired_partitions([p.name for p in existing], today)
            rows = {p.name: p.rows for p in existing if p.name in expired}
            if expired:
                cur.execute(f"ALTER TABLE {ident(name)} DROP PARTITION {', '.join(ident(p) for p in expired)}")
            actions[name] = {"dropped": expired, "approx_rows_dropped": sum(rows.values()), "added": added}
    return actions


@dg.op(required_resource_keys={"mysql_reporting"})
def drop_expired_reporting_partitions(context) -> None:
    """Drops reporting data older than 12 months (whole partitions) and records each table in etl_sync_log."""
    mysql = context.resources.mysql_reporting
    started = datetime.now(UTC).replace(tzinfo=None)
    conn = mysql.connect(autocommit=True)
    try:
        actions = apply_retention(conn, mysql.database, started.date())
        finished = datetime.now(UTC).replace(tzinfo=None)
        with conn.cursor() as cur:
            for table, action in actions.items():
                cur.execute(
                    "INSERT INTO etl_sync_log (table_name, asset_key, source_databases, run_id, load_mode, "
                    "started_at, finished_at, duration_seconds, rows_replaced, status, error_message) "
                    "VALUES (%s, %s, %s, %s, 'retention', %s, %s, %s, %s, 'success', NULL)",
                    (
                        table,
                        f"reporting/{table}",
                        json.dumps([]),
                        context.run_id,
                        started,
                        finished,
                        round((finished - started).total_seconds(), 3),
                        action["approx_rows_dropped"],
                    ),
                )
    finally:
        conn.close()
    dropped = {t: a["dropped"] for t, a in actions.items() if a["dropped"]}
    context.log.info(f"retention: dropped {sum(len(v) for v in dropped.values())} partitions: {dropped}")


@dg.job(description="Drop reporting partitions older than 12 months and pre-create the next months.")
def reporting_retention():
    drop_expired_reporting_partitions()


retention_job = reporting_retention
retention_schedule = dg.ScheduleDefinition(
    name="reporting_retention_daily",
    job=reporting_retention,
    cron_schedule="30 1 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 01:30 UTC.",
)
