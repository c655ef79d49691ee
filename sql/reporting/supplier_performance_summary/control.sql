-- Control total of supplier_performance_summary.total_spend_amount: total_spend of the monthly performance metrics,
-- per month of the window (0 in a month without metrics).
WITH months AS (
    SELECT m::date AS report_month
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 month') AS m
)
SELECT m.report_month, COALESCE(SUM(p.total_spend), 0) AS total_spend
FROM months m
LEFT JOIN supplier_performance_metrics p ON p.metric_period = to_char(m.report_month, 'YYYY-MM')
GROUP BY m.report_month
