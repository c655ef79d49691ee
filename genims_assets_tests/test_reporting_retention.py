"""Reporting retention against MariaDB: whole monthly partitions older than 12 months go, newer ones stay,
future ones are added, and the job records every table in etl_sync_log."""

from __future__ import annotations

import os
from datetime import date

import pytest

from genims_assets.connections import mysql_connect
from genims_assets.defs.reporting.retention import apply_retention, reporting_retention
from genims_assets.mysql_partitions import partitions
from genims_assets.platform_setup.mysql_schema import REPORTING, apply_layer
from genims_assets.resources import build_resources
from genims_assets.settings import Settings

DATABASE = "gtest_retention_reporting_db"


@pytest.fixture
def target():
    settings = Settings.from_env({**os.environ, "MYSQL_REPORTING_DB": DATABASE})
    drop(settings)
    # Built as if on 2025-01-15: monthly partitions from 2024-01 to 2025-04.
    apply_layer(REPORTING, settings.reporting, date(2025, 1, 15), lambda _: None)
    conn = mysql_connect(settings.reporting, autocommit=True)
    with conn.cursor() as cur:
        for day in ("2024-02-10", "2024-05-31", "2024-06-01", "2025-01-10"):
            cur.execute(
                "INSERT INTO quality_summary_daily (report_date, product_id, factory_id, updated_at) "
                "VALUES (%s, 'P1', 'F1', NOW())",
                (day,),
            )
    conn.close()
    yield settings
    drop(settings)


def drop(settings: Settings) -> None:
    conn = mysql_connect(settings.reporting, database=None, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    conn.close()


def days_and_partitions(settings: Settings) -> tuple[list[str], list[str]]:
    conn = mysql_connect(settings.reporting, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("SELECT report_date FROM quality_summary_daily ORDER BY report_date")
        days = [str(r[0]) for r in cur.fetchall()]
        names = [p.name for p in partitions(cur, DATABASE, "quality_summary_daily")]
    conn.close()
    return days, names


def test_partitions_older_than_twelve_months_are_dropped_whole(target):
    conn = mysql_connect(target.reporting, autocommit=True)
    actions = apply_retention(conn, DATABASE, date(2025, 6, 15))
    conn.close()
    days, names = days_and_partitions(target)
    # cutoff 2024-06-01: May 2024 and older are gone, June 2024 onwards kept
    assert days == ["2024-06-01", "2025-01-10"]
    assert "p202405" not in names and "p202401" not in names and names[0] == "p202406"
    # three months ahead of 2025-06 are there, and the catch-all
    assert {"p202509", "pmax"} <= set(names)
    action = actions["quality_summary_daily"]
    assert action["dropped"] == [f"p2024{m:02d}" for m in range(1, 6)]
    assert "p202509" in action["added"]
    # every partitioned reporting table was handled, unpartitioned ones left alone
    partitioned = {n for n, t in REPORTING.tables().items() if t.partition_column}
    assert set(actions) == partitioned


def test_the_retention_job_runs_on_mysql_and_logs_each_table(target):
    result = reporting_retention.execute_in_process(resources=build_resources(target))
    assert result.success
    days, names = days_and_partitions(target)
    today = date.today()
    assert all(date.fromisoformat(d) >= date(today.year - 1, today.month, 1) for d in days)
    conn = mysql_connect(target.reporting, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_name, status, rows_replaced FROM etl_sync_log WHERE load_mode = 'retention' AND run_id = %s",
            (result.run_id,),
        )
        logged = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
    conn.close()
    partitioned = {n for n, t in REPORTING.tables().items() if t.partition_column}
    assert set(logged) == partitioned
    assert {status for status, _ in logged.values()} == {"success"}
    # the four quality rows are all older than twelve months before today (2026): all dropped with their months
    cutoff = date(today.year - 1, today.month, 1)
    assert days == []
    assert names[0] == f"p{cutoff.year}{cutoff.month:02d}", names[:3]
