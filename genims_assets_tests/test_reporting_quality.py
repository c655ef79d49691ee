"""Known answer for quality_summary_daily, from hand-built MES and QMS rows (factory F1, product P1, one day)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

DAY = "2026-04-07"


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("r1_quality", today=datetime(2026, 4, 10).date())
    h.insert(
        "master", "factories", [{"factory_id": "F1", "factory_name": "Plant One", "country": "India", "city": "Pune"}]
    )
    h.insert(
        "master",
        "products",
        [{"product_id": "P1", "product_code": "P-1", "product_name": "Brake Disc", "product_category": "brakes"}],
    )
    h.insert(
        "mes",
        "work_orders",
        [
            # 1,000 produced, 40 rejected of which 10 scrapped (a quarter of a defect's units are scrap)
            {
                "work_order_id": "WO1",
                "work_order_number": "WO-1",
                "product_id": "P1",
                "factory_id": "F1",
                "planned_quantity": 1000,
                "produced_quantity": 1000,
                "rejected_quantity": 40,
                "scrapped_quantity": 10,
                "status": "completed",
            },
        ],
    )
    h.insert(
        "mes",
        "quality_inspections",
        [
            # samples of 50 and 30 units, 2 and 1 defective units found in them; one failed inspection
            {
                "inspection_id": "QI1",
                "inspection_type": "in_process",
                "inspection_date": datetime(2026, 4, 7, 9),
                "work_order_id": "WO1",
                "product_id": "P1",
                "sample_size": 50,
                "inspector_id": "E1",
                "inspection_result": "fail",
                "defects_found": 2,
            },
            {
                "inspection_id": "QI2",
                "inspection_type": "final",
                "inspection_date": datetime(2026, 4, 7, 15),
                "work_order_id": "WO1",
                "product_id": "P1",
                "sample_size": 30,
                "inspector_id": "E1",
                "inspection_result": "pass",
                "defects_found": 1,
            },
            {
                "inspection_id": "QI3",
                "inspection_type": "final",
                "inspection_date": datetime(2026, 4, 8, 1),
                "work_order_id": "WO1",
                "product_id": "P1",
                "sample_size": 99,
                "inspector_id": "E1",
                "inspection_result": "pass",
                "defects_found": 0,
            },
        ],
    )
    h.insert(
        "mes",
        "defects",
        [
            # 40 defective units recorded in the day: far more than the 3 found in samples
            {
                "defect_id": "D1",
                "defect_description": "burr",
                "defect_severity": "major",
                "detected_date": datetime(2026, 4, 7, 10),
                "work_order_id": "WO1",
                "product_id": "P1",
                "quantity_affected": 36,
                "detection_method": "visual",
                "scrap_cost": 90,
                "rework_cost": 45.5,
            },
            {
                "defect_id": "D2",
                "defect_description": "crack",
                "defect_severity": "critical",
                "detected_date": datetime(2026, 4, 7, 16),
                "work_order_id": "WO1",
                "product_id": "P1",
                "quantity_affected": 4,
                "detection_method": "testing",
                "scrap_cost": 10,
                "rework_cost": 0,
            },
        ],
    )
    h.insert(
        "qms",
        "ncr_headers",
        [
            {
                "ncr_id": "N1",
                "ncr_number": "NCR-1",
                "source_type": "internal",
                "detected_date": date(2026, 4, 7),
                "detection_location": "F1",
                "product_id": "P1",
                "defect_description": "burr lot",
                "rework_cost": 100,
                "scrap_cost": 20,
                "sorting_cost": 5,
            },
        ],
    )
    yield h
    h.drop()


def test_quality_summary_daily_known_answer(harness):
    result = harness.materialize("quality_summary_daily", DAY)
    rows = [r for r in harness.rows("quality_summary_daily") if r["report_date"] == date(2026, 4, 7)]
    assert len(rows) == 1
    row = rows[0]
    assert (row["product_id"], row["factory_id"], row["product_name"], row["factory_name"]) == (
        "P1",
        "F1",
        "Brake Disc",
        "Plant One",
    )
    assert (row["inspections_count"], row["inspections_failed"]) == (2, 1)
    assert (row["units_inspected"], row["sample_defects"], row["units_defective"]) == (80, 3, 40)
    # the sampled defect rate: 3 / 80, never the 40 recorded defective units over the 80 sampled (50 %)
    assert float(row["defect_rate_pct"]) == 3.75
    assert float(row["defect_ppm"]) == 37500.0
    assert (row["critical_defects"], row["major_defects"], row["minor_defects"]) == (1, 1, 0)
    # scrap units = 36 x 10/40 + 4 x 10/40 = 10; rework = 40 - 10
    assert (row["scrap_units"], row["rework_units"]) == (10, 30)
    assert row["ncr_count"] == 1
    # rework 45.5 + 100, scrap 100 + 20, sorting 5
    assert (float(row["rework_cost"]), float(row["scrap_cost"])) == (145.5, 120.0)
    assert float(row["cost_of_poor_quality"]) == 270.5
    checks = harness.check_results(result)
    assert all(c.passed for c in checks.values()), {k: (v.passed, v.metadata) for k, v in checks.items()}
