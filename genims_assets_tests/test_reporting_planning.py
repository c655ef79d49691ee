"""Known answers for the inventory planning tables, from hand-built source rows (figures worked out by hand).

Month 2026-03 (demand, suppliers) and day 2026-03-10 (MRP, reconciliation); rows outside the month or the day,
cancelled orders, superseded runs and reconciliations are there to be left out.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

MONTH = "2026-03-01"
DAY = "2026-03-10"


def rows(defaults: dict, *overrides: dict) -> list[dict]:
    """Source rows sharing `defaults` (COPY takes one column list per insert)."""
    return [{**defaults, **o} for o in overrides]


def forecast(fid: str, period: str, year: int, month: int | None, total: float) -> dict:
    return {
        "forecast_id": fid,
        "forecast_period": period,
        "forecast_year": year,
        "forecast_month": month,
        "total_forecast": total,
        "snapshot_date": date(2026, 2, 26),
    }


def seed_demand(h: ReportingHarness) -> None:
    product = {"product_category": "hydraulic"}
    h.insert(
        "master",
        "products",
        rows(
            product,
            *(
                {"product_id": f"PRD-000{i}", "product_name": f"Product {i}"}
                for i in range(1, 6)  # PRD-0001 .. PRD-0005
            ),
        ),
    )
    h.insert(
        "crm",
        "sales_forecasts",
        [
            forecast("SF-PRD-0001-202603-TER-N", "monthly", 2026, 3, 10000.0),
            forecast("SF-PRD-0001-202603-TER-S", "monthly", 2026, 3, 2000.0),
            forecast("SF-PRD-0002-202603-TER-N", "monthly", 2026, 3, 6050.0),
            forecast("SF-PRD-0004-202603-TER-N", "monthly", 2026, 3, 3000.0),
            forecast("SF-PRD-0001-202604-TER-N", "monthly", 2026, 4, 7777.0),  # April: not this month
            forecast("SF-ALL-2026Q1-TER-N", "quarterly", 2026, None, 99999.0),  # roll-up: never counted
        ],
    )
    order = {"customer_id": "C1", "order_status": "shipped"}
    h.insert(
        "erp",
        "sales_orders",
        rows(
            order,
            {"sales_order_id": "SO1", "sales_order_number": "N1", "order_date": date(2026, 3, 5)},
            {"sales_order_id": "SO2", "sales_order_number": "N2", "order_date": date(2026, 3, 20)},
            {
                "sales_order_id": "SO3",
                "sales_order_number": "N3",
                "order_date": date(2026, 3, 25),
                "order_status": "cancelled",
            },
            {"sales_order_id": "SO4", "sales_order_number": "N4", "order_date": date(2026, 2, 10)},
            {"sales_order_id": "SO5", "sales_order_number": "N5", "order_date": date(2026, 4, 2)},
            {"sales_order_id": "SO6", "sales_order_number": "N6", "order_date": date(2025, 3, 15)},
            {"sales_order_id": "SO7", "sales_order_number": "N7", "order_date": date(2026, 1, 15)},
        ),
    )
    line = {"material_id": "MAT-X", "unit_of_measure": "EA", "unit_price": 1.0, "deletion_indicator": False}
    h.insert(
        "erp",
        "sales_order_lines",
        rows(
            line,
            {"sales_order_line_id": "L1", "sales_order_id": "SO1", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 40, "net_price": 4000.0},
            {"sales_order_line_id": "L2", "sales_order_id": "SO1", "line_number": 2, "product_id": "PRD-0002",
             "order_quantity": 10, "net_price": 5500.0},
            {"sales_order_line_id": "L3", "sales_order_id": "SO1", "line_number": 3, "product_id": "PRD-0002",
             "order_quantity": 5, "net_price": 500.0, "deletion_indicator": True},
            {"sales_order_line_id": "L4", "sales_order_id": "SO1", "line_number": 4, "product_id": "PRD-0005",
             "order_quantity": 5, "net_price": 250.0},
            {"sales_order_line_id": "L5", "sales_order_id": "SO2", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 60, "net_price": 6600.0},
            {"sales_order_line_id": "L6", "sales_order_id": "SO3", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 1000, "net_price": 100000.0},
            {"sales_order_line_id": "L7", "sales_order_id": "SO4", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 50, "net_price": 4400.0},
            {"sales_order_line_id": "L8", "sales_order_id": "SO5", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 999, "net_price": 1.0},
            {"sales_order_line_id": "L9", "sales_order_id": "SO6", "line_number": 1, "product_id": "PRD-0001",
             "order_quantity": 100, "net_price": 1.0},
            {"sales_order_line_id": "L10", "sales_order_id": "SO7", "line_number": 1, "product_id": "PRD-0003",
             "order_quantity": 7, "net_price": 700.0},
        ),
    )  # fmt: skip


def seed_suppliers(h: ReportingHarness) -> None:
    h.insert(
        "erp",
        "suppliers",
        rows(
            {"supplier_type": "component"},
            *({"supplier_id": s, "supplier_code": s, "supplier_name": f"{s} Ltd"} for s in ("S1", "S2", "S3")),
        ),
    )
    card = {"scorecard_type": "monthly"}
    h.insert(
        "supplier",
        "supplier_scorecards",
        rows(
            card,
            {"scorecard_id": "C1-03", "supplier_id": "S1", "scorecard_period": "2026-03", "quality_score": 90.0,
             "delivery_score": 80.0, "commercial_score": 70.0, "responsiveness_score": 60.0, "overall_score": 85.0,
             "supplier_rating": "good"},
            {"scorecard_id": "C1-02", "supplier_id": "S1", "scorecard_period": "2026-02", "quality_score": 90.0,
             "delivery_score": 80.0, "commercial_score": 70.0, "responsiveness_score": 60.0, "overall_score": 80.0,
             "supplier_rating": "good"},
        ),
    )  # fmt: skip
    metric = {"quality_acceptance_pct": None, "defect_ppm": 0, "performance_rating": None, "trend": None}
    h.insert(
        "supplier",
        "supplier_performance_metrics",
        rows(
            metric,
            {"metric_id": "M1-03", "supplier_id": "S1", "metric_period": "2026-03", "total_pos_issued": 4,
             "ontime_delivery_pct": 75.0, "quality_acceptance_pct": 98.5, "defect_ppm": 15000, "total_spend": 1000.0,
             "overall_score": 84.0, "performance_rating": "good", "trend": "stable"},
            {"metric_id": "M2-03", "supplier_id": "S2", "metric_period": "2026-03", "total_pos_issued": 2,
             "ontime_delivery_pct": 90.0, "total_spend": 2000.0, "overall_score": 65.0},
            {"metric_id": "M2-02", "supplier_id": "S2", "metric_period": "2026-02", "total_pos_issued": 9,
             "ontime_delivery_pct": 90.0, "total_spend": 9000.0, "overall_score": 66.0},
        ),
    )  # fmt: skip
    h.insert(
        "qms",
        "supplier_quality_metrics",
        rows(
            {"metric_period": "2026-03"},
            {"metric_id": "Q1", "supplier_id": "S1", "quality_score": 88.0, "ncr_count": 2, "total_copq": 500.0},
            {"metric_id": "Q2", "supplier_id": "S2", "quality_score": 70.0, "ncr_count": 0, "total_copq": 0.0},
            {"metric_id": "Q3", "supplier_id": "S3", "quality_score": 50.0, "ncr_count": 1, "total_copq": 200.0},
        ),
    )


def element(eid: str, run: str, material: str, kind: str, day: int, **values) -> dict:
    base = {"requirement_quantity": None, "receipt_quantity": None, "exception_message": None}
    return {
        **base,
        "element_id": eid,
        "mrp_run_id": run,
        "material_id": material,
        "plant_id": "F1" if run != "R-F2" else "F2",
        "element_type": kind,
        "element_date": date(2026, 3, day),
        **values,
    }


def seed_mrp(h: ReportingHarness) -> None:
    h.insert(
        "master",
        "factories",
        rows({"country": "India", "city": "Pune"}, {"factory_id": "F1", "factory_name": "Plant One"}),
    )
    h.insert(
        "erp",
        "materials",
        rows(
            {"material_type": "raw", "base_unit_of_measure": "KG"},
            *({"material_id": m, "material_code": m, "material_name": f"Material {m}"} for m in ("M1", "M2", "M3")),
        ),
    )
    run = {"planning_horizon_days": 14, "run_status": "completed"}
    h.insert(
        "planning",
        "mrp_runs",
        rows(
            run,
            {"mrp_run_id": "R-F1", "run_number": "1", "planning_date": date(2026, 3, 10), "plant_id": "F1",
             "completed_at": datetime(2026, 3, 10, 2, 10)},
            {"mrp_run_id": "R-F2", "run_number": "2", "planning_date": date(2026, 3, 10), "plant_id": "F2",
             "completed_at": datetime(2026, 3, 10, 2, 5), "run_status": "error"},
            {"mrp_run_id": "R-NEXT", "run_number": "3", "planning_date": date(2026, 3, 11), "plant_id": "F1",
             "completed_at": datetime(2026, 3, 11, 2, 10)},
        ),
    )  # fmt: skip
    h.insert(
        "planning",
        "mrp_elements",
        [
            # M1: stock 100, a past-due PO of 50 (reschedule), a requirement of 300 on 03-12, MRP's planned order
            # (not supply) and a PO on 03-30, beyond the horizon (03-10 + 14 = 03-24).
            element("E1", "R-F1", "M1", "stock", 10, receipt_quantity=100),
            element("E2", "R-F1", "M1", "purchase_order", 8, receipt_quantity=50, exception_message="reschedule"),
            element("E3", "R-F1", "M1", "dependent_requirement", 12, requirement_quantity=300),
            element("E4", "R-F1", "M1", "planned_order", 11, receipt_quantity=500, exception_message="shortage"),
            element("E5", "R-F1", "M1", "purchase_order", 30, receipt_quantity=1000, exception_message="excess"),
            # M2: stock 10, 50 needed on 03-11, 100 arriving 03-12: short for a day, then covered.
            element("E6", "R-F1", "M2", "stock", 10, receipt_quantity=10),
            element("E7", "R-F1", "M2", "customer_requirement", 11, requirement_quantity=50),
            element("E8", "R-F1", "M2", "production_order", 12, receipt_quantity=100),
            # M3: nothing in stock, 30 needed and 30 arriving the same day (receipts first: never short).
            element("E9", "R-F1", "M3", "stock", 10, receipt_quantity=0),
            element("E10", "R-F1", "M3", "dependent_requirement", 13, requirement_quantity=30),
            element("E11", "R-F1", "M3", "purchase_order", 13, receipt_quantity=30),
            # a failed run and the next day's run: not this day's figures
            element("E12", "R-F2", "M1", "stock", 10, receipt_quantity=7, exception_message="shortage"),
            element("E13", "R-NEXT", "M1", "stock", 11, receipt_quantity=9, exception_message="shortage"),
        ],
    )


def seed_reconciliation(h: ReportingHarness) -> None:
    h.insert(
        "wms",
        "warehouses",
        [{"warehouse_id": "W1", "warehouse_code": "W1", "warehouse_name": "Warehouse One"}],
    )
    header = {"location_id": "W1", "started_at": None}
    h.insert(
        "wms",
        "inventory_reconciliation_headers",
        rows(
            header,
            {"reconciliation_id": "REC-OLD", "reconciliation_number": "1", "reconciliation_date": date(2026, 3, 2)},
            {"reconciliation_id": "REC-NEW", "reconciliation_number": "2", "reconciliation_date": date(2026, 3, 9)},
            {"reconciliation_id": "REC-FUT", "reconciliation_number": "3", "reconciliation_date": date(2026, 3, 11)},
            {"reconciliation_id": "REC-W2", "reconciliation_number": "4", "reconciliation_date": date(2026, 1, 15),
             "location_id": "W2"},
        ),
    )  # fmt: skip
    line = {"location_id": "W1", "erp_value": 0.0, "wms_value": 0.0, "variance_status": "matched"}
    h.insert(
        "wms",
        "inventory_reconciliation_lines",
        rows(
            line,
            {"line_id": "1", "reconciliation_id": "REC-OLD", "material_id": "M1", "erp_quantity": 100,
             "wms_quantity": 90},
            {"line_id": "2", "reconciliation_id": "REC-NEW", "material_id": "M1", "erp_quantity": 200,
             "wms_quantity": 190, "erp_value": 2000.0, "wms_value": 1900.0, "variance_status": "under_review"},
            {"line_id": "3", "reconciliation_id": "REC-NEW", "material_id": "M2", "erp_quantity": 0, "wms_quantity": 0},
            {"line_id": "4", "reconciliation_id": "REC-NEW", "material_id": "M3", "erp_quantity": 50,
             "wms_quantity": 50},
            {"line_id": "5", "reconciliation_id": "REC-NEW", "material_id": "M4", "erp_quantity": 10,
             "wms_quantity": 30, "variance_status": "under_review"},
            {"line_id": "6", "reconciliation_id": "REC-FUT", "material_id": "M1", "erp_quantity": 999,
             "wms_quantity": 999},
            {"line_id": "7", "reconciliation_id": "REC-W2", "material_id": "M1", "erp_quantity": 5, "wms_quantity": 5,
             "location_id": "W2"},
        ),
    )  # fmt: skip
    error = {"location_id": "W1", "error_status": "resolved"}
    h.insert(
        "wms",
        "inventory_sync_errors",
        rows(
            error,
            {"error_id": "E1", "material_id": "M1", "error_timestamp": datetime(2026, 3, 10, 9), "resolved_at": None,
             "error_status": "open"},
            {"error_id": "E2", "material_id": "M5", "error_timestamp": datetime(2026, 3, 8, 10),
             "resolved_at": datetime(2026, 3, 11, 8)},
            {"error_id": "E3", "material_id": "M2", "error_timestamp": datetime(2026, 3, 10, 11),
             "resolved_at": datetime(2026, 3, 10, 15)},
            {"error_id": "E4", "material_id": "M3", "error_timestamp": datetime(2026, 3, 5, 11),
             "resolved_at": datetime(2026, 3, 7, 15)},
            {"error_id": "E5", "material_id": None, "error_timestamp": datetime(2026, 3, 10, 12),
             "resolved_at": datetime(2026, 3, 10, 12, 30)},
        ),
    )  # fmt: skip


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("r5_plan", today=date(2026, 3, 15))
    for seed in (seed_demand, seed_suppliers, seed_mrp, seed_reconciliation):
        seed(h)
    yield h
    h.drop()


def materialised(harness: ReportingHarness, table: str, partition: str, column: str) -> list[dict]:
    """Materialise one partition, require every check to pass, return that partition's rows."""
    result = harness.materialize(table, partition)
    assert result.success
    checks = harness.check_results(result)
    assert set(checks) == {"row_count_drift", "reconciles_with_source", "measures_valid"}
    assert all(c.passed for c in checks.values()), {k: (v.passed, v.metadata) for k, v in checks.items()}
    return [r for r in harness.rows(table) if r[column] == date.fromisoformat(partition)]


def test_demand_forecast_vs_actual_known_answer(harness):
    got = {r["product_id"]: r for r in materialised(harness, "demand_forecast_vs_actual", MONTH, "report_month")}
    # PRD-0003 was only ordered in January, without a forecast: no row.
    assert set(got) == {"PRD-0001", "PRD-0002", "PRD-0004", "PRD-0005"}
    p1 = got["PRD-0001"]
    # forecast 10,000 + 2,000 (two territories); price = (4,000 + 6,600 + 4,400) / (40 + 60 + 50) = 100 / unit
    # (April, the cancelled order and the order of March 2025 left out) -> 120 units forecast.
    assert float(p1["forecast_amount"]) == 12000.0 and float(p1["forecast_quantity"]) == 120.0
    assert float(p1["actual_quantity"]) == 100.0 and float(p1["actual_amount"]) == 10600.0  # 40 + 60; 4,000 + 6,600
    assert float(p1["variance_quantity"]) == -20.0 and float(p1["variance_amount"]) == -1400.0
    assert float(p1["variance_pct"]) == pytest.approx(-16.667, abs=0.001)  # -20 / 120
    assert float(p1["forecast_accuracy_pct"]) == 80.0  # 100 - 20 / 100 x 100
    assert p1["product_name"] == "Product 1" and p1["product_category"] == "hydraulic"
    assert p1["forecast_source"].startswith("crm.sales_forecasts")
    p2 = got["PRD-0002"]
    # 10 units for 5,500 (the deleted line left out): 550 / unit; forecast 6,050 / 550 = 11 units
    assert float(p2["forecast_quantity"]) == 11.0 and float(p2["actual_quantity"]) == 10.0
    assert float(p2["variance_amount"]) == -550.0  # 5,500 - 6,050
    assert float(p2["variance_pct"]) == pytest.approx(-9.091, abs=0.001)  # -1 / 11
    assert float(p2["forecast_accuracy_pct"]) == 90.0  # 100 - 1 / 10 x 100
    p4 = got["PRD-0004"]  # a forecast, never ordered: no price, no units, no accuracy
    assert float(p4["forecast_amount"]) == 3000.0 and p4["forecast_quantity"] is None
    assert float(p4["actual_quantity"]) == 0.0 and float(p4["variance_amount"]) == -3000.0
    assert p4["forecast_accuracy_pct"] is None
    p5 = got["PRD-0005"]  # ordered without a forecast
    assert p5["forecast_amount"] is None and p5["forecast_source"] is None
    assert float(p5["actual_quantity"]) == 5.0 and p5["variance_quantity"] is None


def test_supplier_performance_summary_known_answer(harness):
    got = {r["supplier_id"]: r for r in materialised(harness, "supplier_performance_summary", MONTH, "report_month")}
    assert set(got) == {"S1", "S2", "S3"}
    s1 = got["S1"]  # the scorecard wins; 85 vs 80 last month: +5 points -> improving (the metrics said stable)
    assert [float(s1[c]) for c in ("quality_score", "delivery_score", "cost_score", "responsiveness_score")] == [
        90.0,
        80.0,
        70.0,
        60.0,
    ]
    assert float(s1["overall_score"]) == 85.0 and s1["overall_rating"] == "good" and s1["trend"] == "improving"
    assert s1["po_count"] == 4 and float(s1["on_time_delivery_pct"]) == 75.0 and s1["defect_ppm"] == 15000
    assert float(s1["quality_acceptance_pct"]) == 98.5 and float(s1["total_spend_amount"]) == 1000.0
    assert s1["ncr_count"] == 2 and float(s1["cost_of_poor_quality"]) == 500.0
    assert s1["supplier_name"] == "S1 Ltd"
    s2 = got["S2"]  # no scorecard: QMS quality, on-time % as delivery, metrics' overall 65 -> needs_improvement
    assert float(s2["quality_score"]) == 70.0 and float(s2["delivery_score"]) == 90.0 and s2["cost_score"] is None
    assert float(s2["overall_score"]) == 65.0 and s2["overall_rating"] == "needs_improvement"
    assert s2["trend"] == "stable"  # 65 vs 66: within 2 points
    s3 = got["S3"]  # QMS only
    assert float(s3["quality_score"]) == 50.0 and s3["overall_score"] is None and s3["overall_rating"] is None
    assert s3["po_count"] == 0 and s3["ncr_count"] == 1 and float(s3["cost_of_poor_quality"]) == 200.0


def test_mrp_shortage_summary_known_answer(harness):
    got = {r["material_id"]: r for r in materialised(harness, "mrp_shortage_summary", DAY, "report_date")}
    assert set(got) == {"M1", "M2", "M3"} and {r["plant_id"] for r in got.values()} == {"F1"}
    m1 = got["M1"]
    assert (m1["mrp_run_id"], m1["planning_horizon_days"], m1["plant_name"]) == ("R-F1", 14, "Plant One")
    # stock 100 + receipts 50 (the planned order and the PO past the horizon left out) - requirements 300 = -150
    assert float(m1["stock_quantity"]) == 100.0 and float(m1["planned_receipts_quantity"]) == 50.0
    assert float(m1["requirements_quantity"]) == 300.0
    assert float(m1["projected_available_quantity"]) == -150.0 and float(m1["shortage_quantity"]) == 150.0
    assert m1["first_shortage_date"] == date(2026, 3, 12)  # 100 + 50 - 300 on 03-12
    assert (m1["shortage_exceptions"], m1["excess_exceptions"], m1["reschedule_exceptions"]) == (1, 1, 1)
    assert m1["exception_count"] == 3
    assert json.loads(m1["exception_messages"]) == {"excess": 1, "reschedule": 1, "shortage": 1}
    m2 = got["M2"]  # 10 - 50 on 03-11 (short), + 100 on 03-12: ends at 60
    assert float(m2["projected_available_quantity"]) == 60.0 and float(m2["shortage_quantity"]) == 0.0
    assert m2["first_shortage_date"] == date(2026, 3, 11)
    assert m2["exception_count"] == 0 and m2["exception_messages"] is None
    m3 = got["M3"]  # 0 + 30 - 30 on the same day: never below 0
    assert float(m3["projected_available_quantity"]) == 0.0 and m3["first_shortage_date"] is None


def test_inventory_reconciliation_summary_known_answer(harness):
    got = {r["material_id"]: r for r in materialised(harness, "inventory_reconciliation_summary", DAY, "report_date")}
    assert set(got) == {"M1", "M2", "M3", "M4", "M5", "UNASSIGNED"}
    assert {r["warehouse_id"] for r in got.values()} == {"W1"}
    m1 = got["M1"]  # REC-NEW of 03-09 is the latest on 03-10 (REC-OLD superseded, REC-FUT later)
    assert m1["reconciliation_id"] == "REC-NEW" and m1["warehouse_name"] == "Warehouse One"
    assert float(m1["erp_quantity"]) == 200.0 and float(m1["wms_quantity"]) == 190.0
    assert float(m1["quantity_difference"]) == -10.0 and float(m1["value_difference"]) == -100.0  # 1,900 - 2,000
    assert float(m1["accuracy_pct"]) == 95.0  # 100 - 10 / 200 x 100
    assert m1["is_matched"] == 0 and m1["variance_status"] == "under_review"
    assert (m1["sync_errors_today"], m1["open_sync_errors"]) == (1, 1)  # E1, raised today, still open
    m2 = got["M2"]  # 0 and 0: 100 %; E3 raised and resolved today
    assert float(m2["accuracy_pct"]) == 100.0 and m2["is_matched"] == 1
    assert (m2["sync_errors_today"], m2["open_sync_errors"]) == (1, 0)
    m3 = got["M3"]  # E4 resolved before the day
    assert float(m3["accuracy_pct"]) == 100.0 and (m3["sync_errors_today"], m3["open_sync_errors"]) == (0, 0)
    m4 = got["M4"]  # 100 - 20 / 10 x 100 = -100 -> 0
    assert float(m4["quantity_difference"]) == 20.0 and float(m4["accuracy_pct"]) == 0.0 and m4["is_matched"] == 0
    m5 = got["M5"]  # not reconciled; E2 raised 03-08, resolved 03-11: open at the end of the day
    assert m5["reconciliation_id"] is None and m5["accuracy_pct"] is None and m5["is_matched"] == 0
    assert float(m5["erp_quantity"]) == 0.0 and (m5["sync_errors_today"], m5["open_sync_errors"]) == (0, 1)
    unassigned = got["UNASSIGNED"]  # E5: a timeout without a material, resolved within the hour
    assert (unassigned["sync_errors_today"], unassigned["open_sync_errors"]) == (1, 0)
