"""genims_crm_db: territories, sales reps, accounts, contacts, leads, opportunities, quotes, forecasts.

Accounts: one per master customer with account_id = customer_id (so service
tickets and returns join to customers directly), plus prospects, partners,
competitors, former customers and the accounts created by converting leads.
Sales reps: the ERP's sales order owners (erp.sales_orders.created_by, master
employee ids) become the account executives and own the accounts of the
customers they sell to; each regional territory adds a manager, an SDR and a
sales engineer, and a director and a VP head the organisation. Without ERP
rows the account executives are drawn from master managers and engineers.

Volumes: leads, lead activities, opportunities and quotation lines follow the
public run (100 each per 90 days, created through the window); every
opportunity walks the stages prospecting -> qualification -> needs_analysis
-> proposal -> negotiation -> closed_won/closed_lost with one
opportunity_stage_history row per move, so pipeline by stage on any day, win
rate and conversion time are computable; proposal-stage opportunities get
quotations whose lines are the opportunity's products.

sales_forecasts: the catalog has no product column, so the forecast of one
product, month and territory is keyed by its forecast_id:
"SF-<product_id>-<YYYYMM>-<territory_id>" (forecast_period "monthly"); rows
cover every month of the window and the three after it (the month the window
opens in is forecast from the window's first day), with actual_revenue from
erp.sales_order_lines (net_price by order month) where ERP rows exist, and
forecasts planned from those actuals (seasonal, about 80 % accurate).
Quarterly and yearly roll-ups per territory have ids "SF-ALL-...".
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, clamp_stamps_to_window, cover, money, rows_if_any, weighted

STAGES = ["prospecting", "qualification", "needs_analysis", "proposal", "negotiation"]
PROBABILITY = {
    "prospecting": 10,
    "qualification": 20,
    "needs_analysis": 35,
    "proposal": 60,
    "negotiation": 80,
    "closed_won": 100,
    "closed_lost": 0,
}
REGIONS = {"North": "TER-N", "South": "TER-S", "East": "TER-E", "West": "TER-W"}
STATES = {
    "North": ["Haryana", "Delhi", "Uttarakhand", "Punjab"],
    "South": ["Tamil Nadu", "Karnataka", "Telangana"],
    "East": ["Jharkhand", "West Bengal", "Odisha"],
    "West": ["Maharashtra", "Gujarat", "Rajasthan"],
}
SEASON = {1: 0.96, 2: 0.98, 3: 1.14, 4: 0.9, 5: 0.92, 6: 0.95, 7: 1.0, 8: 1.0, 9: 1.04, 10: 1.08, 11: 1.05, 12: 1.16}
PROSPECTS = [
    "Ather Energy",
    "Ola Electric",
    "JSW MG Motor",
    "Tata AutoComp",
    "Lohia Auto",
    "Greaves Electric",
    "BharatBenz",
    "Montra Electric",
    "Simple Energy",
    "Euler Motors",
    "Kinetic Green",
    "Yulu Mobility",
]
COMPETITORS = ["Bosch Automotive India", "ZF Rane", "Mando India", "Continental India"]
PARTNERS = ["AutoParts Distributors Pvt", "Shree Logistics Partners", "Apex Channel Sales"]
FIRST = [
    "Rajesh",
    "Anita",
    "Sunil",
    "Kavita",
    "Vikas",
    "Shalini",
    "Arun",
    "Pallavi",
    "Naveen",
    "Ritu",
    "Harish",
    "Swati",
]
LAST = ["Agarwal", "Bhatt", "Chopra", "Dutta", "Ghosh", "Hegde", "Jain", "Kapoor", "Malhotra", "Saxena", "Tiwari"]


def _when(ctx: GenContext, rng, day: date, lo: float = 4, hi: float = 13) -> datetime:
    """A working-hours moment of `day` (UTC), never after the window's end."""
    return min(ctx.end, datetime.combine(day, time()) + timedelta(hours=rng.uniform(lo, hi)))


def generate(ctx: GenContext) -> None:
    created = ctx.start - timedelta(days=400)
    sales = _erp_sales(ctx)
    territories, reps, owner_of = _organisation(ctx, ctx.rng("crm.org"), sales, created)
    accounts = _accounts(ctx, ctx.rng("crm.accounts"), reps, owner_of, sales, created)
    contacts = _contacts(ctx, ctx.rng("crm.contacts"), accounts, created)
    campaigns = _campaigns(ctx, ctx.rng("crm.campaigns"), reps, created)
    leads = _leads(ctx, ctx.rng("crm.leads"), reps, campaigns, accounts, contacts)
    opps = _opportunities(ctx, ctx.rng("crm.opps"), accounts, contacts, leads, reps, campaigns)
    _campaign_results(ctx, ctx.rng("crm.members"), campaigns, leads, contacts, opps)
    _forecasts(ctx, ctx.rng("crm.forecast"), territories, reps, accounts, sales)
    _engagement(ctx, ctx.rng("crm.engagement"), accounts, contacts, opps, reps, leads, sales)
    _finish_reps(ctx, reps, opps)
    ctx.add("crm", "sales_territories", territories)
    ctx.add("crm", "sales_reps", reps)
    ctx.add("crm", "accounts", accounts)
    ctx.add("crm", "contacts", contacts)
    ctx.add("crm", "leads", leads)
    clamp_stamps_to_window(ctx, "crm")


def _erp_sales(ctx: GenContext) -> dict:
    """What the ERP sold, when ERP rows exist: revenue per (customer, product, month) and each customer's rep."""
    orders = {o["sales_order_id"]: o for o in rows_if_any(ctx, "erp", "sales_orders")}
    revenue: dict[tuple, float] = defaultdict(float)
    for line in rows_if_any(ctx, "erp", "sales_order_lines"):
        o = orders.get(line["sales_order_id"])
        if o is None or not line.get("product_id"):
            continue
        month = (o["order_date"].year, o["order_date"].month)
        revenue[(o["customer_id"], line["product_id"], month)] += line["net_price"] or 0.0
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_customer: dict[str, list[dict]] = defaultdict(list)
    for o in orders.values():
        if o.get("created_by"):
            counts[o["customer_id"]][o["created_by"]] += 1
        by_customer[o["customer_id"]].append(o)
    rep_of = {c: max(sorted(reps), key=lambda r: reps[r]) for c, reps in counts.items()}
    return {"revenue": revenue, "rep_of": rep_of, "orders": by_customer}


def _expected_revenue(ctx: GenContext) -> dict[tuple, float]:
    """Monthly revenue per (customer, product) expected from the master agreements (annual volume x price)."""
    return {
        (m["customer_id"], m["product_id"]): m["annual_volume"] * m["unit_price_usd"] / 12
        for m in ctx.rows("master", "customer_product_mapping")
    }


def _rep(i, employee, role, title, territory, manager, quota, hired, created) -> dict:
    first, last = (employee["first_name"], employee["last_name"]) if employee else ("Open", "Position")
    return {
        "sales_rep_id": f"SR-{i + 1:04d}",
        "employee_id": employee["employee_id"] if employee else None,
        "rep_code": f"R{i + 1:04d}",
        "first_name": first,
        "last_name": last,
        "email": employee["email"].replace("@genims.example", "@sales.genims.example") if employee else None,
        "phone": employee["phone"] if employee else None,
        "mobile": employee["phone"] if employee else None,
        "sales_role": role,
        "job_title": title,
        "territory_id": territory,
        "manager_id": manager,
        "annual_quota": money(quota) if quota else None,
        "quarterly_quota": money(quota / 4) if quota else None,
        "ytd_revenue": 0.0,
        "ytd_deals_closed": 0,
        "win_rate_pct": None,
        "avg_deal_size": None,
        "rep_status": "active",
        "hire_date": employee["hire_date"] if employee else hired,
        "is_active": True,
        "created_at": created,
        "updated_at": created,
    }


def _organisation(ctx, rng, sales, created) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Territories by region, the sales organisation, and the account executive owning each customer."""
    employees = {e["employee_id"]: e for e in ctx.rows("master", "employees")}
    customers = ctx.rows("master", "customers")
    expected = _expected_revenue(ctx)
    annual = defaultdict(float)
    for (cust, _p), month in expected.items():
        annual[cust] += month * 12
    ae_ids = sorted(set(sales["rep_of"].values()))
    pool = [
        e
        for e in ctx.rows("master", "employees")
        if e["role"] in ("manager", "engineer") and e["status"] == "active" and e["employee_id"] not in ae_ids
    ]
    if not ae_ids:
        ae_ids = sorted(e["employee_id"] for e in rng.sample(pool, min(len(pool), ctx.count(8, minimum=3))))
        pool = [e for e in pool if e["employee_id"] not in ae_ids]
    # the ERP's order owner of each customer; without ERP rows, account executives take customers in turn
    rep_emp = {
        c["customer_id"]: sales["rep_of"].get(c["customer_id"], ae_ids[i % len(ae_ids)])
        for i, c in enumerate(customers)
    }
    region_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in customers:
        region_votes[rep_emp[c["customer_id"]]][c["region"]] += annual[c["customer_id"]] + 1
    extra = iter(rng.sample(pool, min(len(pool), 2 + 3 * len(REGIONS))))
    hired = ctx.start.date() - timedelta(days=900)
    reps = [_rep(0, next(extra, None), "VP", "Vice President, Sales", None, None, None, hired, created)]
    reps.append(
        _rep(
            1,
            next(extra, None),
            "Director",
            "Director, Key Accounts",
            None,
            reps[0]["sales_rep_id"],
            None,
            hired,
            created,
        )
    )
    territories, managers = [], {}
    for region, tid in REGIONS.items():
        mgr = _rep(
            len(reps),
            next(extra, None),
            "Manager",
            f"Regional Sales Manager, {region}",
            tid,
            reps[1]["sales_rep_id"],
            None,
            hired,
            created,
        )
        reps.append(mgr)
        managers[tid] = mgr
        for role, title in (("SDR", "Sales Development Representative"), ("SE", "Sales Engineer")):
            reps.append(
                _rep(
                    len(reps),
                    next(extra, None),
                    role,
                    f"{title}, {region}",
                    tid,
                    mgr["sales_rep_id"],
                    None,
                    hired,
                    created,
                )
            )
        territories.append(
            {
                "territory_id": tid,
                "territory_code": tid[4:],
                "territory_name": f"{region} India",
                "countries": json.dumps(["India"]),
                "states": json.dumps(STATES[region]),
                "cities": json.dumps([]),
                "industries": json.dumps(["automotive_oem", "commercial_vehicle", "two_wheeler"]),
                "account_tiers": json.dumps(["strategic", "key", "standard"]),
                "company_size": json.dumps(["large", "enterprise"]),
                "territory_quota": 0.0,
                "territory_manager": mgr["sales_rep_id"],
                "is_active": True,
                "created_at": created,
            }
        )
    owner_of, by_employee = {}, {}
    for k, emp_id in enumerate(ae_ids):
        votes = region_votes.get(emp_id) or {"West": 1}
        tid = REGIONS[max(sorted(votes), key=lambda r: votes[r])]
        quota = sum(annual[c["customer_id"]] for c in customers if rep_emp[c["customer_id"]] == emp_id) * 1.1
        role, title = ("AE", "Account Executive") if k % 2 == 0 else ("AM", "Key Account Manager")
        rep = _rep(
            len(reps),
            employees.get(emp_id),
            role,
            title,
            tid,
            managers[tid]["sales_rep_id"],
            quota or 5e5,
            hired,
            created,
        )
        reps.append(rep)
        by_employee[emp_id] = rep["sales_rep_id"]
    for c in customers:
        owner_of[c["customer_id"]] = by_employee[rep_emp[c["customer_id"]]]
    quota_of = defaultdict(float)
    for r in reps:
        if r["annual_quota"]:
            quota_of[r["territory_id"]] += r["annual_quota"]
    for t in territories:
        t["territory_quota"] = money(quota_of[t["territory_id"]])
    if len(reps) > 6:  # one SDR is on leave, as someone always is
        reps[3]["rep_status"] = "on_leave"
    west = managers["TER-W"]["sales_rep_id"]
    gone = _rep(len(reps), next(extra, None), "AE", "Account Executive", "TER-W", west, None, hired, created)
    gone.update(rep_status="inactive", is_active=False)  # left the company; keeps the history of closed deals
    reps.append(gone)
    return territories, reps, owner_of


def _tier(volume: float, cut_strategic: float, cut_key: float) -> str:
    return "strategic" if volume >= cut_strategic else "key" if volume >= cut_key else "standard"


def _account(ctx, rng, i, aid, name, atype, region, owner, manager, created, customer=None) -> dict:
    state = rng.choice(STATES[region])
    return {
        "account_id": aid,
        "account_number": f"ACC-{i + 1:05d}",
        "customer_id": customer["customer_id"] if customer else None,
        "account_name": name,
        "account_type": atype,
        "industry": "Automotive",
        "industry_segment": customer["industry_segment"]
        if customer
        else rng.choice(["automotive_oem", "two_wheeler", "ev"]),
        "account_tier": "standard",
        "company_size": weighted(rng, {"enterprise": 3, "large": 3, "medium": 2, "small": 1, "startup": 1}),
        "annual_revenue": money(rng.uniform(5e8, 5e10)),
        "employee_count": rng.randint(200, 80_000),
        "credit_limit": None,
        "payment_terms": "NET30",
        "parent_account_id": None,
        "billing_address_line1": f"Plot {rng.randint(1, 500)}, Industrial Estate",
        "billing_address_line2": None,
        "billing_city": rng.choice(["Pune", "Chennai", "Gurugram", "Bengaluru", "Jamshedpur", "Ahmedabad"]),
        "billing_state": state,
        "billing_country": "India",
        "billing_postal_code": f"{rng.randint(110000, 799999)}",
        "shipping_address_line1": f"Gate {rng.randint(1, 6)}, Assembly Plant",
        "shipping_address_line2": None,
        "shipping_city": None,
        "shipping_state": state,
        "shipping_country": "India",
        "shipping_postal_code": None,
        "phone": f"+91-{rng.randint(11, 99)}-{rng.randint(20000000, 69999999)}",
        "fax": None,
        "website": f"https://www.{name.lower().replace(' ', '').replace('&', '')[:20]}.example",
        "account_owner": owner,
        "account_manager": manager,
        "relationship_status": {
            "customer": "active",
            "prospect": "prospect",
            "partner": "active",
            "competitor": "monitoring",
            "former_customer": "inactive",
        }[atype],
        "customer_since": None,
        "last_purchase_date": None,
        "lifetime_value": 0.0,
        "ytd_revenue": 0.0,
        "last_year_revenue": 0.0,
        "health_score": 50,
        "churn_risk": None,
        "preferred_contact_method": weighted(rng, {"email": 5, "phone": 3, "in_person": 2}),
        "communication_frequency": weighted(rng, {"weekly": 3, "monthly": 4, "quarterly": 2, "daily": 1}),
        "linkedin_url": None,
        "twitter_handle": None,
        "description": f"{atype.replace('_', ' ').title()} account",
        "notes": None,
        "is_active": atype != "former_customer",
        "created_by": owner,
        "created_at": created,
        "updated_at": created,
    }


def _accounts(ctx, rng, reps, owner_of, sales, created) -> list[dict]:
    """Customer accounts (account_id = customer_id) with revenue from ERP orders, then the other account types."""
    customers = ctx.rows("master", "customers")
    today = ctx.end.date()
    rep_by_id = {r["sales_rep_id"]: r for r in reps}
    by_territory = defaultdict(list)
    for r in reps:
        if r["is_active"]:
            by_territory[(r["territory_id"], r["sales_role"])].append(r["sales_rep_id"])
    volumes = sorted((c["annual_volume_estimate"] for c in customers), reverse=True)
    cut_s, cut_k = volumes[max(0, len(volumes) // 5 - 1)], volumes[max(0, len(volumes) // 2 - 1)]
    expected = _expected_revenue(ctx)
    rows = []
    for i, c in enumerate(customers):
        owner = owner_of[c["customer_id"]]
        tid = rep_by_id[owner]["territory_id"]
        ams = by_territory[(tid, "AM")] or [owner]
        a = _account(
            ctx,
            rng,
            i,
            c["customer_id"],
            c["customer_name"],
            "customer",
            c["region"],
            owner,
            rng.choice(ams),
            created,
            c,
        )
        orders = sales["orders"].get(c["customer_id"], [])
        monthly = sum(v for (cust, _p), v in expected.items() if cust == c["customer_id"])
        ytd = sum(o["total_net_value"] or 0 for o in orders if o["order_date"].year == today.year)
        if not orders:  # no ERP: the agreement's run rate
            ytd = monthly * ((today - date(today.year, 1, 1)).days / 30.4)
        health = max(5, min(100, round(rng.gauss(72, 15))))
        a.update(
            {
                "account_tier": _tier(c["annual_volume_estimate"], cut_s, cut_k),
                "credit_limit": money(monthly * 3 or 1e6),
                "payment_terms": "NET30" if c["payment_terms_days"] <= 30 else "NET60",
                "customer_since": today - timedelta(days=rng.randint(365, 365 * 15)),
                "last_purchase_date": max(
                    (o["order_date"] for o in orders), default=today - timedelta(days=rng.randint(1, 20))
                ),
                "ytd_revenue": money(ytd),
                "last_year_revenue": money(monthly * 12 * rng.uniform(0.85, 1.05)),
                "lifetime_value": money(monthly * 12 * rng.uniform(3, 12)),
                "health_score": health,
                "churn_risk": "high" if health < 45 else "medium" if health < 70 else "low",
                "shipping_city": a["billing_city"],
                "company_size": "enterprise" if c["customer_type"] == "oem" else "large",
            }
        )
        rows.append(a)
    kinds = cover(rng, ctx.count(15, minimum=6), {"prospect": 8, "partner": 2, "competitor": 3, "former_customer": 2})
    # Names cycle without end: at large scales there are more such accounts than names.
    names = {
        "prospect": itertools.cycle(PROSPECTS),
        "competitor": itertools.cycle(COMPETITORS),
        "partner": itertools.cycle(PARTNERS),
        "former_customer": itertools.cycle(["Hindustan Motors", "Premier Automobiles", "San Motors"]),
    }
    for k, kind in enumerate(kinds):
        region = rng.choice(list(REGIONS))
        tid = REGIONS[region]
        owner = rng.choice(by_territory[(tid, "SDR")] + by_territory[(tid, "AE")] or [reps[0]["sales_rep_id"]])
        name = next(names[kind]) + (f" {k // 12 + 1}" if k >= 12 else "")
        a = _account(ctx, rng, len(rows), f"ACC-{len(rows) + 1:05d}", name, kind, region, owner, owner, created)
        if kind == "former_customer":
            a.update(
                customer_since=today - timedelta(days=rng.randint(2000, 5000)),
                last_purchase_date=today - timedelta(days=rng.randint(400, 1500)),
                churn_risk="high",
                health_score=rng.randint(5, 25),
                lifetime_value=money(rng.uniform(1e6, 2e7)),
            )
        elif kind == "prospect" and rows and rng.random() < 0.25:  # a new unit of an existing customer
            a["parent_account_id"] = rng.choice(rows[: len(customers)])["account_id"]
        rows.append(a)
    return rows


def _contacts(ctx, rng, accounts, created) -> list[dict]:
    rows = []
    titles = {
        "decision_maker": ("VP Purchasing", "Purchasing", "final_decision"),
        "influencer": ("Head of Quality", "Quality", "recommends"),
        "champion": ("Plant Engineering Manager", "Engineering", "recommends"),
        "gatekeeper": ("Purchase Executive", "Purchasing", "approves"),
        "user": ("Line Engineer", "Production", "uses"),
    }
    for a in accounts:
        n = rng.randint(3, 4) if a["account_type"] == "customer" else rng.randint(1, 2)
        roles = ["decision_maker"] + [
            weighted(rng, {"influencer": 3, "champion": 2, "gatekeeper": 2, "user": 3}) for _ in range(n - 1)
        ]
        first_id = None
        for k, role in enumerate(roles):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            title, dept, authority = titles[role]
            cid = f"CON-{len(rows) + 1:05d}"
            female = first in ("Anita", "Kavita", "Shalini", "Pallavi", "Ritu", "Swati")
            status = "active" if rng.random() < 0.93 else rng.choice(["inactive", "left_company"])
            rows.append(
                {
                    "contact_id": cid,
                    "contact_number": f"C{len(rows) + 1:06d}",
                    "account_id": a["account_id"],
                    "salutation": "Dr." if rng.random() < 0.05 else "Ms." if female else "Mr.",
                    "first_name": first,
                    "last_name": last,
                    "middle_name": None,
                    "job_title": title,
                    "department": dept,
                    "contact_role": role,
                    "decision_authority": authority,
                    "email": f"{first.lower()}.{last.lower()}{len(rows)}@{a['website'][12:]}",
                    "email_opted_out": rng.random() < 0.05,
                    "phone": a["phone"],
                    "mobile": f"+91-9{rng.randint(100000000, 999999999)}",
                    "reports_to_contact_id": first_id,
                    "mailing_address_line1": a["billing_address_line1"],
                    "mailing_city": a["billing_city"],
                    "mailing_state": a["billing_state"],
                    "mailing_country": "India",
                    "mailing_postal_code": a["billing_postal_code"],
                    "linkedin_url": None,
                    "twitter_handle": None,
                    "relationship_strength": weighted(rng, {"strong": 3, "moderate": 4, "weak": 2}),
                    "last_contact_date": None,
                    "contact_frequency": rng.randint(0, 8),
                    "preferred_contact_method": weighted(rng, {"email": 5, "phone": 3, "linkedin": 1}),
                    "best_time_to_contact": rng.choice(["Morning", "Afternoon", "After 4 pm"]),
                    "birthday": None,
                    "interests": None,
                    "notes": None,
                    "contact_status": status,
                    "is_primary": k == 0,
                    "created_by": a["account_owner"],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            first_id = first_id or cid
    return rows


def _campaigns(ctx, rng, reps, created) -> list[dict]:
    rows = []
    today = ctx.end.date()
    kinds = cover(
        rng,
        ctx.count(8, minimum=6),
        {"email": 3, "webinar": 2, "trade_show": 1, "content": 1, "social": 1, "partner": 1},
    )
    for i, kind in enumerate(kinds):
        # spread over the window and the six weeks before it, so some have finished and one or two are ahead
        offset = round(i * (ctx.days + 45) / len(kinds)) + rng.randint(0, 5)
        start = ctx.start.date() - timedelta(days=45) + timedelta(days=offset)
        end = start + timedelta(days=rng.randint(14, 50))
        status = "planned" if start > today else "active" if end >= today else "completed"
        budget = money(rng.uniform(1e5, 2.5e6) if kind == "trade_show" else rng.uniform(2e4, 6e5))
        rows.append(
            {
                "campaign_id": f"CMP-{i + 1:04d}",
                "campaign_code": f"MKT-{start:%y%m}-{i + 1:02d}",
                "campaign_name": f"{kind.replace('_', ' ').title()}: "
                + rng.choice(
                    [
                        "EV components launch",
                        "Brake safety week",
                        "Q-push for tier-1",
                        "Aftermarket range",
                        "Auto Expo follow-up",
                        "Lightweighting",
                    ]
                ),
                "campaign_type": kind,
                "campaign_status": status,
                "start_date": start,
                "end_date": end,
                "target_audience": "Purchasing and engineering heads",
                "target_industry": "Automotive",
                "target_company_size": "large",
                "expected_response_pct": round(rng.uniform(2, 12), 2),
                "budgeted_cost": budget,
                "actual_cost": 0.0,
                "total_leads": 0,
                "qualified_leads": 0,
                "opportunities_created": 0,
                "deals_won": 0,
                "total_revenue": 0.0,
                "roi_pct": None,
                "cost_per_lead": None,
                "conversion_rate_pct": None,
                "description": f"{kind} campaign",
                "objectives": "Generate qualified pipeline",
                "campaign_owner": rng.choice(
                    [r["sales_rep_id"] for r in reps if r["sales_role"] in ("Manager", "Director")]
                ),
                "is_active": status != "completed",
                "created_at": max(created, datetime.combine(start - timedelta(days=20), time(6))),
                "updated_at": max(created, datetime.combine(min(today, end), time(6))),
            }
        )
    return rows


def _leads(ctx, rng, reps, campaigns, accounts, contacts) -> list[dict]:
    """Leads created through the window, worked by SDRs; converted ones become prospect accounts."""
    today = ctx.end.date()
    sdrs = [r["sales_rep_id"] for r in reps if r["sales_role"] in ("SDR", "AE") and r["is_active"]]
    days = [d for d in ctx.window_days() if d.weekday() < 6]
    n = ctx.count(100 * ctx.days / 90, minimum=15)
    sources = cover(
        rng, n, {"website": 4, "referral": 2, "trade_show": 2, "cold_call": 2, "social_media": 1, "partner": 1}
    )
    rows, activities = [], []
    for i, source in enumerate(sources):
        at = _when(ctx, rng, rng.choice(days))
        live = [c for c in campaigns if c["start_date"] <= at.date() <= c["end_date"] + timedelta(days=14)]
        campaign = rng.choice(live) if live and source in ("website", "trade_show", "social_media", "partner") else None
        age = (ctx.end - at).days
        status = (
            "new"
            if age < 3
            else weighted(
                rng,
                {
                    "contacted": 30,
                    "qualified": 25,
                    "unqualified": 20,
                    "nurturing": 10,
                    "converted": 15 if age >= 7 else 0,
                },
            )
        )
        bant = [
            rng.random() < p
            for p in ((0.7, 0.6, 0.8, 0.6) if status in ("qualified", "converted") else (0.3, 0.2, 0.5, 0.2))
        ]
        score = min(100, sum(bant) * 20 + rng.randint(0, 20))
        company = rng.choice(PROSPECTS) + f" {rng.choice(['Components', 'Mobility', 'Auto Systems', 'EV Works'])}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        owner = rng.choice(sdrs)
        lid = f"LEAD-{i + 1:05d}"
        touches = []
        if status != "new":
            for k in range(weighted(rng, {1: 7, 2: 3})):
                when = min(ctx.end, at + timedelta(days=rng.uniform(0.2, max(0.3, min(age, 20))) * (k + 1) / 2))
                touches.append(when)
        touches.sort()
        converted = status == "converted"
        converted_at = (
            min(ctx.end, (touches[-1] if touches else at) + timedelta(days=rng.uniform(1, 5))) if converted else None
        )
        lead = {
            "lead_id": lid,
            "lead_number": f"L{at:%y%m}{i + 1:05d}",
            "company_name": company,
            "lead_source": source,
            "source_campaign_id": campaign["campaign_id"] if campaign else None,
            "contact_first_name": first,
            "contact_last_name": last,
            "contact_title": rng.choice(["Purchase Manager", "CTO", "Plant Head", "Sourcing Lead"]),
            "email": f"{first.lower()}@{company.lower().replace(' ', '')[:16]}.example",
            "phone": None,
            "mobile": f"+91-9{rng.randint(100000000, 999999999)}",
            "industry": "Automotive",
            "company_size": weighted(rng, {"startup": 2, "small": 2, "medium": 3, "large": 2, "enterprise": 1}),
            "annual_revenue_range": rng.choice(["10-50 Cr", "50-250 Cr", "250-1000 Cr", "1000+ Cr"]),
            "number_of_employees": rng.randint(20, 5000),
            "address_line1": None,
            "address_line2": None,
            "city": rng.choice(["Pune", "Bengaluru", "Chennai", "Gurugram", "Hyderabad"]),
            "state": None,
            "country": "India",
            "postal_code": None,
            "lead_score": score,
            "lead_grade": "A" if score >= 75 else "B" if score >= 50 else "C" if score >= 25 else "D",
            "lead_status": status,
            "qualification_status": {
                "qualified": "qualified",
                "converted": "qualified",
                "unqualified": "disqualified",
            }.get(status, "in_review" if status != "new" else None),
            "has_budget": bant[0],
            "is_decision_maker": bant[1],
            "has_identified_need": bant[2],
            "has_timeline": bant[3],
            "product_interest": rng.choice(["brake", "suspension", "electrical", "steering", "transmission"])
            + " components",
            "estimated_deal_value": money(rng.uniform(2e5, 8e6)),
            "expected_close_date": at.date() + timedelta(days=rng.randint(30, 150)),
            "assigned_to": owner,
            "assigned_date": at + timedelta(minutes=rng.randint(5, 240)),
            "converted": converted,
            "converted_date": converted_at,
            "converted_to_account_id": None,
            "converted_to_opportunity_id": None,
            "first_contact_date": touches[0] if touches else None,
            "last_contact_date": touches[-1] if touches else None,
            "contact_attempts": len(touches),
            "description": f"Inbound interest via {source.replace('_', ' ')}",
            "notes": None,
            "is_active": status not in ("unqualified", "converted"),
            "created_by": owner,
            "created_at": at,
            "updated_at": max([at] + touches + ([converted_at] if converted_at else [])),
        }
        lead["assigned_date"] = min(lead["assigned_date"], ctx.end)
        for when in touches:
            kind = weighted(rng, {"call": 4, "email": 4, "meeting": 1, "demo": 1, "site_visit": 0.5, "follow_up": 2})
            activities.append(
                {
                    "activity_id": "",
                    "lead_id": lid,
                    "activity_type": kind,
                    "subject": f"{kind.replace('_', ' ').title()} with {first} {last}",
                    "description": None,
                    "activity_date": when,
                    "duration_minutes": {
                        "call": 15,
                        "email": 5,
                        "meeting": 60,
                        "demo": 90,
                        "site_visit": 180,
                        "follow_up": 10,
                    }[kind],
                    "outcome": weighted(
                        rng, {"completed": 5, "no_answer": 2, "left_message": 2, "scheduled_follow_up": 2}
                    ),
                    "next_action": "Send capability deck",
                    "next_action_date": min(today + timedelta(days=7), when.date() + timedelta(days=5)),
                    "performed_by": owner,
                    "created_at": when,
                }
            )
        if converted:  # conversion creates the company's account; the opportunity is made with the others
            region = rng.choice(list(REGIONS))
            acc_id = f"ACC-{len(accounts) + 1:05d}"
            acc = _account(ctx, rng, len(accounts), acc_id, company, "prospect", region, owner, owner, converted_at)
            acc["description"] = f"Created from lead {lid}"
            accounts.append(acc)
            lead["converted_to_account_id"] = acc["account_id"]
            contacts.append(
                {
                    **contacts[-1],
                    "contact_id": f"CON-{len(contacts) + 1:05d}",
                    "contact_number": f"C{len(contacts) + 1:06d}",
                    "account_id": acc["account_id"],
                    "first_name": first,
                    "last_name": last,
                    "email": lead["email"],
                    "reports_to_contact_id": None,
                    "is_primary": True,
                    "contact_role": "decision_maker",
                    "phone": acc["phone"],
                    "mailing_address_line1": acc["billing_address_line1"],
                    "mailing_city": acc["billing_city"],
                    "mailing_state": acc["billing_state"],
                    "mailing_postal_code": acc["billing_postal_code"],
                    "contact_status": "active",
                    "created_at": converted_at,
                    "updated_at": converted_at,
                    "created_by": owner,
                }
            )
        rows.append(lead)
    activities.sort(key=lambda r: r["activity_date"])
    for i, r in enumerate(activities):
        r["activity_id"] = f"LA-{i + 1:06d}"
    ctx.add("crm", "lead_activities", activities)
    return rows


def _products_for(ctx) -> tuple[dict, dict, dict]:
    """Finished-good material per product, agreed prices and volumes per (customer, product)."""
    fg = {m["product_id"]: m for m in ctx.rows("erp", "materials") if m.get("product_id")}
    agreed = {(m["customer_id"], m["product_id"]): m for m in ctx.rows("master", "customer_product_mapping")}
    by_customer = defaultdict(list)
    for cust, prod in agreed:
        by_customer[cust].append(prod)
    return fg, agreed, by_customer


def _opportunities(ctx, rng, accounts, contacts, leads, reps, campaigns) -> list[dict]:
    """Opportunities walking the sales stages, with products, stage history and quotations."""
    today = ctx.end.date()
    products = {p["product_id"]: p for p in ctx.rows("master", "products")}
    fg, agreed, by_customer = _products_for(ctx)
    primary = {}
    for c in contacts:
        if c["is_primary"]:
            primary.setdefault(c["account_id"], c["contact_id"])
    acc_by_id = {a["account_id"]: a for a in accounts}
    customers = [a for a in accounts if a["account_type"] == "customer"]
    prospects = [
        a for a in accounts if a["account_type"] == "prospect" and not a["description"].startswith("Created from lead")
    ]
    n = ctx.count(100 * ctx.days / 90, minimum=15)
    plans = [(acc_by_id[ld["converted_to_account_id"]], ld["converted_date"], ld) for ld in leads if ld["converted"]]
    days = [d for d in ctx.window_days() if d.weekday() < 6]
    while len(plans) < n:
        acc = rng.choice(customers) if rng.random() < 0.78 or not prospects else rng.choice(prospects)
        plans.append((acc, _when(ctx, rng, rng.choice(days)), None))
    plans.sort(key=lambda p: p[1])
    opps, lines, history, quotes, quote_lines = [], [], [], [], []
    for i, (acc, created, lead) in enumerate(plans):
        oid = f"OPP-{i + 1:05d}"
        existing = acc["account_type"] == "customer"
        otype = weighted(rng, {"existing_customer": 4, "upsell": 3, "renewal": 2}) if existing else "new_business"
        cust = acc["customer_id"]
        choices = by_customer.get(cust) or list(products)
        picked = rng.sample(choices, min(len(choices), weighted(rng, {1: 7, 2: 3})))
        close_target = created.date() + timedelta(days=round(min(150, max(7, rng.lognormvariate(3.6, 0.45)))))
        amount = 0.0
        for k, pid in enumerate(picked):
            deal = agreed.get((cust, pid))
            list_price = deal["unit_price_usd"] if deal else fg[pid]["standard_cost"] * rng.uniform(1.25, 1.5)
            qty = float(
                round((deal["annual_volume"] if deal else rng.randint(2000, 30000)) * rng.uniform(0.1, 0.5), -1) or 10
            )
            disc = weighted(rng, {0.0: 3, 2.5: 3, 5.0: 3, 7.5: 2, 12.0: 1})
            unit = round(list_price * (1 - disc / 100), 4)
            total = money(qty * unit)
            amount += total
            lines.append(
                {
                    "opp_product_id": f"OPL-{len(lines) + 1:06d}",
                    "opportunity_id": oid,
                    "line_number": k + 1,
                    "material_id": fg[pid]["material_id"],
                    "product_name": products[pid]["product_name"],
                    "product_description": products[pid]["description"],
                    "quantity": qty,
                    "unit_of_measure": "EA",
                    "list_price": round(list_price, 4),
                    "discount_pct": disc,
                    "unit_price": unit,
                    "line_total": total,
                    "required_date": close_target + timedelta(days=30),
                    "created_at": created,
                }
            )
        amount = money(amount)
        won_chance = 0.55 if existing else 0.3
        outcome = "won" if rng.random() < won_chance else "lost"
        lost_at = rng.randint(1, 4)
        stage_days = [max(0.5, (close_target - created.date()).days / 5 * rng.lognormvariate(0, 0.3)) for _ in STAGES]
        moves = [(None, "prospecting", created)]
        t, stage_i, closed = created, 0, None
        while closed is None:
            nxt = t + timedelta(days=stage_days[stage_i])
            if nxt > ctx.end:
                break
            if outcome == "lost" and stage_i == lost_at:
                closed = ("closed_lost", nxt)
            elif stage_i == len(STAGES) - 1:
                closed = ("closed_won", nxt)
            else:
                moves.append((STAGES[stage_i], STAGES[stage_i + 1], nxt))
                stage_i += 1
                t = nxt
                continue
            moves.append((STAGES[stage_i], closed[0], closed[1]))
        stage = moves[-1][1]
        owner = acc["account_owner"]
        expected_close = (
            closed[1].date()
            if closed
            else (close_target if close_target > today else today + timedelta(days=rng.randint(7, 45)))
        )
        prev_t = created
        for k, (frm, to, at) in enumerate(moves):
            history.append(
                {
                    "history_id": "",
                    "opportunity_id": oid,
                    "from_stage": frm,
                    "to_stage": to,
                    "from_amount": amount if frm else None,
                    "to_amount": amount,
                    "from_probability": PROBABILITY[frm] if frm else None,
                    "to_probability": PROBABILITY[to],
                    "from_close_date": close_target if frm else None,
                    "to_close_date": expected_close if k == len(moves) - 1 else close_target,
                    "change_reason": "Created"
                    if frm is None
                    else "Closed"
                    if to.startswith("closed")
                    else "Stage advanced",
                    "stage_duration_days": (at - prev_t).days if frm else None,
                    "changed_by": owner,
                    "changed_at": at,
                }
            )
            prev_t = at
        proposal_at = next((at for frm, to, at in moves if to == "proposal"), None)
        quote_id = None
        if proposal_at:
            quote_id = _quotations(
                ctx,
                rng,
                oid,
                acc,
                primary.get(acc["account_id"]),
                owner,
                proposal_at,
                stage,
                moves,
                [ln for ln in lines if ln["opportunity_id"] == oid],
                quotes,
                quote_lines,
            )
        won, lost = stage == "closed_won", stage == "closed_lost"
        opps.append(
            {
                "opportunity_id": oid,
                "opportunity_number": f"OP{created:%y}{i + 1:05d}",
                "opportunity_name": f"{acc['account_name']} - {products[picked[0]]['product_category']} "
                f"{otype.replace('_', ' ')}",
                "account_id": acc["account_id"],
                "primary_contact_id": primary.get(acc["account_id"]),
                "lead_source": lead["lead_source"]
                if lead
                else weighted(rng, {"referral": 2, "partner": 1, "website": 1, "existing": 4}),
                "source_lead_id": lead["lead_id"] if lead else None,
                "source_campaign_id": lead["source_campaign_id"] if lead else None,
                "opportunity_type": otype,
                "product_category": products[picked[0]]["product_category"],
                "solution_description": f"Supply of {len(picked)} part number(s)",
                "amount": amount,
                "expected_revenue": money(amount * PROBABILITY[stage] / 100),
                "cost_estimate": money(amount * rng.uniform(0.62, 0.8)),
                "margin_pct": None,
                "stage": stage,
                "probability_pct": PROBABILITY[stage],
                "close_date": expected_close,
                "expected_close_date": close_target,
                "actual_close_date": closed[1].date() if closed else None,
                "forecast_category": "closed"
                if won
                else "omitted"
                if lost
                else "pipeline"
                if PROBABILITY[stage] <= 25
                else "best_case"
                if PROBABILITY[stage] <= 75
                else "commit",
                "opportunity_owner": owner,
                "sales_team": json.dumps([owner]),
                "competitors": json.dumps(rng.sample(COMPETITORS, 2)),
                "competitive_position": weighted(rng, {"leading": 3, "competitive": 4, "behind": 2}),
                "decision_criteria": "Price, PPAP readiness, delivery",
                "key_success_factors": "Local supply, IATF certified plants",
                "customer_requirements": "Annual contract with monthly call-offs",
                "technical_requirements": "Per customer drawing",
                "budget_confirmed": stage_i >= 2 or won,
                "budget_amount": money(amount * rng.uniform(0.9, 1.2)) if stage_i >= 2 else None,
                "decision_maker_identified": stage_i >= 1,
                "customer_timeline": rng.choice(["This quarter", "Next quarter", "Within 6 months"]),
                "next_step": None
                if closed
                else rng.choice(["Send revised quote", "Plant audit", "Technical review", "Negotiate terms"]),
                "next_step_date": None if closed else today + timedelta(days=rng.randint(1, 14)),
                "win_loss_status": "won" if won else "lost" if lost else "pending",
                "win_loss_reason": rng.choice(["Best price", "Quality track record", "Lead time"])
                if won
                else rng.choice(["Price", "Lost to competitor", "Project cancelled", "No decision"])
                if lost
                else None,
                "win_loss_notes": None,
                "lost_to_competitor": rng.choice(COMPETITORS) if lost and rng.random() < 0.5 else None,
                "converted_to_quote_id": quote_id,
                "converted_to_order_id": None,
                "description": None,
                "notes": None,
                "is_active": not closed,
                "is_closed": bool(closed),
                "created_by": owner,
                "created_at": created,
                "updated_at": moves[-1][2],
                "closed_by": owner if closed else None,
                "closed_at": closed[1] if closed else None,
            }
        )
        opps[-1]["margin_pct"] = round(100 * (1 - opps[-1]["cost_estimate"] / amount), 2) if amount else None
        if lead:
            lead["converted_to_opportunity_id"] = oid
    history.sort(key=lambda r: (r["changed_at"], r["opportunity_id"]))
    for i, h in enumerate(history):
        h["history_id"] = f"OSH-{i + 1:06d}"
    ctx.add("crm", "opportunities", opps)
    ctx.add("crm", "opportunity_products", lines)
    ctx.add("crm", "opportunity_stage_history", history)
    ctx.add("crm", "quotations", quotes)
    ctx.add("crm", "quotation_lines", quote_lines)
    return opps


def _quotations(ctx, rng, oid, acc, contact, owner, at, stage, moves, lines, quotes, quote_lines) -> str:
    """The quotation sent at the proposal stage, revised once in some negotiations; returns the latest id."""
    negotiation_at = next((t for frm, to, t in moves if to == "negotiation"), None)
    versions = [(at, 0.0)] + ([(negotiation_at, 3.0)] if negotiation_at and rng.random() < 0.35 else [])
    parent = None
    for rev, (when, extra) in enumerate(versions, start=1):
        qid = f"QUO-{len(quotes) + 1:05d}"
        subtotal = 0.0
        max_disc = 0.0
        for k, ln in enumerate(lines):
            disc = min(30.0, ln["discount_pct"] + extra)
            unit = round(ln["list_price"] * (1 - disc / 100), 4)
            total = money(ln["quantity"] * unit)
            subtotal += total
            max_disc = max(max_disc, disc)
            quote_lines.append(
                {
                    "quote_line_id": f"QL-{len(quote_lines) + 1:06d}",
                    "quotation_id": qid,
                    "line_number": k + 1,
                    "material_id": ln["material_id"],
                    "product_name": ln["product_name"],
                    "product_description": ln["product_description"],
                    "quantity": ln["quantity"],
                    "unit_of_measure": "EA",
                    "list_price": ln["list_price"],
                    "discount_pct": disc,
                    "unit_price": unit,
                    "line_total": total,
                    "delivery_lead_time_days": rng.choice([14, 21, 30, 45]),
                    "created_at": when,
                }
            )
        subtotal = money(subtotal)
        tax, shipping = money(subtotal * 0.18), money(rng.choice([0, 2500, 5000, 12000]))
        last = rev == len(versions)
        valid = when.date() + timedelta(days=30)
        status = (
            "revised"
            if not last
            else "accepted"
            if stage == "closed_won"
            else "rejected"
            if stage == "closed_lost"
            else "expired"
            if valid < ctx.end.date()
            else "draft"
            if when > ctx.end - timedelta(days=1)
            else "sent"
        )
        closed_at = moves[-1][2] if stage.startswith("closed") else None
        approval = max_disc > 10
        # new customers pay in advance; multi-part tooling deals are billed by milestone
        terms = acc["payment_terms"] if acc["account_type"] == "customer" else "advance"
        if acc["account_type"] == "customer" and len(lines) > 1 and rev == 1:
            terms = "milestone"
        quotes.append(
            {
                "quotation_id": qid,
                "quotation_number": f"Q{when:%y%m}-{len(quotes) + 1:05d}",
                "quotation_name": f"Quotation for {acc['account_name']}" + (f" (rev {rev})" if rev > 1 else ""),
                "opportunity_id": oid,
                "account_id": acc["account_id"],
                "contact_id": contact,
                "quotation_date": when.date(),
                "valid_until_date": valid,
                "quotation_status": status,
                "subtotal": subtotal,
                "discount_amount": 0.0,
                "tax_amount": tax,
                "shipping_cost": shipping,
                "total_amount": money(subtotal + tax + shipping),
                "currency": "INR",
                "payment_terms": terms,
                "delivery_terms": "DAP customer plant",
                "warranty_terms": "12 months from delivery",
                "requires_approval": approval,
                "approval_status": "approved" if approval else None,
                "approved_by": "SR-0002" if approval else None,
                "approved_at": when + timedelta(hours=4) if approval else None,
                "converted": status == "accepted",
                "converted_date": closed_at.date() if status == "accepted" else None,
                "converted_to_order_id": None,
                "revision_number": rev,
                "parent_quotation_id": parent,
                "special_terms": None,
                "notes": None,
                "document_url": f"https://crm.genims.example/quotes/{qid}.pdf",
                "prepared_by": owner,
                "created_at": when,
                "updated_at": closed_at or when,
            }
        )
        if quotes[-1]["approved_at"] and quotes[-1]["approved_at"] > ctx.end:
            quotes[-1].update(approval_status="pending", approved_by=None, approved_at=None)
        parent = qid
    return parent


def _campaign_results(ctx, rng, campaigns, leads, contacts, opps) -> None:
    """Campaign members (the leads a campaign produced and the contacts it mailed) and the campaign totals."""
    members = []
    opp_of = {o["source_lead_id"]: o for o in opps if o["source_lead_id"]}
    reachable = [c for c in contacts if not c["email_opted_out"] and c["contact_status"] == "active"]
    per_campaign = max(3, round(ctx.count(208) / max(1, len(campaigns))) - 4)
    today = ctx.end.date()
    for c in campaigns:
        if c["start_date"] > today:
            continue
        sent_at = datetime.combine(c["start_date"], time(5))
        own = [ld for ld in leads if ld["source_campaign_id"] == c["campaign_id"]]
        for ld in own:
            members.append(
                {
                    "member_id": "",
                    "campaign_id": c["campaign_id"],
                    "member_type": "lead",
                    "lead_id": ld["lead_id"],
                    "contact_id": None,
                    "member_status": "responded",
                    "has_responded": True,
                    "response_date": ld["created_at"],
                    "lead_created": True,
                    "opportunity_created": ld["lead_id"] in opp_of,
                    "created_at": min(ld["created_at"], max(sent_at, ctx.start)),
                }
            )
        for ct in rng.sample(reachable, min(len(reachable), per_campaign)):
            status = weighted(
                rng, {"sent": 40, "opened": 30, "clicked": 15, "responded": 8, "bounced": 5, "unsubscribed": 2}
            )
            responded = status in ("clicked", "responded")
            members.append(
                {
                    "member_id": "",
                    "campaign_id": c["campaign_id"],
                    "member_type": "contact",
                    "lead_id": None,
                    "contact_id": ct["contact_id"],
                    "member_status": status,
                    "has_responded": responded,
                    "response_date": min(ctx.end, sent_at + timedelta(days=rng.uniform(0.2, 10)))
                    if responded
                    else None,
                    "lead_created": False,
                    "opportunity_created": False,
                    "created_at": max(sent_at, ctx.start),
                }
            )
        won = [
            opp_of[ld["lead_id"]]
            for ld in own
            if ld["lead_id"] in opp_of and opp_of[ld["lead_id"]]["win_loss_status"] == "won"
        ]
        spent = c["budgeted_cost"] * (
            rng.uniform(0.8, 1.1)
            if c["end_date"] < today
            else (today - c["start_date"]).days / max(1, (c["end_date"] - c["start_date"]).days)
        )
        revenue = sum(o["amount"] for o in won)
        c.update(
            actual_cost=money(spent),
            total_leads=len(own),
            qualified_leads=sum(1 for ld in own if ld["lead_status"] in ("qualified", "converted")),
            opportunities_created=sum(1 for ld in own if ld["lead_id"] in opp_of),
            deals_won=len(won),
            total_revenue=money(revenue),
            roi_pct=round(max(-99999, min(999999, (revenue - spent) / spent * 100)), 2) if spent else None,
            cost_per_lead=money(spent / len(own)) if own else None,
            conversion_rate_pct=round(100 * sum(1 for ld in own if ld["converted"]) / len(own), 2) if own else None,
        )
    for i, m in enumerate(members):
        m["member_id"] = f"CM-{i + 1:06d}"
    ctx.add("crm", "campaigns", campaigns)
    ctx.add("crm", "campaign_members", members)


def _months(ctx) -> list[tuple[int, int]]:
    """Every month of the window and the three after it."""
    out = []
    y, m = ctx.start.year, ctx.start.month
    last = ctx.end.year * 12 + ctx.end.month - 1 + 3
    while y * 12 + m - 1 <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _forecasts(ctx, rng, territories, reps, accounts, sales) -> None:
    """Monthly forecast per product and territory (id: see the module docstring), plus quarterly/yearly roll-ups."""
    today = ctx.end.date()
    months = _months(ctx)
    region_of = {a["customer_id"]: a for a in accounts if a["customer_id"]}
    expected = _expected_revenue(ctx)
    actual: dict[tuple, float] = defaultdict(float)
    base: dict[tuple, float] = defaultdict(float)
    owner: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rep_by_id = {r["sales_rep_id"]: r for r in reps}
    for (cust, prod), monthly in expected.items():
        acc = region_of.get(cust)
        if acc is None:
            continue
        tid = rep_by_id[acc["account_owner"]]["territory_id"]
        base[(prod, tid)] += monthly
        owner[(prod, tid)][acc["account_owner"]] += monthly
    for (cust, prod, ym), value in sales["revenue"].items():
        acc = region_of.get(cust)
        if acc is None:
            continue
        tid = rep_by_id[acc["account_owner"]]["territory_id"]
        actual[(prod, tid, ym)] += value
        owner[(prod, tid)][acc["account_owner"]] += value
    if sales["revenue"]:  # plan from what was really sold in the complete months of the window
        complete = [
            ym
            for ym in months
            if date(ym[0], ym[1], 1) >= ctx.start.date() and (ym[0], ym[1]) < (today.year, today.month)
        ]
        complete = complete or [ym for ym in months if (ym[0], ym[1]) < (today.year, today.month)]
        for key in list(base) + list({(p, t) for (p, t, _ym) in actual}):
            seen = [actual.get((key[0], key[1], ym), 0.0) / SEASON[ym[1]] for ym in complete]
            if seen and sum(seen) > 0:
                base[key] = sum(seen) / len(seen)
    rows = []
    quota_factor = 1.1
    rollup: dict[tuple, list] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for (prod, tid), monthly in sorted(base.items()):
        rep = max(sorted(owner[(prod, tid)]), key=lambda r: owner[(prod, tid)][r])
        for y, m in months:
            first = date(y, m, 1)
            nxt = date(y + m // 12, m % 12 + 1, 1)
            # the month the window opens in is forecast (and sold) from the window's first day on
            share = (nxt - max(first, ctx.start.date())).days / (nxt - first).days
            forecast = money(monthly * SEASON[m] * share * rng.lognormvariate(0, 0.14))
            started = first <= today
            if sales["revenue"]:
                real = money(actual.get((prod, tid, (y, m)), 0.0))
            else:  # no ERP rows: what the agreements would have delivered so far
                elapsed = min(1.0, max(0.0, (today - max(first, ctx.start.date())).days / 30.4))
                real = money(monthly * SEASON[m] * rng.lognormvariate(0, 0.2) * elapsed)
            closed = min(real, forecast)
            quota = money(monthly * SEASON[m] * share * quota_factor)
            snapshot = max(ctx.start.date(), first - timedelta(days=3)) if first - timedelta(days=3) <= today else today
            rows.append(
                _forecast_row(
                    f"SF-{prod}-{y}{m:02d}-{tid}",
                    "monthly",
                    y,
                    (m - 1) // 3 + 1,
                    m,
                    tid,
                    rep,
                    forecast - closed,
                    closed,
                    forecast,
                    quota,
                    real,
                    nxt <= today.replace(day=1),
                    snapshot,
                )
            )
            for key in ((tid, y, (m - 1) // 3 + 1, None), (tid, y, None, None)):
                rollup[key][0] += forecast
                rollup[key][1] += real if started else 0.0
                rollup[key][2] += quota
    managers = {t["territory_id"]: t["territory_manager"] for t in territories}
    for (tid, y, q, _), (forecast, real, quota) in sorted(
        rollup.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)
    ):
        period = "quarterly" if q else "yearly"
        ended = date(y, 3 * q, 1) < date(today.year, today.month, 1) if q else y < today.year
        closed = min(real, forecast)
        fid = f"SF-ALL-{y}{f'Q{q}' if q else ''}-{tid}"
        rows.append(
            _forecast_row(
                fid,
                period,
                y,
                q,
                None,
                tid,
                managers[tid],
                forecast - closed,
                closed,
                money(forecast),
                money(quota),
                money(real),
                ended,
                today,
            )
        )
    for r in rows:
        r["created_at"] = min(r["created_at"], ctx.end)
    ctx.add("crm", "sales_forecasts", rows)


def _forecast_row(
    fid, period, year, quarter, month, tid, rep, rest, closed, total, quota, real, ended, snapshot
) -> dict:
    accuracy = round(max(0.0, 100 - abs(total - real) / total * 100), 2) if ended and total else None
    return {
        "forecast_id": fid,
        "forecast_period": period,
        "forecast_year": year,
        "forecast_quarter": quarter,
        "forecast_month": month,
        "territory_id": tid,
        "sales_rep_id": rep,
        "pipeline_amount": money(rest * 0.2),
        "best_case_amount": money(rest * 0.3),
        "commit_amount": money(rest - money(rest * 0.2) - money(rest * 0.3)),
        "closed_amount": money(closed),
        "total_forecast": money(total),
        "quota_amount": quota,
        "quota_attainment_pct": round(min(999.99, 100 * real / quota), 2) if quota else None,
        "actual_revenue": money(real),
        "forecast_accuracy_pct": accuracy,
        "snapshot_date": snapshot,
        "created_at": datetime.combine(snapshot, time(2)),
    }


def _engagement(ctx, rng, accounts, contacts, opps, reps, leads, sales) -> None:
    """Activities, cases, contracts, interactions, notes, tasks and the ERP hand-offs."""
    days = [d for d in ctx.window_days() if d.weekday() < 6]
    customers = [a for a in accounts if a["account_type"] == "customer"]
    contacts_of = defaultdict(list)
    for c in contacts:
        contacts_of[c["account_id"]].append(c)
    activities = []
    targets = (
        [("opportunity", o["account_id"], o) for o in opps for _ in range(2)]
        + [("account", a["account_id"], None) for a in customers for _ in range(max(1, ctx.days // 30))]
        + [("contact", a["account_id"], None) for a in customers[: len(customers) // 2]]
    )
    kinds = cover(
        rng, len(targets), {"call": 4, "email": 4, "meeting": 2, "demo": 1, "presentation": 1, "site_visit": 1}
    )
    for (rel, acc_id, opp), kind in zip(targets, kinds, strict=True):
        acc = next(a for a in customers if a["account_id"] == acc_id) if rel != "opportunity" else None
        people = contacts_of.get(acc_id) or [None]
        person = rng.choice(people)
        lo = opp["created_at"] if opp else ctx.start
        hi = min(
            ctx.end + timedelta(days=10),
            (opp["closed_at"] or ctx.end + timedelta(days=10)) if opp else ctx.end + timedelta(days=10),
        )
        when = lo + (hi - lo) * rng.random()
        planned = when > ctx.end
        activities.append(
            {
                "activity_id": "",
                "activity_number": "",
                "activity_type": kind,
                "related_to_type": rel,
                "related_to_id": opp["opportunity_id"]
                if opp
                else (person["contact_id"] if rel == "contact" and person else acc_id),
                "lead_id": None,
                "account_id": acc_id,
                "contact_id": person["contact_id"] if person else None,
                "opportunity_id": opp["opportunity_id"] if opp else None,
                "subject": f"{kind.replace('_', ' ').title()}",
                "description": None,
                "activity_date": when,
                "duration_minutes": {
                    "call": 20,
                    "email": 5,
                    "meeting": 60,
                    "demo": 90,
                    "presentation": 60,
                    "site_visit": 240,
                }[kind],
                "location": "Customer plant" if kind == "site_visit" else None,
                "activity_status": "planned" if planned else "completed",
                "priority": weighted(rng, {"high": 2, "medium": 5, "low": 2}),
                "outcome": None
                if planned
                else weighted(rng, {"successful": 5, "follow_up_needed": 4, "no_decision": 2, "lost_interest": 1}),
                "outcome_notes": None,
                "follow_up_required": False,
                "follow_up_date": None,
                "attendees": json.dumps([person["contact_id"]] if person else []),
                "assigned_to": opp["opportunity_owner"] if opp else acc["account_owner"],
                "reminder_enabled": planned,
                "reminder_datetime": when - timedelta(hours=1) if planned else None,
                "created_by": opp["opportunity_owner"] if opp else acc["account_owner"],
                "created_at": min(ctx.end, max(lo, when - timedelta(days=rng.uniform(0, 5)))),
                "updated_at": min(ctx.end, when),
            }
        )
        a = activities[-1]
        a["follow_up_required"] = a["outcome"] == "follow_up_needed"
        a["follow_up_date"] = (when + timedelta(days=7)).date() if a["follow_up_required"] else None
    for ld in leads:  # the qualification meeting before a lead is converted
        if ld["converted"]:
            at = max(ld["created_at"], ld["converted_date"] - timedelta(days=1))
            activities.append(
                {
                    **activities[0],
                    "activity_type": "meeting",
                    "related_to_type": "lead",
                    "related_to_id": ld["lead_id"],
                    "lead_id": ld["lead_id"],
                    "account_id": None,
                    "contact_id": None,
                    "opportunity_id": None,
                    "subject": f"Qualification meeting with {ld['company_name']}",
                    "activity_date": at,
                    "duration_minutes": 60,
                    "location": None,
                    "activity_status": "completed",
                    "outcome": "successful",
                    "follow_up_required": False,
                    "follow_up_date": None,
                    "attendees": json.dumps([]),
                    "assigned_to": ld["assigned_to"],
                    "reminder_enabled": False,
                    "reminder_datetime": None,
                    "created_by": ld["assigned_to"],
                    "created_at": at,
                    "updated_at": at,
                }
            )
    activities.sort(key=lambda r: r["activity_date"])
    for i, r in enumerate(activities):
        r["activity_id"], r["activity_number"] = f"ACT-{i + 1:06d}", f"A{i + 1:07d}"
    ctx.add("crm", "activities", activities)
    cases = _cases(ctx, rng, customers, contacts_of, sales, days)
    _contracts(ctx, rng, customers, opps)
    _interactions(ctx, rng, customers, contacts_of, opps, cases, days)
    _notes_tasks(ctx, rng, accounts, contacts, opps, cases, leads, reps, days)


SLA = {"critical": (2, 24), "high": (4, 48), "medium": (8, 96), "low": (24, 168)}


def _cases(ctx, rng, customers, contacts_of, sales, days) -> list[dict]:
    """Commercial cases (billing, delivery, quality questions) handled by the account teams."""
    cases, comments = [], []
    n = ctx.count(40 * ctx.days / 90, minimum=8)
    types = cover(rng, n, {"question": 3, "problem": 4, "feature_request": 1, "complaint": 2})
    for i, ctype in enumerate(types):
        acc = rng.choice(customers)
        opened = _when(ctx, rng, rng.choice(days))
        prio = weighted(rng, {"critical": 1, "high": 3, "medium": 5, "low": 2})
        resp_h, res_h = SLA[prio]
        first = opened + timedelta(hours=resp_h * rng.uniform(0.2, 1.4))
        resolved = opened + timedelta(hours=res_h * rng.uniform(0.2, 1.5))
        orders = sales["orders"].get(acc["account_id"], [])
        status = (
            "closed"
            if resolved + timedelta(days=2) <= ctx.end
            else "resolved"
            if resolved <= ctx.end
            else "in_progress"
            if first <= ctx.end
            else "new"
        )
        cid = f"CASE-{i + 1:05d}"
        person = rng.choice(contacts_of.get(acc["account_id"]) or [None])
        cases.append(
            {
                "case_id": cid,
                "case_number": f"CS{opened:%y%m}{i + 1:05d}",
                "account_id": acc["account_id"],
                "contact_id": person["contact_id"] if person else None,
                "subject": f"{ctype.replace('_', ' ').title()} from {acc['account_name']}",
                "description": rng.choice(
                    [
                        "Invoice quantity does not match delivery",
                        "Request for revised drawing",
                        "Late delivery of last lot",
                        "Packaging damaged on arrival",
                        "Need PPAP documents",
                        "Price revision query",
                    ]
                ),
                "case_type": ctype,
                "case_category": weighted(rng, {"technical": 2, "billing": 2, "delivery": 2, "quality": 2, "other": 1}),
                "priority": prio,
                "case_status": status,
                "sla_response_hours": resp_h,
                "sla_resolution_hours": res_h,
                "response_due_date": opened + timedelta(hours=resp_h),
                "resolution_due_date": opened + timedelta(hours=res_h),
                "first_response_date": first if first <= ctx.end else None,
                "resolved_date": resolved if status in ("resolved", "closed") else None,
                "closed_date": resolved + timedelta(days=2) if status == "closed" else None,
                "sla_violated": (first > opened + timedelta(hours=resp_h) and first <= ctx.end)
                or (resolved > opened + timedelta(hours=res_h) and resolved <= ctx.end),
                "assigned_to": acc["account_owner"],
                "assigned_team": "Key Accounts",
                "escalated": prio == "critical" or rng.random() < 0.08,
                "escalated_to": None,
                "escalated_at": None,
                "resolution": "Resolved with customer" if status in ("resolved", "closed") else None,
                "root_cause": rng.choice(
                    ["Data entry", "Transit damage", "Capacity constraint", "Specification mismatch"]
                )
                if status in ("resolved", "closed")
                else None,
                "related_product": None,
                "related_order_id": rng.choice(orders)["sales_order_id"] if orders and rng.random() < 0.6 else None,
                "satisfaction_rating": rng.randint(2, 5) if status == "closed" else None,
                "customer_feedback": None,
                "created_by": acc["account_owner"],
                "created_at": opened,
                "updated_at": min(ctx.end, max(opened, resolved if status in ("resolved", "closed") else first)),
            }
        )
        c = cases[-1]
        if c["escalated"]:
            c["escalated_to"], c["escalated_at"] = "SR-0002", min(ctx.end, opened + timedelta(hours=resp_h))
        for k in range(rng.randint(1, 3)):
            at = opened + timedelta(hours=(k + 1) * rng.uniform(1, 20))
            if at > ctx.end:
                break
            comments.append(
                {
                    "comment_id": f"CC-{len(comments) + 1:06d}",
                    "case_id": cid,
                    "comment_text": rng.choice(
                        [
                            "Acknowledged, checking with plant",
                            "Shared documents",
                            "Credit note raised",
                            "Awaiting customer confirmation",
                        ]
                    ),
                    "is_public": rng.random() < 0.7,
                    "created_by": acc["account_owner"],
                    "created_at": at,
                }
            )
    ctx.add("crm", "cases", cases)
    ctx.add("crm", "case_comments", comments)
    return cases


def _contracts(ctx, rng, customers, opps) -> None:
    rows = []
    today = ctx.end.date()
    for a in customers:
        for k in range(rng.randint(1, 2)):
            ctype = "sales" if k == 0 else weighted(rng, {"service": 2, "maintenance": 1, "subscription": 1})
            start = today - timedelta(days=rng.randint(30, 900))
            term = rng.choice([12, 24, 36])
            end = start + timedelta(days=round(term * 30.4))
            status = "expired" if end < today else "active"
            cid = f"CTR-{len(rows) + 1:05d}"
            rows.append(
                {
                    "contract_id": cid,
                    "contract_number": f"K{start:%y}{len(rows) + 1:05d}",
                    "contract_name": f"{ctype.title()} agreement - {a['account_name']}",
                    "account_id": a["account_id"],
                    "contract_type": ctype,
                    "contract_start_date": start,
                    "contract_end_date": end,
                    "contract_term_months": term,
                    "contract_status": status,
                    "signed_date": start - timedelta(days=rng.randint(3, 20)),
                    "contract_value": money(rng.uniform(2e6, 8e7) if ctype == "sales" else rng.uniform(2e5, 3e6)),
                    "billing_frequency": weighted(rng, {"monthly": 3, "quarterly": 2, "annually": 1, "one_time": 1}),
                    "auto_renewal": rng.random() < 0.5,
                    "renewal_term_months": 12,
                    "renewal_notice_days": 60,
                    "renewal_date": end + timedelta(days=1),
                    "termination_notice_days": 90,
                    "early_termination_penalty": money(rng.uniform(1e5, 1e6)),
                    "payment_terms": a["payment_terms"],
                    "service_level_agreement": "OTD 95 %, PPM < 250" if ctype == "sales" else "Response in 24 h",
                    "special_terms": None,
                    "contract_owner": a["account_owner"],
                    "contract_document_url": f"https://crm.genims.example/contracts/{cid}.pdf",
                    "parent_contract_id": None,
                    "created_by": a["account_owner"],
                    "created_at": datetime.combine(start - timedelta(days=25), time(6)),
                    "updated_at": datetime.combine(min(today, end), time(6)),
                }
            )
            if status == "expired" and rng.random() < 0.7:  # renewed: the follow-on contract points at its predecessor
                new_start = end + timedelta(days=1)
                rows.append(
                    {
                        **rows[-1],
                        "contract_id": f"CTR-{len(rows) + 1:05d}",
                        "contract_number": f"K{new_start:%y}{len(rows) + 1:05d}",
                        "contract_start_date": new_start,
                        "contract_end_date": new_start + timedelta(days=365),
                        "contract_term_months": 12,
                        "signed_date": min(today, end - timedelta(days=10)),
                        "contract_status": "active" if new_start <= today else "signed",
                        "parent_contract_id": cid,
                        "renewal_date": new_start + timedelta(days=366),
                        "created_at": datetime.combine(min(today, end - timedelta(days=30)), time(6)),
                        "updated_at": datetime.combine(min(today, new_start), time(6)),
                    }
                )
    for o in opps:  # drafts for the deals in negotiation
        if o["stage"] == "negotiation":
            start = o["close_date"] + timedelta(days=15)
            rows.append(
                {
                    **rows[0],
                    "contract_id": f"CTR-{len(rows) + 1:05d}",
                    "contract_number": f"K{start:%y}{len(rows) + 1:05d}",
                    "contract_name": f"Draft: {o['opportunity_name']}",
                    "account_id": o["account_id"],
                    "contract_type": "sales",
                    "contract_start_date": start,
                    "contract_end_date": start + timedelta(days=365),
                    "contract_term_months": 12,
                    "contract_status": "draft",
                    "signed_date": None,
                    "contract_value": o["amount"],
                    "parent_contract_id": None,
                    "contract_owner": o["opportunity_owner"],
                    "created_by": o["opportunity_owner"],
                    "renewal_date": start + timedelta(days=366),
                    "created_at": o["updated_at"],
                    "updated_at": o["updated_at"],
                }
            )
    ctx.add("crm", "contracts", rows)


def _interactions(ctx, rng, customers, contacts_of, opps, cases, days) -> None:
    rows = []
    n = ctx.count(200 * ctx.days / 90, minimum=20)
    kinds = cover(rng, n, {"call": 4, "email": 5, "meeting": 2, "chat": 1, "social_media": 1})
    opp_of = defaultdict(list)
    for o in opps:
        opp_of[o["account_id"]].append(o)
    case_of = defaultdict(list)
    for c in cases:
        case_of[c["account_id"]].append(c)
    for i, kind in enumerate(kinds):
        acc = rng.choice(customers)
        at = _when(ctx, rng, rng.choice(days), 3, 15)
        person = rng.choice(contacts_of.get(acc["account_id"]) or [None])
        opp = next((o for o in opp_of[acc["account_id"]] if o["created_at"] <= at), None)
        case = next((c for c in case_of[acc["account_id"]] if c["created_at"] <= at), None)
        rows.append(
            {
                "interaction_id": f"INT-{i + 1:06d}",
                "account_id": acc["account_id"],
                "contact_id": person["contact_id"] if person else None,
                "opportunity_id": opp["opportunity_id"] if opp and rng.random() < 0.5 else None,
                "case_id": case["case_id"] if case and rng.random() < 0.3 else None,
                "interaction_type": kind,
                "interaction_date": at,
                "subject": f"{kind.replace('_', ' ').title()} with {acc['account_name']}",
                "description": None,
                "direction": weighted(rng, {"inbound": 4, "outbound": 5}),
                "duration_minutes": rng.randint(2, 90),
                "sentiment": weighted(rng, {"positive": 4, "neutral": 5, "negative": 1}),
                "performed_by": acc["account_owner"],
                "created_at": at,
            }
        )
    rows.sort(key=lambda r: r["interaction_date"])
    ctx.add("crm", "customer_interactions", rows)


def _notes_tasks(ctx, rng, accounts, contacts, opps, cases, leads, reps, days) -> None:
    today = ctx.end.date()
    notes, tasks = [], []
    subjects = (
        [("lead", ld["lead_id"], ld["assigned_to"], ld["created_at"]) for ld in leads[::3]]
        + [("opportunity", o["opportunity_id"], o["opportunity_owner"], o["created_at"]) for o in opps]
        + [("case", c["case_id"], c["assigned_to"], c["created_at"]) for c in cases]
        + [("contact", c["contact_id"], c["created_by"], ctx.start) for c in contacts[::6]]
        + [
            ("account", a["account_id"], a["account_owner"], ctx.start)
            for a in accounts
            if a["account_type"] == "customer"
        ]
    )
    for rel, rid, owner, since in subjects:
        at = min(ctx.end, since + timedelta(hours=rng.uniform(1, 24 * 20)))
        notes.append(
            {
                "note_id": f"NOTE-{len(notes) + 1:06d}",
                "related_to_type": rel,
                "related_to_id": rid,
                "title": rng.choice(["Call summary", "Pricing discussion", "Internal note", "Visit report"]),
                "note_text": rng.choice(
                    [
                        "Customer asked for volume discount",
                        "Shared PPAP timeline",
                        "Follow up after plant audit",
                        "Competitor quoted 4 % lower",
                    ]
                ),
                "is_private": rng.random() < 0.2,
                "created_by": owner,
                "created_at": at,
                "updated_at": at,
            }
        )
        if rng.random() < 0.7:
            due = at.date() + timedelta(days=rng.randint(1, 14))
            status = (
                "completed"
                if due < today and rng.random() < 0.75
                else "cancelled"
                if rng.random() < 0.05
                else "in_progress"
                if rng.random() < 0.4
                else "not_started"
            )
            done = min(today, due + timedelta(days=rng.randint(-2, 2))) if status == "completed" else None
            tasks.append(
                {
                    "task_id": f"TSK-{len(tasks) + 1:06d}",
                    "task_number": f"T{len(tasks) + 1:07d}",
                    "subject": rng.choice(
                        [
                            "Follow up on quote",
                            "Send revised quotation",
                            "Schedule product demo",
                            "Review contract terms",
                        ]
                    ),
                    "description": None,
                    "related_to_type": rel if rel != "contact" else "account",
                    "related_to_id": rid,
                    "task_type": weighted(
                        rng, {"follow_up": 4, "send_quote": 2, "schedule_demo": 1, "contract_review": 1}
                    ),
                    "priority": weighted(rng, {"urgent": 1, "high": 3, "medium": 5, "low": 2}),
                    "task_status": status,
                    "due_date": due,
                    "completed_date": max(done, at.date()) if done else None,
                    "assigned_to": owner,
                    "reminder_enabled": True,
                    "reminder_date": due - timedelta(days=1),
                    "completion_notes": "Done" if done else None,
                    "created_by": owner,
                    "created_at": at,
                    "updated_at": min(ctx.end, max(at, datetime.combine(done, time(12)))) if done else at,
                }
            )
    ctx.add("crm", "notes", notes)
    ctx.add("crm", "tasks", tasks)
    logs = []
    for o in opps:
        if o["win_loss_status"] == "won":
            status = weighted(rng, {"completed": 92, "error": 5, "pending": 2, "in_progress": 1})
            logs.append(
                {
                    "log_id": f"CRL-{len(logs) + 1:06d}",
                    "log_timestamp": min(ctx.end, o["closed_at"] + timedelta(minutes=5)),
                    "integration_direction": "outbound",
                    "document_type": "sales_order_request",
                    "document_id": o["opportunity_id"],
                    "integration_status": status,
                    "error_message": "Customer credit block in ERP" if status == "error" else None,
                    "integration_data": {"account_id": o["account_id"], "amount": o["amount"]},
                    "retry_count": int(status == "error"),
                    "last_retry_at": min(ctx.end, o["closed_at"] + timedelta(hours=1)) if status == "error" else None,
                }
            )
    for day in days[::7]:
        at = datetime.combine(day, time(0, 30))
        if at <= ctx.end:
            logs.append(
                {
                    "log_id": f"CRL-{len(logs) + 1:06d}",
                    "log_timestamp": at,
                    "integration_direction": "inbound",
                    "document_type": "customer_master_sync",
                    "document_id": f"SYNC-{day:%Y%m%d}",
                    "integration_status": "completed",
                    "error_message": None,
                    "integration_data": {"accounts": len(accounts)},
                    "retry_count": 0,
                    "last_retry_at": None,
                }
            )
    ctx.add("crm", "crm_integration_log", logs)


def _finish_reps(ctx, reps, opps) -> None:
    """Year-to-date results of each rep from the opportunities closed this year."""
    year = ctx.end.year
    for r in reps:
        mine = [
            o
            for o in opps
            if o["opportunity_owner"] == r["sales_rep_id"] and o["is_closed"] and o["closed_at"].year == year
        ]
        won = [o for o in mine if o["win_loss_status"] == "won"]
        r["ytd_revenue"] = money(sum(o["amount"] for o in won))
        r["ytd_deals_closed"] = len(won)
        r["win_rate_pct"] = round(100 * len(won) / len(mine), 2) if mine else None
        r["avg_deal_size"] = money(r["ytd_revenue"] / len(won)) if won else None
