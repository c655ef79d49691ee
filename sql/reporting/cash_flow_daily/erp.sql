-- cash_flow_daily, genims_erp_db part: per plant (general_ledger.profit_center) and day of the window.
-- Flows: lines on Cash and Bank (account 1100) outside the opening-balance entry (document type AB), classified
-- by the document they belong to: debits of a document that credits Accounts Receivable (1200) are customer
-- receipts, credits of a document that debits Accounts Payable (2100) are supplier payments (the payment of a
-- supplier.supplier_invoices row, paid_amount to the cent), the other debits and credits are other flows.
-- Positions at the end of each day: balances of 1100, 1200 (open receivables) and 2100 (open payables, credit -
-- debit): everything posted before the 90-day look-back plus the running sum of the days since. Revenue
-- (operating_revenue accounts, credits - debits) and purchases (credits to 2100 outside the opening entry) of the
-- 90 days ending each day, for DSO and DPO.
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(-89, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
cash_docs AS (
    SELECT document_number,
           bool_or(gl_account = '1200' AND credit_amount > 0) AS clears_receivable,
           bool_or(gl_account = '2100' AND debit_amount > 0) AS pays_supplier
    FROM general_ledger
    WHERE posting_date >= %(start_date)s AND posting_date < %(end_date)s
      AND document_type IS DISTINCT FROM 'AB'
    GROUP BY document_number
    HAVING bool_or(gl_account = '1100')
),
flows AS (
    SELECT g.posting_date AS day,
           COALESCE(g.profit_center, 'UNASSIGNED') AS factory_id,
           SUM(CASE WHEN d.clears_receivable THEN g.debit_amount ELSE 0 END) AS customer_receipts,
           SUM(CASE WHEN d.clears_receivable THEN 0 ELSE g.debit_amount END) AS other_inflows,
           SUM(CASE WHEN d.pays_supplier THEN g.credit_amount ELSE 0 END) AS supplier_payments,
           SUM(CASE WHEN d.pays_supplier THEN 0 ELSE g.credit_amount END) AS other_outflows
    FROM general_ledger g
    JOIN cash_docs d ON d.document_number = g.document_number
    WHERE g.gl_account = '1100' AND g.posting_date >= %(start_date)s AND g.posting_date < %(end_date)s
    GROUP BY 1, 2
),
opening AS (
    SELECT COALESCE(profit_center, 'UNASSIGNED') AS factory_id,
           SUM(CASE WHEN gl_account = '1100' THEN debit_amount - credit_amount ELSE 0 END) AS cash,
           SUM(CASE WHEN gl_account = '1200' THEN debit_amount - credit_amount ELSE 0 END) AS receivables,
           SUM(CASE WHEN gl_account = '2100' THEN credit_amount - debit_amount ELSE 0 END) AS payables
    FROM general_ledger
    WHERE gl_account IN ('1100', '1200', '2100') AND posting_date < %(start_date)s::date - 89
    GROUP BY 1
),
moves AS (
    SELECT g.posting_date AS day,
           COALESCE(g.profit_center, 'UNASSIGNED') AS factory_id,
           SUM(CASE WHEN g.gl_account = '1100' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS cash,
           SUM(CASE WHEN g.gl_account = '1200' THEN g.debit_amount - g.credit_amount ELSE 0 END) AS receivables,
           SUM(CASE WHEN g.gl_account = '2100' THEN g.credit_amount - g.debit_amount ELSE 0 END) AS payables,
           SUM(CASE WHEN g.gl_account = '2100' AND g.document_type IS DISTINCT FROM 'AB' THEN g.credit_amount
                    ELSE 0 END) AS purchases,
           SUM(CASE WHEN a.account_subtype = 'operating_revenue' THEN g.credit_amount - g.debit_amount ELSE 0 END)
               AS revenue
    FROM general_ledger g
    JOIN chart_of_accounts a ON a.account_code = g.gl_account
    WHERE g.posting_date >= %(start_date)s::date - 89 AND g.posting_date < %(end_date)s
      AND (g.gl_account IN ('1100', '1200', '2100') OR a.account_subtype = 'operating_revenue')
    GROUP BY 1, 2
),
grid AS (
    SELECT p.factory_id, d.day AS day
    FROM (SELECT factory_id FROM opening UNION SELECT factory_id FROM moves) AS p
    CROSS JOIN days d
),
positions AS (
    SELECT g.factory_id,
           g.day,
           COALESCE(o.cash, 0) + SUM(COALESCE(m.cash, 0)) OVER running AS closing_cash_balance,
           COALESCE(o.receivables, 0) + SUM(COALESCE(m.receivables, 0)) OVER running AS receivables_amount,
           COALESCE(o.payables, 0) + SUM(COALESCE(m.payables, 0)) OVER running AS payables_amount,
           SUM(COALESCE(m.revenue, 0)) OVER last_90 AS revenue_90d,
           SUM(COALESCE(m.purchases, 0)) OVER last_90 AS purchases_90d
    FROM grid g
    LEFT JOIN moves m ON m.factory_id = g.factory_id AND m.day = g.day
    LEFT JOIN opening o ON o.factory_id = g.factory_id
    WINDOW running AS (PARTITION BY g.factory_id ORDER BY g.day),
           last_90 AS (PARTITION BY g.factory_id ORDER BY g.day ROWS BETWEEN 89 PRECEDING AND CURRENT ROW)
)
SELECT p.day AS report_date,
       p.factory_id,
       COALESCE(f.customer_receipts, 0) AS customer_receipts,
       COALESCE(f.other_inflows, 0) AS other_inflows,
       COALESCE(f.supplier_payments, 0) AS supplier_payments,
       COALESCE(f.other_outflows, 0) AS other_outflows,
       p.closing_cash_balance,
       p.receivables_amount,
       p.payables_amount,
       p.revenue_90d,
       p.purchases_90d
FROM positions p
LEFT JOIN flows f ON f.factory_id = p.factory_id AND f.day = p.day
WHERE p.day >= %(start_date)s
