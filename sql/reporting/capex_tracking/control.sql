-- Control total of capex_tracking.actual_capex_amount: capitalised spend per month in general_ledger, debits -
-- credits on the debit-normal fixed_asset accounts outside the opening-balance entry (document type AB), every
-- assignment included (spend on an asset the CMMS does not know would show as a difference).
SELECT date_trunc('month', g.posting_date)::date AS report_month,
       SUM(COALESCE(g.debit_amount, 0) - COALESCE(g.credit_amount, 0)) AS actual_capex_amount
FROM general_ledger g
JOIN chart_of_accounts a ON a.account_code = g.gl_account
WHERE g.posting_date >= %(start_date)s AND g.posting_date < %(end_date)s
  AND a.account_subtype = 'fixed_asset' AND a.normal_balance = 'debit'
  AND g.document_type IS DISTINCT FROM 'AB'
GROUP BY 1
