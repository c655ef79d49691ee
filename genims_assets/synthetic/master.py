"""genims_master_db: factories, lines, machines, sensors, products, customers, employees, shifts.

Everything else references these. Volumes at scale 1 follow the public run
(236 machines, 1,781 sensors, 12,086 employees); factories, lines, products
and customers, which the public run did not record, are sized to match.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted

CITIES = [
    ("Pune", "Maharashtra", "West"),
    ("Chennai", "Tamil Nadu", "South"),
    ("Gurugram", "Haryana", "North"),
    ("Sanand", "Gujarat", "West"),
    ("Hosur", "Tamil Nadu", "South"),
    ("Aurangabad", "Maharashtra", "West"),
    ("Jamshedpur", "Jharkhand", "East"),
    ("Pantnagar", "Uttarakhand", "North"),
    ("Bengaluru", "Karnataka", "South"),
    ("Manesar", "Haryana", "North"),
]
CATEGORIES = ["suspension", "brake", "electrical", "steering", "transmission"]
LINE_CATEGORIES = ["suspension", "brake", "electrical"]
MACHINE_TYPES = {"CNC": 5, "press": 3, "robot": 3, "conveyor": 2, "welding": 3, "assembly": 4, "testing": 2}
MACHINE_MAKERS = ["Fanuc", "DMG Mori", "Siemens", "ABB", "KUKA", "Haas", "Mazak", "Schuler", "Bosch Rexroth"]
SENSOR_TYPES = {
    "temperature": ("C", 0, 150, 40, 85),
    "vibration": ("mm/s", 0, 50, 0.5, 7.1),
    "pressure": ("bar", 0, 250, 80, 160),
    "current": ("A", 0, 400, 20, 180),
    "voltage": ("V", 0, 480, 380, 440),
    "flow": ("l/min", 0, 200, 40, 120),
    "speed": ("rpm", 0, 12000, 800, 9000),
    "torque": ("Nm", 0, 900, 50, 600),
}
PRODUCT_NOUNS = {
    "suspension": ["Shock Absorber", "Strut Assembly", "Coil Spring", "Control Arm", "Stabilizer Link"],
    "brake": ["Brake Caliper", "Brake Disc", "Master Cylinder", "Brake Pad Set", "ABS Module"],
    "electrical": ["Alternator", "Starter Motor", "Wiring Harness", "ECU Housing", "Ignition Coil"],
    "steering": ["Steering Rack", "Tie Rod End", "Power Steering Pump", "Steering Column"],
    "transmission": ["Gear Shaft", "Clutch Plate", "Synchronizer Ring", "Differential Housing"],
}
CUSTOMER_NAMES = [
    "Tata Motors",
    "Mahindra & Mahindra",
    "Maruti Suzuki",
    "Ashok Leyland",
    "Bajaj Auto",
    "Hero MotoCorp",
    "TVS Motor",
    "Eicher Motors",
    "Force Motors",
    "Hyundai Motor India",
    "Toyota Kirloskar",
    "Honda Cars India",
    "Kia India",
    "Skoda Auto India",
    "VE Commercial Vehicles",
    "SML Isuzu",
    "Royal Enfield",
    "Piaggio India",
    "Atul Auto",
    "Olectra Greentech",
]
FIRST_NAMES = [
    "Aarav",
    "Vivaan",
    "Aditya",
    "Arjun",
    "Sai",
    "Rohan",
    "Karan",
    "Rahul",
    "Vikram",
    "Suresh",
    "Priya",
    "Ananya",
    "Diya",
    "Kavya",
    "Meera",
    "Neha",
    "Pooja",
    "Sneha",
    "Lakshmi",
    "Divya",
    "Amit",
    "Deepak",
    "Manoj",
    "Ravi",
]
LAST_NAMES = [
    "Sharma",
    "Patel",
    "Iyer",
    "Reddy",
    "Nair",
    "Gupta",
    "Singh",
    "Kumar",
    "Joshi",
    "Desai",
    "Rao",
    "Menon",
    "Chatterjee",
    "Das",
    "Kulkarni",
    "Pillai",
    "Verma",
    "Mehta",
]
SHIFTS = [
    ("shift_a", "A", time(6), time(14)),
    ("shift_b", "B", time(14), time(22)),
    ("shift_c", "C", time(22), time(6)),
]


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("master")
    created = ctx.start - timedelta(days=400)

    factories = []
    for i in range(ctx.count(4, minimum=2)):
        city, state, region = CITIES[i % len(CITIES)]
        factories.append(
            {
                "factory_id": f"FAC-{i + 1:04d}",
                "factory_name": f"GenIMS {city} Plant" + (f" {i // len(CITIES) + 1}" if i >= len(CITIES) else ""),
                "country": "India",
                "city": city,
                "region": region,
                "timezone": "Asia/Kolkata",
                "total_area_sqm": rng.randrange(20_000, 120_000, 500),
                "operational_since": date(rng.randint(1995, 2018), rng.randint(1, 12), 1),
                "factory_type": weighted(rng, {"assembly": 3, "machining": 2, "testing": 1}),
                "certification": rng.choice(["ISO9001, IATF16949", "ISO9001, IATF16949, ISO14001", "ISO9001"]),
                "status": "active",
                "created_at": created,
            }
        )
    ctx.add("master", "factories", factories)

    shifts = []
    for f in factories:
        for name, code, start, end in SHIFTS:
            shifts.append(
                {
                    "shift_id": f"SHIFT-{f['factory_id'][4:]}-{code}",
                    "factory_id": f["factory_id"],
                    "shift_name": name,
                    "shift_code": code,
                    "start_time": start,
                    "end_time": end,
                    "duration_hours": 8.0,
                    "shift_type": "regular",
                    "break_duration_minutes": 30,
                    "days_of_week": "mon,tue,wed,thu,fri,sat",
                    "status": "active",
                    "created_at": created,
                }
            )
    ctx.add("master", "shifts", shifts)

    lines = []
    n_lines = max(2 * len(factories), ctx.count(24))
    for i in range(n_lines):
        f = factories[i % len(factories)]
        category = LINE_CATEGORIES[(i // len(factories)) % len(LINE_CATEGORIES)]
        capacity = rng.randrange(60, 240, 10)
        lines.append(
            {
                "line_id": f"LINE-{i + 1:04d}",
                "factory_id": f["factory_id"],
                "line_name": f"{f['city']} {category.title()} Line {i // len(factories) + 1}",
                "line_number": i // len(factories) + 1,
                "product_category": category,
                "line_type": weighted(rng, {"assembly": 4, "machining": 3, "testing": 1, "painting": 1}),
                "design_capacity_units_per_hour": capacity,
                "installed_capacity_units_per_hour": int(capacity * rng.uniform(0.85, 1.0)),
                "line_length_meters": money(rng.uniform(40, 220)),
                "num_stations": rng.randint(6, 24),
                "automation_level": weighted(rng, {"manual": 1, "semi-automated": 3, "fully-automated": 2}),
                "commissioning_date": f["operational_since"] + timedelta(days=rng.randint(0, 2000)),
                "status": "active",
                "created_at": created,
            }
        )
    ctx.add("master", "production_lines", lines)

    machines = []
    n_machines = max(2 * len(lines), ctx.count(236))
    for i in range(n_machines):
        line = lines[i % len(lines)]
        mtype = weighted(rng, MACHINE_TYPES)
        installed = line["commissioning_date"] + timedelta(days=rng.randint(0, 1500))
        age = max(0.1, (ctx.end.date() - installed).days / 365.25)
        machines.append(
            {
                "machine_id": f"MCH-{i + 1:05d}",
                "line_id": line["line_id"],
                "factory_id": line["factory_id"],
                "machine_name": f"{mtype} {i // len(lines) + 1:02d} / {line['line_name']}",
                "machine_code": f"M{i + 1:05d}",
                "machine_type": mtype,
                "manufacturer": rng.choice(MACHINE_MAKERS),
                "model_number": f"{mtype[:3].upper()}-{rng.randint(100, 999)}",
                "serial_number": f"SN{rng.randint(10**7, 10**8 - 1)}",
                "installation_date": installed,
                "last_major_overhaul": installed + timedelta(days=int(age * 365.25 * rng.uniform(0.3, 0.9)))
                if age > 3
                else None,
                "design_capacity_units_per_hour": int(line["design_capacity_units_per_hour"] * rng.uniform(1.0, 1.3)),
                "power_rating_kw": money(rng.uniform(5, 160)),
                "maintenance_schedule": weighted(rng, {"weekly": 2, "monthly": 5, "quarterly": 2, "daily": 1}),
                "criticality": weighted(rng, {"critical": 2, "high": 3, "medium": 4, "low": 1}),
                "asset_value_usd": money(rng.uniform(20_000, 900_000)),
                "expected_life_years": rng.choice([10, 12, 15, 20]),
                "current_age_years": round(age, 2),
                "status": "active",
                "created_at": created,
            }
        )
    ctx.add("master", "machines", machines)

    sensors = []
    n_sensors = max(len(machines), ctx.count(1781))
    per_machine = [1] * len(machines)
    for _ in range(n_sensors - len(machines)):
        per_machine[rng.randrange(len(machines))] += 1
    for m, count in zip(machines, per_machine, strict=True):
        for k in range(count):
            stype = list(SENSOR_TYPES)[(k + rng.randrange(3)) % len(SENSOR_TYPES)]
            unit, lo, hi, nlo, nhi = SENSOR_TYPES[stype]
            sensors.append(
                {
                    "sensor_id": f"SEN-{len(sensors) + 1:06d}",
                    "machine_id": m["machine_id"],
                    "line_id": m["line_id"],
                    "factory_id": m["factory_id"],
                    "sensor_name": f"{stype.title()} sensor {k + 1} on {m['machine_code']}",
                    "sensor_code": f"S{len(sensors) + 1:06d}",
                    "sensor_type": stype,
                    "measurement_unit": unit,
                    "measurement_range_min": lo,
                    "measurement_range_max": hi,
                    "normal_operating_min": nlo,
                    "normal_operating_max": nhi,
                    "warning_threshold_min": round(nlo * 0.9, 4),
                    "warning_threshold_max": round(nhi * 1.1, 4),
                    "critical_threshold_min": round(nlo * 0.75, 4),
                    "critical_threshold_max": round(min(hi, nhi * 1.25), 4),
                    "sampling_frequency_hz": rng.choice([1.0, 10.0, 100.0, 1000.0]),
                    "data_protocol": weighted(rng, {"OPC-UA": 5, "Modbus": 3, "MQTT": 3, "REST": 1}),
                    "manufacturer": rng.choice(["Honeywell", "Siemens", "ifm", "Endress+Hauser", "SKF", "Omron"]),
                    "model_number": f"{stype[:2].upper()}{rng.randint(1000, 9999)}",
                    "calibration_date": ctx.end.date() - timedelta(days=rng.randint(0, 360)),
                    "calibration_frequency_days": rng.choice([90, 180, 365]),
                    "accuracy_percentage": round(rng.uniform(97.5, 99.9), 2),
                    "status": "active",
                    "created_at": created,
                }
            )
    ctx.add("master", "sensors", sensors)

    products = []
    for i in range(ctx.count(40, minimum=6)):
        category = CATEGORIES[i % len(CATEGORIES)] if i >= len(LINE_CATEGORIES) else LINE_CATEGORIES[i]
        noun = PRODUCT_NOUNS[category][(i // len(CATEGORIES)) % len(PRODUCT_NOUNS[category])]
        complexity = weighted(rng, {"simple": 2, "moderate": 3, "complex": 2})
        products.append(
            {
                "product_id": f"PRD-{i + 1:04d}",
                "product_code": f"{category[:3].upper()}-{i + 1:04d}",
                "product_name": f"{noun} {chr(65 + i % 26)}{i // 26 + 1}",
                "product_category": category,
                "product_type": weighted(rng, {"assembly": 3, "component": 4, "sub-assembly": 2}),
                "description": f"{noun} for {category} systems, variant {i + 1}",
                "bill_of_material_complexity": complexity,
                "number_of_components": {
                    "simple": rng.randint(3, 12),
                    "moderate": rng.randint(12, 40),
                    "complex": rng.randint(40, 120),
                }[complexity],
                "standard_cycle_time_seconds": rng.randint(20, 240),
                "target_quality_ppm": rng.choice([50, 100, 250, 500]),
                "unit_weight_kg": round(rng.uniform(0.2, 25.0), 3),
                "material_type": rng.choice(["steel", "aluminium", "cast iron", "copper", "polymer"]),
                "status": "active",
                "created_at": created,
            }
        )
    ctx.add("master", "products", products)

    # Lines make products of their own category; other categories are made on any line.
    mappings = []
    for line in lines:
        own = [p for p in products if p["product_category"] == line["product_category"]] or products
        for k, p in enumerate(rng.sample(own, min(len(own), rng.randint(2, 4)))):
            mappings.append(
                {
                    "mapping_id": f"LPM-{len(mappings) + 1:05d}",
                    "line_id": line["line_id"],
                    "product_id": p["product_id"],
                    "factory_id": line["factory_id"],
                    "is_primary_line": k == 0,
                    "standard_cycle_time_seconds": p["standard_cycle_time_seconds"],
                    "setup_time_minutes": rng.choice([15, 20, 30, 45]),
                    "changeover_time_minutes": rng.choice([20, 30, 45, 60, 90]),
                    "yield_percentage": round(rng.uniform(95.0, 99.6), 2),
                    "status": "active",
                    "created_at": created,
                }
            )
    mapped = {m["product_id"] for m in mappings}
    for p in products:
        if p["product_id"] not in mapped:
            line = rng.choice(lines)
            mappings.append(
                {
                    "mapping_id": f"LPM-{len(mappings) + 1:05d}",
                    "line_id": line["line_id"],
                    "product_id": p["product_id"],
                    "factory_id": line["factory_id"],
                    "is_primary_line": True,
                    "standard_cycle_time_seconds": p["standard_cycle_time_seconds"],
                    "setup_time_minutes": 30,
                    "changeover_time_minutes": 45,
                    "yield_percentage": round(rng.uniform(95.0, 99.6), 2),
                    "status": "active",
                    "created_at": created,
                }
            )
    ctx.add("master", "line_product_mapping", mappings)

    customers = []
    for i in range(ctx.count(25, minimum=5)):
        base = CUSTOMER_NAMES[i % len(CUSTOMER_NAMES)]
        city, state, region = CITIES[rng.randrange(len(CITIES))]
        ctype = weighted(rng, {"oem": 3, "tier1": 3, "tier2": 2, "aftermarket": 2})
        customers.append(
            {
                "customer_id": f"CUST-{i + 1:04d}",
                "customer_code": f"C{i + 1:04d}",
                "customer_name": base
                + (f" ({city} {i // len(CUSTOMER_NAMES) + 1})" if i >= len(CUSTOMER_NAMES) else ""),
                "customer_type": ctype,
                "country": "India",
                "region": region,
                "industry_segment": weighted(rng, {"automotive_oem": 4, "commercial_vehicle": 2, "two_wheeler": 2}),
                "annual_volume_estimate": rng.randrange(10_000, 500_000, 1000),
                "quality_rating": weighted(rng, {"excellent": 3, "good": 5, "fair": 2}),
                "payment_terms_days": rng.choice([30, 45, 60, 90]),
                "sla_on_time_delivery_percentage": rng.choice([90.0, 95.0, 98.0]),
                "sla_quality_ppm_max": rng.choice([100, 250, 500]),
                "status": "active",
                "created_at": created,
            }
        )
    ctx.add("master", "customers", customers)

    cpm = []
    for c in customers:
        for p in rng.sample(products, min(len(products), rng.randint(2, 3))):
            cpm.append(
                {
                    "mapping_id": f"CPM-{len(cpm) + 1:05d}",
                    "customer_id": c["customer_id"],
                    "product_id": p["product_id"],
                    "is_active": True,
                    "annual_volume": rng.randrange(1000, 60_000, 100),
                    "unit_price_usd": money(rng.uniform(8, 400)),
                    "lead_time_days": rng.choice([7, 14, 21, 30]),
                    "quality_requirement_ppm": rng.choice([50, 100, 250]),
                    "created_at": created,
                }
            )
    ctx.add("master", "customer_product_mapping", cpm)

    employees = []
    roles = {"operator": 60, "technician": 12, "supervisor": 6, "engineer": 8, "manager": 3, "quality_inspector": 11}
    departments = {
        "operator": "production",
        "technician": "maintenance",
        "supervisor": "production",
        "engineer": "planning",
        "manager": "production",
        "quality_inspector": "quality",
    }
    lines_by_factory: dict[str, list[dict]] = {}
    for line in lines:
        lines_by_factory.setdefault(line["factory_id"], []).append(line)
    for i in range(ctx.count(12086, minimum=40)):
        f = factories[i % len(factories)]
        role = weighted(rng, roles)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        hired = ctx.end.date() - timedelta(days=rng.randint(30, 365 * 25))
        on_line = role in ("operator", "supervisor", "quality_inspector")
        employees.append(
            {
                "employee_id": f"EMP-{i + 1:06d}",
                "factory_id": f["factory_id"],
                "line_id": rng.choice(lines_by_factory[f["factory_id"]])["line_id"] if on_line else None,
                "employee_code": f"E{i + 1:06d}",
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower()}.{i + 1}@genims.example",
                "phone": f"+91-9{rng.randint(100000000, 999999999)}",
                "role": role,
                "department": departments[role],
                "skill_level": weighted(rng, {"trainee": 1, "skilled": 5, "senior": 3, "expert": 1}),
                "shift": weighted(rng, {"shift_a": 4, "shift_b": 3, "shift_c": 2, "general": 1})
                if on_line
                else "general",
                "hire_date": hired,
                "experience_years": round((ctx.end.date() - hired).days / 365.25 + rng.uniform(0, 5), 2),
                "certifications": rng.choice(
                    [None, "Six Sigma Green Belt", "Forklift", "IATF Auditor", "Lean Practitioner"]
                ),
                "status": weighted(rng, {"active": 95, "inactive": 5}),
                "created_at": created,
            }
        )
    ctx.add("master", "employees", employees)
