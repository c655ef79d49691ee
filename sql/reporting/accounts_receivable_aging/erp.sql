-- accounts_receivable_aging, genims_erp_db part: open receivables per customer at the end of each day.
-- An item is an Accounts Receivable (1200) line of general_ledger (assignment = the customer); it is open at the end
-- of day D when posted by D and not cleared by D (cleared = false, or clearing_date after D); its amount is
-- debit - credit and its age D - document_date (the invoice date, kept for items carried into the ledger).
-- Due date = document_date + the payment terms (NETnn) of the referenced sales order, else of the customer's latest
-- sales order, else 30 days; overdue when D is past it.
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
terms AS (
    SELECT DISTINCT ON (customer_id)
           customer_id,
           substring(payment_terms FROM 'NET\s*(\d+)')::int AS terms_days
    FROM sales_orders
    WHERE payment_terms ~ 'NET\s*\d+'
    ORDER BY customer_id, order_date DESC, sales_order_id DESC
),
items AS (
    SELECT COALESCE(g.assignment, 'UNASSIGNED') AS customer_id,
           g.posting_date,
           g.document_date,
           COALESCE(g.debit_amount, 0) - COALESCE(g.credit_amount, 0) AS amount,
           COALESCE(g.cleared, false) AS cleared,
           g.clearing_date,
           g.document_date + COALESCE(substring(so.payment_terms FROM 'NET\s*(\d+)')::int, t.terms_days, 30) AS due_date
    FROM general_ledger g
    LEFT JOIN sales_orders so ON so.sales_order_id = g.reference_document
    LEFT JOIN terms t ON t.customer_id = g.assignment
    WHERE g.gl_account = '1200'
      AND g.posting_date < %(end_date)s
      AND (NOT COALESCE(g.cleared, false) OR g.clearing_date > %(start_date)s)
),
open_items AS (
    SELECT d.day AS report_date, i.customer_id, i.amount, d.day - i.document_date AS age_days, i.due_date
    FROM days d
    JOIN items i
      ON i.posting_date <= d.day
     AND (NOT i.cleared OR i.clearing_date > d.day)
)
SELECT report_date,
       customer_id,
       COUNT(*) AS open_items_count,
       COALESCE(SUM(amount) FILTER (WHERE age_days <= 30), 0) AS aging_0_30_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days BETWEEN 31 AND 60), 0) AS aging_31_60_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days BETWEEN 61 AND 90), 0) AS aging_61_90_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days > 90), 0) AS aging_over_90_amount,
       COALESCE(SUM(amount) FILTER (WHERE report_date > due_date), 0) AS overdue_amount,
       MAX(age_days) AS oldest_open_days,
       SUM(amount * age_days) AS amount_days
FROM open_items
GROUP BY report_date, customer_id
