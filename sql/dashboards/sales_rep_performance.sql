-- Sales dashboard: how did each sales rep sell over the days %(start_date)s to %(end_date)s (inclusive)?
-- Parameters: %(start_date)s, %(end_date)s = first and last order day (DATE, UTC).
-- Per rep and territory: orders, revenue, average order value, margin and its share of revenue, and the on-time and
-- accepted share of the orders' deliveries so far.
-- Served by the PRIMARY KEY (report_date, customer_id, sales_rep_id): a range on its first column reads only the
-- days asked for (and only their monthly partitions); the grouping is over those rows.
SELECT sales_rep_id,
       MAX(sales_rep_name) AS sales_rep_name,
       MAX(territory_id) AS territory_id,
       SUM(order_count) AS orders,
       SUM(revenue) AS revenue,
       ROUND(SUM(revenue) / NULLIF(SUM(order_count), 0), 2) AS average_order_value,
       SUM(margin_amount) AS margin_amount,
       ROUND(100 * SUM(margin_amount) / NULLIF(SUM(revenue), 0), 3) AS margin_pct,
       SUM(deliveries_count) AS deliveries,
       ROUND(100 * SUM(on_time_deliveries) / NULLIF(SUM(deliveries_count), 0), 3) AS on_time_delivery_pct,
       ROUND(100 * SUM(accepted_deliveries) / NULLIF(SUM(deliveries_count), 0), 3) AS quality_acceptance_pct
FROM sales_order_summary
WHERE report_date >= %(start_date)s AND report_date <= %(end_date)s
GROUP BY sales_rep_id
ORDER BY revenue DESC
