-- capex_tracking, genims_erp_db part, two kinds of rows per month of the window (fiscal_periods, period start =
-- report_month; the fiscal year starts with its period 1):
--   scope 'asset': capitalised spend per asset (general_ledger.assignment = the CMMS asset id) on the debit-normal
--     fixed_asset accounts (Plant and Machinery), debits - credits, outside the opening-balance entry (document type
--     AB, which carries the assets' purchase cost): in the month, from the start of the fiscal year, and to date;
--   scope 'plant': the capital budget of each plant (cost_centers.plant_id of the budget line's cost centre) on those
--     accounts, budget_lines.period_NN of the latest approved budget versions: for the month and year to date.
WITH months AS (
    SELECT fiscal_year, period_number, start_date AS report_month, end_date
    FROM fiscal_periods
    WHERE start_date >= %(start_date)s AND start_date < %(end_date)s
),
year_starts AS (
    SELECT fiscal_year, MIN(start_date) AS year_start
    FROM fiscal_periods
    WHERE fiscal_year IN (SELECT fiscal_year FROM months)
    GROUP BY fiscal_year
),
capex_accounts AS (
    SELECT account_id, account_code
    FROM chart_of_accounts
    WHERE account_subtype = 'fixed_asset' AND normal_balance = 'debit'
),
spend AS (
    SELECT g.assignment AS asset_id,
           g.posting_date,
           SUM(COALESCE(g.debit_amount, 0) - COALESCE(g.credit_amount, 0)) AS amount
    FROM general_ledger g
    JOIN capex_accounts a ON a.account_code = g.gl_account
    WHERE g.posting_date < %(end_date)s
      AND g.document_type IS DISTINCT FROM 'AB'
      AND g.assignment IS NOT NULL
    GROUP BY 1, 2
),
budgets AS (
    SELECT DISTINCT ON (fiscal_year, budget_type) budget_id, fiscal_year
    FROM budget_headers
    WHERE is_approved AND fiscal_year IN (SELECT fiscal_year FROM months)
    ORDER BY fiscal_year, budget_type, budget_version DESC
),
plan AS (
    SELECT COALESCE(cc.plant_id, 'UNASSIGNED') AS factory_id,
           b.fiscal_year,
           p.period_number::int AS period_number,
           SUM(p.amount) AS amount
    FROM budget_lines bl
    JOIN budgets b ON b.budget_id = bl.budget_id
    JOIN capex_accounts a ON a.account_id = bl.account_id
    LEFT JOIN cost_centers cc ON cc.cost_center_id = bl.cost_center_id
    CROSS JOIN LATERAL unnest(ARRAY[
        bl.period_01, bl.period_02, bl.period_03, bl.period_04, bl.period_05, bl.period_06,
        bl.period_07, bl.period_08, bl.period_09, bl.period_10, bl.period_11, bl.period_12
    ]) WITH ORDINALITY AS p(amount, period_number)
    GROUP BY 1, 2, 3
)
SELECT 'asset' AS scope,
       m.report_month,
       s.asset_id,
       NULL AS factory_id,
       COALESCE(SUM(s.amount) FILTER (WHERE s.posting_date >= m.report_month), 0) AS actual_capex_amount,
       COALESCE(SUM(s.amount) FILTER (WHERE s.posting_date >= y.year_start), 0) AS ytd_actual_capex_amount,
       SUM(s.amount) AS capex_to_date,
       NULL AS budget_amount,
       NULL AS ytd_budget_amount
FROM months m
JOIN year_starts y ON y.fiscal_year = m.fiscal_year
JOIN spend s ON s.posting_date <= m.end_date
GROUP BY m.report_month, s.asset_id
UNION ALL
SELECT 'plant',
       m.report_month,
       NULL,
       p.factory_id,
       NULL,
       NULL,
       NULL,
       COALESCE(SUM(p.amount) FILTER (WHERE p.period_number = m.period_number), 0),
       SUM(p.amount)
FROM months m
JOIN plan p ON p.fiscal_year = m.fiscal_year AND p.period_number <= m.period_number
GROUP BY m.report_month, p.factory_id
