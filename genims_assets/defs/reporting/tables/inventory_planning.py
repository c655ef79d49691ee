"""Inventory planning: demand vs forecast, suppliers, warehouse work, freight, MRP shortages, ERP-WMS reconciliation.

Six of the twelve tables of the inventory area (the other six are in inventory.py). The SQL of each table
(sql/reporting/<table>/) says how it reads its sources; the transformations below merge the per-database results
on the grain and add the measures that combine them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, MONTHLY, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import as_dates, bounded, outer, pct, ratio, zero_fill

TREND_POINTS = 2.0  # supplier trend: improving / declining when the overall score moved more than 2 points
QUANTITY_EPSILON = 0.0005  # DECIMAL(18,3): differences below half the last digit are no difference
RATINGS = ((90.0, "excellent"), (80.0, "good"), (70.0, "acceptable"), (60.0, "needs_improvement"))
FORECAST_SOURCE = "crm.sales_forecasts SF-<product>-<YYYYMM>-* summed; units at 12-month avg net price"


def numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats (NaN where missing), whatever the source driver returned."""
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def first_known(*values: pd.Series) -> pd.Series:
    """Per row, the first of the series that is not NULL (scorecard, else metrics, ...)."""
    out = values[0]
    for other in values[1:]:
        out = out.where(out.notna(), other)
    return out


# -- demand_forecast_vs_actual ----------------------------------------------------------------------------------------
GRAIN_PRODUCT_MONTH = ["report_month", "product_id"]


def demand_forecast_vs_actual(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Forecast (CRM, per product) against units and value ordered (ERP), per product and month."""
    forecast = as_dates(frames["crm"], "report_month")
    ordered = as_dates(frames["erp"], "report_month")
    df = outer([forecast, ordered], GRAIN_PRODUCT_MONTH)
    df = zero_fill(df, ["actual_quantity", "actual_amount", "actual_lines"])
    df["forecast_amount"] = numeric(df, "forecast_amount")
    # The ERP part lists every product ordered in the 12 months (for its price): keep the month's real rows.
    df = df[df["forecast_amount"].notna() | (df["actual_lines"] > 0)]
    df = df.merge(frames["master"], on="product_id", how="left")
    df["forecast_quantity"] = ratio(df["forecast_amount"], numeric(df, "unit_price_12m"))
    df["forecast_source"] = np.where(df["forecast_amount"].notna(), FORECAST_SOURCE, None)
    df["variance_quantity"] = df["actual_quantity"] - df["forecast_quantity"]
    df["variance_amount"] = df["actual_amount"] - df["forecast_amount"]
    df["variance_pct"] = bounded(pct(df["variance_quantity"], df["forecast_quantity"]))
    df["forecast_accuracy_pct"] = (100 - pct(df["variance_quantity"].abs(), df["actual_quantity"])).clip(lower=0)
    return df.drop(columns=["actual_lines", "unit_price_12m"])


# -- supplier_performance_summary -------------------------------------------------------------------------------------
GRAIN_SUPPLIER_MONTH = ["report_month", "supplier_id"]


def rating_of(score: pd.Series) -> np.ndarray:
    """excellent >= 90, good >= 80, acceptable >= 70, needs_improvement >= 60, else poor; NULL without a score."""
    conditions = [score >= floor for floor, _ in RATINGS] + [score.notna()]
    return np.select(conditions, [name for _, name in RATINGS] + ["poor"], default=None)


def trend_of(score: pd.Series, previous: pd.Series) -> np.ndarray:
    """improving / declining when the score moved more than TREND_POINTS since last month, else stable."""
    change = score - previous
    known = change.notna()
    return np.select(
        [known & (change > TREND_POINTS), known & (change < -TREND_POINTS), known],
        ["improving", "declining", "stable"],
        default=None,
    )


def supplier_performance_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Scorecard scores, else the performance metrics and QMS figures, per supplier and month."""
    supplier = as_dates(frames["supplier"], "report_month")
    qms = as_dates(frames["qms"], "report_month")
    df = outer([supplier, qms], GRAIN_SUPPLIER_MONTH)
    df = zero_fill(df, ["po_count", "total_spend_amount", "ncr_count", "cost_of_poor_quality"])
    df = df.merge(frames["erp"], on="supplier_id", how="left")
    df["quality_score"] = first_known(numeric(df, "scorecard_quality_score"), numeric(df, "qms_quality_score"))
    df["delivery_score"] = first_known(numeric(df, "scorecard_delivery_score"), numeric(df, "on_time_delivery_pct"))
    df["overall_score"] = first_known(numeric(df, "scorecard_overall_score"), numeric(df, "metrics_overall_score"))
    derived = pd.Series(rating_of(df["overall_score"]), index=df.index)
    df["overall_rating"] = first_known(df["scorecard_rating"], df["metrics_rating"], derived)
    trend = pd.Series(trend_of(df["overall_score"], numeric(df, "previous_overall_score")), index=df.index)
    df["trend"] = first_known(trend, df["metrics_trend"])
    return df.drop(
        columns=[
            "scorecard_quality_score",
            "qms_quality_score",
            "scorecard_delivery_score",
            "scorecard_overall_score",
            "metrics_overall_score",
            "scorecard_rating",
            "metrics_rating",
            "metrics_trend",
            "previous_overall_score",
        ]
    )


# -- warehouse_operations_daily ---------------------------------------------------------------------------------------
TASK_COUNTS = [
    "picking_tasks_completed",
    "packing_tasks_completed",
    "shipping_tasks_completed",
    "receiving_tasks_completed",
]


def warehouse_operations_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Tasks completed, picking productivity and accuracy, dock-to-stock, per warehouse and day."""
    df = as_dates(frames["wms"], "report_date")
    df = zero_fill(df, [*TASK_COUNTS, "units_picked", "picking_hours", "accurate_picks", "units_received"])
    df["tasks_completed"] = df[TASK_COUNTS].sum(axis=1)
    df["lines_picked"] = df["picking_tasks_completed"]
    df["lines_picked_per_hour"] = ratio(df["lines_picked"], df["picking_hours"])
    df["pick_accuracy_pct"] = pct(df["accurate_picks"], df["lines_picked"])
    return df


# -- freight_cost_daily -----------------------------------------------------------------------------------------------
def freight_cost_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Freight spend of the shipments and the invoice variance, per carrier and day."""
    df = as_dates(frames["tms"], "report_date")
    df = zero_fill(
        df,
        [
            "shipments_count",
            "total_weight_kg",
            "freight_spend",
            "invoices_count",
            "invoiced_amount",
            "expected_amount",
            "disputed_lines",
        ],
    )
    df["cost_per_shipment"] = ratio(df["freight_spend"], df["shipments_count"])
    df["cost_per_kg"] = ratio(df["freight_spend"], df["total_weight_kg"])
    df["invoice_variance_amount"] = df["invoiced_amount"] - df["expected_amount"]
    df["invoice_variance_pct"] = bounded(pct(df["invoice_variance_amount"], df["expected_amount"]))
    return df


# -- mrp_shortage_summary ---------------------------------------------------------------------------------------------
def mrp_shortage_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Projected stock and shortage of the day's MRP run, per material and plant."""
    df = as_dates(frames["planning"], "report_date")
    df = zero_fill(df, ["stock_quantity", "planned_receipts_quantity", "requirements_quantity"])
    df = df.merge(frames["erp"], on="material_id", how="left").merge(frames["master"], on="plant_id", how="left")
    df["projected_available_quantity"] = (
        df["stock_quantity"] + df["planned_receipts_quantity"] - df["requirements_quantity"]
    )
    df["shortage_quantity"] = (-df["projected_available_quantity"]).clip(lower=0)
    return df


# -- inventory_reconciliation_summary ---------------------------------------------------------------------------------
def inventory_reconciliation_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """ERP vs WMS quantity of the latest reconciliation and the sync errors, per warehouse, material and day."""
    df = as_dates(frames["wms"], "report_date")
    reconciled = df["reconciliation_id"].notna()
    df = zero_fill(df, ["erp_quantity", "wms_quantity", "erp_value", "wms_value"])
    df = df.merge(frames["erp"], on="material_id", how="left")
    df["quantity_difference"] = df["wms_quantity"] - df["erp_quantity"]
    df["value_difference"] = df["wms_value"] - df["erp_value"]
    same = df["quantity_difference"].abs() < QUANTITY_EPSILON
    both_zero = same & (df["erp_quantity"].abs() < QUANTITY_EPSILON)
    accuracy = (100 - pct(df["quantity_difference"].abs(), df["erp_quantity"].abs())).clip(lower=0)
    df["accuracy_pct"] = accuracy.mask(both_zero, 100.0).where(reconciled.to_numpy())
    df["is_matched"] = (same & reconciled.to_numpy()).astype(int)
    return df


TABLES = [
    ReportingTable(
        name="demand_forecast_vs_actual",
        group="inventory",
        cadence=MONTHLY,
        sources=("crm.sales_forecasts", "erp.sales_orders", "erp.sales_order_lines", "master.products"),
        description=(
            "One row per product and month (a product with a forecast or with orders that month). Forecast amount "
            "= SUM(total_forecast) of the monthly crm.sales_forecasts rows of the product (product parsed from "
            "forecast_id SF-<product>-<YYYYMM>-<territory>, territories summed); forecast quantity = forecast "
            "amount / the product's average net unit price over the 12 months ending with the month (SUM(net_price)"
            " / SUM(order_quantity)). Actual quantity / amount = SUM(order_quantity) / SUM(net_price) of the sales "
            "order lines ordered in the month (cancelled or deleted orders and lines excluded). Variance = actual - "
            "forecast; variance % = variance quantity / forecast quantity; forecast accuracy = GREATEST(0, 100 - "
            "|variance quantity| / actual quantity x 100), NULL without actual orders."
        ),
        transform=demand_forecast_vs_actual,
        date_column="report_month",
        percent_columns=("forecast_accuracy_pct",),
        nonnegative_columns=("forecast_quantity", "forecast_amount", "actual_quantity", "actual_amount"),
        required_columns=("product_id", "actual_quantity", "actual_amount"),
        control=Control(column="actual_quantity", source="erp"),
    ),
    ReportingTable(
        name="supplier_performance_summary",
        group="inventory",
        cadence=MONTHLY,
        sources=(
            "supplier.supplier_performance_metrics",
            "supplier.supplier_scorecards",
            "qms.supplier_quality_metrics",
            "erp.suppliers",
        ),
        description=(
            "One row per supplier and month. Scores 0-100 from the monthly scorecard: quality (else QMS "
            "quality_score), delivery (else the metrics' on-time delivery %), cost = commercial score, "
            "responsiveness, overall (else the metrics' overall score); rating = scorecard rating, else the metrics' "
            "rating, else from the overall score (excellent >= 90, good >= 80, acceptable >= 70, needs_improvement "
            ">= 60, poor). Trend = overall score vs the previous month's: improving above +2 points, declining below"
            " -2, else stable (the metrics' own trend when there is no previous month). PO count, on-time delivery %,"
            " quality acceptance %, defect ppm and total spend from supplier_performance_metrics; NCR count and cost"
            " of poor quality (total_copq) from qms.supplier_quality_metrics."
        ),
        transform=supplier_performance_summary,
        date_column="report_month",
        percent_columns=(
            "quality_score",
            "delivery_score",
            "cost_score",
            "responsiveness_score",
            "overall_score",
            "on_time_delivery_pct",
            "quality_acceptance_pct",
        ),
        nonnegative_columns=("po_count", "ncr_count", "total_spend_amount", "cost_of_poor_quality", "defect_ppm"),
        required_columns=("supplier_id", "po_count", "total_spend_amount", "ncr_count", "cost_of_poor_quality"),
        control=Control(column="total_spend_amount", source="supplier"),
    ),
    ReportingTable(
        name="warehouse_operations_daily",
        group="inventory",
        cadence=DAILY,
        sources=(
            "wms.picking_tasks",
            "wms.packing_tasks",
            "wms.shipping_tasks",
            "wms.receiving_tasks",
            "wms.putaway_tasks",
            "wms.warehouses",
        ),
        description=(
            "One row per warehouse and UTC day. Picking, packing, shipping and receiving tasks completed that day "
            "(status completed, by completed_at); tasks completed = their sum. Lines picked = picking tasks "
            "completed (one line each); units picked = SUM(quantity_picked); picking hours = SUM(completed_at - "
            "started_at); lines picked per hour = lines picked / picking hours; pick accuracy = picks with "
            "quantity_picked = quantity_to_pick / lines picked. Units received = SUM(received_quantity); dock-to-"
            "stock = AVG(putaway completed_at - receiving task started_at) over the putaways completed that day; "
            "packages shipped = SUM(number_of_packages) of the shipping tasks."
        ),
        transform=warehouse_operations_daily,
        date_column="report_date",
        percent_columns=("pick_accuracy_pct",),
        nonnegative_columns=(
            "tasks_completed",
            "lines_picked",
            "units_picked",
            "picking_hours",
            "lines_picked_per_hour",
            "accurate_picks",
            "units_received",
            "avg_dock_to_stock_hours",
            "packages_shipped",
        ),
        required_columns=("warehouse_id", "tasks_completed", "lines_picked", "units_picked", "units_received"),
        control=Control(column="tasks_completed", source="wms"),
    ),
    ReportingTable(
        name="freight_cost_daily",
        group="inventory",
        cadence=DAILY,
        sources=("tms.shipments", "tms.freight_invoices", "tms.freight_invoice_lines", "tms.carriers"),
        description=(
            "One row per carrier and UTC day. Shipments shipped that day (ship_date, not cancelled): count, weight "
            "kg, freight charges, fuel surcharge, accessorial charges (+ insurance), freight spend = SUM(total_cost);"
            " cost per shipment = spend / shipments; cost per kg = spend / weight. Freight invoices dated that day: "
            "count, invoiced = SUM(charge_amount) and expected = SUM(expected_amount) of their lines, invoice "
            "variance = invoiced - expected, variance % = variance / expected, disputed lines."
        ),
        transform=freight_cost_daily,
        date_column="report_date",
        nonnegative_columns=(
            "shipments_count",
            "total_weight_kg",
            "freight_charges",
            "fuel_surcharge",
            "accessorial_charges",
            "freight_spend",
            "cost_per_shipment",
            "cost_per_kg",
            "invoices_count",
            "invoiced_amount",
            "expected_amount",
            "disputed_lines",
        ),
        required_columns=("carrier_id", "shipments_count", "freight_spend", "invoiced_amount", "expected_amount"),
        control=Control(column="freight_spend", source="tms"),
    ),
    ReportingTable(
        name="mrp_shortage_summary",
        group="inventory",
        cadence=DAILY,
        sources=("planning.mrp_runs", "planning.mrp_elements", "erp.materials", "master.factories"),
        description=(
            "One row per material, plant and day planned by the plant's latest completed MRP run of the day "
            "(planning_date). Stock = the run's stock element; planned receipts = open purchase and production "
            "orders dated within the horizon (planning_date + horizon days; MRP's own planned orders excluded); "
            "requirements = requirement quantity within the horizon; projected available = stock + planned receipts "
            "- requirements; shortage = GREATEST(0, -projected available); first shortage date = first element date "
            "where the running balance (stock, then elements by date) falls below 0. Exceptions: elements with "
            "exception message shortage / excess / reschedule / any, and a {message: count} JSON object."
        ),
        transform=mrp_shortage_summary,
        date_column="report_date",
        nonnegative_columns=(
            "stock_quantity",
            "planned_receipts_quantity",
            "requirements_quantity",
            "shortage_quantity",
            "shortage_exceptions",
            "excess_exceptions",
            "reschedule_exceptions",
            "exception_count",
        ),
        required_columns=(
            "material_id",
            "plant_id",
            "mrp_run_id",
            "stock_quantity",
            "requirements_quantity",
            "shortage_quantity",
        ),
        control=Control(column="exception_count", source="planning"),
    ),
    ReportingTable(
        name="inventory_reconciliation_summary",
        group="inventory",
        cadence=DAILY,
        sources=(
            "wms.inventory_reconciliation_headers",
            "wms.inventory_reconciliation_lines",
            "wms.inventory_sync_errors",
            "wms.warehouses",
            "erp.materials",
        ),
        description=(
            "One row per warehouse (reconciliation location), material and UTC day: the lines of the location's "
            "latest ERP-WMS reconciliation as of the day (dated that day or in the 31 days before; they are weekly),"
            " plus any pair with sync errors. ERP / WMS quantity and value of the line; difference = WMS - ERP; "
            "accuracy = GREATEST(0, 100 - |quantity difference| / ERP quantity x 100), 100 when both are 0, NULL "
            "without a reconciliation; matched = difference 0. Sync errors today = inventory_sync_errors raised that"
            " day for the material and location; open sync errors = raised by the end of the day and not resolved "
            "by then."
        ),
        transform=inventory_reconciliation_summary,
        date_column="report_date",
        percent_columns=("accuracy_pct",),
        nonnegative_columns=("erp_quantity", "wms_quantity", "erp_value", "wms_value", "open_sync_errors"),
        required_columns=("warehouse_id", "material_id", "erp_quantity", "wms_quantity", "open_sync_errors"),
        control=Control(column="erp_quantity", source="wms"),
    ),
]
