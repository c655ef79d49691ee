-- product_sales_performance, genims_erp_db part: booked sales per product and order month, for the window's months
-- and the month before (the prior-month comparison). Booked = orders and lines not cancelled, lines not deleted;
-- revenue = net_price; cogs = order_quantity x the material's standard_cost; the product is the line's
-- product_id, else its material's. Orders and customers are counted once per product and month.
SELECT date_trunc('month', o.order_date)::date AS report_month,
       COALESCE(l.product_id, m.product_id) AS product_id,
       COUNT(DISTINCT o.sales_order_id) AS order_count,
       COUNT(DISTINCT o.customer_id) AS customer_count,
       SUM(l.order_quantity) AS units_sold,
       SUM(COALESCE(l.net_price, 0)) AS revenue,
       SUM(l.order_quantity * COALESCE(m.standard_cost, 0)) AS cogs_amount
FROM sales_orders o
JOIN sales_order_lines l ON l.sales_order_id = o.sales_order_id
LEFT JOIN materials m ON m.material_id = l.material_id
WHERE o.order_date >= (%(start_date)s - interval '1 month')::date AND o.order_date < %(end_date)s
  AND o.order_status IS DISTINCT FROM 'cancelled'
  AND l.line_status IS DISTINCT FROM 'cancelled'
  AND NOT COALESCE(l.deletion_indicator, false)
GROUP BY date_trunc('month', o.order_date), COALESCE(l.product_id, m.product_id)
