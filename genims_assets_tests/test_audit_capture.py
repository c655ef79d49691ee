"""Change capture in PostgreSQL (issue 4, item 1), against the machine's real PostgreSQL.

Builds small source databases named gcap_genims_<x>_db from the project's own DDL (empty tables plus a few
hand-inserted rows), installs capture with `install_capture`, and reads genims_audit.change_queue back. Each
test reads only the events after the last one it saw, so tests do not depend on each other's events.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator

import psycopg2
import psycopg2.extras
import pytest
from click.testing import CliRunner
from psycopg2 import sql

from genims_assets.audit import scope
from genims_assets.audit.capture import (
    CAPTURE_TRIGGERS,
    CaptureError,
    capture_status,
    install_capture,
    install_command,
)
from genims_assets.connections import postgres_connect
from genims_assets.settings import SOURCE_DATABASES, Settings
from genims_assets.sqlfiles import read_sql, run_script, source_tables

PREFIX = "gcap_"
BUILT = ("master", "operational", "erp", "crm", "service", "hcm")
ABSENT_HCM_TABLE = "ppe_requirements"  # dropped before install: in scope, absent, must be reported and not fatal
MALFORMED = "planning"  # gets a genims_audit.change_queue that is not the contract's
APP_ROLE = "gcap_app"  # a non-superuser application role
GRANTEE_ROLE = "gcap_auditor"


def _env() -> dict[str, str]:
    return {f"POSTGRES_DB_{short.upper()}": PREFIX + name for short, name in SOURCE_DATABASES.items()}


def _admin(settings: Settings):
    conn = postgres_connect(settings.postgres, "postgres")
    conn.autocommit = True
    return conn


def _drop_all(settings: Settings) -> None:
    conn = _admin(settings)
    with conn.cursor() as cur:
        for name in settings.postgres.databases.values():
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        for role in (APP_ROLE, GRANTEE_ROLE):
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    conn.close()


@pytest.fixture(scope="module")
def cap_settings() -> Settings:
    return Settings.from_env({**os.environ, **_env()})


@pytest.fixture(scope="module")
def installed(cap_settings: Settings) -> Iterator[dict]:
    """The gcap_ source databases, built from the catalog DDL, with capture installed once: the install reports
    by short name, and the events queued right after the install."""
    _drop_all(cap_settings)
    admin = _admin(cap_settings)
    with admin.cursor() as cur:
        for short in (*BUILT, MALFORMED):
            cur.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
                    sql.Identifier(cap_settings.postgres.databases[short])
                )
            )
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP_ROLE)))
        cur.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(GRANTEE_ROLE)))
    admin.close()
    for short in BUILT:
        conn = _connect(cap_settings, short)
        with conn, conn.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
            run_script(cur, read_sql("postgres", f"{SOURCE_DATABASES[short]}.sql"))
            if short == "hcm":
                cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(ABSENT_HCM_TABLE)))
            if short == "crm":
                # A hand-made table without a primary key, present before the install.
                cur.execute("CREATE TABLE legacy_notes (account_id text, note text, noted_on date)")
        conn.close()
    conn = _connect(cap_settings, MALFORMED)
    with conn, conn.cursor() as cur:
        cur.execute("CREATE SCHEMA genims_audit")
        cur.execute("CREATE TABLE genims_audit.change_queue (id bigint PRIMARY KEY, payload text)")
        cur.execute("INSERT INTO genims_audit.change_queue VALUES (1, 'an older event')")
    conn.close()
    reports = {r.short: r for r in install_capture(cap_settings, [*BUILT, MALFORMED, "qms"])}
    # Events queued by the first install itself (must be none), read before any test changes anything.
    reports_and_queued = {"reports": reports, "queued": {short: _last_event(cap_settings, short) for short in BUILT}}
    yield reports_and_queued
    _drop_all(cap_settings)


def _connect(settings: Settings, short: str):
    return postgres_connect(settings.postgres, settings.postgres.databases[short])


def _last_event(settings: Settings, short: str) -> int:
    conn = _connect(settings, short)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(event_id), 0) FROM genims_audit.change_queue")
        last = cur.fetchone()[0]
    conn.close()
    return last


def _events_after(settings: Settings, short: str, after: int) -> list[dict]:
    conn = _connect(settings, short)
    with conn, conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute("SELECT * FROM genims_audit.change_queue WHERE event_id > %s ORDER BY event_id", (after,))
        rows = [dict(r) for r in cur.fetchall()]
    conn.close()
    return rows


def _run(settings: Settings, short: str, *statements: str, user: str | None = None) -> None:
    """Run statements in one transaction (as `user` when given)."""
    server = settings.postgres
    if user:
        import dataclasses

        server = dataclasses.replace(server, user=user)
    conn = postgres_connect(server, server.databases[short])
    with conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    conn.close()


def _trigger_counts(settings: Settings, short: str) -> dict[str, int]:
    conn = _connect(settings, short)
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.relname, count(*) FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'genims\\_audit\\_%%' GROUP BY c.relname"
        )
        counts = dict(cur.fetchall())
    conn.close()
    return counts


# ------------------------------------------------------------------------------------------------ scope


def test_scope_names_only_real_tables_and_columns():
    assert scope.scope_problems() == []
    for short in scope.FULL_SCOPE_DATABASES:
        assert set(scope.declared_tables(short)) == set(source_tables(SOURCE_DATABASES[short]))
    assert scope.declared_tables("operational") == {}
    service = scope.declared_tables("service")
    assert {"sla_definitions", "escalation_rules", "portal_users"} <= set(service)
    assert "service_tickets" not in service
    assert scope.is_configuration_change("cmms", "pm_schedules", "UPDATE", ["next_due_date", "updated_at"]) is False
    assert scope.is_configuration_change("cmms", "pm_schedules", "UPDATE", ["frequency_value"]) is True
    assert "password_hash" in scope.redacted_columns("supplier", "supplier_portal_users")
    assert scope.change_tables("erp", "general_ledger") == ("financial_data_changes",)
    with pytest.raises(ValueError, match="unknown source database 'nosuch'"):
        scope.declared_tables("nosuch")


# ------------------------------------------------------------------------------------------------ install


def test_install_reports_captured_absent_and_failed_databases(installed, cap_settings):
    assert installed["queued"] == {short: 0 for short in BUILT}  # the install's own DDL is not captured
    installed = installed["reports"]
    assert installed["crm"].ok and len(installed["crm"].captured_tables) == 23  # 22 catalog tables + legacy_notes
    assert "legacy_notes" in installed["crm"].captured_tables
    assert installed["crm"].trigger_count == 4 * 23
    assert set(installed["crm"].event_triggers) == {"genims_audit_ddl", "genims_audit_drop"}
    assert installed["hcm"].ok and installed["hcm"].absent_tables == (ABSENT_HCM_TABLE,)
    assert ABSENT_HCM_TABLE in installed["hcm"].line()
    assert installed["operational"].ok and installed["operational"].captured_tables == ()
    assert set(installed["operational"].event_triggers) == {"genims_audit_ddl", "genims_audit_drop"}
    assert set(installed["service"].captured_tables) == set(scope.declared_tables("service"))
    # A database that does not exist: named, with the fix; the others were installed regardless.
    assert not installed["qms"].ok
    assert "gcap_genims_qms_db" in installed["qms"].error and "genims setup" in installed["qms"].error


def test_install_of_a_database_with_a_foreign_queue_stops_and_keeps_it(installed, cap_settings):
    report = installed["reports"][MALFORMED]
    assert not report.ok
    assert "not the contract's queue" in report.error and "missing event_id" in report.error
    assert "genims audit install" in report.error
    conn = _connect(cap_settings, MALFORMED)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT payload FROM genims_audit.change_queue")
        assert cur.fetchall() == [("an older event",)]
        cur.execute("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'genims_audit%'")
        assert cur.fetchone()[0] == 0  # rolled back: nothing of the install is left behind
    conn.close()


def test_install_is_idempotent_and_does_not_capture_itself(installed, cap_settings):
    before = {short: _trigger_counts(cap_settings, short) for short in ("crm", "service", "operational")}
    last = {short: _last_event(cap_settings, short) for short in before}
    reports = install_capture(cap_settings, list(before))
    assert all(r.ok for r in reports)
    for short in before:
        counts = _trigger_counts(cap_settings, short)
        assert counts == before[short]
        assert all(n == len(CAPTURE_TRIGGERS) for n in counts.values())
        assert _events_after(cap_settings, short, last[short]) == []


def test_unknown_database_and_non_superuser_are_refused_before_anything_is_done(installed, cap_settings):
    with pytest.raises(CaptureError, match=r"unknown source database\(s\) 'nosuch'.*master"):
        install_capture(cap_settings, ["crm", "nosuch"])
    import dataclasses

    not_super = dataclasses.replace(cap_settings, postgres=dataclasses.replace(cap_settings.postgres, user=APP_ROLE))
    with pytest.raises(CaptureError, match="superuser") as error:
        install_capture(not_super, ["crm"])
    assert "POSTGRES_USER='gcap_app'" in str(error.value)


# ------------------------------------------------------------------------------------------------ DML


def test_insert_update_delete_carry_before_after_changed_columns_and_the_application_user(installed, cap_settings):
    last = _last_event(cap_settings, "crm")
    _run(
        cap_settings,
        "crm",
        "SET LOCAL genims.user_id = 'alice@plant'",
        "SET LOCAL genims.reason_code = 'RC-CORRECTION'",
        "SET LOCAL genims.approval_id = 'APR-17'",
        "INSERT INTO contacts (contact_id, contact_number, account_id, first_name, last_name, email) "
        "VALUES ('CT-1', 'N-1', 'AC-1', 'Asha', 'Rao', 'asha@example.com')",
        "UPDATE contacts SET email = 'asha.rao@example.com' WHERE contact_id = 'CT-1'",
        "DELETE FROM contacts WHERE contact_id = 'CT-1'",
    )
    _run(
        cap_settings,
        "crm",
        "INSERT INTO contacts (contact_id, contact_number, account_id, first_name, last_name) "
        "VALUES ('CT-2', 'N-2', 'AC-1', 'Ben', 'Ng')",
    )
    insert, update, delete, unattributed = _events_after(cap_settings, "crm", last)
    assert [e["operation"] for e in (insert, update, delete)] == ["INSERT", "UPDATE", "DELETE"]
    assert all(e["event_kind"] == "row" and e["table_name"] == "contacts" for e in (insert, update, delete))
    assert all(e["key_basis"] == "primary_key" and e["pk_value"] == "CT-1" for e in (insert, update, delete))
    assert insert["old_row"] is None and insert["new_row"]["email"] == "asha@example.com"
    assert {"contact_id", "first_name", "email"} <= set(insert["changed_columns"])
    assert "middle_name" not in insert["changed_columns"]  # NULL columns are not "changed" by an INSERT
    assert update["old_row"]["email"] == "asha@example.com" and update["new_row"]["email"] == "asha.rao@example.com"
    assert update["changed_columns"] == ["email"]
    assert delete["new_row"] is None and delete["old_row"]["email"] == "asha.rao@example.com"
    for event in (insert, update, delete):
        assert (event["app_user"], event["reason_code"], event["approval_id"]) == (
            "alice@plant",
            "RC-CORRECTION",
            "APR-17",
        )
        assert event["db_session_user"] == "postgres" and event["application_name"] == "genims-insights"
        assert event["client_addr"] == "127.0.0.1" and event["backend_pid"] > 0 and event["backend_start"]
        assert event["shipped_at"] is None
    assert len({e["txid"] for e in (insert, update, delete)}) == 1
    # SET LOCAL does not leak into the next transaction: unset means NULL, and the session user stands in.
    assert unattributed["app_user"] is None and unattributed["reason_code"] is None
    assert unattributed["db_session_user"] == "postgres" and unattributed["txid"] != insert["txid"]


def test_an_update_that_changes_nothing_is_not_recorded(installed, cap_settings):
    _run(
        cap_settings, "crm", "INSERT INTO accounts (account_id, account_number, account_name) VALUES ('A9', 'N9', 'X')"
    )
    last = _last_event(cap_settings, "crm")
    _run(cap_settings, "crm", "UPDATE accounts SET account_name = account_name WHERE account_id = 'A9'")
    assert _events_after(cap_settings, "crm", last) == []


def test_a_500_row_statement_gives_500_row_events_and_one_bulk_event(installed, cap_settings):
    last = _last_event(cap_settings, "erp")
    _run(
        cap_settings,
        "erp",
        "SET LOCAL genims.user_id = 'loader'",
        "INSERT INTO exchange_rates (rate_id, from_currency, to_currency, effective_date, exchange_rate) "
        "SELECT 'R' || g, 'USD', 'INR', DATE '2026-01-01' + g, 80 + g / 100.0 FROM generate_series(1, 500) AS g",
    )
    events = _events_after(cap_settings, "erp", last)
    rows = [e for e in events if e["event_kind"] == "row"]
    bulk = [e for e in events if e["event_kind"] == "bulk"]
    assert len(rows) == 500 and {e["operation"] for e in rows} == {"INSERT"}
    assert {e["pk_value"] for e in rows} == {f"R{g}" for g in range(1, 501)}
    assert len(bulk) == 1
    assert bulk[0]["rows_affected"] == 500 and bulk[0]["operation"] == "INSERT"
    assert len(bulk[0]["sample_rows"]) == scope.BULK_SAMPLE_ROWS == 5
    assert "generate_series" in bulk[0]["statement_text"] and bulk[0]["app_user"] == "loader"

    last = _last_event(cap_settings, "erp")
    _run(cap_settings, "erp", "UPDATE exchange_rates SET exchange_rate = exchange_rate * 2 WHERE rate_id LIKE 'R%'")
    events = _events_after(cap_settings, "erp", last)
    updates = [e for e in events if e["event_kind"] == "row"]
    assert len(updates) == 500 and [e["event_kind"] for e in events].count("bulk") == 1
    for event in updates:
        assert event["old_row"]["rate_id"] == event["new_row"]["rate_id"] == event["pk_value"]
        assert float(event["new_row"]["exchange_rate"]) == pytest.approx(2 * float(event["old_row"]["exchange_rate"]))
        assert event["changed_columns"] == ["exchange_rate"]

    # Exactly the threshold is not "more than": no bulk event.
    last = _last_event(cap_settings, "erp")
    _run(
        cap_settings,
        "erp",
        "DELETE FROM exchange_rates WHERE rate_id IN (SELECT 'R' || g FROM generate_series(1, 100) g)",
    )
    events = _events_after(cap_settings, "erp", last)
    assert len(events) == 100 and {e["operation"] for e in events} == {"DELETE"}


def test_an_update_that_changes_the_key_pairs_old_and_new_rows_correctly(installed, cap_settings):
    _run(
        cap_settings,
        "crm",
        "CREATE TABLE ranked (id int PRIMARY KEY DEFERRABLE, label text)",  # checked at statement end
        "INSERT INTO ranked SELECT g, 'row ' || g FROM generate_series(1, 300) g",
    )
    last = _last_event(cap_settings, "crm")
    _run(cap_settings, "crm", "UPDATE ranked SET id = id + 1")  # overlapping keys: pairing by key would be wrong
    updates = [e for e in _events_after(cap_settings, "crm", last) if e["event_kind"] == "row"]
    assert len(updates) == 300
    for event in updates:
        assert event["new_row"]["id"] == event["old_row"]["id"] + 1
        assert event["new_row"]["label"] == event["old_row"]["label"] == f"row {event['old_row']['id']}"
        assert event["changed_columns"] == ["id"] and event["pk_value"] == str(event["new_row"]["id"])


def test_truncate_is_recorded_as_a_bulk_operation_with_its_rows(installed, cap_settings):
    _run(
        cap_settings,
        "erp",
        "INSERT INTO cost_centers (cost_center_id, cost_center_code, cost_center_name) "
        "VALUES ('CC1', 'C1', 'One'), ('CC2', 'C2', 'Two'), ('CC3', 'C3', 'Three')",
    )
    last = _last_event(cap_settings, "erp")
    _run(cap_settings, "erp", "SET LOCAL genims.user_id = 'ops'", "TRUNCATE cost_centers")
    (event,) = _events_after(cap_settings, "erp", last)
    assert (event["event_kind"], event["operation"], event["table_name"]) == ("truncate", "TRUNCATE", "cost_centers")
    assert event["rows_affected"] == 3 and {r["cost_center_id"] for r in event["sample_rows"]} == {"CC1", "CC2", "CC3"}
    assert event["app_user"] == "ops" and "TRUNCATE" in event["statement_text"]


def test_a_composite_key_is_a_json_array(installed, cap_settings):
    _run(
        cap_settings,
        "crm",
        "CREATE TABLE territory_reps (territory_id int, rep_id text, PRIMARY KEY (territory_id, rep_id))",
    )
    last = _last_event(cap_settings, "crm")
    _run(cap_settings, "crm", "INSERT INTO territory_reps VALUES (7, 'R-1')")
    (event,) = _events_after(cap_settings, "crm", last)
    assert (event["key_basis"], event["pk_value"]) == ("primary_key", '[7, "R-1"]')


def test_a_table_without_a_primary_key_is_keyed_by_the_whole_row(installed, cap_settings):
    last = _last_event(cap_settings, "crm")
    _run(
        cap_settings,
        "crm",
        "INSERT INTO legacy_notes VALUES ('AC-1', 'called', DATE '2026-11-02')",
        "UPDATE legacy_notes SET note = 'called back' WHERE account_id = 'AC-1'",
    )
    insert, update = _events_after(cap_settings, "crm", last)
    assert insert["key_basis"] == update["key_basis"] == "whole_row"
    # sha256 of the canonical row text: to_jsonb(row)::text, here {"note": ..., "account_id": ..., "noted_on": ...}
    canonical = '{"note": "called", "noted_on": "2026-11-02", "account_id": "AC-1"}'
    assert insert["pk_value"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert update["pk_value"] == insert["pk_value"]  # the row as it was found
    assert update["changed_columns"] == ["note"]


# ------------------------------------------------------------------------------------------------ scope in use


def test_out_of_scope_tables_are_not_captured_configuration_tables_are(installed, cap_settings):
    last_operational = _last_event(cap_settings, "operational")
    _run(
        cap_settings,
        "operational",
        "INSERT INTO machine_faults (machine_id, line_id, factory_id, fault_code, fault_category, fault_severity, "
        "fault_start_time) VALUES ('M1', 'L1', 'FA1', 'E1', 'electrical', 'minor', now())",
    )
    assert _events_after(cap_settings, "operational", last_operational) == []

    last = _last_event(cap_settings, "service")
    _run(
        cap_settings,
        "service",
        "SET LOCAL genims.user_id = 'service-admin'",
        "INSERT INTO sla_definitions (sla_id, sla_code, sla_name, response_time_minutes, resolution_time_minutes) "
        "VALUES ('SLA1', 'GOLD', 'Gold', 30, 240)",
        "INSERT INTO service_tickets (ticket_id, ticket_number, account_id, subject, description) "
        "VALUES ('T1', 'TN1', 'AC-1', 'Broken', 'It broke')",
    )
    (event,) = _events_after(cap_settings, "service", last)
    assert (event["table_name"], event["operation"], event["app_user"]) == (
        "sla_definitions",
        "INSERT",
        "service-admin",
    )


def test_a_table_created_later_in_a_fully_captured_database_is_captured(installed, cap_settings):
    last = _last_event(cap_settings, "hcm")
    _run(cap_settings, "hcm", "CREATE TABLE wellness_checks (check_id text PRIMARY KEY, employee_id text)")
    _run(cap_settings, "hcm", "INSERT INTO wellness_checks VALUES ('W1', 'E1')")
    events = _events_after(cap_settings, "hcm", last)
    create = next(e for e in events if e["command_tag"] == "CREATE TABLE")
    assert create["new_row"]["capture"] == "attached"
    assert not [e for e in events if e["command_tag"] == "CREATE TRIGGER"]  # capture's own work is not DDL noise
    row = events[-1]
    assert (row["event_kind"], row["table_name"], row["pk_value"]) == ("row", "wellness_checks", "W1")


def test_credentials_are_captured_as_changed_but_never_stored(installed, cap_settings):
    last = _last_event(cap_settings, "service")
    _run(
        cap_settings,
        "service",
        "INSERT INTO portal_users (portal_user_id, account_id, username, email, password_hash, password_salt) "
        "VALUES ('PU1', 'AC-1', 'asha', 'asha@example.com', 'hash-one-secret', 'salt-secret')",
        "UPDATE portal_users SET password_hash = 'hash-two-secret' WHERE portal_user_id = 'PU1'",
    )
    events = _events_after(cap_settings, "service", last)
    assert [e["operation"] for e in events] == ["INSERT", "UPDATE"]
    assert events[0]["new_row"]["password_hash"] == "[redacted]" and events[0]["new_row"]["username"] == "asha"
    assert events[1]["changed_columns"] == ["password_hash"]
    assert "secret" not in json.dumps(events, default=str)


# ------------------------------------------------------------------------------------------------ DDL and grants


def test_ddl_is_captured_with_command_tag_and_object_identity(installed, cap_settings):
    last = _last_event(cap_settings, "erp")
    _run(
        cap_settings,
        "erp",
        "SET LOCAL genims.user_id = 'dba-1'",
        "CREATE TABLE scratch_rates (id int PRIMARY KEY, rate numeric)",
        "ALTER TABLE scratch_rates ADD COLUMN note text",
        "CREATE INDEX scratch_rates_note ON scratch_rates (note)",
        "DROP TABLE scratch_rates",
    )
    ddl = [e for e in _events_after(cap_settings, "erp", last) if e["event_kind"] == "ddl"]
    seen = {(e["command_tag"], e["object_type"], e["object_identity"]) for e in ddl}
    assert ("CREATE TABLE", "table", "public.scratch_rates") in seen
    assert ("ALTER TABLE", "table", "public.scratch_rates") in seen
    assert ("CREATE INDEX", "index", "public.scratch_rates_note") in seen
    assert ("DROP TABLE", "table", "public.scratch_rates") in seen
    alter = next(e for e in ddl if e["command_tag"] == "ALTER TABLE")
    assert alter["table_name"] == "scratch_rates" and "ADD COLUMN note" in alter["statement_text"]
    assert alter["new_row"]["capture"] == "refreshed"
    drop = next(e for e in ddl if e["command_tag"] == "DROP TABLE" and e["object_type"] == "table")
    assert drop["old_row"]["trigger_event"] == "sql_drop" and drop["old_row"]["original"] is True
    assert all(e["app_user"] == "dba-1" and e["operation"] == e["command_tag"] for e in ddl)


def test_passwords_in_ddl_statements_are_masked(installed, cap_settings):
    last = _last_event(cap_settings, "erp")
    _run(
        cap_settings,
        "erp",
        "CREATE FOREIGN DATA WRAPPER gcap_probe_fdw",
        "CREATE SERVER gcap_probe FOREIGN DATA WRAPPER gcap_probe_fdw OPTIONS (host 'h', password 'hunter2')",
        "DROP SERVER gcap_probe",
        "DROP FOREIGN DATA WRAPPER gcap_probe_fdw",
    )
    events = _events_after(cap_settings, "erp", last)
    server = next(e for e in events if e["command_tag"] == "CREATE SERVER")
    assert "password '***'" in server["statement_text"] and "host 'h'" in server["statement_text"]
    assert "hunter2" not in json.dumps(events, default=str)


def test_ddl_on_the_capture_schema_by_anyone_else_is_captured(installed, cap_settings):
    last = _last_event(cap_settings, "crm")
    _run(
        cap_settings,
        "crm",
        "CREATE INDEX queue_probe ON genims_audit.change_queue (txid)",
        "DROP INDEX genims_audit.queue_probe",
    )
    ddl = _events_after(cap_settings, "crm", last)
    assert [(e["command_tag"], e["schema_name"], e["object_identity"]) for e in ddl] == [
        ("CREATE INDEX", "genims_audit", "genims_audit.queue_probe"),
        ("DROP INDEX", "genims_audit", "genims_audit.queue_probe"),
    ]


def test_grant_and_revoke_are_captured_as_the_privileges_they_change(installed, cap_settings):
    _run(cap_settings, "crm", "CREATE TABLE grant_probe (id int PRIMARY KEY)")
    last = _last_event(cap_settings, "crm")
    _run(
        cap_settings,
        "crm",
        "SET LOCAL genims.approval_id = 'CHG-42'",
        f"GRANT SELECT, UPDATE ON accounts TO {GRANTEE_ROLE}",
        f"REVOKE UPDATE ON accounts FROM {GRANTEE_ROLE}",
        f"GRANT SELECT ON accounts TO {GRANTEE_ROLE}",  # already held: recorded, marked not effective
        f"GRANT SELECT ON grant_probe TO {GRANTEE_ROLE}",  # a new table: only the grant, not its owner's defaults
    )
    _run(cap_settings, "crm", "DROP TABLE grant_probe", f"GRANT INSERT ON accounts TO {GRANTEE_ROLE} WITH GRANT OPTION")
    grant, revoke, again, probe, after_drop = [
        e for e in _events_after(cap_settings, "crm", last) if e["event_kind"] == "grant"
    ]
    assert (grant["event_kind"], grant["operation"], grant["command_tag"]) == ("grant", "GRANT", "GRANT")
    assert (grant["object_type"], grant["object_identity"], grant["table_name"]) == (
        "table",
        "public.accounts",
        "accounts",
    )
    assert grant["new_row"]["grantee"] == GRANTEE_ROLE and grant["new_row"]["privileges"] == ["SELECT", "UPDATE"]
    assert grant["changed_columns"] == ["SELECT", "UPDATE"] and "GRANT SELECT, UPDATE" in grant["statement_text"]
    assert (revoke["operation"], revoke["old_row"]["grantee"], revoke["old_row"]["privileges"]) == (
        "REVOKE",
        GRANTEE_ROLE,
        ["UPDATE"],
    )
    assert again["operation"] == "GRANT" and again["new_row"]["effective"] is False
    assert (probe["object_identity"], probe["new_row"]["grantee"], probe["new_row"]["privileges"]) == (
        "public.grant_probe",
        GRANTEE_ROLE,
        ["SELECT"],
    )
    # The dropped table's privileges leave quietly; only the new grant is recorded.
    assert (after_drop["object_identity"], after_drop["new_row"]["privileges"]) == ("public.accounts", ["INSERT"])
    assert after_drop["new_row"]["with_grant_option"] is True
    assert {e["approval_id"] for e in (grant, revoke, again, probe)} == {"CHG-42"}


# ------------------------------------------------------------------------------------------------ integrity


def test_an_application_role_is_captured_without_any_right_on_the_queue(installed, cap_settings):
    _run(
        cap_settings,
        "crm",
        f"GRANT INSERT, SELECT ON accounts TO {APP_ROLE}",
        f"GRANT CREATE, USAGE ON SCHEMA public TO {APP_ROLE}",
    )
    last = _last_event(cap_settings, "crm")
    _run(
        cap_settings,
        "crm",
        "SET LOCAL genims.user_id = 'portal:asha'",
        "INSERT INTO accounts (account_id, account_number, account_name) VALUES ('A-APP', 'N-APP', 'Via app')",
        "CREATE TABLE app_scratch (id int PRIMARY KEY)",
        user=APP_ROLE,
    )
    events = _events_after(cap_settings, "crm", last)
    assert {e["db_session_user"] for e in events} == {APP_ROLE}
    assert ("row", "INSERT", "accounts") in {(e["event_kind"], e["operation"], e["table_name"]) for e in events}
    assert "CREATE TABLE" in {e["command_tag"] for e in events}
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(cap_settings, "crm", "SELECT count(*) FROM genims_audit.change_queue", user=APP_ROLE)


def test_queue_events_cannot_be_edited_or_removed_before_they_are_shipped(installed, cap_settings):
    last = _last_event(cap_settings, "crm")
    _run(cap_settings, "crm", "INSERT INTO notes (note_id, note_text) VALUES ('NT-1', 'kept')")
    (event,) = _events_after(cap_settings, "crm", last)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="only shipped_at may be set"):
        _run(
            cap_settings,
            "crm",
            f"UPDATE genims_audit.change_queue SET app_user = 'x' WHERE event_id = {event['event_id']}",
        )
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="has not been shipped"):
        _run(cap_settings, "crm", f"DELETE FROM genims_audit.change_queue WHERE event_id = {event['event_id']}")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="cannot be truncated"):
        _run(cap_settings, "crm", "TRUNCATE genims_audit.change_queue")
    # The shipper's acknowledgement, then pruning of shipped events, are allowed.
    _run(
        cap_settings,
        "crm",
        f"UPDATE genims_audit.change_queue SET shipped_at = now() WHERE event_id = {event['event_id']}",
    )
    _run(cap_settings, "crm", f"DELETE FROM genims_audit.change_queue WHERE event_id = {event['event_id']}")
    assert _events_after(cap_settings, "crm", last) == []


def test_switching_capture_off_does_not_work_and_is_recorded(installed, cap_settings):
    last = _last_event(cap_settings, "crm")
    _run(cap_settings, "crm", "ALTER TABLE tasks DISABLE TRIGGER genims_audit_insert")
    _run(
        cap_settings,
        "crm",
        "SET LOCAL session_replication_role = replica",  # would silence ordinary triggers
        "INSERT INTO tasks (task_id, task_number, subject, due_date) VALUES ('TK1', 'N1', 'still seen', now())",
    )
    alter, insert = _events_after(cap_settings, "crm", last)
    assert alter["command_tag"] == "ALTER TABLE" and "DISABLE TRIGGER" in alter["statement_text"]
    assert alter["new_row"]["capture"] == "refreshed"
    assert (insert["operation"], insert["table_name"], insert["pk_value"]) == ("INSERT", "tasks", "TK1")
    (status,) = capture_status(cap_settings, ["crm"])
    assert status.healthy and not status.disabled


def test_capture_status_counts_pending_events(installed, cap_settings):
    statuses = {s.short: s for s in capture_status(cap_settings, ["crm", "operational", "qms"])}
    crm = statuses["crm"]
    assert crm.installed and crm.pending_events == _count_pending(cap_settings) and crm.oldest_pending is not None
    assert "contacts" in crm.captured_tables and crm.uncaptured_tables == ()
    assert statuses["operational"].installed and statuses["operational"].captured_tables == ()
    assert not statuses["qms"].installed and "does not exist" in statuses["qms"].error
    _run(cap_settings, "crm", "DROP TRIGGER genims_audit_update ON campaigns")
    (crm,) = capture_status(cap_settings, ["crm"])
    assert crm.uncaptured_tables == ("campaigns",) and not crm.healthy
    install_capture(cap_settings, ["crm"])
    (crm,) = capture_status(cap_settings, ["crm"])
    assert crm.healthy


def _count_pending(settings: Settings) -> int:
    conn = _connect(settings, "crm")
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM genims_audit.change_queue WHERE shipped_at IS NULL")
        count = cur.fetchone()[0]
    conn.close()
    return count


# ------------------------------------------------------------------------------------------------ command


def test_install_command_prints_a_summary_and_fails_on_a_bad_database(installed):
    runner = CliRunner()
    result = runner.invoke(install_command, ["--database", "crm", "--database", "service"], env=_env())
    assert result.exit_code == 0, result.output
    assert "ok      crm" in result.output and "ok      service" in result.output
    assert "capture installed in 2 databases" in result.output

    result = runner.invoke(install_command, ["--database", "crm", "--database", "qms"], env=_env())
    assert result.exit_code == 1
    assert "FAILED  qms" in result.output and "1 of 2 databases failed" in result.output

    result = runner.invoke(install_command, ["--database", "nosuch"], env=_env())
    assert result.exit_code != 0 and "unknown source database(s) 'nosuch'" in result.output
