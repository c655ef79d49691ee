-- Planning dashboard: what did each carrier cost over the last %(days)s days, and did its invoices match the quotes?
-- Parameters: %(days)s = number of whole UTC days before today (today, still shipping, is left out).
-- Per carrier: shipments, weight, freight spend, cost per shipment and per kg, invoiced vs expected amount of the
-- freight invoices of the period, the invoice variance and its %%, and the disputed invoice lines.
-- Served by the PRIMARY KEY (report_date, carrier_id): a range on its first column, pruned to the monthly
-- partitions of the period (about 5 carriers a day); the grouping is over those rows.
SELECT carrier_id,
       MAX(carrier_name) AS carrier_name,
       MAX(carrier_type) AS carrier_type,
       SUM(shipments_count) AS shipments_count,
       SUM(total_weight_kg) AS total_weight_kg,
       SUM(freight_spend) AS freight_spend,
       ROUND(SUM(freight_spend) / NULLIF(SUM(shipments_count), 0), 2) AS cost_per_shipment,
       ROUND(SUM(freight_spend) / NULLIF(SUM(total_weight_kg), 0), 4) AS cost_per_kg,
       SUM(invoiced_amount) AS invoiced_amount,
       SUM(expected_amount) AS expected_amount,
       SUM(invoice_variance_amount) AS invoice_variance_amount,
       ROUND(100 * SUM(invoice_variance_amount) / NULLIF(SUM(expected_amount), 0), 3) AS invoice_variance_pct,
       SUM(disputed_lines) AS disputed_lines
FROM freight_cost_daily
WHERE report_date >= UTC_DATE() - INTERVAL %(days)s DAY
  AND report_date < UTC_DATE()
GROUP BY carrier_id
ORDER BY freight_spend DESC
