-- sales_order_summary, genims_erp_db part: booked sales per customer, order creator and order day.
-- Booked = orders not cancelled and their lines not cancelled or deleted (an order counts when one line is booked).
-- revenue = net_price of the lines (net of discount, without tax); cogs = order_quantity x the material's
-- standard_cost. employee_id is the order's creator (crm.sales_reps.employee_id, mapped to the rep downstream);
-- order_ids lists the group's orders, so each order's deliveries (genims_tms_db) land on its row.
WITH orders AS (
    SELECT o.sales_order_id,
           o.order_date,
           o.customer_id,
           o.created_by,
           COUNT(*) AS order_line_count,
           SUM(l.order_quantity) AS units_ordered,
           SUM(COALESCE(l.net_price, 0)) AS revenue,
           SUM(l.order_quantity * COALESCE(m.standard_cost, 0)) AS cogs_amount
    FROM sales_orders o
    JOIN sales_order_lines l ON l.sales_order_id = o.sales_order_id
    LEFT JOIN materials m ON m.material_id = l.material_id
    WHERE o.order_date >= %(start_date)s AND o.order_date < %(end_date)s
      AND o.order_status IS DISTINCT FROM 'cancelled'
      AND l.line_status IS DISTINCT FROM 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY o.sales_order_id
)
SELECT order_date AS report_date,
       customer_id,
       created_by AS employee_id,
       COUNT(*) AS order_count,
       SUM(order_line_count) AS order_line_count,
       SUM(units_ordered) AS units_ordered,
       SUM(revenue) AS revenue,
       SUM(cogs_amount) AS cogs_amount,
       array_agg(sales_order_id ORDER BY sales_order_id) AS order_ids
FROM orders
GROUP BY order_date, customer_id, created_by
