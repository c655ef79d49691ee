-- Inventory dashboard: how did each supplier deliver over the last %(days)s days?
-- Parameters: %(days)s = number of whole UTC days before today (today, still being received, is left out).
-- Per supplier: purchase orders and their amount, goods receipts, on-time delivery %%, defect rate %% (rejected /
-- received quantity), price variance and its %% of the value at PO prices, and the average lead time in days
-- (weighted by receipts). Worst on-time delivery first.
-- Served by the PRIMARY KEY (report_date, supplier_id): a range on its first column, pruned to the monthly
-- partitions of the period (a few suppliers a day).
SELECT supplier_id,
       MAX(supplier_name) AS supplier_name,
       SUM(po_count) AS po_count,
       SUM(po_amount) AS po_amount,
       SUM(receipts_count) AS receipts_count,
       SUM(received_value) AS received_value,
       ROUND(100 * SUM(on_time_receipts) / NULLIF(SUM(receipts_count), 0), 3) AS on_time_delivery_pct,
       ROUND(100 * SUM(rejected_quantity) / NULLIF(SUM(received_quantity), 0), 3) AS defect_rate_pct,
       SUM(price_variance_amount) AS price_variance_amount,
       ROUND(100 * SUM(price_variance_amount) / NULLIF(SUM(received_value) - SUM(price_variance_amount), 0), 3)
           AS price_variance_pct,
       ROUND(SUM(average_lead_time_days * receipts_count) / NULLIF(SUM(receipts_count), 0), 1)
           AS average_lead_time_days
FROM purchase_order_performance
WHERE report_date >= UTC_DATE() - INTERVAL %(days)s DAY
  AND report_date < UTC_DATE()
GROUP BY supplier_id
ORDER BY on_time_delivery_pct IS NULL, on_time_delivery_pct, supplier_id
