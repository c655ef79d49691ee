"""genims_erp_db, logistics side: engineering data, production, sales, purchasing and stock.

Volumes at scale 1 over 90 days follow the public run, event tables scale with the window:
- work_centers (one per machine), routing/routing_operations and bill_of_materials/bom_components (one BOM
  and one routing per finished good, with the components and quantities the MES kits: ~100-140 at scale 1),
  inspection plans for inspected materials;
- production_orders: exactly one per mes.work_orders row (production_order_id = its erp_order_id), with
  quantities, dates and costs taken from the work order, and the ERP-MES sync log of their release and
  confirmation; components issued to (261) and returned from (262) production are the MES material
  transactions, finished goods are received (101) at completion;
- sales_orders (518 per 90 days, seasonal, growing slightly) with ~3 lines each, priced near
  master.customer_product_mapping; purchase_requisitions, purchase_orders (326 per 90 days, ~4 lines) sized to
  the BOM consumption of production, goods_receipts (on time or late, rejected parts as "blocked" receipts);
- inventory_transactions (quantities are positive, the movement type gives the direction: 101/262/701 in;
  122/261/551/601/702 out) and inventory_balances, one per material and plant that moved it in the window or
  makes it (~440 at scale 1), that agree with them: balance = opening stock + receipts - issues, never negative.
The general ledger side is erp_finance, called at the end.

Conventions other modules rely on: a sales order line ships from its plant_id on the posting date of its 601
goods issue (tms builds one shipment per order and plant from them); storage_location is the wms warehouse id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.wms import warehouse_id

SEASON = {1: 0.96, 2: 0.98, 3: 1.14, 4: 0.9, 5: 0.92, 6: 0.95, 7: 1.0, 8: 1.0, 9: 1.04, 10: 1.08, 11: 1.05, 12: 1.16}
WEEKDAY = (1.0, 1.06, 1.06, 1.02, 1.0, 0.55, 0.1)  # Monday .. Sunday
GST_RATE = 0.18
COMPANY = "GN01"
# Plant cost centres, keyed like the HCM plant departments (CC-<plant>-<key>) plus each plant's sales office:
# key -> (department name, cost centre category)
DEPARTMENTS = {
    "ADM": ("Plant Management", "admin"),
    "PRD": ("Production", "production"),
    "MNT": ("Maintenance", "service"),
    "QLT": ("Quality", "service"),
    "PLN": ("Production Planning", "service"),
    "HR": ("Human Resources", "admin"),
    "EHS": ("Environment, Health & Safety", "service"),
    "WHS": ("Warehouse & Logistics", "service"),
    "SAL": ("Sales Office", "admin"),
}
IN_MOVEMENTS = {"101", "262", "701"}
OUT_MOVEMENTS = {"122", "261", "551", "601", "702"}


def cost_center_id(factory_id: str, department_code: str) -> str:
    return f"CC-{factory_id[4:]}-{department_code}"


def at(ctx: GenContext, day: date, hour: float) -> datetime:
    """A moment `hour` hours into `day`, never after the end of the window."""
    return min(datetime.combine(day, time()) + timedelta(hours=hour), ctx.end)


def working_day(day: date) -> date:
    """Sundays are off: a date that falls on one moves to Monday."""
    return day + timedelta(days=1) if day.weekday() == 6 else day


def demand_days(ctx: GenContext) -> tuple[list[date], list[float]]:
    """Each day of the window with its relative business volume: season, weekday, slow growth, today partial."""
    days = ctx.window_days()
    weights = []
    for i, day in enumerate(days):
        weight = SEASON[day.month] * WEEKDAY[day.weekday()] * (1 + 0.1 * i / 365)
        if day == ctx.end.date():
            weight *= ctx.end.hour / 24
        weights.append(weight)
    return days, weights


@dataclass
class SalesPlan:
    """What erp_finance needs of a sales order beyond its rows: when it shipped and when it was paid."""

    order: dict
    lines: list[dict]
    ship_date: date | None
    paid_date: date | None


class _Env:
    """Lookups over master and reference rows, built once."""

    def __init__(self, ctx: GenContext) -> None:
        self.factories = [f["factory_id"] for f in ctx.rows("master", "factories")]
        self.materials = ctx.rows("erp", "materials")
        self.material = {m["material_id"]: m for m in self.materials}
        self.fg = {m["product_id"]: m for m in self.materials if m["product_id"]}
        self.bought = [m for m in self.materials if m["procurement_type"] == "buy"]
        self.product_plants: dict[str, list[str]] = defaultdict(list)
        self.product_line: dict[str, str] = {}
        mappings = sorted(ctx.rows("master", "line_product_mapping"), key=lambda r: not r["is_primary_line"])
        for mp in mappings:
            plants = self.product_plants[mp["product_id"]]
            if mp["factory_id"] not in plants:
                plants.append(mp["factory_id"])
            self.product_line.setdefault(mp["product_id"], mp["line_id"])
        self.staff: dict[tuple[str, str], list[str]] = defaultdict(list)
        for e in ctx.rows("master", "employees"):
            if e["status"] == "active":
                self.staff[(e["factory_id"], e["role"])].append(e["employee_id"])

    def person(self, rng, factory_id: str, *roles: str) -> str | None:
        for role in roles:
            if self.staff.get((factory_id, role)):
                return rng.choice(self.staff[(factory_id, role)][:25])
        return None


def generate(ctx: GenContext) -> None:
    """All ERP tables but suppliers and materials (reference.py), the finance ones through erp_finance."""
    from genims_assets.synthetic import erp_finance  # imported here: it imports this module's helpers

    env = _Env(ctx)
    engineering = _engineering(ctx, env)
    production = _production_orders(ctx, env, engineering)
    sales = _sales(ctx, env, production)
    receipts = _purchasing(ctx, env, _material_demand(ctx, env, engineering, production))
    _inventory(ctx, env, engineering, production, sales, receipts)
    erp_finance.generate(ctx, sales)


# -- engineering ------------------------------------------------------------------------------------------------
def _recipes(ctx: GenContext, env: _Env) -> dict[str, list[tuple[dict, float]]]:
    """Per product, its components and quantity per unit: as the MES kits them (kitting issues are the planned
    quantity x per-unit quantity x 1.02), or, for products the MES has not made, bought materials worth ~58 % of
    the standard cost as the MES would choose them."""
    rng = ctx.rng("erp.recipes")
    by_code = {m["material_code"]: m for m in env.materials}
    orders = {wo["work_order_id"]: wo for wo in ctx.rows("mes", "work_orders")}
    recipes: dict[str, list[tuple[dict, float]]] = {}
    source: dict[str, str] = {}
    for t in ctx.rows("mes", "material_transactions"):
        wo = orders.get(t["work_order_id"])
        if (
            t["transaction_type"] != "issue"
            or wo is None
            or source.setdefault(wo["product_id"], wo["work_order_id"]) != wo["work_order_id"]
        ):
            continue
        parts = recipes.setdefault(wo["product_id"], [])
        if all(m["material_code"] != t["material_code"] for m, _ in parts):
            parts.append((by_code[t["material_code"]], round(t["quantity"] / (wo["planned_quantity"] * 1.02), 4)))
    raw = [m for m in env.bought if m["material_type"] == "raw_material"] or env.bought
    other = [m for m in env.bought if m["material_type"] != "raw_material"] or env.bought
    for product_id, fg in sorted(env.fg.items()):
        if product_id not in recipes:
            chosen = [rng.choice(raw)] + rng.sample(other, min(len(other), rng.randint(1, 3)))
            weights = [rng.uniform(1, 4) for _ in chosen]
            recipes[product_id] = [
                (m, max(0.0001, round(fg["standard_cost"] * 0.58 * w / sum(weights) / m["standard_cost"], 4)))
                for m, w in zip(chosen, weights, strict=True)
            ]
    return recipes


def _engineering(ctx: GenContext, env: _Env) -> dict[str, dict]:
    """Work centres, BOMs, routings and inspection plans; returns per finished-good material its BOM and routing."""
    rng = ctx.rng("erp.engineering")
    created = ctx.start - timedelta(days=370)
    valid_from = created.date()
    machines = ctx.rows("master", "machines")
    work_centers, by_line = [], defaultdict(list)
    for i, m in enumerate(machines):
        wc = {
            "work_center_id": f"WC-{m['machine_id'][4:]}",
            "work_center_code": f"WC{i + 1:05d}",
            "work_center_name": f"{m['machine_type']} work centre {m['machine_code']}",
            "plant_id": m["factory_id"],
            "cost_center_id": cost_center_id(m["factory_id"], "PRD"),
            "work_center_category": "machine" if m["machine_type"] in ("CNC", "press", "robot") else "both",
            "capacity_category": "machine_hours",
            "available_capacity": rng.choice([16.0, 20.0, 22.5]),
            "utilization_percentage": round(rng.uniform(62, 93), 2),
            "hourly_rate": money(rng.uniform(900, 4200)),
            "currency": "INR",
            "queue_time_days": rng.choice([0.0, 0.5, 1.0]),
            "setup_time_minutes": float(rng.choice([15, 30, 45, 60])),
            "line_id": m["line_id"],
            "machine_id": m["machine_id"],
            "is_active": m["status"] == "active",
            "created_at": created,
        }
        work_centers.append(wc)
        by_line[m["line_id"]].append(wc)
    ctx.add("erp", "work_centers", work_centers)

    boms, components, routings, operations, result = [], [], [], [], {}
    recipes = _recipes(ctx, env)
    for n, (product_id, fg) in enumerate(sorted(env.fg.items())):
        plant = (env.product_plants.get(product_id) or env.factories)[0]
        bom_id, routing_id = f"BOM-{n + 1:05d}", f"RTG-{n + 1:05d}"
        scrap = 0.0  # the MES kits 2 % extra and returns what is left: no planned scrap
        boms.append(
            {
                "bom_id": bom_id,
                "bom_number": f"B{n + 1:07d}",
                "parent_material_id": fg["material_id"],
                "parent_quantity": 1.0,
                "bom_usage": "production",
                "bom_status": "active",
                "alternative_bom": 1,
                "valid_from": valid_from,
                "valid_to": None,
                "base_quantity": 1.0,
                "base_unit": "EA",
                "lot_size": float(rng.choice([50, 100, 250, 500])),
                "scrap_percentage": scrap,
                "plant_id": plant,
                "product_id": product_id,
                "engineering_change_number": rng.choice([None, f"ECN-{rng.randint(100, 999)}"]),
                "revision": rng.choice(["A", "B", "C"]),
                "is_current_revision": True,
                "created_by": "system",
                "created_at": created,
                "updated_at": created,
            }
        )
        parts = []
        for item, (part, qty) in enumerate(recipes[product_id]):
            substitute = rng.choice(env.bought) if rng.random() < 0.15 else None
            components.append(
                {
                    "component_id": f"BOMC-{len(components) + 1:06d}",
                    "bom_id": bom_id,
                    "item_number": (item + 1) * 10,
                    "material_id": part["material_id"],
                    "component_quantity": qty,
                    "component_unit": part["base_unit_of_measure"],
                    "component_scrap_percentage": scrap,
                    "operation_number": 10 * rng.randint(1, 3),
                    "backflush": part["material_type"] == "packaging",
                    "procurement_indicator": "stock",
                    "cost_relevance": True,
                    "has_substitute": substitute is not None and substitute["material_id"] != part["material_id"],
                    "substitute_material_id": substitute["material_id"]
                    if substitute and substitute is not part
                    else None,
                    "valid_from": valid_from,
                    "valid_to": None,
                    "created_at": created,
                }
            )
            parts.append((part["material_id"], qty))
        routings.append(
            {
                "routing_id": routing_id,
                "routing_number": f"R{n + 1:07d}",
                "material_id": fg["material_id"],
                "plant_id": plant,
                "routing_usage": "production",
                "routing_status": "active",
                "base_quantity": 1.0,
                "lot_size_from": 1.0,
                "lot_size_to": 99999.0,
                "valid_from": valid_from,
                "valid_to": None,
                "created_by": "system",
                "created_at": created,
                "updated_at": created,
            }
        )
        centers = by_line.get(env.product_line.get(product_id), []) or work_centers[:3]
        for k, wc in enumerate(rng.sample(centers, min(len(centers), rng.randint(3, 5)))):
            operations.append(
                {
                    "operation_id": f"RTGO-{len(operations) + 1:06d}",
                    "routing_id": routing_id,
                    "operation_number": (k + 1) * 10,
                    "operation_short_text": wc["work_center_name"].split(" work")[0],
                    "operation_description": f"Operation {(k + 1) * 10} on {wc['work_center_code']}",
                    "work_center_id": wc["work_center_id"],
                    "control_key": "PP01" if rng.random() < 0.9 else "PP02",
                    "setup_time": float(rng.choice([10, 15, 20, 30])),
                    "machine_time": round(rng.uniform(0.2, 4.0), 2),
                    "labor_time": round(rng.uniform(0.1, 3.0), 2),
                    "base_quantity": 1.0,
                    "standard_value_unit": "MIN",
                    "activity_type": rng.choice(["MACH", "LABR", "SETUP"]),
                    "price_per_unit": round(wc["hourly_rate"] / 60, 4),
                    "earliest_start_offset": 0,
                    "latest_start_offset": k,
                    "created_at": created,
                }
            )
        result[fg["material_id"]] = {"bom_id": bom_id, "routing_id": routing_id, "parts": parts}
    ctx.add("erp", "bill_of_materials", boms)
    ctx.add("erp", "bom_components", components)
    ctx.add("erp", "routing", routings)
    ctx.add("erp", "routing_operations", operations)
    _inspection_plans(ctx, rng, env, created)
    return result


def _inspection_plans(ctx: GenContext, rng, env: _Env, created: datetime) -> None:
    plans, characteristics = [], []
    checks = [
        ("Dimensional check", "quantitative", "MM", "Vernier caliper"),
        ("Hardness", "quantitative", "HRC", "Rockwell tester"),
        ("Visual surface finish", "qualitative", None, "Visual"),
        ("Material certificate", "qualitative", None, "Document review"),
        ("Tensile strength", "quantitative", "MPA", "UTM"),
    ]
    for m in env.materials:
        if not (m["inspection_required"] or m["product_id"]):
            continue
        plan_id = f"IP-{len(plans) + 1:05d}"
        plans.append(
            {
                "inspection_plan_id": plan_id,
                "plan_number": f"QP{len(plans) + 1:06d}",
                "material_id": m["material_id"],
                "plant_id": (env.product_plants.get(m["product_id"]) or env.factories)[0] if m["product_id"] else None,
                "plan_usage": "production" if m["product_id"] else "goods_receipt",
                "inspection_type": weighted(rng, {"sample": 6, "100_percent": 1, "skip_lot": 2}),
                "sample_size": rng.choice([5, 8, 13, 20, 32]),
                "sample_unit": m["base_unit_of_measure"],
                "sampling_procedure": rng.choice(["ISO2859-1 AQL1.0", "ISO2859-1 AQL0.65", "C=0 plan"]),
                "inspection_interval_days": rng.choice([None, 30, 90]),
                "next_inspection_date": ctx.end.date() + timedelta(days=rng.randint(1, 60)),
                "is_active": True,
                "created_at": created,
            }
        )
        for name, ctype, unit, method in rng.sample(checks, rng.randint(2, 3)):
            target = round(rng.uniform(10, 60), 2) if ctype == "quantitative" else None
            characteristics.append(
                {
                    "characteristic_id": f"IC-{len(characteristics) + 1:06d}",
                    "inspection_plan_id": plan_id,
                    "characteristic_name": name,
                    "characteristic_type": ctype,
                    "target_value": target,
                    "lower_spec_limit": round(target * 0.97, 4) if target else None,
                    "upper_spec_limit": round(target * 1.03, 4) if target else None,
                    "unit_of_measure": unit,
                    "inspection_method": method,
                    "measurement_device": method if ctype == "quantitative" else None,
                    "sample_size": rng.choice([3, 5, 10]),
                    "characteristic_class": weighted(rng, {"critical": 1, "major": 3, "minor": 3}),
                    "created_at": created,
                }
            )
    ctx.add("erp", "inspection_plans", plans)
    ctx.add("erp", "inspection_characteristics", characteristics)


# -- production ---------------------------------------------------------------------------------------------------
def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _production_status(wo: dict) -> str:
    status = (wo.get("status") or "").lower()
    if status in ("cancelled", "canceled"):
        return "cancelled"
    if wo.get("actual_end_time"):
        return "closed" if wo.get("closed_at") else "completed"
    if wo.get("actual_start_time"):
        return "in_process"
    return "created" if status in ("created", "planned", "") else "released"


def _production_orders(ctx: GenContext, env: _Env, engineering: dict[str, dict]) -> list[dict]:
    """One production order per MES work order (the work order's erp_order_id), consistent with it."""
    rng = ctx.rng("erp.production")
    rows = []
    for wo in ctx.rows("mes", "work_orders"):
        fg = env.fg[wo["product_id"]]
        eng = engineering[fg["material_id"]]
        status = _production_status(wo)
        created = min(wo.get("created_at") or ctx.start, ctx.end)
        start = _day(wo.get("planned_start_date") or wo.get("scheduled_start_time")) or created.date()
        end = _day(wo.get("planned_end_date") or wo.get("scheduled_end_time")) or start
        produced = wo.get("produced_quantity") or 0
        std_unit = wo.get("standard_cost_per_unit") or fg["standard_cost"]
        parts = [wo.get("total_material_cost"), wo.get("total_labor_cost"), wo.get("total_overhead_cost")]
        if any(p is not None for p in parts):
            actual = money(sum(p or 0 for p in parts))
        else:
            actual = money((wo.get("actual_cost_per_unit") or std_unit) * produced)
        started = status in ("in_process", "completed", "closed")
        released_at = wo.get("scheduled_start_time") or wo.get("actual_start_time")
        rows.append(
            {
                "production_order_id": wo["erp_order_id"],
                "production_order_number": wo["erp_order_id"],
                "material_id": fg["material_id"],
                "plant_id": wo["factory_id"],
                "sales_order_id": None,
                "sales_order_line": None,
                "mrp_element": None,
                "order_type": "rework" if wo.get("parent_work_order_id") else "production",
                "production_version": 1,
                "order_quantity": float(wo["planned_quantity"]),
                "delivered_quantity": float(wo.get("good_quantity") or 0) if status in ("completed", "closed") else 0.0,
                "scrap_quantity": float((wo.get("scrapped_quantity") or 0) + (wo.get("rejected_quantity") or 0)),
                "basic_start_date": start,
                "basic_end_date": max(start, end),
                "scheduled_start_date": _day(wo.get("scheduled_start_time")),
                "scheduled_end_date": _day(wo.get("scheduled_end_time")),
                "actual_start_date": _day(wo.get("actual_start_time")),
                "actual_finish_date": _day(wo.get("actual_end_time")),
                "system_status": status,
                "user_status": "quality_hold" if wo.get("quality_hold") else None,
                "priority": wo.get("priority") or 5,
                "scheduling_type": weighted(rng, {"backward": 3, "forward": 2}),
                "bom_id": eng["bom_id"],
                "routing_id": eng["routing_id"],
                "work_order_id": wo["work_order_id"],
                "planned_costs": money(std_unit * wo["planned_quantity"]),
                "actual_costs": actual if started else None,
                "variance_amount": money(actual - std_unit * produced) if started else None,
                "settlement_rule": "FUL",
                "settlement_receiver": fg["material_id"],
                "created_by": wo.get("created_by"),
                "created_at": created,
                "updated_at": min(wo.get("updated_at") or created, ctx.end),
                "released_by": wo.get("created_by") if released_at else None,
                "released_at": min(released_at, ctx.end) if released_at else None,
                "closed_at": wo.get("closed_at") if status == "closed" else None,
            }
        )
    ctx.add("erp", "production_orders", rows)
    _mes_sync_log(ctx, rng, rows)
    return rows


def _mes_sync_log(ctx: GenContext, rng, orders: list[dict]) -> None:
    """Release of each production order to the MES, and the MES confirmation of the finished ones."""
    rows = []
    for po in orders:
        events = [("ERP_TO_MES", "production_order", po["released_at"] or po["created_at"])]
        if po["actual_finish_date"]:
            events.append(("MES_TO_ERP", "production_confirmation", at(ctx, po["actual_finish_date"], 22)))
        for direction, document, when in events:
            failed = rng.random() < 0.02
            rows.append(
                {
                    "sync_id": f"EMS-{len(rows) + 1:06d}",
                    "sync_timestamp": when,
                    "sync_direction": direction,
                    "document_type": document,
                    "document_id": po["production_order_id"],
                    "sync_status": "completed" if not failed or when < ctx.end - timedelta(hours=1) else "error",
                    "error_message": "MES endpoint timeout" if failed else None,
                    "sync_data": {"work_order_id": po["work_order_id"], "quantity": po["order_quantity"]},
                    "retry_count": 1 if failed else 0,
                    "last_retry_at": min(when + timedelta(minutes=5), ctx.end) if failed else None,
                    "created_at": when,
                }
            )
    ctx.add("erp", "erp_mes_sync_log", rows)


# -- sales --------------------------------------------------------------------------------------------------------
def _sales_reps(ctx: GenContext, rng) -> list[str]:
    pool = [
        e["employee_id"]
        for e in ctx.rows("master", "employees")
        if e["role"] in ("manager", "engineer") and e["status"] == "active"
    ]
    return sorted(rng.sample(pool, min(len(pool), ctx.count(8, minimum=3))))


def _sales(ctx: GenContext, env: _Env, production: list[dict]) -> list[SalesPlan]:
    rng = ctx.rng("erp.sales")
    customers = ctx.rows("master", "customers")
    cpm = defaultdict(list)
    prices = defaultdict(list)
    for m in ctx.rows("master", "customer_product_mapping"):
        cpm[m["customer_id"]].append(m)
        prices[m["product_id"]].append(m["unit_price_usd"])
    list_price = {p: sum(v) / len(v) for p, v in prices.items()}
    products = sorted(env.fg)
    reps = _sales_reps(ctx, rng)
    rep_of = {c["customer_id"]: reps[i % len(reps)] for i, c in enumerate(customers)}
    # each customer pays on its own habit: early, on time, late or very late (AR aging and DSO need the spread)
    lateness = {c["customer_id"]: weighted(rng, {-4: 2, 0: 4, 6: 3, 18: 2, 40: 1}) for c in customers}
    days, weights = demand_days(ctx)
    n = ctx.count(518 * ctx.days / 90, minimum=60)  # below ~60 orders the sales reports have nothing to show
    order_days = sorted(rng.choices(days, weights, k=n))
    cweights = [c["annual_volume_estimate"] for c in customers]
    plans = []
    for i, day in enumerate(order_days):
        customer = customers[i % len(customers)] if i < len(customers) else rng.choices(customers, cweights)[0]
        plans.append(
            _sales_order(
                ctx,
                rng,
                env,
                i,
                day,
                customer,
                cpm[customer["customer_id"]],
                products,
                list_price,
                rep_of[customer["customer_id"]] if rng.random() < 0.9 else rng.choice(reps),
                lateness[customer["customer_id"]],
            )
        )
    _calibrate_to_production(plans, production)
    orders, lines = [], []
    for plan in plans:
        _price_order(plan)
        orders.append(plan.order)
        lines.extend(plan.lines)
    ctx.add("erp", "sales_orders", orders)
    ctx.add("erp", "sales_order_lines", lines)
    return plans


def _sales_order(ctx, rng, env, i, day, customer, mapped, products, list_price, rep, lateness) -> SalesPlan:
    so_id = f"SO-{i + 1:06d}"
    lead = max([m["lead_time_days"] for m in mapped] or [14])
    requested = day + timedelta(days=lead)
    confirmed = requested + timedelta(days=0 if rng.random() < 0.8 else rng.randint(1, 5))
    # the first orders carry the rare states, so that every status occurs at any scale
    cancelled = i == 1 or (rng.random() < 0.03 and i != 3)
    blocked = i == 3 or (not cancelled and rng.random() < 0.015)
    planned_ship = max(day + timedelta(days=1), confirmed - timedelta(days=6))  # transit and a margin
    delay = weighted(rng, {0: 60, -1: 12, -2: 6, 1: 9, 2: 5, 3: 3, rng.randint(4, 10): 3, -rng.randint(3, 5): 2})
    ship = working_day(max(day + timedelta(days=1), planned_ship + timedelta(days=delay)))
    shipped = not (cancelled or blocked) and ship <= ctx.end.date()
    paid = None
    if shipped and rng.random() > 0.02:  # a few invoices are never paid and age past 90 days
        paid = working_day(ship + timedelta(days=customer["payment_terms_days"] + lateness + rng.randint(-3, 5)))
        paid = paid if paid <= ctx.end.date() else None
    created = at(ctx, day, rng.uniform(8, 18))
    order_type = weighted(rng, {"standard": 85, "rush": 8, "export": 5, "intercompany": 2})
    status = (
        "cancelled"
        if cancelled
        else "on_hold"
        if blocked
        else "closed"
        if paid
        else "shipped"
        if shipped
        else "open"
        if day >= ctx.end.date() - timedelta(days=1)
        else "confirmed"
    )
    order = {
        "sales_order_id": so_id,
        "sales_order_number": f"SO-{day:%y}{i + 1:06d}",
        "customer_id": customer["customer_id"],
        "order_date": day,
        "order_type": order_type,
        "sales_organization": "IN01",
        "distribution_channel": "10",
        "division": "00",
        "currency": "INR",
        "total_net_value": 0.0,
        "tax_amount": 0.0,
        "freight_charges": 0.0,
        "total_value": 0.0,
        "payment_terms": f"NET{customer['payment_terms_days']}",
        "payment_method": weighted(rng, {"bank_transfer": 7, "cheque": 1, "letter_of_credit": 1}),
        "delivery_priority": "urgent" if order_type == "rush" else weighted(rng, {"high": 2, "normal": 7, "low": 1}),
        "requested_delivery_date": requested,
        "confirmed_delivery_date": None if status == "open" else confirmed,
        "incoterms": weighted(rng, {"FCA": 3, "DAP": 4, "EXW": 1, "CIF": 1 if order_type == "export" else 0}),
        "ship_to_party": customer["customer_id"],
        "shipping_address_id": f"ADDR-{customer['customer_id'][5:]}-01",
        "shipping_instructions": rng.choice(
            [None, None, "Deliver to gate 3", "Palletised, max 1.2 m height", "Call before delivery"]
        ),
        "order_status": status,
        "overall_delivery_status": "fully_delivered" if shipped else "not_delivered",
        "overall_billing_status": "paid" if paid else "billed" if shipped else "not_billed",
        "credit_check_status": "blocked" if blocked else "pending" if status == "open" else "approved",
        "credit_limit_used": None,
        "customer_po_number": f"PO{customer['customer_code']}-{rng.randint(10000, 99999)}",
        "quotation_number": f"QT-{rng.randint(100000, 999999)}" if rng.random() < 0.4 else None,
        "contract_number": f"CT-{customer['customer_code']}" if customer["customer_type"] == "oem" else None,
        "created_by": rep,
        "created_at": created,
        "updated_at": max(created, at(ctx, paid or (ship if shipped else day), 17)),
    }
    # An order ships from one plant: the one that makes most of the customer's products; products made elsewhere
    # join only now and then (a second shipment), the rest of the order is filled with what that plant makes.
    own = [m["product_id"] for m in mapped]
    home = max(env.factories, key=lambda f: sum(f in env.product_plants.get(p, ()) for p in own))
    local = [p for p in products if home in env.product_plants.get(p, ())] or products
    k = weighted(rng, {1: 2, 2: 3, 3: 4, 4: 3, 5: 2})
    chosen = [p for p in rng.sample(own, len(own)) if home in env.product_plants.get(p, ()) or rng.random() < 0.25][:k]
    extra = [p for p in local if p not in chosen]
    chosen += rng.sample(extra, min(len(extra), k - len(chosen)))
    price_of = {m["product_id"]: m["unit_price_usd"] for m in mapped}
    lines = []
    for n, product_id in enumerate(chosen):
        fg = env.fg[product_id]
        plants = env.product_plants.get(product_id) or env.factories
        base = price_of.get(product_id) or list_price.get(product_id) or fg["standard_cost"] * 1.4
        volume = next((m["annual_volume"] for m in mapped if m["product_id"] == product_id), 6000)
        rejected = shipped and (rng.random() < 0.025 or (i == 2 and n == 0))
        lines.append(
            {
                "sales_order_line_id": f"SOL-{i + 1:06d}-{n + 1:02d}",
                "sales_order_id": so_id,
                "line_number": (n + 1) * 10,
                "material_id": fg["material_id"],
                "product_id": product_id,
                "material_description": fg["material_name"],
                "order_quantity": volume / 26 * rng.uniform(0.5, 1.5),
                "unit_of_measure": "EA",
                "delivered_quantity": 0.0,
                "invoiced_quantity": 0.0,
                "unit_price": round(base * rng.uniform(0.97, 1.03), 4),
                "discount_percentage": weighted(rng, {0.0: 6, 2.0: 2, 5.0: 1}),
                "net_price": 0.0,
                "tax_code": "GST18",
                "tax_amount": 0.0,
                "requested_delivery_date": requested,
                "confirmed_delivery_date": order["confirmed_delivery_date"],
                "plant_id": home if home in plants else plants[0],
                "atp_date": planned_ship if status != "open" else None,
                "atp_quantity": None,
                "make_to_order": False,
                "production_order_id": None,
                "item_category": "TAN",
                "line_status": (
                    "cancelled"
                    if cancelled
                    else "returned"
                    if rejected
                    else "closed"
                    if paid
                    else "shipped"
                    if shipped
                    else "open"
                ),
                "rejection_reason": "quality_rejected" if rejected else "customer_cancelled" if cancelled else None,
                "deletion_indicator": False,
                "created_at": created,
            }
        )
    return SalesPlan(order, lines, ship if shipped else None, paid)


def _calibrate_to_production(plans: list[SalesPlan], production: list[dict]) -> None:
    """Scale ordered quantities per material so that sales roughly match what MES produces over the window."""
    made = defaultdict(float)
    for po in production:
        made[po["material_id"]] += po["order_quantity"]
    ordered = defaultdict(float)
    for plan in plans:
        for line in plan.lines:
            ordered[line["material_id"]] += line["order_quantity"]
    for plan in plans:
        for line in plan.lines:
            factor = made[line["material_id"]] / ordered[line["material_id"]] if made[line["material_id"]] else 1.0
            qty = line["order_quantity"] * min(max(factor, 0.05), 20.0)
            line["order_quantity"] = float(round(qty, -1) if qty >= 50 else max(1, round(qty)))


def _price_order(plan: SalesPlan) -> None:
    """Line amounts, then header totals as the sums of the lines."""
    order, net_total, tax_total = plan.order, 0.0, 0.0
    for line in plan.lines:
        qty = line["order_quantity"]
        line["net_price"] = money(qty * line["unit_price"] * (1 - line["discount_percentage"] / 100))
        line["tax_amount"] = money(line["net_price"] * GST_RATE)
        line["atp_quantity"] = qty if line["atp_date"] else None
        if plan.ship_date:
            line["delivered_quantity"] = line["invoiced_quantity"] = qty
        net_total += line["net_price"]
        tax_total += line["tax_amount"]
    order["total_net_value"] = money(net_total)
    order["tax_amount"] = money(tax_total)
    order["freight_charges"] = 0.0 if order["incoterms"] == "EXW" else money(net_total * 0.012)
    order["total_value"] = money(order["total_net_value"] + order["tax_amount"] + order["freight_charges"])
    order["credit_limit_used"] = order["total_value"]


# -- purchasing ---------------------------------------------------------------------------------------------------
def _material_demand(ctx: GenContext, env: _Env, engineering: dict[str, dict], production: list[dict]) -> dict:
    """Quantity of each bought material each plant needs over the window: BOM consumption plus a small base."""
    rng = ctx.rng("erp.demand")
    demand: dict[tuple[str, str], float] = defaultdict(float)
    for po in production:
        if po["system_status"] != "cancelled":
            for material_id, qty in engineering[po["material_id"]]["parts"]:
                demand[(material_id, po["plant_id"])] += qty * po["order_quantity"]
    for m in env.bought:  # consumables and spares are bought even where no BOM uses them
        for plant in env.factories:
            demand[(m["material_id"], plant)] += m["reorder_point"] * rng.uniform(0.2, 0.6) * ctx.days / 30
    return demand


def _purchasing(ctx: GenContext, env: _Env, demand: dict) -> list[dict]:
    """Purchase orders, their lines, requisitions and goods receipts; returns the goods receipts."""
    rng = ctx.rng("erp.purchasing")
    suppliers = {s["supplier_id"]: s for s in ctx.rows("erp", "suppliers")}
    supplied = defaultdict(list)
    for m in env.bought:
        if m["default_supplier_id"]:
            supplied[m["default_supplier_id"]].append(m)
    candidates = [s for s in suppliers if supplied[s] and suppliers[s]["supplier_status"] != "blocked"]
    value = {
        s: sum(demand[(m["material_id"], p)] * m["standard_cost"] for m in supplied[s] for p in env.factories)
        for s in candidates
    }
    days = [d for d in ctx.window_days() if d.weekday() != 6]
    day_weights = [
        SEASON[d.month] * WEEKDAY[d.weekday()] * (ctx.end.hour / 24 if d == ctx.end.date() else 1) for d in days
    ]
    po_days = sorted(rng.choices(days, day_weights, k=ctx.count(326 * ctx.days / 90, minimum=40)))
    orders, lines = [], []
    for n, day in enumerate(po_days):
        supplier_id = rng.choices(candidates, [value[s] for s in candidates])[0]
        mats = supplied[supplier_id]
        plant = rng.choices(
            env.factories, [sum(demand[(m["material_id"], p)] for m in mats) + 1 for p in env.factories]
        )[0]
        chosen = rng.sample(mats, min(len(mats), weighted(rng, {2: 2, 3: 3, 4: 3, 5: 3, 6: 2, 7: 1})))
        if rng.random() < 0.2:  # second source: a material normally bought elsewhere
            other = rng.choice(env.bought)
            chosen += [] if other in chosen else [other]
        orders.append(_purchase_order(ctx, rng, n, day, suppliers[supplier_id], plant, env))
        own = [_purchase_order_line(ctx, rng, orders[-1], k, m) for k, m in enumerate(chosen)]
        due = max(line["delivery_date"] for line in own)  # the supplier ships an order complete
        for line in own:
            line["delivery_date"] = due
        lines += own
    per_key = defaultdict(int)
    for line in lines:
        per_key[(line["material_id"], line["plant_id"])] += 1
    for line in lines:
        m = env.material[line["material_id"]]
        qty = demand[(m["material_id"], line["plant_id"])] / per_key[(m["material_id"], line["plant_id"])]
        qty = max(m["minimum_order_quantity"], qty * rng.uniform(0.85, 1.3))
        line["order_quantity"] = float(-(-qty // m["order_multiple"]) * m["order_multiple"])
        line["net_price"] = money(line["order_quantity"] * line["unit_price"])
        line["tax_amount"] = money(line["net_price"] * GST_RATE)
    receipts = _goods_receipts(ctx, rng, env, orders, lines, suppliers)
    _close_purchase_orders(orders, lines)
    ctx.add("erp", "purchase_orders", orders)
    ctx.add("erp", "purchase_order_lines", lines)
    _requisitions(ctx, rng, env, orders, lines)
    ctx.add("erp", "goods_receipts", receipts)
    return receipts


def _purchase_order(ctx: GenContext, rng, n: int, day: date, supplier: dict, plant: str, env: _Env) -> dict:
    created = at(ctx, day, rng.uniform(9, 17))
    status = (
        "cancelled"
        if rng.random() < 0.02
        else "created"
        if day >= ctx.end.date() - timedelta(days=1) and rng.random() < 0.6
        else "released"
    )
    released = at(ctx, day + timedelta(days=rng.randint(0, 1)), 11) if status != "created" else None
    buyer = env.person(rng, plant, "engineer", "supervisor", "manager")
    return {
        "purchase_order_id": f"PUR-{n + 1:06d}",
        "po_number": f"45{n + 1:08d}",
        "supplier_id": supplier["supplier_id"],
        "po_date": day,
        "po_type": weighted(rng, {"standard": 90, "consignment": 4, "subcontracting": 3, "service": 3}),
        "company_code": COMPANY,
        "purchasing_organization": "PO01",
        "purchasing_group": f"P{env.factories.index(plant) + 1:02d}",
        "payment_terms": supplier["payment_terms"],
        "incoterms": weighted(rng, {"FCA": 3, "DAP": 4, "EXW": 2, "CIF": 1}),
        "currency": "INR",
        "exchange_rate": 1.0,
        "total_value": 0.0,
        "tax_amount": 0.0,
        "freight_charges": 0.0,
        "po_status": status,
        "release_indicator": released is not None,
        "delivery_address_id": plant,
        "contract_number": f"SC-{supplier['supplier_id'][4:]}" if rng.random() < 0.6 else None,
        "quotation_number": None,
        "created_by": buyer,
        "created_at": created,
        "updated_at": created,
        "released_by": buyer if released else None,
        "released_at": released,
    }


def _purchase_order_line(ctx: GenContext, rng, order: dict, k: int, m: dict) -> dict:
    price = (m["last_purchase_price"] or m["standard_cost"]) * rng.uniform(0.96, 1.06)
    delivery = working_day(order["po_date"] + timedelta(days=max(1, m["lead_time_days"] + rng.randint(-1, 2))))
    return {
        "po_line_id": f"{order['purchase_order_id']}-{k + 1:02d}",
        "purchase_order_id": order["purchase_order_id"],
        "line_number": (k + 1) * 10,
        "material_id": m["material_id"],
        "material_description": m["material_name"],
        "order_quantity": 0.0,
        "unit_of_measure": m["base_unit_of_measure"],
        "received_quantity": 0.0,
        "invoiced_quantity": 0.0,
        "unit_price": round(price, 4),
        "net_price": 0.0,
        "tax_code": "GST18",
        "tax_amount": 0.0,
        "delivery_date": delivery,
        "plant_id": order["delivery_address_id"],
        "storage_location": warehouse_id(order["delivery_address_id"], "RM"),
        "gl_account": "1300",
        "cost_center_id": cost_center_id(order["delivery_address_id"], "PRD"),
        "goods_receipt_required": True,
        "invoice_receipt_required": True,
        "quality_inspection_required": m["inspection_required"],
        "requisition_id": None,
        "requisition_line": None,
        "line_status": "open",
        "deletion_indicator": False,
        "created_at": order["created_at"],
    }


def _goods_receipts(ctx: GenContext, rng, env: _Env, orders, lines, suppliers) -> list[dict]:
    """Deliveries on time or late (by the supplier's record), some split in two, some with rejected parts."""
    order_of = {o["purchase_order_id"]: o for o in orders}
    receipts, delays = [], {}
    for line in lines:
        order = order_of[line["purchase_order_id"]]
        if order["po_status"] != "released":
            line["line_status"] = "cancelled" if order["po_status"] == "cancelled" else "open"
            continue
        supplier = suppliers[order["supplier_id"]]
        if order["purchase_order_id"] not in delays:  # one shipment per order, on time or late by the supplier's record
            on_time = rng.random() * 100 < supplier["on_time_delivery_percentage"]
            delays[order["purchase_order_id"]] = (
                rng.randint(-3, 0)
                if on_time
                else weighted(rng, {rng.randint(1, 3): 6, rng.randint(4, 8): 3, rng.randint(9, 20): 1})
            )
        delay = delays[order["purchase_order_id"]]
        first = working_day(max(order["po_date"] + timedelta(days=1), line["delivery_date"] + timedelta(days=delay)))
        parts = [(first, line["order_quantity"])]
        if rng.random() < 0.1:
            share = round(line["order_quantity"] * rng.uniform(0.55, 0.8))
            parts = [
                (first, float(share)),
                (working_day(first + timedelta(days=rng.randint(3, 10))), line["order_quantity"] - share),
            ]
        defect_rate = max(0.0, 5 - supplier["quality_rating"]) * 0.035
        deliveries = 0
        for day, qty in parts:
            if day > ctx.end.date() or qty <= 0:
                continue
            deliveries += 1
            # the first delivery has a rejected part, so that incoming defects show at any scale
            rejected = (
                float(round(qty * rng.uniform(0.02, 0.15))) if rng.random() < defect_rate or not receipts else 0.0
            )
            m = env.material[line["material_id"]]
            inspect = m["inspection_required"] and day >= ctx.end.date() - timedelta(days=2)
            receipts.append(
                _receipt(
                    ctx,
                    rng,
                    len(receipts),
                    order,
                    line,
                    day,
                    qty - rejected,
                    "quality_inspection" if inspect else "unrestricted",
                )
            )
            if rejected:
                receipts.append(_receipt(ctx, rng, len(receipts), order, line, day, rejected, "blocked"))
            line["received_quantity"] += qty - rejected
        line["line_status"] = "received" if deliveries == len(parts) else "partially_received" if deliveries else "open"
    return receipts


def _receipt(ctx: GenContext, rng, n: int, order: dict, line: dict, day: date, qty: float, quality: str) -> dict:
    return {
        "goods_receipt_id": f"GR-{n + 1:06d}",
        "gr_number": f"50{n + 1:08d}",
        "gr_date": day,
        "posting_date": day,
        "purchase_order_id": order["purchase_order_id"],
        "po_line_id": line["po_line_id"],
        "supplier_id": order["supplier_id"],
        "material_id": line["material_id"],
        "quantity_received": qty,
        "unit_of_measure": line["unit_of_measure"],
        "plant_id": line["plant_id"],
        "storage_location": line["storage_location"],
        "batch_number": f"B{day:%y%m%d}{n + 1:05d}",
        "inspection_lot": f"IL{n + 1:08d}" if quality != "unrestricted" else None,
        "quality_status": quality,
        "unit_price": line["unit_price"],
        "total_value": money(qty * line["unit_price"]),
        "delivery_note": f"DN-{rng.randint(100000, 999999)}",
        "bill_of_lading": f"LR{rng.randint(1000000, 9999999)}",
        "gr_status": "posted",
        "cancelled": False,
        "reversal_gr": None,
        "created_by": order["created_by"],
        "created_at": at(ctx, day, rng.uniform(7, 17)),
    }


def _close_purchase_orders(orders: list[dict], lines: list[dict]) -> None:
    """Header totals are the sums of the lines; the status follows the receipts."""
    by_order = defaultdict(list)
    for line in lines:
        by_order[line["purchase_order_id"]].append(line)
    for order in orders:
        own = by_order[order["purchase_order_id"]]
        net = sum(line["net_price"] for line in own)
        order["tax_amount"] = money(sum(line["tax_amount"] for line in own))
        order["freight_charges"] = money(net * 0.01) if order["incoterms"] in ("EXW", "FCA") else 0.0
        order["total_value"] = money(net + order["tax_amount"] + order["freight_charges"])
        if order["po_status"] == "released":
            states = {line["line_status"] for line in own}
            order["po_status"] = (
                "received"
                if states == {"received"}
                else "partially_received"
                if states & {"received", "partially_received"}
                else "released"
            )


def _requisitions(ctx: GenContext, rng, env: _Env, orders: list[dict], lines: list[dict]) -> None:
    """One requisition behind each purchase order, plus recent ones not yet converted."""
    by_order = defaultdict(list)
    for line in lines:
        by_order[line["purchase_order_id"]].append(line)
    heads, items = [], []
    extra = ctx.count(0.12 * len(orders), minimum=1)
    for n, order in enumerate(orders + [None] * extra):
        plant = order["delivery_address_id"] if order else rng.choice(env.factories)
        day = order["po_date"] if order else ctx.end.date() - timedelta(days=rng.randint(0, 6))
        req_day = max(ctx.start.date(), day - timedelta(days=rng.randint(1, 4))) if order else day
        req_id = f"PRQ-{n + 1:06d}"
        approved = order is not None or rng.random() < 0.5
        done = order is not None and order["po_status"] in ("received", "closed")
        heads.append(
            {
                "requisition_id": req_id,
                "requisition_number": f"10{n + 1:08d}",
                "requisition_type": "service" if order and order["po_type"] == "service" else "stock",
                "requisition_date": req_day,
                "required_date": day + timedelta(days=14),
                "requester_id": env.person(rng, plant, "engineer", "supervisor"),
                "cost_center_id": cost_center_id(plant, "PRD"),
                "plant_id": plant,
                "priority": weighted(rng, {"urgent": 1, "high": 2, "normal": 6, "low": 1}),
                "approval_status": "approved" if approved else "pending",
                "approved_by": env.person(rng, plant, "manager") if approved else None,
                "approved_at": at(ctx, req_day, 15) if approved else None,
                "source_type": weighted(rng, {"mrp": 6, "manual": 2, "maintenance": 1}),
                "source_document": None,
                "overall_status": (
                    "cancelled"
                    if order and order["po_status"] == "cancelled"
                    else "completed"
                    if done
                    else "in_purchasing"
                    if order
                    else "open"
                ),
                "remarks": None,
                "created_at": at(ctx, req_day, 9),
                "updated_at": at(ctx, day, 12),
            }
        )
        own = (
            by_order[order["purchase_order_id"]]
            if order
            else [
                {
                    "material_id": m["material_id"],
                    "order_quantity": float(m["minimum_order_quantity"] * rng.randint(1, 4)),
                    "unit_of_measure": m["base_unit_of_measure"],
                    "unit_price": m["standard_cost"],
                    "delivery_date": day + timedelta(days=14),
                    "po_line_id": None,
                }
                for m in rng.sample(env.bought, rng.randint(1, 3))
            ]
        )
        for k, line in enumerate(own):
            items.append(
                {
                    "requisition_line_id": f"{req_id}-{k + 1:02d}",
                    "requisition_id": req_id,
                    "line_number": (k + 1) * 10,
                    "material_id": line["material_id"],
                    "material_description": env.material[line["material_id"]]["material_name"],
                    "quantity": line["order_quantity"],
                    "unit_of_measure": line["unit_of_measure"],
                    "delivery_date": line["delivery_date"],
                    "delivery_location": warehouse_id(plant, "RM"),
                    "estimated_price": round(env.material[line["material_id"]]["standard_cost"], 4),
                    "estimated_total": money(
                        line["order_quantity"] * env.material[line["material_id"]]["standard_cost"]
                    ),
                    "assigned_to_po": order["purchase_order_id"] if order else None,
                    "assigned_quantity": line["order_quantity"] if order else 0.0,
                    "gl_account": "1300",
                    "cost_center_id": cost_center_id(plant, "PRD"),
                    "line_status": "completed" if done else "assigned" if order else "open",
                    "created_at": at(ctx, req_day, 9),
                }
            )
            if order:
                line["requisition_id"], line["requisition_line"] = req_id, (k + 1) * 10
    ctx.add("erp", "purchase_requisitions", heads)
    ctx.add("erp", "purchase_requisition_lines", items)


# -- stock --------------------------------------------------------------------------------------------------------
def _inventory(ctx: GenContext, env: _Env, engineering, production, sales: list[SalesPlan], receipts) -> None:
    """Stock movements from receipts, production and shipments, then balances that agree with them."""
    rng = ctx.rng("erp.inventory")
    moves = []  # (day, material, plant, movement, qty, refs)
    for gr in receipts:
        refs = {
            "purchase_order_id": gr["purchase_order_id"],
            "goods_receipt_id": gr["goods_receipt_id"],
            "batch_number": gr["batch_number"],
        }
        moves.append((gr["gr_date"], gr["material_id"], gr["plant_id"], "101", gr["quantity_received"], refs))
        back = gr["gr_date"] + timedelta(days=rng.randint(1, 4))
        if gr["quality_status"] == "blocked" and back <= ctx.end.date():
            moves.append(
                (
                    back,
                    gr["material_id"],
                    gr["plant_id"],
                    "122",
                    gr["quantity_received"],
                    {**refs, "reason_code": "QREJ"},
                )
            )
    moves += _production_moves(ctx, env, engineering, production)
    for po in production:
        refs = {"production_order_id": po["production_order_id"], "work_order_id": po["work_order_id"]}
        if po["actual_finish_date"] and po["delivered_quantity"] > 0:
            moves.append(
                (po["actual_finish_date"], po["material_id"], po["plant_id"], "101P", po["delivered_quantity"], refs)
            )
    for plan in sales:
        if plan.ship_date:
            for line in plan.lines:
                moves.append(
                    (
                        plan.ship_date,
                        line["material_id"],
                        line["plant_id"],
                        "601",
                        line["order_quantity"],
                        {"sales_order_id": plan.order["sales_order_id"]},
                    )
                )
    moves += _adjustments(ctx, rng, env)
    moves.sort(key=lambda mv: (mv[0], mv[3] not in ("101", "101P", "262", "701"), mv[1], mv[2]))
    ctx.add("erp", "inventory_transactions", [_transaction(ctx, rng, n, mv, env) for n, mv in enumerate(moves)])
    ctx.add("erp", "inventory_balances", _balances(ctx, rng, env, moves, receipts))


def _production_moves(ctx: GenContext, env: _Env, engineering, production: list[dict]) -> list[tuple]:
    """Components issued to (261) and returned from (262) production: the MES material transactions."""
    by_code = {m["material_code"]: m["material_id"] for m in env.materials}
    order_of = {po["work_order_id"]: po for po in production}
    moves, kitted = [], set()
    for t in ctx.rows("mes", "material_transactions"):
        po = order_of.get(t["work_order_id"])
        if po is None or t["transaction_type"] not in ("issue", "return"):
            continue
        kitted.add(po["production_order_id"])
        refs = {"production_order_id": po["production_order_id"], "work_order_id": po["work_order_id"]}
        moves.append(
            (
                t["transaction_date"].date(),
                by_code[t["material_code"]],
                po["plant_id"],
                "261" if t["transaction_type"] == "issue" else "262",
                t["quantity"],
                refs,
            )
        )
    for po in production:  # orders the MES started without material bookings: issue the BOM at the start
        if po["actual_start_date"] and po["production_order_id"] not in kitted:
            refs = {"production_order_id": po["production_order_id"], "work_order_id": po["work_order_id"]}
            for material_id, qty in engineering[po["material_id"]]["parts"]:
                moves.append(
                    (
                        po["actual_start_date"],
                        material_id,
                        po["plant_id"],
                        "261",
                        round(qty * po["order_quantity"], 4),
                        refs,
                    )
                )
    return moves


def _adjustments(ctx: GenContext, rng, env: _Env) -> list[tuple]:
    """Cycle-count gains and losses, damage and expiry scrap: a few per plant per week."""
    moves = []
    for day in ctx.window_days():
        if day.weekday() != 4 or day > ctx.end.date():
            continue
        for plant in env.factories:
            for m in rng.sample(env.materials, 3):
                movement = weighted(rng, {"701": 4, "702": 5, "551": 1 if m["shelf_life_days"] else 0})
                qty = float(max(1, round(m["reorder_point"] * rng.uniform(0.005, 0.04))))
                reason = {"701": "CC-GAIN", "702": rng.choice(["CC-LOSS", "DAMAGE"]), "551": "EXPIRED"}[movement]
                moves.append((day, m["material_id"], plant, movement, qty, {"reason_code": reason}))
    return moves


TRANSACTION_TYPES = {
    "101": "goods_receipt",
    "101P": "production_receipt",
    "122": "return_to_vendor",
    "261": "production_issue",
    "262": "production_return",
    "551": "scrap",
    "601": "goods_issue",
    "701": "adjustment",
    "702": "adjustment",
}
REASONS = {
    "QREJ": "Rejected at incoming inspection, returned to vendor",
    "CC-GAIN": "Cycle count surplus",
    "CC-LOSS": "Cycle count shortage",
    "DAMAGE": "Damaged in storage",
    "EXPIRED": "Shelf life expired",
}


def _transaction(ctx: GenContext, rng, n: int, move: tuple, env: _Env) -> dict:
    day, material_id, plant, movement, qty, refs = move
    m = env.material[material_id]
    return {
        "transaction_id": f"IT-{n + 1:07d}",
        "material_document": f"49{n + 1:08d}",
        "document_item": 1,
        "transaction_type": TRANSACTION_TYPES[movement],
        "movement_type": movement[:3],
        "posting_date": day,
        "document_date": day,
        "material_id": material_id,
        "plant_id": plant,
        "storage_location": warehouse_id(plant, "FG" if m["product_id"] else "RM"),
        "batch_number": refs.get("batch_number"),
        "quantity": float(qty),
        "unit_of_measure": m["base_unit_of_measure"],
        "amount": money(qty * m["standard_cost"]),
        "purchase_order_id": refs.get("purchase_order_id"),
        "sales_order_id": refs.get("sales_order_id"),
        "production_order_id": refs.get("production_order_id"),
        "work_order_id": refs.get("work_order_id"),
        "goods_receipt_id": refs.get("goods_receipt_id"),
        "receiving_plant": None,
        "receiving_storage_location": None,
        "reason_code": refs.get("reason_code"),
        "reason_text": REASONS.get(refs.get("reason_code")),
        "cancelled": False,
        "reversal_indicator": False,
        "created_by": "mes-sync" if movement in ("261", "262", "101P") else "store",
        "created_at": at(ctx, day, rng.uniform(7, 20)),
    }


def _balances(ctx: GenContext, rng, env: _Env, moves: list[tuple], receipts: list[dict]) -> list[dict]:
    """Closing stock per material and plant: the lowest opening stock that keeps every day non-negative, a buffer."""
    running, lowest = defaultdict(float), defaultdict(float)
    last_in, last_out = {}, {}
    for day, material_id, plant, movement, qty, _ in moves:
        key = (material_id, plant)
        sign = -1 if movement in OUT_MOVEMENTS else 1
        running[key] += sign * qty
        lowest[key] = min(lowest[key], running[key])
        (last_out if sign < 0 else last_in)[key] = day
    held = defaultdict(float)  # rejected and not yet returned, or still in inspection
    for gr in receipts:
        if gr["quality_status"] != "unrestricted":
            held[(gr["material_id"], gr["plant_id"], gr["quality_status"])] += gr["quantity_received"]
    for _, material_id, plant, movement, qty, _ in moves:
        if movement == "122":
            held[(material_id, plant, "blocked")] -= qty
    rows = []
    for m in env.materials:
        for plant in env.factories:
            key = (m["material_id"], plant)
            makes = plant in env.product_plants.get(m["product_id"], ()) if m["product_id"] else True
            # A plant holds what it moved in the window or makes itself; every material at every plant
            # would grow with the square of the scale (60,000 rows at scale 10) and mean nothing.
            if key not in running and not (m["product_id"] and makes):
                continue
            buffer = 0.0 if rng.random() < 0.12 or not makes else m["reorder_point"] * rng.uniform(0.3, 1.5)
            stock = round(-lowest[key] + buffer + running[key], 4)
            qi = min(stock, max(0.0, held[(m["material_id"], plant, "quality_inspection")]))
            blocked = min(stock - qi, max(0.0, held[(m["material_id"], plant, "blocked")]))
            rows.append(
                {
                    "balance_id": f"IB-{len(rows) + 1:06d}",
                    "material_id": m["material_id"],
                    "plant_id": plant,
                    "storage_location": warehouse_id(plant, "FG" if m["product_id"] else "RM"),
                    "batch_number": None,
                    "unrestricted_stock": round(stock - qi - blocked, 4),
                    "quality_inspection_stock": round(qi, 4),
                    "blocked_stock": round(blocked, 4),
                    "consignment_stock": 0.0,
                    "in_transit_stock": 0.0,
                    "stock_value": money(stock * m["standard_cost"]),
                    "moving_average_price": m["moving_average_cost"],
                    "last_goods_receipt_date": last_in.get(key),
                    "last_goods_issue_date": last_out.get(key),
                    "last_count_date": ctx.end.date() - timedelta(days=rng.randint(1, 90)),
                    "cycle_count_indicator": m["abc_classification"],
                    "updated_at": ctx.end,
                }
            )
    return rows
