"""Install change capture in the source databases, and report its state: `genims audit install`.

Why it is built this way:
* The machinery (queue, trigger functions, event triggers) is one SQL file, sql/postgres/audit_capture.sql,
  applied as one script; which tables get triggers comes from scope.py, the one declaration of scope, and is
  applied through genims_audit.attach_table() with parameters, so no SQL text is built from names.
* Each database is installed in ONE transaction: a failure leaves that database exactly as it was, and the
  others are still installed (each gets its own report line).
* Re-running is safe and quiet: everything is CREATE OR REPLACE / IF NOT EXISTS, triggers are replaced in
  place, tables that left the scope lose their triggers, and the install's own DDL is not captured (its
  transaction registers itself in genims_audit.install_session, which the event triggers skip).
* An existing queue is never dropped or altered: if its columns differ from the contract the install stops for
  that database and says what differs, so no pending event is lost.
* Event triggers can only be created by a superuser; that is checked first, with the fix in the message.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import click
import psycopg2
import psycopg2.errors

from genims_assets.audit import scope
from genims_assets.connections import ConnectionFailed, postgres_connect
from genims_assets.settings import SOURCE_DATABASES, Settings, SettingsError, load_settings
from genims_assets.sqlfiles import read_sql

SCRIPT = ("postgres", "audit_capture.sql")
CAPTURE_TRIGGERS = ("genims_audit_insert", "genims_audit_update", "genims_audit_delete", "genims_audit_truncate")
EVENT_TRIGGERS = ("genims_audit_ddl", "genims_audit_drop")
QUEUE_COLUMNS = (
    "event_id", "event_time", "txid", "event_kind", "schema_name", "table_name", "operation", "key_basis", "pk_value",
    "old_row", "new_row", "changed_columns", "rows_affected", "sample_rows", "command_tag", "object_type",
    "object_identity", "statement_text", "app_user", "reason_code", "approval_id", "db_session_user", "client_addr",
    "application_name", "backend_pid", "backend_start", "shipped_at",
)  # fmt: skip
"""The contract's genims_audit.change_queue columns, in order (genims_assets/audit/README.md section 1)."""

LOCK_TIMEOUT = "60s"  # attaching a trigger waits for open transactions on the table; say so rather than hang


class CaptureError(RuntimeError):
    """Capture cannot be installed or read; the message names the database, the problem and the fix."""


@dataclass(frozen=True)
class InstallReport:
    short: str
    database: str
    captured_tables: tuple[str, ...] = ()
    absent_tables: tuple[str, ...] = ()  # in scope but not in this database: reported, not fatal
    detached_tables: tuple[str, ...] = ()  # had capture triggers, no longer in scope
    event_triggers: tuple[str, ...] = ()
    trigger_count: int = 0  # capture triggers in the database after the install
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        if self.error:
            return f"FAILED  {self.short:<12}{self.database}: {self.error}"
        text = (
            f"ok      {self.short:<12}{self.database}: {len(self.captured_tables)} tables captured "
            f"({self.trigger_count} triggers), event triggers {', '.join(self.event_triggers)} ({self.seconds:.2f} s)"
        )
        if self.absent_tables:
            text += f"; in scope but absent (not fatal): {', '.join(self.absent_tables)}"
        if self.detached_tables:
            text += f"; capture removed from tables no longer in scope: {', '.join(self.detached_tables)}"
        return text


@dataclass(frozen=True)
class CaptureStatus:
    short: str
    database: str
    installed: bool
    captured_tables: tuple[str, ...] = ()
    uncaptured_tables: tuple[str, ...] = ()  # present and in scope, but without capture triggers
    disabled: tuple[str, ...] = ()  # capture or event triggers switched off (tamper evidence)
    pending_events: int = 0
    oldest_pending: datetime | None = None
    error: str | None = None

    @property
    def healthy(self) -> bool:
        return self.installed and not self.error and not self.uncaptured_tables and not self.disabled


def _shorts(shorts: Sequence[str] | None) -> list[str]:
    chosen = list(SOURCE_DATABASES) if not shorts else list(dict.fromkeys(shorts))
    unknown = [s for s in chosen if s not in SOURCE_DATABASES]
    if unknown:
        raise CaptureError(
            f"unknown source database(s) {', '.join(map(repr, unknown))}: use the short names "
            f"{', '.join(SOURCE_DATABASES)}"
        )
    return chosen


def _require_superuser(settings: Settings, database: str) -> None:
    conn = postgres_connect(settings.postgres, database)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cur.fetchone()
    finally:
        conn.close()
    if not row or not row[0]:
        raise CaptureError(
            f"POSTGRES_USER={settings.postgres.user!r} may not create event triggers (PostgreSQL allows it to "
            "superusers only), and DDL and GRANT/REVOKE capture needs them. Nothing was installed. Fix: run "
            "`genims audit install` with POSTGRES_USER set to a superuser (for example postgres), or have a DBA run it"
        )


def _public_tables(cur) -> set[str]:
    cur.execute(
        "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    return {row[0] for row in cur.fetchall()}


def _tables_with_capture(cur) -> dict[str, int]:
    """Public table -> number of our capture triggers on it."""
    cur.execute(
        "SELECT c.relname, count(*) FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND t.tgname = ANY(%s) GROUP BY c.relname",
        (list(CAPTURE_TRIGGERS),),
    )
    return dict(cur.fetchall())


def _queue_problem(cur, database: str) -> str | None:
    cur.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'genims_audit' AND table_name = 'change_queue' ORDER BY ordinal_position"
    )
    actual = [row[0] for row in cur.fetchall()]
    if not actual or actual == list(QUEUE_COLUMNS):
        return None
    missing = [c for c in QUEUE_COLUMNS if c not in actual]
    extra = [c for c in actual if c not in QUEUE_COLUMNS]
    detail = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else "",
        )
        if part
    )
    return (
        f"genims_audit.change_queue in {database} is not the contract's queue ({detail}). Nothing was changed and "
        "no event was touched. Fix: ship its pending events, rename the old schema (ALTER SCHEMA genims_audit "
        "RENAME TO genims_audit_old), then re-run `genims audit install`"
    )


_CONFIG_UPSERT = (
    "INSERT INTO genims_audit.capture_config (id, database_short, full_scope, bulk_threshold, sample_rows, "
    "redacted_columns, installed_at, installed_by) VALUES (1, %s, %s, %s, %s, %s, clock_timestamp(), current_user) "
    "ON CONFLICT (id) DO UPDATE SET database_short = EXCLUDED.database_short, full_scope = EXCLUDED.full_scope, "
    "bulk_threshold = EXCLUDED.bulk_threshold, sample_rows = EXCLUDED.sample_rows, "
    "redacted_columns = EXCLUDED.redacted_columns, installed_at = EXCLUDED.installed_at, "
    "installed_by = EXCLUDED.installed_by"
)
_BY_NAME = (
    "FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = %s"
)


def _write_scope(cur, short: str) -> None:
    """The scope as installed, for the DDL event trigger (tables created or altered later)."""
    full = short in scope.FULL_SCOPE_DATABASES
    cur.execute(
        _CONFIG_UPSERT,
        (short, full, scope.BULK_ROW_THRESHOLD, scope.BULK_SAMPLE_ROWS, list(scope.REDACTED_COLUMNS)),
    )
    cur.execute("DELETE FROM genims_audit.capture_scope")
    for table, reasons in scope.declared_tables(short).items():
        cur.execute(
            "INSERT INTO genims_audit.capture_scope (table_name, reasons, redacted_columns) VALUES (%s, %s, %s)",
            (table, list(reasons), list(scope.redacted_columns(short, table))),
        )


def _apply_plan(cur, short: str) -> tuple[scope.CapturePlan, tuple[str, ...]]:
    """Attach capture to every table of the plan, detach it from tables that left the scope."""
    plan = scope.capture_plan(short, _public_tables(cur))
    before = _tables_with_capture(cur)
    for table in plan.captured:
        credentials = list(scope.redacted_columns(short, table))
        cur.execute(
            f"SELECT genims_audit.attach_table(c.oid::regclass, %s, %s, %s) {_BY_NAME}",
            (scope.BULK_ROW_THRESHOLD, scope.BULK_SAMPLE_ROWS, credentials, table),
        )
    detached = tuple(sorted(set(before) - set(plan.captured)))
    for table in detached:
        cur.execute(f"SELECT genims_audit.detach_table(c.oid::regclass) {_BY_NAME}", (table,))
    return plan, detached


def _install_one(settings: Settings, short: str) -> InstallReport:
    database = settings.postgres.databases[short]
    started = time.perf_counter()
    try:
        conn = postgres_connect(settings.postgres, database)
    except ConnectionFailed as error:
        return InstallReport(short, database, error=str(error))
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET LOCAL client_min_messages = warning")
            cur.execute("SELECT set_config('lock_timeout', %s, true)", (LOCK_TIMEOUT,))
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('genims_audit.install'))")
            # An existing queue is checked before the script touches it (its indexes name the contract's columns).
            problem = _queue_problem(cur, database)
            if problem:
                conn.rollback()
                return InstallReport(short, database, error=problem)
            cur.execute(read_sql(*SCRIPT))  # registers this transaction in genims_audit.install_session first
            plan, detached = _apply_plan(cur, short)
            _write_scope(cur, short)
            cur.execute("SELECT genims_audit.sync_acl(NULL, NULL)")  # the privileges GRANT/REVOKE will be diffed with
            cur.execute(
                "SELECT evtname FROM pg_event_trigger WHERE evtname = ANY(%s) ORDER BY 1", (list(EVENT_TRIGGERS),)
            )
            event_triggers = tuple(row[0] for row in cur.fetchall())
            trigger_count = sum(_tables_with_capture(cur).values())
            cur.execute("DELETE FROM genims_audit.install_session WHERE txid = txid_current()")
    except psycopg2.errors.LockNotAvailable:
        return InstallReport(
            short,
            database,
            error=f"a table stayed locked by another transaction for {LOCK_TIMEOUT}; nothing was changed. Fix: let "
            "long transactions on the source tables finish (see pg_stat_activity) and re-run `genims audit install`",
        )
    except psycopg2.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return InstallReport(short, database, error=f"install failed and was rolled back: {first}")
    finally:
        conn.close()
    return InstallReport(
        short,
        database,
        captured_tables=tuple(plan.captured),
        absent_tables=plan.absent,
        detached_tables=detached,
        event_triggers=event_triggers,
        trigger_count=trigger_count,
        seconds=time.perf_counter() - started,
    )


def install_capture(settings: Settings, shorts: Sequence[str] | None = None) -> list[InstallReport]:
    """Install (or refresh) capture in the given source databases (short names; all 13 by default).

    Idempotent. Each database in one transaction; a database that fails is reported (InstallReport.error)
    and left unchanged, the others are still installed. Raises CaptureError before touching anything when
    a short name is unknown or POSTGRES_USER is not a superuser.
    """
    chosen = _shorts(shorts)
    _require_superuser(settings, "postgres")
    return [_install_one(settings, short) for short in chosen]


def _status_one(settings: Settings, short: str) -> CaptureStatus:
    database = settings.postgres.databases[short]
    try:
        conn = postgres_connect(settings.postgres, database)
    except ConnectionFailed as error:
        return CaptureStatus(short, database, installed=False, error=str(error))
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass('genims_audit.change_queue') IS NOT NULL")
            if not cur.fetchone()[0]:
                return CaptureStatus(short, database, installed=False)
            cur.execute(
                "SELECT evtname FROM pg_event_trigger WHERE evtname = ANY(%s) AND evtenabled <> 'D'",
                (list(EVENT_TRIGGERS),),
            )
            enabled_events = {row[0] for row in cur.fetchall()}
            captured = _tables_with_capture(cur)
            cur.execute(
                "SELECT c.relname || '.' || t.tgname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
                "WHERE t.tgname = ANY(%s) AND t.tgenabled = 'D' ORDER BY 1",
                (list(CAPTURE_TRIGGERS),),
            )
            disabled = [row[0] for row in cur.fetchall()]
            disabled += [f"event trigger {name}" for name in EVENT_TRIGGERS if name not in enabled_events]
            plan = scope.capture_plan(short, _public_tables(cur))
            incomplete = [t for t in plan.captured if captured.get(t, 0) < len(CAPTURE_TRIGGERS)]
            cur.execute("SELECT count(*), min(event_time) FROM genims_audit.change_queue WHERE shipped_at IS NULL")
            pending, oldest = cur.fetchone()
    except psycopg2.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return CaptureStatus(short, database, installed=False, error=f"cannot read capture state: {first}")
    finally:
        conn.close()
    return CaptureStatus(
        short,
        database,
        installed=True,
        captured_tables=tuple(sorted(t for t, n in captured.items() if n)),
        uncaptured_tables=tuple(incomplete),
        disabled=tuple(disabled),
        pending_events=int(pending),
        oldest_pending=oldest,
    )


def capture_status(settings: Settings, shorts: Sequence[str] | None = None) -> list[CaptureStatus]:
    """Per source database: installed or not, captured tables, gaps in capture, pending events, oldest pending."""
    return [_status_one(settings, short) for short in _shorts(shorts)]


@click.command("install")
@click.option(
    "--database",
    "databases",
    multiple=True,
    metavar="SHORT",
    help=f"Only this source database (repeatable): {', '.join(SOURCE_DATABASES)}. Default: all 13.",
)
def install_command(databases: tuple[str, ...]) -> None:
    """Install change capture (queue, triggers, DDL and GRANT event triggers) in the source databases.

    Idempotent: re-running refreshes the triggers and captures nothing of its own. Needs a PostgreSQL
    superuser (event triggers). Exits non-zero if any database fails; the others are still installed.
    """
    try:
        settings = load_settings()
        reports = install_capture(settings, databases or None)
    except (SettingsError, CaptureError, ConnectionFailed) as error:
        raise click.ClickException(str(error)) from None
    for report in reports:
        click.echo(report.line())
    failed = [r for r in reports if not r.ok]
    if failed:
        click.echo(f"genims audit install: {len(failed)} of {len(reports)} databases failed", err=True)
        sys.exit(1)
    tables = sum(len(r.captured_tables) for r in reports)
    click.echo(f"genims audit install: capture installed in {len(reports)} databases, {tables} tables captured")
