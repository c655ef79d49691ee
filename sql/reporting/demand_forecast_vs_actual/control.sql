-- Control total of demand_forecast_vs_actual.actual_quantity: units ordered per month of the window (sales order
-- lines by the order's date, without cancelled or deleted orders and lines; 0 in a month without orders).
WITH months AS (
    SELECT m::date AS report_month
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 month') AS m
),
ordered AS (
    SELECT date_trunc('month', o.order_date)::date AS report_month, SUM(COALESCE(l.order_quantity, 0)) AS quantity
    FROM sales_order_lines l
    JOIN sales_orders o ON o.sales_order_id = l.sales_order_id
    WHERE o.order_date >= %(start_date)s AND o.order_date < %(end_date)s
      AND COALESCE(o.order_status, '') <> 'cancelled'
      AND COALESCE(l.line_status, '') <> 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY 1
)
SELECT m.report_month, COALESCE(d.quantity, 0) AS actual_quantity
FROM months m
LEFT JOIN ordered d ON d.report_month = m.report_month
