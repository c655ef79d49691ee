"""The daily compliance report on a real audit database: HTML that parses, CSV that matches the day."""

from __future__ import annotations

import csv
import hashlib
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner

from genims_assets.audit import report
from genims_assets_tests.test_activity import CompliancePlatform

DAY = date(2026, 11, 18)
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
ODD_USER = '<b>mallory</b> & "co"'


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute) + timedelta(days=days)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    p = CompliancePlatform("rep", tmp=tmp_path_factory.mktemp("rep"))
    change = {"source_database": "genims_erp_db", "table_name": "journal_entry_headers", "status": "committed",
              "user_id": "acc.amy"}  # fmt: skip
    ids = iter(range(1, 1000))

    def sys_row(when, **kw):
        return {**change, "audit_timestamp": when, "source_event_id": next(ids), "operation": "UPDATE", **kw}

    def platform_row(**kw):
        return {"outbox_event_id": next(ids), **kw}

    hold = {"case_reference": "CASE-7", "scope_tables": ["genims_audit_db.financial_data_changes"]}
    gdpr = {"request_type": "access", "subject_type": "crm_contact", "subject_id": "CON-9"}
    p.write_audit({
        "system_audit_log": [
            sys_row(at(8)), sys_row(at(8, 5)), sys_row(at(9, 30), operation="INSERT"),
            sys_row(at(23, 59) + timedelta(seconds=59.999999), source_database="genims_crm_db", table_name="contacts",
                    operation="DELETE", user_id=ODD_USER),
            sys_row(at(23, 59, days=-1)), sys_row(at(0, 0, days=1)),  # the days around: not in the report
        ],
        "bulk_operation_audit": [
            {"operation_timestamp": at(10), "source_database": "genims_erp_db", "source_event_id": 500,
             "table_name": "general_ledger", "operation": "INSERT", "rows_affected": 5000, "status": "committed",
             "user_id": "etl.loader"},
        ],
        "database_changes": [
            {"change_timestamp": at(11), "source_database": "genims_hcm_db", "source_event_id": 501,
             "table_name": "employees", "operation": "DDL", "command_tag": "ALTER TABLE", "user_id": "dba.dan"},
        ],
        "permission_changes": [
            {"change_timestamp": at(12), "source_database": "genims_crm_db", "source_event_id": 502,
             "table_name": "contacts", "operation": "GRANT", "user_id": "dba.dan"},
        ],
        "sox_compliance_log": [
            platform_row(test_timestamp=at(2, 30), control_id="SOX-FIN-APR-01", control_name="approvals",
                         test_result="fail", deficiency_level="significant_deficiency", exceptions_count=1,
                         test_period_start=DAY - timedelta(days=1), test_period_end=DAY - timedelta(days=1)),
            platform_row(test_timestamp=at(2, 30), control_id="SOX-FIN-HRS-01", control_name="hours",
                         test_result="pass"),
        ],
        "hipaa_compliance_log": [
            platform_row(check_timestamp=at(2, 31), check_name="health_tables_direct_readers",
                         safeguard_type="technical", result="warning", violations_count=1, finding="role x reads"),
            platform_row(check_timestamp=at(2, 31), check_name="health_changes_have_reason_code",
                         safeguard_type="administrative", result="pass"),
        ],
        "security_events": [
            platform_row(event_timestamp=at(5), event_type="hash_chain_broken", severity="critical", status="open",
                         description="row 17 of system_audit_log altered", table_name="system_audit_log"),
        ],
        "integrity_verification_log": [
            platform_row(verification_timestamp=at(6), verification_id="V-1", table_name="system_audit_log",
                         rows_checked=20, hash_chain_valid=0, first_broken_sequence=17, result="fail"),
            platform_row(verification_timestamp=at(6), verification_id="V-1", table_name="data_change_audit",
                         rows_checked=20, hash_chain_valid=1, result="pass"),
        ],
        "audit_trail_completeness": [
            platform_row(check_timestamp=at(7), source_database="genims_erp_db", source_table="change_queue",
                         audit_table="system_audit_log", period_start=at(0), period_end=at(0, days=1),
                         expected_count=10, received_count=7, missing_count=3, gap_count=1, status="gaps"),
        ],
        "sla_compliance_tracking": [
            platform_row(check_timestamp=at(h, 15), sla_name="reporting_freshness", sla_category="freshness",
                         metric="age", subject="sales_order_summary", threshold_value=3600, comparison="<=",
                         actual_value=v, unit="seconds", status=s)
            for h, v, s in ((1, 7300, "breached"), (2, 10900, "breached"), (3, 900, "met"))
        ],
        "legal_hold_tracking": [
            {**hold, "event_timestamp": at(9, days=-10), "hold_id": "H1", "event_type": "placed", "status": "active",
             "placed_by": "legal.lee"},
            {**hold, "event_timestamp": at(9, days=-5), "hold_id": "H2", "event_type": "placed", "status": "active"},
            {**hold, "event_timestamp": at(14), "hold_id": "H2", "event_type": "released", "status": "released"},
            {**hold, "event_timestamp": at(9, days=1), "hold_id": "H3", "event_type": "placed", "status": "active"},
        ],
        "gdpr_data_request_log": [
            {**gdpr, "event_timestamp": at(9), "request_id": "R1", "status": "received", "received_at": at(9),
             "due_at": at(9, days=30)},
            {**gdpr, "event_timestamp": at(9, days=-60), "request_id": "R2", "status": "received",
             "received_at": at(9, days=-60), "due_at": at(9, days=-30)},
            {**gdpr, "event_timestamp": at(9, days=-50), "request_id": "R2", "status": "completed",
             "received_at": at(9, days=-60), "due_at": at(9, days=-30)},
            {**gdpr, "event_timestamp": at(9, days=-35), "request_id": "R3", "status": "in_progress",
             "received_at": at(9, days=-40), "due_at": at(9, days=-10)},
            {**gdpr, "event_timestamp": at(16), "request_id": "R4", "status": "completed",
             "received_at": at(9, days=-3), "due_at": at(9, days=27)},
        ],
    })  # fmt: skip
    yield p
    p.drop()


@pytest.fixture(scope="module")
def generated(platform, tmp_path_factory):
    return report.generate_report(platform.settings, DAY, tmp_path_factory.mktemp("reports"), user_id="auditor.al")


def _csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_changes_csv_matches_the_days_changes(generated):
    rows = _csv(generated.csv_files["changes"])
    assert [tuple(r.values()) for r in rows] == [
        ("bulk", "genims_erp_db", "general_ledger", "etl.loader", "INSERT", "1", "5000"),
        ("ddl", "genims_hcm_db", "employees", "dba.dan", "ALTER TABLE", "1", ""),
        ("permission", "genims_crm_db", "contacts", "dba.dan", "GRANT", "1", ""),
        ("row", "genims_crm_db", "contacts", ODD_USER, "DELETE", "1", "1"),
        ("row", "genims_erp_db", "journal_entry_headers", "acc.amy", "INSERT", "1", "1"),
        ("row", "genims_erp_db", "journal_entry_headers", "acc.amy", "UPDATE", "2", "2"),
    ]
    assert list(rows[0]) == list(report.CHANGE_COLUMNS)
    assert generated.data.changes_by_hour[8] == 2 and generated.data.changes_by_hour[23] == 1
    assert sum(generated.data.changes_by_hour) == 4


def test_violations_holds_and_requests(generated):
    violations = _csv(generated.csv_files["violations"])
    assert sorted((v["source"], v["reference"], v["count"]) for v in violations) == [
        ("completeness", "genims_erp_db.change_queue", "3"),
        ("hipaa", "health_tables_direct_readers", "1"),
        ("integrity", "V-1", "0"),
        ("security", "hash_chain_broken", "1"),
        ("sla", "reporting_freshness", "2"),
        ("sox", "SOX-FIN-APR-01", "1"),
    ]
    integrity = next(v for v in violations if v["source"] == "integrity")
    assert "hash chain broken at sequence 17" in integrity["detail"] and integrity["table_name"] == "system_audit_log"
    assert [h["hold_id"] for h in _csv(generated.csv_files["legal_holds"])] == ["H1"]
    requests = {r["request_id"]: (r["status"], r["overdue"]) for r in _csv(generated.csv_files["gdpr_requests"])}
    assert requests == {"R1": ("received", "no"), "R3": ("in_progress", "yes"), "R4": ("completed", "no")}


def test_html_is_self_contained_and_parses(generated):
    text = generated.html.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # strict XML parser: every tag closed, every value escaped
    assert root.tag == f"{XHTML}html"
    assert root.find(f".//{XHTML}h1").text == f"{report.REPORT_NAME}: {DAY} (UTC)"
    charts = root.findall(f".//{SVG}svg")
    assert [c.find(f"{SVG}title").text for c in charts] == [
        "Changes by operation", "Changes by hour (UTC)", "Top tables by changes", "Violations by source",
    ]  # fmt: skip
    bars = charts[0].findall(f"{SVG}rect")
    assert len(bars) == 5  # ALTER TABLE, DELETE, GRANT, INSERT (a row and a bulk group), UPDATE
    assert len(charts[1].findall(f"{SVG}rect")) == 24
    assert not root.findall(f".//{XHTML}script") and not root.findall(f".//{XHTML}b")
    assert not [e for e in root.iter() if e.get("src") or (e.get("href") or "").startswith(("http", "//"))]
    assert ODD_USER in [td.text for td in root.iter(f"{XHTML}td")]
    tables = root.findall(f".//{XHTML}table")
    assert len(tables[1].findall(f"{XHTML}tbody/{XHTML}tr")) == 6  # the changes table


def test_generation_is_recorded(platform, generated):
    (schedule,) = platform.rows("audit_report_schedule", where="WHERE status = 'success'")
    assert (schedule["report_id"], schedule["event_type"], schedule["frequency"]) == (
        "daily_compliance_report", "generated", "daily",
    )  # fmt: skip
    assert schedule["output_location"] == str(generated.html)
    assert schedule["output_checksum_sha256"] == hashlib.sha256(generated.html.read_bytes()).hexdigest()
    assert (schedule["period_start"], schedule["period_end"], schedule["cron_schedule"]) == (DAY, DAY, "0 3 * * *")
    last, due = schedule["last_generated_at"], schedule["next_due_at"]
    assert due > last and (due.hour, due.minute) == (3, 0) and due - last <= timedelta(days=1)
    reads = platform.rows("data_access_log", where="WHERE purpose = 'daily_compliance_report'")
    assert sorted(r["table_name"] for r in reads) == sorted(report.REPORT_SOURCES)
    assert {r["user_id"] for r in reads} == {"auditor.al"}
    assert {r["export_destination"] for r in reads} == {str(generated.folder)}
    (activity,) = platform.rows(
        "user_activity_log", where="WHERE JSON_UNQUOTE(JSON_EXTRACT(details, '$.purpose')) = 'daily_compliance_report'"
    )
    assert (activity["activity_type"], activity["object_name"]) == ("export", str(generated.html))


def test_a_failed_generation_is_recorded_and_raised(platform, tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(OSError):
        report.generate_report(platform.settings, DAY, blocker, user_id="auditor.al")
    platform.ship(["audit_report_schedule"])
    (failed,) = platform.rows("audit_report_schedule", where="WHERE status = 'failed'")
    assert failed["event_type"] == "failed" and failed["output_location"] is None


def test_cli(platform, tmp_path):
    from genims_assets.cli import main

    runner = CliRunner()
    done = runner.invoke(main, ["compliance", "report", "--day", DAY.isoformat(), "--out", str(tmp_path)],
                         env=platform.env)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"compliance report for {DAY}" in done.output
    assert "7 changes, 6 violations, 1 active legal holds, 3 GDPR requests" in done.output
    assert (tmp_path / "compliance" / DAY.isoformat() / "compliance_report.html").is_file()
    bad = runner.invoke(main, ["compliance", "report", "--day", "18/11/2026"], env=platform.env)
    assert bad.exit_code == 2 and "is not a day: use YYYY-MM-DD" in bad.output


@pytest.mark.parametrize(
    ("after", "due"),
    [
        ("2026-11-24T02:59:59+00:00", "2026-11-24T03:00:00+00:00"),
        ("2026-11-24T03:00:00+00:00", "2026-11-25T03:00:00+00:00"),
        ("2026-11-24T05:00:00+02:00", "2026-11-25T03:00:00+00:00"),
    ],
)
def test_next_due_is_the_next_three_oclock(after, due):
    assert report.next_due(datetime.fromisoformat(after)).isoformat() == due
