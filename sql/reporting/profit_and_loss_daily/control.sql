-- Control total of profit_and_loss_daily.net_income: per posting day, credits - debits of every income statement
-- account in general_ledger (the book of record; the table itself is built from the journal entry lines).
SELECT g.posting_date AS report_date, SUM(COALESCE(g.credit_amount, 0) - COALESCE(g.debit_amount, 0)) AS net_income
FROM general_ledger g
JOIN chart_of_accounts a ON a.account_code = g.gl_account
WHERE g.posting_date >= %(start_date)s AND g.posting_date < %(end_date)s
  AND a.financial_statement = 'income_statement'
GROUP BY g.posting_date
