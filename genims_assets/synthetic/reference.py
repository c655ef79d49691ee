"""Materials and suppliers (erp.materials, erp.suppliers): referenced by nearly every database.

They live in the ERP database but are generated right after master, so that
the MES, warehouse, supplier-portal and quality modules can reference them.
Finished-good materials map one to one to master products.
"""

from __future__ import annotations

from datetime import timedelta

from genims_assets.synthetic.context import GenContext, weighted

RAW_MATERIALS = [
    ("Steel Sheet CRCA 1.2mm", "raw_material", "KG"),
    ("Aluminium Ingot A356", "raw_material", "KG"),
    ("Copper Wire 2.5mm", "raw_material", "M"),
    ("Rubber Compound EPDM", "raw_material", "KG"),
    ("Cast Iron Blank", "raw_material", "EA"),
    ("Hydraulic Oil ISO 46", "raw_material", "L"),
    ("Bearing 6204-2RS", "component", "EA"),
    ("Hex Bolt M10x40", "component", "EA"),
    ("O-Ring 32x3", "component", "EA"),
    ("Coil Spring Wire", "raw_material", "KG"),
    ("PCB Assembly", "component", "EA"),
    ("Connector 12-pin", "component", "EA"),
    ("Brake Friction Material", "raw_material", "KG"),
    ("Piston Rod Chrome", "component", "EA"),
    ("Corrugated Carton", "packaging", "EA"),
    ("Stretch Film", "packaging", "KG"),
    ("Paint Powder Black", "raw_material", "KG"),
    ("Gasket Sheet", "raw_material", "M2"),
    ("Seal Kit", "component", "EA"),
    ("Welding Wire ER70S-6", "raw_material", "KG"),
]
SUPPLIER_NAMES = [
    "Bharat Forge Supplies",
    "Sundram Fasteners",
    "Rane Components",
    "Minda Industries",
    "Lumax Parts",
    "Jindal Steel Trading",
    "Hindalco Metals",
    "SKF Bearings India",
    "Gabriel Components",
    "Endurance Castings",
    "Sona Precision",
    "Motherson Wiring",
    "Amara Raja Power",
    "Subros Thermal",
    "Shriram Pistons",
    "JBM Pressings",
    "Varroc Electricals",
    "Uno Minda Switches",
    "Fiem Lighting",
    "Pricol Instruments",
]
CITIES = [
    ("Pune", "Maharashtra"),
    ("Chennai", "Tamil Nadu"),
    ("Faridabad", "Haryana"),
    ("Rajkot", "Gujarat"),
    ("Coimbatore", "Tamil Nadu"),
    ("Ludhiana", "Punjab"),
    ("Nashik", "Maharashtra"),
    ("Bengaluru", "Karnataka"),
]


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("reference")
    created = ctx.start - timedelta(days=380)

    suppliers = []
    for i in range(ctx.count(30, minimum=5)):
        city, state = CITIES[rng.randrange(len(CITIES))]
        stype = weighted(rng, {"raw_material": 4, "component": 4, "service": 1, "packaging": 1})
        name = SUPPLIER_NAMES[i % len(SUPPLIER_NAMES)] + (f" {city}" if i >= len(SUPPLIER_NAMES) else "")
        suppliers.append(
            {
                "supplier_id": f"SUP-{i + 1:04d}",
                "supplier_code": f"V{i + 1:05d}",
                "supplier_name": name,
                "contact_person": rng.choice(["R. Sharma", "K. Iyer", "P. Nair", "S. Gupta", "A. Desai", "M. Rao"]),
                "email": f"sales{i + 1}@supplier{i + 1}.example",
                "phone": f"+91-20-{rng.randint(20000000, 29999999)}",
                "address_line1": f"Plot {rng.randint(1, 400)}, MIDC Industrial Area",
                "address_line2": None,
                "city": city,
                "state": state,
                "country": "India",
                "postal_code": f"{rng.randint(110000, 699999)}",
                "tax_id": f"27{rng.choice('ABCDEFGH')}{rng.randint(10**9, 10**10 - 1)}Z{rng.randint(1, 9)}",
                "currency": "INR",
                "payment_terms": weighted(rng, {"NET30": 5, "NET60": 3, "2/10NET30": 2}),
                "on_time_delivery_percentage": round(rng.uniform(82, 99.5), 2),
                "quality_rating": round(rng.uniform(3.0, 5.0), 2),
                "total_orders_count": 0,
                "total_purchase_value": 0,
                "supplier_type": stype,
                "certification_status": rng.choice(["ISO9001", "IATF16949", "ISO9001, IATF16949", "ISO14001"]),
                "supplier_status": weighted(rng, {"active": 18, "restricted": 1, "blocked": 1}),
                "blocked_for_orders": False,
                "created_by": "system",
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.add("erp", "suppliers", suppliers)

    active = [s for s in suppliers if s["supplier_status"] == "active"] or suppliers
    materials = []
    for i in range(ctx.count(110, minimum=12)):
        name, mtype, uom = RAW_MATERIALS[i % len(RAW_MATERIALS)]
        cost = round(rng.lognormvariate(3.0, 1.2), 4)
        materials.append(
            _material(
                ctx,
                rng,
                len(materials),
                name + (f" Grade {i // len(RAW_MATERIALS) + 1}" if i >= len(RAW_MATERIALS) else ""),
                mtype,
                uom,
                cost,
                "buy",
                rng.choice(active)["supplier_id"],
                None,
                created,
            )
        )
    # Standard cost of a finished good sits at 60-75 % of its average selling price, so that
    # gross margins land near 30 % (prices come from master.customer_product_mapping).
    prices: dict[str, list[float]] = {}
    for mapping in ctx.rows("master", "customer_product_mapping"):
        prices.setdefault(mapping["product_id"], []).append(mapping["unit_price_usd"])
    for p in ctx.rows("master", "products"):
        quoted = prices.get(p["product_id"])
        price = sum(quoted) / len(quoted) if quoted else rng.uniform(8, 400)
        cost = round(price * rng.uniform(0.60, 0.75), 4)
        materials.append(
            _material(
                ctx,
                rng,
                len(materials),
                p["product_name"],
                "finished_good",
                "EA",
                cost,
                "make",
                None,
                p["product_id"],
                created,
            )
        )
    # ABC by annual consumption value: A = top 70 % of value, B = next 20 %, C = the rest.
    values = sorted(materials, key=lambda m: m["standard_cost"] * m["maximum_stock"], reverse=True)
    total = sum(m["standard_cost"] * m["maximum_stock"] for m in values) or 1.0
    running = 0.0
    for m in values:
        running += m["standard_cost"] * m["maximum_stock"]
        m["abc_classification"] = "A" if running <= 0.7 * total else "B" if running <= 0.9 * total else "C"
    ctx.add("erp", "materials", materials)


def _material(ctx, rng, index, name, mtype, uom, cost, procurement, supplier_id, product_id, created) -> dict:
    reorder = float(rng.choice([50, 100, 200, 500, 1000]))
    return {
        "material_id": f"MAT-{index + 1:05d}",
        "material_code": f"{mtype[:2].upper()}{index + 1:06d}",
        "material_name": name,
        "material_type": mtype,
        "material_group": {"raw_material": "RAW", "component": "COMP", "packaging": "PACK", "finished_good": "FG"}[
            mtype
        ],
        "commodity_code": f"{rng.randint(7200, 8799)}.{rng.randint(10, 99)}",
        "product_family": None,
        "base_unit_of_measure": uom,
        "weight_kg": round(rng.uniform(0.01, 20), 4),
        "volume_m3": round(rng.uniform(0.0001, 0.2), 6),
        "dimensions": f"{rng.randint(5, 90)}x{rng.randint(5, 90)}x{rng.randint(2, 60)} cm",
        "procurement_type": procurement,
        "default_supplier_id": supplier_id,
        "lead_time_days": rng.choice([3, 5, 7, 14, 21, 30]) if procurement == "buy" else rng.choice([1, 2, 3]),
        "minimum_order_quantity": float(rng.choice([10, 50, 100, 500])),
        "order_multiple": float(rng.choice([1, 10, 50])),
        "abc_classification": None,
        "reorder_point": reorder,
        "safety_stock": round(reorder * 0.5, 4),
        "maximum_stock": round(reorder * rng.uniform(3, 6), 4),
        "valuation_class": "3000" if mtype != "finished_good" else "7920",
        "standard_cost": cost,
        "moving_average_cost": round(cost * rng.uniform(0.95, 1.08), 4),
        "last_purchase_price": round(cost * rng.uniform(0.92, 1.1), 4) if procurement == "buy" else None,
        "inspection_required": mtype in ("raw_material", "component") and rng.random() < 0.6,
        "shelf_life_days": rng.choice([None, None, 180, 365, 730]),
        "mrp_type": weighted(rng, {"reorder_point": 3, "lot_for_lot": 2, "period_order_quantity": 1}),
        "lot_sizing_procedure": rng.choice(["EX", "FX", "WB", "MB"]),
        "planning_time_fence_days": rng.choice([7, 14, 21]),
        "material_status": "active",
        "blocked_for_procurement": False,
        "blocked_for_production": False,
        "product_id": product_id,
        "created_by": "system",
        "created_at": created,
        "updated_at": created,
    }
