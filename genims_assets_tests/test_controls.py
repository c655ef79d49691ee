"""SOX, HIPAA and SLA control checks on a real platform: populations, exceptions and their evidence rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pytest

from genims_assets.audit import controls
from genims_assets.audit.activity import TableRead, record_reads
from genims_assets_tests.test_activity import CompliancePlatform

DAY = date(2026, 11, 18)  # a Wednesday
SNOOP_ROLE = "gcomp_ctl_snoop"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    p = CompliancePlatform("ctl", sources=("hcm", "service", "erp"), tmp=tmp_path_factory.mktemp("ctl"))
    erp, hcm = p.settings.postgres.databases["erp"], p.settings.postgres.databases["hcm"]
    je = {"source_database": erp, "table_name": "journal_entry_headers"}
    fin = [
        {**je, "change_timestamp": at(9), "primary_key_value": "JE-1", "operation": "INSERT", "user_id": "acc.amy",
         "new_values": {"created_by": "acc.amy", "posted": False, "approved": False}},
        {**je, "change_timestamp": at(10), "primary_key_value": "JE-1", "operation": "UPDATE", "user_id": "ctl.carl",
         "old_values": {"created_by": "acc.amy", "approved": False},
         "new_values": {"created_by": "acc.amy", "approved": True, "approved_by": "ctl.carl"},
         "changed_columns": ["approved", "approved_by"]},
        {**je, "change_timestamp": at(11), "primary_key_value": "JE-1", "operation": "UPDATE", "user_id": "acc.amy",
         "old_values": {"approved_by": "ctl.carl", "posted": False}, "approval_id": "APR-1",
         "new_values": {"created_by": "acc.amy", "approved_by": "ctl.carl", "posted": True},
         "changed_columns": ["posted", "posted_by"]},
        {**je, "change_timestamp": at(12), "primary_key_value": "JE-2", "operation": "INSERT", "user_id": "acc.bob",
         "new_values": {"created_by": "acc.bob", "posted": False}},
        {**je, "change_timestamp": at(13), "primary_key_value": "JE-2", "operation": "UPDATE", "user_id": "acc.bob",
         "old_values": {"approved": False}, "new_values": {"created_by": "acc.bob", "approved": True,
                                                           "approved_by": "acc.bob"},
         "changed_columns": ["approved", "approved_by"]},
        {**je, "change_timestamp": at(14), "primary_key_value": "JE-2", "operation": "UPDATE", "user_id": "acc.bob",
         "old_values": {"approved_by": "acc.bob", "posted": False},
         "new_values": {"created_by": "acc.bob", "approved_by": "acc.bob", "posted": True},
         "changed_columns": ["posted"]},
        {"source_database": erp, "table_name": "goods_receipts", "change_timestamp": at(22, 30),
         "primary_key_value": "GR-1", "operation": "INSERT", "user_id": "wh.will", "approval_id": "APR-9",
         "new_values": {"gr_status": "posted"}},
        {**je, "change_timestamp": at(9) - timedelta(days=1), "primary_key_value": "JE-0", "operation": "UPDATE",
         "user_id": "acc.amy", "new_values": {"posted": True}, "changed_columns": ["posted"]},  # the day before
    ]  # fmt: skip
    for i, row in enumerate(fin, start=1):
        row["source_event_id"] = i
    price = {"source_database": erp, "operation": "UPDATE", "column_name": "standard_cost"}
    system = {"source_database": erp, "operation": "UPDATE", "status": "committed"}
    personnel = {"source_database": hcm, "table_name": "safety_incidents", "operation": "UPDATE"}
    p.write_audit({
        "financial_data_changes": fin,
        "price_cost_changes": [
            {**price, "source_event_id": 20, "change_timestamp": at(9), "table_name": "materials",
             "primary_key_value": "MAT-1", "user_id": "buyer.pat", "old_price": 10, "new_price": 12},
            {**price, "source_event_id": 21, "change_timestamp": at(9), "table_name": "contract_pricing",
             "primary_key_value": "CP-1", "user_id": "buyer.quinn", "column_name": "unit_price"},
        ],
        "system_audit_log": [
            {**system, "source_event_id": 30, "audit_timestamp": at(15), "table_name": "materials",
             "primary_key_value": "MAT-1", "user_id": "buyer.pat", "new_values": {"approved_by": "buyer.pat"},
             "changed_columns": ["approved_by"]},
            {**system, "source_event_id": 31, "audit_timestamp": at(15), "table_name": "contract_pricing",
             "primary_key_value": "CP-1", "user_id": "mgr.max", "new_values": {"approved_by": "mgr.max"},
             "changed_columns": ["approved_by"]},
        ],
        "personnel_data_changes": [
            {**personnel, "source_event_id": 40, "change_timestamp": at(10), "primary_key_value": "INC-1",
             "contains_health_data": 1, "reason_code": "INC-FOLLOWUP", "user_id": "hr.hana"},
            {**personnel, "source_event_id": 41, "change_timestamp": at(11), "primary_key_value": "INC-2",
             "contains_health_data": 1, "reason_code": None, "user_id": "hr.hana"},
            {**personnel, "source_event_id": 42, "change_timestamp": at(12), "table_name": "employees",
             "primary_key_value": "EMP-1", "contains_health_data": 0, "user_id": "hr.hana"},
        ],
        "data_access_log": [
            {"access_timestamp": at(11), "user_id": "snoop.sam", "access_type": "read", "database_name": hcm,
             "table_name": "safety_incidents", "row_count": 40, "outcome": "success", "outbox_event_id": 990001},
            {"access_timestamp": at(11), "user_id": "snoop.sam", "access_type": "read", "database_name": hcm,
             "table_name": "departments", "row_count": 4, "outcome": "success", "outbox_event_id": 990002},
        ],
    })  # fmt: skip
    record_reads(p.settings, user_id="nurse.nina", reads=[TableRead(hcm, "safety_incidents", 2)], access_type="read",
                 object_type="table", object_name=f"{hcm}.safety_incidents", purpose="case review",
                 sensitive_data=True, when=at(10).replace(tzinfo=UTC))  # fmt: skip
    p.ship()
    _drop_role(p)
    p.execute_source("hcm", f"CREATE ROLE {SNOOP_ROLE}")
    p.execute_source("hcm", f"GRANT SELECT ON safety_incidents TO {SNOOP_ROLE}")
    yield p
    p.drop()
    _drop_role(p)


def _drop_role(p) -> None:
    """The role is cluster-wide: dropped before (a leftover of an interrupted run) and after the module."""
    from genims_assets.connections import postgres_connect

    conn = postgres_connect(p.settings.postgres, "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP ROLE IF EXISTS {SNOOP_ROLE}")
    conn.close()


def _by(rows: list[dict], key: str) -> dict[str, dict]:
    return {r[key]: r for r in rows}


def test_sox_controls_test_the_whole_day_and_name_each_exception(platform):
    defs = __import__("genims_assets.defs.audit.compliance", fromlist=["defs"]).defs(platform.settings)
    result = defs.resolve_job_def("compliance_controls_daily").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), tags={"genims/day": DAY.isoformat()}
    )
    assert result.success
    platform.ship()
    sox = _by(platform.rows("sox_compliance_log", where="WHERE run_id = %s", params=(result.run_id,)), "control_id")
    assert set(sox) == {"SOX-FIN-APR-01", "SOX-FIN-SOD-01", "SOX-PRC-SOD-01", "SOX-FIN-HRS-01"}
    summary = {
        k: (r["population_count"], r["exceptions_count"], r["test_result"], r["evidence"]) for k, r in sox.items()
    }
    fin = "financial_data_changes"
    assert summary["SOX-FIN-APR-01"] == (3, 1, "fail", [{"table": fin, "sequence": 6}])
    assert summary["SOX-FIN-SOD-01"] == (2, 1, "fail", [{"table": fin, "sequence": 5}])
    assert summary["SOX-PRC-SOD-01"] == (2, 1, "fail", [{"table": "price_cost_changes", "sequence": 1}])
    assert summary["SOX-FIN-HRS-01"] == (7, 1, "fail", [{"table": fin, "sequence": 7}])
    assert sox["SOX-FIN-SOD-01"]["deficiency_level"] == "significant_deficiency"
    assert sox["SOX-FIN-HRS-01"]["deficiency_level"] == "deficiency"
    assert {(r["test_period_start"], r["test_period_end"], r["sample_count"] == r["population_count"])
            for r in sox.values()} == {(DAY, DAY, True)}  # fmt: skip


def test_a_day_without_changes_is_not_applicable(platform):
    rows = controls.sox_rows(platform.settings, DAY - timedelta(days=30), datetime.now(UTC))
    assert {r["test_result"] for r in rows} == {"not_applicable"}
    assert {r["deficiency_level"] for r in rows} == {"none"}


def test_hipaa_safeguards(platform):
    settings = platform.settings
    now = datetime.now(UTC)
    rows = _by(controls.hipaa_rows(settings, DAY, now, run_id="hipaa-run"), "check_name")
    reason = rows["health_changes_have_reason_code"]
    assert (reason["records_checked"], reason["violations_count"], reason["result"]) == (2, 1, "fail")
    assert reason["evidence"] == [{"table": "personnel_data_changes", "sequence": 2}]
    logged = rows["health_data_access_logged"]
    assert (logged["records_checked"], logged["violations_count"], logged["result"]) == (2, 1, "fail")
    assert logged["evidence"] == [{"table": "data_access_log", "sequence": 1}]  # snoop.sam's read, no activity row
    grants = rows["health_tables_direct_readers"]
    assert grants["result"] == "warning" and f"{SNOOP_ROLE} on safety_incidents" in grants["finding"]
    report = rows["health_data_absent_from_reporting"]
    assert report["result"] == "pass" and report["violations_count"] == 0
    assert "safety_compliance_daily.days_away_from_work" in report["finding"]  # an aggregate, listed only
    assert "injury_type" in reason["columns_checked"] and "reason" in reason["columns_checked"]
    # The control's own read of health data is logged like any other.
    own = platform.outbox("data_access_log")[-1]
    assert (own["user_id"], own["purpose"], own["table_name"]) == ("genims-controls", "hipaa_control",
                                                                    "personnel_data_changes")  # fmt: skip


def test_identifiable_health_data_in_reporting_fails(platform):
    conn = platform.mysql("reporting")
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE incident_detail (employee_id VARCHAR(50), injury_type VARCHAR(50))")
    try:
        rows = _by(controls.hipaa_rows(platform.settings, DAY, datetime.now(UTC)), "check_name")
    finally:
        with conn.cursor() as cur:
            cur.execute("DROP TABLE incident_detail")
        conn.close()
    report = rows["health_data_absent_from_reporting"]
    assert (report["result"], report["violations_count"]) == ("fail", 1)
    assert report["evidence"] == [{"column": "incident_detail.injury_type"}]


def test_sla_checks(platform):
    from genims_assets.audit.capture import install_capture

    settings = platform.settings
    now = datetime.now(UTC)
    naive = now.replace(tzinfo=None)
    conn = platform.mysql("reporting")
    with conn.cursor() as cur:
        for table, finished, seconds in (("machine_performance_daily", 10, 12.5), ("sales_order_summary", 180, 30),
                                         ("downtime_summary_daily", 20, 400)):  # fmt: skip
            end = naive - timedelta(minutes=finished)
            cur.execute(
                "INSERT INTO etl_sync_log (table_name, source_databases, started_at, finished_at, duration_seconds, "
                "status) VALUES (%s, '[]', %s, %s, %s, 'success')",
                (table, end - timedelta(seconds=seconds), end, seconds),
            )
    conn.commit()
    conn.close()
    install_capture(settings, ["service"])
    service = settings.postgres.databases["service"]
    for i, (hours_ago, breached) in enumerate(((1, False), (2, False), (5, False), (20, True), (48, True))):
        platform.insert_source("service", "service_tickets", {
            "ticket_id": f"T-{i}", "ticket_number": f"N-{i}", "account_id": "ACC-1", "subject": "s",
            "description": "d", "resolved_datetime": naive - timedelta(hours=hours_ago),
            "resolution_sla_breached": breached,
        })  # fmt: skip
    for i in range(2):  # two configuration changes captured and left unshipped
        platform.insert_source(
            "service", "sla_definitions", {"sla_id": f"SLA-{i}", "sla_code": f"C{i}", "sla_name": "n"}
        )
    rows = controls.run_sla_checks(settings, run_id="sla-run", now=now + timedelta(minutes=5))
    platform.ship(["sla_compliance_tracking"])
    stored = platform.rows("sla_compliance_tracking", where="WHERE run_id = 'sla-run'")
    assert len(stored) == len(rows)
    fresh = {r["subject"]: r for r in stored if r["sla_name"] == "reporting_freshness"}
    assert fresh["machine_performance_daily"]["status"] == "met"
    assert float(fresh["machine_performance_daily"]["actual_value"]) == pytest.approx(900, abs=5)
    assert fresh["sales_order_summary"]["status"] == "breached"
    assert fresh["downtime_summary_daily"]["status"] == "met"
    assert fresh["work_in_process"]["status"] == "unknown" and fresh["work_in_process"]["actual_value"] is None
    assert {float(r["threshold_value"]) for r in fresh.values()} == {3600.0}
    (duration,) = [r for r in stored if r["sla_name"] == "reporting_sync_duration" and r["status"] == "breached"]
    assert duration["subject"] == "downtime_summary_daily" and float(duration["actual_value"]) == 400
    lag = {r["subject"]: r for r in stored if r["sla_name"] == "audit_lag"}
    queue = lag[f"{service}.genims_audit.change_queue"]
    assert queue["status"] == "breached" and float(queue["actual_value"]) == pytest.approx(300, abs=15)
    assert queue["details"]["pending_events"] == 2
    assert lag[f"{settings.dagster_database}.genims_audit.platform_outbox"]["status"] in ("met", "breached")
    unreachable = lag[f"{settings.postgres.databases['qms']}.genims_audit.change_queue"]
    assert unreachable["status"] == "unknown" and "does not exist" in unreachable["details"]["error"]
    (tickets,) = [r for r in stored if r["sla_name"] == "service_ticket_sla"]
    assert (float(tickets["actual_value"]), tickets["status"]) == (75.0, "breached")
    assert tickets["details"] == {"tickets_resolved": 4, "tickets_met": 3}
