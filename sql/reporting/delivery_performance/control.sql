-- Control total of delivery_performance.deliveries_count: deliveries completed per day (actual_delivery_date),
-- whatever their factory; 0 on a day without any.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
delivered AS (
    SELECT actual_delivery_date, COUNT(*) AS deliveries_count
    FROM deliveries
    WHERE actual_delivery_date >= %(start_date)s AND actual_delivery_date < %(end_date)s
    GROUP BY actual_delivery_date
)
SELECT d.report_date, COALESCE(x.deliveries_count, 0) AS deliveries_count
FROM days d
LEFT JOIN delivered x ON x.actual_delivery_date = d.report_date
