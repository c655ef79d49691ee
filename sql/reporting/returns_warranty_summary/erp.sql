-- returns_warranty_summary, genims_erp_db part: per product and day of the window, the order_quantity of booked
-- sales order lines (orders and lines not cancelled, lines not deleted) ordered on the day, and over the 90 days
-- ending the day (units_sold_90d, the rolling return rate). The product is the line's product_id, else its
-- material's.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
sold AS (
    SELECT COALESCE(l.product_id, m.product_id) AS product_id, o.order_date, SUM(l.order_quantity) AS units
    FROM sales_orders o
    JOIN sales_order_lines l ON l.sales_order_id = o.sales_order_id
    LEFT JOIN materials m ON m.material_id = l.material_id
    WHERE o.order_date >= %(start_date)s::date - 89 AND o.order_date < %(end_date)s
      AND o.order_status IS DISTINCT FROM 'cancelled'
      AND l.line_status IS DISTINCT FROM 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY 1, 2
)
SELECT s.product_id,
       d.report_date,
       SUM(s.units) FILTER (WHERE s.order_date = d.report_date) AS units_sold,
       SUM(s.units) AS units_sold_90d
FROM days d
JOIN sold s ON s.order_date BETWEEN d.report_date - 89 AND d.report_date
GROUP BY s.product_id, d.report_date
