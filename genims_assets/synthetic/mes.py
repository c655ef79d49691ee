"""genims_mes_db: work orders and their execution, read off the plant floor simulation.

Every planned work order of `operational.production_plan` becomes one
work_orders row (~615 at scale 1 and 90 days, the public run's 617); its
quantities and times are the sums of the production runs that executed it,
so MES and the machines agree (produced = good + scrapped, rejected =
scrapped + rework; a completed order's good quantity reaches the plan). The
plan's dates are the ERP's (planned_*); scheduled_* follow the dispatcher's
latest schedule. Statuses: created/scheduled/released (not started),
in_progress, on_hold, completed, closed, cancelled. Volumes at scale 1:

- work_order_operations: the line's routing, one operation per process step
  its machines perform (at most three, the last being the final one), ~1.8k.
- production_schedule: one scheduled slot per order.
- labor_transactions: the line operator's booking per production run and
  shift that has ended (~5.1k; the public run's 1,725 came from shorter
  orders, and one booking per run-shift is what shift-level labor efficiency
  needs). labor_cost = regular hours x rate; Sunday hours are overtime at 1.5x.
- changeover_events: one per order that followed another on its line (~550).
- downtime_events (~3.7k): every stop the machines had, so that per machine
  and shift the minutes add up to SCADA's downtime_seconds_shift: faults
  (machine_id set, downtime_start = machine_faults.fault_start_time,
  downtime_reason_code = fault_code, maintenance_work_order = the repair;
  category = the fault's category), planned maintenance during production
  ("planned"), absent operators ("operator"), and line-wide stops with
  machine_id NULL that stop every machine of the line: changeovers
  ("changeover"), material starvation ("material"), quality holds ("quality").
- quality_inspections (~1.3k): first-article at each order's start,
  in-process after a quality hold, final at completion; failed ones carry
  the ncr_number ("NCR-INT-...") of the NCR QMS opens for them.
- defects (~1.4k): each order's first-pass rejects split by category; their
  quantity_affected adds up to work_orders.rejected_quantity, scrap/rework
  cost at the standard cost (defects customers found, detection_method
  'customer_complaint', come on top).
- material_transactions (~3.5k): kitting issues per bill-of-material line,
  top-ups or returns at the end, scrap; total_material_cost of an order =
  issues - returns. Materials are erp.materials (bought ones, and made
  sub-assemblies for some assemblies).
- electronic_batch_records (~270): for brake and steering products and some
  others.

Work orders are make-to-stock: sales_order_number stays NULL; erp_order_id is
"PRO-<number>" (number = position in planned-start order), the id of the ERP
production order made from it.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.operational import (
    SHIFT,
    ensure_each,
    pick,
    production_plan,
    shift_code,
    spread,
    staff_index,
)

PROCESS = {  # machine type -> (operation code, name, reject weight, defect categories)
    "press": ("OP-PRS", "Stamping and pressing", 1.0, ("dimensional", "visual")),
    "CNC": ("OP-CNC", "CNC machining", 2.0, ("dimensional", "material")),
    "welding": ("OP-WLD", "Welding", 2.0, ("material", "visual")),
    "robot": ("OP-ROB", "Robotic handling and joining", 0.5, ("assembly", "visual")),
    "assembly": ("OP-ASM", "Assembly", 1.5, ("assembly", "visual")),
    "testing": ("OP-TST", "End-of-line testing", 5.0, ("functional", "dimensional")),
}
DEFECT_CODES = {
    "dimensional": ("D-DIM", "Dimension out of tolerance"),
    "visual": ("D-VIS", "Surface scratch or dent"),
    "functional": ("D-FUN", "Failed functional test"),
    "material": ("D-MAT", "Porosity or material flaw"),
    "assembly": ("D-ASM", "Missing or misassembled component"),
}
ROOT_CAUSES = {"machine": 4, "method": 3, "material": 3, "man": 2, "measurement": 1, "environment": 1}
CHANGEOVER_TYPES = {"product_change": 6, "format_change": 2, "tool_change": 1, "material_change": 1}
MATERIAL_TYPES = {
    "raw_material": "raw_material",
    "component": "component",
    "packaging": "consumable",
    "finished_good": "sub_assembly",  # made in-house, consumed by assemblies
}
OPEN_FAULT_STATUS = ["active", "pending_parts", "escalated"]
EBR_CATEGORIES = ("brake", "steering")
REGULATIONS = {"brake": "ECE R90, IATF 16949", "steering": "ISO 26262, IATF 16949"}


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("mes")
    plan = production_plan(ctx)
    staff = staff_index(ctx)
    runs: dict[str, list[dict]] = {}
    for r in ctx.rows("operational", "production_runs"):
        runs.setdefault(r["work_order_number"], []).append(r)
    machines_by_line: dict[str, list[dict]] = {}
    for m in ctx.rows("master", "machines"):
        machines_by_line.setdefault(m["line_id"], []).append(m)
    products = {p["product_id"]: p for p in ctx.rows("master", "products")}
    lines = {line["line_id"]: line for line in ctx.rows("master", "production_lines")}
    shifts = {(s["factory_id"], s["shift_code"]): s["shift_id"] for s in ctx.rows("master", "shifts")}
    unit_cost = {m["product_id"]: m["standard_cost"] for m in ctx.rows("erp", "materials") if m["product_id"]}
    boms = _bills_of_material(ctx, rng, products, unit_cost)

    orders, operations, schedule = [], [], []
    for wo in plan.work_orders:
        executed = [r for r in runs.get(wo.work_order_number, []) if r["status"] != "scheduled"]
        order = _work_order(ctx, rng, wo, executed, runs.get(wo.work_order_number, []), staff, unit_cost)
        orders.append(order)
        ops = _operations(ctx, rng, wo, order, executed, machines_by_line[wo.line_id], staff, shifts)
        operations.extend(ops)
        order["_ops"] = ops
        order["_runs"] = executed
        order["_plan"] = wo
    schedule = _schedule(ctx, rng, orders, staff, shifts)
    labor = _labor(ctx, rng, orders, plan, staff, shifts)
    inspections, defects = _quality(ctx, rng, orders, products, unit_cost, staff, shifts)
    materials = _materials(ctx, rng, orders, boms, staff)
    changeovers = _changeovers(ctx, rng, orders, plan, staff)
    downtime = _downtime(ctx, rng, orders, plan, changeovers, staff)
    batch_records = _batch_records(ctx, rng, orders, products, lines, staff)
    _costs(orders, labor, materials, unit_cost)
    for order in orders:
        for key in ("_ops", "_runs", "_plan", "_inspections"):
            order.pop(key, None)
    ctx.add("mes", "work_orders", orders)
    ctx.add("mes", "work_order_operations", operations)
    ctx.add("mes", "production_schedule", schedule)
    ctx.add("mes", "labor_transactions", labor)
    ctx.add("mes", "quality_inspections", inspections)
    ctx.add("mes", "defects", defects)
    ctx.add("mes", "material_transactions", materials)
    ctx.add("mes", "changeover_events", [c for c, _ in changeovers])
    ctx.add("mes", "downtime_events", downtime)
    ctx.add("mes", "electronic_batch_records", batch_records)


def _code_at(t: datetime) -> str:
    return "A" if 6 <= t.hour < 14 else "B" if 14 <= t.hour < 22 else "C"


def _minutes(a: datetime, b: datetime) -> int:
    return round((b - a).total_seconds() / 60)


def _bills_of_material(ctx: GenContext, rng, products: dict, unit_cost: dict) -> dict[str, list[tuple[dict, float]]]:
    """Per product, 2-3 bought materials (and for assemblies one made sub-assembly) worth ~58% of its standard cost."""
    materials = ctx.rows("erp", "materials")
    bought = [m for m in materials if m["product_id"] is None]
    raw = [m for m in bought if m["material_type"] == "raw_material"] or bought
    other = [m for m in bought if m["material_type"] != "raw_material"] or bought
    made = [m for m in materials if m["product_id"] and products[m["product_id"]]["product_type"] == "sub-assembly"]
    boms = {}
    for product_id, product in products.items():
        target = unit_cost.get(product_id, 50.0) * 0.58
        lines = []
        subs = [m for m in made if m["product_id"] != product_id and m["standard_cost"] <= 0.4 * target]
        if product["product_type"] == "assembly" and subs and rng.random() < 0.4:
            sub = rng.choice(subs)
            lines.append((sub, 1.0))
            target -= sub["standard_cost"]
        chosen = [rng.choice(raw)] + rng.sample(other, min(len(other), rng.randint(1, 2)))
        weights = [rng.uniform(1, 4) for _ in chosen]
        total = sum(weights)
        lines += [
            (m, max(0.0001, round(target * w / total / max(m["standard_cost"], 0.01), 4)))
            for m, w in zip(chosen, weights, strict=True)
        ]
        boms[product_id] = lines
    return boms


def _work_order(ctx: GenContext, rng, wo, executed: list[dict], all_runs: list[dict], staff, unit_cost) -> dict:
    produced = sum(r["actual_quantity"] for r in executed)
    rejected = sum(r["rejected_quantity"] for r in executed)
    scrapped = sum(r["scrapped_quantity"] for r in executed)
    good = produced - scrapped
    cancelled = any(r["status"] == "aborted" for r in executed)
    finished = cancelled or (executed and good >= wo.quantity)
    end = executed[-1]["run_end_time"] if finished else None
    if cancelled:
        status = "cancelled"
    elif finished:
        status = "closed" if end < ctx.end - timedelta(days=2) and rng.random() < 0.7 else "completed"
    elif executed:
        status = "on_hold" if rng.random() < 0.15 else "in_progress"
    elif wo.planned_start <= ctx.end + timedelta(days=1):
        status = "released"
    else:
        status = "scheduled" if len(all_runs) else "created"
    fpy = (produced - rejected) / produced * 100 if produced else None
    quality_status = None
    if status in ("completed", "closed"):
        quality_status = "conditional" if fpy is not None and fpy < 96.5 else "approved"
    elif status == "cancelled":
        quality_status = "rejected"
    elif executed:
        quality_status = "pending"
    planned_minutes = sum(r["planned_duration_minutes"] for r in executed)
    run_minutes = round(
        sum(r["planned_duration_minutes"] * (r["availability_percentage"] or 0) / 100 for r in executed)
    )
    setup = (executed[0]["changeover_time_minutes"] or 0) if executed else 0
    factory = wo.factory_id
    # The plan's dates are the ERP's; the dispatcher re-schedules on the line's real progress.
    scheduled = wo.planned_start
    if executed:
        scheduled = executed[0]["run_start_time"] - timedelta(minutes=round(rng.uniform(-60, 150)))
    return {
        "work_order_id": wo.work_order_id,
        "work_order_number": wo.work_order_number,
        "product_id": wo.product_id,
        "customer_id": wo.customer_id,
        "sales_order_number": None,
        "factory_id": factory,
        "line_id": wo.line_id,
        "planned_quantity": wo.quantity,
        "unit_of_measure": "EA",
        "priority": wo.priority,
        "planned_start_date": datetime.combine(wo.planned_start.date(), datetime.min.time()),
        "planned_end_date": datetime.combine(wo.planned_end.date() + timedelta(days=1), datetime.min.time()),
        "scheduled_start_time": scheduled,
        "scheduled_end_time": scheduled + (wo.planned_end - wo.planned_start),
        "actual_start_time": executed[0]["run_start_time"] if executed else None,
        "actual_end_time": end,
        "produced_quantity": produced,
        "good_quantity": good,
        "rejected_quantity": rejected,
        "scrapped_quantity": scrapped,
        "rework_quantity": rejected - scrapped,
        "status": status,
        "quality_status": quality_status,
        "quality_hold": status == "on_hold",
        "planned_cycle_time_seconds": wo.cycle_seconds,
        "actual_cycle_time_seconds": round(sum(r["actual_duration_minutes"] or 0 for r in executed) * 60 / produced)
        if produced and finished
        else None,
        "setup_time_minutes": setup or (wo.setup_minutes if executed else None),
        "run_time_minutes": run_minutes if executed else None,
        "downtime_minutes": max(0, planned_minutes - run_minutes - setup) if executed else None,
        "yield_percentage": round(good / produced * 100, 2) if produced else None,
        "first_pass_yield_percentage": round(fpy, 2) if fpy is not None else None,
        "standard_cost_per_unit": money(unit_cost.get(wo.product_id, 50.0)),
        "actual_cost_per_unit": None,
        "total_material_cost": None,
        "total_labor_cost": None,
        "total_overhead_cost": None,
        "batch_number": f"B{wo.number:06d}",
        "lot_number": f"LOT-{factory[4:]}-{wo.number:06d}",
        "expiry_date": None,
        "electronic_batch_record_id": None,
        "requires_validation": False,
        "validation_status": None,
        "parent_work_order_id": None,
        "erp_order_id": f"PRO-{wo.number:06d}",
        "created_by": pick(staff, rng, factory, "engineer", "manager"),
        "created_at": wo.created_at,
        "updated_at": end or (executed[-1]["updated_at"] if executed else wo.created_at),
        "completed_by": pick(staff, rng, factory, "supervisor") if finished else None,
        "closed_at": end + timedelta(hours=rng.uniform(24, 47)) if status == "closed" else None,
    }


def _routing(line_machines: list[dict]) -> list[tuple[str, dict]]:
    """The line's process steps in flow order (at most three), each on the first machine doing it."""
    by_type: dict[str, dict] = {}
    for m in sorted(line_machines, key=lambda m: m["machine_id"]):
        by_type.setdefault(m["machine_type"], m)
    steps = [(t, by_type[t]) for t in PROCESS if t in by_type]
    if len(steps) > 3:
        steps = steps[:2] + steps[-1:]  # keep the final step (testing or assembly)
    return steps or [("assembly", line_machines[0])]


def _operations(ctx: GenContext, rng, wo, order: dict, executed, line_machines, staff, shifts) -> list[dict]:
    steps = _routing(line_machines)
    started, status = order["actual_start_time"], order["status"]
    end = order["actual_end_time"]
    op_status = {"completed": "completed", "closed": "completed", "cancelled": "cancelled"}.get(
        status, "in_progress" if started else "pending"
    )
    rejected = spread(order["rejected_quantity"], [PROCESS[t][2] for t, _ in steps])
    scrapped = spread(order["scrapped_quantity"], [PROCESS[t][2] for t, _ in steps])
    run_seconds = sum(r["planned_duration_minutes"] * (r["availability_percentage"] or 0) * 0.6 for r in executed)
    efficiency = order["produced_quantity"] * wo.cycle_seconds / run_seconds * 100 if run_seconds else None
    lag = timedelta(seconds=wo.cycle_seconds * 3)
    rows = []
    for i, (mtype, machine) in enumerate(steps):
        code, name, _, _ = PROCESS[mtype]
        a = min(ctx.end, started + lag * i) if started else None
        b = min(ctx.end, end + lag * i) if end else None
        shift = shifts[(wo.factory_id, _code_at(a))] if a else None
        rows.append(
            {
                "operation_id": f"OPR-{wo.number:06d}-{(i + 1) * 10:03d}",
                "work_order_id": wo.work_order_id,
                "operation_sequence": (i + 1) * 10,
                "operation_code": code,
                "operation_name": name,
                "line_id": wo.line_id,
                "machine_id": machine["machine_id"],
                "work_center_code": f"WC-{wo.line_id[5:]}-{code[3:]}",
                "planned_quantity": wo.quantity,
                "planned_duration_minutes": _minutes(wo.planned_start, wo.planned_end),
                "planned_setup_time_minutes": wo.setup_minutes,
                "standard_time_per_unit_seconds": float(wo.cycle_seconds),
                "planned_start_time": order["scheduled_start_time"] + lag * i,
                "planned_end_time": order["scheduled_end_time"] + lag * i,
                "actual_start_time": a,
                "actual_end_time": b,
                "completed_quantity": order["produced_quantity"],
                "rejected_quantity": rejected[i],
                "actual_duration_minutes": _minutes(a, b) if a and b else None,
                "actual_setup_time_minutes": round(order["setup_time_minutes"] * rng.uniform(0.6, 1.0))
                if a and order["setup_time_minutes"]
                else None,
                "status": op_status,
                "operator_id": _line_operator(staff, rng, wo, _code_at(a)) if a else None,
                "shift_id": shift,
                "labor_hours": None,
                "requires_inspection": i in (0, len(steps) - 1),
                "inspection_status": None,
                "inspection_timestamp": None,
                "inspector_id": None,
                "efficiency_percentage": round(min(efficiency, 150.0), 2) if efficiency and b else None,
                "scrap_rate_percentage": round(scrapped[i] / order["produced_quantity"] * 100, 2)
                if order["produced_quantity"]
                else None,
                "work_instructions": f"WI-{wo.product_id}-{code}: follow the {name.lower()} standard work sheet",
                "safety_notes": "PPE mandatory; lock out before clearing jams",
                "created_at": order["created_at"],
                "updated_at": b or a or order["created_at"],
            }
        )
    return rows


def _line_operator(staff: dict, rng, wo, code: str) -> str | None:
    people = staff["line"].get((wo.line_id, code))
    return rng.choice(people) if people else pick(staff, rng, wo.factory_id, "operator")


def _schedule(ctx: GenContext, rng, orders: list[dict], staff, shifts) -> list[dict]:
    rows, sequence = [], {}
    for order in orders:
        wo = order["_plan"]
        key = (wo.line_id, order["scheduled_start_time"].date())
        sequence[key] = sequence.get(key, 0) + 1
        start, end, status = order["actual_start_time"], order["actual_end_time"], order["status"]
        planned_start, planned_end = order["scheduled_start_time"], order["scheduled_end_time"]
        late_start = start is not None and start > planned_start + timedelta(hours=2)
        if status in ("completed", "closed"):
            schedule_status = "completed"
        elif status == "cancelled":
            schedule_status = "cancelled"
        elif start is not None:
            schedule_status = "delayed" if ctx.end > planned_end else "in_progress"
        else:
            schedule_status = "delayed" if planned_start < ctx.end else "planned"
        planned_minutes = max(1.0, (planned_end - planned_start).total_seconds() / 60)
        adherence = None
        if end is not None and status != "cancelled":
            adherence = max(0.0, 100 - abs((end - planned_end).total_seconds() / 60) / planned_minutes * 100)
        rows.append(
            {
                "schedule_id": f"SCH-{wo.number:06d}",
                "schedule_date": planned_start.date(),
                "schedule_week": planned_start.isocalendar()[1],
                "shift_id": shifts[(wo.factory_id, _code_at(planned_start))],
                "line_id": wo.line_id,
                "factory_id": wo.factory_id,
                "work_order_id": wo.work_order_id,
                "operation_id": order["_ops"][0]["operation_id"],
                "sequence_number": sequence[key],
                "planned_start_time": planned_start,
                "planned_end_time": planned_end,
                "planned_quantity": wo.quantity,
                "priority": wo.priority,
                "customer_due_date": wo.planned_end.date() + timedelta(days=rng.randint(2, 10))
                if wo.customer_id
                else None,
                "material_available": not (late_start and rng.random() < 0.4),
                "operator_available": not (late_start and rng.random() < 0.2),
                "equipment_available": not (late_start and rng.random() < 0.3),
                "schedule_status": schedule_status,
                "actual_start_time": start,
                "actual_end_time": end,
                "actual_quantity": order["produced_quantity"] if start else None,
                "on_time_start": (start <= planned_start + timedelta(hours=2)) if start else None,
                "on_time_completion": (end <= planned_end + timedelta(hours=4)) if end else None,
                "schedule_adherence_percentage": round(adherence, 2) if adherence is not None else None,
                "planner_id": pick(staff, rng, wo.factory_id, "engineer", "manager"),
                "planning_notes": rng.choice(
                    [
                        None,
                        None,
                        "Changeover from previous product",
                        "Priority customer requirement",
                        "Material lot requires first-article check",
                        "Maintenance window after this order",
                    ]
                ),
                "created_at": wo.created_at,
                "updated_at": end or start or wo.created_at,
            }
        )
    return rows


def _labor(ctx: GenContext, rng, orders: list[dict], plan, staff, shifts) -> list[dict]:
    """The line operator's booking for each run and each shift of it that has ended."""
    skill_rate = {"trainee": 5.0, "skilled": 7.0, "senior": 9.0, "expert": 12.0}
    rates = {
        e["employee_id"]: round(skill_rate.get(e["skill_level"], 7.0) * rng.uniform(0.9, 1.15), 2)
        for e in ctx.rows("master", "employees")
        if e["role"] == "operator"
    }
    crew: dict[tuple, str | None] = {}
    rows = []
    for order in orders:
        wo = order["_plan"]
        calendar = plan.lines[wo.line_id].shifts
        manual = next((op for op in order["_ops"] if op["operation_code"] == "OP-ASM"), order["_ops"][-1])
        booked = 0.0
        for run in order["_runs"]:
            start, end = run["run_start_time"], run["run_end_time"] or ctx.end
            i = max(0, bisect.bisect_right(calendar, start) - 1)
            pieces = []
            while i < len(calendar) and calendar[i] < end:
                a, b = max(start, calendar[i]), min(end, calendar[i] + SHIFT)
                if b - a >= timedelta(minutes=15) and calendar[i] + SHIFT <= ctx.end:
                    pieces.append((calendar[i], a, b))
                i += 1
            total = sum((b - a).total_seconds() for _, a, b in pieces) or 1.0
            for n, (s, a, b) in enumerate(pieces):
                code = shift_code(s)
                key = (wo.line_id, s, code)
                if key not in crew:
                    crew[key] = _line_operator(staff, rng, wo, code)
                employee = crew[key]
                share = (b - a).total_seconds() / total
                units = round(run["actual_quantity"] * share)
                minutes = _minutes(a, b)
                pause = 30 if minutes >= 360 else 0
                hours = round((minutes - pause) / 60, 2)
                standard = round(units * wo.cycle_seconds / 3600, 2)
                rate = rates.get(employee, 7.0)
                overtime = hours if s.weekday() == 6 else 0.0
                setup = n == 0 and bool(run["changeover_time_minutes"])
                approved = b + timedelta(hours=12) <= ctx.end
                booked += hours
                rows.append(
                    {
                        "labor_transaction_id": "",
                        "transaction_date": a,
                        "employee_id": employee,
                        "shift_id": shifts[(wo.factory_id, code)],
                        "work_order_id": wo.work_order_id,
                        "operation_id": manual["operation_id"],
                        "activity_code": "SET" if setup else "PRD",
                        "activity_type": "setup" if setup else "production",
                        "clock_in_time": a,
                        "clock_out_time": b,
                        "duration_minutes": minutes,
                        "break_time_minutes": pause,
                        "quantity_produced": units,
                        "quantity_rejected": round(run["rejected_quantity"] * share),
                        "standard_hours": standard,
                        "actual_hours": hours,
                        "efficiency_percentage": round(min(150.0, standard / hours * 100), 2) if hours else None,
                        "hourly_rate": rate,
                        "labor_cost": money((hours - overtime) * rate),
                        "overtime_hours": overtime,
                        "overtime_cost": money(overtime * rate * 1.5),
                        "approved": approved,
                        "approved_by": pick(staff, rng, wo.factory_id, "supervisor") if approved else None,
                        "approved_at": b + timedelta(hours=rng.uniform(2, 12)) if approved else None,
                        "notes": "Sunday overtime" if overtime else None,
                        "created_at": b,
                    }
                )
        manual["labor_hours"] = round(booked, 2) if booked else None
    rows.sort(key=lambda r: (r["clock_in_time"], r["work_order_id"]))
    for n, row in enumerate(rows, start=1):
        row["labor_transaction_id"] = f"LAB-{n:07d}"
    return rows


def _holds_by_line(ctx: GenContext) -> dict[str, list[datetime]]:
    """Shift ends at which a quality hold stopped each line (from SCADA warning codes)."""
    holds: dict[str, set[datetime]] = {}
    for r in ctx.rows("operational", "scada_machine_data"):
        if r["warning_codes"] and "W-QUAL-HOLD" in r["warning_codes"]:
            holds.setdefault(r["line_id"], set()).add(r["timestamp"])
    return {line: sorted(times) for line, times in holds.items()}


def _quality(ctx: GenContext, rng, orders, products, unit_cost, staff, shifts) -> tuple[list[dict], list[dict]]:
    holds = _holds_by_line(ctx)
    planned = []  # (order, type, when)
    for order in orders:
        start, end = order["actual_start_time"], order["actual_end_time"]
        if start is None:
            continue
        first = start + timedelta(minutes=(order["setup_time_minutes"] or 0) + rng.uniform(10, 30))
        if first <= ctx.end:
            planned.append((order, "first_article", first))
        times = holds.get(order["line_id"], [])
        i = bisect.bisect_left(times, start)
        if i < len(times) and times[i] <= (end or ctx.end):
            planned.append((order, "in_process", times[i] - timedelta(hours=rng.uniform(1, 7))))
        if end is not None and order["status"] != "cancelled":
            final = end + timedelta(minutes=rng.uniform(20, 90))
            if final <= ctx.end:
                planned.append((order, "final", final))
    planned.sort(key=lambda p: (p[2], p[0]["work_order_id"]))
    results = [_result(rng, order, kind) for order, kind, _ in planned]
    ensure_each(rng, results, ["pass", "fail", "conditional_pass"])
    inspections, ncr = [], 0
    for n, ((order, kind, when), result) in enumerate(zip(planned, results, strict=True), start=1):
        if result == "fail":
            ncr += 1
        row = _inspection(ctx, rng, n, order, kind, when, result, ncr if result == "fail" else None, staff, shifts)
        inspections.append(row)
        order.setdefault("_inspections", []).append(row)
        op = order["_ops"][0 if kind == "first_article" else -1]
        if kind != "in_process":
            op["inspection_status"] = "failed" if result == "fail" else "passed"
            op["inspection_timestamp"] = when
            op["inspector_id"] = row["inspector_id"]
    for order in orders:
        for op in order["_ops"]:
            if op["requires_inspection"] and op["inspection_status"] is None and op["actual_start_time"]:
                op["inspection_status"] = "pending"
    defects = _defects(ctx, rng, orders, unit_cost, staff)
    return inspections, defects


def _result(rng, order: dict, kind: str) -> str:
    fpy = order["first_pass_yield_percentage"] or 100.0
    if kind == "in_process":
        return weighted(rng, {"fail": 22, "conditional_pass": 50, "pass": 28})
    if kind == "first_article":
        return "conditional_pass" if rng.random() < 0.03 else "pass"
    if fpy < 95 and rng.random() < 0.6:
        return "fail"
    return "conditional_pass" if fpy < 97 else ("fail" if rng.random() < 0.01 else "pass")


def _inspection(ctx, rng, n, order, kind, when, result, ncr, staff, shifts) -> dict:
    wo = order["_plan"]
    sample = 5 if kind == "first_article" else _sample_size(order["produced_quantity"] or wo.quantity)
    rate = 1 - (order["first_pass_yield_percentage"] or 99.0) / 100
    found = 0 if result == "pass" else max(1, round(sample * rate * rng.uniform(1, 3)))
    if result == "pass" and kind == "final":
        found = min(1, round(sample * rate * rng.uniform(0, 0.5)))
    critical = 1 if result == "fail" and rng.random() < 0.3 else 0
    major = min(found - critical, round(found * 0.35)) if found else 0
    inspector = pick(staff, rng, wo.factory_id, "quality_inspector", "engineer")
    nominal = round(rng.uniform(10, 120), 2)
    values = [round(nominal + rng.gauss(0, 0.03), 3) for _ in range(min(sample, 5))]
    disposition = {"pass": "accept", "conditional_pass": rng.choice(["use_as_is", "rework"])}.get(
        result, rng.choice(["hold", "rework", "scrap"])
    )
    return {
        "inspection_id": f"QI-{n:06d}",
        "inspection_type": kind,
        "inspection_date": when,
        "work_order_id": wo.work_order_id,
        "operation_id": order["_ops"][0 if kind == "first_article" else -1]["operation_id"],
        "product_id": wo.product_id,
        "sample_size": sample,
        "lot_number": order["lot_number"],
        "batch_number": order["batch_number"],
        "serial_number": f"SN{wo.number:06d}{n % 1000:03d}" if kind == "first_article" else None,
        "inspector_id": inspector,
        "shift_id": shifts[(wo.factory_id, _code_at(when))],
        "inspection_result": result,
        "defects_found": found,
        "critical_defects": critical,
        "major_defects": major,
        "minor_defects": found - critical - major,
        "measured_values": {"characteristic": "critical_diameter_mm", "values": values},
        "specification_values": {"lsl": round(nominal - 0.1, 3), "target": nominal, "usl": round(nominal + 0.1, 3)},
        "disposition": disposition,
        "disposition_reason": None if result == "pass" else f"{found} nonconforming in sample of {sample}",
        "disposition_by": inspector if result == "pass" else pick(staff, rng, wo.factory_id, "engineer", "manager"),
        "ncr_number": f"NCR-INT-{ncr:06d}" if ncr else None,
        "corrective_action_required": result == "fail",
        "inspection_plan_id": f"IP-{wo.product_id}",
        "inspection_checklist_id": f"CL-{kind.upper()}-{wo.product_id}",
        "photos_attached": result != "pass" and rng.random() < 0.6,
        "approved_by": pick(staff, rng, wo.factory_id, "engineer", "manager"),
        "approved_at": min(ctx.end, when + timedelta(hours=rng.uniform(0.5, 4))),
        "notes": None if result == "pass" else "See defect records",
        "created_at": when,
    }


def _sample_size(lot: int) -> int:
    """ISO 2859-1 general inspection level II code letters."""
    for limit, size in ((150, 20), (280, 32), (500, 50), (1200, 80), (3200, 125), (10_000, 200)):
        if lot <= limit:
            return size
    return 315


def _defects(ctx: GenContext, rng, orders: list[dict], unit_cost: dict, staff) -> list[dict]:
    """Each order's first-pass rejects by category, plus the few defects customers found later."""
    found = []  # (order, op, quantity, scrapped, when, method)
    for order in orders:
        rejected, runs = order["rejected_quantity"], order["_runs"]
        if not rejected:
            continue
        steps = order["_ops"]
        parts = [q for q in spread(rejected, [rng.uniform(1, 4) for _ in range(rng.choice([1, 2, 2, 3, 3, 4]))]) if q]
        scrapped = spread(order["scrapped_quantity"], parts)
        weights = [PROCESS.get(_type_of(op), PROCESS["assembly"])[2] for op in steps]
        run_weights = [r["rejected_quantity"] + 0.01 for r in runs]
        for quantity, scrap in zip(parts, scrapped, strict=True):
            op = rng.choices(steps, weights)[0]
            run = rng.choices(runs, run_weights)[0]
            end = run["run_end_time"] or ctx.end
            when = run["run_start_time"] + (end - run["run_start_time"]) * rng.random()
            found.append((order, op, quantity, scrap, when, None))
    done = [
        o
        for o in orders
        if o["status"] in ("completed", "closed") and o["actual_end_time"] < ctx.end - timedelta(days=3)
    ]
    for order in rng.sample(done, min(len(done), max(1, round(0.015 * len(done))))):
        when = min(ctx.end, order["actual_end_time"] + timedelta(days=rng.uniform(3, 20)))
        found.append((order, order["_ops"][-1], rng.randint(2, 40), 0, when, "customer_complaint"))
    found.sort(key=lambda f: (f[4], f[0]["work_order_id"]))
    severities = weighted(rng, {"critical": 8, "major": 32, "minor": 60}, k=len(found)) if found else []
    ensure_each(rng, severities, ["critical", "major", "minor"])
    categories = [rng.choice(PROCESS.get(_type_of(f[1]), PROCESS["assembly"])[3]) for f in found]
    ensure_each(rng, categories, list(DEFECT_CODES))
    rows = []
    for n, ((order, op, quantity, scrap, when, method), severity, category) in enumerate(
        zip(found, severities, categories, strict=True), 1
    ):
        wo = order["_plan"]
        if category not in PROCESS.get(_type_of(op), PROCESS["assembly"])[3]:  # found at a step that checks it
            op = next((o for o in order["_ops"] if category in PROCESS.get(_type_of(o), PROCESS["assembly"])[3]), op)
        if method == "customer_complaint":
            severity = "critical" if severity == "critical" else "major"
        method = method or {"functional": "testing", "dimensional": "measurement"}.get(category, "visual")
        code, text = DEFECT_CODES[category]
        age = (ctx.end - when).total_seconds() / 86400
        status = "closed" if age > 14 else "action_pending" if age > 7 else "investigating" if age > 2 else "open"
        cost = unit_cost.get(wo.product_id, 50.0)
        inspections = order.get("_inspections", [])
        rows.append(
            {
                "defect_id": f"DEF-{n:06d}",
                "defect_code": f"{code}-{rng.randint(1, 9):02d}",
                "defect_category": category,
                "defect_description": f"{text} at {op['operation_name'].lower()}",
                "defect_severity": severity,
                "detected_date": when,
                "work_order_id": wo.work_order_id,
                "operation_id": op["operation_id"],
                "inspection_id": inspections[-1]["inspection_id"] if inspections else None,
                "product_id": wo.product_id,
                "lot_number": order["lot_number"],
                "quantity_affected": quantity,
                "detected_by": pick(staff, rng, wo.factory_id, "quality_inspector", "operator"),
                "detection_method": method,
                "root_cause_category": weighted(rng, ROOT_CAUSES),
                "root_cause_description": rng.choice(
                    [
                        "Tool wear beyond limit",
                        "Fixture clamping force low",
                        "Material lot out of spec",
                        "Work instruction not followed",
                        "Gauge drift",
                        "Temperature variation in shop",
                    ]
                ),
                "root_cause_analysis_complete": status in ("closed", "action_pending"),
                "corrective_action": "Adjust process parameters and contain suspect stock" if age > 2 else None,
                "preventive_action": "Add check to control plan" if status == "closed" else None,
                "action_owner": pick(staff, rng, wo.factory_id, "engineer", "supervisor"),
                "action_due_date": (when + timedelta(days=14)).date(),
                "action_completed": status == "closed",
                "scrap_cost": money(scrap * cost),
                "rework_cost": money((quantity - scrap) * cost * 0.12),
                "total_cost": money(scrap * cost + (quantity - scrap) * cost * 0.12),
                "status": status,
                "closed_date": when + timedelta(days=rng.uniform(3, 14)) if status == "closed" else None,
                "created_at": when,
                "updated_at": when,
            }
        )
    return rows


def _type_of(op: dict) -> str:
    return next((t for t, (code, *_rest) in PROCESS.items() if code == op["operation_code"]), "assembly")


def _materials(ctx: GenContext, rng, orders: list[dict], boms: dict, staff) -> list[dict]:
    """Kitting issues at the start, top-ups or returns at the end, and the scrapped material."""
    moves = []  # (when, type, order, material, quantity)
    for order in orders:
        start = order["actual_start_time"]
        if start is None:
            continue
        wo = order["_plan"]
        end = order["actual_end_time"]
        kit_time = max(ctx.start, start - timedelta(minutes=rng.uniform(10, 60)))
        for i, (material, per_unit) in enumerate(boms[wo.product_id]):
            issued = round(wo.quantity * per_unit * 1.05, 4)
            moves.append((kit_time, "issue", order, material, issued))
            if end is None:
                continue
            used = round(order["produced_quantity"] * per_unit * rng.uniform(1.0, 1.03), 4)
            close = min(ctx.end, end + timedelta(minutes=rng.uniform(15, 90)))
            if used > issued:
                moves.append((start + (end - start) / 2, "issue", order, material, round(used - issued, 4)))
            elif issued - used > 0.0001:
                moves.append((close, "return", order, material, round(issued - used, 4)))
            if i == 0 and order["scrapped_quantity"]:
                moves.append((close, "scrap", order, material, round(order["scrapped_quantity"] * per_unit, 4)))
    moves.sort(key=lambda m: (m[0], m[2]["work_order_id"], m[3]["material_id"], m[1]))
    rows = []
    for n, (when, kind, order, material, quantity) in enumerate(moves, start=1):
        wo = order["_plan"]
        cost = float(material["standard_cost"])
        warehouse = f"WH-{wo.factory_id[4:]}-RM"
        line = f"{wo.line_id}-WIP"
        rows.append(
            {
                "transaction_id": f"MT-{n:07d}",
                "transaction_type": kind,
                "transaction_date": when,
                "work_order_id": wo.work_order_id,
                "operation_id": order["_ops"][0]["operation_id"],
                "material_code": material["material_code"],
                "material_name": material["material_name"],
                "material_type": MATERIAL_TYPES.get(material["material_type"], "component"),
                "quantity": quantity,
                "unit_of_measure": material["base_unit_of_measure"],
                "lot_number": f"ML-{material['material_id'][4:]}-{when:%y%m%d}",
                "batch_number": order["batch_number"],
                "serial_number": None,
                "expiry_date": (when + timedelta(days=material["shelf_life_days"])).date()
                if material["shelf_life_days"]
                else None,
                "supplier_lot_number": f"SL{rng.randint(100000, 999999)}" if kind == "issue" else None,
                "from_location": warehouse if kind == "issue" else line,
                "to_location": line if kind == "issue" else ("SCRAP" if kind == "scrap" else warehouse),
                "warehouse_location": f"{warehouse}-{rng.choice('ABCD')}{rng.randint(1, 40):02d}",
                "unit_cost": round(cost, 4),
                "total_cost": money(cost * quantity),
                "quality_status": "rejected"
                if kind == "scrap"
                else ("quarantine" if kind == "return" and rng.random() < 0.15 else "approved"),
                "inspection_required": bool(material["inspection_required"]),
                "certificate_of_analysis": f"COA-{material['material_id'][4:]}-{when:%y%m}"
                if material["inspection_required"]
                else None,
                "parent_lot_number": None,
                "consumed_by_lot_number": order["lot_number"] if kind == "issue" else None,
                "performed_by": pick(staff, rng, wo.factory_id, "operator"),
                "requires_documentation": material["abc_classification"] == "A",
                "documentation_complete": material["abc_classification"] != "A" or when < ctx.end - timedelta(days=1),
                "created_at": when,
            }
        )
    return rows


def _pieces(calendar: list[datetime], start: datetime, seconds: float) -> list[tuple[datetime, datetime]]:
    """Wall-clock pieces of `seconds` of line time starting at `start`, over the worked shifts."""
    i = max(0, bisect.bisect_right(calendar, start) - 1)
    a, pieces = start, []
    while seconds > 0 and i < len(calendar):
        b = min(a + timedelta(seconds=seconds), calendar[i] + SHIFT)
        if b > a:
            pieces.append((a, b))
            seconds -= (b - a).total_seconds()
        i += 1
        if i < len(calendar):
            a = max(calendar[i], a)
    return pieces or [(start, start)]


def _changeovers(ctx: GenContext, rng, orders: list[dict], plan, staff) -> list[tuple[dict, list]]:
    found = [
        o
        for o in orders
        if o["_runs"] and o["_runs"][0]["changeover_time_minutes"] and o["_runs"][0]["previous_product_id"]
    ]
    types = weighted(rng, CHANGEOVER_TYPES, k=len(found)) if found else []
    ensure_each(rng, types, list(CHANGEOVER_TYPES))
    out = []
    for n, (order, kind) in enumerate(zip(found, types, strict=True), start=1):
        wo, run = order["_plan"], order["_runs"][0]
        line_plan = plan.lines[wo.line_id]
        pieces = _pieces(line_plan.shifts, run["run_start_time"], run["changeover_time_minutes"] * 60)
        end = pieces[-1][1] if pieces[-1][1] <= ctx.end else None
        previous = line_plan.work_orders[line_plan.work_orders.index(wo) - 1]
        actual, planned = run["changeover_time_minutes"], wo.changeover_minutes
        first_article = next(
            (i for i in order.get("_inspections", []) if i["inspection_type"] == "first_article"), None
        )
        crew = {_line_operator(staff, rng, wo, shift_code(line_plan.shifts[0])) for _ in range(3)} - {None}
        row = {
            "changeover_id": f"CHG-{n:06d}",
            "line_id": wo.line_id,
            "machine_id": order["_ops"][0]["machine_id"],
            "changeover_type": kind,
            "from_product_id": run["previous_product_id"],
            "to_product_id": wo.product_id,
            "from_work_order_id": previous.work_order_id,
            "to_work_order_id": wo.work_order_id,
            "changeover_start": run["run_start_time"],
            "changeover_end": end,
            "planned_duration_minutes": planned,
            "actual_duration_minutes": actual if end else None,
            "teardown_time_minutes": round(actual * 0.25),
            "setup_time_minutes": round(actual * 0.45),
            "adjustment_time_minutes": round(actual * 0.2),
            "trial_run_time_minutes": actual - round(actual * 0.25) - round(actual * 0.45) - round(actual * 0.2),
            "first_good_part_time": end,
            "parts_produced_during_setup": rng.randint(3, 15) if end else None,
            "parts_scrapped_during_setup": rng.randint(0, 3) if end else None,
            "supervisor_id": pick(staff, rng, wo.factory_id, "supervisor"),
            "operator_ids": ",".join(sorted(crew)) or None,
            "first_piece_inspection_passed": first_article["inspection_result"] != "fail" if first_article else None,
            "quality_approval_by": first_article["inspector_id"] if first_article else None,
            "target_changeover_time_minutes": round(planned * 0.8),
            "improvement_opportunity": "Pre-stage tooling and material before stopping the line (SMED)"
            if actual > planned * 1.2
            else None,
            "created_at": run["run_start_time"],
        }
        out.append((row, pieces))
    return out


def _overlap(intervals: list[tuple[datetime, datetime]], s: datetime, e: datetime) -> float:
    return sum(max(0.0, (min(b, e) - max(a, s)).total_seconds()) for a, b in intervals if a < e and b > s)


def _downtime(ctx: GenContext, rng, orders, plan, changeovers, staff) -> list[dict]:
    """Every stop, so that per machine-shift the minutes add up to SCADA's downtime (see module docstring)."""
    machines = {m["machine_id"]: m for m in ctx.rows("master", "machines")}
    active = _active_orders(ctx, orders)
    known_machine: dict[str, list] = {}
    known_line: dict[str, list] = {}
    events = []
    maintenance = {m["maintenance_id"]: m for m in ctx.rows("operational", "maintenance_events")}
    faults = [f for f in ctx.rows("operational", "machine_faults") if f["fault_severity"] != "warning"]
    open_status = [rng.choice(OPEN_FAULT_STATUS) for f in faults if f["fault_end_time"] is None]
    ensure_each(rng, open_status, OPEN_FAULT_STATUS)
    for f in faults:
        end = f["fault_end_time"]
        known_machine.setdefault(f["machine_id"], []).append((f["fault_start_time"], end or ctx.end))
        repair = maintenance.get(f["maintenance_ticket_id"])
        response = (
            _minutes(f["fault_start_time"], repair["actual_start"]) if repair and repair["actual_start"] else None
        )
        events.append(
            _event(ctx, rng, machines[f["machine_id"]], f["fault_start_time"], end, f["fault_category"], active, staff)
            | {
                "downtime_reason_code": f["fault_code"],
                "downtime_reason_description": f["fault_description"],
                "production_loss_units": f["production_loss_units"],
                "estimated_cost": f["estimated_cost_usd"],
                "responded_by": repair["technician_id"] if repair else f["resolved_by"],
                "response_time_minutes": response if response is not None else rng.randint(2, 15),
                "resolution_action": f["resolution_action"],
                "root_cause": f["root_cause_description"],
                "preventive_action": "Add to PM checklist" if end and f["fault_severity"] == "critical" else None,
                "maintenance_work_order": f["maintenance_ticket_id"],
                "spare_parts_used": repair["parts_replaced"] if repair else None,
                "status": "resolved" if end else open_status.pop(),
            }
        )
    for m in maintenance.values():
        if m["maintenance_type"] not in ("preventive", "predictive") or m["actual_start"] is None:
            continue
        calendar = plan.lines[m["line_id"]].shifts
        j = bisect.bisect_left(calendar, m["actual_end"]) - 1
        if j < 0 or calendar[j] + SHIFT <= m["actual_start"]:
            continue  # done while the line was not working
        known_machine.setdefault(m["machine_id"], []).append((m["actual_start"], m["actual_end"]))
        events.append(
            _event(ctx, rng, machines[m["machine_id"]], m["actual_start"], m["actual_end"], "planned", active, staff)
            | {
                "downtime_reason_code": "PM-01" if m["maintenance_type"] == "preventive" else "PDM-01",
                "downtime_reason_description": m["work_description"],
                "estimated_cost": m["total_cost_usd"],
                "responded_by": m["technician_id"],
                "maintenance_work_order": m["maintenance_id"],
                "spare_parts_used": m["parts_replaced"],
            }
        )
    for row, pieces in changeovers:
        known_line.setdefault(row["line_id"], []).extend(pieces)
        line = {"machine_id": None, "line_id": row["line_id"], "factory_id": plan.lines[row["line_id"]].factory_id}
        events.append(
            _event(ctx, rng, line, row["changeover_start"], row["changeover_end"], "changeover", active, staff)
            | {
                "downtime_reason_code": f"CO-{row['changeover_type'].split('_')[0].upper()}",
                "downtime_reason_description": f"Changeover ({row['changeover_type'].replace('_', ' ')})",
                "duration_minutes": row["actual_duration_minutes"],
                "work_order_id": row["to_work_order_id"],
                "responded_by": row["supervisor_id"],
            }
        )
    events.extend(_short_stops(ctx, rng, machines, plan, known_machine, known_line, active, staff))
    events.sort(key=lambda e: (e["downtime_start"], e["line_id"], e["machine_id"] or ""))
    for n, event in enumerate(events, start=1):
        event["downtime_id"] = f"DT-{n:07d}"
    return events


SHORT_STOPS = {  # warning code -> category, reason code, reason, whole line
    "W-MAT-STARVED": ("material", "MAT-01", "Line starved: material not at line side", True),
    "W-QUAL-HOLD": ("quality", "QH-01", "Quality hold pending first-off re-check", True),
    "W-OPR-ABSENT": ("operator", "OPR-01", "Operator not at station", False),
}


def _short_stops(ctx, rng, machines, plan, known_machine, known_line, active, staff) -> list[dict]:
    """Material, quality and operator stops: what SCADA's downtime holds beyond faults, maintenance, changeovers."""
    stops: dict[tuple, float] = {}
    for r in ctx.rows("operational", "scada_machine_data"):
        codes = r["warning_codes"]
        if not codes or "W-" not in codes:
            continue
        code = next((c for c in SHORT_STOPS if c in codes), None)
        if code is None:
            continue
        end = r["timestamp"] + timedelta(seconds=1)
        start = end - SHIFT
        known = _overlap(known_machine.get(r["machine_id"], ()), start, end) + _overlap(
            known_line.get(r["line_id"], ()), start, end
        )
        residual = r["downtime_seconds_shift"] - known
        if residual < 60:
            continue
        key = (r["line_id"], r["timestamp"], code, None if SHORT_STOPS[code][3] else r["machine_id"])
        stops[key] = max(stops.get(key, 0.0), residual)
    events = []
    for (line_id, stamp, code, machine_id), seconds in sorted(
        stops.items(), key=lambda kv: kv[0][:3] + (kv[0][3] or "",)
    ):
        category, reason, text, _ = SHORT_STOPS[code]
        end = stamp + timedelta(seconds=1)
        first = max(end - SHIFT, datetime.combine(stamp.date(), datetime.min.time()))
        room = max(0.0, (end - first).total_seconds() - seconds)
        start = first + timedelta(seconds=round(rng.uniform(0, room)))
        where = (
            machines[machine_id]
            if machine_id
            else {"machine_id": None, "line_id": line_id, "factory_id": plan.lines[line_id].factory_id}
        )
        events.append(
            _event(ctx, rng, where, start, start + timedelta(seconds=round(seconds)), category, active, staff)
            | {"downtime_reason_code": reason, "downtime_reason_description": text}
        )
    return events


def _active_orders(ctx: GenContext, orders: list[dict]) -> dict[str, tuple[list, list]]:
    """Per line, the runs in time order: which order (and its operations) a stop hit."""
    by_line: dict[str, list] = {}
    for order in orders:
        for run in order["_runs"]:
            by_line.setdefault(order["line_id"], []).append((run["run_start_time"], order))
    out = {}
    for line, items in by_line.items():
        items.sort(key=lambda x: x[0])
        out[line] = ([t for t, _ in items], [o for _, o in items])
    return out


def _event(ctx, rng, where: dict, start: datetime, end: datetime | None, category: str, active, staff) -> dict:
    starts, owners = active.get(where["line_id"], ([], []))
    i = bisect.bisect_right(starts, start) - 1
    order = owners[i] if i >= 0 else None
    op = None
    if order is not None and where["machine_id"]:
        op = next((o["operation_id"] for o in order["_ops"] if o["machine_id"] == where["machine_id"]), None)
    minutes = _minutes(start, end) if end else None
    cycle = order["planned_cycle_time_seconds"] if order else 90
    return {
        "downtime_id": "",
        "machine_id": where["machine_id"],
        "line_id": where["line_id"],
        "factory_id": where["factory_id"],
        "downtime_start": start,
        "downtime_end": end,
        "duration_minutes": minutes,
        "downtime_category": category,
        "downtime_reason_code": None,
        "downtime_reason_description": None,
        "work_order_id": order["work_order_id"] if order else None,
        "operation_id": op,
        "production_loss_units": round((minutes or 0) * 60 * 0.85 / cycle),
        "estimated_cost": money((minutes or 0) / 60 * rng.uniform(300, 900)),
        "reported_by": pick(staff, rng, where["factory_id"], "operator"),
        "responded_by": pick(staff, rng, where["factory_id"], "supervisor"),
        "response_time_minutes": rng.randint(1, 10),
        "resolution_action": None,
        "root_cause": None,
        "preventive_action": None,
        "maintenance_work_order": None,
        "spare_parts_used": None,
        "status": "resolved" if end else "active",
        "created_at": start,
        "resolved_at": end,
    }


def _batch_records(ctx: GenContext, rng, orders, products, lines, staff) -> list[dict]:
    """Electronic batch records for the orders of safety-relevant products (brakes, steering, some others)."""
    needs = {p: products[p]["product_category"] in EBR_CATEGORIES or rng.random() < 0.15 for p in sorted(products)}
    chosen = [o for o in orders if o["actual_start_time"] and needs[o["product_id"]]]
    releases = []
    for order in chosen:
        if order["status"] == "cancelled":
            releases.append("rejected")
        elif order["status"] == "on_hold":
            releases.append("on_hold")
        elif order["status"] == "closed":
            releases.append("released")
        else:
            releases.append("pending")
    ensure_each(rng, releases, ["pending", "released", "rejected", "on_hold"])
    rows = []
    for n, (order, release) in enumerate(zip(chosen, releases, strict=True), start=1):
        wo = order["_plan"]
        category = products[wo.product_id]["product_category"]
        end = order["actual_end_time"]
        prepared = end + timedelta(hours=rng.uniform(0.5, 3)) if end else None
        reviewed = prepared + timedelta(hours=rng.uniform(2, 20)) if prepared else None
        approved = reviewed + timedelta(hours=rng.uniform(1, 12)) if reviewed else None
        released = approved + timedelta(hours=rng.uniform(1, 6)) if approved and release == "released" else None
        stamps = [t if t and t <= ctx.end else None for t in (prepared, reviewed, approved, released)]
        prepared, reviewed, approved, released = stamps
        if released is None and release == "released":
            release = "pending"
        deviations = sum(1 for i in order.get("_inspections", []) if i["inspection_result"] != "pass")
        people = {
            "prepared_by": pick(staff, rng, wo.factory_id, "supervisor") if prepared else None,
            "reviewed_by": pick(staff, rng, wo.factory_id, "quality_inspector", "engineer") if reviewed else None,
            "approved_by": pick(staff, rng, wo.factory_id, "manager", "engineer") if approved else None,
            "released_by": pick(staff, rng, wo.factory_id, "manager") if released else None,
        }
        trail = [
            {"at": t.isoformat(sep=" "), "by": people[f"{step}_by"], "action": step}
            for step, t in zip(("prepared", "reviewed", "approved", "released"), stamps, strict=True)
            if t
        ]
        ebr_id = f"EBR-{n:06d}"
        order["electronic_batch_record_id"] = ebr_id
        order["requires_validation"] = True
        order["validation_status"] = "validated" if released else ("failed" if release == "rejected" else "pending")
        rows.append(
            {
                "ebr_id": ebr_id,
                "batch_number": order["batch_number"],
                "product_id": wo.product_id,
                "work_order_id": wo.work_order_id,
                "batch_size": order["good_quantity"] if end else wo.quantity,
                "formula_id": f"RCP-{wo.product_id}",
                "formula_version": f"{rng.randint(1, 4)}.{rng.randint(0, 9)}",
                "manufacturing_date": order["actual_start_time"].date(),
                "expiration_date": None,
                "retest_date": (order["actual_start_time"] + timedelta(days=365)).date(),
                "factory_id": wo.factory_id,
                "manufacturing_area": lines[wo.line_id]["line_name"],
                "record_status": "approved"
                if approved
                else "reviewed"
                if reviewed
                else "completed"
                if prepared
                else "in_progress",
                **{k: v for k, v in people.items()},
                "prepared_at": prepared,
                "reviewed_at": reviewed,
                "approved_at": approved,
                "release_status": release,
                "released_at": released,
                "has_deviations": deviations > 0,
                "deviation_count": deviations,
                "temperature_min_c": round(rng.uniform(18, 23), 2),
                "temperature_max_c": round(rng.uniform(26, 33), 2),
                "humidity_min_percentage": round(rng.uniform(35, 45), 2),
                "humidity_max_percentage": round(rng.uniform(55, 70), 2),
                "regulatory_requirement": REGULATIONS.get(category, "IATF 16949"),
                "audit_trail": trail,
                "electronic_signature_applied": approved is not None,
                "signature_metadata": {"method": "PKI", "signers": [e["by"] for e in trail]} if approved else None,
                "notes": f"{deviations} deviation(s) recorded" if deviations else None,
                "created_at": order["actual_start_time"],
                "updated_at": max(t for t in (order["actual_start_time"], *stamps) if t),
            }
        )
    return rows


def _costs(orders: list[dict], labor: list[dict], materials: list[dict], unit_cost: dict) -> None:
    """Actual cost = material issued less returned + booked labor + overhead at the standard machine-hour rate."""
    material: dict[str, float] = {}
    for t in materials:
        sign = {"issue": 1, "return": -1}.get(t["transaction_type"], 0)
        material[t["work_order_id"]] = material.get(t["work_order_id"], 0.0) + sign * t["total_cost"]
    wages: dict[str, float] = {}
    for t in labor:
        wages[t["work_order_id"]] = wages.get(t["work_order_id"], 0.0) + t["labor_cost"] + t["overtime_cost"]
    for order in orders:
        if order["actual_start_time"] is None:
            continue
        std = unit_cost.get(order["product_id"], 50.0)
        # overhead absorbed per machine-hour: 34% of standard cost per unit at the ideal rate
        overhead = 0.34 * std * (order["run_time_minutes"] or 0) * 60 / order["planned_cycle_time_seconds"]
        total = material.get(order["work_order_id"], 0.0) + wages.get(order["work_order_id"], 0.0) + overhead
        order["total_material_cost"] = money(material.get(order["work_order_id"], 0.0))
        order["total_labor_cost"] = money(wages.get(order["work_order_id"], 0.0))
        order["total_overhead_cost"] = money(overhead)
        if order["actual_end_time"] and order["good_quantity"]:
            order["actual_cost_per_unit"] = money(total / order["good_quantity"])
