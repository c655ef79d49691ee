-- Control total of customer_performance.ytd_sales_amount: net_price of the booked sales order lines (orders and
-- lines not cancelled, lines not deleted) ordered from 1 January of the as-of day's year to the as-of day.
SELECT SUM(COALESCE(l.net_price, 0)) AS ytd_sales_amount
FROM sales_order_lines l
JOIN sales_orders o ON o.sales_order_id = l.sales_order_id
WHERE o.order_date >= date_trunc('year', %(as_of)s)::date AND o.order_date <= %(as_of)s::date
  AND o.order_status IS DISTINCT FROM 'cancelled'
  AND l.line_status IS DISTINCT FROM 'cancelled'
  AND NOT COALESCE(l.deletion_indicator, false)
