"""Scheduled control checks: SOX (daily), HIPAA safeguards (daily) and SLAs (hourly).

Why it is built this way:
- A control tests the WHOLE population of a day in the audit database (the
  change-fed tables the shipper wrote), not a sample: sample_count equals
  population_count, and every exception is referenced as {table, sequence}, so
  an auditor can find the very audit row behind it.
- Results are audit records themselves: they go through the platform outbox in
  one transaction (sox_compliance_log, hipaa_compliance_log,
  sla_compliance_tracking), and the control's own read of health data is logged
  like any other read (data_access_log + user_activity_log).
- What counts as health data is declared in `scope.py` (the capture scope);
  financial and price changes arrive already classified in their audit tables.
  This module only names what belongs to the controls themselves: the columns
  carrying approvals and posting states, and the columns that identify a
  person in a reporting table (health data beside one is identifiable; a
  factory-day aggregate is not).
- The audit database is read through the reader account (SELECT only).
- Thresholds are constants here (business hours, SLA limits) so that a report
  can quote them; each row carries its threshold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from psycopg2 import sql

from genims_assets.audit.activity import TableRead, record_reads, utc_now
from genims_assets.audit.outbox import record
from genims_assets.connections import ConnectionFailed, mysql_connect, postgres_connect
from genims_assets.mysql_partitions import ident
from genims_assets.settings import Settings

CONTROL_USER = "genims-controls"
BUSINESS_HOURS_UTC = (time(6, 0), time(20, 0))  # financial changes expected Mon-Fri inside this window (UTC)
APPROVAL_COLUMNS = ("approved_by", "approval_status", "approved", "approved_at")
POSTED_FLAGS = ("posted",)
POSTED_STATUS_COLUMNS = ("entry_status", "posting_status", "gr_status", "invoice_status", "status")
FRESHNESS_SECONDS = 3600
AUDIT_LAG_SECONDS = 90
SERVICE_TICKET_SLA_PCT = 95.0
EVIDENCE_LIMIT = 100
ALLOWED_HEALTH_READERS = ("postgres",)  # roles that may SELECT health tables directly (the platform's own role)
# Columns that identify a person in a reporting table (health data next to one is individually identifiable).
PERSON_COLUMNS = frozenset({"employee_id", "employee_number", "employee_name", "first_name", "last_name",
                            "contact_id", "portal_user_id", "incident_id", "incident_number"})  # fmt: skip


@dataclass(frozen=True)
class AuditRow:
    table: str
    sequence: int
    timestamp: datetime
    values: dict[str, Any]

    def ref(self) -> dict[str, Any]:
        return {"table": self.table, "sequence": self.sequence}


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0))
    return start, start + timedelta(days=1)


def _json(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _read_day(cur, table: str, columns: Iterable[str], day: date, where: str = "", params=()) -> list[AuditRow]:
    """The day's rows of an audit table (identifiers from tables.py; `where` is fixed text of this module)."""
    from genims_assets.audit.tables import audit_table

    spec = audit_table(table)
    wanted = [c for c in columns if c in spec.definition.column_names]
    select = ", ".join(ident(c) for c in (spec.sequence_column, spec.timestamp_column, *wanted))
    low, high = _day_bounds(day)
    cur.execute(
        f"SELECT {select} FROM {ident(table)} WHERE {ident(spec.timestamp_column)} >= %s "
        f"AND {ident(spec.timestamp_column)} < %s{where} ORDER BY {ident(spec.sequence_column)}",
        (low, high, *params),
    )
    rows = []
    for seq, ts, *values in cur.fetchall():
        rows.append(AuditRow(table, int(seq), ts, {c: _json(v) for c, v in zip(wanted, values, strict=True)}))
    return rows


def _truthy(value: Any) -> bool:
    return value is True or value == 1 or (isinstance(value, str) and value.lower() in ("true", "t", "yes", "1"))


def is_posted(values: dict[str, Any] | None) -> bool:
    """A financial row in a posted state: a posted flag set, or a status column saying posted."""
    if not values:
        return False
    if any(_truthy(values.get(c)) for c in POSTED_FLAGS):
        return True
    return any(str(values.get(c) or "").lower() == "posted" for c in POSTED_STATUS_COLUMNS)


def _result_row(base: dict[str, Any], population: int, exceptions: list[AuditRow], severity: str) -> dict[str, Any]:
    if population == 0:
        result, level = "not_applicable", "none"
    elif exceptions:
        result, level = "fail", severity
    else:
        result, level = "pass", "none"
    return {
        **base,
        "population_count": population,
        "sample_count": population,
        "exceptions_count": len(exceptions),
        "test_result": result,
        "deficiency_level": level,
        "evidence": [e.ref() for e in exceptions[:EVIDENCE_LIMIT]] or None,
        "remediation": "review each exception with the control owner" if exceptions else None,
    }


# --- SOX ---------------------------------------------------------------------------------------------------------


def sox_rows(settings: Settings, day: date, now: datetime, run_id: str | None = None) -> list[dict[str, Any]]:
    """The four SOX control tests of one day, as sox_compliance_log rows (not yet recorded)."""
    common = {
        "test_timestamp": now,
        "test_type": "automated",
        "test_period_start": day,
        "test_period_end": day,
        "tested_by": CONTROL_USER,
        "reviewer": None,
        "run_id": run_id,
    }
    change_columns = ("table_name", "primary_key_value", "operation", "old_values", "new_values", "changed_columns",
                      "user_id", "approval_id", "source_database")  # fmt: skip
    conn = mysql_connect(settings.audit.as_account(settings.audit_reader))
    try:
        with conn.cursor() as cur:
            financial = _read_day(cur, "financial_data_changes", change_columns, day)
            prices = _read_day(cur, "price_cost_changes", (*change_columns, "column_name"), day)
            price_keys = {(r.values["table_name"], r.values["primary_key_value"]) for r in prices}
            system = _rows_for_keys(cur, "system_audit_log", change_columns, day, price_keys)
            approving = {(r.values["table_name"], r.values["primary_key_value"]) for r in financial if _approver(r)}
            inserts = _inserters(cur, approving)
    finally:
        conn.close()
    database = settings.postgres.databases["erp"]
    rows = []

    posted = [r for r in financial if r.values["operation"] != "DELETE" and is_posted(r.values.get("new_values"))]
    rows.append(_result_row({**common, "control_id": "SOX-FIN-APR-01", "source_database": database,
                             "control_name": "Every posted financial change carries an approval id",
                             "table_name": "financial_data_changes"},
                            len(posted), [r for r in posted if not (r.values.get("approval_id") or "").strip()],
                            "significant_deficiency"))  # fmt: skip

    approvals = [r for r in financial if _approver(r) is not None]
    sod = []
    for r in approvals:
        new = r.values.get("new_values") or {}
        creators = {new.get("created_by"), inserts.get((r.values["table_name"], r.values["primary_key_value"]))}
        if _approver(r) in creators - {None, ""}:
            sod.append(r)
    rows.append(_result_row({**common, "control_id": "SOX-FIN-SOD-01", "source_database": database,
                             "control_name": "Segregation of duties: no user both created and approved the same "
                             "journal entry (or other financial document)", "table_name": "financial_data_changes"},
                            len(approvals), sod, "significant_deficiency"))  # fmt: skip

    approvers: dict[tuple, set[str]] = {}
    for r in (*system, *financial, *prices):
        who = _approver(r)
        if who:
            approvers.setdefault((r.values["table_name"], r.values["primary_key_value"]), set()).add(who)
    price_sod = [
        r for r in prices
        if r.values.get("user_id") in approvers.get((r.values["table_name"], r.values["primary_key_value"]), set())
    ]  # fmt: skip
    rows.append(_result_row({**common, "control_id": "SOX-PRC-SOD-01", "source_database": None,
                             "control_name": "Segregation of duties: no user changed a price or cost and approved "
                             "the same change", "table_name": "price_cost_changes"},
                            len(prices), price_sod, "significant_deficiency"))  # fmt: skip

    low, high = BUSINESS_HOURS_UTC
    outside = [r for r in financial if r.timestamp.weekday() >= 5 or not (low <= r.timestamp.time() < high)]
    rows.append(_result_row({**common, "control_id": "SOX-FIN-HRS-01", "source_database": database,
                             "control_name": f"Financial changes inside business hours (Mon-Fri {low:%H:%M}-"
                             f"{high:%H:%M} UTC)", "table_name": "financial_data_changes"},
                            len(financial), outside, "deficiency"))  # fmt: skip
    return rows


def _approver(row: AuditRow) -> str | None:
    """Who approved in this change: the approved_by it set, or its user when it changed an approval column."""
    new = row.values.get("new_values") or {}
    old = row.values.get("old_values") or {}
    changed = set(row.values.get("changed_columns") or ())
    if new.get("approved_by") and (row.values.get("operation") == "INSERT" or "approved_by" in changed
                                   or new.get("approved_by") != old.get("approved_by")):  # fmt: skip
        return str(new["approved_by"])
    if changed & set(APPROVAL_COLUMNS) and (_truthy(new.get("approved")) or
                                            str(new.get("approval_status") or "").lower() == "approved"):  # fmt: skip
        return row.values.get("user_id")
    return None


def _key_chunks(keys: set[tuple[str, str]], size: int = 500):
    """(table_name, primary_key_value) pairs in chunks, with their `IN ((%s, %s), ...)` clause."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), size):
        chunk = ordered[start : start + size]
        yield ", ".join(["(%s, %s)"] * len(chunk)), [v for key in chunk for v in key]


def _rows_for_keys(cur, table: str, columns: Iterable[str], day: date, keys: set[tuple[str, str]]) -> list[AuditRow]:
    """The day's rows of an audit table about the given (table_name, primary_key_value) pairs."""
    rows: list[AuditRow] = []
    for clause, values in _key_chunks(keys):
        where = f" AND (table_name, primary_key_value) IN ({clause})"
        rows.extend(_read_day(cur, table, columns, day, where, values))
    return rows


def _inserters(cur, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(table, primary key) -> user who inserted the row, from the whole financial audit trail."""
    found: dict[tuple[str, str], str] = {}
    for clause, values in _key_chunks(keys):
        cur.execute(
            "SELECT table_name, primary_key_value, user_id FROM financial_data_changes "
            f"WHERE operation = 'INSERT' AND (table_name, primary_key_value) IN ({clause})",
            values,
        )
        for table, key, user in cur.fetchall():
            found[(table, key)] = user
    return found


# --- HIPAA -------------------------------------------------------------------------------------------------------


def health_columns() -> dict[str, tuple[str, ...]]:
    """Health-data columns of genims_hcm_db by table, from the capture scope (scope.PERSONNEL_TABLES)."""
    from genims_assets.audit.scope import PERSONNEL_TABLES

    return {t.table: t.health_columns for t in PERSONNEL_TABLES.values() if t.health_columns}


def hipaa_rows(settings: Settings, day: date, now: datetime, run_id: str | None = None) -> list[dict[str, Any]]:
    """The HIPAA safeguard checks of one day, as hipaa_compliance_log rows; logs the checks' own reads."""
    hcm = settings.postgres.databases["hcm"]
    health = health_columns()
    every_health_column = sorted({c for cols in health.values() for c in cols})
    common = {"check_timestamp": now, "source_database": hcm, "checked_by": CONTROL_USER, "run_id": run_id}
    conn = mysql_connect(settings.audit.as_account(settings.audit_reader))
    try:
        with conn.cursor() as cur:
            changes = _read_day(cur, "personnel_data_changes", ("table_name", "reason_code", "user_id"), day,
                                " AND contains_health_data = 1")  # fmt: skip
            accesses = _read_day(cur, "data_access_log", ("user_id", "database_name", "table_name", "run_id"), day)
            wanted = ("user_id", "activity_type", "sensitive_data", "run_id", "details")
            activities = _read_day(cur, "user_activity_log", wanted, day)
    finally:
        conn.close()
    rows = []
    missing = [r for r in changes if not (r.values.get("reason_code") or "").strip()]
    rows.append(_hipaa(common, "health_changes_have_reason_code", "administrative", "personnel_data_changes",
                       every_health_column, len(changes), missing,
                       "changes to health fields without a reason code (SET LOCAL genims.reason_code)"))  # fmt: skip

    health_tables = {(hcm, t) for t in health} | {(settings.audit.database, "personnel_data_changes")}
    health_reads = [a for a in accesses if (a.values["database_name"], a.values["table_name"]) in health_tables]
    logged = {(a.values["user_id"], a.timestamp) for a in activities if a.values["activity_type"] in ("read", "export")}
    unpaired = [a for a in health_reads if (a.values["user_id"], a.timestamp) not in logged]
    rows.append(_hipaa(common, "health_data_access_logged", "technical", "data_access_log", every_health_column,
                       len(health_reads), unpaired,
                       "reads of health data without the matching user activity record"))  # fmt: skip

    rows.append(_grants_check(settings, common, health, every_health_column))
    rows.append(_reporting_check(settings, common, every_health_column))

    reads = [TableRead(settings.audit.database, "personnel_data_changes", len(changes), ("reason_code",),
                       f"{day.isoformat()} contains_health_data = 1")]  # fmt: skip
    record_reads(settings, user_id=CONTROL_USER, reads=reads, access_type="query", object_type="table",
                 object_name=f"{settings.audit.database}.personnel_data_changes", purpose="hipaa_control",
                 sensitive_data=True, run_id=run_id, application_name="genims controls", when=now)  # fmt: skip
    return rows


def _hipaa(common, name, kind, table, columns, checked, violations: list[AuditRow], finding) -> dict[str, Any]:
    return {
        **common,
        "check_name": name,
        "safeguard_type": kind,
        "table_name": table,
        "columns_checked": columns,
        "records_checked": checked,
        "violations_count": len(violations),
        "result": "fail" if violations else "pass",
        "finding": f"{len(violations)} {finding}" if violations else f"no {finding}",
        "evidence": [v.ref() for v in violations[:EVIDENCE_LIMIT]] or None,
        "remediation_status": "open" if violations else "none",
    }


def _grants_check(settings: Settings, common, health, columns) -> dict[str, Any]:
    """Roles that can read health tables directly bypass the platform's access log: a warning per role."""
    conn = postgres_connect(settings.postgres, settings.postgres.databases["hcm"])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT table_name, grantee FROM information_schema.role_table_grants "
                "WHERE table_schema = 'public' AND privilege_type = 'SELECT' AND table_name = ANY(%s)",
                (sorted(health),),
            )
            grants = cur.fetchall()
            cur.execute("SELECT current_user")
            platform_role = cur.fetchone()[0]
    finally:
        conn.close()
    allowed = {*ALLOWED_HEALTH_READERS, platform_role}
    extra = sorted({f"{grantee} on {table}" for table, grantee in grants if grantee not in allowed})
    return {
        **common,
        "check_name": "health_tables_direct_readers",
        "safeguard_type": "technical",
        "table_name": ",".join(sorted(health))[:64],
        "columns_checked": columns,
        "records_checked": len(grants),
        "violations_count": len(extra),
        "result": "warning" if extra else "pass",
        "finding": f"roles reading health tables outside the platform's log: {', '.join(extra)}"
        if extra else "only the platform's role reads health tables",
        "evidence": [{"grant": g} for g in extra[:EVIDENCE_LIMIT]] or None,
        "remediation_status": "open" if extra else "none",
    }  # fmt: skip


def _reporting_check(settings: Settings, common, columns) -> dict[str, Any]:
    """No individually identifiable health data in genims_reporting_db.

    A health column in a table that also identifies a person (PERSON_COLUMNS) is a violation; in a table
    without one it is an aggregate (days away from work per factory and day) and is only listed.
    """
    conn = mysql_connect(settings.reporting)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
                (settings.reporting.database,),
            )
            found = cur.fetchall()
    finally:
        conn.close()
    by_table: dict[str, set[str]] = {}
    for table, column in found:
        by_table.setdefault(table, set()).add(column)
    health = set(columns)
    hits = sorted(f"{t}.{c}" for t, cols in by_table.items() if cols & PERSON_COLUMNS for c in cols & health)
    aggregates = sorted(f"{t}.{c}" for t, cols in by_table.items() if not cols & PERSON_COLUMNS for c in cols & health)
    note = f"; aggregated health measures without a person: {', '.join(aggregates)}" if aggregates else ""
    return {
        **common,
        "source_database": settings.reporting.database,
        "check_name": "health_data_absent_from_reporting",
        "safeguard_type": "technical",
        "table_name": None,
        "columns_checked": columns,
        "records_checked": len(found),
        "violations_count": len(hits),
        "result": "fail" if hits else "pass",
        "finding": (f"health columns next to a person's identity: {', '.join(hits)}" if hits
                    else "no individually identifiable health data in reporting") + note,
        "evidence": [{"column": h} for h in hits[:EVIDENCE_LIMIT]] or None,
        "remediation_status": "open" if hits else "none",
    }  # fmt: skip


# --- SLA ---------------------------------------------------------------------------------------------------------


def _sla(now, name, category, metric, subject, threshold, comparison, actual, unit, period, details=None):
    if actual is None:
        status = "unknown"
    else:
        met = float(actual) <= threshold if comparison == "<=" else float(actual) >= threshold
        status = "met" if met else "breached"
    return {
        "check_timestamp": now,
        "sla_name": name,
        "sla_category": category,
        "metric": metric,
        "subject": subject,
        "threshold_value": Decimal(str(threshold)),
        "comparison": comparison,
        "actual_value": Decimal(f"{float(actual):.3f}") if actual is not None else None,
        "unit": unit,
        "status": status,
        "period_start": period[0],
        "period_end": period[1],
        "details": details,
    }


def sla_rows(settings: Settings, now: datetime, run_id: str | None = None) -> list[dict[str, Any]]:
    """Reporting freshness and sync duration per table, audit lag per queue, service-ticket SLA met %."""
    from genims_assets.defs.reporting.tables import REPORTING_TABLES

    now = now.astimezone(UTC)
    naive_now = now.replace(tzinfo=None)
    hour = (naive_now - timedelta(hours=1), naive_now)
    freshness = max(FRESHNESS_SECONDS, settings.reporting_interval_seconds)
    conn = mysql_connect(settings.reporting)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name, MAX(finished_at) FROM etl_sync_log WHERE status = 'success' GROUP BY table_name"
            )
            last = dict(cur.fetchall())
            cur.execute(
                "SELECT table_name, MAX(duration_seconds), COUNT(*) FROM etl_sync_log "
                "WHERE finished_at >= %s AND finished_at < %s GROUP BY table_name",
                hour,
            )
            durations = {t: (d, n) for t, d, n in cur.fetchall()}
    finally:
        conn.close()
    rows = []
    for spec in sorted(REPORTING_TABLES, key=lambda s: s.name):
        finished = last.get(spec.name)
        age = (naive_now - finished).total_seconds() if finished else None
        rows.append(_sla(now, "reporting_freshness", "freshness", "seconds since the last successful load",
                         spec.name, freshness, "<=", age, "seconds", (finished, naive_now),
                         None if finished else {"reason": "never loaded"}))  # fmt: skip
        if spec.name in durations:
            longest, syncs = durations[spec.name]
            limit = settings.sync_timeout_seconds
            rows.append(_sla(now, "reporting_sync_duration", "sync_duration", "longest sync in the hour", spec.name,
                             limit, "<=", longest, "seconds", hour, {"syncs": syncs}))  # fmt: skip
    rows.extend(_audit_lag(settings, now))
    rows.append(_service_tickets(settings, now))
    for row in rows:
        row["run_id"] = run_id
    return rows


def _oldest_pending(settings: Settings, database: str, queue: str, now: datetime) -> tuple[bool, float | None, int]:
    """(queue exists, age at `now` of its oldest unshipped event in seconds, unshipped events): genims_audit.<queue>."""
    conn = postgres_connect(settings.postgres, database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", (f"genims_audit.{queue}",))
            if cur.fetchone()[0] is None:
                return False, None, 0
            statement = sql.SQL("SELECT MIN(event_time), COUNT(*) FROM {} WHERE shipped_at IS NULL")
            cur.execute(statement.format(sql.Identifier("genims_audit", queue)))
            oldest, pending = cur.fetchone()
            return True, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0, int(pending)
    finally:
        conn.close()


def _audit_lag(settings: Settings, now: datetime) -> list[dict[str, Any]]:
    """Age of the oldest event not yet shipped, per source queue and for the platform outbox."""
    queues = [(db, "change_queue") for db in sorted(settings.postgres.databases.values())]
    queues.append((settings.dagster_database, "platform_outbox"))
    rows = []
    for database, queue in queues:  # both names are fixed above, never input
        subject = f"{database}.genims_audit.{queue}"
        try:
            exists, age, pending = _oldest_pending(settings, database, queue, now)
            details: dict[str, Any] = {"pending_events": pending}
        except ConnectionFailed as error:  # unreachable: the lag is unknown, and the row says why
            exists, age, details = True, None, {"error": str(error)}
        if exists:
            rows.append(_sla(now, "audit_lag", "audit_lag", "age of the oldest unshipped event", subject,
                             AUDIT_LAG_SECONDS, "<=", age, "seconds", (None, now.replace(tzinfo=None)),
                             details))  # fmt: skip
    return rows


def _service_tickets(settings: Settings, now: datetime) -> dict[str, Any]:
    """Share of tickets resolved in the last 24 hours that met both their response and resolution SLA."""
    end = now.replace(tzinfo=None)
    start = end - timedelta(hours=24)
    conn = postgres_connect(settings.postgres, settings.postgres.databases["service"])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT COALESCE(response_sla_breached, false) "
                "AND NOT COALESCE(resolution_sla_breached, false)) FROM service_tickets "
                "WHERE resolved_datetime >= %s AND resolved_datetime < %s",
                (start, end),
            )
            total, met = cur.fetchone()
    finally:
        conn.close()
    pct = 100.0 * met / total if total else None
    return _sla(now, "service_ticket_sla", "service_ticket", "tickets resolved within SLA (response and resolution)",
                "service_tickets", SERVICE_TICKET_SLA_PCT, ">=", pct, "pct", (start, end),
                {"tickets_resolved": total, "tickets_met": met})  # fmt: skip


# --- running and recording ---------------------------------------------------------------------------------------


def record_rows(settings: Settings, table: str, rows: list[dict[str, Any]], producer: str) -> list[int]:
    return record(settings, table, rows, producer=producer)


def run_daily_controls(settings: Settings, day: date | None = None, run_id: str | None = None) -> dict[str, list]:
    """SOX and HIPAA tests of `day` (default yesterday, UTC), recorded in the outbox."""
    now = utc_now()
    day = day or (now.date() - timedelta(days=1))
    sox = sox_rows(settings, day, now, run_id)
    hipaa = hipaa_rows(settings, day, now, run_id)
    record_rows(settings, "sox_compliance_log", sox, "controls")
    record_rows(settings, "hipaa_compliance_log", hipaa, "controls")
    return {"sox_compliance_log": sox, "hipaa_compliance_log": hipaa}


def run_sla_checks(settings: Settings, run_id: str | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    rows = sla_rows(settings, now or utc_now(), run_id)
    record_rows(settings, "sla_compliance_tracking", rows, "controls")
    return rows
