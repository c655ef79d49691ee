-- Control total of purchase_order_performance.po_amount: total_value of the purchase orders dated on each day,
-- not cancelled.
SELECT po_date AS report_date, SUM(COALESCE(total_value, 0)) AS po_amount
FROM purchase_orders
WHERE po_date >= %(start_date)s AND po_date < %(end_date)s AND po_status IS DISTINCT FROM 'cancelled'
GROUP BY po_date
