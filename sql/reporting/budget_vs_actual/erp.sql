-- budget_vs_actual, genims_erp_db part: the cost budget against the actual cost per cost centre and month.
-- Cost = the expense accounts of the income statement (chart_of_accounts.account_type 'expense': cost of sales,
-- operating expenses, income tax) in the debit direction. Actual = period_debit - period_credit of account_balances.
-- Budget = budget_lines.period_NN of the latest approved version of each budget of the fiscal year, positive in the
-- account's normal direction (so a credit-normal expense account, the overhead absorbed, counts negative).
-- Months are fiscal_periods (period start = report_month); year to date = periods 1 to the month.
WITH months AS (
    SELECT fiscal_year, period_number, start_date AS report_month
    FROM fiscal_periods
    WHERE start_date >= %(start_date)s AND start_date < %(end_date)s
),
budgets AS (
    SELECT DISTINCT ON (fiscal_year, budget_type) budget_id, fiscal_year
    FROM budget_headers
    WHERE is_approved AND fiscal_year IN (SELECT fiscal_year FROM months)
    ORDER BY fiscal_year, budget_type, budget_version DESC
),
budget AS (
    SELECT COALESCE(bl.cost_center_id, 'UNASSIGNED') AS cost_center_id,
           b.fiscal_year,
           p.period_number::int AS period_number,
           SUM(CASE WHEN a.normal_balance = 'credit' THEN -p.amount ELSE p.amount END) AS amount
    FROM budget_lines bl
    JOIN budgets b ON b.budget_id = bl.budget_id
    JOIN chart_of_accounts a ON a.account_id = bl.account_id
    CROSS JOIN LATERAL unnest(ARRAY[
        bl.period_01, bl.period_02, bl.period_03, bl.period_04, bl.period_05, bl.period_06,
        bl.period_07, bl.period_08, bl.period_09, bl.period_10, bl.period_11, bl.period_12
    ]) WITH ORDINALITY AS p(amount, period_number)
    WHERE a.account_type = 'expense' AND a.financial_statement = 'income_statement'
    GROUP BY 1, 2, 3
),
actual AS (
    SELECT COALESCE(ab.cost_center_id, 'UNASSIGNED') AS cost_center_id,
           ab.fiscal_year,
           ab.fiscal_period AS period_number,
           SUM(COALESCE(ab.period_debit, 0) - COALESCE(ab.period_credit, 0)) AS amount
    FROM account_balances ab
    JOIN chart_of_accounts a ON a.account_id = ab.account_id
    WHERE ab.fiscal_year IN (SELECT fiscal_year FROM months)
      AND a.account_type = 'expense' AND a.financial_statement = 'income_statement'
    GROUP BY 1, 2, 3
),
cells AS (
    SELECT cost_center_id, fiscal_year, period_number, COALESCE(b.amount, 0) AS budget, COALESCE(a.amount, 0) AS actual
    FROM budget b
    FULL OUTER JOIN actual a USING (cost_center_id, fiscal_year, period_number)
)
SELECT m.report_month,
       COALESCE(cc.plant_id, 'UNASSIGNED') AS factory_id,
       x.cost_center_id,
       cc.cost_center_name,
       cc.cost_center_category,
       m.fiscal_year,
       m.period_number AS fiscal_period,
       SUM(x.budget) FILTER (WHERE x.period_number = m.period_number) AS budget_amount,
       SUM(x.actual) FILTER (WHERE x.period_number = m.period_number) AS actual_amount,
       SUM(x.budget) AS ytd_budget_amount,
       SUM(x.actual) AS ytd_actual_amount
FROM months m
JOIN cells x ON x.fiscal_year = m.fiscal_year AND x.period_number <= m.period_number
LEFT JOIN cost_centers cc ON cc.cost_center_id = x.cost_center_id
GROUP BY m.report_month, cc.plant_id, x.cost_center_id, cc.cost_center_name, cc.cost_center_category,
         m.fiscal_year, m.period_number
