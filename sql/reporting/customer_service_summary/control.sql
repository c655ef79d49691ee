-- Control total of customer_service_summary.tickets_opened: service tickets created per day, whatever the account;
-- 0 on a day without any.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
opened AS (
    SELECT created_at::date AS created_on, COUNT(*) AS tickets_opened
    FROM service_tickets
    WHERE created_at >= %(start)s AND created_at < %(end)s
    GROUP BY created_at::date
)
SELECT d.report_date, COALESCE(o.tickets_opened, 0) AS tickets_opened
FROM days d
LEFT JOIN opened o ON o.created_on = d.report_date
