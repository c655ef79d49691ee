"""Benchmark change capture in PostgreSQL: no capture, row-level triggers, statement-level (transition-table) triggers.

    python bench/audit_capture.py [--rows 200000] [--statements 5000] [--repeat 3] [--keep]

Runs on its own database gbench_cap_genims_erp_db (built from the project's genims_erp_db DDL, capture
installed with genims_assets.audit.capture), on general_ledger (26 columns, a real financial table), and prints:
single-row INSERT and UPDATE statements per second (autocommit, one client, prepared statements, commits not
waiting for fsync: on this shared disk the flush wait varies from 0.25 to 0.6 ms and drowns the capture's own
cost), and the duration of a --rows INSERT ... SELECT and of an UPDATE of those rows, for each mode, with the
ratios to no capture. Each figure is the median of --repeat runs; the modes are interleaved so machine noise hits all.

The row-level variant is defined here only (the product uses statement-level triggers: faster on bulk
statements, about as fast on one-row ones, and the only way to the 'bulk' event). It writes the same row
events (old/new jsonb, changed columns, key, session context) from a FOR EACH ROW trigger, skipping unchanged
UPDATEs with a WHEN clause, and is given every advantage: the key column as a trigger argument, the backend
start cached in the session, no TimeZone pinning, no redaction check, and no 'bulk' event (the
statement-level triggers add one for statements of more than 100 rows).
`run(settings, ...)` returns the figures as a dict for bench/audit.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

from psycopg2 import sql

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from genims_assets.audit.capture import install_capture  # noqa: E402
from genims_assets.audit.scope import BULK_ROW_THRESHOLD, BULK_SAMPLE_ROWS  # noqa: E402
from genims_assets.connections import postgres_connect  # noqa: E402
from genims_assets.settings import Settings, load_settings  # noqa: E402
from genims_assets.sqlfiles import read_sql, run_script  # noqa: E402

BENCH_DB = "gbench_cap_genims_erp_db"
TABLE = "general_ledger"
MODES = ("none", "row", "statement")

ROW_LEVEL_SQL = """
CREATE OR REPLACE FUNCTION genims_audit.bench_backend_start() RETURNS timestamptz
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT set_config('genims_audit.bench_backend_start',
                      (SELECT backend_start FROM pg_stat_get_activity(pg_backend_pid()))::text, false)::timestamptz
$fn$;

CREATE OR REPLACE FUNCTION genims_audit.bench_capture_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    o jsonb;
    n jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, key_basis, pk_value, old_row, new_row, changed_columns,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    VALUES ('row', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP, 'primary_key', coalesce(n, o) ->> TG_ARGV[0], o, n,
            CASE WHEN TG_OP = 'UPDATE'
                 THEN ARRAY(SELECT c FROM jsonb_object_keys(n) AS c WHERE (n -> c) IS DISTINCT FROM (o -> c))
                 ELSE ARRAY(SELECT jsonb_object_keys(jsonb_strip_nulls(coalesce(n, o))))
            END,
            nullif(current_setting('genims.user_id', true), ''),
            nullif(current_setting('genims.reason_code', true), ''),
            nullif(current_setting('genims.approval_id', true), ''), session_user, host(inet_client_addr()),
            nullif(current_setting('application_name', true), ''), pg_backend_pid(),
            coalesce(nullif(current_setting('genims_audit.bench_backend_start', true), '')::timestamptz,
                     genims_audit.bench_backend_start()));
    RETURN NULL;
END
$fn$;
"""

INSERT_ONE = (
    "INSERT INTO general_ledger (gl_transaction_id, document_number, document_type, posting_date, document_date, "
    "gl_account, company_code, debit_amount, credit_amount, currency, cost_center_id, text, fiscal_year, "
    "fiscal_period, created_by) VALUES ($1, 'DOC-' || $1, 'SA', DATE '2026-11-01', DATE '2026-11-01', '400100', "
    "'C001', 125.50, 0, 'INR', 'CC-01', 'bench posting', 2026, 11, 'bench')"
)
UPDATE_ONE = "UPDATE general_ledger SET debit_amount = debit_amount + 1 WHERE gl_transaction_id = $1"
SOURCE_DDL = """
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.gl_source;
CREATE TABLE bench.gl_source AS
SELECT 'B' || lpad(g::text, 9, '0') AS gl_transaction_id, 'DOC-' || g AS document_number, 'SA' AS document_type,
       DATE '2026-01-01' + (g % 300) AS posting_date, DATE '2026-01-01' + (g % 300) AS document_date,
       (400000 + g % 90)::text AS gl_account, 'C001' AS company_code, round((g % 10000) / 7.0, 2) AS debit_amount,
       0::numeric(15,2) AS credit_amount, 'INR' AS currency, 'CC-' || (g % 40) AS cost_center_id,
       'posting ' || g AS text, 2026 AS fiscal_year, 1 + g % 12 AS fiscal_period, 'bench' AS created_by
FROM generate_series(1, {rows}) AS g;
"""
BULK_INSERT = (
    "INSERT INTO general_ledger (gl_transaction_id, document_number, document_type, posting_date, document_date, "
    "gl_account, company_code, debit_amount, credit_amount, currency, cost_center_id, text, fiscal_year, "
    "fiscal_period, created_by) SELECT * FROM bench.gl_source"
)
BULK_UPDATE = "UPDATE general_ledger SET debit_amount = debit_amount + 1 WHERE gl_transaction_id LIKE 'B%'"


def bench_settings(settings: Settings) -> Settings:
    """The caller's settings with the erp database pointed at the bench's own database."""
    databases = {**settings.postgres.databases, "erp": BENCH_DB}
    return dataclasses.replace(settings, postgres=dataclasses.replace(settings.postgres, databases=databases))


def _admin(settings: Settings):
    conn = postgres_connect(settings.postgres, "postgres")
    conn.autocommit = True
    return conn


def build(settings: Settings, rows: int) -> None:
    """A fresh bench database: the ERP DDL, capture installed, and a --rows source table outside `public`."""
    drop(settings)
    admin = _admin(settings)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(BENCH_DB)))
    admin.close()
    conn = postgres_connect(settings.postgres, BENCH_DB)
    with conn, conn.cursor() as cur:
        cur.execute("SET client_min_messages = warning")
        run_script(cur, read_sql("postgres", "genims_erp_db.sql"))
    conn.close()
    reports = install_capture(bench_settings(settings), ["erp"])
    if not reports[0].ok:
        raise SystemExit(f"capture install failed: {reports[0].error}")
    conn = postgres_connect(settings.postgres, BENCH_DB)
    with conn, conn.cursor() as cur:
        cur.execute(ROW_LEVEL_SQL)
        cur.execute(sql.SQL(SOURCE_DDL).format(rows=sql.Literal(rows)))
    conn.close()


def drop(settings: Settings) -> None:
    admin = _admin(settings)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
    admin.close()


def _set_mode(cur, mode: str) -> None:
    """Empty the table and the queue, then put the mode's triggers on general_ledger."""
    cur.execute("SELECT genims_audit.detach_table('public.general_ledger'::regclass)")
    cur.execute("DROP TRIGGER IF EXISTS bench_row_write ON general_ledger")
    cur.execute("DROP TRIGGER IF EXISTS bench_row_update ON general_ledger")
    cur.execute("TRUNCATE general_ledger")
    cur.execute("UPDATE genims_audit.change_queue SET shipped_at = clock_timestamp() WHERE shipped_at IS NULL")
    cur.execute("TRUNCATE genims_audit.change_queue")
    if mode == "statement":
        cur.execute(
            "SELECT genims_audit.attach_table('public.general_ledger'::regclass, %s, %s, '{}')",
            (BULK_ROW_THRESHOLD, BULK_SAMPLE_ROWS),
        )
    elif mode == "row":
        cur.execute(
            "CREATE TRIGGER bench_row_write AFTER INSERT OR DELETE ON general_ledger FOR EACH ROW "
            "EXECUTE FUNCTION genims_audit.bench_capture_row('gl_transaction_id')"
        )
        cur.execute(
            "CREATE TRIGGER bench_row_update AFTER UPDATE ON general_ledger FOR EACH ROW "
            "WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION genims_audit.bench_capture_row('gl_transaction_id')"
        )


def _queued(cur) -> int:
    cur.execute("SELECT count(*) FROM genims_audit.change_queue WHERE event_kind = 'row'")
    return int(cur.fetchone()[0])


def run_mode(settings: Settings, mode: str, statements: int) -> dict:
    """One pass of the four workloads under one capture mode; seconds and statements/s, and events queued."""
    conn = postgres_connect(settings.postgres, BENCH_DB)
    conn.autocommit = True
    result: dict = {}
    try:
        with conn.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
            _set_mode(cur, mode)
            cur.execute("VACUUM ANALYZE general_ledger")
            cur.execute("VACUUM ANALYZE genims_audit.change_queue")
            # This session only: a commit here waits 0.25-0.6 ms for fsync on a disk shared with other work,
            # which drowns the capture's own cost; the bulk statements are one commit each either way.
            cur.execute("SET synchronous_commit = off")
            cur.execute(f"PREPARE insert_one(text) AS {INSERT_ONE}")
            cur.execute(f"PREPARE update_one(text) AS {UPDATE_ONE}")
            ids = [f"S{i:09d}" for i in range(statements)]
            started = time.perf_counter()
            for gl_id in ids:
                cur.execute("EXECUTE insert_one(%s)", (gl_id,))
            result["single_insert_per_s"] = statements / (time.perf_counter() - started)
            started = time.perf_counter()
            for gl_id in ids:
                cur.execute("EXECUTE update_one(%s)", (gl_id,))
            result["single_update_per_s"] = statements / (time.perf_counter() - started)
            started = time.perf_counter()
            cur.execute(BULK_INSERT)
            result["bulk_rows"] = cur.rowcount
            result["bulk_insert_s"] = time.perf_counter() - started
            started = time.perf_counter()
            cur.execute(BULK_UPDATE)
            result["bulk_update_s"] = time.perf_counter() - started
            result["row_events"] = _queued(cur)
            cur.execute("SELECT genims_audit.detach_table('public.general_ledger'::regclass)")
            cur.execute("DROP TRIGGER IF EXISTS bench_row_write ON general_ledger")
            cur.execute("DROP TRIGGER IF EXISTS bench_row_update ON general_ledger")
    finally:
        conn.close()
    return result


def run(settings: Settings, rows: int = 200_000, statements: int = 5000, repeat: int = 1, keep: bool = False) -> dict:
    """Median figures per mode and the ratios to no capture: {"modes": {mode: {...}}, "ratios": {...}}."""
    build(settings, rows)
    samples: dict[str, list[dict]] = {mode: [] for mode in MODES}
    try:
        for _ in range(repeat):
            for mode in MODES:
                samples[mode].append(run_mode(settings, mode, statements))
    finally:
        if not keep:
            drop(settings)
    modes = {mode: {key: statistics.median(s[key] for s in runs) for key in runs[0]} for mode, runs in samples.items()}
    base = modes["none"]
    ratios = {
        mode: {
            "single_insert_throughput": modes[mode]["single_insert_per_s"] / base["single_insert_per_s"],
            "single_update_throughput": modes[mode]["single_update_per_s"] / base["single_update_per_s"],
            "bulk_insert_time": modes[mode]["bulk_insert_s"] / base["bulk_insert_s"],
            "bulk_update_time": modes[mode]["bulk_update_s"] / base["bulk_update_s"],
        }
        for mode in ("row", "statement")
    }
    return {"rows": rows, "statements": statements, "repeat": repeat, "modes": modes, "ratios": ratios}


def report(figures: dict) -> str:
    k = f"{figures['rows'] // 1000}k"
    lines = [
        f"capture on {TABLE}: {figures['statements']} one-row autocommit statements (synchronous_commit off) and "
        f"{figures['rows']:,}-row statements per mode, median of {figures['repeat']}",
        f"{'mode':<10}{'INSERT/s':>10}{'us/INSERT':>11}{'UPDATE/s':>10}{'us/UPDATE':>11}"
        f"{f'{k} INSERT s':>15}{f'{k} UPDATE s':>15}{'row events':>12}",
    ]
    for mode, m in figures["modes"].items():
        lines.append(
            f"{mode:<10}{m['single_insert_per_s']:>10,.0f}{1e6 / m['single_insert_per_s']:>11.0f}"
            f"{m['single_update_per_s']:>10,.0f}{1e6 / m['single_update_per_s']:>11.0f}"
            f"{m['bulk_insert_s']:>15.2f}{m['bulk_update_s']:>15.2f}{int(m['row_events']):>12,}"
        )
    lines.append("ratios to no capture (one-row throughput: capture/none; bulk time: capture/none)")
    for mode, r in figures["ratios"].items():
        lines.append(
            f"{mode:<10}{r['single_insert_throughput']:>10.2f}{'':>11}{r['single_update_throughput']:>10.2f}{'':>11}"
            f"{r['bulk_insert_time']:>14.1f}x{r['bulk_update_time']:>14.1f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the bulk INSERT ... SELECT and UPDATE")
    parser.add_argument("--statements", type=int, default=5000, help="single-row INSERTs, then as many UPDATEs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode; the median is printed")
    parser.add_argument("--keep", action="store_true", help=f"keep {BENCH_DB} afterwards")
    args = parser.parse_args()
    print(report(run(load_settings(), args.rows, args.statements, args.repeat, args.keep)), flush=True)


if __name__ == "__main__":
    main()
