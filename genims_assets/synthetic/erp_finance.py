"""genims_erp_db, finance side: accounts, cost centres, fiscal calendar, journal entries, general ledger, budgets.

Every business event of the window is posted as a balanced journal entry (sum of debits = sum of credits), and
each line of a posted entry is one general_ledger row (document_number = the entry's journal_number):
- an opening entry per plant on the first day: cash, receivables and payables carried over (about terms + a
  week of billing, with their original document dates, three disputed receivables that never clear so aging
  reaches 90+ days), stock at standard cost, machines (assignment AST-<machine_id>, the CMMS asset ids) with
  their accumulated depreciation, working-capital liabilities (current ratio ~1.5) and equity;
- sales invoices at goods issue (receivable per customer: assignment = customer_id, reference = sales order),
  cost of goods sold at standard, customer receipts that clear them (cleared, clearing_date); goods receipts at
  standard cost against GR/IR with the purchase price variance; supplier invoices and payments exactly as
  supplier.plan_invoices decides them (assignment = supplier_id);
- production: material into WIP as the MES issues it, finished goods at standard at completion against WIP,
  direct labour and overhead absorbed, the rest as production variance; inventory adjustments;
- daily costs per plant and department: manufacturing overhead (indirect labour, plant energy, repairs; cost
  of sales accounts) at about what production absorbs, selling, logistics and administration sized on the
  plant's revenue; monthly depreciation per machine, capital expenditure on some machines, interest income;
  income tax provided daily on year-to-date pre-tax income; payroll and GST settlements; a few manual accruals
  (approved, one not, one reversed, two drafts that are not in the ledger).
P&L lines: account_subtype operating_revenue, cogs, operating_expense, other_income, tax. Cost centres are per
plant and department (CC-<plant>-<key>, keys as the HCM plant departments plus SAL); profit_center and
journal_entry_lines.factory_id are the plant. account_balances and budget amounts are positive in the account's
normal direction (chart_of_accounts.normal_balance). Volumes: ~4.6k entries and ~22k ledger rows at scale 1.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from genims_assets.synthetic.context import GenContext, money, weighted
from genims_assets.synthetic.erp import (
    COMPANY,
    DEPARTMENTS,
    OUT_MOVEMENTS,
    SEASON,
    WEEKDAY,
    SalesPlan,
    at,
    cost_center_id,
    working_day,
)
from genims_assets.synthetic.supplier import plan_invoices

# code, name, type, subtype (summary accounts take no postings), normal balance
ACCOUNTS = [
    ("1000", "Assets", "asset", "summary", "debit"),
    ("1100", "Cash and Bank", "asset", "current_asset", "debit"),
    ("1200", "Accounts Receivable", "asset", "current_asset", "debit"),
    ("1300", "Raw Material Inventory", "asset", "current_asset", "debit"),
    ("1310", "Work in Process", "asset", "current_asset", "debit"),
    ("1320", "Finished Goods Inventory", "asset", "current_asset", "debit"),
    ("1500", "Plant and Machinery", "asset", "fixed_asset", "debit"),
    ("1510", "Accumulated Depreciation", "asset", "fixed_asset", "credit"),
    ("2000", "Liabilities", "liability", "summary", "credit"),
    ("2100", "Accounts Payable", "liability", "current_liability", "credit"),
    ("2110", "GR/IR Clearing", "liability", "current_liability", "credit"),
    ("2200", "GST Payable", "liability", "current_liability", "credit"),
    ("2300", "Accrued Payroll and Expenses", "liability", "current_liability", "credit"),
    ("2400", "Income Tax Payable", "liability", "current_liability", "credit"),
    ("2500", "Short-term Borrowings", "liability", "current_liability", "credit"),
    ("3000", "Equity", "equity", "summary", "credit"),
    ("3100", "Share Capital", "equity", "equity", "credit"),
    ("3200", "Retained Earnings", "equity", "equity", "credit"),
    ("4000", "Revenue", "revenue", "summary", "credit"),
    ("4100", "Product Sales", "revenue", "operating_revenue", "credit"),
    ("4200", "Freight Recovered", "revenue", "operating_revenue", "credit"),
    ("5000", "Cost of Sales", "expense", "summary", "debit"),
    ("5100", "Cost of Goods Sold at Standard", "expense", "cogs", "debit"),
    ("5200", "Purchase Price Variance", "expense", "cogs", "debit"),
    ("5300", "Production and Inventory Variances", "expense", "cogs", "debit"),
    ("5400", "Manufacturing Overhead Absorbed", "expense", "cogs", "credit"),
    ("5500", "Indirect Labour", "expense", "cogs", "debit"),
    ("5510", "Plant Utilities and Energy", "expense", "cogs", "debit"),
    ("5520", "Plant Repairs and Maintenance", "expense", "cogs", "debit"),
    ("5530", "Depreciation of Plant and Machinery", "expense", "cogs", "debit"),
    ("6000", "Operating Expenses", "expense", "summary", "debit"),
    ("6100", "Salaries - Sales and Administration", "expense", "operating_expense", "debit"),
    ("6200", "Office Utilities", "expense", "operating_expense", "debit"),
    ("6400", "Freight and Logistics", "expense", "operating_expense", "debit"),
    ("6600", "Administrative Expenses", "expense", "operating_expense", "debit"),
    ("7000", "Other Income", "revenue", "summary", "credit"),
    ("7100", "Interest Income", "revenue", "other_income", "credit"),
    ("7200", "Scrap Sales", "revenue", "other_income", "credit"),
    ("8000", "Income Tax", "expense", "summary", "debit"),
    ("8100", "Income Tax Expense", "expense", "tax", "debit"),
]
NORMAL = {code: normal for code, _, _, _, normal in ACCOUNTS}
PNL = {code for code, _, kind, subtype, _ in ACCOUNTS if kind in ("revenue", "expense") and subtype != "summary"}
TRANSACTION_CODES = {
    "RV": "VF01",
    "DZ": "F-28",
    "WE": "MIGO",
    "RE": "MIRO",
    "KZ": "F-53",
    "PP": "CO11N",
    "WA": "MB1A",
    "WI": "MI07",
    "SA": "FB50",
    "AF": "AFAB",
    "AA": "ABZON",
    "AB": "FB08",
}
INDIRECT_LABOUR = {"PRD": 0.35, "MNT": 0.2, "QLT": 0.15, "PLN": 0.1, "EHS": 0.05, "WHS": 0.15}
TAX_RATE = 0.25


def _line(account: str, amount: float, plant: str, dept: str, **extra) -> dict:
    """A journal line: a positive amount is a debit, a negative one a credit."""
    amount = money(amount)
    return {
        "account": account,
        "debit": max(amount, 0.0),
        "credit": max(-amount, 0.0),
        "plant": plant,
        "dept": dept,
        **extra,
    }


@dataclass
class _Entry:
    day: date
    doc_type: str
    source_type: str
    source_id: str | None
    text: str
    lines: list[dict]
    hour: float = 12.0
    entry_type: str = "standard"
    reference: str | None = None
    created_by: str = "system"
    status: str = "posted"
    approved_by: str | None = None
    needs_approval: bool = False
    reversal_of: _Entry | None = None
    reversed_by: _Entry | None = None
    ids: dict = field(default_factory=dict)


class _Ledger:
    def __init__(self) -> None:
        self.entries: list[_Entry] = []

    def post(
        self, day: date, doc_type: str, source_type: str, source_id: str | None, text: str, lines: list[dict], **options
    ) -> _Entry | None:
        lines = [line for line in lines if line["debit"] or line["credit"]]
        if not lines:
            return None
        diff = round(sum(line["debit"] for line in lines) - sum(line["credit"] for line in lines), 2)
        if abs(diff) > 0.05:
            raise ValueError(f"journal entry {text!r} does not balance: {diff}")
        if diff:  # cent rounding goes to the last line
            last = lines[-1]
            if last["credit"]:
                last["credit"] = money(last["credit"] + diff)
            else:
                last["debit"] = money(last["debit"] - diff)
        entry = _Entry(day, doc_type, source_type, source_id, text, lines, **options)
        self.entries.append(entry)
        return entry

    def balance(self, account: str, plant: str, upto: date) -> float:
        """Credit minus debit of `account` at `plant` over entries posted up to `upto`."""
        return money(
            sum(
                line["credit"] - line["debit"]
                for e in self.entries
                if e.day <= upto and e.status == "posted"
                for line in e.lines
                if line["account"] == account and line["plant"] == plant
            )
        )


def generate(ctx: GenContext, sales: list[SalesPlan]) -> None:
    """The finance tables of genims_erp_db; called by erp.generate once the logistics tables exist."""
    rng = ctx.rng("erp.finance")
    plants = [f["factory_id"] for f in ctx.rows("master", "factories")]
    _chart_and_calendar(ctx, rng, plants)
    invoices = plan_invoices(ctx)
    ledger = _Ledger()
    revenue = _post_sales(ctx, ledger, sales)
    _post_opening(ctx, rng, ledger, plants, sales, invoices, revenue)
    _post_purchasing(ctx, ledger, invoices)
    _post_production(ctx, ledger)
    _post_operations(ctx, rng, ledger, plants, revenue)
    _post_assets(ctx, rng, ledger, plants)
    _post_manual(ctx, rng, ledger, plants)
    _post_tax_and_settlements(ctx, ledger, plants)
    gl = _write_entries(ctx, ledger)
    budgets = _budgets(ctx, rng, gl, plants)
    _account_balances(ctx, gl, budgets)
    _statements(ctx, gl)


# -- master data of finance -----------------------------------------------------------------------------------------
def _chart_and_calendar(ctx: GenContext, rng, plants: list[str]) -> None:
    created = ctx.start - timedelta(days=400)
    accounts = []
    for code, name, kind, subtype, normal in ACCOUNTS:
        summary = subtype == "summary"
        accounts.append(
            {
                "account_id": f"ACC-{code}",
                "account_code": code,
                "account_name": name,
                "parent_account_id": None if summary else f"ACC-{code[0]}000",
                "account_level": 1 if summary else 2,
                "account_type": kind,
                "account_subtype": subtype,
                "financial_statement": "balance_sheet" if code[0] in "123" else "income_statement",
                "normal_balance": normal,
                "is_control_account": code in ("1200", "2100", "2110"),
                "allow_posting": not summary,
                "currency_code": "INR",
                "allow_multi_currency": False,
                "requires_cost_center": code[0] in "5678",
                "description": f"{name} ({subtype})",
                "is_active": True,
                "effective_date": created.date(),
                "inactive_date": None,
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.add("erp", "chart_of_accounts", accounts)
    managers = {}
    for e in ctx.rows("master", "employees"):
        if e["role"] in ("manager", "supervisor") and e["status"] == "active":
            managers.setdefault((e["factory_id"], e["role"]), e["employee_id"])
    centers = []
    for plant in plants:
        for key, (name, category) in DEPARTMENTS.items():
            centers.append(
                {
                    "cost_center_id": cost_center_id(plant, key),
                    "cost_center_code": f"{plant[4:]}{key}",
                    "cost_center_name": f"{name} {plant}",
                    "controlling_area": "IN01",
                    "cost_center_group": key,
                    "parent_cost_center_id": None if key == "ADM" else cost_center_id(plant, "ADM"),
                    "company_code": COMPANY,
                    "business_area": plant[4:],
                    "plant_id": plant,
                    "responsible_person": managers.get((plant, "manager")) or managers.get((plant, "supervisor")),
                    "cost_center_category": category,
                    "is_active": True,
                    "valid_from": created.date(),
                    "valid_to": None,
                    "created_at": created,
                }
            )
    ctx.add("erp", "cost_centers", centers)
    years = range(min(ctx.start.year, ctx.end.year - 1), ctx.end.year + 1)
    today = ctx.end.date()
    fy_rows, periods = [], []
    for year in years:
        closed_all = True
        for month in range(1, 13):
            first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
            status = "closed" if last + timedelta(days=5) <= today else "open" if first <= today else "future"
            closed_all &= status == "closed"
            periods.append(
                {
                    "period_id": f"FP-{year}-{month:02d}",
                    "fiscal_year": year,
                    "period_number": month,
                    "period_name": f"{first:%b}-{year}",
                    "start_date": first,
                    "end_date": last,
                    "period_status": status,
                    "closed_date": last + timedelta(days=5) if status == "closed" else None,
                    "closed_by": managers.get((plants[0], "manager")) if status == "closed" else None,
                    "allow_posting": status != "closed",
                    "created_at": created,
                }
            )
        close = date(year, 12, 31) + timedelta(days=20)
        fy_rows.append(
            {
                "fiscal_year_id": f"FY-{year}",
                "fiscal_year": year,
                "start_date": date(year, 1, 1),
                "end_date": date(year, 12, 31),
                "year_status": "closed" if closed_all and close <= today else "open",
                "closed_date": close if closed_all and close <= today else None,
                "closed_by": managers.get((plants[0], "manager")) if closed_all and close <= today else None,
                "created_at": created,
            }
        )
    ctx.add("erp", "fiscal_years", fy_rows)
    ctx.add("erp", "fiscal_periods", periods)
    _close_tasks(ctx, rng, periods, managers.get((plants[0], "manager")))
    rules = [
        ("SALES_INVOICE", "Customer invoice at goods issue", "sales", "1200", "4100", "total_net_value"),
        ("GOODS_RECEIPT", "Goods receipt at standard cost", "purchase", "1300", "2110", "total_value"),
        ("VENDOR_INVOICE", "Supplier invoice against GR/IR", "purchase", "2110", "2100", "subtotal"),
        (
            "PRODUCTION_RECEIPT",
            "Finished goods receipt from production",
            "production",
            "1320",
            "1310",
            "delivered_quantity",
        ),
    ]
    ctx.add(
        "erp",
        "gl_posting_rules",
        [
            {
                "rule_id": f"GPR-{k + 1:03d}",
                "rule_code": code,
                "rule_name": name,
                "transaction_type": kind,
                "transaction_subtype": None,
                "condition_rules": '{"company_code": "GN01"}',
                "debit_account_id": f"ACC-{dr}",
                "credit_account_id": f"ACC-{cr}",
                "amount_field": amount,
                "description_template": f"{name}: {{document}}",
                "effective_from": created.date(),
                "effective_to": None,
                "rule_priority": 10,
                "is_active": True,
                "created_at": created,
            }
            for k, (code, name, kind, dr, cr, amount) in enumerate(rules)
        ],
    )
    _exchange_rates(ctx, rng)


def _close_tasks(ctx: GenContext, rng, periods: list[dict], closer: str | None) -> None:
    names = [
        "Post depreciation run",
        "Accrue payroll and expenses",
        "Reconcile GR/IR clearing",
        "Reconcile bank accounts",
        "Review receivables and payables aging",
        "Close period and lock postings",
    ]
    rows = []
    for p in periods:
        if p["end_date"] < ctx.start.date() or p["start_date"] > ctx.end.date():
            continue
        ended = p["end_date"] < ctx.end.date()
        for k, name in enumerate(names):
            start = at(ctx, p["end_date"] + timedelta(days=1 + k // 2), 9 + k)
            done = p["period_status"] == "closed" or (ended and start < ctx.end - timedelta(hours=8))
            status = "completed" if done else "in_progress" if ended and start < ctx.end else "pending"
            rows.append(
                {
                    "task_id": f"PCT-{p['fiscal_year']}-{p['period_number']:02d}-{k + 1}",
                    "fiscal_year": p["fiscal_year"],
                    "fiscal_period": p["period_number"],
                    "task_sequence": k + 1,
                    "task_name": name,
                    "task_description": f"{name} for {p['period_name']}",
                    "task_status": status,
                    "started_at": start if status != "pending" else None,
                    "completed_at": min(start + timedelta(hours=rng.uniform(1, 6)), ctx.end) if done else None,
                    "completed_by": closer if done else None,
                    "result_message": "OK" if done else None,
                    "created_at": at(ctx, max(p["start_date"], ctx.start.date()), 8),
                }
            )
    ctx.add("erp", "period_close_tasks", rows)


def _exchange_rates(ctx: GenContext, rng) -> None:
    base = {"USD": 83.2, "EUR": 90.1, "GBP": 105.3, "JPY": 0.556, "CNY": 11.52}
    days = sorted({ctx.start.date() + timedelta(days=round(i * (ctx.days - 1) / 9)) for i in range(10)})
    rows = []
    for currency, rate in base.items():
        for day in days:
            rate *= 1 + rng.gauss(0, 0.004)
            rows.append(
                {
                    "rate_id": f"FX-{currency}-{day:%Y%m%d}",
                    "from_currency": currency,
                    "to_currency": "INR",
                    "effective_date": day,
                    "exchange_rate": round(rate, 6),
                    "inverse_rate": round(1 / rate, 6),
                    "rate_type": "spot",
                    "created_at": at(ctx, day, 10),
                }
            )
    ctx.add("erp", "exchange_rates", rows)


# -- postings -------------------------------------------------------------------------------------------------------
def _post_sales(ctx: GenContext, ledger: _Ledger, sales: list[SalesPlan]) -> dict:
    """Invoices at goods issue and the receipts that clear them; returns net revenue per (plant, day)."""
    cost = {m["material_id"]: m["standard_cost"] for m in ctx.rows("erp", "materials")}
    revenue = defaultdict(float)
    for plan in sales:
        if not plan.ship_date:
            continue
        order, by_plant = plan.order, defaultdict(list)
        for line in plan.lines:
            by_plant[line["plant_id"]].append(line)
        receipts, freight_left = [], order["freight_charges"]
        for k, (plant, lines) in enumerate(sorted(by_plant.items())):
            net = sum(line["net_price"] for line in lines)
            tax = sum(line["tax_amount"] for line in lines)
            share = order["freight_charges"] * net / order["total_net_value"] if order["total_net_value"] else 0.0
            freight = freight_left if k == len(by_plant) - 1 else money(share)
            freight_left = money(freight_left - freight)
            total = money(net + tax + freight)
            cogs = sum(line["order_quantity"] * cost[line["material_id"]] for line in lines)
            invoice = f"INV-{order['sales_order_id'][3:]}-{k + 1}"
            ar = _line(
                "1200",
                total,
                plant,
                "SAL",
                assignment=order["customer_id"],
                reference=order["sales_order_id"],
                text=f"Invoice {invoice} to {order['customer_id']}",
                posting_key="01",
            )
            ledger.post(
                plan.ship_date,
                "RV",
                "auto_sales",
                order["sales_order_id"],
                f"Customer invoice {invoice}",
                [
                    ar,
                    _line("4100", -net, plant, "SAL"),
                    _line("4200", -freight, plant, "SAL"),
                    _line("2200", -tax, plant, "ADM"),
                    _line("5100", cogs, plant, "SAL"),
                    _line("1320", -cogs, plant, "WHS"),
                ],
                hour=16,
                reference=invoice,
            )
            revenue[(plant, plan.ship_date)] += net
            receipts.append((plant, total, ar))
        if plan.paid_date:
            document = f"RCPT-{order['sales_order_id'][3:]}"
            lines = []
            for plant, total, ar in receipts:
                _clear(ar, document, plan.paid_date)
                lines += [
                    _line("1100", total, plant, "ADM"),
                    _clear(
                        _line(
                            "1200",
                            -total,
                            plant,
                            "SAL",
                            assignment=order["customer_id"],
                            posting_key="15",
                            reference=order["sales_order_id"],
                        ),
                        document,
                        plan.paid_date,
                    ),
                ]
            ledger.post(
                plan.paid_date,
                "DZ",
                "auto_receipt",
                order["sales_order_id"],
                f"Customer payment {document}",
                lines,
                hour=11,
                reference=document,
            )
    return revenue


def _clear(line: dict, document: str, day: date) -> dict:
    line.update(cleared=True, clearing_document=document, clearing_date=day)
    return line


def _post_opening(ctx, rng, ledger: _Ledger, plants, sales: list[SalesPlan], invoices, revenue) -> None:
    """Balances carried into the window, one entry per plant on its first day."""
    start = ctx.start.date()
    stock = _opening_stock(ctx)
    daily = {p: sum(v for (q, _), v in revenue.items() if q == p) / ctx.days or 50_000.0 for p in plants}
    lines = {
        p: [
            _line("1100", daily[p] * rng.uniform(20, 35), p, "ADM"),
            _line("1300", stock[(p, "RM")], p, "WHS"),
            _line("1320", stock[(p, "FG")], p, "WHS"),
        ]
        for p in plants
    }
    for m in ctx.rows("master", "machines"):
        asset = f"AST-{m['machine_id']}"
        worn = min(0.9, m["current_age_years"] / m["expected_life_years"])
        lines[m["factory_id"]] += [
            _line(
                "1500",
                m["asset_value_usd"],
                m["factory_id"],
                "PRD",
                assignment=asset,
                reference=asset,
                posting_key="70",
            ),
            _line(
                "1510",
                -m["asset_value_usd"] * worn,
                m["factory_id"],
                "PRD",
                assignment=asset,
                reference=asset,
                posting_key="75",
            ),
        ]
    billed = defaultdict(float)
    for plan in sales:
        if plan.ship_date:
            billed[plan.order["customer_id"]] += plan.order["total_value"] / ctx.days
    typical = sum(billed.values()) / max(1, len(billed)) or 50_000.0
    for k, c in enumerate(ctx.rows("master", "customers")):
        # what the customer owed when the window began: about (terms + delay) days of billing, in 10-day invoices
        plant, rate = plants[k % len(plants)], billed.get(c["customer_id"]) or typical
        receipts = []
        for n in range((c["payment_terms_days"] + 10) // 10):
            issued = start - timedelta(days=10 * n + rng.randint(1, 10))
            stuck = n == 0 and k < 3  # three disputed invoices stay open: the 31-60, 61-90 and 90+ buckets at any scale
            if stuck:
                issued = min(ctx.end.date() - timedelta(days=(120, 75, 45)[k]), start - timedelta(days=1))
            amount = money(rate * 10 * rng.uniform(0.7, 1.3))
            ar = _line(
                "1200",
                amount,
                plant,
                "SAL",
                assignment=c["customer_id"],
                reference=f"OB-{c['customer_id']}-{n + 1}",
                document_date=issued,
                text=f"Open invoice carried forward ({issued})",
                posting_key="01",
            )
            lines[plant].append(ar)
            paid = issued + timedelta(days=c["payment_terms_days"] + weighted(rng, {-3: 2, 0: 4, 7: 3, 20: 1}))
            paid = working_day(max(paid, start + timedelta(days=rng.randint(1, 10))))
            if not stuck and rng.random() > 0.04 and paid <= ctx.end.date():
                receipts.append((paid, amount, ar, n))
        for paid, amount, ar, n in receipts:
            document = f"RCPT-OB-{c['customer_id'][5:]}-{n + 1}"
            _clear(ar, document, paid)
            ledger.post(
                paid,
                "DZ",
                "auto_receipt",
                ar["reference"],
                f"Customer payment {document}",
                [
                    _line("1100", amount, plant, "ADM"),
                    _clear(
                        _line(
                            "1200",
                            -amount,
                            plant,
                            "SAL",
                            assignment=c["customer_id"],
                            reference=ar["reference"],
                            posting_key="15",
                        ),
                        document,
                        paid,
                    ),
                ],
                hour=11,
                reference=document,
            )
    for inv in invoices:
        if inv.carried_over:
            h = inv.header
            ap = _line(
                "2100",
                -h["total_amount"],
                inv.plant_id,
                "ADM",
                assignment=h["supplier_id"],
                reference=h["invoice_id"],
                document_date=h["invoice_date"],
                text=f"Open supplier invoice {h['invoice_number']}",
                posting_key="31",
            )
            lines[inv.plant_id].append(ap)
            _post_payment(ledger, inv, ap)
    for p in plants:
        # working-capital liabilities that keep the current ratio near 1.5
        current = sum(line["debit"] for line in lines[p] if line["account"] in ("1100", "1200", "1300", "1320"))
        owed = [
            _line("2300", -daily[p] * 0.07 * 12, p, "ADM"),
            _line("2200", -daily[p] * 0.18 * 20, p, "ADM"),
            _line("2400", -daily[p] * 0.01 * 30, p, "ADM"),
        ]
        owed_total = sum(line["credit"] for line in owed) + sum(
            line["credit"] for line in lines[p] if line["account"] == "2100"
        )
        lines[p] += owed + [_line("2500", -max(0.0, current / rng.uniform(1.3, 1.8) - owed_total), p, "ADM")]
        total = sum(line["debit"] - line["credit"] for line in lines[p])
        capital = money(total * 0.4)
        lines[p] += [_line("3100", -capital, p, "ADM"), _line("3200", -(total - capital), p, "ADM")]
        ledger.post(
            start, "AB", "opening_balance", p, f"Opening balances {p}", lines[p], hour=0.5, entry_type="opening"
        )


def _opening_stock(ctx: GenContext) -> dict:
    """Stock value at standard when the window began: closing value minus the movements of the window."""
    kind = {m["material_id"]: "FG" if m["product_id"] else "RM" for m in ctx.rows("erp", "materials")}
    value = defaultdict(float)
    for b in ctx.rows("erp", "inventory_balances"):
        value[(b["plant_id"], kind[b["material_id"]])] += b["stock_value"]
    for t in ctx.rows("erp", "inventory_transactions"):
        sign = -1 if t["movement_type"] in OUT_MOVEMENTS else 1
        value[(t["plant_id"], kind[t["material_id"]])] -= sign * t["amount"]
    opening: dict[tuple[str, str], float] = defaultdict(float)
    opening.update({key: money(max(v, 0.0)) for key, v in value.items()})
    return opening


def _post_payment(ledger: _Ledger, inv, ap: dict) -> None:
    h = inv.header
    if h["payment_status"] != "paid":
        return
    _clear(ap, h["payment_id"], h["paid_date"])
    ledger.post(
        h["paid_date"],
        "KZ",
        "auto_payment",
        h["invoice_id"],
        f"Supplier payment {h['payment_id']}",
        [
            _clear(
                _line(
                    "2100",
                    h["total_amount"],
                    inv.plant_id,
                    "ADM",
                    assignment=h["supplier_id"],
                    reference=h["invoice_id"],
                    posting_key="25",
                ),
                h["payment_id"],
                h["paid_date"],
            ),
            _line("5200", -inv.discount, inv.plant_id, "PRD"),
            _line("1100", -h["paid_amount"], inv.plant_id, "ADM"),
        ],
        hour=14,
        reference=h["payment_id"],
    )


def _post_purchasing(ctx: GenContext, ledger: _Ledger, invoices) -> None:
    """Goods receipts and returns at standard against GR/IR; supplier invoices and their payments."""
    cost = {m["material_id"]: m["standard_cost"] for m in ctx.rows("erp", "materials")}
    receipts = {gr["goods_receipt_id"]: gr for gr in ctx.rows("erp", "goods_receipts")}
    for gr in receipts.values():
        std = gr["quantity_received"] * cost[gr["material_id"]]
        p = gr["plant_id"]
        ledger.post(
            gr["gr_date"],
            "WE",
            "auto_purchase",
            gr["goods_receipt_id"],
            f"Goods receipt {gr['gr_number']}",
            [
                _line("1300", std, p, "WHS"),
                _line("5200", gr["total_value"] - std, p, "PRD"),
                _line("2110", -gr["total_value"], p, "WHS", reference=gr["purchase_order_id"]),
            ],
            hour=15,
            reference=gr["purchase_order_id"],
        )
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] == "122":
            gr, p = receipts[t["goods_receipt_id"]], t["plant_id"]
            ledger.post(
                t["posting_date"],
                "WE",
                "auto_purchase",
                t["transaction_id"],
                f"Return to vendor {gr['gr_number']}",
                [
                    _line("2110", gr["total_value"], p, "WHS", reference=gr["purchase_order_id"]),
                    _line("5200", t["amount"] - gr["total_value"], p, "PRD"),
                    _line("1300", -t["amount"], p, "WHS"),
                ],
                hour=15,
                reference=gr["purchase_order_id"],
            )
    for inv in invoices:
        if inv.carried_over:
            continue
        h, p = inv.header, inv.plant_id
        ap = _line(
            "2100",
            -h["total_amount"],
            p,
            "ADM",
            assignment=h["supplier_id"],
            reference=h["invoice_id"],
            text=f"Supplier invoice {h['supplier_invoice_number']}",
            posting_key="31",
        )
        ledger.post(
            h["invoice_date"],
            "RE",
            "auto_purchase_invoice",
            h["invoice_id"],
            f"Supplier invoice {h['invoice_number']}",
            [
                _line("2110", inv.received_value, p, "WHS", reference=h["purchase_order_id"]),
                _line("5200", h["subtotal"] - inv.received_value, p, "PRD"),
                _line("2200", h["tax_amount"], p, "ADM"),
                _line("6400", h["freight_charges"], p, "WHS"),
                ap,
            ],
            hour=13,
            reference=h["purchase_order_id"],
        )
        _post_payment(ledger, inv, ap)


def _post_production(ctx: GenContext, ledger: _Ledger) -> None:
    """Material into WIP as it is issued (out when returned); at completion, finished goods at standard, labour,
    overhead absorbed and the production variance."""
    booked = defaultdict(lambda: defaultdict(float))  # order -> (day, movement) -> value
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] in ("261", "262"):
            booked[t["production_order_id"]][(t["posting_date"], t["movement_type"])] += t["amount"]
    cost = {m["material_id"]: m["standard_cost"] for m in ctx.rows("erp", "materials")}
    work_orders = {wo["work_order_id"]: wo for wo in ctx.rows("mes", "work_orders")}
    for po in ctx.rows("erp", "production_orders"):
        p, order = po["plant_id"], po["production_order_id"]
        for (day, movement), value in sorted(booked[order].items()):
            sign = 1 if movement == "261" else -1
            ledger.post(
                day,
                "WA",
                "auto_production",
                order,
                f"Material {'issue to' if sign > 0 else 'return from'} {order}",
                [_line("1310", sign * value, p, "PRD"), _line("1300", -sign * value, p, "WHS")],
                hour=7 if sign > 0 else 20,
            )
        if po["actual_finish_date"] and po["delivered_quantity"] > 0:
            material = money(sum(v if m == "261" else -v for (_, m), v in booked[order].items()))
            wo = work_orders.get(po["work_order_id"], {})
            actual = po["actual_costs"] or 0.0
            labor = wo.get("total_labor_cost") or actual * 0.1
            overhead = wo.get("total_overhead_cost") or actual * 0.3
            fg = po["delivered_quantity"] * cost[po["material_id"]]
            scrap = po["scrap_quantity"] * cost[po["material_id"]] * 0.08
            ledger.post(
                po["actual_finish_date"],
                "PP",
                "auto_production",
                order,
                f"Production receipt {order}",
                [
                    _line("1320", fg, p, "WHS"),
                    _line("1310", -material, p, "PRD"),
                    _line("2300", -labor, p, "PRD"),
                    _line("5400", -overhead, p, "PRD"),
                    _line("1100", scrap, p, "ADM"),
                    _line("7200", -scrap, p, "PRD"),
                    _line("5300", material + money(labor) + money(overhead) - money(fg), p, "PRD"),
                ],
                hour=20.5,
            )
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] in ("551", "701", "702"):
            account = "1320" if t["storage_location"].endswith("FG") else "1300"
            sign = 1 if t["movement_type"] == "701" else -1
            ledger.post(
                t["posting_date"],
                "WI",
                "auto_inventory",
                t["transaction_id"],
                f"Inventory {t['reason_code']}",
                [
                    _line(account, sign * t["amount"], t["plant_id"], "WHS"),
                    _line("5300", -sign * t["amount"], t["plant_id"], "WHS"),
                ],
                hour=17,
            )


def _post_operations(ctx: GenContext, rng, ledger: _Ledger, plants: list[str], revenue: dict) -> None:
    """Each plant's daily costs. Manufacturing overhead (indirect labour, plant energy, repairs) runs at about what
    production absorbs, a little over (the under-absorption shows in cost of sales); selling, logistics and
    administration are sized on the plant's revenue. Salaries accrue (paid at month end), the rest is paid."""
    absorbed = defaultdict(float)
    work_orders = {wo["work_order_id"]: wo for wo in ctx.rows("mes", "work_orders")}
    for po in ctx.rows("erp", "production_orders"):
        if po["actual_finish_date"] and po["delivered_quantity"] > 0:
            wo = work_orders.get(po["work_order_id"], {})
            absorbed[po["plant_id"]] += wo.get("total_overhead_cost") or (po["actual_costs"] or 0.0) * 0.3
    for p in plants:
        sales = sum(v for (q, _), v in revenue.items() if q == p) / ctx.days or 50_000.0
        overhead = absorbed[p] / ctx.days * rng.uniform(1.0, 1.08) or sales * 0.1
        for day in ctx.window_days():
            load = WEEKDAY[day.weekday()] * SEASON[day.month]
            pay = [
                _line("5500", overhead * 0.45 * share * rng.uniform(0.97, 1.04), p, key)
                for key, share in INDIRECT_LABOUR.items()
            ]
            pay += [
                _line("6100", sales * share * rng.uniform(0.97, 1.04), p, key)
                for key, share in (("SAL", 0.03), ("ADM", 0.025), ("HR", 0.01))
            ]
            pay.append(_line("2300", -sum(line["debit"] for line in pay), p, "ADM"))
            spend = [
                _line("5510", overhead * 0.33 * load * rng.uniform(0.9, 1.1), p, "PRD"),
                _line("6200", sales * 0.003 * rng.uniform(0.9, 1.1), p, "ADM"),
                _line("6400", revenue.get((p, day), 0.0) * 0.022 * rng.uniform(0.9, 1.15), p, "WHS"),
            ]
            if rng.random() < 0.6:  # repairs come in lumps
                spend.append(_line("5520", overhead * 0.22 / 0.6 * rng.lognormvariate(-0.25, 0.7), p, "MNT"))
            if day.weekday() < 6:
                spend += [
                    _line("6600", sales * share * rng.uniform(0.7, 1.3), p, key)
                    for key, share in (("ADM", 0.025), ("HR", 0.006), ("SAL", 0.015))
                ]
            spend.append(_line("1100", -sum(line["debit"] for line in spend), p, "ADM"))
            ledger.post(day, "SA", "auto_accrual", None, f"Daily operating costs {p}", pay + spend, hour=21.5)
        for month_end in _month_ends(ctx):
            interest = sales * 0.25 * rng.uniform(0.8, 1.2)
            ledger.post(
                month_end,
                "SA",
                "auto_accrual",
                None,
                f"Interest income {p}",
                [_line("1100", interest, p, "ADM"), _line("7100", -interest, p, "ADM")],
                hour=22,
            )


def _month_ends(ctx: GenContext) -> list[date]:
    return [d for d in ctx.window_days() if (d + timedelta(days=1)).day == 1 and d < ctx.end.date()]


def _post_assets(ctx: GenContext, rng, ledger: _Ledger, plants: list[str]) -> None:
    """Monthly depreciation per machine, and capital expenditure on some machines."""
    machines = ctx.rows("master", "machines")
    for month_end in _month_ends(ctx):
        for p in plants:
            lines = []
            for m in machines:
                if m["factory_id"] == p and m["current_age_years"] < m["expected_life_years"]:
                    asset, amount = f"AST-{m['machine_id']}", m["asset_value_usd"] / (m["expected_life_years"] * 12)
                    lines += [
                        _line("5530", amount, p, "PRD", assignment=asset, reference=asset),
                        _line("1510", -amount, p, "PRD", assignment=asset, reference=asset, posting_key="75"),
                    ]
            ledger.post(
                month_end, "AF", "auto_depreciation", None, f"Depreciation run {month_end:%b-%Y} {p}", lines, hour=23
            )
    days = [d for d in ctx.window_days() if d.weekday() < 5 and d < ctx.end.date()]
    for m in rng.sample(machines, min(len(machines), ctx.count(20 * ctx.days / 90))):
        asset, amount = f"AST-{m['machine_id']}", m["asset_value_usd"] * rng.uniform(0.02, 0.12)
        p = m["factory_id"]
        ledger.post(
            rng.choice(days),
            "AA",
            "auto_capex",
            asset,
            f"Capital expenditure {asset}",
            [
                _line(
                    "1500",
                    amount,
                    p,
                    "PRD",
                    assignment=asset,
                    reference=asset,
                    posting_key="70",
                    text=f"Capex: {rng.choice(['overhaul', 'upgrade', 'retrofit', 'automation'])} of {m['machine_id']}",
                ),
                _line("1100", -amount, p, "ADM"),
            ],
            hour=15,
            reference=asset,
        )


def _post_manual(ctx: GenContext, rng, ledger: _Ledger, plants: list[str]) -> None:
    """Month-end accruals keyed by hand: approved above 50k, one posted without approval, one reversed, drafts."""
    staff = {}
    for e in ctx.rows("master", "employees"):
        if e["status"] == "active" and e["role"] in ("manager", "engineer"):
            staff.setdefault((e["factory_id"], e["role"]), e["employee_id"])
    manual = []
    for month_end in _month_ends(ctx):
        for p in plants:
            amount = rng.uniform(20_000, 250_000)
            what = rng.choice(["Audit fee accrual", "Legal fee accrual", "Insurance accrual", "Consulting accrual"])
            entry = ledger.post(
                month_end,
                "SA",
                "manual",
                None,
                f"{what} {month_end:%b-%Y}",
                [_line("6600", amount, p, "ADM"), _line("2300", -amount, p, "ADM")],
                hour=18,
                created_by=staff.get((p, "engineer")),
                needs_approval=amount > 50_000,
                entry_type="accrual",
            )
            entry.approved_by = staff.get((p, "manager")) if entry.needs_approval else None
            manual.append(entry)
    if manual:
        unapproved = [e for e in manual if e.needs_approval]
        if unapproved:
            unapproved[0].approved_by = None  # a control failure the SOX checks should find
        original = manual[-1]
        day = min(original.day + timedelta(days=1), ctx.end.date())
        reversal = ledger.post(
            day,
            "SA",
            "manual",
            None,
            f"Reversal of {original.text}",
            [{**line, "debit": line["credit"], "credit": line["debit"]} for line in original.lines],
            hour=min(10.0, ctx.end.hour),
            created_by=original.created_by,
            entry_type="reversal",
        )
        original.reversed_by, reversal.reversal_of = reversal, original
    for p in plants[:2]:
        amount = rng.uniform(10_000, 60_000)
        ledger.post(
            ctx.end.date(),
            "SA",
            "manual",
            None,
            f"Draft accrual {p}",
            [_line("6600", amount, p, "ADM"), _line("2300", -amount, p, "ADM")],
            hour=ctx.end.hour * 0.5,
            created_by=staff.get((p, "engineer")),
            status="draft",
            needs_approval=amount > 50_000,
        )


def _post_tax_and_settlements(ctx: GenContext, ledger: _Ledger, plants: list[str]) -> None:
    """Income tax provided daily on each plant's year-to-date pre-tax income (trued up, never below zero);
    monthly payroll and GST payments."""
    pretax = defaultdict(float)
    for e in ledger.entries:
        if e.status == "posted":
            for line in e.lines:
                if line["account"] in PNL:
                    pretax[(line["plant"], e.day)] += line["credit"] - line["debit"]
    for p in plants:
        income = provided = 0.0
        year = None
        for day in ctx.window_days():
            if day.year != year:
                income, provided, year = 0.0, 0.0, day.year
            income += pretax.get((p, day), 0.0)
            change = money(max(0.0, income) * TAX_RATE - provided)
            if change:
                provided += change
                ledger.post(
                    day,
                    "SA",
                    "auto_tax",
                    None,
                    f"Income tax provision {p}",
                    [_line("8100", change, p, "ADM"), _line("2400", -change, p, "ADM")],
                    hour=23.5,
                )
    for p in plants:
        for month_end in _month_ends(ctx):
            day = working_day(month_end) if month_end.weekday() != 6 else month_end - timedelta(days=1)
            due = ledger.balance("2300", p, day)
            if due > 0:
                ledger.post(
                    day,
                    "KZ",
                    "auto_payment",
                    None,
                    f"Payroll and accrued expenses paid {p}",
                    [_line("2300", due, p, "ADM"), _line("1100", -due, p, "ADM")],
                    hour=23.8,
                )
        for day in ctx.window_days():
            if day.day == 20 and day < ctx.end.date():
                month_end = day.replace(day=1) - timedelta(days=1)
                due = ledger.balance("2200", p, month_end)
                if due > 0:
                    ledger.post(
                        day,
                        "KZ",
                        "auto_payment",
                        None,
                        f"GST paid {p}",
                        [_line("2200", due, p, "ADM"), _line("1100", -due, p, "ADM")],
                        hour=16,
                    )


# -- rows -----------------------------------------------------------------------------------------------------------
def _department(plant: str, key: str) -> str:
    """The HCM department of a cost centre (sales offices report to the corporate sales department)."""
    return "DEPT-HQ-SAL" if key == "SAL" else f"DEPT-{plant[4:]}-{key}"


def _posting_key(line: dict) -> str:
    return line.get("posting_key") or ("40" if line["debit"] else "50")


def _write_entries(ctx: GenContext, ledger: _Ledger) -> list[dict]:
    """Journal entry headers and lines for every entry, a general_ledger row per line of a posted entry."""
    entries = sorted(ledger.entries, key=lambda e: (e.day, e.hour))
    for n, e in enumerate(entries):
        e.ids = {"id": f"JE-{n + 1:07d}", "number": f"JV{e.day:%y}{n + 1:07d}"}
    heads, rows, gl, audit = [], [], [], []
    for e in entries:
        created = at(ctx, e.day, e.hour)
        posted = e.status == "posted"
        debit, credit = money(sum(x["debit"] for x in e.lines)), money(sum(x["credit"] for x in e.lines))
        other = e.reversed_by or e.reversal_of
        heads.append(
            {
                "journal_entry_id": e.ids["id"],
                "journal_number": e.ids["number"],
                "entry_type": e.entry_type,
                "source_type": e.source_type,
                "source_document_id": e.source_id,
                "posting_date": e.day,
                "fiscal_year": e.day.year,
                "fiscal_period": e.day.month,
                "description": e.text,
                "reference": e.reference,
                "total_debit": debit,
                "total_credit": credit,
                "currency_code": "INR",
                "exchange_rate": 1.0,
                "functional_currency_code": "INR",
                "entry_status": e.status,
                "posted": posted,
                "posted_by": (e.created_by or "system") if posted else None,
                "posted_at": created if posted else None,
                "reversed": e.reversed_by is not None,
                "reversal_entry_id": other.ids["id"] if other else None,
                "reversed_date": e.reversed_by.day if e.reversed_by else None,
                "requires_approval": e.needs_approval,
                "approved": e.approved_by is not None,
                "approved_by": e.approved_by,
                "approved_at": created if e.approved_by else None,
                "created_by": e.created_by or "system",
                "created_at": created,
                "updated_at": created,
            }
        )
        if e.source_type == "manual":
            audit += _audit(ctx, e, created, len(audit))
        for k, line in enumerate(e.lines):
            cc = cost_center_id(line["plant"], line["dept"])
            rows.append(
                {
                    "line_id": f"{e.ids['id']}-{k + 1:03d}",
                    "journal_entry_id": e.ids["id"],
                    "line_number": k + 1,
                    "account_id": f"ACC-{line['account']}",
                    "debit_amount": line["debit"],
                    "credit_amount": line["credit"],
                    "currency_code": "INR",
                    "exchange_rate": 1.0,
                    "functional_debit": line["debit"],
                    "functional_credit": line["credit"],
                    "cost_center_id": cc,
                    "department_id": _department(line["plant"], line["dept"]),
                    "factory_id": line["plant"],
                    "line_description": line.get("text") or e.text,
                    "created_at": created,
                }
            )
            if posted:
                gl.append(
                    {
                        "gl_transaction_id": f"GL-{len(gl) + 1:08d}",
                        "document_number": e.ids["number"],
                        "document_type": e.doc_type,
                        "posting_date": e.day,
                        "document_date": line.get("document_date") or e.day,
                        "gl_account": line["account"],
                        "company_code": COMPANY,
                        "debit_amount": line["debit"],
                        "credit_amount": line["credit"],
                        "currency": "INR",
                        "cost_center_id": cc,
                        "profit_center": line["plant"],
                        "reference_document": line.get("reference") or e.reference,
                        "assignment": line.get("assignment"),
                        "text": line.get("text") or e.text,
                        "posting_key": _posting_key(line),
                        "transaction_code": TRANSACTION_CODES[e.doc_type],
                        "source_system": "MES" if e.source_type == "auto_production" else "ERP",
                        "source_document_id": e.source_id,
                        "fiscal_year": e.day.year,
                        "fiscal_period": e.day.month,
                        "cleared": line.get("cleared", False),
                        "clearing_document": line.get("clearing_document"),
                        "clearing_date": line.get("clearing_date"),
                        "created_by": e.created_by or "system",
                        "created_at": created,
                    }
                )
    ctx.add("erp", "journal_entry_headers", heads)
    ctx.add("erp", "journal_entry_lines", rows)
    ctx.add("erp", "general_ledger", gl)
    ctx.add("erp", "gl_audit_trail", audit)
    return gl


def _audit(ctx: GenContext, e: _Entry, created, n: int) -> list[dict]:
    actions = [("create", e.created_by, created, None, {"entry_status": "draft"})]
    if e.approved_by:
        actions.append(
            ("approve", e.approved_by, created + timedelta(minutes=20), {"approved": False}, {"approved": True})
        )
    if e.status == "posted":
        actions.append(
            (
                "post",
                e.created_by,
                created + timedelta(minutes=40),
                {"entry_status": "draft"},
                {"entry_status": "posted"},
            )
        )
    if e.reversed_by:
        actions.append(
            (
                "reverse",
                e.created_by,
                at(ctx, e.reversed_by.day, e.reversed_by.hour),
                {"reversed": False},
                {"reversed": True, "reversal_entry_id": e.reversed_by.ids["id"]},
            )
        )
    return [
        {
            "audit_id": f"GLA-{n + k + 1:06d}",
            "audit_timestamp": min(ts, ctx.end),
            "action_type": action,
            "entity_type": "journal_entry",
            "entity_id": e.ids["id"],
            "old_values": old,
            "new_values": new,
            "user_id": user or "system",
            "user_name": None,
            "ip_address": f"10.20.{len(e.text) % 250}.{n % 250 + 1}",
            "session_id": f"S{e.ids['id'][3:]}",
        }
        for k, (action, user, ts, old, new) in enumerate(actions)
    ]


def _normal(code: str, debit: float, credit: float) -> float:
    return debit - credit if NORMAL[code] == "debit" else credit - debit


def _budgets(ctx: GenContext, rng, gl: list[dict], plants: list[str]) -> dict:
    """One operating budget per fiscal year: per cost centre and account, monthly amounts sized on the run rate."""
    totals = defaultdict(float)
    for row in gl:
        if row["gl_account"] in PNL and row["gl_account"] not in ("5200", "5300"):
            totals[(row["cost_center_id"], row["gl_account"])] += _normal(
                row["gl_account"], row["debit_amount"], row["credit_amount"]
            )
    capex = defaultdict(float)
    for m in ctx.rows("master", "machines"):
        capex[cost_center_id(m["factory_id"], "PRD")] += m["asset_value_usd"] * 0.04 / 12
    mean_season = sum(SEASON.values()) / 12
    heads, lines, budget = [], [], {}
    for year in sorted({d.year for d in ctx.window_days()} | {ctx.end.year - 1}):
        budget_id = f"BUD-{year}"
        approved = min(date(year - 1, 12, 15), ctx.end.date())
        heads.append(
            {
                "budget_id": budget_id,
                "budget_code": f"OPEX-{year}",
                "budget_name": f"Operating budget {year}",
                "fiscal_year": year,
                "budget_type": "operating",
                "budget_version": 1,
                "is_approved": True,
                "budget_status": "approved",
                "approved_by": None,
                "approved_date": approved,
                "created_at": at(ctx, approved - timedelta(days=30), 10),
            }
        )
        plan = [(cc, code, total / ctx.days) for (cc, code), total in sorted(totals.items()) if total > 0]
        plan += [(cc, "1500", monthly * 12 / 365) for cc, monthly in sorted(capex.items())]
        for cc, code, per_day in plan:
            bias = rng.uniform(0.94, 1.07)
            months = [
                money(
                    per_day * calendar.monthrange(year, m)[1] * SEASON[m] / mean_season * bias * rng.uniform(0.95, 1.05)
                )
                for m in range(1, 13)
            ]
            for m, amount in enumerate(months, start=1):
                budget[(year, cc, code, m)] = amount
            lines.append(
                {
                    "budget_line_id": f"BL-{year}-{len(lines) + 1:05d}",
                    "budget_id": budget_id,
                    "account_id": f"ACC-{code}",
                    "cost_center_id": cc,
                    **{f"period_{m:02d}": amount for m, amount in enumerate(months, start=1)},
                    "annual_total": money(sum(months)),
                    "notes": "capital expenditure plan" if code == "1500" else None,
                    "created_at": heads[-1]["created_at"],
                }
            )
    ctx.add("erp", "budget_headers", heads)
    ctx.add("erp", "budget_lines", lines)
    return budget


def _account_balances(ctx: GenContext, gl: list[dict], budget: dict) -> None:
    """Per account, cost centre and fiscal period of the window: beginning, period and year-to-date figures."""
    moves = defaultdict(lambda: [0.0, 0.0])
    for row in gl:
        cell = moves[(row["gl_account"], row["cost_center_id"], row["fiscal_year"], row["fiscal_period"])]
        cell[0] += row["debit_amount"]
        cell[1] += row["credit_amount"]
    periods = sorted({(d.year, d.month) for d in ctx.window_days()})
    pairs = sorted({(code, cc) for code, cc, _, _ in moves} | {(code, cc) for _, cc, code, _ in budget})
    rows = []
    for code, cc in pairs:
        balance, ytd, year_of = 0.0, [0.0, 0.0], None
        for year, month in periods:
            if year != year_of:
                ytd, year_of = [0.0, 0.0], year
                balance = 0.0 if code in PNL else balance
            debit, credit = moves.get((code, cc, year, month), (0.0, 0.0))
            ytd = [ytd[0] + debit, ytd[1] + credit]
            begin, balance = balance, balance + _normal(code, debit, credit)
            period_budget = budget.get((year, cc, code, month), 0.0)
            if not (begin or debit or credit or period_budget):
                continue
            last = date(year, month, calendar.monthrange(year, month)[1])
            rows.append(
                {
                    "balance_id": f"AB-{len(rows) + 1:06d}",
                    "account_id": f"ACC-{code}",
                    "fiscal_year": year,
                    "fiscal_period": month,
                    "cost_center_id": cc,
                    "beginning_balance": money(begin),
                    "period_debit": money(debit),
                    "period_credit": money(credit),
                    "ending_balance": money(balance),
                    "ytd_debit": money(ytd[0]),
                    "ytd_credit": money(ytd[1]),
                    "period_budget": period_budget,
                    "ytd_budget": money(sum(budget.get((year, cc, code, m), 0.0) for m in range(1, month + 1))),
                    "last_updated": at(ctx, min(last, ctx.end.date()), 23.9),
                }
            )
    ctx.add("erp", "account_balances", rows)


def _statements(ctx: GenContext, gl: list[dict]) -> None:
    """An income statement and a balance sheet per fiscal period of the window (final once the period is closed)."""
    subtype = {code: sub for code, _, _, sub, _ in ACCOUNTS}
    earns = {code for code, _, kind, _, _ in ACCOUNTS if kind == "revenue"}
    closed = {(p["fiscal_year"], p["period_number"]): p for p in ctx.rows("erp", "fiscal_periods")}
    rows = []
    for year, month in sorted({(d.year, d.month) for d in ctx.window_days()}):
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        flows, stocks = defaultdict(float), defaultdict(float)
        for row in gl:
            amount = _normal(row["gl_account"], row["debit_amount"], row["credit_amount"])
            if row["gl_account"] in PNL and first <= row["posting_date"] <= last:
                # income and expense lines in their own sign (the overhead absorbed reduces cost of sales)
                flow = row["debit_amount"] - row["credit_amount"]
                flows[subtype[row["gl_account"]]] += -flow if row["gl_account"] in earns else flow
            elif row["gl_account"] not in PNL and row["posting_date"] <= last:
                sign = -1 if row["gl_account"] == "1510" else 1
                stocks[subtype[row["gl_account"]]] += sign * amount
        income = {k: money(v) for k, v in flows.items()}
        gross = flows["operating_revenue"] - flows["cogs"]
        operating = gross - flows["operating_expense"]
        income |= {
            "gross_margin": money(gross),
            "operating_income": money(operating),
            "net_income": money(operating + flows["other_income"] - flows["tax"]),
        }
        sheet = {k: money(v) for k, v in stocks.items()}
        sheet["current_ratio"] = (
            round(stocks["current_asset"] / stocks["current_liability"], 4) if stocks["current_liability"] else None
        )
        final = closed[(year, month)]["period_status"] == "closed"
        generated = at(ctx, closed[(year, month)]["closed_date"], 9) if final else ctx.end
        for kind, data in (("income_statement", income), ("balance_sheet", sheet)):
            rows.append(
                {
                    "statement_id": f"FS-{kind[:2].upper()}-{year}-{month:02d}",
                    "statement_type": kind,
                    "fiscal_year": year,
                    "fiscal_period": month,
                    "start_date": first,
                    "end_date": last,
                    "generated_at": generated,
                    "generated_by": "system",
                    "statement_status": "final" if final else "draft",
                    "statement_data": data,
                    "created_at": generated,
                }
            )
    ctx.add("erp", "financial_statements", rows)
