-- returns_warranty_summary, genims_tms_db part: per product (return order lines carry the product by the
-- finished-good material's description = the master product name) and day: return orders created on the day with
-- a line of the product, their refund_amount shared over their lines by quantity_to_return, and the return orders
-- per return_reason (JSON {reason: count}).
WITH lines AS (
    SELECT l.material_description AS product_name,
           o.created_at::date AS report_date,
           o.return_order_id,
           o.return_reason,
           COALESCE(o.refund_amount, 0) * CASE
               WHEN SUM(COALESCE(l.quantity_to_return, 0)) OVER (PARTITION BY o.return_order_id) > 0
               THEN COALESCE(l.quantity_to_return, 0)
                    / SUM(COALESCE(l.quantity_to_return, 0)) OVER (PARTITION BY o.return_order_id)
               ELSE 1.0 / COUNT(*) OVER (PARTITION BY o.return_order_id)
           END AS refund_share
    FROM return_orders o
    JOIN return_order_lines l ON l.return_order_id = o.return_order_id
    WHERE o.created_at >= %(start)s AND o.created_at < %(end)s
),
per_reason AS (
    SELECT product_name, report_date, return_reason, COUNT(DISTINCT return_order_id) AS return_orders
    FROM lines
    WHERE return_reason IS NOT NULL
    GROUP BY product_name, report_date, return_reason
)
SELECT l.product_name,
       l.report_date,
       COUNT(DISTINCT l.return_order_id) AS return_orders_count,
       SUM(l.refund_share) AS return_refund_amount,
       (
           SELECT json_object_agg(p.return_reason, p.return_orders ORDER BY p.return_reason)::text
           FROM per_reason p
           WHERE p.product_name IS NOT DISTINCT FROM l.product_name AND p.report_date = l.report_date
       ) AS return_reasons
FROM lines l
GROUP BY l.product_name, l.report_date
