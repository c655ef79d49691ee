-- Control total of financial_ratios.revenue_30d (from general_ledger): per day of the window, credits - debits on
-- the operating revenue accounts over the lines of the journal entries posted in the 30 days ending that day.
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(-29, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
revenue AS (
    SELECT h.posting_date AS day,
           SUM(COALESCE(l.functional_credit, 0) - COALESCE(l.functional_debit, 0)) AS amount
    FROM journal_entry_headers h
    JOIN journal_entry_lines l ON l.journal_entry_id = h.journal_entry_id
    JOIN chart_of_accounts a ON a.account_id = l.account_id
    WHERE h.posting_date >= %(start_date)s::date - 29 AND h.posting_date < %(end_date)s
      AND h.posted
      AND a.account_subtype = 'operating_revenue'
    GROUP BY h.posting_date
),
rolling AS (
    SELECT d.day,
           SUM(COALESCE(r.amount, 0)) OVER (ORDER BY d.day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW) AS revenue_30d
    FROM days d
    LEFT JOIN revenue r ON r.day = d.day
)
SELECT day AS report_date, revenue_30d
FROM rolling
WHERE day >= %(start_date)s
