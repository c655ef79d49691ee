-- Control total of budget_vs_actual.actual_amount (from account_balances): debits - credits of the income
-- statement's expense accounts in general_ledger, per month of posting.
SELECT date_trunc('month', g.posting_date)::date AS report_month,
       SUM(COALESCE(g.debit_amount, 0) - COALESCE(g.credit_amount, 0)) AS actual_amount
FROM general_ledger g
JOIN chart_of_accounts a ON a.account_code = g.gl_account
WHERE g.posting_date >= %(start_date)s AND g.posting_date < %(end_date)s
  AND a.account_type = 'expense' AND a.financial_statement = 'income_statement'
GROUP BY 1
