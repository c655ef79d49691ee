"""Classification of queue events into audit rows: known answers from hand-built events (no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from genims_assets.audit.classify import CUT_MARK, MALFORMED, MalformedEvent, classify_event, classify_events
from genims_assets.audit.store import prepare_rows

WHEN = datetime(2026, 11, 24, 10, 30, 15, 123456, tzinfo=UTC)


def event(**overrides) -> dict:
    base = {
        "event_id": 41,
        "event_time": WHEN,
        "txid": 9001,
        "event_kind": "row",
        "schema_name": "public",
        "table_name": None,
        "operation": "UPDATE",
        "key_basis": "primary_key",
        "pk_value": None,
        "old_row": None,
        "new_row": None,
        "changed_columns": None,
        "rows_affected": None,
        "sample_rows": None,
        "command_tag": None,
        "object_type": None,
        "object_identity": None,
        "statement_text": None,
        "app_user": "alice",
        "reason_code": "PRICE-REVIEW",
        "approval_id": "APR-7",
        "db_session_user": "genims_app",
        "client_addr": "10.0.0.5",
        "application_name": "erp-ui",
        "backend_pid": 4242,
        "backend_start": datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        "source_database": "gship_genims_erp_db",
    }
    base.update(overrides)
    return base


def rows(table: str, result) -> list[dict]:
    return result.rows.get(table, [])


def assert_storable(result) -> None:
    """Every row fits its audit table: the store's own validation accepts it."""
    for table, table_rows in result.rows.items():
        prepare_rows(table, table_rows)


def test_financial_update_amount_difference_and_column_changes():
    old = {
        "line_id": "JEL-1",
        "journal_entry_id": "JE-9",
        "account_id": "ACC-4000",
        "debit_amount": 100.00,
        "functional_debit": 100.00,
        "credit_amount": 0,
        "currency_code": "INR",
        "line_description": "rent",
    }
    new = {**old, "debit_amount": Decimal("150.50"), "functional_debit": Decimal("150.50"), "line_description": None}
    result = classify_event(
        event(
            table_name="journal_entry_lines",
            pk_value="JEL-1",
            old_row=json.dumps(old),
            new_row=json.dumps(new, default=str).replace('"150.50"', "150.50"),
            changed_columns=["debit_amount", "functional_debit", "line_description"],
        ),
        "erp",
    )
    assert result.problem is None
    assert set(result.rows) == {"system_audit_log", "data_change_audit", "financial_data_changes"}
    (audit,) = rows("system_audit_log", result)
    assert audit["audit_timestamp"] == WHEN
    assert (audit["source_event_id"], audit["operation"], audit["status"], audit["affected_rows"]) == (
        41,
        "UPDATE",
        "committed",
        1,
    )
    assert (audit["user_id"], audit["user_source"], audit["reason_code"], audit["approval_id"]) == (
        "alice",
        "application",
        "PRICE-REVIEW",
        "APR-7",
    )
    assert audit["session_id"].startswith("4242@2026-11-24T08:00")
    assert json.loads(audit["new_values"])["debit_amount"] == 150.50

    columns = {r["column_name"]: r for r in rows("data_change_audit", result)}
    assert set(columns) == {"debit_amount", "functional_debit", "line_description"}
    assert (columns["debit_amount"]["old_value"], columns["debit_amount"]["new_value"]) == ("100.0", "150.50")
    assert columns["debit_amount"]["change_type"] == "modified"
    assert columns["debit_amount"]["data_type"] == "numeric(15,2)"
    assert (columns["line_description"]["new_value"], columns["line_description"]["change_type"]) == (None, "cleared")

    (money,) = rows("financial_data_changes", result)
    assert money["amount_column"] == "debit_amount"
    assert (money["amount_before"], money["amount_after"]) == (Decimal("100.0"), Decimal("150.50"))
    assert money["amount_difference"] == Decimal("50.50")
    assert (money["document_number"], money["gl_account"], money["currency_code"]) == ("JE-9", "ACC-4000", "INR")
    assert_storable(result)


def test_insert_feeds_no_column_rows_and_financial_insert_difference_is_the_amount():
    new = {
        "journal_entry_id": "JE-1",
        "journal_number": "J-2026-1",
        "total_debit": 250,
        "fiscal_year": 2026,
        "fiscal_period": 11,
        "currency_code": "INR",
    }
    result = classify_event(
        event(table_name="journal_entry_headers", operation="INSERT", new_row=json.dumps(new), pk_value="JE-1"), "erp"
    )
    assert "data_change_audit" not in result.rows
    (money,) = rows("financial_data_changes", result)
    assert (money["amount_before"], money["amount_after"], money["amount_difference"]) == (None, 250, 250)
    assert (money["document_number"], money["fiscal_year"], money["fiscal_period"]) == ("J-2026-1", 2026, 11)
    assert_storable(result)


def test_price_list_update_pct_change_and_insert():
    old = {"material_id": "MAT-1", "standard_cost": "80.00", "moving_average_cost": 79.5}
    new = {**old, "standard_cost": "100.00"}
    result = classify_event(
        event(
            table_name="materials",
            pk_value="MAT-1",
            old_row=json.dumps(old).replace('"80.00"', "80.00"),
            new_row=json.dumps(new).replace('"100.00"', "100.00"),
            changed_columns=["standard_cost"],
        ),
        "erp",
    )
    (price,) = rows("price_cost_changes", result)
    assert (price["column_name"], price["item_type"], price["item_id"]) == ("standard_cost", "material", "MAT-1")
    assert (price["old_price"], price["new_price"], price["price_difference"]) == (80, 100, 20)
    assert price["pct_change"] == Decimal(25)
    assert_storable(result)

    cheaper = classify_event(
        event(
            table_name="materials",
            old_row=json.dumps({"material_id": "MAT-2", "standard_cost": 200}),
            new_row=json.dumps({"material_id": "MAT-2", "standard_cost": 150}),
            changed_columns=["standard_cost"],
        ),
        "erp",
    )
    assert rows("price_cost_changes", cheaper)[0]["pct_change"] == Decimal(-25)

    inserted = classify_event(
        event(table_name="materials", operation="INSERT", new_row='{"material_id": "MAT-3", "standard_cost": 12.5}'),
        "erp",
    )
    (price,) = rows("price_cost_changes", inserted)
    assert (price["old_price"], price["new_price"], price["pct_change"]) == (None, Decimal("12.5"), None)


def test_price_from_zero_has_no_pct_and_fixed_currency_is_used():
    result = classify_event(
        event(
            table_name="customer_product_mapping",
            source_database="gship_genims_master_db",
            old_row='{"mapping_id": "M1", "product_id": "P1", "unit_price_usd": 0}',
            new_row='{"mapping_id": "M1", "product_id": "P1", "unit_price_usd": 9.99}',
            changed_columns=["unit_price_usd"],
        ),
        "master",
    )
    (price,) = rows("price_cost_changes", result)
    assert (price["pct_change"], price["price_difference"], price["currency_code"]) == (None, Decimal("9.99"), "USD")
    (master,) = rows("master_data_changes", result)
    assert (master["entity_type"], master["business_key"]) == ("customer_product", "M1")


def test_document_prices_count_only_when_updated():
    line = {"sales_order_line_id": "L1", "material_id": "MAT-1", "unit_price": 10, "net_price": 10}
    created = classify_event(event(table_name="sales_order_lines", operation="INSERT", new_row=json.dumps(line)), "erp")
    assert "price_cost_changes" not in created.rows
    repriced = classify_event(
        event(
            table_name="sales_order_lines",
            old_row=json.dumps(line),
            new_row=json.dumps({**line, "unit_price": 12}),
            changed_columns=["unit_price"],
        ),
        "erp",
    )
    (price,) = rows("price_cost_changes", repriced)
    assert price["pct_change"] == Decimal(20)


def test_crm_personal_data_and_keys():
    contact = {"contact_id": "C-1", "account_id": "A-1", "first_name": "Ada", "email": "ada@example.com"}
    result = classify_event(
        event(
            table_name="contacts",
            operation="DELETE",
            old_row=json.dumps(contact),
            source_database="gship_genims_crm_db",
        ),
        "crm",
    )
    (change,) = rows("customer_data_changes", result)
    assert (change["contact_id"], change["account_id"], change["contains_personal_data"]) == ("C-1", "A-1", 1)
    assert (change["old_values"] is not None, change["new_values"]) == (True, None)
    assert "data_change_audit" not in result.rows
    assert_storable(result)


def test_hcm_health_and_compensation_flags():
    incident = classify_event(
        event(
            table_name="safety_incidents",
            operation="INSERT",
            new_row='{"incident_id": "I1", "employee_id": "E7", "injury_type": "cut", '
            '"medical_treatment_required": true}',
        ),
        "hcm",
    )
    (person,) = rows("personnel_data_changes", incident)
    assert (person["employee_id"], person["contains_health_data"], person["contains_compensation_data"]) == ("E7", 1, 0)
    raise_ = classify_event(
        event(
            table_name="employees",
            old_row='{"employee_id": "E7", "annual_salary": 50000}',
            new_row='{"employee_id": "E7", "annual_salary": 55000}',
            changed_columns=["annual_salary"],
        ),
        "hcm",
    )
    (person,) = rows("personnel_data_changes", raise_)
    assert (person["contains_health_data"], person["contains_compensation_data"]) == (0, 1)


def test_portal_login_and_role_change():
    before = {
        "portal_user_id": "PU-1",
        "supplier_id": "SUP-1",
        "user_email": "buyer@sup.example",
        "user_role": "viewer",
        "last_login": "2026-11-20T08:00:00",
        "login_count": 4,
        "can_submit_invoices": False,
    }
    login = classify_event(
        event(
            table_name="supplier_portal_users",
            old_row=json.dumps(before),
            new_row=json.dumps({**before, "last_login": "2026-11-24T10:30:15", "login_count": 5}),
            changed_columns=["last_login", "login_count"],
            source_database="gship_genims_supplier_db",
        ),
        "supplier",
    )
    (entry,) = rows("login_audit", login)
    assert (entry["user_id"], entry["username"], entry["user_type"], entry["event_type"], entry["outcome"]) == (
        "PU-1",
        "buyer@sup.example",
        "supplier_portal",
        "login",
        "success",
    )
    assert entry["event_timestamp"] == WHEN and entry["client_address"] is None
    assert "permission_changes" not in login.rows
    assert rows("supplier_data_changes", login)[0]["supplier_id"] == "SUP-1"

    promoted = classify_event(
        event(
            table_name="supplier_portal_users",
            old_row=json.dumps(before),
            new_row=json.dumps({**before, "user_role": "admin", "can_submit_invoices": True}),
            changed_columns=["user_role", "can_submit_invoices"],
            source_database="gship_genims_supplier_db",
        ),
        "supplier",
    )
    (grant,) = rows("permission_changes", promoted)
    assert (grant["grantee"], grant["grantor"], grant["role_name"], grant["operation"]) == (
        "PU-1",
        "alice",
        "admin",
        "UPDATE",
    )
    assert grant["privileges"] == {"user_role": "admin", "can_submit_invoices": True}
    assert "login_audit" not in promoted.rows
    assert_storable(login)
    assert_storable(promoted)


def test_service_portal_lockout_is_a_login_event():
    before = {"portal_user_id": "SP-9", "username": "jo", "user_status": "active"}
    result = classify_event(
        event(
            table_name="portal_users",
            old_row=json.dumps(before),
            new_row=json.dumps({**before, "user_status": "locked"}),
            changed_columns=["user_status"],
            source_database="gship_genims_service_db",
        ),
        "service",
    )
    assert rows("login_audit", result)[0]["event_type"] == "locked"
    assert rows("permission_changes", result)[0]["role_name"] == "locked"


def test_configuration_change_ignores_operational_columns():
    rule = classify_event(
        event(
            table_name="gl_posting_rules",
            old_row='{"rule_id": "R1", "debit_account": "4000"}',
            new_row='{"rule_id": "R1", "debit_account": "4100"}',
            changed_columns=["debit_account"],
        ),
        "erp",
    )
    assert rows("configuration_changes", rule)[0]["config_area"] == "posting_rules"
    bookkeeping = classify_event(
        event(
            table_name="work_centers",
            old_row='{"work_center_id": "W1", "utilization_percentage": 50}',
            new_row='{"work_center_id": "W1", "utilization_percentage": 60}',
            changed_columns=["utilization_percentage"],
        ),
        "erp",
    )
    assert "configuration_changes" not in bookkeeping.rows
    assert_storable(rule)


def test_bulk_truncate_ddl_and_grant():
    bulk = classify_event(
        event(
            event_kind="bulk",
            table_name="materials",
            operation="UPDATE",
            rows_affected=200_000,
            sample_rows='[{"material_id": "M1"}, {"material_id": "M2"}]',
            statement_text="UPDATE materials SET standard_cost = standard_cost * 1.1",
        ),
        "erp",
    )
    (statement,) = rows("bulk_operation_audit", bulk)
    assert (statement["rows_affected"], statement["sample_size"], statement["operation"]) == (200_000, 2, "UPDATE")
    assert set(bulk.rows) == {"bulk_operation_audit"}

    truncate = classify_event(
        event(event_kind="truncate", table_name="leads", operation="TRUNCATE", rows_affected=12),
        "crm",
    )
    assert rows("bulk_operation_audit", truncate)[0]["operation"] == "TRUNCATE"

    ddl = classify_event(
        event(
            event_kind="ddl",
            table_name="materials",
            operation="ALTER TABLE",
            command_tag="ALTER TABLE",
            object_type="table",
            object_identity="public.materials",
            new_row='{"trigger_event": "ddl_command_end", "in_extension": false}',
            statement_text="ALTER TABLE materials ADD COLUMN note text",
        ),
        "erp",
    )
    (change,) = rows("database_changes", ddl)
    assert (change["operation"], change["command_tag"], change["trigger_event"]) == (
        "DDL",
        "ALTER TABLE",
        "ddl_command_end",
    )

    grant = classify_event(
        event(
            event_kind="grant",
            table_name="materials",
            operation="REVOKE",
            command_tag="REVOKE",
            object_type="table",
            object_identity="public.materials",
            old_row='{"grantee": "analyst", "grantor": "postgres", "privileges": ["SELECT"], '
            '"with_grant_option": false}',
            changed_columns=["SELECT"],
            statement_text="REVOKE SELECT ON materials FROM analyst",
        ),
        "erp",
    )
    (permission,) = rows("permission_changes", grant)
    assert (permission["operation"], permission["grantee"], permission["privileges"]) == (
        "REVOKE",
        "analyst",
        ["SELECT"],
    )
    assert permission["with_grant_option"] == 0
    default_privileges = classify_event(
        event(
            event_kind="grant",
            operation="ALTER DEFAULT PRIVILEGES",
            statement_text="ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO analyst",
        ),
        "erp",
    )
    assert rows("permission_changes", default_privileges)[0]["operation"] == "GRANT"
    for result in (bulk, truncate, ddl, grant, default_privileges):
        assert result.problem is None
        assert_storable(result)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"event_kind": "mystery"}, "unknown event_kind 'mystery'"),
        ({"table_name": "materials", "operation": "INSERT", "new_row": None}, "INSERT row event without new_row"),
        ({"table_name": None, "operation": "DELETE", "old_row": "{}"}, "a row event without table_name"),
        ({"event_kind": "bulk", "table_name": "materials", "rows_affected": None}, "without a whole-number"),
        ({"table_name": "materials", "operation": "INSERT", "new_row": "[1, 2]"}, "not an object"),
    ],
)
def test_malformed_event_is_kept_and_flagged(overrides, problem):
    result = classify_event(event(**overrides), "erp")
    assert result.problem is not None and problem in result.problem and "event 41" in result.problem
    (kept,) = rows("system_audit_log", result)
    assert kept["status"] == MALFORMED and kept["source_event_id"] == 41
    assert json.loads(kept["new_values"])["event_id"] == 41
    assert_storable(result)


def test_event_without_id_cannot_be_kept():
    with pytest.raises(MalformedEvent, match="event_id"):
        classify_event(event(event_id=None), "erp")
    with pytest.raises(ValueError, match="unknown source database 'nope'"):
        classify_event(event(table_name="materials", operation="DELETE", old_row="{}"), "nope")


def test_long_values_are_cut_with_a_mark_and_still_storable():
    long_key = "K" * 400
    huge = "x" * 70_000
    result = classify_event(
        event(
            table_name="materials",
            pk_value=long_key,
            reason_code="R" * 100,
            old_row=json.dumps({"material_id": "M", "material_description": "a"}),
            new_row=json.dumps({"material_id": "M", "material_description": huge}),
            changed_columns=["material_description"],
        ),
        "erp",
    )
    (audit,) = rows("system_audit_log", result)
    assert len(audit["primary_key_value"]) == 255 and audit["primary_key_value"].endswith(CUT_MARK)
    assert len(audit["reason_code"]) == 64
    assert len(json.loads(audit["new_values"])["material_description"]) == 70_000  # the image keeps it whole
    (column,) = rows("data_change_audit", result)
    assert column["new_value"].endswith(CUT_MARK) and len(column["new_value"].encode()) <= 65535
    assert_storable(result)


def test_classify_events_merges_tables_and_collects_problems():
    merged, problems = classify_events(
        [
            event(event_id=1, table_name="materials", operation="DELETE", old_row='{"material_id": "M"}'),
            event(event_id=2, event_kind="nonsense"),
            event(event_id=3, event_kind="ddl", operation="CREATE INDEX", command_tag="CREATE INDEX"),
        ],
        "erp",
    )
    assert [r["source_event_id"] for r in merged["system_audit_log"]] == [1, 2]
    assert [r["source_event_id"] for r in merged["database_changes"]] == [3]
    assert list(problems) == [2] and problems[2].startswith("event 2:")
