-- Control total of accounts_payable_aging.total_payable_amount (open supplier invoices, genims_supplier_db): the
-- balance of Accounts Payable (2100) in the ERP ledger at the end of each day, credits - debits of every
-- general_ledger line posted by then (supplier invoices and their payments are posted there to the cent).
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
opening AS (
    SELECT COALESCE(SUM(COALESCE(credit_amount, 0) - COALESCE(debit_amount, 0)), 0) AS balance
    FROM general_ledger
    WHERE gl_account = '2100' AND posting_date < %(start_date)s
),
moves AS (
    SELECT posting_date AS day, SUM(COALESCE(credit_amount, 0) - COALESCE(debit_amount, 0)) AS amount
    FROM general_ledger
    WHERE gl_account = '2100' AND posting_date >= %(start_date)s AND posting_date < %(end_date)s
    GROUP BY posting_date
)
SELECT d.day AS report_date,
       o.balance + SUM(COALESCE(m.amount, 0)) OVER (ORDER BY d.day) AS total_payable_amount
FROM days d
CROSS JOIN opening o
LEFT JOIN moves m ON m.day = d.day
