"""genims_planning_db: MRP runs and their elements, from the ERP's stock, orders and receipts.

One MRP run per plant per working day (Monday to Saturday, early morning): regenerative on Mondays (every
material with demand, supply or a stock below safety), net change on the other days (only the materials that
moved or got new orders the day before). For each material planned, over a 14-day horizon, the elements are
what the ERP knew on that morning:
- stock: the on-hand quantity (erp.inventory_transactions rolled back from erp.inventory_balances);
- dependent_requirement (components of production orders not yet issued) or customer_requirement (sales
  order lines not yet shipped), summed, dated at the earliest due date;
- purchase_order or production_order receipts still open, summed, dated at the earliest;
- planned_order when the projected stock falls below safety stock, with exception "shortage".
Exception messages: shortage, excess (projected stock far above the maximum), reschedule (a receipt past due,
or due after the first requirement while stock cannot cover it). About 300 runs and 25k elements at scale 1.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta

from genims_assets.synthetic.context import GenContext
from genims_assets.synthetic.erp import OUT_MOVEMENTS, at

HORIZON = 14


class StockHistory:
    """On-hand quantity per material and plant at the start of any day of the window."""

    def __init__(self, ctx: GenContext) -> None:
        final = {
            (b["material_id"], b["plant_id"]): b["unrestricted_stock"]
            + b["quality_inspection_stock"]
            + b["blocked_stock"]
            for b in ctx.rows("erp", "inventory_balances")
        }
        moves = defaultdict(lambda: defaultdict(float))
        for t in ctx.rows("erp", "inventory_transactions"):
            sign = -1 if t["movement_type"] in OUT_MOVEMENTS else 1
            moves[(t["material_id"], t["plant_id"])][t["posting_date"]] += sign * t["quantity"]
        self.final = final
        self.days, self.after = {}, {}
        for key, by_day in moves.items():
            days = sorted(by_day)
            suffix, running = [], 0.0
            for day in reversed(days):
                running += by_day[day]
                suffix.append(running)
            self.days[key], self.after[key] = days, suffix[::-1]

    def on(self, key: tuple[str, str], day: date) -> float:
        """Stock before the movements of `day`: the closing stock minus every movement from `day` on."""
        days = self.days.get(key)
        if not days:
            return self.final.get(key, 0.0)
        i = bisect_left(days, day)
        return round(self.final.get(key, 0.0) - (self.after[key][i] if i < len(days) else 0.0), 3)


def _documents(ctx: GenContext):
    """Requirements and receipts per (material, plant): (created, due, done, qty, document, line, kind)."""
    parts = defaultdict(list)
    bom_of = {b["bom_id"]: b for b in ctx.rows("erp", "bill_of_materials")}
    for c in ctx.rows("erp", "bom_components"):
        scrap = 1 + c["component_scrap_percentage"] / 100
        parts[bom_of[c["bom_id"]]["parent_material_id"]].append((c["material_id"], c["component_quantity"] * scrap))
    needs, supply, touched = defaultdict(list), defaultdict(list), defaultdict(set)
    for po in ctx.rows("erp", "production_orders"):
        if po["system_status"] == "cancelled":
            continue
        created = po["created_at"].date()
        for material_id, qty in parts[po["material_id"]]:
            needs[(material_id, po["plant_id"])].append(
                (
                    created,
                    po["basic_start_date"],
                    po["actual_start_date"],
                    qty * po["order_quantity"],
                    po["production_order_id"],
                    None,
                )
            )
            touched[(po["plant_id"], created)].add(material_id)
        supply[(po["material_id"], po["plant_id"])].append(
            (
                created,
                po["basic_end_date"],
                po["actual_finish_date"],
                po["order_quantity"],
                po["production_order_id"],
                None,
                "production_order",
            )
        )
        touched[(po["plant_id"], created)].add(po["material_id"])
    shipped = {}
    for t in ctx.rows("erp", "inventory_transactions"):
        touched[(t["plant_id"], t["posting_date"])].add(t["material_id"])
        if t["movement_type"] == "601":
            shipped[(t["sales_order_id"], t["plant_id"])] = t["posting_date"]
    orders = {o["sales_order_id"]: o for o in ctx.rows("erp", "sales_orders")}
    for line in ctx.rows("erp", "sales_order_lines"):
        if line["line_status"] == "cancelled":
            continue
        order = orders[line["sales_order_id"]]
        due = line["confirmed_delivery_date"] or line["requested_delivery_date"]
        needs[(line["material_id"], line["plant_id"])].append(
            (
                order["order_date"],
                due,
                shipped.get((line["sales_order_id"], line["plant_id"])),
                line["order_quantity"],
                line["sales_order_id"],
                line["line_number"],
            )
        )
        touched[(line["plant_id"], order["order_date"])].add(line["material_id"])
    po_of = {o["purchase_order_id"]: o for o in ctx.rows("erp", "purchase_orders")}
    arrivals = defaultdict(list)
    for gr in ctx.rows("erp", "goods_receipts"):
        arrivals[gr["po_line_id"]].append((gr["gr_date"], gr["quantity_received"]))
    for line in ctx.rows("erp", "purchase_order_lines"):
        order = po_of[line["purchase_order_id"]]
        if order["po_status"] == "cancelled":
            continue
        supply[(line["material_id"], line["plant_id"])].append(
            (
                order["po_date"],
                line["delivery_date"],
                arrivals[line["po_line_id"]],
                line["order_quantity"],
                order["purchase_order_id"],
                line["line_number"],
                "purchase_order",
            )
        )
        touched[(line["plant_id"], order["po_date"])].add(line["material_id"])
    return needs, supply, touched


def _open_supply(item, day: date) -> float:
    created, _, done, qty, *_ = item
    if created > day:
        return 0.0
    if isinstance(done, list):  # purchase order line: what has not arrived before `day`
        return max(0.0, qty - sum(q for d, q in done if d < day))
    return qty if done is None or done >= day else 0.0


def generate(ctx: GenContext) -> None:
    """MRP runs (per plant and working day) and their elements."""
    rng = ctx.rng("planning")
    stock = StockHistory(ctx)
    needs, supply, touched = _documents(ctx)
    materials = {m["material_id"]: m for m in ctx.rows("erp", "materials")}
    controllers = {}
    for e in ctx.rows("master", "employees"):
        if e["role"] == "engineer" and e["status"] == "active":
            controllers.setdefault(e["factory_id"], e["employee_id"])
    runs, elements = [], []
    for day in ctx.window_days():
        if day.weekday() == 6 or at(ctx, day, 2) >= ctx.end:
            continue
        regenerative = day.weekday() == 0 or day == ctx.start.date()
        for plant in (f["factory_id"] for f in ctx.rows("master", "factories")):
            run_id = f"MRP-{day:%Y%m%d}-{plant[4:]}"
            failed = rng.random() < 0.01
            keys = sorted(
                {k for k in (*needs, *supply) if k[1] == plant}
                if regenerative
                else {(m, plant) for m in touched[(plant, day - timedelta(days=1))] | touched[(plant, day)]}
            )
            made = (
                [] if failed else [e for key in keys for e in _plan(day, key, materials[key[0]], stock, needs, supply)]
            )
            for n, e in enumerate(made):
                e.update(element_id=f"{run_id}-{n + 1:04d}", mrp_run_id=run_id, created_at=at(ctx, day, 2.3))
            elements += made
            started = at(ctx, day, 2 + rng.uniform(0, 0.2))
            runs.append(
                {
                    "mrp_run_id": run_id,
                    "run_number": f"R{day:%y%m%d}{plant[4:]}",
                    "planning_date": day,
                    "planning_horizon_days": HORIZON,
                    "plant_id": plant,
                    "mrp_controller": controllers.get(plant),
                    "planning_mode": "regenerative" if regenerative else "net_change",
                    "create_purchase_requisitions": True,
                    "create_production_orders": True,
                    "reschedule_open_orders": True,
                    "materials_planned": 0 if failed else len({e["material_id"] for e in made}),
                    "purchase_reqs_created": sum(
                        e["element_type"] == "planned_order" and not materials[e["material_id"]]["product_id"]
                        for e in made
                    ),
                    "production_orders_created": sum(
                        e["element_type"] == "planned_order" and bool(materials[e["material_id"]]["product_id"])
                        for e in made
                    ),
                    "run_status": "error" if failed else "completed",
                    "started_at": started,
                    "completed_at": min(
                        started + timedelta(minutes=rng.uniform(3, 25 if regenerative else 8)), ctx.end
                    ),
                    "created_by": "system",
                    "created_at": started,
                }
            )
    ctx.add("planning", "mrp_runs", runs)
    ctx.add("planning", "mrp_elements", elements)


def _plan(day: date, key: tuple[str, str], m: dict, stock: StockHistory, needs, supply) -> list[dict]:
    """The elements of one material at one plant on the morning of `day` (empty if nothing is going on)."""
    horizon = day + timedelta(days=HORIZON)
    reqs = [r for r in needs.get(key, ()) if r[0] <= day and r[1] <= horizon and (r[2] is None or r[2] >= day)]
    recs = [(r, q) for r in supply.get(key, ()) if r[1] <= horizon and (q := _open_supply(r, day)) > 0]
    on_hand = stock.on(key, day)
    if not reqs and not recs and on_hand >= m["safety_stock"]:
        return []
    material_id, plant = key
    base = {"material_id": material_id, "plant_id": plant, "source_line": None, "exception_message": None}
    out = [
        {
            **base,
            "element_type": "stock",
            "element_date": day,
            "requirement_quantity": None,
            "receipt_quantity": round(on_hand, 4),
            "source_document": None,
        }
    ]
    need = sum(r[3] for r in reqs)
    first_need = min((r[1] for r in reqs), default=None)
    if reqs:
        first = min(reqs, key=lambda r: r[1])
        out.append(
            {
                **base,
                "element_type": "customer_requirement" if m["product_id"] else "dependent_requirement",
                "element_date": first_need,
                "requirement_quantity": round(need, 4),
                "receipt_quantity": None,
                "source_document": first[4],
                "source_line": first[5],
            }
        )
    incoming = sum(q for _, q in recs)
    if recs:
        first, _ = min(recs, key=lambda rq: rq[0][1])
        late = first[1] < day or (first_need is not None and first[1] > first_need and on_hand < need)
        out.append(
            {
                **base,
                "element_type": first[6],
                "element_date": first[1],
                "requirement_quantity": None,
                "receipt_quantity": round(incoming, 4),
                "source_document": first[4],
                "source_line": first[5],
                "exception_message": "reschedule" if late else None,
            }
        )
    projected = on_hand + incoming - need
    if projected < m["safety_stock"]:
        lot = max(m["minimum_order_quantity"], m["safety_stock"] + m["reorder_point"] - projected)
        lot = -(-lot // m["order_multiple"]) * m["order_multiple"]
        out.append(
            {
                **base,
                "element_type": "planned_order",
                "element_date": max(day, (first_need or day) - timedelta(days=m["lead_time_days"])),
                "requirement_quantity": None,
                "receipt_quantity": round(lot, 4),
                "source_document": None,
                "exception_message": "shortage",
            }
        )
    elif projected > 3 * m["maximum_stock"] and recs and out[-1]["exception_message"] is None:
        out[-1]["exception_message"] = "excess"
    return out
