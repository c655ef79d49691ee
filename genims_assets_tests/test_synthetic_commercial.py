"""The commercial flow of the synthetic data (erp, supplier, planning, tms, wms): consistency and coverage."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

import pytest

from genims_assets.synthetic import generate_all
from genims_assets.synthetic.context import GenContext
from genims_assets.synthetic.erp import OUT_MOVEMENTS, _engineering, _Env, _production_orders, _production_status
from genims_assets.synthetic.wms import shipping_task_id, warehouse_id

END = datetime(2026, 3, 15, 10)
MINE = ("erp", "supplier", "planning", "tms", "wms")
REFERENCE = (("erp", "suppliers"), ("erp", "materials"))


def _build(seed: int = 7) -> GenContext:
    return generate_all(GenContext(seed=seed, scale=0.05, days=30, end=END))


@pytest.fixture(scope="module")
def ctx() -> GenContext:
    return _build()


def _ids(ctx: GenContext, db: str, table: str, key: str) -> set:
    return {r[key] for r in ctx.rows(db, table)}


def _open_ar(ctx: GenContext) -> list[dict]:
    return [
        r
        for r in ctx.rows("erp", "general_ledger")
        if r["gl_account"] == "1200" and r["debit_amount"] > 0 and not r["cleared"]
    ]


# -- ERP: sales, purchasing, stock --------------------------------------------------------------------------------
def test_sales_orders_reference_master_and_add_up(ctx):
    customers = _ids(ctx, "master", "customers", "customer_id")
    plants = _ids(ctx, "master", "factories", "factory_id")
    fg = {m["material_id"]: m["product_id"] for m in ctx.rows("erp", "materials")}
    orders = {o["sales_order_id"]: o for o in ctx.rows("erp", "sales_orders")}
    assert len(orders) >= 60 and all(o["customer_id"] in customers for o in orders.values())
    net = defaultdict(float)
    for line in ctx.rows("erp", "sales_order_lines"):
        assert line["sales_order_id"] in orders and line["plant_id"] in plants
        assert fg[line["material_id"]] == line["product_id"] and line["order_quantity"] > 0
        net[line["sales_order_id"]] += line["net_price"]
    for o in orders.values():
        assert o["total_net_value"] == pytest.approx(net[o["sales_order_id"]], abs=0.02)
        assert o["total_value"] == pytest.approx(
            o["total_net_value"] + o["tax_amount"] + o["freight_charges"], abs=0.02
        )


def test_prices_are_near_the_customer_price_list(ctx):
    price = {
        (m["customer_id"], m["product_id"]): m["unit_price_usd"] for m in ctx.rows("master", "customer_product_mapping")
    }
    customer = {o["sales_order_id"]: o["customer_id"] for o in ctx.rows("erp", "sales_orders")}
    checked = 0
    for line in ctx.rows("erp", "sales_order_lines"):
        listed = price.get((customer[line["sales_order_id"]], line["product_id"]))
        if listed:
            assert abs(line["unit_price"] / listed - 1) <= 0.031
            checked += 1
    assert checked > 10


def test_sales_statuses_agree_with_goods_issues_and_payments(ctx):
    issued = defaultdict(set)
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] == "601":
            issued[t["sales_order_id"]].add(t["posting_date"])
    receipts = {
        h["source_document_id"] for h in ctx.rows("erp", "journal_entry_headers") if h["source_type"] == "auto_receipt"
    }
    statuses = Counter()
    for o in ctx.rows("erp", "sales_orders"):
        statuses[o["order_status"]] += 1
        shipped = o["order_status"] in ("shipped", "closed")
        assert bool(issued[o["sales_order_id"]]) == shipped
        assert all(o["order_date"] < d <= END.date() for d in issued[o["sales_order_id"]])
        assert (o["sales_order_id"] in receipts) == (o["order_status"] == "closed")
    assert {"shipped", "cancelled", "on_hold"} <= set(statuses)  # over 30 days few orders are paid already
    assert statuses["confirmed"] + statuses["open"] > 0
    assert any(r["gl_account"] == "1200" and r["credit_amount"] for r in ctx.rows("erp", "general_ledger"))


def test_purchasing_receipts_are_consistent(ctx):
    orders = {o["purchase_order_id"]: o for o in ctx.rows("erp", "purchase_orders")}
    lines = {line["po_line_id"]: line for line in ctx.rows("erp", "purchase_order_lines")}
    assert _ids(ctx, "erp", "purchase_orders", "supplier_id") <= _ids(ctx, "erp", "suppliers", "supplier_id")
    value = defaultdict(float)
    for line in lines.values():
        assert line["purchase_order_id"] in orders
        value[line["purchase_order_id"]] += line["net_price"] + line["tax_amount"]
    for o in orders.values():
        assert o["total_value"] == pytest.approx(value[o["purchase_order_id"]] + o["freight_charges"], abs=0.05)
    accepted, late, on_time = defaultdict(float), 0, 0
    quality = Counter()
    for gr in ctx.rows("erp", "goods_receipts"):
        line = lines[gr["po_line_id"]]
        assert gr["purchase_order_id"] == line["purchase_order_id"] and gr["material_id"] == line["material_id"]
        assert orders[gr["purchase_order_id"]]["po_date"] < gr["gr_date"] <= END.date()
        quality[gr["quality_status"]] += 1
        if gr["quality_status"] != "blocked":
            accepted[gr["po_line_id"]] += gr["quantity_received"]
        late += gr["gr_date"] > line["delivery_date"]
        on_time += gr["gr_date"] <= line["delivery_date"]
    assert all(accepted[k] == pytest.approx(line["received_quantity"]) for k, line in lines.items())
    assert late and on_time and quality["blocked"] and quality["unrestricted"]


def test_stock_never_goes_negative_and_balances_agree(ctx):
    balances = ctx.rows("erp", "inventory_balances")
    keys = [(b["material_id"], b["plant_id"]) for b in balances]
    assert len(keys) == len(set(keys))  # one balance per material and plant
    moved = {(t["material_id"], t["plant_id"]) for t in ctx.rows("erp", "inventory_transactions")}
    made = {
        (m["material_id"], p["factory_id"])
        for m in ctx.rows("erp", "materials")
        if m["product_id"]
        for p in ctx.rows("master", "line_product_mapping")
        if p["product_id"] == m["product_id"]
    }
    # A plant holds what it moved or makes, nothing else (every pair would grow with scale squared).
    assert moved <= set(keys) and set(keys) <= moved | made
    final = {
        (b["material_id"], b["plant_id"]): b["unrestricted_stock"] + b["quality_inspection_stock"] + b["blocked_stock"]
        for b in balances
    }
    assert all(min(b["unrestricted_stock"], b["quality_inspection_stock"], b["blocked_stock"]) >= 0 for b in balances)
    moves = defaultdict(list)
    for t in ctx.rows("erp", "inventory_transactions"):
        assert t["quantity"] > 0 and t["posting_date"] <= END.date()
        moves[(t["material_id"], t["plant_id"])].append(
            (t["posting_date"], -t["quantity"] if t["movement_type"] in OUT_MOVEMENTS else t["quantity"])
        )
    assert {"101", "601", "701", "702"} <= {t["movement_type"] for t in ctx.rows("erp", "inventory_transactions")}
    for key, items in moves.items():
        stock = final[key] - sum(q for _, q in items)  # opening stock
        assert stock >= -1e-3
        for day in sorted({d for d, _ in items}):
            stock += sum(q for d, q in items if d == day)
            assert stock >= -1e-3, key


def test_production_orders_are_the_work_orders(ctx):
    work_orders = ctx.rows("mes", "work_orders")
    orders = {p["production_order_id"]: p for p in ctx.rows("erp", "production_orders")}
    fg = {m["product_id"]: m["material_id"] for m in ctx.rows("erp", "materials") if m["product_id"]}
    assert len(orders) == len(work_orders)
    for wo in work_orders:
        po = orders[wo["erp_order_id"]]
        assert po["work_order_id"] == wo["work_order_id"] and po["material_id"] == fg[wo["product_id"]]
        assert po["plant_id"] == wo["factory_id"] and po["order_quantity"] == wo["planned_quantity"]
        assert (po["actual_finish_date"] is not None) == (wo["actual_end_time"] is not None)


def test_production_orders_from_hand_made_work_orders(ctx):
    """The mapping itself, on work orders in each state (independent of the MES module's data)."""
    product = ctx.rows("master", "products")[0]["product_id"]
    base = {
        "product_id": product,
        "factory_id": ctx.rows("master", "factories")[0]["factory_id"],
        "planned_quantity": 100,
        "planned_start_date": datetime(2026, 3, 1, 6),
        "planned_end_date": datetime(2026, 3, 2, 14),
        "scheduled_start_time": datetime(2026, 3, 1, 6),
        "scheduled_end_time": datetime(2026, 3, 2, 14),
        "actual_start_time": None,
        "actual_end_time": None,
        "produced_quantity": 0,
        "good_quantity": 0,
        "standard_cost_per_unit": 10.0,
        "created_at": datetime(2026, 2, 20),
        "created_by": None,
    }
    cases = [
        {**base, "status": "scheduled"},
        {**base, "status": "in_progress", "actual_start_time": datetime(2026, 3, 1, 7)},
        {
            **base,
            "status": "completed",
            "actual_start_time": datetime(2026, 3, 1, 7),
            "actual_end_time": datetime(2026, 3, 2, 12),
            "produced_quantity": 98,
            "good_quantity": 95,
            "total_material_cost": 600.0,
            "total_labor_cost": 250.0,
            "total_overhead_cost": 150.0,
        },
    ]
    assert [_production_status(wo) for wo in cases] == ["released", "in_process", "completed"]
    fake = GenContext(seed=1, scale=0.05, days=30, end=END)
    fake._tables = {k: v for k, v in ctx._tables.items() if k[0] == "master" or k in REFERENCE}
    fake._tables[("mes", "work_orders")] = [
        {**wo, "work_order_id": f"WO-{i}", "erp_order_id": f"PRO-{i:06d}"} for i, wo in enumerate(cases)
    ]
    env = _Env(fake)
    rows = _production_orders(fake, env, _engineering(fake, env))
    assert [r["production_order_id"] for r in rows] == ["PRO-000000", "PRO-000001", "PRO-000002"]
    done = rows[2]
    assert done["actual_costs"] == 1000.0 and done["variance_amount"] == pytest.approx(1000.0 - 10.0 * 98)
    assert done["delivered_quantity"] == 95 and rows[0]["actual_costs"] is None


# -- ERP: finance -------------------------------------------------------------------------------------------------
def test_every_journal_entry_balances_and_the_ledger_mirrors_posted_lines(ctx):
    heads = {h["journal_entry_id"]: h for h in ctx.rows("erp", "journal_entry_headers")}
    sums = defaultdict(lambda: [0.0, 0.0])
    accounts = {a["account_id"]: a for a in ctx.rows("erp", "chart_of_accounts")}
    centers = _ids(ctx, "erp", "cost_centers", "cost_center_id")
    for line in ctx.rows("erp", "journal_entry_lines"):
        assert accounts[line["account_id"]]["allow_posting"] and line["cost_center_id"] in centers
        sums[line["journal_entry_id"]][0] += line["debit_amount"]
        sums[line["journal_entry_id"]][1] += line["credit_amount"]
    for je, (debit, credit) in sums.items():
        assert round(debit, 2) == round(credit, 2) == heads[je]["total_debit"] == heads[je]["total_credit"]
    gl = ctx.rows("erp", "general_ledger")
    posted = {h["journal_number"] for h in heads.values() if h["posted"]}
    assert {r["document_number"] for r in gl} == posted
    assert len(gl) == sum(
        1 for line in ctx.rows("erp", "journal_entry_lines") if heads[line["journal_entry_id"]]["posted"]
    )
    assert round(sum(r["debit_amount"] - r["credit_amount"] for r in gl), 2) == 0
    assert any(not h["posted"] for h in heads.values())  # drafts exist and stay out of the ledger
    assert any(h["requires_approval"] and not h["approved"] and h["posted"] for h in heads.values())


def test_profit_and_loss_is_computable_per_factory(ctx):
    subtype = {a["account_code"]: a["account_subtype"] for a in ctx.rows("erp", "chart_of_accounts")}
    seen = defaultdict(set)
    for r in ctx.rows("erp", "general_ledger"):
        seen[r["profit_center"]].add(subtype[r["gl_account"]])
    needed = {"operating_revenue", "cogs", "operating_expense", "other_income", "current_asset", "current_liability"}
    for plant in _ids(ctx, "master", "factories", "factory_id"):
        assert needed <= seen[plant], plant
    assert any("tax" in s for s in seen.values())


def test_assets_carry_cmms_ids_and_depreciate(ctx):
    assets = {f"AST-{m['machine_id']}" for m in ctx.rows("master", "machines")}
    gl = ctx.rows("erp", "general_ledger")
    tagged = {r["assignment"] for r in gl if r["gl_account"] in ("1500", "1510", "5530")}
    assert tagged and tagged <= assets
    assert any(r["gl_account"] == "5530" for r in gl) and any(r["document_type"] == "AA" for r in gl)


def test_receivables_age_into_every_bucket_and_clear_after_posting(ctx):
    buckets = Counter()
    customers = _ids(ctx, "master", "customers", "customer_id")
    for r in _open_ar(ctx):
        assert r["assignment"] in customers
        age = (END.date() - r["document_date"]).days
        buckets["0-30" if age <= 30 else "31-60" if age <= 60 else "61-90" if age <= 90 else "90+"] += 1
    assert set(buckets) == {"0-30", "31-60", "61-90", "90+"}
    for r in ctx.rows("erp", "general_ledger"):
        if r["cleared"]:
            assert r["posting_date"] <= r["clearing_date"] <= END.date() and r["clearing_document"]


def test_budgets_and_account_balances_add_up(ctx):
    for b in ctx.rows("erp", "budget_lines"):
        assert b["annual_total"] == pytest.approx(sum(b[f"period_{m:02d}"] for m in range(1, 13)), abs=0.1)
    normal = {a["account_id"]: a["normal_balance"] for a in ctx.rows("erp", "chart_of_accounts")}
    keys = set()
    for b in ctx.rows("erp", "account_balances"):
        key = (b["account_id"], b["fiscal_year"], b["fiscal_period"], b["cost_center_id"])
        assert key not in keys
        keys.add(key)
        change = b["period_debit"] - b["period_credit"]
        change = change if normal[b["account_id"]] == "debit" else -change
        assert b["ending_balance"] == pytest.approx(b["beginning_balance"] + change, abs=0.05)
    assert sum(b["period_budget"] for b in ctx.rows("erp", "account_balances")) > 0
    assert len(ctx.rows("erp", "fiscal_periods")) == 12 * len(ctx.rows("erp", "fiscal_years"))


# -- supplier -----------------------------------------------------------------------------------------------------
def test_supplier_invoices_match_lines_and_the_ledger(ctx):
    invoices = {i["invoice_id"]: i for i in ctx.rows("supplier", "supplier_invoices")}
    subtotal = defaultdict(float)
    for line in ctx.rows("supplier", "supplier_invoice_lines"):
        subtotal[line["invoice_id"]] += line["line_total"]
    ap = {
        r["reference_document"]: r
        for r in ctx.rows("erp", "general_ledger")
        if r["gl_account"] == "2100" and r["credit_amount"]
    }
    for inv in invoices.values():
        assert inv["subtotal"] == pytest.approx(subtotal[inv["invoice_id"]], abs=0.05)
        assert inv["total_amount"] == pytest.approx(
            inv["subtotal"]
            + inv["tax_amount"]
            + inv["freight_charges"]
            + inv["other_charges"]
            - inv["discount_amount"],
            abs=0.02,
        )
        assert ap[inv["invoice_id"]]["credit_amount"] == inv["total_amount"]
        assert ap[inv["invoice_id"]]["cleared"] == (inv["payment_status"] == "paid")
        assert inv["gl_journal_entry_id"] in _ids(ctx, "erp", "journal_entry_headers", "journal_entry_id")
        if inv["payment_status"] == "paid":
            assert inv["paid_date"] <= END.date() and ap[inv["invoice_id"]]["clearing_date"] == inv["paid_date"]
    assert {"matched", "price_exception", "quantity_exception"} <= {i["matching_status"] for i in invoices.values()}
    assert {"paid", "open", "on_hold"} <= {i["payment_status"] for i in invoices.values()}
    logged = {m["invoice_id"] for m in ctx.rows("supplier", "three_way_match_log")}
    assert logged == set(invoices)
    assert {"matched", "price_exception", "quantity_exception"} <= {
        m["match_result"] for m in ctx.rows("supplier", "three_way_match_log")
    }


def test_supplier_scores_cover_every_supplier_month_within_range(ctx):
    months = {f"{d:%Y-%m}" for d in ctx.window_days()}
    suppliers = _ids(ctx, "erp", "suppliers", "supplier_id")
    for table, period in (
        ("supplier_performance_metrics", "metric_period"),
        ("supplier_scorecards", "scorecard_period"),
    ):
        rows = ctx.rows("supplier", table)
        assert {(r["supplier_id"], r[period]) for r in rows} == {(s, m) for s in suppliers for m in months}
        for r in rows:
            for column, value in r.items():
                if (column.endswith(("_pct", "_score")) or column == "overall_score") and value is not None:
                    assert 0 <= value <= 100, (table, column, value)
    assert ctx.rows("supplier", "supplier_rating_history") and ctx.rows("supplier", "rfq_responses")


# -- planning -----------------------------------------------------------------------------------------------------
def test_mrp_runs_and_elements(ctx):
    runs = {r["mrp_run_id"]: r for r in ctx.rows("planning", "mrp_runs")}
    materials = _ids(ctx, "erp", "materials", "material_id")
    elements = ctx.rows("planning", "mrp_elements")
    assert len(runs) >= 2 * 20 and elements
    for e in elements:
        assert (
            e["mrp_run_id"] in runs
            and e["material_id"] in materials
            and e["plant_id"] == runs[e["mrp_run_id"]]["plant_id"]
        )
        assert (e["requirement_quantity"] or 0) >= 0 and (e["receipt_quantity"] or 0) >= 0
    assert {"shortage", "excess", "reschedule"} <= {e["exception_message"] for e in elements}
    assert {"stock", "planned_order", "purchase_order"} <= {e["element_type"] for e in elements}


# -- tms ----------------------------------------------------------------------------------------------------------
def test_shipments_follow_goods_issues_and_deliveries_vary(ctx):
    issued = {}
    for t in ctx.rows("erp", "inventory_transactions"):
        if t["movement_type"] == "601":
            issued[(t["sales_order_id"], warehouse_id(t["plant_id"], "FG"))] = t["posting_date"]
    shipments = {s["shipment_id"]: s for s in ctx.rows("tms", "shipments")}
    assert {(s["sales_order_id"], s["warehouse_id"]) for s in shipments.values()} == set(issued)
    for s in shipments.values():
        assert s["ship_date"] == issued[(s["sales_order_id"], s["warehouse_id"])]
        assert s["total_cost"] == pytest.approx(
            s["freight_cost"] + s["fuel_surcharge"] + s["accessorial_charges"] + s["insurance_cost"], abs=0.02
        )
    timing, pods = Counter(), {p["delivery_id"]: p for p in ctx.rows("tms", "proof_of_delivery")}
    for d in ctx.rows("tms", "deliveries"):
        delivered = d["delivery_status"] == "delivered"
        assert (d["delivery_id"] in pods) == delivered
        if delivered:
            assert shipments[d["shipment_id"]]["ship_date"] <= d["actual_delivery_date"] <= END.date()
            late = (d["actual_delivery_date"] - d["scheduled_delivery_date"]).days
            timing["late" if late > 0 else "early" if late < 0 else "on_time"] += 1
    assert set(timing) == {"late", "early", "on_time"}
    assert "damaged" in {p["packages_condition"] for p in pods.values()}
    assert ctx.rows("tms", "return_orders")


def test_freight_invoices_add_up_with_variances(ctx):
    lines = defaultdict(list)
    for line in ctx.rows("tms", "freight_invoice_lines"):
        lines[line["invoice_id"]].append(line)
    invoices = ctx.rows("tms", "freight_invoices")
    assert invoices
    for inv in invoices:
        assert inv["total_amount"] == pytest.approx(sum(x["charge_amount"] for x in lines[inv["invoice_id"]]), abs=0.05)
        assert inv["invoice_date"] <= END.date()
    variances = [x["variance_amount"] for x in ctx.rows("tms", "freight_invoice_lines")]
    assert any(v > 0 for v in variances) and any(v == 0 for v in variances)
    assert any(x["disputed"] for x in ctx.rows("tms", "freight_invoice_lines"))


# -- wms ----------------------------------------------------------------------------------------------------------
def test_warehouse_tasks_follow_erp_and_tms(ctx):
    shipping = _ids(ctx, "wms", "shipping_tasks", "shipping_task_id")
    for s in ctx.rows("tms", "shipments"):
        assert s["shipping_task_id"] == shipping_task_id(s["shipment_id"]) and s["shipping_task_id"] in shipping
        assert s["warehouse_id"] in _ids(ctx, "wms", "warehouses", "warehouse_id")
    assert len(ctx.rows("wms", "warehouse_movements")) == len(ctx.rows("erp", "inventory_transactions"))
    receipts = {t["goods_receipt_id"] for t in ctx.rows("wms", "receiving_tasks") if t["goods_receipt_id"]}
    assert receipts == _ids(ctx, "erp", "goods_receipts", "goods_receipt_id")
    bins = _ids(ctx, "wms", "storage_bins", "bin_id")
    assert all(r["bin_id"] in bins for r in ctx.rows("wms", "warehouse_inventory"))
    picks = ctx.rows("wms", "picking_tasks")
    assert any(p["quantity_picked"] < p["quantity_to_pick"] for p in picks if p["task_status"] == "completed")


def test_wms_stock_equals_erp_except_open_sync_errors(ctx):
    erp = {
        (b["storage_location"], b["material_id"]): b["unrestricted_stock"]
        + b["quality_inspection_stock"]
        + b["blocked_stock"]
        for b in ctx.rows("erp", "inventory_balances")
    }
    wms = defaultdict(float)
    for r in ctx.rows("wms", "warehouse_inventory"):
        wms[(r["warehouse_id"], r["material_id"])] += r["quantity_on_hand"]
    open_errors = {
        (e["location_id"], e["material_id"])
        for e in ctx.rows("wms", "inventory_sync_errors")
        if e["error_status"] == "open" and e["material_id"]
    }
    differ = {k for k in erp if abs(erp[k] - wms[k]) > 1e-6}
    assert differ and differ <= open_errors
    statuses = {line["variance_status"] for line in ctx.rows("wms", "inventory_reconciliation_lines")}
    assert {"matched", "adjusted", "under_review"} <= statuses
    assert {"open", "resolved"} <= {e["error_status"] for e in ctx.rows("wms", "inventory_sync_errors")}


# -- everywhere ---------------------------------------------------------------------------------------------------
PLANNED = (
    "scheduled",
    "planned",
    "next_",
    "due",
    "expiry",
    "valid",
    "expected",
    "required",
    "deadline",
    "estimated",
    "retest",
    "followup",
    "target",
    "improvement",
    "end_date",
    "effective_to",
    "approval_valid",
    "renewal",
)


def test_event_times_are_not_in_the_future(ctx):
    for (db, table), rows in ctx._tables.items():
        if db not in MINE or not isinstance(rows, list):
            continue
        for r in rows:
            for column, value in r.items():
                if isinstance(value, datetime) and not any(word in column for word in PLANNED):
                    assert value <= END, (db, table, column, value)
                elif isinstance(value, date) and column in (
                    "posting_date",
                    "gr_date",
                    "order_date",
                    "invoice_date",
                    "ship_date",
                    "actual_delivery_date",
                    "paid_date",
                    "clearing_date",
                ):
                    assert value <= END.date(), (db, table, column, value)


def test_rows_of_a_table_share_their_columns(ctx):
    for (db, table), rows in ctx._tables.items():
        if db in MINE and isinstance(rows, list) and rows:
            keys = set(rows[0])
            assert all(set(r) == keys for r in rows), (db, table)


def test_same_seed_same_rows_other_seed_other_rows(ctx):
    again, other = _build(7), _build(8)
    for db, table in (
        ("erp", "general_ledger"),
        ("supplier", "supplier_invoices"),
        ("tms", "shipments"),
        ("wms", "warehouse_movements"),
        ("planning", "mrp_elements"),
    ):
        assert again.rows(db, table) == ctx.rows(db, table)
        assert other.rows(db, table) != ctx.rows(db, table)
