"""GDPR data subject requests: `genims compliance gdpr-request create|process|list`.

Why it is built this way:
- The request register (`genims_audit.gdpr_requests` in the Dagster PostgreSQL
  database) holds the workflow state; every status change also writes one
  `gdpr_data_request_log` row through the platform outbox IN THE SAME
  TRANSACTION, so the audit trail can never miss or invent a status.
- Access: every row the platform holds about the subject (source rows that
  reference its key, reporting rows keyed by it, audit rows about it) goes into
  one JSON file; credential columns (password hashes, tokens) are withheld. The
  export is logged in data_access_log (one row per table searched) and
  user_activity_log.
- Erasure: the subject is pseudonymised in genims_reporting_db only. The
  pseudonym map (`genims_audit.gdpr_pseudonyms`) keeps sha256 of the identifying
  value, never the value, and `enforce_erasures` re-applies it after every
  reporting refresh (the loader can also call `apply_erasures` on its frame), so a
  reload from the sources cannot bring the name back. The audit trail keeps the
  original under its legal basis (legal obligation, 7-year retention): the
  request's record says so. The sources are GenIMS's systems of record: erasure
  there is their owner's task, and the record says that too.
- Subjects and where they live are declared once, in SUBJECTS; every identifier
  used in SQL is checked against the schema files and the live catalog, and
  quoted; values always go through parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import click
from psycopg2 import sql

from genims_assets.audit.activity import TableRead, actor, cli_errors, record_reads, ship_now, utc_now
from genims_assets.audit.outbox import ensure_outbox, record
from genims_assets.connections import mysql_connect, postgres_connect
from genims_assets.mysql_load import TableLock
from genims_assets.mysql_partitions import ident
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets.sqlfiles import parse_tables, read_sql, source_tables

REQUEST_TYPES = ("access", "erasure", "rectification")
STATUSES = ("received", "in_progress", "completed", "rejected")
DUE_DAYS = 30
AUDIT_RETENTION_NOTE = (
    "Audit records about the subject are NOT erased: they are retained unchanged in genims_audit_db under the "
    "legal obligation to keep an audit trail (Art. 17(3)(b) GDPR; 7-year retention, BACKUP_AUDIT_RETENTION_DAYS) "
    "and are purged only by the retention job once that period ends."
)
DEFAULT_LEGAL_BASIS = {
    "access": "Art. 15 GDPR (right of access)",
    "erasure": "Art. 17 GDPR (erasure); audit trail retained under Art. 17(3)(b) legal obligation, 7-year retention",
    "rectification": "Art. 16 GDPR (right to rectification)",
}
CREDENTIAL_MARKERS = ("password", "token", "salt", "secret")


class GdprError(click.ClickException):
    """A request that cannot be created or processed; the message says why and what to do."""


@dataclass(frozen=True)
class Subject:
    """A kind of data subject: its own row, the columns elsewhere that hold its key, and its audit rows."""

    name: str
    database: str  # short name of the database of its own row
    table: str
    key_column: str
    email_columns: tuple[str, ...]
    reference_columns: tuple[str, ...]  # columns in other tables that hold the subject's key
    search_databases: tuple[str, ...] | None  # None: all 13 (the key is global); else only these
    reporting_kind: str | None  # identity kind in genims_reporting_db (see REPORTING_IDENTITIES)
    audit_columns: tuple[tuple[str, str], ...]  # (audit table, column holding the subject's key)


SUBJECTS: dict[str, Subject] = {
    s.name: s
    for s in (
        Subject(
            "crm_contact", "crm", "contacts", "contact_id", ("email",),
            ("contact_id", "primary_contact_id", "reports_to_contact_id"), None, None,
            (("customer_data_changes", "contact_id"),),
        ),
        Subject(
            "customer", "master", "customers", "customer_id", (), ("customer_id",), None, "customer",
            (("customer_data_changes", "customer_id"),),
        ),
        Subject(
            "employee", "hcm", "employees", "employee_id", ("work_email", "personal_email"),
            ("employee_id", "reports_to_employee_id"), None, "sales_rep",
            (("personnel_data_changes", "employee_id"),),
        ),
        Subject("portal_user", "service", "portal_users", "portal_user_id", ("email",), ("portal_user_id",),
                ("service",), None, ()),
        Subject(
            "supplier_contact", "supplier", "supplier_portal_users", "portal_user_id", ("user_email",),
            ("portal_user_id",), ("supplier",), None, (("supplier_data_changes", "portal_user_id"),),
        ),
    )
}  # fmt: skip

# identity kind -> (key column in reporting tables, companion columns replaced in the same rows)
REPORTING_IDENTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer": ("customer_id", ("customer_name", "account_id")),
    "sales_rep": ("sales_rep_id", ("sales_rep_name",)),
}

# The register and the pseudonym map (only sha256 of identifying values, never the values).
_REGISTER_DDL = """
CREATE SCHEMA IF NOT EXISTS genims_audit;
CREATE TABLE IF NOT EXISTS genims_audit.gdpr_requests (
    request_id text PRIMARY KEY, request_type text NOT NULL, subject_type text NOT NULL, subject_id text NOT NULL,
    subject_email_sha256 text NULL, requester text NOT NULL, legal_basis text NOT NULL, verification_method text NULL,
    status text NOT NULL, received_at timestamptz NOT NULL, due_at timestamptz NOT NULL, completed_at timestamptz NULL,
    handled_by text NULL, records_affected bigint NULL, output_location text NULL, notes text NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS genims_audit.gdpr_pseudonyms (
    identity_kind text NOT NULL, value_sha256 text NOT NULL, pseudonym text NOT NULL UNIQUE, request_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (identity_kind, value_sha256));
"""
_READY: set[tuple[str, str]] = set()  # (server, database) whose register tables exist


@dataclass(frozen=True)
class GdprRequest:
    request_id: str
    request_type: str
    subject_type: str
    subject_id: str
    subject_email_sha256: str | None
    requester: str
    legal_basis: str
    verification_method: str | None
    status: str
    received_at: datetime
    due_at: datetime
    completed_at: datetime | None
    handled_by: str | None
    records_affected: int | None
    output_location: str | None
    notes: str | None

    @property
    def overdue(self) -> bool:
        return self.status not in ("completed", "rejected") and utc_now() > self.due_at


_COLUMNS = tuple(GdprRequest.__dataclass_fields__)
_LOGGED = tuple(c for c in _COLUMNS if c not in ("requester", "output_location"))  # the log has no such columns


@cache
def reporting_identity_tables() -> dict[str, list[str]]:
    """identity kind -> reporting tables holding its key column (checked against reporting_schema.sql)."""
    tables = parse_tables(read_sql("mysql", "reporting_schema.sql"))
    found: dict[str, list[str]] = {}
    for kind, (key, companions) in REPORTING_IDENTITIES.items():
        found[kind] = sorted(t for t, d in tables.items() if key in d.column_names)
        for table in found[kind]:
            missing = [c for c in companions if c not in tables[table].column_names and c != "account_id"]
            if missing:
                raise RuntimeError(f"reporting table {table} has {key} but not {missing}: update REPORTING_IDENTITIES")
    return found


def personal_reporting_tables() -> set[str]:
    """Reporting tables that name people (customers, sales reps)."""
    return {t for tables in reporting_identity_tables().values() for t in tables}


def value_hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def email_hash(email: str | None) -> str | None:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email and email.strip() else None


@contextmanager
def _register(settings: Settings) -> Iterator:
    """A cursor on the Dagster database in one transaction, committed on success (register tables created once).

    The outbox is created first, on its own connection: `record` inside our transaction must not wait for DDL
    that our own uncommitted CREATE SCHEMA blocks.
    """
    ensure_outbox(settings)
    conn = postgres_connect(settings.postgres, settings.dagster_database)
    try:
        with conn, conn.cursor() as cur:
            if (settings.postgres.address, settings.dagster_database) not in _READY:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext('genims_audit.gdpr_requests'))")
                cur.execute(_REGISTER_DDL)
                _READY.add((settings.postgres.address, settings.dagster_database))
            yield cur
    finally:
        conn.close()


def _select(cur, where: str, params: tuple) -> list[GdprRequest]:
    """Requests matching a fixed WHERE clause of this module (values as parameters)."""
    columns = sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
    cur.execute(sql.SQL("SELECT {} FROM genims_audit.gdpr_requests WHERE ").format(columns) + sql.SQL(where), params)
    return [GdprRequest(**dict(zip(_COLUMNS, row, strict=True))) for row in cur.fetchall()]


def _save(settings: Settings, cur, req: GdprRequest, when: datetime, databases: dict | None = None) -> None:
    """Upsert the register row and record the status change, in the caller's transaction."""
    cur.execute(
        sql.SQL(
            "INSERT INTO genims_audit.gdpr_requests ({}) VALUES ({}) "
            "ON CONFLICT (request_id) DO UPDATE SET {}, updated_at = clock_timestamp()"
        ).format(
            sql.SQL(", ").join(map(sql.Identifier, _COLUMNS)),
            sql.SQL(", ").join(sql.Placeholder() * len(_COLUMNS)),
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in _COLUMNS[1:]),
        ),
        [getattr(req, c) for c in _COLUMNS],
    )
    row = {c: getattr(req, c) for c in _LOGGED}
    row.update(event_timestamp=when, databases_affected=databases)
    record(settings, "gdpr_data_request_log", [row], producer="gdpr", cursor=cur)


def _ship(settings: Settings, tables: list[str], say: Callable[[str], None] = click.echo) -> None:
    """Move our outbox rows into MySQL now; when that fails they stay in the outbox for the audit sensor."""
    problem = ship_now(settings, tables)
    if problem:
        say(f"warning: audit rows kept in the outbox, not yet in MySQL ({problem})")


def _catalog(cur, statement: str, params: tuple = ()) -> dict[str, set[str]]:
    """table -> columns, from an information_schema query returning (table_name, column_name)."""
    cur.execute(statement, params)
    found: dict[str, set[str]] = {}
    for table, column in cur.fetchall():
        found.setdefault(table, set()).add(column)
    return found


# --- finding the subject -----------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return "[binary withheld]"
    return value


def _export_row(names: list[str], row, withheld: set[str]) -> dict[str, Any]:
    out = {}
    for name, value in zip(names, row, strict=True):
        if any(marker in name.lower() for marker in CREDENTIAL_MARKERS):
            withheld.add(name)
            out[name] = "[withheld: credential]" if value is not None else None
        else:
            out[name] = _clean(value)
    return out


@dataclass
class Findings:
    """What the platform holds about a subject: rows by area, database and table, and the tables searched."""

    source: dict[str, dict[str, list[dict]]]
    reporting: dict[str, list[dict]]
    audit: dict[str, list[dict]]
    reads: list[TableRead]
    withheld: set[str]
    subject_found: bool
    email_sha256: str | None
    reporting_values: dict[str, set[str]]  # identity kind -> key values in reporting

    @property
    def total(self) -> int:
        return sum(r.row_count for r in self.reads)

    def databases_affected(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for read in self.reads:
            if read.row_count:
                out.setdefault(read.database, {})[read.table] = read.row_count
        return out


def find_subject(settings: Settings, subject: Subject, subject_id: str) -> Findings:
    """Search the 13 source databases, the reporting database and the audit database for one subject."""
    findings = Findings({}, {}, {}, [], set(), False, None, {})
    databases = subject.search_databases or tuple(SOURCE_DATABASES)
    reporting_values: dict[str, set[str]] = {}
    if subject.reporting_kind == "customer":
        reporting_values["customer"] = {subject_id}
    for short in databases:
        catalog = source_tables(SOURCE_DATABASES[short])
        database = settings.postgres.databases[short]
        conn = postgres_connect(settings.postgres, database)
        try:
            with conn.cursor() as cur:
                cur.execute("SET TRANSACTION READ ONLY")
                live = _catalog(cur, "SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = 'public'")  # fmt: skip
                for table in sorted(catalog):
                    columns = [c for c in subject.reference_columns if c in catalog[table].column_names]
                    columns = [c for c in columns if c in live.get(table, set())]
                    if short == subject.database and table == subject.table:
                        columns = [subject.key_column]
                    if not columns:
                        continue
                    where = sql.SQL(" OR ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns)
                    cur.execute(
                        sql.SQL("SELECT * FROM {} WHERE {}").format(sql.Identifier(table), where),
                        [subject_id] * len(columns),
                    )
                    names = [d[0] for d in cur.description]
                    raw = cur.fetchall()
                    rows = [_export_row(names, r, findings.withheld) for r in raw]
                    findings.reads.append(TableRead(database, table, len(rows), None, " OR ".join(columns)))
                    if rows:
                        findings.source.setdefault(database, {})[table] = rows
                    if short == subject.database and table == subject.table and raw:
                        findings.subject_found = True
                        emails = [dict(zip(names, raw[0], strict=True)).get(c) for c in subject.email_columns]
                        findings.email_sha256 = next((email_hash(e) for e in emails if e), None)
                    if subject.reporting_kind == "sales_rep" and short == "crm" and table == "sales_reps":
                        reporting_values["sales_rep"] = {r["sales_rep_id"] for r in rows}
        finally:
            conn.rollback()
            conn.close()
    findings.reporting_values = reporting_values
    _find_in_mysql(settings, subject, subject_id, findings)
    return findings


def _mysql_rows(cur, table: str, where: list[tuple[str, Any]], withheld: set[str]) -> list[dict]:
    clause = " AND ".join(f"{ident(c)} = %s" for c, _ in where)
    cur.execute(f"SELECT * FROM {ident(table)} WHERE {clause}", [v for _, v in where])
    names = [d[0] for d in cur.description]
    return [_export_row(names, r, withheld) for r in cur.fetchall()]


def _find_in_mysql(settings: Settings, subject: Subject, subject_id: str, findings: Findings) -> None:
    reporting = mysql_connect(settings.reporting)
    try:
        with reporting.cursor() as cur:
            for kind, values in findings.reporting_values.items():
                key = REPORTING_IDENTITIES[kind][0]
                for table in reporting_identity_tables()[kind]:
                    rows = [r for v in sorted(values) for r in _mysql_rows(cur, table, [(key, v)], findings.withheld)]
                    findings.reads.append(TableRead(settings.reporting.database, table, len(rows), None, key))
                    if rows:
                        findings.reporting[table] = rows
    finally:
        reporting.close()
    source_db = settings.postgres.databases[subject.database]
    queries = [(t, [(c, subject_id)]) for t, c in subject.audit_columns]
    queries.append(("system_audit_log", [("source_database", source_db), ("table_name", subject.table),
                                         ("primary_key_value", subject_id)]))  # fmt: skip
    queries.append(("gdpr_data_request_log", [("subject_type", subject.name), ("subject_id", subject_id)]))
    audit = mysql_connect(settings.audit.as_account(settings.audit_reader))
    try:
        with audit.cursor() as cur:
            for table, where in queries:
                rows = _mysql_rows(cur, table, where, findings.withheld)
                for row in rows:
                    for column in ("old_values", "new_values", "changed_columns", "databases_affected"):
                        if isinstance(row.get(column), str):
                            row[column] = json.loads(row[column])
                findings.reads.append(TableRead(settings.audit.database, table, len(rows), None,
                                                " AND ".join(c for c, _ in where)))  # fmt: skip
                if rows:
                    findings.audit[table] = rows
    finally:
        audit.close()


# --- pseudonymisation in reporting ------------------------------------------------------------------------------


def pseudonym_map(settings: Settings) -> dict[str, dict[str, str]]:
    """identity kind -> {sha256 of the identifying value: pseudonym} of every erasure so far."""
    with _register(settings) as cur:
        cur.execute("SELECT identity_kind, value_sha256, pseudonym FROM genims_audit.gdpr_pseudonyms")
        rows = cur.fetchall()
    out: dict[str, dict[str, str]] = {}
    for kind, digest, pseudonym in rows:
        out.setdefault(kind, {})[digest] = pseudonym
    return out


def apply_erasures(settings: Settings, table: str, frame):
    """A reporting frame with erased subjects replaced by their pseudonyms: the loader's hook before a load."""
    mapping = pseudonym_map(settings)
    for kind, (key, companions) in REPORTING_IDENTITIES.items():
        if not mapping.get(kind) or key not in frame.columns or table not in reporting_identity_tables()[kind]:
            continue
        pseudonyms = frame[key].map(lambda v, kind=kind: mapping[kind].get(value_hash(kind, str(v))))
        hit = pseudonyms.notna()
        if hit.any():
            frame = frame.copy()
            for column in (key, *companions):
                if column in frame.columns:
                    frame.loc[hit, column] = pseudonyms[hit]
    return frame


def enforce_erasures(settings: Settings, kinds: tuple[str, ...] | None = None) -> dict[str, int]:
    """Replace every erased identity still present in genims_reporting_db by its pseudonym; rows changed per table.

    Idempotent; each table is changed under the loader's lock (no interleaving with a refresh), all in one
    transaction.
    """
    mapping = pseudonym_map(settings)
    kinds = tuple(k for k in (kinds or tuple(REPORTING_IDENTITIES)) if mapping.get(k))
    changed: dict[str, int] = {}
    if not kinds:
        return changed
    conn = mysql_connect(settings.reporting)
    tables = sorted({t for k in kinds for t in reporting_identity_tables()[k]})
    try:
        with ExitStack() as locks, conn.cursor() as cur:
            for table in tables:
                locks.enter_context(TableLock(conn, settings.reporting.database, table))
            live = _catalog(cur, "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = %s", (settings.reporting.database,))  # fmt: skip
            for table in tables:
                for kind in kinds:
                    key, companions = REPORTING_IDENTITIES[kind]
                    if table not in reporting_identity_tables()[kind]:
                        continue
                    cur.execute(f"SELECT DISTINCT {ident(key)} FROM {ident(table)}")
                    for (value,) in cur.fetchall():
                        pseudonym = mapping[kind].get(value_hash(kind, str(value)))
                        if pseudonym is None:
                            continue
                        targets = [c for c in (key, *companions) if c in live.get(table, set())]
                        assignments = ", ".join(f"{ident(c)} = %s" for c in targets)
                        count = cur.execute(
                            f"UPDATE {ident(table)} SET {assignments} WHERE {ident(key)} = %s",
                            [pseudonym] * len(targets) + [value],
                        )
                        changed[table] = changed.get(table, 0) + count
            conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()
    return changed


def _add_pseudonyms(cur, kind: str, values: set[str], request_id: str) -> None:
    for value in sorted(values):
        cur.execute(
            "INSERT INTO genims_audit.gdpr_pseudonyms (identity_kind, value_sha256, pseudonym, request_id) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (identity_kind, value_sha256) DO NOTHING",
            (kind, value_hash(kind, value), f"PSN-{secrets.token_hex(6).upper()}", request_id),
        )


# --- the request workflow ----------------------------------------------------------------------------------------


def create_request(
    settings: Settings,
    *,
    subject_type: str,
    subject_id: str,
    request_type: str,
    requester: str,
    legal_basis: str | None = None,
    verification_method: str | None = None,
    handled_by: str | None = None,
    now: datetime | None = None,
) -> GdprRequest:
    """Register a request (status received, due in 30 days) and record it; nothing is searched yet."""
    if subject_type not in SUBJECTS:
        raise GdprError(f"subject type {subject_type!r} is unknown: use one of {', '.join(SUBJECTS)}")
    if request_type not in REQUEST_TYPES:
        raise GdprError(f"request type {request_type!r} is unknown: use one of {', '.join(REQUEST_TYPES)}")
    if not subject_id.strip() or len(subject_id) > 100:
        raise GdprError("the subject id must be 1-100 characters: the id of the subject's row in its source table")
    if not requester.strip():
        raise GdprError("--requester is required: who made the request (the data subject or their agent)")
    now = now or utc_now()
    req = GdprRequest(
        request_id=f"GDPR-{now:%Y%m%d}-{secrets.token_hex(4).upper()}",
        request_type=request_type,
        subject_type=subject_type,
        subject_id=subject_id.strip(),
        subject_email_sha256=None,
        requester=requester.strip(),
        legal_basis=legal_basis or DEFAULT_LEGAL_BASIS[request_type],
        verification_method=verification_method,
        status="received",
        received_at=now,
        due_at=now + timedelta(days=DUE_DAYS),
        completed_at=None,
        handled_by=handled_by or actor(),
        records_affected=None,
        output_location=None,
        notes=f"{request_type} request received; statutory deadline {DUE_DAYS} days",
    )
    with _register(settings) as cur:
        _save(settings, cur, req, now)
    return req


def get_request(settings: Settings, request_id: str) -> GdprRequest:
    with _register(settings) as cur:
        found = _select(cur, "request_id = %s", (request_id,))
    if not found:
        raise GdprError(f"no GDPR request {request_id!r}: `genims compliance gdpr-request list` shows the ids")
    return found[0]


def list_requests(settings: Settings, status: str | None = None) -> list[GdprRequest]:
    with _register(settings) as cur:
        return _select(cur, "%s IS NULL OR status = %s ORDER BY received_at", (status, status))


def _transition(settings: Settings, req: GdprRequest, databases: dict | None = None, **changes) -> GdprRequest:
    """One status change: register row and log row in one transaction; a closed request never changes."""
    now = utc_now()
    if changes.get("status") in ("completed", "rejected"):
        changes.setdefault("completed_at", now)
    new = GdprRequest(**{**req.__dict__, **changes})
    with _register(settings) as cur:
        current = _select(cur, "request_id = %s FOR UPDATE", (req.request_id,))[0]
        if current.status in ("completed", "rejected"):
            raise GdprError(f"{req.request_id} is already {current.status}; a closed request is not reopened")
        _save(settings, cur, new, now, databases)
    return new


def _write_export(out_dir: Path, req: GdprRequest, findings: Findings, by: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{req.request_id}_access.json"
    document = {
        "request_id": req.request_id,
        "subject_type": req.subject_type,
        "subject_id": req.subject_id,
        "generated_at": utc_now().isoformat(),
        "generated_by": by,
        "legal_basis": req.legal_basis,
        "source_data": findings.source,
        "reporting_data": findings.reporting,
        "audit_data": findings.audit,
        "withheld_columns": sorted(findings.withheld),
        "tables_searched": [f"{r.database}.{r.table}" for r in findings.reads],
    }
    temporary = path.with_suffix(".json.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True, default=str)
    os.replace(temporary, path)
    return path


@dataclass(frozen=True)
class ProcessResult:
    request: GdprRequest
    export_path: Path | None
    rows_pseudonymised: dict[str, int]


def process_request(
    settings: Settings, request_id: str, *, out_dir: Path, handled_by: str | None = None
) -> ProcessResult:
    """Carry out a received request: in_progress, then completed (or rejected when the subject is unknown).

    Every status change is shipped to MySQL before this returns when MySQL is reachable (else it waits in the
    outbox, and a warning says so).
    """
    by = handled_by or actor()
    req = get_request(settings, request_id)
    if req.status in ("completed", "rejected"):
        raise GdprError(f"{request_id} is already {req.status}; a closed request is not processed again")
    if req.status != "in_progress":
        req = _transition(settings, req, status="in_progress", handled_by=by,
                          notes=f"{req.request_type} in progress")  # fmt: skip
    _ship(settings, ["gdpr_data_request_log"])  # the request's own history is part of what is held about the subject
    result = _carry_out(settings, req, out_dir, by)
    _ship(settings, ["data_access_log", "user_activity_log", "gdpr_data_request_log"])
    return result


def _carry_out(settings: Settings, req: GdprRequest, out_dir: Path, by: str) -> ProcessResult:
    subject = SUBJECTS[req.subject_type]
    findings = find_subject(settings, subject, req.subject_id)
    databases = {**findings.databases_affected(), "tables_searched": len(findings.reads)}
    close = {"records_affected": findings.total, "subject_email_sha256": findings.email_sha256}
    if not findings.subject_found:
        where = f"{settings.postgres.databases[subject.database]}.{subject.table}"
        notes = f"no {subject.name} with this id in {where}; ask the requester for the correct id and file anew"
        return ProcessResult(_transition(settings, req, databases, status="rejected", notes=notes, **close), None, {})
    if req.request_type == "access":
        path = _write_export(out_dir, req, findings, by)
        record_reads(
            settings, user_id=by, reads=findings.reads, access_type="export", object_type="report",
            object_name=str(path), purpose=f"gdpr_access_request:{req.request_id}", sensitive_data=True,
            export_format="json", export_destination=str(path), details={"request_id": req.request_id},
        )  # fmt: skip
        notes = (f"access export of {findings.total} rows from {len(databases) - 1} databases written; "
                 f"credential columns withheld: {len(findings.withheld)}")  # fmt: skip
        done = _transition(settings, req, databases, status="completed", output_location=str(path), notes=notes,
                           **close)  # fmt: skip
        return ProcessResult(done, path, {})
    changed: dict[str, int] = {}
    if req.request_type == "erasure":
        with _register(settings) as cur:
            for kind, values in findings.reporting_values.items():
                _add_pseudonyms(cur, kind, values, req.request_id)
        changed = enforce_erasures(settings, tuple(findings.reporting_values))
        close["records_affected"] = sum(changed.values())
        notes = (f"Reporting data pseudonymised: {sum(changed.values())} rows in {len(changed)} tables of "
                 f"{settings.reporting.database}, and every later reporting load keeps the pseudonym. "
                 f"{AUDIT_RETENTION_NOTE} Source systems of record are not changed by this platform: their owners "
                 "erase at source.")  # fmt: skip
    else:
        notes = (f"{findings.total} rows located; corrections are made in the source system of record and reach "
                 f"reporting at its next refresh. {AUDIT_RETENTION_NOTE}")  # fmt: skip
    return ProcessResult(_transition(settings, req, databases, status="completed", notes=notes, **close), None, changed)


# --- the commands ------------------------------------------------------------------------------------------------


def cli_settings() -> Settings:
    from genims_assets.cli import _settings

    return _settings()


@click.group("gdpr-request")
def gdpr_group() -> None:
    """GDPR data subject requests: access (export), erasure (pseudonymise reporting), rectification."""


@gdpr_group.command("create")
@click.option("--subject-type", required=True, type=click.Choice(list(SUBJECTS)), help="Kind of data subject.")
@click.option("--subject-id", required=True, help="Id of the subject's row in its source table.")
@click.option("--type", "request_type", required=True, type=click.Choice(REQUEST_TYPES), help="Request type.")
@click.option("--requester", required=True, help="Who made the request (the subject or their agent).")
@click.option("--legal-basis", default=None, help="Legal basis applied (default: the article for the type).")
@click.option("--verification-method", default=None, help="How the subject's identity was verified.")
@click.option("--user", "user", default=None, help="Who handles it (default: GENIMS_USER or your login).")
@cli_errors
def create_command(subject_type, subject_id, request_type, requester, legal_basis, verification_method, user) -> None:
    """Register a request: status received, due in 30 days."""
    settings = cli_settings()
    req = create_request(
        settings, subject_type=subject_type, subject_id=subject_id, request_type=request_type, requester=requester,
        legal_basis=legal_basis, verification_method=verification_method, handled_by=actor(user),
    )  # fmt: skip
    _ship(settings, ["gdpr_data_request_log"])
    click.echo(
        f"{req.request_id} received: {request_type} for {subject_type} {req.subject_id}, due {req.due_at:%Y-%m-%d}"
    )


@gdpr_group.command("process")
@click.argument("request_id")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the access export (default: <ETL_LOG_DIR>/../exports).")  # fmt: skip
@click.option("--user", "user", default=None, help="Who processes it (default: GENIMS_USER or your login).")
@cli_errors
def process_command(request_id: str, out_dir: Path | None, user: str | None) -> None:
    """Carry out a request: export (access), pseudonymise reporting (erasure) or locate the data (rectification)."""
    settings = cli_settings()
    result = process_request(
        settings, request_id, out_dir=out_dir or settings.log_dir.parent / "exports", handled_by=actor(user)
    )
    req = result.request
    click.echo(f"{req.request_id} {req.status}: {req.notes}")
    if result.export_path:
        click.echo(f"export: {result.export_path}")
    if req.status == "rejected":
        raise SystemExit(1)


@gdpr_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only requests in this status.")
@cli_errors
def list_command(status: str | None) -> None:
    """The requests with status, deadline and whether they are overdue."""
    requests = list_requests(cli_settings(), status)
    if not requests:
        click.echo("no GDPR requests" + (f" with status {status}" if status else ""))
        return
    for req in requests:
        late = "  OVERDUE" if req.overdue else ""
        click.echo(
            f"{req.request_id}  {req.request_type:<13} {req.subject_type:<16} {req.status:<11} "
            f"received {req.received_at.astimezone(UTC):%Y-%m-%d}  due {req.due_at.astimezone(UTC):%Y-%m-%d}{late}"
        )
