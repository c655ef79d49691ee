"""Known answers for the inventory reporting tables, from hand-built source rows.

The day reported (DAY) is 20 days before today, so that the stock-now snapshot and the reconstruction of
earlier days' stock from today's balances work on the same rows. Plant FAC-0001 keeps a raw material R1 in
WH-0001-RM and a finished good F1 (product PRD-1) in WH-0001-FG; F2 (PRD-2) is listed but never kept there.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

TODAY = date.today()
DAY = TODAY - timedelta(days=20)
PARTITION = DAY.isoformat()
EOD = datetime.combine(DAY + timedelta(days=1), time())  # the end of DAY


def at(days: int, hour: int = 0) -> datetime:
    """A moment `days` days after DAY (negative: before), at `hour` o'clock."""
    return datetime.combine(DAY + timedelta(days=days), time(hour))


def material(material_id: str, product_id: str | None, **values) -> dict:
    return {
        "material_id": material_id,
        "material_code": material_id,
        "material_name": f"Material {material_id}",
        "material_type": "finished_good" if product_id else "raw_material",
        "base_unit_of_measure": "EA" if product_id else "KG",
        "product_id": product_id,
        "default_supplier_id": None if product_id else "SUP-1",
        "abc_classification": "A",
        **values,
    }


def balance(n: int, material_id: str, warehouse: str, unrestricted: float, price: float | None, **stock) -> dict:
    return {
        "balance_id": f"IB-{n}",
        "material_id": material_id,
        "plant_id": "FAC-0001",
        "storage_location": warehouse,
        "unrestricted_stock": unrestricted,
        "quality_inspection_stock": stock.get("inspection", 0.0),
        "blocked_stock": stock.get("blocked", 0.0),
        "moving_average_price": price,
    }


def movement(n: int, material_id: str, movement_type: str, quantity: float, day: date, amount: float = 0.0) -> dict:
    return {
        "transaction_id": f"IT-{n:03d}",
        "transaction_type": "t",
        "movement_type": movement_type,
        "posting_date": day,
        "document_date": day,
        "material_id": material_id,
        "plant_id": "FAC-0001",
        "storage_location": "WH-0001-FG" if material_id.startswith("MAT-F") else "WH-0001-RM",
        "quantity": quantity,
        "unit_of_measure": "EA",
        "amount": amount,
        "cancelled": False,
    }


def receipt(n: int, po: str, line: str, quantity: float, price: float, status: str = "unrestricted", **extra) -> dict:
    return {
        "goods_receipt_id": f"GR-{n}",
        "gr_number": f"GR-{n}",
        "gr_date": DAY,
        "posting_date": DAY,
        "purchase_order_id": po,
        "po_line_id": line,
        "supplier_id": "SUP-1",
        "material_id": "MAT-R1",
        "quantity_received": quantity,
        "unit_of_measure": "KG",
        "quality_status": status,
        "unit_price": price,
        "total_value": quantity * price,
        "cancelled": extra.get("cancelled", False),
    }


def work_order(wo: str, status: str, quantity: int, cost: float, start, end=None, **extra) -> dict:
    return {
        "work_order_id": wo,
        "work_order_number": wo,
        "product_id": "PRD-1",
        "factory_id": "FAC-0001",
        "line_id": "LINE-1",
        "planned_quantity": quantity,
        "planned_start_date": extra.get("planned", start or at(0)),
        "actual_start_time": start,
        "actual_end_time": end,
        "good_quantity": extra.get("good", 0),
        "status": status,
        "quality_hold": extra.get("hold", False),
        "standard_cost_per_unit": cost,
        "updated_at": extra.get("updated", end or start or at(0)),
    }


def operation(op: str, wo: str, start, end=None, inspect: bool = False) -> dict:
    return {
        "operation_id": op,
        "work_order_id": wo,
        "operation_sequence": 10,
        "operation_name": op,
        "planned_quantity": 1,
        "actual_start_time": start,
        "actual_end_time": end,
        "status": "in_progress",
        "requires_inspection": inspect,
        "inspection_timestamp": None,
    }


def load_master(h: ReportingHarness) -> None:
    h.insert(
        "master",
        "factories",
        [{"factory_id": "FAC-0001", "factory_name": "Plant One", "country": "India", "city": "Pune"}],
    )
    h.insert("master", "production_lines", [{"line_id": "LINE-1", "factory_id": "FAC-0001", "line_name": "Line One"}])
    h.insert("master", "products", [{"product_id": "PRD-1", "product_name": "Widget"}])


def load_erp_stock(h: ReportingHarness) -> None:
    h.insert(
        "erp",
        "materials",
        [
            material(
                "MAT-R1",
                None,
                safety_stock=50.0,
                reorder_point=100.0,
                maximum_stock=1000.0,
                standard_cost=10.0,
                moving_average_cost=11.0,
            ),
            material(
                "MAT-R2",
                None,
                safety_stock=100.0,
                reorder_point=200.0,
                maximum_stock=800.0,
                standard_cost=2.0,
                moving_average_cost=2.5,
            ),
            material(
                "MAT-R3",
                None,
                safety_stock=50.0,
                reorder_point=100.0,
                maximum_stock=2000.0,
                standard_cost=1.0,
                moving_average_cost=1.0,
            ),
            material(
                "MAT-F1",
                "PRD-1",
                safety_stock=20.0,
                reorder_point=40.0,
                maximum_stock=500.0,
                standard_cost=100.0,
                moving_average_cost=120.0,
            ),
            material(
                "MAT-F2",
                "PRD-2",
                safety_stock=20.0,
                reorder_point=40.0,
                maximum_stock=500.0,
                standard_cost=100.0,
                moving_average_cost=120.0,
            ),
        ],
    )
    h.insert(
        "erp",
        "suppliers",
        [{"supplier_id": "SUP-1", "supplier_code": "S1", "supplier_name": "Steel Co", "supplier_type": "raw_material"}],
    )
    h.insert(
        "erp",
        "inventory_balances",
        [
            balance(1, "MAT-R1", "WH-0001-RM", 150.0, 12.0, inspection=20.0, blocked=10.0),  # 180 on hand
            balance(2, "MAT-R2", "WH-0001-RM", 900.0, None),  # no price on the balance: the master's 2.5
            balance(3, "MAT-F1", "WH-0001-FG", 70.0, 110.0),
            balance(5, "MAT-R3", "WH-0001-RM", 100.0, 1.0),
            balance(4, "MAT-F2", "WH-0001-FG", 0.0, 110.0),
        ],
    )
    d = DAY
    moves = [
        # R1 on DAY: receipts 101 +100 and 262 +5, issues 261 -40 and 122 -10, adjustments 701 +1 and 702 -3
        movement(1, "MAT-R1", "101", 100, d, 1000.0),
        movement(2, "MAT-R1", "261", 40, d, 400.0),
        movement(3, "MAT-R1", "262", 5, d, 50.0),
        movement(4, "MAT-R1", "702", 3, d),
        movement(5, "MAT-R1", "701", 1, d),
        movement(6, "MAT-R1", "122", 10, d, 100.0),
        {**movement(7, "MAT-R1", "261", 1000, d, 10000.0), "cancelled": True},  # does not count
        movement(8, "MAT-R1", "261", 60, d - timedelta(days=18), 600.0),  # before DAY, in its 30 days
        movement(9, "MAT-R1", "261", 30, d + timedelta(days=2), 300.0),  # after DAY
        movement(10, "MAT-R1", "101", 50, d + timedelta(days=2), 500.0),
        # F1: production receipts 2, 49 and 85 days before DAY; deliveries the day before and after DAY
        movement(11, "MAT-F1", "101", 30, d - timedelta(days=2)),
        movement(12, "MAT-F1", "101", 40, d - timedelta(days=49)),
        movement(13, "MAT-F1", "101", 25, d - timedelta(days=85)),
        movement(14, "MAT-F1", "601", 20, d - timedelta(days=1)),
        movement(15, "MAT-F1", "601", 10, d + timedelta(days=1)),
        # R3: 1,000 received 100 days before DAY, 900 issued 10 days before DAY
        movement(18, "MAT-R3", "101", 1000, d - timedelta(days=100), 1000.0),
        movement(19, "MAT-R3", "261", 900, d - timedelta(days=10), 900.0),
        # R2 (for the snapshot): issues 10 and 200 days before today
        movement(16, "MAT-R2", "261", 450, TODAY - timedelta(days=10), 900.0),
        movement(17, "MAT-R2", "261", 100, TODAY - timedelta(days=200), 200.0),
    ]
    h.insert("erp", "inventory_transactions", moves)


def load_erp_purchasing(h: ReportingHarness) -> None:
    order = {"po_status": "released", "supplier_id": "SUP-1"}
    h.insert(
        "erp",
        "purchase_orders",
        [
            {**order, "purchase_order_id": "PO-1", "po_number": "1", "po_date": DAY, "total_value": 11800.0},
            {
                **order,
                "purchase_order_id": "PO-X",
                "po_number": "X",
                "po_date": DAY,
                "total_value": 5000.0,
                "po_status": "cancelled",
            },
            {
                **order,
                "purchase_order_id": "PO-0",
                "po_number": "0",
                "po_date": DAY - timedelta(days=18),
                "total_value": 2000.0,
            },
        ],
    )

    def line(line_id: str, po: str, price: float, due: date, deleted: bool = False) -> dict:
        return {
            "po_line_id": line_id,
            "purchase_order_id": po,
            "line_number": 10,
            "material_id": "MAT-R1",
            "order_quantity": 100.0,
            "unit_of_measure": "KG",
            "unit_price": price,
            "delivery_date": due,
            "deletion_indicator": deleted,
        }

    h.insert(
        "erp",
        "purchase_order_lines",
        [
            line("PO-1-1", "PO-1", 10.0, DAY + timedelta(days=20)),
            line("PO-1-2", "PO-1", 10.0, DAY + timedelta(days=20)),
            line("PO-1-3", "PO-1", 10.0, DAY + timedelta(days=20), deleted=True),
            line("PO-0-1", "PO-0", 10.0, DAY - timedelta(days=1)),  # due the day before DAY
            line("PO-0-2", "PO-0", 20.0, DAY + timedelta(days=2)),
        ],
    )
    h.insert(
        "erp",
        "goods_receipts",
        [
            receipt(1, "PO-0", "PO-0-1", 100.0, 11.0),  # late, paid 1 more
            receipt(2, "PO-0", "PO-0-1", 4.0, 11.0, "blocked"),  # late, rejected
            receipt(3, "PO-0", "PO-0-2", 50.0, 20.0),  # on time
            receipt(4, "PO-0", "PO-0-2", 99.0, 20.0, cancelled=True),
        ],
    )


def load_wms(h: ReportingHarness) -> None:
    h.insert(
        "wms",
        "warehouses",
        [
            {"warehouse_id": wh, "warehouse_code": wh, "warehouse_name": f"Warehouse {wh}", "plant_id": "FAC-0001"}
            for wh in ("WH-0001-RM", "WH-0001-FG")
        ],
    )
    h.insert(
        "wms",
        "warehouse_inventory",
        [
            {
                "inventory_id": "INV-1",
                "warehouse_id": "WH-0001-RM",
                "bin_id": "B1",
                "material_id": "MAT-R1",
                "quantity_on_hand": 150.0,
                "reserved_quantity": 30.0,
            }
        ],
    )
    h.insert(
        "wms",
        "warehouse_movements",
        [
            {
                "movement_id": f"MV-{n}",
                "movement_number": f"MV-{n}",
                "material_id": "MAT-R1",
                "warehouse_id": "WH-0001-RM",
                "movement_timestamp": when,
            }
            for n, when in enumerate([at(0, 8), at(0, 12), at(0, 23), at(1, 1)])
        ],
    )
    # 75 of F1 reserved from 5 days before DAY on
    h.insert(
        "wms",
        "inventory_allocations",
        [
            {
                "allocation_id": "AL-1",
                "source_type": "sales_order",
                "source_document_id": "SO-1",
                "material_id": "MAT-F1",
                "allocated_quantity": 75.0,
                "picked_quantity": 0.0,
                "location_id": "WH-0001-FG",
                "allocation_status": "allocated",
                "allocation_date": at(-5, 10),
            }
        ],
    )


def load_supplier(h: ReportingHarness) -> None:
    h.insert(
        "supplier",
        "supplier_performance_metrics",
        [
            {
                "metric_id": "M1",
                "supplier_id": "SUP-1",
                "metric_period": "2000-01",
                "overall_score": 80.0,
                "created_at": at(-10, 23),
            },
            {
                "metric_id": "M2",
                "supplier_id": "SUP-1",
                "metric_period": "2000-02",
                "overall_score": 90.0,
                "created_at": at(5, 23),
            },  # published after DAY
        ],
    )


def load_mes(h: ReportingHarness) -> None:
    h.insert(
        "mes",
        "work_orders",
        [
            work_order("WO-A", "in_progress", 100, 50.0, at(-1, 10)),  # in process, 38 h old at EOD
            work_order("WO-B", "in_progress", 200, 10.0, at(-2)),  # awaiting inspection, 72 h old
            work_order("WO-C", "released", 300, 5.0, None, planned=at(0)),  # queued
            work_order("WO-D", "on_hold", 40, 100.0, at(-1, 12), hold=True, updated=at(0, 8)),  # on hold, 36 h
            work_order("WO-E", "completed", 500, 5.0, at(-5, 8), at(0, 20), good=480),  # 132 h
            work_order("WO-F", "closed", 100, 5.0, at(-1), at(0, 12), good=100),  # 36 h
            work_order("WO-G", "scheduled", 999, 5.0, None, planned=at(-1)),  # not released: not WIP
            work_order("WO-H", "cancelled", 999, 5.0, at(-4), at(0, 5), good=10),  # ended, not completed
        ],
    )
    h.insert(
        "mes",
        "work_order_operations",
        [
            operation("OP-A1", "WO-A", at(-1, 10)),
            operation("OP-B1", "WO-B", at(-2), at(0, 6), inspect=True),
            operation("OP-B2", "WO-B", None),
            operation("OP-D1", "WO-D", at(-1, 12)),
        ],
    )


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("r4inv", today=TODAY)
    load_master(h)
    load_erp_stock(h)
    load_erp_purchasing(h)
    load_wms(h)
    load_supplier(h)
    load_mes(h)
    yield h
    h.drop()


def materialize(harness: ReportingHarness, table: str, partition: str | None = PARTITION) -> list[dict]:
    """Materialise one table, assert that it and all its checks passed, and return its rows."""
    result = harness.materialize(table, partition)
    assert result.success
    failed = {c.check_name for c in harness.check_results(result).values() if not c.passed}
    assert failed == set()
    return harness.rows(table)


def one(rows: list[dict], **key) -> dict:
    (row,) = [r for r in rows if all(r[k] == v for k, v in key.items())]
    return row


def floats(row: dict, *columns: str) -> tuple[float | None, ...]:
    return tuple(None if row[c] is None else float(row[c]) for c in columns)


def test_material_flow_daily_known_answer(harness):
    rows = materialize(harness, "material_flow_daily")
    row = one(rows, material_id="MAT-R1", report_date=DAY)
    # receipts 100 + 5; issues 40 + 10; adjustments +1 - 3; the cancelled 1,000 does not count
    assert floats(row, "receipts_quantity", "issues_quantity", "adjustments_quantity", "transfers_quantity") == (
        105.0,
        50.0,
        -2.0,
        0.0,
    )
    # end of DAY = 180 now - (later: +50 - 30) = 160; opening = 160 - (105 - 50 - 2) = 107
    assert floats(row, "opening_quantity", "ending_balance_quantity") == (107.0, 160.0)
    assert floats(row, "receipts_value", "issues_value") == (1050.0, 500.0)  # 1,000 + 50; 400 + 100
    assert float(row["average_daily_usage"]) == pytest.approx(110 / 30, abs=0.001)  # (60 + 50) / 30
    assert row["warehouse_movements"] == 3  # the fourth is on the next day
    assert (row["default_supplier_id"], row["default_supplier_name"]) == ("SUP-1", "Steel Co")
    assert float(row["supplier_performance_rating"]) == 80.0  # the 90 is published after DAY
    assert (row["factory_name"], row["material_name"], row["unit_of_measure"]) == ("Plant One", "Material MAT-R1", "KG")
    # F1 did not move on DAY: a row for its stock, 80 = 70 now + 10 delivered the day after; usage 20 / 30
    f1 = one(rows, material_id="MAT-F1", report_date=DAY)
    assert floats(f1, "opening_quantity", "ending_balance_quantity", "receipts_quantity") == (80.0, 80.0, 0.0)
    assert float(f1["average_daily_usage"]) == pytest.approx(20 / 30, abs=0.001)
    assert not [r for r in rows if r["material_id"] == "MAT-F2"]  # no stock, no movement: no row


def test_finished_goods_warehouse_known_answer(harness):
    rows = materialize(harness, "finished_goods_warehouse")
    row = one(rows, warehouse_id="WH-0001-FG", product_id="PRD-1")
    assert row["report_date"] == DAY and row["material_id"] == "MAT-F1"
    # stock: 70 now + 10 delivered after DAY = 80; 75 reserved -> 5 available, not stocked out
    assert floats(row, "stock_quantity", "reserved_quantity", "available_quantity") == (80.0, 75.0, 5.0)
    assert (row["is_stocked_out"], row["is_below_safety_stock"]) == (0, 0)  # 80 >= safety stock 20
    # stocked out (available 0) 5, 4 and 3 days before DAY: stock 70 < 75 reserved; from 2 days before it is
    # 100 (the 30 received), then 80
    assert row["stockout_days_30d"] == 3
    # first in first out: 30 received 2 days ago, 40 received 49 days ago, 10 of the 25 received 85 days ago
    assert floats(row, "aging_0_30_quantity", "aging_31_60_quantity", "aging_61_90_quantity") == (30.0, 40.0, 10.0)
    assert float(row["aging_over_90_quantity"]) == 0.0
    assert float(row["stock_value"]) == 8800.0  # 80 x 110
    assert (row["product_name"], row["warehouse_name"]) == ("Widget", "Warehouse WH-0001-FG")
    assert float(row["safety_stock_quantity"]) == 20.0
    assert [r["product_id"] for r in rows] == ["PRD-1"]  # PRD-2 is never kept there


def test_raw_material_warehouse_known_answer(harness):
    rows = materialize(harness, "raw_material_warehouse")
    row = one(rows, warehouse_id="WH-0001-RM", material_id="MAT-R1")
    assert floats(row, "stock_quantity", "receipts_quantity", "issues_quantity") == (160.0, 105.0, 50.0)
    assert floats(row, "min_stock_quantity", "max_stock_quantity", "reorder_point_quantity") == (50.0, 1000.0, 100.0)
    assert row["is_below_reorder_point"] == 0 and float(row["stock_value"]) == 1920.0  # 160 x 12
    # end-of-day stock over the 365 days ending DAY: 167 for 346 days, 107 for 18 days (from the issue of 60),
    # 160 on DAY: average (346 x 167 + 18 x 107 + 160) / 365 = 59,868 / 365 = 164.0219; issues 60 + 50 = 110
    assert float(row["inventory_turnover"]) == pytest.approx(110 / (59868 / 365), abs=0.00005)  # 0.6706
    assert float(row["days_of_supply"]) == pytest.approx(160 / (110 / 30), abs=0.001)  # 43.636
    assert (row["warehouse_name"], row["material_type"]) == ("Warehouse WH-0001-RM", "raw_material")
    # R3: stock 0 for the 264 days to 101 days before DAY, 1,000 for the next 90, 100 for the last 11:
    # average 91,100 / 365 = 249.589; 900 issued in the 365 (and in the 30) days
    r3 = one(rows, material_id="MAT-R3")
    assert float(r3["inventory_turnover"]) == pytest.approx(900 / (91100 / 365), abs=0.00005)  # 3.6059
    assert float(r3["days_of_supply"]) == pytest.approx(100 / (900 / 30), abs=0.0005)  # 3.333
    assert (float(r3["stock_quantity"]), r3["is_below_reorder_point"]) == (100.0, 1)  # 100 <= 100


def test_purchase_order_performance_known_answer(harness):
    rows = materialize(harness, "purchase_order_performance")
    row = one(rows, supplier_id="SUP-1", report_date=DAY)
    # PO-1 with 2 lines (a third deleted); the cancelled PO-X does not count
    assert (row["po_count"], row["po_line_count"], float(row["po_amount"])) == (1, 2, 11800.0)
    # receipts 100 (late), 4 blocked (late), 50 (on time); the cancelled one does not count
    assert (row["receipts_count"], row["on_time_receipts"], row["late_receipts"]) == (3, 1, 2)
    assert floats(row, "received_quantity", "received_value", "rejected_quantity") == (154.0, 2144.0, 4.0)
    assert float(row["on_time_delivery_pct"]) == pytest.approx(33.333, abs=0.001)  # 1 / 3
    assert float(row["defect_rate_pct"]) == pytest.approx(2.597, abs=0.001)  # 4 / 154
    # paid 11 for 104 units ordered at 10: 104; at PO prices 104 x 10 + 50 x 20 = 2,040 -> 5.098 %
    assert float(row["price_variance_amount"]) == 104.0
    assert float(row["price_variance_pct"]) == pytest.approx(5.098, abs=0.001)
    assert float(row["average_lead_time_days"]) == 18.0  # PO-0 was placed 18 days before DAY
    assert (row["supplier_name"], row["supplier_type"]) == ("Steel Co", "raw_material")


def test_work_in_process_known_answer(harness):
    rows = materialize(harness, "work_in_process")
    row = one(rows, line_id="LINE-1", report_date=DAY)
    assert row["open_work_orders"] == 4  # A, B, C, D; G is not released, E, F and H have ended
    # queued C 300 x 5; in process A 100 x 50; inspection B 200 x 10; on hold D 40 x 100
    assert floats(row, "queued_quantity", "queued_value") == (300.0, 1500.0)
    assert floats(row, "in_process_quantity", "in_process_value") == (100.0, 5000.0)
    assert floats(row, "inspection_quantity", "inspection_value") == (200.0, 2000.0)
    assert floats(row, "on_hold_quantity", "on_hold_value") == (40.0, 4000.0)
    assert floats(row, "wip_quantity", "wip_value") == (640.0, 12500.0)
    assert row["throughput_units"] == 580  # E 480 + F 100; H was cancelled
    assert float(row["avg_cycle_time_hours"]) == 84.0  # (132 + 36) / 2
    assert float(row["avg_wip_age_hours"]) == pytest.approx((38 + 72 + 36) / 3, abs=0.001)  # C has not started
    assert (row["line_name"], row["factory_id"], row["factory_name"]) == ("Line One", "FAC-0001", "Plant One")


def test_inventory_value_summary_known_answer(harness):
    rows = materialize(harness, "inventory_value_summary", None)
    assert {r["snapshot_date"] for r in rows} == {TODAY}
    r1 = one(rows, material_id="MAT-R1")
    assert (r1["factory_id"], r1["warehouse_id"], r1["abc_class"]) == ("FAC-0001", "WH-0001-RM", "A")
    # 150 + 20 in inspection + 10 blocked; available 180 - 30 reserved in WMS - 10 blocked
    assert floats(r1, "quantity_on_hand", "quantity_available") == (180.0, 140.0)
    assert floats(r1, "unit_cost", "inventory_value", "standard_cost_value") == (12.0, 2160.0, 1800.0)
    assert r1["reorder_status"] == "ok"  # 100 < 180 <= 1,000
    r2 = one(rows, material_id="MAT-R2")
    # 900 on hand at the master's moving average 2.5; issues 450 in the last 90 days, 100 more in 365 days
    assert floats(r2, "unit_cost", "inventory_value", "standard_cost_value") == (2.5, 2250.0, 1800.0)
    assert float(r2["average_daily_usage"]) == 5.0  # 450 / 90
    assert float(r2["days_of_inventory"]) == 180.0  # 900 / 5
    assert float(r2["inventory_turnover"]) == pytest.approx(0.4889, abs=0.0001)  # (900 + 200) / 2,250
    assert r2["reorder_status"] == "overstock"  # 900 > 800
    f2 = one(rows, material_id="MAT-F2")
    assert f2["reorder_status"] == "below_safety_stock" and f2["days_of_inventory"] is None  # 0 < 20, no usage
    assert (r1["factory_name"], r1["warehouse_name"]) == ("Plant One", "Warehouse WH-0001-RM")


@pytest.mark.parametrize(
    ("table", "material", "home", "second"),
    [
        ("raw_material_warehouse", "MAT-R1", "WH-0001-RM", "WH-0001-R2"),
        ("finished_goods_warehouse", "MAT-F1", "WH-0001-FG", "WH-0001-F2"),
    ],
)
def test_stock_reconciles_with_a_material_in_two_storage_locations_of_a_plant(harness, table, material, home, second):
    """The control totals work per material and plant: a second storage location holding the same material (real
    ERPs have several per plant) must not subtract the plant's later movements twice (it did: off by 20 units)."""
    before = {(r["warehouse_id"], r["material_id"]): r for r in materialize(harness, table)}
    harness.execute_source(
        "erp",
        "INSERT INTO inventory_balances (balance_id, material_id, plant_id, storage_location, unrestricted_stock, "
        f"quality_inspection_stock, blocked_stock) VALUES ('IB-TWO', '{material}', 'FAC-0001', '{second}', 25, 0, 0)",
    )
    try:
        result = harness.materialize(table, PARTITION)
        assert result.success
        checks = harness.check_results(result)
        assert checks["reconciles_with_source"].passed, checks["reconciles_with_source"].metadata
        assert checks["measures_valid"].passed
        rows = harness.rows(table)  # (the drift check sees the new location's extra rows)
        assert float(one(rows, warehouse_id=second, material_id=material)["stock_quantity"]) == 25.0
        kept = one(rows, warehouse_id=home, material_id=material)
        assert kept["stock_quantity"] == before[(home, material)]["stock_quantity"]
    finally:
        harness.execute_source("erp", "DELETE FROM inventory_balances WHERE balance_id = 'IB-TWO'")
        assert harness.materialize(table, PARTITION).success  # the fixture's rows again
