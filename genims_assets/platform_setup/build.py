"""`genims setup`: every step of the platform's set-up, in order, with a summary.

1. both servers answer (or the error says what to start);
2. --reset: drop the source and reporting databases, and the audit database only if it holds no audit record;
3. the 13 source databases: schema, our indexes, synthetic data (COPY);
4. genims_reporting_db and genims_audit_db: tables, indexes, monthly partitions; for the audit database
   (built as MYSQL_ADMIN_USER) also the append-only triggers, the sequence counters and the shipper, reader
   and retention accounts with exactly their rights (their passwords must be set in .env: checked first);
5. the Dagster instance database (run, event and schedule storage);
6. verify, and print what was done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import click
from psycopg2 import sql

from genims_assets.audit.accounts import connect_as, ensure_accounts, require_passwords
from genims_assets.audit.capture import CaptureError, capture_status, install_capture
from genims_assets.audit.outbox import ensure_outbox
from genims_assets.audit.outbox_ship import ensure_chain_heads
from genims_assets.connections import postgres_connect
from genims_assets.mysql_partitions import ident
from genims_assets.platform_setup.mysql_schema import AUDIT, apply_layer, drop_layer, layers
from genims_assets.platform_setup.sources import build_sources
from genims_assets.platform_setup.verify import verify
from genims_assets.settings import Settings


class ClickProgress:
    """A click progress bar per long step (quiet when output is not a terminal)."""

    def __init__(self) -> None:
        self._bar = None

    def start(self, label: str, total: int) -> None:
        self._bar = click.progressbar(
            length=total, label=f"  {label:<12}", show_pos=True, item_show_func=lambda item: item or ""
        )
        self._bar.__enter__()

    def advance(self, item: str) -> None:
        if self._bar is not None:
            self._bar.update(1, item)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def preflight(settings: Settings) -> None:
    """Both servers answer, or ConnectionFailed names the one that does not and how to start it.

    The audit server is reached as the admin: the audit accounts may not exist yet.
    """
    postgres_connect(settings.postgres, "postgres", timeout_seconds=5).close()
    for _layer, target in layers(settings):
        connect_as(target, database=None).close()


def audit_record_count(settings: Settings) -> int:
    """Rows in the audit database's tables (0 if it does not exist)."""
    conn = connect_as(settings.admin_target(settings.audit), database=None)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                (settings.audit.database,),
            )
            # The sequence counters are control data, not audit records.
            tables = [r[0] for r in cur.fetchall() if r[0] != "audit_sequence_manager"]
            total = 0
            for table in tables:
                cur.execute(f"SELECT COUNT(*) FROM {ident(settings.audit.database)}.{ident(table)}")
                total += int(cur.fetchone()[0])
        return total
    finally:
        conn.close()


def ensure_dagster_database(settings: Settings) -> bool:
    """Create the PostgreSQL database behind dagster.yaml's storage; True if it was created."""
    conn = postgres_connect(settings.postgres, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (settings.dagster_database,))
            if cur.fetchone():
                return False
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings.dagster_database)))
            return True
    finally:
        conn.close()


def run_setup(
    settings: Settings,
    *,
    scale: float,
    seed: int,
    days: int,
    end: datetime | None,
    reset: bool,
    echo: Callable[[str], None],
) -> bool:
    """Run the whole set-up; returns False if the final verification found problems."""
    started = time.perf_counter()
    steps: dict[str, float] = {}
    require_passwords(settings)
    preflight(settings)

    if reset:
        records = audit_record_count(settings)
        if records:
            echo(
                f"--reset keeps {settings.audit.database}: it holds {records} audit records, and an audit trail is "
                "never dropped by setup (archive it with the retention job, or drop it by hand if it is a test copy)"
            )
        else:
            drop_layer(settings.admin_target(settings.audit))
        drop_layer(settings.reporting)

    echo(f"Source databases on {settings.postgres.address}")
    t = time.perf_counter()
    sources = build_sources(
        settings, scale=scale, seed=seed, days=days, end=end, reset=reset, say=echo, progress=ClickProgress()
    )
    steps["sources"] = time.perf_counter() - t
    for r in sources.results:
        line = f"  {r.name:<28} {r.action:<8} {r.tables:>3} tables {r.rows:>10,} rows  {r.seconds:6.1f}s"
        echo(line + (f"  {r.detail}" if r.detail else ""))
    if sources.rows_loaded:
        echo(f"  generated in {sources.generate_seconds:.1f}s; loaded {sources.rows_loaded:,} rows")

    # Capture triggers after the first load: the generated history is not a change anyone made.
    echo("Audit capture (triggers and event triggers, genims_audit.change_queue)")
    t = time.perf_counter()
    capture_changed = not all(status.healthy for status in capture_status(settings))
    installs = install_capture(settings)
    for install in installs:
        echo(f"  {install.line()}")
    failed = [i for i in installs if not i.ok]
    if failed:
        raise CaptureError(
            f"audit capture could not be installed on {', '.join(i.database for i in failed)} (see above); "
            "nothing else was changed there. Fix the cause and run `genims setup` (or `genims audit install`) again"
        )
    steps["capture"] = time.perf_counter() - t

    echo("MySQL databases")
    t = time.perf_counter()
    today = datetime.now(UTC).date()
    mysql_changed = False
    for layer, target in layers(settings):
        result = apply_layer(layer, target, today, echo)
        mysql_changed |= result.changed
        what = "created" if result.created_database else "kept"
        echo(
            f"  {target.database:<24} {what:<8} {result.tables:>3} tables; added {len(result.tables_created)} tables, "
            f"{len(result.indexes_created)} indexes, {result.partitions_added} monthly partitions"
            + (" (audit: append-only, 7-year retention)" if layer is AUDIT else "")
        )
        if layer is AUDIT:
            echo(
                f"  {'':<24} {'':<8} append-only triggers: added {len(result.triggers_created)}, put back "
                f"{len(result.triggers_replaced)}; sequence counters added {result.counters_added}"
            )
            for name in result.triggers_replaced:
                echo(f"  warning: trigger {name} differed from sql/mysql/audit_guard.sql and was put back")
    accounts = ensure_accounts(settings)
    mysql_changed |= accounts.changed
    echo(
        f"  audit accounts: {', '.join(a.user for a in settings.audit_accounts())}; created {len(accounts.created)}, "
        f"passwords updated {len(accounts.passwords_set)}, grants added {len(accounts.granted)}, "
        f"revoked {len(accounts.revoked)}"
    )
    if accounts.procedures_created or accounts.procedures_replaced:
        echo(
            f"  retention partition procedures: created {len(accounts.procedures_created)}, replaced "
            f"{len(accounts.procedures_replaced)} (BACKUP_AUDIT_RETENTION_DAYS={settings.backup_audit_retention_days})"
        )
    for line in accounts.revoked:
        echo(f"  revoked (beyond the role): {line}")
    for warning in accounts.warnings:
        echo(f"  warning: {warning}")
    steps["mysql"] = time.perf_counter() - t

    dagster_created = ensure_dagster_database(settings)
    # The platform outbox and the external chain heads live in the Dagster database: created here, once.
    ensure_outbox(settings)
    ensure_chain_heads(settings)
    echo(f"Dagster instance database {settings.dagster_database}: {'created' if dagster_created else 'kept'}")

    t = time.perf_counter()
    report = verify(settings, today)
    steps["verify"] = time.perf_counter() - t
    total = time.perf_counter() - started
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in steps.items())
    if not report.ok:
        echo(f"Verification found {len(report.problems)} problems:")
        for problem in report.problems:
            echo(f"  - {problem}")
        return False
    if not (sources.changed or capture_changed or mysql_changed or dagster_created):
        echo(f"Nothing to do: everything was already built and verifies ({total:.1f}s). Use --reset to rebuild.")
    else:
        echo(f"Set-up complete and verified in {total:.1f}s ({timing}).")
    return True
