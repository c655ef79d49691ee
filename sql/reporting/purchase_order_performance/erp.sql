-- purchase_order_performance, genims_erp_db part: per supplier and day of the window
--   orders:   purchase orders dated (po_date) on the day, not cancelled: count, lines, total_value;
--   receipts: goods receipts dated (gr_date) on the day, not cancelled: count, quantity, value, on time
--             (gr_date <= the PO line's delivery_date) or late, rejected (quality_status blocked), price variance
--             ((receipt unit_price - PO line unit_price) x quantity received), value at PO price, days since po_date.
-- With the supplier's name and type from erp.suppliers.
WITH orders AS (
    SELECT po.supplier_id, po.po_date AS report_date,
           COUNT(*) AS po_count,
           SUM(COALESCE(po.total_value, 0)) AS po_amount,
           SUM((SELECT COUNT(*) FROM purchase_order_lines l
                WHERE l.purchase_order_id = po.purchase_order_id AND NOT COALESCE(l.deletion_indicator, false)))
               AS po_line_count
    FROM purchase_orders po
    WHERE po.po_date >= %(start_date)s AND po.po_date < %(end_date)s
      AND po.po_status IS DISTINCT FROM 'cancelled'
    GROUP BY 1, 2
),
receipts AS (
    SELECT COALESCE(g.supplier_id, po.supplier_id, 'UNASSIGNED') AS supplier_id, g.gr_date AS report_date,
           COUNT(*) AS receipts_count,
           SUM(g.quantity_received) AS received_quantity,
           SUM(COALESCE(g.total_value, 0)) AS received_value,
           COUNT(*) FILTER (WHERE g.gr_date <= l.delivery_date) AS on_time_receipts,
           COUNT(*) FILTER (WHERE g.gr_date > l.delivery_date) AS late_receipts,
           SUM(g.quantity_received) FILTER (WHERE g.quality_status = 'blocked') AS rejected_quantity,
           SUM((g.unit_price - l.unit_price) * g.quantity_received) AS price_variance_amount,
           SUM(l.unit_price * g.quantity_received) AS po_price_value,
           SUM(g.gr_date - po.po_date) AS lead_time_days,
           COUNT(po.po_date) AS lead_time_receipts
    FROM goods_receipts g
    LEFT JOIN purchase_order_lines l ON l.po_line_id = g.po_line_id
    LEFT JOIN purchase_orders po ON po.purchase_order_id = COALESCE(g.purchase_order_id, l.purchase_order_id)
    WHERE g.gr_date >= %(start_date)s AND g.gr_date < %(end_date)s AND NOT COALESCE(g.cancelled, false)
    GROUP BY 1, 2
)
SELECT COALESCE(o.supplier_id, r.supplier_id) AS supplier_id,
       COALESCE(o.report_date, r.report_date) AS report_date,
       s.supplier_name,
       s.supplier_type,
       COALESCE(o.po_count, 0) AS po_count,
       COALESCE(o.po_line_count, 0) AS po_line_count,
       COALESCE(o.po_amount, 0) AS po_amount,
       COALESCE(r.receipts_count, 0) AS receipts_count,
       COALESCE(r.received_quantity, 0) AS received_quantity,
       COALESCE(r.received_value, 0) AS received_value,
       COALESCE(r.on_time_receipts, 0) AS on_time_receipts,
       COALESCE(r.late_receipts, 0) AS late_receipts,
       COALESCE(r.rejected_quantity, 0) AS rejected_quantity,
       COALESCE(r.price_variance_amount, 0) AS price_variance_amount,
       COALESCE(r.po_price_value, 0) AS po_price_value,
       COALESCE(r.lead_time_days, 0) AS lead_time_days,
       COALESCE(r.lead_time_receipts, 0) AS lead_time_receipts
FROM orders o
FULL OUTER JOIN receipts r ON r.supplier_id = o.supplier_id AND r.report_date = o.report_date
LEFT JOIN suppliers s ON s.supplier_id = COALESCE(o.supplier_id, r.supplier_id)
