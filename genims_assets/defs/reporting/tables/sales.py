"""Sales and revenue: the 7 reporting tables of the sales area.

Orders, lines and receivables come from the ERP (booked = order and line not cancelled, line not deleted; revenue =
net_price, net of discount and without tax; cost = order_quantity x the material's standard_cost), deliveries and
return orders from the TMS, reps, accounts, opportunities and forecasts from the CRM, tickets, RMAs, warranty claims
and surveys from the service database. The SQL of each table says how it reads them; the transformations below join
the per-database results on the grain and add the measures that combine them. Cross-database keys follow the
generators: crm.accounts.account_id = master customer_id, an order's rep = the crm.sales_reps row whose employee_id
is the order's created_by, service and TMS returns name products by their (unique) master product name.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, MONTHLY, YEAR_TO_DATE, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import (
    UNASSIGNED,
    as_dates,
    as_int,
    bounded,
    grain_ids,
    outer,
    pct,
    ratio,
    zero_fill,
)

CHURN_HORIZON_DAYS = 180  # derived churn score: 100 when the last order is this old (or there is none)


def unique_map(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """key -> value of a dimension frame (first row per key; rows without a key are ignored)."""
    rows = frame.dropna(subset=[key]).drop_duplicates(key)
    return pd.Series(rows[value].to_numpy(), index=rows[key].to_numpy())


def month_start(values: pd.Series, months: int = 0) -> pd.Series:
    """The first day of the month (shifted by `months`), as datetime.date."""
    first = pd.to_datetime(values).dt.to_period("M").dt.to_timestamp()
    return (first + pd.DateOffset(months=months)).dt.date


# -- sales_order_summary ----------------------------------------------------------------------------------------------
GRAIN_ORDERS = ["report_date", "customer_id", "sales_rep_id"]
ORDER_MEASURES = ["order_count", "order_line_count", "units_ordered", "revenue", "cogs_amount"]
DELIVERY_MEASURES = ["deliveries_count", "on_time_deliveries", "accepted_deliveries"]


def order_reps(orders: pd.DataFrame, reps: pd.DataFrame) -> pd.Series:
    """The rep of each order group: the creator's rep (employee_id), else the account owner, else UNASSIGNED."""
    by_employee = unique_map(reps, "employee_id", "sales_rep_id")
    by_customer = unique_map(reps, "customer_id", "sales_rep_id")
    rep = orders["employee_id"].map(by_employee).astype("object")
    return rep.fillna(orders["customer_id"].map(by_customer)).fillna(UNASSIGNED).astype("object")


def order_deliveries(orders: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    """Deliveries of each group's orders (the tms counts per order, summed over the orders of the group)."""
    per_order = orders[[*GRAIN_ORDERS, "order_ids"]].explode("order_ids")
    per_order = per_order.rename(columns={"order_ids": "sales_order_id"})
    merged = zero_fill(per_order.merge(deliveries, on="sales_order_id", how="inner"), DELIVERY_MEASURES)
    return merged.groupby(GRAIN_ORDERS, as_index=False)[DELIVERY_MEASURES].sum()


def sales_order_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    orders = grain_ids(as_dates(frames["erp"], "report_date"), ["customer_id"])
    orders["sales_rep_id"] = order_reps(orders, frames["crm"])
    df = zero_fill(orders, ORDER_MEASURES).groupby(GRAIN_ORDERS, as_index=False)[ORDER_MEASURES].sum()
    df = zero_fill(df.merge(order_deliveries(orders, frames["tms"]), on=GRAIN_ORDERS, how="left"), DELIVERY_MEASURES)
    reps = frames["crm"].dropna(subset=["sales_rep_id"]).drop_duplicates("sales_rep_id")
    df = df.merge(reps[["sales_rep_id", "sales_rep_name", "territory_id"]], on="sales_rep_id", how="left")
    df = df.merge(frames["master"][["customer_id", "customer_name", "customer_type"]], on="customer_id", how="left")
    df["average_order_value"] = ratio(df["revenue"], df["order_count"])
    df["margin_amount"] = df["revenue"] - df["cogs_amount"]
    df["margin_pct"] = bounded(pct(df["margin_amount"], df["revenue"]))
    df["on_time_delivery_pct"] = pct(df["on_time_deliveries"], df["deliveries_count"])
    df["quality_acceptance_pct"] = pct(df["accepted_deliveries"], df["deliveries_count"])
    return as_int(df, ["order_count", "order_line_count", *DELIVERY_MEASURES])


# -- customer_performance ---------------------------------------------------------------------------------------------
GRAIN_CUSTOMER = ["customer_id", "factory_id", "product_category"]
CUSTOMER_COUNTS = ["receivables_paid", "payment_days", "receivables_with_terms", "paid_on_time"]
SURVEY_COUNTS = ["survey_responses", "promoters", "detractors"]


def dimension(master: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One kind of the master dimension list (customer, factory, product): id, name, attribute."""
    return master.loc[master["kind"] == kind, ["id", "name", "attribute"]].drop_duplicates("id")


def customer_sales(erp: pd.DataFrame, category: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """YTD sales per grain, and the plant of each (customer, product, order) for the returns."""
    lines = erp[erp["order_ids"].map(len) > 0].copy()
    lines["product_category"] = lines["product_id"].map(category)
    lines = grain_ids(lines, GRAIN_CUSTOMER)
    sums = zero_fill(lines, ["ytd_sales_amount", "ytd_units"])
    sums = sums.groupby(GRAIN_CUSTOMER, as_index=False)[["ytd_sales_amount", "ytd_units"]].sum()
    per_order = lines[[*GRAIN_CUSTOMER, "product_id", "order_ids"]].explode("order_ids")
    orders = per_order.drop_duplicates([*GRAIN_CUSTOMER, "order_ids"]).groupby(GRAIN_CUSTOMER).size()
    sums = sums.merge(orders.rename("ytd_order_count").reset_index(), on=GRAIN_CUSTOMER, how="left")
    plants = per_order.rename(columns={"order_ids": "sales_order_id"})[
        ["customer_id", "product_id", "sales_order_id", "factory_id"]
    ].dropna(subset=["product_id", "sales_order_id"])
    return sums, plants.drop_duplicates(["customer_id", "product_id", "sales_order_id"])


def customer_returns(
    service: pd.DataFrame, product_of_name: pd.Series, category: pd.Series, plants: pd.DataFrame
) -> pd.DataFrame:
    """YTD RMAs per grain: the factory is the plant of the returned product's line in the referenced order."""
    returns = service[service["rma_ids"].map(len) > 0].copy()
    returns["product_id"] = returns["product_name"].map(product_of_name)
    returns["product_category"] = returns["product_id"].map(category)
    returns = returns.merge(plants, on=["customer_id", "product_id", "sales_order_id"], how="left")
    returns = grain_ids(returns, GRAIN_CUSTOMER)
    units = zero_fill(returns, ["ytd_units_returned"]).groupby(GRAIN_CUSTOMER)["ytd_units_returned"].sum()
    rmas = returns[[*GRAIN_CUSTOMER, "rma_ids"]].explode("rma_ids").drop_duplicates()
    counts = rmas.groupby(GRAIN_CUSTOMER).size().rename("ytd_returns_count")
    return pd.concat([units, counts], axis=1).reset_index()


def churn(customers: pd.DataFrame, crm: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """churn_risk and churn_risk_score: the CRM's (score = 100 - health_score), else derived from order recency."""
    customers = customers.merge(crm, on="customer_id", how="left")
    last = pd.to_datetime(customers["last_order_date"])
    idle = (pd.Timestamp(as_of) - last).dt.days.astype(float).fillna(CHURN_HORIZON_DAYS)
    derived = (idle / CHURN_HORIZON_DAYS * 100).clip(0, 100)
    known = customers["churn_risk"].notna()
    health = pd.to_numeric(customers["health_score"], errors="coerce")
    customers["churn_risk_score"] = np.where(known & health.notna(), 100 - health, derived)
    customers["churn_risk"] = customers["churn_risk"].where(
        known, np.select([derived < 100 / 3, derived < 200 / 3], ["low", "medium"], "high")
    )
    return customers.drop(columns=["health_score"])


def customer_level(erp: pd.DataFrame, service: pd.DataFrame, crm: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per customer: receivables paid, NPS answers, latest order and churn (the same on each of its rows)."""
    paid = zero_fill(erp.drop_duplicates("customer_id")[["customer_id", *CUSTOMER_COUNTS]], CUSTOMER_COUNTS)
    surveys = zero_fill(service.drop_duplicates("customer_id")[["customer_id", *SURVEY_COUNTS]], SURVEY_COUNTS)
    last = erp.groupby("customer_id")["last_order_date"].max().reset_index()
    customers = zero_fill(outer([paid, surveys, last], ["customer_id"]), CUSTOMER_COUNTS + SURVEY_COUNTS)
    customers = churn(customers, crm, as_of)
    customers["average_payment_days"] = ratio(customers["payment_days"], customers["receivables_paid"])
    customers["payment_reliability_pct"] = pct(customers["paid_on_time"], customers["receivables_with_terms"])
    customers["nps_score"] = pct(customers["promoters"] - customers["detractors"], customers["survey_responses"])
    return customers.drop(columns=[*CUSTOMER_COUNTS, "promoters", "detractors"])


def customer_performance(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    master, as_of = frames["master"], window.as_of.date()
    products = dimension(master, "product")
    category = unique_map(products, "id", "attribute")
    erp = grain_ids(frames["erp"].copy(), ["customer_id"])
    service = grain_ids(frames["service"].copy(), ["customer_id"])
    sales, plants = customer_sales(erp, category)
    returns = customer_returns(service, unique_map(products, "name", "id"), category, plants)
    df = outer([sales, returns], GRAIN_CUSTOMER)
    customers = customer_level(erp, service, frames["crm"], as_of)
    alone = customers.loc[~customers["customer_id"].isin(df["customer_id"]), ["customer_id"]]
    df = pd.concat([df, alone.assign(factory_id=UNASSIGNED, product_category=UNASSIGNED)], ignore_index=True)
    df = zero_fill(df, ["ytd_sales_amount", "ytd_units", "ytd_order_count", "ytd_units_returned", "ytd_returns_count"])
    df = df.merge(customers, on="customer_id", how="left")
    names = dimension(master, "customer").rename(columns={"id": "customer_id", "name": "customer_name"})
    factories = dimension(master, "factory").rename(columns={"id": "factory_id", "name": "factory_name"})
    df = df.merge(names.rename(columns={"attribute": "customer_type"}), on="customer_id", how="left")
    df = df.merge(factories.drop(columns="attribute"), on="factory_id", how="left")
    df["snapshot_date"], df["fiscal_year"] = as_of, as_of.year
    df["average_order_value"] = ratio(df["ytd_sales_amount"], df["ytd_order_count"])
    df["return_rate_pct"] = bounded(pct(df["ytd_units_returned"], df["ytd_units"]))
    return as_int(df, ["ytd_order_count", "ytd_returns_count", "survey_responses"])


# -- product_sales_performance ----------------------------------------------------------------------------------------
GRAIN_PRODUCT_MONTH = ["report_month", "product_id"]
PRODUCT_MEASURES = ["order_count", "customer_count", "units_sold", "revenue", "cogs_amount"]


def product_sales_performance(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    sales = zero_fill(grain_ids(as_dates(frames["erp"], "report_month"), ["product_id"]), PRODUCT_MEASURES)
    sales = sales.groupby(GRAIN_PRODUCT_MONTH, as_index=False)[PRODUCT_MEASURES].sum()
    prior = sales[[*GRAIN_PRODUCT_MONTH, "revenue", "units_sold"]].rename(
        columns={"revenue": "revenue_prior_month", "units_sold": "units_prior_month"}
    )
    prior["report_month"] = month_start(prior["report_month"], months=1)
    in_window = (sales["report_month"] >= window.start.date()) & (sales["report_month"] < window.end.date())
    forecast = grain_ids(as_dates(frames["crm"], "report_month"), ["product_id"])
    df = zero_fill(outer([sales[in_window], forecast], GRAIN_PRODUCT_MONTH), PRODUCT_MEASURES)
    df = zero_fill(df.merge(prior, on=GRAIN_PRODUCT_MONTH, how="left"), ["revenue_prior_month", "units_prior_month"])
    df = df.merge(frames["master"], on="product_id", how="left")
    df["gross_margin_amount"] = df["revenue"] - df["cogs_amount"]
    df["gross_margin_pct"] = bounded(pct(df["gross_margin_amount"], df["revenue"]))
    df["average_selling_price"] = ratio(df["revenue"], df["units_sold"])
    growth = df["revenue"] - df["revenue_prior_month"]
    df["revenue_growth_mom_pct"] = bounded(pct(growth, df["revenue_prior_month"]))
    df["units_growth_mom_pct"] = bounded(pct(df["units_sold"] - df["units_prior_month"], df["units_prior_month"]))
    return as_int(df, ["order_count", "customer_count"])


# -- delivery_performance ---------------------------------------------------------------------------------------------
DELIVERY_COUNTS = [
    "shipments_count",
    "deliveries_count",
    "on_time_deliveries",
    "early_deliveries",
    "late_deliveries",
    "failed_deliveries",
    "pod_count",
    "damaged_deliveries",
    "carriers_used",
    "shipments_delivered",
    "shipments_by_estimate",
]


def delivery_performance(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = grain_ids(as_dates(frames["tms"], "report_date"), ["factory_id"])
    df = zero_fill(df, [*DELIVERY_COUNTS, "delivery_cost"])
    df = df.merge(frames["master"], on="factory_id", how="left")
    df["on_time_delivery_pct"] = pct(df["on_time_deliveries"] + df["early_deliveries"], df["deliveries_count"])
    df["cost_per_delivery"] = ratio(df["delivery_cost"], df["deliveries_count"])
    df["damage_rate_pct"] = pct(df["damaged_deliveries"], df["pod_count"])
    df["carrier_on_time_pct"] = pct(df["shipments_by_estimate"], df["shipments_delivered"])
    return as_int(df, DELIVERY_COUNTS).drop(columns=["shipments_delivered", "shipments_by_estimate"])


# -- sales_pipeline_summary -------------------------------------------------------------------------------------------
PIPELINE_COUNTS = ["open_opportunities", "opportunities_won", "opportunities_lost", "quotations_issued"]


def sales_pipeline_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = grain_ids(as_dates(frames["crm"], "report_date"), ["sales_rep_id", "territory_id"])
    df = zero_fill(df, [*PIPELINE_COUNTS, "won_90d", "closed_90d", "conversion_days"])
    df["win_rate_pct"] = pct(df["opportunities_won"], df["opportunities_won"] + df["opportunities_lost"])
    df["win_rate_rolling_90d_pct"] = pct(df["won_90d"], df["closed_90d"])
    df["avg_conversion_days"] = ratio(df["conversion_days"], df["opportunities_won"])
    return as_int(df, PIPELINE_COUNTS).drop(columns=["won_90d", "closed_90d", "conversion_days"])


# -- customer_service_summary -----------------------------------------------------------------------------------------
SERVICE_COUNTS = [
    "tickets_opened",
    "tickets_closed",
    "open_tickets",
    "critical_tickets",
    "tickets_responded",
    "response_sla_met",
    "resolution_sla_met",
    "escalations",
    "reopened_tickets",
]


def customer_service_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = zero_fill(grain_ids(as_dates(frames["service"], "report_date"), ["customer_id"]), SERVICE_COUNTS)
    df = df.merge(frames["crm"].drop_duplicates("customer_id"), on="customer_id", how="left")
    df["response_sla_met_pct"] = pct(df["response_sla_met"], df["tickets_responded"])
    df["sla_met_pct"] = pct(df["resolution_sla_met"], df["tickets_closed"])
    return as_int(df, SERVICE_COUNTS).drop(columns=["tickets_responded"])


# -- returns_warranty_summary -----------------------------------------------------------------------------------------
GRAIN_PRODUCT_DAY = ["report_date", "product_id"]
RETURN_MEASURES = [
    "rma_count",
    "units_returned",
    "rma_refund_amount",
    "units_returned_90d",
    "warranty_claims_count",
    "warranty_claims_approved",
    "claim_cost",
    "warranty_covered_amount",
    "return_orders_count",
    "return_refund_amount",
    "units_sold",
    "units_sold_90d",
]
RETURN_COUNTS = ["rma_count", "return_orders_count", "warranty_claims_count", "warranty_claims_approved"]


def by_product_name(frame: pd.DataFrame, product_of_name: pd.Series) -> pd.DataFrame:
    """A per-product-name frame keyed by product_id (UNASSIGNED for a name master.products does not know)."""
    frame = as_dates(frame.copy(), "report_date")
    frame["product_id"] = frame["product_name"].map(product_of_name)
    return grain_ids(frame, ["product_id"]).drop(columns=["product_name"])


def per_product_day(frame: pd.DataFrame) -> pd.DataFrame:
    """The measures of one source summed per product and day (names unknown to master share UNASSIGNED)."""
    measures = [c for c in RETURN_MEASURES if c in frame.columns]
    return zero_fill(frame, measures).groupby(GRAIN_PRODUCT_DAY, as_index=False)[measures].sum()


def top_reason(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The most frequent return reason per product and day over JSON {reason: count} columns (ties: alphabetical)."""
    parts = []
    for column in columns:
        counts = frame.set_index(GRAIN_PRODUCT_DAY)[column].dropna().map(json.loads)
        if len(counts):
            parts.append(counts.apply(pd.Series).stack().rename("n"))
    if not parts:
        return pd.DataFrame(columns=[*GRAIN_PRODUCT_DAY, "top_return_reason"])
    long = pd.concat(parts).rename_axis([*GRAIN_PRODUCT_DAY, "top_return_reason"]).groupby(level=[0, 1, 2]).sum()
    ranked = long.reset_index().sort_values(["n", "top_return_reason"], ascending=[False, True])
    return ranked.drop_duplicates(GRAIN_PRODUCT_DAY)[[*GRAIN_PRODUCT_DAY, "top_return_reason"]]


def returns_warranty_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    master = frames["master"]
    product_of_name = unique_map(master, "product_name", "product_id")
    service = by_product_name(frames["service"], product_of_name)
    tms = by_product_name(frames["tms"], product_of_name)
    erp = grain_ids(as_dates(frames["erp"], "report_date"), ["product_id"])
    reasons = top_reason(pd.concat([service, tms], ignore_index=True), ["rma_reasons", "return_reasons"])
    df = zero_fill(outer([per_product_day(f) for f in (service, tms, erp)], GRAIN_PRODUCT_DAY), RETURN_MEASURES)
    active = df[["rma_count", "return_orders_count", "warranty_claims_count", "units_sold"]].sum(axis=1) > 0
    df = df[active].merge(reasons, on=GRAIN_PRODUCT_DAY, how="left").merge(master, on="product_id", how="left")
    df["return_rate_pct"] = bounded(pct(df["units_returned"], df["units_sold"]))
    df["return_rate_rolling_90d_pct"] = bounded(pct(df["units_returned_90d"], df["units_sold_90d"]))
    df["refund_amount"] = df["rma_refund_amount"] + df["return_refund_amount"]
    helpers = ["rma_refund_amount", "return_refund_amount", "units_returned_90d", "units_sold_90d"]
    return as_int(df, RETURN_COUNTS).drop(columns=helpers)


TABLES = [
    ReportingTable(
        name="sales_order_summary",
        group="sales",
        cadence=DAILY,
        sources=(
            "erp.sales_orders",
            "erp.sales_order_lines",
            "erp.materials",
            "tms.shipments",
            "tms.deliveries",
            "tms.proof_of_delivery",
            "crm.sales_reps",
            "crm.accounts",
            "master.customers",
        ),
        description=(
            "One row per customer, sales rep and order day (UTC) of booked sales orders (order and line not "
            "cancelled, line not deleted). Sales rep = the crm.sales_reps row whose employee_id is the order's "
            "created_by, else the owner of the customer's crm account, else UNASSIGNED; territory = the rep's. "
            "order_count = orders with a booked line; order_line_count = their booked lines; units_ordered = "
            "SUM(order_quantity); revenue = SUM(net_price) (net of discount, without tax); average_order_value = "
            "revenue / order_count; cogs_amount = SUM(order_quantity x material standard_cost); margin_amount = "
            "revenue - cogs_amount; margin_pct = margin_amount / revenue x 100. Deliveries of these orders delivered "
            "by the load time: deliveries_count; on_time_deliveries = actual_delivery_date <= "
            "scheduled_delivery_date; accepted_deliveries = proof of delivery with packages in good condition; "
            "on_time_delivery_pct and quality_acceptance_pct = those / deliveries_count x 100."
        ),
        transform=sales_order_summary,
        date_column="report_date",
        percent_columns=("on_time_delivery_pct", "quality_acceptance_pct"),
        nonnegative_columns=(
            "order_count",
            "order_line_count",
            "units_ordered",
            "revenue",
            "cogs_amount",
            "deliveries_count",
            "on_time_deliveries",
            "accepted_deliveries",
        ),
        required_columns=("customer_id", "sales_rep_id", "order_count", "revenue", "cogs_amount"),
        control=Control(column="revenue", source="erp"),
    ),
    ReportingTable(
        name="customer_performance",
        group="sales",
        cadence=YEAR_TO_DATE,
        sources=(
            "erp.sales_orders",
            "erp.sales_order_lines",
            "erp.general_ledger",
            "service.rma_requests",
            "service.rma_line_items",
            "service.survey_responses",
            "crm.accounts",
            "master.customers",
            "master.factories",
            "master.products",
        ),
        description=(
            "One row per customer, plant (factory_id of the order lines) and product category, for the calendar "
            "(= fiscal) year to date: 1 January to snapshot_date, rewritten at each load. Booked lines (order and "
            "line not cancelled, line not deleted): ytd_sales_amount = SUM(net_price); ytd_units = "
            "SUM(order_quantity); ytd_order_count = distinct orders; average_order_value = ytd_sales_amount / "
            "ytd_order_count. Returns: ytd_returns_count = distinct service RMAs created in the period with a line "
            "of the category; ytd_units_returned = SUM(quantity_returned) of those lines (plant = the plant of the "
            "product's line in the RMA's order, else UNASSIGNED); return_rate_pct = ytd_units_returned / ytd_units x "
            "100. Customer-level, the same on every row of the customer (do not sum across rows): last_order_date = "
            "latest order_date in the period; receivables (general_ledger debits on 1200 with assignment = "
            "customer) cleared in the period: average_payment_days = AVG(clearing_date - document_date), "
            "payment_reliability_pct = cleared by invoice date + the order's NETnn terms / those with known terms x "
            "100; survey_responses = answers with an NPS score in the period, nps_score = % promoters (9-10) - % "
            "detractors (0-6); churn_risk = crm.accounts.churn_risk with churn_risk_score = 100 - health_score, "
            "else derived from order recency: score = days since the last order / 180 x 100 (100 without orders), "
            "low < 33.3 <= medium < 66.7 <= high. A customer with only customer-level figures has one row with "
            "factory and category UNASSIGNED."
        ),
        transform=customer_performance,
        date_column="fiscal_year",
        percent_columns=("payment_reliability_pct", "churn_risk_score"),
        nonnegative_columns=(
            "ytd_sales_amount",
            "ytd_order_count",
            "ytd_units",
            "survey_responses",
            "ytd_returns_count",
            "ytd_units_returned",
        ),
        required_columns=("customer_id", "factory_id", "product_category", "snapshot_date", "ytd_sales_amount"),
        control=Control(column="ytd_sales_amount", source="erp"),
    ),
    ReportingTable(
        name="product_sales_performance",
        group="sales",
        cadence=MONTHLY,
        sources=(
            "erp.sales_orders",
            "erp.sales_order_lines",
            "erp.materials",
            "crm.sales_forecasts",
            "master.products",
        ),
        description=(
            "One row per product and order month (first day, UTC) with booked sales (order and line not cancelled, "
            "line not deleted) or a forecast. order_count = distinct orders with a line of the product; "
            "customer_count = distinct customers; units_sold = SUM(order_quantity); revenue = SUM(net_price); "
            "cogs_amount = SUM(order_quantity x material standard_cost); gross_margin_amount = revenue - "
            "cogs_amount; gross_margin_pct = gross_margin_amount / revenue x 100; average_selling_price = revenue / "
            "units_sold; revenue_prior_month and units_prior_month = the previous month's figures (0 without "
            "sales); revenue_growth_mom_pct = (revenue - revenue_prior_month) / revenue_prior_month x 100, "
            "units_growth_mom_pct likewise (NULL when the prior month is 0); forecast_revenue = SUM(total_forecast) "
            "of the crm.sales_forecasts monthly rows 'SF-<product_id>-<YYYYMM>-<territory>' of the month over all "
            "territories, NULL when none."
        ),
        transform=product_sales_performance,
        date_column="report_month",
        nonnegative_columns=("order_count", "customer_count", "units_sold", "revenue", "cogs_amount"),
        required_columns=("product_id", "units_sold", "revenue", "cogs_amount"),
        control=Control(column="revenue", source="erp"),
    ),
    ReportingTable(
        name="delivery_performance",
        group="sales",
        cadence=DAILY,
        sources=(
            "tms.shipments",
            "tms.deliveries",
            "tms.proof_of_delivery",
            "tms.carriers",
            "master.factories",
        ),
        description=(
            "One row per shipping factory (the plant of the shipment's origin warehouse 'WH-<plant>-FG') and UTC "
            "day. shipments_count = shipments with ship_date on the day; deliveries_count = deliveries with "
            "actual_delivery_date on the day, of which on_time (actual = scheduled_delivery_date), early (actual < "
            "scheduled) and late (actual > scheduled); on_time_delivery_pct = (on_time + early) / deliveries_count "
            "x 100; average_delay_days = AVG(actual - scheduled) of the late ones; failed_deliveries = attempts "
            "before the successful one (delivery_attempt_count - 1) of the day's deliveries plus every attempt of "
            "deliveries given up (status failed) on their (rescheduled) date; delivery_cost = SUM(total_cost) of the "
            "shipments delivered on the day; cost_per_delivery = delivery_cost / deliveries_count; pod_count = the "
            "day's deliveries with a proof of delivery; damaged_deliveries = those with packages damaged or "
            "missing; damage_rate_pct = damaged / pod_count x 100; carriers_used = distinct carriers of the day's "
            "deliveries; carrier_on_time_pct = shipments delivered by the carrier's estimated_delivery_date / "
            "shipments delivered x 100; carrier_breakdown = per carrier {carrier_id, carrier_name, deliveries, "
            "on_time_pct (on or before the promise)}."
        ),
        transform=delivery_performance,
        date_column="report_date",
        percent_columns=("on_time_delivery_pct", "damage_rate_pct", "carrier_on_time_pct"),
        nonnegative_columns=(
            "shipments_count",
            "deliveries_count",
            "on_time_deliveries",
            "early_deliveries",
            "late_deliveries",
            "failed_deliveries",
            "delivery_cost",
            "pod_count",
            "damaged_deliveries",
            "carriers_used",
        ),
        required_columns=("factory_id", "shipments_count", "deliveries_count", "delivery_cost"),
        control=Control(column="deliveries_count", source="tms"),
    ),
    ReportingTable(
        name="sales_pipeline_summary",
        group="sales",
        cadence=DAILY,
        sources=(
            "crm.opportunities",
            "crm.opportunity_stage_history",
            "crm.quotations",
            "crm.sales_reps",
            "crm.sales_territories",
        ),
        description=(
            "One row per sales rep (opportunity owner), the rep's territory and UTC day. Pipeline at the end of the "
            "day: opportunities created and not closed by then, at the stage, amount and probability of their last "
            "stage-history row before the day ends. open_opportunities = their count; open_pipeline_amount = "
            "SUM(amount); weighted_pipeline_amount = SUM(amount x probability_pct / 100); <stage>_pipeline_amount = "
            "open amount per stage (prospecting, qualification, needs_analysis, proposal, negotiation, other); "
            "pipeline_by_stage = {stage: {count, amount, weighted_amount}}. Closes on the day (history rows moving "
            "to closed_won / closed_lost): opportunities_won / _lost and won_amount / lost_amount; win_rate_pct = "
            "won / (won + lost) x 100; win_rate_rolling_90d_pct = the same over the 90 days ending the day; "
            "avg_conversion_days = AVG(close - created_at) in days of the opportunities won on the day. "
            "quotations_issued / quotations_amount = quotations dated on the day and SUM(total_amount), credited to "
            "the opportunity's owner (else the preparer)."
        ),
        transform=sales_pipeline_summary,
        date_column="report_date",
        percent_columns=("win_rate_pct", "win_rate_rolling_90d_pct"),
        nonnegative_columns=(
            "open_opportunities",
            "open_pipeline_amount",
            "weighted_pipeline_amount",
            "opportunities_won",
            "opportunities_lost",
            "won_amount",
            "lost_amount",
            "quotations_issued",
            "quotations_amount",
        ),
        required_columns=("sales_rep_id", "territory_id", "open_opportunities", "open_pipeline_amount"),
        control=Control(column="open_pipeline_amount", source="crm"),
    ),
    ReportingTable(
        name="customer_service_summary",
        group="sales",
        cadence=DAILY,
        sources=("service.service_tickets", "service.ticket_escalations", "crm.accounts"),
        description=(
            "One row per customer (service account_id = crm account = master customer_id) and UTC day with ticket "
            "activity or an open backlog. tickets_opened = tickets created on the day; critical_tickets = those "
            "with priority critical or urgent; tickets_closed = closed_datetime on the day; open_tickets = created "
            "by the end of the day and not closed by then; response_sla_met = tickets first responded on the day "
            "by response_due_datetime; response_sla_met_pct = response_sla_met / tickets first responded on the day "
            "x 100; resolution_sla_met = tickets closed on the day without resolution_sla_breached; sla_met_pct = "
            "resolution_sla_met / tickets_closed x 100; mean_time_to_resolve_hours = AVG(resolution_time_minutes) "
            "/ 60 and avg_csat_rating = AVG(csat_rating) of the tickets closed on the day; "
            "mean_first_response_minutes = AVG(first_response_time_minutes) of the tickets first responded on the "
            "day; escalations = ticket_escalations on the day; reopened_tickets = tickets closed on the day that "
            "had been reopened (the source keeps no reopen time)."
        ),
        transform=customer_service_summary,
        date_column="report_date",
        percent_columns=("response_sla_met_pct", "sla_met_pct"),
        nonnegative_columns=tuple(c for c in SERVICE_COUNTS if c != "tickets_responded"),
        required_columns=("customer_id", "tickets_opened", "tickets_closed", "open_tickets"),
        control=Control(column="tickets_opened", source="service"),
    ),
    ReportingTable(
        name="returns_warranty_summary",
        group="sales",
        cadence=DAILY,
        sources=(
            "service.rma_requests",
            "service.rma_line_items",
            "service.warranty_claims",
            "service.warranty_registrations",
            "tms.return_orders",
            "tms.return_order_lines",
            "erp.sales_orders",
            "erp.sales_order_lines",
            "erp.materials",
            "master.products",
        ),
        description=(
            "One row per product and UTC day with returns, claims or sales. rma_count = service RMAs created on the "
            "day with a line of the product; units_returned = SUM(quantity_returned) of those lines; "
            "return_orders_count = tms return orders created on the day with a line of the product; units_sold = "
            "SUM(order_quantity) of booked sales order lines ordered on the day; return_rate_pct = units_returned / "
            "units_sold x 100; return_rate_rolling_90d_pct = the same over the 90 days ending the day; "
            "warranty_claims_count = claims with claim_date on the day on registrations of the product, "
            "warranty_claims_approved = the approved ones, claim_cost = SUM(total_claim_amount), "
            "warranty_covered_amount = SUM(warranty_coverage); refund_amount = refund_amount of the RMAs and return "
            "orders, shared over their lines by quantity; top_return_reason = the most frequent return_reason of "
            "the day's RMAs and return orders (ties: alphabetical). Products are matched by their master "
            "product_name, as the service and TMS rows carry them."
        ),
        transform=returns_warranty_summary,
        date_column="report_date",
        nonnegative_columns=(
            "rma_count",
            "return_orders_count",
            "units_returned",
            "units_sold",
            "warranty_claims_count",
            "warranty_claims_approved",
            "claim_cost",
            "warranty_covered_amount",
            "refund_amount",
        ),
        required_columns=("product_id", "rma_count", "units_returned", "units_sold"),
        control=Control(column="units_returned", source="service"),
    ),
]
