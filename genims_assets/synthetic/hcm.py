"""genims_hcm_db: organisation, people, shifts, attendance, leave, training, safety, performance.

The HCM employees are the HR record of a subset of master.employees (same
employee_id, names, factory, role and hire date): ctx.count(100) of them (at
least 30): a manager and a supervisor per plant, a few recent hires (so that
onboarding has someone to onboard), then the first ones of the master list,
which spreads them over the factories. Volumes follow
the public run where it recorded one (employee_shifts 60, enrollments 100,
leave balances 320, skills 100, goals 148, KPIs 60); event tables are rates
per employee or factory per day over the window:

- attendance: one row per HCM employee per scheduled working day (Mon-Sat for
  shift workers, Mon-Fri for the general shift, a few Sunday overtime shifts),
  with absences, late arrivals, early departures and overtime (more at month
  end), so labor_efficiency_daily gets scheduled/worked/overtime hours per
  factory, day and shift. Approved leave shows as on_leave.
- safety incidents: per hour worked (INCIDENT_RATES, per million attendance
  hours of the factory's employees), so LTIFR is about 1.3 and TRIR about 2.2 at
  any scale, near misses far outnumber injuries and fatalities are very rare;
  every type and the minor and moderate severities occur at least once (as
  non-recordable cases); lost time = days_away_from_work > 0.
- training: about one session per factory every ten days, 2-5 enrollees each.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, clamp_stamps_to_window, money, weighted

FEMALE = {"Priya", "Ananya", "Diya", "Kavya", "Meera", "Neha", "Pooja", "Sneha", "Lakshmi", "Divya"}
# key -> (name, cost-centre suffix); plant departments hang under ADM, corporate ones have no factory.
PLANT_DEPTS = {
    "ADM": "Plant Management",
    "PRD": "Production",
    "MNT": "Maintenance",
    "QLT": "Quality",
    "PLN": "Production Planning",
    "HR": "Human Resources",
    "EHS": "Environment, Health & Safety",
    "WHS": "Warehouse & Logistics",
}
CORP_DEPTS = {"SAL": "Sales", "SVC": "Customer Service", "FIN": "Finance", "IT": "Information Technology"}
MASTER_DEPT = {"production": "PRD", "maintenance": "MNT", "planning": "PLN", "quality": "QLT"}
# role code -> (name, category, family, level, education, min years, reports to)
ROLES = {
    "DIR": ("Director of Operations", "managerial", "operations", "director", "master", 15, None),
    "MGR": ("Plant Manager", "managerial", "operations", "manager", "bachelor", 10, "DIR"),
    "SUP": ("Production Supervisor", "managerial", "operations", "lead", "diploma", 5, "MGR"),
    "OPR": ("Production Operator", "operational", "operations", "entry", "high_school", 0, "SUP"),
    "SOP": ("Senior Operator", "operational", "operations", "intermediate", "diploma", 4, "SUP"),
    "TEC": ("Maintenance Technician", "technical", "engineering", "intermediate", "diploma", 2, "MGR"),
    "ENG": ("Process Engineer", "technical", "engineering", "senior", "bachelor", 3, "MGR"),
    "QIN": ("Quality Inspector", "technical", "operations", "entry", "diploma", 1, "SUP"),
    "HRC": ("HR Coordinator", "administrative", "support", "intermediate", "bachelor", 2, "MGR"),
    "SFO": ("Safety Officer", "technical", "support", "lead", "bachelor", 5, "MGR"),
    "SAE": ("Sales Executive", "operational", "sales", "intermediate", "bachelor", 2, "DIR"),
    "CSA": ("Customer Service Agent", "administrative", "support", "entry", "bachelor", 0, "DIR"),
}
MASTER_ROLE = {
    "operator": "OPR",
    "technician": "TEC",
    "supervisor": "SUP",
    "engineer": "ENG",
    "manager": "MGR",
    "quality_inspector": "QIN",
}
SALARY = {
    "entry": (300_000, 450_000),
    "intermediate": (450_000, 800_000),
    "senior": (800_000, 1_400_000),
    "lead": (900_000, 1_600_000),
    "manager": (1_800_000, 3_000_000),
    "director": (3_500_000, 6_000_000),
}
SHIFT_DEFS = [
    ("A", "Morning Shift", time(6), time(14), "day"),
    ("B", "Afternoon Shift", time(14), time(22), "evening"),
    ("C", "Night Shift", time(22), time(6), "night"),
    ("G", "General Shift", time(8), time(16, 30), "day"),
]
MASTER_SHIFT = {"shift_a": "A", "shift_b": "B", "shift_c": "C", "general": "G"}
SKILLS = [
    ("CNC Machine Operation", "technical", "equipment_operation", False),
    ("Quality Inspection", "technical", "process", False),
    ("Lean Manufacturing", "technical", "process", False),
    ("Six Sigma", "certification", "process", True),
    ("Welding", "technical", "equipment_operation", True),
    ("Forklift Operation", "certification", "equipment_operation", True),
    ("SAP ERP", "technical", "software", False),
    ("AutoCAD", "technical", "software", False),
    ("PLC Programming", "technical", "software", False),
    ("Hydraulics Maintenance", "technical", "process", False),
    ("Leadership", "soft_skill", "process", False),
    ("Communication", "soft_skill", "process", False),
    ("Problem Solving", "soft_skill", "process", False),
    ("English", "language", "process", False),
    ("Hindi", "language", "process", False),
    ("Workplace Safety", "certification", "safety", True),
    ("Lockout-Tagout", "certification", "safety", True),
    ("Hazmat Handling", "certification", "safety", True),
]
# name, category, type, delivery, hours, certifies, validity months, cost
COURSES = [
    ("New Employee Orientation", "compliance", "classroom", "in_person", 4, False, None, 0),
    ("Workplace Safety Basics", "safety", "classroom", "in_person", 8, True, 24, 1500),
    ("Lockout-Tagout Procedures", "safety", "on_the_job", "in_person", 4, True, 12, 1200),
    ("Forklift Operation Certification", "safety", "certification", "blended", 16, True, 36, 6500),
    ("First Aid & CPR", "safety", "workshop", "in_person", 8, True, 24, 2500),
    ("IATF 16949 Awareness", "compliance", "online", "self_paced", 6, True, 36, 800),
    ("Quality Management Systems", "technical", "classroom", "virtual", 16, False, None, 4000),
    ("Lean Manufacturing Principles", "technical", "workshop", "in_person", 24, True, 36, 9000),
    ("PLC Troubleshooting", "technical", "on_the_job", "blended", 16, False, None, 7000),
    ("Leadership Development", "leadership", "workshop", "in_person", 24, False, None, 15000),
    ("Communication Skills", "soft_skills", "online", "virtual", 8, False, None, 2000),
    ("Six Sigma Green Belt", "technical", "certification", "blended", 40, True, 60, 25000),
]
# code, name, category, frequency, rate, max/year, carry, gender
LEAVE_TYPES = [
    ("PL", "Privilege Leave", "paid", "monthly", 1.5, 18, 30, "all"),
    ("SL", "Sick Leave", "paid", "annual", 12, 12, 0, "all"),
    ("CL", "Casual Leave", "paid", "annual", 8, 8, 0, "all"),
    ("ML", "Maternity Leave", "statutory", "annual", 0, 182, 0, "female"),
    ("PTL", "Paternity Leave", "statutory", "annual", 0, 15, 0, "male"),
    ("LOP", "Leave Without Pay", "unpaid", "annual", 0, 30, 0, "all"),
]
KPI_TEMPLATES = [
    ("OEE", "productivity", "PRD", "percentage", "monthly", 80, 65),
    ("Units per Labour Hour", "productivity", "PRD", "number", "weekly", 14, 10),
    ("Schedule Adherence", "productivity", "PLN", "percentage", "weekly", 95, 85),
    ("First Pass Yield", "quality", "QLT", "percentage", "daily", 98, 94),
    ("Customer PPM", "quality", "QLT", "number", "monthly", 100, 250),
    ("Scrap Cost", "financial", "PRD", "currency", "monthly", 250_000, 400_000),
    ("LTIFR", "safety", "EHS", "number", "monthly", 0.5, 1.5),
    ("Near Miss Reports", "safety", "EHS", "number", "monthly", 20, 8),
    ("PM Compliance", "productivity", "MNT", "percentage", "monthly", 95, 85),
    ("MTTR", "productivity", "MNT", "number", "monthly", 3, 6),
    ("Maintenance Cost per Unit", "financial", "MNT", "currency", "quarterly", 4, 7),
    ("Training Hours per Employee", "productivity", "HR", "number", "quarterly", 8, 4),
    ("Employee Engagement Score", "productivity", "HR", "rating", "annual", 4.2, 3.5),
    ("Dock-to-Stock Time", "customer_service", "WHS", "number", "weekly", 4, 8),
    ("On-Time Dispatch", "customer_service", "WHS", "percentage", "daily", 97, 90),
]
CLOCK_POINTS = [
    "Main Gate Turnstile 1",
    "Main Gate Turnstile 2",
    "Shop Floor Kiosk",
    "Canteen Gate",
    "Admin Block Reader",
]


def _at(day: date, hours: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(hours=hours)


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("hcm")
    created = ctx.start - timedelta(days=400)
    factories = ctx.rows("master", "factories")
    depts = _departments(factories, created)
    _job_roles(ctx, created)
    shifts = _shift_schedules(ctx, factories, created)
    employees, info = _employees(ctx, rng, factories, depts, created)
    leave_days = _leave(ctx, ctx.rng("hcm.leave"), employees, info, created)
    _attendance(ctx, ctx.rng("hcm.attendance"), employees, info, shifts, leave_days, created)
    _safety(ctx, ctx.rng("hcm.safety"), factories, employees, depts)
    _training(ctx, ctx.rng("hcm.training"), factories, employees, info, created)
    _skills(ctx, ctx.rng("hcm.skills"), employees, info, created)
    _performance(ctx, ctx.rng("hcm.performance"), factories, employees, info, depts, created)
    _lifecycle(ctx, ctx.rng("hcm.lifecycle"), factories, employees, info, depts, created)
    _integration_log(ctx, ctx.rng("hcm.integration"))
    clamp_stamps_to_window(ctx, "hcm")


def _departments(factories: list[dict], created: datetime) -> dict[tuple, dict]:
    """Departments keyed (factory_id or None, key); plant departments hang under Plant Management."""
    depts: dict[tuple, dict] = {}
    for f in factories:
        no = f["factory_id"][4:]
        for key, name in PLANT_DEPTS.items():
            depts[(f["factory_id"], key)] = {
                "department_id": f"DEPT-{no}-{key}",
                "department_code": f"{no}-{key}",
                "department_name": f"{name} - {f['city']}",
                "parent_department_id": None if key == "ADM" else f"DEPT-{no}-ADM",
                "factory_id": f["factory_id"],
                "department_head_id": None,
                "cost_center": f"CC-{no}-{key}",
                "description": f"{name} of {f['factory_name']}",
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
    for key, name in CORP_DEPTS.items():
        depts[(None, key)] = {
            "department_id": f"DEPT-HQ-{key}",
            "department_code": f"HQ-{key}",
            "department_name": name,
            "parent_department_id": None,
            "factory_id": None,
            "department_head_id": None,
            "cost_center": f"CC-HQ-{key}",
            "description": f"Corporate {name.lower()}",
            "is_active": True,
            "created_at": created,
            "updated_at": created,
        }
    return depts


def _job_roles(ctx: GenContext, created: datetime) -> None:
    rows = []
    for code, (name, cat, family, level, edu, years, boss) in ROLES.items():
        rows.append(
            {
                "role_id": f"ROLE-{code}",
                "role_code": code,
                "role_name": name,
                "role_category": cat,
                "role_family": family,
                "role_level": level,
                "job_description": f"{name}: {family} role at {level} level",
                "key_responsibilities": (
                    f"Deliver the {family} objectives of the {name.lower()} role safely and on time"
                ),
                "required_qualifications": f"{edu.replace('_', ' ').title()} with {years}+ years of experience",
                "min_education": edu,
                "min_experience_years": years,
                "reports_to_role_id": f"ROLE-{boss}" if boss else None,
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.add("hcm", "job_roles", rows)


def _shift_schedules(ctx: GenContext, factories: list[dict], created: datetime) -> dict[str, dict]:
    """The master shifts A/B/C (same ids) plus a general day shift per factory."""
    rows = {}
    for f in factories:
        no = f["factory_id"][4:]
        for code, name, start, end, stype in SHIFT_DEFS:
            sid = f"SHIFT-{no}-{code}"
            rows[sid] = {
                "shift_id": sid,
                "shift_code": f"S{no}{code}",
                "shift_name": f"{name} - {f['city']}",
                "start_time": start,
                "end_time": end,
                "break_duration_minutes": 30,
                "shift_type": stype,
                "factory_id": f["factory_id"],
                "is_active": True,
                "created_at": created,
            }
    ctx.add("hcm", "shift_schedules", list(rows.values()))
    return rows


def _pick_employees(ctx: GenContext) -> list[dict]:
    """A manager and a supervisor per plant (reporting lines, department heads, succession), the most recent hires
    (onboarding needs some), then the first employees of the master list, which spreads them over the plants."""
    master = ctx.rows("master", "employees")
    n = min(len(master), ctx.count(100, minimum=30))
    chosen: dict[str, dict] = {}
    for f in ctx.rows("master", "factories"):
        for role in ("manager", "supervisor"):
            leader = next(
                (
                    e
                    for e in master
                    if e["factory_id"] == f["factory_id"] and e["role"] == role and e["status"] == "active"
                ),
                None,
            )
            if leader:
                chosen[leader["employee_id"]] = leader
    for e in sorted(master, key=lambda e: (e["hire_date"], e["employee_id"]), reverse=True)[: max(2, n // 15)]:
        chosen[e["employee_id"]] = e
    for e in master:
        if len(chosen) >= n:
            break
        chosen.setdefault(e["employee_id"], e)
    order = {e["employee_id"]: k for k, e in enumerate(master)}
    return sorted(chosen.values(), key=lambda e: order[e["employee_id"]])


def _employees(ctx, rng, factories, depts, created) -> tuple[list[dict], dict[str, dict]]:
    """HCM employees and positions; `info` holds what the other tables need (role, shift, gender, dept)."""
    picked = _pick_employees(ctx)
    today = ctx.end.date()
    city = {f["factory_id"]: f["city"] for f in factories}
    roles = {}
    for m in picked:
        role = MASTER_ROLE[m["role"]]
        if role == "OPR" and m["skill_level"] in ("senior", "expert"):
            role = "SOP"
        elif role == "MGR" and m["skill_level"] == "expert":
            role = "DIR"
        roles[m["employee_id"]] = role
    boss: dict[tuple, str] = {}
    for m in picked:  # the first manager and supervisor of each factory lead it
        r = roles[m["employee_id"]]
        key = "SUP" if r == "SUP" else "MGR" if r in ("MGR", "DIR") else None
        if key and m["status"] == "active":
            boss.setdefault((m["factory_id"], key), m["employee_id"])
    rows, positions, info = [], [], {}
    for m in picked:
        eid, role = m["employee_id"], roles[m["employee_id"]]
        name, _cat, _fam, level, *_ = ROLES[role]
        female = m["first_name"] in FEMALE
        dept = depts[(m["factory_id"], "ADM" if role in ("MGR", "DIR") else MASTER_DEPT[m["department"]])]
        terminated = m["status"] == "inactive"
        term = None
        if terminated:
            term = max(m["hire_date"] + timedelta(days=1), today - timedelta(days=rng.randint(0, ctx.days - 1)))
        shift = MASTER_SHIFT[m["shift"]]
        shift_type = {"A": "day", "B": "evening", "C": "night", "G": "day"}[shift]
        if shift != "G" and rng.random() < 0.12:
            shift_type = "rotating"
        elif shift == "G" and role in ("ENG", "MGR", "DIR") and rng.random() < 0.4:
            shift_type = "flexible"
        manager = boss.get((m["factory_id"], "SUP")) if role in ("OPR", "SOP", "QIN") else None
        manager = manager or (boss.get((m["factory_id"], "MGR")) if role != "DIR" else None)
        pos_id = f"POS-{len(positions) + 1:05d}"
        positions.append(
            {
                "position_id": pos_id,
                "position_code": f"P{len(positions) + 1:05d}",
                "position_name": f"{name} ({dept['department_name']})",
                "role_id": f"ROLE-{role}",
                "department_id": dept["department_id"],
                "employee_id": None if terminated else eid,
                "position_status": "vacant" if terminated else "filled",
                "is_budgeted": True,
                "budget_year": today.year,
                "position_start_date": m["hire_date"],
                "position_end_date": None,
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
        lo, hi = SALARY[level]
        status = "terminated" if terminated else weighted(rng, {"active": 96, "on_leave": 4})
        rows.append(
            {
                "employee_id": eid,
                "employee_number": m["employee_code"],
                "first_name": m["first_name"],
                "middle_name": None,
                "last_name": m["last_name"],
                "preferred_name": m["first_name"] if rng.random() < 0.3 else None,
                "salutation": "Dr." if role == "ENG" and rng.random() < 0.15 else ("Ms." if female else "Mr."),
                "gender": "female" if female else "male",
                "date_of_birth": m["hire_date"] - timedelta(days=rng.randint(20 * 365, 34 * 365)),
                "personal_email": f"{m['first_name'].lower()}{rng.randint(10, 99)}@mail.example",
                "work_email": m["email"],
                "mobile_phone": m["phone"],
                "home_phone": None,
                "address_line1": f"{rng.randint(1, 300)}, Sector {rng.randint(1, 40)}",
                "address_line2": None,
                "city": city[m["factory_id"]],
                "state": None,
                "country": "India",
                "postal_code": f"{rng.randint(110000, 699999)}",
                "emergency_contact_name": (
                    f"{rng.choice(['Ramesh', 'Sunita', 'Anil', 'Geeta', 'Mohan'])} {m['last_name']}"
                ),
                "emergency_contact_relationship": rng.choice(["spouse", "parent", "sibling"]),
                "emergency_contact_phone": f"+91-9{rng.randint(100000000, 999999999)}",
                "hire_date": m["hire_date"],
                "employment_type": weighted(rng, {"full_time": 85, "contract": 10, "part_time": 3, "intern": 2}),
                "employment_status": status,
                "termination_date": term,
                "termination_reason": rng.choice(["resignation", "retirement", "contract_end", "termination"])
                if terminated
                else None,
                "primary_factory_id": m["factory_id"],
                "primary_department_id": dept["department_id"],
                "primary_position_id": pos_id,
                "reports_to_employee_id": manager if manager != eid else None,
                "job_title": name,
                "job_level": level,
                "work_location": dept["department_name"],
                "shift_type": shift_type,
                "weekly_hours": 45.0 if shift != "G" else 40.0,
                "salary_grade": f"G{list(SALARY).index(level) + 1}",
                "annual_salary": money(rng.uniform(lo, hi)),
                "currency": "INR",
                "benefits_eligible": True,
                "national_id": f"XXXX-XXXX-{rng.randint(1000, 9999)}",
                "passport_number": None,
                "tax_id": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))
                + f"{rng.randint(1000, 9999)}P",
                "photo_url": None,
                "user_account_created": role != "OPR",
                "username": m["email"].split("@")[0],
                "is_active": not terminated,
                "created_by": "hr_system",
                "created_at": datetime.combine(m["hire_date"], time(4)),
                "updated_at": datetime.combine(term or m["hire_date"], time(12)),
            }
        )
        info[eid] = {
            "role": role,
            "shift": shift,
            "rotating": shift_type == "rotating",
            "female": female,
            "dept": dept["department_id"],
            "factory": m["factory_id"],
            "level": level,
            "pos": pos_id,
        }
    rank = {lvl: i for i, lvl in enumerate(SALARY)}
    for r in sorted(rows, key=lambda r: -rank[r["job_level"]]):
        if r["is_active"]:
            for d in depts.values():
                if d["department_id"] == r["primary_department_id"] and d["department_head_id"] is None:
                    d["department_head_id"] = r["employee_id"]
    for p in list(positions[: max(1, len(positions) // 10)]):  # budgeted, not yet filled
        positions.append(
            {
                **p,
                "position_id": f"POS-{len(positions) + 1:05d}",
                "position_code": f"P{len(positions) + 1:05d}",
                "employee_id": None,
                "position_status": "vacant",
                "position_start_date": today + timedelta(days=rng.randint(10, 90)),
            }
        )
    ctx.add("hcm", "departments", list(depts.values()))
    ctx.add("hcm", "employees", rows)
    ctx.add("hcm", "positions", positions)
    return rows, info


def _leave(ctx, rng, employees, info, created) -> dict[str, set[date]]:
    """Leave types, requests and balances; returns the days each employee was on approved leave."""
    today, first = ctx.end.date(), ctx.start.date()
    types = []
    for code, name, cat, freq, rate, mx, carry, gender in LEAVE_TYPES:
        types.append(
            {
                "leave_type_id": f"LT-{code}",
                "leave_type_code": code,
                "leave_type_name": name,
                "leave_category": cat,
                "accrual_enabled": rate > 0,
                "accrual_frequency": freq,
                "accrual_rate": rate,
                "max_days_per_year": mx,
                "max_carry_forward": carry,
                "min_days_per_request": 0.5,
                "max_days_per_request": min(mx, 182),
                "min_notice_days": 14 if code == "PL" else 0,
                "requires_approval": True,
                "applicable_gender": gender,
                "requires_documentation": code in ("SL", "ML", "PTL"),
                "is_active": True,
                "created_at": created,
            }
        )
    ctx.add("hcm", "leave_types", types)
    requests, taken = [], {e["employee_id"]: set() for e in employees}
    used: dict[tuple, float] = {}
    pending: dict[tuple, float] = {}
    for e in employees:
        eid, inf = e["employee_id"], info[e["employee_id"]]
        n = sum(rng.random() < 0.9 * ctx.days / 90 for _ in range(2))
        wanted = [
            weighted(
                rng,
                {
                    "PL": 5,
                    "SL": 3,
                    "CL": 3,
                    "LOP": 0.4,
                    "PTL": 0.3 if not inf["female"] else 0,
                    "ML": 0.3 if inf["female"] else 0,
                },
            )
            for _ in range(n)
        ]
        if e["employment_status"] == "on_leave":
            wanted.append("ML" if inf["female"] else "LOP")
        for k, code in enumerate(wanted):
            long = code in ("ML",) or (e["employment_status"] == "on_leave" and k == len(wanted) - 1)
            if long:
                days = rng.randint(60, 120)
                start = today - timedelta(days=rng.randint(1, max(1, min(ctx.days - 1, days - 1))))
            else:
                days = rng.randint(5, 15) if code == "PTL" else rng.choice([0.5, 1, 1, 2, 3, 5])
                # sick leave is reported afterwards; planned leave may be booked up to three weeks ahead
                ahead = -1 if code == "SL" else 20
                start = first + timedelta(days=rng.randint(0, max(0, ctx.days + ahead)))
            start = max(start, e["hire_date"] + timedelta(days=1))
            end_d = start + timedelta(days=max(0, int(days + 0.5) - 1))
            req = start - timedelta(days=rng.randint(1, 20)) if code != "SL" else end_d + timedelta(days=1)
            req = min(max(req, first), today)
            if start > today + timedelta(days=30) or (e["termination_date"] and start >= e["termination_date"]):
                continue
            if long or e["employment_status"] == "on_leave":
                status = "approved"
            elif start > today or req > today - timedelta(days=3):
                status = weighted(rng, {"pending": 5, "approved": 4})
            else:
                status = weighted(rng, {"approved": 84, "rejected": 9, "cancelled": 7})
            approver = e["reports_to_employee_id"]
            key = (eid, f"LT-{code}", start.year)
            if status == "approved" and start <= today:
                day = start
                while day <= min(end_d, today):
                    taken[eid].add(day)
                    day += timedelta(days=1)
                used[key] = used.get(key, 0) + days
            elif status in ("pending", "approved"):
                pending[key] = pending.get(key, 0) + days
            requests.append(
                {
                    "request_id": f"LR-{len(requests) + 1:06d}",
                    "employee_id": eid,
                    "leave_type_id": f"LT-{code}",
                    "request_date": req,
                    "start_date": start,
                    "end_date": end_d,
                    "total_days": float(days),
                    "is_half_day": days == 0.5,
                    "half_day_session": rng.choice(["morning", "afternoon"]) if days == 0.5 else None,
                    "reason": {
                        "PL": "Family function",
                        "SL": "Fever",
                        "CL": "Personal work",
                        "ML": "Maternity",
                        "PTL": "Birth of child",
                        "LOP": "Extended personal leave",
                    }[code],
                    "supporting_document_url": f"https://hr.genims.example/docs/{eid}/{len(requests) + 1}.pdf"
                    if code in ("SL", "ML", "PTL")
                    else None,
                    "request_status": status,
                    "approved_by": approver if status in ("approved", "rejected") else None,
                    "approval_date": min(today, req + timedelta(days=rng.randint(0, 2)))
                    if status in ("approved", "rejected")
                    else None,
                    "rejection_reason": "Production plan does not allow absence" if status == "rejected" else None,
                    "hr_approved": status == "approved",
                    "hr_approved_by": "HR-SYSTEM" if status == "approved" else None,
                    "hr_approval_date": min(today, req + timedelta(days=2)) if status == "approved" else None,
                    "cancelled": status == "cancelled",
                    "cancelled_date": min(today, req + timedelta(days=1)) if status == "cancelled" else None,
                    "cancellation_reason": "Plans changed" if status == "cancelled" else None,
                    "notes": None,
                    "created_at": datetime.combine(req, time(5, 30)),
                    "updated_at": datetime.combine(min(today, req + timedelta(days=2)), time(11)),
                }
            )
    ctx.add("hcm", "leave_requests", requests)
    balances = []
    year = today.year
    year_frac = (today - date(year, 1, 1)).days / 365.25
    for e in employees:
        inf = info[e["employee_id"]]
        for code, _n, _c, freq, rate, mx, carry, gender in LEAVE_TYPES:
            if gender != "all" and gender != ("female" if inf["female"] else "male"):
                continue
            if code in ("ML", "PTL", "LOP") and not any(
                k[0] == e["employee_id"] and k[1] == f"LT-{code}" for k in used | pending
            ):
                continue
            key = (e["employee_id"], f"LT-{code}", year)
            if freq == "monthly":
                accrued = round(rate * 12 * year_frac, 2)
            else:  # credited at the start of the year; statutory leave is granted in full, unpaid leave as taken
                accrued = float(rate or (mx if code != "LOP" else 0))
            # leave taken this year before the window began is not in the requests
            before_window = 0.0
            if ctx.start.date() > date(year, 1, 1):
                before_window = round(rng.uniform(0, 0.3) * accrued * 2) / 2
            use, pend = used.get(key, 0.0) + before_window, pending.get(key, 0.0)
            opening = round(rng.uniform(0, carry), 1) if carry else 0.0
            available = opening + accrued - use - pend
            if available < 0:  # statutory and unpaid leave are granted as needed
                accrued, available = accrued - available, 0.0
            balances.append(
                {
                    "balance_id": f"LB-{len(balances) + 1:06d}",
                    "employee_id": e["employee_id"],
                    "leave_type_id": f"LT-{code}",
                    "leave_year": year,
                    "opening_balance": opening,
                    "accrued_days": round(accrued, 2),
                    "used_days": round(use, 2),
                    "pending_days": round(pend, 2),
                    "available_balance": round(available, 2),
                    "carry_forward_from_previous_year": opening,
                    "last_updated": ctx.end,
                }
            )
    ctx.add("hcm", "employee_leave_balances", balances)
    return taken


def _shift_on(inf: dict, day: date) -> str:
    """The shift an employee works on `day`: rotating workers change shift each calendar month."""
    if inf["rotating"]:
        return "ABC"[(day.month + "ABC".index(inf["shift"])) % 3]
    return inf["shift"]


def _attendance(ctx, rng, employees, info, shifts, leave_days, created) -> None:
    """employee_shifts, and one attendance row per employee per worked (or missed) shift, up to the window's end."""
    first, today = ctx.start.date(), ctx.end.date()
    assignments = []
    for e in employees:
        inf = info[e["employee_id"]]
        no = inf["factory"][4:]
        six = inf["shift"] != "G"
        base = {
            "employee_id": e["employee_id"],
            "monday": True,
            "tuesday": True,
            "wednesday": True,
            "thursday": True,
            "friday": True,
            "saturday": six,
            "sunday": False,
            "created_at": created,
        }
        if inf["rotating"]:
            month = date(first.year, first.month, 1)
            while month <= today:
                nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
                assignments.append(
                    {
                        **base,
                        "employee_shift_id": "",
                        "shift_id": f"SHIFT-{no}-{_shift_on(inf, month)}",
                        "effective_date": month,
                        "end_date": nxt - timedelta(days=1),
                        "is_active": month <= today < nxt,
                    }
                )
                month = nxt
        else:
            assignments.append(
                {
                    **base,
                    "employee_shift_id": "",
                    "shift_id": f"SHIFT-{no}-{inf['shift']}",
                    "effective_date": e["hire_date"],
                    "end_date": e["termination_date"],
                    "is_active": e["is_active"],
                }
            )
    for i, a in enumerate(assignments):
        a["employee_shift_id"] = f"ES-{i + 1:06d}"
        a["created_at"] = max(created, datetime.combine(a["effective_date"], time()) - timedelta(days=7))
    ctx.add("hcm", "employee_shifts", assignments)

    days = ctx.window_days()
    rows = []
    for e in employees:
        eid, inf = e["employee_id"], info[e["employee_id"]]
        no = inf["factory"][4:]
        last = min(today, e["termination_date"] - timedelta(days=1)) if e["termination_date"] else today
        on_leave = leave_days[eid]
        for day in days:
            if day < e["hire_date"] or day > last:
                continue
            code = _shift_on(inf, day)
            wd = day.weekday()
            sunday_ot = wd == 6 and code != "G" and rng.random() < 0.06
            if not sunday_ot and (wd == 6 or (code == "G" and wd == 5)):
                continue
            shift = shifts[f"SHIFT-{no}-{code}"]
            start = datetime.combine(day, shift["start_time"])
            length = 8.5 if code == "G" else 8.0
            sched = 0.0 if sunday_ot else length - 0.5
            row = {
                "attendance_id": "",
                "employee_id": eid,
                "attendance_date": day,
                "shift_id": shift["shift_id"],
                "clock_in_time": None,
                "clock_out_time": None,
                "clock_in_location": None,
                "clock_out_location": None,
                "scheduled_hours": sched,
                "actual_hours": 0.0,
                "regular_hours": 0.0,
                "overtime_hours": 0.0,
                "attendance_status": "",
                "late_minutes": 0,
                "early_departure_minutes": 0,
                "overtime_approved": False,
                "approved_by": None,
                "notes": None,
                "created_at": start + timedelta(hours=length),
            }
            if row["created_at"] > ctx.end:
                continue  # the shift is not over yet: the record is written at clock-out
            if day in on_leave and not sunday_ot:
                row["attendance_status"] = "on_leave"
            elif not sunday_ot and rng.random() < (0.04 if wd == 0 else 0.025):
                row["attendance_status"] = "absent"
                row["notes"] = "Unplanned absence"
            else:
                late = rng.randint(5, 55) if rng.random() < 0.07 else 0
                early = rng.randint(10, 90) if rng.random() < 0.03 else 0
                half = not sunday_ot and rng.random() < 0.01
                ot = 0.0
                if sunday_ot:
                    ot = length - 0.5
                elif not half and rng.random() < (0.22 if day.day >= 25 else 0.1) * (1.3 if day.month == 12 else 1.0):
                    ot = rng.choice([0.5, 1.0, 1.5, 2.0, 2.0, 3.0, 4.0])
                clock_in = start + timedelta(minutes=late - (0 if late else rng.randint(0, 12)))
                span = (length / 2 if half else length - early / 60) + (0 if sunday_ot else ot)
                clock_out = start + timedelta(hours=span, minutes=rng.randint(0, 6))
                if clock_out > ctx.end:
                    continue
                actual = round(max(0.0, span - late / 60 - 0.5), 2)
                overtime = round(min(ot, actual), 2)
                row.update(
                    {
                        "clock_in_time": clock_in,
                        "clock_out_time": clock_out,
                        "clock_in_location": rng.choice(CLOCK_POINTS),
                        "clock_out_location": rng.choice(CLOCK_POINTS),
                        "actual_hours": actual,
                        "overtime_hours": overtime,
                        "regular_hours": round(actual - overtime, 2),
                        "attendance_status": "half_day" if half else "late" if late else "present",
                        "late_minutes": late,
                        "early_departure_minutes": early,
                        "created_at": clock_out,
                        "overtime_approved": overtime > 0 and rng.random() < 0.9,
                    }
                )
                if overtime > 0:
                    row["approved_by"] = e["reports_to_employee_id"]
                    row["notes"] = "Sunday overtime" if sunday_ot else ("Month-end push" if day.day >= 25 else None)
            rows.append(row)
    for i, r in enumerate(rows):
        r["attendance_id"] = f"ATT-{i + 1:07d}"
    ctx.add("hcm", "attendance_records", rows)


INCIDENTS = {
    "injury": [
        "Hand caught in press guard while clearing a jam",
        "Slipped on coolant spill near CNC cell",
        "Cut from sharp sheet-metal edge",
        "Strain while lifting a fixture",
        "Burn from hot weld spatter",
    ],
    "near_miss": [
        "Forklift reversed close to pedestrian walkway",
        "Unsecured load fell from rack near operator",
        "Robot cell door interlock bypassed",
    ],
    "property_damage": ["Forklift struck a racking upright", "Die set dropped during changeover"],
    "environmental": ["Hydraulic oil leak reached floor drain", "Coolant overflow from sump"],
}
BODY_PARTS = ["hand", "finger", "back", "foot", "eye", "arm", "head"]


# Incidents per 1,000,000 hours worked (attendance actual_hours, the exposure safety_compliance_daily divides by),
# by type and severity. About 3 in 10 minor injuries need medical treatment (recordable, the rest are first aid),
# 3 in 5 moderate ones and every serious or fatal one keep the worker away (lost time), so the expected rates are
# TRIR = (0.3 x 30 + 1.5 + 0.4 + 0.01) x 0.2 = 2.2 per 200,000 hours and LTIFR = 0.6 x 1.5 + 0.4 + 0.01 = 1.3 per
# million hours, with about 16 near misses per recordable injury (manufacturing: LTIFR 0.5-5, TRIR 1-5).
INCIDENT_RATES = {
    ("injury", "minor"): 30.0,
    ("injury", "moderate"): 1.5,
    ("injury", "serious"): 0.4,
    ("injury", "fatal"): 0.01,
    ("near_miss", "minor"): 180.0,
    ("property_damage", "minor"): 20.0,
    ("property_damage", "moderate"): 16.0,
    ("property_damage", "serious"): 4.0,
    ("environmental", "minor"): 9.0,
    ("environmental", "moderate"): 3.0,
}
PER_HOURS = 1_000_000
# Types and severities the reports break down by: one is added when the draw gave none, so that even the smallest
# data set has them. None is recordable or lost time (the injury is a first-aid case), so LTIFR and TRIR stay as drawn.
COVERAGE = [("near_miss", "minor"), ("injury", "minor"), ("property_damage", "moderate"), ("environmental", "minor")]


def _exposure(ctx, employees) -> dict[str, tuple[list[dict], list[float]]]:
    """Per factory: the attendance records with hours worked (the employee's primary factory) and their running
    total of actual_hours, the axis along which incidents arrive."""
    factory = {e["employee_id"]: e["primary_factory_id"] for e in employees}
    out: dict[str, tuple[list[dict], list[float]]] = {}
    for a in ctx.rows("hcm", "attendance_records"):
        if a["actual_hours"] > 0 and a["clock_in_time"] is not None:
            records, ends = out.setdefault(factory[a["employee_id"]], ([], []))
            records.append(a)
            ends.append((ends[-1] if ends else 0.0) + a["actual_hours"])
    return out


def _arrivals(rng, rate_per_hour: float, hours: float) -> list[float]:
    """A Poisson process of `rate_per_hour` over `hours` of exposure: the hour marks of its events."""
    marks, t = [], 0.0
    while rate_per_hour > 0:
        t += rng.expovariate(rate_per_hour)
        if t >= hours:
            break
        marks.append(t)
    return marks


def _at_mark(records: list[dict], ends: list[float], mark: float) -> tuple[dict, datetime]:
    """The attendance record worked at hour `mark` of the factory's exposure, and the moment within its shift."""
    k = min(bisect_right(ends, mark), len(records) - 1)
    before = ends[k - 1] if k else 0.0
    when = records[k]["clock_in_time"] + timedelta(hours=max(0.0, mark - before))
    return records[k], when.replace(microsecond=0)


def _safety(ctx, rng, factories, employees, depts) -> None:
    """Incidents arrive per hour worked (INCIDENT_RATES) during the attendance of each factory's employees; the
    injured person is the employee on that shift. Lost time and recordability follow severity."""
    exposure = _exposure(ctx, employees)
    staff = {e["employee_id"]: e for e in employees}
    events = []  # (moment, factory_id, kind, severity, employee or None, first aid only)
    for f in factories:
        records, ends = exposure.get(f["factory_id"], ([], []))
        for (kind, sev), rate in INCIDENT_RATES.items():
            for mark in _arrivals(rng, rate / PER_HOURS, ends[-1] if ends else 0.0):
                rec, when = _at_mark(records, ends, mark)
                emp = staff[rec["employee_id"]] if kind == "injury" else None
                events.append((when, f["factory_id"], kind, sev, emp, False))
    drawn = {(kind, sev) for _, _, kind, sev, _, _ in events}
    for kind, sev in COVERAGE:
        if (kind, sev) in drawn:
            continue
        if exposure:  # at any hour worked, all equally likely
            fid = weighted(rng, {fid: ends[-1] for fid, (_, ends) in exposure.items()})
            records, ends = exposure[fid]
            rec, when = _at_mark(records, ends, rng.uniform(0, ends[-1]))
            emp = staff[rec["employee_id"]]
        else:  # nobody has finished a shift yet: an active employee, some time in the window
            emp = rng.choice([e for e in employees if e["is_active"]] or employees)
            fid = emp["primary_factory_id"]
            when = (ctx.start + (ctx.end - ctx.start) * rng.random()).replace(microsecond=0)
        events.append((when, fid, kind, sev, emp if kind == "injury" else None, True))
    events.sort(key=lambda ev: (ev[0], ev[1], ev[2], ev[3]))

    rows = []
    for i, (when, fid, kind, sev, emp, first_aid) in enumerate(events):
        day = when.date()
        dept = emp["primary_department_id"] if emp else depts[(fid, rng.choice(["PRD", "WHS", "MNT"]))]["department_id"]
        injured = kind == "injury"
        medical = injured and not first_aid and (sev != "minor" or rng.random() < 0.3)
        away = (
            {"minor": 0, "moderate": rng.choice([0, 1, 2, 3, 5]), "serious": rng.randint(7, 60), "fatal": 180}[sev]
            if injured
            else 0
        )
        age = (ctx.end.date() - day).days
        inv = "completed" if age > 14 else "in_progress" if age > 2 else "pending"
        closed = None
        if inv == "completed" and sev != "fatal" and rng.random() < 0.8:
            closed = day + timedelta(days=rng.randint(10, 14))
        ehs = depts[(fid, "EHS")]["department_head_id"]
        ehs = ehs or depts[(fid, "ADM")]["department_head_id"]
        rows.append(
            {
                "incident_id": f"INC-{i + 1:05d}",
                "incident_number": f"SI-{day.year}-{i + 1:05d}",
                "employee_id": emp["employee_id"] if emp else None,
                "incident_date": day,
                "incident_time": when.time(),
                "factory_id": fid,
                "department_id": dept,
                "incident_location": rng.choice(
                    ["Press shop", "Machining cell", "Assembly line", "Warehouse aisle", "Paint shop", "Dock 2"]
                ),
                "incident_type": kind,
                "severity": sev,
                "description": rng.choice(INCIDENTS[kind]),
                "immediate_cause": rng.choice(["Unsafe act", "Unsafe condition", "Equipment failure", "Housekeeping"]),
                "root_cause": rng.choice(
                    ["Inadequate guarding", "Procedure not followed", "Insufficient training", "Worn equipment"]
                )
                if inv == "completed"
                else None,
                "injury_type": rng.choice(["laceration", "sprain", "burn", "contusion", "fracture"])
                if injured
                else None,
                "body_part_affected": rng.choice(BODY_PARTS) if injured else None,
                "medical_treatment_required": medical or sev == "fatal",
                "days_away_from_work": away,
                "investigation_status": inv,
                "investigated_by": ehs if inv != "pending" else None,
                "investigation_date": day + timedelta(days=min(age, 2)) if inv != "pending" else None,
                "investigation_findings": "Contributing factors identified and documented"
                if inv == "completed"
                else None,
                "corrective_actions": "Guarding restored; toolbox talk held" if inv == "completed" else None,
                "preventive_measures": "Added to monthly safety audit checklist" if inv == "completed" else None,
                "osha_recordable": injured and (medical or away > 0 or sev == "fatal"),
                "incident_status": "closed" if closed else "under_investigation" if inv != "pending" else "open",
                "closed_date": closed,
                "created_at": when + timedelta(minutes=30),
                "updated_at": datetime.combine(closed or min(ctx.end.date(), day + timedelta(days=2)), time(12)),
            }
        )
    for r in rows:  # closure and updates never lie after the window's end
        if r["closed_date"] and r["closed_date"] > ctx.end.date():
            r["closed_date"], r["incident_status"] = None, "under_investigation"
        r["updated_at"] = min(max(r["updated_at"], r["created_at"]), ctx.end)
    ctx.add("hcm", "safety_incidents", rows)


def _training(ctx, rng, factories, employees, info, created) -> None:
    """Courses, sessions about every ten days per factory (plus upcoming ones), enrollments and certificates."""
    courses = []
    for i, (name, cat, ctype, delivery, hours, cert, validity, cost) in enumerate(COURSES):
        courses.append(
            {
                "course_id": f"CRS-{i + 1:03d}",
                "course_code": f"TRN-{cat[:3].upper()}-{i + 1:03d}",
                "course_name": name,
                "course_category": cat,
                "course_type": ctype,
                "description": f"{name} ({hours} h)",
                "learning_objectives": f"Participants can apply {name.lower()} at work",
                "duration_hours": float(hours),
                "delivery_method": delivery,
                "training_provider": "internal" if cost < 5000 else "external vendor",
                "instructor_name": rng.choice(["R. Kulkarni", "S. Menon", "A. Joshi", "TUV Academy", "CII Institute"]),
                "max_participants": 20,
                "prerequisites": None,
                "has_assessment": cert or cat == "technical",
                "passing_score": 70 if cert or cat == "technical" else None,
                "provides_certification": cert,
                "certificate_validity_months": validity,
                "cost_per_participant": float(cost),
                "currency": "INR",
                "course_materials": json.dumps([f"https://lms.genims.example/courses/{i + 1}/slides.pdf"]),
                "course_status": {len(COURSES) - 1: "retired", len(COURSES) - 2: "inactive"}.get(i, "active"),
                "is_active": i < len(COURSES) - 2,
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.add("hcm", "training_courses", courses)
    active_courses = [c for c in courses if c["is_active"]]
    by_factory: dict[str, list[dict]] = {}
    for e in employees:
        if e["is_active"]:
            by_factory.setdefault(e["primary_factory_id"], []).append(e)
    schedules, enrollments, certs = [], [], []
    per_factory = max(1, round(ctx.days / 12))
    for f in factories:
        dates = sorted(ctx.start.date() + timedelta(days=rng.randint(0, ctx.days + 20)) for _ in range(per_factory + 1))
        for day in dates:
            c = rng.choice(active_courses)
            hours = c["duration_hours"]
            start = datetime.combine(day, time(8, 30))
            end = start + timedelta(days=int((hours - 0.1) // 8), hours=min(hours, 8))
            done = end <= ctx.end
            sid = f"TS-{len(schedules) + 1:05d}"
            schedules.append(
                {
                    "schedule_id": sid,
                    "course_id": c["course_id"],
                    "session_name": f"{c['course_name']} - {f['city']} {day:%b %d}",
                    "start_datetime": start,
                    "end_datetime": end,
                    "factory_id": f["factory_id"],
                    "training_location": "Training Room 1" if c["delivery_method"] != "virtual" else None,
                    "is_virtual": c["delivery_method"] in ("virtual", "self_paced"),
                    "virtual_meeting_url": f"https://meet.genims.example/{sid}"
                    if c["delivery_method"] in ("virtual", "self_paced")
                    else None,
                    "instructor_id": None,
                    "instructor_name": c["instructor_name"],
                    "max_participants": 20,
                    "current_enrollment": 0,
                    "schedule_status": "completed" if done else "in_progress" if start <= ctx.end else "scheduled",
                    "completed_date": end.date() if done else None,
                    "notes": None,
                    "created_at": max(ctx.start, start - timedelta(days=14)),
                    "updated_at": min(ctx.end, end),
                }
            )
            people = by_factory.get(f["factory_id"], [])
            for e in rng.sample(people, min(len(people), rng.randint(2, 4))):
                status, attended = _enrollment_status(rng, start, end, ctx.end)
                passed = None
                score = None
                if status in ("completed", "failed"):
                    score = round(rng.uniform(55, 99), 1) if c["has_assessment"] else None
                    passed = status == "completed"
                    if score is not None:
                        passed = score >= c["passing_score"]
                        status = "completed" if passed else "failed"
                eno = f"TE-{len(enrollments) + 1:06d}"
                certified = bool(passed) and c["provides_certification"]
                expiry = end.date() + timedelta(days=30 * c["certificate_validity_months"]) if certified else None
                enrollments.append(
                    {
                        "enrollment_id": eno,
                        "schedule_id": sid,
                        "employee_id": e["employee_id"],
                        "enrollment_date": min(
                            ctx.end, max(ctx.start, start - timedelta(days=rng.randint(3, 14)))
                        ).date(),
                        "enrollment_status": "enrolled" if status is None else "attended" if attended else "no_show",
                        "attended": attended,
                        "attendance_date": start.date() if attended else None,
                        "attendance_hours": (hours if status != "incomplete" else round(hours / 2, 1))
                        if attended
                        else None,
                        "assessment_score": score,
                        "passed": passed,
                        "completion_status": status,
                        "completion_date": end.date() if status in ("completed", "failed") else None,
                        "certificate_issued": certified,
                        "certificate_number": f"CERT-{eno}" if certified else None,
                        "certificate_issue_date": end.date() if certified else None,
                        "certificate_expiry_date": expiry,
                        "certificate_url": f"https://lms.genims.example/certs/{eno}.pdf" if certified else None,
                        "feedback_rating": rng.randint(3, 5) if attended and status != "in_progress" else None,
                        "feedback_comments": None,
                        "notes": None,
                        "created_at": max(ctx.start, start - timedelta(days=14)),
                        "updated_at": min(ctx.end, end),
                    }
                )
                schedules[-1]["current_enrollment"] += 1
                if certified:
                    certs.append(_certificate(len(certs), e["employee_id"], c, eno, end.date(), expiry, ctx.end.date()))
    # certificates held from before the window, some expired or close to expiry
    for e in employees:
        if rng.random() < 0.5:
            c = rng.choice([c for c in courses if c["provides_certification"]])
            issued = ctx.end.date() - timedelta(days=rng.randint(60, 30 * c["certificate_validity_months"] + 200))
            certs.append(
                _certificate(
                    len(certs),
                    e["employee_id"],
                    c,
                    None,
                    issued,
                    issued + timedelta(days=30 * c["certificate_validity_months"]),
                    ctx.end.date(),
                )
            )
    ctx.add("hcm", "training_schedules", schedules)
    ctx.add("hcm", "training_enrollments", enrollments)
    ctx.add("hcm", "employee_certifications", certs)
    reqs = []
    for i, (rtype, role, course, equip, body) in enumerate(
        [
            ("regulatory", None, "CRS-002", None, "Factories Act 1948"),
            ("role_based", "ROLE-TEC", "CRS-003", None, "OSHA"),
            ("equipment_based", None, "CRS-004", "Forklift", "OSHA"),
            ("role_based", "ROLE-SUP", "CRS-010", None, None),
            ("location_based", None, "CRS-005", None, "ISO 45001"),
            ("role_based", "ROLE-QIN", "CRS-007", None, "IATF"),
            ("regulatory", None, "CRS-006", None, "IATF"),
            ("equipment_based", None, "CRS-009", "CNC machine", None),
        ]
    ):
        reqs.append(
            {
                "requirement_id": f"TRQ-{i + 1:03d}",
                "requirement_type": rtype,
                "role_id": role,
                "factory_id": factories[i % len(factories)]["factory_id"] if rtype == "location_based" else None,
                "department_id": None,
                "equipment_type": equip,
                "course_id": course,
                "is_mandatory": rtype != "role_based" or i % 2 == 1,
                "frequency": ["annual", "biennial", "one_time", "on_change"][i % 4],
                "validity_months": [12, 24, None, None][i % 4],
                "grace_period_days": 30,
                "regulatory_body": body,
                "regulation_reference": f"{body} clause {i + 3}.{i + 1}" if body else None,
                "is_active": True,
                "created_at": created,
            }
        )
    ctx.add("hcm", "training_requirements", reqs)


def _enrollment_status(rng, start: datetime, end: datetime, now: datetime) -> tuple[str | None, bool]:
    if start > now:
        return None, False
    if end > now:
        return "in_progress", True
    roll = rng.random()
    if roll < 0.06:
        return "incomplete", rng.random() < 0.5
    if roll < 0.1:
        return "incomplete", False
    return "completed", True


CERT_TYPES = {"safety": "safety", "compliance": "regulatory"}


def _certificate(i, employee_id, course, enrollment_id, issued, expiry, today) -> dict:
    status = "expired" if expiry < today else "expiring_soon" if expiry < today + timedelta(days=60) else "active"
    return {
        "certification_id": f"EC-{i + 1:06d}",
        "employee_id": employee_id,
        "certification_name": course["course_name"],
        "certification_type": CERT_TYPES.get(course["course_category"], "professional")
        if "Forklift" not in course["course_name"]
        else "equipment",
        "issuing_organization": "GenIMS Academy"
        if course["training_provider"] == "internal"
        else course["instructor_name"],
        "certification_number": f"CN-{i + 1:06d}",
        "training_enrollment_id": enrollment_id,
        "issue_date": issued,
        "expiry_date": expiry,
        "requires_renewal": True,
        "renewal_frequency_months": course["certificate_validity_months"],
        "renewal_grace_period_days": 30,
        "certification_status": status,
        "certificate_file_url": None,
        "expiry_alert_sent": status != "active",
        "notes": None,
        "created_at": datetime.combine(issued, time(12)),
        "updated_at": datetime.combine(min(today, max(issued, expiry)), time(12)),
    }


ROLE_SKILLS = {
    "OPR": ["SK-001", "SK-016", "SK-006"],
    "SOP": ["SK-001", "SK-003", "SK-016"],
    "SUP": ["SK-011", "SK-003", "SK-012"],
    "TEC": ["SK-010", "SK-009", "SK-017", "SK-005"],
    "ENG": ["SK-008", "SK-004", "SK-007"],
    "MGR": ["SK-011", "SK-007", "SK-013"],
    "DIR": ["SK-011", "SK-013"],
    "QIN": ["SK-002", "SK-004"],
    "HRC": ["SK-012", "SK-007"],
    "SFO": ["SK-016", "SK-017", "SK-018"],
    "SAE": ["SK-012", "SK-014"],
    "CSA": ["SK-012", "SK-015"],
}
PROFICIENCY = ["beginner", "intermediate", "advanced", "expert", "master"]


def _skills(ctx, rng, employees, info, created) -> None:
    catalog = [
        {
            "skill_id": f"SK-{i + 1:03d}",
            "skill_code": f"SKL{i + 1:03d}",
            "skill_name": name,
            "skill_category": cat,
            "skill_type": stype,
            "description": f"{name} ({cat.replace('_', ' ')})",
            "has_proficiency_levels": True,
            "requires_certification": cert,
            "certification_body": "NSDC" if cert else None,
            "is_active": True,
            "created_at": created,
        }
        for i, (name, cat, stype, cert) in enumerate(SKILLS)
    ]
    ctx.add("hcm", "skills_catalog", catalog)
    reqs = []
    for role, skills in ROLE_SKILLS.items():
        for k, sid in enumerate(skills):
            reqs.append(
                {
                    "requirement_id": f"RSR-{len(reqs) + 1:04d}",
                    "role_id": f"ROLE-{role}",
                    "skill_id": sid,
                    "requirement_type": ["required", "preferred", "optional"][min(k, 2)],
                    "min_proficiency_level": 3 - min(k, 2),
                    "priority": 1 + 2 * k,
                    "created_at": created,
                }
            )
    ctx.add("hcm", "role_skill_requirements", reqs)
    rows = []
    today = ctx.end.date()
    for e in employees:
        own = ROLE_SKILLS[info[e["employee_id"]]["role"]]
        for sid in rng.sample(own, min(len(own), weighted(rng, {0: 1, 1: 5, 2: 3}))):
            level = min(5, max(1, round(rng.gauss(3, 1))))
            acquired = e["hire_date"] + timedelta(days=rng.randint(0, max(0, (today - e["hire_date"]).days)))
            verified = rng.random() < 0.6
            rows.append(
                {
                    "employee_skill_id": f"ESK-{len(rows) + 1:06d}",
                    "employee_id": e["employee_id"],
                    "skill_id": sid,
                    "proficiency_level": level,
                    "proficiency_name": PROFICIENCY[level - 1],
                    "acquired_date": acquired,
                    "last_used_date": today - timedelta(days=rng.randint(0, 60))
                    if e["is_active"]
                    else e["termination_date"],
                    "years_of_experience": round((today - acquired).days / 365.25, 2),
                    "verified": verified,
                    "verified_by": e["reports_to_employee_id"] if verified else None,
                    "verified_date": min(today, acquired + timedelta(days=rng.randint(10, 200))) if verified else None,
                    "self_assessment_level": min(5, level + rng.choice([0, 0, 1])),
                    "manager_assessment_level": level if verified else None,
                    "notes": None,
                    "created_at": datetime.combine(acquired, time(10)),
                    "updated_at": datetime.combine(acquired, time(10)),
                }
            )
    ctx.add("hcm", "employee_skills", rows)


GOALS = {
    "performance": ["Raise line OEE by 3 points", "Cut scrap rate below 1.5 %", "Reach 98 % first pass yield"],
    "development": ["Complete Six Sigma Green Belt", "Cross-train on a second machine type", "Obtain forklift licence"],
    "project": ["Implement SMED on press line", "Roll out digital work instructions", "5S audit score above 85"],
    "strategic": ["Zero lost-time injuries this year", "Support IATF recertification", "Reduce energy per unit by 5 %"],
}


def _performance(ctx, rng, factories, employees, info, depts, created) -> None:
    """KPI definitions per factory, quarterly/annual/mid-year/probation reviews falling in the window, goals."""
    kpis = []
    for f in factories:
        no = f["factory_id"][4:]
        for name, cat, dept, unit, freq, target, floor in KPI_TEMPLATES:
            kpis.append(
                {
                    "kpi_id": f"KPI-{no}-{len(kpis) + 1:03d}",
                    "kpi_code": f"K{no}{len(kpis) + 1:03d}",
                    "kpi_name": name,
                    "kpi_category": cat,
                    "role_id": {
                        "PRD": "ROLE-SUP",
                        "MNT": "ROLE-TEC",
                        "QLT": "ROLE-QIN",
                        "EHS": "ROLE-SFO",
                        "HR": "ROLE-HRC",
                    }.get(dept),
                    "department_id": depts[(f["factory_id"], dept)]["department_id"],
                    "measurement_unit": unit,
                    "measurement_frequency": freq,
                    "target_value": float(target),
                    "threshold_value": float(floor),
                    "calculation_method": f"{name} computed from source systems per {freq} period",
                    "weight_pct": 100.0 / 3,
                    "description": f"{name} for {f['factory_name']}",
                    "is_active": True,
                    "created_at": created,
                }
            )
    ctx.add("hcm", "performance_kpis", kpis)
    today, first = ctx.end.date(), ctx.start.date()
    starts = [date(y, m, 1) for y in (first.year, today.year) for m in (1, 4, 7, 10)]
    cycle_starts = sorted({s for s in starts if first - timedelta(days=85) <= s <= today})
    reviews, goals = [], []
    for e in employees:
        eid, inf = e["employee_id"], info[e["employee_id"]]
        due: list[tuple[str, date, date, date]] = []
        for s in cycle_starts:
            rtype = {1: "annual", 7: "mid_year"}.get(s.month, "quarterly")
            pstart = (
                date(s.year - 1, 1, 1)
                if rtype == "annual"
                else date(s.year, 1, 1)
                if rtype == "mid_year"
                else date(s.year + (s.month - 4) // 12, (s.month - 4) % 12 + 1, 1)
            )
            if e["hire_date"] < s - timedelta(days=90):
                review_day = s + timedelta(days=rng.randint(5, 80))  # managers take weeks
                due.append((rtype, max(pstart, e["hire_date"]), s - timedelta(days=1), review_day))
        probation = e["hire_date"] + timedelta(days=90)
        if first <= probation <= today:
            due.append(("probation", e["hire_date"], probation, probation + timedelta(days=rng.randint(0, 7))))
        for rtype, pstart, pend, rdate in due:
            if not first <= rdate <= today or (e["termination_date"] and rdate >= e["termination_date"]):
                continue
            age = (today - rdate).days
            status = (
                "draft" if age < 3 else "submitted" if age < 10 else weighted(rng, {"acknowledged": 2, "finalized": 5})
            )
            rating = round(min(5.0, max(1.0, rng.gauss(3.4, 0.7))), 2)
            total = rng.randint(3, 6)
            achieved = min(total, max(0, round(total * (rating - 1) / 4 + rng.uniform(-0.5, 0.5))))
            rid = f"PR-{len(reviews) + 1:06d}"
            reviews.append(
                {
                    "review_id": rid,
                    "employee_id": eid,
                    "review_type": rtype,
                    "review_period_start": pstart,
                    "review_period_end": pend,
                    "reviewer_id": e["reports_to_employee_id"],
                    "review_date": rdate,
                    "overall_rating": rating,
                    "performance_level": "exceeds"
                    if rating >= 4.2
                    else "meets"
                    if rating >= 3.0
                    else "needs_improvement"
                    if rating >= 2.0
                    else "unsatisfactory",
                    "technical_competency_rating": round(min(5.0, max(1.0, rating + rng.uniform(-0.5, 0.5))), 2),
                    "behavioral_competency_rating": round(min(5.0, max(1.0, rating + rng.uniform(-0.5, 0.5))), 2),
                    "leadership_rating": round(min(5.0, max(1.0, rating + rng.uniform(-0.8, 0.3))), 2)
                    if inf["level"] in ("lead", "manager", "director")
                    else None,
                    "key_strengths": rng.choice(
                        ["Reliable and safety-conscious", "Strong problem solver", "Mentors new joiners"]
                    ),
                    "areas_for_improvement": rng.choice(
                        ["Documentation discipline", "Time management", "Cross-functional communication"]
                    ),
                    "goals_achieved": achieved,
                    "goals_total": total,
                    "goals_achievement_pct": round(100 * achieved / total, 2),
                    "manager_comments": "Discussed in one-to-one",
                    "employee_comments": "Agreed" if status in ("acknowledged", "finalized") else None,
                    "review_status": status,
                    "acknowledged_by_employee": status in ("acknowledged", "finalized"),
                    "acknowledged_date": min(today, rdate + timedelta(days=3))
                    if status in ("acknowledged", "finalized")
                    else None,
                    "hr_reviewed": status == "finalized",
                    "hr_reviewed_by": "HR-SYSTEM" if status == "finalized" else None,
                    "hr_reviewed_date": min(today, rdate + timedelta(days=7)) if status == "finalized" else None,
                    "development_plan": "Training plan agreed for next period" if rating < 3.5 else None,
                    "created_at": datetime.combine(rdate, time(6)),
                    "updated_at": datetime.combine(min(today, rdate + timedelta(days=7)), time(12)),
                }
            )
        last_review = reviews[-1]["review_id"] if reviews and reviews[-1]["employee_id"] == eid else None
        n_goals = weighted(rng, {0: 1, 1: 3, 2: 4, 3: 1}) if e["is_active"] else 0
        for cat in weighted(rng, {"performance": 4, "development": 3, "project": 2, "strategic": 1}, k=n_goals):
            start = first + timedelta(days=rng.randint(0, ctx.days - 1))
            if rng.random() < 0.6:
                start = date(today.year, 1, 1)
            target = start + timedelta(days=rng.choice([90, 180, 270, 364]))
            elapsed = (today - start).days / max(1, (target - start).days)
            progress = min(100, max(0, int(100 * elapsed + rng.uniform(-25, 20))))
            status = (
                "completed"
                if progress >= 100
                else weighted(rng, {"in_progress": 12, "not_started": 1, "at_risk": 2, "cancelled": 1})
                if progress > 0
                else "not_started"
            )
            goals.append(
                {
                    "goal_id": f"GL-{len(goals) + 1:06d}",
                    "employee_id": eid,
                    "goal_title": rng.choice(GOALS[cat]),
                    "goal_description": f"{cat.title()} goal agreed with manager",
                    "is_specific": True,
                    "is_measurable": cat != "strategic",
                    "success_criteria": "Measured on the monthly dashboard",
                    "start_date": start,
                    "target_date": target,
                    "completed_date": min(today, target) if status == "completed" else None,
                    "goal_category": cat,
                    "goal_status": status,
                    "progress_pct": 100 if status == "completed" else progress,
                    "weight_pct": round(100.0 / max(1, n_goals), 2),
                    "linked_to_review_id": last_review,
                    "set_by_manager_id": e["reports_to_employee_id"],
                    "notes": None,
                    "created_at": datetime.combine(max(start, first), time(7)),
                    "updated_at": ctx.end,
                }
            )
    ctx.add("hcm", "performance_reviews", reviews)
    ctx.add("hcm", "employee_goals", goals)


ONBOARDING_ITEMS = [
    ("Submit identity and address proofs", "documentation", "hr", 1),
    ("Sign employment contract", "documentation", "hr", 1),
    ("Create ERP and e-mail accounts", "it_setup", "it", 2),
    ("Issue ID card and gate access", "facility_access", "facilities", 1),
    ("Issue PPE kit", "facility_access", "facilities", 1),
    ("Workplace safety induction", "training", "manager", 3),
    ("Plant tour and buddy assignment", "orientation", "manager", 5),
    ("Job-specific on-the-job training", "training", "manager", 30),
]


def _lifecycle(ctx, rng, factories, employees, info, depts, created) -> None:
    """Employment history, onboarding of recent hires, offboarding of leavers, career paths, succession, PPE."""
    today, first = ctx.end.date(), ctx.start.date()
    history = []
    for e in employees:
        inf = info[e["employee_id"]]
        base = {
            "employee_id": e["employee_id"],
            "previous_position_id": None,
            "previous_department_id": None,
            "previous_job_title": None,
            "previous_job_level": None,
            "previous_manager_id": None,
            "previous_factory_id": None,
            "previous_salary": None,
            "new_position_id": inf["pos"],
            "new_department_id": inf["dept"],
            "new_job_title": e["job_title"],
            "new_job_level": e["job_level"],
            "new_manager_id": e["reports_to_employee_id"],
            "new_factory_id": inf["factory"],
            "new_salary": e["annual_salary"],
            "approved_by": "HR-SYSTEM",
        }
        history.append(
            {
                **base,
                "history_id": "",
                "change_type": "hire",
                "effective_date": e["hire_date"],
                "reason": "New hire",
                "approved_date": e["hire_date"] - timedelta(days=10),
                "created_at": datetime.combine(e["hire_date"], time(4)),
            }
        )
        roll = rng.random()
        if e["is_active"] and e["hire_date"] < first - timedelta(days=365) and roll < 0.12:
            kind = "promotion" if roll < 0.07 else "transfer" if roll < 0.11 else "demotion"
            day = first + timedelta(days=rng.randint(0, ctx.days - 1))
            factor = {"promotion": 0.88, "transfer": 1.0, "demotion": 1.08}[kind]
            prev_dept = (
                rng.choice([d for d in depts.values() if d["factory_id"] == inf["factory"]])["department_id"]
                if kind == "transfer"
                else inf["dept"]
            )
            history.append(
                {
                    **base,
                    "history_id": "",
                    "change_type": kind,
                    "effective_date": day,
                    "previous_position_id": inf["pos"],
                    "previous_department_id": prev_dept,
                    "previous_job_title": e["job_title"]
                    if kind == "transfer"
                    else f"Junior {e['job_title']}"
                    if kind == "promotion"
                    else f"Senior {e['job_title']}",
                    "previous_job_level": e["job_level"],
                    "previous_manager_id": e["reports_to_employee_id"],
                    "previous_factory_id": inf["factory"],
                    "previous_salary": money(e["annual_salary"] * factor),
                    "reason": {
                        "promotion": "Annual promotion cycle",
                        "transfer": "Department rebalancing",
                        "demotion": "Performance plan outcome",
                    }[kind],
                    "approved_date": day - timedelta(days=5),
                    "created_at": datetime.combine(day, time(6)),
                }
            )
        if e["termination_date"]:
            history.append(
                {
                    **base,
                    "history_id": "",
                    "change_type": "termination",
                    "effective_date": e["termination_date"],
                    "previous_position_id": inf["pos"],
                    "previous_department_id": inf["dept"],
                    "previous_job_title": e["job_title"],
                    "previous_job_level": e["job_level"],
                    "previous_manager_id": e["reports_to_employee_id"],
                    "previous_factory_id": inf["factory"],
                    "previous_salary": e["annual_salary"],
                    "new_position_id": None,
                    "new_department_id": None,
                    "new_job_title": None,
                    "new_job_level": None,
                    "new_manager_id": None,
                    "new_factory_id": None,
                    "new_salary": None,
                    "reason": e["termination_reason"],
                    "approved_date": e["termination_date"] - timedelta(days=1),
                    "created_at": datetime.combine(e["termination_date"], time(12)),
                }
            )
    for i, h in enumerate(history):
        h["history_id"] = f"EH-{i + 1:06d}"
    ctx.add("hcm", "employee_employment_history", history)

    checklists, items = [], []
    for k, (code, name, role) in enumerate(
        [
            ("ONB-OPS", "Shop-floor onboarding", "ROLE-OPR"),
            ("ONB-TECH", "Technical staff onboarding", "ROLE-TEC"),
            ("ONB-STAFF", "Staff and management onboarding", None),
        ]
    ):
        checklists.append(
            {
                "checklist_id": f"CHK-{k + 1:03d}",
                "checklist_code": code,
                "checklist_name": name,
                "role_id": role,
                "department_id": None,
                "description": name,
                "is_active": True,
                "created_at": created,
            }
        )
        for n, (title, cat, party, due) in enumerate(ONBOARDING_ITEMS):
            items.append(
                {
                    "item_id": f"CHI-{k + 1:03d}-{n + 1:02d}",
                    "checklist_id": f"CHK-{k + 1:03d}",
                    "item_number": n + 1,
                    "item_title": title,
                    "item_description": title,
                    "item_category": cat,
                    "responsible_party": party,
                    "due_days_from_hire": due,
                    "is_mandatory": n < 6,
                    "created_at": created,
                }
            )
    ctx.add("hcm", "onboarding_checklists", checklists)
    ctx.add("hcm", "onboarding_checklist_items", items)
    hr_people = [
        e["employee_id"]
        for e in employees
        if e["is_active"] and info[e["employee_id"]]["level"] in ("manager", "director")
    ]
    onboarding, tracking = [], []
    for e in employees:
        if (today - e["hire_date"]).days > 150:
            continue
        role = info[e["employee_id"]]["role"]
        chk = "CHK-001" if role in ("OPR", "SOP", "QIN") else "CHK-002" if role in ("TEC", "ENG") else "CHK-003"
        oid = f"ONB-{len(onboarding) + 1:05d}"
        done = 0
        for it in (i for i in items if i["checklist_id"] == chk):
            due = e["hire_date"] + timedelta(days=it["due_days_from_hire"])
            complete = due <= today and rng.random() < 0.9
            finished = min(today, due + timedelta(days=rng.randint(-1, 3))) if complete else None
            done += complete
            tracking.append(
                {
                    "item_tracking_id": f"OIT-{len(tracking) + 1:06d}",
                    "onboarding_id": oid,
                    "item_id": it["item_id"],
                    "item_status": "completed" if complete else "overdue" if due < today else "pending",
                    "due_date": due,
                    "completed": complete,
                    "completed_date": finished,
                    "completed_by": e["reports_to_employee_id"] if complete else None,
                    "notes": None,
                    "created_at": datetime.combine(e["hire_date"], time(4)),
                    "updated_at": datetime.combine(finished or min(today, due), time(12)),
                }
            )
        total = len(ONBOARDING_ITEMS)
        onboarding.append(
            {
                "onboarding_id": oid,
                "employee_id": e["employee_id"],
                "checklist_id": chk,
                "onboarding_start_date": e["hire_date"],
                "onboarding_status": "completed" if done == total else "in_progress",
                "completion_date": today if done == total else None,
                "total_items": total,
                "completed_items": done,
                "completion_pct": round(100 * done / total, 2),
                "hr_coordinator_id": hr_people[0] if hr_people else None,
                "notes": None,
                "created_at": datetime.combine(e["hire_date"], time(4)),
                "updated_at": ctx.end,
            }
        )
    ctx.add("hcm", "employee_onboarding", onboarding)
    ctx.add("hcm", "employee_onboarding_items", tracking)

    offboarding = []
    for e in employees:
        if not e["termination_date"]:
            continue
        last = e["termination_date"]
        exit_type = {"resignation": "resignation", "retirement": "retirement", "contract_end": "contract_end"}.get(
            e["termination_reason"], "termination"
        )
        cleared = (today - last).days > 7
        offboarding.append(
            {
                "offboarding_id": f"OFB-{len(offboarding) + 1:05d}",
                "employee_id": e["employee_id"],
                "last_working_date": last,
                "exit_type": exit_type,
                "exit_reason": rng.choice(
                    ["Better opportunity", "Relocation", "Higher studies", "Retirement age", "Misconduct"]
                ),
                "notice_period_days": 30 if exit_type == "resignation" else 0,
                "notice_given_date": last - timedelta(days=30) if exit_type == "resignation" else last,
                "clearance_status": "completed" if cleared else "in_progress",
                "it_clearance": True,
                "facility_clearance": True,
                "finance_clearance": cleared,
                "hr_clearance": cleared,
                "exit_interview_conducted": exit_type != "termination",
                "exit_interview_date": last - timedelta(days=1) if exit_type != "termination" else None,
                "exit_interview_feedback": "Positive about team, wants growth" if exit_type != "termination" else None,
                "eligible_for_rehire": exit_type != "termination",
                "resignation_letter_url": None,
                "full_and_final_settlement_url": None,
                "notes": None,
                "created_at": datetime.combine(max(first, last - timedelta(days=30)), time(9)),
                "updated_at": datetime.combine(last, time(17)),
            }
        )
    ctx.add("hcm", "offboarding_records", offboarding)

    paths = [
        ("OPR", "SOP", "promotion", 3),
        ("SOP", "SUP", "promotion", 4),
        ("SUP", "MGR", "promotion", 6),
        ("TEC", "ENG", "specialization", 4),
        ("QIN", "SUP", "lateral", 3),
        ("ENG", "MGR", "promotion", 5),
        ("MGR", "DIR", "promotion", 8),
        ("CSA", "SAE", "lateral", 2),
    ]
    ctx.add(
        "hcm",
        "career_paths",
        [
            {
                "path_id": f"CP-{i + 1:03d}",
                "path_code": f"{a}-{b}",
                "path_name": f"{ROLES[a][0]} to {ROLES[b][0]}",
                "from_role_id": f"ROLE-{a}",
                "to_role_id": f"ROLE-{b}",
                "path_type": kind,
                "typical_time_years": float(years),
                "required_skills": json.dumps(ROLE_SKILLS[b][:2]),
                "required_certifications": None,
                "min_performance_rating": 3.5,
                "description": f"Typical {kind} path",
                "is_active": True,
                "created_at": created,
            }
            for i, (a, b, kind, years) in enumerate(paths)
        ],
    )
    plans, candidates = [], []
    leaders = [e for e in employees if e["is_active"] and e["job_level"] in ("lead", "manager", "director")]
    for e in leaders:
        sid = f"SUC-{len(plans) + 1:04d}"
        pool = [
            c for c in employees if c["is_active"] and c["primary_factory_id"] == e["primary_factory_id"] and c is not e
        ]
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        plans.append(
            {
                "succession_id": sid,
                "position_id": info[e["employee_id"]]["pos"],
                "current_incumbent_id": e["employee_id"],
                "succession_risk": weighted(rng, {"high": 1, "medium": 2, "low": 3}),
                "expected_vacancy_date": today + timedelta(days=rng.randint(180, 1500)),
                "successor_ready": False,
                "development_plan": "Rotation and leadership programme",
                "notes": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        for k, c in enumerate(chosen):
            readiness = (
                ["ready_now", "ready_1_year", "ready_2_years"][min(k, 2)] if rng.random() < 0.7 else "ready_2_years"
            )
            plans[-1]["successor_ready"] |= readiness == "ready_now"
            candidates.append(
                {
                    "candidate_id": f"SCN-{len(candidates) + 1:05d}",
                    "succession_id": sid,
                    "employee_id": c["employee_id"],
                    "readiness_level": readiness,
                    "strengths": "Technical depth",
                    "development_needs": "People leadership",
                    "individual_development_plan": "Leadership Development course; shadowing",
                    "last_assessment_date": first,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    ctx.add("hcm", "succession_planning", plans)
    ctx.add("hcm", "succession_candidates", candidates)
    ppe = []
    for f in factories:
        for key, items_ in (
            ("PRD", ["safety_helmet", "safety_shoes", "gloves", "goggles", "ear_plugs"]),
            ("MNT", ["safety_helmet", "safety_shoes", "insulated_gloves", "face_shield"]),
            ("QLT", ["safety_shoes", "goggles"]),
            ("WHS", ["safety_helmet", "safety_shoes", "hi_vis_vest"]),
        ):
            ppe.append(
                {
                    "ppe_requirement_id": f"PPE-{len(ppe) + 1:04d}",
                    "factory_id": f["factory_id"],
                    "department_id": depts[(f["factory_id"], key)]["department_id"],
                    "job_role_id": None,
                    "ppe_items": json.dumps(items_),
                    "description": f"Minimum PPE in {PLANT_DEPTS[key].lower()}",
                    "is_active": True,
                    "created_at": created,
                }
            )
    ctx.add("hcm", "ppe_requirements", ppe)


def _integration_log(ctx, rng) -> None:
    """One payroll export per day, and the occasional hand-off to the other systems."""
    rows = []
    for day in ctx.window_days():
        stamp = datetime.combine(day, time(1, 30))
        if stamp > ctx.end:
            continue
        for target, doc in [("PAYROLL", "attendance_batch")] + (
            [(rng.choice(["CMMS", "MES", "CRM", "SERVICE"]), "employee_update")] if rng.random() < 0.4 else []
        ):
            status = (
                weighted(rng, {"completed": 94, "error": 4, "in_progress": 1, "pending": 1})
                if day < ctx.end.date()
                else "pending"
            )
            rows.append(
                {
                    "log_id": f"HIL-{len(rows) + 1:06d}",
                    "log_timestamp": stamp + timedelta(minutes=len(rows) % 50),
                    "integration_direction": "outbound",
                    "document_type": doc,
                    "document_id": f"{doc.upper()}-{day:%Y%m%d}",
                    "target_system": target,
                    "integration_status": status,
                    "error_message": "Target system timeout" if status == "error" else None,
                    "integration_data": {"date": day.isoformat(), "records": rng.randint(10, 400)},
                    "retry_count": 1 if status == "error" else 0,
                    "last_retry_at": stamp + timedelta(minutes=70) if status == "error" else None,
                }
            )
    ctx.add("hcm", "hcm_integration_log", rows)
