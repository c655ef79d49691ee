-- profit_and_loss_daily, genims_erp_db part: the income statement per plant, department and posting day.
-- Actuals: the lines of posted journal entries (each one is a general_ledger row; the lines carry the plant in
-- factory_id and the HCM department in department_id), by chart_of_accounts.account_subtype, each in its own
-- sign: revenue and other income = credits - debits; cost of goods sold, operating expenses and tax = debits -
-- credits (the overhead absorbed, a credit on a cost of sales account, lowers cogs). Amounts in company currency.
-- Budget: account_balances.period_budget of the income statement accounts (positive in the account's normal
-- direction: a credit-normal account adds to net income, a debit-normal one takes from it), spread evenly over
-- the days of its fiscal period; the cost centre's plant and department are those its journal lines carry.
WITH lines AS (
    SELECT h.posting_date AS report_date,
           COALESCE(l.factory_id, 'UNASSIGNED') AS factory_id,
           COALESCE(l.department_id, 'UNASSIGNED') AS department_id,
           a.account_subtype,
           SUM(COALESCE(l.functional_credit, 0) - COALESCE(l.functional_debit, 0)) AS net_credit
    FROM journal_entry_headers h
    JOIN journal_entry_lines l ON l.journal_entry_id = h.journal_entry_id
    JOIN chart_of_accounts a ON a.account_id = l.account_id
    WHERE h.posting_date >= %(start_date)s AND h.posting_date < %(end_date)s
      AND h.posted
      AND a.financial_statement = 'income_statement'
    GROUP BY 1, 2, 3, 4
),
actual AS (
    SELECT report_date,
           factory_id,
           department_id,
           COALESCE(SUM(net_credit) FILTER (WHERE account_subtype = 'operating_revenue'), 0) AS revenue,
           -COALESCE(SUM(net_credit) FILTER (WHERE account_subtype = 'cogs'), 0) AS cogs_amount,
           -COALESCE(SUM(net_credit) FILTER (WHERE account_subtype = 'operating_expense'), 0) AS operating_expenses,
           COALESCE(SUM(net_credit) FILTER (WHERE account_subtype = 'other_income'), 0) AS other_income,
           -COALESCE(SUM(net_credit) FILTER (WHERE account_subtype = 'tax'), 0) AS tax_amount
    FROM lines
    GROUP BY 1, 2, 3
),
budget_days AS (
    SELECT d.day::date AS report_date,
           b.cost_center_id,
           SUM(CASE WHEN a.normal_balance = 'credit' THEN b.period_budget ELSE -b.period_budget END
               / (p.end_date - p.start_date + 1)) AS budget_net_income
    FROM fiscal_periods p
    JOIN account_balances b ON b.fiscal_year = p.fiscal_year AND b.fiscal_period = p.period_number
    JOIN chart_of_accounts a ON a.account_id = b.account_id
    CROSS JOIN LATERAL generate_series(
        GREATEST(p.start_date, %(start_date)s::date),
        LEAST(p.end_date, %(end_date)s::date - 1),
        interval '1 day'
    ) AS d(day)
    WHERE p.start_date < %(end_date)s AND p.end_date >= %(start_date)s
      AND a.financial_statement = 'income_statement'
      AND b.period_budget <> 0
    GROUP BY 1, 2
),
org AS (
    SELECT c.cost_center_id, o.factory_id, o.department_id
    FROM (SELECT DISTINCT cost_center_id FROM budget_days) AS c
    LEFT JOIN LATERAL (
        SELECT l.factory_id, l.department_id
        FROM journal_entry_lines l
        WHERE l.cost_center_id = c.cost_center_id
        LIMIT 1
    ) AS o ON true
),
budget AS (
    SELECT b.report_date,
           COALESCE(o.factory_id, cc.plant_id, 'UNASSIGNED') AS factory_id,
           COALESCE(o.department_id, 'UNASSIGNED') AS department_id,
           SUM(b.budget_net_income) AS budget_net_income
    FROM budget_days b
    LEFT JOIN org o ON o.cost_center_id = b.cost_center_id
    LEFT JOIN cost_centers cc ON cc.cost_center_id = b.cost_center_id
    GROUP BY 1, 2, 3
)
SELECT COALESCE(a.report_date, b.report_date) AS report_date,
       COALESCE(a.factory_id, b.factory_id) AS factory_id,
       COALESCE(a.department_id, b.department_id) AS department_id,
       COALESCE(a.revenue, 0) AS revenue,
       COALESCE(a.cogs_amount, 0) AS cogs_amount,
       COALESCE(a.operating_expenses, 0) AS operating_expenses,
       COALESCE(a.other_income, 0) AS other_income,
       COALESCE(a.tax_amount, 0) AS tax_amount,
       b.budget_net_income
FROM actual a
FULL OUTER JOIN budget b
  ON b.report_date = a.report_date AND b.factory_id = a.factory_id AND b.department_id = a.department_id
