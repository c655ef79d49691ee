"""Known answers for the operations reporting tables, from hand-built source rows."""

from __future__ import annotations

from datetime import datetime

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

DAY = "2026-03-10"


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("ops", today=datetime(2026, 3, 15).date())
    h.insert(
        "master", "factories", [{"factory_id": "F1", "factory_name": "Plant One", "country": "India", "city": "Pune"}]
    )
    h.insert("master", "production_lines", [{"line_id": "L1", "factory_id": "F1", "line_name": "Line One"}])
    h.insert(
        "master",
        "machines",
        [
            {
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "machine_name": "Press 1",
                "machine_type": "press",
            },
            {
                "machine_id": "M2",
                "line_id": "L1",
                "factory_id": "F1",
                "machine_name": "Robot 2",
                "machine_type": "robot",
            },
        ],
    )
    scada = []
    # M1, two shifts on DAY: 27,000 s planned each; uptime 24,000 + 21,000 s; parts 400 + 350, rejects 4 + 3;
    # target cycle 50 s; average power 20 kW and 30 kW.
    for i, (stamp, up, down, parts, rej, kw) in enumerate(
        [
            ("2026-03-10 13:59:59", 24000, 3000, 400, 4, 20.0),
            ("2026-03-10 21:59:59", 21000, 6000, 350, 3, 30.0),
        ]
    ):
        scada.append(
            {
                "scada_id": i + 1,
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "timestamp": datetime.fromisoformat(stamp),
                "machine_state": "running",
                "parts_produced_shift": parts,
                "parts_rejected_shift": rej,
                "target_cycle_time_seconds": 50,
                "actual_cycle_time_seconds": up / parts,
                "power_consumption_kw": kw,
                "uptime_seconds_shift": up,
                "downtime_seconds_shift": down,
            }
        )
    # A row on the next day must not count.
    scada.append(
        {
            "scada_id": 9,
            "machine_id": "M1",
            "line_id": "L1",
            "factory_id": "F1",
            "timestamp": datetime(2026, 3, 11, 5, 59, 59),
            "machine_state": "running",
            "parts_produced_shift": 999,
            "parts_rejected_shift": 0,
            "target_cycle_time_seconds": 50,
            "actual_cycle_time_seconds": 20.0,
            "power_consumption_kw": 10.0,
            "uptime_seconds_shift": 27000,
            "downtime_seconds_shift": 0,
        }
    )
    h.insert("operational", "scada_machine_data", scada)
    h.insert(
        "operational",
        "machine_faults",
        [
            {
                "fault_id": 1,
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "fault_code": "E1",
                "fault_start_time": datetime(2026, 3, 10, 9),
                "fault_duration_seconds": 1800,
            },
            {
                "fault_id": 2,
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "fault_code": "E2",
                "fault_start_time": datetime(2026, 3, 10, 17),
                "fault_duration_seconds": 3600,
            },
        ],
    )
    # 23:00 on DAY to 01:00 next day: 60 minutes on DAY.
    h.insert(
        "mes",
        "downtime_events",
        [
            {
                "downtime_id": "D1",
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "downtime_start": datetime(2026, 3, 10, 23),
                "downtime_end": datetime(2026, 3, 11, 1),
                "duration_minutes": 120,
                "downtime_category": "mechanical",
            },
            {
                "downtime_id": "D2",
                "machine_id": "M1",
                "line_id": "L1",
                "factory_id": "F1",
                "downtime_start": datetime(2026, 3, 10, 10),
                "downtime_end": datetime(2026, 3, 10, 10, 30),
                "duration_minutes": 30,
                "downtime_category": "electrical",
            },
        ],
    )
    yield h
    h.drop()


def test_machine_performance_daily_known_answer(harness):
    result = harness.materialize("machine_performance_daily", DAY)
    assert result.success
    (row,) = [r for r in harness.rows("machine_performance_daily") if r["machine_id"] == "M1"]
    # Worked by hand: planned 54,000 s = 900 min; runtime 45,000 s = 750 min.
    assert float(row["planned_production_minutes"]) == 900.0
    assert float(row["runtime_minutes"]) == 750.0
    assert float(row["availability_pct"]) == pytest.approx(83.333, abs=0.001)
    # performance = 50 s x 750 parts / 45,000 s = 83.333 %
    assert float(row["performance_pct"]) == pytest.approx(83.333, abs=0.001)
    # quality = 743 / 750 = 99.067 %
    assert float(row["quality_pct"]) == pytest.approx(99.067, abs=0.001)
    assert float(row["oee_pct"]) == pytest.approx(0.83333 * 0.83333 * 0.990667 * 100, abs=0.002)
    assert (row["units_produced"], row["units_rejected"], row["units_good"]) == (750, 7, 743)
    # downtime: 60 min (cut at midnight) + 30 min; uptime = 900 - 90
    assert float(row["downtime_minutes"]) == 90.0 and float(row["uptime_minutes"]) == 810.0
    # 2 faults: MTBF = 12.5 h / 2; MTTR = (30 + 60) / 2 min
    assert row["failure_count"] == 2
    assert float(row["mtbf_hours"]) == 6.25 and float(row["mttr_minutes"]) == 45.0
    assert float(row["energy_kwh"]) == 400.0  # 20 kW x 8 h + 30 kW x 8 h
    assert row["machine_name"] == "Press 1" and row["line_name"] == "Line One" and row["factory_name"] == "Plant One"
    checks = harness.check_results(result)
    assert all(c.passed for c in checks.values()), {k: v.passed for k, v in checks.items()}


def test_rematerialising_a_partition_gives_the_same_rows(harness):
    harness.materialize("machine_performance_daily", DAY)
    first = harness.rows("machine_performance_daily", order_by="report_date, machine_id")
    result = harness.materialize("machine_performance_daily", DAY)
    second = harness.rows("machine_performance_daily", order_by="report_date, machine_id")
    strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_at"} for r in rows]  # noqa: E731
    assert strip(first) == strip(second) and len(first) == 1
    drift = harness.check_results(result)["row_count_drift"]
    assert drift.passed and drift.metadata["previous"].value == 1 and drift.metadata["current"].value == 1
