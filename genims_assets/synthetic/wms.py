"""genims_wms_db: warehouses, bins and stock, the tasks that move goods in and out, and the ERP-WMS reconciliation.

Two warehouses per plant (finished goods, raw materials), zones, aisles and ~100 bins at scale 1, ~60 workers.
Everything that moves follows the ERP:
- warehouse_movements: one per erp.inventory_transactions row (same material, quantity, day and bin side);
- receiving_tasks (one per goods receipt, plus tasks for deliveries due), putaway_tasks for the accepted ones;
- pick_waves per finished-goods warehouse and ship day, wave_lines and picking_tasks per order line (a few
  short picks completed by a second task), packing_tasks and shipping_tasks per TMS shipment (the shipping
  task ids are wms.shipping_task_id of the shipment), plus waves, tasks and allocations for orders due next;
- warehouse_inventory per warehouse and material equals erp.inventory_balances (available, quarantine and
  blocked stock in their own bins) except where an open sync error left a difference;
- weekly inventory reconciliations per warehouse compare ERP and WMS quantities for every material in stock
  (ERP history rolled back from the balances); differences come from sync errors (a missed or duplicated
  movement), most resolved by an adjustment within days, some still open. Cycle counts mirror the ERP's
  count adjustments, with zero-variance counts in between.
The queue, the transaction log and the cycle-count integration tables are left empty (their content would
duplicate the movements and the reconciliation).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted

ZONES = {
    "RCV": "receiving",
    "STO": "storage",
    "PCK": "picking",
    "PAK": "packing",
    "SHP": "shipping",
    "STG": "staging",
    "QUA": "quarantine",
}
ROLES = {"receiver": 2, "picker": 3, "packer": 1, "shipper": 1, "supervisor": 1, "forklift_operator": 2}
KINDS = {"FG": "Finished Goods", "RM": "Raw Material"}
HOME_ZONE = {"picker": "PCK", "receiver": "RCV"}
MOVEMENTS = {
    "101": "putaway",
    "101P": "production_receipt",
    "122": "return_to_vendor",
    "261": "issue_to_production",
    "262": "return_from_production",
    "551": "scrap",
    "601": "pick",
    "701": "adjustment",
    "702": "adjustment",
}


def warehouse_id(factory_id: str, kind: str) -> str:
    """The warehouse of a plant: kind "FG" (finished goods) or "RM" (raw materials and components)."""
    return f"WH-{factory_id[4:]}-{kind}"


def shipping_task_id(shipment_id: str) -> str:
    """The WMS shipping task behind a TMS shipment (tms runs first and names it; wms creates it)."""
    return f"SHT-{shipment_id[4:]}"


def _at(ctx: GenContext, day: date, hour: float) -> datetime:
    return min(datetime.combine(day, time()) + timedelta(hours=hour), ctx.end)


class _Site:
    """Warehouses, their bins and workers, with the lookups the task generators need."""

    def __init__(self, ctx: GenContext, rng) -> None:
        created = ctx.start - timedelta(days=600)
        self.warehouses, self.zones, self.aisles, self.bins, self.workers = [], [], [], [], []
        self.bins_of = defaultdict(lambda: defaultdict(list))  # warehouse -> zone type -> bins
        self.crew = defaultdict(lambda: defaultdict(list))  # warehouse -> role -> worker ids
        employees = defaultdict(list)
        for e in ctx.rows("master", "employees"):
            if e["role"] == "operator" and e["status"] == "active":
                employees[e["factory_id"]].append(e)
        factories = ctx.rows("master", "factories")
        per_wh = max(4, round(ctx.count(100) / (2 * len(factories))))
        workers_per_wh = max(len(ROLES), round(ctx.count(60) / (2 * len(factories))))
        for f in factories:
            for kind in ("FG", "RM"):
                wh = warehouse_id(f["factory_id"], kind)
                self.warehouses.append(
                    {
                        "warehouse_id": wh,
                        "warehouse_code": wh[3:],
                        "warehouse_name": f"{f['city']} {KINDS[kind]} Warehouse",
                        "plant_id": f["factory_id"],
                        "address_line1": f"{f['factory_name']}, stores block {kind}",
                        "city": f["city"],
                        "state": None,
                        "country": "India",
                        "postal_code": None,
                        "warehouse_type": "distribution_center" if kind == "FG" else "manufacturing_warehouse",
                        "total_area_sqm": float(rng.randrange(3000, 15000, 100)),
                        "storage_capacity_pallets": rng.randrange(800, 4000, 50),
                        "dock_doors": rng.randint(4, 12),
                        "operates_24x7": kind == "RM",
                        "operating_hours": "06:00-22:00" if kind == "FG" else "24x7",
                        "temperature_controlled": False,
                        "min_temperature_celsius": None,
                        "max_temperature_celsius": None,
                        "is_active": True,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                self._layout(rng, wh, per_wh, created)
                staff = employees[f["factory_id"]]
                roles = [r for r, n in ROLES.items() for _ in range(n)]
                for k in range(workers_per_wh):
                    role = roles[k % len(roles)]
                    e = staff[(len(self.workers) * 7) % len(staff)] if staff else None
                    worker_id = f"WW-{wh[3:]}-{k + 1:02d}"
                    self.crew[wh][role].append(worker_id)
                    self.workers.append(
                        {
                            "worker_id": worker_id,
                            "worker_code": f"W{wh[3:7]}{kind}{k + 1:02d}",
                            "employee_id": e["employee_id"] if e else None,
                            "first_name": e["first_name"] if e else None,
                            "last_name": e["last_name"] if e else None,
                            "warehouse_id": wh,
                            "primary_zone_id": f"{wh}-{HOME_ZONE.get(role, 'STO')}",
                            "worker_role": role,
                            "forklift_certified": role == "forklift_operator" or rng.random() < 0.3,
                            "hazmat_certified": rng.random() < 0.15,
                            "pick_rate_units_per_hour": round(rng.uniform(60, 160), 2),
                            "accuracy_percentage": round(rng.uniform(97, 99.9), 2),
                            "current_shift": weighted(rng, {"day": 3, "evening": 2, "night": 1}),
                            "worker_status": "available",
                            "current_task_id": None,
                            "current_task_type": None,
                            "is_active": True,
                            "created_at": created,
                        }
                    )

    def _layout(self, rng, wh: str, n_bins: int, created) -> None:
        for code, kind in ZONES.items():
            zone_id = f"{wh}-{code}"
            self.zones.append(
                {
                    "zone_id": zone_id,
                    "warehouse_id": wh,
                    "zone_code": code,
                    "zone_name": f"{kind.title()} zone",
                    "zone_type": kind,
                    "area_sqm": float(rng.randrange(150, 2500, 50)),
                    "capacity_pallets": rng.randrange(20, 900, 10),
                    "temperature_zone": "ambient",
                    "restricted_access": kind == "quarantine",
                    "is_active": True,
                    "created_at": created,
                }
            )
        plan = [
            ("STO", max(2, round(n_bins * 0.6))),
            ("PCK", max(1, n_bins - 1 - max(2, round(n_bins * 0.6)))),
            ("QUA", 1),
        ]
        for code, count in plan:
            zone_id = f"{wh}-{code}"
            aisles = [f"{zone_id}-A{k + 1}" for k in range(1 if code == "QUA" else 2)]
            for aisle in aisles:
                self.aisles.append(
                    {
                        "aisle_id": aisle,
                        "zone_id": zone_id,
                        "aisle_code": aisle[-2:],
                        "aisle_length_m": float(rng.randrange(20, 60)),
                        "aisle_width_m": 3.2,
                        "single_deep": True,
                        "double_deep": False,
                        "created_at": created,
                    }
                )
            for k in range(count):
                aisle = aisles[k % len(aisles)]
                bin_id = f"{aisle}-{k // len(aisles) + 1:02d}"
                velocity = "A" if code == "PCK" else weighted(rng, {"A": 1, "B": 2, "C": 2})
                self.bins.append(
                    {
                        "bin_id": bin_id,
                        "warehouse_id": wh,
                        "zone_id": zone_id,
                        "aisle_id": aisle,
                        "bin_code": bin_id[3:],
                        "level": k % 4 + 1,
                        "position": k // 4 + 1,
                        "full_location": f"{wh[3:]}-{aisle[-2:]}-{k % 4 + 1:02d}-{k // 4 + 1:02d}",
                        "bin_type": "floor" if code == "QUA" else "shelf" if code == "PCK" else "pallet",
                        "length_cm": 120.0,
                        "width_cm": 100.0,
                        "height_cm": 150.0,
                        "weight_capacity_kg": 1000.0,
                        "dedicated_material_id": None,
                        "mixed_storage": True,
                        "velocity_class": velocity,
                        "hazmat_approved": False,
                        "temperature_controlled": False,
                        "bin_status": "available",
                        "current_occupancy_pct": 0.0,
                        "last_putaway_date": None,
                        "last_pick_date": None,
                        "created_at": created,
                    }
                )
                self.bins_of[wh][ZONES[code]].append(bin_id)

    def bin_for(self, wh: str, material_id: str, zone: str = "storage") -> str:
        """The bin a material lives in: fixed per material, so stock, moves and counts agree."""
        bins = self.bins_of[wh][zone] or self.bins_of[wh]["storage"]
        return bins[int(material_id[4:]) % len(bins)]

    def worker(self, rng, wh: str, *roles: str) -> str | None:
        for role in roles:
            if self.crew[wh][role]:
                return rng.choice(self.crew[wh][role])
        return None


def generate(ctx: GenContext) -> None:
    """Warehouse layout, tasks, stock and the ERP-WMS reconciliation."""
    rng = ctx.rng("wms")
    site = _Site(ctx, rng)
    ctx.add("wms", "warehouses", site.warehouses)
    ctx.add("wms", "warehouse_zones", site.zones)
    ctx.add("wms", "warehouse_aisles", site.aisles)
    ctx.add("wms", "warehouse_workers", site.workers)
    _equipment_and_rules(ctx, rng, site)
    receiving = _inbound(ctx, rng, site)
    picks = _outbound(ctx, rng, site)
    _movements(ctx, rng, site, receiving, picks)
    gaps = _sync_gaps(ctx, rng, site)
    _stock(ctx, rng, site, gaps)
    ctx.add("wms", "storage_bins", site.bins)
    # imported here, not at the top: planning imports erp, which imports this module
    from genims_assets.synthetic.planning import StockHistory

    stock = StockHistory(ctx)  # the ERP's on-hand quantity on any day
    _reconciliation(ctx, rng, site, gaps, stock)
    _cycle_counts(ctx, rng, site, stock)


def _equipment_and_rules(ctx: GenContext, rng, site: _Site) -> None:
    created = ctx.start - timedelta(days=600)
    equipment, rules, mappings = [], [], []
    kinds = [
        ("forklift", 2500.0, 6.0),
        ("reach_truck", 1600.0, 10.5),
        ("pallet_jack", 2000.0, 0.2),
        ("order_picker", 1000.0, 9.0),
    ]
    for wh in site.warehouses:
        w = wh["warehouse_id"]
        for k, (kind, capacity, lift) in enumerate(rng.sample(kinds, 3)):
            serviced = ctx.end.date() - timedelta(days=rng.randint(5, 80))
            equipment.append(
                {
                    "equipment_id": f"EQ-{w[3:]}-{k + 1}",
                    "equipment_code": f"{w[3:]}{kind[:2].upper()}{k + 1}",
                    "equipment_name": f"{kind.replace('_', ' ').title()} {k + 1}",
                    "equipment_type": kind,
                    "warehouse_id": w,
                    "capacity_kg": capacity,
                    "max_lift_height_m": lift,
                    "equipment_status": weighted(rng, {"available": 6, "in_use": 3, "maintenance": 1}),
                    "assigned_to": site.worker(rng, w, "forklift_operator")
                    if kind in ("forklift", "reach_truck")
                    else None,
                    "last_maintenance_date": serviced,
                    "next_maintenance_date": serviced + timedelta(days=90),
                    "maintenance_hours": 250,
                    "total_hours": round(rng.uniform(800, 9000), 2),
                    "is_active": True,
                    "created_at": created,
                }
            )
        for velocity, strategy, zone in (("A", "abc_slotting", "PCK"), ("B", "fifo", "STO"), ("C", "random", "STO")):
            rules.append(
                {
                    "rule_id": f"SR-{w[3:]}-{velocity}",
                    "rule_name": f"{velocity}-class items to {ZONES[zone]}",
                    "warehouse_id": w,
                    "material_type": "finished_good" if w.endswith("FG") else None,
                    "velocity_class": velocity,
                    "product_family": None,
                    "zone_type": ZONES[zone],
                    "zone_id": f"{w}-{zone}",
                    "strategy_type": strategy,
                    "priority": {"A": 1, "B": 5, "C": 9}[velocity],
                    "is_active": True,
                    "created_at": created,
                }
            )
        mappings.append(
            {
                "mapping_id": f"ISM-{w[3:]}",
                "erp_location_id": wh["plant_id"],
                "erp_location_type": "factory",
                "wms_warehouse_id": w,
                "is_active": True,
                "sync_enabled": True,
                "sync_mode": "real_time",
                "last_sync_timestamp": ctx.end - timedelta(minutes=rng.randint(1, 30)),
                "last_sync_status": "success",
                "created_at": created,
                "updated_at": ctx.end,
            }
        )
    ctx.add("wms", "warehouse_equipment", equipment)
    ctx.add("wms", "slotting_rules", rules)
    ctx.add("wms", "inventory_sync_mappings", mappings)


def _inbound(ctx: GenContext, rng, site: _Site) -> dict[str, str]:
    """A receiving task per goods receipt (and per delivery due), a putaway for what was accepted."""
    materials = {m["material_id"]: m for m in ctx.rows("erp", "materials")}
    tasks, putaways, task_of = [], [], {}
    for n, gr in enumerate(ctx.rows("erp", "goods_receipts")):
        wh, m = gr["storage_location"], materials[gr["material_id"]]
        done = gr["created_at"]
        started = max(done - timedelta(minutes=rng.randint(15, 60)), ctx.start)
        task_id = f"RCV-{n + 1:06d}"
        task_of[gr["goods_receipt_id"]] = task_id
        status = {"blocked": "failed", "quality_inspection": "pending"}.get(
            gr["quality_status"], "passed" if m["inspection_required"] else None
        )
        tasks.append(
            _receiving(
                task_id,
                gr["purchase_order_id"],
                gr["po_line_id"],
                gr["goods_receipt_id"],
                wh,
                gr["material_id"],
                gr["quantity_received"],
                gr["quantity_received"],
                gr["unit_of_measure"],
                gr["batch_number"],
                m["inspection_required"],
                status,
                "completed",
                site.worker(rng, wh, "receiver"),
                _at(ctx, gr["gr_date"], 7),
                started,
                done,
                started,
                rng,
            )
        )
        if gr["quality_status"] == "blocked":
            continue
        finished = done + timedelta(minutes=rng.randint(20, 240))
        zone = "quarantine" if gr["quality_status"] == "quality_inspection" else "storage"
        putaways.append(
            {
                "putaway_task_id": f"PUT-{n + 1:06d}",
                "task_number": f"PA{n + 1:08d}",
                "receiving_task_id": task_id,
                "material_id": gr["material_id"],
                "quantity": gr["quantity_received"],
                "unit_of_measure": gr["unit_of_measure"],
                "batch_number": gr["batch_number"],
                "lpn": f"LPN{n + 1:08d}",
                "warehouse_id": wh,
                "from_location": f"{wh}-STG",
                "to_bin_id": site.bin_for(wh, gr["material_id"], zone),
                "putaway_strategy": weighted(rng, {"fixed_bin": 3, "abc_slotting": 2, "nearest_empty": 1, "fifo": 1}),
                "task_status": "completed" if finished <= ctx.end else "in_progress",
                "assigned_to": site.worker(rng, wh, "forklift_operator"),
                "priority": 5,
                "created_at": done,
                "assigned_at": done,
                "started_at": min(done + timedelta(minutes=10), ctx.end),
                "completed_at": finished if finished <= ctx.end else None,
                "equipment_used": weighted(rng, {"forklift": 3, "pallet_jack": 2, "manual": 1}),
                "notes": None,
            }
        )
    for line in ctx.rows("erp", "purchase_order_lines"):
        due = line["delivery_date"]
        if line["line_status"] in (
            "open",
            "partially_received",
        ) and ctx.end.date() <= due <= ctx.end.date() + timedelta(days=2):
            task_id = f"RCV-{len(tasks) + 1:06d}"
            tasks.append(
                _receiving(
                    task_id,
                    line["purchase_order_id"],
                    line["po_line_id"],
                    None,
                    line["storage_location"],
                    line["material_id"],
                    line["order_quantity"] - line["received_quantity"],
                    0.0,
                    line["unit_of_measure"],
                    None,
                    line["quality_inspection_required"],
                    None,
                    "pending",
                    None,
                    _at(ctx, due, 9) if due > ctx.end.date() else ctx.end,
                    None,
                    None,
                    ctx.end - timedelta(hours=rng.uniform(1, 30)),
                    rng,
                )
            )
    ctx.add("wms", "receiving_tasks", tasks)
    ctx.add("wms", "putaway_tasks", putaways)
    return task_of


def _receiving(
    task_id,
    po,
    po_line,
    gr,
    wh,
    material,
    expected,
    received,
    uom,
    batch,
    inspect,
    inspection,
    status,
    worker,
    scheduled,
    started,
    done,
    created,
    rng,
) -> dict:
    return {
        "receiving_task_id": task_id,
        "task_number": f"RT{task_id[4:]}",
        "purchase_order_id": po,
        "po_line_id": po_line,
        "goods_receipt_id": gr,
        "warehouse_id": wh,
        "receiving_dock": f"D{rng.randint(1, 4)}",
        "material_id": material,
        "expected_quantity": expected,
        "received_quantity": received,
        "unit_of_measure": uom,
        "batch_number": batch,
        "supplier_lot_number": f"SL{rng.randint(10**5, 10**6)}" if gr else None,
        "quality_inspection_required": inspect,
        "inspection_status": inspection,
        "task_status": status,
        "assigned_to": worker,
        "scheduled_date": scheduled,
        "started_at": started,
        "completed_at": done,
        "notes": "Rejected at incoming inspection" if inspection == "failed" else None,
        "created_at": created,
    }


def _outbound(ctx: GenContext, rng, site: _Site) -> dict[tuple[str, str], str]:
    """Waves, picks, packing and shipping for every TMS shipment, and for the orders due next."""
    lines_of = defaultdict(list)
    for line in ctx.rows("tms", "shipment_lines"):
        lines_of[line["shipment_id"]].append(line)
    groups = defaultdict(list)
    for s in ctx.rows("tms", "shipments"):
        groups[(s["warehouse_id"], s["ship_date"])].append(s)
    out = _Outbound()
    for (wh, ship), shipments in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # picked the afternoon before the ship day, or early that morning when the window starts on it
        day, hour = (ship - timedelta(days=1), 14.0) if ship - timedelta(days=1) >= ctx.start.date() else (ship, 6.0)
        wave = out.wave(ctx, rng, wh, day, ship, hour)
        clock = _at(ctx, day, hour)
        for s in shipments:
            picked = clock
            for line in lines_of[s["shipment_id"]]:
                picked = out.pick(
                    ctx,
                    rng,
                    site,
                    wave,
                    s["sales_order_id"],
                    line["sales_order_line_id"],
                    line["material_id"],
                    line["quantity"],
                    line["unit_of_measure"],
                    wh,
                    picked,
                    done=True,
                )
            packed = picked + timedelta(minutes=rng.randint(10, 40))
            out.pack(ctx, rng, site, wave, s, wh, picked, packed)
            loaded = min(max(s["created_at"], packed + timedelta(minutes=10)), ctx.end)
            out.ship(ctx, rng, site, s, wh, min(packed, loaded), loaded)
            clock = picked
        out.close_wave(wave, clock)
    _due_next(ctx, rng, site, out)
    ctx.add("wms", "pick_waves", out.waves)
    ctx.add("wms", "wave_lines", out.wave_lines)
    ctx.add("wms", "picking_tasks", out.picks)
    ctx.add("wms", "packing_tasks", out.packs)
    ctx.add("wms", "shipping_tasks", out.ships)
    ctx.add("wms", "inventory_allocations", out.allocations)
    return out.first_pick


class _Outbound:
    def __init__(self) -> None:
        self.waves, self.wave_lines, self.picks, self.packs, self.ships, self.allocations = [], [], [], [], [], []
        self.first_pick: dict[tuple[str, str], str] = {}

    def wave(self, ctx, rng, wh, day, ship, hour, status="completed") -> dict:
        wave = {
            "wave_id": f"WAV-{len(self.waves) + 1:05d}",
            "wave_number": f"W{day:%y%m%d}{len(self.waves) + 1:05d}",
            "warehouse_id": wh,
            "wave_type": "discrete",
            "planned_pick_date": day,
            "planned_ship_date": ship,
            "priority": "normal",
            "wave_status": status,
            "total_orders": 0,
            "total_lines": 0,
            "total_units": 0.0,
            "picked_orders": 0,
            "picked_lines": 0,
            "picked_units": 0.0,
            "created_at": _at(ctx, day, hour - 1),
            "released_at": _at(ctx, day, hour - 0.5) if status != "created" else None,
            "completed_at": None,
            "created_by": "wave-planner",
            "released_by": "wave-planner" if status != "created" else None,
        }
        self.waves.append(wave)
        return wave

    def close_wave(self, wave: dict, done) -> None:
        orders = {line["sales_order_id"] for line in self.wave_lines if line["wave_id"] == wave["wave_id"]}
        wave.update(
            wave_type="batch" if len(orders) > 2 else "discrete",
            total_orders=len(orders),
            picked_orders=len(orders),
            completed_at=done,
        )

    def pick(self, ctx, rng, site, wave, so_id, sol_id, material_id, qty, uom, wh, clock, done: bool):
        line_id = f"WL-{len(self.wave_lines) + 1:06d}"
        status = "picked" if done else weighted(rng, {"allocated": 2, "picking": 1})
        self.wave_lines.append(
            {
                "wave_line_id": line_id,
                "wave_id": wave["wave_id"],
                "line_number": wave["total_lines"] + 1,
                "sales_order_id": so_id,
                "sales_order_line_id": sol_id,
                "material_id": material_id,
                "ordered_quantity": qty,
                "allocated_quantity": qty,
                "picked_quantity": qty if done else 0.0,
                "unit_of_measure": uom,
                "line_status": status,
                "created_at": wave["created_at"],
            }
        )
        wave["total_lines"] += 1
        wave["total_units"] += qty
        # a short pick (the first one always): the rest is picked by a second task
        short = done and (rng.random() < 0.02 or not self.picks)
        parts = [round(qty * rng.uniform(0.5, 0.95)), None] if short else [qty]
        parts[-1] = qty - sum(p for p in parts[:-1])
        picker = site.worker(rng, wh, "picker")
        for k, part in enumerate(parts):
            start = clock + timedelta(minutes=rng.randint(2, 10))
            finish = start + timedelta(minutes=rng.randint(4, 25))
            state = "completed" if done else "in_progress" if status == "picking" and k == 0 else "pending"
            task_id = f"PCK-{len(self.picks) + 1:06d}"
            self.first_pick.setdefault((so_id, material_id), task_id)
            self.picks.append(
                {
                    "picking_task_id": task_id,
                    "task_number": f"PT{len(self.picks) + 1:08d}",
                    "wave_id": wave["wave_id"],
                    "wave_line_id": line_id,
                    "sales_order_id": so_id,
                    "material_id": material_id,
                    "quantity_to_pick": qty - sum(parts[:k]),
                    "quantity_picked": part if done else 0.0,
                    "unit_of_measure": uom,
                    "warehouse_id": wh,
                    "pick_from_bin_id": site.bin_for(wh, material_id),
                    "pick_from_location": None,
                    "stage_to_location": f"{wh}-STG",
                    "batch_number": None,
                    "serial_numbers": None,
                    "task_type": "wave",
                    "pick_sequence": wave["total_lines"],
                    "task_status": state,
                    "assigned_to": picker,
                    "created_at": wave["created_at"],
                    "assigned_at": wave["released_at"] if state != "pending" else None,
                    "started_at": min(start, ctx.end) if state != "pending" else None,
                    "completed_at": min(finish, ctx.end) if done else None,
                    "requires_verification": qty > 500,
                    "verified_by": site.worker(rng, wh, "supervisor") if done and qty > 500 else None,
                    "verified_at": min(finish + timedelta(minutes=5), ctx.end) if done and qty > 500 else None,
                    "notes": "Short pick: bin empty, remainder picked by the next task" if short and k == 0 else None,
                }
            )
            clock = finish
        if done:
            wave["picked_lines"] += 1
            wave["picked_units"] += qty
        return min(clock, ctx.end)

    def pack(self, ctx, rng, site, wave, s, wh, picked, packed, status="completed") -> None:
        done = status == "completed"
        self.packs.append(
            {
                "packing_task_id": f"PAK-{len(self.packs) + 1:06d}",
                "task_number": f"PK{len(self.packs) + 1:08d}",
                "sales_order_id": s["sales_order_id"],
                "wave_id": wave["wave_id"],
                "warehouse_id": wh,
                "packing_station": f"PS{rng.randint(1, 4)}",
                "package_type": "box" if s.get("shipment_type") == "parcel" else "pallet",
                "package_weight_kg": s.get("total_weight_kg"),
                "package_length_cm": 120.0,
                "package_width_cm": 100.0,
                "package_height_cm": 140.0,
                "tracking_number": s.get("tracking_number"),
                "shipment_id": s.get("shipment_id"),
                "task_status": status,
                "assigned_to": site.worker(rng, wh, "packer"),
                "created_at": wave["created_at"],
                "started_at": min(picked, ctx.end) if done else None,
                "completed_at": min(packed, ctx.end) if done else None,
                "box_id": f"BX{len(self.packs) + 1:07d}" if done else None,
                "packing_materials": '["stretch film", "corner boards"]',
                "notes": None,
            }
        )

    def ship(self, ctx, rng, site, s, wh, start, done, status="completed") -> None:
        finished = status == "completed"
        self.ships.append(
            {
                "shipping_task_id": shipping_task_id(s["shipment_id"])
                if s.get("shipment_id")
                else f"SHT-P{len(self.ships) + 1:05d}",
                "task_number": f"ST{len(self.ships) + 1:08d}",
                "sales_order_id": s["sales_order_id"],
                "warehouse_id": wh,
                "shipping_dock": f"D{rng.randint(1, 6)}",
                "shipment_id": s.get("shipment_id"),
                "carrier_id": s.get("carrier_id"),
                "carrier_service": s.get("service_id"),
                "number_of_packages": s.get("number_of_packages"),
                "total_weight_kg": s.get("total_weight_kg"),
                "total_volume_m3": s.get("total_volume_m3"),
                "task_status": status,
                "scheduled_ship_date": s["ship_date"],
                "actual_ship_date": s["ship_date"] if finished else None,
                "scheduled_ship_time": time(14),
                "actual_ship_time": done.time() if finished else None,
                "assigned_to": site.worker(rng, wh, "shipper"),
                "bol_number": s.get("bol_number"),
                "bol_generated": finished,
                "carrier_pickup_confirmed": finished,
                "carrier_pickup_time": done if finished else None,
                "created_at": min(start, ctx.end),
                "completed_at": done if finished else None,
                "notes": None,
            }
        )


def _due_next(ctx: GenContext, rng, site: _Site, out: _Outbound) -> None:
    """Open orders due to ship by tomorrow: allocated stock, a released wave, tasks under way or pending."""
    orders = {o["sales_order_id"]: o for o in ctx.rows("erp", "sales_orders")}
    today = ctx.end.date()
    groups = defaultdict(list)
    for line in ctx.rows("erp", "sales_order_lines"):
        o = orders[line["sales_order_id"]]
        due = o["confirmed_delivery_date"]
        if o["order_status"] == "confirmed" and due and due - timedelta(days=2) <= today + timedelta(days=1):
            groups[warehouse_id(line["plant_id"], "FG")].append(line)
    for wh, lines in sorted(groups.items()):
        wave = out.wave(ctx, rng, wh, today, today + timedelta(days=1), max(1.0, ctx.end.hour - 2), status="released")
        clock = _at(ctx, today, max(1.0, ctx.end.hour - 2))
        by_order = defaultdict(list)
        for line in lines:
            by_order[line["sales_order_id"]].append(line)
            out.pick(
                ctx,
                rng,
                site,
                wave,
                line["sales_order_id"],
                line["sales_order_line_id"],
                line["material_id"],
                line["order_quantity"],
                line["unit_of_measure"],
                wh,
                clock,
                done=False,
            )
            out.allocations.append(
                {
                    "allocation_id": f"ALC-{len(out.allocations) + 1:06d}",
                    "source_type": "sales_order",
                    "source_document_id": line["sales_order_id"],
                    "source_line_number": line["line_number"],
                    "material_id": line["material_id"],
                    "allocated_quantity": line["order_quantity"],
                    "unit_of_measure": "EA",
                    "location_id": wh,
                    "wms_reservation_id": f"RSV-{len(out.allocations) + 1:06d}",
                    "bin_location": site.bin_for(wh, line["material_id"]),
                    "allocation_status": "allocated",
                    "allocation_date": wave["created_at"],
                    "required_date": orders[line["sales_order_id"]]["confirmed_delivery_date"],
                    "picked_quantity": 0.0,
                    "shipped_quantity": 0.0,
                    "synced_to_wms": True,
                    "wms_sync_timestamp": wave["created_at"],
                    "created_at": wave["created_at"],
                    "updated_at": wave["created_at"],
                }
            )
        wave["total_orders"] = len(by_order)
        for so_id in sorted(by_order):
            pending = {"sales_order_id": so_id, "ship_date": today + timedelta(days=1)}
            out.pack(ctx, rng, site, wave, pending, wh, clock, clock, status="pending")
            out.ship(ctx, rng, site, pending, wh, clock, clock, status="pending")


def _movements(ctx: GenContext, rng, site: _Site, receiving: dict[str, str], picks: dict) -> None:
    """A warehouse movement for every ERP stock movement, on the same side of the same bin."""
    receipts = {gr["goods_receipt_id"]: gr for gr in ctx.rows("erp", "goods_receipts")}
    rows = []
    for n, t in enumerate(ctx.rows("erp", "inventory_transactions")):
        wh, movement = t["storage_location"], t["movement_type"]
        gr = receipts.get(t["goods_receipt_id"])
        held = gr is not None and gr["quality_status"] != "unrestricted"
        bin_id = site.bin_for(wh, t["material_id"], "quarantine" if held else "storage")
        inbound = movement in ("101", "262", "701")
        kind = MOVEMENTS["101P" if movement == "101" and t["production_order_id"] else movement]
        if movement == "101" and gr:
            ref = ("receiving_task", receiving[gr["goods_receipt_id"]])
        elif movement == "601":
            ref = ("picking_task", picks.get((t["sales_order_id"], t["material_id"])))
        elif t["production_order_id"]:
            ref = ("production_order", t["production_order_id"])
        else:
            ref = ("inventory_transaction", t["transaction_id"])
        rows.append(
            {
                "movement_id": f"MV-{n + 1:07d}",
                "movement_number": f"M{n + 1:09d}",
                "material_id": t["material_id"],
                "quantity": t["quantity"],
                "unit_of_measure": t["unit_of_measure"],
                "batch_number": t["batch_number"],
                "lpn": None,
                "movement_type": kind,
                "warehouse_id": wh,
                "from_bin_id": None if inbound else bin_id,
                "to_bin_id": bin_id if inbound else None,
                "reference_document_type": ref[0],
                "reference_document_id": ref[1],
                "performed_by": site.worker(rng, wh, "forklift_operator" if inbound else "picker"),
                "movement_timestamp": t["created_at"],
                "equipment_used": f"EQ-{wh[3:]}-1" if inbound else None,
                "notes": t["reason_text"],
            }
        )
    ctx.add("wms", "warehouse_movements", rows)


def _sync_gaps(ctx: GenContext, rng, site: _Site) -> list[dict]:
    """ERP-WMS differences: a movement missed or booked twice by the interface, most corrected within days."""
    balances = [b for b in ctx.rows("erp", "inventory_balances") if b["unrestricted_stock"] >= 5]
    days = ctx.window_days()
    gaps, errors, adjustments = [], [], []
    for n in range(ctx.count(30 * ctx.days / 90, minimum=3) if balances else 0):
        b = rng.choice(balances)
        start = rng.choice(days[:-1] or days)
        fixed = start + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.7 else None
        if n < 2:  # one corrected and one still open, both seen by a weekly reconciliation, at any scale
            start, fixed = days[0], (days[0] + timedelta(days=8) if n == 0 else None)
        fixed = fixed if fixed and fixed < ctx.end.date() else None
        delta = float(max(1, round(b["unrestricted_stock"] * rng.uniform(0.01, 0.08)))) * rng.choice([-1, 1])
        kind = weighted(rng, {"missing_transaction": 2, "duplicate_transaction": 1, "quantity_mismatch": 2})
        gap = {
            "warehouse_id": b["storage_location"],
            "material_id": b["material_id"],
            "plant_id": b["plant_id"],
            "start": start,
            "end": fixed,
            "delta": delta,
            "kind": kind,
        }
        gaps.append(gap)
        raised = _at(ctx, start, rng.uniform(6, 20))
        errors.append(
            {
                "error_id": f"ISE-{len(errors) + 1:05d}",
                "error_timestamp": raised,
                "error_type": kind,
                "error_message": f"{kind.replace('_', ' ')}: WMS differs from ERP by {delta:+g}",
                "error_details": {"delta": delta, "warehouse": gap["warehouse_id"]},
                "queue_id": None,
                "material_id": b["material_id"],
                "location_id": gap["warehouse_id"],
                "error_status": "resolved" if fixed else "open",
                "resolved_at": _at(ctx, fixed, 15) if fixed else None,
                "resolved_by": site.worker(rng, gap["warehouse_id"], "supervisor") if fixed else None,
                "resolution_notes": "Adjustment posted after recount" if fixed else None,
                "retry_attempted": True,
                "retry_count": rng.randint(1, 3),
            }
        )
        if fixed:
            adjustments.append(
                _adjustment(
                    ctx,
                    len(adjustments),
                    "WMS",
                    "sync_correction",
                    fixed,
                    b["material_id"],
                    gap["warehouse_id"],
                    -delta,
                    b,
                    "Interface difference corrected",
                )
            )
    for _ in range(ctx.count(40 * ctx.days / 90, minimum=2)):  # transient interface errors, retried within the hour
        wh = rng.choice(site.warehouses)["warehouse_id"]
        raised = _at(ctx, rng.choice(days), rng.uniform(0, 23))
        kind = weighted(rng, {"timeout": 3, "validation_error": 1, "mapping_error": 1})
        done = raised + timedelta(minutes=rng.randint(2, 55))
        errors.append(
            {
                "error_id": f"ISE-{len(errors) + 1:05d}",
                "error_timestamp": raised,
                "error_type": kind,
                "error_message": f"{kind.replace('_', ' ')} while posting a movement",
                "error_details": {"warehouse": wh},
                "queue_id": None,
                "material_id": None,
                "location_id": wh,
                "error_status": "resolved" if done <= ctx.end else "open",
                "resolved_at": done if done <= ctx.end else None,
                "resolved_by": "auto-retry" if done <= ctx.end else None,
                "resolution_notes": "Succeeded on retry" if done <= ctx.end else None,
                "retry_attempted": True,
                "retry_count": 1,
            }
        )
    errors.sort(key=lambda e: e["error_timestamp"])
    for k, e in enumerate(errors):
        e["error_id"] = f"ISE-{k + 1:05d}"
    balance_of = {(b["material_id"], b["plant_id"]): b for b in ctx.rows("erp", "inventory_balances")}
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] in ("701", "702", "551"):
            sign = 1 if t["movement_type"] == "701" else -1
            adjustments.append(
                _adjustment(
                    ctx,
                    len(adjustments),
                    "WMS",
                    t["reason_code"].lower(),
                    t["posting_date"],
                    t["material_id"],
                    t["storage_location"],
                    sign * t["quantity"],
                    balance_of[(t["material_id"], t["plant_id"])],
                    t["reason_text"],
                    t["transaction_id"],
                )
            )
    ctx.add("wms", "inventory_sync_errors", errors)
    ctx.add("wms", "inventory_adjustments_sync", adjustments)
    return gaps


def _adjustment(ctx, n, source, kind, day, material_id, wh, qty, balance, reason, target=None) -> dict:
    price = (
        balance["stock_value"]
        / max(1e-9, balance["unrestricted_stock"] + balance["quality_inspection_stock"] + balance["blocked_stock"])
        if balance["stock_value"]
        else 0.0
    )
    return {
        "sync_id": f"IAS-{n + 1:05d}",
        "source_system": source,
        "adjustment_type": kind,
        "adjustment_document_id": f"ADJ-{n + 1:06d}",
        "adjustment_date": day,
        "material_id": material_id,
        "location_id": wh,
        "bin_location": None,
        "quantity_before": None,
        "quantity_after": None,
        "adjustment_quantity": qty,
        "value_before": None,
        "value_after": None,
        "adjustment_value": money(qty * price),
        "adjustment_reason": reason,
        "sync_status": "synced",
        "synced_to_system": "ERP",
        "synced_at": _at(ctx, day, 18),
        "target_transaction_id": target,
        "error_message": None,
        "created_at": _at(ctx, day, 17),
    }


def _open_gaps(gaps_by_key: dict[tuple[str, str], list[dict]], key: tuple[str, str], day: date) -> list[dict]:
    """Sync gaps of one warehouse and material open on `day` (gaps indexed by key: scale 10 has many)."""
    return [g for g in gaps_by_key.get(key, ()) if g["start"] <= day and (g["end"] is None or day < g["end"])]


def _stock(ctx: GenContext, rng, site: _Site, gaps: list[dict]) -> None:
    """Stock per warehouse, bin and status as the ERP has it, plus open interface differences; the snapshot."""
    materials = {m["material_id"]: m for m in ctx.rows("erp", "materials")}
    reserved = defaultdict(float)
    for a in ctx.rows("wms", "inventory_allocations"):
        reserved[(a["location_id"], a["material_id"])] += a["allocated_quantity"]
    last_move = {}
    for mv in ctx.rows("wms", "warehouse_movements"):
        last_move[(mv["warehouse_id"], mv["material_id"])] = mv["movement_timestamp"]
    today = ctx.end.date()
    gaps_by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in gaps:
        gaps_by_key[(g["warehouse_id"], g["material_id"])].append(g)
    rows, snapshot, occupied = [], [], defaultdict(float)
    for b in ctx.rows("erp", "inventory_balances"):
        wh, m = b["storage_location"], materials[b["material_id"]]
        key = (wh, b["material_id"])
        erp_total = b["unrestricted_stock"] + b["quality_inspection_stock"] + b["blocked_stock"]
        delta = sum(g["delta"] for g in _open_gaps(gaps_by_key, key, today))
        available = max(0.0, b["unrestricted_stock"] + delta)
        held = min(reserved[key], available)
        made = today - timedelta(days=rng.randint(3, 120))
        for status, qty, zone in (
            ("available", available, "storage"),
            ("quarantine", b["quality_inspection_stock"], "quarantine"),
            ("blocked", b["blocked_stock"], "quarantine"),
        ):
            if qty <= 0:
                continue
            bin_id = site.bin_for(wh, b["material_id"], zone)
            occupied[bin_id] += 1
            rows.append(
                {
                    "inventory_id": f"INV-{len(rows) + 1:06d}",
                    "warehouse_id": wh,
                    "bin_id": bin_id,
                    "material_id": b["material_id"],
                    "batch_number": f"B{made:%y%m%d}",
                    "serial_number": None,
                    "quantity_on_hand": round(qty, 4),
                    "unit_of_measure": m["base_unit_of_measure"],
                    "stock_status": status,
                    "lot_number": f"L{made:%y%m%d}",
                    "manufacture_date": made if m["product_id"] else None,
                    "expiry_date": made + timedelta(days=m["shelf_life_days"]) if m["shelf_life_days"] else None,
                    "retest_date": None,
                    "pallet_id": None,
                    "lpn": None,
                    "damaged": status == "blocked",
                    "reserved_quantity": round(held, 4) if status == "available" else 0.0,
                    "available_quantity": round(qty - held, 4) if status == "available" else 0.0,
                    "last_movement_date": last_move.get(key),
                    "last_cycle_count_date": _at(ctx, b["last_count_date"], 10),
                    "updated_at": ctx.end,
                }
            )
        wms_total = available + b["quality_inspection_stock"] + b["blocked_stock"]
        snapshot.append(
            {
                "snapshot_id": f"SNP-{len(snapshot) + 1:06d}",
                "material_id": b["material_id"],
                "location_id": wh,
                "erp_on_hand": round(erp_total, 4),
                "erp_allocated": round(reserved[key], 4),
                "erp_available": round(max(0.0, b["unrestricted_stock"] - reserved[key]), 4),
                "wms_on_hand": round(wms_total, 4),
                "wms_allocated": round(held, 4),
                "wms_available": round(available - held, 4),
                "variance_quantity": round(wms_total - erp_total, 4),
                "sync_status": "in_sync" if abs(wms_total - erp_total) < 1e-6 else "out_of_sync",
                "last_erp_update": _at(ctx, b["last_goods_issue_date"] or b["last_goods_receipt_date"] or today, 12),
                "last_wms_update": last_move.get(key) or ctx.start,
                "last_sync_timestamp": ctx.end - timedelta(minutes=5),
            }
        )
    for bin_row in site.bins:
        n = occupied.get(bin_row["bin_id"], 0)
        bin_row.update(bin_status="occupied" if n else "available", current_occupancy_pct=min(100.0, round(n * 7.5, 2)))
    ctx.add("wms", "warehouse_inventory", rows)
    ctx.add("wms", "inventory_snapshot", snapshot)


def _reconciliation(ctx: GenContext, rng, site: _Site, gaps: list[dict], stock) -> None:
    """Weekly (Monday) ERP vs WMS comparison per warehouse for every material in stock; daily sync metrics."""
    materials = {m["material_id"]: m for m in ctx.rows("erp", "materials")}
    per_wh = defaultdict(list)
    for b in ctx.rows("erp", "inventory_balances"):
        per_wh[b["storage_location"]].append((b["material_id"], b["plant_id"]))
    heads, lines, recon_days = [], [], defaultdict(lambda: [0, 0.0])
    gaps_by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in gaps:
        gaps_by_key[(g["warehouse_id"], g["material_id"])].append(g)
    for day in ctx.window_days():
        if day.weekday() != 0 or _at(ctx, day, 6) >= ctx.end:
            continue
        for wh in sorted(per_wh):
            rec_id = f"REC-{day:%Y%m%d}-{wh[3:]}"
            own, matched, variance_value = [], 0, 0.0
            for material_id, plant in per_wh[wh]:
                erp = stock.on((material_id, plant), day)
                open_gaps = _open_gaps(gaps_by_key, (wh, material_id), day)
                delta = sum(g["delta"] for g in open_gaps)
                if erp <= 0 and not delta:
                    continue
                wms = max(0.0, erp + delta)
                cost = materials[material_id]["standard_cost"]
                diff = round(wms - erp, 4)
                gap = open_gaps[0] if open_gaps else None
                matched += not diff
                variance_value += diff * cost
                own.append(
                    {
                        "line_id": f"{rec_id}-{len(own) + 1:04d}",
                        "reconciliation_id": rec_id,
                        "line_number": len(own) + 1,
                        "material_id": material_id,
                        "location_id": wh,
                        "erp_quantity": round(erp, 4),
                        "erp_value": money(erp * cost),
                        "wms_quantity": round(wms, 4),
                        "wms_value": money(wms * cost),
                        "variance_quantity": diff,
                        "variance_value": money(diff * cost),
                        "variance_pct": round(min(999.99, abs(diff) / erp * 100), 2)
                        if erp
                        else (100.0 if diff else 0.0),
                        "wms_bin_details": [{"bin": site.bin_for(wh, material_id), "quantity": round(wms, 4)}],
                        "variance_reason": gap["kind"].replace("_", " ") if gap else None,
                        "variance_status": "matched"
                        if not diff
                        else "adjusted"
                        if gap and gap["end"]
                        else "under_review",
                        "adjustment_posted": bool(gap and gap["end"]),
                        "adjustment_journal_id": None,
                        "notes": None,
                        "created_at": _at(ctx, day, 6.5),
                    }
                )
            lines += own
            done = _at(ctx, day, 6 + rng.uniform(0.5, 2))
            heads.append(
                {
                    "reconciliation_id": rec_id,
                    "reconciliation_number": f"RN{day:%y%m%d}{wh[3:7]}{wh[-2:]}",
                    "reconciliation_date": day,
                    "fiscal_year": day.year,
                    "fiscal_period": day.month,
                    "location_id": wh,
                    "reconciliation_status": "completed" if done < ctx.end else "in_progress",
                    "total_items_compared": len(own),
                    "items_matched": matched,
                    "items_with_variance": len(own) - matched,
                    "total_variance_value": money(variance_value),
                    "started_by": site.worker(rng, wh, "supervisor"),
                    "started_at": _at(ctx, day, 6),
                    "completed_at": done if done < ctx.end else None,
                    "notes": None,
                }
            )
            recon_days[day][0] += 1
            recon_days[day][1] += variance_value
    ctx.add("wms", "inventory_reconciliation_headers", heads)
    ctx.add("wms", "inventory_reconciliation_lines", lines)
    _sync_metrics(ctx, rng, recon_days)


def _sync_metrics(ctx: GenContext, rng, recon_days: dict) -> None:
    moves = defaultdict(lambda: [0, 0])
    for mv in ctx.rows("wms", "warehouse_movements"):
        moves[mv["movement_timestamp"].date()][mv["movement_type"] in ("pick", "adjustment", "scrap")] += 1
    failed = defaultdict(int)
    errors = ctx.rows("wms", "inventory_sync_errors")
    for e in errors:
        failed[e["error_timestamp"].date()] += 1
    rows = []
    for day in ctx.window_days():
        to_wms, to_erp = moves[day]
        total = to_wms + to_erp + failed[day]
        unresolved = sum(
            1
            for e in errors
            if e["error_timestamp"].date() <= day and (e["resolved_at"] is None or e["resolved_at"].date() > day)
        )
        rows.append(
            {
                "metric_id": f"ISM-{day:%Y%m%d}",
                "metric_date": day,
                "total_sync_transactions": total,
                "erp_to_wms_transactions": to_wms,
                "wms_to_erp_transactions": to_erp,
                "successful_syncs": total - failed[day],
                "failed_syncs": failed[day],
                "success_rate_pct": round(100 * (total - failed[day]) / total, 2) if total else None,
                "avg_sync_time_seconds": round(rng.uniform(0.4, 2.5), 2),
                "max_sync_time_seconds": round(rng.uniform(5, 40), 2),
                "total_errors": failed[day],
                "unresolved_errors": unresolved,
                "reconciliations_completed": recon_days[day][0],
                "total_variance_value": money(recon_days[day][1]),
                "created_at": _at(ctx, day, 23.9),
            }
        )
    ctx.add("wms", "inventory_sync_metrics", rows)


def _cycle_counts(ctx: GenContext, rng, site: _Site, stock) -> None:
    """Counts behind the ERP's count adjustments, zero-variance counts on other days, and counts scheduled next."""
    tasks = []
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["reason_code"] in ("CC-GAIN", "CC-LOSS"):
            expected = stock.on((t["material_id"], t["plant_id"]), t["posting_date"])
            sign = 1 if t["movement_type"] == "701" else -1
            tasks.append(
                _count(
                    ctx,
                    rng,
                    site,
                    t["storage_location"],
                    t["material_id"],
                    t["posting_date"],
                    expected,
                    expected + sign * t["quantity"],
                    "completed",
                )
            )
    by_location: dict[str, list[dict]] = defaultdict(list)
    for b in ctx.rows("erp", "inventory_balances"):
        by_location[b["storage_location"]].append(b)
    for day in ctx.window_days():
        if day.weekday() == 6:
            continue
        for wh in site.warehouses:
            own = by_location[wh["warehouse_id"]]
            b = rng.choice(own)
            expected = stock.on((b["material_id"], b["plant_id"]), day)
            scheduled = day > ctx.end.date() - timedelta(days=1) and _at(ctx, day, 11) >= ctx.end
            tasks.append(
                _count(
                    ctx,
                    rng,
                    site,
                    wh["warehouse_id"],
                    b["material_id"],
                    day,
                    expected,
                    expected,
                    "pending" if scheduled else "completed",
                )
            )
    tasks.sort(key=lambda x: (x["scheduled_date"], x["warehouse_id"]))
    for k, task in enumerate(tasks):
        task["cycle_count_id"], task["task_number"] = f"CC-{k + 1:06d}", f"CC{k + 1:08d}"
    ctx.add("wms", "cycle_count_tasks", tasks)


def _count(ctx, rng, site, wh, material_id, day, expected, counted, status) -> dict:
    done = status == "completed"
    variance = round(counted - expected, 4)
    pct = round(min(999.99, abs(variance) / expected * 100), 2) if expected else 0.0
    when = _at(ctx, day, rng.uniform(9, 15))
    return {
        "cycle_count_id": "",
        "task_number": "",
        "warehouse_id": wh,
        "bin_id": site.bin_for(wh, material_id),
        "count_type": weighted(rng, {"abc": 4, "spot": 1}),
        "material_id": material_id,
        "expected_quantity": round(expected, 4),
        "counted_quantity": round(counted, 4) if done else None,
        "variance_quantity": variance if done else None,
        "variance_percentage": pct if done else None,
        "task_status": status,
        "assigned_to": site.worker(rng, wh, "supervisor", "receiver"),
        "scheduled_date": day,
        "count_date": day if done else None,
        "count_time": when if done else None,
        "recount_required": pct > 5.0,
        "recount_threshold_pct": 5.0,
        "variance_approved": done and variance != 0,
        "approved_by": site.worker(rng, wh, "supervisor") if done and variance else None,
        "approved_at": min(when + timedelta(hours=2), ctx.end) if done and variance else None,
        "created_at": _at(ctx, max(day - timedelta(days=1), ctx.start.date()), 18),
        "notes": None,
    }
