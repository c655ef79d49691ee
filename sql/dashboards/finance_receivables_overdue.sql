-- Finance dashboard: which customers owe the most past their due date, as of the end of %(day)s?
-- Parameters: %(day)s = the day (DATE, UTC), %(limit)s = how many customers to list.
-- Per customer: open receivables by age bucket, overdue amount and its share of the total, over-90-day amount,
-- the oldest item's age, and the share of the credit limit used (NULL where CRM has no limit).
-- Served by the PRIMARY KEY (report_date, customer_id): an equality on its first column reads one day's rows
-- (one per customer with open items) from one partition; the sort is over those few rows.
SELECT customer_id,
       customer_name,
       total_receivable_amount,
       aging_0_30_amount,
       aging_31_60_amount,
       aging_61_90_amount,
       aging_over_90_amount,
       overdue_amount,
       ROUND(100 * overdue_amount / NULLIF(total_receivable_amount, 0), 3) AS overdue_pct,
       oldest_open_days,
       credit_limit_amount,
       ROUND(100 * total_receivable_amount / NULLIF(credit_limit_amount, 0), 3) AS credit_used_pct
FROM accounts_receivable_aging
WHERE report_date = %(day)s
ORDER BY overdue_amount DESC, total_receivable_amount DESC
LIMIT %(limit)s
