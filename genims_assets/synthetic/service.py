"""genims_service_db: support organisation, tickets and SLAs, returns, warranty, surveys, field service.

Tickets, returns, claims and survey answers come from the CRM customer
accounts (account_id = master customer_id), so they join to customers and,
through the finished-good materials and product names, to products.

Volumes at scale 1 over 90 days: service_tickets 100 (public run), opened
through the window on working hours, priority-dependent SLA targets from
sla_definitions (by account tier and priority); response and resolution times
are log-normal around the targets, so about a fifth breach; escalations for
the slow and the critical ones. rma_requests ~35 and warranty_claims ~25 per
90 days; survey_responses: NPS answers (0-10) from every customer account
plus CSAT answers to closed tickets; kb_article_ratings 421 and
service_parts 100 as in the public run; service_metrics_daily is one row per
window day computed from the tickets.

When ERP sales orders exist, a return names a real order of the same customer
that contains the returned product, and returns quantities are a few percent
of the ordered quantity; otherwise the order references stay NULL.
warranty_registrations carry the master product_name and the product_code as
model_number.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from genims_assets.synthetic.context import GenContext, clamp_stamps_to_window, cover, money, rows_if_any, weighted

PRIORITY_SLA = {
    "critical": (30, 240),
    "urgent": (60, 480),
    "high": (120, 1440),
    "medium": (240, 2880),
    "low": (480, 5760),
}
TIER_FACTOR = {"strategic": 0.5, "key": 0.75, "standard": 1.0}
CATEGORY_TEAM = {
    "technical": "TEAM-TECH",
    "installation": "TEAM-FIELD",
    "training": "TEAM-TECH",
    "billing": "TEAM-BILL",
    "delivery": "TEAM-GEN",
    "quality": "TEAM-TECH",
}
SUBJECTS = {
    "technical": ["Noise from installed {p}", "{p} fails end-of-line test", "Fitment issue with {p}"],
    "installation": ["Installation support needed for {p}", "Torque spec query for {p}"],
    "training": ["Training request for {p} assembly", "Operator training on {p} handling"],
    "billing": ["Invoice mismatch for {p}", "Credit note pending for {p}"],
    "delivery": ["Short shipment of {p}", "Late delivery of {p}", "Wrong part delivered instead of {p}"],
    "quality": ["Out-of-tolerance dimension on {p}", "Surface defects on {p} lot", "Corrosion found on {p}"],
}
RESOLUTIONS = [
    ("TECH-FIX", "Technical fix applied", "technical", 240),
    ("TECH-REPL", "Part replaced", "technical", 600),
    ("TECH-FW", "Calibration or setting corrected", "technical", 120),
    ("USR-TRAIN", "Customer trained on correct use", "user_error", 90),
    ("USR-INST", "Installation instructions clarified", "user_error", 60),
    ("SYS-LOG", "Logistics error corrected", "system_issue", 480),
    ("SYS-BILL", "Billing system corrected", "system_issue", 180),
    ("SYS-DATA", "Master data fixed", "system_issue", 120),
    ("CFG-SPEC", "Specification aligned", "configuration", 300),
    ("CFG-PACK", "Packaging configuration changed", "configuration", 240),
    ("TECH-RMA", "Resolved through return", "technical", 1440),
    ("USR-NOFAULT", "No fault found", "user_error", 60),
]
KB_CATEGORIES = [
    ("INSTALL", "Installation guides", None),
    ("TROUBLE", "Troubleshooting", None),
    ("QUALITY", "Quality and PPAP", None),
    ("LOGIST", "Orders and delivery", None),
    ("BILL", "Billing", "LOGIST"),
    ("BRAKE", "Brake systems", "TROUBLE"),
    ("SUSP", "Suspension systems", "TROUBLE"),
    ("ELEC", "Electrical systems", "TROUBLE"),
]
ROOT_CAUSES = ["Process gap", "Transit handling", "Design tolerance", "Data entry", "Supplier material"]
COMMENTS = {
    "note": "Investigating with plant quality team",
    "customer_response": "Customer shared additional details",
    "internal_note": "Checked batch records",
}
RETURN_REASONS = {
    "defective": 5,
    "quality_issue": 4,
    "damaged_in_transit": 3,
    "wrong_item": 2,
    "excess_quantity": 1,
    "not_as_ordered": 1,
}


def _business_moment(ctx: GenContext, rng, days: list[date]) -> datetime:
    """A moment in Indian business hours (03:30-13:30 UTC), not after the window's end."""
    day = rng.choice(days)
    moment = datetime.combine(day, time(3, 30)) + timedelta(minutes=rng.randint(0, 600))
    return min(ctx.end - timedelta(minutes=5), moment)


def generate(ctx: GenContext) -> None:
    created = ctx.start - timedelta(days=400)
    world = _world(ctx)
    slas = _slas(ctx, created)
    teams, agents = _organisation(ctx, ctx.rng("service.org"), created)
    articles = _knowledge(ctx, ctx.rng("service.kb"), agents, created)
    codes = _resolution_codes(ctx, created)
    tickets = _tickets(ctx, ctx.rng("service.tickets"), world, slas, agents, articles, codes)
    techs = _field_technicians(ctx, ctx.rng("service.field"), created)
    appointments = _appointments(ctx, ctx.rng("service.visits"), world, tickets, techs)
    rmas = _returns(ctx, ctx.rng("service.rma"), world, tickets)
    claims = _warranty(ctx, ctx.rng("service.warranty"), world, tickets)
    _parts(ctx, ctx.rng("service.parts"), world, tickets, appointments, claims, techs, created)
    _surveys(ctx, ctx.rng("service.surveys"), world, tickets, appointments, created)
    _portal(ctx, ctx.rng("service.portal"), world)
    _metrics(ctx, tickets)
    _finish_agents(ctx, agents, tickets)
    _integration_log(ctx, ctx.rng("service.integration"), tickets, rmas)
    ctx.add("service", "service_tickets", tickets)
    ctx.add("service", "service_agents", agents)
    ctx.add("service", "service_teams", teams)
    clamp_stamps_to_window(ctx, "service")


def _world(ctx: GenContext) -> dict:
    """What this module looks up: customer accounts, their contacts and products, and (optionally) their ERP orders."""
    accounts = [a for a in ctx.rows("crm", "accounts") if a["account_type"] == "customer"]
    contacts = defaultdict(list)
    for c in ctx.rows("crm", "contacts"):
        if c["contact_status"] == "active":
            contacts[c["account_id"]].append(c)
    products = {p["product_id"]: p for p in ctx.rows("master", "products")}
    fg = {m["product_id"]: m for m in ctx.rows("erp", "materials") if m.get("product_id")}
    bought, price = defaultdict(list), {}
    for m in ctx.rows("master", "customer_product_mapping"):
        bought[m["customer_id"]].append(m["product_id"])
        price[(m["customer_id"], m["product_id"])] = m["unit_price_usd"]
    volume = {c["customer_id"]: c["annual_volume_estimate"] for c in ctx.rows("master", "customers")}
    orders = {o["sales_order_id"]: o for o in rows_if_any(ctx, "erp", "sales_orders")}
    order_lines = defaultdict(list)  # (customer, product) -> [(order, line)]
    for line in rows_if_any(ctx, "erp", "sales_order_lines"):
        o = orders.get(line["sales_order_id"])
        if o and line.get("product_id"):
            order_lines[(o["customer_id"], line["product_id"])].append((o, line))
    return {
        "accounts": accounts,
        "weights": [volume.get(a["customer_id"], 1) for a in accounts],
        "contacts": contacts,
        "products": products,
        "fg": fg,
        "bought": bought,
        "price": price,
        "order_lines": order_lines,
        "orders_of": {c: [o for o in orders.values() if o["customer_id"] == c] for c in volume},
        "days": [d for d in ctx.window_days() if d.weekday() < 6] or ctx.window_days(),
    }


def _slas(ctx, created) -> dict[tuple, dict]:
    rows, by_key = [], {}
    for tier, factor in TIER_FACTOR.items():
        for prio, (resp, res) in PRIORITY_SLA.items():
            sid = f"SLA-{tier[:3].upper()}-{prio[:4].upper()}"
            row = {
                "sla_id": sid,
                "sla_code": sid[4:],
                "sla_name": f"{tier.title()} accounts, {prio} priority",
                "customer_tier": tier,
                "priority": prio,
                "ticket_type": "all",
                "category": "all",
                "service_hours": "24x7" if tier == "strategic" or prio in ("critical", "urgent") else "business_hours",
                "response_time_minutes": round(resp * factor),
                "response_time_unit": "minutes" if resp * factor < 120 else "hours",
                "resolution_time_minutes": round(res * factor),
                "resolution_time_unit": "hours",
                "escalation_enabled": True,
                "escalation_threshold_pct": 80,
                "notify_customer": True,
                "notify_manager": prio in ("critical", "urgent"),
                "is_active": True,
                "effective_date": created.date(),
                "created_at": created,
            }
            rows.append(row)
            by_key[(tier, prio)] = row
    rows.append(
        {
            **rows[-1],
            "sla_id": "SLA-ALL-DEFAULT",
            "sla_code": "ALL-DEFAULT",
            "sla_name": "Default (any tier, any priority)",
            "customer_tier": "all",
            "priority": "all",
            "ticket_type": "service_request",
            "category": "billing",
        }
    )
    rows.append(
        {
            **rows[-1],
            "sla_id": "SLA-ALL-INCIDENT",
            "sla_code": "ALL-INCIDENT",
            "sla_name": "Technical incidents (fallback)",
            "ticket_type": "incident",
            "category": "technical",
            "is_active": False,
        }
    )
    ctx.add("service", "sla_definitions", rows)
    return by_key


def _organisation(ctx, rng, created) -> tuple[list[dict], list[dict]]:
    specs = [
        ("TEAM-TECH", "Product support", "technical", "Product line technical support", "24x7"),
        ("TEAM-BILL", "Billing desk", "billing", "Invoices and credits", "business_hours"),
        ("TEAM-GEN", "Customer care", "general", "Orders and delivery", "business_hours"),
        ("TEAM-FIELD", "Field service coordination", "field_service", "Installation and site visits", "business_hours"),
    ]
    n = ctx.count(16, minimum=len(specs) * 2)
    agents, teams = [], []
    for i in range(n):
        team = specs[i % len(specs)][0]
        first, last = (
            rng.choice(["Asha", "Imran", "Gita", "Karthik", "Leena", "Manish", "Nisha", "Omkar", "Farah", "Deepa"]),
            rng.choice(["Pillai", "Qureshi", "Rao", "Sen", "Thomas", "Verma", "Wadia", "Yadav", "Zaidi"]),
        )
        agents.append(
            {
                "agent_id": f"AGT-{i + 1:04d}",
                "employee_id": None,
                "agent_code": f"SA{i + 1:04d}",
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower()}{i}@support.genims.example",
                "phone": f"+91-80-{rng.randint(20000000, 69999999)}",
                "team_id": team,
                "skill_areas": json.dumps(rng.sample(["technical", "billing", "installation", "logistics"], 2)),
                "product_expertise": json.dumps(
                    rng.sample(["suspension", "brake", "electrical", "steering", "transmission"], 2)
                ),
                "language_skills": json.dumps(
                    ["English", "Hindi"] + rng.sample(["Tamil", "Marathi", "Kannada", "Bengali"], 1)
                ),
                "avg_csat_rating": None,
                "total_tickets_resolved": 0,
                "avg_resolution_time_hours": None,
                "first_contact_resolution_rate": None,
                "agent_status": "available",
                "current_ticket_count": 0,
                "max_concurrent_tickets": rng.choice([5, 6, 8]),
                "hire_date": ctx.end.date() - timedelta(days=rng.randint(60, 3000)),
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
    for tid, name, ttype, spec, hours in specs:
        members = [a["agent_id"] for a in agents if a["team_id"] == tid]
        teams.append(
            {
                "team_id": tid,
                "team_code": tid[5:],
                "team_name": name,
                "team_type": ttype,
                "specialization": spec,
                "team_lead_id": members[0],
                "team_members": json.dumps(members),
                "team_size": len(members),
                "service_hours": hours,
                "is_active": True,
                "created_at": created,
            }
        )
    queues = [
        ("Q-GEN", "General enquiries", "general", "TEAM-GEN", "round_robin", 5),
        ("Q-TECH", "Technical support", "technical", "TEAM-TECH", "skill_based", 3),
        ("Q-BILL", "Billing", "billing", "TEAM-BILL", "least_busy", 5),
        ("Q-VIP", "Strategic accounts", "vip", "TEAM-TECH", "skill_based", 1),
        ("Q-ESC", "Escalations", "escalation", "TEAM-TECH", "least_busy", 2),
    ]
    ctx.add(
        "service",
        "service_queues",
        [
            {
                "queue_id": qid,
                "queue_code": qid[2:],
                "queue_name": name,
                "queue_type": qtype,
                "assigned_team_id": team,
                "auto_assign": True,
                "assignment_method": method,
                "queue_priority": prio,
                "current_ticket_count": 0,
                "avg_wait_time_minutes": rng.randint(3, 40),
                "is_active": True,
                "created_at": created,
            }
            for qid, name, qtype, team, method, prio in queues
        ],
    )
    leads = {t["team_id"]: t["team_lead_id"] for t in teams}
    ctx.add(
        "service",
        "escalation_rules",
        [
            {
                "rule_id": f"ESR-{i + 1:03d}",
                "rule_code": f"ESC-{prio.upper()}",
                "rule_name": f"Escalation for {prio} tickets",
                "priority": prio,
                "category": None,
                "sla_breach_threshold_pct": 80,
                "level_1_escalate_to": leads["TEAM-TECH"],
                "level_1_threshold_minutes": l1,
                "level_2_escalate_to": "Support Manager",
                "level_2_threshold_minutes": l1 * 3,
                "level_3_escalate_to": "Director, Customer Service",
                "level_3_threshold_minutes": l1 * 8,
                "notify_customer": prio != "all",
                "notify_management": prio in ("critical", "urgent"),
                "is_active": True,
                "created_at": created,
            }
            for i, (prio, l1) in enumerate([("critical", 30), ("urgent", 60), ("high", 240), ("all", 720)])
        ],
    )
    return teams, agents


def _knowledge(ctx, rng, agents, created) -> list[dict]:
    cats = [
        {
            "category_id": f"KBC-{code}",
            "category_code": code,
            "category_name": name,
            "parent_category_id": f"KBC-{parent}" if parent else None,
            "display_order": i + 1,
            "icon_url": None,
            "description": name,
            "is_active": True,
            "created_at": created,
        }
        for i, (code, name, parent) in enumerate(KB_CATEGORIES)
    ]
    ctx.add("service", "kb_categories", cats)
    products = ctx.rows("master", "products")
    articles = []
    kinds = cover(
        rng,
        ctx.count(40, minimum=10),
        {"how_to": 3, "troubleshooting": 4, "faq": 3, "best_practice": 1, "announcement": 1},
    )
    for i, kind in enumerate(kinds):
        p = products[i % len(products)]
        cat = {
            "how_to": "INSTALL",
            "troubleshooting": {"brake": "BRAKE", "suspension": "SUSP", "electrical": "ELEC"}.get(
                p["product_category"], "TROUBLE"
            ),
            "faq": rng.choice(["LOGIST", "BILL", "QUALITY"]),
            "best_practice": "QUALITY",
            "announcement": "LOGIST",
        }[kind]
        published = ctx.end.date() - timedelta(days=rng.randint(5, 700))
        status = "published" if rng.random() < 0.85 else rng.choice(["draft", "archived"])
        articles.append(
            {
                "article_id": f"KB-{i + 1:05d}",
                "article_number": f"KB{i + 1:06d}",
                "title": f"{kind.replace('_', ' ').title()}: {p['product_name']}",
                "summary": f"{kind.replace('_', ' ')} for {p['product_name']}",
                "content": f"# {p['product_name']}\n\nSteps and checks.",
                "category_id": f"KBC-{cat}",
                "article_type": kind,
                "products": json.dumps([p["product_name"]]),
                "product_categories": json.dumps([p["product_category"]]),
                "keywords": p["product_category"],
                "tags": json.dumps([kind]),
                "article_status": status,
                "published_date": published if status != "draft" else None,
                "published_by": rng.choice(agents)["agent_id"] if status != "draft" else None,
                "version": f"1.{rng.randint(0, 4)}",
                "previous_version_id": None,
                "view_count": 0,
                "helpful_count": 0,
                "not_helpful_count": 0,
                "avg_rating": None,
                "times_used_in_tickets": 0,
                "last_used_date": None,
                "attachments": json.dumps([]),
                "meta_description": None,
                "author_id": rng.choice(agents)["agent_id"],
                "is_active": status == "published",
                "created_at": datetime.combine(published - timedelta(days=3), time(6)),
                "updated_at": datetime.combine(published, time(6)),
                "_category": p["product_category"],
            }
        )
    return articles


def _resolution_codes(ctx, created) -> list[dict]:
    rows = [
        {
            "code_id": f"RC-{i + 1:03d}",
            "code": code,
            "description": text,
            "category": cat,
            "typical_resolution_minutes": minutes,
            "is_active": True,
            "created_at": created,
        }
        for i, (code, text, cat, minutes) in enumerate(RESOLUTIONS)
    ]
    ctx.add("service", "resolution_codes", rows)
    return rows


def _tickets(ctx, rng, world, slas, agents, articles, codes) -> list[dict]:
    """Tickets with SLA targets, response and resolution times, escalations, comments and attachments."""
    n = ctx.count(100 * ctx.days / 90, minimum=20)
    categories = cover(
        rng, n, {"technical": 4, "delivery": 3, "quality": 3, "billing": 2, "installation": 1, "training": 1}
    )
    channels = cover(rng, n, {"phone": 3, "email": 4, "chat": 2, "web_portal": 3, "social_media": 0.5, "walk_in": 0.3})
    types = cover(rng, n, {"incident": 4, "service_request": 3, "question": 2, "complaint": 2, "feedback": 1})
    priorities = cover(rng, n, {"critical": 0.6, "urgent": 1, "high": 2.5, "medium": 4, "low": 2})
    team_agents = defaultdict(list)
    for a in agents:
        team_agents[a["team_id"]].append(a)
    kb_by_cat = defaultdict(list)
    for art in articles:
        if art["article_status"] == "published":
            kb_by_cat[art["_category"]].append(art)
    code_by_cat = defaultdict(list)
    for c in codes:
        code_by_cat[c["category"]].append(c)
    tickets, escalations, comments, attachments = [], [], [], []
    opened_list = sorted(_business_moment(ctx, rng, world["days"]) for _ in range(n))
    for i, opened in enumerate(opened_list):
        acc = rng.choices(world["accounts"], world["weights"])[0]
        cust = acc["customer_id"]
        pid = rng.choice(world["bought"].get(cust) or list(world["products"]))
        product = world["products"][pid]
        cat, prio = categories[i], priorities[i]
        sla = slas[(acc["account_tier"], prio)]
        resp_m = max(2.0, sla["response_time_minutes"] * rng.lognormvariate(-0.6, 0.7))
        res_m = max(resp_m + 15, sla["resolution_time_minutes"] * rng.lognormvariate(-0.5, 0.6))
        first = opened + timedelta(minutes=resp_m)
        resolved = opened + timedelta(minutes=res_m)
        assigned = opened + timedelta(minutes=min(resp_m, rng.uniform(1, 20)))
        team = CATEGORY_TEAM[cat]
        agent = rng.choice(team_agents[team])
        person = rng.choice(world["contacts"].get(acc["account_id"]) or [None])
        if resolved <= ctx.end:
            status = "closed" if resolved + timedelta(hours=48) <= ctx.end else "resolved"
        elif first <= ctx.end:
            status = weighted(rng, {"in_progress": 5, "pending_customer": 2, "on_hold": 1})
        else:
            status = "assigned" if assigned <= ctx.end else "new"
        done = status in ("resolved", "closed")
        resp_due = opened + timedelta(minutes=sla["response_time_minutes"])
        res_due = opened + timedelta(minutes=sla["resolution_time_minutes"])
        tid = f"TKT-{i + 1:06d}"
        level, esc_at = 0, None
        ratio = res_m / sla["resolution_time_minutes"]
        if ratio > 1.0 or (prio == "critical" and rng.random() < 0.3):  # escalated at 80 % of the SLA
            level = 1 + (ratio > 1.4) + (ratio > 1.8 and prio in ("critical", "urgent"))
            for k in range(level):
                at = opened + timedelta(minutes=sla["resolution_time_minutes"] * (0.8 + 0.4 * k))
                if at > ctx.end or (done and at > resolved):
                    break
                esc_at = esc_at or at
                escalations.append(
                    {
                        "escalation_id": "",
                        "ticket_id": tid,
                        "escalation_level": k + 1,
                        "escalation_reason": "Resolution SLA at risk" if k == 0 else "Resolution SLA breached",
                        "escalated_from": agent["agent_id"] if k == 0 else f"Level {k}",
                        "escalated_to": {
                            0: team_agents[team][0]["agent_id"],
                            1: "Support Manager",
                            2: "Director, Customer Service",
                        }[k],
                        "escalated_at": at,
                        "de_escalated": done,
                        "de_escalated_at": resolved if done else None,
                        "de_escalation_reason": "Ticket resolved" if done else None,
                    }
                )
            level = len([e for e in escalations if e["ticket_id"] == tid])
        code = rng.choice(
            code_by_cat[
                {
                    "technical": "technical",
                    "installation": "user_error",
                    "training": "user_error",
                    "billing": "system_issue",
                    "delivery": "system_issue",
                    "quality": "configuration",
                }[cat]
            ]
        )
        resp_breach = first > resp_due if first <= ctx.end else ctx.end > resp_due
        res_breach = resolved > res_due if done else ctx.end > res_due
        csat = None
        if status == "closed" and rng.random() < 0.45:
            csat = weighted(rng, {1: 2, 2: 3, 3: 3, 4: 1} if res_breach else {5: 5, 4: 4, 3: 1})
        pool = kb_by_cat[product["product_category"]]
        kb = rng.choice(pool) if pool and rng.random() < 0.3 else None
        orders = world["orders_of"].get(cust, [])
        queue = {"TEAM-TECH": "Q-TECH", "TEAM-BILL": "Q-BILL"}.get(team, "Q-GEN")
        if acc["account_tier"] == "strategic":
            queue = "Q-VIP"
        tickets.append(
            {
                "ticket_id": tid,
                "ticket_number": f"SR{opened:%y%m}{i + 1:05d}",
                "account_id": acc["account_id"],
                "contact_id": person["contact_id"] if person else None,
                "channel": channels[i],
                "source_reference": f"{channels[i].upper()}-{rng.randint(10**6, 10**7 - 1)}",
                "ticket_type": types[i],
                "category": cat,
                "subcategory": rng.choice(["hardware", "documentation", "logistics", "performance", "account"]),
                "product_category": product["product_category"],
                "subject": rng.choice(SUBJECTS[cat]).format(p=product["product_name"]),
                "description": f"Customer {acc['account_name']} reports: {cat} issue with {product['product_name']}",
                "priority": prio,
                "priority_reason": "Line stoppage at customer" if prio in ("critical", "urgent") else None,
                "ticket_status": status,
                "status_reason": {
                    "pending_customer": "Waiting for photos from customer",
                    "on_hold": "Waiting for plant analysis",
                }.get(status),
                "related_order_id": rng.choice(orders)["sales_order_id"]
                if orders and cat in ("delivery", "billing", "quality")
                else None,
                "related_product": product["product_name"],
                "related_serial_number": f"SN-{product['product_code']}-{rng.randint(10**5, 10**6 - 1)}",
                "sla_id": sla["sla_id"],
                "response_due_datetime": resp_due,
                "resolution_due_datetime": res_due,
                "first_response_datetime": first if first <= ctx.end else None,
                "resolved_datetime": resolved if done else None,
                "closed_datetime": resolved + timedelta(hours=48) if status == "closed" else None,
                "response_sla_breached": resp_breach,
                "resolution_sla_breached": res_breach,
                "assigned_to": agent["agent_id"] if status != "new" else None,
                "assigned_team": team if status != "new" else None,
                "assigned_datetime": assigned if status != "new" else None,
                "routed_to_queue": queue,
                "escalation_level": level,
                "escalated_to": team_agents[team][0]["agent_id"] if level else None,
                "escalated_datetime": esc_at,
                "escalation_reason": "Resolution SLA at risk" if level else None,
                "resolution_summary": code["description"] if done else None,
                "root_cause": rng.choice(ROOT_CAUSES) if done else None,
                "resolution_code": code["code"] if done else None,
                "csat_rating": csat,
                "csat_comment": None,
                "csat_survey_sent": status == "closed",
                "csat_survey_sent_datetime": resolved + timedelta(hours=48) if status == "closed" else None,
                "kb_article_used": kb["article_id"] if kb else None,
                "first_response_time_minutes": round(resp_m) if first <= ctx.end else None,
                "resolution_time_minutes": round(res_m) if done else None,
                "handle_time_minutes": round(min(res_m, rng.uniform(20, 300))) if done else None,
                "reopened_count": 1 if done and rng.random() < 0.05 else 0,
                "tags": json.dumps([cat, product["product_category"]]),
                "created_by": "portal" if channels[i] == "web_portal" else agent["agent_id"],
                "created_at": opened,
                "updated_at": min(
                    ctx.end,
                    resolved + timedelta(hours=48)
                    if status == "closed"
                    else resolved
                    if done
                    else max(opened, min(first, ctx.end)),
                ),
            }
        )
        t = tickets[-1]
        if kb:
            kb["times_used_in_tickets"] += 1
            kb["last_used_date"] = max(kb["last_used_date"] or opened, opened)
        for k in range(rng.randint(0, 2) if first <= ctx.end else 0):
            at = first + (min(ctx.end, resolved) - first) * rng.random() if k else first
            kind = (
                "solution"
                if done and k == 1
                else weighted(rng, {"note": 3, "customer_response": 3, "internal_note": 2})
            )
            text = COMMENTS.get(kind) or t["resolution_summary"] or "Resolved"
            comments.append(
                {
                    "comment_id": "",
                    "ticket_id": tid,
                    "comment_text": text,
                    "comment_type": kind,
                    "is_public": kind != "internal_note",
                    "is_internal": kind == "internal_note",
                    "attachments": json.dumps([]),
                    "created_by": person["contact_id"] if kind == "customer_response" and person else agent["agent_id"],
                    "created_by_type": "customer" if kind == "customer_response" else "agent",
                    "created_at": at,
                }
            )
        if first <= ctx.end and rng.random() < 0.2:
            comments.append(
                {
                    "comment_id": "",
                    "ticket_id": tid,
                    "comment_text": f"Auto-acknowledgement sent for {t['ticket_number']}",
                    "comment_type": "note",
                    "is_public": True,
                    "is_internal": False,
                    "attachments": json.dumps([]),
                    "created_by": "system",
                    "created_by_type": "system",
                    "created_at": opened + timedelta(minutes=1),
                }
            )
        if rng.random() < 0.25:
            attachments.append(
                {
                    "attachment_id": f"ATT-{len(attachments) + 1:06d}",
                    "ticket_id": tid,
                    "file_name": rng.choice(["photo.jpg", "invoice.pdf", "inspection_report.pdf", "log.txt"]),
                    "file_size_bytes": rng.randint(20_000, 8_000_000),
                    "file_type": rng.choice(["image", "pdf", "text"]),
                    "file_url": f"https://support.genims.example/files/{tid}/{len(attachments) + 1}",
                    "uploaded_by": person["contact_id"] if person else agent["agent_id"],
                    "uploaded_at": opened + timedelta(minutes=5),
                }
            )
    for a in articles:
        a.pop("_category")
    escalations.sort(key=lambda e: e["escalated_at"])
    for i, e in enumerate(escalations):
        e["escalation_id"] = f"ESC-{i + 1:06d}"
    comments.sort(key=lambda c: c["created_at"])
    for i, c in enumerate(comments):
        c["comment_id"] = f"TC-{i + 1:06d}"
    ctx.add("service", "ticket_escalations", escalations)
    ctx.add("service", "ticket_comments", comments)
    ctx.add("service", "ticket_attachments", attachments)
    _kb_ratings(ctx, rng, articles)
    return tickets


def _kb_ratings(ctx, rng, articles) -> None:
    published = [a for a in articles if a["article_status"] == "published"]
    rows = []
    for _ in range(ctx.count(421 * ctx.days / 90, minimum=20)):
        art = rng.choice(published)
        rating = weighted(rng, {5: 4, 4: 4, 3: 2, 2: 1, 1: 1})
        since = max(ctx.start, datetime.combine(art["published_date"], time(6)))
        at = since + (ctx.end - since) * rng.random()
        rows.append(
            {
                "rating_id": "",
                "article_id": art["article_id"],
                "rating": rating,
                "is_helpful": rating >= 3,
                "feedback_text": None if rating >= 3 else "Steps did not match our model",
                "rated_by": f"user{rng.randint(1, 400)}",
                "rated_by_type": weighted(rng, {"customer": 3, "agent": 2}),
                "rated_at": at,
            }
        )
    rows.sort(key=lambda r: r["rated_at"])
    for i, r in enumerate(rows):
        r["rating_id"] = f"KBR-{i + 1:06d}"
    stats = defaultdict(list)
    for r in rows:
        stats[r["article_id"]].append(r)
    for a in articles:
        mine = stats.get(a["article_id"], [])
        a["helpful_count"] = sum(r["is_helpful"] for r in mine)
        a["not_helpful_count"] = len(mine) - a["helpful_count"]
        a["avg_rating"] = round(sum(r["rating"] for r in mine) / len(mine), 2) if mine else None
        a["view_count"] = len(mine) * rng.randint(5, 30) + a["times_used_in_tickets"]
    ctx.add("service", "kb_articles", articles)
    ctx.add("service", "kb_article_ratings", rows)


CITY_GPS = {
    "Pune": (18.52, 73.86),
    "Chennai": (13.08, 80.27),
    "Gurugram": (28.46, 77.03),
    "Bengaluru": (12.97, 77.59),
    "Jamshedpur": (22.80, 86.18),
    "Ahmedabad": (23.02, 72.57),
}


def _field_technicians(ctx, rng, created) -> list[dict]:
    engineers = [e for e in ctx.rows("master", "employees") if e["role"] == "engineer" and e["status"] == "active"]
    rows = []
    for i, e in enumerate(rng.sample(engineers, min(len(engineers), ctx.count(10, minimum=4)))):
        city = list(CITY_GPS)[i % len(CITY_GPS)]
        lat, lon = CITY_GPS[city]
        certs = rng.sample(["IATF auditor", "Electrical safety", "Hydraulics", "Brake systems"], 2)
        rows.append(
            {
                "technician_id": f"FT-{i + 1:04d}",
                "employee_id": e["employee_id"],
                "technician_code": f"FT{i + 1:04d}",
                "first_name": e["first_name"],
                "last_name": e["last_name"],
                "email": e["email"],
                "phone": e["phone"],
                "mobile": e["phone"],
                "skill_areas": json.dumps(rng.sample(["mechanical", "electrical", "installation", "quality"], 2)),
                "certifications": json.dumps(certs),
                "certification_expiry": {
                    c: (ctx.end.date() + timedelta(days=rng.randint(-20, 700))).isoformat() for c in certs
                },
                "service_territory": city,
                "home_base_location": f"GenIMS service hub, {city}",
                "available_for_dispatch": True,
                "current_location_gps": (
                    round(lat + rng.uniform(-0.1, 0.1), 5),
                    round(lon + rng.uniform(-0.1, 0.1), 5),
                ),
                "last_location_update": ctx.end - timedelta(minutes=rng.randint(5, 600)),
                "avg_job_rating": None,
                "total_jobs_completed": 0,
                "technician_status": "available",
                "is_active": True,
                "created_at": created,
                "updated_at": created,
                "_city": city,
            }
        )
    return rows


def _appointments(ctx, rng, world, tickets, techs) -> list[dict]:
    """Site visits for installation, technical and quality tickets (and their follow-ups)."""
    rows = []
    for t in tickets:
        visit = t["category"] in ("installation", "technical", "quality") and t["ticket_status"] != "new"
        if not visit or rng.random() > 0.45:
            continue
        tech = rng.choice(techs)
        day = (t["assigned_datetime"] + timedelta(days=rng.randint(1, 4))).date()
        start_h = rng.choice([4, 5, 6, 8, 9])
        begin = datetime.combine(day, time(start_h))
        est = rng.choice([90, 120, 180, 240])
        actual = round(est * rng.uniform(0.7, 1.5))
        if begin + timedelta(minutes=actual) <= ctx.end:
            status = weighted(rng, {"completed": 90, "no_show": 5, "cancelled": 5})
        elif begin <= ctx.end:
            status = "in_progress"
        else:
            status = weighted(rng, {"scheduled": 1, "confirmed": 2})
        done = status == "completed"
        lat, lon = CITY_GPS[tech["_city"]]
        labor, travel = (money(actual / 60 * 1800), money(rng.uniform(500, 3000))) if done else (0.0, 0.0)
        rows.append(
            {
                "appointment_id": f"FSA-{len(rows) + 1:05d}",
                "appointment_number": f"FS{day:%y%m}{len(rows) + 1:05d}",
                "account_id": t["account_id"],
                "contact_id": t["contact_id"],
                "ticket_id": t["ticket_id"],
                "service_type": {"installation": "installation", "technical": "repair", "quality": "inspection"}[
                    t["category"]
                ],
                "appointment_date": day,
                "scheduled_start_time": time(start_h),
                "scheduled_end_time": (begin + timedelta(minutes=est)).time(),
                "estimated_duration_minutes": est,
                "appointment_status": status,
                "assigned_technician_id": tech["technician_id"],
                "service_location_address": "Customer assembly plant",
                "service_location_city": tech["_city"],
                "service_location_state": None,
                "service_location_postal_code": None,
                "service_location_gps": (
                    round(lat + rng.uniform(-0.3, 0.3), 5),
                    round(lon + rng.uniform(-0.3, 0.3), 5),
                ),
                "checked_in_datetime": begin if status in ("completed", "in_progress") else None,
                "checked_out_datetime": begin + timedelta(minutes=actual) if done else None,
                "actual_duration_minutes": actual if done else None,
                "travel_time_minutes": rng.randint(20, 150) if status in ("completed", "in_progress") else None,
                "travel_distance_km": round(rng.uniform(5, 120), 2) if status in ("completed", "in_progress") else None,
                "work_performed": "Inspected parts at line side; replaced suspect lot" if done else None,
                "parts_used": json.dumps([]),
                "equipment_serial_number": t["related_serial_number"],
                "asset_id": None,
                "customer_signature_url": f"https://support.genims.example/signatures/{len(rows) + 1}.png"
                if done
                else None,
                "customer_signature_datetime": begin + timedelta(minutes=actual) if done else None,
                "follow_up_required": done and rng.random() < 0.1,
                "follow_up_appointment_id": None,
                "labor_charges": labor,
                "parts_charges": 0.0,
                "travel_charges": travel,
                "total_charges": money(labor + travel),
                "notes": None,
                "created_at": min(ctx.end, t["assigned_datetime"] + timedelta(minutes=30)),
                "updated_at": min(ctx.end, begin + timedelta(minutes=actual))
                if status in ("completed", "in_progress")
                else min(ctx.end, t["assigned_datetime"] + timedelta(minutes=30)),
            }
        )
    for a in list(rows):
        if a["follow_up_required"]:
            day = a["appointment_date"] + timedelta(days=rng.randint(3, 10))
            follow = {
                **a,
                "appointment_id": f"FSA-{len(rows) + 1:05d}",
                "appointment_number": f"FS{day:%y%m}{len(rows) + 1:05d}",
                "appointment_date": day,
                "service_type": "maintenance",
                "follow_up_required": False,
                "appointment_status": "scheduled" if datetime.combine(day, time(4)) > ctx.end else "completed",
                "customer_signature_datetime": None,
                "created_at": a["checked_out_datetime"],
                "updated_at": a["checked_out_datetime"],
            }
            if follow["appointment_status"] == "scheduled":
                follow.update(
                    checked_in_datetime=None,
                    checked_out_datetime=None,
                    actual_duration_minutes=None,
                    travel_time_minutes=None,
                    travel_distance_km=None,
                    work_performed=None,
                    customer_signature_url=None,
                    labor_charges=0.0,
                    travel_charges=0.0,
                    total_charges=0.0,
                )
            else:
                shift = datetime.combine(day, time()) - datetime.combine(a["appointment_date"], time())
                follow.update(
                    checked_in_datetime=a["checked_in_datetime"] + shift,
                    checked_out_datetime=a["checked_out_datetime"] + shift,
                    customer_signature_datetime=a["checked_out_datetime"] + shift,
                    updated_at=a["checked_out_datetime"] + shift,
                )
                if follow["checked_out_datetime"] > ctx.end:
                    continue
            a["follow_up_appointment_id"] = follow["appointment_id"]
            rows.append(follow)
    return rows


def _returns(ctx, rng, world, tickets) -> list[dict]:
    """Returns per customer and product; with ERP rows, against a real earlier order line of that product."""
    quality_tickets = defaultdict(list)
    for t in tickets:
        if t["category"] in ("quality", "delivery"):
            quality_tickets[t["account_id"]].append(t)
    n = ctx.count(35 * ctx.days / 90, minimum=8)
    reasons = cover(rng, n, RETURN_REASONS)
    kinds = cover(rng, n, {"return": 4, "repair": 2, "exchange": 2, "credit": 2})
    rows, lines = [], []
    for i in range(n):
        acc = rng.choices(world["accounts"], world["weights"])[0]
        cust = acc["customer_id"]
        opened = _business_moment(ctx, rng, world["days"])
        pid = rng.choice(world["bought"].get(cust) or list(world["products"]))
        order, line = None, None
        candidates = [(o, ln) for o, ln in world["order_lines"].get((cust, pid), []) if o["order_date"] < opened.date()]
        if candidates:
            order, line = rng.choice(candidates)
        price = line["unit_price"] if line else world["price"].get((cust, pid), world["fg"][pid]["standard_cost"] * 1.3)
        qty = float(rng.randint(1, 40))
        if line:  # a few percent of what was ordered
            qty = float(max(1, round(line["order_quantity"] * rng.uniform(0.01, 0.05))))
        age = (ctx.end - opened).total_seconds() / 86400
        stages = ["requested", "approved", "in_transit", "received", "inspected", "completed"]
        reached = min(len(stages) - 1, int(age / 3))
        rejected = rng.random() < 0.1 and reached >= 1
        status = "rejected" if rejected else stages[reached]
        approved_day = (opened + timedelta(days=1)).date() if reached >= 1 and not rejected else None
        shipped = (opened + timedelta(days=3)).date() if reached >= 2 and not rejected else None
        received = (opened + timedelta(days=rng.randint(6, 9))).date() if reached >= 3 and not rejected else None
        if received and received > ctx.end.date():
            received, status = None, "in_transit"
        inspected = reached >= 4 and received is not None
        fail = reasons[i] in ("defective", "quality_issue") and rng.random() < 0.8
        resolution = (
            weighted(rng, {"refund": 2, "replacement": 3, "repair": 1, "credit": 2}) if not rejected else "reject"
        )
        if kinds[i] == "repair":
            resolution = "repair" if not rejected else "reject"
        completed = status == "completed"
        refund_lines = 0.0
        rid = f"RMA-{i + 1:05d}"
        items = [(pid, qty, price)]
        if rng.random() < 0.2 and len(world["bought"].get(cust, [])) > 1:
            other = rng.choice([p for p in world["bought"][cust] if p != pid])
            items.append((other, float(rng.randint(1, 10)), world["price"].get((cust, other), 100.0)))
        for k, (p, q, unit) in enumerate(items):
            refund_unit = round(unit if resolution in ("refund", "credit") and not rejected else 0.0, 4)
            total = money(q * refund_unit)
            refund_lines += total
            lines.append(
                {
                    "rma_line_id": f"RMAL-{len(lines) + 1:06d}",
                    "rma_id": rid,
                    "line_number": k + 1,
                    "material_id": world["fg"][p]["material_id"],
                    "product_name": world["products"][p]["product_name"],
                    "serial_number": f"SN-{world['products'][p]['product_code']}-{rng.randint(10**5, 10**6 - 1)}",
                    "quantity_returned": q,
                    "unit_of_measure": "EA",
                    "original_unit_price": round(unit, 4),
                    "refund_unit_price": refund_unit,
                    "line_total_refund": total,
                    "condition_on_return": ("defective" if fail else "good") if inspected else None,
                    "disposition": rng.choice(["scrap", "rework", "restock", "return_to_supplier"])
                    if inspected
                    else None,
                    "created_at": opened,
                }
            )
        fee_pct = 10.0 if reasons[i] == "excess_quantity" and resolution in ("refund", "credit") else 0.0
        fee = money(refund_lines * fee_pct / 100)
        person = rng.choice(world["contacts"].get(acc["account_id"]) or [None])
        related = quality_tickets[acc["account_id"]]
        ticket = rng.choice(related) if related and rng.random() < 0.5 else None
        product_name = world["products"][pid]["product_name"]
        condition = "defective" if fail else rng.choice(["new", "good"])
        if reasons[i] == "damaged_in_transit":
            condition = "damaged"
        rows.append(
            {
                "rma_id": rid,
                "rma_number": f"RMA{opened:%y%m}{i + 1:05d}",
                "account_id": acc["account_id"],
                "contact_id": person["contact_id"] if person else None,
                "sales_order_id": order["sales_order_id"] if order else None,
                "ticket_id": ticket["ticket_id"] if ticket and ticket["created_at"] <= opened else None,
                "rma_type": kinds[i],
                "return_reason": reasons[i],
                "reason_description": f"{reasons[i].replace('_', ' ').capitalize()} - {product_name}",
                "rma_status": status,
                "approved": approved_day is not None,
                "approved_by": "Quality Manager" if approved_day else None,
                "approved_date": approved_day,
                "rejection_reason": "Outside return window" if rejected else None,
                "return_instructions": "Ship to plant returns dock with RMA label" if approved_day else None,
                "return_address": "GenIMS returns centre, Pune" if approved_day else None,
                "customer_shipment_tracking": f"AWB{rng.randint(10**8, 10**9 - 1)}" if shipped else None,
                "customer_ship_date": shipped,
                "received_date": received,
                "received_by": "Returns desk" if received else None,
                "inspection_status": ("fail" if fail else "pass") if inspected else "pending" if received else None,
                "inspection_notes": "Defect confirmed by quality lab" if inspected and fail else None,
                "condition_on_receipt": condition if received else None,
                "resolution_type": resolution if completed or rejected else None,
                "refund_amount": money(refund_lines - fee) if completed else 0.0,
                "refund_method": rng.choice(["original_payment", "store_credit", "check"])
                if completed and resolution in ("refund", "credit")
                else None,
                "refund_processed_date": (opened + timedelta(days=15)).date()
                if completed and resolution in ("refund", "credit")
                else None,
                "replacement_order_id": None,
                "restocking_fee": fee if completed else 0.0,
                "restocking_fee_pct": fee_pct,
                "warehouse_receipt_id": None,
                "notes": None,
                "created_at": opened,
                "updated_at": min(ctx.end, opened + timedelta(days=3 * reached)),
            }
        )
        r = rows[-1]
        if r["refund_processed_date"] and r["refund_processed_date"] > ctx.end.date():
            r["refund_processed_date"] = ctx.end.date()
    ctx.add("service", "rma_requests", rows)
    ctx.add("service", "rma_line_items", lines)
    return rows


def _warranty(ctx, rng, world, tickets) -> list[dict]:
    """Registrations per customer and product bought, and the claims against them in the window."""
    today = ctx.end.date()
    regs = []
    for acc in world["accounts"]:
        for pid in world["bought"].get(acc["customer_id"], []):
            product = world["products"][pid]
            wtype = weighted(rng, {"standard": 6, "extended": 3, "lifetime": 1})
            months = {"standard": 12, "extended": 36, "lifetime": 120}[wtype]
            sold = world["order_lines"].get((acc["customer_id"], pid), [])
            orders = [o for o, _line in sold if o["order_date"] < today]
            # some are registered against an order of this window
            order = rng.choice(orders) if orders and rng.random() < 0.3 else None
            purchase = order["order_date"] if order else today - timedelta(days=rng.randint(30, 700))
            start = min(today, purchase + timedelta(days=rng.randint(0, 10)))
            end = start + timedelta(days=round(months * 30.44))
            regs.append(
                {
                    "warranty_id": f"WR-{len(regs) + 1:05d}",
                    "warranty_number": f"W{start:%y}{len(regs) + 1:06d}",
                    "account_id": acc["account_id"],
                    "contact_id": None,
                    "product_name": product["product_name"],
                    "product_category": product["product_category"],
                    "serial_number": f"LOT-{product['product_code']}-{rng.randint(1000, 9999)}",
                    "model_number": product["product_code"],
                    "sales_order_id": order["sales_order_id"] if order else None,
                    "purchase_date": purchase,
                    "invoice_number": f"INV{rng.randint(10**6, 10**7 - 1)}",
                    "warranty_type": wtype,
                    "warranty_start_date": start,
                    "warranty_end_date": end,
                    "warranty_duration_months": months,
                    "coverage_type": weighted(
                        rng, {"parts_only": 2, "labor_only": 1, "parts_and_labor": 4, "comprehensive": 2}
                    ),
                    "coverage_details": "Manufacturing defects under normal use",
                    "terms_conditions": "Per supply agreement",
                    "warranty_status": "active" if end >= today else "expired",
                    "registered_date": start,
                    "registered_by": "sales_ops",
                    "transferred_to_account_id": None,
                    "transfer_date": None,
                    "is_active": end >= today,
                    "created_at": datetime.combine(start, time(6)),
                    "updated_at": datetime.combine(min(today, end), time(6)),
                    "_pid": pid,
                }
            )
    if regs and len(world["accounts"]) > 1:  # one warranty moved to another customer with the equipment
        r = regs[0]
        r.update(
            transferred_to_account_id=world["accounts"][1]["account_id"],
            transfer_date=today - timedelta(days=10),
            warranty_status="transferred",
        )
    claims = []
    active = [r for r in regs if r["warranty_end_date"] >= ctx.start.date()]
    n = ctx.count(25 * ctx.days / 90, minimum=8)
    statuses = cover(rng, n, {"approved": 4, "paid": 3, "rejected": 2, "under_review": 1, "submitted": 1})
    tickets_of = defaultdict(list)
    for t in tickets:
        tickets_of[t["account_id"]].append(t)
    for i, status in enumerate(statuses):
        reg = rng.choice(active)
        day = rng.choice(
            [d for d in world["days"] if reg["warranty_start_date"] <= d <= reg["warranty_end_date"]] or [today]
        )
        age = (today - day).days
        if age < 3 and status in ("approved", "paid", "rejected"):
            status = "under_review"
        if age < 15 and status == "paid":
            status = "approved"
        approved = status in ("approved", "paid")
        labor, parts = money(rng.uniform(500, 15000)), money(rng.uniform(1000, 60000))
        total = money(labor + parts)
        share = 0.0 if reg["coverage_type"] in ("parts_and_labor", "comprehensive") else 0.5
        customer_pays = money(total * share) if approved else 0.0
        ticket = next((t for t in tickets_of[reg["account_id"]] if t["created_at"].date() <= day), None)
        claims.append(
            {
                "claim_id": f"WC-{i + 1:05d}",
                "claim_number": f"CLM{day:%y%m}{i + 1:05d}",
                "warranty_id": reg["warranty_id"],
                "ticket_id": ticket["ticket_id"] if ticket and rng.random() < 0.5 else None,
                "claim_date": day,
                "issue_description": f"Premature failure of {reg['product_name']}",
                "failure_type": weighted(rng, {"defect": 4, "malfunction": 3, "damage": 1, "wear_tear": 1}),
                "failure_category": weighted(rng, {"mechanical": 5, "electrical": 3, "software": 1}),
                "claim_status": status,
                "approved": approved,
                "approved_by": "Warranty Manager" if approved else None,
                "approved_date": min(today, day + timedelta(days=rng.randint(2, 10))) if approved else None,
                "rejection_reason": rng.choice(["Misuse", "Outside coverage", "No fault found"])
                if status == "rejected"
                else None,
                "resolution_type": weighted(rng, {"repair": 2, "replacement": 3, "refund": 1, "credit": 1})
                if approved
                else None,
                "labor_cost": labor,
                "parts_cost": parts,
                "total_claim_amount": total,
                "customer_responsibility": customer_pays,
                "warranty_coverage": money(total - customer_pays) if approved else 0.0,
                "processed_date": min(today, day + timedelta(days=rng.randint(10, 20)))
                if status in ("paid", "rejected")
                else None,
                "processed_by": "Warranty desk" if status in ("paid", "rejected") else None,
                "notes": None,
                "created_at": datetime.combine(day, time(7)),
                "updated_at": datetime.combine(min(today, day + timedelta(days=10)), time(7)),
            }
        )
    for r in regs:
        r.pop("_pid")
    ctx.add("service", "warranty_registrations", regs)
    ctx.add("service", "warranty_claims", claims)
    return claims


PART_NAMES = [
    ("Brake pad retaining kit", "consumable", "mechanical"),
    ("Caliper seal kit", "repairable", "mechanical"),
    ("ABS wheel-speed sensor", "replacement", "electronic"),
    ("Strut mount bearing", "replacement", "mechanical"),
    ("Alternator voltage regulator", "replacement", "electrical"),
    ("Starter solenoid", "repairable", "electrical"),
    ("Wiring harness connector kit", "consumable", "electrical"),
    ("ECU housing gasket", "consumable", "accessory"),
    ("Tie rod boot", "consumable", "accessory"),
    ("Clutch release bearing", "replacement", "mechanical"),
]


def _parts(ctx, rng, world, tickets, appointments, claims, techs, created) -> None:
    """Service parts and their use on visits, warranty repairs, ticket repairs and internal tests."""
    products = list(world["products"].values())
    parts = []
    for i in range(ctx.count(100, minimum=len(PART_NAMES))):
        name, cat, ptype = PART_NAMES[i % len(PART_NAMES)]
        fits = rng.sample(products, min(len(products), 3))
        cost = round(rng.uniform(150, 12000), 4)
        parts.append(
            {
                "service_part_id": f"SP-{i + 1:05d}",
                "part_number": f"SP{i + 1:06d}",
                "part_name": f"{name} {chr(65 + i % 26)}{i // 26 + 1}",
                "part_category": cat,
                "part_type": ptype,
                "description": name,
                "manufacturer": "GenIMS",
                "manufacturer_part_number": f"GN-{rng.randint(10**5, 10**6 - 1)}",
                "compatible_products": json.dumps([p["product_name"] for p in fits]),
                "compatible_models": json.dumps([p["product_code"] for p in fits]),
                "unit_of_measure": "EA",
                "current_stock": float(rng.randint(0, 400)),
                "min_stock_level": 10.0,
                "reorder_point": 20.0,
                "warehouse_locations": json.dumps([f"SVC-WH:{rng.choice('ABC')}{rng.randint(1, 30):02d}"]),
                "stock_allocated_to_technicians": float(rng.randint(0, 20)),
                "standard_cost": cost,
                "service_price": round(cost * rng.uniform(1.3, 1.8), 4),
                "annual_usage_quantity": 0.0,
                "last_used_date": None,
                "is_obsolete": False,
                "replacement_part_id": None,
                "is_active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
    for p in parts[len(PART_NAMES) :: 17]:  # superseded parts point at their successor
        p.update(is_obsolete=True, is_active=False, replacement_part_id=parts[0]["service_part_id"])
    live = [p for p in parts if not p["is_obsolete"]]
    usage = []

    def use(part, qty, kind, day, ticket=None, visit=None, claim=None, tech=None):
        usage.append(
            {
                "usage_id": f"SPU-{len(usage) + 1:06d}",
                "service_part_id": part["service_part_id"],
                "quantity_used": qty,
                "unit_of_measure": "EA",
                "unit_cost": part["standard_cost"],
                "total_cost": money(qty * part["standard_cost"]),
                "usage_type": kind,
                "ticket_id": ticket,
                "appointment_id": visit,
                "warranty_claim_id": claim,
                "used_by_technician_id": tech,
                "usage_date": day,
                "created_at": datetime.combine(day, time(12)),
            }
        )
        part["annual_usage_quantity"] += qty
        part["last_used_date"] = max(part["last_used_date"] or day, day)

    for a in appointments:
        if a["appointment_status"] != "completed" or rng.random() < 0.3:
            continue
        picked = rng.sample(live, rng.randint(1, 2))
        charge = 0.0
        for p in picked:
            qty = float(rng.randint(1, 4))
            use(
                p,
                qty,
                "field_service",
                a["appointment_date"],
                a["ticket_id"],
                a["appointment_id"],
                tech=a["assigned_technician_id"],
            )
            charge += qty * p["service_price"]
        a["parts_used"] = json.dumps([p["part_number"] for p in picked])
        a["parts_charges"] = money(charge)
        a["total_charges"] = money(a["labor_charges"] + a["parts_charges"] + a["travel_charges"])
    for c in claims:
        if c["approved"]:
            use(
                rng.choice(live),
                float(rng.randint(1, 3)),
                "warranty",
                c["approved_date"],
                c["ticket_id"],
                claim=c["claim_id"],
            )
    for t in tickets:
        if t["category"] == "technical" and t["resolved_datetime"] and rng.random() < 0.2:
            use(rng.choice(live), 1.0, "repair", t["resolved_datetime"].date(), t["ticket_id"])
    for _ in range(max(2, len(tickets) // 20)):
        use(rng.choice(live), float(rng.randint(1, 5)), "internal", rng.choice(world["days"]))
    for p in parts:
        p["annual_usage_quantity"] = round(p["annual_usage_quantity"] * 365 / ctx.days, 4)
    done = defaultdict(int)
    for a in appointments:
        if a["appointment_status"] == "completed":
            done[a["assigned_technician_id"]] += 1
    for t in techs:
        t.pop("_city")
        t["total_jobs_completed"] = done[t["technician_id"]]
        t["avg_job_rating"] = round(rng.uniform(3.6, 4.9), 2) if done[t["technician_id"]] else None
        t["technician_status"] = (
            "on_job"
            if any(
                a["assigned_technician_id"] == t["technician_id"] and a["appointment_status"] == "in_progress"
                for a in appointments
            )
            else "available"
        )
    ctx.add("service", "field_technicians", techs)
    ctx.add("service", "field_service_appointments", appointments)
    ctx.add("service", "service_parts", parts)
    ctx.add("service", "service_parts_usage", usage)


def _surveys(ctx, rng, world, tickets, appointments, created) -> None:
    """Survey definitions; NPS answers from every customer account, CSAT/CES after tickets, custom ones after visits."""
    surveys = [
        ("SUR-CSAT", "Ticket satisfaction", "csat", "ticket_closed"),
        ("SUR-NPS", "Quarterly relationship survey", "nps", "quarterly"),
        ("SUR-CES", "Customer effort", "ces", "ticket_resolved"),
        ("SUR-FSV", "Field visit feedback", "custom", "visit_completed"),
        ("SUR-ANN", "Annual customer survey (previous programme)", "custom", "annual"),
        ("SUR-PORTAL", "Portal usability pilot", "ces", "portal_login"),
    ]
    ctx.add(
        "service",
        "customer_surveys",
        [
            {
                "survey_id": sid,
                "survey_code": sid[4:],
                "survey_name": name,
                "survey_type": kind,
                "trigger_event": trigger,
                "questions": json.dumps(
                    [
                        {
                            "id": "q1",
                            "text": "How likely are you to recommend us?"
                            if kind == "nps"
                            else "How satisfied were you?",
                        }
                    ]
                ),
                "survey_status": {"SUR-ANN": "archived", "SUR-PORTAL": "inactive"}.get(sid, "active"),
                "is_active": sid not in ("SUR-ANN", "SUR-PORTAL"),
                "created_at": created,
            }
            for sid, name, kind, trigger in surveys
        ],
    )
    rows = []

    def answer(survey, acc_id, contact, at, ticket=None, visit=None, csat=None, nps=None, ces=None):
        mood = (nps / 10 if nps is not None else (csat - 1) / 4 if csat is not None else (7 - ces) / 6) * 2 - 1
        rows.append(
            {
                "response_id": "",
                "survey_id": survey,
                "account_id": acc_id,
                "contact_id": contact,
                "ticket_id": ticket,
                "appointment_id": visit,
                "csat_rating": csat,
                "nps_score": nps,
                "ces_score": ces,
                "responses": json.dumps({"q1": nps if nps is not None else csat if csat is not None else ces}),
                "general_feedback": None
                if rng.random() < 0.6
                else rng.choice(
                    ["Quick response", "Too many follow-ups", "Good quality", "Delivery needs improvement"]
                ),
                "sentiment": "positive" if mood > 0.3 else "negative" if mood < -0.2 else "neutral",
                "sentiment_score": round(max(-1.0, min(1.0, mood + rng.uniform(-0.1, 0.1))), 2),
                "responded_at": at,
                "created_at": at,
            }
        )

    by_health = sorted(world["accounts"], key=lambda a: (a["health_score"], a["account_id"]))
    for acc in world["accounts"]:
        people = world["contacts"].get(acc["account_id"]) or [None]
        for k in range(rng.randint(1, 2)):
            person = rng.choice(people)
            score = max(0, min(10, round(rng.gauss(2.5 + acc["health_score"] / 12, 2.0))))
            # the least healthy account always has a detractor and the healthiest a promoter, even in a small sample
            if k == 0 and acc is by_health[0]:
                score = min(score, rng.randint(2, 6))
            elif k == 0 and acc is by_health[-1]:
                score = max(score, rng.randint(9, 10))
            answer(
                "SUR-NPS",
                acc["account_id"],
                person["contact_id"] if person else None,
                _business_moment(ctx, rng, world["days"]),
                nps=score,
            )
    for t in tickets:
        if t["csat_rating"] is not None:
            at = t["csat_survey_sent_datetime"] + timedelta(hours=rng.uniform(1, 40))
            if at <= ctx.end:
                answer("SUR-CSAT", t["account_id"], t["contact_id"], at, ticket=t["ticket_id"], csat=t["csat_rating"])
        elif t["resolved_datetime"] and rng.random() < 0.1:
            at = t["resolved_datetime"] + timedelta(hours=rng.uniform(1, 30))
            if at <= ctx.end:
                answer(
                    "SUR-CES",
                    t["account_id"],
                    t["contact_id"],
                    at,
                    ticket=t["ticket_id"],
                    ces=weighted(rng, {1: 2, 2: 3, 3: 3, 4: 2, 5: 1, 6: 1, 7: 1}),
                )
    for a in appointments:
        if a["appointment_status"] == "completed" and rng.random() < 0.4:
            at = a["checked_out_datetime"] + timedelta(hours=rng.uniform(2, 30))
            if at <= ctx.end:
                answer(
                    "SUR-FSV",
                    a["account_id"],
                    a["contact_id"],
                    at,
                    ticket=a["ticket_id"],
                    visit=a["appointment_id"],
                    csat=weighted(rng, {5: 4, 4: 4, 3: 2, 2: 1}),
                )
    rows.sort(key=lambda r: r["responded_at"])
    for i, r in enumerate(rows):
        r["response_id"] = f"SRS-{i + 1:06d}"
    ctx.add("service", "survey_responses", rows)
    feedback = []
    n = ctx.count(30 * ctx.days / 90, minimum=6)
    for i, kind in enumerate(cover(rng, n, {"compliment": 2, "complaint": 3, "suggestion": 2, "review": 2})):
        acc = rng.choices(world["accounts"], world["weights"])[0]
        at = _business_moment(ctx, rng, world["days"])
        rating = {
            "compliment": rng.randint(4, 5),
            "complaint": rng.randint(1, 2),
            "suggestion": rng.randint(3, 4),
            "review": rng.randint(2, 5),
        }[kind]
        status = (
            weighted(rng, {"submitted": 2, "acknowledged": 3, "under_review": 2, "addressed": 4})
            if at < ctx.end - timedelta(days=2)
            else "submitted"
        )
        person = rng.choice(world["contacts"].get(acc["account_id"]) or [None])
        ticket = next((t for t in tickets if t["account_id"] == acc["account_id"] and t["created_at"] <= at), None)
        feedback.append(
            {
                "feedback_id": f"FB-{i + 1:05d}",
                "account_id": acc["account_id"],
                "contact_id": person["contact_id"] if person else None,
                "feedback_type": kind,
                "ticket_id": ticket["ticket_id"] if ticket and rng.random() < 0.4 else None,
                "product_name": rng.choice(list(world["products"].values()))["product_name"],
                "subject": f"{kind.title()} from {acc['account_name']}",
                "feedback_text": {
                    "compliment": "Excellent support during line trial",
                    "complaint": "Repeated delivery delays this month",
                    "suggestion": "Share PPAP documents through the portal",
                    "review": "Quality is consistent",
                }[kind],
                "overall_rating": rating,
                "feedback_status": status,
                "response_text": "Thank you, we have taken action" if status == "addressed" else None,
                "responded_by": "Customer care" if status == "addressed" else None,
                "responded_at": min(ctx.end, at + timedelta(days=1)) if status == "addressed" else None,
                "sentiment": "positive" if rating >= 4 else "negative" if rating <= 2 else "neutral",
                "created_at": at,
            }
        )
    ctx.add("service", "customer_feedback", feedback)


def _portal(ctx, rng, world) -> None:
    rows = []
    for acc in world["accounts"]:
        for person in (world["contacts"].get(acc["account_id"]) or [])[: rng.randint(1, 2)]:
            created = ctx.start - timedelta(days=rng.randint(10, 700))
            status = weighted(rng, {"active": 18, "locked": 1, "suspended": 1}) if rows else "active"
            rows.append(
                {
                    "portal_user_id": f"PU-{len(rows) + 1:05d}",
                    "account_id": acc["account_id"],
                    "contact_id": person["contact_id"],
                    "username": f"{person['first_name'].lower()}.{person['last_name'].lower()}.{len(rows) + 1}",
                    "email": person["email"],
                    "password_hash": f"pbkdf2_sha256${rng.getrandbits(64):016x}",
                    "password_salt": f"{rng.getrandbits(32):08x}",
                    "user_status": status,
                    "last_login_datetime": ctx.end - timedelta(hours=rng.uniform(1, 24 * ctx.days)),
                    "login_count": rng.randint(1, 300),
                    "email_verified": rng.random() < 0.9,
                    "verification_token": None,
                    "created_at": created,
                    "updated_at": max(created, ctx.end - timedelta(days=rng.randint(0, ctx.days - 1))),
                }
            )
    if len(rows) > 2:
        rows[1]["user_status"], rows[2]["user_status"] = "locked", "suspended"
    ctx.add("service", "portal_users", rows)


def _metrics(ctx, tickets) -> None:
    """One row per window day, computed from the tickets as they stood at the end of that day."""
    rows = []
    for day in ctx.window_days():
        start = datetime.combine(day, time())
        stop = min(ctx.end, start + timedelta(days=1))
        new = [t for t in tickets if start <= t["created_at"] < stop]
        resolved = [t for t in tickets if t["resolved_datetime"] and start <= t["resolved_datetime"] < stop]
        responded = [t for t in new if t["first_response_datetime"] and t["first_response_datetime"] < stop]
        csat = [
            t["csat_rating"]
            for t in tickets
            if t["csat_rating"] and t["closed_datetime"] and start <= t["closed_datetime"] < stop
        ]
        resp_met = sum(not t["response_sla_breached"] for t in responded)
        res_met = sum(not t["resolution_sla_breached"] for t in resolved)
        fcr = sum(
            1
            for t in resolved
            if t["escalation_level"] == 0 and t["reopened_count"] == 0 and t["resolution_time_minutes"] < 480
        )
        rows.append(
            {
                "metric_id": f"SMD-{day:%Y%m%d}",
                "metric_date": day,
                "tickets_created": len(new),
                "tickets_resolved": len(resolved),
                "tickets_closed": sum(
                    1 for t in tickets if t["closed_datetime"] and start <= t["closed_datetime"] < stop
                ),
                "tickets_reopened": sum(1 for t in resolved if t["reopened_count"]),
                "backlog_count": sum(
                    1
                    for t in tickets
                    if t["created_at"] < stop and not (t["resolved_datetime"] and t["resolved_datetime"] < stop)
                ),
                "avg_first_response_time_minutes": round(
                    sum(t["first_response_time_minutes"] for t in responded) / len(responded)
                )
                if responded
                else None,
                "response_sla_met_count": resp_met,
                "response_sla_breached_count": len(responded) - resp_met,
                "response_sla_compliance_pct": round(100 * resp_met / len(responded), 2) if responded else None,
                "avg_resolution_time_minutes": round(
                    sum(t["resolution_time_minutes"] for t in resolved) / len(resolved)
                )
                if resolved
                else None,
                "resolution_sla_met_count": res_met,
                "resolution_sla_breached_count": len(resolved) - res_met,
                "resolution_sla_compliance_pct": round(100 * res_met / len(resolved), 2) if resolved else None,
                "fcr_count": fcr,
                "fcr_rate_pct": round(100 * fcr / len(resolved), 2) if resolved else None,
                "csat_responses_count": len(csat),
                "avg_csat_rating": round(sum(csat) / len(csat), 2) if csat else None,
                "csat_5_count": sum(1 for c in csat if c == 5),
                "csat_1_2_count": sum(1 for c in csat if c <= 2),
                "phone_tickets": sum(1 for t in new if t["channel"] == "phone"),
                "email_tickets": sum(1 for t in new if t["channel"] == "email"),
                "chat_tickets": sum(1 for t in new if t["channel"] == "chat"),
                "portal_tickets": sum(1 for t in new if t["channel"] == "web_portal"),
                "critical_tickets": sum(1 for t in new if t["priority"] == "critical"),
                "high_tickets": sum(1 for t in new if t["priority"] in ("urgent", "high")),
                "medium_tickets": sum(1 for t in new if t["priority"] == "medium"),
                "low_tickets": sum(1 for t in new if t["priority"] == "low"),
                "created_at": stop,
            }
        )
    ctx.add("service", "service_metrics_daily", rows)


def _finish_agents(ctx, agents, tickets) -> None:
    mine = defaultdict(list)
    for t in tickets:
        if t["assigned_to"]:
            mine[t["assigned_to"]].append(t)
    for a in agents:
        done = [t for t in mine[a["agent_id"]] if t["resolved_datetime"]]
        rated = [t["csat_rating"] for t in done if t["csat_rating"]]
        open_now = [t for t in mine[a["agent_id"]] if not t["resolved_datetime"]]
        a["total_tickets_resolved"] = len(done)
        a["avg_resolution_time_hours"] = (
            round(sum(t["resolution_time_minutes"] for t in done) / 60 / len(done), 2) if done else None
        )
        a["avg_csat_rating"] = round(sum(rated) / len(rated), 2) if rated else None
        a["first_contact_resolution_rate"] = (
            round(100 * sum(1 for t in done if t["escalation_level"] == 0) / len(done), 2) if done else None
        )
        a["current_ticket_count"] = len(open_now)
        a["agent_status"] = "busy" if len(open_now) >= 2 else "available"
        a["updated_at"] = ctx.end


def _integration_log(ctx, rng, tickets, rmas) -> None:
    """Tickets mirrored to CRM cases, and approved returns announced to the warehouse and to ERP for credit."""
    rows = []
    for t in tickets:
        if t["category"] in ("quality", "delivery") or t["priority"] == "critical":
            rows.append((t["created_at"] + timedelta(minutes=2), "outbound", "ticket_to_crm_case", t["ticket_id"]))
    for r in rmas:
        if r["approved_date"]:
            rows.append((datetime.combine(r["approved_date"], time(12)), "outbound", "rma_to_wms", r["rma_id"]))
        if r["refund_processed_date"]:
            rows.append(
                (datetime.combine(r["refund_processed_date"], time(12)), "outbound", "credit_memo_to_erp", r["rma_id"])
            )
    out = []
    for at, direction, doc, doc_id in sorted(rows):
        if at > ctx.end:
            continue
        status = weighted(rng, {"completed": 94, "error": 3, "pending": 2, "in_progress": 1})
        out.append(
            {
                "log_id": f"SIL-{len(out) + 1:06d}",
                "log_timestamp": at,
                "integration_direction": direction,
                "document_type": doc,
                "document_id": doc_id,
                "integration_status": status,
                "error_message": "Target system unavailable" if status == "error" else None,
                "integration_data": {"id": doc_id},
                "retry_count": int(status == "error"),
                "last_retry_at": min(ctx.end, at + timedelta(minutes=15)) if status == "error" else None,
            }
        )
    ctx.add("service", "service_integration_log", out)
