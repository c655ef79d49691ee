"""Known answers for the sales reporting tables, from hand-built source rows.

One set of source databases (gtest_ka_sales_*) holds the rows of every test: sales_order_summary and
sales_pipeline_summary read the day DAY, returns_warranty_summary the day RDAY, and customer_performance the
current calendar year up to today (its rows are dated 1 January of this year, so the test holds on any day; its
customers Y1/Y2 differ from C1/C2 of the other tests).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from genims_assets.defs.reporting import materialize as m
from genims_assets.defs.reporting.assets import reporting_tables_ddl
from genims_assets.defs.reporting.spec import Window
from genims_assets.defs.reporting.tables import sales
from genims_assets.resources import build_resources, source_resource_key
from genims_assets_tests.reporting_harness import ReportingHarness

DAY = "2026-03-10"
D = date.fromisoformat(DAY)
JAN1 = datetime.now(UTC).date().replace(month=1, day=1)  # customer_performance: this year's first day
LAST_YEAR = JAN1 - timedelta(days=1)
RDAY = "2025-06-16"  # returns_warranty_summary: 90 days before it hold only its own rows
R = date.fromisoformat(RDAY)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def order(so: str, customer: str, day: date, created_by: str, status: str = "open", terms: str = "NET30") -> dict:
    return {
        "sales_order_id": so,
        "sales_order_number": f"N-{so}",
        "customer_id": customer,
        "order_date": day,
        "order_status": status,
        "payment_terms": terms,
        "created_by": created_by,
    }


def line(so: str, n: int, material: str, product: str, qty: float, net: float, plant: str = "F1", status="open"):
    return {
        "sales_order_line_id": f"{so}-{n}",
        "sales_order_id": so,
        "line_number": n,
        "material_id": material,
        "product_id": product,
        "order_quantity": qty,
        "unit_of_measure": "EA",
        "unit_price": net / qty,
        "net_price": net,
        "plant_id": plant,
        "line_status": status,
    }


def material(material_id: str, product: str, standard_cost: float) -> dict:
    return {
        "material_id": material_id,
        "material_code": material_id,
        "material_name": material_id,
        "material_type": "finished_good",
        "base_unit_of_measure": "EA",
        "standard_cost": standard_cost,
        "product_id": product,
    }


def delivery(n: int, so: str, scheduled: date, actual: date | None, pod: str | None) -> tuple[dict, dict, dict | None]:
    """A shipment of `so` shipped on DAY + 1, its delivery and (when `pod` is a condition) its proof of delivery."""
    shipment = {
        "shipment_id": f"S{n}",
        "shipment_number": f"SN{n}",
        "sales_order_id": so,
        "carrier_id": "CAR-1",
        "origin_warehouse_id": "WH-0001-FG",
        "ship_date": D + timedelta(days=1),
    }
    row = {
        "delivery_id": f"DL{n}",
        "delivery_number": f"DN{n}",
        "shipment_id": f"S{n}",
        "sales_order_id": so,
        "scheduled_delivery_date": scheduled,
        "actual_delivery_date": actual,
    }
    proof = None
    if pod:
        proof = {
            "pod_id": f"P{n}",
            "delivery_id": f"DL{n}",
            "shipment_id": f"S{n}",
            "packages_condition": pod,
            "delivery_timestamp": at(actual),
        }
    return shipment, row, proof


def seed_orders(h: ReportingHarness) -> None:
    """DAY's orders of customers C1 and C2, and their deliveries."""
    h.insert(
        "master",
        "customers",
        [
            {"customer_id": "C1", "customer_name": "Acme Motors", "customer_type": "oem"},
            {"customer_id": "C2", "customer_name": "Beta Axles", "customer_type": "tier1"},
            {"customer_id": "Y1", "customer_name": "Yotta Auto", "customer_type": "oem"},
            {"customer_id": "Y2", "customer_name": "Zeta Trucks", "customer_type": "tier2"},
        ],
    )
    h.insert(
        "erp",
        "materials",
        [material("M1", "P1", 60.0), material("M2", "P2", 10.0), material("M3", "P3", 5.0)],
    )
    h.insert(
        "erp",
        "sales_orders",
        [
            order("SO1", "C1", D, "E1"),
            order("SO2", "C1", D, "E1"),
            order("SO3", "C1", D, "E9"),  # creator is no rep: the account owner R1 gets it
            order("SO4", "C2", D, "E1"),  # C2's account is R2's, but R1 booked it
            order("SO5", "C2", D, "E2", status="cancelled"),
            order("SO6", "C1", D + timedelta(days=1), "E1"),
        ],
    )
    h.insert(
        "erp",
        "sales_order_lines",
        [
            line("SO1", 1, "M1", "P1", 10, 1000.0),
            line("SO1", 2, "M2", "P2", 20, 400.0),
            line("SO2", 1, "M1", "P1", 5, 450.0),
            line("SO2", 2, "M2", "P2", 100, 9999.0, status="cancelled"),
            line("SO3", 1, "M2", "P2", 10, 300.0),
            line("SO4", 1, "M1", "P1", 1, 50.0),
            line("SO5", 1, "M1", "P1", 7, 700.0, status="cancelled"),
            line("SO6", 1, "M1", "P1", 3, 333.0),
        ],
    )
    parts = [
        delivery(1, "SO1", D + timedelta(days=2), D + timedelta(days=2), "good"),  # on time, accepted
        delivery(2, "SO1", D + timedelta(days=2), D + timedelta(days=4), "damaged"),  # late, not accepted
        delivery(3, "SO2", D + timedelta(days=3), D + timedelta(days=1), "good"),  # early: on time, accepted
        delivery(4, "SO3", D + timedelta(days=3), None, None),  # still in transit: not counted
        delivery(5, "SO4", D + timedelta(days=3), D + timedelta(days=3), None),  # on time, no proof: not accepted
    ]
    h.insert("tms", "shipments", [p[0] for p in parts])
    h.insert("tms", "deliveries", [p[1] for p in parts])
    h.insert("tms", "proof_of_delivery", [p[2] for p in parts if p[2]])


def seed_crm(h: ReportingHarness) -> None:
    """Reps R1 (employee E1, North) and R2 (E2, South), the accounts they own, and Y1's churn assessment."""

    def rep(rep_id, employee, first, last, territory):
        return {
            "sales_rep_id": rep_id,
            "employee_id": employee,
            "rep_code": rep_id,
            "first_name": first,
            "last_name": last,
            "territory_id": territory,
        }

    h.insert("crm", "sales_reps", [rep("R1", "E1", "Asha", "Rao", "T-N"), rep("R2", "E2", "Bala", "Iyer", "T-S")])
    h.insert(
        "crm",
        "sales_territories",
        [
            {"territory_id": "T-N", "territory_code": "N", "territory_name": "North"},
            {"territory_id": "T-S", "territory_code": "S", "territory_name": "South"},
        ],
    )

    def account(account_id, owner, churn_risk=None, health=None):
        return {
            "account_id": account_id,
            "account_number": f"A-{account_id}",
            "account_name": account_id,
            "account_owner": owner,
            "churn_risk": churn_risk,
            "health_score": health,
        }

    h.insert("crm", "accounts", [account("C1", "R1"), account("C2", "R2"), account("Y1", "R1", "medium", 70)])


def seed_year_to_date(h: ReportingHarness) -> None:
    """Customer Y1's sales, receivables, returns and surveys this year (1 January), Y2's one survey, and decoys."""
    h.insert(
        "master",
        "factories",
        [
            {"factory_id": "F1", "factory_name": "Plant One", "country": "India", "city": "Pune"},
            {"factory_id": "F2", "factory_name": "Plant Two", "country": "India", "city": "Chennai"},
        ],
    )
    h.insert(
        "master",
        "products",
        [
            {"product_id": "P1", "product_name": "Brake Disc", "product_category": "brake"},
            {"product_id": "P2", "product_name": "Coil Spring", "product_category": "suspension"},
            {"product_id": "P3", "product_name": "Brake Pad", "product_category": "brake"},
        ],
    )
    h.insert(
        "erp",
        "sales_orders",
        [
            order("YO1", "Y1", JAN1, "E1", terms="NET30"),
            order("YO2", "Y1", JAN1, "E1", terms="NET45"),
            order("YO3", "Y1", LAST_YEAR, "E1", terms="NET90"),  # last year: not in the period
            order("YO4", "Y1", JAN1, "E1", status="cancelled", terms="NET45"),  # the customer's latest terms
        ],
    )
    h.insert(
        "erp",
        "sales_order_lines",
        [
            line("YO1", 1, "M1", "P1", 10, 1000.0, "F1"),
            line("YO1", 2, "M3", "P3", 5, 500.0, "F1"),
            line("YO1", 3, "M2", "P2", 4, 200.0, "F2"),
            line("YO2", 1, "M1", "P1", 20, 1800.0, "F1"),
            line("YO3", 1, "M1", "P1", 99, 9999.0, "F1"),
            line("YO4", 1, "M1", "P1", 7, 700.0, "F1", status="cancelled"),
        ],
    )

    def receivable(gl_id, reference, invoiced: date, cleared: date | None, debit=100.0, credit=0.0):
        return {
            "gl_transaction_id": gl_id,
            "posting_date": invoiced,
            "document_date": invoiced,
            "gl_account": "1200",
            "company_code": "IN01",
            "debit_amount": debit,
            "credit_amount": credit,
            "reference_document": reference,
            "assignment": "Y1",
            "cleared": cleared is not None,
            "clearing_date": cleared,
        }

    h.insert(
        "erp",
        "general_ledger",
        [
            receivable("G1", "YO1", JAN1 - timedelta(days=40), JAN1),  # 40 days, NET30: late
            receivable("G2", "OB-Y1-1", JAN1 - timedelta(days=20), JAN1),  # 20 days, latest terms NET45: on time
            receivable("G3", "YO2", JAN1 - timedelta(days=10), None),  # open: not paid
            receivable("G4", "YO1", JAN1, JAN1, debit=0.0, credit=100.0),  # the payment side: not a receivable
            receivable("G5", "YO3", LAST_YEAR - timedelta(days=9), LAST_YEAR),  # paid last year
        ],
    )
    rmas = [("RMA1", "YO1", JAN1), ("RMA2", "YO3", JAN1), ("RMA3", "YO3", LAST_YEAR)]
    h.insert(
        "service",
        "rma_requests",
        [
            {"rma_id": r, "rma_number": r, "account_id": "Y1", "sales_order_id": so, "created_at": at(day)}
            for r, so, day in rmas
        ],
    )
    h.insert(
        "service",
        "rma_line_items",
        [
            {"rma_line_id": "RL1", "rma_id": "RMA1", "product_name": "Brake Disc", "quantity_returned": 2},
            {"rma_line_id": "RL2", "rma_id": "RMA1", "product_name": "Brake Pad", "quantity_returned": 1},
            {"rma_line_id": "RL3", "rma_id": "RMA2", "product_name": "Coil Spring", "quantity_returned": 1},
            {"rma_line_id": "RL4", "rma_id": "RMA3", "product_name": "Brake Disc", "quantity_returned": 50},
        ],
    )
    answers = [("Y1", 10, JAN1), ("Y1", 9, JAN1), ("Y1", 3, JAN1), ("Y1", 7, JAN1), ("Y1", 0, LAST_YEAR)]
    answers += [("Y2", 5, JAN1), ("Y1", None, JAN1)]  # Y1's last answer is a CSAT one, without NPS
    h.insert(
        "service",
        "survey_responses",
        [
            {"response_id": f"SR{i}", "survey_id": "S", "account_id": a, "nps_score": n, "responded_at": at(d)}
            for i, (a, n, d) in enumerate(answers)
        ],
    )


def seed_pipeline(h: ReportingHarness) -> None:
    """R1's opportunities around DAY, one without owner, their stage histories and the quotations."""

    def opportunity(opp_id, owner, created: datetime, closed: datetime | None, amount: float) -> dict:
        return {
            "opportunity_id": opp_id,
            "opportunity_number": opp_id,
            "opportunity_name": opp_id,
            "account_id": "C1",
            "amount": amount,
            "close_date": D,
            "opportunity_owner": owner,
            "created_at": created,
            "closed_at": closed,
        }

    h.insert(
        "crm",
        "opportunities",
        [
            opportunity("O1", "R1", at(D - timedelta(days=10)), None, 1500.0),
            opportunity("O2", "R1", at(D - timedelta(days=5), 15), at(D, 15), 2000.0),
            opportunity("O3", "R1", at(D - timedelta(days=3)), at(D, 11), 500.0),
            opportunity("O4", "R1", at(D - timedelta(days=1)), None, 800.0),
            opportunity("O5", "R1", at(D - timedelta(days=40)), at(D - timedelta(days=30)), 900.0),
            opportunity("O6", "R1", at(D + timedelta(days=1)), None, 700.0),
            opportunity("O7", None, at(D - timedelta(days=2)), None, 300.0),
        ],
    )
    moves = [
        ("O1", "prospecting", 1000.0, 10, at(D - timedelta(days=10))),
        ("O1", "qualification", 1200.0, 20, at(D, 10)),
        ("O1", "proposal", 1500.0, 60, at(D + timedelta(days=1), 9)),  # after DAY: not yet
        ("O2", "negotiation", 2000.0, 80, at(D - timedelta(days=2))),
        ("O2", "closed_won", 2000.0, 100, at(D, 15)),
        ("O3", "prospecting", 500.0, 10, at(D - timedelta(days=3))),
        ("O3", "closed_lost", 500.0, 0, at(D, 11)),
        ("O4", "prospecting", 800.0, 10, at(D - timedelta(days=1))),
        ("O5", "closed_won", 900.0, 100, at(D - timedelta(days=30))),
        ("O6", "prospecting", 700.0, 10, at(D + timedelta(days=1))),
        ("O7", "negotiation", 300.0, 50, at(D - timedelta(days=2))),
    ]
    h.insert(
        "crm",
        "opportunity_stage_history",
        [
            {
                "history_id": f"H{i:02d}",
                "opportunity_id": o,
                "to_stage": s,
                "to_amount": a,
                "to_probability": p,
                "changed_at": t,
            }
            for i, (o, s, a, p, t) in enumerate(moves)
        ],
    )

    def quotation(q_id, opp, day: date, amount: float) -> dict:
        return {
            "quotation_id": q_id,
            "quotation_number": q_id,
            "quotation_name": q_id,
            "opportunity_id": opp,
            "account_id": "C1",
            "quotation_date": day,
            "valid_until_date": day + timedelta(days=30),
            "total_amount": amount,
            "prepared_by": "R2",
        }

    h.insert("crm", "quotations", [quotation("Q1", "O1", D, 5000.0), quotation("Q2", "O1", D - timedelta(days=1), 1.0)])


def seed_returns(h: ReportingHarness) -> None:
    """RDAY's sales, RMAs, return orders and warranty claims: brake disc P1, coil spring P2, brake pad P3."""
    h.insert("erp", "sales_orders", [order("RO1", "C1", R - timedelta(days=30), "E1"), order("RO2", "C1", R, "E1")])
    h.insert(
        "erp",
        "sales_order_lines",
        [line("RO1", 1, "M1", "P1", 100, 10000.0), line("RO2", 1, "M1", "P1", 50, 5000.0)]
        + [line("RO2", 2, "M2", "P2", 40, 800.0)],
    )
    rmas = [
        ("RA", R, "defective", 300.0, [("Brake Disc", 2), ("Coil Spring", 1)]),
        ("RB", R, "quality_issue", 0.0, [("Brake Disc", 3)]),
        ("RC", R - timedelta(days=10), "defective", 0.0, [("Brake Disc", 5)]),  # in the 90 days only
        ("RD", R, "wrong_item", 0.0, [("Mystery Part", 1)]),  # a name master.products does not know
    ]
    h.insert(
        "service",
        "rma_requests",
        [
            {
                "rma_id": r,
                "rma_number": r,
                "account_id": "C1",
                "return_reason": why,
                "refund_amount": refund,
                "created_at": at(day, 9 + i),
            }
            for i, (r, day, why, refund, _) in enumerate(rmas)
        ],
    )
    h.insert(
        "service",
        "rma_line_items",
        [
            {"rma_line_id": f"{r}-{k}", "rma_id": r, "product_name": name, "quantity_returned": qty}
            for r, _, _, _, items in rmas
            for k, (name, qty) in enumerate(items)
        ],
    )
    h.insert(
        "tms",
        "return_orders",
        [
            {
                "return_order_id": "RET1",
                "return_number": "RET1",
                "customer_id": "C1",
                "return_reason": "quality_issue",
                "refund_amount": 1000.0,
                "created_at": at(R, 15),
            }
        ],
    )
    h.insert(
        "tms",
        "return_order_lines",
        [
            {
                "return_line_id": f"RET1-{k}",
                "return_order_id": "RET1",
                "material_id": m,
                "material_description": name,
                "quantity_to_return": qty,
            }
            for k, (m, name, qty) in enumerate([("M1", "Brake Disc", 3), ("M3", "Brake Pad", 1)])
        ],
    )
    h.insert(
        "service",
        "warranty_registrations",
        [
            {
                "warranty_id": "W1",
                "warranty_number": "W1",
                "account_id": "C1",
                "product_name": "Brake Disc",
                "purchase_date": R - timedelta(days=200),
                "warranty_start_date": R - timedelta(days=200),
                "warranty_end_date": R + timedelta(days=500),
            }
        ],
    )
    claims = [
        ("WC1", R, True, 1000.0, 800.0),
        ("WC2", R, False, 500.0, 0.0),
        ("WC3", R - timedelta(days=1), True, 9.0, 9.0),
    ]
    h.insert(
        "service",
        "warranty_claims",
        [
            {
                "claim_id": c,
                "claim_number": c,
                "warranty_id": "W1",
                "claim_date": day,
                "issue_description": "noise",
                "approved": ok,
                "total_claim_amount": total,
                "warranty_coverage": covered,
            }
            for c, day, ok, total, covered in claims
        ],
    )


@pytest.fixture(scope="module")
def harness():
    h = ReportingHarness("sales", today=datetime(2026, 3, 15).date())
    seed_orders(h)
    seed_crm(h)
    seed_year_to_date(h)
    seed_pipeline(h)
    seed_returns(h)
    yield h
    h.drop()


def passed_all_checks(harness: ReportingHarness, result) -> bool:
    checks = harness.check_results(result)
    return bool(checks) and all(c.passed for c in checks.values())


def test_sales_order_summary_known_answer(harness):
    result = harness.materialize("sales_order_summary", DAY)
    assert result.success and passed_all_checks(harness, result)
    rows = {(r["customer_id"], r["sales_rep_id"]): r for r in harness.rows("sales_order_summary")}
    assert set(rows) == {("C1", "R1"), ("C2", "R1")}  # SO5 cancelled, SO6 the next day
    c1 = rows[("C1", "R1")]
    # SO1 + SO2 (E1 = R1) + SO3 (E9 is no rep: owner R1); SO2's cancelled line left out
    assert (c1["order_count"], c1["order_line_count"], float(c1["units_ordered"])) == (3, 4, 45.0)  # 10+20+5+10
    assert float(c1["revenue"]) == 2150.0  # 1000 + 400 + 450 + 300
    assert float(c1["cogs_amount"]) == 1200.0  # 10x60 + 20x10 + 5x60 + 10x10
    assert float(c1["margin_amount"]) == 950.0 and float(c1["margin_pct"]) == pytest.approx(44.186, abs=0.001)
    assert float(c1["average_order_value"]) == pytest.approx(716.67, abs=0.005)  # 2150 / 3
    # SO1: on time + good, late + damaged; SO2: early + good; SO3 in transit
    assert (c1["deliveries_count"], c1["on_time_deliveries"], c1["accepted_deliveries"]) == (3, 2, 2)
    assert float(c1["on_time_delivery_pct"]) == pytest.approx(66.667, abs=0.001)
    assert float(c1["quality_acceptance_pct"]) == pytest.approx(66.667, abs=0.001)
    assert (c1["sales_rep_name"], c1["territory_id"], c1["customer_name"]) == ("Asha Rao", "T-N", "Acme Motors")
    c2 = rows[("C2", "R1")]
    # 1 x 50 sold at a standard cost of 60: a loss of 10 = -20 %
    assert (float(c2["revenue"]), float(c2["cogs_amount"]), float(c2["margin_pct"])) == (50.0, 60.0, -20.0)
    assert (c2["deliveries_count"], float(c2["on_time_delivery_pct"]), float(c2["quality_acceptance_pct"])) == (
        1,
        100.0,
        0.0,
    )


def test_customer_performance_known_answer(harness):
    result = harness.materialize("customer_performance")
    assert result.success and passed_all_checks(harness, result)
    rows = {
        (r["customer_id"], r["factory_id"], r["product_category"]): r
        for r in harness.rows("customer_performance")
        if r["customer_id"] in ("Y1", "Y2")
    }
    assert set(rows) == {
        ("Y1", "F1", "brake"),
        ("Y1", "F2", "suspension"),
        ("Y1", "UNASSIGNED", "suspension"),  # RMA2 returns a product of last year's order YO3
        ("Y2", "UNASSIGNED", "UNASSIGNED"),  # Y2 only answered a survey
    }
    brake = rows[("Y1", "F1", "brake")]
    # YO1's brake disc and pad + YO2's disc; YO3 (last year) and YO4 (cancelled) left out; YO1 counted once
    assert (float(brake["ytd_sales_amount"]), brake["ytd_order_count"], float(brake["ytd_units"])) == (3300.0, 2, 35.0)
    assert float(brake["average_order_value"]) == 1650.0  # 3300 / 2
    # RMA1: 2 discs + 1 pad of YO1 (plant F1); 3 / 35 = 8.571 %
    assert (brake["ytd_returns_count"], float(brake["ytd_units_returned"])) == (1, 3.0)
    assert float(brake["return_rate_pct"]) == pytest.approx(8.571, abs=0.001)
    assert (brake["factory_name"], brake["customer_name"], brake["customer_type"]) == ("Plant One", "Yotta Auto", "oem")
    spring = rows[("Y1", "F2", "suspension")]
    assert (float(spring["ytd_sales_amount"]), spring["ytd_order_count"], spring["ytd_returns_count"]) == (200.0, 1, 0)
    returned = rows[("Y1", "UNASSIGNED", "suspension")]
    assert (float(returned["ytd_sales_amount"]), returned["ytd_returns_count"], returned["return_rate_pct"]) == (
        0.0,
        1,
        None,
    )
    for row in (brake, spring, returned):  # customer-level figures, the same on each of Y1's rows
        assert row["last_order_date"] == JAN1 and row["snapshot_date"] == datetime.now(UTC).date()
        assert float(row["average_payment_days"]) == 30.0  # (40 + 20) / 2 receivables paid this year
        assert float(row["payment_reliability_pct"]) == 50.0  # G2 in its NET45, G1 10 days past its NET30
        assert (row["survey_responses"], float(row["nps_score"])) == (4, 25.0)  # (2 promoters - 1 detractor) / 4
        assert (row["churn_risk"], float(row["churn_risk_score"])) == ("medium", 30.0)  # 100 - health 70
    y2 = rows[("Y2", "UNASSIGNED", "UNASSIGNED")]
    # one detractor; no CRM assessment and no order: derived churn at its maximum
    assert (y2["survey_responses"], float(y2["nps_score"]), y2["churn_risk"], float(y2["churn_risk_score"])) == (
        1,
        -100.0,
        "high",
        100.0,
    )
    assert y2["average_payment_days"] is None and y2["payment_reliability_pct"] is None


def test_sales_pipeline_summary_known_answer(harness):
    result = harness.materialize("sales_pipeline_summary", DAY)
    assert result.success and passed_all_checks(harness, result)
    rows = {(r["sales_rep_id"], r["territory_id"]): r for r in harness.rows("sales_pipeline_summary")}
    assert set(rows) == {("R1", "T-N"), ("UNASSIGNED", "UNASSIGNED")}
    r1 = rows[("R1", "T-N")]
    # open at the end of DAY: O1 in qualification (1200 at 20 %; its proposal move is the next day), O4 prospecting
    # (800 at 10 %); O2 and O3 closed during DAY, O5 long ago, O6 created the next day
    assert (r1["open_opportunities"], float(r1["open_pipeline_amount"])) == (2, 2000.0)
    assert float(r1["weighted_pipeline_amount"]) == 320.0  # 1200 x 0.2 + 800 x 0.1
    assert (float(r1["qualification_pipeline_amount"]), float(r1["prospecting_pipeline_amount"])) == (1200.0, 800.0)
    assert float(r1["proposal_pipeline_amount"]) == 0.0 and float(r1["negotiation_pipeline_amount"]) == 0.0
    assert json.loads(r1["pipeline_by_stage"]) == {
        "prospecting": {"count": 1, "amount": 800.0, "weighted_amount": 80.0},
        "qualification": {"count": 1, "amount": 1200.0, "weighted_amount": 240.0},
    }
    # won O2 (2000), lost O3 (500): 50 %; over 90 days O2 and O5 won, O3 lost: 2 / 3
    assert (r1["opportunities_won"], r1["opportunities_lost"]) == (1, 1)
    assert (float(r1["won_amount"]), float(r1["lost_amount"]), float(r1["win_rate_pct"])) == (2000.0, 500.0, 50.0)
    assert float(r1["win_rate_rolling_90d_pct"]) == pytest.approx(66.667, abs=0.001)
    assert float(r1["avg_conversion_days"]) == 5.0  # O2: created DAY-5 15:00, won DAY 15:00
    assert (r1["quotations_issued"], float(r1["quotations_amount"])) == (1, 5000.0)  # Q1, R1's opportunity
    assert (r1["sales_rep_name"], r1["territory_name"]) == ("Asha Rao", "North")
    nobody = rows[("UNASSIGNED", "UNASSIGNED")]
    assert (nobody["open_opportunities"], float(nobody["negotiation_pipeline_amount"])) == (1, 300.0)
    assert float(nobody["weighted_pipeline_amount"]) == 150.0 and nobody["win_rate_pct"] is None


def test_returns_warranty_summary_known_answer(harness):
    result = harness.materialize("returns_warranty_summary", RDAY)
    assert result.success and passed_all_checks(harness, result)
    rows = {r["product_id"]: r for r in harness.rows("returns_warranty_summary") if r["report_date"] == R}
    assert set(rows) == {"P1", "P2", "P3", "UNASSIGNED"}
    disc = rows["P1"]
    # RMAs RA (2) and RB (3); 50 sold on the day: 5 / 50; over 90 days (RC's 5 more, RO1's 100 more): 10 / 150
    assert (disc["rma_count"], float(disc["units_returned"]), float(disc["units_sold"])) == (2, 5.0, 50.0)
    assert float(disc["return_rate_pct"]) == 10.0
    assert float(disc["return_rate_rolling_90d_pct"]) == pytest.approx(6.667, abs=0.001)
    # RA's 300 shared 2:1 with the spring, RET1's 1000 shared 3:1 with the pad: 200 + 750
    assert (disc["return_orders_count"], float(disc["refund_amount"])) == (1, 950.0)
    # WC1 approved (1000, 800 covered) and WC2 rejected (500); WC3 the day before
    assert (disc["warranty_claims_count"], disc["warranty_claims_approved"]) == (2, 1)
    assert (float(disc["claim_cost"]), float(disc["warranty_covered_amount"])) == (1500.0, 800.0)
    # defective 1 (RA), quality_issue 1 (RB) + 1 (RET1)
    assert disc["top_return_reason"] == "quality_issue"
    assert (disc["product_name"], disc["product_category"]) == ("Brake Disc", "brake")
    spring = rows["P2"]  # 1 of 40 sold
    assert (spring["rma_count"], float(spring["return_rate_pct"]), float(spring["refund_amount"])) == (1, 2.5, 100.0)
    assert spring["top_return_reason"] == "defective"
    pad = rows["P3"]  # returned, not sold
    assert (pad["return_orders_count"], float(pad["refund_amount"]), pad["return_rate_pct"]) == (1, 250.0, None)
    unknown = rows["UNASSIGNED"]
    assert (unknown["rma_count"], float(unknown["units_returned"]), unknown["top_return_reason"]) == (
        1,
        1.0,
        "wrong_item",
    )


@pytest.mark.parametrize("spec", sales.TABLES, ids=lambda t: t.name)
def test_a_window_without_source_rows_gives_no_rows(harness, spec):
    """Every transformation copes with empty source results and still names only the table's columns."""
    window = Window(datetime(2020, 1, 1), datetime(2020, 1, 3), datetime(2020, 1, 2, 12))
    resources = build_resources(harness.settings)
    sources = {s: resources[source_resource_key(s)] for s in spec.databases}
    frame = spec.transform(m.extract(spec, sources, window).frames, window)
    table = reporting_tables_ddl()[spec.name]
    assert len(frame) == 0
    assert set(table.primary_key) <= set(frame.columns) <= set(table.column_names)
