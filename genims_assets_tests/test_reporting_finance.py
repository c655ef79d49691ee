"""Known answers for the finance reporting tables, from one small hand-built ledger.

Plant F1 on DAY (2026-03-10): one posted journal entry JV1 (an invoice of 1,180 to C1 with its revenue, cost,
expenses, overhead absorbed, other income and tax, settled by a 740 cash credit), one draft entry (not in the
ledger, must not count), a customer receipt of 4,000 that clears an earlier invoice of C2 and a supplier payment
of 1,500. Before DAY: an opening entry (type AB: cash 10,000, a 2,000 receivable of C1 dated 2025-12-01, payables
3,000), invoices to C2 on 2026-01-05 (500), 2026-01-20 (4,000) and 2026-02-05 (500), a supplier invoice of 2,500.
"""

from __future__ import annotations

from datetime import date

import pytest

from genims_assets_tests.reporting_harness import ReportingHarness

DAY = "2026-03-10"
D = date(2026, 3, 10)

ACCOUNTS = [
    # code, type, subtype, statement, normal balance
    ("1100", "asset", "current_asset", "balance_sheet", "debit"),
    ("1200", "asset", "current_asset", "balance_sheet", "debit"),
    ("2100", "liability", "current_liability", "balance_sheet", "credit"),
    ("4100", "revenue", "operating_revenue", "income_statement", "credit"),
    ("5100", "expense", "cogs", "income_statement", "debit"),
    ("5400", "expense", "cogs", "income_statement", "credit"),
    ("6100", "expense", "operating_expense", "income_statement", "debit"),
    ("7100", "revenue", "other_income", "income_statement", "credit"),
    ("8100", "expense", "tax", "income_statement", "debit"),
]

# JV1 on DAY: (account, debit, credit, department, cost centre, customer, sales order)
JV1 = [
    ("1200", 1180.0, 0.0, "D-SAL", "CC-F1-SAL", "C1", "SO-1"),
    ("4100", 0.0, 1000.0, "D-SAL", "CC-F1-SAL", None, None),
    ("5100", 600.0, 0.0, "D-SAL", "CC-F1-SAL", None, None),
    ("6100", 50.0, 0.0, "D-SAL", "CC-F1-SAL", None, None),
    ("5400", 0.0, 100.0, "D-PRD", "CC-F1-PRD", None, None),
    ("7100", 0.0, 20.0, "D-PRD", "CC-F1-PRD", None, None),
    ("8100", 30.0, 0.0, "D-PRD", "CC-F1-PRD", None, None),
    ("1100", 0.0, 740.0, "D-SAL", "CC-F1-SAL", None, None),
]


def gl_row(n: int, doc: str, kind: str, day: date, account: str, debit: float, credit: float, **extra) -> dict:
    """A general_ledger row of plant F1; every row has the same columns (COPY takes the first row's)."""
    return {
        "gl_transaction_id": f"GL-{n:04d}",
        "document_number": doc,
        "document_type": kind,
        "posting_date": day,
        "document_date": extra.get("document_date", day),
        "gl_account": account,
        "company_code": "GN01",
        "debit_amount": debit,
        "credit_amount": credit,
        "cost_center_id": extra.get("cost_center_id", "CC-F1-ADM"),
        "profit_center": "F1",
        "assignment": extra.get("assignment"),
        "reference_document": extra.get("reference"),
        "cleared": extra.get("clearing_date") is not None,
        "clearing_date": extra.get("clearing_date"),
    }


def ledger() -> list[dict]:
    """Every general_ledger row of the fixture, in posting order."""
    rows = [
        # opening entry: cash, an old receivable of C1 (age 99 days on DAY), payables (not a purchase)
        ("OB", "AB", date(2026, 1, 1), "1100", 10000.0, 0.0, {}),
        (
            "OB",
            "AB",
            date(2026, 1, 1),
            "1200",
            2000.0,
            0.0,
            {"assignment": "C1", "reference": "OB-C1-1", "document_date": date(2025, 12, 1)},
        ),
        ("OB", "AB", date(2026, 1, 1), "2100", 0.0, 3000.0, {"assignment": "S1"}),
        # invoices to C2: 500 on 01-05 (SO-3, NET90), 4,000 on 01-20 (SO-2, cleared on DAY), 500 on 02-05 (SO-2)
        ("RV1", "RV", date(2026, 1, 5), "1200", 500.0, 0.0, {"assignment": "C2", "reference": "SO-3"}),
        ("RV1", "RV", date(2026, 1, 5), "4100", 0.0, 500.0, {}),
        (
            "RV2",
            "RV",
            date(2026, 1, 20),
            "1200",
            4000.0,
            0.0,
            {"assignment": "C2", "reference": "SO-2", "clearing_date": D},
        ),
        ("RV2", "RV", date(2026, 1, 20), "4100", 0.0, 4000.0, {}),
        ("RV3", "RV", date(2026, 2, 5), "1200", 500.0, 0.0, {"assignment": "C2", "reference": "SO-2"}),
        ("RV3", "RV", date(2026, 2, 5), "4100", 0.0, 500.0, {}),
        # a supplier invoice of 2,500
        ("RE1", "RE", date(2026, 2, 1), "2100", 0.0, 2500.0, {"assignment": "S1"}),
        # DAY: the receipt clearing RV2, the supplier payment
        ("DZ1", "DZ", D, "1100", 4000.0, 0.0, {}),
        ("DZ1", "DZ", D, "1200", 0.0, 4000.0, {"assignment": "C2", "reference": "SO-2", "clearing_date": D}),
        ("KZ1", "KZ", D, "2100", 1500.0, 0.0, {"assignment": "S1"}),
        ("KZ1", "KZ", D, "1100", 0.0, 1500.0, {}),
    ]
    rows += [
        ("JV1", "SA", D, a, dr, cr, {"cost_center_id": cc, "assignment": cust, "reference": so})
        for a, dr, cr, _, cc, cust, so in JV1
    ]
    return [gl_row(n, doc, kind, day, a, dr, cr, **extra) for n, (doc, kind, day, a, dr, cr, extra) in enumerate(rows)]


def journal() -> tuple[list[dict], list[dict]]:
    """JV1 posted on DAY; JV2 a draft on DAY with 5,000 of revenue that is not in the ledger."""
    headers = [
        {
            "journal_entry_id": "JE-1",
            "journal_number": "JV1",
            "posting_date": D,
            "posted": True,
            "entry_status": "posted",
        },
        {
            "journal_entry_id": "JE-2",
            "journal_number": "JV2",
            "posting_date": D,
            "posted": False,
            "entry_status": "draft",
        },
    ]
    lines = [
        {
            "line_id": f"JE-1-{k}",
            "journal_entry_id": "JE-1",
            "account_id": f"ACC-{a}",
            "debit_amount": dr,
            "credit_amount": cr,
            "functional_debit": dr,
            "functional_credit": cr,
            "cost_center_id": cc,
            "department_id": dept,
            "factory_id": "F1",
        }
        for k, (a, dr, cr, dept, cc, _, _) in enumerate(JV1)
    ]
    lines.append(
        {
            **lines[1],
            "line_id": "JE-2-1",
            "journal_entry_id": "JE-2",
            "credit_amount": 5000.0,
            "functional_credit": 5000.0,
        }
    )
    return headers, lines


def budgets() -> list[dict]:
    """Budgets of March 2026 (31 days), positive in the account's normal direction."""
    cells = [
        ("CC-F1-SAL", "4100", 31000.0),  # + 1,000 a day
        ("CC-F1-SAL", "5100", 18600.0),  # - 600 a day
        ("CC-F1-SAL", "6100", 3100.0),  # - 100 a day
        ("CC-F1-PRD", "5400", 6200.0),  # + 200 a day (overhead absorbed, credit-normal)
        ("CC-F1-PRD", "8100", 620.0),  # - 20 a day
        ("CC-F1-QLT", "6100", 1550.0),  # - 50 a day, a cost centre without postings
        ("CC-F1-ADM", "1200", 999.0),  # balance sheet: not part of net income
    ]
    return [
        {
            "balance_id": f"AB-{k}",
            "account_id": f"ACC-{a}",
            "fiscal_year": 2026,
            "fiscal_period": 3,
            "cost_center_id": cc,
            "period_budget": amount,
        }
        for k, (cc, a, amount) in enumerate(cells)
    ]


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("r3_fin", today=date(2026, 3, 15))
    h.insert(
        "master", "factories", [{"factory_id": "F1", "factory_name": "Plant One", "country": "India", "city": "Pune"}]
    )
    h.insert(
        "master",
        "customers",
        [
            {"customer_id": "C1", "customer_name": "Customer One", "customer_type": "oem"},
            {"customer_id": "C2", "customer_name": "Customer Two", "customer_type": "tier1"},
        ],
    )
    h.insert(
        "crm",
        "accounts",
        [{"account_id": "C1", "account_number": "A1", "account_name": "Customer One", "credit_limit": 50000.0}],
    )
    h.insert(
        "hcm",
        "departments",
        [
            {"department_id": "D-SAL", "department_code": "SAL", "department_name": "Sales"},
            {"department_id": "D-PRD", "department_code": "PRD", "department_name": "Production"},
        ],
    )
    h.insert(
        "erp",
        "chart_of_accounts",
        [
            {
                "account_id": f"ACC-{c}",
                "account_code": c,
                "account_name": c,
                "account_type": t,
                "account_subtype": s,
                "financial_statement": f,
                "normal_balance": n,
            }
            for c, t, s, f, n in ACCOUNTS
        ],
    )
    h.insert(
        "erp",
        "fiscal_periods",
        [
            {
                "period_id": "FP-2026-03",
                "fiscal_year": 2026,
                "period_number": 3,
                "start_date": date(2026, 3, 1),
                "end_date": date(2026, 3, 31),
            }
        ],
    )
    h.insert(
        "erp",
        "cost_centers",
        [
            {"cost_center_id": f"CC-F1-{k}", "cost_center_code": k, "cost_center_name": k, "plant_id": "F1"}
            for k in ("SAL", "PRD", "QLT", "ADM")
        ],
    )
    h.insert(
        "erp",
        "sales_orders",
        [
            {"sales_order_id": so, "sales_order_number": so, "customer_id": c, "order_date": d, "payment_terms": t}
            for so, c, d, t in (
                ("SO-1", "C1", date(2026, 3, 1), "NET60"),
                ("SO-2", "C2", date(2026, 1, 15), "NET30"),
                ("SO-3", "C2", date(2026, 1, 1), "NET90"),
            )
        ],
    )
    headers, lines = journal()
    h.insert("erp", "journal_entry_headers", headers)
    h.insert("erp", "journal_entry_lines", lines)
    h.insert("erp", "general_ledger", ledger())
    h.insert("erp", "account_balances", budgets())
    yield h
    h.drop()


def materialised(harness, table: str) -> list[dict]:
    result = harness.materialize(table, DAY)
    assert result.success
    checks = harness.check_results(result)
    assert set(checks) == {"row_count_drift", "measures_valid", "reconciles_with_source"}
    assert all(c.passed for c in checks.values()), {k: v.metadata for k, v in checks.items() if not v.passed}
    return [r for r in harness.rows(table) if r["report_date"] == D]


def test_profit_and_loss_daily_known_answer(harness):
    rows = {r["department_id"]: r for r in materialised(harness, "profit_and_loss_daily")}
    assert set(rows) == {"D-SAL", "D-PRD", "UNASSIGNED"}  # the draft entry's 5,000 of revenue is nowhere
    sal, prd, qlt = rows["D-SAL"], rows["D-PRD"], rows["UNASSIGNED"]
    assert (sal["factory_name"], sal["department_name"]) == ("Plant One", "Sales")
    # Sales: revenue 1,000, COGS 600, gross 400 (40 %), expenses 50, operating income 350 = net income.
    assert [float(sal[c]) for c in ("revenue", "cogs_amount", "gross_margin_amount", "operating_expenses")] == [
        1000.0,
        600.0,
        400.0,
        50.0,
    ]
    assert float(sal["gross_margin_pct"]) == 40.0
    assert float(sal["operating_income"]) == 350.0 and float(sal["net_income"]) == 350.0
    # Budget: (31,000 - 18,600 - 3,100) / 31 = 300 a day; variance 350 - 300 = 50 = 16.667 % of 300.
    assert float(sal["budget_net_income"]) == 300.0 and float(sal["variance_from_budget"]) == 50.0
    assert float(sal["variance_from_budget_pct"]) == pytest.approx(16.667, abs=0.001)
    # Production: overhead absorbed 100 makes COGS -100, gross margin 100 (no revenue: no %), other income 20,
    # tax 30: net income 100 + 20 - 30 = 90; budget (6,200 - 620) / 31 = 180; variance -90 = -50 %.
    assert float(prd["cogs_amount"]) == -100.0 and float(prd["gross_margin_amount"]) == 100.0
    assert prd["gross_margin_pct"] is None
    assert (float(prd["other_income"]), float(prd["tax_amount"]), float(prd["net_income"])) == (20.0, 30.0, 90.0)
    assert float(prd["budget_net_income"]) == 180.0 and float(prd["variance_from_budget_pct"]) == -50.0
    # Quality posted nothing: its budget (-1,550 / 31 = -50) stands on the plant, department UNASSIGNED.
    assert qlt["factory_id"] == "F1" and float(qlt["net_income"]) == 0.0
    assert float(qlt["budget_net_income"]) == -50.0 and float(qlt["variance_from_budget_pct"]) == 100.0


def test_cash_flow_daily_known_answer(harness):
    (row,) = materialised(harness, "cash_flow_daily")
    assert row["factory_id"] == "F1" and row["factory_name"] == "Plant One"
    # Receipt 4,000 (clears a receivable); payment 1,500 (pays a payable); JV1's 740 is another outflow.
    assert float(row["customer_receipts"]) == 4000.0 and float(row["other_inflows"]) == 0.0
    assert float(row["supplier_payments"]) == 1500.0 and float(row["other_outflows"]) == 740.0
    assert (float(row["cash_inflows"]), float(row["cash_outflows"]), float(row["net_cash_flow"])) == (
        4000.0,
        2240.0,
        1760.0,
    )
    # Cash 10,000 + 1,760; receivables 2,000 + 500 + 4,000 + 500 - 4,000 + 1,180; payables 3,000 + 2,500 - 1,500.
    assert float(row["closing_cash_balance"]) == 11760.0
    assert float(row["receivables_amount"]) == 4180.0 and float(row["payables_amount"]) == 4000.0
    # DSO = 4,180 / ((500 + 4,000 + 500 + 1,000) / 90) = 62.7; DPO = 4,000 / (2,500 / 90) = 144 (opening excluded).
    assert float(row["dso_days"]) == pytest.approx(62.7, abs=0.001)
    assert float(row["dpo_days"]) == pytest.approx(144.0, abs=0.001)


def test_accounts_receivable_aging_known_answer(harness):
    rows = {r["customer_id"]: r for r in materialised(harness, "accounts_receivable_aging")}
    assert set(rows) == {"C1", "C2"}
    c1, c2 = rows["C1"], rows["C2"]
    # C1: 1,180 of DAY (age 0) and the opening 2,000 of 2025-12-01 (age 99, due after the 60 days of its
    # latest order's terms: overdue). Weighted age = 2,000 x 99 / 3,180 = 62.264.
    assert (c1["customer_name"], c1["customer_type"], float(c1["credit_limit_amount"])) == (
        "Customer One",
        "oem",
        50000.0,
    )
    assert c1["open_items_count"] == 2 and c1["oldest_open_days"] == 99
    assert [
        float(c1[c])
        for c in (
            "aging_0_30_amount",
            "aging_31_60_amount",
            "aging_61_90_amount",
            "aging_over_90_amount",
            "total_receivable_amount",
            "overdue_amount",
        )
    ] == [1180.0, 0.0, 0.0, 2000.0, 3180.0, 2000.0]
    assert float(c1["weighted_average_days"]) == pytest.approx(62.264, abs=0.001)
    # C2: the 4,000 cleared on DAY is gone; 500 of 02-05 (age 33, NET30: due 03-07, overdue) and 500 of 01-05
    # (age 64, NET90: not due). Weighted age (500 x 33 + 500 x 64) / 1,000 = 48.5.
    assert c2["open_items_count"] == 2 and c2["oldest_open_days"] == 64 and c2["credit_limit_amount"] is None
    assert [
        float(c2[c])
        for c in (
            "aging_0_30_amount",
            "aging_31_60_amount",
            "aging_61_90_amount",
            "aging_over_90_amount",
            "total_receivable_amount",
            "overdue_amount",
        )
    ] == [0.0, 500.0, 500.0, 0.0, 1000.0, 500.0]
    assert float(c2["weighted_average_days"]) == 48.5


def test_a_ledger_row_without_its_journal_line_breaks_the_reconciliation(harness):
    """The control total is independent of the table's source: a ledger row without its journal line shows."""
    harness.execute_source(
        "erp",
        "INSERT INTO general_ledger (gl_transaction_id, posting_date, document_date, gl_account, company_code, "
        "debit_amount, credit_amount, profit_center) VALUES ('GL-X', %s, %s, '4100', 'GN01', 0, 77, 'F1')",
        (D, D),
    )
    try:
        result = harness.materialize("profit_and_loss_daily", DAY)
        check = harness.check_results(result)["reconciles_with_source"]
        assert not check.passed and check.metadata["mismatches"].value[DAY]["difference"] == -77.0
    finally:
        harness.execute_source("erp", "DELETE FROM general_ledger WHERE gl_transaction_id = 'GL-X'")


def test_financial_ratios_agree_with_the_daily_tables(harness):
    """Same ledger, same definitions: the 30-day income and the balances match P&L and cash flow of DAY."""
    (row,) = materialised(harness, "financial_ratios")
    # The 30 days to DAY start on 02-09: revenue 1,000 (DAY only), COGS 600 - 100; gross margin 500 / 1,000.
    assert float(row["revenue_30d"]) == 1000.0 and float(row["cogs_30d"]) == 500.0
    assert float(row["gross_margin_pct"]) == 50.0
    # Operating income 1,000 - 500 - 50 = 450; net income 450 + 20 - 30 = 440 (the P&L rows of DAY: 350 + 90).
    assert float(row["operating_income_30d"]) == 450.0 and float(row["net_income_30d"]) == 440.0
    # Balances as in cash_flow_daily: cash 11,760 + receivables 4,180 = 15,940 against payables 4,000.
    assert float(row["receivables_amount"]) == 4180.0 and float(row["current_assets_amount"]) == 15940.0
    assert float(row["current_liabilities_amount"]) == 4000.0
    assert float(row["current_ratio"]) == 3.985 and float(row["quick_ratio"]) == 3.985
