"""genims_operational_db: the plant floor as the machines saw it.

A shift-by-shift simulation of every production line over the window makes
all six tables, so that they agree with each other and with MES:

- `production_plan(ctx)` (public and pure: MES calls it again) lays out each
  line's shift calendar (06-14 A, 14-22 B, 22-06 C UTC; Sundays mostly off,
  night shifts on the three-shift lines, more overtime when demand is high)
  and its sequence of work orders (product, quantity, planned start/end).
  Demand has monthly seasonality, a March and December push and slow growth.
- Machines stop for faults (a rate per machine and shift, higher for old and
  critical machines; repair times lognormal with a long tail; three are still
  open at the window's end), planned maintenance, changeovers and short
  stops (material starvation and quality holds stop a whole line, an absent
  operator one machine). A line is a flow line: it runs only while none of
  its machines is stopped, and every unit passes every machine.
- Volumes at scale 1 and 90 days follow the public run: ~1,200 faults,
  ~1,350 maintenance events, ~2,450 production runs (one per work order and
  production day), ~173k sensor readings (a 1-minute aggregate per sensor
  every 22.5 h, plus warning/critical excursions around sensor-detected
  faults and rare false alarms) and ~178k sensor health checks (one per
  sensor and day, three while a sensor is unhealthy). SCADA has one row per
  machine and worked shift (~45k; the public run's 23.6k had no usable grain).

How reporting derives its measures from scada_machine_data
-----------------------------------------------------------
One row = one machine and one worked shift, stamped at the shift's last
second (13:59:59 A, 21:59:59 B, 05:59:59 C, the night shift that began at
22:00 the day before). Unworked shifts have no row. For machine m and day d
(rows with DATE("timestamp") = d):

- planned time = SUM(uptime_seconds_shift + downtime_seconds_shift)
  (27,000 s per row: 8 h less a 30-minute break)
- runtime = SUM(uptime_seconds_shift); downtime = SUM(downtime_seconds_shift)
  (the machine's own stops: faults, maintenance, setup/changeover, material,
  operator and quality stops; time starved by another machine of the line
  counts as runtime at reduced speed, i.e. as a performance loss)
- availability = runtime / planned time
- performance = SUM(target_cycle_time_seconds * parts_produced_shift) / runtime
  (target_cycle_time_seconds is the shift's ideal cycle time rounded to the
  second, so this is exact to within 0.5 s per cycle;
  actual_cycle_time_seconds = uptime / parts)
- quality = SUM(parts_produced_shift - parts_rejected_shift) / SUM(parts_produced_shift)
  (parts_produced_shift counts every unit the machine processed; rejects
  are the first-pass rejects found at that machine)
- OEE = availability * performance * quality; the per-row *_percentage
  columns hold the same figures for the shift.
- units produced / rejected = SUM(parts_produced_shift) / SUM(parts_rejected_shift);
  scrap rate = rejected / produced (the scrap/rework split is in MES).
- energy kWh = SUM(power_consumption_kw * 8) (power_consumption_kw is the
  shift's average demand over its 8 hours); equivalently the increase of the
  cumulative meter energy_consumed_kwh since the machine's previous row.
  Peak kW = MAX(power_consumption_kw); average kW = kWh / (8 * rows).
- line output: every unit passes every machine of a line, so in one shift all
  machines of the line report the same parts_produced_shift; the line's units
  are SUM over its shifts of MAX(parts_produced_shift) (use these for kWh per
  unit), and its rejects the SUM of parts_rejected_shift over its machines.
- MTBF = runtime / COUNT(faults) and MTTR = AVG(fault_duration_seconds), over
  the machine_faults of m with fault_start_time on d and fault_severity <>
  'warning' (warnings do not stop the machine: their downtime_minutes is 0).
- MES downtime_events explain the same downtime by category: per machine and
  shift, its events (machine_id = m) plus its line's line-wide events
  (machine_id NULL) add up to downtime_seconds_shift (MES counts wall-clock
  time, so a breakdown lasting a whole shift shows the 30-minute break too).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted

SHIFT = timedelta(hours=8)
SHIFT_SECONDS = 8 * 3600
PLANNED_SECONDS = SHIFT_SECONDS - 30 * 60
SHIFT_HOURS = {"A": 6, "B": 14, "C": 22}
EXPECTED_RUN_SHARE = 0.86  # planners load a line at its usual availability
PLAN_HORIZON_DAYS = 7  # work orders are planned this far past the window's end
# Public run: 1,211 faults over 236 machines and 90 days.
FAULTS_PER_MACHINE_DAY = 1211 / 236 / 90
PREDICTIVE_PER_MACHINE_DAY = 0.004
PM_INTERVAL_DAYS = {"daily": 14, "weekly": 30, "monthly": 45, "quarterly": 90}
READING_INTERVAL = timedelta(hours=22.5)  # 96 readings per sensor in 90 days
NO_FLAGS = (False, False, False, False)

FAULTS = {
    "mechanical": [
        ("MECH-101", "Spindle bearing vibration high", "bearing_failure", ("vibration", "temperature")),
        ("MECH-102", "Tool breakage detected", "tool_wear", ("torque", "vibration")),
        ("MECH-103", "Fixture misalignment", "misalignment", ("vibration",)),
        ("MECH-104", "Part jam in feeder", "material_jam", ("current", "speed")),
    ],
    "electrical": [
        ("ELEC-201", "Servo drive overcurrent", "overcurrent", ("current",)),
        ("ELEC-202", "Motor overheating", "overheating", ("temperature", "current")),
        ("ELEC-203", "Supply voltage sag", "power_quality", ("voltage",)),
        ("ELEC-204", "Encoder signal loss", "wiring_fault", ("speed",)),
    ],
    "hydraulic": [
        ("HYD-301", "Hydraulic pressure drop", "hydraulic_leak", ("pressure", "flow")),
        ("HYD-302", "Hydraulic oil over temperature", "overheating", ("temperature", "pressure")),
    ],
    "pneumatic": [
        ("PNU-401", "Compressed air pressure low", "air_leak", ("pressure",)),
        ("PNU-402", "Valve actuator stuck", "valve_failure", ("pressure", "flow")),
    ],
    "control": [
        ("CTRL-501", "PLC communication timeout", "software_error", ()),
        ("CTRL-502", "Sensor signal out of range", "sensor_failure", ("temperature", "pressure", "speed")),
        ("CTRL-503", "Safety interlock tripped", "interlock_trip", ()),
    ],
    "quality": [
        ("QUAL-601", "Dimensional drift beyond tolerance", "tool_wear", ("torque", "vibration")),
        ("QUAL-602", "Vision system reject burst", "calibration_drift", ()),
    ],
}
CATEGORY_BY_TYPE = {
    "CNC": {"mechanical": 5, "electrical": 2, "hydraulic": 1, "pneumatic": 1, "control": 1, "quality": 2},
    "press": {"mechanical": 3, "electrical": 1, "hydraulic": 5, "pneumatic": 1, "control": 1, "quality": 1},
    "robot": {"mechanical": 2, "electrical": 3, "hydraulic": 0.5, "pneumatic": 2, "control": 3, "quality": 1},
    "conveyor": {"mechanical": 5, "electrical": 3, "hydraulic": 0.2, "pneumatic": 1, "control": 1, "quality": 0.3},
    "welding": {"mechanical": 1, "electrical": 5, "hydraulic": 0.3, "pneumatic": 1, "control": 2, "quality": 3},
    "assembly": {"mechanical": 3, "electrical": 1, "hydraulic": 0.5, "pneumatic": 4, "control": 2, "quality": 2},
    "testing": {"mechanical": 1, "electrical": 2, "hydraulic": 0.2, "pneumatic": 1, "control": 4, "quality": 4},
}
SEVERITIES = {"critical": 10, "major": 30, "minor": 45, "warning": 15}
# Median repair time (s) and lognormal sigma: most repairs are short, a few take a day.
REPAIR = {"critical": (10_800, 0.75), "major": (4_500, 0.6), "minor": (1_200, 0.5), "warning": (360, 0.5)}
DETECTIONS = {"sensor_threshold": 35, "predictive_model": 15, "operator_report": 25, "automatic": 25}
MAINT_CATEGORY = {
    "mechanical": "mechanical",
    "electrical": "electrical",
    "hydraulic": "hydraulic",
    "pneumatic": "mechanical",
    "control": "electrical",
    "quality": "calibration",
}
RESOLUTIONS = {
    "bearing_failure": "Replaced spindle bearing set and re-aligned",
    "tool_wear": "Replaced worn tool and re-qualified offsets",
    "misalignment": "Re-aligned fixture and verified with dial gauge",
    "material_jam": "Cleared jam and adjusted feeder guides",
    "overcurrent": "Reset drive, replaced damaged power cable",
    "overheating": "Cleaned cooling circuit and replaced fan",
    "power_quality": "Stabilised supply, checked UPS and contactors",
    "wiring_fault": "Replaced encoder cable and connector",
    "hydraulic_leak": "Replaced seal kit and topped up oil",
    "air_leak": "Replaced leaking air line and fittings",
    "valve_failure": "Replaced solenoid valve",
    "software_error": "Restarted PLC, restored program from backup",
    "sensor_failure": "Replaced faulty sensor",
    "interlock_trip": "Inspected guard switch and reset interlock",
    "calibration_drift": "Re-calibrated vision system",
}
PARTS = [
    "BRG-6204",
    "SEAL-KIT-32",
    "FAN-120",
    "CBL-ENC-5M",
    "VLV-SOL-24V",
    "TOOL-INS-CNMG",
    "FLT-HYD-10",
    "BELT-HTD-8M",
]
# Short stops, at most one per machine and shift: code -> (probability, min and max minutes, whole line?).
MINOR_STOPS = {
    "W-MAT-STARVED": (0.18, 15, 120, True),
    "W-QUAL-HOLD": (0.05, 20, 90, True),
    "W-OPR-ABSENT": (0.012, 10, 45, False),
}
SENSOR_SIDE_UP = ("temperature", "vibration", "pressure", "current", "flow", "speed", "torque")


# --------------------------------------------------------------------------- plan
@dataclass
class PlannedWorkOrder:
    """One work order as planned: the unit both operational and MES build on."""

    number: int
    line_id: str
    factory_id: str
    product_id: str
    customer_id: str | None
    quantity: int
    cycle_seconds: int
    changeover_minutes: int
    setup_minutes: int
    planned_start: datetime
    planned_end: datetime
    priority: int
    created_at: datetime

    @property
    def work_order_id(self) -> str:
        return f"WO-{self.number:06d}"

    @property
    def work_order_number(self) -> str:
        return f"WO-{self.planned_start:%Y%m}-{self.number:06d}"


@dataclass
class LinePlan:
    line_id: str
    factory_id: str
    shifts: list[datetime]  # starts of the worked shifts, in order
    performance: float  # share of the ideal rate the line achieves when running
    work_orders: list[PlannedWorkOrder] = field(default_factory=list)


@dataclass
class PlantPlan:
    lines: dict[str, LinePlan]
    work_orders: list[PlannedWorkOrder]


def demand_factor(day: date, first_day: date) -> float:
    """Relative demand: a seasonal wave, March (fiscal year end) and December pushes, slow growth."""
    season = 1.0 + 0.06 * math.sin(2 * math.pi * (day.month - 4) / 12)
    push = 0.12 if day.month == 12 else 0.05 if day.month == 3 else 0.0
    return season + push + 0.04 * (day - first_day).days / 90


def shift_code(start: datetime) -> str:
    return {6: "A", 14: "B", 22: "C"}[start.hour]


def production_plan(ctx: GenContext) -> PlantPlan:
    """Shift calendars and work orders of every line (deterministic: MES calls this again)."""
    rng = ctx.rng("operational:plan")
    first = ctx.start.date()
    n_days = ctx.days + PLAN_HORIZON_DAYS + 21
    products = {p["product_id"]: p for p in ctx.rows("master", "products")}
    mappings: dict[str, list[dict]] = {}
    for m in ctx.rows("master", "line_product_mapping"):
        mappings.setdefault(m["line_id"], []).append(m)
    customers: dict[str, list[str]] = {}
    for c in ctx.rows("master", "customer_product_mapping"):
        customers.setdefault(c["product_id"], []).append(c["customer_id"])
    horizon = ctx.end + timedelta(days=PLAN_HORIZON_DAYS)
    lines: dict[str, LinePlan] = {}
    planned: list[PlannedWorkOrder] = []
    for line in ctx.rows("master", "production_lines"):
        three_shift = rng.random() < 0.6
        shifts = []
        for i in range(n_days):
            day = first + timedelta(days=i)
            surge = demand_factor(day, first) - 1.0
            base = datetime.combine(day, datetime.min.time())
            weekday = day.weekday()
            if weekday == 6:
                codes = "A" if rng.random() < 0.08 + surge else ""
            else:
                codes = "AB"
                if (three_shift and weekday < 5) or rng.random() < max(0.0, surge - 0.04):
                    codes += "C"
            shifts.extend(base + timedelta(hours=SHIFT_HOURS[c]) for c in codes)
        plan = LinePlan(line["line_id"], line["factory_id"], shifts, rng.uniform(0.86, 0.95))
        lines[line["line_id"]] = plan
        options = mappings.get(line["line_id"]) or []
        position, previous = 0.0, None
        while position < len(shifts) - 1:
            mapping = _next_product(rng, options, previous)
            product = products[mapping["product_id"]]
            cycle = int(mapping["standard_cycle_time_seconds"])
            if previous is not None:
                position += mapping["changeover_time_minutes"] * 60 / PLANNED_SECONDS
            start = _wall(shifts, position)
            if start > horizon:
                break
            per_shift = PLANNED_SECONDS * EXPECTED_RUN_SHARE * plan.performance / cycle
            quantity = max(100, round(rng.uniform(4, 12) * per_shift * demand_factor(start.date(), first), -2))
            position += quantity / per_shift
            mapped_customers = customers.get(product["product_id"], [])
            planned.append(
                PlannedWorkOrder(
                    number=0,
                    line_id=line["line_id"],
                    factory_id=line["factory_id"],
                    product_id=product["product_id"],
                    customer_id=rng.choice(mapped_customers) if mapped_customers and rng.random() < 0.5 else None,
                    quantity=int(quantity),
                    cycle_seconds=cycle,
                    changeover_minutes=int(mapping["changeover_time_minutes"]) if previous is not None else 0,
                    setup_minutes=int(mapping["setup_time_minutes"]),
                    planned_start=start,
                    planned_end=_wall(shifts, position),
                    priority=weighted(rng, {1: 1, 2: 2, 3: 4, 4: 6, 5: 8, 6: 6, 7: 3, 8: 2}),
                    created_at=min(ctx.end, max(ctx.start, start - timedelta(hours=rng.uniform(24, 240)))),
                )
            )
            previous = product["product_id"]
    planned.sort(key=lambda w: (w.planned_start, w.line_id))
    for n, wo in enumerate(planned, start=1):
        wo.number = n
        lines[wo.line_id].work_orders.append(wo)
    return PlantPlan(lines, planned)


def _next_product(rng, options: list[dict], previous: str | None) -> dict:
    weights = {
        i: (3 if m["is_primary_line"] else 1) * (0.25 if m["product_id"] == previous else 1)
        for i, m in enumerate(options)
    }
    return options[weighted(rng, weights)]


def _wall(shifts: list[datetime], position: float) -> datetime:
    """Wall-clock time at a fractional position in a shift calendar."""
    index = min(int(position), len(shifts) - 1)
    return shifts[index] + timedelta(seconds=round((position - index) * SHIFT_SECONDS))


def ensure_each(rng, values: list, choices) -> None:
    """Overwrite a few draws so that every choice occurs at least once (keeps small runs complete)."""
    counts = Counter(values)
    for choice in choices:
        if counts[choice] or len(values) < len(choices):
            continue
        spare = [i for i, v in enumerate(values) if counts[v] > 1]
        if not spare:
            return
        i = rng.choice(spare)
        counts[values[i]] -= 1
        values[i] = choice
        counts[choice] += 1


# --------------------------------------------------------------------------- generate
def generate(ctx: GenContext) -> None:
    plan = production_plan(ctx)
    machines = ctx.rows("master", "machines")
    staff = staff_index(ctx)
    down: dict[str, list[list]] = {m["machine_id"]: [] for m in machines}
    maintenance = _planned_maintenance(ctx, plan, machines, staff, down)
    faults = _faults(ctx, plan, machines, staff, down, maintenance)
    _minor_stops(ctx, plan, machines, down)
    runs, scada = _simulate(ctx, plan, machines, staff, down, faults)
    ctx.add("operational", "machine_faults", faults)
    ctx.add("operational", "maintenance_events", sorted(maintenance, key=lambda m: m["maintenance_id"]))
    ctx.add("operational", "production_runs", runs)
    ctx.add("operational", "scada_machine_data", scada)
    sensors = ctx.rows("master", "sensors")
    excursions = _excursion_plan(ctx, sensors, faults)
    health = _sensor_profiles(ctx, sensors)
    ctx.add("operational", "sensor_data", _sensor_data(ctx, sensors, excursions, health))
    ctx.add("operational", "sensor_health", _sensor_health(ctx, sensors, excursions, health))


def staff_index(ctx: GenContext) -> dict:
    """Active employees by (factory, role) and operators by (line, shift code)."""
    by_role: dict[tuple[str, str], list[str]] = {}
    by_line: dict[tuple[str, str], list[str]] = {}
    for e in ctx.rows("master", "employees"):
        if e["status"] != "active":
            continue
        by_role.setdefault((e["factory_id"], e["role"]), []).append(e["employee_id"])
        if e["role"] == "operator" and e["line_id"]:
            code = {"shift_a": "A", "shift_b": "B", "shift_c": "C"}.get(e["shift"])
            for c in (code,) if code else ("A", "B", "C"):
                by_line.setdefault((e["line_id"], c), []).append(e["employee_id"])
    return {"role": by_role, "line": by_line}


def pick(staff: dict, rng, factory_id: str, *roles: str) -> str | None:
    """An active employee of the factory with the first of `roles` that has anyone."""
    for role in roles:
        people = staff["role"].get((factory_id, role))
        if people:
            return rng.choice(people)
    return None


def _window_shifts(ctx: GenContext, plan: LinePlan) -> list[datetime]:
    """The line's worked shifts that started within the window (a slice of its sorted calendar)."""
    return plan.shifts[bisect.bisect_left(plan.shifts, ctx.start) : bisect.bisect_left(plan.shifts, ctx.end)]


def _planned_maintenance(ctx: GenContext, plan: PlantPlan, machines, staff, down) -> list[dict]:
    """Preventive maintenance on each machine's schedule and predictive interventions."""
    rng = ctx.rng("operational:maintenance")
    slots = []  # (machine, kind, start, end, in production)
    for m in machines:
        shifts = _window_shifts(ctx, plan.lines[m["line_id"]])
        if not shifts:
            continue
        interval = PM_INTERVAL_DAYS.get(m["maintenance_schedule"], 45)
        due = ctx.start + timedelta(days=rng.uniform(0, interval))
        dues = []
        while due < ctx.end:
            dues.append(("preventive", due))
            due += timedelta(days=interval * rng.uniform(0.9, 1.1))
        # (the last machine always gets one, so that small runs show predictive maintenance too)
        predictive = poisson(rng, PREDICTIVE_PER_MACHINE_DAY * ctx.days) + (m is machines[-1])
        dues.extend(
            ("predictive", ctx.start + timedelta(seconds=rng.uniform(0, ctx.days * 86400))) for _ in range(predictive)
        )
        for kind, when in sorted(dues, key=lambda d: d[1]):
            i = bisect.bisect_left(shifts, when)
            minutes = rng.randint(45, 240) if kind == "preventive" else rng.randint(60, 150)
            if (kind == "predictive" or rng.random() < 0.6) and i < len(shifts):
                # at the start of a shift, or as its last job (then it may run past the shift's end)
                offset = rng.choice([0, rng.uniform(0, 6 * 3600), SHIFT_SECONDS - minutes * 60 * rng.uniform(0.3, 1)])
                start = shifts[i] + timedelta(seconds=round(max(0.0, offset)))
            else:  # planned for when the line does not work, so no production is lost
                start = datetime.combine(when.date(), datetime.min.time()) + timedelta(hours=rng.choice([2, 3, 4]))
            end = start + timedelta(minutes=minutes)
            if end <= ctx.end:
                j = bisect.bisect_right(shifts, end) - 1
                slots.append((m, kind, start, end, j >= 0 and shifts[j] < end and start < shifts[j] + SHIFT))
    statuses = weighted(rng, {"completed": 90, "partial": 4, "deferred": 4, "cancelled": 2}, k=len(slots))
    ensure_each(rng, statuses, ["completed", "partial", "deferred", "cancelled"])
    events = []
    for (m, kind, start, end, in_production), status in zip(slots, statuses, strict=True):
        event = _maintenance_row(ctx, rng, m, staff, kind, start, end, status, None, None)
        events.append(event)
        if status in ("completed", "partial") and in_production:
            down[m["machine_id"]].append([start, end, "maintenance", event])
    for intervals in down.values():
        _drop_overlapped_maintenance(intervals)
    return events


def _maintenance_row(ctx, rng, m, staff, kind, start, end, status, fault_id, category) -> dict:
    category = category or weighted(
        rng, {"mechanical": 4, "electrical": 2, "hydraulic": 1, "lubrication": 3, "calibration": 1}
    )
    done = status in ("completed", "partial")
    minutes = round((end - start).total_seconds() / 60) if done and end else None
    hours = round((minutes or 0) / 60 * rng.uniform(1.0, 2.0), 2) if done else 0.0
    rate = rng.uniform(18, 32)
    parts = rng.sample(PARTS, rng.randint(1, 3)) if done and (kind != "preventive" or rng.random() < 0.4) else []
    parts_cost = money(sum(rng.uniform(15, 900) for _ in parts)) if parts else 0.0
    labor = money(hours * rate)
    interval = PM_INTERVAL_DAYS.get(m["maintenance_schedule"], 45)
    priority = {"breakdown": "critical", "corrective": "high", "predictive": "medium"}.get(kind) or weighted(
        rng, {"medium": 3, "low": 2, "high": 1}
    )
    scheduled = start - timedelta(hours=rng.uniform(0, 2)) if kind in ("preventive", "predictive") else start
    return {
        "maintenance_id": "",
        "machine_id": m["machine_id"],
        "line_id": m["line_id"],
        "factory_id": m["factory_id"],
        "maintenance_type": kind,
        "maintenance_category": category,
        "priority": priority,
        "scheduled_start": scheduled,
        "actual_start": start if done else None,
        "actual_end": end if done else None,
        "duration_minutes": minutes,
        "work_description": {
            "preventive": f"Scheduled {m['maintenance_schedule']} PM: inspection, lubrication, wear check",
            "predictive": "Intervention on condition-monitoring alert before failure",
            "corrective": "Repair after fault",
            "breakdown": "Emergency repair after breakdown",
        }[kind],
        "parts_replaced": ",".join(parts) or None,
        "parts_cost_usd": parts_cost,
        "labor_hours": hours,
        "labor_cost_usd": labor,
        "total_cost_usd": money(parts_cost + labor),
        "technician_id": pick(staff, rng, m["factory_id"], "technician", "engineer"),
        "supervisor_id": pick(staff, rng, m["factory_id"], "supervisor", "manager"),
        "related_fault_id": fault_id,
        "completion_status": status,
        "notes": None if status == "completed" else f"Maintenance {status}",
        "follow_up_required": status != "completed" or rng.random() < 0.1,
        "next_maintenance_due": (start + timedelta(days=interval)).date() if kind == "preventive" else None,
        "created_at": max(ctx.start, scheduled - timedelta(days=rng.randint(1, 7))) if kind == "preventive" else start,
        "updated_at": end if done and end else start,
    }


def _clear_actuals(row: dict) -> None:
    for key in ("actual_start", "actual_end", "duration_minutes", "parts_replaced"):
        row[key] = None
    row["labor_hours"] = row["labor_cost_usd"] = row["parts_cost_usd"] = row["total_cost_usd"] = 0.0


def poisson(rng, mean: float) -> int:
    """Knuth's method (means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _faults(ctx: GenContext, plan: PlantPlan, machines, staff, down, maintenance) -> list[dict]:
    """Faults while machines work: per machine-shift draws, a few still open at the window's end."""
    rng = ctx.rng("operational:faults")
    sensors_by_machine: dict[str, list[dict]] = {}
    for s in ctx.rows("master", "sensors"):
        sensors_by_machine.setdefault(s["machine_id"], []).append(s)
    crit = {"critical": 1.6, "high": 1.2, "medium": 1.0, "low": 0.8}
    weight = {m["machine_id"]: (0.6 + m["current_age_years"] / 8) * crit.get(m["criticality"], 1.0) for m in machines}
    shifts_of = {m["machine_id"]: _window_shifts(ctx, plan.lines[m["line_id"]]) for m in machines}
    exposure = sum(weight[k] * len(v) for k, v in shifts_of.items()) or 1.0
    expected = FAULTS_PER_MACHINE_DAY * len(machines) * ctx.days
    starts: list[tuple[datetime, dict]] = []
    for m in machines:
        p = expected * weight[m["machine_id"]] / exposure
        for s in shifts_of[m["machine_id"]]:
            if rng.random() < p:
                span = min(SHIFT_SECONDS, (ctx.end - s).total_seconds())
                starts.append((s + timedelta(seconds=round(rng.uniform(0, span))), m))
    starts.sort(key=lambda x: (x[0], x[1]["machine_id"]))
    n = len(starts)
    categories = [weighted(rng, CATEGORY_BY_TYPE.get(m["machine_type"], CATEGORY_BY_TYPE["CNC"])) for _, m in starts]
    severities = weighted(rng, SEVERITIES, k=n) if n else []
    detections = weighted(rng, DETECTIONS, k=n) if n else []
    for values, choices in ((categories, FAULTS), (severities, SEVERITIES), (detections, DETECTIONS)):
        ensure_each(rng, values, list(choices))
    line_cycle = {
        line_id: sum(w.cycle_seconds for w in lp.work_orders) / len(lp.work_orders) if lp.work_orders else 90.0
        for line_id, lp in plan.lines.items()
    }
    rows = []
    busy_until: dict[str, datetime] = {}
    for (start, m), category, severity, detection in zip(starts, categories, severities, detections, strict=True):
        mid = m["machine_id"]
        if start < busy_until.get(mid, ctx.start) or _inside(down[mid], start):
            continue
        median, sigma = REPAIR[severity]
        seconds = min(36 * 3600, rng.lognormvariate(math.log(median), sigma) * (1 + m["current_age_years"] / 40))
        end = start + timedelta(seconds=max(60, round(seconds)))
        if severity != "warning":
            busy_until[mid] = end
        kind = (category, severity, detection)
        rows.append(
            _fault_row(ctx, rng, m, sensors_by_machine.get(mid, []), kind, start, end, line_cycle[m["line_id"]])
        )
    # Three breakdowns are still open when the window ends, on machines that worked last.
    working = sorted((m for m in machines if shifts_of[m["machine_id"]]), key=lambda m: shifts_of[m["machine_id"]][-1])
    candidates = working[-max(6, len(working) // 5) :]
    rng.shuffle(candidates)
    opened = 0
    for m in candidates:
        mid = m["machine_id"]
        last = shifts_of[mid][-1]
        start = last + timedelta(
            seconds=round(rng.uniform(0, 0.9 * min(SHIFT_SECONDS, (ctx.end - last).total_seconds())))
        )
        if opened == 3 or start < busy_until.get(mid, ctx.start) or _inside(down[mid], start):
            continue
        end = ctx.end + timedelta(seconds=round(rng.uniform(1800, 14_400)))
        busy_until[mid] = end
        kind = (
            weighted(rng, CATEGORY_BY_TYPE.get(m["machine_type"], CATEGORY_BY_TYPE["CNC"])),
            rng.choice(["critical", "major"]),
            weighted(rng, DETECTIONS),
        )
        rows.append(
            _fault_row(ctx, rng, m, sensors_by_machine.get(mid, []), kind, start, end, line_cycle[m["line_id"]])
        )
        opened += 1
    rows.sort(key=lambda r: (r["fault_start_time"], r["machine_id"]))
    for closed in (False, True):
        chosen = [r for r in rows if (r["fault_end_time"] is not None) == closed]
        statuses = [r["status"] for r in chosen]
        ensure_each(rng, statuses, ["resolved", "closed"] if closed else ["open", "acknowledged", "in_progress"])
        for r, status in zip(chosen, statuses, strict=True):
            r["status"] = status
    machines_by_id = {m["machine_id"]: m for m in machines}
    for i, row in enumerate(rows, start=1):
        row["fault_id"] = i
        _repair(ctx, rng, row, machines_by_id[row["machine_id"]], staff, maintenance, down)
    for intervals in down.values():
        _drop_overlapped_maintenance(intervals)
    order = sorted(maintenance, key=lambda e: (e["scheduled_start"], e["machine_id"], e["maintenance_type"]))
    for n_maint, event in enumerate(order, start=1):
        event["maintenance_id"] = f"MNT-{n_maint:06d}"
    for row in rows:
        if row["maintenance_ticket_id"] is not None:
            row["maintenance_ticket_id"] = row["maintenance_ticket_id"]["maintenance_id"]
    return rows


def _inside(intervals: list[list], when: datetime) -> bool:
    return any(a <= when < b for a, b, _, _ in intervals)


def _drop_overlapped_maintenance(intervals: list[list]) -> None:
    """A fault running into a planned maintenance slot defers that maintenance."""
    intervals.sort(key=lambda iv: iv[0])
    kept: list[list] = []
    for iv in intervals:
        if kept and iv[0] < kept[-1][1]:
            loser = iv if iv[2] == "maintenance" else kept[-1]
            if loser[2] == "maintenance":
                loser[3]["completion_status"] = "deferred"
                _clear_actuals(loser[3])
                if loser is kept[-1]:
                    kept[-1] = iv
                continue
        kept.append(iv)
    intervals[:] = kept


def _fault_row(ctx, rng, m, sensors, kind, start, end, cycle) -> dict:
    category, severity, detection = kind
    code, description, cause, types = rng.choice(FAULTS[category])
    ended = end <= ctx.end
    seconds = round((end - start).total_seconds()) if ended else None
    stops = severity != "warning"
    matching = [s["sensor_id"] for s in sensors if s["sensor_type"] in types] or [s["sensor_id"] for s in sensors]
    contributing = []
    if detection in ("sensor_threshold", "predictive_model") and matching:
        contributing = rng.sample(matching, min(len(matching), rng.randint(1, 2)))
    loss = round(seconds * 0.85 / cycle) if (ended and stops) else 0
    repair = {"critical": (800, 6000), "major": (200, 1500), "minor": (20, 300), "warning": (0, 50)}[severity]
    predicted = detection == "predictive_model"
    return {
        "fault_id": 0,
        "machine_id": m["machine_id"],
        "line_id": m["line_id"],
        "factory_id": m["factory_id"],
        "fault_code": code,
        "fault_category": category,
        "fault_severity": severity,
        "fault_description": description,
        "fault_start_time": start,
        "fault_end_time": end if ended else None,
        "fault_duration_seconds": seconds,
        "production_loss_units": loss if ended else None,
        "downtime_minutes": (round(seconds / 60) if stops else 0) if ended else None,
        "estimated_cost_usd": money(loss * 6.5 + rng.uniform(*repair)),
        "root_cause_category": cause if ended else None,
        "root_cause_description": f"{description}: {cause.replace('_', ' ')}" if ended else None,
        "contributing_sensors": ",".join(contributing) or None,
        "resolution_action": RESOLUTIONS[cause] if ended else None,
        "maintenance_ticket_id": None,
        "resolved_by": None,
        "detection_method": detection,
        "predicted_in_advance": predicted,
        "advance_warning_hours": round(rng.uniform(4, 72), 2) if predicted else None,
        "status": weighted(rng, {"resolved": 1, "closed": 3})
        if ended
        else weighted(rng, {"open": 1, "acknowledged": 1, "in_progress": 2}),
        "created_at": start,
        "updated_at": end if ended else start,
    }


def _repair(ctx, rng, fault, m, staff, maintenance, down) -> None:
    """Breakdown maintenance for critical faults, corrective for major and some minor ones."""
    severity = fault["fault_severity"]
    end = fault["fault_end_time"]
    if severity != "warning":
        down[m["machine_id"]].append([fault["fault_start_time"], end or ctx.end, "fault", fault])
    if not (severity in ("critical", "major") or (severity == "minor" and rng.random() < 0.4)):
        if end:
            fault["resolved_by"] = pick(staff, rng, m["factory_id"], "operator", "technician")
        return
    start = fault["fault_start_time"] + timedelta(minutes=rng.uniform(2, 20))
    if end is not None and start >= end:
        start = fault["fault_start_time"]
    kind = "breakdown" if severity == "critical" else "corrective"
    event = _maintenance_row(
        ctx,
        rng,
        m,
        staff,
        kind,
        start,
        end,
        "completed" if end else "partial",
        fault["fault_id"],
        MAINT_CATEGORY[fault["fault_category"]],
    )
    maintenance.append(event)
    fault["maintenance_ticket_id"] = event
    if end:
        fault["resolved_by"] = event["technician_id"]


def _minor_stops(ctx: GenContext, plan: PlantPlan, machines, down) -> None:
    """Material starvation and quality holds stop a whole line; an absent operator stops one machine.

    Each stop goes into a slot where the machine is not already down, so that a machine-shift has at
    most one such stop and MES can account for it exactly.
    """
    rng = ctx.rng("operational:stops")
    by_line: dict[str, list[dict]] = {}
    for m in machines:
        by_line.setdefault(m["line_id"], []).append(m)
    for line_id, line_machines in by_line.items():
        lists = [down[m["machine_id"]] for m in line_machines]
        starts = [[iv[0] for iv in intervals] for intervals in lists]
        added: list[list] = [[] for _ in lists]
        for s in _window_shifts(ctx, plan.lines[line_id]):
            draw = rng.random()
            for code, (p, lo, hi, whole_line) in MINOR_STOPS.items():
                if not whole_line:
                    p *= len(lists) * (1.6 if s.hour == 22 else 1.0)
                if draw >= p:
                    draw -= p
                    continue
                length = timedelta(minutes=rng.randint(lo, hi))
                who = range(len(lists)) if whole_line else [rng.randrange(len(lists))]
                for _ in range(3):
                    a = s + timedelta(seconds=round(rng.uniform(0, SHIFT_SECONDS - length.total_seconds())))
                    free = [i for i in who if _free(lists[i], starts[i], a, a + length)]
                    if a + length <= ctx.end and free:
                        for i in free:
                            added[i].append([a, a + length, "minor", code])
                        break
                break
        for intervals, extra in zip(lists, added, strict=True):
            intervals.extend(extra)
            intervals.sort(key=lambda iv: iv[0])


def _free(intervals: list[list], starts: list[datetime], a: datetime, b: datetime) -> bool:
    i = bisect.bisect_right(starts, a) - 1
    if i >= 0 and intervals[i][1] > a:
        return False
    return not (i + 1 < len(intervals) and intervals[i + 1][0] < b)


# --------------------------------------------------------------------------- simulation
@dataclass
class _Order:
    """A work order while the line works on it."""

    plan: PlannedWorkOrder
    reject_rate: float
    scrap_share: float
    cancel_at: float | None
    performance: float
    good: int = 0
    runs: int = 0
    changeover_seconds: float = 0.0


@dataclass(eq=False)
class _Run:
    order: _Order
    day: date
    start: datetime
    shift_id: str
    supervisor_id: str | None
    previous_product_id: str | None = None
    end: datetime | None = None
    planned_seconds: float = 0.0
    run_seconds: float = 0.0
    units: int = 0
    rejected: int = 0
    scrapped: int = 0
    ideal_seconds: float = 0.0
    status: str = "completed"
    number: int = 0


def _simulate(ctx: GenContext, plan: PlantPlan, machines, staff, down, faults) -> tuple[list[dict], list[dict]]:
    """Run every line shift by shift: production runs and one SCADA row per machine and worked shift."""
    rng = ctx.rng("operational:sim")
    mapping = {(m["line_id"], m["product_id"]): m for m in ctx.rows("master", "line_product_mapping")}
    shift_ids = {(s["factory_id"], s["shift_code"]): s["shift_id"] for s in ctx.rows("master", "shifts")}
    by_line: dict[str, list[dict]] = {}
    for m in machines:
        by_line.setdefault(m["line_id"], []).append(m)
    fault_starts: dict[str, tuple[list[datetime], list[dict]]] = {}
    for f in faults:  # already in start order
        starts, rows = fault_starts.setdefault(f["machine_id"], ([], []))
        starts.append(f["fault_start_time"])
        rows.append(f)
    stop_starts = {mid: [iv[0] for iv in intervals] for mid, intervals in down.items()}
    runs: list[_Run] = []
    scada: list[dict] = []
    line_orders = {
        line_id: [_order(rng, wo, mapping.get((line_id, wo.product_id)), lp.performance) for wo in lp.work_orders]
        for line_id, lp in plan.lines.items()
    }
    early = [o for orders in line_orders.values() for o in orders if o.plan.planned_start < ctx.end - SHIFT * 9]
    if early and not any(o.cancel_at for o in early):  # small runs still see an order cancelled mid-way
        rng.choice(early).cancel_at = 0.5
    for line_id, lp in plan.lines.items():
        line_machines = by_line.get(line_id, [])
        meters = {m["machine_id"]: _Meter(rng, m) for m in line_machines}
        orders = line_orders[line_id]
        state = {"k": 0, "pending": 0.0, "run": None}
        shifts = _window_shifts(ctx, lp)
        offset = lp.shifts.index(shifts[0]) if shifts else 0
        pointers = dict.fromkeys(meters, 0)
        for si, s in enumerate(shifts):
            h = min(s + SHIFT, ctx.end)
            wall = (h - s).total_seconds()
            planned = PLANNED_SECONDS * wall / SHIFT_SECONDS
            own, clipped, codes = {}, [], {}
            for m in line_machines:
                mid = m["machine_id"]
                seconds, parts, code = _clip(down[mid], pointers, mid, s, h)
                own[mid], codes[mid] = seconds, code
                clipped.extend(parts)
            available = max(0.0, planned - _union(clipped))
            factory = lp.factory_id
            night = s.hour == 22
            perf = lp.performance * (0.92 if night else 1.0) * rng.uniform(0.95, 1.03)
            reject_factor = (1.3 if night else 1.0) * (3.0 if "W-QUAL-HOLD" in codes.values() else 1.0)
            supervisor = pick(staff, rng, factory, "supervisor", "manager")
            out = _produce(
                rng,
                state,
                orders,
                runs,
                (s, h, shift_ids[(factory, shift_code(s))], supervisor),
                (available, planned, perf, reject_factor),
            )
            if h < s + SHIFT:
                continue  # the shift in progress at the window's end has no end-of-shift snapshot yet
            following = offset + si + 1
            next_worked = following < len(lp.shifts) and lp.shifts[following] == s + SHIFT
            rejects = spread(out["rejected"], [meters[m["machine_id"]].reject_weight for m in line_machines])
            for m, rejected in zip(line_machines, rejects, strict=True):
                mid = m["machine_id"]
                scada.append(
                    _scada_row(
                        rng,
                        m,
                        meters[mid],
                        s,
                        planned,
                        own[mid],
                        out,
                        rejected,
                        codes[mid],
                        next_worked,
                        fault_starts.get(mid, ([], [])),
                        (down[mid], stop_starts[mid]),
                        shift_ids[(factory, shift_code(s))],
                        _operator(staff, rng, m, shift_code(s)),
                    )
                )
        _close_line(ctx, lp, state, orders, runs)
    return _run_rows(runs), scada


def _close_line(ctx: GenContext, lp: LinePlan, state: dict, orders: list[_Order], runs: list[_Run]) -> None:
    """The run open at the window's end, and scheduled runs for the orders due in the next days."""
    current = state["run"]
    if current is not None:  # the order is unfinished: its run resumes when the line next works
        current.status = "in_progress"
        runs.append(current)
    pending = (
        orders[state["k"] + (1 if current is not None and current.order is orders[state["k"]] else 0) :]
        if (state["k"] < len(orders))
        else []
    )
    upcoming = [s for s in lp.shifts if s >= ctx.end]
    start = upcoming[0] if upcoming else ctx.end
    for order in pending:
        wo = order.plan
        if order is not pending[0] and wo.planned_start > ctx.end + timedelta(days=3):
            break
        start = max(start, wo.planned_start)
        order.runs += 1
        run = _Run(order, start.date(), start, "", None, status="scheduled", number=order.runs)
        runs.append(run)
        start += wo.planned_end - wo.planned_start


@dataclass
class _Meter:
    """A machine's counters and fixed characteristics, carried from shift to shift."""

    parts: int
    energy: float
    load_kw: float
    idle_kw: float
    reject_weight: float
    temperature: float
    pressure: float | None
    cnc: bool

    def __init__(self, rng, m: dict) -> None:
        age = m["current_age_years"]
        self.load_kw = m["power_rating_kw"] * rng.uniform(0.5, 0.8)
        self.idle_kw = m["power_rating_kw"] * rng.uniform(0.08, 0.15)
        self.parts = int(age * 300 * 2 * rng.uniform(300, 900))
        self.energy = round(age * 4000 * self.load_kw * rng.uniform(0.6, 0.9), 4)
        self.reject_weight = {"testing": 5.0, "CNC": 2.0, "welding": 2.0, "assembly": 1.5}.get(m["machine_type"], 0.5)
        self.temperature = rng.choice([35.0, 40.0, 45.0, 60.0, 180.0 if m["machine_type"] == "welding" else 50.0])
        self.pressure = {"press": 150.0, "robot": 6.0, "assembly": 6.0}.get(m["machine_type"])
        self.cnc = m["machine_type"] == "CNC"


def _order(rng, wo: PlannedWorkOrder, mapping: dict | None, performance: float) -> _Order:
    yield_pct = mapping["yield_percentage"] if mapping else 98.0
    return _Order(
        plan=wo,
        reject_rate=(100 - yield_pct) / 100 * rng.uniform(0.3, 0.7),
        scrap_share=rng.uniform(0.3, 0.6),
        cancel_at=rng.uniform(0.2, 0.8) if rng.random() < 0.03 else None,
        performance=performance,
    )


def _clip(intervals: list[list], pointers: dict, mid: str, s: datetime, h: datetime):
    """The machine's own stops within [s, h): seconds, clipped intervals, and the minor-stop code if any."""
    i = pointers[mid]
    while i < len(intervals) and intervals[i][1] <= s:
        i += 1
    pointers[mid] = i
    total, parts, code = 0.0, [], None
    while i < len(intervals) and intervals[i][0] < h:
        a, b = max(intervals[i][0], s), min(intervals[i][1], h)
        if b > a:
            parts.append((a, b))
            total += (b - a).total_seconds()
            if intervals[i][2] == "minor":
                code = intervals[i][3]
        i += 1
    return total, parts, code


def _union(parts: list[tuple[datetime, datetime]]) -> float:
    if not parts:
        return 0.0
    parts.sort()
    total, (a, b) = 0.0, parts[0]
    for c, d in parts[1:]:
        if c > b:
            total += (b - a).total_seconds()
            a, b = c, d
        elif d > b:
            b = d
    return total + (b - a).total_seconds()


def spread(total: int, weights: list[float]) -> list[int]:
    """`total` split by weights, in whole units (largest remainder)."""
    if not weights:
        return []
    scale = total / (sum(weights) or 1.0)
    exact = [w * scale for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _produce(rng, state: dict, orders: list[_Order], runs: list[_Run], shift: tuple, capacity: tuple) -> dict:
    """Work through the line's orders for one shift: a pending changeover first, then production."""
    s, h, shift_id, supervisor = shift
    available, planned, perf, reject_factor = capacity
    scale = (h - s).total_seconds() / available if available > 0 else 0.0
    used = 0.0
    out = {"units": 0, "rejected": 0, "ideal": 0.0, "changeover": 0.0, "cycle": None}
    share: dict[_Run, float] = {}
    while state["k"] < len(orders):
        order = orders[state["k"]]
        cycle = order.plan.cycle_seconds
        out["cycle"] = cycle
        left = available - used
        here = s + timedelta(seconds=used * scale)
        if state["pending"] > 0:
            # a changeover takes wall-clock time up to the shift's end, whatever else stops the line meanwhile
            c = min(state["pending"], (h - here).total_seconds())
            if c < 1.0:
                break
            run = _open_run(state, order, orders, runs, s, here, shift_id, supervisor)
            order.changeover_seconds += c
            out["changeover"] += c
            state["pending"] -= c
            used += c
            share[run] = share.get(run, 0.0) + c
            run.end = here + timedelta(seconds=c)
            continue
        rate = perf / cycle
        target = order.plan.quantity if order.cancel_at is None else math.ceil(order.cancel_at * order.plan.quantity)
        reject = min(0.5, order.reject_rate * reject_factor)
        need = math.ceil((target - order.good) / (1 - reject * order.scrap_share))
        units = min(need, int(left * rate))
        if units <= 0:
            break
        run = _open_run(state, order, orders, runs, s, here, shift_id, supervisor)
        rejected = min(units, max(0, round(rng.gauss(units * reject, math.sqrt(units * reject * (1 - reject))))))
        scrapped = round(rejected * order.scrap_share)
        order.good += units - scrapped
        dt = units / rate
        run.units += units
        run.rejected += rejected
        run.scrapped += scrapped
        run.run_seconds += dt
        run.ideal_seconds += units * cycle
        out["units"] += units
        out["rejected"] += rejected
        out["ideal"] += units * cycle
        used += dt
        share[run] = share.get(run, 0.0) + dt
        run.end = s + timedelta(seconds=used * scale)
        if order.good >= target:
            run.status = "completed" if order.cancel_at is None else "aborted"
            runs.append(run)
            state["run"] = None
            state["k"] += 1
            if state["k"] < len(orders):
                following = orders[state["k"]].plan
                state["pending"] = following.changeover_minutes * 60 * rng.lognormvariate(0, 0.3)
    out["setup_open"] = state["pending"] > 0
    total = sum(share.values())
    for run, seconds in share.items():
        run.planned_seconds += planned * seconds / total
    if not share and state["run"] is not None:
        state["run"].planned_seconds += planned  # a shift lost entirely to stops still counts against the run
    return out


def _open_run(state, order, orders, runs, s, here, shift_id, supervisor) -> _Run:
    """The order's run for this production day (a night shift belongs to the day it starts)."""
    run = state["run"]
    if run is not None and run.order is order and run.day == s.date():
        return run
    if run is not None:
        runs.append(run)
    order.runs += 1
    run = _Run(order, s.date(), here, shift_id, supervisor, number=order.runs)
    if order.runs == 1 and state["k"] > 0:
        run.previous_product_id = orders[state["k"] - 1].plan.product_id
    state["run"] = run
    return run


def _operator(staff: dict, rng, m: dict, code: str) -> str | None:
    people = staff["line"].get((m["line_id"], code))
    return rng.choice(people) if people else pick(staff, rng, m["factory_id"], "operator")


def _covering(intervals: list[list], starts: list[datetime], when: datetime):
    """The stop (kind, row) a machine is in at `when`; its stops do not overlap."""
    i = bisect.bisect_right(starts, when) - 1
    if i >= 0 and intervals[i][1] > when:
        return intervals[i][2], intervals[i][3]
    return None, None


def _scada_row(
    rng, m, meter: _Meter, s, planned, own, out, rejected, code, next_worked, faults, intervals, shift_id, operator
) -> dict:
    downtime = int(min(planned, round(own + out["changeover"])))
    uptime = int(planned) - downtime
    parts, ideal = out["units"], out["ideal"]
    ts = s + SHIFT - timedelta(seconds=1)
    kind, ref = _covering(intervals[0], intervals[1], ts)
    if kind is None and out["setup_open"]:
        kind = "setup"
    state = {"fault": "fault", "maintenance": "maintenance", "minor": "idle", "setup": "setup"}.get(kind)
    if state is None:
        state = ("idle" if rng.random() < 0.03 else "running") if next_worked else "stopped"
    starts, rows = faults
    last = bisect.bisect_right(starts, ts) - 1
    shift_fault = rows[last] if last >= 0 and starts[last] >= s else None
    fault = ref if kind == "fault" else shift_fault
    performance = ideal / uptime * 100 if uptime else 0.0
    quality = (parts - rejected) / parts * 100 if parts else None
    availability = uptime / planned * 100
    kwh = uptime / 3600 * meter.load_kw * (0.75 + performance / 400) + (SHIFT_SECONDS - uptime) / 3600 * meter.idle_kw
    power = round(kwh / 8, 2)
    meter.energy = round(meter.energy + power * 8, 4)
    meter.parts += parts
    temperature = round(meter.temperature + rng.gauss(0, 1.5), 2)
    return {
        "machine_id": m["machine_id"],
        "line_id": m["line_id"],
        "factory_id": m["factory_id"],
        "timestamp": ts,
        "machine_state": state,
        "operation_mode": "test"
        if rng.random() < 0.03
        else "manual"
        if state == "setup" or rng.random() < 0.08
        else "auto",
        "fault_code": fault["fault_code"] if fault else None,
        "fault_description": fault["fault_description"] if fault else None,
        "parts_produced_cumulative": meter.parts,
        "parts_produced_shift": parts,
        "parts_rejected_shift": rejected,
        "target_cycle_time_seconds": round(ideal / parts) if parts else out["cycle"],
        "actual_cycle_time_seconds": round(uptime / parts, 2) if parts else None,
        "availability_percentage": round(availability, 2),
        "performance_percentage": round(performance, 2),
        "quality_percentage": round(quality, 2) if quality is not None else None,
        "oee_percentage": round(availability * performance * (quality if quality is not None else 0) / 10_000, 2),
        "spindle_speed_rpm": rng.randrange(800, 12_000, 50) if meter.cnc else None,
        "feed_rate_mm_min": round(rng.uniform(80, 2500), 2) if meter.cnc else None,
        "tool_number": rng.randint(1, 24) if meter.cnc else None,
        "program_number": f"O{rng.randint(1000, 9999)}" if meter.cnc else None,
        "power_consumption_kw": power,
        "energy_consumed_kwh": meter.energy,
        "temperature_setpoint_c": meter.temperature,
        "temperature_actual_c": temperature,
        "pressure_setpoint_bar": meter.pressure,
        "pressure_actual_bar": round(meter.pressure * rng.uniform(0.97, 1.03), 2) if meter.pressure else None,
        "downtime_seconds_shift": downtime,
        "last_fault_timestamp": starts[last] if last >= 0 else None,
        "uptime_seconds_shift": uptime,
        "active_alarms": (1 + (rng.random() < 0.3)) if state == "fault" else 0,
        "alarm_codes": fault["fault_code"] if state == "fault" else None,
        "warning_codes": ",".join(
            c for c in (code, "W-TEMP-HIGH" if temperature > meter.temperature + 3 else None) if c
        )
        or None,
        "shift_id": shift_id,
        "operator_id": operator,
        "data_source": "PLC" if rng.random() < 0.8 else "SCADA" if rng.random() < 0.75 else "MES",
        "data_quality": "good" if rng.random() < 0.96 else "uncertain" if rng.random() < 0.75 else "bad",
        "created_at": ts + timedelta(seconds=2),
    }


def _run_rows(runs: list[_Run]) -> list[dict]:
    rows = []
    for n, run in enumerate(sorted(runs, key=lambda r: (r.start, r.order.plan.number)), start=1):
        wo = run.order.plan
        done = run.status != "scheduled"
        ended = run.status in ("completed", "aborted")
        units = run.units
        fpy = (units - run.rejected) / units * 100 if units else None
        availability = run.run_seconds / run.planned_seconds * 100 if run.planned_seconds else None
        performance = run.ideal_seconds / run.run_seconds * 100 if run.run_seconds else None
        rate = EXPECTED_RUN_SHARE * run.order.performance / wo.cycle_seconds
        rows.append(
            {
                "run_id": f"RUN-{n:06d}",
                "line_id": wo.line_id,
                "factory_id": wo.factory_id,
                "product_id": wo.product_id,
                "run_number": run.number,
                "batch_number": f"B{wo.number:06d}-{run.number:02d}",
                "work_order_number": wo.work_order_number,
                "customer_id": wo.customer_id,
                "run_start_time": run.start,
                "run_end_time": run.end if ended else None,
                "planned_duration_minutes": round(run.planned_seconds / 60)
                if done
                else round((wo.planned_end - wo.planned_start).total_seconds() / 60),
                "actual_duration_minutes": round((run.end - run.start).total_seconds() / 60) if ended else None,
                "target_quantity": min(wo.quantity, round(run.planned_seconds * rate)) if done else wo.quantity,
                "actual_quantity": units if done else None,
                "rejected_quantity": run.rejected if done else None,
                "scrapped_quantity": run.scrapped if done else None,
                "rework_quantity": run.rejected - run.scrapped if done else None,
                "first_pass_yield_percentage": round(fpy, 2) if fpy is not None else None,
                "defect_rate_ppm": round(run.rejected / units * 1e6) if units else None,
                "quality_grade": ("A" if fpy >= 98 else "B" if fpy >= 95 else "C") if fpy is not None else None,
                "oee_percentage": round(availability * performance * fpy / 10_000, 2)
                if None not in (availability, performance, fpy)
                else None,
                "availability_percentage": round(availability, 2) if availability is not None else None,
                "performance_percentage": round(performance, 2) if performance is not None else None,
                "quality_percentage": round(fpy, 2) if fpy is not None else None,
                "previous_product_id": run.previous_product_id,
                "changeover_time_minutes": round(run.order.changeover_seconds / 60)
                if run.number == 1 and done
                else None,
                "shift_id": run.shift_id or None,
                "supervisor_id": run.supervisor_id,
                "status": run.status,
                "created_at": run.start if done else wo.created_at,
                "updated_at": run.end if ended else (run.start if done else wo.created_at),
            }
        )
    return rows


# --------------------------------------------------------------------------- sensors
def _excursion_plan(ctx: GenContext, sensors, faults) -> dict[str, list[tuple[datetime, int]]]:
    """Readings beyond the warning (1) or critical (2) thresholds: around detected faults, and rare false alarms."""
    rng = ctx.rng("operational:excursions")
    plan: dict[str, list[tuple[datetime, int]]] = {}
    for f in faults:
        if not f["contributing_sensors"]:
            continue
        start = f["fault_start_time"]
        peak = 2 if f["fault_severity"] in ("critical", "major") else 1
        if f["detection_method"] == "predictive_model":
            lead = timedelta(hours=float(f["advance_warning_hours"]))
            times = [(start - lead, 1), (start - lead / 2, 1), (start - timedelta(minutes=10), peak)]
        else:
            times = [(start - timedelta(minutes=rng.uniform(5, 30)), 1), (start + timedelta(seconds=30), peak)]
        for sensor_id in f["contributing_sensors"].split(","):
            plan.setdefault(sensor_id, []).extend(
                (t.replace(microsecond=0), level) for t, level in times if ctx.start <= t <= ctx.end
            )
    span = (ctx.end - ctx.start).total_seconds()
    for s in sensors:
        for _ in range(poisson(rng, 0.003 * ctx.days)):
            plan.setdefault(s["sensor_id"], []).append((ctx.start + timedelta(seconds=round(rng.uniform(0, span))), 1))
    for times in plan.values():
        times.sort()
    return plan


@dataclass
class _SensorHealth:
    """How a sensor ages over the window (drives both its readings and its health checks)."""

    kind: str  # healthy, drifting, erratic, comms, failing
    wireless: bool
    drift_rate: float  # % per day since calibration
    snr: float
    packet_loss: float
    latency: float
    battery_start: float
    battery_drain: float
    fail_time: datetime | None
    phase: float  # seconds after midnight of the daily health check


def _sensor_profiles(ctx: GenContext, sensors) -> dict[str, _SensorHealth]:
    rng = ctx.rng("operational:sensor_profiles")
    n = len(sensors)
    kinds = ["healthy"] * n
    quotas = {"failing": (0.012, 1), "drifting": (0.04, 2), "erratic": (0.03, 1), "comms": (0.02, 1)}
    free = list(range(n))
    rng.shuffle(free)
    for kind, (share, minimum) in quotas.items():
        for _ in range(min(len(free), max(minimum, round(share * n)))):
            kinds[free.pop()] = kind
    span = (ctx.end - ctx.start).total_seconds()
    profiles = {}
    for s, kind in zip(sensors, kinds, strict=True):
        wireless = s["data_protocol"] == "MQTT"
        profiles[s["sensor_id"]] = _SensorHealth(
            kind=kind,
            wireless=wireless,
            drift_rate=rng.uniform(0.03, 0.08) if kind == "drifting" else rng.uniform(0.0, 0.006),
            snr=rng.uniform(38, 55),
            packet_loss=rng.uniform(4, 14) if kind == "comms" else rng.uniform(0, 2.5 if wireless else 0.4),
            latency=rng.uniform(40, 250) if wireless else rng.uniform(5, 40),
            battery_start=rng.uniform(20, 100),
            battery_drain=rng.uniform(0.3, 0.9),
            fail_time=ctx.start + timedelta(seconds=round(rng.uniform(0.3, 0.9) * span)) if kind == "failing" else None,
            phase=rng.uniform(0, 86_400),
        )
    return profiles


def _last_calibration(sensor: dict, day: date) -> date:
    calibrated, every = sensor["calibration_date"], int(sensor["calibration_frequency_days"])
    if day >= calibrated:
        return calibrated
    return calibrated - timedelta(days=every * math.ceil((calibrated - day).days / every))


def _sensor_data(ctx: GenContext, sensors, excursions, health):
    """One 1-minute aggregate per sensor every 22.5 h, plus the planned excursions (streamed)."""
    rng = ctx.rng("operational:sensor_data")
    gauss, random = rng.gauss, rng.random
    for s in sensors:
        p = health[s["sensor_id"]]
        lo, hi = float(s["measurement_range_min"]), float(s["measurement_range_max"])
        nlo, nhi = float(s["normal_operating_min"]), float(s["normal_operating_max"])
        thresholds = tuple(
            float(s[k])
            for k in (
                "warning_threshold_min",
                "warning_threshold_max",
                "critical_threshold_min",
                "critical_threshold_max",
            )
        )
        center, sd = (nlo + nhi) / 2, (nhi - nlo) / 8
        protocol = {"REST": "MQTT"}.get(s["data_protocol"], s["data_protocol"])
        source = {"OPC-UA": "Edge", "Modbus": "Gateway", "MQTT": "IoT"}.get(s["data_protocol"], "Gateway")
        fixed = (
            s["sensor_id"],
            s["machine_id"],
            s["line_id"],
            s["factory_id"],
            s["measurement_unit"],
            source,
            protocol,
        )
        stuck = round(center, 4)  # a failed sensor keeps sending one value
        ts = ctx.start + timedelta(seconds=p.phase * 0.9)
        readings = []
        while ts <= ctx.end:
            readings.append((ts, 0))
            ts += READING_INTERVAL
        readings.extend(excursions.get(s["sensor_id"], ()))
        drift_base = None
        noisy = p.kind in ("comms", "erratic")
        width = sd * (3 if p.kind == "erratic" else 1)
        for ts, level in readings:
            if p.fail_time is not None and ts >= p.fail_time:
                if stuck != hi:  # the failure shows first as a reading pinned at the top of the range
                    stuck, quality = hi, "out_of_range"
                else:
                    quality = "bad"
                yield _reading(fixed, ts, stuck, "fault", quality, NO_FLAGS, (stuck, stuck, stuck, 0.0), 1.0)
                continue
            spread = width * (0.05 + 0.1 * random())
            if level:
                value, status, quality, flags = _excursion_value(random, s["sensor_type"], level, lo, hi, thresholds)
                stats = (
                    max(lo, round(value - 2 * spread, 4)),
                    min(hi, round(value + 2 * spread, 4)),
                    value,
                    round(spread, 4),
                )
                yield _reading(fixed, ts, value, status, quality, flags, stats, 0.55 + 0.2 * level * random())
                continue
            value = min(nhi, max(nlo, center + gauss(0, sd)))
            if p.kind == "drifting":
                if drift_base is None or ts.date() != drift_base[0]:
                    drift_base = (ts.date(), (ts.date() - _last_calibration(s, ts.date())).days * p.drift_rate)
                value *= 1 + min(9.0, drift_base[1]) / 100
            value = round(value, 4)
            quality = "uncertain" if noisy and random() < 0.1 else "good"
            stats = (round(value - 2 * spread, 4), round(value + 2 * spread, 4), value, round(spread, 4))
            yield _reading(fixed, ts, value, "normal", quality, NO_FLAGS, stats, random() * 0.35)


def _excursion_value(random, sensor_type, level, lo, hi, thresholds):
    """A reading past the warning or critical threshold, on the side where the sensor type fails."""
    wmin, wmax, cmin, cmax = thresholds
    if sensor_type in SENSOR_SIDE_UP and cmax > wmax:
        band = cmax - wmax
        value = wmax + band * (0.1 + 0.8 * random()) if level == 1 else cmax + band * (0.05 + 0.4 * random())
        quality = "good"
        if level == 2 and random() < 0.1:
            value, quality = hi, "out_of_range"  # pinned at the top of the measuring range
        value = min(value, hi)
    else:
        band = wmin - cmin
        value = wmin - band * (0.1 + 0.8 * random()) if level == 1 else cmin - band * (0.05 + 0.4 * random())
        quality = "good"
        value = max(value, lo)
    flags = (value < wmin, value > wmax, value < cmin, value > cmax)
    status = "critical" if flags[2] or flags[3] else "warning" if flags[0] or flags[1] else "normal"
    return round(value, 4), status, quality, flags


def _reading(fixed, ts, value, status, quality, flags, stats, score) -> dict:
    sensor_id, machine_id, line_id, factory_id, unit, source, protocol = fixed
    return {
        "sensor_id": sensor_id,
        "machine_id": machine_id,
        "line_id": line_id,
        "factory_id": factory_id,
        "timestamp": ts,
        "measurement_value": value,
        "measurement_unit": unit,
        "status": status,
        "quality": quality,
        "is_below_warning": flags[0],
        "is_above_warning": flags[1],
        "is_below_critical": flags[2],
        "is_above_critical": flags[3],
        "min_value_1min": stats[0],
        "max_value_1min": stats[1],
        "avg_value_1min": stats[2],
        "std_dev_1min": stats[3],
        "anomaly_score": round(score, 4),
        "is_anomaly": score >= 0.75,
        "data_source": source,
        "protocol": protocol,
        "created_at": ts,
    }


def _sensor_health(ctx: GenContext, sensors, excursions, health):
    """A health check per sensor and day, and two more that day while the sensor is not healthy (streamed)."""
    rng = ctx.rng("operational:sensor_health")
    random = rng.random
    end, day_span = ctx.end, timedelta(hours=24)
    later = (timedelta(0), timedelta(hours=8), timedelta(hours=16))
    midnights = [datetime.combine(d, datetime.min.time()) for d in ctx.window_days()]
    first = midnights[0].toordinal()
    for s in sensors:
        p = health[s["sensor_id"]]
        sensor_id, machine_id = s["sensor_id"], s["machine_id"]
        every, calibrated = int(s["calibration_frequency_days"]), s["calibration_date"].toordinal()
        times = [t for t, _ in excursions.get(sensor_id, ())]
        phase = timedelta(seconds=round(p.phase))
        failing, fail_time = p.fail_time is not None, p.fail_time
        for midnight in midnights:
            ts = midnight + phase
            if ts > end:
                break
            day = midnight.toordinal()
            # days since the last calibration: the master's date, or a cycle before it
            since = day - calibrated if day >= calibrated else (calibrated - day) * -1 % every
            drift = min(9.0, since * p.drift_rate) + random() * 0.2
            erratic = p.kind == "erratic" and random() < 0.2
            loss = min(60.0, p.packet_loss * (0.6 + 0.8 * random()))
            battery = (p.battery_start - p.battery_drain * (day - first)) % 100 or 100.0 if p.wireless else None
            low = battery is not None and battery < 15
            score = 100 - 4 * drift - 1.5 * loss - 22 * erratic - 10 * low - 6 * (since > every)
            failed = failing and ts >= fail_time
            if failing and not failed and (fail_time - ts).days < 5:
                score -= 12 * (5 - (fail_time - ts).total_seconds() / 86400)
            if failed:
                score = 5 + 20 * random()
            score = round(max(0.0, min(100.0, score - random() * 3)), 2)
            status = (
                "healthy" if score >= 80 else "degraded" if score >= 60 else "critical" if score >= 30 else "failed"
            )
            for offset in later if status != "healthy" else later[:1]:
                at = ts + offset
                if at > end:
                    break
                yield {
                    "sensor_id": sensor_id,
                    "machine_id": machine_id,
                    "timestamp": at,
                    "health_score": score,
                    "drift_percentage": round(drift, 4),
                    "noise_level": round(p.snr - 18 * erratic - random() * 3, 4),
                    "days_since_calibration": since,
                    "is_calibration_due": since >= every - 7,
                    "calibration_drift_detected": drift > 2.0,
                    "packet_loss_percentage": round(loss, 2),
                    "average_latency_ms": round(p.latency * (0.8 + 0.5 * random()), 2),
                    "last_communication": fail_time if failed else at - timedelta(seconds=int(random() * 30)),
                    "communication_failures_24h": int(loss * 2 * random()) + 48 * failed,
                    "battery_percentage": round(battery, 2) if battery is not None else None,
                    "is_low_battery": low,
                    "stuck_value_detected": failed,
                    "erratic_readings_detected": erratic,
                    "out_of_range_readings_24h": bisect.bisect_right(times, at)
                    - bisect.bisect_left(times, at - day_span)
                    if times
                    else 0,
                    "overall_status": status,
                    "created_at": at,
                }
