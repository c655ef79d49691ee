-- Control total of product_sales_performance.revenue: net_price of the booked sales order lines (orders and lines
-- not cancelled, lines not deleted) per order month.
SELECT date_trunc('month', o.order_date)::date AS report_month, SUM(COALESCE(l.net_price, 0)) AS revenue
FROM sales_order_lines l
JOIN sales_orders o ON o.sales_order_id = l.sales_order_id
WHERE o.order_date >= %(start_date)s AND o.order_date < %(end_date)s
  AND o.order_status IS DISTINCT FROM 'cancelled'
  AND l.line_status IS DISTINCT FROM 'cancelled'
  AND NOT COALESCE(l.deletion_indicator, false)
GROUP BY 1
