"""The SQL files: source DDL equal to the GenIMS catalog; MySQL schema equal to TABLES.md's binding names."""

from __future__ import annotations

import json
import re

import pytest

from genims_assets.platform_setup.mysql_schema import AUDIT, REPORTING
from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import read_sql, source_tables
from genims_assets_tests.conftest import SHARED

CATALOG = SHARED / "reference" / "genims_source_catalog.json"
TABLES_MD = SHARED / "spec" / "TABLES.md"

# The binding names of TABLES.md (also checked against the file itself where it is present).
REPORTING_TABLES = {
    "machine_performance_daily",
    "production_summary_daily",
    "downtime_summary_daily",
    "quality_summary_daily",
    "labor_efficiency_daily",
    "energy_consumption_daily",
    "safety_compliance_daily",
    "maintenance_performance_daily",
    "sales_order_summary",
    "customer_performance",
    "product_sales_performance",
    "delivery_performance",
    "sales_pipeline_summary",
    "customer_service_summary",
    "returns_warranty_summary",
    "profit_and_loss_daily",
    "cost_analysis_daily",
    "cash_flow_daily",
    "budget_vs_actual",
    "capex_tracking",
    "financial_ratios",
    "accounts_receivable_aging",
    "accounts_payable_aging",
    "inventory_value_summary",
    "material_flow_daily",
    "purchase_order_performance",
    "finished_goods_warehouse",
    "raw_material_warehouse",
    "work_in_process",
    "demand_forecast_vs_actual",
    "supplier_performance_summary",
    "warehouse_operations_daily",
    "freight_cost_daily",
    "mrp_shortage_summary",
    "inventory_reconciliation_summary",
}
PLATFORM_TABLES = {"etl_sync_log", "data_quality_metrics"}
AUDIT_TABLES = {
    "system_audit_log",
    "user_activity_log",
    "login_audit",
    "database_changes",
    "permission_changes",
    "configuration_changes",
    "security_events",
    "backup_recovery",
    "data_access_log",
    "job_execution_audit",
    "data_change_audit",
    "bulk_operation_audit",
    "financial_data_changes",
    "master_data_changes",
    "price_cost_changes",
    "customer_data_changes",
    "personnel_data_changes",
    "supplier_data_changes",
    "sla_compliance_tracking",
    "gdpr_data_request_log",
    "legal_hold_tracking",
    "sox_compliance_log",
    "hipaa_compliance_log",
    "audit_trail_completeness",
    "audit_report_schedule",
    "audit_sequence_manager",
    "audit_etl_sync_log",
    "retention_policy_log",
    "archive_manifest",
    "integrity_verification_log",
}


def test_the_binding_lists_match_tables_md():
    if not TABLES_MD.is_file():
        pytest.skip(f"{TABLES_MD} is not beside this checkout (it is in CI)")
    text = TABLES_MD.read_text()
    reporting_part, audit_part = text.split("## Audit database")
    names = lambda part: set(re.findall(r"^\| ([a-z_]+) \|", part, re.M)) - {"table"}  # noqa: E731
    assert names(reporting_part) == REPORTING_TABLES | PLATFORM_TABLES
    assert names(audit_part) == AUDIT_TABLES
    assert (len(REPORTING_TABLES), len(AUDIT_TABLES)) == (35, 30)


def test_source_ddl_is_the_catalog():
    if not CATALOG.is_file():
        pytest.skip(f"{CATALOG} is not beside this checkout (it is in CI)")
    catalog = json.loads(CATALOG.read_text())["databases"]
    assert set(catalog) == set(SOURCE_DATABASES.values())
    total = 0
    for database, tables in catalog.items():
        ours = source_tables(database)
        assert set(ours) == {t["table"] for t in tables}, database
        for table in tables:
            mine = ours[table["table"]]
            assert mine.column_names == tuple(c["name"] for c in table["columns"]), (database, table["table"])
            assert mine.primary_key == tuple(table["primary_key"]), (database, table["table"])
            for column, theirs in zip(mine.columns, table["columns"], strict=True):
                if not theirs.get("default", "").startswith("nextval("):
                    assert column.type == theirs["type"], (database, table["table"], column.name)
        total += len(tables)
    assert total == 256


def test_mysql_schema_has_exactly_the_binding_tables():
    assert set(REPORTING.tables()) == REPORTING_TABLES | PLATFORM_TABLES
    assert set(AUDIT.tables()) == AUDIT_TABLES


@pytest.mark.parametrize("layer", [REPORTING, AUDIT], ids=["reporting", "audit"])
def test_mysql_schema_rules(layer):
    text = read_sql("mysql", layer.schema_file)
    assert "FOREIGN KEY" not in text.upper() and not re.search(r"\bREFERENCES\s+\w+\s*\(", text, re.I)
    assert "SYSTEM VERSIONING" not in text.upper()
    statements = layer.create_statements()
    for name, table in layer.tables().items():
        assert "CHARSET=utf8mb4" in statements[name], name
        assert table.primary_key, f"{name} has no primary key"
        if table.partition_column:
            assert table.partition_column in table.primary_key, f"{name}: PK must include {table.partition_column}"
            assert "PARTITION pmax VALUES LESS THAN (MAXVALUE)" in statements[name], name
    for index in layer.indexes():
        assert index.table in layer.tables(), index
        assert set(index.columns) <= set(layer.tables()[index.table].column_names), index


def test_reporting_tables_carry_updated_at_and_daily_tables_are_partitioned():
    tables = REPORTING.tables()
    for name in REPORTING_TABLES:
        assert "updated_at" in tables[name].column_names, name
        if "report_date" in tables[name].column_names:
            assert tables[name].partition_column == "report_date", name


def test_audit_tables_carry_sequence_timestamp_hash_and_are_partitioned():
    for name, table in AUDIT.tables().items():
        columns = table.column_names
        assert any(c.endswith("_sequence") for c in columns), name
        assert "created_at" in columns, name
        if name != "audit_sequence_manager":
            assert "row_hash" in columns, name
            assert table.partition_column, f"{name} must be partitioned on its event time"
    indexed = {(i.table, i.columns) for i in AUDIT.indexes()}
    assert ("system_audit_log", ("table_name", "audit_timestamp")) in indexed
    assert ("system_audit_log", ("user_id", "audit_timestamp")) in indexed
    assert ("user_activity_log", ("activity_type", "activity_timestamp")) in indexed
