"""Financial: the 8 reporting tables of the finance area, read off the ERP ledger.

The ledger is built by genims_assets/synthetic/erp_finance.py: every business event is a balanced journal entry
whose lines are general_ledger rows (profit_center and journal_entry_lines.factory_id = the plant, cost centres
CC-<plant>-<key>, account codes of its chart: 1100 cash, 1200 receivables, 2100 payables, 1500 plant and machinery;
P&L subtypes operating_revenue, cogs, operating_expense, other_income, tax). The SQL of each table says how it
reads them; the transformations below add the measures that combine the per-database results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, MONTHLY, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import as_dates, bounded, outer, pct, ratio, zero_fill

GRAIN_PRODUCT = ["report_date", "product_id", "factory_id"]
TREND_BAND = 0.02  # cost_trend: stable within 2 % of the 7-day average
ON_TRACK_PCT = 5.0  # budget_vs_actual: on track within 5 % of the year-to-date budget


def factory_names(frame: pd.DataFrame, factories: pd.DataFrame) -> pd.DataFrame:
    """factory_name next to factory_id (master.factories)."""
    return frame.merge(factories[["factory_id", "factory_name"]], on="factory_id", how="left")


# -- profit_and_loss_daily --------------------------------------------------------------------------------------------
PNL_MEASURES = ["revenue", "cogs_amount", "operating_expenses", "other_income", "tax_amount"]


def profit_and_loss_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Margins, operating and net income from the subtype totals; variance against the prorated budget."""
    df = zero_fill(as_dates(frames["erp"], "report_date"), PNL_MEASURES)
    df = factory_names(df, frames["master"]).merge(frames["hcm"], on="department_id", how="left")
    df["gross_margin_amount"] = df["revenue"] - df["cogs_amount"]
    df["gross_margin_pct"] = bounded(pct(df["gross_margin_amount"], df["revenue"]))
    df["operating_income"] = df["gross_margin_amount"] - df["operating_expenses"]
    df["net_income"] = df["operating_income"] + df["other_income"] - df["tax_amount"]
    budget = pd.to_numeric(df["budget_net_income"], errors="coerce")
    df["budget_net_income"] = budget
    df["variance_from_budget"] = df["net_income"] - budget
    df["variance_from_budget_pct"] = bounded(pct(df["variance_from_budget"], budget.abs()))
    return df


# -- cost_analysis_daily ----------------------------------------------------------------------------------------------
COST_MEASURES = [
    "work_orders_count",
    "units_produced",
    "material_cost",
    "labor_cost",
    "overhead_cost",
    "standard_cost",
    "erp_planned_cost",
    "erp_actual_cost",
]


def cost_trend(per_unit: pd.Series, average: pd.Series) -> np.ndarray:
    """up / down when the day's cost per unit is more than 2 % off the 7-day average, else stable; NULL without both."""
    known = per_unit.notna() & average.notna()
    return np.select(
        [known & (per_unit > average * (1 + TREND_BAND)), known & (per_unit < average * (1 - TREND_BAND)), known],
        ["up", "down", "stable"],
        default=None,
    )


def cost_analysis_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """MES work order costs next to their ERP production orders; variance, unit costs and trend."""
    mes = as_dates(frames["mes"], "report_date")
    erp = as_dates(frames["erp"], "report_date")
    df = zero_fill(outer([mes, erp], GRAIN_PRODUCT), COST_MEASURES)
    names = frames["master"]
    products = names[names["kind"] == "product"].rename(columns={"id": "product_id", "name": "product_name"})
    factories = names[names["kind"] == "factory"].rename(columns={"id": "factory_id", "name": "factory_name"})
    df = df.merge(products[["product_id", "product_name"]], on="product_id", how="left")
    df = df.merge(factories[["factory_id", "factory_name"]], on="factory_id", how="left")
    df["actual_cost"] = df["material_cost"] + df["labor_cost"] + df["overhead_cost"]
    df["cost_variance"] = df["actual_cost"] - df["standard_cost"]
    df["cost_variance_pct"] = bounded(pct(df["cost_variance"], df["standard_cost"]))
    df["actual_cost_per_unit"] = ratio(df["actual_cost"], df["units_produced"])
    df["standard_cost_per_unit"] = ratio(df["standard_cost"], df["units_produced"])
    df["cost_per_unit_7d_avg"] = ratio(df["actual_cost_7d"], df["units_7d"])
    df["cost_trend"] = cost_trend(df["actual_cost_per_unit"], df["cost_per_unit_7d_avg"])
    return df.drop(columns=["actual_cost_7d", "units_7d"])


# -- cash_flow_daily --------------------------------------------------------------------------------------------------
CASH_MEASURES = [
    "customer_receipts",
    "other_inflows",
    "supplier_payments",
    "other_outflows",
    "receivables_amount",
    "payables_amount",
    "revenue_90d",
    "purchases_90d",
]


def cash_flow_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Inflows, outflows and net cash flow from the classified cash lines; DSO and DPO from the positions."""
    df = zero_fill(as_dates(frames["erp"], "report_date"), CASH_MEASURES)
    df = factory_names(df, frames["master"])
    df["cash_inflows"] = df["customer_receipts"] + df["other_inflows"]
    df["cash_outflows"] = df["supplier_payments"] + df["other_outflows"]
    df["net_cash_flow"] = df["cash_inflows"] - df["cash_outflows"]
    df["dso_days"] = ratio(df["receivables_amount"], df["revenue_90d"] / 90)
    df["dpo_days"] = ratio(df["payables_amount"], df["purchases_90d"] / 90)
    return df.drop(columns=["revenue_90d", "purchases_90d"])


# -- budget_vs_actual -------------------------------------------------------------------------------------------------
BUDGET_MEASURES = ["budget_amount", "actual_amount", "ytd_budget_amount", "ytd_actual_amount"]


def trend_status(ytd_variance: pd.Series, ytd_variance_pct: pd.Series) -> np.ndarray:
    """on_track within 5 % of the year-to-date budget, else over_budget / under_budget by the variance's sign."""
    return np.select(
        [ytd_variance_pct.abs() <= ON_TRACK_PCT, ytd_variance > 0, ytd_variance < 0],
        ["on_track", "over_budget", "under_budget"],
        default="on_track",
    )


def budget_vs_actual(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Variances of the month and year to date, and the trend status."""
    df = zero_fill(as_dates(frames["erp"], "report_month"), BUDGET_MEASURES)
    df = factory_names(df, frames["master"])
    df["variance_amount"] = df["actual_amount"] - df["budget_amount"]
    df["variance_pct"] = bounded(pct(df["variance_amount"], df["budget_amount"].abs()))
    df["ytd_variance_amount"] = df["ytd_actual_amount"] - df["ytd_budget_amount"]
    df["ytd_variance_pct"] = bounded(pct(df["ytd_variance_amount"], df["ytd_budget_amount"].abs()))
    df["trend_status"] = trend_status(df["ytd_variance_amount"], df["ytd_variance_pct"])
    return df


# -- capex_tracking ---------------------------------------------------------------------------------------------------
SPEND = ["actual_capex_amount", "ytd_actual_capex_amount", "capex_to_date"]
PLAN = ["budget_amount", "ytd_budget_amount"]


def allocate_budget(df: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """The plant's capital budget spread over its assets in proportion to their purchase cost."""
    keys = ["report_month", "factory_id"]
    df = df.merge(plan[keys + PLAN], on=keys, how="left")
    share = ratio(df["purchase_cost"], df.groupby(keys, dropna=False)["purchase_cost"].transform("sum")).fillna(0)
    df["budgeted_capex_amount"] = pd.to_numeric(df["budget_amount"], errors="coerce").fillna(0) * share
    df["ytd_budgeted_capex_amount"] = pd.to_numeric(df["ytd_budget_amount"], errors="coerce").fillna(0) * share
    return df.drop(columns=PLAN)


def depreciate(df: pd.DataFrame) -> pd.DataFrame:
    """Straight line on the acquisition cost over the useful life, from the day the asset entered service."""
    life = pd.to_numeric(df["useful_life_years"], errors="coerce")
    worn_end = ratio(df["age_years_end"], life).clip(0, 1).fillna(0)
    worn_start = ratio(df["age_years_start"], life).clip(0, 1).fillna(0)
    df["accumulated_depreciation_amount"] = df["acquisition_cost"] * worn_end
    df["depreciation_amount"] = df["acquisition_cost"] * (worn_end - worn_start)
    df["book_value_amount"] = df["acquisition_cost"] - df["accumulated_depreciation_amount"]
    df["remaining_life_years"] = life - pd.to_numeric(df["age_years_end"], errors="coerce")
    return df.drop(columns=["age_years_start", "age_years_end"])


def capex_tracking(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """CMMS assets with their capitalised spend (ERP), share of the plant's capital budget and depreciation."""
    assets = zero_fill(as_dates(frames["cmms"], "report_month"), ["purchase_cost"])
    erp = as_dates(frames["erp"], "report_month")
    spend = erp.loc[erp["scope"] == "asset", ["report_month", "asset_id", *SPEND]]
    plan = erp.loc[erp["scope"] == "plant", ["report_month", "factory_id", *PLAN]]
    df = zero_fill(assets.merge(spend, on=["report_month", "asset_id"], how="left"), SPEND)
    df["acquisition_cost"] = df["purchase_cost"] + df["capex_to_date"]
    df = allocate_budget(df, plan)
    df["capex_variance_amount"] = df["actual_capex_amount"] - df["budgeted_capex_amount"]
    df = depreciate(df)
    df = factory_names(df, frames["master"])
    return df.drop(columns=["purchase_cost", "capex_to_date"])


# -- financial_ratios -------------------------------------------------------------------------------------------------
RATIO_INPUTS = [
    "revenue_30d",
    "cogs_30d",
    "operating_expenses_30d",
    "other_income_30d",
    "tax_30d",
    "cash",
    "receivables_amount",
    "inventory_value",
    "current_liabilities_amount",
]
ANNUALISE = 365 / 30


def financial_ratios(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Income of the 30 days, balances at the end of the day, and the ratios between them."""
    df = zero_fill(as_dates(frames["erp"], "report_date"), RATIO_INPUTS)
    df = factory_names(df, frames["master"])
    df["operating_income_30d"] = df["revenue_30d"] - df["cogs_30d"] - df["operating_expenses_30d"]
    df["net_income_30d"] = df["operating_income_30d"] + df["other_income_30d"] - df["tax_30d"]
    df["current_assets_amount"] = df["cash"] + df["receivables_amount"] + df["inventory_value"]
    df["gross_margin_pct"] = bounded(pct(df["revenue_30d"] - df["cogs_30d"], df["revenue_30d"]))
    df["operating_margin_pct"] = bounded(pct(df["operating_income_30d"], df["revenue_30d"]))
    df["net_margin_pct"] = bounded(pct(df["net_income_30d"], df["revenue_30d"]))
    df["current_ratio"] = ratio(df["current_assets_amount"], df["current_liabilities_amount"])
    df["quick_ratio"] = ratio(df["current_assets_amount"] - df["inventory_value"], df["current_liabilities_amount"])
    df["inventory_turnover"] = ratio(df["cogs_30d"] * ANNUALISE, df["average_inventory_30d"])
    df["receivables_turnover"] = ratio(df["revenue_30d"] * ANNUALISE, df["average_receivables_30d"])
    return df.drop(
        columns=[
            "operating_expenses_30d",
            "other_income_30d",
            "tax_30d",
            "cash",
            "average_inventory_30d",
            "average_receivables_30d",
        ]
    )


# -- accounts_receivable_aging / accounts_payable_aging ---------------------------------------------------------------
BUCKETS = ["aging_0_30_amount", "aging_31_60_amount", "aging_61_90_amount", "aging_over_90_amount"]


def accounts_receivable_aging(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Bucket total and weighted age per customer, with names (master) and credit limits (CRM)."""
    df = zero_fill(as_dates(frames["erp"], "report_date"), [*BUCKETS, "overdue_amount", "amount_days"])
    df = df.merge(frames["master"], on="customer_id", how="left").merge(frames["crm"], on="customer_id", how="left")
    df["total_receivable_amount"] = df[BUCKETS].sum(axis=1)
    df["weighted_average_days"] = ratio(df["amount_days"], df["total_receivable_amount"])
    return df.drop(columns=["amount_days"])


def accounts_payable_aging(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Bucket total per supplier, with names (ERP supplier master)."""
    df = zero_fill(as_dates(frames["supplier"], "report_date"), [*BUCKETS, "overdue_amount"])
    df = df.merge(frames["erp"], on="supplier_id", how="left")
    df["total_payable_amount"] = df[BUCKETS].sum(axis=1)
    return df


TABLES = [
    ReportingTable(
        name="profit_and_loss_daily",
        group="finance",
        cadence=DAILY,
        sources=(
            "erp.journal_entry_headers",
            "erp.journal_entry_lines",
            "erp.chart_of_accounts",
            "erp.account_balances",
            "erp.fiscal_periods",
            "erp.cost_centers",
            "erp.general_ledger",
            "hcm.departments",
            "master.factories",
        ),
        description=(
            "One row per plant, department and posting day: the income statement of the lines of posted journal "
            "entries (the general ledger's rows, which carry plant and department), by account subtype. Revenue = "
            "credits - debits on operating revenue accounts; COGS = debits - credits on cost of goods sold accounts "
            "(overhead absorbed reduces it); gross margin = revenue - COGS, gross margin % = gross margin / revenue; "
            "operating expenses = debits - credits on operating expense accounts; operating income = gross margin - "
            "operating expenses; other income = credits - debits on other income accounts; tax = debits - credits "
            "on income tax accounts; net income = operating income + other income - tax. Budget net income = the "
            "period budgets of the income statement accounts (account_balances.period_budget, + for credit-normal, "
            "- for debit-normal accounts) of the department's cost centre, spread evenly over the period's days; "
            "variance = net income - budget, variance % = variance / |budget|. Control: SUM(net_income) per day = "
            "credits - debits of the income statement accounts in general_ledger."
        ),
        transform=profit_and_loss_daily,
        date_column="report_date",
        required_columns=("factory_id", "department_id", "revenue", "cogs_amount", "net_income"),
        control=Control(column="net_income", source="erp"),
    ),
    ReportingTable(
        name="cost_analysis_daily",
        group="finance",
        cadence=DAILY,
        sources=(
            "mes.work_orders",
            "erp.production_orders",
            "erp.materials",
            "master.products",
            "master.factories",
        ),
        description=(
            "One row per product, plant and day: the MES work orders completed (completed or closed) that day. "
            "Units = good quantity; material, labour and overhead cost = the orders' totals; actual cost = their "
            "sum; standard cost = good quantity x standard cost per unit; cost variance = actual - standard "
            "(positive = over standard), variance % = variance / standard; actual and standard cost per unit = "
            "cost / units; 7-day average = actual cost / units of the 7 days before; cost trend = up or down when "
            "the day's cost per unit is more than 2 % above or below that average, else stable. ERP planned and "
            "actual cost = planned_costs and actual_costs of the ERP production orders finished that day. "
            "Control: SUM(actual_cost) per day = actual_costs of the ERP production orders finished that day."
        ),
        transform=cost_analysis_daily,
        date_column="report_date",
        nonnegative_columns=(
            "work_orders_count",
            "units_produced",
            "material_cost",
            "labor_cost",
            "overhead_cost",
            "actual_cost",
            "standard_cost",
        ),
        required_columns=("product_id", "factory_id", "units_produced", "actual_cost", "standard_cost"),
        control=Control(column="actual_cost", source="erp"),
    ),
    ReportingTable(
        name="cash_flow_daily",
        group="finance",
        cadence=DAILY,
        sources=("erp.general_ledger", "erp.chart_of_accounts", "master.factories"),
        description=(
            "One row per plant and day, from the general ledger's cash account (Cash and Bank), opening balances "
            "excluded from the flows. Customer receipts = cash debits of documents that clear receivables; supplier "
            "payments = cash credits of documents that pay accounts payable (paid_amount of the supplier invoices "
            "paid that day); other inflows / outflows = the other cash debits / credits; inflows = receipts + other "
            "inflows, outflows = payments + other outflows, net cash flow = inflows - outflows. Closing cash, "
            "receivables and payables = balances of Cash and Bank, Accounts Receivable and Accounts Payable at the "
            "end of the day. DSO = receivables / (operating revenue of the 90 days ending the day / 90); DPO = "
            "payables / (supplier invoices posted to payables in those 90 days / 90). Control: SUM(net_cash_flow) per "
            "day = the movement of Cash and Bank in general_ledger outside the opening entry."
        ),
        transform=cash_flow_daily,
        date_column="report_date",
        nonnegative_columns=(
            "customer_receipts",
            "other_inflows",
            "cash_inflows",
            "supplier_payments",
            "other_outflows",
            "cash_outflows",
        ),
        required_columns=("factory_id", "cash_inflows", "cash_outflows", "net_cash_flow", "closing_cash_balance"),
        control=Control(column="net_cash_flow", source="erp"),
    ),
    ReportingTable(
        name="budget_vs_actual",
        group="finance",
        cadence=MONTHLY,
        sources=(
            "erp.budget_headers",
            "erp.budget_lines",
            "erp.account_balances",
            "erp.chart_of_accounts",
            "erp.fiscal_periods",
            "erp.cost_centers",
            "erp.general_ledger",
            "master.factories",
        ),
        description=(
            "One row per plant, cost centre and month: the cost budget against the actual cost, over the income "
            "statement's expense accounts (cost of sales, operating expenses, income tax) in the debit direction. "
            "Budget = budget_lines.period_NN of the month (latest approved budget version; a credit-normal expense "
            "account such as overhead absorbed counts negative); actual = period_debit - period_credit of "
            "account_balances; variance = actual - budget (positive = over budget), variance % = variance / |budget|; "
            "year to date = fiscal periods 1 to the month, YTD variance and % likewise; trend status = on_track when "
            "|YTD variance %| <= 5, else over_budget or under_budget by the sign of the YTD variance. Control: "
            "SUM(actual_amount) per month = debits - credits of those accounts in general_ledger."
        ),
        transform=budget_vs_actual,
        date_column="report_month",
        required_columns=("factory_id", "cost_center_id", "budget_amount", "actual_amount", "trend_status"),
        control=Control(column="actual_amount", source="erp"),
    ),
    ReportingTable(
        name="capex_tracking",
        group="finance",
        cadence=MONTHLY,
        sources=(
            "cmms.maintenance_assets",
            "erp.general_ledger",
            "erp.chart_of_accounts",
            "erp.fiscal_periods",
            "erp.budget_headers",
            "erp.budget_lines",
            "erp.cost_centers",
            "master.factories",
        ),
        description=(
            "One row per maintenance asset acquired by the end of the month. Actual capex = spend capitalised on the "
            "asset in the month (general ledger debits - credits on Plant and Machinery with the asset id in "
            "assignment, opening balances excluded); budgeted capex = the plant's capital budget of the month "
            "(budget lines on Plant and Machinery) spread over its assets in proportion to purchase cost; variance = "
            "actual - budgeted; YTD figures from the start of the fiscal year. Acquisition cost = purchase cost + "
            "capitalised spend to date; accumulated depreciation = acquisition cost x min(1, age at the end of the "
            "month / useful life) (straight line from installation); depreciation of the month = acquisition cost x "
            "the share of the useful life elapsed in the month; book value = acquisition cost - accumulated "
            "depreciation; remaining life = useful life - age. Control: SUM(actual_capex_amount) per month = the "
            "capitalised spend of the month in general_ledger."
        ),
        transform=capex_tracking,
        date_column="report_month",
        nonnegative_columns=(
            "budgeted_capex_amount",
            "acquisition_cost",
            "depreciation_amount",
            "accumulated_depreciation_amount",
            "book_value_amount",
        ),
        required_columns=("asset_id", "actual_capex_amount", "acquisition_cost", "book_value_amount"),
        control=Control(column="actual_capex_amount", source="erp"),
    ),
    ReportingTable(
        name="financial_ratios",
        group="finance",
        cadence=DAILY,
        sources=(
            "erp.general_ledger",
            "erp.chart_of_accounts",
            "erp.journal_entry_headers",
            "erp.journal_entry_lines",
            "master.factories",
        ),
        description=(
            "One row per plant and day, from the general ledger with the definitions of profit_and_loss_daily and "
            "cash_flow_daily: revenue, COGS, operating income and net income of the 30 days ending the day; "
            "balances at the end of the day: current assets = cash + receivables + inventory (raw material, work in "
            "process, finished goods), current liabilities = every current liability account (payables, GR/IR, GST, "
            "accruals, income tax, short-term borrowings). Gross / operating / net margin % = (revenue - COGS) / "
            "operating income / net income over revenue; current ratio = current assets / current liabilities; "
            "quick ratio = (current assets - inventory) / current liabilities; inventory turnover = COGS x 365 / 30 / "
            "average inventory of the 30 days; receivables turnover = revenue x 365 / 30 / average receivables of the "
            "30 days (annualised). Control: SUM(revenue_30d) per day = operating revenue of the posted journal entry "
            "lines of the 30 days ending the day."
        ),
        transform=financial_ratios,
        date_column="report_date",
        nonnegative_columns=("inventory_value",),
        required_columns=("factory_id", "revenue_30d", "current_assets_amount", "current_liabilities_amount"),
        control=Control(column="revenue_30d", source="erp"),
        reporting_deps=(
            "profit_and_loss_daily",
            "cash_flow_daily",
            "accounts_receivable_aging",
            "accounts_payable_aging",
        ),
    ),
    ReportingTable(
        name="accounts_receivable_aging",
        group="finance",
        cadence=DAILY,
        sources=("erp.general_ledger", "erp.sales_orders", "master.customers", "crm.accounts"),
        description=(
            "One row per customer with open receivables at the end of the day: Accounts Receivable lines of the "
            "general ledger (assignment = customer) posted by the day and not cleared by it, aged by the day minus "
            "the invoice (document) date into 0-30, 31-60, 61-90 and over 90 days; total = the four buckets; overdue "
            "= items past invoice date + payment terms (of the sales order, else the customer's latest order); "
            "oldest open days = age of the oldest item; weighted average days = sum(amount x age) / total. Credit "
            "limit from CRM. Control: SUM(total_receivable_amount) per day = the Accounts Receivable balance."
        ),
        transform=accounts_receivable_aging,
        date_column="report_date",
        nonnegative_columns=("open_items_count", "oldest_open_days"),
        required_columns=("customer_id", "total_receivable_amount", "overdue_amount"),
        control=Control(column="total_receivable_amount", source="erp"),
    ),
    ReportingTable(
        name="accounts_payable_aging",
        group="finance",
        cadence=DAILY,
        sources=(
            "supplier.supplier_invoices",
            "supplier.three_way_match_log",
            "erp.suppliers",
            "erp.general_ledger",
        ),
        description=(
            "One row per supplier with open invoices at the end of the day: supplier invoices dated by the day and "
            "not paid by it (total amount), aged by the day minus invoice date into 0-30, 31-60, 61-90 and over 90 "
            "days; total = the four buckets; overdue = past due date. On hold = open invoices whose latest match by "
            "the day put them on hold (or, before any match, with payment status on_hold), with their amount; match "
            "exceptions = open invoices whose latest match is an exception outside tolerance, with its variance. "
            "Control: SUM(total_payable_amount) per day = the Accounts Payable balance of the ERP general ledger."
        ),
        transform=accounts_payable_aging,
        date_column="report_date",
        nonnegative_columns=(
            "open_invoices_count",
            *BUCKETS,
            "total_payable_amount",
            "overdue_amount",
            "invoices_on_hold",
            "on_hold_amount",
            "match_exceptions",
            "oldest_open_days",
        ),
        required_columns=("supplier_id", "total_payable_amount", "overdue_amount"),
        control=Control(column="total_payable_amount", source="erp"),
    ),
]
