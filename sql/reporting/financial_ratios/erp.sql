-- financial_ratios, genims_erp_db part: per plant (general_ledger.profit_center) and day of the window, the
-- income statement of the 30 days ending the day and the balance sheet positions at its end, with the same
-- definitions as profit_and_loss_daily (chart_of_accounts.account_subtype operating_revenue, cogs,
-- operating_expense, other_income, tax) and cash_flow_daily (balances of the ledger accounts):
-- cash = Cash and Bank (1100), receivables = Accounts Receivable (1200), inventory = the other current_asset
-- accounts (raw material, work in process, finished goods), current liabilities = every current_liability
-- account (payables, GR/IR, GST, accruals, income tax, short-term borrowings), credit - debit.
-- Balances = everything posted before the 30-day look-back plus the running sum of its days; the 30-day averages
-- of inventory and receivables are over the end-of-day balances of the 30 days ending each day.
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(-29, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
opening AS (
    SELECT COALESCE(g.profit_center, 'UNASSIGNED') AS factory_id,
           SUM(CASE WHEN g.gl_account = '1100' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS cash,
           SUM(CASE WHEN g.gl_account = '1200' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS receivables,
           SUM(CASE WHEN a.account_subtype = 'current_asset' AND g.gl_account NOT IN ('1100', '1200')
                    THEN g.debit_amount - g.credit_amount ELSE 0 END) AS inventory,
           SUM(CASE WHEN a.account_subtype = 'current_liability' THEN g.credit_amount - g.debit_amount ELSE 0 END)
               AS liabilities
    FROM general_ledger g
    JOIN chart_of_accounts a ON a.account_code = g.gl_account
    WHERE g.posting_date < %(start_date)s::date - 29
      AND a.account_subtype IN ('current_asset', 'current_liability')
    GROUP BY 1
),
moves AS (
    SELECT g.posting_date AS day,
           COALESCE(g.profit_center, 'UNASSIGNED') AS factory_id,
           SUM(CASE WHEN g.gl_account = '1100' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS cash,
           SUM(CASE WHEN g.gl_account = '1200' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS receivables,
           SUM(CASE WHEN a.account_subtype = 'current_asset' AND g.gl_account NOT IN ('1100', '1200')
                    THEN g.debit_amount - g.credit_amount ELSE 0 END) AS inventory,
           SUM(CASE WHEN a.account_subtype = 'current_liability' THEN g.credit_amount - g.debit_amount ELSE 0 END)
               AS liabilities,
           SUM(CASE WHEN a.account_subtype = 'operating_revenue' THEN g.credit_amount - g.debit_amount ELSE 0 END)
               AS revenue,
           SUM(CASE WHEN a.account_subtype = 'cogs' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS cogs,
           SUM(CASE WHEN a.account_subtype = 'operating_expense' THEN g.debit_amount - g.credit_amount ELSE 0 END)
               AS operating_expenses,
           SUM(CASE WHEN a.account_subtype = 'other_income' THEN g.credit_amount - g.debit_amount ELSE 0 END)
               AS other_income,
           SUM(CASE WHEN a.account_subtype = 'tax' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS tax
    FROM general_ledger g
    JOIN chart_of_accounts a ON a.account_code = g.gl_account
    WHERE g.posting_date >= %(start_date)s::date - 29 AND g.posting_date < %(end_date)s
    GROUP BY 1, 2
),
grid AS (
    SELECT p.factory_id, d.day AS day
    FROM (SELECT factory_id FROM opening UNION SELECT factory_id FROM moves) AS p
    CROSS JOIN days d
),
balances AS (
    SELECT g.factory_id,
           g.day,
           COALESCE(o.cash, 0) + SUM(COALESCE(m.cash, 0)) OVER running AS cash,
           COALESCE(o.receivables, 0) + SUM(COALESCE(m.receivables, 0)) OVER running AS receivables,
           COALESCE(o.inventory, 0) + SUM(COALESCE(m.inventory, 0)) OVER running AS inventory,
           COALESCE(o.liabilities, 0) + SUM(COALESCE(m.liabilities, 0)) OVER running AS liabilities,
           SUM(COALESCE(m.revenue, 0)) OVER last_30 AS revenue_30d,
           SUM(COALESCE(m.cogs, 0)) OVER last_30 AS cogs_30d,
           SUM(COALESCE(m.operating_expenses, 0)) OVER last_30 AS operating_expenses_30d,
           SUM(COALESCE(m.other_income, 0)) OVER last_30 AS other_income_30d,
           SUM(COALESCE(m.tax, 0)) OVER last_30 AS tax_30d
    FROM grid g
    LEFT JOIN moves m ON m.factory_id = g.factory_id AND m.day = g.day
    LEFT JOIN opening o ON o.factory_id = g.factory_id
    WINDOW running AS (PARTITION BY g.factory_id ORDER BY g.day),
           last_30 AS (PARTITION BY g.factory_id ORDER BY g.day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
),
averaged AS (
    SELECT b.*,
           AVG(b.inventory) OVER last_30 AS average_inventory_30d,
           AVG(b.receivables) OVER last_30 AS average_receivables_30d
    FROM balances b
    WINDOW last_30 AS (PARTITION BY b.factory_id ORDER BY b.day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT day AS report_date,
       factory_id,
       revenue_30d,
       cogs_30d,
       operating_expenses_30d,
       other_income_30d,
       tax_30d,
       cash,
       receivables AS receivables_amount,
       inventory AS inventory_value,
       liabilities AS current_liabilities_amount,
       average_inventory_30d,
       average_receivables_30d
FROM averaged
WHERE day >= %(start_date)s
