-- accounts_payable_aging, genims_supplier_db part: open supplier invoices per supplier at the end of each day.
-- An invoice is open at the end of day D when invoice_date <= D and it is not paid by D (paid_date empty or after
-- D); amount = total_amount, age = D - invoice_date, overdue when D is past due_date. Its match state at D is the
-- latest three_way_match_log row stamped by the end of D: on hold when that row's action_taken is on_hold (a
-- matching hold), or, with no match yet, when the invoice's payment_status is on_hold (a payment hold); a match
-- exception when that row's result is not matched and outside tolerance (variance_amount = its variance).
WITH days AS (
    SELECT %(start_date)s::date + i AS day
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
open_invoices AS (
    SELECT d.day AS report_date,
           i.invoice_id,
           i.supplier_id,
           COALESCE(i.total_amount, 0) AS amount,
           d.day - i.invoice_date AS age_days,
           d.day > i.due_date AS overdue,
           i.payment_status
    FROM days d
    JOIN supplier_invoices i
      ON i.invoice_date <= d.day
     AND (i.paid_date IS NULL OR i.paid_date > d.day)
    WHERE i.invoice_date < %(end_date)s
      AND (i.paid_date IS NULL OR i.paid_date > %(start_date)s)
),
matched AS (
    SELECT o.*,
           COALESCE(m.action_taken = 'on_hold', o.payment_status = 'on_hold', false) AS on_hold,
           COALESCE(m.match_result <> 'matched' AND NOT m.within_tolerance, false) AS match_exception,
           m.variance_amount
    FROM open_invoices o
    LEFT JOIN LATERAL (
        SELECT l.action_taken, l.match_result, l.within_tolerance, l.variance_amount
        FROM three_way_match_log l
        WHERE l.invoice_id = o.invoice_id AND l.match_timestamp < o.report_date + 1
        ORDER BY l.match_timestamp DESC, l.log_id DESC
        LIMIT 1
    ) AS m ON true
)
SELECT report_date,
       supplier_id,
       COUNT(*) AS open_invoices_count,
       COALESCE(SUM(amount) FILTER (WHERE age_days <= 30), 0) AS aging_0_30_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days BETWEEN 31 AND 60), 0) AS aging_31_60_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days BETWEEN 61 AND 90), 0) AS aging_61_90_amount,
       COALESCE(SUM(amount) FILTER (WHERE age_days > 90), 0) AS aging_over_90_amount,
       COALESCE(SUM(amount) FILTER (WHERE overdue), 0) AS overdue_amount,
       COUNT(*) FILTER (WHERE on_hold) AS invoices_on_hold,
       COALESCE(SUM(amount) FILTER (WHERE on_hold), 0) AS on_hold_amount,
       COUNT(*) FILTER (WHERE match_exception) AS match_exceptions,
       COALESCE(SUM(variance_amount) FILTER (WHERE match_exception), 0) AS match_exception_amount,
       MAX(age_days) AS oldest_open_days
FROM matched
GROUP BY report_date, supplier_id
