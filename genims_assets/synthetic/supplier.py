"""genims_supplier_db: supplier invoices and their three-way match, performance, scorecards, contracts, RFQs, portal.

Invoices come from the ERP goods receipts: a few days after a delivery the supplier bills everything of the
purchase order received by then (not the rejected parts); invoices carried over from before the window (about
terms + a week of purchases, no purchase order, some disputed) make the opening payables, aging past 90 days.
`plan_invoices` decides every invoice, its lines, its match and its payment; erp_finance calls the same
function to post them to the general ledger (accounts payable, payments), so the two databases agree to the cent.
Payment status: paid, open (approved, not yet paid) or on_hold (a match exception outside the 2 % tolerance,
not yet resolved).

Monthly tables (performance metrics, scorecards) have one row per supplier per month of the window; contracts,
pricing, portal users, documents and qualification are per supplier; RFQs about one every two days, audits
for about a third of the suppliers, notifications and the portal integration log per purchase order and invoice.
The supplier database's own purchase_requisitions tables stay empty: requisitions live in the ERP.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.erp import GST_RATE, at, working_day

TERMS = {"NET30": 30, "NET60": 60, "2/10NET30": 30}
TOLERANCE_PCT = 2.0


@dataclass
class PlannedInvoice:
    """A supplier invoice as both databases see it."""

    header: dict
    lines: list[dict]
    matches: list[dict]
    plant_id: str
    received_value: float  # the invoiced quantities at purchase order prices: what clears GR/IR
    discount: float  # cash discount taken at payment
    carried_over: bool  # dated before the window: part of the opening balance


def portal_user_id(supplier_id: str, k: int = 1) -> str:
    return f"SPU-{supplier_id[4:]}-{k:02d}"


def plan_invoices(ctx: GenContext) -> list[PlannedInvoice]:
    """Every supplier invoice of the window (and the open ones carried into it), deterministic for a context."""
    rng = ctx.rng("supplier.invoices")
    suppliers = {s["supplier_id"]: s for s in ctx.rows("erp", "suppliers")}
    orders = {o["purchase_order_id"]: o for o in ctx.rows("erp", "purchase_orders")}
    po_lines = {line["po_line_id"]: line for line in ctx.rows("erp", "purchase_order_lines")}
    by_order = defaultdict(list)
    for gr in ctx.rows("erp", "goods_receipts"):
        if gr["quality_status"] != "blocked":
            by_order[gr["purchase_order_id"]].append(gr)
    approvers = {}
    for e in ctx.rows("master", "employees"):
        if e["role"] == "manager" and e["status"] == "active":
            approvers.setdefault(e["factory_id"], e["employee_id"])
    plans = []
    for po_id, receipts in sorted(by_order.items()):
        # the supplier bills a few days after a delivery, for everything received by then
        receipts.sort(key=lambda gr: gr["gr_date"])
        while receipts:
            day = working_day(
                receipts[0]["gr_date"] + timedelta(days=weighted(rng, {0: 2, 1: 3, 2: 3, 3: 2, 5: 1, 8: 1}))
            )
            if day > ctx.end.date():
                break
            batch = [gr for gr in receipts if gr["gr_date"] <= day]
            receipts = receipts[len(batch) :]
            order = orders[po_id]
            items = [(gr["goods_receipt_id"], po_lines[gr["po_line_id"]], gr["quantity_received"]) for gr in batch]
            plant = po_lines[batch[0]["po_line_id"]]["plant_id"]
            plans.append(
                _invoice(
                    ctx,
                    rng,
                    len(plans),
                    suppliers[order["supplier_id"]],
                    order,
                    day,
                    items,
                    plant,
                    approvers.get(plant),
                    plans,
                )
            )
    materials = defaultdict(list)
    for m in ctx.rows("erp", "materials"):
        if m["default_supplier_id"]:
            materials[m["default_supplier_id"]].append(m)
    spend = defaultdict(lambda: defaultdict(float))  # supplier -> plant -> value per day
    for o in orders.values():
        if o["po_status"] != "cancelled":
            spend[o["supplier_id"]][o["delivery_address_id"]] += o["total_value"] / ctx.days
    for supplier in suppliers.values():
        # what was owed when the window began: about (terms + a week) of purchases, one invoice per ~10 days
        own = materials[supplier["supplier_id"]]
        terms = TERMS.get(supplier["payment_terms"], 30)
        for plant, rate in sorted(spend[supplier["supplier_id"]].items()):
            for n in range((terms + 10) // 10):
                day = ctx.start.date() - timedelta(days=10 * n + rng.randint(1, 10))
                if not any(p.carried_over for p in plans):  # the one on hold for good: past 90 days at the end
                    day = min(day, ctx.end.date() - timedelta(days=100))
                parts = rng.sample(own, min(2, len(own)))
                items = []
                for m in parts:
                    price = m["last_purchase_price"] or m["standard_cost"]
                    line = {
                        "po_line_id": None,
                        "material_id": m["material_id"],
                        "material_description": m["material_name"],
                        "unit_of_measure": m["base_unit_of_measure"],
                        "unit_price": price,
                    }
                    qty = max(1.0, round(rate * 10 * rng.uniform(0.7, 1.3) / 1.18 / len(parts) / price))
                    items.append((None, line, float(qty)))
                plans.append(
                    _invoice(ctx, rng, len(plans), supplier, None, day, items, plant, approvers.get(plant), plans)
                )
    return plans


def _invoice(
    ctx: GenContext,
    rng,
    n: int,
    supplier: dict,
    order: dict | None,
    day: date,
    items: list,
    plant: str,
    approver: str | None,
    plans_so_far: list[PlannedInvoice],
) -> PlannedInvoice:
    invoice_id = f"SINV-{n + 1:06d}"
    # the first invoices carry each kind of exception, so that all occur at any scale
    kind = (
        ("price", "quantity", "small_price")[n]
        if n < 3
        else weighted(rng, {"none": 82, "price": 8, "small_price": 5, "quantity": 5})
    )
    odd = rng.randrange(len(items))
    lines, expected = [], 0.0
    for k, (receipt_id, po_line, received) in enumerate(items):
        price, qty = po_line["unit_price"], received
        if k == odd and kind == "price":
            price = round(price * rng.uniform(1.03, 1.09), 4)
        elif k == odd and kind == "small_price":
            price = round(price * rng.uniform(1.002, 1.015), 4)
        elif k == odd and kind == "quantity":
            qty = float(round(received * rng.uniform(1.04, 1.15)) or received + 1)
        expected += money(received * po_line["unit_price"])
        lines.append(
            {
                "line_id": f"{invoice_id}-{k + 1:02d}",
                "invoice_id": invoice_id,
                "line_number": k + 1,
                "po_line_id": po_line["po_line_id"],
                "receipt_line_id": receipt_id,
                "material_id": po_line["material_id"],
                "line_description": po_line["material_description"],
                "invoiced_quantity": qty,
                "unit_of_measure": po_line["unit_of_measure"],
                "unit_price": price,
                "line_total": money(qty * price),
                "po_quantity": po_line.get("order_quantity"),
                "received_quantity": received,
                "po_unit_price": po_line["unit_price"],
                "quantity_variance": round(qty - received, 4),
                "price_variance": money((price - po_line["unit_price"]) * qty),
                "match_status": "matched"
                if (qty, price) == (received, po_line["unit_price"])
                else "quantity_exception"
                if qty != received
                else "price_exception",
                "expense_account_id": "ACC-2110" if order else "ACC-1300",
                "created_at": at(ctx, day, 11),
            }
        )
    subtotal = money(sum(line["line_total"] for line in lines))
    variance = money(subtotal - expected)
    pct = round(variance / expected * 100, 2) if expected else 0.0
    within = abs(pct) <= TOLERANCE_PCT
    exception = None if within else ("quantity_exception" if kind == "quantity" else "price_exception")
    disputed = order is None and (rng.random() < 0.2 or not any(p.carried_over for p in plans_so_far))
    if disputed:  # carried-over disputes (the first one is never settled: an invoice on hold past 90 days)
        exception = "price_exception"
    tax = money(subtotal * GST_RATE)
    freight = money(subtotal * 0.01) if rng.random() < 0.12 else 0.0
    total = money(subtotal + tax + freight)
    due = day + timedelta(days=TERMS.get(supplier["payment_terms"], 30))
    resolved = day + timedelta(days=rng.randint(3, 30)) if exception else day + timedelta(days=rng.randint(0, 3))
    resolved = None if disputed and not any(p.carried_over for p in plans_so_far) else resolved
    resolved = resolved if resolved and resolved <= ctx.end.date() else None
    early = supplier["payment_terms"] == "2/10NET30" and not exception and rng.random() < 0.6
    pay = day + timedelta(days=10) if early else due + timedelta(days=weighted(rng, {-2: 2, 0: 5, 3: 3, 10: 1, 25: 1}))
    if pay < ctx.start.date() + timedelta(days=1):  # open when the window began: paid in its first weeks
        pay = ctx.start.date() + timedelta(days=rng.randint(1, 20))
    pay = working_day(max(pay, (resolved or day) + timedelta(days=1)))
    paid = resolved is not None and pay <= ctx.end.date()
    discount = money(total * 0.02) if early and paid else 0.0
    status = "paid" if paid else "on_hold" if exception and not resolved else "approved" if resolved else "received"
    header = {
        "invoice_id": invoice_id,
        "invoice_number": f"51{n + 1:08d}",
        "supplier_invoice_number": f"{supplier['supplier_code']}/{day:%y}/{rng.randint(1000, 99999)}",
        "supplier_id": supplier["supplier_id"],
        "purchase_order_id": order["purchase_order_id"] if order else None,
        "invoice_date": day,
        "due_date": due,
        "subtotal": subtotal,
        "tax_amount": tax,
        "freight_charges": freight,
        "other_charges": 0.0,
        "discount_amount": 0.0,
        "total_amount": total,
        "currency_code": "INR",
        "exchange_rate": 1.0,
        "payment_terms": supplier["payment_terms"],
        "matching_status": exception or "matched",
        "po_match": order is not None,
        "receipt_match": order is not None,
        "price_match": all(line["unit_price"] == line["po_unit_price"] for line in lines),
        "quantity_match": all(line["quantity_variance"] == 0 for line in lines),
        "quantity_variance": round(sum(line["quantity_variance"] for line in lines), 4),
        "price_variance": money(sum(line["price_variance"] for line in lines)),
        "total_variance": variance,
        "variance_reason": {
            "price_exception": "Invoiced price above purchase order price",
            "quantity_exception": "Invoiced quantity above received quantity",
        }.get(exception),
        "variance_approved_by": approver if exception and resolved else None,
        "variance_approved_date": resolved if exception else None,
        "invoice_status": status,
        "approved_by": approver if resolved else None,
        "approved_date": resolved,
        "approval_notes": "2% cash discount taken" if discount else None,
        "payment_status": "paid" if paid else "on_hold" if status == "on_hold" else "open",
        "payment_id": f"PAY-{invoice_id[5:]}" if paid else None,
        "paid_date": pay if paid else None,
        "paid_amount": money(total - discount) if paid else None,
        "gl_journal_entry_id": None,
        "gl_posted": True,
        "invoice_document_url": f"https://portal.genims.example/invoices/{invoice_id}.pdf",
        "submitted_via": weighted(rng, {"portal": 6, "email": 3, "edi": 1}),
        "submitted_by": portal_user_id(supplier["supplier_id"]),
        "submitted_at": at(ctx, max(day, ctx.start.date()), rng.uniform(8, 18)) if order else None,
        "created_at": at(ctx, max(day, ctx.start.date()), 18),
        "updated_at": at(ctx, pay if paid else resolved or day, 18),
    }
    matches = [_match(ctx, header, order, items, expected, subtotal, pct, within, exception, day, resolved, 0)]
    if exception and resolved:
        matches.append(_match(ctx, header, order, items, expected, subtotal, pct, within, None, resolved, resolved, 1))
    received_value = money(sum(line["invoiced_quantity"] * line["po_unit_price"] for line in lines)) if order else 0.0
    return PlannedInvoice(header, lines, matches, plant, received_value, discount, order is None)


def _match(ctx, header, order, items, expected, actual, pct, within, exception, day, resolved, k) -> dict:
    return {
        "log_id": f"TWM-{header['invoice_id'][5:]}-{k + 1}",
        "invoice_id": header["invoice_id"],
        "match_timestamp": at(ctx, max(day, ctx.start.date()), 12 + 3 * k),
        "match_type": "three_way" if order else "two_way",
        "po_id": order["purchase_order_id"] if order else None,
        "receipt_id": items[0][0],
        "match_result": exception or "matched",
        "expected_amount": money(expected),
        "actual_amount": actual,
        "variance_amount": money(actual - expected),
        "variance_pct": pct,
        "within_tolerance": within,
        "tolerance_pct": TOLERANCE_PCT,
        "action_taken": "on_hold" if exception else "variance_approved" if k else "auto_approved",
        "notes": f"Variance approved on {resolved}" if k else None,
    }


def generate(ctx: GenContext) -> None:
    """Every table of genims_supplier_db except its purchase requisitions (the ERP holds those)."""
    rng = ctx.rng("supplier")
    suppliers = ctx.rows("erp", "suppliers")
    _invoices(ctx)
    users = _portal_users(ctx, rng, suppliers)
    _contracts(ctx, rng, suppliers)
    rfq_stats = _rfqs(ctx, rng, suppliers)
    audits = _audits(ctx, rng, suppliers)
    _documents_and_qualification(ctx, rng, suppliers)
    _performance(ctx, rng, suppliers, rfq_stats, audits)
    _notifications(ctx, rng, users)


def _invoices(ctx: GenContext) -> None:
    journal = {}
    for h in ctx.rows("erp", "journal_entry_headers"):
        if h["source_type"] in ("auto_purchase_invoice", "opening_balance"):
            journal[h["source_document_id"]] = h["journal_entry_id"]
    headers, lines, matches = [], [], []
    for inv in plan_invoices(ctx):
        key = inv.plant_id if inv.carried_over else inv.header["invoice_id"]
        headers.append({**inv.header, "gl_journal_entry_id": journal.get(key)})
        lines += inv.lines
        matches += inv.matches
    ctx.add("supplier", "supplier_invoices", headers)
    ctx.add("supplier", "supplier_invoice_lines", lines)
    ctx.add("supplier", "three_way_match_log", matches)


def _portal_users(ctx: GenContext, rng, suppliers: list[dict]) -> list[dict]:
    created = ctx.start - timedelta(days=300)
    rows = []
    for s in suppliers:
        for k in range(1, weighted(rng, {1: 3, 2: 4, 3: 2}) + 1):
            role = ("admin", "sales", "accounts")[k - 1]
            login = at(ctx, ctx.end.date() - timedelta(days=rng.randint(0, 40)), rng.uniform(8, 19))
            rows.append(
                {
                    "portal_user_id": portal_user_id(s["supplier_id"], k),
                    "supplier_id": s["supplier_id"],
                    "user_email": f"{role}{k}@supplier{s['supplier_id'][4:]}.example",
                    "user_name": f"{role.title()} user {s['supplier_code']}",
                    "user_phone": f"+91-98{rng.randint(10000000, 99999999)}",
                    "user_role": role,
                    "can_view_rfqs": True,
                    "can_submit_quotes": role != "accounts",
                    "can_view_pos": True,
                    "can_submit_invoices": role in ("admin", "accounts"),
                    "can_view_payments": role in ("admin", "accounts"),
                    "can_view_performance": role == "admin",
                    "is_active": s["supplier_status"] != "blocked",
                    "last_login": login,
                    "login_count": rng.randint(5, 400),
                    "password_hash": f"pbkdf2_sha256${rng.getrandbits(64):016x}",
                    "password_reset_required": False,
                    "created_at": created,
                    "updated_at": login,
                }
            )
    ctx.add("supplier", "supplier_portal_users", rows)
    return rows


def _contracts(ctx: GenContext, rng, suppliers: list[dict]) -> None:
    orders = defaultdict(list)
    for o in ctx.rows("erp", "purchase_orders"):
        orders[o["supplier_id"]].append(o)
    supplied = defaultdict(list)
    for m in ctx.rows("erp", "materials"):
        if m["default_supplier_id"]:
            supplied[m["default_supplier_id"]].append(m)
    contracts, pricing = [], []
    for s in suppliers:
        start = ctx.start.date() - timedelta(days=rng.randint(60, 500))
        own = [o for o in orders[s["supplier_id"]] if o["po_status"] != "cancelled"]
        status = {"active": "active", "restricted": "suspended", "blocked": "terminated"}[s["supplier_status"]]
        contract_id = f"SC-{s['supplier_id'][4:]}"
        contracts.append(
            {
                "contract_id": contract_id,
                "contract_number": contract_id,
                "supplier_id": s["supplier_id"],
                "contract_name": f"Supply agreement {s['supplier_name']}",
                "contract_type": weighted(rng, {"framework": 3, "annual": 2, "spot": 1}),
                "start_date": start,
                "end_date": start + timedelta(days=rng.choice([365, 730, 1095])),
                "currency_code": "INR",
                "payment_terms": s["payment_terms"],
                "minimum_order_quantity": 10.0,
                "maximum_order_quantity": 100000.0,
                "committed_annual_value": money(
                    sum(o["total_value"] for o in own) * 365 / ctx.days * rng.uniform(0.8, 1.2)
                ),
                "delivery_terms": "DAP plant",
                "quality_terms": "IATF 16949, PPAP level 3",
                "warranty_terms": "12 months",
                "return_policy": "Rejected lots returned at supplier cost",
                "penalty_for_delay": money(rng.uniform(0.5, 2) * 1000),
                "incentive_for_early": 0.0,
                "auto_renew": rng.random() < 0.5,
                "renewal_notice_days": 60,
                "contract_status": status,
                "approved_by": None,
                "approved_date": start - timedelta(days=10),
                "contract_document_url": f"https://contracts.genims.example/{contract_id}.pdf",
                "actual_spend_to_date": money(sum(o["total_value"] for o in own)),
                "orders_placed": len(own),
                "created_at": at(ctx, start - timedelta(days=20), 10)
                if start - timedelta(days=20) < ctx.end.date()
                else ctx.end,
                "updated_at": ctx.end,
            }
        )
        for m in supplied[s["supplier_id"]]:
            previous = round(m["standard_cost"] * rng.uniform(0.9, 1.02), 4)
            price = m["last_purchase_price"] or m["standard_cost"]
            revised = ctx.start.date() - timedelta(days=rng.randint(0, 120))
            pricing.append(
                {
                    "pricing_id": f"CP-{len(pricing) + 1:05d}",
                    "contract_id": contract_id,
                    "material_id": m["material_id"],
                    "unit_price": price,
                    "currency_code": "INR",
                    "effective_from": revised,
                    "effective_to": None,
                    "min_order_quantity": m["minimum_order_quantity"],
                    "max_order_quantity": m["maximum_stock"] * 4,
                    "standard_lead_time_days": m["lead_time_days"],
                    "price_revision_date": revised,
                    "previous_unit_price": previous,
                    "price_change_pct": round((price - previous) / previous * 100, 2),
                    "is_active": status == "active",
                    "created_at": at(ctx, revised, 10) if revised < ctx.end.date() else ctx.end,
                }
            )
    ctx.add("supplier", "supplier_contracts", contracts)
    ctx.add("supplier", "contract_pricing", pricing)


def _rfqs(ctx: GenContext, rng, suppliers: list[dict]) -> dict:
    """Requests for quotation on raw materials: invited suppliers, responses, a comparison and an award."""
    active = [s for s in suppliers if s["supplier_status"] == "active"]
    materials = [m for m in ctx.rows("erp", "materials") if m["procurement_type"] == "buy"]
    buyers = [e["employee_id"] for e in ctx.rows("master", "employees") if e["role"] == "engineer"][:20]
    days = [d for d in ctx.window_days() if d.weekday() < 5 and d < ctx.end.date()]
    heads, lines, invited, responses, response_lines, comparisons = [], [], [], [], [], []
    stats = defaultdict(lambda: [0, 0, 0.0])  # (supplier, month) -> sent, responded, hours
    for n in range(ctx.count(45 * ctx.days / 90, minimum=8)):
        day = rng.choice(days)
        rfq_id = f"RFQ-{n + 1:05d}"
        deadline = day + timedelta(days=rng.choice([7, 10, 14]))
        items = rng.sample(materials, rng.randint(1, 3))
        closed = deadline < ctx.end.date()
        heads.append(
            {
                "rfq_id": rfq_id,
                "rfq_number": f"RFQ{day:%y}{n + 1:05d}",
                "rfq_title": f"Quotation for {items[0]['material_name']}",
                "rfq_description": f"Annual requirement of {len(items)} item(s)",
                "rfq_type": "standard",
                "requested_by": rng.choice(buyers) if buyers else None,
                "department_id": None,
                "rfq_date": day,
                "response_deadline": deadline,
                "expected_delivery_date": deadline + timedelta(days=30),
                "total_estimated_value": 0.0,
                "currency_code": "INR",
                "quality_requirements": "PPAP level 3",
                "technical_specifications": "As per drawing",
                "delivery_location": rng.choice(ctx.rows("master", "factories"))["factory_id"],
                "payment_terms": "NET60",
                "incoterms": "DAP",
                "rfq_status": "published",
                "published_date": day,
                "published_by": None,
                "awarded_date": None,
                "awarded_to": None,
                "award_notes": None,
                "attachment_urls": [f"https://rfq.genims.example/{rfq_id}/spec.pdf"],
                "created_at": at(ctx, day, 9),
                "updated_at": at(ctx, min(deadline, ctx.end.date()), 17),
            }
        )
        rfq_lines = []
        for k, m in enumerate(items):
            qty = float(m["minimum_order_quantity"] * rng.randint(10, 60))
            rfq_lines.append(
                {
                    "line_id": f"{rfq_id}-{k + 1}",
                    "rfq_id": rfq_id,
                    "line_number": k + 1,
                    "item_type": "material",
                    "material_id": m["material_id"],
                    "item_description": m["material_name"],
                    "quantity": qty,
                    "unit_of_measure": m["base_unit_of_measure"],
                    "target_price": money(m["standard_cost"] * 0.97),
                    "estimated_total": money(qty * m["standard_cost"]),
                    "technical_specs": None,
                    "quality_requirements": None,
                    "required_by_date": deadline + timedelta(days=30),
                    "delivery_schedule": '{"monthly": true}',
                    "created_at": at(ctx, day, 9),
                }
            )
        heads[-1]["total_estimated_value"] = money(sum(line["estimated_total"] for line in rfq_lines))
        lines += rfq_lines
        quotes = []
        for s in rng.sample(active, min(len(active), rng.randint(2, 4))):
            responded = rng.random() < 0.75
            hours = rng.uniform(6, 24 * (deadline - day).days)
            replied = at(ctx, day, 9 + hours)
            responded = responded and replied < ctx.end
            stats[(s["supplier_id"], f"{day:%Y-%m}")][0] += 1
            if responded:
                stats[(s["supplier_id"], f"{day:%Y-%m}")][1] += 1
                stats[(s["supplier_id"], f"{day:%Y-%m}")][2] += hours
            invited.append(
                {
                    "rfq_supplier_id": f"{rfq_id}-{s['supplier_id']}",
                    "rfq_id": rfq_id,
                    "supplier_id": s["supplier_id"],
                    "invited_date": at(ctx, day, 9),
                    "invited_by": heads[-1]["requested_by"],
                    "invitation_method": weighted(rng, {"portal": 3, "email": 1, "both": 1}),
                    "response_status": "responded" if responded else "declined" if closed else "pending",
                    "viewed_date": at(ctx, day, 11),
                    "responded_date": replied if responded else None,
                    "decline_reason": "Capacity not available" if closed and not responded else None,
                    "is_shortlisted": False,
                    "shortlist_notes": None,
                    "created_at": at(ctx, day, 9),
                }
            )
            if responded:
                response_id = f"RSP-{len(responses) + 1:06d}"
                factor = rng.uniform(0.9, 1.12)
                total = 0.0
                for line in rfq_lines:
                    price = round(line["target_price"] * factor * rng.uniform(0.98, 1.02), 4)
                    total += line["quantity"] * price
                    response_lines.append(
                        {
                            "response_line_id": f"{response_id}-{line['line_number']}",
                            "response_id": response_id,
                            "rfq_line_id": line["line_id"],
                            "line_number": line["line_number"],
                            "unit_price": price,
                            "total_price": money(line["quantity"] * price),
                            "lead_time_days": rng.choice([7, 14, 21, 30]),
                            "delivery_date": line["required_by_date"],
                            "meets_specifications": rng.random() < 0.92,
                            "deviation_notes": None,
                            "alternate_material_id": None,
                            "alternate_description": None,
                            "alternate_unit_price": None,
                            "created_at": replied,
                        }
                    )
                responses.append(
                    {
                        "response_id": response_id,
                        "response_number": f"Q{len(responses) + 1:07d}",
                        "rfq_id": rfq_id,
                        "supplier_id": s["supplier_id"],
                        "response_date": replied,
                        "valid_until_date": deadline + timedelta(days=60),
                        "currency_code": "INR",
                        "payment_terms": s["payment_terms"],
                        "delivery_terms": "DAP plant",
                        "total_quoted_value": money(total),
                        "remarks": None,
                        "alternate_proposal": None,
                        "attachment_urls": [],
                        "response_status": "submitted",
                        "created_at": replied,
                    }
                )
                quotes.append(responses[-1])
        if closed and quotes:
            best = min(quotes, key=lambda q: q["total_quoted_value"])
            awarded = deadline + timedelta(days=rng.randint(1, 7))
            for q in quotes:
                q["response_status"] = "accepted" if q is best and awarded <= ctx.end.date() else "evaluated"
            heads[-1].update(rfq_status="awarded" if awarded <= ctx.end.date() else "closed")
            if awarded <= ctx.end.date():
                heads[-1].update(
                    awarded_date=awarded, awarded_to=best["supplier_id"], award_notes="Lowest evaluated price"
                )
            comparisons.append(
                {
                    "comparison_id": f"QC-{rfq_id[4:]}",
                    "rfq_id": rfq_id,
                    "comparison_date": min(deadline + timedelta(days=1), ctx.end.date()),
                    "compared_by": heads[-1]["requested_by"],
                    "price_weight": 40.0,
                    "quality_weight": 30.0,
                    "delivery_weight": 20.0,
                    "service_weight": 10.0,
                    "recommended_supplier_id": best["supplier_id"],
                    "recommendation_notes": f"{len(quotes)} quotations compared",
                    "approved_by": None,
                    "approved_date": None,
                    "comparison_data": {q["supplier_id"]: q["total_quoted_value"] for q in quotes},
                    "created_at": at(ctx, min(deadline + timedelta(days=1), ctx.end.date()), 12),
                }
            )
        elif closed:
            heads[-1]["rfq_status"] = "cancelled"
    ctx.add("supplier", "rfq_headers", heads)
    ctx.add("supplier", "rfq_lines", lines)
    ctx.add("supplier", "rfq_suppliers", invited)
    ctx.add("supplier", "rfq_responses", responses)
    ctx.add("supplier", "rfq_response_lines", response_lines)
    ctx.add("supplier", "quote_comparison", comparisons)
    return stats


def _audits(ctx: GenContext, rng, suppliers: list[dict]) -> dict[str, list[tuple[date, float]]]:
    auditors = [e["employee_id"] for e in ctx.rows("master", "employees") if e["role"] == "quality_inspector"][:30]
    audits, findings, scores = [], [], defaultdict(list)
    for s in suppliers:
        # a supplier's last audit, before the window, and for about a third one inside it
        for day in (
            ctx.start.date() - timedelta(days=rng.randint(60, 300)),
            ctx.start.date() + timedelta(days=rng.randint(0, ctx.days - 1)) if rng.random() < 0.35 else None,
        ):
            if day is None:
                continue
            done = day < ctx.end.date()
            score = round(min(99.0, max(45.0, s["quality_rating"] * 18 + rng.gauss(5, 6))), 2) if done else None
            audit_id = f"SAUD-{len(audits) + 1:05d}"
            major, minor, observed = (
                (rng.choice([0, 0, 1, 2]), rng.randint(0, 4), rng.randint(0, 5)) if done else (0, 0, 0)
            )
            audits.append(
                {
                    "audit_id": audit_id,
                    "audit_number": f"AUD{day:%y}{len(audits) + 1:05d}",
                    "supplier_id": s["supplier_id"],
                    "audit_type": weighted(rng, {"quality_system": 3, "process": 2, "product": 1, "surveillance": 2}),
                    "audit_scope": "IATF 16949 clauses 8.4-8.7",
                    "planned_date": day,
                    "actual_date": day if done else None,
                    "audit_duration_hours": float(rng.choice([4, 6, 8, 12])) if done else None,
                    "lead_auditor": rng.choice(auditors) if auditors else None,
                    "audit_team": rng.sample(auditors, min(2, len(auditors))),
                    "audit_location": f"{s['city']} works",
                    "audit_score": score,
                    "audit_rating": None
                    if score is None
                    else "excellent"
                    if score >= 90
                    else "good"
                    if score >= 80
                    else "acceptable"
                    if score >= 70
                    else "poor",
                    "major_findings": major,
                    "minor_findings": minor,
                    "observations": observed,
                    "followup_required": major > 0,
                    "followup_date": day + timedelta(days=45) if major else None,
                    "audit_report_url": f"https://audits.genims.example/{audit_id}.pdf" if done else None,
                    "audit_status": "completed" if done else "planned",
                    "created_at": at(ctx, max(day - timedelta(days=20), ctx.start.date()), 9),
                    "updated_at": at(ctx, min(day, ctx.end.date()), 17),
                }
            )
            if done:
                scores[s["supplier_id"]].append((day, score))
            for n, kind in enumerate(["major"] * major + ["minor"] * minor):
                closed = day + timedelta(days=rng.randint(10, 60))
                findings.append(
                    {
                        "finding_id": f"{audit_id}-F{n + 1}",
                        "audit_id": audit_id,
                        "finding_number": n + 1,
                        "finding_type": kind,
                        "finding_category": rng.choice(
                            ["documentation", "process_control", "traceability", "calibration"]
                        ),
                        "finding_description": f"{kind.title()} nonconformity found during audit",
                        "evidence": "Audit record",
                        "requirement_reference": f"IATF 16949 {rng.choice(['8.5.1', '7.1.5', '8.4.2', '10.2'])}",
                        "corrective_action_required": True,
                        "corrective_action": "8D report and containment",
                        "responsible_person": s["contact_person"],
                        "target_date": day + timedelta(days=30 if kind == "major" else 60),
                        "finding_status": "closed" if closed <= ctx.end.date() else "open",
                        "closed_date": closed if closed <= ctx.end.date() else None,
                        "closure_verified_by": None,
                        "created_at": at(ctx, max(day, ctx.start.date()), 18),
                    }
                )
    ctx.add("supplier", "supplier_audits", audits)
    ctx.add("supplier", "audit_findings", findings)
    return scores


def _documents_and_qualification(ctx: GenContext, rng, suppliers: list[dict]) -> None:
    documents, qualifications = [], []
    kinds = [
        ("iso_certificate", 3 * 365),
        ("iatf_certificate", 3 * 365),
        ("gst_registration", None),
        ("insurance_certificate", 365),
        ("bank_details", None),
    ]
    for s in suppliers:
        for kind, life in rng.sample(kinds, rng.randint(3, 5)):
            issued = ctx.end.date() - timedelta(days=rng.randint(30, 3 * 365 - 5 if life else 2000))
            expiry = issued + timedelta(days=life) if life else None
            left = (expiry - ctx.end.date()).days if expiry else None
            documents.append(
                {
                    "document_id": f"SDOC-{len(documents) + 1:05d}",
                    "supplier_id": s["supplier_id"],
                    "document_type": kind,
                    "document_name": f"{kind.replace('_', ' ').title()} {s['supplier_code']}",
                    "document_number": f"D{rng.randint(10**6, 10**7)}",
                    "issue_date": issued,
                    "expiry_date": expiry,
                    "verified": True,
                    "verified_by": None,
                    "verified_date": issued + timedelta(days=5),
                    "document_status": "expired" if left is not None and left < 0 else "active",
                    "expiry_alert_sent": left is not None and left < 60,
                    "days_to_expiry": left,
                    "document_url": f"https://docs.genims.example/{s['supplier_id']}/{kind}.pdf",
                    "file_size_kb": rng.randint(80, 4000),
                    "notes": None,
                    "created_at": ctx.start - timedelta(days=200),
                    "updated_at": ctx.start - timedelta(days=200),
                }
            )
        approved = s["supplier_status"] == "active"
        qualifications.append(
            {
                "qualification_id": f"SQ-{s['supplier_id'][4:]}",
                "supplier_id": s["supplier_id"],
                "qualification_status": {"active": "approved", "restricted": "conditional", "blocked": "rejected"}[
                    s["supplier_status"]
                ],
                "business_license_verified": True,
                "tax_registration_verified": True,
                "bank_details_verified": True,
                "iso_certificate_verified": True,
                "financial_health_score": round(rng.uniform(55, 95), 2),
                "credit_rating": rng.choice(["AAA", "AA", "A", "BBB"]),
                "payment_capacity_assessment": "Adequate",
                "production_capacity_verified": True,
                "quality_system_verified": approved,
                "technical_capability_score": round(rng.uniform(60, 95), 2),
                "audit_scheduled_date": None,
                "audit_completed_date": (ctx.start - timedelta(days=400)).date(),
                "audit_score": round(rng.uniform(65, 95), 2),
                "audit_report_url": None,
                "sample_submitted": True,
                "sample_approved": approved,
                "sample_test_results": "PPAP approved",
                "trial_order_placed": True,
                "trial_order_id": None,
                "trial_order_success": approved,
                "approved_by": None,
                "approved_date": (ctx.start - timedelta(days=380)).date() if approved else None,
                "rejection_reason": None if s["supplier_status"] != "blocked" else "Repeated quality escapes",
                "approval_valid_until": (ctx.end + timedelta(days=rng.randint(60, 700))).date() if approved else None,
                "created_at": ctx.start - timedelta(days=420),
                "updated_at": ctx.start - timedelta(days=380),
            }
        )
    ctx.add("supplier", "supplier_documents", documents)
    ctx.add("supplier", "supplier_qualification", qualifications)


def _rating(score: float) -> str:
    return (
        "excellent"
        if score >= 90
        else "good"
        if score >= 80
        else "acceptable"
        if score >= 70
        else "needs_improvement"
        if score >= 60
        else "poor"
    )


def _monthly_facts(ctx: GenContext) -> dict:
    """Per (supplier, YYYY-MM): the counts the scores are made of."""
    facts = defaultdict(lambda: defaultdict(float))
    orders = {o["purchase_order_id"]: o for o in ctx.rows("erp", "purchase_orders")}
    lines = {line["po_line_id"]: line for line in ctx.rows("erp", "purchase_order_lines")}
    cost = {m["material_id"]: m["standard_cost"] for m in ctx.rows("erp", "materials")}
    for o in orders.values():
        facts[(o["supplier_id"], f"{o['po_date']:%Y-%m}")]["pos"] += 1
    for line in lines.values():
        o = orders[line["purchase_order_id"]]
        f = facts[(o["supplier_id"], f"{o['po_date']:%Y-%m}")]
        f["price_lines"] += 1
        f["price_premium"] += max(0.0, line["unit_price"] / cost[line["material_id"]] - 1) * 100
    first = {}
    for gr in ctx.rows("erp", "goods_receipts"):
        f = facts[(gr["supplier_id"], f"{gr['gr_date']:%Y-%m}")]
        f["received"] += gr["quantity_received"]
        f["rejected" if gr["quality_status"] == "blocked" else "accepted"] += gr["quantity_received"]
        first[gr["po_line_id"]] = min(first.get(gr["po_line_id"], gr["gr_date"]), gr["gr_date"])
    for po_line_id, day in first.items():
        line = lines[po_line_id]
        o = orders[line["purchase_order_id"]]
        f = facts[(o["supplier_id"], f"{day:%Y-%m}")]
        f["deliveries"] += 1
        f["on_time"] += day <= line["delivery_date"]
        f["lead_days"] += (day - o["po_date"]).days
    for inv in ctx.rows("supplier", "supplier_invoices"):
        if inv["invoice_date"] >= ctx.start.date():
            f = facts[(inv["supplier_id"], f"{inv['invoice_date']:%Y-%m}")]
            f["invoices"] += 1
            f["matched"] += inv["matching_status"] == "matched"
            f["spend"] += inv["total_amount"]
    return facts


def _performance(ctx: GenContext, rng, suppliers: list[dict], rfq_stats: dict, audits: dict) -> None:
    """Monthly performance metrics, scorecards and the rating changes they cause."""
    facts = _monthly_facts(ctx)
    months = sorted({f"{d:%Y-%m}" for d in ctx.window_days()})
    reviewers = [e["employee_id"] for e in ctx.rows("master", "employees") if e["role"] == "manager"][:10] or [None]
    metrics, cards, history = [], [], []
    for s in suppliers:
        previous, rating = None, None
        for month in months:
            f = facts.get((s["supplier_id"], month), {})
            last_day = date(int(month[:4]), int(month[5:]), 28) + timedelta(days=4)
            last_day -= timedelta(days=last_day.day)
            sent, answered, hours = rfq_stats.get((s["supplier_id"], month), (0, 0, 0.0))
            deliveries = f.get("deliveries", 0)
            on_time_pct = round(100 * f["on_time"] / deliveries, 2) if deliveries else None
            acceptance = round(100 * f["accepted"] / f["received"], 2) if f.get("received") else None
            accuracy = round(100 * f["matched"] / f["invoices"], 2) if f.get("invoices") else None
            audit = [score for day, score in audits.get(s["supplier_id"], []) if day <= last_day]
            delivery = on_time_pct if on_time_pct is not None else s["on_time_delivery_percentage"]
            quality = max(0.0, 100 - (100 - (acceptance if acceptance is not None else 98.0)) * 5)
            premium = f["price_premium"] / f["price_lines"] if f.get("price_lines") else 2.0
            commercial = 0.6 * (accuracy if accuracy is not None else 90.0) + 0.4 * max(0.0, 100 - 8 * premium)
            responsive = 100 * answered / sent if sent else 80.0
            score = round(0.35 * delivery + 0.3 * quality + 0.2 * commercial + 0.15 * responsive, 2)
            metric_rating = _rating(score)
            metrics.append(
                {
                    "metric_id": f"SPM-{s['supplier_id'][4:]}-{month}",
                    "supplier_id": s["supplier_id"],
                    "metric_period": month,
                    "total_pos_issued": int(f.get("pos", 0)),
                    "pos_delivered_ontime": int(f.get("on_time", 0)),
                    "ontime_delivery_pct": on_time_pct,
                    "average_lead_time_days": round(f["lead_days"] / deliveries, 1) if deliveries else None,
                    "total_quantity_received": round(f.get("received", 0.0), 4),
                    "quantity_accepted": round(f.get("accepted", 0.0), 4),
                    "quantity_rejected": round(f.get("rejected", 0.0), 4),
                    "defect_ppm": int(1_000_000 * f["rejected"] / f["received"]) if f.get("received") else 0,
                    "quality_acceptance_pct": acceptance,
                    "rfqs_sent": sent,
                    "rfqs_responded": answered,
                    "response_rate_pct": round(100 * answered / sent, 2) if sent else None,
                    "avg_response_time_hours": round(hours / answered, 2) if answered else None,
                    "total_spend": money(f.get("spend", 0.0)),
                    "invoice_accuracy_pct": accuracy,
                    "payment_disputes": int(f.get("invoices", 0) - f.get("matched", 0)),
                    "certifications_valid": s["supplier_status"] != "blocked",
                    "documentation_complete": rng.random() < 0.9,
                    "audit_score": audit[-1] if audit else None,
                    "overall_score": score,
                    "performance_rating": metric_rating,
                    "previous_period_score": previous,
                    "score_change": round(score - previous, 2) if previous is not None else None,
                    "trend": None
                    if previous is None
                    else "improving"
                    if score - previous > 2
                    else "declining"
                    if score - previous < -2
                    else "stable",
                    "created_at": at(ctx, min(last_day, ctx.end.date()), 23),
                }
            )
            reviewed = last_day + timedelta(days=5)
            cards.append(
                {
                    "scorecard_id": f"SSC-{s['supplier_id'][4:]}-{month}",
                    "supplier_id": s["supplier_id"],
                    "scorecard_period": month,
                    "scorecard_type": "monthly",
                    "delivery_score": round(delivery, 2),
                    "quality_score": round(quality, 2),
                    "responsiveness_score": round(responsive, 2),
                    "commercial_score": round(commercial, 2),
                    "sustainability_score": round(rng.uniform(60, 95), 2),
                    "overall_score": score,
                    "supplier_rating": metric_rating,
                    "action_required": score < 70,
                    "action_plan": "Supplier improvement plan: delivery and quality containment"
                    if score < 70
                    else None,
                    "improvement_plan_due_date": last_day + timedelta(days=45) if score < 70 else None,
                    "reviewed_by": rng.choice(reviewers) if reviewed <= ctx.end.date() else None,
                    "review_date": reviewed if reviewed <= ctx.end.date() else None,
                    "review_notes": f"{int(f.get('deliveries', 0))} deliveries reviewed"
                    if reviewed <= ctx.end.date()
                    else None,
                    "published_to_supplier": reviewed <= ctx.end.date(),
                    "published_date": reviewed + timedelta(days=1)
                    if reviewed + timedelta(days=1) <= ctx.end.date()
                    else None,
                    "created_at": at(ctx, min(last_day, ctx.end.date()), 23),
                }
            )
            if metric_rating != rating:
                day = min(last_day, ctx.end.date())
                history.append(
                    {
                        "history_id": f"SRH-{len(history) + 1:05d}",
                        "supplier_id": s["supplier_id"],
                        "rating_date": day,
                        "previous_rating": rating,
                        "new_rating": metric_rating,
                        "change_reason": "Initial rating of the period" if rating is None else f"Monthly score {score}",
                        "changed_by": "system",
                        "created_at": at(ctx, day, 23),
                    }
                )
            previous, rating = score, metric_rating
    ctx.add("supplier", "supplier_performance_metrics", metrics)
    ctx.add("supplier", "supplier_scorecards", cards)
    ctx.add("supplier", "supplier_rating_history", history)


def _notifications(ctx: GenContext, rng, users: list[dict]) -> None:
    """Portal notifications and the portal/ERP integration log for purchase orders and invoices."""
    notes, log = [], []
    for o in ctx.rows("erp", "purchase_orders"):
        if o["released_at"]:
            notes.append(
                (
                    o["supplier_id"],
                    "purchase_order",
                    f"New purchase order {o['po_number']}",
                    "purchase_order",
                    o["purchase_order_id"],
                    o["released_at"],
                    "normal",
                )
            )
            log.append(("po_publish", "erp", "portal", "purchase_order", o["purchase_order_id"], o["released_at"]))
    for inv in ctx.rows("supplier", "supplier_invoices"):
        if inv["submitted_at"]:
            log.append(
                ("invoice_submission", "portal", "erp", "supplier_invoice", inv["invoice_id"], inv["submitted_at"])
            )
        if inv["payment_status"] == "paid" and inv["paid_date"] >= ctx.start.date():
            notes.append(
                (
                    inv["supplier_id"],
                    "payment",
                    f"Payment for invoice {inv['supplier_invoice_number']}",
                    "supplier_invoice",
                    inv["invoice_id"],
                    at(ctx, inv["paid_date"], 15),
                    "normal",
                )
            )
        if inv["payment_status"] == "on_hold":
            notes.append(
                (
                    inv["supplier_id"],
                    "invoice_on_hold",
                    f"Invoice {inv['supplier_invoice_number']} on hold",
                    "supplier_invoice",
                    inv["invoice_id"],
                    inv["created_at"],
                    "high",
                )
            )
    rows = []
    for n, (supplier_id, kind, title, ref_type, ref_id, when, priority) in enumerate(sorted(notes, key=lambda x: x[5])):
        read = when + timedelta(hours=rng.uniform(1, 72))
        rows.append(
            {
                "notification_id": f"SNT-{n + 1:06d}",
                "supplier_id": supplier_id,
                "notification_type": kind,
                "notification_title": title,
                "notification_message": title,
                "reference_type": ref_type,
                "reference_id": ref_id,
                "priority": priority,
                "notification_status": "read" if read <= ctx.end else "unread",
                "read_at": read if read <= ctx.end else None,
                "sent_via_email": True,
                "sent_via_portal": True,
                "created_at": when,
            }
        )
    ctx.add("supplier", "supplier_notifications", rows)
    ctx.add(
        "supplier",
        "supplier_portal_integration_log",
        [
            {
                "log_id": f"SPL-{n + 1:06d}",
                "log_timestamp": when,
                "integration_type": kind,
                "source_system": source,
                "target_system": target,
                "source_document_type": doc_type,
                "source_document_id": doc_id,
                "target_document_type": doc_type,
                "target_document_id": doc_id,
                "integration_status": "success" if rng.random() < 0.97 else "error",
                "error_message": None,
                "integration_data": {"document": doc_id},
            }
            for n, (kind, source, target, doc_type, doc_id, when) in enumerate(sorted(log, key=lambda x: x[5]))
        ],
    )
