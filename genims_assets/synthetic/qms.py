"""genims_qms_db: nonconformances, corrective actions, calibration, SPC and quality KPIs.

Built on MES so that quality figures agree with production. Volumes at scale 1
and 90 days (public run in brackets):

- ncr_headers (~70 [69]): one per failed MES inspection (source_type
  'internal', ncr_number = the inspection's "NCR-INT-..."), one per defect a
  customer found (source_type 'customer', via its complaint), and supplier
  NCRs from incoming inspection (source_type 'supplier') at 0.0056 per
  supplier and day, more for lower-rated suppliers. detection_location is
  the factory. ncr_defect_details: 1-3 per NCR.
- capa_headers / capa_actions: a corrective action for every critical or
  major NCR and every quality complaint, a preventive one for SPC charts with
  repeated out-of-control signals.
- customer_complaints: the customer-found defects, plus a few delivery,
  packaging and documentation complaints.
- measuring_equipment (150 gauges) and calibration_records on each gauge's
  90/180/365-day cycle (~85 [90]); a few gauges missed theirs and are
  overdue (some locked out); calibration_alerts for those due within 30 days.
- control_plans (one per product made most, some with an obsolete earlier
  revision) and control_plan_characteristics (~45 [54]); one
  spc_control_chart per plan and spc_data_points every ~2 days per chart
  (~540 [517]).
- supplier_quality_metrics: one row per supplier (erp.suppliers) and month the
  window touches, consistent with that supplier's NCRs; quality_kpis: one row
  per day of the window [90]; qms_integration_log: one row per hand-over
  between systems (~100 [90]).

Not generated: quality_audits, audit_findings, quality_documents,
document_revisions, eight_d_reports and ppap_submissions (nothing in the
reporting layer reads them and the public run left them empty).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.operational import ensure_each, pick, poisson, staff_index

SUPPLIER_NCRS_PER_SUPPLIER_DAY = 15 / 30 / 90
SPC_POINTS_PER_CHART_DAY = 517 / 12 / 90
GAUGES = [  # type, name, range, accuracy, resolution, cost
    ("caliper", "Digital caliper", "0-150 mm", "±0.02 mm", "0.01 mm", 180),
    ("micrometer", "Outside micrometer", "25-50 mm", "±0.002 mm", "0.001 mm", 260),
    ("height_gauge", "Digital height gauge", "0-300 mm", "±0.03 mm", "0.01 mm", 900),
    ("bore_gauge", "Dial bore gauge", "18-35 mm", "±0.003 mm", "0.001 mm", 650),
    ("torque_wrench", "Click torque wrench", "20-100 Nm", "±4 %", "0.5 Nm", 320),
    ("hardness_tester", "Rockwell hardness tester", "20-70 HRC", "±1 HRC", "0.1 HRC", 9000),
    ("roughness_tester", "Surface roughness tester", "0.05-10 µm Ra", "±5 %", "0.01 µm", 4200),
    ("cmm", "Coordinate measuring machine", "700x1000x600 mm", "1.9+L/300 µm", "0.1 µm", 160_000),
    ("pressure_gauge", "Test pressure gauge", "0-250 bar", "±0.25 %", "0.1 bar", 450),
    ("thread_gauge", "Thread plug gauge M10x1.5", "M10x1.5 6H", "class X", "go/no-go", 90),
]
CHARACTERISTICS = [  # name, type, unit, lower limit, target, upper limit, technique, gauge type, control method
    ("Bore diameter", "critical", "mm", 31.98, 32.0, 32.02, "Bore gauge, 5 pcs", "bore_gauge", "spc"),
    ("Surface roughness Ra", "significant", "um", None, 0.8, 1.6, "Profilometer trace", "roughness_tester", "spc"),
    ("Case hardness", "critical", "HRC", 55.0, 58.0, 61.0, "Rockwell C, 3 points", "hardness_tester", "spc"),
    ("Tightening torque", "critical", "Nm", 40.5, 45.0, 49.5, "Torque audit", "torque_wrench", "spc"),
    ("Outer diameter", "significant", "mm", 47.99, 48.0, 48.01, "Micrometer", "micrometer", "spc"),
    ("Flatness", "significant", "mm", None, 0.0, 0.05, "CMM program", "cmm", "spc"),
    ("Overall length", "standard", "mm", 119.8, 120.0, 120.2, "Height gauge", "height_gauge", "inspection"),
    (
        "Leak rate at 200 bar",
        "critical",
        "bar/min",
        None,
        0.0,
        0.05,
        "Pressure decay test",
        "pressure_gauge",
        "inspection",
    ),
    ("Thread fit M10x1.5", "standard", None, None, None, None, "Go/no-go gauge", "thread_gauge", "poka_yoke"),
    ("Weld bead width", "significant", "mm", 5.0, 6.0, 7.0, "Caliper on cut sample", "caliper", "audit"),
]
CHART_TYPES = {"critical": "xbar_r", "significant": "i_mr"}
D2_FIVE = 2.326  # d2 for subgroups of five
LAB_NAMES = ["Mitutoyo Calibration Lab Pune", "NABL Metrology Services", "Zeiss India Metrology", "TUV SUD India"]


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("qms")
    staff = staff_index(ctx)
    factories = [f["factory_id"] for f in ctx.rows("master", "factories")]
    home: dict[str, str] = {}  # product -> the factory that makes it first
    for wo in ctx.rows("mes", "work_orders"):
        home.setdefault(wo["product_id"], wo["factory_id"])
    equipment, calibrations = _gauges(ctx, rng, factories, staff)
    plans, characteristics = _control_plans(ctx, rng, equipment, staff, home)
    plan_factory = {p["control_plan_id"]: home.get(p["product_id"], factories[0]) for p in plans}
    charts, points, chart_factory = _spc(ctx, rng, characteristics, staff, plan_factory)
    complaints = _complaints(ctx, rng, staff)
    product_of_plan = {p["control_plan_id"]: p["product_id"] for p in plans}
    chars_of_product: dict[str, list[dict]] = {}
    for c in characteristics:
        chars_of_product.setdefault(product_of_plan[c["control_plan_id"]], []).append(c)
    ncrs, details = _ncrs(ctx, rng, complaints, equipment, chars_of_product, staff)
    capas, actions = _capas(ctx, rng, ncrs, complaints, charts, staff, chart_factory)
    for c in complaints:
        del c["_defect"], c["_order"]
    metrics = _supplier_metrics(ctx, rng, ncrs, capas)
    kpis = _kpis(ctx, rng, ncrs, capas, complaints, charts, points, equipment, calibrations)
    ctx.add("qms", "measuring_equipment", equipment)
    ctx.add("qms", "calibration_records", calibrations)
    ctx.add("qms", "calibration_alerts", _alerts(ctx, rng, equipment, staff))
    ctx.add("qms", "control_plans", plans)
    ctx.add("qms", "control_plan_characteristics", characteristics)
    ctx.add("qms", "spc_control_charts", charts)
    ctx.add("qms", "spc_data_points", points)
    ctx.add("qms", "customer_complaints", complaints)
    ctx.add("qms", "ncr_headers", ncrs)
    ctx.add("qms", "ncr_defect_details", details)
    ctx.add("qms", "capa_headers", capas)
    ctx.add("qms", "capa_actions", actions)
    ctx.add("qms", "supplier_quality_metrics", metrics)
    ctx.add("qms", "quality_kpis", kpis)
    ctx.add("qms", "qms_integration_log", _integration_log(ctx, rng, ncrs, complaints, calibrations, capas))


def _days_old(ctx: GenContext, when: date | datetime) -> float:
    then = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
    return (ctx.end - then).total_seconds() / 86400


def _gauges(ctx: GenContext, rng, factories: list[str], staff) -> tuple[list[dict], list[dict]]:
    """Gauges on 90/180/365-day calibration cycles; a few missed theirs and are overdue."""
    first, last_day = ctx.start.date(), ctx.end.date()
    equipment, pending = [], []
    for i in range(ctx.count(150, minimum=len(GAUGES))):
        kind, name, span, accuracy, resolution, cost = (
            GAUGES[i % len(GAUGES)] if i < len(GAUGES) else rng.choice(GAUGES)
        )
        factory = factories[i % len(factories)]
        every = {"cmm": 365, "hardness_tester": 180}.get(kind) or weighted(rng, {90: 4, 180: 4, 365: 2})
        lapsed = i == 3 or rng.random() < 0.05  # the next calibration falls through
        # the first three gauges fall due early in the window and the fourth lapses, so small runs show both
        last = first - timedelta(days=every - 1 - 2 * i if i < 4 else rng.randint(0, every - 1))
        due = last + timedelta(days=every)
        while due <= last_day and not lapsed:
            when = min(last_day, max(first, due + timedelta(days=rng.randint(-5, 2))))
            pending.append((when, i, kind, cost, factory))
            last, due = when, when + timedelta(days=every)
        overdue = due < last_day
        purchased = first - timedelta(days=rng.randint(200, 3000))
        equipment.append(
            {
                "equipment_id": f"MEQ-{i + 1:05d}",
                "equipment_number": f"G-{factory[4:]}-{i + 1:05d}",
                "equipment_name": name,
                "equipment_type": kind,
                "manufacturer": rng.choice(["Mitutoyo", "Zeiss", "Hexagon", "Starrett", "Insize", "Baker Gauges"]),
                "model_number": f"{kind[:3].upper()}-{rng.randint(100, 999)}",
                "serial_number": f"{rng.randint(10**7, 10**8 - 1)}",
                "location": factory,
                "responsible_person": pick(staff, rng, factory, "quality_inspector", "engineer"),
                "measurement_range": span,
                "accuracy": accuracy,
                "resolution": resolution,
                "calibration_frequency_days": every,
                "last_calibration_date": last,
                "next_calibration_due": due,
                "calibration_method": "External, ISO/IEC 17025 lab" if cost > 1000 else "In-house against masters",
                "calibration_standard": "Gauge blocks grade 0, NABL traceable",
                "equipment_status": "overdue" if overdue else ("out_of_service" if rng.random() < 0.02 else "active"),
                "locked_out": overdue and rng.random() < 0.7,
                "lockout_reason": "Calibration overdue" if overdue else None,
                "purchase_date": purchased,
                "purchase_cost": money(cost * rng.uniform(0.8, 1.3)),
                "created_at": datetime.combine(purchased, datetime.min.time()),
                "updated_at": datetime.combine(last, datetime.min.time()) if last >= first else ctx.start,
            }
        )
        equipment[-1]["locked_out"] = equipment[-1]["locked_out"] or i == 3
    pending.sort(key=lambda p: (p[0], p[1]))
    results = weighted(rng, {"pass": 85, "adjusted": 12, "fail": 3}, k=len(pending)) if pending else []
    ensure_each(rng, results, ["pass", "adjusted", "fail"])
    records = []
    for n, ((when, i, _, cost, factory), result) in enumerate(zip(pending, results, strict=True), start=1):
        external = cost > 1000 or rng.random() < 0.3
        points = [
            {"nominal": p, "reading": round(p + rng.gauss(0, 0.002), 4), "tolerance": 0.005} for p in (10.0, 25.0, 50.0)
        ]
        records.append(
            {
                "calibration_id": f"CAL-{n:06d}",
                "calibration_number": f"CN-{when:%Y}-{n:05d}",
                "equipment_id": equipment[i]["equipment_id"],
                "calibration_date": when,
                "next_due_date": when + timedelta(days=equipment[i]["calibration_frequency_days"]),
                "calibrated_by": None if external else pick(staff, rng, factory, "quality_inspector"),
                "calibration_lab": rng.choice(LAB_NAMES) if external else None,
                "calibration_result": result,
                "as_found_condition": "Within tolerance" if result == "pass" else "Out of tolerance",
                "as_left_condition": "Removed from service" if result == "fail" else "Within tolerance",
                "measurement_results": points,
                "certificate_number": f"CERT-{when:%y%m}-{n:05d}",
                "certificate_url": f"https://qms.genims.example/certificates/CERT-{when:%y%m}-{n:05d}.pdf",
                "standard_equipment": "Gauge block set 0-100 mm grade 0",
                "standard_traceability": "NPL India via NABL accredited lab",
                "calibration_cost": money(cost * rng.uniform(0.02, 0.08) + (60 if external else 15)),
                "notes": {"adjusted": "Adjusted to nominal", "fail": "Gauge replaced"}.get(result),
                "created_at": min(
                    ctx.end, datetime.combine(when, datetime.min.time()) + timedelta(hours=rng.uniform(8, 17))
                ),
            }
        )
    return equipment, records


def _alerts(ctx: GenContext, rng, equipment: list[dict], staff) -> list[dict]:
    """An alert 30 days before each gauge falls due (or when it is overdue)."""
    rows = []
    today = ctx.end.date()
    for g in equipment:
        due = g["next_calibration_due"]
        if due > today + timedelta(days=30):
            continue
        raised = max(ctx.start.date(), due - timedelta(days=30))
        rows.append(
            {
                "alert_id": f"CALR-{len(rows) + 1:05d}",
                "equipment_id": g["equipment_id"],
                "alert_type": "overdue" if due < today else "due_soon",
                "alert_date": raised,
                "days_until_due": (due - today).days,
                "notification_sent": True,
                "notification_date": datetime.combine(raised, datetime.min.time()) + timedelta(hours=7),
                "notified_users": [
                    p for p in (g["responsible_person"], pick(staff, rng, g["location"], "manager")) if p
                ],
                "resolved": False,
                "resolved_date": None,
                "created_at": datetime.combine(raised, datetime.min.time()) + timedelta(hours=7),
            }
        )
    return rows


def _control_plans(ctx: GenContext, rng, equipment: list[dict], staff, home: dict) -> tuple[list[dict], list[dict]]:
    """Control plans for the products made most; each holds 3-6 characteristics, at least one under SPC."""
    made: dict[str, int] = {}
    for wo in ctx.rows("mes", "work_orders"):
        made[wo["product_id"]] = made.get(wo["product_id"], 0) + 1
    fg = {m["product_id"]: m["material_id"] for m in ctx.rows("erp", "materials") if m["product_id"]}
    products = {p["product_id"]: p for p in ctx.rows("master", "products")}
    chosen = sorted(made, key=lambda p: (-made[p], p))[: ctx.count(12, minimum=3)]
    gauges: dict[str, dict] = {}
    for g in equipment:
        gauges.setdefault(g["equipment_type"], g)
    plans, characteristics = [], []
    for k, product_id in enumerate(chosen, start=1):
        product = products[product_id]
        factory = home[product_id]
        revised = datetime.combine(ctx.start.date(), datetime.min.time()) - timedelta(days=rng.randint(30, 700))
        base = {
            "product_id": product_id,
            "material_id": fg.get(product_id),
            "process_name": f"{product['product_name']} manufacturing",
            "control_plan_title": f"Control plan {product['product_code']}",
            "control_plan_type": "production",
            "prepared_by": pick(staff, rng, factory, "engineer"),
            "approved_by": pick(staff, rng, factory, "manager", "engineer"),
            "document_url": f"https://qms.genims.example/control-plans/{product['product_code']}.pdf",
        }
        current = f"CP-{k:04d}"
        if rng.random() < 0.3:  # an earlier revision this one replaced
            older = revised - timedelta(days=rng.randint(200, 600))
            plans.append(
                base
                | {
                    "control_plan_id": f"CP-{k:04d}-A",
                    "control_plan_number": f"CP-{product['product_code']}-A",
                    "control_plan_type": "pre_launch",
                    "version": "A",
                    "revision_date": older.date(),
                    "supersedes_plan_id": None,
                    "approval_date": older.date(),
                    "effective_date": older.date(),
                    "obsolete_date": revised.date(),
                    "plan_status": "obsolete",
                    "created_at": older,
                    "updated_at": revised,
                }
            )
        plans.append(
            base
            | {
                "control_plan_id": current,
                "control_plan_number": f"CP-{product['product_code']}-B",
                "version": "B",
                "revision_date": revised.date(),
                "supersedes_plan_id": plans[-1]["control_plan_id"]
                if plans and plans[-1]["product_id"] == product_id
                else None,
                "approval_date": revised.date() + timedelta(days=3),
                "effective_date": revised.date() + timedelta(days=7),
                "obsolete_date": None,
                "plan_status": "active",
                "created_at": revised,
                "updated_at": revised + timedelta(days=7),
            }
        )
        spc = [c for c in CHARACTERISTICS if c[8] == "spc"]
        picked = [rng.choice(spc)]
        picked += rng.sample([c for c in CHARACTERISTICS if c is not picked[0]], rng.randint(2, 5))
        for seq, (name, ctype, unit, lsl, target, usl, technique, gauge, method) in enumerate(picked, start=1):
            tolerance = (
                "attribute"
                if target is None
                else (f"{target} +/- {round(usl - target, 4)} {unit}" if lsl is not None else f"max {usl} {unit}")
            )
            g = gauges.get(gauge)
            characteristics.append(
                {
                    "characteristic_id": f"{current}-C{seq:02d}",
                    "control_plan_id": current,
                    "sequence_number": seq * 10,
                    "process_step": {"spc": "In-process control", "inspection": "Final inspection"}.get(
                        method, "Assembly"
                    ),
                    "characteristic_name": name,
                    "characteristic_type": ctype,
                    "specification": tolerance,
                    "lower_spec_limit": lsl,
                    "target_value": target,
                    "upper_spec_limit": usl,
                    "unit_of_measure": unit,
                    "measurement_technique": technique,
                    "measuring_equipment": f"{g['equipment_number']} {g['equipment_name']}" if g else None,
                    "sample_size": "5 pcs" if method == "spc" else "100%" if method == "poka_yoke" else "1 pc",
                    "sample_frequency": "every 2 hours"
                    if method == "spc"
                    else "each part"
                    if method != "audit"
                    else "per shift",
                    "control_method": method,
                    "reaction_plan": "Stop, quarantine since last good check, notify quality engineer",
                    "responsible_person": pick(staff, rng, factory, "quality_inspector", "engineer"),
                    "created_at": revised,
                }
            )
    return plans, characteristics


def _spc(ctx: GenContext, rng, characteristics: list[dict], staff, plan_factory: dict) -> tuple[list, list, tuple]:
    """One chart per control plan (its first SPC characteristic); subgroups every ~2 days, some drifting."""
    first: dict[str, dict] = {}
    for c in characteristics:
        if c["control_method"] == "spc":
            first.setdefault(c["control_plan_id"], c)
    charts, points, factory_of, alarms = [], [], {}, {}
    span = (ctx.end - ctx.start).total_seconds()
    for k, c in enumerate(first.values(), start=1):
        factory = plan_factory[c["control_plan_id"]]
        kind = CHART_TYPES.get(c["characteristic_type"], "i_mr")
        size = 5 if kind == "xbar_r" else 1
        lsl, target, usl = c["lower_spec_limit"], c["target_value"], c["upper_spec_limit"]
        if lsl is not None:
            sigma = (usl - lsl) / 6 / rng.uniform(1.0, 2.0)
            mean = target + rng.uniform(-0.5, 0.5) * sigma
        else:  # one-sided (upper) limit
            mean = usl * rng.uniform(0.35, 0.55)
            sigma = (usl - mean) / 3 / rng.uniform(1.1, 1.8)
        spread = sigma / math.sqrt(size)
        ucl, lcl = mean + 3 * spread, mean - 3 * spread
        n = max(5, round(SPC_POINTS_PER_CHART_DAY * ctx.days * rng.uniform(0.8, 1.2)))
        times = sorted(ctx.start + timedelta(seconds=round(rng.uniform(0, span))) for _ in range(n))
        drift_from = rng.randrange(n) if rng.random() < 0.35 or k == 1 else n  # a shift in the process mean
        values, side_run, flagged = [], 0, 0
        chart_id = f"SPC-{k:04d}"
        factory_of[chart_id] = factory
        for i, when in enumerate(times):
            shift = 1.6 * spread if drift_from <= i < drift_from + 9 else 0.0
            value = rng.gauss(mean + shift, spread)
            if rng.random() < 0.01:
                value = mean + rng.choice([-1, 1]) * 3.3 * spread
            side_run = side_run + 1 if values and (value > mean) == (values[-1] > mean) else 1
            values.append(value)
            violation = "beyond_limits" if not lcl <= value <= ucl else ("run_of_7" if side_run >= 7 else None)
            flagged += violation is not None
            if violation and flagged == 2:  # a second signal on a chart starts a preventive CAPA
                alarms[chart_id] = when
            points.append(
                {
                    "data_point_id": f"{chart_id}-{i + 1:05d}",
                    "chart_id": chart_id,
                    "measurement_timestamp": when,
                    "subgroup_number": i + 1,
                    "measurement_value": round(value, 6),
                    "range_value": round(abs(rng.gauss(D2_FIVE * sigma, 0.4 * sigma)), 6)
                    if size > 1
                    else (round(abs(value - values[-2]), 6) if i else None),
                    "measured_by": pick(staff, rng, factory, "quality_inspector", "operator"),
                    "out_of_control": violation is not None,
                    "violation_type": violation,
                    "action_taken": "Stopped line, adjusted offset, re-checked 5 pcs" if violation else None,
                    "created_at": when,
                }
            )
        observed = math.sqrt(sum((v - sum(values) / n) ** 2 for v in values) / max(1, n - 1)) * math.sqrt(size)
        centre = sum(values) / n
        cp = (usl - lsl) / (6 * sigma) if lsl is not None else None
        cpk = min(usl - centre, centre - lsl) / (3 * sigma) if lsl is not None else (usl - centre) / (3 * sigma)
        ppk = min(usl - centre, centre - lsl) / (3 * observed) if lsl is not None else (usl - centre) / (3 * observed)
        charts.append(
            {
                "chart_id": chart_id,
                "chart_number": f"SPC-{c['control_plan_id']}-{c['sequence_number']}",
                "process_name": c["process_step"],
                "characteristic_name": c["characteristic_name"],
                "chart_type": kind,
                "specification": c["specification"],
                "lower_spec_limit": lsl,
                "target_value": target,
                "upper_spec_limit": usl,
                "unit_of_measure": c["unit_of_measure"],
                "upper_control_limit": round(ucl, 6),
                "center_line": round(mean, 6),
                "lower_control_limit": round(lcl, 6),
                "cpk": round(min(cpk, 9.99), 3),
                "cp": round(min(cp, 9.99), 3) if cp is not None else None,
                "ppk": round(min(ppk, 9.99), 3),
                "pp": round(min((usl - lsl) / (6 * observed), 9.99), 3) if lsl is not None else None,
                "subgroup_size": size,
                "subgroup_frequency": c["sample_frequency"],
                "chart_status": "out_of_control" if flagged and points[-1]["out_of_control"] else "active",
                "last_data_point_date": times[-1],
                "last_calculation_date": times[-1] + timedelta(minutes=5),
                "created_at": c["created_at"],
                "updated_at": times[-1],
            }
        )
    return charts, points, (factory_of, alarms)


def _customer_of(wo: dict, mapped: dict[str, list[str]], customers: list[str], rng) -> str:
    return wo["customer_id"] or (
        rng.choice(mapped[wo["product_id"]]) if mapped.get(wo["product_id"]) else rng.choice(customers)
    )


def _complaints(ctx: GenContext, rng, staff) -> list[dict]:
    """Customer complaints: defects customers found (from MES), plus a few about delivery and packaging."""
    orders = {w["work_order_id"]: w for w in ctx.rows("mes", "work_orders")}
    mapped: dict[str, list[str]] = {}
    for m in ctx.rows("master", "customer_product_mapping"):
        mapped.setdefault(m["product_id"], []).append(m["customer_id"])
    customers = [c["customer_id"] for c in ctx.rows("master", "customers")]
    cases = []  # (date, order, defect or None, type)
    for d in ctx.rows("mes", "defects"):
        if d["detection_method"] == "customer_complaint":
            cases.append((d["detected_date"], orders[d["work_order_id"]], d, "quality"))
    shipped = [w for w in orders.values() if w["status"] in ("completed", "closed")]
    for _ in range(ctx.count(4, minimum=1) if shipped else 0):
        wo = rng.choice(shipped)
        when = min(ctx.end, wo["actual_end_time"] + timedelta(days=rng.uniform(2, 15)))
        cases.append((when, wo, None, rng.choice(["delivery", "packaging", "documentation"])))
    cases.sort(key=lambda c: (c[0], c[1]["work_order_id"]))
    rows = []
    for n, (when, wo, defect, kind) in enumerate(cases, start=1):
        age = _days_old(ctx, when)
        status = "closed" if age > 25 else "resolved" if age > 12 else "investigating" if age > 3 else "open"
        quantity = defect["quantity_affected"] if defect else rng.randint(1, 20)
        severity = defect["defect_severity"] if defect else "minor"
        cost = wo["standard_cost_per_unit"] * quantity
        resolved = status in ("resolved", "closed")
        closed = when + timedelta(days=rng.uniform(12, 25)) if status == "closed" else None
        rows.append(
            {
                "complaint_id": f"CC-{n:06d}",
                "complaint_number": f"CMP-{when:%Y}-{n:05d}",
                "service_ticket_id": None,
                "customer_id": _customer_of(wo, mapped, customers, rng),
                "customer_contact": rng.choice(["Supplier quality engineer", "Incoming inspection lead", "Plant QA"]),
                "product_id": wo["product_id"],
                "sales_order_id": None,
                "batch_number": wo["batch_number"],
                "serial_number": None,
                "complaint_date": when.date(),
                "complaint_description": defect["defect_description"] + " found at customer"
                if defect
                else f"{kind.title()} issue on delivery of batch {wo['batch_number']}",
                "complaint_type": kind,
                "severity": severity,
                "safety_issue": severity == "critical",
                "quantity_affected": float(quantity),
                "quantity_returned": float(quantity if defect else 0),
                "immediate_action": "Stock at customer and in transit quarantined and sorted",
                "customer_response": "Accepted containment" if age > 3 else None,
                "root_cause": defect["root_cause_description"] if defect and age > 3 else None,
                "investigation_method": rng.choice(["5_why", "8d", "fishbone"]),
                "linked_ncr_id": None,
                "linked_capa_id": None,
                "resolution": "Replacement shipped and process corrected" if resolved else None,
                "resolution_date": (when + timedelta(days=rng.uniform(5, 12))).date() if resolved else None,
                "replacement_cost": money(cost if defect and resolved else 0),
                "credit_issued": money(cost * 0.2 if resolved and severity != "minor" else 0),
                "total_cost": money(
                    (cost if defect and resolved else 0) + (cost * 0.2 if resolved and severity != "minor" else 0)
                ),
                "customer_satisfied": (rng.random() < 0.8) if status == "closed" else None,
                "customer_feedback": "Satisfied with response time" if status == "closed" else None,
                "complaint_status": status,
                "closed_date": closed.date() if closed else None,
                "closed_by": pick(staff, rng, wo["factory_id"], "manager") if closed else None,
                "created_at": when,
                "updated_at": closed or when,
                "_defect": defect,
                "_order": wo,
            }
        )
    return rows


def _ncrs(ctx: GenContext, rng, complaints, equipment, chars_of_product, staff) -> tuple[list[dict], list[dict]]:
    """NCRs from failed MES inspections, customer complaints about quality, and incoming supplier lots."""
    orders = {w["work_order_id"]: w for w in ctx.rows("mes", "work_orders")}
    cases = []  # (date, source, payload)
    for i in ctx.rows("mes", "quality_inspections"):
        if i["ncr_number"]:
            cases.append((i["inspection_date"], "internal", i))
    for c in complaints:
        if c["_defect"] is not None:
            cases.append((c["created_at"], "customer", c))
    suppliers = ctx.rows("erp", "suppliers")
    bought = [m for m in ctx.rows("erp", "materials") if m["product_id"] is None]
    factories = [f["factory_id"] for f in ctx.rows("master", "factories")]
    span = (ctx.end - ctx.start).total_seconds()
    for s in suppliers:
        rate = SUPPLIER_NCRS_PER_SUPPLIER_DAY * ctx.days * (5.5 - float(s["quality_rating"])) / 1.5
        own = [m for m in bought if m["default_supplier_id"] == s["supplier_id"]] or bought
        for _ in range(poisson(rng, rate)):
            when = ctx.start + timedelta(seconds=round(rng.uniform(0, span)))
            cases.append(
                (when, "supplier", {"supplier": s, "material": rng.choice(own), "factory": rng.choice(factories)})
            )
    if not any(kind == "supplier" for _, kind, _ in cases) and suppliers:
        cases.append(
            (
                ctx.end - timedelta(days=1),
                "supplier",
                {"supplier": suppliers[0], "material": bought[0], "factory": factories[0]},
            )
        )
    cases.sort(key=lambda c: (c[0], c[1]))
    severities = [_ncr_severity(rng, kind, payload) for _, kind, payload in cases]
    ensure_each(rng, severities, ["critical", "major", "minor"])
    gauges = {}
    for g in equipment:
        gauges.setdefault(g["equipment_type"], g)
    rows, details, counters = [], [], {"supplier": 0, "customer": 0}
    for n, ((when, kind, payload), severity) in enumerate(zip(cases, severities, strict=True), start=1):
        if kind == "internal":
            row = _internal_ncr(rng, payload, orders[payload["work_order_id"]])
        elif kind == "customer":
            counters["customer"] += 1
            row = _customer_ncr(rng, payload, counters["customer"])
            payload["linked_ncr_id"] = f"NCR-{n:06d}"
        else:
            counters["supplier"] += 1
            row = _supplier_ncr(rng, payload, counters["supplier"], staff)
        age = _days_old(ctx, when)
        status = (
            "closed" if age > 20 else "under_investigation" if age > 5 else "pending_disposition" if age > 2 else "open"
        )
        closed = when + timedelta(days=rng.uniform(8, 20)) if status == "closed" else None
        row.update(
            {
                "ncr_id": f"NCR-{n:06d}",
                "source_type": kind,
                "detected_date": when.date(),
                "defect_severity": severity,
                "containment_action": "Suspect stock quarantined; 100% sort of lot and WIP",
                "containment_completed": age > 1,
                "containment_date": (when + timedelta(hours=rng.uniform(2, 20))).date() if age > 1 else None,
                "root_cause_method": rng.choice(["5_why", "fishbone", "8d"]) if age > 2 else None,
                "root_cause_description": "Process parameter drift not caught by reaction plan" if age > 5 else None,
                "root_cause_verified": status == "closed",
                "ncr_status": status,
                "closed_date": closed.date() if closed else None,
                "closed_by": pick(staff, rng, row["detection_location"], "manager", "engineer") if closed else None,
                "verified_effective": status == "closed" and rng.random() < 0.85,
                "verification_date": min(ctx.end, closed + timedelta(days=rng.uniform(0, 3))).date()
                if closed
                else None,
                "verified_by": pick(staff, rng, row["detection_location"], "engineer") if closed else None,
                "priority": {"critical": "critical", "major": "high"}.get(severity, rng.choice(["medium", "low"])),
                "attachment_urls": [f"https://qms.genims.example/ncr/NCR-{n:06d}/photo1.jpg"],
                "created_at": when,
                "updated_at": closed or when,
            }
        )
        row["total_cost"] = money(row["scrap_cost"] + row["rework_cost"] + row["sorting_cost"])
        rows.append(row)
        plan_chars = chars_of_product.get(row["product_id"])
        for k in range(rng.randint(1, 3)):
            name, _, unit, lsl, target, usl, technique, gauge, _ = rng.choice(CHARACTERISTICS)
            if plan_chars and k == 0:
                name = plan_chars[0]["characteristic_name"]
            actual = f"{round((usl or 1.0) * rng.uniform(1.02, 1.2), 4)} {unit or ''}".strip()
            g = gauges.get(gauge)
            details.append(
                {
                    "defect_detail_id": f"NCR-{n:06d}-D{k + 1}",
                    "ncr_id": f"NCR-{n:06d}",
                    "characteristic_name": name,
                    "specification": f"{lsl if lsl is not None else '-'} / {target} / {usl}"
                    if target is not None
                    else "go / no-go",
                    "actual_value": actual if target is not None else "no-go",
                    "measurement_method": technique,
                    "measuring_equipment": g["equipment_number"] if g else None,
                    "defect_location": rng.choice(["Bore A", "Flange face", "Weld seam 2", "Thread end", "Housing"]),
                    "created_at": when,
                }
            )
    return rows, details


def _ncr_severity(rng, kind: str, payload: dict) -> str:
    if kind == "internal":
        return "critical" if payload["critical_defects"] else "major" if rng.random() < 0.6 else "minor"
    if kind == "customer":
        return payload["severity"] if payload["severity"] in ("critical", "major") else "major"
    return weighted(rng, {"critical": 1, "major": 4, "minor": 5})


def _internal_ncr(rng, inspection: dict, order: dict) -> dict:
    lot = max(order["produced_quantity"], inspection["sample_size"])
    quantity = max(inspection["defects_found"], round(order["rejected_quantity"] * rng.uniform(0.2, 0.5)))
    disposition = {"scrap": "scrap", "rework": "rework"}.get(inspection["disposition"], rng.choice(["sort", "rework"]))
    unit = order["standard_cost_per_unit"]
    return {
        "ncr_number": inspection["ncr_number"],
        "source_document_id": inspection["inspection_id"],
        "detected_by": inspection["inspector_id"],
        "detection_location": order["factory_id"],
        "material_id": None,
        "product_id": order["product_id"],
        "batch_number": order["batch_number"],
        "lot_number": order["lot_number"],
        "serial_numbers": None,
        "quantity_inspected": float(inspection["sample_size"]),
        "quantity_defective": float(quantity),
        "unit_of_measure": "EA",
        "defect_type": "dimensional" if rng.random() < 0.5 else rng.choice(["visual", "functional", "material"]),
        "defect_description": f"{inspection['inspection_type'].replace('_', ' ').title()} inspection failed: "
        f"{inspection['defects_found']} of {inspection['sample_size']} nonconforming",
        "supplier_id": None,
        "purchase_order_id": None,
        "customer_id": None,
        "sales_order_id": None,
        "disposition": disposition,
        "disposition_quantity": float(quantity),
        "disposition_notes": f"Lot of {lot} sorted",
        "scrap_cost": money(quantity * unit if disposition == "scrap" else 0),
        "rework_cost": money(quantity * unit * 0.12 if disposition == "rework" else 0),
        "sorting_cost": money(lot * 0.06),
    }


def _customer_ncr(rng, complaint: dict, k: int) -> dict:
    order = complaint["_order"]
    quantity = complaint["quantity_affected"]
    return {
        "ncr_number": f"NCR-CUS-{k:06d}",
        "source_document_id": complaint["complaint_id"],
        "detected_by": None,
        "detection_location": order["factory_id"],
        "material_id": None,
        "product_id": order["product_id"],
        "batch_number": order["batch_number"],
        "lot_number": order["lot_number"],
        "serial_numbers": None,
        "quantity_inspected": quantity,
        "quantity_defective": quantity,
        "unit_of_measure": "EA",
        "defect_type": complaint["_defect"]["defect_category"],
        "defect_description": complaint["complaint_description"],
        "supplier_id": None,
        "purchase_order_id": None,
        "customer_id": complaint["customer_id"],
        "sales_order_id": None,
        "disposition": "scrap",
        "disposition_quantity": quantity,
        "disposition_notes": "Returned parts scrapped after analysis",
        "scrap_cost": money(quantity * order["standard_cost_per_unit"]),
        "rework_cost": 0.0,
        "sorting_cost": money(rng.uniform(200, 1500)),
    }


def _supplier_ncr(rng, case: dict, k: int, staff) -> dict:
    material, supplier = case["material"], case["supplier"]
    lot = rng.randrange(200, 5000, 50)
    quantity = max(1, round(lot * rng.uniform(0.002, 0.05)))
    disposition = weighted(rng, {"return_to_supplier": 5, "sort": 3, "use_as_is": 1})
    cost = float(material["standard_cost"])
    return {
        "ncr_number": f"NCR-SUP-{k:06d}",
        "source_document_id": f"GRN-INSP-{k:06d}",
        "detected_by": pick(staff, rng, case["factory"], "quality_inspector"),
        "detection_location": case["factory"],
        "material_id": material["material_id"],
        "product_id": None,
        "batch_number": None,
        "lot_number": f"SL{rng.randint(100000, 999999)}",
        "serial_numbers": None,
        "quantity_inspected": float(lot),
        "quantity_defective": float(quantity),
        "unit_of_measure": material["base_unit_of_measure"],
        "defect_type": rng.choice(["dimensional", "material", "visual", "documentation"]),
        "defect_description": f"Incoming lot of {material['material_name']} out of specification",
        "supplier_id": supplier["supplier_id"],
        "purchase_order_id": None,
        "customer_id": None,
        "sales_order_id": None,
        "disposition": disposition,
        "disposition_quantity": float(quantity if disposition != "return_to_supplier" else lot),
        "disposition_notes": "Debit note raised" if disposition == "return_to_supplier" else None,
        "scrap_cost": money(quantity * cost if disposition == "sort" else 0),
        "rework_cost": 0.0,
        "sorting_cost": money(lot * 0.04 if disposition == "sort" else rng.uniform(50, 200)),
    }


def _capas(ctx: GenContext, rng, ncrs, complaints, charts, staff, chart_factory) -> tuple[list[dict], list[dict]]:
    """Corrective actions for critical/major NCRs and quality complaints; preventive ones for unstable SPC charts."""
    sources = []  # (date, origin, document id, problem, severity, factory)
    for ncr in ncrs:
        if ncr["defect_severity"] in ("critical", "major") and ncr["source_type"] != "customer":
            sources.append(
                (
                    ncr["created_at"],
                    "ncr",
                    ncr["ncr_id"],
                    ncr["defect_description"],
                    ncr["defect_severity"],
                    ncr["detection_location"],
                )
            )
    for c in complaints:
        if c["complaint_type"] == "quality":
            sources.append(
                (
                    c["created_at"],
                    "complaint",
                    c["complaint_id"],
                    c["complaint_description"],
                    c["severity"],
                    c["_order"]["factory_id"],
                )
            )
    factory_of, alarms = chart_factory
    for chart in charts:
        if chart["chart_id"] in alarms:
            problem = f"{chart['characteristic_name']} out of statistical control"
            sources.append(
                (alarms[chart["chart_id"]], "spc", chart["chart_id"], problem, "major", factory_of[chart["chart_id"]])
            )
    sources.sort(key=lambda s: (s[0], s[2]))
    capas, actions = [], []
    for n, (when, origin, document, problem, severity, factory) in enumerate(sources, start=1):
        age = _days_old(ctx, when)
        target = (when + timedelta(days=30 if severity != "critical" else 14)).date()
        status = (
            "closed"
            if age > 45
            else "verified"
            if age > 35
            else "implemented"
            if age > 20
            else "in_progress"
            if age > 3
            else "open"
        )
        done = status in ("implemented", "verified", "closed")
        completed = (when + timedelta(days=rng.uniform(10, 20))).date() if done else None
        closed = (when + timedelta(days=rng.uniform(38, 45))).date() if status == "closed" else None
        owner = pick(staff, rng, factory, "engineer", "manager")
        capa_id = f"CAPA-{n:05d}"
        capas.append(
            {
                "capa_id": capa_id,
                "capa_number": f"CAPA-{when:%Y}-{n:04d}",
                "action_type": "preventive" if origin == "spc" else "corrective",
                "initiated_from": origin,
                "source_document_id": document,
                "problem_description": problem,
                "problem_severity": severity,
                "immediate_actions": "Containment: quarantine, sort, inform customer if shipped",
                "immediate_actions_completed": age > 1,
                "root_cause_analysis": "Reaction plan did not cover the failure mode" if age > 7 else None,
                "root_cause_method": rng.choice(["5_why", "fishbone", "8d"]),
                "root_cause_identified": age > 7,
                "actions_planned": "Update PFMEA and control plan; add error proofing; retrain operators",
                "implementation_plan": "Pilot on one shift, then roll out to all shifts",
                "responsible_person": owner,
                "responsible_department": rng.choice(["quality", "production", "maintenance", "planning"]),
                "target_completion_date": target,
                "actual_completion_date": completed,
                "verification_plan": "Three consecutive lots without recurrence",
                "verification_completed": status in ("verified", "closed"),
                "verification_date": min(ctx.end, when + timedelta(days=36)).date()
                if status in ("verified", "closed")
                else None,
                "verified_by": pick(staff, rng, factory, "manager") if status in ("verified", "closed") else None,
                "verification_result": "No recurrence" if status in ("verified", "closed") else None,
                "effectiveness_review_date": (when + timedelta(days=60)).date(),
                "effectiveness_verified": status == "closed",
                "effectiveness_notes": "Effective" if status == "closed" else None,
                "capa_status": status,
                "closed_date": closed,
                "closed_by": pick(staff, rng, factory, "manager") if closed else None,
                "implementation_cost": money(rng.uniform(200, 8000)),
                "created_at": when,
                "updated_at": datetime.combine(closed or completed or when.date(), datetime.min.time())
                if (closed or completed)
                else when,
            }
        )
        steps = ["containment", "corrective", "preventive", "verification"][: rng.randint(2, 4)]
        for k, kind in enumerate(steps, start=1):
            due = (when + timedelta(days=4 * k * (1 + (severity != "critical")))).date()
            finished = due <= ctx.end.date() and (done or k == 1) and rng.random() < 0.95
            actions.append(
                {
                    "action_id": f"{capa_id}-A{k}",
                    "capa_id": capa_id,
                    "action_sequence": k,
                    "action_description": {
                        "containment": "Quarantine and sort suspect stock",
                        "corrective": "Correct the process and update the work instruction",
                        "preventive": "Extend the fix to similar lines and update PFMEA",
                        "verification": "Audit three lots for recurrence",
                    }[kind],
                    "action_type": kind,
                    "assigned_to": pick(staff, rng, factory, "engineer", "supervisor") or owner,
                    "due_date": due,
                    "completion_date": min(due, ctx.end.date()) if finished else None,
                    "action_status": "completed"
                    if finished
                    else ("overdue" if due < ctx.end.date() else "in_progress" if k == 1 else "pending"),
                    "completion_evidence": "Signed checklist attached" if finished else None,
                    "attachment_urls": [f"https://qms.genims.example/capa/{capa_id}/A{k}.pdf"] if finished else None,
                    "created_at": when,
                }
            )
    by_document = {c["source_document_id"]: c["capa_id"] for c in capas}
    for c in complaints:
        c["linked_capa_id"] = by_document.get(c["complaint_id"])
    return capas, actions


def _months(ctx: GenContext) -> list[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of every month the window touches, clipped to the window."""
    out, day = [], ctx.start.date()
    while day <= ctx.end.date():
        following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((f"{day:%Y-%m}", day, min(ctx.end.date(), following - timedelta(days=1))))
        day = following
    return out


def _supplier_metrics(ctx: GenContext, rng, ncrs, capas) -> list[dict]:
    """Per supplier and month: incoming receipts, inspections and their outcome, consistent with supplier NCRs."""
    capa_sources = {c["source_document_id"]: c for c in capas}
    rows = []
    for s in ctx.rows("erp", "suppliers"):
        own = [n for n in ncrs if n["supplier_id"] == s["supplier_id"]]
        for period, first, last in _months(ctx):
            month_ncrs = [n for n in own if first <= n["detected_date"] <= last]
            days = (last - first).days + 1
            blocked = s["supplier_status"] == "blocked"  # only lots already in the pipeline arrive
            receipts = (0 if blocked else poisson(rng, 0.25 * days)) + len(month_ncrs)
            inspected = max(len(month_ncrs), round(receipts * rng.uniform(0.5, 0.9)))
            rejected = min(inspected, sum(1 for n in month_ncrs if n["disposition"] == "return_to_supplier"))
            quantity = float(sum(rng.randrange(200, 5000, 50) for _ in range(receipts)))
            defects = int(sum(n["quantity_defective"] for n in month_ncrs))
            bad_quantity = float(
                sum(n["disposition_quantity"] for n in month_ncrs if n["disposition"] == "return_to_supplier")
            )
            ppm = round(defects / quantity * 1e6) if quantity else 0
            month_capas = [capa_sources[n["ncr_id"]] for n in month_ncrs if n["ncr_id"] in capa_sources]
            effective = [c for c in month_capas if c["capa_status"] in ("verified", "closed")]
            costs = [sum(n[k] for n in month_ncrs) for k in ("scrap_cost", "rework_cost", "sorting_cost")]
            acceptance = (inspected - rejected) / inspected * 100 if inspected else None
            score = None
            if receipts:
                score = max(0.0, min(100.0, 100 - min(40.0, ppm / 250) - 12 * len(month_ncrs) - 5 * rejected))
            rows.append(
                {
                    "metric_id": f"SQM-{s['supplier_id'][4:]}-{period.replace('-', '')}",
                    "supplier_id": s["supplier_id"],
                    "metric_period": period,
                    "total_receipts": receipts,
                    "receipts_inspected": inspected,
                    "receipts_accepted": inspected - rejected,
                    "receipts_rejected": rejected,
                    "total_quantity_received": quantity,
                    "quantity_accepted": max(0.0, quantity - bad_quantity),
                    "quantity_rejected": min(quantity, bad_quantity),
                    "total_defects": defects,
                    "defect_ppm": ppm,
                    "critical_defects": sum(1 for n in month_ncrs if n["defect_severity"] == "critical"),
                    "major_defects": sum(1 for n in month_ncrs if n["defect_severity"] == "major"),
                    "minor_defects": sum(1 for n in month_ncrs if n["defect_severity"] == "minor"),
                    "acceptance_rate_pct": round(acceptance, 2) if acceptance is not None else None,
                    "quality_score": round(score, 2) if score is not None else None,
                    "ncr_count": len(month_ncrs),
                    "capa_count": len(month_capas),
                    "capa_effectiveness_pct": round(len(effective) / len(month_capas) * 100, 2)
                    if month_capas
                    else None,
                    "rejection_cost": money(costs[0]),
                    "rework_cost": money(costs[1]),
                    "sorting_cost": money(costs[2]),
                    "total_copq": money(sum(costs)),
                    "created_at": min(ctx.end, datetime.combine(last + timedelta(days=1), datetime.min.time())),
                }
            )
    return rows


def _kpis(ctx: GenContext, rng, ncrs, capas, complaints, charts, points, equipment, calibrations) -> list[dict]:
    """One row per day of the window, computed from production, MES quality and the QMS records above."""
    produced: dict[date, list[int]] = {}
    for r in ctx.rows("operational", "production_runs"):
        if r["actual_quantity"]:
            totals = produced.setdefault(r["run_start_time"].date(), [0, 0])
            totals[0] += r["actual_quantity"]
            totals[1] += r["rejected_quantity"]
    inspections: dict[date, int] = {}
    for i in ctx.rows("mes", "quality_inspections"):
        inspections[i["inspection_date"].date()] = inspections.get(i["inspection_date"].date(), 0) + 1
    internal: dict[date, float] = {}
    for d in ctx.rows("mes", "defects"):
        if d["detection_method"] != "customer_complaint":
            internal[d["detected_date"].date()] = internal.get(d["detected_date"].date(), 0.0) + d["total_cost"]
    calibration_cost: dict[date, float] = {}
    for c in calibrations:
        calibration_cost[c["calibration_date"]] = (
            calibration_cost.get(c["calibration_date"], 0.0) + c["calibration_cost"]
        )
    chart_points: dict[str, list[dict]] = {}
    for p in points:
        chart_points.setdefault(p["chart_id"], []).append(p)
    cpk = [c["cpk"] for c in charts]
    supplier_ncrs = [n for n in ncrs if n["source_type"] == "supplier"]
    rows = []
    for day in ctx.window_days():
        made, rejected = produced.get(day, [0, 0])
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time())
        in_control = sum(
            1
            for c in charts
            if not next(
                (p for p in reversed(chart_points.get(c["chart_id"], [])) if p["measurement_timestamp"] < day_end),
                {"out_of_control": False},
            )["out_of_control"]
        )
        day_complaints = [c for c in complaints if c["complaint_date"] == day]
        returned = sum(c["quantity_returned"] for c in day_complaints)
        overdue = sum(
            1
            for c in capas
            if c["target_completion_date"] < day
            and c["created_at"] < day_end
            and (c["actual_completion_date"] is None or c["actual_completion_date"] > day)
        )
        late_gauges = sum(1 for g in equipment if g["next_calibration_due"] < day and g["last_calibration_date"] < day)
        prevention = money(len(equipment) * 0.9 + rng.uniform(150, 300))
        appraisal = money(inspections.get(day, 0) * 35.0 + calibration_cost.get(day, 0.0))
        internal_cost = money(
            internal.get(day, 0.0)
            + sum(n["total_cost"] for n in ncrs if n["detected_date"] == day and n["source_type"] == "internal")
        )
        external = money(sum(c["total_cost"] for c in day_complaints))
        day_supplier = [n for n in supplier_ncrs if n["detected_date"] == day]
        rows.append(
            {
                "kpi_id": f"QK-{day:%Y%m%d}",
                "kpi_date": day,
                "internal_defect_ppm": round(rejected / made * 1e6) if made else 0,
                "first_time_quality_pct": round((made - rejected) / made * 100, 2) if made else None,
                "customer_complaints": len(day_complaints),
                "customer_returns_ppm": round(returned / made * 1e6) if made else 0,
                "incoming_rejection_pct": round(
                    len(day_supplier) / max(1, round(len(ctx.rows("erp", "suppliers")) * 0.25)) * 100, 2
                ),
                "supplier_defect_ppm": round(
                    sum(n["quantity_defective"] for n in day_supplier)
                    / max(1.0, sum(n["quantity_inspected"] for n in day_supplier))
                    * 1e6
                )
                if day_supplier
                else 0,
                "processes_in_control": in_control,
                "processes_total": len(charts),
                "process_capability_avg": round(sum(cpk) / len(cpk), 3) if cpk else None,
                "ncr_opened": sum(1 for n in ncrs if n["detected_date"] == day),
                "ncr_closed": sum(1 for n in ncrs if n["closed_date"] == day),
                "ncr_open_count": sum(
                    1
                    for n in ncrs
                    if n["detected_date"] <= day and (n["closed_date"] is None or n["closed_date"] > day)
                ),
                "capa_overdue": overdue,
                "prevention_cost": prevention,
                "appraisal_cost": appraisal,
                "internal_failure_cost": internal_cost,
                "external_failure_cost": external,
                "total_coq": money(prevention + appraisal + internal_cost + external),
                "equipment_calibrated_pct": round((len(equipment) - late_gauges) / len(equipment) * 100, 2)
                if equipment
                else None,
                "equipment_overdue": late_gauges,
                "created_at": min(ctx.end, day_end + timedelta(hours=1)),
            }
        )
    return rows


def _integration_log(ctx: GenContext, rng, ncrs, complaints, calibrations, capas) -> list[dict]:
    """The hand-overs between systems that QMS took part in."""
    events = []
    for n in ncrs:
        source = {"internal": "MES", "customer": "CRM", "supplier": "ERP"}[n["source_type"]]
        events.append((n["created_at"], "ncr_created", source, "QMS", n["source_document_id"], n["ncr_id"]))
    for c in complaints:
        events.append(
            (c["created_at"], "complaint_received", "SERVICE", "QMS", c["complaint_number"], c["complaint_id"])
        )
    for c in calibrations:
        if c["calibration_result"] == "fail":
            stamp = datetime.combine(c["calibration_date"], datetime.min.time()) + timedelta(hours=16)
            events.append((stamp, "equipment_locked_out", "QMS", "MES", c["calibration_id"], c["equipment_id"]))
    for c in capas:
        if c["closed_date"] and c["implementation_cost"] > 4000:  # larger CAPA budgets are posted to ERP
            stamp = datetime.combine(c["closed_date"], datetime.min.time()) + timedelta(hours=17)
            events.append((stamp, "capa_cost_posted", "QMS", "ERP", c["capa_id"], f"JE-{c['capa_id']}"))
    events = [e for e in events if e[0] <= ctx.end]
    events.sort(key=lambda e: (e[0], e[1], e[4]))
    statuses = weighted(rng, {"success": 92, "failed": 5, "retrying": 3}, k=len(events)) if events else []
    ensure_each(rng, statuses, ["success", "failed", "retrying"])
    return [
        {
            "log_id": f"QIL-{n:06d}",
            "log_timestamp": min(ctx.end, stamp + timedelta(seconds=rng.randint(1, 90))),
            "integration_type": kind,
            "source_system": source,
            "target_system": target,
            "source_document_id": document,
            "target_document_id": target_document,
            "integration_status": status,
            "error_message": {"failed": "Target system timeout after 30 s", "retrying": "Queued for retry"}.get(status),
            "integration_data": {"document": document, "attempt": 1 if status == "success" else 2},
        }
        for n, ((stamp, kind, source, target, document, target_document), status) in enumerate(
            zip(events, statuses, strict=True), start=1
        )
    ]
