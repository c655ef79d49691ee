"""Inventory and materials: stock value now, material flow, purchasing, the two warehouses and work in process.

The ERP is the book of stock: its balances (erp.inventory_balances) are today's stock, and the stock at the end
of an earlier day is that balance minus the movements (erp.inventory_transactions) posted after the day, so
every daily table can be rebuilt for any past day. Movement classes, used alike by every table here:
receipts 101 (goods and production receipts) and 262 (returned from production); issues 261 (to production),
601 (to customers) and 122 (returned to the vendor); adjustments 701 (+), 702 and 551 scrap (-); 3xx transfers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, SNAPSHOT, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import PCT_LIMIT, as_dates, pct, ratio, zero_fill

MOVEMENT_CLASSES = (
    "Receipts = movement types 101 (goods and production receipts) and 262 (returned from production); issues = "
    "261 (to production), 601 (to customers) and 122 (returned to the vendor); adjustments = 701 (+), 702 (-) and "
    "551 scrap (-); transfers = 3xx; cancelled documents do not count."
)
END_OF_DAY_STOCK = (
    "ERP stock at the end of a day = today's ERP balance (unrestricted + quality inspection + blocked) minus the "
    "net movements posted after that day."
)


# Largest magnitudes the MySQL columns take: DECIMAL(7,3) percentages (beyond this they mean nothing on a
# dashboard: sql/mysql/README.md), DECIMAL(12,3) day counts, DECIMAL(12,4) turnover ratios.
DAYS_LIMIT, TURNOVER_LIMIT = 999_999_999.999, 99_999_999.9999


def within(values: pd.Series, limit: float) -> pd.Series:
    """The values, NULL (NaN) where their magnitude passes what the column can hold."""
    values = pd.to_numeric(values, errors="coerce").astype(float)
    return values.where(values.abs() <= limit)


def warehouse_names(wms: pd.DataFrame) -> pd.DataFrame:
    """warehouse_id -> warehouse_name, from a WMS frame that carries the warehouse on every row."""
    return wms[["warehouse_id", "warehouse_name"]].drop_duplicates("warehouse_id")


def reorder_status(quantity: pd.Series, safety: pd.Series, reorder: pd.Series, maximum: pd.Series) -> np.ndarray:
    """below_safety_stock, below_reorder_point (at or under it), overstock (above maximum) or ok."""
    return np.select(
        [quantity < safety, quantity <= reorder, quantity > maximum],
        ["below_safety_stock", "below_reorder_point", "overstock"],
        "ok",
    )


def inventory_value_summary(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """ERP stock now with WMS reservations and names; availability, days of inventory, turnover, reorder status."""
    wms = frames["wms"]
    reserved = wms.dropna(subset=["material_id"])[["warehouse_id", "material_id", "reserved_quantity"]]
    df = frames["erp"].merge(reserved, on=["warehouse_id", "material_id"], how="left")
    df = df.merge(warehouse_names(wms), on="warehouse_id", how="left")
    df = df.merge(frames["master"], on="factory_id", how="left")
    df = zero_fill(df, ["quantity_on_hand", "blocked_quantity", "reserved_quantity", "average_daily_usage"])
    df["snapshot_date"] = window.as_of.date()
    df["quantity_available"] = (df["quantity_on_hand"] - df["reserved_quantity"] - df["blocked_quantity"]).clip(lower=0)
    df["days_of_inventory"] = within(ratio(df["quantity_on_hand"], df["average_daily_usage"]), DAYS_LIMIT)
    df["inventory_turnover"] = within(ratio(df["issues_365d_amount"], df["inventory_value"]), TURNOVER_LIMIT)
    df["reorder_status"] = reorder_status(
        df["quantity_on_hand"], df["safety_stock"], df["reorder_point"], df["maximum_stock"]
    )
    return df.drop(columns=["blocked_quantity", "reserved_quantity", "issues_365d_amount", "maximum_stock"])


def material_flow_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """ERP flows and balances per material, plant and day, with WMS movement counts and the supplier's rating."""
    keys = ["material_id", "factory_id", "report_date"]
    df = as_dates(frames["erp"], "report_date").merge(as_dates(frames["wms"], "report_date"), on=keys, how="left")
    df = zero_fill(df, ["warehouse_movements"])
    ratings = as_dates(frames["supplier"], "report_date").rename(columns={"supplier_id": "default_supplier_id"})
    df = df.merge(ratings, on=["report_date", "default_supplier_id"], how="left")
    return df.merge(frames["master"], on="factory_id", how="left")


def purchase_order_performance(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """Orders and receipts per supplier and day; on-time, defect and price variance percentages, lead time."""
    df = as_dates(frames["erp"], "report_date")
    df["on_time_delivery_pct"] = pct(df["on_time_receipts"], df["receipts_count"])
    df["defect_rate_pct"] = pct(df["rejected_quantity"], df["received_quantity"])
    df["price_variance_pct"] = within(pct(df["price_variance_amount"], df["po_price_value"]), PCT_LIMIT)
    df["average_lead_time_days"] = ratio(df["lead_time_days"], df["lead_time_receipts"])
    return df.drop(columns=["po_price_value", "lead_time_days", "lead_time_receipts"])


def stockout_days(frame: pd.DataFrame, keys: list[str], days: int = 30) -> pd.Series:
    """Per row, how many of the `days` rows of its key ending with it are stocked out (rows: one per key and day)."""
    ordered = frame.sort_values([*keys, "report_date"])
    counts = ordered.groupby(keys)["is_stocked_out"].rolling(days, min_periods=1).sum()
    return counts.reset_index(level=list(range(len(keys))), drop=True).reindex(frame.index)


def finished_goods_warehouse(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """End-of-day stock less reservations; stock-outs over 30 days (the SQL gives the 29 days before the window)."""
    keys = ["warehouse_id", "material_id"]
    wms = frames["wms"]
    reserved = as_dates(wms.dropna(subset=["material_id"]), "report_date")
    df = as_dates(frames["erp"], "report_date").merge(
        reserved[[*keys, "report_date", "reserved_quantity"]], on=[*keys, "report_date"], how="left"
    )
    df = zero_fill(df, ["reserved_quantity"])
    df["available_quantity"] = (df["stock_quantity"] - df["reserved_quantity"]).clip(lower=0)
    df["is_stocked_out"] = (df["available_quantity"] <= 0).astype(int)
    df["stockout_days_30d"] = stockout_days(df, keys)
    df["is_below_safety_stock"] = (df["stock_quantity"] < df["safety_stock_quantity"]).astype(int)
    df = df[(df["report_date"] >= window.start.date()) & df["is_active"].astype(bool)]
    df = df.merge(warehouse_names(wms), on="warehouse_id", how="left")
    df = df.merge(frames["master"], on="product_id", how="left")
    return df.drop(columns=["is_active", "material_name"])


def raw_material_warehouse(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """The SQL computes every measure; here the warehouse names, and ratios the columns cannot hold made NULL."""
    df = as_dates(frames["erp"], "report_date").merge(frames["wms"], on="warehouse_id", how="left")
    df["inventory_turnover"] = within(df["inventory_turnover"], TURNOVER_LIMIT)
    df["days_of_supply"] = within(df["days_of_supply"], DAYS_LIMIT)
    return df


STAGES = ("queued", "in_process", "inspection", "on_hold")


def work_in_process(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    """WIP by stage per line and day: totals over the stages, line and factory names."""
    df = as_dates(frames["mes"], "report_date")
    measures = [f"{stage}_{kind}" for stage in STAGES for kind in ("quantity", "value")]
    df = zero_fill(df, ["open_work_orders", "throughput_units", *measures])
    df["wip_quantity"] = df[[f"{stage}_quantity" for stage in STAGES]].sum(axis=1)
    df["wip_value"] = df[[f"{stage}_value" for stage in STAGES]].sum(axis=1)
    return df.merge(frames["master"], on="line_id", how="left")


TABLES = [
    ReportingTable(
        name="inventory_value_summary",
        group="inventory",
        cadence=SNAPSHOT,
        sources=(
            "erp.inventory_balances",
            "erp.materials",
            "erp.inventory_transactions",
            "wms.warehouse_inventory",
            "wms.warehouses",
            "master.factories",
        ),
        description=(
            "Stock now, one row per factory (ERP plant), warehouse (ERP storage location = WMS warehouse) and "
            "material, rewritten daily with snapshot_date = the load day. Quantity on hand = unrestricted + "
            "quality inspection + blocked stock; available = on hand - WMS reserved - blocked (not below 0). "
            "Inventory value = on hand x moving average price (the balance's, else the material master's; unit_cost "
            "= value / on hand); standard cost value = on hand x materials.standard_cost. Average daily usage = "
            "issues of the 90 days ending today / 90; days of inventory = on hand / average daily usage (NULL "
            "without usage); inventory turnover = amount of the issues of the 365 days ending today / inventory "
            "value. Reorder status: below_safety_stock (on hand < safety stock), below_reorder_point (on hand <= "
            "reorder point), overstock (on hand > maximum stock), else ok. ABC class from the material master. "
            f"{MOVEMENT_CLASSES}"
        ),
        transform=inventory_value_summary,
        date_column="snapshot_date",
        nonnegative_columns=("quantity_on_hand", "quantity_available", "inventory_value", "standard_cost_value"),
        required_columns=("factory_id", "warehouse_id", "material_id", "quantity_on_hand", "inventory_value"),
        control=Control(column="quantity_on_hand", source="erp"),
    ),
    ReportingTable(
        name="material_flow_daily",
        group="inventory",
        cadence=DAILY,
        sources=(
            "erp.inventory_transactions",
            "erp.inventory_balances",
            "erp.materials",
            "erp.suppliers",
            "wms.warehouse_movements",
            "wms.warehouses",
            "supplier.supplier_performance_metrics",
            "master.factories",
        ),
        description=(
            "One row per material, factory (ERP plant) and UTC day with a movement or with stock. Receipts, issues "
            "(positive), adjustments and transfers (signed, transfers out of the sending and into the receiving "
            f"plant) of the day and their amounts. {END_OF_DAY_STOCK} Opening = that stock at the end of the "
            "previous day; ending balance = opening + receipts - issues + adjustments + transfers. Average daily "
            "usage = issues of the 30 days ending the day / 30. Warehouse movements = WMS movements of the material "
            "on the day in the factory's warehouses. Supplier performance rating = overall_score (0-100) of the "
            "material's default supplier in the latest performance period published by the end of the day. "
            f"{MOVEMENT_CLASSES}"
        ),
        transform=material_flow_daily,
        date_column="report_date",
        percent_columns=("supplier_performance_rating",),
        nonnegative_columns=(
            "opening_quantity",
            "receipts_quantity",
            "issues_quantity",
            "ending_balance_quantity",
            "receipts_value",
            "issues_value",
            "average_daily_usage",
            "warehouse_movements",
        ),
        required_columns=("material_id", "factory_id", "opening_quantity", "ending_balance_quantity"),
        control=Control(column="receipts_value", source="erp"),
    ),
    ReportingTable(
        name="purchase_order_performance",
        group="inventory",
        cadence=DAILY,
        sources=("erp.purchase_orders", "erp.purchase_order_lines", "erp.goods_receipts", "erp.suppliers"),
        description=(
            "One row per supplier and UTC day with a purchase order or a goods receipt. Orders: purchase orders "
            "dated (po_date) on the day, not cancelled: count, lines (not deleted), amount = total_value. "
            "Receipts: goods receipts dated (gr_date) on the day, not cancelled: count, quantity and value "
            "received; on time = gr_date <= the PO line's delivery_date, late after it; on-time delivery % = on "
            "time / receipts; rejected = quantity received in quality_status blocked; defect rate % = rejected / "
            "received quantity; price variance = (receipt unit_price - PO line unit_price) x quantity received "
            "(positive = paid more), % of the same quantity at PO prices; average lead time = average gr_date - "
            "po_date of the receipts, in days."
        ),
        transform=purchase_order_performance,
        date_column="report_date",
        percent_columns=("on_time_delivery_pct", "defect_rate_pct"),
        nonnegative_columns=(
            "po_count",
            "po_line_count",
            "po_amount",
            "receipts_count",
            "received_quantity",
            "received_value",
            "rejected_quantity",
            "average_lead_time_days",
        ),
        required_columns=("supplier_id", "po_count", "po_amount", "receipts_count"),
        control=Control(column="po_amount", source="erp"),
    ),
    ReportingTable(
        name="finished_goods_warehouse",
        group="inventory",
        cadence=DAILY,
        sources=(
            "erp.inventory_balances",
            "erp.inventory_transactions",
            "erp.materials",
            "wms.inventory_allocations",
            "wms.warehouses",
            "master.products",
        ),
        description=(
            "One row per warehouse (ERP storage location = WMS warehouse), finished product (a material with a "
            "product_id) and UTC day, for the products the warehouse has had stock or movements of in the 30 days "
            f"ending the day. Stock: {END_OF_DAY_STOCK} Reserved = open WMS "
            "allocations (allocated - picked) made by the end of the day; available = stock - reserved (not below "
            "0); stocked out when available = 0; stock-out days = such days among the 30 ending the day; below "
            "safety stock when stock < materials.safety_stock. Aging, first in first out: the stock is the latest "
            "receipts (101, 262), received 0-30, 31-60 and 61-90 days before the day, the rest older than 90 days. "
            f"Stock value = stock x moving average price. {MOVEMENT_CLASSES}"
        ),
        transform=finished_goods_warehouse,
        date_column="report_date",
        nonnegative_columns=(
            "stock_quantity",
            "reserved_quantity",
            "available_quantity",
            "stockout_days_30d",
            "aging_0_30_quantity",
            "aging_31_60_quantity",
            "aging_61_90_quantity",
            "aging_over_90_quantity",
            "stock_value",
        ),
        required_columns=("warehouse_id", "product_id", "stock_quantity", "available_quantity"),
        control=Control(column="stock_quantity", source="erp"),
    ),
    ReportingTable(
        name="raw_material_warehouse",
        group="inventory",
        cadence=DAILY,
        sources=("erp.inventory_balances", "erp.inventory_transactions", "erp.materials", "wms.warehouses"),
        description=(
            "One row per warehouse (ERP storage location = WMS warehouse), bought material (raw material, "
            "component, packaging: no product_id) and UTC day, for the materials with stock or movements in the 30 "
            f"days ending the day. Stock: {END_OF_DAY_STOCK} Minimum = safety "
            "stock, maximum and reorder point from the material master; below reorder point when stock <= reorder "
            "point. Receipts and issues of the day. Stock value = stock x moving average price. Inventory turnover "
            "= issues of the 365 days ending the day / average end-of-day stock of those days; days of supply = "
            f"stock / (issues of the 30 days ending the day / 30), NULL without issues. {MOVEMENT_CLASSES}"
        ),
        transform=raw_material_warehouse,
        date_column="report_date",
        nonnegative_columns=(
            "stock_quantity",
            "receipts_quantity",
            "issues_quantity",
            "stock_value",
            "inventory_turnover",
            "days_of_supply",
        ),
        required_columns=("warehouse_id", "material_id", "stock_quantity"),
        control=Control(column="stock_quantity", source="erp"),
    ),
    ReportingTable(
        name="work_in_process",
        group="inventory",
        cadence=DAILY,
        sources=("mes.work_orders", "mes.work_order_operations", "master.production_lines", "master.factories"),
        description=(
            "One row per production line and UTC day with open or completed work orders. Open at the end of the "
            "day: started (actual_start_time) or released with the planned start passed, and not ended "
            "(actual_end_time). WIP units of an open order = its planned quantity, valued at its standard cost per "
            "unit, in one stage, first match: on hold (quality_hold, from the order's last update on), in process "
            "(an operation started and not finished), inspection (an operation finished that requires inspection, "
            "not yet inspected), queued (not started or between operations). WIP = the sum of the stages. "
            "Throughput = good units of the orders completed (completed or closed) on the day; average cycle time "
            "= their actual_end_time - actual_start_time, hours; average WIP age = end of the day - "
            "actual_start_time of the open started orders, hours."
        ),
        transform=work_in_process,
        date_column="report_date",
        nonnegative_columns=(
            "open_work_orders",
            "wip_quantity",
            "wip_value",
            "throughput_units",
            "avg_cycle_time_hours",
            "avg_wip_age_hours",
        ),
        required_columns=("line_id", "open_work_orders", "wip_quantity", "throughput_units"),
        control=Control(column="throughput_units", source="mes"),
    ),
]
