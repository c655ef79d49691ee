"""The daily compliance report: `genims compliance report [--day YYYY-MM-DD] [--out DIR]`, and at 03:00 UTC.

Why it is built this way:
- One self-contained HTML file (inline CSS, inline SVG charts, no script, no
  network resource) that opens anywhere and can be archived as evidence, plus
  one CSV per section for spreadsheets; all in one folder per day, written to a
  temporary name and renamed, so a half-written report never exists.
- The HTML is well-formed XML (every tag closed, every value escaped), so a
  test (or an auditor's tool) can parse it strictly.
- It reads genims_audit_db through the reader account, after shipping the
  platform outbox, and records what it did like any other export: one
  audit_report_schedule row (last and next generation, checksum) and the
  data_access_log/user_activity_log rows of its reads.
- "Violations of the day" are those recorded on the day: failed SOX tests,
  failed or warning HIPAA checks, security events, failed integrity
  verifications, completeness gaps and SLA breaches. The control tests of a day
  run at 02:30 the next day, so they appear in the next day's report.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import click

from genims_assets.audit.activity import TableRead, actor, cli_errors, record_reads, ship_now, utc_now
from genims_assets.audit.outbox import record
from genims_assets.connections import mysql_connect
from genims_assets.settings import Settings

REPORT_ID = "daily_compliance_report"
REPORT_NAME = "Daily compliance report"
REPORT_CRON = "0 3 * * *"
REPORT_TIME_UTC = time(3, 0)
BAD = ' class="bad"'
REPORT_SOURCES = (
    "system_audit_log", "bulk_operation_audit", "database_changes", "permission_changes", "sox_compliance_log",
    "hipaa_compliance_log", "security_events", "integrity_verification_log", "audit_trail_completeness",
    "sla_compliance_tracking", "legal_hold_tracking", "gdpr_data_request_log",
)  # fmt: skip
CHANGE_COLUMNS = ("kind", "source_database", "table_name", "user_id", "operation", "events", "rows_affected")
VIOLATION_COLUMNS = ("source", "recorded_at", "reference", "table_name", "severity", "count", "detail")
HOLD_COLUMNS = ("hold_id", "case_reference", "status", "scope_tables", "date_from", "date_to", "placed_by", "placed_at",
                "expires_at")  # fmt: skip
GDPR_COLUMNS = ("request_id", "request_type", "subject_type", "status", "received_at", "due_at", "completed_at",
                "overdue")  # fmt: skip


def reports_dir(settings: Settings) -> Path:
    """Default folder of the reports: beside the log folder (ETL_LOG_DIR/../reports)."""
    return settings.log_dir.parent / "reports"


def next_due(after: datetime) -> datetime:
    """The next 03:00 UTC strictly after `after`."""
    after = after.astimezone(UTC)
    candidate = datetime.combine(after.date(), REPORT_TIME_UTC, UTC)
    return candidate if candidate > after else candidate + timedelta(days=1)


@dataclass
class ReportData:
    day: date
    changes: list[dict[str, Any]] = field(default_factory=list)
    changes_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    violations: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    gdpr: list[dict[str, Any]] = field(default_factory=list)
    reads: list[TableRead] = field(default_factory=list)


def _query(cur, data: ReportData, database: str, table: str, statement: str, params: Sequence) -> list[dict]:
    cur.execute(statement, params)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    data.reads.append(TableRead(database, table, len(rows)))
    return rows


def collect(settings: Settings, day: date) -> ReportData:
    """Read the day's figures from genims_audit_db (statements are fixed text; the day is a parameter)."""
    low = datetime.combine(day, time(0))
    high = low + timedelta(days=1)
    span = (low, high)
    data = ReportData(day)
    conn = mysql_connect(settings.audit.as_account(settings.audit_reader))
    try:
        with conn.cursor() as cur:
            database = settings.audit.database

            def q(table: str, statement: str, params: Sequence = span) -> list[dict[str, Any]]:
                return _query(cur, data, database, table, statement, params)

            for row in q("system_audit_log",
                         "SELECT source_database, table_name, user_id, operation, COUNT(*) AS events, "
                         "SUM(COALESCE(affected_rows, 1)) AS rows_affected FROM system_audit_log "
                         "WHERE audit_timestamp >= %s AND audit_timestamp < %s "
                         "GROUP BY source_database, table_name, user_id, operation"):  # fmt: skip
                data.changes.append({"kind": "row", **row, "rows_affected": row["events"]})
            for row in q("bulk_operation_audit",
                         "SELECT source_database, table_name, user_id, operation, COUNT(*) AS events, "
                         "SUM(rows_affected) AS rows_affected FROM bulk_operation_audit "
                         "WHERE operation_timestamp >= %s AND operation_timestamp < %s "
                         "GROUP BY source_database, table_name, user_id, operation"):  # fmt: skip
                data.changes.append({"kind": "bulk", **row})
            for row in q("database_changes",
                         "SELECT source_database, table_name, user_id, command_tag AS operation, COUNT(*) AS events "
                         "FROM database_changes WHERE change_timestamp >= %s AND change_timestamp < %s "
                         "GROUP BY source_database, table_name, user_id, command_tag"):  # fmt: skip
                data.changes.append({"kind": "ddl", **row, "rows_affected": None})
            for row in q("permission_changes",
                         "SELECT source_database, table_name, user_id, operation, COUNT(*) AS events "
                         "FROM permission_changes WHERE change_timestamp >= %s AND change_timestamp < %s "
                         "GROUP BY source_database, table_name, user_id, operation"):  # fmt: skip
                data.changes.append({"kind": "permission", **row, "rows_affected": None})
            data.changes.sort(key=lambda r: (r["kind"], r["source_database"] or "", r["table_name"] or "",
                                             r["user_id"] or "", r["operation"] or ""))  # fmt: skip
            cur.execute(
                "SELECT HOUR(audit_timestamp), COUNT(*) FROM system_audit_log "
                "WHERE audit_timestamp >= %s AND audit_timestamp < %s GROUP BY HOUR(audit_timestamp)",
                span,
            )
            for hour, count in cur.fetchall():
                data.changes_by_hour[int(hour)] = int(count)
            _violations(q, data)
            data.holds = _holds(q, high)
            data.gdpr = _gdpr(q, low, high)
    finally:
        conn.close()
    return data


def _violations(q: Callable, data: ReportData) -> None:
    add = data.violations.append
    for r in q("sox_compliance_log",
               "SELECT test_timestamp AS ts, control_id, control_name, table_name, deficiency_level, "
               "exceptions_count, test_period_start, test_period_end, sox_test_sequence AS seq FROM sox_compliance_log "
               "WHERE test_timestamp >= %s AND test_timestamp < %s AND test_result = 'fail'"):  # fmt: skip
        add({"source": "sox", "recorded_at": r["ts"], "reference": r["control_id"], "table_name": r["table_name"],
             "severity": r["deficiency_level"], "count": r["exceptions_count"],
             "detail": f"{r['control_name']} (period {r['test_period_start']}..{r['test_period_end']})"})  # fmt: skip
    for r in q("hipaa_compliance_log",
               "SELECT check_timestamp AS ts, check_name, table_name, result, violations_count, finding "
               "FROM hipaa_compliance_log WHERE check_timestamp >= %s AND check_timestamp < %s "
               "AND result IN ('fail', 'warning')"):  # fmt: skip
        add({"source": "hipaa", "recorded_at": r["ts"], "reference": r["check_name"], "table_name": r["table_name"],
             "severity": r["result"], "count": r["violations_count"], "detail": r["finding"]})  # fmt: skip
    for r in q("security_events",
               "SELECT event_timestamp AS ts, event_type, table_name, severity, description, related_sequence "
               "FROM security_events WHERE event_timestamp >= %s AND event_timestamp < %s"):  # fmt: skip
        add({"source": "security", "recorded_at": r["ts"], "reference": r["event_type"], "table_name": r["table_name"],
             "severity": r["severity"], "count": 1, "detail": r["description"]})  # fmt: skip
    for r in q("integrity_verification_log",
               "SELECT verification_timestamp AS ts, verification_id, table_name, result, sequence_gaps, "
               "hash_chain_valid, first_broken_sequence FROM integrity_verification_log "
               "WHERE verification_timestamp >= %s AND verification_timestamp < %s AND result <> 'pass'"):  # fmt: skip
        broken = "" if r["hash_chain_valid"] else f"; hash chain broken at sequence {r['first_broken_sequence']}"
        add({"source": "integrity", "recorded_at": r["ts"], "reference": r["verification_id"],
             "table_name": r["table_name"], "severity": r["result"], "count": r["sequence_gaps"],
             "detail": f"{r['sequence_gaps']} sequence gaps{broken}"})  # fmt: skip
    for r in q("audit_trail_completeness",
               "SELECT check_timestamp AS ts, source_database, source_table, audit_table, missing_count, gap_count "
               "FROM audit_trail_completeness WHERE check_timestamp >= %s AND check_timestamp < %s "
               "AND (missing_count > 0 OR gap_count > 0)"):  # fmt: skip
        add({"source": "completeness", "recorded_at": r["ts"],
             "reference": f"{r['source_database']}.{r['source_table']}", "table_name": r["audit_table"],
             "severity": "gaps", "count": r["missing_count"],
             "detail": f"{r['missing_count']} events missing in {r['gap_count']} ranges"})  # fmt: skip
    for r in q("sla_compliance_tracking",
               "SELECT MAX(check_timestamp) AS ts, sla_name, subject, COUNT(*) AS breaches, "
               "MAX(actual_value) AS worst, MAX(threshold_value) AS threshold, MAX(unit) AS unit "
               "FROM sla_compliance_tracking "
               "WHERE check_timestamp >= %s AND check_timestamp < %s AND status = 'breached' "
               "GROUP BY sla_name, subject"):  # fmt: skip
        add({"source": "sla", "recorded_at": r["ts"], "reference": r["sla_name"], "table_name": r["subject"],
             "severity": "breached", "count": r["breaches"],
             "detail": f"worst {r['worst']} {r['unit']} against {r['threshold']}"})  # fmt: skip
    data.violations.sort(key=lambda v: (v["source"], str(v["recorded_at"]), v["reference"] or ""))


def _holds(q: Callable, end: datetime) -> list[dict[str, Any]]:
    rows = q("legal_hold_tracking",
             "SELECT h.* FROM legal_hold_tracking h JOIN (SELECT hold_id, MAX(hold_event_sequence) AS seq "
             "FROM legal_hold_tracking WHERE event_timestamp < %s GROUP BY hold_id) latest "
             "ON h.hold_id = latest.hold_id AND h.hold_event_sequence = latest.seq WHERE h.status = 'active' "
             "ORDER BY h.hold_id", (end,))  # fmt: skip
    return [{c: r.get(c) for c in HOLD_COLUMNS} for r in rows]


def _gdpr(q: Callable, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = q("gdpr_data_request_log",
             "SELECT g.* FROM gdpr_data_request_log g JOIN (SELECT request_id, MAX(gdpr_event_sequence) AS seq "
             "FROM gdpr_data_request_log WHERE event_timestamp < %s GROUP BY request_id) latest "
             "ON g.request_id = latest.request_id AND g.gdpr_event_sequence = latest.seq "
             "WHERE g.status NOT IN ('completed', 'rejected') OR g.event_timestamp >= %s ORDER BY g.request_id",
             (end, start))  # fmt: skip
    out = []
    for r in rows:
        row = {c: r.get(c) for c in GDPR_COLUMNS if c != "overdue"}
        row["overdue"] = "yes" if r["status"] not in ("completed", "rejected") and r["due_at"] < end else "no"
        out.append(row)
    return out


# --- rendering ---------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _e(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, width: int = 640, bar: int = 18) -> str:
    """A horizontal bar chart as inline SVG (labels escaped; no script, no external resource)."""
    label_width, top = 220, 28
    height = top + max(1, len(items)) * (bar + 6) + 8
    peak = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<text x="0" y="16" font-size="13" font-weight="bold">{_e(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="0" y="{top + 12}" font-size="12">nothing recorded</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * (bar + 6)
        length = max(1, round((width - label_width - 60) * value / peak)) if value else 0
        parts.append(f'<text x="0" y="{y + bar - 5}" font-size="12">{_e(label[:34])}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="#3b6ea5"/>')
        parts.append(f'<text x="{label_width + length + 4}" y="{y + bar - 5}" font-size="12">{_e(f"{value:g}")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: ReportData, generated_at: datetime, database: str) -> str:
    by_operation: dict[str, float] = {}
    by_table: dict[str, float] = {}
    for c in data.changes:
        by_operation[c["operation"] or "?"] = by_operation.get(c["operation"] or "?", 0) + int(c["events"])
        name = f"{c['source_database']}.{c['table_name'] or '-'}"
        by_table[name] = by_table.get(name, 0) + int(c["events"])
    by_source: dict[str, float] = {}
    for v in data.violations:
        by_source[v["source"]] = by_source.get(v["source"], 0) + 1
    top_tables = sorted(by_table.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    hours = [(f"{h:02d}:00", float(n)) for h, n in enumerate(data.changes_by_hour)]
    total = sum(int(c["events"]) for c in data.changes)
    summary = [
        ("Changes recorded", total), ("Violations", len(data.violations)),
        ("Active legal holds", len(data.holds)), ("GDPR requests open or closed today", len(data.gdpr)),
        ("Overdue GDPR requests", sum(1 for g in data.gdpr if g["overdue"] == "yes")),
    ]  # fmt: skip
    css = (
        "body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #bbb;padding:3px 8px;"
        "font-size:12px;text-align:left}th{background:#eef2f7}h2{border-bottom:2px solid #3b6ea5}"
        ".bad{color:#a00;font-weight:bold}"
    )
    flagged = ("Violations", "Overdue GDPR requests")
    summary_rows = "".join(
        f"<tr><th>{_e(k)}</th><td{BAD if k in flagged and v else ''}>{_e(v)}</td></tr>" for k, v in summary
    )
    return (
        '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/>'
        f"<title>{_e(REPORT_NAME)} {_e(data.day)}</title><style>{css}</style></head><body>"
        f"<h1>{_e(REPORT_NAME)}: {_e(data.day)} (UTC)</h1>"
        f"<p>Generated {_e(generated_at.astimezone(UTC))} UTC from {_e(database)}.</p>"
        f"<table><tbody>{summary_rows}</tbody></table>"
        "<h2>Changes</h2>"
        + bar_chart("Changes by operation", sorted(by_operation.items()))
        + bar_chart("Changes by hour (UTC)", hours, bar=10)
        + bar_chart("Top tables by changes", top_tables)
        + _table(CHANGE_COLUMNS, data.changes)
        + "<h2>Violations</h2>"
        + bar_chart("Violations by source", sorted(by_source.items()))
        + _table(VIOLATION_COLUMNS, data.violations)
        + "<h2>Active legal holds</h2>"
        + _table(HOLD_COLUMNS, data.holds)
        + "<h2>GDPR requests</h2>"
        + _table(GDPR_COLUMNS, data.gdpr)
        + "</body></html>\n"
    )


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_text(r.get(c)) for c in columns])
    return buffer.getvalue()


def _write(path: Path, text: str) -> str:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReportResult:
    day: date
    folder: Path
    html: Path
    csv_files: dict[str, Path]
    checksum: str
    data: ReportData
    ship_problem: str | None = None  # why the outbox could not be shipped first, None when it was


def _schedule_row(day, now, status, event, location=None, checksum=None, run_id=None, owner=None) -> dict[str, Any]:
    return {
        "event_timestamp": now, "report_id": REPORT_ID, "report_name": REPORT_NAME, "regulation": "internal",
        "event_type": event, "frequency": "daily", "cron_schedule": REPORT_CRON, "period_start": day,
        "period_end": day, "last_generated_at": now if status == "success" else None, "next_due_at": next_due(now),
        "output_location": location, "output_checksum_sha256": checksum, "recipients": None, "owner": owner,
        "status": status, "run_id": run_id,
    }  # fmt: skip


def generate_report(
    settings: Settings,
    day: date | None = None,
    out_dir: Path | None = None,
    *,
    run_id: str | None = None,
    user_id: str | None = None,
    ship: bool = True,
) -> ReportResult:
    """Write the report of `day` (default yesterday UTC) and record its generation; a failure is recorded too."""
    now = utc_now()
    day = day or (now.date() - timedelta(days=1))
    user = user_id or actor()
    folder = (out_dir or reports_dir(settings)) / "compliance" / day.isoformat()
    try:
        shipped = ship_now(settings, REPORT_SOURCES) if ship else None
        data = collect(settings, day)
        folder.mkdir(parents=True, exist_ok=True)
        html_path = folder / "compliance_report.html"
        checksum = _write(html_path, render_html(data, now, settings.audit.database))
        sections = {"changes": (CHANGE_COLUMNS, data.changes), "violations": (VIOLATION_COLUMNS, data.violations),
                    "legal_holds": (HOLD_COLUMNS, data.holds), "gdpr_requests": (GDPR_COLUMNS, data.gdpr)}  # fmt: skip
        csv_files = {}
        for name, (columns, rows) in sections.items():
            csv_files[name] = folder / f"{name}.csv"
            _write(csv_files[name], _csv(columns, rows))
    except Exception as error:
        failed = _schedule_row(day, now, "failed", "failed", run_id=run_id, owner=user)
        try:
            record(settings, "audit_report_schedule", [failed], producer="report")
        except Exception as unrecorded:  # noqa: BLE001 - the original error is the one to raise
            error.add_note(f"the failure could not be recorded in the outbox either: {unrecorded}")
        raise
    record(settings, "audit_report_schedule",
           [_schedule_row(day, now, "success", "generated", str(html_path), checksum, run_id, user)],
           producer="report")  # fmt: skip
    record_reads(
        settings, user_id=user, reads=data.reads, access_type="export", object_type="report",
        object_name=str(html_path), purpose=REPORT_ID, sensitive_data=True, export_format="html+csv",
        export_destination=str(folder), run_id=run_id, details={"day": day.isoformat()}, when=now,
    )  # fmt: skip
    if ship:
        shipped = shipped or ship_now(settings, ["audit_report_schedule", "data_access_log", "user_activity_log"])
    return ReportResult(day, folder, html_path, csv_files, checksum, data, shipped)


def _day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day: use YYYY-MM-DD, for example 2026-11-23") from None


@click.command("report")
@click.option("--day", callback=_day, default=None, help="Day to report (UTC, YYYY-MM-DD). Default: yesterday.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the report (default: <ETL_LOG_DIR>/../reports).")  # fmt: skip
@click.option("--user", default=None, help="Who runs it (default: GENIMS_USER or your login).")
@cli_errors
def report_command(day: date | None, out_dir: Path | None, user: str | None) -> None:
    """Write the daily compliance report (HTML with charts, plus CSV) and record its generation."""
    from genims_assets.cli import _settings

    result = generate_report(_settings(), day, out_dir, user_id=actor(user))
    click.echo(f"compliance report for {result.day}: {result.html}")
    if result.ship_problem:
        click.echo(f"warning: the platform outbox could not be shipped first ({result.ship_problem})", err=True)
    click.echo(
        f"{sum(int(c['events']) for c in result.data.changes)} changes, {len(result.data.violations)} violations, "
        f"{len(result.data.holds)} active legal holds, {len(result.data.gdpr)} GDPR requests"
    )
