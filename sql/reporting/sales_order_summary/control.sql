-- Control total of sales_order_summary.revenue: net_price of the booked sales order lines per order day
-- (orders and lines not cancelled, lines not deleted), straight from the ERP lines; 0 on a day without any.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
booked AS (
    SELECT o.order_date, SUM(COALESCE(l.net_price, 0)) AS revenue
    FROM sales_order_lines l
    JOIN sales_orders o ON o.sales_order_id = l.sales_order_id
    WHERE o.order_date >= %(start_date)s AND o.order_date < %(end_date)s
      AND o.order_status IS DISTINCT FROM 'cancelled'
      AND l.line_status IS DISTINCT FROM 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY o.order_date
)
SELECT d.report_date, COALESCE(b.revenue, 0.0) AS revenue
FROM days d
LEFT JOIN booked b ON b.order_date = d.report_date
