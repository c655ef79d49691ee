-- Control total of cash_flow_daily.net_cash_flow (receipts, payments and other flows classified by document): the
-- movement of Cash and Bank (1100) per day in general_ledger, debits - credits outside the opening-balance entry.
SELECT posting_date AS report_date, SUM(COALESCE(debit_amount, 0) - COALESCE(credit_amount, 0)) AS net_cash_flow
FROM general_ledger
WHERE gl_account = '1100' AND posting_date >= %(start_date)s AND posting_date < %(end_date)s
  AND document_type IS DISTINCT FROM 'AB'
GROUP BY posting_date
