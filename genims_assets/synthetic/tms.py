"""genims_tms_db: carriers and rates, shipments from the ERP's goods issues, deliveries, freight invoices, returns.

One shipment per sales order and shipping plant, on the day of its 601 goods issue in erp.inventory_transactions
(~400 at scale 1 over 90 days), one shipment line per order line and packages by weight (boxes for parcel
carriers, pallets otherwise). Each shipment has one delivery, promised for the order's confirmed delivery date;
the actual date is the ship date plus the carrier service's transit time, with carrier-specific delays, so
deliveries are on time, early or late, some in transit at the end of the window, a few with a failed first
attempt or damaged packages (proof of delivery only for delivered ones). Freight invoices per carrier and week
bill the shipments with a variance against the quoted cost (disputed above 5 %). Truckload and
less-than-truckload shipments of a plant and day ride one route (a pickup stop and a stop per delivery).
Returns follow the order lines the customer rejected and the damaged deliveries. Carriers (10), services and
rates (~90) are fixed reference data. Shipment ids and the WMS shipping task ids (wms.shipping_task_id) are
named here; the wms module creates those tasks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, time, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.erp import at
from genims_assets.synthetic.master import CITIES
from genims_assets.synthetic.wms import shipping_task_id, warehouse_id

# name, type, on-time rate, damage rate, API tracking
CARRIERS = [
    ("Blue Dart Express", "courier", 0.95, 0.004, True),
    ("Gati Logistics", "ltl", 0.88, 0.012, True),
    ("TCI Freight", "ftl", 0.86, 0.008, False),
    ("VRL Logistics", "ftl", 0.83, 0.01, False),
    ("Delhivery", "parcel", 0.92, 0.009, True),
    ("Safexpress", "ltl", 0.9, 0.007, True),
    ("DTDC Express", "courier", 0.89, 0.011, True),
    ("Mahindra Logistics", "3pl", 0.93, 0.005, True),
    ("Allcargo Logistics", "ocean_freight", 0.8, 0.006, False),
    ("Rivigo Relay", "ftl", 0.91, 0.006, True),
]
# service type -> (transit min, transit max, price factor)
SERVICES = {"economy": (4, 7, 0.8), "standard": (2, 5, 1.0), "express": (1, 2, 1.6), "overnight": (1, 1, 2.2)}
ZONES = ["North", "South", "East", "West"]
STATES = {city: state for city, state, _ in CITIES}


def _carriers(ctx: GenContext, rng) -> tuple[list[dict], list[dict], list[dict]]:
    created = ctx.start - timedelta(days=500)
    carriers, services, rates = [], [], []
    for i, (name, kind, on_time, damage, api) in enumerate(CARRIERS[: max(4, ctx.count(10))]):
        carrier_id = f"CAR-{i + 1:03d}"
        city, state, _ = CITIES[i % len(CITIES)]
        carriers.append(
            {
                "carrier_id": carrier_id,
                "carrier_code": f"C{i + 1:03d}",
                "carrier_name": name,
                "contact_person": rng.choice(["A. Mehta", "R. Pillai", "S. Verma", "N. Das"]),
                "email": f"ops@carrier{i + 1}.example",
                "phone": f"+91-22-{rng.randint(20000000, 29999999)}",
                "website": f"https://carrier{i + 1}.example",
                "address_line1": f"{rng.randint(1, 200)} Transport Nagar",
                "city": city,
                "state": state,
                "country": "India",
                "postal_code": f"{rng.randint(110000, 699999)}",
                "tax_id": f"29AAC{rng.randint(10**6, 10**7 - 1)}Z1",
                "carrier_type": kind,
                "api_integration": api,
                "tracking_url_template": f"https://carrier{i + 1}.example/track/{{tracking_number}}" if api else None,
                "on_time_delivery_pct": round(on_time * 100, 2),
                "damage_rate_pct": round(damage * 100, 2),
                "total_shipments": 0,
                "total_freight_spend": 0.0,
                "cargo_insurance_available": kind != "courier",
                "max_insurance_value": 5_000_000.0 if kind != "courier" else None,
                "carrier_status": "active",
                "approved_for_shipments": True,
                "carrier_rating": round(1 + 4 * on_time - rng.uniform(0, 0.4), 2),
                "created_at": created,
                "updated_at": created,
            }
        )
        kinds = (
            ["standard", "express", "overnight"]
            if kind in ("courier", "parcel")
            else ["economy", "standard", "express"]
        )
        for service in kinds[: 2 if kind in ("ocean_freight", "3pl") else 3]:
            low, high, factor = SERVICES[service]
            if kind == "ocean_freight":
                low, high = low + 10, high + 20
            service_id = f"{carrier_id}-{service[:3].upper()}"
            services.append(
                {
                    "service_id": service_id,
                    "carrier_id": carrier_id,
                    "service_code": service_id[4:],
                    "service_name": f"{name} {service.title()}",
                    "service_type": service,
                    "transit_days_min": low,
                    "transit_days_max": high,
                    "signature_required": kind in ("courier", "parcel"),
                    "saturday_delivery": True,
                    "sunday_delivery": service == "overnight",
                    "hazmat_capable": kind in ("ftl", "ltl"),
                    "temperature_controlled": False,
                    "max_weight_kg": 30.0 if kind in ("courier", "parcel") else 25000.0,
                    "max_length_cm": 120.0,
                    "max_width_cm": 100.0,
                    "max_height_cm": 180.0,
                    "domestic": kind != "ocean_freight",
                    "international": kind in ("ocean_freight", "3pl"),
                    "is_active": True,
                    "created_at": created,
                }
            )
            per_kg = {"courier": 38.0, "parcel": 30.0, "ltl": 7.5, "ftl": 4.2, "3pl": 6.0, "ocean_freight": 3.0}[kind]
            for zone in sorted(rng.sample(ZONES, rng.choice([3, 4]))):
                rates.append(
                    {
                        "rate_id": f"RATE-{len(rates) + 1:04d}",
                        "carrier_id": carrier_id,
                        "service_id": service_id,
                        "origin_country": "India",
                        "origin_state": None,
                        "origin_postal_code": None,
                        "destination_country": "India",
                        "destination_state": None,
                        "destination_postal_code": None,
                        "zone": zone,
                        "min_weight_kg": 0.0,
                        "max_weight_kg": 30000.0,
                        "base_rate": round(rng.uniform(400, 2500) * factor, 4),
                        "per_kg_rate": round(per_kg * factor * rng.uniform(0.85, 1.2), 4),
                        "fuel_surcharge_pct": round(rng.uniform(8, 18), 2),
                        "currency": "INR",
                        "residential_delivery_charge": 150.0,
                        "signature_charge": 50.0 if kind in ("courier", "parcel") else 0.0,
                        "insurance_rate_pct": 0.15,
                        "effective_date": created.date(),
                        "expiry_date": None,
                        "is_active": True,
                        "created_at": created,
                    }
                )
    ctx.add("tms", "carriers", carriers)
    ctx.add("tms", "carrier_services", services)
    ctx.add("tms", "carrier_rates", rates)
    return carriers, services, rates


def _destination(customer: dict) -> tuple[str, str]:
    options = [(city, state) for city, state, region in CITIES if region == customer["region"]] or [CITIES[0][:2]]
    return options[int(customer["customer_id"][5:]) % len(options)]


def generate(ctx: GenContext) -> None:
    """Carriers, shipments and everything that follows them."""
    rng = ctx.rng("tms")
    carriers, services, rates = _carriers(ctx, rng)
    shipments, lines, packages, deliveries = _shipments(ctx, rng, carriers, services, rates)
    stops = _routes(ctx, rng, shipments, deliveries)
    for d in deliveries:
        d["route_stop_id"] = stops.get(d["shipment_id"])
    _proof_and_tracking(ctx, rng, shipments, deliveries, packages, carriers)
    _freight_invoices(ctx, rng, shipments, carriers)
    for c in carriers:
        own = [s for s in shipments if s["carrier_id"] == c["carrier_id"]]
        c["total_shipments"], c["total_freight_spend"] = len(own), money(sum(s["total_cost"] for s in own))
    ctx.add("tms", "shipments", shipments)
    ctx.add("tms", "shipment_lines", lines)
    ctx.add("tms", "shipment_packages", packages)
    ctx.add("tms", "deliveries", deliveries)
    _returns(ctx, rng, shipments, deliveries, carriers, services)
    ctx.add(
        "tms",
        "wms_tms_sync_log",
        [
            {
                "sync_id": f"WTS-{s['shipment_id'][4:]}",
                "sync_timestamp": s["created_at"],
                "sync_direction": "WMS_TO_TMS",
                "document_type": "shipping_task",
                "document_id": s["shipping_task_id"],
                "sync_status": "completed" if k % 40 else "error",
                "error_message": None if k % 40 else "Carrier API timeout, retried",
                "sync_data": {"shipment_id": s["shipment_id"]},
                "retry_count": 0 if k % 40 else 1,
                "last_retry_at": None if k % 40 else s["created_at"] + timedelta(minutes=5),
            }
            for k, s in enumerate(shipments)
        ],
    )


def _shipments(ctx: GenContext, rng, carriers, services, rates):
    """One shipment per sales order and plant, from the goods issues; a delivery for each."""
    materials = {m["material_id"]: m for m in ctx.rows("erp", "materials")}
    orders = {o["sales_order_id"]: o for o in ctx.rows("erp", "sales_orders")}
    customers = {c["customer_id"]: c for c in ctx.rows("master", "customers")}
    factories = {f["factory_id"]: f for f in ctx.rows("master", "factories")}
    order_lines = {
        (line["sales_order_id"], line["material_id"], line["plant_id"]): line
        for line in ctx.rows("erp", "sales_order_lines")
    }
    issues = defaultdict(list)
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] == "601":
            issues[(t["sales_order_id"], t["plant_id"])].append(t)
    by_kind = defaultdict(list)
    for c in carriers:
        by_kind[c["carrier_type"]].append(c)
    services_of = defaultdict(dict)
    for s in services:
        services_of[s["carrier_id"]][s["service_type"]] = s
    rate_of = {(r["service_id"], r["zone"]): r for r in rates}
    # each carrier has its own habit of running late (the on-time measure per carrier must differ)
    punctual = {c["carrier_id"]: c["on_time_delivery_pct"] / 100 for c in carriers}
    shipments, lines, packages, deliveries, hurt = [], [], [], [], False
    for n, ((so_id, plant), txs) in enumerate(sorted(issues.items(), key=lambda kv: (kv[1][0]["posting_date"], kv[0]))):
        order, ship = orders[so_id], txs[0]["posting_date"]
        customer, factory = customers[order["customer_id"]], factories[plant]
        weight = sum(t["quantity"] * materials[t["material_id"]]["weight_kg"] for t in txs)
        kind = (
            "3pl"  # export orders go through the forwarder to the port
            if order["order_type"] == "export" and by_kind["3pl"]
            else "ftl"
            if weight > 8000
            else "ltl"
            if weight > 300
            else weighted(rng, {"courier": 1, "parcel": 2})
        )
        carrier = rng.choice(by_kind[kind] or by_kind["ltl"] or carriers)
        wanted = "express" if order["delivery_priority"] in ("urgent", "high") else "standard"
        service = services_of[carrier["carrier_id"]].get(wanted) or next(
            iter(services_of[carrier["carrier_id"]].values())
        )
        rate = rate_of.get((service["service_id"], customer["region"])) or next(
            r for r in rates if r["service_id"] == service["service_id"]
        )
        transit = rng.randint(service["transit_days_min"], service["transit_days_max"])
        if rng.random() > punctual[carrier["carrier_id"]]:
            transit += weighted(rng, {1: 5, 2: 3, 3: 2, rng.randint(4, 9): 1})
        promised = order["confirmed_delivery_date"] or order["requested_delivery_date"]
        arrive = ship + timedelta(days=transit)
        if arrive < promised and rng.random() < 0.7:  # most consignees take delivery on the agreed day
            arrive = promised
        if n < 3:  # late, early and on time against the promise, whatever the scale
            arrive = max(ship, promised + timedelta(days=(3, -1, 0)[n]))
        transit = (arrive - ship).days
        delivered = arrive < ctx.end.date() or (arrive == ctx.end.date() and ctx.end.hour >= 16)
        boxes = kind in ("courier", "parcel")
        count = min(6 if boxes else 8, max(1, math.ceil(weight / (25 if boxes else 1000))))
        freight = rate["base_rate"] + rate["per_kg_rate"] * weight
        fuel = freight * rate["fuel_surcharge_pct"] / 100
        extra = rate["signature_charge"] + (rate["residential_delivery_charge"] if rng.random() < 0.05 else 0.0)
        value = sum(
            line["net_price"] for line in (order_lines.get((so_id, t["material_id"], plant)) for t in txs) if line
        )
        insured = value > 500_000
        shipment_id = f"SHP-{n + 1:06d}"
        city, state = _destination(customer)
        tracking = f"{carrier['carrier_code']}{rng.randint(10**9, 10**10 - 1)}"
        status = "delivered" if delivered else "out_for_delivery" if arrive == ctx.end.date() else "in_transit"
        shipments.append(
            {
                "shipment_id": shipment_id,
                "shipment_number": f"SH{ship:%y}{n + 1:06d}",
                "sales_order_id": so_id,
                "shipping_task_id": shipping_task_id(shipment_id),
                "warehouse_id": warehouse_id(plant, "FG"),
                "carrier_id": carrier["carrier_id"],
                "service_id": service["service_id"],
                "carrier_service_name": service["service_name"],
                "tracking_number": tracking,
                "master_tracking_number": None,
                "bol_number": f"BOL{n + 1:08d}",
                "pro_number": f"PRO{rng.randint(10**7, 10**8 - 1)}" if kind == "ltl" else None,
                "origin_warehouse_id": warehouse_id(plant, "FG"),
                "origin_name": factory["factory_name"],
                "origin_address_line1": "Plant main gate",
                "origin_city": factory["city"],
                "origin_state": STATES.get(factory["city"]),
                "origin_country": "India",
                "origin_postal_code": None,
                "customer_id": customer["customer_id"],
                "destination_name": customer["customer_name"],
                "destination_contact": "Receiving desk",
                "destination_phone": None,
                "destination_email": None,
                "destination_address_line1": f"{customer['customer_name']} plant",
                "destination_address_line2": None,
                "destination_city": city,
                "destination_state": state,
                "destination_country": "India",
                "destination_postal_code": None,
                "shipment_type": {"courier": "parcel", "parcel": "parcel", "ltl": "ltl", "ftl": "ftl"}.get(
                    kind, "intermodal"
                ),
                "incoterms": order["incoterms"],
                "number_of_packages": count,
                "total_weight_kg": round(weight, 2),
                "total_volume_m3": round(sum(t["quantity"] * materials[t["material_id"]]["volume_m3"] for t in txs), 4),
                "declared_value": money(value),
                "signature_required": service["signature_required"],
                "insurance_required": insured,
                "insurance_value": money(value) if insured else None,
                "temperature_controlled": False,
                "hazmat": False,
                "fragile": rng.random() < 0.1,
                "ship_date": ship,
                "scheduled_pickup_date": ship,
                "actual_pickup_date": ship,
                "estimated_delivery_date": ship + timedelta(days=service["transit_days_max"]),
                "actual_delivery_date": arrive if delivered else None,
                "transit_days": transit if delivered else None,
                "shipment_status": status,
                "freight_cost": money(freight),
                "fuel_surcharge": money(fuel),
                "accessorial_charges": money(extra),
                "insurance_cost": money(value * rate["insurance_rate_pct"] / 100) if insured else 0.0,
                "total_cost": 0.0,
                "currency": "INR",
                "freight_invoice_id": None,
                "invoiced": False,
                "invoice_approved": False,
                "delivered_to_name": None,
                "delivery_signature": None,
                "delivery_notes": None,
                "bol_document_url": f"https://tms.genims.example/bol/{shipment_id}.pdf",
                "pod_document_url": f"https://tms.genims.example/pod/{shipment_id}.pdf" if delivered else None,
                "created_by": "wms-sync",
                "created_at": at(ctx, ship, rng.uniform(8, 15)),
                "updated_at": at(ctx, arrive if delivered else ship, 18),
            }
        )
        s = shipments[-1]
        s["total_cost"] = money(
            s["freight_cost"] + s["fuel_surcharge"] + s["accessorial_charges"] + s["insurance_cost"]
        )
        for k, t in enumerate(txs):
            line = order_lines.get((so_id, t["material_id"], plant))
            lines.append(
                {
                    "shipment_line_id": f"{shipment_id}-{k + 1:02d}",
                    "shipment_id": shipment_id,
                    "line_number": k + 1,
                    "sales_order_id": so_id,
                    "sales_order_line_id": line["sales_order_line_id"] if line else None,
                    "material_id": t["material_id"],
                    "material_description": materials[t["material_id"]]["material_name"],
                    "quantity": t["quantity"],
                    "unit_of_measure": t["unit_of_measure"],
                    "package_number": k % count + 1,
                    "serial_numbers": None,
                    "batch_numbers": f'["FG{ship:%y%m%d}{k + 1:02d}"]',
                    "created_at": s["created_at"],
                }
            )
        # damage is rare: the first delivered shipment after the forced ones carries one, at any scale
        damaged = delivered and (rng.random() < carrier["damage_rate_pct"] / 100 * 4 or (n >= 3 and not hurt))
        hurt |= damaged
        for k in range(count):
            packages.append(
                {
                    "package_id": f"{shipment_id}-P{k + 1:02d}",
                    "shipment_id": shipment_id,
                    "package_number": k + 1,
                    "tracking_number": f"{tracking}-{k + 1}",
                    "package_type": "box" if boxes else rng.choice(["pallet", "pallet", "crate"]),
                    "weight_kg": round(weight / count, 2),
                    "length_cm": 60.0 if boxes else 120.0,
                    "width_cm": 40.0 if boxes else 100.0,
                    "height_cm": 40.0 if boxes else 140.0,
                    "volume_m3": 0.096 if boxes else 1.68,
                    "description": f"Package {k + 1} of {count}",
                    "declared_value": money(value / count),
                    "package_status": "damaged" if damaged and k == 0 else "delivered" if delivered else "in_transit",
                    "created_at": s["created_at"],
                }
            )
        deliveries.append(_delivery(ctx, rng, n, s, order, customer, arrive, delivered, damaged))
    return shipments, lines, packages, deliveries


def _delivery(
    ctx: GenContext, rng, n: int, s: dict, order: dict, customer: dict, arrive: date, delivered: bool, damaged: bool
) -> dict:
    failed_first = delivered and rng.random() < 0.04
    window = rng.choice([8, 10, 14])
    actual = time(window + rng.randint(0, 3), rng.randint(0, 59)) if delivered else None
    return {
        "delivery_id": f"DLV-{n + 1:06d}",
        "delivery_number": f"DL{arrive:%y}{n + 1:06d}",
        "shipment_id": s["shipment_id"],
        "route_stop_id": None,
        "sales_order_id": order["sales_order_id"],
        "customer_id": customer["customer_id"],
        "delivery_contact": "Stores in-charge",
        "delivery_address_line1": s["destination_address_line1"],
        "delivery_address_line2": None,
        "delivery_city": s["destination_city"],
        "delivery_state": s["destination_state"],
        "delivery_postal_code": None,
        "scheduled_delivery_date": order["confirmed_delivery_date"] or order["requested_delivery_date"],
        "scheduled_time_window_start": time(window),
        "scheduled_time_window_end": time(window + 4),
        "actual_delivery_date": arrive if delivered else None,
        "actual_delivery_time": actual,
        "delivery_type": "signature_required" if s["signature_required"] else "attended",
        "delivery_status": "delivered" if delivered else "in_transit",
        "delivery_attempt_count": (2 if failed_first else 1) if delivered else 0,
        "failure_reason": "Receiving dock closed" if failed_first else None,
        "rescheduled_date": arrive if failed_first else None,
        "delivered_to_name": f"Stores, {customer['customer_name']}" if delivered else None,
        "relationship_to_recipient": "receptionist" if delivered else None,
        "delivery_instructions": "Damaged on arrival, accepted with remarks" if damaged else None,
        "created_at": s["created_at"],
        "updated_at": s["updated_at"],
    }


def _routes(ctx: GenContext, rng, shipments: list[dict], deliveries: list[dict]) -> dict[str, str]:
    """Truckload shipments leaving a warehouse on the same day share a route; returns shipment -> stop."""
    groups = defaultdict(list)
    for s in shipments:
        if s["shipment_type"] in ("ltl", "ftl"):
            groups[(s["origin_warehouse_id"], s["ship_date"])].append(s)
    delivery_of = {d["shipment_id"]: d for d in deliveries}
    routes, stops, stop_of = [], [], {}
    for (wh, day), group in sorted(groups.items()):
        route_id = f"RTE-{len(routes) + 1:05d}"
        done = all(delivery_of[s["shipment_id"]]["delivery_status"] == "delivered" for s in group)
        weight = sum(s["total_weight_kg"] for s in group)
        distance = round(sum(rng.uniform(80, 900) for _ in group), 2)
        routes.append(
            {
                "route_id": route_id,
                "route_number": f"RT{day:%y%m%d}{len(routes) + 1:05d}",
                "route_date": day,
                "planned_start_time": time(7),
                "planned_end_time": time(20),
                "actual_start_time": time(7, rng.randint(0, 50)),
                "actual_end_time": time(19, rng.randint(0, 59)) if done else None,
                "carrier_id": group[0]["carrier_id"],
                "vehicle_id": f"MH{rng.randint(10, 48)}-{rng.randint(1000, 9999)}",
                "driver_id": None,
                "origin_warehouse_id": wh,
                "route_type": "milk_run" if len(group) > 1 else "delivery",
                "optimization_type": weighted(rng, {"distance_optimized": 2, "time_optimized": 1, "cost_optimized": 1}),
                "total_distance_km": distance,
                "total_duration_minutes": int(distance * 1.4) + 30 * len(group),
                "number_of_stops": len(group) + 1,
                "completed_stops": len(group) + 1 if done else 1,
                "total_weight_kg": round(weight, 2),
                "total_volume_m3": round(sum(s["total_volume_m3"] for s in group), 4),
                "vehicle_capacity_kg": 25000.0 if weight > 8000 else 9000.0,
                "vehicle_capacity_m3": 60.0,
                "route_status": "completed" if done else "in_progress",
                "estimated_cost": money(sum(s["freight_cost"] for s in group)),
                "actual_cost": money(sum(s["total_cost"] for s in group)) if done else None,
                "created_at": group[0]["created_at"],
                "updated_at": group[-1]["updated_at"],
            }
        )
        stops.append(_stop(route_id, 1, "pickup", None, wh, group, day, True, rng))
        for k, s in enumerate(group):
            d = delivery_of[s["shipment_id"]]
            stops.append(
                _stop(
                    route_id,
                    k + 2,
                    "delivery",
                    s,
                    d["delivery_city"],
                    [s],
                    day,
                    d["delivery_status"] == "delivered",
                    rng,
                )
            )
            stop_of[s["shipment_id"]] = stops[-1]["stop_id"]
    ctx.add("tms", "routes", routes)
    ctx.add("tms", "route_stops", stops)
    return stop_of


def _stop(
    route_id: str, seq: int, kind: str, s: dict | None, name: str, group: list[dict], day: date, done: bool, rng
) -> dict:
    arrival = time(min(23, 7 + 2 * (seq - 1)), rng.randint(0, 59))
    return {
        "stop_id": f"{route_id}-S{seq:02d}",
        "route_id": route_id,
        "stop_sequence": seq,
        "stop_type": kind,
        "shipment_id": s["shipment_id"] if s else None,
        "sales_order_id": s["sales_order_id"] if s else None,
        "stop_name": s["destination_name"] if s else name,
        "address_line1": s["destination_address_line1"] if s else "Warehouse dock",
        "address_line2": None,
        "city": s["destination_city"] if s else group[0]["origin_city"],
        "state": s["destination_state"] if s else group[0]["origin_state"],
        "postal_code": None,
        "latitude": round(rng.uniform(10, 30), 7),
        "longitude": round(rng.uniform(72, 88), 7),
        "contact_name": "Dock supervisor",
        "contact_phone": None,
        "planned_arrival_time": arrival,
        "planned_departure_time": time(arrival.hour, 59),
        "actual_arrival_time": arrival if done else None,
        "actual_departure_time": time(arrival.hour, 59) if done else None,
        "service_time_minutes": rng.choice([20, 30, 45]),
        "packages_to_deliver": sum(x["number_of_packages"] for x in group),
        "packages_delivered": sum(x["number_of_packages"] for x in group) if done else 0,
        "weight_kg": round(sum(x["total_weight_kg"] for x in group), 2),
        "stop_status": "completed" if done else "pending",
        "signature": "signed" if done and s else None,
        "delivered_to": "Stores" if done and s else None,
        "photo_url": None,
        "notes": None,
        "geofence_radius_m": 100,
        "created_at": group[0]["created_at"],
    }


def _proof_and_tracking(ctx: GenContext, rng, shipments, deliveries, packages, carriers) -> None:
    """Proof of delivery for delivered shipments; tracking events from the carriers with an API."""
    damaged = {p["shipment_id"] for p in packages if p["package_status"] == "damaged"}
    api = {c["carrier_id"] for c in carriers if c["api_integration"]}
    by_shipment = {s["shipment_id"]: s for s in shipments}
    pods, events = [], []
    for d in deliveries:
        s = by_shipment[d["shipment_id"]]
        if d["delivery_status"] == "delivered":
            when = min(
                at(ctx, d["actual_delivery_date"], 0)
                + timedelta(hours=d["actual_delivery_time"].hour, minutes=d["actual_delivery_time"].minute),
                ctx.end,
            )
            missing = s["shipment_id"] not in damaged and rng.random() < 0.005
            pods.append(
                {
                    "pod_id": f"POD-{d['delivery_id'][4:]}",
                    "delivery_id": d["delivery_id"],
                    "shipment_id": s["shipment_id"],
                    "received_by_name": d["delivered_to_name"],
                    "signature": "data:image/png;base64,iVBORw0KGgo=",
                    "signature_url": f"https://tms.genims.example/sig/{d['delivery_id']}.png",
                    "photo1_url": f"https://tms.genims.example/photo/{d['delivery_id']}-1.jpg",
                    "photo2_url": None,
                    "photo3_url": None,
                    "packages_delivered": s["number_of_packages"] - (1 if missing else 0),
                    "packages_condition": "damaged"
                    if s["shipment_id"] in damaged
                    else "missing"
                    if missing
                    else "good",
                    "delivery_latitude": round(rng.uniform(10, 30), 7),
                    "delivery_longitude": round(rng.uniform(72, 88), 7),
                    "geo_verified": rng.random() < 0.9,
                    "delivery_timestamp": when,
                    "delivery_notes": "Package damaged, accepted with remarks" if s["shipment_id"] in damaged else None,
                    "pod_document_url": s["pod_document_url"],
                    "created_at": when,
                }
            )
            s["delivered_to_name"], s["delivery_signature"] = d["delivered_to_name"], "signed"
        if s["carrier_id"] not in api:
            continue
        steps = [("picked_up", "PU", s["ship_date"], 15, s["origin_city"], s["origin_state"], None)]
        if s["transit_days"] is None or s["transit_days"] > 1:
            steps.append(("in_transit", "IT", s["ship_date"] + timedelta(days=1), 6, "Nagpur", "Maharashtra", None))
        arrive = d["actual_delivery_date"] or s["estimated_delivery_date"]
        if d["failure_reason"]:
            steps.append(
                (
                    "exception",
                    "EX",
                    arrive - timedelta(days=1),
                    17,
                    d["delivery_city"],
                    d["delivery_state"],
                    d["failure_reason"],
                )
            )
        steps.append(("out_for_delivery", "OD", arrive, 7, d["delivery_city"], d["delivery_state"], None))
        if d["delivery_status"] == "delivered":
            steps.append(
                (
                    "delivered",
                    "DL",
                    arrive,
                    d["actual_delivery_time"].hour + d["actual_delivery_time"].minute / 60,
                    d["delivery_city"],
                    d["delivery_state"],
                    None,
                )
            )
        for k, (kind, code, day, hour, city, state, why) in enumerate(steps):
            when = at(ctx, day, hour)
            if when >= ctx.end and kind != "picked_up":
                continue
            events.append(
                {
                    "event_id": f"TRK-{s['shipment_id'][4:]}-{k + 1}",
                    "shipment_id": s["shipment_id"],
                    "tracking_number": s["tracking_number"],
                    "event_type": kind,
                    "event_code": code,
                    "event_description": kind.replace("_", " ").capitalize(),
                    "location_city": city,
                    "location_state": state,
                    "location_country": "India",
                    "facility_name": f"{city} hub",
                    "event_timestamp": when,
                    "signed_by": d["delivered_to_name"] if kind == "delivered" else None,
                    "exception_reason": why,
                    "data_source": "carrier_api",
                    "created_at": when,
                }
            )
    ctx.add("tms", "proof_of_delivery", pods)
    ctx.add("tms", "tracking_events", events)


def _freight_invoices(ctx: GenContext, rng, shipments: list[dict], carriers: list[dict]) -> None:
    """Per carrier and week: the shipments billed, each charge against the quoted cost."""
    groups = defaultdict(list)
    for s in shipments:
        groups[(s["carrier_id"], s["ship_date"] - timedelta(days=s["ship_date"].weekday()))].append(s)
    invoices, lines, billed = [], [], 0
    for (carrier_id, monday), group in sorted(groups.items()):
        day = monday + timedelta(days=6 + rng.randint(1, 4))
        if day > ctx.end.date():
            continue
        invoice_id = f"FI-{len(invoices) + 1:05d}"
        charges = defaultdict(float)
        disputed, variance_total = False, 0.0
        for s in group:
            drift = weighted(rng, {1.0: 90, rng.uniform(1.01, 1.04): 8, rng.uniform(1.06, 1.15): 2})
            if billed < 3:  # a disputed overcharge, a small one and an exact bill occur at any scale
                drift = (1.12, 1.03, 1.0)[billed]
            billed += 1
            for kind, quoted in (
                ("freight", s["freight_cost"]),
                ("fuel", s["fuel_surcharge"]),
                ("signature", s["accessorial_charges"]),
                ("insurance", s["insurance_cost"]),
            ):
                if not quoted:
                    continue
                amount = money(quoted * (drift if kind in ("freight", "fuel") else 1.0))
                flag = (amount - quoted) / quoted > 0.05
                disputed |= flag
                variance_total += amount - quoted
                charges["freight" if kind == "freight" else "fuel" if kind == "fuel" else "accessorial"] += amount
                lines.append(
                    {
                        "invoice_line_id": f"{invoice_id}-{len(lines) + 1:05d}",
                        "invoice_id": invoice_id,
                        "line_number": None,
                        "shipment_id": s["shipment_id"],
                        "shipment_number": s["shipment_number"],
                        "tracking_number": s["tracking_number"],
                        "charge_type": kind,
                        "charge_description": f"{kind.title()} charge {s['shipment_number']}",
                        "charge_amount": amount,
                        "expected_amount": quoted,
                        "variance_amount": money(amount - quoted),
                        "approved": not flag,
                        "disputed": flag,
                        "dispute_reason": "Billed above contracted rate" if flag else None,
                        "created_at": at(ctx, day, 11),
                    }
                )
            s.update(freight_invoice_id=invoice_id, invoiced=True)
        audited = day + timedelta(days=3) <= ctx.end.date()
        due = day + timedelta(days=30)
        paid = audited and not disputed and due <= ctx.end.date()
        total = money(sum(charges.values()))
        invoices.append(
            {
                "invoice_id": invoice_id,
                "invoice_number": f"{carrier_id[4:]}-{day:%y%m%d}",
                "carrier_id": carrier_id,
                "invoice_date": day,
                "due_date": due,
                "freight_charges": money(charges["freight"]),
                "fuel_surcharge": money(charges["fuel"]),
                "accessorial_charges": money(charges["accessorial"]),
                "total_amount": total,
                "currency": "INR",
                "invoice_status": "paid" if paid else "disputed" if disputed else "approved" if audited else "received",
                "audit_status": "disputed" if disputed else "approved" if audited else "pending",
                "variance_amount": money(variance_total),
                "dispute_reason": "Charges above contracted rates" if disputed else None,
                "payment_terms": "NET30",
                "paid": paid,
                "payment_date": due if paid else None,
                "payment_reference": f"NEFT{rng.randint(10**8, 10**9)}" if paid else None,
                "reconciled": paid,
                "reconciliation_date": due if paid else None,
                "created_at": at(ctx, day, 10),
            }
        )
        for s in group:
            s["invoice_approved"] = audited and not disputed
    counters = defaultdict(int)
    for line in lines:
        counters[line["invoice_id"]] += 1
        line["line_number"] = counters[line["invoice_id"]]
    ctx.add("tms", "freight_invoices", invoices)
    ctx.add("tms", "freight_invoice_lines", lines)


def _returns(ctx: GenContext, rng, shipments, deliveries, carriers, services) -> None:
    """Returns of the lines customers rejected for quality, of damaged deliveries and a few unwanted ones."""
    delivery_of = {d["shipment_id"]: d for d in deliveries}
    rejected = defaultdict(list)
    for line in ctx.rows("erp", "sales_order_lines"):
        if line["line_status"] == "returned":
            rejected[(line["sales_order_id"], line["plant_id"])].append(line)
    sol = {
        (line["sales_order_id"], line["material_id"], line["plant_id"]): line
        for line in ctx.rows("erp", "sales_order_lines")
    }
    damaged = {p["shipment_id"] for p in ctx.rows("tms", "shipment_packages") if p["package_status"] == "damaged"}
    cases = []
    for s in shipments:
        plant = "FAC-" + s["origin_warehouse_id"][3:7]
        if rejected.get((s["sales_order_id"], plant)):
            cases.append(
                (s, weighted(rng, {"quality_issue": 3, "defective": 2}), rejected[(s["sales_order_id"], plant)])
            )
        elif s["shipment_id"] in damaged:
            cases.append((s, "damaged", None))
        elif delivery_of[s["shipment_id"]]["delivery_status"] == "delivered" and rng.random() < 0.012:
            cases.append((s, weighted(rng, {"wrong_item": 1, "not_needed": 2}), None))
    heads, items, back = [], [], []
    courier = next((c for c in carriers if c["carrier_type"] in ("courier", "parcel", "ltl")), carriers[0])
    service = next(x for x in services if x["carrier_id"] == courier["carrier_id"])
    for n, (s, reason, lines) in enumerate(cases):
        d = delivery_of[s["shipment_id"]]
        plant = "FAC-" + s["origin_warehouse_id"][3:7]
        if lines is None:
            first = ctx.rows("tms", "shipment_lines")
            lines = [
                sol[(s["sales_order_id"], x["material_id"], plant)]
                for x in first
                if x["shipment_id"] == s["shipment_id"]
            ][:1]
        start = d["actual_delivery_date"] or s["ship_date"]
        authorized = start + timedelta(days=rng.randint(1, 5))
        authorized = authorized if authorized <= ctx.end.date() and d["delivery_status"] == "delivered" else None
        picked = authorized + timedelta(days=rng.randint(1, 3)) if authorized else None
        received = picked + timedelta(days=rng.randint(1, 4)) if picked else None
        picked = picked if picked and picked <= ctx.end.date() else None
        received = received if received and picked and received <= ctx.end.date() else None
        refunded = received is not None and received + timedelta(days=3) <= ctx.end.date()
        status = (
            "completed"
            if refunded
            else "received"
            if received
            else "in_transit"
            if picked
            else "authorized"
            if authorized
            else "pending"
        )
        rma_id = f"RO-{n + 1:05d}"
        share = 1.0 if reason in ("wrong_item", "not_needed") else rng.uniform(0.05, 0.4)
        refund = sum(line["unit_price"] * round(line["order_quantity"] * share) for line in lines)
        disposition = {"quality_issue": "return_to_vendor", "defective": "repair", "damaged": "scrap"}.get(
            reason, "restock"
        )
        heads.append(
            {
                "return_order_id": rma_id,
                "return_number": f"RET{start:%y}{n + 1:05d}",
                "rma_number": f"RMA-{n + 1:06d}",
                "sales_order_id": s["sales_order_id"],
                "original_shipment_id": s["shipment_id"],
                "customer_id": s["customer_id"],
                "return_reason": reason,
                "return_reason_details": f"Customer reported {reason.replace('_', ' ')}",
                "return_type": "credit"
                if reason in ("quality_issue", "defective", "damaged")
                else weighted(rng, {"refund": 1, "exchange": 1}),
                "authorized_by": "customer-service" if authorized else None,
                "authorization_date": authorized,
                "return_to_warehouse_id": s["origin_warehouse_id"],
                "return_status": status,
                "refund_amount": money(refund),
                "restocking_fee": money(refund * 0.1) if reason == "not_needed" else 0.0,
                "refund_processed": refunded,
                "disposition": disposition,
                "created_at": at(ctx, start, 15),
                "updated_at": at(ctx, received or authorized or start, 16),
            }
        )
        for k, line in enumerate(lines):
            qty = float(max(1, round(line["order_quantity"] * share)))
            items.append(
                {
                    "return_line_id": f"{rma_id}-{k + 1:02d}",
                    "return_order_id": rma_id,
                    "line_number": k + 1,
                    "sales_order_line_id": line["sales_order_line_id"],
                    "material_id": line["material_id"],
                    "material_description": line["material_description"],
                    "quantity_to_return": qty,
                    "quantity_received": qty if received else 0.0,
                    "unit_of_measure": line["unit_of_measure"],
                    "condition_on_receipt": (
                        {"damaged": "damaged", "defective": "defective", "quality_issue": "defective"}.get(
                            reason, "good"
                        )
                        if received
                        else None
                    ),
                    "serial_number": None,
                    "batch_number": None,
                    "disposition": disposition,
                    "created_at": at(ctx, start, 15),
                }
            )
        if authorized:
            back.append(
                {
                    "return_shipment_id": f"RS-{n + 1:05d}",
                    "return_order_id": rma_id,
                    "carrier_id": courier["carrier_id"],
                    "service_id": service["service_id"],
                    "tracking_number": f"R{courier['carrier_code']}{rng.randint(10**8, 10**9)}",
                    "return_label_url": f"https://tms.genims.example/labels/{rma_id}.pdf",
                    "label_cost": money(rng.uniform(300, 2500)),
                    "pickup_scheduled": True,
                    "pickup_date": picked or authorized + timedelta(days=1),
                    "shipment_status": "delivered" if received else "in_transit" if picked else "created",
                    "shipped_date": picked,
                    "received_date": received,
                    "created_at": at(ctx, authorized, 16),
                }
            )
    ctx.add("tms", "return_orders", heads)
    ctx.add("tms", "return_order_lines", items)
    ctx.add("tms", "return_shipments", back)
