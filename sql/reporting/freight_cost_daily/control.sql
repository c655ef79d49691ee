-- Control total of freight_cost_daily.freight_spend: total_cost of the shipments shipped (not cancelled) per day of
-- the window, 0 on a day without shipments.
WITH days AS (
    SELECT d::date AS report_date
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 day') AS d
)
SELECT d.report_date, COALESCE(SUM(s.total_cost), 0) AS freight_spend
FROM days d
LEFT JOIN shipments s ON s.ship_date = d.report_date AND COALESCE(s.shipment_status, '') <> 'cancelled'
GROUP BY d.report_date
