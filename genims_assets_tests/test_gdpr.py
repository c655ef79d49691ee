"""GDPR data subject requests on a real platform: access export, erasure (pseudonymisation), rejection, CLI."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, timedelta

import dagster as dg
import pandas as pd
import pytest
from click.testing import CliRunner

from genims_assets.audit import gdpr
from genims_assets_tests.test_activity import CompliancePlatform, utc

DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    built = CompliancePlatform("gdpr", sources=tuple(gdpr.SOURCE_DATABASES), tmp=tmp_path_factory.mktemp("gdpr"))
    p = built
    p.insert_source("crm", "accounts", {"account_id": "ACC-1", "account_number": "A1", "account_name": "Acme",
                                        "customer_id": "CUST-1"})  # fmt: skip
    p.insert_source("crm", "contacts", {"contact_id": "CON-1", "contact_number": "N1", "account_id": "ACC-1",
                                        "first_name": "Clara", "last_name": "Contact",
                                        "email": "Clara@Example.com"})  # fmt: skip
    p.insert_source("crm", "contacts", {"contact_id": "CON-2", "contact_number": "N2", "account_id": "ACC-1",
                                        "first_name": "Otto", "last_name": "Other"})  # fmt: skip
    p.insert_source("crm", "activities", {"activity_id": "ACT-1", "activity_number": "AN1", "subject": "call",
                                          "activity_date": NOW, "contact_id": "CON-1"})  # fmt: skip
    p.insert_source("crm", "activities", {"activity_id": "ACT-2", "activity_number": "AN2", "subject": "mail",
                                          "activity_date": NOW, "contact_id": "CON-2"})  # fmt: skip
    p.insert_source("service", "portal_users", {
        "portal_user_id": "PU-1", "account_id": "ACC-1", "contact_id": "CON-1", "username": "clara",
        "email": "clara@example.com", "password_hash": "pbkdf2$secret-hash", "verification_token": "tok",
    })  # fmt: skip
    p.insert_source("master", "customers", {"customer_id": "CUST-1", "customer_name": "Clara Sole Trader"})
    p.insert_source("master", "customers", {"customer_id": "CUST-2", "customer_name": "Big Corp"})
    p.insert_source("hcm", "employees", {"employee_id": "EMP-1", "employee_number": "E1", "first_name": "Sam",
                                         "last_name": "Seller", "hire_date": DAY,
                                         "work_email": "sam@genims.example"})  # fmt: skip
    p.insert_source("crm", "sales_reps", {"sales_rep_id": "SR-1", "employee_id": "EMP-1", "rep_code": "R1",
                                          "first_name": "Sam", "last_name": "Seller"})  # fmt: skip
    conn = p.mysql("reporting")
    with conn.cursor() as cur:
        for customer, name, rep, rep_name in (("CUST-1", "Clara Sole Trader", "SR-1", "Sam Seller"),
                                              ("CUST-2", "Big Corp", "SR-2", "Rita Rep")):  # fmt: skip
            for day in (DAY, DAY - timedelta(days=1)):
                cur.execute(
                    "INSERT INTO sales_order_summary (report_date, customer_id, sales_rep_id, customer_name, "
                    "sales_rep_name, revenue, updated_at) VALUES (%s, %s, %s, %s, %s, 100, %s)",
                    (day, customer, rep, name, rep_name, NOW),
                )
            cur.execute(
                "INSERT INTO customer_service_summary (report_date, customer_id, customer_name, account_id, "
                "updated_at) VALUES (%s, %s, %s, 'ACC-1', %s)",
                (DAY, customer, name, NOW),
            )
            cur.execute(
                "INSERT INTO sales_pipeline_summary (report_date, sales_rep_id, territory_id, sales_rep_name, "
                "updated_at) VALUES (%s, %s, 'T1', %s, %s)",
                (DAY, rep, rep_name, NOW),
            )
    conn.commit()
    conn.close()
    change = {"change_timestamp": NOW, "source_database": p.settings.postgres.databases["crm"],
              "table_name": "contacts", "operation": "UPDATE", "new_values": {"email": "Clara@Example.com"},
              "changed_columns": ["email"], "user_id": "crm.app"}  # fmt: skip
    p.write_audit({
        "customer_data_changes": [
            {**change, "source_event_id": 1, "primary_key_value": "CON-1", "contact_id": "CON-1",
             "customer_id": "CUST-1"},
            {**change, "source_event_id": 2, "primary_key_value": "CON-2", "contact_id": "CON-2"},
        ],
        "personnel_data_changes": [
            {**change, "source_database": p.settings.postgres.databases["hcm"], "table_name": "employees",
             "source_event_id": 3, "primary_key_value": "EMP-1", "employee_id": "EMP-1"},
        ],
    })  # fmt: skip
    yield built
    built.drop()


def _log(platform, request_id: str) -> list[dict]:
    return platform.rows("gdpr_data_request_log", where="WHERE request_id = %s ORDER BY gdpr_event_sequence",
                         params=(request_id,))  # fmt: skip


def test_access_request_exports_everything_held_about_the_subject(platform, tmp_path):
    settings = platform.settings
    req = gdpr.create_request(settings, subject_type="crm_contact", subject_id="CON-1", request_type="access",
                              requester="Clara Contact (by e-mail)", handled_by="dpo.dora")  # fmt: skip
    assert req.status == "received" and req.due_at - req.received_at == timedelta(days=30)
    result = gdpr.process_request(settings, req.request_id, out_dir=tmp_path / "exports", handled_by="dpo.dora")
    done = result.request
    assert done.status == "completed" and done.output_location == str(result.export_path)
    assert stat.S_IMODE(os.stat(result.export_path).st_mode) == 0o600
    export = json.loads(result.export_path.read_text())
    crm, service = settings.postgres.databases["crm"], settings.postgres.databases["service"]
    assert [r["contact_id"] for r in export["source_data"][crm]["contacts"]] == ["CON-1"]
    assert [r["activity_id"] for r in export["source_data"][crm]["activities"]] == ["ACT-1"]
    (portal,) = export["source_data"][service]["portal_users"]
    assert (
        portal["password_hash"] == "[withheld: credential]" and portal["verification_token"] == "[withheld: credential]"
    )
    assert "secret-hash" not in result.export_path.read_text()
    assert export["withheld_columns"] == ["password_hash", "password_salt", "verification_token"]
    (audit_row,) = export["audit_data"]["customer_data_changes"]
    assert audit_row["contact_id"] == "CON-1" and audit_row["new_values"] == {"email": "Clara@Example.com"}
    assert [r["status"] for r in export["audit_data"]["gdpr_data_request_log"]] == ["received", "in_progress"]
    assert done.records_affected == sum(1 for _ in _walk(export)) and done.records_affected == 6

    log = _log(platform, req.request_id)
    assert [r["status"] for r in log] == ["received", "in_progress", "completed"]
    assert log[-1]["subject_email_sha256"] == gdpr.email_hash("clara@example.com")
    assert log[-1]["databases_affected"][crm] == {"contacts": 1, "activities": 1}
    assert log[-1]["handled_by"] == "dpo.dora" and log[-1]["completed_at"] is not None
    access = platform.rows(
        "data_access_log", where="WHERE purpose = %s", params=(f"gdpr_access_request:{req.request_id}",)
    )
    assert {(a["database_name"], a["table_name"]) for a in access if a["row_count"]} == {
        (crm, "contacts"), (crm, "activities"), (service, "portal_users"),
        (settings.audit.database, "customer_data_changes"), (settings.audit.database, "gdpr_data_request_log"),
    }  # fmt: skip
    assert {a["export_destination"] for a in access} == {str(result.export_path)}
    (user,) = platform.rows("user_activity_log", where="WHERE object_name = %s", params=(str(result.export_path),))
    assert (user["user_id"], user["activity_type"], user["sensitive_data"], user["row_count"]) == (
        "dpo.dora",
        "export",
        1,
        6,
    )


def _walk(export: dict):
    for area in ("source_data", "audit_data"):
        for tables in export[area].values():
            rows = tables if isinstance(tables, list) else [r for t in tables.values() for r in t]
            yield from rows
    for rows in export["reporting_data"].values():
        yield from rows


def test_erasure_pseudonymises_reporting_and_keeps_the_audit_trail(platform, tmp_path):
    settings = platform.settings
    req = gdpr.create_request(settings, subject_type="customer", subject_id="CUST-1", request_type="erasure",
                              requester="Clara Sole Trader")  # fmt: skip
    result = gdpr.process_request(settings, req.request_id, out_dir=tmp_path, handled_by="dpo.dora")
    assert result.request.status == "completed"
    assert result.rows_pseudonymised == {"customer_service_summary": 1, "sales_order_summary": 2}
    sales = platform.rows("sales_order_summary", "reporting", "ORDER BY sales_rep_id, report_date")
    assert not [r for r in sales if r["customer_id"] == "CUST-1" or r["customer_name"] == "Clara Sole Trader"]
    pseudonym = sales[0]["customer_id"]
    assert pseudonym.startswith("PSN-") and {r["customer_name"] for r in sales[:2]} == {pseudonym}
    assert [r["customer_id"] for r in sales[2:]] == ["CUST-2", "CUST-2"], "other customers are untouched"
    assert {r["sales_rep_name"] for r in sales} == {"Sam Seller", "Rita Rep"}
    service = platform.rows("customer_service_summary", "reporting", "ORDER BY customer_id")
    assert (service[1]["customer_id"], service[1]["account_id"]) == (pseudonym, pseudonym)
    (audit_row,) = platform.rows("customer_data_changes", where="WHERE customer_id = 'CUST-1'")
    assert audit_row["primary_key_value"] == "CON-1", "the audit trail keeps the original"
    completed = _log(platform, req.request_id)[-1]
    assert completed["status"] == "completed" and completed["records_affected"] == 3
    assert "NOT erased" in completed["notes"] and "legal obligation" in completed["notes"]
    assert "7-year retention" in completed["legal_basis"]

    # A reporting refresh reloads the name from the sources; the same pseudonym comes back.
    conn = platform.mysql("reporting")
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO sales_order_summary (report_date, customer_id, sales_rep_id, customer_name, updated_at) "
            "VALUES (%s, 'CUST-1', 'SR-9', 'Clara Sole Trader', %s)",
            (DAY + timedelta(days=1), NOW),
        )
    conn.commit()
    conn.close()
    assert gdpr.enforce_erasures(settings) == {"sales_order_summary": 1}
    reloaded = platform.rows("sales_order_summary", "reporting", "WHERE sales_rep_id = 'SR-9'")
    assert (reloaded[0]["customer_id"], reloaded[0]["customer_name"]) == (pseudonym, pseudonym)
    frame = pd.DataFrame({"customer_id": ["CUST-1", "CUST-2"], "customer_name": ["Clara Sole Trader", "Big Corp"]})
    loaded = gdpr.apply_erasures(settings, "accounts_receivable_aging", frame)
    assert loaded.to_dict("list") == {"customer_id": [pseudonym, "CUST-2"], "customer_name": [pseudonym, "Big Corp"]}
    assert gdpr.apply_erasures(settings, "machine_performance_daily", frame) is frame


def test_employee_erasure_reaches_the_sales_rep_rows(platform, tmp_path):
    settings = platform.settings
    req = gdpr.create_request(settings, subject_type="employee", subject_id="EMP-1", request_type="erasure",
                              requester="Sam Seller")  # fmt: skip
    result = gdpr.process_request(settings, req.request_id, out_dir=tmp_path)
    assert result.rows_pseudonymised == {"sales_order_summary": 2, "sales_pipeline_summary": 1}
    pipeline = platform.rows("sales_pipeline_summary", "reporting", "ORDER BY sales_rep_name")
    assert [r["sales_rep_id"].startswith("PSN-") for r in pipeline] == [True, False]
    assert pipeline[0]["sales_rep_name"] == pipeline[0]["sales_rep_id"]
    assert _log(platform, req.request_id)[-1]["subject_email_sha256"] == gdpr.email_hash("sam@genims.example")


def test_a_reporting_refresh_triggers_the_erasure_enforcement(platform):
    from genims_assets.defs.audit.compliance import defs as compliance_defs

    defs = compliance_defs(platform.settings)
    sensor = next(s for s in defs.sensors if s.name == "gdpr_erasure_after_reporting")

    @dg.op
    def reload_from_sources() -> None:  # what a refresh does: the sources still hold the real name
        conn = platform.mysql("reporting")
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO accounts_receivable_aging (report_date, customer_id, customer_name, updated_at) "
                "VALUES (%s, 'CUST-1', 'Clara Sole Trader', %s)",
                (DAY, NOW),
            )
        conn.commit()
        conn.close()

    @dg.job(name="reporting_daily_refresh")
    def refresh() -> None:
        reload_from_sources()

    @dg.job(name="backup_daily")
    def unrelated() -> None:
        pass

    with dg.instance_for_test() as instance:
        first = dg.build_sensor_context(instance=instance)
        assert not sensor.evaluate_tick(first).run_requests  # the first tick only sets the cursor
        unrelated.execute_in_process(instance=instance)
        done = refresh.execute_in_process(instance=instance)
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        requests = list(tick.run_requests)
        cursor = tick.cursor
        while cursor and not requests:  # one matching run per tick: the unrelated run is skipped first
            tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor))
            requests, cursor = list(tick.run_requests), tick.cursor
        assert [r.run_key for r in requests] == [f"erasure-after:{done.run_id}"]
        assert platform.rows("accounts_receivable_aging", "reporting")[0]["customer_name"] == "Clara Sole Trader"
        enforced = defs.resolve_job_def("gdpr_erasure_enforcement").execute_in_process(instance=instance)
        assert enforced.success
    (row,) = platform.rows("accounts_receivable_aging", "reporting")
    assert row["customer_id"].startswith("PSN-") and row["customer_name"] == row["customer_id"]


def test_unknown_subject_is_rejected_and_closed_requests_stay_closed(platform, tmp_path):
    settings = platform.settings
    req = gdpr.create_request(settings, subject_type="portal_user", subject_id="PU-404", request_type="access",
                              requester="someone")  # fmt: skip
    result = gdpr.process_request(settings, req.request_id, out_dir=tmp_path)
    assert result.request.status == "rejected" and result.export_path is None
    assert "no portal_user with this id" in result.request.notes
    assert [r["status"] for r in _log(platform, req.request_id)] == ["received", "in_progress", "rejected"]
    with pytest.raises(gdpr.GdprError, match="already rejected"):
        gdpr.process_request(settings, req.request_id, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_bad_requests_are_refused_and_record_nothing(platform):
    settings = platform.settings
    before = len(platform.outbox("gdpr_data_request_log"))
    with pytest.raises(gdpr.GdprError, match="subject type 'martian' is unknown: use one of crm_contact"):
        gdpr.create_request(settings, subject_type="martian", subject_id="1", request_type="access", requester="x")
    with pytest.raises(gdpr.GdprError, match="request type 'delete' is unknown"):
        gdpr.create_request(settings, subject_type="customer", subject_id="1", request_type="delete", requester="x")
    with pytest.raises(gdpr.GdprError, match="--requester is required"):
        gdpr.create_request(settings, subject_type="customer", subject_id="1", request_type="access", requester=" ")
    with pytest.raises(gdpr.GdprError, match="no GDPR request 'GDPR-NOPE'"):
        gdpr.process_request(settings, "GDPR-NOPE", out_dir=platform.settings.log_dir)
    assert len(platform.outbox("gdpr_data_request_log")) == before


def test_cli_create_process_list(platform, tmp_path):
    from genims_assets.cli import main

    runner = CliRunner()
    env = {**platform.env, "GENIMS_USER": "dpo.cli"}
    created = runner.invoke(main, ["compliance", "gdpr-request", "create", "--subject-type", "supplier_contact",
                                   "--subject-id", "SPU-1", "--type", "rectification", "--requester", "S. Contact"],
                            env=env)  # fmt: skip
    assert created.exit_code == 0, created.output
    request_id = created.output.split()[0]
    assert request_id.startswith("GDPR-") and "due" in created.output
    old = gdpr.create_request(platform.settings, subject_type="customer", subject_id="CUST-2", request_type="access",
                              requester="Big Corp", now=utc(2026, 9, 1, 9, 0))  # fmt: skip
    listed = runner.invoke(main, ["compliance", "gdpr-request", "list", "--status", "received"], env=env)
    assert listed.exit_code == 0, listed.output
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "OVERDUE" in lines[old.request_id] and "OVERDUE" not in lines[request_id]
    processed = runner.invoke(main, ["compliance", "gdpr-request", "process", request_id, "--out", str(tmp_path)],
                              env=env)  # fmt: skip
    assert processed.exit_code == 1 and "rejected" in processed.output  # no supplier portal user SPU-1
    (rejected,) = [r for r in _log(platform, request_id) if r["status"] == "rejected"]
    assert rejected["handled_by"] == "dpo.cli"
    bad = runner.invoke(main, ["compliance", "gdpr-request", "create", "--subject-type", "martian", "--subject-id",
                               "1", "--type", "access", "--requester", "x"], env=env)  # fmt: skip
    assert bad.exit_code == 2 and "'martian' is not one of" in bad.output
