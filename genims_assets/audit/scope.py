"""What the audit layer captures, and the hints the shipper needs to classify each change: the ONE place.

Read from the real source structure (sql/postgres/<db>.sql, generated from the GenIMS source catalog) and
checked against it by `scope_problems()` (a test runs it), so a renamed table or column fails loudly instead
of silently capturing nothing.

What is captured, and why:

* Every table of master, erp, crm, hcm and supplier (`FULL_SCOPE_DATABASES`): the issue's change tables are
  "changes to" those databases (master_data_changes, financial_data_changes, customer_, personnel_ and
  supplier_data_changes). "Every table" means every table of the database's public schema, present and future:
  the install attaches all present ones (catalog or not) and the DDL event trigger attaches tables created later.
* In every other database, three kinds of tables, named here explicitly:
  - configuration tables (`CONFIG_TABLES`): the rule is "a table of definitions, rules, rates, schedules or
    structure that governs how transactions are processed, changed by people administering the system, not by
    the transactions themselves". Event, telemetry, log, metric and document tables are not configuration. A
    table that mixes both (pm_schedules keeps its next due date, service_queues its live ticket count) is
    configuration, and its `operational_columns` say which updates are day-to-day bookkeeping rather than a
    configuration change (`is_configuration_change`). Tables of master, erp, crm and hcm that are
    configuration are declared too (they are captured anyway; the declaration gives their config area).
  - tables that define a price, cost or rate (`PRICE_COLUMNS`, kind `price_list`): "price and cost columns
    anywhere" means the item masters and rate tables of cmms, service and tms as well; prices on documents
    (order lines, quotes, invoices; kind `document`) are only a price change when they are updated later.
  - portal user tables (`PORTAL_USER_TABLES`): their logins feed login_audit, their role columns
    permission_changes.
* The operational, mes, wms, qms and planning transaction tables are not captured: they are high-volume
  operational records, not sensitive data; their DDL and GRANT/REVOKE are (event triggers cover every database).

Credentials (`REDACTED_COLUMNS`) are captured as changed but their values are replaced by "[redacted]".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from genims_assets.settings import SOURCE_DATABASES
from genims_assets.sqlfiles import source_tables

FULL_SCOPE_DATABASES: frozenset[str] = frozenset({"master", "erp", "crm", "hcm", "supplier"})
"""Source databases (short names) whose every table is captured."""

BULK_ROW_THRESHOLD = 100
"""A statement that changes more rows than this also gets one 'bulk' event (rows affected and a sample)."""

BULK_SAMPLE_ROWS = 5
"""Rows kept in the sample of a 'bulk' or 'truncate' event."""

REDACTED_COLUMNS: tuple[str, ...] = ("password_hash", "password_salt", "verification_token")
"""Credential columns: their changes are captured, their values never (in any table of any database)."""

Reason = Literal["database", "configuration", "price_cost", "portal_users"]


@dataclass(frozen=True)
class ConfigTable:
    short: str
    table: str
    area: str
    # Columns that day-to-day operation updates; an UPDATE changing only these is not a configuration change.
    operational_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriceColumn:
    short: str
    table: str
    column: str
    item_type: str
    item_id_column: str
    currency_column: str | None = None
    currency: str | None = None  # fixed currency when the column name says it (unit_price_usd)
    # price_list: every insert, update and delete is a price change; document: only an update of an existing
    # line (creating an order line with its price is the document, not a price change).
    kind: Literal["price_list", "document"] = "price_list"


@dataclass(frozen=True)
class FinancialTable:
    table: str
    amount_columns: tuple[str, ...]  # first changed one is reported; the first is the default
    document_number_column: str | None = None
    gl_account_column: str | None = None
    fiscal_year_column: str | None = None
    fiscal_period_column: str | None = None
    currency_column: str | None = None


@dataclass(frozen=True)
class CustomerTable:
    table: str
    account_id_column: str | None = None
    customer_id_column: str | None = None
    contact_id_column: str | None = None
    personal_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonnelTable:
    table: str
    employee_id_column: str | None = None
    health_columns: tuple[str, ...] = ()
    compensation_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class SupplierTable:
    table: str
    supplier_id_column: str | None = None
    portal_user_column: str | None = None


@dataclass(frozen=True)
class PortalUserTable:
    short: str
    table: str
    user_type: str  # login_audit.user_type
    user_id_column: str
    username_column: str
    last_login_column: str | None
    login_count_column: str | None
    failed_attempts_column: str | None
    status_column: str | None
    locked_statuses: tuple[str, ...]
    active_column: str | None
    password_columns: tuple[str, ...]
    role_columns: tuple[str, ...]  # changes feed permission_changes


@dataclass(frozen=True)
class MasterEntity:
    table: str
    entity_type: str
    business_key_column: str


def _names(text: str) -> tuple[str, ...]:
    """Column names written as one space-separated string (keeps the declarations below one line each)."""
    return tuple(text.split())


def _config(short: str, area: str, tables: str, operational: str = "") -> list[ConfigTable]:
    return [ConfigTable(short, table, area, ("updated_at", *_names(operational))) for table in _names(tables)]


CONFIG_TABLES: tuple[ConfigTable, ...] = tuple(
    _config("master", "shift_definitions", "shifts")
    + _config("master", "line_routing", "line_product_mapping")
    + _config("master", "sensor_thresholds", "sensors", "calibration_date status")
    + _config("erp", "posting_rules", "gl_posting_rules")
    + _config("erp", "chart_of_accounts", "chart_of_accounts")
    + _config("erp", "cost_centers", "cost_centers")
    + _config("erp", "fiscal_calendar", "fiscal_years fiscal_periods")
    + _config("erp", "exchange_rates", "exchange_rates")
    + _config("erp", "bom_definitions", "bill_of_materials bom_components")
    + _config("erp", "routing_definitions", "routing routing_operations")
    + _config("erp", "work_centers", "work_centers", "utilization_percentage")
    + _config("erp", "quality_plans", "inspection_plans", "next_inspection_date")
    + _config("erp", "quality_plans", "inspection_characteristics")
    + _config("wms", "slotting_rules", "slotting_rules")
    + _config("wms", "sync_mappings", "inventory_sync_mappings", "last_sync_timestamp last_sync_status")
    + _config("wms", "warehouse_layout", "warehouses warehouse_zones warehouse_aisles")
    + _config("tms", "carrier_rates", "carrier_rates")
    + _config("tms", "carrier_services", "carrier_services")
    + _config(
        "cmms",
        "pm_schedules",
        "pm_schedules",
        "last_wo_id last_completed_date last_meter_reading next_due_date next_due_meter_reading",
    )
    + _config("cmms", "failure_codes", "failure_codes")
    + _config("cmms", "work_procedures", "work_procedures")
    + _config("crm", "sales_territories", "sales_territories")
    + _config("service", "sla_definitions", "sla_definitions")
    + _config("service", "escalation_rules", "escalation_rules")
    + _config("service", "resolution_codes", "resolution_codes")
    + _config("service", "queue_routing", "service_queues", "current_ticket_count avg_wait_time_minutes")
    + _config("service", "survey_definitions", "customer_surveys")
    + _config("hcm", "shift_definitions", "shift_schedules")
    + _config("hcm", "leave_policies", "leave_types")
    + _config("hcm", "job_roles", "job_roles")
    + _config("hcm", "role_requirements", "role_skill_requirements training_requirements")
    + _config("hcm", "safety_requirements", "ppe_requirements")
    + _config("hcm", "performance_kpis", "performance_kpis")
    + _config("hcm", "onboarding_checklists", "onboarding_checklists onboarding_checklist_items")
    + _config("qms", "control_plans", "control_plans control_plan_characteristics")
    + _config(
        "qms", "spc_control_limits", "spc_control_charts", "last_data_point_date last_calculation_date cpk cp ppk pp"
    )
)


def _prices(short: str, table: str, item_type: str, item_id: str, columns: str, **kw) -> list[PriceColumn]:
    return [PriceColumn(short, table, column, item_type, item_id, **kw) for column in _names(columns)]


_DOC = {"kind": "document"}
PRICE_COLUMNS: tuple[PriceColumn, ...] = tuple(
    _prices("master", "customer_product_mapping", "customer_price", "product_id", "unit_price_usd", currency="USD")
    + _prices("erp", "materials", "material", "material_id", "standard_cost moving_average_cost last_purchase_price")
    + _prices("erp", "inventory_balances", "material", "material_id", "moving_average_price")
    + _prices("erp", "work_centers", "work_center_rate", "work_center_id", "hourly_rate", currency_column="currency")
    + _prices("erp", "routing_operations", "routing_operation", "operation_id", "price_per_unit")
    + _prices("erp", "exchange_rates", "exchange_rate", "rate_id", "exchange_rate", currency_column="from_currency")
    + _prices("erp", "sales_order_lines", "material", "material_id", "unit_price", **_DOC)
    + _prices("erp", "purchase_order_lines", "material", "material_id", "unit_price", **_DOC)
    + _prices("erp", "goods_receipts", "material", "material_id", "unit_price", **_DOC)
    + _prices("crm", "opportunity_products", "material", "material_id", "list_price unit_price", **_DOC)
    + _prices("crm", "quotation_lines", "material", "material_id", "list_price unit_price", **_DOC)
    + _prices(
        "supplier", "contract_pricing", "contract_price", "material_id", "unit_price", currency_column="currency_code"
    )
    + _prices("supplier", "rfq_lines", "material", "material_id", "target_price", **_DOC)
    + _prices(
        "supplier", "rfq_response_lines", "supplier_quote", "rfq_line_id", "unit_price alternate_unit_price", **_DOC
    )
    + _prices("supplier", "supplier_invoice_lines", "material", "material_id", "unit_price", **_DOC)
    + _prices(
        "hcm", "training_courses", "training_course", "course_id", "cost_per_participant", currency_column="currency"
    )
    + _prices("cmms", "mro_parts", "mro_part", "mro_part_id", "standard_cost")
    + _prices("cmms", "maintenance_technicians", "labor_rate", "technician_id", "hourly_rate overtime_rate")
    + _prices("service", "service_parts", "service_part", "service_part_id", "standard_cost service_price")
    + _prices(
        "tms",
        "carrier_rates",
        "carrier_rate",
        "rate_id",
        "base_rate per_kg_rate fuel_surcharge_pct residential_delivery_charge signature_charge insurance_rate_pct",
        currency_column="currency",
    )
)


def _financial(table: str, amounts: str = "", document: str | None = None, gl_account: str | None = None, **kw):
    return FinancialTable(table, _names(amounts), document, gl_account, **kw)


_PERIOD = {"fiscal_year_column": "fiscal_year", "fiscal_period_column": "fiscal_period"}
FINANCIAL_TABLES: dict[str, FinancialTable] = {
    t.table: t
    for t in (
        _financial(
            "general_ledger",
            "debit_amount credit_amount",
            "document_number",
            "gl_account",
            **_PERIOD,
            currency_column="currency",
        ),
        _financial(
            "journal_entry_headers",
            "total_debit total_credit",
            "journal_number",
            **_PERIOD,
            currency_column="currency_code",
        ),
        _financial(
            "journal_entry_lines",
            "debit_amount credit_amount",
            "journal_entry_id",
            "account_id",
            currency_column="currency_code",
        ),
        _financial(
            "account_balances",
            "ending_balance period_debit period_credit beginning_balance",
            None,
            "account_id",
            **_PERIOD,
        ),
        _financial("budget_headers", "", "budget_code", fiscal_year_column="fiscal_year"),
        _financial("budget_lines", "annual_total", "budget_id", "account_id"),
        _financial("chart_of_accounts", "", None, "account_code", currency_column="currency_code"),
        _financial("gl_posting_rules", "", "rule_code"),
        _financial("cost_centers", "", "cost_center_code"),
        _financial("fiscal_years", fiscal_year_column="fiscal_year"),
        _financial("fiscal_periods", fiscal_year_column="fiscal_year", fiscal_period_column="period_number"),
        _financial("period_close_tasks", **_PERIOD),
        _financial("financial_statements", "", "statement_id", **_PERIOD),
        _financial("exchange_rates", "exchange_rate", currency_column="from_currency"),
        _financial("inter_company_transactions", "amount", "transaction_number", currency_column="currency_code"),
        _financial(
            "purchase_orders", "total_value tax_amount freight_charges", "po_number", currency_column="currency"
        ),
        _financial("purchase_order_lines", "net_price tax_amount", "purchase_order_id", "gl_account"),
        _financial(
            "sales_orders",
            "total_value total_net_value tax_amount freight_charges",
            "sales_order_number",
            currency_column="currency",
        ),
        _financial("sales_order_lines", "net_price tax_amount", "sales_order_id"),
        _financial("goods_receipts", "total_value", "gr_number"),
        _financial("inventory_transactions", "amount", "material_document"),
        _financial("inventory_balances", "stock_value"),
        _financial("production_orders", "actual_costs planned_costs variance_amount", "production_order_number"),
    )
}
"""Financial tables of genims_erp_db (financial_data_changes): amounts, document, GL account, period, currency."""

_CONTACT_PERSONAL = _names(
    "salutation first_name middle_name last_name job_title email phone mobile mailing_address_line1 mailing_city "
    "mailing_state mailing_country mailing_postal_code linkedin_url twitter_handle birthday interests "
    "best_time_to_contact notes"
)
_LEAD_PERSONAL = _names(
    "contact_first_name contact_last_name contact_title email phone mobile address_line1 address_line2 city state "
    "postal_code notes"
)

CUSTOMER_TABLES: dict[str, CustomerTable] = {
    t.table: t
    for t in (
        CustomerTable("accounts", "account_id", "customer_id"),
        CustomerTable("contacts", "account_id", None, "contact_id", _CONTACT_PERSONAL),
        CustomerTable("leads", "converted_to_account_id", None, None, _LEAD_PERSONAL),
        CustomerTable("sales_reps", None, None, None, _names("first_name last_name email phone mobile")),
        CustomerTable("activities", "account_id", None, "contact_id"),
        CustomerTable("cases", "account_id", None, "contact_id"),
        CustomerTable("contracts", "account_id"),
        CustomerTable("customer_interactions", "account_id", None, "contact_id"),
        CustomerTable("campaign_members", None, None, "contact_id"),
        CustomerTable("opportunities", "account_id", None, "primary_contact_id"),
        CustomerTable("quotations", "account_id", None, "contact_id"),
    )
}
"""CRM tables that name an account, customer or contact, and the contact's personal-data columns (GDPR)."""

_HEALTH = "injury_type body_part_affected medical_treatment_required days_away_from_work osha_recordable description"
PERSONNEL_TABLES: dict[str, PersonnelTable] = {
    t.table: t
    for t in (
        PersonnelTable("safety_incidents", "employee_id", health_columns=_names(_HEALTH)),
        # Sick-leave details live in the request's reason and its supporting document.
        PersonnelTable("leave_requests", "employee_id", health_columns=_names("reason supporting_document_url")),
        PersonnelTable("employees", "employee_id", (), _names("annual_salary salary_grade benefits_eligible")),
        PersonnelTable("employee_employment_history", "employee_id", (), _names("previous_salary new_salary")),
        PersonnelTable("succession_planning", "current_incumbent_id"),
    )
}
"""HCM tables with health or compensation columns, or an employee column other than employee_id."""

SUPPLIER_TABLES: dict[str, SupplierTable] = {
    t.table: t
    for t in (
        SupplierTable("supplier_invoices", "supplier_id", "submitted_by"),
        SupplierTable("supplier_portal_users", "supplier_id", "portal_user_id"),
        SupplierTable("rfq_headers", "awarded_to"),
        SupplierTable("quote_comparison", "recommended_supplier_id"),
        SupplierTable("purchase_requisition_lines", "preferred_supplier_id"),
    )
}
"""Supplier tables whose supplier column is not supplier_id, or that name the portal user who acted."""

PORTAL_USER_TABLES: tuple[PortalUserTable, ...] = (
    PortalUserTable(
        short="service",
        table="portal_users",
        user_type="service_portal",
        user_id_column="portal_user_id",
        username_column="username",
        last_login_column="last_login_datetime",
        login_count_column="login_count",
        failed_attempts_column=None,
        status_column="user_status",
        locked_statuses=("locked", "suspended"),
        active_column=None,
        password_columns=("password_hash", "password_salt"),
        role_columns=("user_status", "email_verified"),
    ),
    PortalUserTable(
        short="supplier",
        table="supplier_portal_users",
        user_type="supplier_portal",
        user_id_column="portal_user_id",
        username_column="user_email",
        last_login_column="last_login",
        login_count_column="login_count",
        failed_attempts_column=None,
        status_column=None,
        locked_statuses=(),
        active_column="is_active",
        password_columns=("password_hash",),
        role_columns=_names(
            "user_role can_view_rfqs can_submit_quotes can_view_pos can_submit_invoices can_view_payments "
            "can_view_performance is_active password_reset_required"
        ),
    ),
)
"""Portal user tables: login columns for login_audit, role/permission columns for permission_changes."""

MASTER_ENTITIES: dict[str, MasterEntity] = {
    m.table: m
    for m in (
        MasterEntity("customers", "customer", "customer_code"),
        MasterEntity("products", "product", "product_code"),
        MasterEntity("machines", "machine", "machine_code"),
        MasterEntity("factories", "factory", "factory_id"),
        MasterEntity("production_lines", "line", "line_id"),
        MasterEntity("employees", "employee", "employee_code"),
        MasterEntity("shifts", "shift", "shift_code"),
        MasterEntity("sensors", "sensor", "sensor_code"),
        MasterEntity("customer_product_mapping", "customer_product", "mapping_id"),
        MasterEntity("line_product_mapping", "line_product", "mapping_id"),
    )
}
"""Every table of genims_master_db: entity type and business key (master_data_changes)."""

DATABASE_CHANGE_TABLES: dict[str, str] = {
    "master": "master_data_changes",
    "crm": "customer_data_changes",
    "hcm": "personnel_data_changes",
    "supplier": "supplier_data_changes",
}
"""Audit table fed by every row change of a database (erp feeds financial_data_changes per table)."""


def _check_short(short: str) -> None:
    if short not in SOURCE_DATABASES:
        raise ValueError(f"unknown source database {short!r}; known: {', '.join(SOURCE_DATABASES)}")


@cache
def declared_tables(short: str) -> dict[str, tuple[Reason, ...]]:
    """Tables this scope names for one database (catalog tables for a full-scope one) -> why they are captured."""
    _check_short(short)
    reasons: dict[str, list[Reason]] = {}
    if short in FULL_SCOPE_DATABASES:
        for table in source_tables(SOURCE_DATABASES[short]):
            reasons.setdefault(table, []).append("database")
    for config in CONFIG_TABLES:
        if config.short == short:
            reasons.setdefault(config.table, []).append("configuration")
    for price in PRICE_COLUMNS:
        if price.short == short and "price_cost" not in reasons.get(price.table, []):
            reasons.setdefault(price.table, []).append("price_cost")
    for portal in PORTAL_USER_TABLES:
        if portal.short == short:
            reasons.setdefault(portal.table, []).append("portal_users")
    return {table: tuple(why) for table, why in sorted(reasons.items())}


@dataclass(frozen=True)
class CapturePlan:
    short: str
    captured: dict[str, tuple[Reason, ...]]  # present tables to capture -> reasons
    absent: tuple[str, ...]  # declared tables the database does not have


def capture_plan(short: str, present_tables: Iterable[str]) -> CapturePlan:
    """Which of a database's present (public) tables to capture, and which declared ones are missing."""
    declared = declared_tables(short)
    present = set(present_tables)
    captured = {table: why for table, why in declared.items() if table in present}
    if short in FULL_SCOPE_DATABASES:
        captured.update({table: ("database",) for table in present if table not in declared})
    absent = tuple(sorted(set(declared) - present))
    return CapturePlan(short, dict(sorted(captured.items())), absent)


def redacted_columns(short: str, table: str) -> tuple[str, ...]:
    """Credential columns of a table whose values the triggers replace (the default list plus portal passwords)."""
    extra = [c for p in PORTAL_USER_TABLES if (p.short, p.table) == (short, table) for c in p.password_columns]
    return tuple(dict.fromkeys([*REDACTED_COLUMNS, *extra]))


def config_table(short: str, table: str) -> ConfigTable | None:
    return next((c for c in CONFIG_TABLES if (c.short, c.table) == (short, table)), None)


def is_configuration_change(short: str, table: str, operation: str, changed_columns: Iterable[str]) -> bool:
    """True when a row event on this table is a configuration change (configuration_changes)."""
    config = config_table(short, table)
    if config is None:
        return False
    if operation != "UPDATE":
        return True
    return bool(set(changed_columns) - set(config.operational_columns))


def price_columns(short: str, table: str) -> tuple[PriceColumn, ...]:
    return tuple(p for p in PRICE_COLUMNS if (p.short, p.table) == (short, table))


def portal_user_table(short: str, table: str) -> PortalUserTable | None:
    return next((p for p in PORTAL_USER_TABLES if (p.short, p.table) == (short, table)), None)


def financial_table(short: str, table: str) -> FinancialTable | None:
    return FINANCIAL_TABLES.get(table) if short == "erp" else None


def customer_table(short: str, table: str) -> CustomerTable | None:
    return CUSTOMER_TABLES.get(table) if short == "crm" else None


def personnel_table(short: str, table: str) -> PersonnelTable | None:
    """HCM hints; a table not listed that has employee_id gets that as its employee column."""
    if short != "hcm":
        return None
    if table in PERSONNEL_TABLES:
        return PERSONNEL_TABLES[table]
    columns = source_tables(SOURCE_DATABASES["hcm"]).get(table)
    has_employee = columns is not None and "employee_id" in columns.column_names
    return PersonnelTable(table, "employee_id" if has_employee else None)


def supplier_table(short: str, table: str) -> SupplierTable | None:
    """Supplier hints; a table not listed that has supplier_id gets that as its supplier column."""
    if short != "supplier":
        return None
    if table in SUPPLIER_TABLES:
        return SUPPLIER_TABLES[table]
    columns = source_tables(SOURCE_DATABASES["supplier"]).get(table)
    has_supplier = columns is not None and "supplier_id" in columns.column_names
    return SupplierTable(table, "supplier_id" if has_supplier else None)


def master_entity(short: str, table: str) -> MasterEntity | None:
    return MASTER_ENTITIES.get(table) if short == "master" else None


def change_tables(short: str, table: str) -> tuple[str, ...]:
    """Audit tables a row event of this table feeds besides system_audit_log and data_change_audit."""
    targets = []
    if short in DATABASE_CHANGE_TABLES:
        targets.append(DATABASE_CHANGE_TABLES[short])
    if financial_table(short, table):
        targets.append("financial_data_changes")
    if config_table(short, table):
        targets.append("configuration_changes")
    if price_columns(short, table):
        targets.append("price_cost_changes")
    if portal_user_table(short, table):
        targets += ["login_audit", "permission_changes"]
    return tuple(targets)


def scope_problems() -> list[str]:
    """Every table and column this module names, checked against sql/postgres/<db>.sql; [] when consistent."""
    problems: list[str] = []

    def need(short: str, table: str, *columns: str | None) -> None:
        tables = source_tables(SOURCE_DATABASES[short])
        if table not in tables:
            problems.append(f"{short}.{table}: no such table")
            return
        for column in columns:
            if column is not None and column not in tables[table].column_names:
                problems.append(f"{short}.{table}.{column}: no such column")

    for c in CONFIG_TABLES:
        need(c.short, c.table, *(col for col in c.operational_columns if col != "updated_at"))
    for p in PRICE_COLUMNS:
        need(p.short, p.table, p.column, p.item_id_column, p.currency_column)
    for f in FINANCIAL_TABLES.values():
        need(
            "erp",
            f.table,
            *f.amount_columns,
            f.document_number_column,
            f.gl_account_column,
            f.fiscal_year_column,
            f.fiscal_period_column,
            f.currency_column,
        )
    for t in CUSTOMER_TABLES.values():
        need("crm", t.table, t.account_id_column, t.customer_id_column, t.contact_id_column, *t.personal_columns)
    for t in PERSONNEL_TABLES.values():
        need("hcm", t.table, t.employee_id_column, *t.health_columns, *t.compensation_columns)
    for t in SUPPLIER_TABLES.values():
        need("supplier", t.table, t.supplier_id_column, t.portal_user_column)
    for p in PORTAL_USER_TABLES:
        need(
            p.short,
            p.table,
            p.user_id_column,
            p.username_column,
            p.last_login_column,
            p.login_count_column,
            p.failed_attempts_column,
            p.status_column,
            p.active_column,
            *p.password_columns,
            *p.role_columns,
        )
    for m in MASTER_ENTITIES.values():
        need("master", m.table, m.business_key_column)
    missing_master = set(source_tables(SOURCE_DATABASES["master"])) - set(MASTER_ENTITIES)
    problems += [f"master.{table}: no entity type declared" for table in sorted(missing_master)]
    for short in FULL_SCOPE_DATABASES | set(DATABASE_CHANGE_TABLES):
        if short not in SOURCE_DATABASES:
            problems.append(f"{short}: not a source database")
    return problems
