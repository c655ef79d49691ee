-- demand_forecast_vs_actual, genims_erp_db part: per product and month of the window, the units and net value
-- ordered (sales order lines by the order's date; cancelled or deleted orders and lines are not demand), and the
-- product's average net unit price over the 12 months ending with that month (turns the forecast revenue into
-- units). A product appears in a month when it was ordered that month or in the 11 months before it.
WITH months AS (
    SELECT m::date AS report_month
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 month') AS m
),
ordered AS (
    SELECT date_trunc('month', o.order_date)::date AS order_month,
           COALESCE(NULLIF(l.product_id, ''), 'UNASSIGNED') AS product_id,
           SUM(COALESCE(l.order_quantity, 0)) AS quantity,
           SUM(COALESCE(l.net_price, 0)) AS amount,
           COUNT(*) AS lines
    FROM sales_order_lines l
    JOIN sales_orders o ON o.sales_order_id = l.sales_order_id
    WHERE o.order_date >= %(start_date)s::date - interval '11 months'
      AND o.order_date < %(end_date)s
      AND COALESCE(o.order_status, '') <> 'cancelled'
      AND COALESCE(l.line_status, '') <> 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY 1, 2
)
SELECT m.report_month,
       d.product_id,
       COALESCE(SUM(d.quantity) FILTER (WHERE d.order_month = m.report_month), 0) AS actual_quantity,
       COALESCE(SUM(d.amount) FILTER (WHERE d.order_month = m.report_month), 0) AS actual_amount,
       COALESCE(SUM(d.lines) FILTER (WHERE d.order_month = m.report_month), 0) AS actual_lines,
       SUM(d.amount) / NULLIF(SUM(d.quantity), 0) AS unit_price_12m
FROM months m
JOIN ordered d ON d.order_month > m.report_month - interval '12 months' AND d.order_month <= m.report_month
GROUP BY m.report_month, d.product_id
