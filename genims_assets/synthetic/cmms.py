"""genims_cmms_db: assets, PM schedules, work orders, labour, parts, costs, meters, reliability.

One maintenance asset per master machine (asset_id = f"AST-{machine_id}", the
contract the ERP capex postings rely on; purchase_cost is the machine's
asset_value_usd, in the same currency units as the ERP ledger) plus a few
plant assets per factory (HVAC, compressor, transformer, forklift, building,
CMM, tools), some of them bought inside the window (capex).

Volumes: pm_schedules = ctx.count(100) on the assets maintained preventively
or predictively. Work orders come from them (every due date in the window,
generated `lead_time_days` ahead; daily rounds are not work orders) and from
failures drawn per asset at 0.0016 x (0.6 + age/12) per asset-day, raised
for critical machines and run-to-failure strategies, lowered for predictive
ones (at least 12 failures in any window), so a 90-day window at scale 1 has
some 240 work orders: more than the public run's 100, which could not carry
PM compliance and MTBF for 236 machines. Repair times are log-normal (long
tail); the latest repairs are still open (in progress, on hold for parts).
wo_type is one of preventive, inspection and predictive (planned work) or
corrective and breakdown (repairs); every
completed work order has its maintenance_history event (breakdowns dated at
the failure), its labour entries and its maintenance_costs rows (labour,
parts, contractor, equipment_rental, other) whose sums are the work order's
actual costs. Meter readings are weekly for metered assets.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, clamp_stamps_to_window, cover, money, weighted

CLASS_OF = {"critical": "critical", "high": "essential", "medium": "important", "low": "support"}
STRATEGY = {
    "critical": {"predictive": 3, "preventive": 6, "corrective": 1},
    "high": {"preventive": 7, "predictive": 1, "corrective": 2},
    "medium": {"preventive": 5, "corrective": 4, "run_to_failure": 1},
    "low": {"corrective": 4, "run_to_failure": 4, "preventive": 2},
}
# suffix, name, type, category, class, criticality, meter unit, value range
PLANT_ASSETS = [
    ("BLD-01", "Main Production Building", "facility", "utility", "support", "medium", None, (2e6, 6e6)),
    ("HVAC-01", "Central HVAC Plant", "equipment", "hvac", "essential", "high", "hours", (8e4, 3e5)),
    ("CMP-01", "Screw Air Compressor 75 kW", "equipment", "utility", "critical", "critical", "hours", (3e4, 9e4)),
    ("TRF-01", "11 kV Distribution Transformer", "equipment", "electrical", "critical", "critical", None, (5e4, 1.5e5)),
    ("FLT-01", "Electric Forklift 3 t", "vehicle", "utility", "important", "medium", "km", (2e4, 4e4)),
    ("CMM-01", "Coordinate Measuring Machine", "instrument", "instrumentation", "important", "high", None, (6e4, 2e5)),
    ("TLS-01", "Calibrated Torque Tool Set", "tool", "production", "support", "low", None, (3e3, 1.2e4)),
]
STEPS = [
    "Isolate and lock out energy sources",
    "Perform the work per checklist",
    "Remove locks and test run",
    "Record results in CMMS",
]
PLANT_MAKERS = ["Atlas Copco", "Blue Star", "Schneider Electric", "Toyota", "Zeiss", "Godrej", "Norbar"]
# code, description, class, type, severity, typical hours
FAILURE_CODES = [
    ("MECH-BRG", "Bearing failure", "mechanical", "wear", "major", 4),
    ("MECH-GBX", "Gearbox tooth fatigue", "mechanical", "fatigue", "critical", 16),
    ("MECH-ALN", "Shaft or coupling misalignment", "mechanical", "misalignment", "moderate", 3),
    ("MECH-SPN", "Spindle overload damage", "mechanical", "overload", "critical", 12),
    ("MECH-COR", "Corroded guide rails", "mechanical", "corrosion", "moderate", 5),
    ("ELEC-MTR", "Motor winding burnout", "electrical", "overload", "critical", 8),
    ("ELEC-SNS", "Sensor or encoder fault", "electrical", "wear", "minor", 1),
    ("ELEC-CBL", "Damaged power or signal cable", "electrical", "wear", "moderate", 2),
    ("ELEC-DRV", "Servo drive trip", "electrical", "overload", "major", 3),
    ("HYD-LK", "Hydraulic hose or seal leak", "hydraulic", "wear", "moderate", 2),
    ("HYD-PMP", "Hydraulic pump failure", "hydraulic", "wear", "major", 6),
    ("HYD-OIL", "Contaminated hydraulic oil", "hydraulic", "contamination", "moderate", 3),
    ("PNE-VLV", "Sticking pneumatic valve", "pneumatic", "contamination", "minor", 1),
    ("PNE-LK", "Compressed air leak", "pneumatic", "wear", "minor", 1),
    ("SW-PLC", "PLC program fault", "software", None, "major", 2),
    ("SW-HMI", "HMI freeze or comms loss", "software", None, "minor", 1),
    ("OPR-SET", "Incorrect setup by operator", "operator_error", "misalignment", "moderate", 1),
    ("OPR-CRS", "Tool crash from wrong offset", "operator_error", "overload", "major", 5),
]
PARENT_CODES = {
    "mechanical": "MECH",
    "electrical": "ELEC",
    "hydraulic": "HYD",
    "pneumatic": "PNE",
    "software": "SW",
    "operator_error": "OPR",
}
CLASS_BY_TYPE = {
    "CNC": {"mechanical": 4, "electrical": 3, "software": 1, "operator_error": 1, "hydraulic": 1},
    "press": {"hydraulic": 5, "mechanical": 3, "electrical": 1, "operator_error": 1},
    "robot": {"electrical": 4, "software": 2, "pneumatic": 2, "mechanical": 1},
    "conveyor": {"mechanical": 5, "electrical": 3},
    "welding": {"electrical": 5, "mechanical": 1, "pneumatic": 1},
    "assembly": {"pneumatic": 4, "mechanical": 3, "electrical": 2, "operator_error": 1},
    "testing": {"electrical": 4, "software": 3, "mechanical": 1},
}
PLANT_CLASSES = {"mechanical": 3, "electrical": 4, "pneumatic": 1, "hydraulic": 1}
PERIOD = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91, "yearly": 365}
LEAD = {"daily": 0, "weekly": 1, "monthly": 5, "quarterly": 10, "yearly": 21}
TASKS = {
    "inspection": [("inspection", "Visual and functional inspection against checklist")],
    "service": [
        ("cleaning", "Clean filters, guards and coolant sump"),
        ("lubrication", "Lubricate slides and bearings"),
        ("inspection", "Check belts, hoses and fasteners"),
        ("adjustment", "Adjust tension and clearances"),
    ],
    "overhaul": [
        ("replacement", "Replace wear parts and seals"),
        ("adjustment", "Re-align and level"),
        ("inspection", "Run-off test after overhaul"),
    ],
    "calibration": [
        ("adjustment", "Calibrate against reference standard"),
        ("inspection", "Record as-found and as-left values"),
    ],
    "repair": [
        ("inspection", "Diagnose failure"),
        ("replacement", "Replace failed component"),
        ("adjustment", "Test run and adjust"),
    ],
}
PARTS = [
    ("Deep Groove Ball Bearing 6205", "spare_part", "mechanical", "EA", 450),
    ("Timing Belt HTD 8M", "spare_part", "mechanical", "EA", 1800),
    ("Hydraulic Seal Kit", "spare_part", "hydraulic", "KIT", 3200),
    ("Hydraulic Hose 1/2in x 1m", "spare_part", "hydraulic", "EA", 950),
    ("Proximity Sensor M18", "spare_part", "electronic", "EA", 2400),
    ("Servo Motor Encoder", "spare_part", "electronic", "EA", 18500),
    ("Contactor 40A", "spare_part", "electrical", "EA", 2100),
    ("Motor 7.5 kW IE3", "spare_part", "electrical", "EA", 38000),
    ("Solenoid Valve 5/2", "spare_part", "pneumatic", "EA", 3600),
    ("Pneumatic Cylinder 50x100", "spare_part", "pneumatic", "EA", 5200),
    ("Spindle Lubricant 1 L", "consumable", "mechanical", "L", 650),
    ("Hydraulic Oil ISO 46 20 L", "consumable", "hydraulic", "DRUM", 5400),
    ("Cleaning Rags", "consumable", "mechanical", "KG", 120),
    ("Air Filter Element", "consumable", "pneumatic", "EA", 780),
    ("Torque Wrench 20-100 Nm", "tool", "mechanical", "EA", 9500),
    ("Insulated Screwdriver Set", "tool", "electrical", "SET", 2600),
    ("Safety Padlock LOTO", "safety_item", "mechanical", "EA", 850),
    ("Arc Flash Gloves", "safety_item", "electrical", "PAIR", 4200),
    ("Fuse 32A gG", "spare_part", "electrical", "EA", 180),
    ("Coolant Pump", "spare_part", "mechanical", "EA", 12500),
]
PROCEDURES = [
    ("pm", "CNC"),
    ("pm", "press"),
    ("pm", "robot"),
    ("pm", "conveyor"),
    ("pm", "welding"),
    ("pm", "assembly"),
    ("pm", "testing"),
    ("inspection", None),
    ("troubleshooting", None),
    ("calibration", None),
    ("startup", None),
    ("shutdown", None),
]


def generate(ctx: GenContext) -> None:
    created = ctx.start - timedelta(days=400)
    assets, meta = _assets(ctx, ctx.rng("cmms.assets"), created)
    codes = _failure_codes(ctx, created)
    techs, teams = _people(ctx, ctx.rng("cmms.people"), created)
    procedures = _procedures(ctx, created)
    parts = _parts(ctx, ctx.rng("cmms.parts"), assets, created)
    contracts = _contracts(ctx, ctx.rng("cmms.contracts"), assets, created)
    centers = _cost_centers(ctx, ctx.rng("cmms.centers"), techs, created)
    schedules = _pm_schedules(ctx, ctx.rng("cmms.pm"), assets, meta, procedures, created)
    wos = _work_orders(ctx, ctx.rng("cmms.wo"), assets, meta, schedules, codes, techs)
    _execution(ctx, ctx.rng("cmms.exec"), wos, meta, techs, parts, contracts, centers)
    _meter_readings(ctx, ctx.rng("cmms.meters"), assets, meta, wos)
    _finish(ctx, assets, meta, schedules, wos, techs, teams, centers)
    _reliability(ctx, assets, meta, wos)
    _integration_log(ctx, ctx.rng("cmms.integration"), wos)
    clamp_stamps_to_window(ctx, "cmms")


def _strip(rows: list[dict]) -> list[dict]:
    """Rows without the private (underscore) keys this module keeps while building them."""
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def _condition(age: float, life: int) -> str:
    used = age / max(1, life)
    if used >= 1.0:
        return "critical"
    return "excellent" if used < 0.2 else "good" if used < 0.5 else "fair" if used < 0.8 else "poor"


def _asset_row(rng, today: date, spec: dict, created: datetime) -> dict:
    """A maintenance asset from `spec` (id, number, name, type, category, class, criticality, factory, line and
    machine ids, maker, model, serial, installed, purchased, value, life, age, strategy, meter_unit)."""
    installed, value, atype = spec["installed"], spec["value"], spec["type"]
    has_meter = spec["meter_unit"] is not None
    strategy = spec["strategy"]
    return {
        "asset_id": spec["id"],
        "asset_number": spec["number"],
        "asset_name": spec["name"],
        "asset_type": atype,
        "asset_category": spec["category"],
        "asset_class": spec["class"],
        "parent_asset_id": None,
        "location_hierarchy": None,
        "machine_id": spec.get("machine_id"),
        "factory_id": spec["factory_id"],
        "line_id": spec.get("line_id"),
        "department": "Production" if atype == "machine" else "Facilities",
        "location_description": None,
        "manufacturer": spec["maker"],
        "model_number": spec["model"],
        "serial_number": spec["serial"],
        "year_manufactured": (installed - timedelta(days=rng.randint(30, 300))).year,
        "installation_date": installed,
        "commissioning_date": min(installed + timedelta(days=rng.randint(3, 20)), max(installed, today)),
        "warranty_expiry_date": installed + timedelta(days=365 * rng.choice([1, 2, 3])),
        "rated_capacity": None,
        "power_rating": None,
        "operating_voltage": "415 V",
        "operating_pressure": None,
        "weight_kg": money(rng.uniform(200, 25_000)),
        "dimensions": f"{rng.randint(1, 12)} x {rng.randint(1, 6)} x {rng.randint(1, 5)} m",
        "criticality_rating": spec["crit"],
        "safety_critical": spec["crit"] == "critical" or atype == "vehicle",
        "production_critical": spec["crit"] in ("critical", "high"),
        "environmental_critical": spec["category"] in ("hvac", "electrical"),
        "downtime_cost_per_hour": money(value * rng.uniform(0.002, 0.006)),
        "replacement_cost": money(value * rng.uniform(1.1, 1.4)),
        "maintenance_strategy": strategy,
        "pm_frequency_type": "condition_based"
        if strategy == "predictive"
        else "meter_based"
        if has_meter
        else "calendar",
        "has_meter": has_meter,
        "meter_unit": spec["meter_unit"],
        "current_meter_reading": None,
        "meter_reading_date": None,
        "asset_condition": _condition(spec["age"], spec["life"]),
        "asset_status": "operational",
        "owned_leased": weighted(rng, {"owned": 90, "leased": 7, "rented": 3})
        if atype in ("machine", "vehicle")
        else "owned",
        "purchase_cost": money(value),
        "purchase_date": spec["purchased"],
        "technical_manual_url": f"https://docs.genims.example/assets/{spec['id']}/manual.pdf",
        "drawings_url": None,
        "photo_url": None,
        "expected_life_years": spec["life"],
        "remaining_life_years": max(0, round(spec["life"] - spec["age"])),
        "is_active": True,
        "created_at": datetime.combine(spec["purchased"], time(9)),
        "updated_at": created,
        "notes": None,
    }


def _assets(ctx, rng, created) -> tuple[list[dict], dict[str, dict]]:
    """Maintenance assets (machines first, then plant assets) and per-asset facts used further on."""
    factories = {f["factory_id"]: f for f in ctx.rows("master", "factories")}
    lines = {ln["line_id"]: ln for ln in ctx.rows("master", "production_lines")}
    today = ctx.end.date()
    assets, meta = [], {}
    meter_by_type = {
        "press": "cycles",
        "robot": "hours",
        "CNC": "hours",
        "conveyor": "hours",
        "welding": "hours",
        "assembly": "units_produced",
        "testing": "units_produced",
    }
    for m in ctx.rows("master", "machines"):
        crit, mtype, age = m["criticality"], m["machine_type"], m["current_age_years"]
        strategy = weighted(rng, STRATEGY[crit])
        unit = meter_by_type[mtype] if rng.random() < 0.14 else None
        usage = {
            "hours": rng.uniform(15, 20),
            "cycles": rng.uniform(2000, 8000),
            "units_produced": m["design_capacity_units_per_hour"] * 17.0,
            None: 0.0,
        }[unit]
        aid = f"AST-{m['machine_id']}"
        row = _asset_row(
            rng,
            today,
            {
                "id": aid,
                "number": f"A-{m['machine_code']}",
                "name": m["machine_name"],
                "type": "machine",
                "category": "production",
                "class": CLASS_OF[crit],
                "crit": crit,
                "factory_id": m["factory_id"],
                "line_id": m["line_id"],
                "machine_id": m["machine_id"],
                "maker": m["manufacturer"],
                "model": m["model_number"],
                "serial": m["serial_number"],
                "installed": m["installation_date"],
                "value": m["asset_value_usd"],
                "life": m["expected_life_years"],
                "age": age,
                "purchased": min(m["installation_date"] - timedelta(days=rng.randint(30, 120)), today),
                "strategy": strategy,
                "meter_unit": unit,
            },
            created,
        )
        plant, line = factories[m["factory_id"]]["factory_name"], lines[m["line_id"]]["line_name"]
        row["location_hierarchy"] = f"{plant} > {line} > {m['machine_code']}"
        row["rated_capacity"] = f"{m['design_capacity_units_per_hour']} units/h"
        row["power_rating"] = f"{m['power_rating_kw']} kW"
        row["operating_pressure"] = f"{rng.randint(140, 250)} bar" if mtype == "press" else None
        assets.append(row)
        # failures grow with age and with how hard critical machines are run; good maintenance lowers them
        rate = 0.0016 * (0.6 + age / 12) * {"critical": 1.4, "high": 1.2, "medium": 1.0, "low": 0.9}[crit]
        rate *= {"run_to_failure": 1.5, "corrective": 1.25, "preventive": 1.0, "predictive": 0.75}[strategy]
        meta[aid] = {
            "type": mtype,
            "crit": crit,
            "usage": usage,
            "rate": rate,
            "capacity": m["design_capacity_units_per_hour"],
            "factory": m["factory_id"],
            "plant": False,
            "classes": CLASS_BY_TYPE[mtype],
            "t0": ctx.start,
            "base": round(usage * 365.25 * age * 6 / 7 * rng.uniform(0.8, 1.0), 2),
        }
    new_assets = 0
    for f in factories.values():
        no = f["factory_id"][4:]
        for suffix, name, atype, category, aclass, crit, unit, (lo, hi) in PLANT_ASSETS:
            aid = f"AST-{f['factory_id']}-{suffix}"
            # capex inside the window: at least one new movable asset, more now and then
            bought_now = (
                suffix in ("FLT-01", "TLS-01", "CMM-01") and ctx.days >= 14 and (new_assets == 0 or rng.random() < 0.15)
            )
            if bought_now:
                new_assets += 1
                purchased = ctx.start.date() + timedelta(days=rng.randint(0, ctx.days - 14))
                installed = purchased + timedelta(days=rng.randint(3, 10))
            else:
                installed = f["operational_since"] + timedelta(days=rng.randint(0, 3000))
                installed = min(installed, ctx.start.date() - timedelta(days=200))
                purchased = installed - timedelta(days=rng.randint(20, 90))
            life = {"facility": 40, "vehicle": 8, "tool": 5, "instrument": 10}.get(atype, 15)
            age = max(0.0, (today - installed).days / 365.25)
            usage = {"hours": rng.uniform(14, 22), "km": rng.uniform(20, 45), None: 0.0}[unit]
            row = _asset_row(
                rng,
                today,
                {
                    "id": aid,
                    "number": f"A-{no}-{suffix}",
                    "name": f"{name} - {f['city']}",
                    "type": atype,
                    "category": category,
                    "class": aclass,
                    "crit": crit,
                    "factory_id": f["factory_id"],
                    "maker": rng.choice(PLANT_MAKERS),
                    "model": f"{suffix[:3]}-{rng.randint(100, 999)}",
                    "serial": f"PS{rng.randint(10**6, 10**7 - 1)}",
                    "installed": installed,
                    "purchased": purchased,
                    "value": rng.uniform(lo, hi),
                    "life": life,
                    "age": age,
                    "strategy": "preventive" if crit in ("critical", "high") else weighted(rng, STRATEGY[crit]),
                    "meter_unit": unit,
                },
                created,
            )
            row["parent_asset_id"] = None if suffix == "BLD-01" else f"AST-{f['factory_id']}-BLD-01"
            row["location_hierarchy"] = f"{f['factory_name']} > Utilities > {suffix}"
            if bought_now:
                row["asset_condition"] = "excellent"
                row["notes"] = "Capital purchase in the current period"
            assets.append(row)
            meta[aid] = {
                "type": atype,
                "crit": crit,
                "usage": usage,
                "rate": 0.0012 * (0.6 + age / 12),
                "capacity": 0,
                "factory": f["factory_id"],
                "plant": True,
                "classes": PLANT_CLASSES,
                "t0": ctx.start,
                "base": round(usage * 365.25 * age * 6 / 7 * rng.uniform(0.8, 1.0), 2),
            }
    for a in assets:
        a["updated_at"] = max(a["updated_at"], a["created_at"])
    return assets, meta


def _failure_codes(ctx, created) -> dict[str, list[dict]]:
    rows, by_class = [], {}
    for cls, prefix in PARENT_CODES.items():
        rows.append(
            {
                "failure_code_id": f"FC-{prefix}",
                "failure_code": prefix,
                "failure_description": f"{cls.replace('_', ' ').title()} failures",
                "failure_class": cls,
                "failure_type": None,
                "severity": None,
                "parent_code": None,
                "recommended_action": "See child codes",
                "typical_repair_time_hours": None,
                "is_active": True,
                "created_at": created,
            }
        )
    for code, desc, cls, ftype, sev, hours in FAILURE_CODES:
        row = {
            "failure_code_id": f"FC-{code}",
            "failure_code": code,
            "failure_description": desc,
            "failure_class": cls,
            "failure_type": ftype,
            "severity": sev,
            "parent_code": PARENT_CODES[cls],
            "recommended_action": f"Follow troubleshooting procedure for {desc.lower()}",
            "typical_repair_time_hours": float(hours),
            "is_active": True,
            "created_at": created,
        }
        rows.append(row)
        by_class.setdefault(cls, []).append(row)
    ctx.add("cmms", "failure_codes", rows)
    return by_class


TRADE_FOR = {
    "mechanical": "mechanical",
    "hydraulic": "mechanical",
    "pneumatic": "multi_craft",
    "electrical": "electrical",
    "software": "instrumentation",
    "operator_error": "mechanical",
}


def _people(ctx, rng, created) -> tuple[list[dict], list[dict]]:
    """Technicians (master employees with the technician role) and their teams, per factory."""
    machines_per = {}
    for m in ctx.rows("master", "machines"):
        machines_per[m["factory_id"]] = machines_per.get(m["factory_id"], 0) + 1
    pool = {}
    for e in ctx.rows("master", "employees"):
        if e["role"] == "technician" and e["status"] == "active":
            pool.setdefault(e["factory_id"], []).append(e)
    techs, teams = [], []
    for f in ctx.rows("master", "factories"):
        fid, no = f["factory_id"], f["factory_id"][4:]
        people = rng.sample(pool.get(fid, []), min(len(pool.get(fid, [])), max(4, round(machines_per.get(fid, 0) / 8))))
        trades = cover(rng, len(people), {"mechanical": 4, "electrical": 3, "instrumentation": 1, "multi_craft": 2})
        members = {"MECH": [], "ELEC": [], "MULTI": []}
        for e, trade in zip(people, trades, strict=True):
            level = weighted(
                rng, {"apprentice": 1, "technician": 4, "senior_technician": 3, "specialist": 1, "expert": 1}
            )
            rate = {"apprentice": 250, "technician": 380, "senior_technician": 520, "specialist": 650, "expert": 800}[
                level
            ] * rng.uniform(0.9, 1.1)
            tid = f"TECH-{len(techs) + 1:04d}"
            certs = rng.sample(["forklift", "welding", "electrical_license", "LOTO", "confined_space"], 2)
            techs.append(
                {
                    "technician_id": tid,
                    "employee_id": e["employee_id"],
                    "technician_code": f"T{no}{len(techs) + 1:03d}",
                    "first_name": e["first_name"],
                    "last_name": e["last_name"],
                    "email": e["email"],
                    "phone": e["phone"],
                    "hire_date": e["hire_date"],
                    "department": "Maintenance",
                    "job_title": f"{level.replace('_', ' ').title()} ({trade})",
                    "skill_level": level,
                    "trade": trade,
                    "certifications": json.dumps(certs),
                    "certifications_expiry": {
                        c: (ctx.end.date() + timedelta(days=rng.randint(-30, 700))).isoformat() for c in certs
                    },
                    "specializations": json.dumps(
                        rng.sample(["HVAC", "robotics", "PLCs", "hydraulics", "CNC", "welding sets"], 2)
                    ),
                    "primary_shift": weighted(rng, {"day": 5, "evening": 3, "night": 2, "rotating": 2}),
                    "available_for_callout": rng.random() < 0.8,
                    "hourly_rate": money(rate),
                    "overtime_rate": money(rate * 1.5),
                    "total_wos_completed": 0,
                    "avg_completion_time_hours": None,
                    "quality_rating": round(rng.uniform(3.2, 5.0), 2),
                    "technician_status": "available",
                    "current_wo_id": None,
                    "is_active": True,
                    "created_at": created,
                    "updated_at": created,
                    "_factory": fid,
                    "_team": {
                        "mechanical": "MECH",
                        "electrical": "ELEC",
                        "instrumentation": "ELEC",
                        "multi_craft": "MULTI",
                    }[trade],
                }
            )
            members[techs[-1]["_team"]].append(techs[-1])
        crews = (("MECH", "mechanical", "day"), ("ELEC", "electrical", "evening"), ("MULTI", "multi_craft", "night"))
        for key, ttype, shift in crews:
            crew = members[key]
            for t in crew:
                t["_team"] = f"TEAM-{no}-{key}"
            teams.append(
                {
                    "team_id": f"TEAM-{no}-{key}",
                    "team_code": f"{no}{key}",
                    "team_name": f"{f['city']} {ttype.replace('_', '-')} crew",
                    "team_type": ttype,
                    "supervisor_id": crew[0]["technician_id"] if crew else None,
                    "team_members": json.dumps([t["technician_id"] for t in crew]),
                    "team_size": len(crew),
                    "shift": shift,
                    "specialization": ttype,
                    "is_active": True,
                    "created_at": created,
                }
            )
    central = (("SHUT", "shutdown", "Annual shutdowns and overhauls"), ("PROJ", "project", "Installation projects"))
    for key, ttype, spec in central:
        crew = [t for t in techs if t["skill_level"] in ("specialist", "expert")][:6] or techs[:2]
        teams.append(
            {
                "team_id": f"TEAM-HQ-{key}",
                "team_code": f"HQ{key}",
                "team_name": f"Central {ttype} team",
                "team_type": ttype,
                "supervisor_id": crew[0]["technician_id"] if crew else None,
                "team_members": json.dumps([t["technician_id"] for t in crew]),
                "team_size": len(crew),
                "shift": "day",
                "specialization": spec,
                "is_active": True,
                "created_at": created,
            }
        )
    return techs, teams


def _procedures(ctx, created) -> dict[tuple, str]:
    rows, ids = [], {}
    for i, (ptype, mtype) in enumerate(PROCEDURES):
        pid = f"PROC-{i + 1:03d}"
        ids[(ptype, mtype)] = pid
        steps = [f"Step {k + 1}: {s}" for k, s in enumerate(STEPS)]
        rows.append(
            {
                "procedure_id": pid,
                "procedure_code": f"SOP-{ptype[:3].upper()}-{i + 1:03d}",
                "procedure_name": f"{ptype.title()} procedure" + (f" for {mtype} machines" if mtype else ""),
                "procedure_type": ptype,
                "asset_type": "machine" if mtype else None,
                "asset_category": "production" if mtype else None,
                "manufacturer": None,
                "model_number": None,
                "description": f"Standard {ptype} procedure",
                "objective": "Safe, repeatable maintenance",
                "safety_precautions": "Apply LOTO; verify zero energy",
                "ppe_required": json.dumps(["helmet", "gloves", "goggles"]),
                "permits_required": json.dumps(["LOTO"] + (["hot_work"] if mtype == "welding" else [])),
                "tools_required": json.dumps(["torque wrench", "multimeter"]),
                "parts_required": json.dumps([]),
                "consumables_required": json.dumps(["rags", "lubricant"]),
                "procedure_steps": json.dumps(steps),
                "estimated_duration_hours": 2.0 if ptype == "pm" else 1.0,
                "required_skill_level": ["basic", "intermediate", "advanced", "expert"][i % 4],
                "required_certifications": json.dumps(["LOTO"]),
                "document_url": f"https://docs.genims.example/sop/{pid}.pdf",
                "video_url": None,
                "diagram_url": None,
                "version": f"{1 + i % 3}.0",
                "revision_date": (created + timedelta(days=30 * i)).date(),
                "approved_by": "Maintenance Manager",
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.add("cmms", "work_procedures", rows)
    return ids


def _parts(ctx, rng, assets, created) -> list[dict]:
    """MRO parts; stock figures are completed once the transactions are known."""
    suppliers = [s for s in ctx.rows("erp", "suppliers") if s["supplier_type"] in ("component", "service")] or ctx.rows(
        "erp", "suppliers"
    )
    machine_assets = [a["asset_id"] for a in assets if a["machine_id"]]
    rows = []
    for i in range(ctx.count(60, minimum=len(PARTS))):
        name, cat, ptype, uom, cost = PARTS[i % len(PARTS)]
        variant = i // len(PARTS)
        cost *= rng.uniform(0.85, 1.2) * (1 + 0.15 * variant)
        reorder = float(rng.choice([2, 4, 5, 10, 20]) if cost > 2000 else rng.choice([10, 20, 50]))
        sup = rng.choice(suppliers)
        rows.append(
            {
                "mro_part_id": f"MRO-{i + 1:05d}",
                "part_number": f"MRO{i + 1:06d}",
                "part_name": name + (f" (alt {variant})" if variant else ""),
                "part_category": cat,
                "part_type": ptype,
                "description": name,
                "manufacturer": rng.choice(
                    ["SKF", "Gates", "Parker", "Festo", "Siemens", "Schneider", "Bosch Rexroth", "Castrol"]
                ),
                "manufacturer_part_number": f"MPN-{rng.randint(10**5, 10**6 - 1)}",
                "unit_of_measure": uom,
                "current_stock": 0.0,
                "min_stock_level": reorder / 2,
                "max_stock_level": reorder * 4,
                "reorder_point": reorder,
                "reorder_quantity": reorder * 2,
                "warehouse_id": None,
                "bin_location": f"MRO-{rng.choice('ABCD')}{rng.randint(1, 20):02d}-{rng.randint(1, 5)}",
                "criticality": weighted(rng, {"critical": 2, "high": 3, "medium": 4, "low": 2}),
                "lead_time_days": rng.choice([2, 5, 7, 14, 21]),
                "standard_cost": round(cost, 4),
                "last_purchase_cost": round(cost * rng.uniform(0.95, 1.1), 4),
                "last_purchase_date": None,
                "average_cost": round(cost * rng.uniform(0.97, 1.05), 4),
                "total_stock_value": 0.0,
                "primary_supplier_id": sup["supplier_id"],
                "alternate_suppliers": json.dumps(
                    [s["supplier_id"] for s in rng.sample(suppliers, min(2, len(suppliers)))]
                ),
                "annual_usage_quantity": 0.0,
                "last_issue_date": None,
                "last_receipt_date": None,
                "used_on_assets": json.dumps(rng.sample(machine_assets, min(3, len(machine_assets)))),
                "interchangeable_parts": json.dumps([]),
                "has_shelf_life": cat == "consumable",
                "shelf_life_months": 24 if cat == "consumable" else None,
                "part_status": "active"
                if i < len(PARTS)
                else weighted(rng, {"active": 90, "obsolete": 4, "phased_out": 4, "restricted": 2}),
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _contracts(ctx, rng, assets, created) -> dict[str, dict]:
    """Service contracts with vendors; returns the contract covering each covered asset."""
    suppliers = ctx.rows("erp", "suppliers")
    service = [s for s in suppliers if s["supplier_type"] == "service"] or suppliers
    by_kind = {"robot": [], "CNC": [], "plant": [], "instrument": [], "new": []}
    for a in assets:
        if a["machine_id"] and a["asset_name"].startswith(("robot", "CNC")):
            by_kind[a["asset_name"].split()[0]].append(a["asset_id"])
        elif a["asset_type"] in ("equipment",):
            by_kind["plant"].append(a["asset_id"])
        elif a["asset_type"] in ("instrument", "tool"):
            by_kind["instrument"].append(a["asset_id"])
        if a["installation_date"] > ctx.end.date() - timedelta(days=700):
            by_kind["new"].append(a["asset_id"])
    rows, covered = [], {}
    kinds = cover(
        rng,
        ctx.count(8, minimum=5),
        {"full_service": 3, "amc": 3, "calibration": 1, "consulting": 1, "warranty_extension": 1},
    )
    for i, kind in enumerate(kinds):
        pool = {
            "full_service": by_kind["robot"] + by_kind["CNC"],
            "amc": by_kind["plant"],
            "calibration": by_kind["instrument"],
            "consulting": [],
            "warranty_extension": by_kind["new"] or by_kind["CNC"],
        }[kind]
        assets_covered = rng.sample(pool, min(len(pool), rng.randint(3, 12))) if pool else []
        vendor = rng.choice(service if kind != "warranty_extension" else suppliers)
        start = ctx.start.date() - timedelta(days=rng.randint(30, 600))
        end = start + timedelta(days=365 * rng.choice([1, 2, 3]))
        if i == 1:  # one contract ran out inside the window
            end = ctx.start.date() + timedelta(days=rng.randint(0, ctx.days - 1))
            start = end - timedelta(days=365)
        status = "expired" if end < ctx.end.date() else "active"
        if status == "active" and end < ctx.end.date() + timedelta(days=60):
            status = "renewal_due"
        cid = f"SC-{i + 1:04d}"
        row = {
            "contract_id": cid,
            "contract_number": f"SVC-{start.year}-{i + 1:04d}",
            "contract_name": f"{kind.replace('_', ' ').title()} - {vendor['supplier_name']}",
            "vendor_id": vendor["supplier_id"],
            "vendor_name": vendor["supplier_name"],
            "contract_type": kind,
            "coverage_description": f"{kind.replace('_', ' ')} of {len(assets_covered)} assets"
            if assets_covered
            else "Reliability engineering support",
            "covered_assets": json.dumps(assets_covered),
            "contract_start_date": start,
            "contract_end_date": end,
            "contract_value": money(rng.uniform(2e5, 3e6)),
            "payment_terms": "NET30",
            "response_time_hours": rng.choice([2, 4, 8, 24]),
            "resolution_time_hours": rng.choice([24, 48, 72]),
            "uptime_guarantee_pct": rng.choice([None, 95.0, 97.5, 98.0]),
            "penalty_clause": "0.5 % of annual value per hour beyond SLA",
            "billing_frequency": weighted(rng, {"monthly": 2, "quarterly": 3, "annually": 2}),
            "next_billing_date": ctx.end.date() + timedelta(days=rng.randint(1, 90)),
            "auto_renewal": rng.random() < 0.4,
            "renewal_notice_days": 60,
            "contract_status": status,
            "total_service_calls": 0,
            "avg_response_time_hours": None,
            "customer_satisfaction_rating": round(rng.uniform(3.0, 4.8), 2),
            "contract_document_url": f"https://docs.genims.example/contracts/{cid}.pdf",
            "is_active": status != "expired",
            "created_at": datetime.combine(start, time(10)) - timedelta(days=20),
            "updated_at": created,
        }
        row["updated_at"] = max(row["created_at"], created)
        rows.append(row)
        if status != "expired":
            for aid in assets_covered:
                covered.setdefault(aid, row)
    ctx.add("cmms", "service_contracts", rows)
    return covered


def _cost_centers(ctx, rng, techs, created) -> list[dict]:
    rows = [
        {
            "cost_center_id": "MCC-HQ",
            "cost_center_code": "MNT-HQ",
            "cost_center_name": "Maintenance (all plants)",
            "parent_cost_center_id": None,
            "annual_budget": 0.0,
            "current_period_budget": 0.0,
            "ytd_actual_cost": 0.0,
            "current_period_actual": 0.0,
            "manager_id": None,
            "is_active": True,
            "created_at": created,
        }
    ]
    for f in ctx.rows("master", "factories"):
        no = f["factory_id"][4:]
        lead = next(
            (
                t["technician_id"]
                for t in techs
                if t["_factory"] == f["factory_id"] and t["skill_level"] in ("expert", "specialist")
            ),
            None,
        )
        kinds = (("", "Production equipment maintenance", 9e6), ("-UTL", "Utilities and facilities maintenance", 2.5e6))
        for suffix, name, budget in kinds:
            annual = money(budget * rng.uniform(0.8, 1.2))
            rows.append(
                {
                    "cost_center_id": f"MCC-{no}{suffix}",
                    "cost_center_code": f"MNT-{no}{suffix}",
                    "cost_center_name": f"{name} - {f['city']}",
                    "parent_cost_center_id": "MCC-HQ",
                    "annual_budget": annual,
                    "current_period_budget": money(annual / 12),
                    "ytd_actual_cost": 0.0,
                    "current_period_actual": 0.0,
                    "manager_id": lead,
                    "is_active": True,
                    "created_at": created,
                }
            )
    rows[0]["annual_budget"] = money(sum(r["annual_budget"] for r in rows[1:]))
    rows[0]["current_period_budget"] = money(rows[0]["annual_budget"] / 12)
    return rows


def _pm_schedules(ctx, rng, assets, meta, procedures, created) -> list[dict]:
    """PM schedules on the preventively and predictively maintained assets (critical ones first)."""
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    candidates = [a for a in assets if a["maintenance_strategy"] in ("preventive", "predictive")]
    rng.shuffle(candidates)
    candidates.sort(key=lambda a: rank[a["criticality_rating"]])
    n = ctx.count(100, minimum=10)
    chosen = (candidates * (n // max(1, len(candidates)) + 1))[:n]
    freqs = cover(rng, n, {"daily": 2, "weekly": 1, "monthly": 22, "quarterly": 50, "yearly": 25})
    rows = []
    for i, (a, freq) in enumerate(zip(chosen, freqs, strict=True)):
        m = meta[a["asset_id"]]
        predictive = a["maintenance_strategy"] == "predictive" and i < len(candidates)
        if predictive and freq in ("monthly", "quarterly", "yearly"):
            stype = "condition_based"
        elif a["has_meter"] and freq in ("weekly", "monthly", "quarterly") and a["meter_unit"] != "units_produced":
            stype = "meter_based"
        else:
            stype = "calendar"
        ptype = (
            "calibration"
            if a["asset_type"] in ("instrument", "tool")
            else "inspection"
            if freq in ("daily", "weekly")
            else "overhaul"
            if freq == "yearly"
            else "service"
        )
        if stype == "condition_based":
            ptype = "inspection"
        hours = {
            "inspection": rng.uniform(0.5, 2),
            "service": rng.uniform(2, 6),
            "overhaul": rng.uniform(8, 24),
            "calibration": rng.uniform(1, 4),
        }[ptype]
        period = PERIOD[freq]
        meter_freq = round(period * m["usage"] / 10) * 10 if stype == "meter_based" else None
        value, unit = {
            "daily": (1, "days"),
            "weekly": (1, "weeks"),
            "monthly": (1, "months"),
            "quarterly": (3, "months"),
            "yearly": (1, "years"),
        }[freq]
        mtype = m["type"] if not m["plant"] else None
        rows.append(
            {
                "pm_schedule_id": f"PMS-{i + 1:05d}",
                "schedule_code": f"PM-{i + 1:05d}",
                "schedule_name": f"{freq.title()} {ptype} - {a['asset_name']}"[:200],
                "asset_id": a["asset_id"],
                "schedule_type": stype,
                "frequency_type": freq,
                "frequency_value": value,
                "frequency_unit": unit,
                "meter_frequency": meter_freq,
                "meter_unit": a["meter_unit"] if stype == "meter_based" else None,
                "meter_tolerance": round(meter_freq * 0.1) if meter_freq else None,
                "condition_parameter": rng.choice(["vibration", "temperature", "oil_quality"])
                if stype == "condition_based"
                else None,
                "condition_threshold": rng.choice(["> 7.1 mm/s", "> 85 C", "ISO 4406 > 18/16/13"])
                if stype == "condition_based"
                else None,
                "pm_type": ptype,
                "description": f"{ptype.title()} of {a['asset_name']}",
                "estimated_duration_hours": round(hours, 2),
                "procedure_id": procedures.get(("pm", mtype))
                if ptype == "service"
                else procedures.get((ptype, None), procedures[("inspection", None)]),
                "standard_tasks": json.dumps([t[1] for t in TASKS[ptype]]),
                "required_skills": json.dumps(["mechanical"]),
                "required_tools": json.dumps(["standard tool kit"]),
                "required_parts": json.dumps([]),
                "lead_time_days": LEAD[freq],
                "scheduling_priority": {"critical": "high", "high": "high"}.get(a["criticality_rating"], "medium"),
                "last_wo_id": None,
                "last_completed_date": None,
                "last_meter_reading": None,
                "next_due_date": None,
                "next_due_meter_reading": None,
                "auto_generate_wo": freq != "daily",
                "schedule_status": "active",
                "effective_date": max(a["installation_date"], created.date()),
                "end_date": None,
                "is_active": True,
                "created_at": created,
                "updated_at": created,
                "_period": period,
                "_anchor": ctx.start.date() - timedelta(days=rng.randint(1, period)),
                "_hours": hours,
            }
        )
    yearly = [r for r in rows if r["frequency_type"] == "yearly" and r["schedule_type"] == "calendar"]
    if yearly:  # a schedule suspended for a line rebuild keeps its history but generates nothing
        yearly[-1]["schedule_status"], yearly[-1]["auto_generate_wo"] = "suspended", False
    return rows


def _wo(asset, kind, wo_type, created_at, source, priority, description) -> dict:
    """A work order skeleton; dates, status and costs are filled by the caller and by _execution."""
    return {
        "work_order_id": "",
        "work_order_number": "",
        "asset_id": asset["asset_id"],
        "wo_type": wo_type,
        "priority": priority,
        "description": description,
        "problem_description": None,
        "failure_code": None,
        "failure_class": None,
        "failure_mode": None,
        "downtime_category": "unplanned" if wo_type == "breakdown" else "planned",
        "requested_date": created_at.date(),
        "scheduled_start_date": None,
        "scheduled_end_date": None,
        "estimated_duration_hours": None,
        "actual_start_date": None,
        "actual_end_date": None,
        "actual_duration_hours": None,
        "wo_status": "created",
        "status_history": [],
        "assigned_to": None,
        "assigned_team": None,
        "source_type": source,
        "source_document_id": None,
        "downtime_event_id": None,
        "machine_fault_id": None,
        "safety_permit_required": False,
        "lockout_tagout_required": kind != "inspection",
        "confined_space": False,
        "hot_work_permit": False,
        "approved_by": None,
        "approved_at": None,
        "work_performed": None,
        "root_cause": None,
        "corrective_action": None,
        "completed_by": None,
        "completed_at": None,
        "verified_by": None,
        "verified_at": None,
        "verification_notes": None,
        "follow_up_required": False,
        "follow_up_wo_id": None,
        "estimated_cost": None,
        "actual_labor_cost": None,
        "actual_parts_cost": None,
        "actual_total_cost": None,
        "downtime_minutes": 0,
        "production_loss_units": None,
        "created_by": "pm_scheduler" if source == "pm_schedule" else "maintenance_planner",
        "created_at": created_at,
        "updated_at": created_at,
        "_kind": kind,
        "_failure_at": None,
        "_start": None,
        "_end": None,
        "_hold": False,
        "_cancelled": False,
        "_schedule": None,
        "_reason": None,
        "_trigger": None,
    }


def _meter(m: dict, at: datetime) -> float:
    """The asset's meter at `at`: it runs at its usage rate six days a week."""
    return round(m["base"] + m["usage"] * (at - m["t0"]).total_seconds() / 86400 * 6 / 7, 2)


def _pick_tech(rng, techs_by, factory, failure_class) -> dict | None:
    trade = TRADE_FOR.get(failure_class, "mechanical")
    pool = techs_by.get((factory, trade)) or techs_by.get((factory, None)) or []
    return rng.choice(pool) if pool else None


def _work_orders(ctx, rng, assets, meta, schedules, codes, techs) -> list[dict]:
    """PM work orders from the schedules' due dates, predictive ones from condition alarms, repairs from failures."""
    by_id = {a["asset_id"]: a for a in assets}
    techs_by: dict[tuple, list] = {}
    for t in techs:
        techs_by.setdefault((t["_factory"], t["trade"]), []).append(t)
        techs_by.setdefault((t["_factory"], None), []).append(t)
    today = ctx.end.date()
    wos = []
    for s in schedules:
        a, m = by_id[s["asset_id"]], meta[s["asset_id"]]
        if s["schedule_type"] == "condition_based":
            t = ctx.start + timedelta(days=rng.expovariate(1 / 75))
            while t < ctx.end:
                alarm = f"Condition alarm: {s['condition_parameter']} {s['condition_threshold']}"
                w = _wo(a, "repair", "predictive", t, "predictive", "high", alarm)
                w.update(
                    _schedule=s,
                    _reason="condition_met",
                    failure_mode="degradation",
                    problem_description="Trend beyond threshold",
                )
                _plan(rng, w, t.date() + timedelta(days=rng.randint(0, 3)), s["_hours"] * rng.uniform(1, 2.5))
                wos.append(w)
                t += timedelta(days=rng.expovariate(1 / 75) + 3)
            continue
        if not s["auto_generate_wo"]:
            continue
        due = s["_anchor"] + timedelta(days=s["_period"])
        while due <= today + timedelta(days=s["lead_time_days"]):
            generated = max(ctx.start, datetime.combine(due - timedelta(days=s["lead_time_days"]), time(2)))
            if generated > ctx.end:
                break
            kind = s["pm_type"]
            prio = {"inspection": "low", "calibration": "low", "service": "medium", "overhaul": "high"}[kind]
            w = _wo(
                a,
                kind,
                "inspection" if kind == "inspection" else "preventive",
                generated,
                "pm_schedule",
                prio,
                s["schedule_name"],
            )
            w.update(
                _schedule=s,
                _reason="meter_due" if s["schedule_type"] == "meter_based" else "calendar_due",
                _trigger=due,
                source_document_id=s["pm_schedule_id"],
            )
            roll = rng.random()
            slip = rng.choice([-2, -1, 0, 0, 0, 1]) if roll < 0.8 else rng.randint(2, 20)
            _plan(
                rng,
                w,
                due,
                s["_hours"] * rng.lognormvariate(0, 0.25),
                start_day=due + timedelta(days=slip),
                cancelled=roll > 0.97,
            )
            wos.append(w)
            due += timedelta(days=s["_period"])
        s["_next"] = due
    failures = []
    for a in assets:
        m = meta[a["asset_id"]]
        t = ctx.start + timedelta(days=rng.expovariate(m["rate"]))
        while t < ctx.end:
            failures.append((a, t))
            t += timedelta(days=rng.expovariate(m["rate"]) + 1)
    # small plants over short windows still see a handful of failures (the reports need some to measure)
    weights = [meta[a["asset_id"]]["rate"] for a in assets]
    while len(failures) < 12:
        failures.append((rng.choices(assets, weights)[0], ctx.start + timedelta(days=rng.uniform(0, ctx.days - 0.5))))
    for a, t in failures:
        if t < ctx.end:
            wos.append(_repair(ctx, rng, a, meta[a["asset_id"]], t, codes))
    _ensure_open_work(ctx, rng, wos)
    wos.sort(key=lambda w: (w["created_at"], w["asset_id"]))
    for i, w in enumerate(wos):
        w["work_order_id"] = f"CWO-{i + 1:06d}"
        w["work_order_number"] = f"MWO-{w['created_at'].year}-{i + 1:06d}"
        a = by_id[w["asset_id"]]
        tech = _pick_tech(
            rng,
            techs_by,
            meta[w["asset_id"]]["factory"],
            w["failure_class"] or ("electrical" if a["asset_category"] == "electrical" else "mechanical"),
        )
        _close(ctx, rng, w, a, meta[w["asset_id"]], tech)
    log = []
    for w in wos:
        s = w["_schedule"]
        if s is None:
            continue
        log.append(
            {
                "log_id": "",
                "pm_schedule_id": s["pm_schedule_id"],
                "generation_date": w["created_at"],
                "generation_reason": w["_reason"],
                "trigger_date": w["_trigger"] or w["created_at"].date(),
                "trigger_meter_reading": _meter(meta[w["asset_id"]], w["created_at"])
                if w["_reason"] == "meter_due"
                else None,
                "work_order_id": w["work_order_id"],
                "work_order_number": w["work_order_number"],
                "generation_status": "success",
                "error_message": None,
                "created_at": w["created_at"],
            }
        )
    # nightly runs that created nothing: the asset was busy, or the generator failed
    for s in schedules[: max(2, len(schedules) // 20)]:
        day = ctx.start + timedelta(days=rng.randint(0, max(0, ctx.days - 2)), hours=2)
        failed = rng.random() < 0.4
        log.append(
            {
                "log_id": "",
                "pm_schedule_id": s["pm_schedule_id"],
                "generation_date": day,
                "generation_reason": "manual" if failed else "calendar_due",
                "trigger_date": day.date(),
                "trigger_meter_reading": None,
                "work_order_id": None,
                "work_order_number": None,
                "generation_status": "failed" if failed else "skipped",
                "error_message": "Asset record locked by another transaction"
                if failed
                else "Open work order already exists",
                "created_at": day,
            }
        )
    log.sort(key=lambda r: r["generation_date"])
    for i, r in enumerate(log):
        r["log_id"] = f"PGL-{i + 1:06d}"
    ctx.add("cmms", "pm_generation_log", log)
    return wos


def _repair(ctx, rng, a, m, t: datetime, codes) -> dict:
    """A breakdown (60 %) or a corrective repair of a defect found at `t`; repair hours are log-normal."""
    cls = weighted(rng, m["classes"])
    code = rng.choice(codes[cls])
    breakdown = rng.random() < 0.6
    if breakdown:
        prio = (
            "emergency"
            if a["criticality_rating"] == "critical"
            else weighted(rng, {"urgent": 2, "high": 2, "emergency": 1})
        )
        w = _wo(
            a,
            "repair",
            "breakdown",
            t + timedelta(minutes=rng.randint(2, 20)),
            "breakdown",
            prio,
            f"Breakdown: {code['failure_description']}",
        )
        w["failure_mode"] = "breakdown"
    else:
        w = _wo(
            a,
            "repair",
            "corrective",
            t + timedelta(minutes=rng.randint(10, 240)),
            rng.choice(["inspection", "request"]),
            weighted(rng, {"high": 2, "medium": 3}),
            f"Repair: {code['failure_description']}",
        )
        w["failure_mode"] = rng.choice(["degradation", "malfunction"])
    w.update(
        failure_code=code["failure_code"],
        failure_class="mechanical" if cls == "operator_error" else cls,
        _failure_at=t,
        problem_description=f"{code['failure_description']} reported on {a['asset_name']}",
    )
    hours = min(96.0, max(0.3, code["typical_repair_time_hours"] * rng.lognormvariate(-0.3, 0.8)))
    if breakdown:
        _plan(rng, w, t.date(), hours, start_at=t + timedelta(hours=rng.lognormvariate(-0.5, 0.8)))
    else:
        _plan(rng, w, t.date() + timedelta(days=rng.randint(1, 7)), hours * 0.8)
    # some repairs wait for parts; more of the recent ones are still waiting
    w["_hold"] = rng.random() < (0.06 if t < ctx.end - timedelta(days=2) else 0.4)
    return w


def _ensure_open_work(ctx, rng, wos) -> None:
    """A plant always has repairs under way: keep the latest started ones open at the window's end."""
    repairs = sorted(
        (w for w in wos if w["_kind"] == "repair" and w["_start"] <= ctx.end and not w["_cancelled"]),
        key=lambda w: w["_start"],
        reverse=True,
    )
    if not any(w["_end"] > ctx.end for w in repairs) and repairs:
        repairs[0]["_end"] = ctx.end + timedelta(hours=rng.uniform(2, 12))
    if not any(w["_hold"] and w["_end"] + timedelta(days=1) > ctx.end for w in repairs) and len(repairs) > 1:
        repairs[1]["_hold"] = True
        repairs[1]["_end"] = max(repairs[1]["_end"], ctx.end - timedelta(hours=1))


def _plan(
    rng,
    w,
    scheduled: date,
    hours: float,
    start_day: date | None = None,
    start_at: datetime | None = None,
    cancelled: bool = False,
) -> None:
    """Scheduled window, and when the work really starts and ends (before looking at the window's end)."""
    w["scheduled_start_date"] = scheduled
    w["scheduled_end_date"] = scheduled + timedelta(days=max(0, math.ceil(hours / 8) - 1))
    w["estimated_duration_hours"] = round(hours * rng.uniform(0.8, 1.2), 2)
    if start_at is None:
        start_at = datetime.combine(start_day or scheduled, time(rng.randint(6, 14), rng.choice([0, 15, 30, 45])))
    start_at = max(start_at, w["created_at"] + timedelta(minutes=30))
    w["_start"], w["_end"], w["_cancelled"] = start_at, start_at + timedelta(hours=hours), cancelled


def _close(ctx, rng, w, asset, m, tech) -> None:
    """Status, actual dates, downtime and sign-offs as they stand at the window's end."""
    start, end = w["_start"], w["_end"]
    if w["_hold"]:
        end += timedelta(days=rng.uniform(1, 5))  # waiting for parts
    history = [{"status": "created", "at": w["created_at"].isoformat()}]
    if tech:
        w["assigned_to"], w["assigned_team"] = tech["technician_id"], tech["_team"]
    w["approved_by"], w["approved_at"] = "Maintenance Planner", min(ctx.end, w["created_at"] + timedelta(minutes=15))
    if w["_cancelled"] and start <= ctx.end:
        w["wo_status"] = "cancelled"
        history.append({"status": "cancelled", "at": min(ctx.end, start).isoformat()})
    elif start > ctx.end:
        w["wo_status"] = "created"
        if tech:
            w["wo_status"] = "assigned" if w["created_at"] < ctx.end - timedelta(hours=12) else "planned"
        if w["wo_status"] != "created":
            history.append({"status": w["wo_status"], "at": (w["created_at"] + timedelta(minutes=15)).isoformat()})
    else:
        w["actual_start_date"] = start
        history.append({"status": "in_progress", "at": start.isoformat()})
        if end > ctx.end:
            w["wo_status"] = "on_hold" if w["_hold"] else "in_progress"
            if w["_hold"]:
                history.append({"status": "on_hold", "at": (start + timedelta(hours=1)).isoformat()})
        else:
            w["actual_end_date"] = end
            w["actual_duration_hours"] = round((end - start).total_seconds() / 3600, 2)
            w["completed_by"], w["completed_at"] = tech["technician_id"] if tech else None, end
            w["work_performed"] = {
                "repair": "Replaced failed parts and tested",
                "inspection": "Inspection checklist completed",
                "service": "Service checklist completed",
                "overhaul": "Overhaul completed and run-off passed",
                "calibration": "Calibrated; as-found and as-left recorded",
            }[w["_kind"]]
            if w["failure_code"]:
                w["root_cause"] = rng.choice(
                    ["Wear beyond limit", "Lubrication starvation", "Overload during production", "Contamination"]
                )
                w["corrective_action"] = "Component replaced; PM checklist updated"
                w["follow_up_required"] = rng.random() < 0.1
            verified = end + timedelta(hours=rng.uniform(4, 72))
            w["wo_status"] = "completed"
            history.append({"status": "completed", "at": end.isoformat()})
            if verified <= ctx.end:
                w["wo_status"], w["verified_by"], w["verified_at"] = "closed", "Production Supervisor", verified
                w["verification_notes"] = "Machine released to production"
                history.append({"status": "closed", "at": verified.isoformat()})
            stop_hours = 0.0
            if w["wo_type"] == "breakdown":
                stop_hours = (end - w["_failure_at"]).total_seconds() / 3600
            elif w["_kind"] != "inspection" and not m["plant"]:
                stop_hours = (end - start).total_seconds() / 3600
            w["downtime_minutes"] = round(stop_hours * 60)
            w["production_loss_units"] = round(stop_hours * m["capacity"] * 0.85, 4) if m["capacity"] else None
    w["status_history"] = history
    w["updated_at"] = max(w["created_at"], min(ctx.end, datetime.fromisoformat(history[-1]["at"])))


PART_TYPES = {
    "mechanical": ("mechanical",),
    "hydraulic": ("hydraulic",),
    "pneumatic": ("pneumatic",),
    "electrical": ("electrical", "electronic"),
    "software": ("electronic",),
}


def _execution(ctx, rng, wos, meta, techs, parts, contracts, centers) -> None:
    """Tasks, labour, parts issues, contractor calls, costs and history of every work order that started."""
    tech_by_id = {t["technician_id"]: t for t in techs}
    factory_techs: dict[str, list] = {}
    for t in techs:
        factory_techs.setdefault(t["_factory"], []).append(t)
    parts_by_type: dict[str, list] = {}
    for p in parts:
        if p["part_status"] == "active":
            parts_by_type.setdefault(p["part_type"], []).append(p)
    consumables = [p for p in parts if p["part_category"] == "consumable"]
    suppliers = [s for s in ctx.rows("erp", "suppliers") if s["supplier_type"] == "service"] or ctx.rows(
        "erp", "suppliers"
    )
    tasks, labor, issues, costs, history, calls = [], [], [], [], [], []
    for w in wos:
        m = meta[w["asset_id"]]
        started = w["actual_start_date"] is not None
        done = w["actual_end_date"] is not None
        lead = tech_by_id.get(w["assigned_to"])
        template = TASKS["repair" if w["_kind"] == "repair" else w["_kind"]]
        if len(template) > 2:  # the planner picks the steps this job needs
            template = [t for t in template if rng.random() < 0.6] or template[:1]
        for k, (ttype, text) in enumerate(template):
            span = (w["actual_end_date"] - w["actual_start_date"]) / len(template) if done else None
            t_start = (
                w["actual_start_date"] + span * k if done else (w["actual_start_date"] if started and k == 0 else None)
            )
            status = "completed" if done else "in_progress" if t_start else "pending"
            if w["wo_status"] == "cancelled":
                status = "cancelled"
            tasks.append(
                {
                    "task_id": f"WOT-{len(tasks) + 1:07d}",
                    "work_order_id": w["work_order_id"],
                    "task_sequence": k + 1,
                    "task_description": text,
                    "task_type": ttype,
                    "procedure_id": None,
                    "special_instructions": None,
                    "tools_required": json.dumps(["standard tool kit"]),
                    "special_equipment_required": None,
                    "safety_precautions": "Apply LOTO before work" if w["lockout_tagout_required"] else None,
                    "ppe_required": json.dumps(["helmet", "gloves", "goggles"]),
                    "task_status": status,
                    "assigned_to": w["assigned_to"],
                    "estimated_duration_minutes": round(60 * (w["estimated_duration_hours"] or 1) / len(template)),
                    "actual_duration_minutes": round(span.total_seconds() / 60) if done else None,
                    "started_at": t_start,
                    "completed_at": t_start + span if done else None,
                    "completed_by": w["assigned_to"] if done else None,
                    "requires_verification": ttype == "inspection",
                    "verified": done and ttype == "inspection",
                    "verified_by": "Production Supervisor" if done and ttype == "inspection" else None,
                    "verified_at": t_start + span if done and ttype == "inspection" else None,
                    "task_result": weighted(rng, {"pass": 80, "conditional": 15, "fail": 5})
                    if done and ttype == "inspection"
                    else None,
                    "measurements": json.dumps({"vibration_mm_s": round(rng.uniform(0.8, 7.5), 2)})
                    if done and ttype == "inspection"
                    else None,
                    "observations": None,
                    "created_at": w["created_at"],
                }
            )
        if not started:
            continue
        end = w["actual_end_date"]
        crew = [lead] if lead else []
        if w["_kind"] in ("overhaul",) or (w["wo_type"] == "breakdown" and m["crit"] == "critical"):
            others = [t for t in factory_techs.get(m["factory"], []) if t is not lead]
            crew += rng.sample(others, min(len(others), rng.randint(1, 2)))
        labor_cost = 0.0
        for t in crew:
            hours = round((end - w["actual_start_date"]).total_seconds() / 3600, 2) if end else None
            begin = w["actual_start_date"]
            after_hours = begin.hour < 6 or begin.hour >= 20 or begin.weekday() == 6
            ltype = "emergency" if w["priority"] == "emergency" else "overtime" if after_hours else "regular"
            rate = t["overtime_rate"] if ltype in ("overtime", "emergency") else t["hourly_rate"]
            cost = money(hours * rate) if hours is not None else None
            labor.append(_labor(len(labor), w, t, w["actual_start_date"], end, hours, ltype, rate, cost, done))
            labor_cost += cost or 0.0
            # crew borrowed from another site travels
            if w["_kind"] == "overhaul" and t is not lead and rng.random() < 0.5:
                travel = round(rng.uniform(1, 3), 2)
                labor.append(
                    _labor(
                        len(labor),
                        w,
                        t,
                        begin - timedelta(hours=travel),
                        begin,
                        travel,
                        "travel",
                        t["hourly_rate"],
                        money(travel * t["hourly_rate"]),
                        done,
                    )
                )
                labor_cost += money(travel * t["hourly_rate"])
        picks = []
        if w["_kind"] in ("repair", "overhaul") and rng.random() < 0.85:
            pool = [
                p
                for typ in PART_TYPES.get(w["failure_class"] or "mechanical", ("mechanical",))
                for p in parts_by_type.get(typ, [])
            ]
            picks = rng.sample(pool, min(len(pool), rng.randint(1, 2 if w["_kind"] == "repair" else 3))) if pool else []
        elif w["_kind"] == "service" and consumables and rng.random() < 0.6:
            picks = [rng.choice(consumables)]
        if picks:
            for p in picks:
                qty = float(rng.randint(1, 6) if p["part_category"] == "consumable" else rng.randint(1, 3))
                issues.append((w["actual_start_date"] + timedelta(minutes=30), p, qty, w, lead))
        if not done:
            continue
        cost_rows = [("labor", labor_cost, None, "Technician labour")]
        contract = contracts.get(w["asset_id"])
        if (
            w["_kind"] == "repair"
            and (contract and rng.random() < 0.7 or rng.random() < 0.1)
            or w["_kind"] == "overhaul"
            and rng.random() < 0.4
        ):
            vendor = contract["vendor_id"] if contract else rng.choice(suppliers)["supplier_id"]
            cost_rows.append(("contractor", money(rng.uniform(5000, 80000)), vendor, "Vendor service engineer"))
            if contract:
                calls.append(_call(len(calls), w, contract, rng))
        heavy_lift = w["wo_type"] == "breakdown" and m["crit"] == "critical" and rng.random() < 0.08
        if w["_kind"] == "overhaul" and rng.random() < 0.4 or heavy_lift:
            cost_rows.append(("equipment_rental", money(rng.uniform(8000, 45000)), None, "Mobile crane hire"))
        if rng.random() < 0.05:
            cost_rows.append(("other", money(rng.uniform(500, 6000)), None, "Express freight for spares"))
        w["_costs"] = cost_rows
        w["_parts_cost"] = 0.0
    _ensure_cost_types(rng, wos, suppliers)
    _stock(ctx, rng, issues, parts, wos)
    _post_costs(ctx, rng, wos, meta, centers, costs, history)
    ctx.add("cmms", "work_order_tasks", tasks)
    ctx.add("cmms", "labor_time_entries", labor)
    ctx.add("cmms", "maintenance_costs", costs)
    ctx.add("cmms", "maintenance_history", history)
    ctx.add("cmms", "service_call_logs", calls)
    ctx.add("cmms", "mro_parts", parts)


def _ensure_cost_types(rng, wos, suppliers) -> None:
    """Every cost type the reports break maintenance cost into occurs, even in a short window of a small plant."""
    done = [w for w in wos if w["actual_end_date"] and w["_kind"] != "inspection"]
    present = {c[0] for w in done for c in w["_costs"]}
    extra = {
        "contractor": ("Vendor service engineer", 5000, 80000),
        "equipment_rental": ("Mobile crane hire", 8000, 45000),
        "other": ("Express freight for spares", 500, 6000),
    }
    for ctype, (text, lo, hi) in extra.items():
        if ctype not in present and done:
            vendor = rng.choice(suppliers)["supplier_id"] if ctype == "contractor" else None
            rng.choice(done)["_costs"].append((ctype, money(rng.uniform(lo, hi)), vendor, text))


def _labor(i, w, tech, start, end, hours, ltype, rate, cost, done) -> dict:
    return {
        "entry_id": f"LTE-{i + 1:07d}",
        "work_order_id": w["work_order_id"],
        "technician_id": tech["technician_id"],
        "start_time": start,
        "end_time": end,
        "duration_hours": hours,
        "labor_type": ltype,
        "hourly_rate": rate,
        "labor_cost": cost,
        "activity_description": f"{ltype.title()} work on {w['work_order_number']}",
        "approved": done,
        "approved_by": "Maintenance Supervisor" if done else None,
        "approved_at": end + timedelta(hours=2) if done else None,
        "created_at": end or start,
    }


def _call(i, w, contract, rng) -> dict:
    response = round(rng.uniform(0.5, 1.6) * contract["response_time_hours"], 2)
    return {
        "call_log_id": f"SCL-{i + 1:05d}",
        "call_number": f"CALL-{i + 1:05d}",
        "contract_id": contract["contract_id"],
        "asset_id": w["asset_id"],
        "call_date": w["created_at"],
        "problem_description": w["description"],
        "priority": {"emergency": "emergency", "urgent": "urgent"}.get(w["priority"], "normal"),
        "response_time_hours": response,
        "resolution_time_hours": round((w["actual_end_date"] - w["created_at"]).total_seconds() / 3600, 2),
        "service_performed": w["work_performed"],
        "parts_used": json.dumps([]),
        "service_engineer_name": rng.choice(["V. Rao", "M. Khan", "J. Thomas"]),
        "service_engineer_contact": f"+91-98{rng.randint(10**7, 10**8 - 1)}",
        "call_status": "closed" if w["wo_status"] == "closed" else "completed",
        "customer_rating": rng.randint(2, 5),
        "customer_feedback": None,
        "work_order_id": w["work_order_id"],
        "created_at": w["created_at"],
    }


def _stock(ctx, rng, issues, parts, wos) -> None:
    """Replay issues per part in time order, with replenishment at the reorder point; stock never goes negative."""
    txns = []
    stock = {p["mro_part_id"]: round(p["max_stock_level"] * rng.uniform(0.5, 0.9)) for p in parts}
    due: dict[str, tuple[datetime, float]] = {}
    issues.sort(key=lambda x: (x[0], x[1]["mro_part_id"]))

    def receive(p, at, qty, note):
        stock[p["mro_part_id"]] += qty
        cost = round(p["standard_cost"] * rng.uniform(0.95, 1.1), 4)
        p["last_purchase_cost"], p["last_purchase_date"], p["last_receipt_date"] = cost, at.date(), at.date()
        txns.append(_txn(p, "receipt", at, qty, cost, None, None, "Supplier", p["bin_location"], None, note))

    for at, p, qty, w, lead in issues:
        pid = p["mro_part_id"]
        if pid in due and due[pid][0] <= at:
            arrival, qty_due = due.pop(pid)
            receive(p, arrival, qty_due, "Replenishment")
        if stock[pid] < qty:
            receive(p, at - timedelta(hours=2), p["reorder_quantity"] + qty, "Emergency purchase")
        stock[pid] -= qty
        p["last_issue_date"] = at.date()
        p["annual_usage_quantity"] += qty
        txns.append(_txn(p, "issue", at, qty, p["average_cost"], w, lead, p["bin_location"], w["asset_id"], "WO", None))
        if w["actual_end_date"]:
            w["_parts_cost"] += qty * p["average_cost"]
        if qty >= 2 and w["actual_end_date"] and rng.random() < 0.1:
            stock[pid] += 1
            w["_parts_cost"] -= p["average_cost"]
            txns.append(
                _txn(
                    p,
                    "return",
                    w["actual_end_date"],
                    1.0,
                    p["average_cost"],
                    w,
                    lead,
                    w["asset_id"],
                    p["bin_location"],
                    "UNUSED",
                    None,
                )
            )
        if stock[pid] <= p["reorder_point"] and pid not in due:
            arrival = at + timedelta(days=p["lead_time_days"])
            if arrival <= ctx.end:
                due[pid] = (arrival, p["reorder_quantity"])
    part_of = {p["mro_part_id"]: p for p in parts}
    for pid, (arrival, qty) in due.items():
        receive(part_of[pid], arrival, qty, "Replenishment")
    for p in rng.sample(parts, min(len(parts), max(2, len(parts) // 12))):  # cycle counts and store transfers
        at = ctx.start + timedelta(days=rng.uniform(0, max(0.5, ctx.days - 1)))
        delta = float(rng.choice([-2, -1, 1]))
        if stock[p["mro_part_id"]] + delta >= 0:
            stock[p["mro_part_id"]] += delta
            txns.append(
                _txn(
                    p,
                    "adjustment",
                    at,
                    delta,
                    p["average_cost"],
                    None,
                    None,
                    p["bin_location"],
                    p["bin_location"],
                    "CYCLE_COUNT",
                    None,
                )
            )
        txns.append(
            _txn(
                p,
                "transfer",
                at + timedelta(hours=3),
                1.0,
                p["average_cost"],
                None,
                None,
                p["bin_location"],
                "Satellite store",
                "REBALANCE",
                None,
            )
        )
    txns.sort(key=lambda r: (r["transaction_date"], r["mro_part_id"]))
    for i, r in enumerate(txns):
        r["transaction_id"], r["transaction_number"] = f"MPT-{i + 1:07d}", f"MT{i + 1:08d}"
    for p in parts:
        p["current_stock"] = float(stock[p["mro_part_id"]])
        p["total_stock_value"] = money(p["current_stock"] * p["average_cost"])
        p["annual_usage_quantity"] = round(p["annual_usage_quantity"] * 365 / ctx.days, 4)
    ctx.add("cmms", "mro_parts_transactions", txns)


def _txn(p, kind, at, qty, cost, w, tech, src, dst, reason, note) -> dict:
    return {
        "transaction_id": "",
        "transaction_number": "",
        "mro_part_id": p["mro_part_id"],
        "transaction_type": kind,
        "transaction_date": at,
        "quantity": qty,
        "unit_of_measure": p["unit_of_measure"],
        "unit_cost": cost,
        "total_cost": money(qty * cost),
        "work_order_id": w["work_order_id"] if w else None,
        "asset_id": w["asset_id"] if w else None,
        "from_location": src,
        "to_location": dst,
        "issued_to": tech["technician_id"] if tech and kind == "issue" else None,
        "issued_by": "Stores" if kind == "issue" else None,
        "purchase_order_id": None,
        "reason_code": reason,
        "notes": note,
        "created_at": at,
    }


def _post_costs(ctx, rng, wos, meta, centers, costs, history) -> None:
    """maintenance_costs rows per completed work order; the work order's actual costs are their sums."""
    center_of = {c["cost_center_id"] for c in centers}
    for w in wos:
        if w["actual_end_date"] is None:
            continue
        m = meta[w["asset_id"]]
        center = f"MCC-{m['factory'][4:]}" + ("-UTL" if m["plant"] else "")
        rows = list(w["_costs"]) + (
            [("parts", money(w["_parts_cost"]), None, "MRO parts issued")] if w["_parts_cost"] > 0 else []
        )
        day = w["actual_end_date"].date()
        for ctype, amount, vendor, text in rows:
            costs.append(
                {
                    "cost_id": f"MC-{len(costs) + 1:07d}",
                    "work_order_id": w["work_order_id"],
                    "asset_id": w["asset_id"],
                    "cost_type": ctype,
                    "cost_description": text,
                    "cost_amount": amount,
                    "currency": "INR",
                    "cost_date": day,
                    "cost_center_id": center if center in center_of else None,
                    "gl_account": {"labor": "510100", "parts": "510200"}.get(ctype, "510300"),
                    "vendor_id": vendor,
                    "invoice_number": f"INV-{rng.randint(10**5, 10**6 - 1)}" if vendor else None,
                    "invoice_date": day if vendor else None,
                    "created_at": w["actual_end_date"],
                }
            )
        labor = sum(r[1] for r in rows if r[0] == "labor")
        parts = sum(r[1] for r in rows if r[0] == "parts")
        w["actual_labor_cost"], w["actual_parts_cost"] = money(labor), money(parts)
        w["actual_total_cost"] = money(sum(r[1] for r in rows))
        w["estimated_cost"] = money(w["actual_total_cost"] * rng.uniform(0.8, 1.25))
        event = {
            "breakdown": "breakdown",
            "corrective": "corrective_maintenance",
            "preventive": "preventive_maintenance",
            "inspection": "inspection",
            "predictive": "predictive_maintenance",
        }[w["wo_type"]]
        history.append(
            {
                "history_id": f"MH-{len(history) + 1:07d}",
                "asset_id": w["asset_id"],
                "event_type": event,
                "event_date": w["_failure_at"] or w["actual_start_date"],
                "event_description": w["description"],
                "work_order_id": w["work_order_id"],
                "pm_schedule_id": w["_schedule"]["pm_schedule_id"] if w["_schedule"] else None,
                "failure_code": w["failure_code"],
                "root_cause": w["root_cause"],
                "corrective_action": w["corrective_action"],
                "downtime_hours": round(w["downtime_minutes"] / 60, 2),
                "production_loss": w["production_loss_units"],
                "labor_cost": w["actual_labor_cost"],
                "parts_cost": w["actual_parts_cost"],
                "total_cost": w["actual_total_cost"],
                "performed_by": w["completed_by"],
                "attachment_url": None,
                "created_at": w["actual_end_date"],
            }
        )
    for w in wos:  # work orders not yet finished carry an estimate only
        if w["estimated_cost"] is None:
            w["estimated_cost"] = money((w["estimated_duration_hours"] or 1) * 450 * rng.uniform(1.0, 2.5))


def _meter_readings(ctx, rng, assets, meta, wos) -> None:
    """Weekly readings of metered assets, plus one at the end of each work order on them."""
    rows = []
    done_on: dict[str, list] = {}
    for w in wos:
        if w["actual_end_date"]:
            done_on.setdefault(w["asset_id"], []).append(w)
    for a in assets:
        if not a["has_meter"]:
            continue
        m = meta[a["asset_id"]]
        stamps = []
        t = ctx.start + timedelta(days=rng.randint(0, 6), hours=8)
        while t <= ctx.end:
            stamps.append((t, None, weighted(rng, {"automated": 60, "manual": 30, "calculated": 5, "estimated": 5})))
            t += timedelta(days=7)
        stamps += [(w["actual_end_date"], w["work_order_id"], "manual") for w in done_on.get(a["asset_id"], [])]
        stamps.sort(key=lambda x: x[0])
        prev = None
        for at, wo_id, source in stamps:
            value = _meter(m, at)
            rows.append(
                {
                    "reading_id": "",
                    "asset_id": a["asset_id"],
                    "reading_date": at,
                    "meter_value": value,
                    "meter_unit": a["meter_unit"],
                    "previous_reading": prev[1] if prev else None,
                    "delta_value": round(value - prev[1], 2) if prev else None,
                    "days_since_last_reading": (at.date() - prev[0].date()).days if prev else None,
                    "reading_source": source,
                    "recorded_by": "SCADA" if source == "automated" else "Maintenance technician",
                    "work_order_id": wo_id,
                    "notes": None,
                    "created_at": at,
                }
            )
            prev = (at, value)
        if prev:
            a["current_meter_reading"], a["meter_reading_date"] = prev[1], prev[0]
    rows.sort(key=lambda r: (r["reading_date"], r["asset_id"]))
    for i, r in enumerate(rows):
        r["reading_id"] = f"EMR-{i + 1:07d}"
    ctx.add("cmms", "equipment_meter_readings", rows)


def _finish(ctx, assets, meta, schedules, wos, techs, teams, centers) -> None:
    """Roll the work orders up into schedules, technicians, cost centres and assets; record them."""
    today = ctx.end.date()
    for s in schedules:
        mine = [w for w in wos if w["_schedule"] is s and w["actual_end_date"]]
        last = max(mine, key=lambda w: w["actual_end_date"], default=None)
        if last:
            s["last_wo_id"], s["last_completed_date"] = last["work_order_id"], last["actual_end_date"].date()
        else:
            s["last_completed_date"] = s["_anchor"]
        if s["schedule_type"] == "meter_based":
            s["last_meter_reading"] = _meter(meta[s["asset_id"]], datetime.combine(s["last_completed_date"], time(12)))
            s["next_due_meter_reading"] = round(s["last_meter_reading"] + s["meter_frequency"], 2)
        if s["schedule_status"] == "suspended":
            s["next_due_date"] = None
        elif s["schedule_type"] == "condition_based" or s["frequency_type"] == "daily":
            s["next_due_date"] = today + timedelta(days=1 if s["frequency_type"] == "daily" else 7)
        else:
            s["next_due_date"] = s.get("_next")
        s["updated_at"] = max([s["created_at"]] + [w["updated_at"] for w in wos if w["_schedule"] is s])
    ctx.add("cmms", "pm_schedules", _strip(schedules))
    for t in techs:
        mine = [w for w in wos if w["completed_by"] == t["technician_id"]]
        t["total_wos_completed"] = len(mine)
        t["avg_completion_time_hours"] = (
            round(sum(w["actual_duration_hours"] for w in mine) / len(mine), 2) if mine else None
        )
        busy = [
            w for w in wos if w["assigned_to"] == t["technician_id"] and w["wo_status"] in ("in_progress", "on_hold")
        ]
        t["current_wo_id"] = busy[0]["work_order_id"] if busy else None
        t["technician_status"] = "busy" if busy else "available"
    ctx.add("cmms", "maintenance_technicians", _strip(techs))
    ctx.add("cmms", "maintenance_teams", teams)
    costs = ctx.rows("cmms", "maintenance_costs")
    for c in centers:
        mine = [
            x
            for x in costs
            if x["cost_center_id"] == c["cost_center_id"]
            or (c["parent_cost_center_id"] is None and x["cost_center_id"])
        ]
        c["ytd_actual_cost"] = money(sum(x["cost_amount"] for x in mine if x["cost_date"].year == today.year))
        c["current_period_actual"] = money(
            sum(
                x["cost_amount"]
                for x in mine
                if (x["cost_date"].year, x["cost_date"].month) == (today.year, today.month)
            )
        )
    ctx.add("cmms", "maintenance_cost_centers", centers)
    open_repairs = {
        w["asset_id"]
        for w in wos
        if w["wo_status"] in ("in_progress", "on_hold") and w["wo_type"] in ("breakdown", "corrective")
    }
    latest: dict[str, datetime] = {}
    for w in wos:
        latest[w["asset_id"]] = max(latest.get(w["asset_id"], w["updated_at"]), w["updated_at"])
    for a in assets:
        if a["asset_id"] in open_repairs:
            a["asset_status"] = "under_maintenance"
        elif a["installation_date"] > today:
            a["asset_status"] = "not_commissioned"
        a["updated_at"] = max(a["updated_at"], latest.get(a["asset_id"], a["updated_at"]))
    ctx.add("cmms", "work_orders", _strip(wos))
    ctx.add("cmms", "maintenance_assets", assets)


def _periods(ctx) -> list[tuple[str, date, date, bool]]:
    """(period_type, first day, last day, critical assets only) for every period overlapping the window."""
    first, today = ctx.start.date(), ctx.end.date()
    out = []
    day = first
    while day <= today:
        nxt_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append(("monthly", day, min(today, nxt_month - timedelta(days=1)), False))
        day = nxt_month
    day = first
    while day <= today:
        q_end_month = ((day.month - 1) // 3 + 1) * 3
        nxt = date(day.year + q_end_month // 12, q_end_month % 12 + 1, 1)
        out.append(("quarterly", day, min(today, nxt - timedelta(days=1)), False))
        day = nxt
    for year in range(first.year, today.year + 1):
        out.append(("yearly", max(first, date(year, 1, 1)), min(today, date(year, 12, 31)), False))
    day = first
    while day <= today:
        sunday = day + timedelta(days=6 - day.weekday())
        out.append(("weekly", day, min(today, sunday), True))
        day = sunday + timedelta(days=1)
    for k in range(min(7, ctx.days)):
        d = today - timedelta(days=k)
        out.append(("daily", d, d, True))
    return out


def _reliability(ctx, assets, meta, wos) -> None:
    """Availability, MTBF, MTTR, work-order counts and cost per asset and period, from the work orders and costs."""
    rng = ctx.rng("cmms.reliability")
    by_asset: dict[str, list] = {}
    for w in wos:
        by_asset.setdefault(w["asset_id"], []).append(w)
    cost_by: dict[str, list] = {}
    for c in ctx.rows("cmms", "maintenance_costs"):
        cost_by.setdefault(c["asset_id"], []).append(c)
    rows = []
    periods = _periods(ctx)
    for a in assets:
        m = meta[a["asset_id"]]
        perf, quality = rng.uniform(0.84, 0.95), rng.uniform(0.975, 0.997)
        duty = 0.9 if m["plant"] else 6 / 7 * 0.95
        mine, my_costs = by_asset.get(a["asset_id"], []), cost_by.get(a["asset_id"], [])
        for ptype, p0, p1, critical_only in periods:
            if critical_only and a["criticality_rating"] != "critical":
                continue
            until = min(ctx.end, datetime.combine(p1 + timedelta(days=1), time()))
            span = (until - datetime.combine(p0, time())).total_seconds() / 3600
            total = round(span * duty, 2)
            inside = [w for w in mine if p0 <= (w["_failure_at"] or w["_start"]).date() <= p1]
            done = [w for w in inside if w["actual_end_date"]]
            planned = sum(w["downtime_minutes"] for w in done if w["downtime_category"] == "planned") / 60
            unplanned = sum(w["downtime_minutes"] for w in done if w["downtime_category"] == "unplanned") / 60
            down = min(total, planned + unplanned)
            operating = round(total - down, 2)
            failures = sum(1 for w in inside if w["wo_type"] == "breakdown")
            repaired = [w for w in done if w["wo_type"] == "breakdown"]
            c_in = [c for c in my_costs if p0 <= c["cost_date"] <= p1]
            spend = {
                k: money(sum(c["cost_amount"] for c in c_in if c["cost_type"] == k))
                for k in ("labor", "parts", "contractor")
            }
            cost = money(sum(c["cost_amount"] for c in c_in))
            availability = round(100 * operating / total, 2) if total else None
            rows.append(
                {
                    "metric_id": "",
                    "asset_id": a["asset_id"],
                    "period_start_date": p0,
                    "period_end_date": p1,
                    "period_type": ptype,
                    "total_hours": total,
                    "operating_hours": operating,
                    "downtime_hours": round(down, 2),
                    "planned_downtime_hours": round(planned, 2),
                    "unplanned_downtime_hours": round(unplanned, 2),
                    "availability_pct": availability,
                    "number_of_failures": failures,
                    "mtbf_hours": round(operating / failures, 2) if failures else None,
                    "mttr_hours": round(sum(w["downtime_minutes"] for w in repaired) / 60 / len(repaired), 2)
                    if repaired
                    else None,
                    "oee_pct": round(availability * perf * quality, 2)
                    if availability is not None and not m["plant"]
                    else None,
                    "pm_work_orders": sum(
                        1 for w in inside if w["wo_type"] in ("preventive", "inspection", "predictive")
                    ),
                    "cm_work_orders": sum(1 for w in inside if w["wo_type"] == "corrective"),
                    "breakdown_work_orders": failures,
                    "total_maintenance_cost": cost,
                    "labor_cost": spend["labor"],
                    "parts_cost": spend["parts"],
                    "contractor_cost": spend["contractor"],
                    "maintenance_cost_per_operating_hour": round(cost / operating, 4) if operating else None,
                    "production_units": round(operating * m["capacity"] * perf, 4) if m["capacity"] else None,
                    "production_loss_units": round(down * m["capacity"] * 0.85, 4) if m["capacity"] else None,
                    "created_at": min(ctx.end, datetime.combine(p1 + timedelta(days=1), time(1))),
                }
            )
    for i, r in enumerate(rows):
        r["metric_id"] = f"ARM-{i + 1:07d}"
    ctx.add("cmms", "asset_reliability_metrics", rows)


def _integration_log(ctx, rng, wos) -> None:
    """Fault notifications in from MES and cost postings out to ERP."""
    rows = []
    for w in wos:
        events = []
        if w["wo_type"] == "breakdown":
            events.append(("inbound", "machine_fault", w["created_at"] - timedelta(minutes=1)))
        if w["actual_end_date"]:
            events.append(("outbound", "maintenance_cost", w["actual_end_date"] + timedelta(minutes=10)))
        for direction, doc, at in events:
            if at > ctx.end:
                continue
            status = weighted(rng, {"completed": 95, "error": 3, "pending": 1, "in_progress": 1})
            rows.append(
                {
                    "log_id": "",
                    "log_timestamp": at,
                    "integration_direction": direction,
                    "document_type": doc,
                    "document_id": w["work_order_id"],
                    "integration_status": status,
                    "error_message": "ERP posting period closed" if status == "error" else None,
                    "integration_data": {"asset_id": w["asset_id"], "cost": w["actual_total_cost"]},
                    "retry_count": 1 if status == "error" else 0,
                    "last_retry_at": at + timedelta(minutes=30) if status == "error" else None,
                }
            )
    rows.sort(key=lambda r: r["log_timestamp"])
    for i, r in enumerate(rows):
        r["log_id"] = f"CIL-{i + 1:07d}"
    ctx.add("cmms", "cmms_integration_log", rows)
