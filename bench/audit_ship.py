"""Benchmark the audit shipper: events/s for 1M queued events, and commit-to-MySQL lag in sensor mode.

    python bench/audit_ship.py [--events 1000000] [--workers 1 2] [--lag-minutes 6] [--skip-lag] [--skip-ceilings]
                               [--keep]

Runs on its own gship_bench_* databases and MySQL accounts (built here, dropped afterwards unless --keep).

1. `run(settings, events)`: bulk-inserts `events` realistic queue rows straight into the change queues of
   genims_erp_db (80%: general-ledger inserts, journal-line amount and material cost updates), genims_crm_db
   (15%: contact updates) and genims_hcm_db (5%: employee inserts), with full row images as the capture
   triggers write them, then times `ship.ship_changes` over all of them (DATA_SYNC_BATCH_SIZE batches), once
   per --workers value (shipper processes): events/s (goal >= 50k/s), MySQL rows written, whether the
   sequences are gapless, and with one worker where the time went (queue read, classification, store write,
   acknowledgement).
2. `ceilings(settings, figures)`: what this machine allows, on the same events (queued again, as many and the
   same, after the last shipping run): each stage of the shipper alone and one after the other, batch by batch
   with the product's own functions: PostgreSQL claim+read (its claim query; the acknowledging UPDATE timed
   apart), classification+serialisation (classify_events, prepare_batch), numbering+hash chain (the store's
   _send_table), and MySQL alone: the same LOAD DATA lines, one transaction per batch, into scratch copies of the
   audit tables (CREATE TABLE ... LIKE: same columns, indexes and partitions; dropped afterwards), without the
   counters, idempotency checks, sync log or chain heads; and again into copies without their secondary indexes
   (the least any schema keeping the primary and idempotency keys would cost). Each as events/s, MySQL also as
   rows/s at the rows per event of the shipping run, beside the rows/s the goal needs.
3. `lag(settings, minutes)`: starts a real `dagster-daemon` on this checkout's code location (a fresh
   DAGSTER_HOME with the project's dagster.yaml, instance storage in gship_bench_genims_dagster), which runs
   `audit_queue_sensor` every ETL_AUDIT_INTERVAL (60 s) and launches the partition runs in subprocesses as in
   production. A writer commits one change every 1-5 s (random) for `minutes`; each row's lag is MySQL
   `system_audit_log.created_at` minus the writer's commit time (same machine clock): p50/p99 (goal <= 90 s).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dagster as dg  # noqa: E402

from genims_assets.audit import ship  # noqa: E402
from genims_assets.audit.accounts import connect_as  # noqa: E402
from genims_assets.audit.classify import classify_events  # noqa: E402
from genims_assets.audit.store import (  # noqa: E402
    ZERO_HASH,
    _load_data,
    _Plan,
    _send_table,
    _start,
    _warnings,
    prepare_batch,
)
from genims_assets.audit.tables import audit_table  # noqa: E402
from genims_assets.connections import postgres_connect  # noqa: E402
from genims_assets.mysql_partitions import ident  # noqa: E402
from genims_assets.settings import Settings  # noqa: E402
from genims_assets_tests.test_audit_ship import build_world, drop_everything, gship_env, mysql_rows  # noqa: E402

PREFIX = "gship_bench_"
SHORTS = ("erp", "crm", "hcm")
GOAL_EVENTS_PER_SECOND = 50_000
GOAL_LAG_P99_SECONDS = 90.0
SCRATCH = "ceiling_"  # prefix of the scratch copies of the audit tables
BARE = "ceilbare_"  # prefix of the scratch copies without their secondary indexes (primary and unique keys kept)
SYNC_LOG = "audit_etl_sync_log"  # the shipper's own bookkeeping, not rows of the events

_COMMON = "'bench_user', NULL, NULL, 'genims_app', '10.1.2.3', 'erp-ui', 4242, now() - interval '1 hour'"
_INSERT = (
    "INSERT INTO genims_audit.change_queue (event_kind, schema_name, table_name, operation, key_basis, pk_value, "
    "old_row, new_row, changed_columns, app_user, reason_code, approval_id, db_session_user, client_addr, "
    "application_name, backend_pid, backend_start) "
)
# (database, share of the events, SELECT producing the queue rows for g in generate_series(1, n))
TEMPLATES = (
    (
        "erp",
        0.50,
        "SELECT 'row', 'public', 'general_ledger', 'INSERT', 'primary_key', 'GL-' || g, NULL, j, "
        "ARRAY(SELECT jsonb_object_keys(j)), " + _COMMON + " FROM (SELECT g, jsonb_build_object("
        "'gl_transaction_id', 'GL-' || g, 'document_number', 'DOC-' || (g / 4), 'document_type', 'SA', "
        "'posting_date', '2026-11-24', 'document_date', '2026-11-23', 'gl_account', '4000' || (g %% 90), "
        "'company_code', 'IN01', 'debit_amount', round((g %% 10000) * 1.37, 2), 'credit_amount', 0, "
        "'currency', 'INR', 'cost_center_id', 'CC-' || (g %% 40), 'profit_center', 'PC-1', "
        "'reference_document', 'REF-' || g, 'text', 'Goods issue for production order ' || g, "
        "'posting_key', '40', 'source_system', 'ERP', 'fiscal_year', 2026, 'fiscal_period', 11, "
        "'cleared', false, 'created_by', 'USR-' || (g %% 50), 'created_at', '2026-11-24T10:00:00') AS j "
        "FROM generate_series(1, %s) AS g) AS s",
    ),
    (
        "erp",
        0.20,
        "SELECT 'row', 'public', 'journal_entry_lines', 'UPDATE', 'primary_key', 'JEL-' || g, o, "
        "o || jsonb_build_object('debit_amount', (o->>'debit_amount')::numeric + 10, 'functional_debit', "
        "(o->>'debit_amount')::numeric + 10), ARRAY['debit_amount', 'functional_debit'], " + _COMMON + " FROM "
        "(SELECT g, jsonb_build_object('line_id', 'JEL-' || g, 'journal_entry_id', 'JE-' || (g / 3), "
        "'line_number', g %% 3, 'account_id', 'ACC-' || (g %% 90), 'debit_amount', round((g %% 5000) * 2.5, 2), "
        "'credit_amount', 0, 'currency_code', 'INR', 'exchange_rate', 1, 'functional_debit', "
        "round((g %% 5000) * 2.5, 2), 'functional_credit', 0, 'cost_center_id', 'CC-' || (g %% 40), "
        "'line_description', 'Accrual ' || g, 'created_at', '2026-11-24T09:00:00') AS o "
        "FROM generate_series(1, %s) AS g) AS s",
    ),
    (
        "erp",
        0.10,
        "SELECT 'row', 'public', 'materials', 'UPDATE', 'primary_key', 'MAT-' || g, o, "
        "o || jsonb_build_object('standard_cost', (o->>'standard_cost')::numeric * 1.05, 'updated_at', "
        "'2026-11-24T10:30:00'), ARRAY['standard_cost', 'updated_at'], " + _COMMON + " FROM "
        "(SELECT g, jsonb_build_object('material_id', 'MAT-' || g, 'material_code', 'M' || g, 'material_name', "
        "'Steel sheet ' || g, 'material_type', 'raw', 'base_unit_of_measure', 'KG', 'standard_cost', "
        "round(10 + (g %% 300) * 0.75, 4), 'moving_average_cost', round(10 + (g %% 300) * 0.7, 4), "
        "'material_status', 'active', 'updated_at', '2026-11-20T08:00:00') AS o "
        "FROM generate_series(1, %s) AS g) AS s",
    ),
    (
        "crm",
        0.15,
        "SELECT 'row', 'public', 'contacts', 'UPDATE', 'primary_key', 'CON-' || g, o, "
        "o || jsonb_build_object('phone', '+91-80-' || (g + 7), 'email', 'c' || g || '@new.example'), "
        "ARRAY['phone', 'email'], " + _COMMON + " FROM "
        "(SELECT g, jsonb_build_object('contact_id', 'CON-' || g, 'contact_number', 'CN' || g, 'account_id', "
        "'ACC-' || (g %% 500), 'first_name', 'Asha', 'last_name', 'Rao ' || g, 'job_title', 'Buyer', "
        "'email', 'c' || g || '@old.example', 'phone', '+91-80-' || g, 'mailing_city', 'Pune', "
        "'contact_status', 'active', 'updated_at', '2026-11-01T08:00:00') AS o "
        "FROM generate_series(1, %s) AS g) AS s",
    ),
    (
        "hcm",
        0.05,
        "SELECT 'row', 'public', 'employees', 'INSERT', 'primary_key', 'EMP-' || g, NULL, j, "
        "ARRAY(SELECT jsonb_object_keys(j)), " + _COMMON + " FROM (SELECT g, jsonb_build_object("
        "'employee_id', 'EMP-' || g, 'employee_number', 'E' || g, 'first_name', 'Ravi', 'last_name', 'K ' || g, "
        "'work_email', 'e' || g || '@genims.example', 'hire_date', '2026-11-24', 'employment_type', 'full_time', "
        "'employment_status', 'active', 'job_title', 'Operator', 'salary_grade', 'G3', 'annual_salary', "
        "360000 + g %% 1000, 'currency', 'INR', 'is_active', true) AS j FROM generate_series(1, %s) AS g) AS s",
    ),
)


def bench_settings() -> Settings:
    env = gship_env()
    for key, value in list(env.items()):
        if key.startswith("POSTGRES_DB_") or key in ("MYSQL_AUDIT_DB", "MYSQL_REPORTING_DB", "DAGSTER_PG_DB"):
            env[key] = value.replace("gship_", PREFIX, 1)
        if key.startswith("MYSQL_AUDIT") and key.endswith("_USER"):
            env[key] = value.replace("gship_", PREFIX, 1)
    env["DATA_SYNC_BATCH_SIZE"] = os.environ.get("DATA_SYNC_BATCH_SIZE", "10000")
    return Settings.from_env(env)


def queue_events(settings: Settings, events: int) -> dict[str, int]:
    """Bulk-insert `events` queue rows in the template shares; returns rows per database."""
    queued: dict[str, int] = {}
    for short, share, select in TEMPLATES:
        count = int(events * share)
        conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
        with conn, conn.cursor() as cur:
            cur.execute(_INSERT + select, (count,))
        conn.close()
        queued[short] = queued.get(short, 0) + count
    for short in queued:
        conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE genims_audit.change_queue")
        conn.close()
    return queued


class Phases:
    """Wall time spent in each step of the shipper (wrapping its module functions), summed over the batches.

    The shipper claims and classifies batch n+1 in a thread while batch n is stored and acknowledged, so read and
    classify overlap store: the phases add up to more than the shipping time.
    """

    def __init__(self) -> None:
        self.seconds = {"read": 0.0, "classify": 0.0, "store": 0.0, "acknowledge": 0.0}
        self._saved = {}

    def _wrap(self, name: str, phase: str) -> None:
        original = getattr(ship, name)
        self._saved[name] = original

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - started

        setattr(ship, name, timed)

    def __enter__(self) -> Phases:
        for name, phase in (("claim_events", "read"), ("classify_events", "classify"), ("store_batch", "store"),
                            ("acknowledge", "acknowledge")):  # fmt: skip
            self._wrap(name, phase)
        return self

    def __exit__(self, *exc) -> None:
        for name, original in self._saved.items():
            setattr(ship, name, original)


def run(settings: Settings, events: int = 1_000_000, workers: int = 1) -> dict:
    """Queue `events` realistic events and ship them all (with `workers` processes); figures as a dict.

    With workers > 1 the phase times are not measured (they run in the worker processes).
    """
    build_world(settings, shorts=SHORTS)
    started = time.perf_counter()
    queued = queue_events(settings, events)
    queue_seconds = time.perf_counter() - started
    total = sum(queued.values())
    with Phases() as phases:
        started, cpu = time.perf_counter(), time.process_time()
        report = ship.ship_changes(settings, shorts=SHORTS, run_id="bench", workers=workers)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if report.errors:
        raise SystemExit(f"shipping failed: {report.errors}")
    written = {t: w.inserted for t, w in report.tables.items()}
    return {
        "events": total,
        "queued_per_database": queued,
        "queue_seconds": round(queue_seconds, 1),
        "ship_seconds": round(seconds, 1),
        "events_per_second": round(report.events_shipped / seconds),
        "mysql_rows_written": sum(written.values()),
        "mysql_rows_per_second": round(sum(written.values()) / seconds),
        "rows_per_table": written,
        "phases_seconds": {k: round(v, 1) for k, v in phases.seconds.items()},
        "shipper_cpu_seconds": round(cpu, 1),  # this process, all threads (workers > 1: the parent only)
        "batch_size": settings.batch_size,
        "workers": workers,
        "sequences_gapless": mysql_rows(settings, "SELECT COUNT(*) = MAX(audit_sequence) FROM system_audit_log")[0][0]
        == 1,
        "goal_met": report.events_shipped / seconds >= GOAL_EVENTS_PER_SECOND,
    }


class _Laps:
    """Wall seconds per stage, summed over the batches: `lap(stage)` charges the time since the previous lap."""

    def __init__(self, *stages: str) -> None:
        self.seconds = dict.fromkeys(stages, 0.0)
        self._last = time.perf_counter()

    def start(self) -> None:
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] += now - self._last
        self._last = now


class _Lines:
    """Stands in for the store's loader under store._send_table: keeps the LOAD DATA lines of each chunk."""

    def __init__(self) -> None:
        self.chunks: list[tuple[str, list[str], list[str]]] = []  # (audit table, columns, lines)

    def submit(self, lines: list[str], parts: tuple) -> None:
        self.chunks.append((parts[0], parts[1], lines))


def _scratch_tables(mysql, tables: list[str], create: bool) -> None:
    """Drop the scratch copies of `tables`, then (create=True) make them again LIKE the audit tables: same
    columns, indexes and partitions; the BARE copies then lose their secondary indexes. The append-only triggers
    are not copied: they are BEFORE UPDATE and BEFORE DELETE only, and a load fires neither."""
    with mysql.cursor() as cur:
        for prefix in (SCRATCH, BARE):
            for name in tables:
                cur.execute(f"DROP TABLE IF EXISTS {ident(prefix + name)}")
                if create:
                    cur.execute(f"CREATE TABLE {ident(prefix + name)} LIKE {ident(name)}")
        if create:
            cur.execute(
                "SELECT DISTINCT table_name, index_name FROM information_schema.statistics "
                "WHERE table_schema = DATABASE() AND non_unique = 1 AND table_name LIKE %s",
                (BARE.replace("_", "\\_") + "%",),
            )
            for table, index in cur.fetchall():
                cur.execute(f"ALTER TABLE {ident(table)} DROP INDEX {ident(index)}")


def _load_scratch(mysql, chunks: list[tuple[str, list[str], list[str]]], prefix: str = SCRATCH) -> int:
    """The chunks of one batch in one transaction, as the store opens it, loaded into the scratch copies one
    after the other with the store's LOAD DATA statement; each statement's row and warning counts checked."""
    _start(mysql)
    rows = 0
    with mysql.cursor() as cur:
        for table, columns, lines in chunks:
            loaded, problem = _load_data(cur, prefix + table, columns, lines), _warnings(cur, counted=True)
            if loaded != len(lines) or problem:
                raise SystemExit(f"ceiling load: {table} took {loaded} of {len(lines)} rows ({problem})")
            rows += loaded
    mysql.commit()
    return rows


def ceilings(settings: Settings, shipped: dict) -> dict:
    """Each stage of the shipper alone, on as many of the same events as the run `shipped` (run()'s figures).

    The queues (all shipped) are emptied and the events queued again as for the run, then claimed batch by batch
    (DATA_SYNC_BATCH_SIZE) and put through the stages in turn, one process, nothing overlapping: claim+read
    (ship.claim_events), classify+serialise (classify_events, store.prepare_batch), number+chain (store._send_table:
    the sequences, hashes and LOAD DATA lines, each table's chain going on across batches), the MySQL load of those
    lines into the scratch copies (as the MySQL admin: the shipper account may not create tables), and the
    acknowledging UPDATE and commit (ship.acknowledge).
    """
    for short in SHORTS:
        conn = postgres_connect(settings.postgres, settings.postgres.databases[short])
        with conn, conn.cursor() as cur:
            cur.execute("TRUNCATE genims_audit.change_queue")  # refused by its trigger while an event is pending
        conn.close()
    events = sum(queue_events(settings, shipped["events"]).values())
    tables = sorted(audit_table(name).name for name in shipped["rows_per_table"] if name != SYNC_LOG)
    laps = _Laps("read", "classify", "chain", "load", "load_bare", "acknowledge")
    heads: dict[str, tuple[int, str]] = {}  # audit table -> next sequence and chain head of its scratch copy
    rows = 0
    mysql = connect_as(settings.admin_target(settings.audit), local_infile=True)
    try:
        _scratch_tables(mysql, tables, create=True)
        for short in SHORTS:
            database = settings.postgres.databases[short]
            pg = postgres_connect(settings.postgres, database)
            try:
                while True:
                    laps.start()
                    with pg.cursor() as cur:
                        batch = ship.claim_events(cur, database, None, settings.batch_size)
                    laps.lap("read")
                    if not batch:
                        break
                    prepared = prepare_batch(classify_events(batch, short)[0])
                    laps.lap("classify")
                    lines = _Lines()
                    for name, table in prepared.items():
                        first, head = heads.get(name, (1, ZERO_HASH))
                        plan = _Plan(table, head, first, table.size, 0)
                        _send_table(lines, plan)
                        heads[name] = (first + table.size, plan.last_hash)
                    laps.lap("chain")
                    rows += _load_scratch(mysql, lines.chunks)
                    laps.lap("load")
                    _load_scratch(mysql, lines.chunks, BARE)
                    laps.lap("load_bare")
                    with pg.cursor() as cur:
                        ship.acknowledge(cur, [e["event_id"] for e in batch])
                    pg.commit()
                    laps.lap("acknowledge")
            finally:
                pg.close()  # rolls back the last, empty claim
    finally:
        _scratch_tables(mysql, tables, create=False)
        mysql.close()
    per_event = sum(n for t, n in shipped["rows_per_table"].items() if t != SYNC_LOG) / shipped["events"]
    load_rate, bare_rate = rows / laps.seconds["load"], rows / laps.seconds["load_bare"]
    return {
        "events": events,
        "rows_loaded": rows,
        "load_rows_per_second": round(load_rate),
        "load_events_per_second": round(load_rate / per_event),
        "bare_load_rows_per_second": round(bare_rate),
        "bare_load_events_per_second": round(bare_rate / per_event),
        "goal_rows_per_second": round(GOAL_EVENTS_PER_SECOND * per_event),
        "rows_per_event": round(per_event, 2),
        "read_events_per_second": round(events / laps.seconds["read"]),
        "acknowledge_events_per_second": round(events / laps.seconds["acknowledge"]),
        "postgres_events_per_second": round(events / (laps.seconds["read"] + laps.seconds["acknowledge"])),
        "classify_events_per_second": round(events / laps.seconds["classify"]),
        "chain_events_per_second": round(events / laps.seconds["chain"]),
        "stage_seconds": {k: round(v, 1) for k, v in laps.seconds.items()},
    }


@dg.definitions
def lag_definitions() -> dg.Definitions:
    """The code location the lag daemon loads: the audit layer only (no reporting database in the bench)."""
    from genims_assets.defs import audit
    from genims_assets.settings import load_settings

    return audit.defs(load_settings())


WORKSPACE = """load_from:
  - python_module:
      module_name: bench.audit_ship
      attribute: lag_definitions
      working_directory: {repo}
      location_name: genims_audit_lag
"""


def _daemon(settings_env: dict[str, str], home: Path) -> subprocess.Popen:
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")  # the project's instance: storage in DAGSTER_PG_DB
    (home / "workspace.yaml").write_text(WORKSPACE.format(repo=REPO))
    log = open(home / "daemon.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(home / "workspace.yaml")],
        cwd=REPO,
        env={**settings_env, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        restore_signals=True,
    )


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


def lag(settings: Settings, minutes: float = 6.0, grace_seconds: float = 150.0) -> dict:
    """Commit-to-MySQL lag of changes made while a real dagster-daemon runs the audit sensor."""
    env = {**bench_env(), "ETL_AUDIT_INTERVAL": str(settings.audit_interval_seconds)}
    home = Path(tempfile.mkdtemp(prefix="gship_bench_dagster_"))
    daemon = _daemon(env, home)
    committed: dict[str, datetime] = {}
    try:
        time.sleep(20)  # the daemon loads the code location and takes its first tick
        conn = postgres_connect(settings.postgres, settings.postgres.databases["erp"])
        deadline = time.monotonic() + minutes * 60
        i = 0
        while time.monotonic() < deadline:
            i += 1
            key = f"LAG-{i}"
            with conn, conn.cursor() as cur:
                cur.execute("SET LOCAL genims.user_id = 'lag_writer'")
                cur.execute(
                    "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) VALUES (%s, %s, %s)",
                    (key, key, "lag probe"),
                )
            committed[key] = datetime.now(UTC).replace(tzinfo=None)
            time.sleep(random.uniform(1.0, 5.0))
        conn.close()
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            landed = mysql_rows(settings, "SELECT COUNT(*) FROM system_audit_log WHERE user_id = 'lag_writer'")[0][0]
            if landed >= len(committed):
                break
            time.sleep(5)
    finally:
        _stop(daemon)
    rows = mysql_rows(
        settings, "SELECT primary_key_value, created_at FROM system_audit_log WHERE user_id = 'lag_writer'"
    )
    lags = sorted((created - committed[key]).total_seconds() for key, created in rows if key in committed)
    missing = len(committed) - len(lags)
    if len(lags) < 2:
        raise SystemExit(f"only {len(lags)} of {len(committed)} changes reached MySQL; see {home}/daemon.log")
    p99 = statistics.quantiles(lags, n=100, method="inclusive")[98]
    return {
        "changes": len(committed),
        "shipped": len(lags),
        "not_shipped_within_grace": missing,
        "lag_p50_seconds": round(statistics.median(lags), 1),
        "lag_p99_seconds": round(p99, 1),
        "lag_max_seconds": round(lags[-1], 1),
        "sensor_interval_seconds": settings.audit_interval_seconds,
        "goal_met": p99 <= GOAL_LAG_P99_SECONDS and missing == 0,
        "daemon_home": str(home),
    }


def bench_env() -> dict[str, str]:
    """The environment of the daemon and its runs: the bench databases and accounts, the instance's variables."""
    env = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "",
           "POSTGRES_SSL_MODE": "prefer", **gship_env(), "PYTHONPATH": str(REPO)}  # fmt: skip
    settings = bench_settings()
    for short, name in settings.postgres.databases.items():
        env[f"POSTGRES_DB_{short.upper()}"] = name
    env.update(
        {
            "MYSQL_AUDIT_DB": settings.audit.database,
            "MYSQL_REPORTING_DB": settings.reporting.database,
            "DAGSTER_PG_DB": settings.dagster_database,
            "MYSQL_AUDIT_USER": settings.audit.user,
            "MYSQL_AUDIT_READER_USER": settings.audit_reader.user,
            "MYSQL_AUDIT_RETENTION_USER": settings.audit_retention.user,
            "DATA_SYNC_BATCH_SIZE": str(settings.batch_size),
        }
    )
    return env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--lag-minutes", type=float, default=6.0)
    parser.add_argument("--skip-lag", action="store_true")
    parser.add_argument("--skip-ceilings", action="store_true", help="skip the per-stage ceilings (a second pass)")
    parser.add_argument("--keep", action="store_true", help="keep the gship_bench_* databases and accounts")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="shipper processes to measure")
    args = parser.parse_args(argv)
    settings = bench_settings()
    try:
        for workers in args.workers:
            f = run(settings, args.events, workers)
            print(f"shipping, {workers} worker(s): {f['events']:,} events in {f['ship_seconds']} s = "
                  f"{f['events_per_second']:,} events/s (goal >= {GOAL_EVENTS_PER_SECOND:,}: "
                  f"{'met' if f['goal_met'] else 'NOT met'}); {f['mysql_rows_written']:,} MySQL rows "
                  f"({f['mysql_rows_per_second']:,} rows/s), sequences gapless: {f['sequences_gapless']}; "
                  f"batch size {f['batch_size']}; queueing took {f['queue_seconds']} s")  # fmt: skip
            if workers == 1:
                print(f"  phases (s, summed per step; read and classify overlap store): {f['phases_seconds']}; "
                      f"shipper CPU {f['shipper_cpu_seconds']} s")  # fmt: skip
                print(f"  rows per table: {f['rows_per_table']}")
        if not args.skip_ceilings:
            c = ceilings(settings, f)
            print(f"ceilings (same run, the same {c['events']:,} events again, each stage alone, 1 process):\n"
                  f"  MySQL load alone (LOAD DATA into scratch copies of the audit tables): {c['rows_loaded']:,} "
                  f"rows, {c['load_rows_per_second']:,} rows/s = {c['load_events_per_second']:,} events/s at "
                  f"{c['rows_per_event']} rows/event; the same without secondary indexes (primary and unique "
                  f"keys kept): {c['bare_load_rows_per_second']:,} rows/s = {c['bare_load_events_per_second']:,} "
                  f"events/s; the goal needs {c['goal_rows_per_second']:,} rows/s\n"
                  f"  PostgreSQL claim+read alone: {c['read_events_per_second']:,} events/s; acknowledge alone: "
                  f"{c['acknowledge_events_per_second']:,} events/s; both: {c['postgres_events_per_second']:,} "
                  f"events/s\n"
                  f"  classify+serialise alone: {c['classify_events_per_second']:,} events/s; number+hash chain "
                  f"alone: {c['chain_events_per_second']:,} events/s\n"
                  f"  stage seconds: {c['stage_seconds']}")  # fmt: skip
        if not args.skip_lag:
            build_world(settings, shorts=SHORTS, empty=tuple(s for s in settings.postgres.databases if s not in SHORTS))
            result = lag(settings, args.lag_minutes)
            print(
                f"lag (sensor mode, real dagster-daemon, {result['sensor_interval_seconds']} s interval): "
                f"{result['shipped']}/{result['changes']} changes, p50 {result['lag_p50_seconds']} s, "
                f"p99 {result['lag_p99_seconds']} s, max {result['lag_max_seconds']} s "
                f"(goal p99 <= {GOAL_LAG_P99_SECONDS:g} s: {'met' if result['goal_met'] else 'NOT met'})"
            )
    finally:
        if not args.keep:
            drop_everything(settings)


if __name__ == "__main__":
    main()
