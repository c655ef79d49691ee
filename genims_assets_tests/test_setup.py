"""`genims setup`, `verify` and `test-connection` against the real servers, at test scale.

The session's platform is built once (conftest.built_platform) into gtest_* databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from genims_assets.connections import mysql_connect, postgres_connect
from genims_assets.mysql_partitions import add_months, month_start, partition_name
from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import source_tables
from genims_assets_tests.conftest import REPO, TEST_DAYS, TEST_SCALE, TEST_SEED, genims

# Every source table a reporting table of TABLES.md reads (its "principal sources").
REPORTING_SOURCES = {
    "operational": ["scada_machine_data", "machine_faults"],
    "mes": [
        "downtime_events",
        "work_orders",
        "work_order_operations",
        "labor_transactions",
        "changeover_events",
        "quality_inspections",
        "defects",
    ],
    "qms": ["ncr_headers", "supplier_quality_metrics"],
    "hcm": ["attendance_records", "safety_incidents", "training_enrollments"],
    "cmms": ["work_orders", "pm_schedules", "maintenance_history", "maintenance_costs", "maintenance_assets"],
    "erp": [
        "sales_orders",
        "sales_order_lines",
        "general_ledger",
        "journal_entry_lines",
        "chart_of_accounts",
        "production_orders",
        "budget_lines",
        "account_balances",
        "inventory_balances",
        "materials",
        "inventory_transactions",
        "purchase_orders",
        "purchase_order_lines",
        "goods_receipts",
    ],
    "tms": [
        "deliveries",
        "shipments",
        "proof_of_delivery",
        "return_orders",
        "freight_invoices",
        "freight_invoice_lines",
    ],
    "service": [
        "rma_requests",
        "customer_surveys",
        "service_tickets",
        "ticket_escalations",
        "sla_definitions",
        "warranty_claims",
    ],
    "crm": ["opportunities", "opportunity_stage_history", "quotations", "sales_forecasts"],
    "planning": ["mrp_runs", "mrp_elements"],
    "supplier": ["supplier_invoices", "three_way_match_log", "supplier_performance_metrics", "supplier_scorecards"],
    "wms": [
        "warehouse_inventory",
        "warehouse_movements",
        "picking_tasks",
        "packing_tasks",
        "shipping_tasks",
        "receiving_tasks",
        "inventory_reconciliation_headers",
        "inventory_reconciliation_lines",
        "inventory_sync_errors",
    ],
    "master": sorted(source_tables("genims_master_db")),
}
SETUP_ARGS = ("setup", "--scale", TEST_SCALE, "--days", TEST_DAYS, "--seed", TEST_SEED)


def pg_query(settings, short: str, query: str, params=None) -> list[tuple]:
    conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()
    finally:
        conn.close()


def table_counts(settings) -> dict[str, int]:
    counts = {}
    for short, database in SOURCE_DATABASES.items():
        for table in source_tables(database):
            counts[f"{short}.{table}"] = pg_query(settings, short, f"SELECT count(*) FROM {table}")[0][0]
    return counts


def test_setup_prints_a_summary_and_verifies(built_platform, settings):
    out = built_platform.stdout
    assert "Set-up complete and verified" in out
    for database in settings.postgres.databases.values():
        assert database in out
    assert settings.reporting.database in out and settings.audit.database in out
    assert "rows" in out and "generated in" in out
    log = (settings.log_dir if settings.log_dir.is_absolute() else REPO / settings.log_dir) / "genims.log"
    assert "Set-up complete and verified" in log.read_text()


def test_verify_passes_on_the_built_platform(built_platform):
    result = genims("verify")
    assert result.returncode == 0, result.stderr
    assert "everything is in place" in result.stdout
    assert result.stdout.count("checked") == 15


def test_every_reporting_source_and_master_table_has_data(built_platform, settings):
    empty = [
        f"{short}.{table}"
        for short, tables in REPORTING_SOURCES.items()
        for table in tables
        if pg_query(settings, short, f"SELECT count(*) FROM {table}")[0][0] == 0
    ]
    assert empty == []


def test_rerunning_setup_changes_nothing_and_says_so(built_platform, settings):
    before = table_counts(settings)
    result = genims(*SETUP_ARGS)
    assert result.returncode == 0, result.stderr
    assert "Nothing to do" in result.stdout
    assert "already built" in result.stdout
    assert table_counts(settings) == before


def test_the_window_ends_now_and_spans_the_requested_days(built_platform, settings):
    now = datetime.now(UTC).replace(tzinfo=None)
    newest_reading, oldest_reading = pg_query(
        settings, "operational", 'SELECT max("timestamp"), min("timestamp") FROM sensor_data'
    )[0]
    newest_shift = pg_query(settings, "operational", 'SELECT max("timestamp") FROM scada_machine_data')[0][0]
    # Sensors report continuously; SCADA rows are stamped at the end of a shift (8 h).
    assert now - newest_reading < timedelta(hours=2)
    assert now - newest_shift < timedelta(hours=8, minutes=5)
    assert timedelta(days=int(TEST_DAYS) - 2) <= now - oldest_reading <= timedelta(days=int(TEST_DAYS) + 1)


def test_master_data_is_referentially_consistent(built_platform, settings):
    q = lambda sql: pg_query(settings, "master", sql)  # noqa: E731
    assert (
        q("SELECT count(*) FROM machines m LEFT JOIN production_lines l USING (line_id) WHERE l.line_id IS NULL")[0][0]
        == 0
    )
    assert (
        q("SELECT count(*) FROM machines m JOIN production_lines l USING (line_id) WHERE l.factory_id <> m.factory_id")[
            0
        ][0]
        == 0
    )
    assert (
        q("SELECT count(*) FROM sensors s LEFT JOIN machines m USING (machine_id) WHERE m.machine_id IS NULL")[0][0]
        == 0
    )
    assert (
        q(
            "SELECT count(*) FROM production_lines l LEFT JOIN factories f USING (factory_id) "
            "WHERE f.factory_id IS NULL"
        )[0][0]
        == 0
    )


def test_cross_database_references_resolve(built_platform, settings):
    products = {r[0] for r in pg_query(settings, "master", "SELECT product_id FROM products")}
    machines = {r[0] for r in pg_query(settings, "master", "SELECT machine_id FROM machines")}
    employees = {r[0] for r in pg_query(settings, "master", "SELECT employee_id FROM employees")}
    customers = {r[0] for r in pg_query(settings, "master", "SELECT customer_id FROM customers")}
    assert {r[0] for r in pg_query(settings, "mes", "SELECT DISTINCT product_id FROM work_orders")} <= products
    assert {
        r[0] for r in pg_query(settings, "operational", "SELECT DISTINCT machine_id FROM scada_machine_data")
    } <= machines
    assert {r[0] for r in pg_query(settings, "mes", "SELECT DISTINCT employee_id FROM labor_transactions")} <= employees
    assert {r[0] for r in pg_query(settings, "erp", "SELECT DISTINCT customer_id FROM sales_orders")} <= customers
    work_orders = {r[0] for r in pg_query(settings, "mes", "SELECT erp_order_id FROM work_orders")}
    production_orders = {r[0] for r in pg_query(settings, "erp", "SELECT production_order_id FROM production_orders")}
    assert work_orders == production_orders


def test_journal_entries_balance(built_platform, settings):
    unbalanced = pg_query(
        settings,
        "erp",
        "SELECT journal_entry_id FROM journal_entry_lines GROUP BY journal_entry_id "
        "HAVING abs(sum(coalesce(debit_amount, 0)) - sum(coalesce(credit_amount, 0))) > 0.005",
    )
    assert unbalanced == []


def test_mysql_partitions_cover_the_retention_windows(built_platform, settings):
    this_month = month_start(datetime.now(UTC).replace(tzinfo=None).date())
    conn = mysql_connect(settings.reporting)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT partition_name FROM information_schema.partitions WHERE table_schema = %s AND table_name = %s",
            (settings.reporting.database, "machine_performance_daily"),
        )
        names = {r[0] for r in cur.fetchall()}
    conn.close()
    assert {
        "pmax",
        partition_name(this_month),
        partition_name(add_months(this_month, -12)),
        partition_name(add_months(this_month, 3)),
    } <= names
    conn = mysql_connect(settings.audit)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT partition_name FROM information_schema.partitions WHERE table_schema = %s AND table_name = %s",
            (settings.audit.database, "system_audit_log"),
        )
        names = {r[0] for r in cur.fetchall()}
        cur.execute(
            "SELECT default_character_set_name FROM information_schema.schemata WHERE schema_name = %s",
            (settings.audit.database,),
        )
        charset = cur.fetchone()[0]
    conn.close()
    assert {"pmax", partition_name(add_months(this_month, 12))} <= names
    assert charset == "utf8mb4"


def test_a_different_source_structure_is_reported_and_never_altered(built_platform, settings):
    database = settings.postgres.databases["master"]
    pg_query_commit(settings, "master", "ALTER TABLE shifts DROP COLUMN break_duration_minutes")
    try:
        report = genims("verify")
        assert report.returncode == 1
        assert f"{database}.shifts: columns missing: break_duration_minutes" in report.stderr
        rerun = genims(*SETUP_ARGS)
        assert rerun.returncode == 1
        assert "Nothing was changed" in rerun.stderr and database in rerun.stderr
        columns = pg_query(
            settings, "master", "SELECT column_name FROM information_schema.columns WHERE table_name = 'shifts'"
        )
        assert ("break_duration_minutes",) not in columns
    finally:
        pg_query_commit(settings, "master", "ALTER TABLE shifts ADD COLUMN break_duration_minutes integer")
    assert genims("verify").returncode == 0


def test_a_different_mysql_structure_is_reported_missing_indexes_are_restored(built_platform, settings):
    conn = mysql_connect(settings.reporting, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("ALTER TABLE etl_sync_log DROP COLUMN rows_skipped")
        report = genims("verify")
        assert report.returncode == 1
        assert "etl_sync_log: columns missing: rows_skipped" in report.stderr
        rerun = genims(*SETUP_ARGS)
        assert rerun.returncode == 1 and "Nothing was changed" in rerun.stderr
    finally:
        with conn.cursor() as cur:
            cur.execute("ALTER TABLE etl_sync_log ADD COLUMN rows_skipped BIGINT NOT NULL DEFAULT 0")
    with conn.cursor() as cur:
        cur.execute(
            "SELECT index_name FROM information_schema.statistics WHERE table_schema = %s "
            "AND table_name = 'etl_sync_log' AND index_name LIKE 'idx_%%' LIMIT 1",
            (settings.reporting.database,),
        )
        index = cur.fetchone()[0]
        cur.execute(f"DROP INDEX {index} ON etl_sync_log")
    conn.close()
    assert f"index {index} on etl_sync_log is missing" in genims("verify").stderr
    rerun = genims(*SETUP_ARGS)
    assert rerun.returncode == 0, rerun.stderr
    assert "added 0 tables, 1 indexes" in rerun.stdout
    assert genims("verify").returncode == 0


def pg_query_commit(settings, short: str, statement: str) -> None:
    conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("scale", ["0", "-1"])
def test_a_scale_of_zero_or_below_is_refused(scale):
    result = genims("setup", "--scale", scale)
    assert result.returncode == 2
    assert "--scale" in result.stderr and "0<x<=100" in result.stderr


@pytest.mark.parametrize(
    ("variable", "address", "hint"),
    [
        ("POSTGRES_PORT", "127.0.0.1:1", "start PostgreSQL"),
        ("MYSQL_REPORTING_PORT", "127.0.0.1:1", "start MariaDB/MySQL"),
    ],
)
def test_an_unreachable_server_is_named_with_the_fix(variable, address, hint):
    result = genims("setup", "--scale", TEST_SCALE, env={variable: "1"})
    assert result.returncode == 1
    assert address in result.stderr and hint in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_variable_stops_every_command():
    for command in (["setup"], ["verify"], ["test-connection"]):
        result = genims(*command, env={"DATA_SYNC_RETRY_COUNT": "three"})
        assert result.returncode == 1, command
        assert "DATA_SYNC_RETRY_COUNT='three' is not a whole number" in result.stderr


def test_connection_check_lists_every_database(built_platform, settings):
    result = genims("test-connection")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("ok ")]
    assert len(lines) == 15
    assert sum("PostgreSQL 15" in line for line in lines) == 13
    assert all("TLS off" in line and " ms" in line for line in lines)
    down = genims("test-connection", env={"MYSQL_AUDIT_PORT": "1"})
    assert down.returncode == 1
    assert "FAIL" in down.stdout and "127.0.0.1:1" in down.stdout and "1 of 15 connections failed" in down.stderr


def test_every_command_has_help():
    for command in ([], ["setup"], ["verify"], ["test-connection"]):
        result = genims(*command, "--help")
        assert result.returncode == 0 and "Usage: genims" in result.stdout, command


def test_a_missing_source_index_of_ours_is_added_back(built_platform, settings):
    pg_query_commit(settings, "master", "DROP INDEX idx_machines_line")
    rerun = genims(*SETUP_ARGS)
    assert rerun.returncode == 0, rerun.stderr
    assert "added 1 indexes" in rerun.stdout and "indexed" in rerun.stdout
    assert pg_query(settings, "master", "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_machines_line'") == [
        (1,)
    ]


def test_the_genims_command_runs_this_checkout():
    # A cached virtualenv shared between clones once ran another clone's code: guard against it.
    import subprocess
    import sys
    from pathlib import Path

    located = subprocess.run(
        [sys.executable, "-c", "import genims_assets; print(genims_assets.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(located).resolve().parents[1] == REPO.resolve()
