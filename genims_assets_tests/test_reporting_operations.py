"""Known answers for the operations reporting tables, from hand-built source rows.

Plant F1 has line L1 (machines M1, M2) and line L2 (machine M3), shifts A 06-14, B 14-22, C 22-06 (UTC).
DAY (2026-03-10) holds the machine_performance_daily case; DAY2 (2026-03-12) the production, downtime, safety
and maintenance cases (their rows are on other days than DAY, or in tables machine_performance_daily does not read,
so the two cases do not touch each other).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

DAY = "2026-03-10"
DAY2 = "2026-03-12"
D2 = date(2026, 3, 12)


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("r1_ops", today=datetime(2026, 3, 15).date())
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
    add_plant(h)
    add_production(h)
    add_downtime(h)
    add_people(h)
    add_maintenance(h)
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


def with_defaults(defaults: dict, rows: list[dict]) -> list[dict]:
    """Rows with the same columns (COPY takes the first row's keys): the defaults, overridden per row."""
    return [{**defaults, **row} for row in rows]


def numbered(rows: list[dict]) -> list[dict]:
    """CMMS work orders numbered like their ids."""
    return [{**row, "work_order_number": row["work_order_id"]} for row in rows]


def at(hour: int, minute: int = 0, day: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, minute)


def add_plant(h: ReportingHarness) -> None:
    """Line L2 with machine M3, and F1's shifts A/B/C (06-14, 14-22, 22-06)."""
    h.insert("master", "production_lines", [{"line_id": "L2", "factory_id": "F1", "line_name": "Line Two"}])
    h.insert(
        "master",
        "machines",
        [{"machine_id": "M3", "line_id": "L2", "factory_id": "F1", "machine_name": "Lathe 3", "machine_type": "cnc"}],
    )
    h.insert(
        "master",
        "shifts",
        [
            {
                "shift_id": f"S-{code}",
                "factory_id": "F1",
                "shift_name": f"shift_{code.lower()}",
                "start_time": start,
                "end_time": end,
            }
            for code, start, end in (("A", "06:00", "14:00"), ("B", "14:00", "22:00"), ("C", "22:00", "06:00"))
        ],
    )


def add_production(h: ReportingHarness) -> None:
    """L1 on DAY2: WO1 runs the three shifts, WO2 (a night run clocked in after midnight) completes.

    WO1: final operation (sequence 20) plans 1,200 units from 05:00 on DAY2 to 06:00 the next day; the line books
    labour in every hour of it but 05:00-06:00 (WO2's booking ends at 05:00), so the plan is 1,200 / 24 = 50 units
    per worked hour: 400 per shift (06-14, 14-22, and 22-06, which counts on the day the shift starts). Its first
    operation's 5,000 planned units must not count. WO2: plan 100 units 22:00 on DAY2-1 to 05:00 on DAY2, all in
    the worked hours 00-05 of the night shift that started the day before, so on DAY2-1.
    """
    orders = {"customer_id": None, "line_id": "L1", "factory_id": "F1", "product_id": "P1"}
    h.insert(
        "mes",
        "work_orders",
        with_defaults(
            {**orders, "status": "in_progress", "actual_end_time": None, "scrapped_quantity": 0, "rework_quantity": 0},
            [
                {
                    "work_order_id": "WO1",
                    "work_order_number": "WO1",
                    "planned_quantity": 1200,
                    "produced_quantity": 900,
                    "standard_cost_per_unit": 10,
                    "total_material_cost": 5000,
                    "total_overhead_cost": 1800,
                },
                {
                    "work_order_id": "WO2",
                    "work_order_number": "WO2",
                    "planned_quantity": 100,
                    "produced_quantity": 50,
                    "standard_cost_per_unit": 20,
                    "total_material_cost": 0,
                    "total_overhead_cost": 0,
                    "status": "completed",
                    "actual_end_time": at(5),
                    "scrapped_quantity": 7,
                    "rework_quantity": 9,
                },
            ],
        ),
    )
    h.insert(
        "mes",
        "work_order_operations",
        with_defaults(
            {"line_id": "L1", "operation_name": "op"},
            [
                {
                    "operation_id": "OP1-10",
                    "work_order_id": "WO1",
                    "operation_sequence": 10,
                    "planned_quantity": 5000,
                    "planned_start_time": at(5),
                    "planned_end_time": at(6, day=13),
                    "actual_start_time": at(6),
                    "actual_setup_time_minutes": 30,
                },
                {
                    "operation_id": "OP1-20",
                    "work_order_id": "WO1",
                    "operation_sequence": 20,
                    "planned_quantity": 1200,
                    "planned_start_time": at(5),
                    "planned_end_time": at(6, day=13),
                    "actual_start_time": at(6, 10),
                    "actual_setup_time_minutes": 18,
                },
                {
                    "operation_id": "OP2-10",
                    "work_order_id": "WO2",
                    "operation_sequence": 10,
                    "planned_quantity": 100,
                    "planned_start_time": at(22, day=11),
                    "planned_end_time": at(5),
                    "actual_start_time": at(0, 30),
                    "actual_setup_time_minutes": 12,
                },
            ],
        ),
    )
    booking = {"employee_id": "E9", "overtime_hours": 0, "overtime_cost": 0, "work_order_id": "WO1"}
    h.insert(
        "mes",
        "labor_transactions",
        with_defaults(
            booking,
            [
                {
                    "labor_transaction_id": "LT1",
                    "shift_id": "S-A",
                    "transaction_date": at(6),
                    "clock_in_time": at(6),
                    "clock_out_time": at(14),
                    "quantity_produced": 300,
                    "quantity_rejected": 6,
                    "actual_hours": 7.5,
                    "standard_hours": 6.0,
                    "labor_cost": 600,
                },
                {
                    "labor_transaction_id": "LT2",
                    "shift_id": "S-B",
                    "transaction_date": at(14),
                    "clock_in_time": at(14),
                    "clock_out_time": at(22),
                    "quantity_produced": 280,
                    "quantity_rejected": 4,
                    "actual_hours": 7.5,
                    "standard_hours": 5.6,
                    "labor_cost": 600,
                    "overtime_hours": 1.0,
                    "overtime_cost": 150,
                },
                {
                    "labor_transaction_id": "LT3",
                    "shift_id": "S-C",
                    "transaction_date": at(22),
                    "clock_in_time": at(22),
                    "clock_out_time": at(6, day=13),
                    "quantity_produced": 200,
                    "quantity_rejected": 10,
                    "actual_hours": 7.5,
                    "standard_hours": 4.0,
                    "labor_cost": 700,
                },
                {
                    "labor_transaction_id": "LT4",
                    "shift_id": "S-A",
                    "transaction_date": at(6, day=13),
                    "clock_in_time": at(6, day=13),
                    "clock_out_time": at(14, day=13),
                    "quantity_produced": 999,
                    "quantity_rejected": 0,
                    "actual_hours": 7.5,
                    "standard_hours": 7.0,
                    "labor_cost": 999,
                },
                {
                    "labor_transaction_id": "LT5",
                    "shift_id": "S-C",
                    "transaction_date": at(0, 30),
                    "clock_in_time": at(0, 30),
                    "clock_out_time": at(5),
                    "quantity_produced": 50,
                    "quantity_rejected": 0,
                    "actual_hours": 4.5,
                    "standard_hours": 4.0,
                    "labor_cost": 300,
                    "work_order_id": "WO2",
                },
            ],
        ),
    )
    h.insert(
        "mes",
        "changeover_events",
        [{"changeover_id": "CH1", "line_id": "L1", "changeover_start": at(5, 10), "actual_duration_minutes": 45}],
    )


def add_downtime(h: ReportingHarness) -> None:
    """DAY2 stops on L1 (M1, M2) and L2 (M3), faults of M1 and SCADA runtime of M1 and M2."""
    event = {"factory_id": "F1", "line_id": "L1", "machine_id": "M1", "downtime_reason_description": None}
    h.insert(
        "mes",
        "downtime_events",
        with_defaults(
            event,
            [
                # M1: 90 min mechanical, resolved on DAY2.
                {
                    "downtime_id": "E1",
                    "downtime_category": "mechanical",
                    "downtime_reason_code": "MECH-101",
                    "downtime_reason_description": "Spindle vibration",
                    "downtime_start": at(8),
                    "downtime_end": at(9, 30),
                    "duration_minutes": 90,
                    "production_loss_units": 30,
                    "estimated_cost": 300,
                    "resolved_at": at(9, 30),
                },
                # M1: 23:00-00:30, 60 min on DAY2, resolved the next day.
                {
                    "downtime_id": "E2",
                    "downtime_category": "electrical",
                    "downtime_reason_code": "ELEC-201",
                    "downtime_start": at(23),
                    "downtime_end": at(0, 30, day=13),
                    "duration_minutes": 90,
                    "production_loss_units": 10,
                    "estimated_cost": 100,
                    "resolved_at": at(0, 30, day=13),
                },
                # L1 line-wide changeover, 40 min: M1 and M2; cost 100.01 = 50.01 (M1) + 50.00 (M2).
                {
                    "downtime_id": "E3",
                    "machine_id": None,
                    "downtime_category": "changeover",
                    "downtime_reason_code": "CO-PRODUCT",
                    "downtime_start": at(12),
                    "downtime_end": at(12, 40),
                    "duration_minutes": 40,
                    "production_loss_units": 20,
                    "estimated_cost": 100.01,
                    "resolved_at": at(12, 40),
                },
                # M2: planned maintenance from 22:00 the day before, 120 min on DAY2; not started on DAY2.
                {
                    "downtime_id": "E4",
                    "machine_id": "M2",
                    "downtime_category": "planned",
                    "downtime_reason_code": "PM-01",
                    "downtime_start": at(22, day=11),
                    "downtime_end": at(2),
                    "duration_minutes": 240,
                    "production_loss_units": 80,
                    "estimated_cost": 400,
                    "resolved_at": at(2),
                },
                # L2 line-wide material stop, 20 min: M3 only.
                {
                    "downtime_id": "E5",
                    "machine_id": None,
                    "line_id": "L2",
                    "downtime_category": "material",
                    "downtime_reason_code": "MAT-01",
                    "downtime_start": at(15),
                    "downtime_end": at(15, 20),
                    "duration_minutes": 20,
                    "production_loss_units": 5,
                    "estimated_cost": 40,
                    "resolved_at": at(15, 20),
                },
            ],
        ),
    )
    fault = {"machine_id": "M1", "line_id": "L1", "factory_id": "F1", "fault_duration_seconds": 600}
    h.insert(
        "operational",
        "machine_faults",
        with_defaults(
            fault,
            [
                {"fault_id": 10, "fault_code": "E10", "fault_severity": "critical", "fault_start_time": at(8)},
                {"fault_id": 11, "fault_code": "E11", "fault_severity": "minor", "fault_start_time": at(23)},
            ],
        ),
    )
    scada = {"line_id": "L1", "factory_id": "F1", "machine_state": "running", "parts_produced_shift": 100}
    h.insert(
        "operational",
        "scada_machine_data",
        with_defaults(
            scada,
            [
                {"scada_id": 20, "machine_id": "M1", "timestamp": at(13, 59), "uptime_seconds_shift": 25200},
                {"scada_id": 21, "machine_id": "M1", "timestamp": at(21, 59), "uptime_seconds_shift": 24000},
                {"scada_id": 22, "machine_id": "M2", "timestamp": at(13, 59), "uptime_seconds_shift": 21600},
            ],
        ),
    )


def add_people(h: ReportingHarness) -> None:
    """HCM: employees H1, H2 of F1; a lost-time incident on 03-01, a recordable one and a near miss on DAY2."""
    person = {"first_name": "A", "last_name": "B", "hire_date": date(2020, 1, 1), "primary_factory_id": "F1"}
    h.insert(
        "hcm",
        "employees",
        with_defaults(person, [{"employee_id": e, "employee_number": e} for e in ("H1", "H2")]),
    )
    h.insert(
        "hcm",
        "attendance_records",
        with_defaults(
            {"shift_id": "S-A"},
            [
                {"attendance_id": "AT1", "employee_id": "H1", "attendance_date": D2, "actual_hours": 8.0},
                {"attendance_id": "AT2", "employee_id": "H2", "attendance_date": D2, "actual_hours": 7.5},
                {"attendance_id": "AT3", "employee_id": "H1", "attendance_date": date(2026, 3, 1), "actual_hours": 8.0},
                {"attendance_id": "AT4", "employee_id": "H2", "attendance_date": date(2026, 3, 1), "actual_hours": 8.0},
                {
                    "attendance_id": "AT5",
                    "employee_id": "H1",
                    "attendance_date": date(2025, 3, 12),
                    "actual_hours": 8.0,
                },
            ],
        ),
    )
    incident = {"description": "x", "factory_id": "F1", "employee_id": "H1", "days_away_from_work": 0}
    h.insert(
        "hcm",
        "safety_incidents",
        with_defaults(
            incident,
            [
                {
                    "incident_id": "I1",
                    "incident_number": "I1",
                    "incident_date": date(2026, 3, 1),
                    "incident_type": "injury",
                    "severity": "moderate",
                    "days_away_from_work": 3,
                    "osha_recordable": True,
                },
                {
                    "incident_id": "I2",
                    "incident_number": "I2",
                    "incident_date": D2,
                    "incident_type": "injury",
                    "severity": "minor",
                    "osha_recordable": True,
                },
                {
                    "incident_id": "I3",
                    "incident_number": "I3",
                    "incident_date": D2,
                    "incident_type": "near_miss",
                    "severity": "minor",
                    "osha_recordable": False,
                },
            ],
        ),
    )
    h.insert(
        "hcm",
        "training_schedules",
        [
            {
                "schedule_id": "TS1",
                "course_id": "C1",
                "start_datetime": at(9),
                "end_datetime": at(13),
                "factory_id": "F1",
            }
        ],
    )
    h.insert(
        "hcm",
        "training_enrollments",
        with_defaults(
            {"schedule_id": "TS1", "enrollment_date": date(2026, 3, 1), "attended": True, "attendance_date": D2},
            [
                {
                    "enrollment_id": "EN1",
                    "employee_id": "H1",
                    "attendance_hours": 4.0,
                    "completion_status": "completed",
                    "completion_date": D2,
                },
                {
                    "enrollment_id": "EN2",
                    "employee_id": "H2",
                    "attendance_hours": 3.5,
                    "completion_status": "in_progress",
                    "completion_date": None,
                },
            ],
        ),
    )


def add_maintenance(h: ReportingHarness) -> None:
    """CMMS: asset AST-M1 with seven work orders around DAY2, AST-HVAC idle, AST-NEW commissioned after DAY2."""
    asset = {"is_active": True, "factory_id": "F1", "machine_id": None, "criticality_rating": "A"}
    h.insert(
        "cmms",
        "maintenance_assets",
        with_defaults(
            asset,
            [
                {
                    "asset_id": "AST-M1",
                    "asset_number": "1",
                    "asset_name": "Press 1",
                    "machine_id": "M1",
                    "commissioning_date": date(2020, 1, 1),
                },
                {
                    "asset_id": "AST-HVAC",
                    "asset_number": "2",
                    "asset_name": "HVAC",
                    "commissioning_date": date(2019, 1, 1),
                },
                {
                    "asset_id": "AST-NEW",
                    "asset_number": "3",
                    "asset_name": "New",
                    "commissioning_date": date(2026, 3, 13),
                },
            ],
        ),
    )
    h.insert(
        "cmms",
        "pm_schedules",
        [{"pm_schedule_id": "PMS-1", "schedule_code": "PMS-1", "schedule_name": "monthly", "asset_id": "AST-M1"}],
    )
    order = {
        "asset_id": "AST-M1",
        "description": "x",
        "source_document_id": None,
        "scheduled_end_date": None,
        "actual_end_date": None,
        "actual_duration_hours": None,
    }
    pm = {"source_type": "pm_schedule", "source_document_id": "PMS-1"}
    h.insert(
        "cmms",
        "work_orders",
        numbered(
            with_defaults(
                order,
                [
                    # due DAY2, done on time
                    {
                        "work_order_id": "W1",
                        "wo_type": "preventive",
                        **pm,
                        "requested_date": date(2026, 3, 5),
                        "scheduled_end_date": D2,
                        "wo_status": "closed",
                        "actual_end_date": at(10),
                        "estimated_duration_hours": 2,
                        "actual_duration_hours": 2,
                    },
                    # due DAY2, still open: missed, in the backlog
                    {
                        "work_order_id": "W2",
                        "wo_type": "preventive",
                        **pm,
                        "requested_date": date(2026, 3, 6),
                        "scheduled_end_date": D2,
                        "wo_status": "assigned",
                        "estimated_duration_hours": 3,
                    },
                    # repair requested and finished on DAY2 (MTTR 4.5 h)
                    {
                        "work_order_id": "W3",
                        "wo_type": "breakdown",
                        "source_type": "breakdown",
                        "requested_date": D2,
                        "wo_status": "closed",
                        "actual_end_date": at(16),
                        "estimated_duration_hours": 4,
                        "actual_duration_hours": 4.5,
                    },
                    # repair requested on DAY2, open
                    {
                        "work_order_id": "W4",
                        "wo_type": "corrective",
                        "source_type": "request",
                        "requested_date": D2,
                        "wo_status": "in_progress",
                        "estimated_duration_hours": 1.5,
                    },
                    # predictive, cancelled: created, never in the backlog
                    {
                        "work_order_id": "W5",
                        "wo_type": "predictive",
                        "source_type": "predictive",
                        "requested_date": D2,
                        "wo_status": "cancelled",
                        "estimated_duration_hours": 9,
                    },
                    # inspection from the PM schedule, due later: preventive, in the backlog
                    {
                        "work_order_id": "W6",
                        "wo_type": "inspection",
                        **pm,
                        "requested_date": D2,
                        "scheduled_end_date": date(2026, 3, 20),
                        "wo_status": "assigned",
                        "estimated_duration_hours": 0.5,
                    },
                    # finished the day before: neither completed on DAY2 nor in its backlog
                    {
                        "work_order_id": "W7",
                        "wo_type": "corrective",
                        "source_type": "request",
                        "requested_date": date(2026, 3, 1),
                        "wo_status": "closed",
                        "actual_end_date": at(9, day=11),
                        "estimated_duration_hours": 7,
                        "actual_duration_hours": 6,
                    },
                ],
            ),
        ),
    )
    h.insert(
        "cmms",
        "maintenance_costs",
        with_defaults(
            {"asset_id": "AST-M1", "cost_date": D2},
            [
                {"cost_id": "MC1", "work_order_id": "W1", "cost_type": "labor", "cost_amount": 1000},
                {"cost_id": "MC2", "work_order_id": "W1", "cost_type": "parts", "cost_amount": 2500.50},
                {"cost_id": "MC3", "work_order_id": "W3", "cost_type": "contractor", "cost_amount": 700},
                {"cost_id": "MC4", "work_order_id": "W3", "cost_type": "equipment_rental", "cost_amount": 100},
                {
                    "cost_id": "MC5",
                    "work_order_id": "W7",
                    "cost_type": "labor",
                    "cost_amount": 555,
                    "cost_date": date(2026, 3, 11),
                },
            ],
        ),
    )
    h.insert(
        "cmms",
        "maintenance_history",
        with_defaults(
            {"asset_id": "AST-M1", "failure_code": None},
            [
                {
                    "history_id": "H1",
                    "work_order_id": "W1",
                    "event_type": "preventive_maintenance",
                    "event_date": at(10),
                    "downtime_hours": 2.0,
                },
                {
                    "history_id": "H3",
                    "work_order_id": "W3",
                    "event_type": "breakdown",
                    "event_date": at(11),
                    "downtime_hours": 4.5,
                    "failure_code": "BRG-01",
                },
            ],
        ),
    )


def all_checks_pass(h: ReportingHarness, result) -> None:
    checks = h.check_results(result)
    assert set(checks) == {"row_count_drift", "measures_valid", "reconciles_with_source"}
    assert all(c.passed for c in checks.values()), {k: (v.passed, v.metadata) for k, v in checks.items()}


def day_rows(h: ReportingHarness, table: str, key: str) -> dict:
    return {r[key]: r for r in h.rows(table) if r["report_date"] == D2}


def test_production_summary_daily_known_answer(harness):
    result = harness.materialize("production_summary_daily", DAY2)
    (row,) = day_rows(harness, "production_summary_daily", "line_id").values()
    assert (row["line_id"], row["line_name"], row["factory_name"]) == ("L1", "Line One", "Plant One")
    # plan: 1,200 / 24 worked hours x 8 h per shift (not 1,200 x 24 / 25 h: 05-06 is not worked); WO2's plan is
    # on the day before, its first operation's 5,000 never counts
    assert (row["morning_planned_units"], row["afternoon_planned_units"], row["night_planned_units"]) == (400,) * 3
    assert row["planned_units"] == 1200
    # actual: 300 (A) + 280 (B) + 200 (C from 22:00) + 50 (WO2's night booking clocked in at 00:30); LT4 is the next day
    assert (row["morning_actual_units"], row["afternoon_actual_units"], row["night_actual_units"]) == (300, 280, 250)
    assert (row["actual_units"], row["rejected_units"], row["good_units"]) == (830, 20, 810)
    assert (row["morning_good_units"], row["afternoon_good_units"], row["night_good_units"]) == (294, 276, 240)
    assert float(row["plan_attainment_pct"]) == pytest.approx(69.167, abs=0.001)  # 830 / 1,200
    assert float(row["yield_pct"]) == pytest.approx(97.590, abs=0.001)  # 810 / 830
    # hours: 7.5 + 7.5 + 7.5 + 4.5; standard 6 + 5.6 + 4 + 4; night 7.5 + 4.5
    assert float(row["labor_hours"]) == 27.0 and float(row["standard_labor_hours"]) == 19.6
    assert float(row["overtime_hours"]) == 1.0 and float(row["night_labor_hours"]) == 12.0
    assert float(row["morning_labor_hours"]) == 7.5 and float(row["afternoon_labor_hours"]) == 7.5
    # WO1 and WO2 booked; WO2 completed with 7 scrapped, 9 reworked
    assert (row["work_orders_active"], row["work_orders_completed"]) == (2, 1)
    assert (row["scrapped_units"], row["rework_units"]) == (7, 9)
    # setup (30 + 18 + 12) / 60; changeover 45 / 60
    assert float(row["setup_hours"]) == 1.0
    assert (float(row["changeover_hours"]), row["changeover_count"]) == (0.75, 1)
    # standard: 760 good x 10 + 50 x 20; material 780 x 5,000 / max(900, 1,200); overhead 780 x 1,800 / 900;
    # labour 600 + 600 + 150 + 700 + 300
    assert float(row["standard_cost"]) == 8600.0
    assert (float(row["material_cost"]), float(row["overhead_cost"]), float(row["labor_cost"])) == (3250, 1560, 2350)
    assert float(row["actual_cost"]) == 7160.0  # 3,250 + 2,350 + 1,560
    assert float(row["cost_variance"]) == -1440.0  # 7,160 - 8,600
    assert float(row["cost_variance_pct"]) == pytest.approx(-16.744, abs=0.001)  # -1,440 / 8,600
    all_checks_pass(harness, result)


def test_downtime_summary_daily_known_answer(harness):
    result = harness.materialize("downtime_summary_daily", DAY2)
    rows = day_rows(harness, "downtime_summary_daily", "machine_id")
    assert set(rows) == {"M1", "M2", "M3"}
    m1, m2, m3 = rows["M1"], rows["M2"], rows["M3"]
    # M1: 90 mechanical + 60 electrical (23:00-24:00) + 40 of L1's changeover
    assert float(m1["downtime_minutes"]) == 190.0
    assert (float(m1["mechanical_downtime_minutes"]), float(m1["electrical_downtime_minutes"])) == (90.0, 60.0)
    assert float(m1["other_downtime_minutes"]) == 40.0
    assert (float(m1["planned_downtime_minutes"]), float(m1["unplanned_downtime_minutes"])) == (40.0, 150.0)
    # E1, E2 and the changeover start on DAY2; lost units 30 + 10 + 20; cost 300 + 100 + 50.01
    assert (m1["incident_count"], m1["production_loss_units"], float(m1["downtime_cost"])) == (3, 60, 450.01)
    assert (m1["fault_count"], m1["critical_fault_count"]) == (2, 1)
    # runtime 25,200 + 24,000 s = 820 min; MTBF 820 / 60 / 3; MTTR (90 + 40) / 2 (E2 is resolved the next day)
    assert float(m1["runtime_minutes"]) == 820.0
    assert float(m1["mtbf_hours"]) == pytest.approx(4.556, abs=0.001)
    assert float(m1["mttr_minutes"]) == 65.0
    assert m1["top_failure_code"] == "MECH-101"
    assert json.loads(m1["top_failure_codes"]) == [
        {"code": "MECH-101", "description": "Spindle vibration", "events": 1, "minutes": 90.0},
        {"code": "ELEC-201", "description": None, "events": 1, "minutes": 60.0},
        {"code": "CO-PRODUCT", "description": None, "events": 1, "minutes": 40.0},
    ]
    assert (m1["machine_name"], m1["line_id"], m1["factory_name"]) == ("Press 1", "L1", "Plant One")
    # M2: 120 planned (02:00 end) + 40 changeover, all planned; one incident starting on DAY2 (the changeover);
    # cost 50.00; MTBF 360 / 60 / 1; MTTR (240 + 40) / 2
    assert float(m2["downtime_minutes"]) == 160.0 and float(m2["planned_downtime_minutes"]) == 160.0
    assert float(m2["unplanned_downtime_minutes"]) == 0.0
    assert (m2["incident_count"], m2["production_loss_units"], float(m2["downtime_cost"])) == (1, 20, 50.0)
    assert (float(m2["mtbf_hours"]), float(m2["mttr_minutes"])) == (6.0, 140.0)
    assert m2["top_failure_code"] == "PM-01"
    # M3: L2's 20-minute material stop only; no runtime
    assert (float(m3["downtime_minutes"]), float(m3["downtime_cost"]), m3["incident_count"]) == (20.0, 40.0, 1)
    assert float(m3["mtbf_hours"]) == 0.0 and m3["line_name"] == "Line Two"
    all_checks_pass(harness, result)  # control: 300 + 100 + 100.01 + 40 = 540.01


def test_safety_compliance_daily_known_answer(harness):
    result = harness.materialize("safety_compliance_daily", DAY2)
    (row,) = day_rows(harness, "safety_compliance_daily", "factory_id").values()
    assert (row["factory_id"], row["factory_name"]) == ("F1", "Plant One")
    assert (row["incident_count"], row["near_miss_count"], row["minor_incidents"]) == (2, 1, 2)
    assert (row["lost_time_incidents"], row["recordable_incidents"], row["days_away_from_work"]) == (0, 1, 0)
    assert float(row["hours_worked"]) == 15.5  # 8 + 7.5
    assert float(row["ltifr"]) == 0.0
    assert float(row["trir"]) == pytest.approx(12903.2258, abs=0.0001)  # 1 x 200,000 / 15.5
    # 365 days to DAY2: the 03-01 lost-time incident and 2 recordables over 15.5 + 16 h (2025-03-12 is one day too old)
    assert float(row["ltifr_rolling_12m"]) == pytest.approx(31746.0317, abs=0.0001)  # 1 x 1,000,000 / 31.5
    assert float(row["trir_rolling_12m"]) == pytest.approx(12698.4127, abs=0.0001)  # 2 x 200,000 / 31.5
    assert row["days_since_lost_time_incident"] == 11  # 03-01 to 03-12
    assert float(row["training_hours"]) == 7.5  # 4 + 3.5
    assert (row["employees_trained"], row["training_completions"]) == (2, 1)
    all_checks_pass(harness, result)


def test_maintenance_performance_daily_known_answer(harness):
    result = harness.materialize("maintenance_performance_daily", DAY2)
    rows = day_rows(harness, "maintenance_performance_daily", "asset_id")
    assert set(rows) == {"AST-M1", "AST-HVAC"}  # AST-NEW is commissioned the day after
    row = rows["AST-M1"]
    assert (row["pm_due_count"], row["pm_completed_on_time"], float(row["pm_compliance_pct"])) == (2, 1, 50.0)
    assert (row["work_orders_created"], row["work_orders_completed"]) == (4, 2)  # W3-W6; W1, W3
    # preventive W6, corrective W3 and W4, predictive W5: share 1 / (1 + 2)
    assert (row["preventive_work_orders"], row["corrective_work_orders"], row["predictive_work_orders"]) == (1, 2, 1)
    assert float(row["preventive_share_pct"]) == pytest.approx(33.333, abs=0.001)
    assert (row["backlog_work_orders"], float(row["backlog_hours"])) == (3, 5.0)  # W2, W4, W6: 3 + 1.5 + 0.5
    # labour 1,000, parts 2,500.50, other 700 + 100 (the 555 of 03-11 not)
    assert (float(row["labor_cost"]), float(row["parts_cost"]), float(row["other_cost"])) == (1000.0, 2500.5, 800.0)
    assert float(row["maintenance_cost"]) == 4300.5
    # history: downtime 2 + 4.5 h, one failure; operating 24 - 6.5 h; MTBF 17.5 / 1; MTTR 4.5 / 1
    assert (float(row["downtime_hours"]), row["failure_count"], float(row["operating_hours"])) == (6.5, 1, 17.5)
    assert (float(row["mtbf_hours"]), float(row["mttr_hours"])) == (17.5, 4.5)
    assert (row["machine_id"], row["factory_name"], row["criticality_rating"]) == ("M1", "Plant One", "A")
    idle = rows["AST-HVAC"]
    assert idle["pm_compliance_pct"] is None and idle["mtbf_hours"] is None and float(idle["operating_hours"]) == 24.0
    all_checks_pass(harness, result)


def test_energy_cost_uses_the_configured_tariff(harness):
    import dataclasses

    from genims_assets.settings import Settings

    configured = Settings.from_env({**os.environ, "ENERGY_TARIFF_PER_KWH": "10.5"})
    assert configured.energy_tariff_per_kwh == 10.5
    default = harness.settings
    harness.settings = dataclasses.replace(default, energy_tariff_per_kwh=configured.energy_tariff_per_kwh)
    try:
        harness.materialize("energy_consumption_daily", DAY)
    finally:
        harness.settings = default
    rows = [r for r in harness.rows("energy_consumption_daily") if r["report_date"] == date(2026, 3, 10)]
    assert rows and all(float(r["tariff_per_kwh"]) == 10.5 for r in rows)
    line = {r["line_id"]: r for r in rows}["L1"]
    assert float(line["energy_kwh"]) > 0
    assert float(line["energy_cost"]) == pytest.approx(float(line["energy_kwh"]) * 10.5, abs=0.01)
